//! A policy's preflight answers made once: the header map of each preflight
//! answer whose every line but the origin's is one of the policy's
//! constants, which an answer clones and gives its origin instead of
//! putting its lines in one by one.
//!
//! A clone copies the map's index and its lines (a standard name is a
//! number; a value's clone copies a pointer, or counts a reference) and
//! places nothing; putting a line in hashes its name and looks for its
//! place. An allowed or informatively denied
//! preflight of a policy with listed (or no) methods is answered from a
//! template; one with an echoed line, private network or exposed headers is
//! answered line by line.

use ::http::header::{HeaderMap, HeaderName, HeaderValue};

use super::prebuilt::{Constant, Prebuilt};
use crate::compile::{self, CompiledPolicy, Vary};
use crate::decision::{AllowHeaders, Values};
use crate::slot::HeaderSlot;

/// The name of a template's first line, whose value is replaced.
const ALLOW_ORIGIN: HeaderName = HeaderName::from_static(HeaderSlot::AllowOrigin.name());

/// One policy's preflight maps, by which of the two lines that vary between
/// its constant answers they hold: `Access-Control-Allow-Headers` (absent
/// when no header was requested) and `-Max-Age` (absent from an informative
/// denial).
#[derive(Default)]
pub(super) struct Templates {
    /// Indexed by [`shape`]; `None` where the policy has no such answer.
    maps: [Option<HeaderMap>; 4],
    /// What every template's other lines are: the policy's credentials and
    /// preflight `Vary`; `None` for a policy without templates.
    spec: Option<Spec>,
}

/// The lines of a policy's templates that are the same in all of them.
#[derive(Clone, Copy)]
pub(super) struct Spec {
    credentials: bool,
    vary: Vary,
}

impl Spec {
    /// `policy`'s, or `None` when its allowed methods are echoed (`methods
    /// *` with credentials): a line no template holds.
    pub(super) fn of(policy: &CompiledPolicy) -> Option<Spec> {
        match policy.allow_methods {
            compile::Answer::Echo => None,
            compile::Answer::Constant(_) | compile::Answer::Nothing => Some(Spec {
                credentials: policy.credentials,
                vary: policy.vary_preflight,
            }),
        }
    }
}

/// The index of the map with these lines.
fn shape(headers: bool, max_age: bool) -> usize {
    usize::from(headers) | (usize::from(max_age) << 1)
}

/// The constant's bytes, when there is one.
fn bytes(constant: Option<&Constant>) -> Option<&[u8]> {
    constant.map(|c| c.value().as_bytes())
}

impl Templates {
    /// The maps of a policy with `spec`, made by `map` of the values of
    /// `prebuilt` (its constants), each with `*` in place of the origin.
    pub(super) fn new(
        spec: Option<Spec>,
        prebuilt: &Prebuilt,
        map: impl Fn(&Values<'_>) -> HeaderMap,
    ) -> Templates {
        let Some(s) = spec else {
            return Templates::default();
        };
        let mut maps = [None, None, None, None];
        for (headers, max_age) in [(false, false), (true, false), (false, true), (true, true)] {
            let allow_headers = match headers {
                false => AllowHeaders::None,
                true => match bytes(prebuilt.allow_headers.as_ref()) {
                    Some(value) => AllowHeaders::Value(value),
                    None => continue,
                },
            };
            let max_age_value = match max_age {
                false => None,
                true => match bytes(prebuilt.max_age.as_ref()) {
                    Some(value) => Some(value),
                    None => continue,
                },
            };
            let values = Values {
                allow_origin: Some(b"*"),
                allow_credentials: s.credentials,
                allow_methods: bytes(prebuilt.allow_methods.as_ref()),
                allow_headers,
                max_age: max_age_value,
                vary: Some(s.vary),
                ..Values::default()
            };
            if let Some(slot) = maps.get_mut(shape(headers, max_age)) {
                *slot = Some(map(&values));
            }
        }
        Templates { maps, spec }
    }

    /// The preflight answer of `values` with `origin` as its
    /// `Access-Control-Allow-Origin`, when a map holds its every other
    /// line; else `origin` back. A value is the template's when it holds
    /// the same bytes as the constant of `prebuilt` the map was made of.
    pub(super) fn answer(
        &self,
        prebuilt: &Prebuilt,
        values: &Values<'_>,
        origin: HeaderValue,
    ) -> Result<HeaderMap, HeaderValue> {
        let Some(spec) = self.spec else {
            return Err(origin);
        };
        let same = |value: Option<&[u8]>, constant: Option<&Constant>| match (value, constant) {
            (None, None) => true,
            (Some(bytes), Some(c)) => c.holding(bytes).is_some(),
            _ => false,
        };
        let (headers, headers_same) = match values.allow_headers {
            AllowHeaders::None => (false, true),
            AllowHeaders::Value(bytes) => {
                (true, same(Some(bytes), prebuilt.allow_headers.as_ref()))
            }
            AllowHeaders::Echo(_) => (true, false),
        };
        let matches = headers_same
            && values.vary == Some(spec.vary)
            && values.allow_credentials == spec.credentials
            && !values.allow_private_network
            && values.expose_headers.is_none()
            && same(values.allow_methods, prebuilt.allow_methods.as_ref())
            && (values.max_age.is_none() || same(values.max_age, prebuilt.max_age.as_ref()));
        let map = self
            .maps
            .get(shape(headers, values.max_age.is_some()))
            .and_then(Option::as_ref);
        let Some(map) = map.filter(|_| matches) else {
            return Err(origin);
        };
        let mut map = map.clone();
        // The origin's line is the first, made to be replaced.
        match map.iter_mut().next() {
            Some((name, value)) if *name == ALLOW_ORIGIN => {
                *value = origin;
                Ok(map)
            }
            _ => Err(origin),
        }
    }
}
