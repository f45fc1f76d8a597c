//! [`Engine::trace`]: every check [`Engine::decide`] makes, recorded with
//! what a human needs to understand it.
//!
//! `decide` and `trace` run the same code: `decide` is generic over an
//! observer of its checks, and its own observer does nothing (the optimizer
//! removes the calls), while `trace`'s records them. What `decide` does not
//! need — each path glob tried one by one, the origin entries closest to a
//! refused origin, what is wrong with a malformed one — is worked out
//! afterwards, off the hot path, from the same compiled matchers.
//!
//! This module builds the [`Trace`]; the checks it records are in
//! [`checks`] and [`origins`], the observer `decide` reports to in
//! [`observer`].

mod checks;
mod observer;
mod origins;

use crate::compile::{Found, PathMatcher};
use crate::grammar::model;
use crate::{Decision, Engine, Request};

pub use checks::{
    HeaderCheck, HeaderOutcome, HeadersCheck, ListOutcome, MethodCheck, MethodOutcome, PathCheck,
    PolicyCheck, PrivateNetworkCheck,
};
pub(crate) use observer::{Observer, Silent};
pub use origins::{Candidate, Difference, Malformation, OriginCheck, OriginOutcome};
use origins::{candidates, canonical, malformation};

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
    /// The `Origin` check; `None` when no policy answered, the request
    /// has no `Origin`, or it is a preflight whose
    /// `Access-Control-Request-Headers` is over the line or byte cap (refused
    /// before anything else is read: then only [`headers`](Self::headers)
    /// is set).
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
        let policies = self.policy_checks(request.path(), decision.policy_index());
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
        match found.settle(origin) {
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
            Found::NotAllowed | Found::Missed => OriginOutcome::NotAllowed {
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
