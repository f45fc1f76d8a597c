//! The oracle's side of a comparison: the engine's answer to one probe
//! ([`Expected`], owned) and what every judgement needs ([`Context`]: the
//! engine, the policy covering the URL, the URL for the browser's words).

use cors_policy::{Engine, Reason, RequestKind};
use cors_policy_grammar::model::Policy;

use super::browser::{self, Verdict};
use super::matrix::Probe;

/// The engine's answer to one probe, owned.
#[derive(Clone, Debug)]
pub(crate) struct Expected {
    /// What kind of request the engine saw.
    pub(crate) kind: RequestKind,
    /// Whether the CORS request is allowed.
    pub(crate) allowed: bool,
    /// Whether it is denied because of its origin.
    pub(crate) origin_denied: bool,
    /// The preflight status.
    pub(crate) status: Option<u16>,
    /// The headers, in the order sent.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// Why, in the engine's words.
    pub(crate) reason: String,
}

impl Expected {
    /// The engine's answer to `probe`.
    pub(crate) fn of(engine: &Engine, probe: &Probe) -> Expected {
        let decision = engine.decide(&probe.engine_request());
        Expected {
            kind: decision.kind(),
            allowed: decision.allowed(),
            origin_denied: matches!(
                decision.reason(),
                Reason::OriginNotAllowed { .. }
                    | Reason::MalformedOrigin { .. }
                    | Reason::OriginDuplicated
            ),
            status: decision.status(),
            headers: decision
                .headers()
                .map(|h| (h.name.to_owned(), h.value.to_vec()))
                .collect(),
            reason: decision.reason().to_string(),
        }
    }

    /// The value of header `name`.
    pub(crate) fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// What a finding is judged with.
pub(crate) struct Context<'a> {
    /// The oracle.
    pub(crate) engine: &'a Engine,
    /// The policy covering the URL.
    pub(crate) policy: &'a Policy,
    /// The URL, for the browser's messages.
    pub(crate) url: &'a str,
}

impl Context<'_> {
    /// Whether a page of this policy sends credentials (and so whether the
    /// browser checks them).
    pub(crate) fn include(&self) -> bool {
        self.policy.credentials
    }

    /// A browser's verdict on `response` to `probe`.
    pub(crate) fn verdict(
        &self,
        probe: &Probe,
        status: u16,
        headers: &[(String, Vec<u8>)],
    ) -> Verdict {
        browser::verdict(probe, self.url, self.include(), status, headers)
    }
}
