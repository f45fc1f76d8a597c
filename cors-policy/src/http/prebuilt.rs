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
    pub(super) allow_methods: Option<Constant>,
    pub(super) allow_headers: Option<Constant>,
    pub(super) max_age: Option<Constant>,
    pub(super) expose: Option<Constant>,
}

/// A header value made from bytes of the compiled policy, and where those
/// bytes are: a decision's value that is those very bytes (what `decide`
/// gives) is recognised without comparing them.
pub(super) struct Constant {
    value: HeaderValue,
    /// The address and length of the compiled bytes, never dereferenced.
    source: (usize, usize),
}

impl Constant {
    fn new(bytes: &[u8]) -> Option<Constant> {
        Some(Constant {
            value: shared(bytes)?,
            source: (bytes.as_ptr().addr(), bytes.len()),
        })
    }

    /// The value.
    pub(super) fn value(&self) -> &HeaderValue {
        &self.value
    }

    /// The value, when `bytes` are its compiled bytes or equal to them.
    pub(super) fn holding(&self, bytes: &[u8]) -> Option<&HeaderValue> {
        let same =
            self.source == (bytes.as_ptr().addr(), bytes.len()) || self.value.as_bytes() == bytes;
        same.then_some(&self.value)
    }
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
            compile::Answer::Constant(value) => Constant::new(value),
            compile::Answer::Echo | compile::Answer::Nothing => None,
        };
        Prebuilt {
            origins,
            allow_methods: constant(&policy.allow_methods),
            allow_headers: constant(&policy.allow_headers),
            max_age: policy.max_age.as_deref().and_then(Constant::new),
            expose: policy.expose.as_deref().and_then(Constant::new),
        }
    }

    /// Makes every value static (see [`HttpEngine::leak`](super::HttpEngine::leak)):
    /// its bytes are leaked, and a clone copies a pointer instead of
    /// counting a reference that every thread answering shares.
    pub(super) fn make_static(&mut self) {
        // Every field made from the policy: a field added to `Prebuilt` is
        // added here.
        let constants = [
            &mut self.allow_methods,
            &mut self.allow_headers,
            &mut self.max_age,
            &mut self.expose,
        ];
        let constants = constants
            .into_iter()
            .flatten()
            .map(|constant| &mut constant.value);
        for value in self.origins.iter_mut().flatten().chain(constants) {
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
