//! [`Engine::trace`]: every check [`Engine::decide`] makes, recorded with
//! what a human needs to understand it.
//!
//! `decide` and `trace` run the same code: `decide` is generic over an
//! observer of its checks, and its own observer does nothing (the optimizer
//! removes the calls), while `trace`'s records them. What `decide` does not
//! need — each path glob tried one by one, the origin entries closest to a
//! refused origin, what is wrong with a malformed one — is worked out
//! afterwards, off the hot path, from the same compiled matchers.

use std::fmt;

use crate::compile::{Found, PathMatcher};
use crate::grammar::model::{self, HostPattern, NameList, OriginMatcher, PortPattern};
use crate::origin::{self, MAX_ORIGIN_LEN, Parsed};
use crate::reason::Escaped;
use crate::{Decision, Engine, Request};

/// What [`Engine::decide`] reports as it checks, in order. `decide`'s own
/// observer ([`Silent`]) does nothing; [`Engine::trace`]'s records.
pub(crate) trait Observer<'a> {
    /// The origin check's outcome, and whether `Origin` came twice.
    fn origin(&mut self, found: Found, duplicated: bool);
    /// The requested method.
    fn method(&mut self, method: &'a [u8], outcome: MethodOutcome);
    /// One requested header name, in request order.
    fn header(&mut self, name: &'a [u8], outcome: HeaderOutcome);
    /// The whole `Access-Control-Request-Headers` list.
    fn header_list(&mut self, outcome: ListOutcome<'a>);
    /// `Access-Control-Request-Private-Network`.
    fn private_network(&mut self, value: Option<&'a [u8]>, requested: bool);
}

/// The observer of [`Engine::decide`]: every call is empty and inlined away.
pub(crate) struct Silent;

impl<'a> Observer<'a> for Silent {
    #[inline(always)]
    fn origin(&mut self, _: Found, _: bool) {}
    #[inline(always)]
    fn method(&mut self, _: &'a [u8], _: MethodOutcome) {}
    #[inline(always)]
    fn header(&mut self, _: &'a [u8], _: HeaderOutcome) {}
    #[inline(always)]
    fn header_list(&mut self, _: ListOutcome<'a>) {}
    #[inline(always)]
    fn private_network(&mut self, _: Option<&'a [u8]>, _: bool) {}
}

/// The observer of [`Engine::trace`]: keeps every report.
#[derive(Default)]
struct Recorder<'a> {
    origin: Option<(Found, bool)>,
    method: Option<(&'a [u8], MethodOutcome)>,
    headers: Vec<HeaderCheck<'a>>,
    list: Option<ListOutcome<'a>>,
    private_network: Option<(Option<&'a [u8]>, bool)>,
}

impl<'a> Observer<'a> for Recorder<'a> {
    fn origin(&mut self, found: Found, duplicated: bool) {
        self.origin = Some((found, duplicated));
    }
    fn method(&mut self, method: &'a [u8], outcome: MethodOutcome) {
        self.method = Some((method, outcome));
    }
    fn header(&mut self, name: &'a [u8], outcome: HeaderOutcome) {
        self.headers.push(HeaderCheck { name, outcome });
    }
    fn header_list(&mut self, outcome: ListOutcome<'a>) {
        self.list = Some(outcome);
    }
    fn private_network(&mut self, value: Option<&'a [u8]>, requested: bool) {
        self.private_network = Some((value, requested));
    }
}

/// Everything the engine checked to answer one request, in the order it
/// checked it, and the answer itself ([`decision`](Self::decision), the
/// very value [`Engine::decide`] returns for the same request).
///
/// A check the engine did not reach is `None` (an actual request has no
/// method check; a request from a refused origin stops there). Built by
/// [`Engine::trace`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Trace<'a> {
    /// The answer: the same as [`Engine::decide`]'s.
    pub decision: Decision<'a>,
    /// Policy selection: every policy tried, in file order, up to and
    /// including the one that answered (all of them when none did).
    pub policies: Vec<PolicyCheck<'a>>,
    /// The `Origin` check; `None` when no policy answered or the request
    /// has no `Origin`.
    pub origin: Option<OriginCheck<'a>>,
    /// The preflight's requested method; `None` for other requests, or when
    /// the origin was refused.
    pub method: Option<MethodCheck<'a>>,
    /// The preflight's requested headers; `None` when not reached.
    pub headers: Option<HeadersCheck<'a>>,
    /// The preflight's private-network request; `None` when not reached.
    pub private_network: Option<PrivateNetworkCheck<'a>>,
    /// Whether the answering policy sends `Access-Control-Allow-Credentials:
    /// true` (it has `credentials`); `None` when no policy answered.
    pub credentials: Option<bool>,
}

impl Trace<'_> {
    /// Whether the answer is an informative denial: a preflight refused
    /// with the policy's `preflight-status` and its own lists, so that the
    /// browser's console names the missing method or header (see
    /// [`Decision::informative`]).
    pub fn informative(&self) -> bool {
        self.decision.informative()
    }
}

/// One policy tried during policy selection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyCheck<'a> {
    /// Its index into [`Engine::policies`].
    pub index: usize,
    /// Its name.
    pub name: &'a str,
    /// Each of its `paths` globs and whether it matches the request's path;
    /// empty when the policy has no `paths` (it covers every path).
    pub paths: Vec<PathCheck<'a>>,
    /// Whether the policy covers the path (it is the one that answered).
    pub matched: bool,
}

/// One `paths` glob tried against the request's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PathCheck<'a> {
    /// The glob as written.
    pub glob: &'a str,
    /// Whether it matches the path (without its query string).
    pub matched: bool,
}

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
    /// Longer than [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN); never read.
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

/// The preflight's requested method.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MethodCheck<'a> {
    /// `Access-Control-Request-Method`, as received (the first one, when
    /// duplicated).
    pub method: &'a [u8],
    /// How the check came out.
    pub outcome: MethodOutcome,
    /// The policy's `methods` (`GET, HEAD, POST` when it has none).
    pub allowed: &'a NameList,
}

/// How the requested method's check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MethodOutcome {
    /// Allowed: `GET`, `HEAD` or `POST`, always allowed.
    Safelisted,
    /// Allowed: listed in `methods`.
    Listed,
    /// Allowed: `methods *`.
    Any,
    /// Refused: more than one `Access-Control-Request-Method` header.
    Duplicated,
    /// Refused: not an HTTP token.
    Invalid,
    /// Refused: `CONNECT`, `TRACE` or `TRACK`, never allowed.
    Forbidden,
    /// Refused: not listed.
    NotAllowed,
}

impl MethodOutcome {
    /// Whether the method is allowed.
    pub const fn is_allowed(self) -> bool {
        matches!(
            self,
            MethodOutcome::Safelisted | MethodOutcome::Listed | MethodOutcome::Any
        )
    }
}

/// The preflight's requested headers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeadersCheck<'a> {
    /// Each requested name, in request order, with its check (those read
    /// before the list was found malformed or too large, if it was).
    pub names: Vec<HeaderCheck<'a>>,
    /// Whether the list as a whole was readable.
    pub list: ListOutcome<'a>,
    /// The policy's `headers`.
    pub allowed: &'a NameList,
}

/// One requested header name and its check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HeaderCheck<'a> {
    /// The name as received.
    pub name: &'a [u8],
    /// How its check came out.
    pub outcome: HeaderOutcome,
}

/// How one requested header's check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderOutcome {
    /// Allowed: listed in `headers` (compared ignoring case).
    Listed,
    /// Allowed: `headers *`.
    Any,
    /// Refused: `authorization` under `headers *`, which never covers it.
    AuthorizationNotCovered,
    /// Refused: not listed.
    NotAllowed,
}

impl HeaderOutcome {
    /// Whether the header is allowed.
    pub const fn is_allowed(self) -> bool {
        matches!(self, HeaderOutcome::Listed | HeaderOutcome::Any)
    }
}

/// How reading `Access-Control-Request-Headers` as a list came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ListOutcome<'a> {
    /// Read: this many names (empty elements do not count).
    Read {
        /// The number of names.
        names: usize,
    },
    /// Over the engine's caps
    /// ([`MAX_REQUEST_HEADERS_LEN`](crate::MAX_REQUEST_HEADERS_LEN) bytes,
    /// [`MAX_REQUEST_HEADER_NAMES`](crate::MAX_REQUEST_HEADER_NAMES) names,
    /// [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES) lines).
    TooLarge,
    /// An element that is not an HTTP token.
    Invalid {
        /// The element, without surrounding whitespace.
        element: &'a [u8],
    },
}

/// The preflight's private-network request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrivateNetworkCheck<'a> {
    /// `Access-Control-Request-Private-Network`, as received.
    pub value: Option<&'a [u8]>,
    /// Whether it asks for private-network access (the value is `true`).
    pub requested: bool,
    /// Whether the policy enables `private-network`.
    pub enabled: bool,
}

impl PrivateNetworkCheck<'_> {
    /// Whether the check passes: not asked, or enabled.
    pub const fn is_allowed(&self) -> bool {
        !self.requested || self.enabled
    }
}

impl Engine {
    /// Answers one request as [`decide`](Self::decide) does — the same
    /// code, the same [`Decision`] — and records every check on the way
    /// ([`Trace`]): which policy's `paths` matched, which origin entry
    /// allowed the origin or which came closest and how they differ, how
    /// the requested method, each requested header and private network
    /// fared.
    ///
    /// For explaining, not for serving: it allocates, and it compiles each
    /// path glob of the policies it tries on its own.
    pub fn trace<'a>(&'a self, request: &Request<'a>) -> Trace<'a> {
        let mut seen = Recorder::default();
        let decision = self.decide_with(request, &mut seen);
        let policy = decision
            .policy_index()
            .and_then(|index| self.policies().get(index));
        let policies = self.policy_checks(request.path, decision.policy_index());
        let origin = match (request.origin, policy, seen.origin) {
            (Some(value), Some(policy), Some((found, duplicated))) => Some(OriginCheck {
                origin: value,
                outcome: if duplicated {
                    OriginOutcome::Duplicated
                } else {
                    self.origin_outcome(policy, decision.policy_index(), value, found)
                },
            }),
            _ => None,
        };
        let method = match (seen.method, policy) {
            (Some((method, outcome)), Some(policy)) => Some(MethodCheck {
                method,
                outcome,
                allowed: &policy.methods,
            }),
            _ => None,
        };
        let headers = match (seen.list, policy) {
            (Some(list), Some(policy)) => Some(HeadersCheck {
                names: seen.headers,
                list,
                allowed: &policy.headers,
            }),
            _ => None,
        };
        let private_network = match (seen.private_network, policy) {
            (Some((value, requested)), Some(policy)) => Some(PrivateNetworkCheck {
                value,
                requested,
                enabled: policy.private_network,
            }),
            _ => None,
        };
        Trace {
            decision,
            policies,
            origin,
            method,
            headers,
            private_network,
            credentials: policy.map(|p| p.credentials),
        }
    }

    /// Every policy tried for `path`, each glob matched on its own with the
    /// engine's own path matcher.
    fn policy_checks<'a>(&'a self, path: &[u8], selected: Option<usize>) -> Vec<PolicyCheck<'a>> {
        let tried = selected.map_or(self.policies().len(), |index| index + 1);
        self.policies()
            .iter()
            .enumerate()
            .take(tried)
            .map(|(index, policy)| {
                let paths = policy
                    .paths
                    .iter()
                    .map(|glob| PathCheck {
                        glob,
                        matched: glob_matches(policy, glob, path),
                    })
                    .collect::<Vec<_>>();
                PolicyCheck {
                    index,
                    name: &policy.name,
                    matched: selected == Some(index),
                    paths,
                }
            })
            .collect()
    }

    /// The origin check's outcome, with the analysis of a refusal.
    fn origin_outcome<'a>(
        &'a self,
        policy: &'a model::Policy,
        index: Option<usize>,
        origin: &[u8],
        found: Found,
    ) -> OriginOutcome<'a> {
        match found {
            Found::Any => OriginOutcome::Any,
            Found::Entry(entry) => OriginOutcome::Matched {
                entry,
                source: policy.origins.get(entry).map_or("", |o| o.source.as_str()),
            },
            Found::Malformed => {
                let problem = malformation(origin);
                let canonical = canonical(origin);
                let canonical_entry = canonical.as_ref().and_then(|c| {
                    let compiled = index.and_then(|i| self.compiled().get(i))?;
                    match compiled.origins.find(c.as_bytes()) {
                        Found::Entry(entry) => Some(entry),
                        _ => None,
                    }
                });
                OriginOutcome::Malformed {
                    problem,
                    canonical,
                    canonical_entry,
                }
            }
            Found::NotAllowed => OriginOutcome::NotAllowed {
                candidates: candidates(policy, origin),
            },
        }
    }
}

/// Whether one glob of `policy` matches `path`, by the engine's own path
/// matcher built for that glob alone.
fn glob_matches(policy: &model::Policy, glob: &str, path: &[u8]) -> bool {
    let alone = model::Policy {
        paths: vec![glob.to_owned()],
        ..policy.clone()
    };
    let mut diagnostics = Vec::new();
    PathMatcher::new(std::slice::from_ref(&alone), &mut diagnostics)
        .find(path)
        .is_some()
}

/// The first problem of an origin [`origin::parse`] refuses.
fn malformation(origin: &[u8]) -> Malformation {
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
fn canonical(origin: &[u8]) -> Option<String> {
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
fn candidates<'a>(policy: &'a model::Policy, origin: &[u8]) -> Vec<Candidate<'a>> {
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

impl fmt::Display for HeaderCheck<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Escaped(self.name);
        match self.outcome {
            HeaderOutcome::Listed => write!(f, "`{name}` is listed in `headers`"),
            HeaderOutcome::Any => write!(f, "`{name}` is covered by `headers *`"),
            HeaderOutcome::AuthorizationNotCovered => write!(
                f,
                "`{name}` is not covered by `headers *`; it must be listed"
            ),
            HeaderOutcome::NotAllowed => write!(f, "`{name}` is not in `headers`"),
        }
    }
}
