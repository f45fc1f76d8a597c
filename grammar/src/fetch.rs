//! Facts of the Fetch standard that the language, the engine and the
//! browser model all need: one definition each.

/// Fetch's forbidden methods: `fetch()` never sends them, and the engine
/// refuses them even under `methods *`. Compared case-insensitively.
pub const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Whether `method` is a forbidden method (byte-case-insensitive).
///
/// Compared as words against constants, so that the check reads no table:
/// it runs on every preflight, often with a cold cache (a request with a
/// large header has just evicted it), where each line read costs more
/// than the whole comparison. Every forbidden method is letters only, and
/// a byte `b` has `b | 0x20` equal to a lowercase letter exactly when `b`
/// is that letter in either case, so folding both sides with `| 0x20` is
/// an exact case-insensitive comparison.
#[inline]
pub fn is_forbidden_method(method: &[u8]) -> bool {
    const FOLD: u32 = u32::from_le_bytes([0x20; 4]);
    /// The first and last four bytes of a method (of 4 bytes or more; a
    /// shorter one is none of the forbidden), folded.
    const fn ends(method: &[u8]) -> Option<(u32, u32)> {
        match (method.first_chunk::<4>(), method.last_chunk::<4>()) {
            (Some(first), Some(last)) => Some((
                u32::from_le_bytes(*first) | FOLD,
                u32::from_le_bytes(*last) | FOLD,
            )),
            _ => None,
        }
    }
    const CONNECT: Option<(u32, u32)> = ends(FORBIDDEN_METHODS[0].as_bytes());
    const TRACE: Option<(u32, u32)> = ends(FORBIDDEN_METHODS[1].as_bytes());
    const TRACK: Option<(u32, u32)> = ends(FORBIDDEN_METHODS[2].as_bytes());
    let folded = ends(method);
    match method.len() {
        5 => folded == TRACE || folded == TRACK,
        7 => folded == CONNECT,
        _ => false,
    }
}

/// Fetch's CORS-safelisted methods: a request with one of them needs no
/// preflight for its method, and a policy allows them always. Byte-exact
/// (case-sensitive): meant for a method already normalized.
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Whether `method` is a CORS-safelisted method (byte for byte).
#[inline]
pub fn is_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// The methods Fetch's "normalize a method" byte-uppercases when a script
/// spells them in any case; every other method is sent as written (`patch`
/// stays `patch`).
pub const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Fetch's forbidden request-header names (lowercase), besides the `proxy-`
/// and `sec-` prefixes (current spec: `User-Agent` is no longer in it,
/// `Set-Cookie` is).
pub const FORBIDDEN_REQUEST_HEADER_NAMES: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// The prefixes that make a request-header name forbidden.
pub const FORBIDDEN_REQUEST_HEADER_PREFIXES: [&str; 2] = ["proxy-", "sec-"];

/// Whether `name` is a forbidden request-header name: a listed one, or one
/// that starts with `proxy-` or `sec-` (byte-case-insensitive).
pub fn is_forbidden_request_header_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    FORBIDDEN_REQUEST_HEADER_PREFIXES.iter().any(|p| {
        bytes
            .get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    }) || FORBIDDEN_REQUEST_HEADER_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// Whether a serialized host is loopback: `localhost`, `*.localhost`,
/// `127.0.0.0/8`, `[::1]` (a trailing dot ignored). What `insecure-origin`
/// and `explain` both mean by loopback.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|a| a.is_loopback())
}

/// The site of a serialized host as browsers draw it for cookies: its
/// registrable domain by the Public Suffix List (`app.example.co.uk` →
/// `example.co.uk`); a host with none (an IP address, `localhost`, a public
/// suffix itself) is its own site.
pub fn site(host: &str) -> &str {
    let bare = host.strip_suffix('.').unwrap_or(host);
    registrable_domain(bare).unwrap_or(host)
}

/// The registrable domain of `host` by the Public Suffix List
/// (`app.example.co.uk` → `example.co.uk`), when the list knows its suffix;
/// `None` for an IP address, `localhost`, an unknown TLD or a public suffix
/// itself. A trailing dot is taken as written.
pub fn registrable_domain(host: &str) -> Option<&str> {
    psl::domain(host.as_bytes())
        .filter(|d| d.suffix().is_known())
        .and_then(|d| std::str::from_utf8(d.as_bytes()).ok())
}

/// Whether a `*.` wildcard over `suffix` (a serialized host) covers sites
/// of different owners: `suffix` is itself a public suffix, or its children
/// are — every rule kind of the Public Suffix List, ICANN and private
/// sections: plain (`com`, `co.uk`, `github.io`), wildcard (`*.ck` makes
/// `ck` and every `x.ck` suffixes; `*.kawasaki.jp`, `*.sch.uk`,
/// `*.compute-1.amazonaws.com`) and exception rules (`!www.ck`: `www.ck` is a
/// site, so `*.www.ck` is allowed).
pub fn is_public_suffix(suffix: &str) -> bool {
    let trimmed = suffix.strip_suffix('.').unwrap_or(suffix);
    if trimmed.is_empty() {
        return false;
    }
    // A wildcard rule `*.suffix` makes every child a suffix: ask about one
    // that no exception rule names.
    is_listed_suffix(trimmed) || is_listed_suffix(&format!("{CHILD_PROBE}.{trimmed}"))
}

/// A label no Public Suffix List rule names, to find wildcard rules.
const CHILD_PROBE: &str = "x--cors-policy-probe";

/// Whether `name` is exactly a suffix the list names (not merely the
/// implicit `*` rule that makes any unknown TLD a suffix).
fn is_listed_suffix(name: &str) -> bool {
    psl::suffix(name.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == name.as_bytes())
}

/// An HTTP `tchar` (RFC 9110 §5.6.2): the bytes of a token, which Fetch
/// uses for methods and header names.
#[inline]
pub const fn is_tchar(b: u8) -> bool {
    matches!(b,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.'
        | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// [`is_tchar`] of every byte: one load a byte instead of a chain of range
/// comparisons (the engine checks names and methods on every preflight).
static TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[expect(clippy::indexing_slicing, reason = "b < 256, the table's length")]
        {
            table[b] = is_tchar(b as u8);
        }
        b += 1;
    }
    table
};

/// [`is_tchar`], by table lookup.
#[inline]
pub fn is_tchar_fast(b: u8) -> bool {
    TCHAR.get(usize::from(b)).copied().unwrap_or(false)
}

/// An HTTP token (RFC 9110 §5.6.2): one or more [`is_tchar`] bytes.
#[inline]
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(|&b| is_tchar_fast(b))
}

/// A byte of a URL scheme after its first (RFC 3986 §3.1: a letter, then
/// letters, digits, `+`, `-` or `.`).
#[inline]
pub const fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')
}

/// Whether `s` is a URL scheme (RFC 3986 §3.1): a letter, then
/// [`is_scheme_byte`]s.
#[inline]
pub fn is_scheme(s: &[u8]) -> bool {
    s.first().is_some_and(u8::is_ascii_alphabetic) && s.iter().all(|&b| is_scheme_byte(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_safelisted_check_is_the_safelisted_list() {
        // `is_safelisted_method` matches literals for speed: the same three.
        for method in SAFELISTED_METHODS {
            assert!(is_safelisted_method(method.as_bytes()), "{method}");
            assert!(!is_safelisted_method(
                method.to_ascii_lowercase().as_bytes()
            ));
        }
        for method in NORMALIZED_METHODS {
            assert_eq!(
                is_safelisted_method(method.as_bytes()),
                SAFELISTED_METHODS.contains(&method),
                "{method}"
            );
        }
        assert!(!is_safelisted_method(b"PATCH"));
    }

    #[test]
    fn the_forbidden_check_is_the_forbidden_list() {
        // Every case spelling of each listed method, and every one-byte
        // change of it (a near miss must not pass for it).
        for method in FORBIDDEN_METHODS {
            let bytes = method.as_bytes();
            for mask in 0u32..(1 << bytes.len()) {
                let spelled: Vec<u8> = bytes
                    .iter()
                    .enumerate()
                    .map(|(i, &b)| match mask >> i & 1 {
                        1 => b.to_ascii_lowercase(),
                        _ => b,
                    })
                    .collect();
                assert!(is_forbidden_method(&spelled), "{spelled:?}");
            }
            for i in 0..bytes.len() {
                for b in 0..=u8::MAX {
                    let mut changed = bytes.to_vec();
                    changed[i] = b;
                    assert_eq!(
                        is_forbidden_method(&changed),
                        FORBIDDEN_METHODS
                            .iter()
                            .any(|m| m.as_bytes().eq_ignore_ascii_case(&changed)),
                        "{changed:?}"
                    );
                }
            }
            let mut longer = bytes.to_vec();
            longer.push(b'S');
            assert!(!is_forbidden_method(&longer));
            assert!(!is_forbidden_method(&bytes[1..]));
        }
        for other in ["", "GET", "TRAC", "PATCH", "OPTIONS", "CONNECTS"] {
            assert!(!is_forbidden_method(other.as_bytes()), "{other}");
        }
    }

    #[test]
    fn forbidden_names_and_methods_ignore_case() {
        assert!(is_forbidden_method(b"track"));
        assert!(is_forbidden_method(b"CONNECT"));
        assert!(!is_forbidden_method(b"PATCH"));
        assert!(is_forbidden_request_header_name("Cookie"));
        assert!(is_forbidden_request_header_name("SEC-fetch-mode"));
        assert!(is_forbidden_request_header_name("proxy-authorization"));
        assert!(!is_forbidden_request_header_name("x-request-id"));
        assert!(!is_forbidden_request_header_name("se"));
    }

    #[test]
    fn sites_follow_the_public_suffix_list() {
        assert_eq!(site("app.example.com"), "example.com");
        assert_eq!(site("example.com"), "example.com");
        assert_eq!(site("a.b.example.co.uk"), "example.co.uk");
        assert_eq!(site("127.0.0.1"), "127.0.0.1");
        assert_eq!(site("localhost"), "localhost");
    }

    #[test]
    fn public_suffixes() {
        for s in [
            "com",
            "co.uk",
            "github.io",
            "de",
            "xn--p1ai",
            // Wildcard rules: the parent and every child.
            "ck",
            "anything.ck",
            "np",
            "jm",
            "kawasaki.jp",
            "nakahara.kawasaki.jp",
            "sch.uk",
            "school.sch.uk",
            "compute-1.amazonaws.com",
            "ec2.compute-1.amazonaws.com",
            "COM.",
        ] {
            assert!(is_public_suffix(&s.to_ascii_lowercase()), "{s}");
        }
        for s in [
            "example.com",
            "example.co.uk",
            "localhost",
            "internal",
            "alice.github.io",
            // Exception rules: these are sites.
            "www.ck",
            "city.kawasaki.jp",
            "a.school.sch.uk",
        ] {
            assert!(!is_public_suffix(s), "{s}");
        }
    }

    #[test]
    fn the_token_table_is_tchar() {
        for b in 0..=u8::MAX {
            assert_eq!(is_tchar_fast(b), is_tchar(b), "{b}");
            assert_eq!(is_token(&[b]), is_tchar(b), "{b}");
        }
        assert!(!is_token(b""));
    }
}
