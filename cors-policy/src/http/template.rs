//! A policy's preflight answers made once: the header map of each kind of
//! preflight answer the policy gives, which an answer clones and fills in
//! (the origin, an echoed method or header line) instead of putting its
//! lines in one by one.
//!
//! A clone copies the map's index and its lines (a standard name is a
//! number; a value's clone copies a pointer, or counts a reference) and
//! places nothing; putting a line in hashes its name and looks for its
//! place. An opaque denial is its policy's `Vary` alone; an allowed or
//! informatively denied preflight is answered from a template when its
//! lines are the policy's constants, the origin, and an echo of the
//! method or of a single `Access-Control-Request-Headers` line. Anything
//! else (several lines echoed, an informative denial's names, private
//! network) is answered line by line.

use ::http::header::{HeaderMap, HeaderValue};

use super::prebuilt::{Constant, Prebuilt};
use super::read::Echoes;
use super::value::value_of;
use crate::compile::{self, CompiledPolicy, Vary};
use crate::decision::{AllowHeaders, Values};
use crate::request_headers::{holds_name, trim_ows};
use crate::slot::HeaderSlot;

/// One preflight answer's map, and where its echoed lines are.
struct Template {
    map: HeaderMap,
    /// The index of its `Access-Control-Allow-Methods` line, if any (the
    /// origin's is 0).
    methods_at: Option<usize>,
    /// The index of its `Access-Control-Allow-Headers` line, if any.
    headers_at: Option<usize>,
}

impl Template {
    /// `map`'s template: `None` unless its first line is the origin's.
    fn new(map: HeaderMap) -> Option<Template> {
        let at = |slot: HeaderSlot| map.keys().position(|name| name.as_str() == slot.name());
        let (origin_at, methods_at, headers_at) = (
            at(HeaderSlot::AllowOrigin),
            at(HeaderSlot::AllowMethods),
            at(HeaderSlot::AllowHeaders),
        );
        (origin_at == Some(0)).then_some(Template {
            map,
            methods_at,
            headers_at,
        })
    }
}

/// One policy's preflight maps.
#[derive(Default)]
pub(super) struct Templates {
    /// An allowed or informative answer's, by which of the two lines that
    /// vary between them it holds (see [`shape`]):
    /// `Access-Control-Allow-Headers` (absent when no header was
    /// requested) and `-Max-Age` (absent from an informative denial).
    /// `None` where the policy has no such answer. Their origin, and an
    /// echoed line, is `*` until replaced.
    maps: [Option<Template>; 4],
    /// An opaque denial's: `Vary` alone.
    denied: Option<HeaderMap>,
    /// How the policy answers the lines the maps hold.
    spec: Option<Spec>,
}

/// How a policy answers the lines of its templates.
#[derive(Clone, Copy)]
pub(super) struct Spec {
    credentials: bool,
    vary: Vary,
    methods: Line,
    headers: Line,
}

/// How a policy answers `Access-Control-Allow-Methods` or `-Headers`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Constant,
    /// The request's own (`*` with credentials).
    Echo,
    Nothing,
}

impl Line {
    fn of(answer: &compile::Answer) -> Line {
        match answer {
            compile::Answer::Constant(_) => Line::Constant,
            compile::Answer::Echo => Line::Echo,
            compile::Answer::Nothing => Line::Nothing,
        }
    }
}

impl Spec {
    /// `policy`'s.
    pub(super) fn of(policy: &CompiledPolicy) -> Spec {
        Spec {
            credentials: policy.credentials,
            vary: policy.vary_preflight,
            methods: Line::of(&policy.allow_methods),
            headers: Line::of(&policy.allow_headers),
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

/// The bytes a template holds for a line the policy answers so: its
/// constant, `*` in place of an echo, or none.
fn line(line: Line, constant: Option<&Constant>) -> Option<&[u8]> {
    match line {
        Line::Constant => bytes(constant),
        Line::Echo => Some(b"*"),
        Line::Nothing => None,
    }
}

impl Templates {
    /// The maps of a policy answering as `spec`, made by `map` of the
    /// values of `prebuilt` (its constants).
    pub(super) fn new(
        spec: Spec,
        prebuilt: &Prebuilt,
        map: impl Fn(&Values<'_>) -> HeaderMap,
    ) -> Templates {
        let mut maps = [None, None, None, None];
        for (headers, max_age) in [(false, false), (true, false), (false, true), (true, true)] {
            let allow_headers = match headers {
                false => AllowHeaders::None,
                true => match line(spec.headers, prebuilt.allow_headers.as_ref()) {
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
                allow_credentials: spec.credentials,
                allow_methods: line(spec.methods, prebuilt.allow_methods.as_ref()),
                allow_headers,
                max_age: max_age_value,
                vary: Some(spec.vary),
                ..Values::default()
            };
            if let Some(slot) = maps.get_mut(shape(headers, max_age)) {
                *slot = Template::new(map(&values));
            }
        }
        let denied = Values {
            vary: Some(spec.vary),
            ..Values::default()
        };
        Templates {
            maps,
            denied: Some(map(&denied)),
            spec: Some(spec),
        }
    }

    /// The preflight answer of `values` with `origin` as its
    /// `Access-Control-Allow-Origin`, when a map holds its every line but
    /// the origin and the echoes (from `echoes`); else `origin` back. A
    /// value is the template's when it holds the same bytes as the
    /// constant of `prebuilt` the map was made of.
    pub(super) fn answer(
        &self,
        prebuilt: &Prebuilt,
        values: &Values<'_>,
        origin: Option<HeaderValue>,
        echoes: Echoes<'_>,
    ) -> Result<HeaderMap, Option<HeaderValue>> {
        let Some(spec) = self.spec else {
            return Err(origin);
        };
        let common = values.vary == Some(spec.vary)
            && !values.allow_private_network
            && values.expose_headers.is_none();
        let Some(origin) = origin else {
            // An opaque denial: `Vary` alone.
            let denied = common
                && !values.allow_credentials
                && values.allow_methods.is_none()
                && matches!(values.allow_headers, AllowHeaders::None)
                && values.max_age.is_none();
            return match &self.denied {
                Some(map) if denied => Ok(map.clone()),
                _ => Err(None),
            };
        };
        let same = |value: Option<&[u8]>, constant: Option<&Constant>| match (value, constant) {
            (None, None) => true,
            (Some(bytes), Some(c)) => c.holding(bytes).is_some(),
            _ => false,
        };
        // Whether the methods' line is the template's (an echo is).
        let methods_same = match (spec.methods, values.allow_methods) {
            (Line::Echo, method) => method.is_some(),
            (Line::Constant | Line::Nothing, m) => same(m, prebuilt.allow_methods.as_ref()),
        };
        // Whether the headers' line is the template's (and is there), and
        // the request's line an echo sends: a single line holding names.
        let (headers_same, headers, echoed_line) = match values.allow_headers {
            AllowHeaders::None => (true, false, None),
            AllowHeaders::Value(bytes) => (
                spec.headers == Line::Constant
                    && same(Some(bytes), prebuilt.allow_headers.as_ref()),
                true,
                None,
            ),
            AllowHeaders::Echo(lines)
                if spec.headers == Line::Echo && !values.echo_allowed_names =>
            {
                let mut all = lines.iter();
                match (all.next(), all.next()) {
                    (Some(line), None) if holds_name(line) => (true, true, Some(line)),
                    _ => (false, true, None),
                }
            }
            AllowHeaders::Echo(_) => (false, true, None),
        };
        let matches = common
            && methods_same
            && headers_same
            && values.allow_credentials == spec.credentials
            && (values.max_age.is_none() || same(values.max_age, prebuilt.max_age.as_ref()));
        let map = self
            .maps
            .get(shape(headers, values.max_age.is_some()))
            .and_then(Option::as_ref);
        let echoed_method = values.allow_methods.filter(|_| spec.methods == Line::Echo);
        // An echo has its line (the templates of an echoing policy hold one).
        let fits = |t: &&Template| {
            (echoed_method.is_none() || t.methods_at.is_some())
                && (echoed_line.is_none() || t.headers_at.is_some())
        };
        let Some(template) = map.filter(|_| matches).filter(fits) else {
            return Err(Some(origin));
        };
        // The echoes, made once the template is known: a clone of the
        // request's value, or a copy of its trimmed names (`None` is
        // unreachable: the engine's values are valid).
        let mut method = None;
        if let Some(m) = echoed_method {
            let Some(value) = value_of(m, [echoes.method, None]) else {
                return Err(Some(origin));
            };
            method = Some(value);
        }
        let mut header_line = None;
        if let Some(line) = echoed_line {
            let Some(value) = value_of(trim_ows(line), [echoes.headers, None]) else {
                return Err(Some(origin));
            };
            header_line = Some(value);
        }
        let mut answer = template.map.clone();
        let mut lines = answer.iter_mut();
        if let Some((_, value)) = lines.next() {
            *value = origin;
        }
        // Each echo into its line, in the map's order (methods first).
        if method.is_some() || header_line.is_some() {
            let mut next = 1;
            if let (Some(at), Some(method)) = (template.methods_at, method) {
                if let Some((_, value)) = at.checked_sub(next).and_then(|skip| lines.nth(skip)) {
                    *value = method;
                }
                next = at + 1;
            }
            if let (Some(at), Some(line)) = (template.headers_at, header_line)
                && let Some((_, value)) = at.checked_sub(next).and_then(|skip| lines.nth(skip))
            {
                *value = line;
            }
        }
        Ok(answer)
    }
}
