//! An [`HttpEngine`](super::HttpEngine)'s constant header values: one
//! [`Prebuilt`] per policy, made once from the compiled policy, whose values
//! an answer clones instead of copying.

use ::http::header::HeaderValue;

use crate::compile::{self, CompiledPolicy};
use crate::grammar::model::{self, OriginMatcher};

/// One policy's constant header values.
#[derive(Default)]
pub(super) struct Prebuilt {
    /// By entry of the policy's `origins`: the entry's own value for an
    /// exact origin (the `Access-Control-Allow-Origin` of every request it
    /// matches, so the request's value is neither copied nor shared),
    /// `None` for entries that echo the request (wildcards, regexes).
    pub(super) origins: Box<[Option<HeaderValue>]>,
    pub(super) allow_methods: Option<HeaderValue>,
    pub(super) allow_headers: Option<HeaderValue>,
    pub(super) max_age: Option<HeaderValue>,
    pub(super) expose: Option<HeaderValue>,
    pub(super) vary: Option<HeaderValue>,
    pub(super) vary_preflight: Option<HeaderValue>,
}

impl Prebuilt {
    pub(super) fn new(policy: &CompiledPolicy, model: Option<&model::Policy>) -> Prebuilt {
        let origins = model
            .map(|m| {
                m.origins
                    .iter()
                    .map(|entry| match &entry.matcher {
                        OriginMatcher::Exact(origin) => shared(origin.as_bytes()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let constant = |answer: &compile::Answer| match answer {
            compile::Answer::Constant(value) => shared(value),
            compile::Answer::Echo | compile::Answer::Nothing => None,
        };
        Prebuilt {
            origins,
            allow_methods: constant(&policy.allow_methods),
            allow_headers: constant(&policy.allow_headers),
            max_age: policy.max_age.as_deref().and_then(shared),
            expose: policy.expose.as_deref().and_then(shared),
            vary: policy.vary.and_then(shared),
            vary_preflight: shared(policy.vary_preflight),
        }
    }
}

/// A value whose clones share its bytes: the first clone of a value made
/// from a slice moves its bytes to a shared, reference-counted buffer (one
/// allocation), so it is done here, once, and never on a request.
fn shared(bytes: &[u8]) -> Option<HeaderValue> {
    let value = HeaderValue::from_bytes(bytes).ok()?;
    drop(value.clone());
    Some(value)
}
