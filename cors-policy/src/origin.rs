//! Origins: the request's `Origin` parsed structurally (no allocation), and
//! the policy's entries compiled into one lookup per strategy — exact set,
//! host lookup for port wildcards, label-suffix lookup for `*.` subdomains,
//! one regex pass.

use crate::compile::{FastMap, Sharded};
use crate::grammar::limits::{self, MAX_LABEL_LEN};
use crate::grammar::model::{HostPattern, OriginMatcher, PortPattern};

/// The longest `Origin` value the engine reads; a longer one is denied as
/// malformed (`malformed-origin`) before it is hashed, parsed or matched.
///
/// A serialized origin is a scheme, `://`, a host and an optional `:port`.
/// A host a browser can have loaded a page from is a DNS name (at most 253
/// bytes), an IPv4 address (at most 15) or an IPv6 literal (at most 41 with
/// its brackets), so a real origin is under 300 bytes even with a long
/// scheme (`chrome-extension://` and a 32-byte id is 51). The cap is over
/// three times that, and it bounds the work a hostile `Origin` can cost
/// (without it a 64 KiB value is read whole).
pub const MAX_ORIGIN_LEN: usize = 1024;

/// A request `Origin` that is a serialized origin exactly as a browser sends
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parsed<'a> {
    /// `null`.
    Null,
    /// `scheme://host[:port]`.
    Tuple {
        scheme: &'a [u8],
        host: &'a [u8],
        /// `None`: no port written (the scheme's default).
        port: Option<u16>,
    },
}

/// The port a scheme leaves out when serializing.
pub(crate) fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        _ => None,
    }
}

/// Parses a request's `Origin` value, accepting only the canonical
/// serialization: `null`, or a lowercase scheme (`[a-z][a-z0-9+.-]*`), `://`,
/// a host of `[a-z0-9._-]` (or an IPv6 address of `[0-9a-f:]` in brackets),
/// and an optional port of decimal digits without leading zeros, at most
/// 65535 and not the scheme's default. Everything else (uppercase,
/// whitespace, path, trailing slash, userinfo, query, non-ASCII, a DNS
/// label over 63 bytes or a host over 253, …) is `None`.
pub(crate) fn parse(origin: &[u8]) -> Option<Parsed<'_>> {
    if origin == b"null" {
        return Some(Parsed::Null);
    }
    // One pass over the scheme: it ends at the first byte that is not a
    // scheme byte, which must start `://` (the same as finding the first
    // `://` and checking what precedes it, without scanning a long origin
    // that has none).
    let (first, _) = origin.split_first()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    let sep = origin
        .iter()
        .position(|&b| class(b) & SCHEME == 0)
        .unwrap_or(origin.len());
    let (scheme, rest) = origin.split_at(sep);
    let rest = rest.strip_prefix(b"://")?;
    let (host, after) = if rest.first() == Some(&b'[') {
        let close = rest.iter().position(|&b| b == b']')?;
        let (host, after) = rest.split_at(close + 1);
        let inner = host.get(1..close)?;
        if inner.is_empty()
            || !inner
                .iter()
                .all(|&b| b.is_ascii_digit() || matches!(b, b'a'..=b'f' | b':'))
        {
            return None;
        }
        (host, after)
    } else {
        // A port is at most `:` and 5 digits, so a `:` can only be in the
        // last 6 bytes; any other `:` makes the host invalid (`:` is not a
        // host byte) — what splitting at the first `:` would reject too.
        let tail = rest.len().saturating_sub(6);
        let end = rest
            .get(tail..)
            .and_then(|t| t.iter().rposition(|&b| b == b':'))
            .map_or(rest.len(), |at| tail + at);
        let (host, after) = rest.split_at(end);
        if host.is_empty() || !all_host_bytes(host) || !limits::host_fits(host) {
            return None;
        }
        (host, after)
    };
    let port = match after.split_first() {
        None => None,
        Some((b':', digits)) => {
            let port = parse_port(digits)?;
            if default_port(scheme) == Some(port) {
                return None;
            }
            Some(port)
        }
        Some(_) => return None,
    };
    Some(Parsed::Tuple { scheme, host, port })
}

/// `[a-z0-9+.-]`.
const fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'.' | b'-')
}

/// `[a-z0-9._-]`.
const fn is_host_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
}

/// [`class`] bit: [`is_host_byte`].
const HOST: u8 = 1;
/// [`class`] bit: [`is_scheme_byte`].
const SCHEME: u8 = 2;

/// The classes of every byte: one load a byte instead of a chain of range
/// comparisons.
static CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        #[expect(clippy::indexing_slicing, reason = "b < 256, the table's length")]
        {
            table[b] = if is_host_byte(byte) { HOST } else { 0 }
                | if is_scheme_byte(byte) { SCHEME } else { 0 };
        }
        b += 1;
    }
    table
};

/// The [`HOST`] and [`SCHEME`] bits of `b`.
fn class(b: u8) -> u8 {
    CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// Whether every byte is `[a-z0-9._-]`: a table lookup a byte, without
/// short-circuit (the origin is at most [`MAX_ORIGIN_LEN`] bytes anyway).
fn all_host_bytes(host: &[u8]) -> bool {
    host.iter().fold(true, |ok, &b| ok & (class(b) & HOST != 0))
}

/// A canonical decimal port: 1–5 digits, no leading zero (except `0`), ≤ 65535.
fn parse_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || (digits.len() > 1 && digits.first() == Some(&b'0'))
    {
        return None;
    }
    let mut value: u32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(d - b'0');
    }
    u16::try_from(value).ok()
}

/// A label a `*` may stand for: 1–63 bytes of `a-z 0-9 - _`.
fn is_wild_label(label: &[u8]) -> bool {
    (1..=MAX_LABEL_LEN).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn port_matches(pattern: &PortPattern, port: Option<u16>) -> bool {
    match pattern {
        PortPattern::Any => true,
        PortPattern::Default => port.is_none(),
        PortPattern::Exact(p) => port == Some(*p),
    }
}

/// How the origin check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// `origins *`: every origin.
    Any,
    /// The first matching entry, by index into the policy's `origins`.
    Entry(usize),
    /// Not a serialized origin as browsers send it.
    Malformed,
    /// No entry matches.
    NotAllowed,
}

/// Port patterns under one (scheme, host or suffix) key, in entry order.
type PortEntries = Vec<(PortPattern, usize)>;

/// host (or suffix) → port patterns.
type ByHost = FastMap<Box<[u8]>, PortEntries>;

/// scheme → host (or suffix) → port patterns. A policy names a scheme or
/// two, so the schemes are compared in a row rather than hashed.
type ByScheme = Vec<(Box<[u8]>, ByHost)>;

/// The hosts (or suffixes) of `scheme`, if any.
fn by_scheme<'t>(table: &'t ByScheme, scheme: &[u8]) -> Option<&'t ByHost> {
    table
        .iter()
        .find(|(s, _)| **s == *scheme)
        .map(|(_, hosts)| hosts)
}

/// A set of lengths 0–255: which suffix lengths `subdomains` holds, so a
/// candidate of another length is not hashed.
#[derive(Debug, Default)]
struct Lengths([u64; 4]);

impl Lengths {
    fn insert(&mut self, len: usize) {
        // Longer suffixes are always looked up (see `contains`).
        if let Some(word) = self.0.get_mut(len / 64) {
            *word |= 1u64 << (len % 64);
        }
    }

    fn contains(&self, len: usize) -> bool {
        self.0
            .get(len / 64)
            .is_none_or(|word| word & (1u64 << (len % 64)) != 0)
    }
}

/// One policy's origins, compiled.
#[derive(Debug, Default)]
pub(crate) struct OriginSet {
    /// `*` present.
    any: bool,
    /// The first `null` entry.
    null: Option<usize>,
    /// No `null`, port or subdomain pattern, no regex: only `exact`.
    exact_only: bool,
    /// Exact serialized origins → first entry.
    exact: FastMap<Box<[u8]>, usize>,
    /// The longest key of `exact`: a longer origin is not hashed.
    max_exact_len: usize,
    /// scheme → host → port patterns (patterns with an exact host).
    hosts: ByScheme,
    /// scheme → suffix → port patterns (`*.suffix`).
    subdomains: ByScheme,
    /// The longest suffix in `subdomains`: longer candidates are not looked up.
    max_suffix_len: usize,
    /// The lengths of the suffixes in `subdomains`.
    suffix_lens: Lengths,
    /// The regexes, anchored, in one pass; pattern i → entry `regex_entries[i]`.
    regex: Option<Sharded>,
    regex_entries: Vec<usize>,
    /// `set "NAME"` entries, each looked up in its set's current contents.
    sets: Vec<SetSlot>,
}

/// One `set "NAME"` entry of a policy: its index and, once the engine is
/// built, the set it reads ([`OriginSet::bind_sets`]).
#[derive(Debug)]
struct SetSlot {
    index: usize,
    name: Box<str>,
    set: Option<crate::sets::OriginSet>,
}

impl OriginSet {
    /// Compiles the entries. `regex` builds the one-pass matcher from the
    /// anchored patterns (an error names the pattern that failed).
    pub(crate) fn new(
        entries: &[crate::grammar::model::Origin],
        regex: impl FnOnce(&[String]) -> Result<Sharded, String>,
    ) -> Result<OriginSet, String> {
        let mut set = OriginSet::default();
        let mut patterns = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match &entry.matcher {
                OriginMatcher::Any => set.any = true,
                OriginMatcher::Null => {
                    set.null.get_or_insert(index);
                }
                OriginMatcher::Exact(origin) => {
                    // Only a key a request's origin can equal: one that
                    // parses as a tuple origin (others never matched). So a
                    // hit in `exact` needs no parse: see `find`.
                    if matches!(parse(origin.as_bytes()), Some(Parsed::Tuple { .. })) {
                        set.max_exact_len = set.max_exact_len.max(origin.len());
                        set.exact.entry(origin.as_bytes().into()).or_insert(index);
                    }
                }
                OriginMatcher::Pattern(pattern) => {
                    let (table, key) = match &pattern.host {
                        HostPattern::Exact(host) => (&mut set.hosts, host),
                        HostPattern::Subdomains(suffix) => {
                            set.max_suffix_len = set.max_suffix_len.max(suffix.len());
                            set.suffix_lens.insert(suffix.len());
                            (&mut set.subdomains, suffix)
                        }
                    };
                    let scheme = pattern.scheme.as_bytes();
                    let at = match table.iter().position(|(s, _)| **s == *scheme) {
                        Some(at) => at,
                        None => {
                            table.push((scheme.into(), ByHost::default()));
                            table.len() - 1
                        }
                    };
                    if let Some((_, hosts)) = table.get_mut(at) {
                        hosts
                            .entry(key.as_bytes().into())
                            .or_default()
                            .push((pattern.port.clone(), index));
                    }
                }
                OriginMatcher::Set(name) => set.sets.push(SetSlot {
                    index,
                    name: name.as_str().into(),
                    set: None,
                }),
                OriginMatcher::Regex(re) => {
                    // Wrapped only once it parses alone: `a)|(.*` would
                    // otherwise escape the anchoring group.
                    regex_automata::util::syntax::parse(re).map_err(|e| format!("{re}: {e}"))?;
                    patterns.push(format!("^(?:{re})$"));
                    set.regex_entries.push(index);
                }
            }
        }
        if !patterns.is_empty() {
            set.regex = Some(regex(&patterns)?);
        }
        set.exact_only = set.null.is_none()
            && set.hosts.is_empty()
            && set.subdomains.is_empty()
            && set.regex.is_none()
            && set.sets.is_empty();
        Ok(set)
    }

    /// Gives each `set "NAME"` entry the set `supply` has for its name; the
    /// first name it has none for is the error (with its entry's index).
    pub(crate) fn bind_sets(
        &mut self,
        supply: &mut dyn FnMut(&str) -> Option<crate::sets::OriginSet>,
    ) -> Result<(), (usize, Box<str>)> {
        for slot in &mut self.sets {
            match supply(&slot.name) {
                Some(set) => slot.set = Some(set),
                None => return Err((slot.index, slot.name.clone())),
            }
        }
        Ok(())
    }

    /// Whether the answer is `*` whatever the origin.
    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// Checks a request's `Origin`: the first entry (in file order) that
    /// matches. Linear in the origin's length, which is capped
    /// ([`MAX_ORIGIN_LEN`]); allocates nothing.
    #[inline]
    pub(crate) fn find(&self, origin: &[u8]) -> Found {
        if self.any {
            // Answered `*` whatever the origin, malformed or too long.
            return Found::Any;
        }
        // The cap first, in O(1): an over-long origin is never read.
        if origin.len() > MAX_ORIGIN_LEN {
            return Found::Malformed;
        }
        // Exact origins only (the common case): one hash lookup, and the
        // origin is parsed only when it misses, to tell a malformed origin
        // from one not allowed. A key of `exact` is a tuple origin that
        // parses, so a hit is the same answer as the full path below.
        if self.exact_only {
            if origin.len() <= self.max_exact_len
                && let Some(&index) = self.exact.get(origin)
            {
                return Found::Entry(index);
            }
            return match parse(origin) {
                Some(_) => Found::NotAllowed,
                None => Found::Malformed,
            };
        }
        self.find_by_parts(origin)
    }

    /// [`find`](Self::find) for a set with more than exact origins: the
    /// origin parsed, then every strategy.
    #[inline(never)]
    fn find_by_parts(&self, origin: &[u8]) -> Found {
        let Some(parsed) = parse(origin) else {
            return Found::Malformed;
        };
        self.lookup(origin, parsed)
            .map_or(Found::NotAllowed, Found::Entry)
    }

    /// The first entry that matches `origin`, already parsed as `parsed`.
    pub(crate) fn lookup(&self, origin: &[u8], parsed: Parsed<'_>) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut consider = |index: usize| {
            best = Some(best.map_or(index, |b| b.min(index)));
        };
        match parsed {
            Parsed::Null => {
                if let Some(index) = self.null {
                    consider(index);
                }
            }
            Parsed::Tuple { scheme, host, port } => {
                if origin.len() <= self.max_exact_len
                    && let Some(&index) = self.exact.get(origin)
                {
                    consider(index);
                }
                if let Some(entries) =
                    by_scheme(&self.hosts, scheme).and_then(|hosts| hosts.get(host))
                {
                    for (pattern, index) in entries {
                        if port_matches(pattern, port) {
                            consider(*index);
                        }
                    }
                }
                if let Some(suffixes) = by_scheme(&self.subdomains, scheme) {
                    self.find_subdomain(suffixes, host, port, &mut consider);
                }
                // A set never matches `null`: only tuple origins reach it.
                for slot in &self.sets {
                    if slot
                        .set
                        .as_ref()
                        .is_some_and(|set| set.matches(origin, parsed))
                    {
                        consider(slot.index);
                    }
                }
                // Only a tuple origin goes through the regexes: `null` is
                // matched by the `null` keyword alone, whatever a regex says.
                if let Some(index) = self
                    .regex
                    .as_ref()
                    .and_then(|regex| regex.find(origin))
                    .and_then(|pattern| self.regex_entries.get(pattern))
                {
                    consider(*index);
                }
            }
        }
        best
    }

    /// `*.suffix` entries: split the host at each dot whose left side is all
    /// wildcard labels, and look the right side up — at most the dots within
    /// the last `max_suffix_len` bytes are looked up. `host` is a parsed
    /// host: `[a-z0-9._-]` (a bracketed IPv6 address has no dot), so a label
    /// between dots is a wildcard label exactly when its length is 1–63.
    fn find_subdomain(
        &self,
        suffixes: &ByHost,
        host: &[u8],
        port: Option<u16>,
        consider: &mut impl FnMut(usize),
    ) {
        // Label by label: each step finds the next dot (a tight search),
        // and the rest of the host after it is the candidate suffix.
        let mut rest = host;
        while let Some(dot) = rest.iter().position(|&b| b == b'.') {
            let (label, after) = rest.split_at(dot);
            let wild = (1..=MAX_LABEL_LEN).contains(&label.len());
            debug_assert_eq!(wild, is_wild_label(label));
            if !wild {
                // Every later split would have this label on its left.
                return;
            }
            let suffix = after.get(1..).unwrap_or_default();
            rest = suffix;
            if suffix.len() > self.max_suffix_len || !self.suffix_lens.contains(suffix.len()) {
                continue;
            }
            if let Some(entries) = suffixes.get(suffix) {
                for (pattern, index) in entries {
                    if port_matches(pattern, port) {
                        consider(*index);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tuple(s: &str) -> Option<(String, String, Option<u16>)> {
        match parse(s.as_bytes())? {
            Parsed::Null => Some(("null".into(), String::new(), None)),
            Parsed::Tuple { scheme, host, port } => Some((
                String::from_utf8(scheme.to_vec()).unwrap(),
                String::from_utf8(host.to_vec()).unwrap(),
                port,
            )),
        }
    }

    #[test]
    fn the_class_table_is_the_byte_rules() {
        for b in 0..=255u8 {
            assert_eq!(class(b) & HOST != 0, is_host_byte(b), "{b}");
            assert_eq!(class(b) & SCHEME != 0, is_scheme_byte(b), "{b}");
            assert_eq!(all_host_bytes(&[b]), is_host_byte(b), "{b}");
        }
        assert!(is_host_byte(b'_') && !is_scheme_byte(b'_'));
        assert!(is_scheme_byte(b'+') && !is_host_byte(b'+'));
        assert!(!is_host_byte(b'A') && !is_scheme_byte(b'A'));
    }

    #[test]
    fn canonical_origins_parse() {
        assert_eq!(
            tuple("https://a.example.com"),
            Some(("https".into(), "a.example.com".into(), None))
        );
        assert_eq!(
            tuple("http://localhost:8080"),
            Some(("http".into(), "localhost".into(), Some(8080)))
        );
        assert_eq!(
            tuple("http://[::1]:3000"),
            Some(("http".into(), "[::1]".into(), Some(3000)))
        );
        assert_eq!(
            tuple("https://a.com:80"),
            Some(("https".into(), "a.com".into(), Some(80)))
        );
        assert_eq!(
            tuple("http://a.com:0"),
            Some(("http".into(), "a.com".into(), Some(0)))
        );
        assert_eq!(
            tuple("chrome-extension://abcdefghijklmnopabcdefghijklmnop"),
            Some((
                "chrome-extension".into(),
                "abcdefghijklmnopabcdefghijklmnop".into(),
                None
            ))
        );
        assert!(matches!(parse(b"null"), Some(Parsed::Null)));
    }

    #[test]
    fn non_canonical_origins_do_not_parse() {
        for bad in [
            "",
            "Null",
            "NULL",
            "https://A.example.com",
            "HTTPS://a.com",
            "https://a.com/",
            "https://a.com/x",
            "https://user@a.com",
            "https://a.com?q",
            "https://a.com#f",
            " https://a.com",
            "https://a.com ",
            "https://a.com:443",
            "http://a.com:80",
            "wss://a.com:443",
            "ws://a.com:80",
            "https://a.com:",
            "https://a.com:08080",
            "https://a.com:65536",
            "https://a.com:123456",
            "https://a.com:-1",
            "https://",
            "https:a.com",
            "https:/a.com",
            "://a.com",
            "1https://a.com",
            "https://m\u{fc}nchen.de",
            "https://a.com\r\n",
            "https://a\0.com",
            "http://[::1",
            "http://[]",
            "http://[::G]",
            "http://[::1]x",
            "http://[::1]:80",
            "https://a.com:8443:1",
            "https://a%2ecom",
        ] {
            assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn wildcard_labels() {
        assert!(is_wild_label(b"a"));
        assert!(is_wild_label(b"pr-12_x"));
        assert!(is_wild_label(&[b'a'; 63]));
        assert!(!is_wild_label(&[b'a'; 64]));
        assert!(!is_wild_label(b""));
        assert!(!is_wild_label(b"A"));
        assert!(!is_wild_label(b"a*b"));
    }
}
