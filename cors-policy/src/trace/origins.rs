//! The origin check of a [`Trace`](crate::Trace): [`OriginCheck`] and
//! its outcome, and the analysis of a refusal worked out off the hot path
//! — what is wrong with a malformed origin ([`Malformation`]), which
//! entries come closest to a refused one ([`Candidate`], [`Difference`]).

use std::fmt;

use crate::grammar::model::{self, HostPattern, OriginMatcher, PortPattern};
use crate::origin::{self, MAX_ORIGIN_LEN, Parsed};

/// The `Origin` check.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OriginCheck<'a> {
    /// The `Origin` header's value, as received.
    pub origin: &'a [u8],
    /// How the check came out.
    pub outcome: OriginOutcome<'a>,
}

/// How the `Origin` check came out.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OriginOutcome<'a> {
    /// `origins *`: every origin, answered `*` without reading it.
    Any,
    /// Allowed by this entry of the policy's `origins` (the first matching
    /// one in file order).
    Matched {
        /// The index into the policy's `origins`.
        entry: usize,
        /// The entry as written.
        source: &'a str,
    },
    /// Refused: the request carried more than one `Origin` header.
    Duplicated,
    /// Refused: not a serialized origin as browsers send it.
    Malformed {
        /// What is wrong with it.
        problem: Malformation,
        /// The origin written as a browser would send it, when it can be
        /// (lowercased, trailing slash and path dropped, default port
        /// dropped, …).
        canonical: Option<String>,
        /// The entry the canonical form matches, if any: the origin would
        /// be allowed if sent that way.
        canonical_entry: Option<usize>,
    },
    /// Refused: well-formed, but no entry matches.
    NotAllowed {
        /// The closest entries, best first, each with how it differs.
        candidates: Vec<Candidate<'a>>,
    },
}

/// What is wrong with a malformed `Origin`. The first problem found, in the
/// order listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformation {
    /// Longer than [`MAX_ORIGIN_LEN`]; never read.
    TooLong {
        /// Its length in bytes.
        len: usize,
    },
    /// Empty.
    Empty,
    /// Spaces or tabs around or inside it.
    Whitespace,
    /// A byte that is neither printable ASCII nor whitespace (non-ASCII,
    /// CR, LF, NUL…): a browser sends hosts in punycode.
    InvalidByte,
    /// No `scheme://`.
    NoScheme,
    /// Uppercase letters: browsers serialize scheme and host lowercase.
    Uppercase,
    /// A `/` after the host: an origin has no path, not even `/`.
    TrailingSlash,
    /// A path after the host.
    Path,
    /// A `?` query or `#` fragment.
    QueryOrFragment,
    /// `user@` or `user:password@` before the host.
    Userinfo,
    /// The scheme's default port written out (`:443` for `https`): browsers
    /// leave it out.
    DefaultPort {
        /// The port.
        port: u16,
    },
    /// A port that is not 1–5 decimal digits without a leading zero, at
    /// most 65535.
    InvalidPort,
    /// Anything else (a host byte outside `a-z 0-9 . - _`, an empty host…).
    Other,
}

impl fmt::Display for Malformation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformation::TooLong { len } => write!(
                f,
                "it is {len} bytes long; the engine reads at most {MAX_ORIGIN_LEN}"
            ),
            Malformation::Empty => f.write_str("it is empty"),
            Malformation::Whitespace => f.write_str("it contains whitespace"),
            Malformation::InvalidByte => f.write_str(
                "it contains a byte that is not printable ASCII (hosts are sent in punycode)",
            ),
            Malformation::NoScheme => f.write_str("it has no `scheme://`"),
            Malformation::Uppercase => {
                f.write_str("it has uppercase letters; browsers send origins lowercase")
            }
            Malformation::TrailingSlash => {
                f.write_str("it ends with `/`; an origin has no path, not even `/`")
            }
            Malformation::Path => {
                f.write_str("it has a path; an origin is only scheme, host and port")
            }
            Malformation::QueryOrFragment => f.write_str("it has a query or a fragment"),
            Malformation::Userinfo => f.write_str("it has a user name before the host"),
            Malformation::DefaultPort { port } => write!(
                f,
                "it writes out the scheme's default port `:{port}`; browsers leave it out"
            ),
            Malformation::InvalidPort => f.write_str("its port is not a valid port number"),
            Malformation::Other => f.write_str("it is not a serialized origin"),
        }
    }
}

/// An origin entry close to a refused origin.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Candidate<'a> {
    /// The index into the policy's `origins`.
    pub entry: usize,
    /// The entry as written.
    pub source: &'a str,
    /// How the request's origin differs from what the entry accepts; never
    /// empty.
    pub differences: Vec<Difference>,
}

/// One way a refused origin differs from an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// The schemes differ (`http` against `https`).
    Scheme {
        /// The entry's scheme.
        expected: String,
        /// The request's.
        found: String,
    },
    /// The ports differ. `None` is no port written (the scheme's default).
    Port {
        /// The entry's port.
        expected: Option<u16>,
        /// The request's.
        found: Option<u16>,
    },
    /// The request's host is a subdomain of the entry's exact host
    /// (`app.example.com` against `example.com`): a `*.` entry covers
    /// subdomains.
    Subdomain {
        /// The entry's host.
        expected: String,
        /// The request's host.
        found: String,
    },
    /// The entry covers subdomains only (`*.example.com`) and the request's
    /// host is the domain itself (`example.com`), which `*.` never covers.
    Apex {
        /// The entry's suffix (`example.com`).
        suffix: String,
    },
    /// The request's host is a parent of the entry's (`example.com`
    /// against `www.example.com`).
    Parent {
        /// The entry's host.
        expected: String,
        /// The request's host.
        found: String,
    },
    /// The hosts are unrelated.
    Host {
        /// The entry's host (or `*.suffix`).
        expected: String,
        /// The request's host.
        found: String,
    },
    /// The entry is a regex that does not match.
    Regex,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let port = |p: &Option<u16>| match p {
            Some(p) => format!("port {p}"),
            None => "no port (the scheme's default)".to_owned(),
        };
        match self {
            Difference::Scheme { expected, found } => {
                write!(f, "the scheme is `{found}`, the entry's is `{expected}`")
            }
            Difference::Port { expected, found } => write!(
                f,
                "the origin has {}, the entry {}",
                port(found),
                port(expected)
            ),
            Difference::Subdomain { expected, found } => write!(
                f,
                "`{found}` is a subdomain of `{expected}`; the entry covers `{expected}` only"
            ),
            Difference::Apex { suffix } => write!(
                f,
                "`*.{suffix}` covers subdomains of `{suffix}`, not `{suffix}` itself"
            ),
            Difference::Parent { expected, found } => {
                write!(f, "`{found}` is a parent domain of `{expected}`")
            }
            Difference::Host { expected, found } => {
                write!(f, "the host is `{found}`, the entry's is `{expected}`")
            }
            Difference::Regex => f.write_str("the regex does not match"),
        }
    }
}

/// The first problem of an origin [`origin::parse`] refuses.
pub(super) fn malformation(origin: &[u8]) -> Malformation {
    if origin.len() > MAX_ORIGIN_LEN {
        return Malformation::TooLong { len: origin.len() };
    }
    if origin.is_empty() {
        return Malformation::Empty;
    }
    if origin.iter().any(|&b| b == b' ' || b == b'\t') {
        return Malformation::Whitespace;
    }
    if origin.iter().any(|&b| !(0x21..=0x7e).contains(&b)) {
        return Malformation::InvalidByte;
    }
    let Some(at) = origin.windows(3).position(|w| w == b"://") else {
        return Malformation::NoScheme;
    };
    let rest = origin.get(at + 3..).unwrap_or_default();
    if origin.iter().any(u8::is_ascii_uppercase) {
        return Malformation::Uppercase;
    }
    if let Some(cut) = rest.iter().position(|&b| b == b'?' || b == b'#') {
        let before = rest.get(..cut).unwrap_or_default();
        if !before.contains(&b'/') {
            return Malformation::QueryOrFragment;
        }
    }
    if let Some(slash) = rest.iter().position(|&b| b == b'/') {
        return if slash + 1 == rest.len() {
            Malformation::TrailingSlash
        } else {
            Malformation::Path
        };
    }
    if rest.contains(&b'@') {
        return Malformation::Userinfo;
    }
    let scheme = origin.get(..at).unwrap_or_default();
    let authority = rest;
    let port = match authority.last() {
        Some(b']') => None,
        _ => authority
            .iter()
            .rposition(|&b| b == b':')
            .and_then(|colon| authority.get(colon + 1..)),
    };
    if let Some(digits) = port {
        let value = std::str::from_utf8(digits)
            .ok()
            .and_then(|d| d.parse::<u16>().ok());
        return match value {
            Some(p) if origin::default_port(scheme) == Some(p) && !digits.starts_with(b"0") => {
                Malformation::DefaultPort { port: p }
            }
            _ => Malformation::InvalidPort,
        };
    }
    Malformation::Other
}

/// The origin as a browser would have serialized it, if that can be
/// guessed: trimmed, lowercased, without userinfo, path, query, fragment
/// or default port.
pub(super) fn canonical(origin: &[u8]) -> Option<String> {
    if origin.len() > MAX_ORIGIN_LEN {
        return None;
    }
    let text = std::str::from_utf8(origin)
        .ok()?
        .trim()
        .to_ascii_lowercase();
    let (scheme, rest) = text.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit('@').next().unwrap_or_default();
    let (host, port) = match authority.rsplit_once(':') {
        // A port that is no port: no guess.
        Some((host, port)) if !port.contains(']') => (host, Some(port.parse::<u16>().ok()?)),
        _ => (authority, None),
    };
    let port = port.filter(|&p| origin::default_port(scheme.as_bytes()) != Some(p));
    let candidate = match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    };
    origin::parse(candidate.as_bytes())
        .is_some()
        .then_some(candidate)
        .filter(|c| c.as_bytes() != origin)
}

/// The entries closest to a well-formed origin no entry matches, best
/// first: those whose host is the same or related (a subdomain, a parent),
/// then those differing in one part only; at most three.
pub(super) fn candidates<'a>(policy: &'a model::Policy, origin: &[u8]) -> Vec<Candidate<'a>> {
    let Some(Parsed::Tuple { scheme, host, port }) = origin::parse(origin) else {
        return Vec::new();
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let (scheme, host) = (text(scheme), text(host));
    let mut found: Vec<(usize, Candidate<'a>)> = Vec::new();
    for (entry, o) in policy.origins.iter().enumerate() {
        let (entry_scheme, entry_host, entry_port) = match &o.matcher {
            OriginMatcher::Exact(exact) => match origin::parse(exact.as_bytes()) {
                Some(Parsed::Tuple { scheme, host, port }) => (
                    text(scheme),
                    HostPattern::Exact(text(host)),
                    match port {
                        Some(p) => PortPattern::Exact(p),
                        None => PortPattern::Default,
                    },
                ),
                _ => continue,
            },
            OriginMatcher::Pattern(p) => (p.scheme.clone(), p.host.clone(), p.port.clone()),
            OriginMatcher::Regex(_) => {
                found.push((
                    10,
                    Candidate {
                        entry,
                        source: &o.source,
                        differences: vec![Difference::Regex],
                    },
                ));
                continue;
            }
            // A set's entries are the application's, possibly many: not
            // offered as candidates.
            OriginMatcher::Any | OriginMatcher::Null | OriginMatcher::Set(_) => continue,
        };
        let mut differences = Vec::new();
        let mut score = 0;
        if entry_scheme != scheme {
            differences.push(Difference::Scheme {
                expected: entry_scheme,
                found: scheme.clone(),
            });
            score += 1;
        }
        match &entry_host {
            HostPattern::Exact(h) if *h == host => {}
            HostPattern::Exact(h) if host.ends_with(&format!(".{h}")) => {
                differences.push(Difference::Subdomain {
                    expected: h.clone(),
                    found: host.clone(),
                });
                score += 1;
            }
            HostPattern::Exact(h) if h.ends_with(&format!(".{host}")) => {
                differences.push(Difference::Parent {
                    expected: h.clone(),
                    found: host.clone(),
                });
                score += 1;
            }
            HostPattern::Exact(h) => {
                differences.push(Difference::Host {
                    expected: h.clone(),
                    found: host.clone(),
                });
                score += 3;
            }
            HostPattern::Subdomains(suffix) if *suffix == host => {
                differences.push(Difference::Apex {
                    suffix: suffix.clone(),
                });
                score += 1;
            }
            HostPattern::Subdomains(suffix) if host.ends_with(&format!(".{suffix}")) => {}
            HostPattern::Subdomains(suffix) if suffix.ends_with(&format!(".{host}")) => {
                differences.push(Difference::Parent {
                    expected: format!("*.{suffix}"),
                    found: host.clone(),
                });
                score += 1;
            }
            HostPattern::Subdomains(suffix) => {
                differences.push(Difference::Host {
                    expected: format!("*.{suffix}"),
                    found: host.clone(),
                });
                score += 3;
            }
        }
        let expected_port = match entry_port {
            PortPattern::Any => port,
            PortPattern::Default => None,
            PortPattern::Exact(p) => Some(p),
        };
        if expected_port != port {
            differences.push(Difference::Port {
                expected: expected_port,
                found: port,
            });
            score += 1;
        }
        if differences.is_empty() {
            // Structurally the same, yet refused: a label the `*` cannot
            // stand for (longer than 63 bytes).
            continue;
        }
        if score <= 3 {
            found.push((
                score,
                Candidate {
                    entry,
                    source: &o.source,
                    differences,
                },
            ));
        }
    }
    found.sort_by_key(|(score, c)| (*score, c.entry));
    found.truncate(3);
    found.into_iter().map(|(_, c)| c).collect()
}
