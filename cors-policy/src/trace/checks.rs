//! The checks a [`Trace`](crate::Trace) records besides the origin's:
//! policy selection ([`PolicyCheck`], [`PathCheck`]), the preflight's
//! method ([`MethodCheck`]), headers ([`HeadersCheck`]) and private network
//! ([`PrivateNetworkCheck`]).

use std::fmt;

use crate::grammar::model::NameList;
use crate::reason::Escaped;

/// One policy tried during policy selection.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyCheck<'a> {
    /// Its index into [`Engine::policies`](crate::Engine::policies).
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
