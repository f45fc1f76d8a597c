//! compile: a validated policy set into lookup tables and pre-rendered
//! header values, so that `decide` only looks things up and borrows.
//!
//! This module compiles one policy ([`compile_policy`]) and declares the
//! matchers, each its own module: [`origins`] (a policy's `origins`, on
//! [`lookup`], which runtime origin sets use too),
//! [`paths`] (which policy a path selects), [`names`] (header-name lists),
//! on top of [`multi`] (anchored regexes in one pass) and [`hash`] (the
//! tables' hasher). The matchers use nothing of this file.

mod hash;
mod lookup;
mod multi;
mod names;
mod origins;
mod paths;

use regex_automata::util::syntax;

use crate::grammar::model::{self, NameList, OriginMatcher};
use crate::grammar::{Diagnostic, Kind as DiagKind};
use crate::request_headers::is_token;

pub(crate) use lookup::OriginLookup;
pub(crate) use multi::Sharded;
pub(crate) use names::{MethodSet, NameSet};
pub(crate) use origins::{Found, OriginSet, missing_set};
pub(crate) use paths::PathMatcher;

/// How a preflight's requested method or headers are answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Send this constant (`*`, or the whole list).
    Constant(Box<[u8]>),
    /// Echo what the request asked for (credentialed `*`).
    Echo,
    /// Send nothing (an empty list).
    Nothing,
}

/// One policy, compiled.
#[derive(Debug)]
pub(crate) struct CompiledPolicy {
    /// `skip`: the request is left to the application, as if unmatched.
    pub(crate) skip: bool,
    pub(crate) origins: OriginSet,
    pub(crate) methods_any: bool,
    pub(crate) methods: MethodSet,
    pub(crate) headers_any: bool,
    pub(crate) headers: NameSet,
    pub(crate) credentials: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: u16,
    pub(crate) allow_methods: Answer,
    pub(crate) allow_headers: Answer,
    pub(crate) max_age: Option<Box<[u8]>>,
    pub(crate) expose: Option<Box<[u8]>>,
    /// `Vary` of actual and non-CORS responses: `Origin` unless the answer is
    /// the same for every origin.
    pub(crate) vary: Option<Vary>,
    /// `Vary` of preflight responses.
    pub(crate) vary_preflight: Vary,
}

/// A `Vary` value the engine sends: one per combination of what an answer
/// depends on. A closed set, so that an adapter can hold each value built
/// once (the `http` adapter's are static).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vary {
    /// Actual and non-CORS responses that depend on the origin.
    Origin,
    /// Preflights.
    Preflight,
    /// Preflights of a policy with `private-network`.
    PreflightPrivateNetwork,
    /// Preflights whose answer is the same for every origin.
    PreflightAnyOrigin,
    /// Preflights whose answer is the same for every origin, with
    /// `private-network`.
    PreflightAnyOriginPrivateNetwork,
}

impl Vary {
    /// Every value, in the order of [`index`](Self::index).
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) const ALL: [Vary; 5] = [
        Vary::Origin,
        Vary::Preflight,
        Vary::PreflightPrivateNetwork,
        Vary::PreflightAnyOrigin,
        Vary::PreflightAnyOriginPrivateNetwork,
    ];

    /// The header's value.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Vary::Origin => "Origin",
            Vary::Preflight => {
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
            }
            Vary::PreflightPrivateNetwork => {
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
                Access-Control-Request-Private-Network"
            }
            Vary::PreflightAnyOrigin => {
                "Access-Control-Request-Method, Access-Control-Request-Headers"
            }
            Vary::PreflightAnyOriginPrivateNetwork => {
                "Access-Control-Request-Method, Access-Control-Request-Headers, \
                Access-Control-Request-Private-Network"
            }
        }
    }

    /// The value's place in [`ALL`](Self::ALL).
    #[cfg_attr(not(feature = "http"), allow(dead_code))]
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

// `ALL` lists every value once, in the order of their indices.
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of bounds is a build error"
)]
const _: () = {
    let mut at = 0;
    while at < Vary::ALL.len() {
        assert!(Vary::ALL[at].index() == at);
        at += 1;
    }
};

/// `a, b, c`.
fn join(names: &[String], lowercase: bool) -> Box<[u8]> {
    let joined = names.join(", ");
    let joined = if lowercase {
        joined.to_ascii_lowercase()
    } else {
        joined
    };
    joined.into_bytes().into_boxed_slice()
}

/// Checks the invariants the engine relies on and compiles one policy; every
/// broken invariant is a diagnostic.
pub(crate) fn compile_policy(
    policy: &model::Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CompiledPolicy> {
    let before = diagnostics.len();
    let name = &policy.name;
    let mut error = |kind: DiagKind, message: String, span| {
        diagnostics.push(Diagnostic::new(kind, span, message));
    };
    let any_origin = policy
        .origins
        .iter()
        .any(|o| o.matcher == OriginMatcher::Any);
    if policy.skip && !policy.origins.is_empty() {
        error(
            DiagKind::SkipConflict,
            format!("policy `{name}` has `skip` and `origins`"),
            policy.span,
        );
    } else if policy.origins.is_empty() && !policy.skip {
        error(
            DiagKind::MissingOrigins,
            format!("policy `{name}` has no `origins`"),
            policy.span,
        );
    }
    if policy.credentials && any_origin {
        error(
            DiagKind::CredentialsWildcard,
            format!("policy `{name}` has `credentials` with `origins *`"),
            policy.span,
        );
    }
    if policy.credentials && policy.expose.any {
        error(
            DiagKind::CredentialsWildcard,
            format!("policy `{name}` has `credentials` with `expose *`"),
            policy.span,
        );
    }
    if policy.private_network && any_origin {
        error(
            DiagKind::PrivateNetworkWildcard,
            format!("policy `{name}` has `private-network` with `origins *`"),
            policy.span,
        );
    }
    if !(200..=299).contains(&policy.preflight_status) {
        error(
            DiagKind::InvalidStatus,
            format!(
                "`preflight-status {}` is outside 200–299",
                policy.preflight_status
            ),
            policy.span,
        );
    }
    for list in [&policy.methods, &policy.headers, &policy.expose] {
        for n in &list.names {
            if n == "*" {
                error(
                    DiagKind::QuotedWildcard,
                    "a name `*` is the wildcard's spelling, never a plain name".to_owned(),
                    policy.span,
                );
            } else if !is_token(n.as_bytes()) {
                error(
                    DiagKind::InvalidToken,
                    format!("`{n}` is not a valid name"),
                    policy.span,
                );
            }
        }
    }
    let origins = OriginSet::new(&policy.origins, |patterns| {
        Sharded::build(patterns, syntax::Config::new(), false)
    });
    let origins = match origins {
        Ok(origins) => Some(origins),
        Err(message) => {
            let span = policy
                .origins
                .iter()
                .find(|o| matches!(o.matcher, OriginMatcher::Regex(_)))
                .map_or(policy.span, |o| o.span);
            error(
                DiagKind::InvalidRegex,
                format!("the regex does not compile: {message}"),
                span,
            );
            None
        }
    };
    if diagnostics.len() > before {
        return None;
    }
    let origins = origins?;
    let credentials = policy.credentials;
    let allow_methods = list_answer(&policy.methods, credentials, false);
    let allow_headers = list_answer(&policy.headers, credentials, true);
    let expose = if policy.expose.any {
        Some(Box::from(&b"*"[..]))
    } else if policy.expose.names.is_empty() {
        None
    } else {
        Some(join(&policy.expose.names, true))
    };
    let independent = origins.is_any() && !credentials;
    let vary_preflight = match (independent, policy.private_network) {
        (false, false) => Vary::Preflight,
        (false, true) => Vary::PreflightPrivateNetwork,
        (true, false) => Vary::PreflightAnyOrigin,
        (true, true) => Vary::PreflightAnyOriginPrivateNetwork,
    };
    Some(CompiledPolicy {
        skip: policy.skip,
        origins,
        methods_any: policy.methods.any,
        methods: MethodSet::new(&policy.methods.names),
        headers_any: policy.headers.any,
        headers: NameSet::new(&policy.headers.names),
        credentials,
        private_network: policy.private_network,
        preflight_status: policy.preflight_status,
        allow_methods,
        allow_headers,
        max_age: policy
            .max_age
            .map(|s| s.to_string().into_bytes().into_boxed_slice()),
        expose,
        vary: (!independent).then_some(Vary::Origin),
        vary_preflight,
    })
}

/// `Access-Control-Allow-Methods` / `-Headers`: `*` (plus `authorization`
/// for headers) without credentials, an echo with them, else the whole list.
fn list_answer(list: &NameList, credentials: bool, headers: bool) -> Answer {
    if list.any && credentials {
        Answer::Echo
    } else if list.any {
        let authorization = headers
            && list
                .names
                .iter()
                .any(|n| n.eq_ignore_ascii_case("authorization"));
        Answer::Constant(Box::from(if authorization {
            &b"*, authorization"[..]
        } else {
            b"*"
        }))
    } else if list.names.is_empty() {
        Answer::Nothing
    } else {
        Answer::Constant(join(&list.names, headers))
    }
}
