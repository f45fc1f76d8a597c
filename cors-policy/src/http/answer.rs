//! [`Answer`]: a decision's effect on a response of the `http` crate, owned,
//! and how it is written into the response's headers (the replace and merge
//! rules of the [`http`](crate::http) module).

use std::fmt;

use ::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ::http::{Response, StatusCode};

use super::prebuilt::{Constant, Prebuilt};
use super::read::Echoes;
use super::template::Templates;
use super::value::{STAR, TRUE, value_of};
use crate::adapter::VaryUpdate;
use crate::compile::Vary;
use crate::decision::{AllowHeaders, Headers, Values};
use crate::request_headers::{holds_name, trim_ows};
use crate::slot::{HeaderSlot, Slots};
use crate::{Decision, RequestKind};

/// The response header names the engine emits, by slot, to lend by
/// reference ([`Answer::headers`]); [`emitted`] gives them by value.
static EMITTED: Slots<HeaderName> = Slots::new(http_names(HeaderSlot::ALL));

/// The response header name of `slot`, by value: each a constant written
/// in place (a name cloned from a table is first matched on its
/// representation, and a name that is not one of the `http` crate's
/// standard ones is cloned through a vtable).
const fn emitted(slot: HeaderSlot) -> HeaderName {
    match slot {
        HeaderSlot::AllowOrigin => const { name(HeaderSlot::AllowOrigin) },
        HeaderSlot::AllowCredentials => const { name(HeaderSlot::AllowCredentials) },
        HeaderSlot::AllowMethods => const { name(HeaderSlot::AllowMethods) },
        HeaderSlot::AllowHeaders => const { name(HeaderSlot::AllowHeaders) },
        HeaderSlot::MaxAge => const { name(HeaderSlot::MaxAge) },
        HeaderSlot::AllowPrivateNetwork => const { name(HeaderSlot::AllowPrivateNetwork) },
        HeaderSlot::ExposeHeaders => const { name(HeaderSlot::ExposeHeaders) },
        HeaderSlot::Vary => const { name(HeaderSlot::Vary) },
    }
}

/// A slot's name as the `http` crate's header name (a standard name is its
/// `http` constant).
const fn name(slot: HeaderSlot) -> HeaderName {
    HeaderName::from_static(slot.name())
}

/// The response headers a policy owns on the paths it covers, removed from
/// the application's response before the decision's are added.
static OWNED: [HeaderName; HeaderSlot::COUNT - 1] = http_names(HeaderSlot::OWNED);

/// The slots' names as the `http` crate's header names, made at compile
/// time (a standard name is its `http` constant).
#[expect(
    clippy::indexing_slicing,
    reason = "`at` is below `N`, the length of both arrays"
)]
const fn http_names<const N: usize>(slots: [HeaderSlot; N]) -> [HeaderName; N] {
    let mut names = [const { HeaderName::from_static("vary") }; N];
    let mut at = 0;
    while at < N {
        // Replaced without dropping: a constant owns nothing to drop.
        std::mem::forget(std::mem::replace(&mut names[at], name(slots[at])));
        at += 1;
    }
    names
}

/// `true`, to lend by reference.
static TRUE_VALUE: HeaderValue = TRUE;

/// The `Vary` value of `vary`, owned: each a constant, written in place
/// (cloning a static value calls through its vtable, and the processor
/// stalls reading back what that call wrote).
const fn vary_header(vary: Vary) -> HeaderValue {
    match vary {
        Vary::Origin => const { HeaderValue::from_static(Vary::Origin.as_str()) },
        Vary::Preflight => const { HeaderValue::from_static(Vary::Preflight.as_str()) },
        Vary::PreflightPrivateNetwork => {
            const { HeaderValue::from_static(Vary::PreflightPrivateNetwork.as_str()) }
        }
        Vary::PreflightAnyOrigin => {
            const { HeaderValue::from_static(Vary::PreflightAnyOrigin.as_str()) }
        }
        Vary::PreflightAnyOriginPrivateNetwork => {
            const { HeaderValue::from_static(Vary::PreflightAnyOriginPrivateNetwork.as_str()) }
        }
    }
}

/// The `Vary` value of `vary`, to lend.
fn vary_value(vary: Vary) -> &'static HeaderValue {
    static VALUES: [HeaderValue; Vary::ALL.len()] = {
        let mut values = [const { HeaderValue::from_static("") }; Vary::ALL.len()];
        let mut at = 0;
        while at < Vary::ALL.len() {
            // Replaced without dropping: a constant owns nothing to drop.
            #[expect(
                clippy::indexing_slicing,
                reason = "evaluated at compile time, where an index out of bounds is a build error"
            )]
            std::mem::forget(std::mem::replace(
                &mut values[at],
                vary_header(Vary::ALL[at]),
            ));
            at += 1;
        }
        values
    };
    #[expect(
        clippy::indexing_slicing,
        reason = "`Vary::ALL` holds every value at its index"
    )]
    &VALUES[vary.index()]
}

/// `bytes` as a header value: a clone of `constant` when it holds them,
/// else as [`value_of`].
fn constant_of(bytes: &[u8], constant: Option<&Constant>) -> Option<HeaderValue> {
    match constant.and_then(|c| c.holding(bytes)) {
        Some(value) => Some(value.clone()),
        None => value_of(bytes, [None, None]),
    }
}

/// A decision's effect on the response, owned (`'static`, `Send`): the kind,
/// the status and the header values. Cheap to keep across an `.await`: the
/// answer to a request the application handles holds four values at most
/// (a preflight's, more, are already the map of its response).
#[derive(Clone)]
pub struct Answer {
    kind: RequestKind,
    allowed: bool,
    status: Option<u16>,
    lines: Lines,
}

/// An [`Answer`]'s header lines.
#[derive(Clone)]
enum Lines {
    /// For a response the application makes (an actual request's, a
    /// non-CORS request's; none for an unhandled one).
    Forwarded(Forwarded),
    /// A preflight's: the headers of the response the engine answers with,
    /// in the engine's order.
    Preflight(HeaderMap),
}

/// The lines an answer adds to a response the application made: an actual
/// request's are the origin, credentials, the exposed headers and `vary`,
/// no other (the rest answer preflights).
#[derive(Clone)]
pub(crate) struct Forwarded {
    origin: Option<HeaderValue>,
    credentials: bool,
    expose: Option<HeaderValue>,
    vary: Option<Vary>,
}

impl Answer {
    /// The answer of a decision, every value copied. [`HttpEngine::prepare`](super::HttpEngine::prepare)
    /// does the same without copying.
    pub fn from_decision(decision: &Decision<'_>) -> Answer {
        Answer::build(decision, None, None, None, Echoes::default())
    }

    /// Collects the decision's values: clones of `prebuilt` constants or of
    /// the request's `echoes` where they hold the same bytes, else copies.
    pub(super) fn build(
        decision: &Decision<'_>,
        prebuilt: Option<&Prebuilt>,
        templates: Option<&Templates>,
        exact_origin: Option<&HeaderValue>,
        echoes: Echoes<'_>,
    ) -> Answer {
        let v = &decision.values;
        let origin = v
            .allow_origin
            .and_then(|o| value_of(o, [exact_origin, echoes.origin]));
        let lines = if decision.kind() == RequestKind::Preflight {
            // From the policy's template when it holds every line but the
            // origin and the echoes, else line by line.
            let map = match (prebuilt, templates) {
                (Some(p), Some(t)) => t
                    .answer(p, v, origin, echoes)
                    .unwrap_or_else(|origin| preflight_map(v, prebuilt, origin, echoes)),
                _ => preflight_map(v, prebuilt, origin, echoes),
            };
            Lines::Preflight(map)
        } else {
            Lines::Forwarded(Forwarded {
                origin,
                credentials: v.allow_credentials,
                expose: v
                    .expose_headers
                    .and_then(|e| constant_of(e, prebuilt.and_then(|p| p.expose.as_ref()))),
                vary: v.vary,
            })
        };
        Answer {
            kind: decision.kind(),
            allowed: decision.allowed(),
            status: decision.status(),
            lines,
        }
    }

    /// What kind of request it was.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// Whether the CORS request was allowed ([`Decision::allowed`]).
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// The status of a preflight answer; `None` for any other.
    pub fn status(&self) -> Option<StatusCode> {
        self.status.and_then(|s| StatusCode::from_u16(s).ok())
    }

    /// Whether the application handler runs: false for preflights.
    pub fn forward(&self) -> bool {
        self.kind != RequestKind::Preflight
    }

    /// The headers, in the engine's order (`vary` last).
    pub fn headers(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        let (forwarded, map) = match &self.lines {
            Lines::Forwarded(forwarded) => (Some(forwarded), None),
            Lines::Preflight(map) => (None, Some(map)),
        };
        forwarded
            .into_iter()
            .flat_map(Forwarded::lines)
            .chain(map.into_iter().flat_map(HeaderMap::iter))
    }

    /// Writes the answer into a response's headers, with the replace and
    /// merge rules of the [module documentation](crate::http). Clones the
    /// values (a preflight's map too); [`write_to`](Self::write_to) moves
    /// them.
    pub fn apply(&self, response: &mut HeaderMap) {
        if self.kind != RequestKind::Unhandled {
            self.clone().write_to(response);
        }
    }

    /// [`apply`](Self::apply), moving the values into the response instead
    /// of cloning them: for an answer used once.
    pub fn write_to(self, response: &mut HeaderMap) {
        match self.lines {
            _ if self.kind == RequestKind::Unhandled => {}
            Lines::Forwarded(forwarded) => forwarded.write_to(response),
            Lines::Preflight(map) => write_map(response, map),
        }
    }

    /// The response to a preflight: its status, its headers and an empty
    /// body. `None` when the application handler should run instead.
    pub fn preflight_response<B: Default>(&self) -> Option<Response<B>> {
        (!self.forward()).then(|| self.clone().into_response())
    }

    /// [`preflight_response`](Self::preflight_response), moving the values
    /// into the response instead of cloning them: what the tower layer
    /// does. `None` when the application handler should run instead (the
    /// answer is then dropped: look at [`forward`](Self::forward) first,
    /// and [`write_to`](Self::write_to) the handler's response).
    pub fn into_preflight_response<B: Default>(self) -> Option<Response<B>> {
        (!self.forward()).then(|| self.into_response())
    }

    /// What the tower layer keeps: the preflight's response (`Ok`), or the
    /// lines for the application's response (`Err`; none when unhandled).
    pub(crate) fn into_response_or_lines<B: Default>(
        self,
    ) -> Result<Response<B>, Option<Forwarded>> {
        match self.lines {
            _ if self.kind == RequestKind::Unhandled => Err(None),
            Lines::Forwarded(forwarded) => Err(Some(forwarded)),
            Lines::Preflight(_) => Ok(self.into_response()),
        }
    }

    /// The preflight response (an empty one for another answer); a status
    /// that cannot be (the engine's are all valid) fails closed as 403.
    fn into_response<B: Default>(self) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self.status().unwrap_or(StatusCode::FORBIDDEN);
        match self.lines {
            Lines::Preflight(map) => *response.headers_mut() = map,
            Lines::Forwarded(forwarded) => forwarded.write_to(response.headers_mut()),
        }
        response
    }
}

impl Forwarded {
    /// The lines, in the engine's order.
    fn lines(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        [
            (HeaderSlot::AllowOrigin, self.origin.as_ref()),
            (
                HeaderSlot::AllowCredentials,
                self.credentials.then_some(&TRUE_VALUE),
            ),
            (HeaderSlot::ExposeHeaders, self.expose.as_ref()),
            (HeaderSlot::Vary, self.vary.map(vary_value)),
        ]
        .into_iter()
        .filter_map(|(slot, value)| Some((&EMITTED[slot], value?)))
    }

    /// Moves the lines into a response's headers: see [`Answer::apply`].
    pub(crate) fn write_to(self, response: &mut HeaderMap) {
        let has_vary = clear_owned(response);
        if let Some(origin) = self.origin {
            response.insert(emitted(HeaderSlot::AllowOrigin), origin);
        }
        if self.credentials {
            response.insert(emitted(HeaderSlot::AllowCredentials), TRUE);
        }
        if let Some(expose) = self.expose {
            response.insert(emitted(HeaderSlot::ExposeHeaders), expose);
        }
        if let Some(vary) = self.vary {
            let value = vary_header(vary);
            if has_vary {
                merge_vary(response, value);
            } else {
                response.insert(emitted(HeaderSlot::Vary), value);
            }
        }
    }
}

/// A preflight's headers, in the engine's order: clones of `prebuilt`
/// constants or of the request's `echoes` where they hold the same bytes,
/// else copies.
fn preflight_map(
    v: &Values<'_>,
    prebuilt: Option<&Prebuilt>,
    origin: Option<HeaderValue>,
    echoes: Echoes<'_>,
) -> HeaderMap {
    let p = prebuilt;
    let lines = [
        origin.is_some(),
        v.allow_credentials,
        v.allow_methods.is_some(),
        !matches!(v.allow_headers, AllowHeaders::None),
        v.max_age.is_some(),
        v.allow_private_network,
        v.expose_headers.is_some(),
        v.vary.is_some(),
    ];
    // Sized once for one line each (browsers send their list on one).
    let mut map = HeaderMap::with_capacity(lines.into_iter().filter(|&line| line).count());
    // Each value is made where it is appended: a clone moved through an
    // `Option` first is copied again, and the processor stalls reading
    // back, as one wide load, what the clone wrote as words.
    let mut put = |slot: HeaderSlot, value: HeaderValue| {
        map.append(emitted(slot), value);
    };
    if let Some(origin) = origin {
        put(HeaderSlot::AllowOrigin, origin);
    }
    if v.allow_credentials {
        put(HeaderSlot::AllowCredentials, TRUE);
    }
    let constant = |c: fn(&Prebuilt) -> &Option<Constant>| p.and_then(|p| c(p).as_ref());
    if let Some(m) = v.allow_methods {
        let methods = constant(|p| &p.allow_methods);
        append_value(
            &mut put,
            HeaderSlot::AllowMethods,
            m,
            methods,
            echoes.method,
        );
    }
    match v.allow_headers {
        AllowHeaders::None => {}
        AllowHeaders::Value(value) => {
            let headers = constant(|p| &p.allow_headers);
            append_value(&mut put, HeaderSlot::AllowHeaders, value, headers, None);
        }
        AllowHeaders::Echo(_) if v.echo_allowed_names => {
            // An informative denial's names, one line each: copied.
            let names = Headers::of(*v)
                .filter(|h| h.name == HeaderSlot::AllowHeaders.name())
                .filter_map(|h| HeaderValue::from_bytes(h.value).ok());
            for name in names {
                put(HeaderSlot::AllowHeaders, name);
            }
        }
        AllowHeaders::Echo(lines) => {
            // The request's own lines, in the same order as the
            // decision's when it was read from them.
            let mut own = echoes
                .request
                .map(|r| r.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS).iter());
            for line in lines.iter() {
                let own_line = own.as_mut().and_then(Iterator::next);
                if holds_name(line)
                    && let Some(value) = value_of(trim_ows(line), [own_line, None])
                {
                    put(HeaderSlot::AllowHeaders, value);
                }
            }
        }
    }
    if let Some(m) = v.max_age {
        append_value(
            &mut put,
            HeaderSlot::MaxAge,
            m,
            constant(|p| &p.max_age),
            None,
        );
    }
    if v.allow_private_network {
        put(HeaderSlot::AllowPrivateNetwork, TRUE);
    }
    if let Some(e) = v.expose_headers {
        append_value(
            &mut put,
            HeaderSlot::ExposeHeaders,
            e,
            constant(|p| &p.expose),
            None,
        );
    }
    if let Some(vary) = v.vary {
        put(HeaderSlot::Vary, vary_header(vary));
    }
    map
}

/// The map of a preflight answer with `values` (made of the constants of
/// `prebuilt`), with `*` as its origin if it has one: a template (see
/// [`Templates`]).
pub(super) fn template_map(values: &Values<'_>, prebuilt: &Prebuilt) -> HeaderMap {
    let origin = values.allow_origin.map(|_| STAR);
    preflight_map(values, Some(prebuilt), origin, Echoes::default())
}

/// Puts `bytes` as a value: a clone of `constant` when it holds them, else
/// as [`value_of`] (a clone of `echo`, or a copy). The clone is made in the
/// call that puts it.
fn append_value(
    put: &mut impl FnMut(HeaderSlot, HeaderValue),
    slot: HeaderSlot,
    bytes: &[u8],
    constant: Option<&Constant>,
    echo: Option<&HeaderValue>,
) {
    match constant.and_then(|c| c.holding(bytes)) {
        Some(value) => put(slot, value.clone()),
        None => {
            if let Some(value) = value_of(bytes, [echo, None]) {
                put(slot, value);
            }
        }
    }
}

/// Removes the response's lines of the headers a policy owns; whether it
/// has a `Vary` line.
fn clear_owned(response: &mut HeaderMap) -> bool {
    // Most responses carry no CORS header of their own: one pass over
    // their names instead of seven removals.
    let (mut has_owned, mut has_vary) = (false, false);
    for name in response.keys() {
        has_owned |= OWNED.contains(name);
        has_vary |= name == emitted(HeaderSlot::Vary);
    }
    if has_owned {
        for name in &OWNED {
            response.remove(name);
        }
    }
    has_vary
}

/// Moves a preflight's lines into a response's headers: see
/// [`Answer::apply`].
fn write_map(response: &mut HeaderMap, map: HeaderMap) {
    let has_vary = clear_owned(response);
    let mut current: Option<HeaderName> = None;
    for (name, value) in map {
        // A name comes with its first value only.
        let first = name.is_some();
        if name.is_some() {
            current = name;
        }
        let Some(name) = &current else {
            continue;
        };
        if *name == emitted(HeaderSlot::Vary) && has_vary {
            merge_vary(response, value);
        } else if first {
            response.insert(name.clone(), value);
        } else {
            response.append(name.clone(), value);
        }
    }
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("kind", &self.kind)
            .field("allowed", &self.allowed)
            .field("status", &self.status)
            .field("headers", &self.headers().collect::<Vec<_>>())
            .finish()
    }
}

/// Adds the names of `ours` that the response's `Vary` lacks; see the
/// [module documentation](crate::http).
fn merge_vary(response: &mut HeaderMap, ours: HeaderValue) {
    let existing = || {
        response
            .get_all(emitted(HeaderSlot::Vary))
            .iter()
            .map(HeaderValue::as_bytes)
    };
    match crate::adapter::merge_vary(existing, ours.as_bytes()) {
        VaryUpdate::Keep => {}
        VaryUpdate::Add => {
            response.append(emitted(HeaderSlot::Vary), ours);
        }
        VaryUpdate::Replace(merged) => match HeaderValue::try_from(merged) {
            Ok(value) => {
                response.insert(emitted(HeaderSlot::Vary), value);
            }
            // Unreachable (valid values joined by `, ` are valid); a second
            // line says the same to a cache.
            Err(_) => {
                response.append(emitted(HeaderSlot::Vary), ours);
            }
        },
    }
}
