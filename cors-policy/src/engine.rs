//! The compiled engine: `compile` once, `decide` per request.

use std::fmt;
use std::str::FromStr;

use crate::grammar::{self, model};
use crate::{Decision, Error, Kind, Reason, Request};

/// A compiled policy set: answers CORS requests without allocating.
///
/// Build it once — from text with [`str::parse`] (`"…".parse::<Engine>()`),
/// or from a validated [`PolicySet`](model::PolicySet) with
/// [`Engine::from_policies`] — and share it (`Arc<Engine>`; it is `Send +
/// Sync`). [`Engine::decide`] answers one request.
///
/// # Untrusted input
///
/// Every request value is untrusted; `decide` is built for that:
///
/// - it never panics, whatever the bytes (a property test feeds it arbitrary
///   bytes in every field);
/// - it never allocates;
/// - its time is linear in the request's size, and the only list it parses,
///   `Access-Control-Request-Headers`, is capped:
///   [`MAX_REQUEST_HEADERS_LEN`](crate::MAX_REQUEST_HEADERS_LEN) bytes,
///   [`MAX_REQUEST_HEADER_NAMES`](crate::MAX_REQUEST_HEADER_NAMES) names and
///   [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES) lines; a
///   preflight over a cap is denied before the list is read;
/// - the `Origin` header must be a serialized origin exactly as a browser
///   sends it; anything else (uppercase, whitespace, a path, userinfo, a
///   default port written out, …) is denied before any pattern sees it;
/// - no response header value it emits contains CR, LF, NUL or any other byte
///   a header value cannot carry: a request whose echo would need one is
///   denied.
pub struct Engine {
    policies: Vec<model::Policy>,
}

impl Engine {
    /// Compiles a validated policy set.
    ///
    /// The set is normally the output of [`grammar::check`]; a hand-built set
    /// that breaks the model's invariants (an invalid glob or regex, a
    /// credentialed `*`, a header name that is not a token, …) is an error,
    /// never a panic later.
    pub fn from_policies(set: &model::PolicySet) -> Result<Engine, Error> {
        Ok(Engine {
            policies: set.policies.clone(),
        })
    }

    /// The policies, in file order, as validated: what
    /// [`Decision::policy_index`] and [`Reason::OriginAllowed`] index into.
    pub fn policies(&self) -> &[model::Policy] {
        &self.policies
    }

    /// Answers one request. Never allocates, never panics; see the
    /// "Untrusted input" section above.
    pub fn decide<'a>(&'a self, request: &Request<'a>) -> Decision<'a> {
        let _ = request;
        Decision {
            kind: Kind::Unhandled,
            policy: None,
            reason: Reason::NoPolicy,
            status: None,
            values: Default::default(),
        }
    }
}

impl FromStr for Engine {
    type Err = Error;

    /// Parses, validates and compiles a policy text. The error carries every
    /// diagnostic of the text.
    fn from_str(src: &str) -> Result<Engine, Error> {
        let checked = grammar::check(src);
        match checked.policies {
            Some(set) if !checked.has_errors() => Engine::from_policies(&set)
                .map_err(|e| Error::new(e.diagnostics().to_vec(), Some(src))),
            _ => Err(Error::new(checked.diagnostics, Some(src))),
        }
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field(
                "policies",
                &self
                    .policies
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}
