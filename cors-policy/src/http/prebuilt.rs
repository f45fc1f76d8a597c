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
            vary: policy.vary.and_then(fixed),
            vary_preflight: fixed(policy.vary_preflight),
        }
    }

    /// Makes every value static (see [`HttpEngine::leak`](super::HttpEngine::leak)):
    /// its bytes are leaked, and a clone copies a pointer instead of
    /// counting a reference that every thread answering shares.
    pub(super) fn make_static(&mut self) {
        // Every field made from the policy (`vary` and `vary_preflight`
        // are static already): a field added to `Prebuilt` is added here.
        let constants = [
            &mut self.allow_methods,
            &mut self.allow_headers,
            &mut self.max_age,
            &mut self.expose,
        ];
        for value in self.origins.iter_mut().chain(constants).flatten() {
            *value = leaked(value);
        }
    }
}

/// `value` with its bytes leaked, so that its clones share no reference
/// count; `value` itself when it cannot be static (see [`as_static`]).
fn leaked(value: &HeaderValue) -> HeaderValue {
    as_static(value.as_bytes())
        .map(|text| HeaderValue::from_static(Box::leak(Box::<str>::from(text))))
        .unwrap_or_else(|| value.clone())
}

/// A value of the engine's own constant bytes (`Vary`): static, so that
/// its clones share no reference count, whatever the engine.
fn fixed(bytes: &'static [u8]) -> Option<HeaderValue> {
    match as_static(bytes) {
        Some(text) => Some(HeaderValue::from_static(text)),
        None => shared(bytes),
    }
}

/// `bytes` as text `HeaderValue::from_static` takes (visible ASCII, spaces
/// and tabs; every value the engine makes is), or `None`.
fn as_static(bytes: &[u8]) -> Option<&str> {
    let visible = bytes
        .iter()
        .all(|&b| b == b'\t' || (b' '..0x7f).contains(&b));
    std::str::from_utf8(bytes).ok().filter(|_| visible)
}

/// A value whose clones share its bytes: the first clone of a value made
/// from a slice moves its bytes to a shared, reference-counted buffer (one
/// allocation), so it is done here, once, and never on a request.
fn shared(bytes: &[u8]) -> Option<HeaderValue> {
    let value = HeaderValue::from_bytes(bytes).ok()?;
    drop(value.clone());
    Some(value)
}
