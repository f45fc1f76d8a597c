//! The [`http`] adapter (feature `http`): requests from
//! [`http::Request`] and friends, decisions applied to an
//! [`http::HeaderMap`].
//!
//! Two levels:
//!
//! - With a plain [`Engine`]: [`Request::from_http`] (and
//!   [`from_http_parts`](Request::from_http_parts),
//!   [`from_http_headers`](Request::from_http_headers)) borrow the request,
//!   [`Engine::decide`] answers, and [`apply`] / [`preflight_response`] write
//!   the answer into a response. Simple; every header value is copied.
//! - With an [`HttpEngine`]: the engine plus header values built once and
//!   shared, so that an answer costs no allocation in the common case (values
//!   are cloned by reference count: constants from the cache, the echoed
//!   origin from the request's own `Origin` value). [`HttpEngine::answer`]
//!   gives an owned [`Answer`] that can outlive the request, which is what a
//!   middleware needs across its `.await`.
//!
//! What applying an answer does to the headers the application set (the same
//! for [`apply`] and [`Answer::apply`]):
//!
//! - a request no policy covers ([`Kind::Unhandled`]): nothing at all;
//! - otherwise the policy owns the response's CORS headers: every
//!   `access-control-allow-*`, `access-control-expose-headers` and
//!   `access-control-max-age` line the application set is removed, then the
//!   decision's own are added, so exactly one `Access-Control-Allow-Origin`
//!   and one `-Allow-Credentials` line reach the client (several
//!   `Access-Control-Allow-Headers` lines only when the engine echoes a list
//!   that came on several lines);
//! - `vary` is merged, never replaced: names already listed (compared
//!   case-insensitively) are not repeated, a `Vary: *` is left alone, and
//!   when the application set `Vary` the result is a single line, the
//!   application's names first (some caches read only the first line).

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use ::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ::http::request::Parts;
use ::http::{Method, Response, StatusCode, Uri};

use crate::request_headers::trim_ows;
use crate::{Decision, Engine, Header, Kind, MAX_REQUEST_HEADER_LINES, Request};

/// `Access-Control-Request-Private-Network`, which `http` has no constant for.
const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network`.
const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// The response headers a policy owns on the paths it covers: removed from
/// the application's response before the decision's are added.
static OWNED: [HeaderName; 7] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    ALLOW_PRIVATE_NETWORK,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
];

/// How many response header names the engine emits.
const NAMES: usize = 8;

/// The response header names the engine emits, in its canonical order; the
/// position is the cache slot.
static EMITTED: [HeaderName; NAMES] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_MAX_AGE,
    ALLOW_PRIVATE_NETWORK,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
    header::VARY,
];

const STAR: HeaderValue = HeaderValue::from_static("*");
const TRUE: HeaderValue = HeaderValue::from_static("true");

impl<'a> Request<'a> {
    /// The engine's view of an [`http::Request`]: borrows
    /// the method, the path ([`Uri::path`], so never the query) and the CORS
    /// request headers; allocates nothing.
    ///
    /// Several `Origin` lines make a duplicated origin (always denied);
    /// several `Access-Control-Request-Headers` lines are all read, and more
    /// than [`MAX_REQUEST_HEADER_LINES`] deny the preflight.
    pub fn from_http<B>(request: &'a ::http::Request<B>) -> Self {
        Request::from_http_headers(request.method(), request.uri(), request.headers())
    }

    /// The same as [`from_http`](Self::from_http), from the request's parts.
    pub fn from_http_parts(parts: &'a Parts) -> Self {
        Request::from_http_headers(&parts.method, &parts.uri, &parts.headers)
    }

    /// The same as [`from_http`](Self::from_http), from a method, a URI and
    /// the request's headers: for servers that keep them apart.
    pub fn from_http_headers(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> Self {
        let mut request = Request::new(method.as_str(), uri.path());
        // A second line is all the engine needs to see to deny, and one line
        // over the cap is enough to deny: hostile repetitions are not walked.
        for origin in headers.get_all(header::ORIGIN).iter().take(2) {
            request = request.origin(origin);
        }
        for method in headers
            .get_all(header::ACCESS_CONTROL_REQUEST_METHOD)
            .iter()
            .take(2)
        {
            request = request.request_method(method);
        }
        if headers.contains_key(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            // Borrowed from the map and read only for a preflight, at most
            // one line over the cap.
            request = request.request_header_map(headers);
        }
        if let Some(value) = headers.get(REQUEST_PRIVATE_NETWORK) {
            request = request.private_network(value);
        }
        request
    }
}

/// Writes a decision into a response's headers, with the replace and merge
/// rules of the [module documentation](self). Copies every value; an
/// [`HttpEngine`] avoids that.
pub fn apply(decision: &Decision<'_>, response: &mut HeaderMap) {
    Answer::from_decision(decision).apply(response);
}

/// The response to a preflight (a decision that does not forward): its
/// status, its headers and an empty body. `None` for any other decision.
pub fn preflight_response<B: Default>(decision: &Decision<'_>) -> Option<Response<B>> {
    Answer::from_decision(decision).preflight_response()
}

/// An [`Engine`] with the header values of its answers built once, for the
/// `http` crate's types.
///
/// Answers clone shared values (a reference count) instead of copying bytes:
/// each policy's constant values (`Access-Control-Allow-Methods`, `-Max-Age`,
/// `-Expose-Headers`, `Vary`, …) are built the first time they are sent and
/// kept; echoed values are the request's own [`HeaderValue`]s. Share it like
/// the engine (`Arc<HttpEngine>`; it is `Send + Sync`).
///
/// It is made from an [`Engine`], an `Arc<Engine>` or a `&'static Engine`
/// (what a `static` made by `cors_policy!` dereferences to), all with
/// [`From`].
pub struct HttpEngine {
    engine: Held,
    /// Per policy, per (header, preflight or not): the constant value.
    cache: Box<[[OnceLock<HeaderValue>; 2 * NAMES]]>,
}

/// How an [`HttpEngine`] holds its engine.
enum Held {
    Owned(Engine),
    Shared(Arc<Engine>),
    Static(&'static Engine),
}

impl Deref for Held {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        match self {
            Held::Owned(engine) => engine,
            Held::Shared(engine) => engine,
            Held::Static(engine) => engine,
        }
    }
}

impl HttpEngine {
    /// Wraps a compiled engine: an [`Engine`], an `Arc<Engine>` or a
    /// `&'static Engine`.
    pub fn new(engine: impl Into<HttpEngine>) -> Self {
        engine.into()
    }

    fn with(engine: Held) -> Self {
        let cache = engine
            .policies()
            .iter()
            .map(|_| std::array::from_fn(|_| OnceLock::new()))
            .collect();
        HttpEngine { engine, cache }
    }

    /// The engine inside.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Decides a request and keeps what the response needs: the
    /// [`Answer`]. With the `tracing` feature the decision is logged
    /// ([`Decision::log`]).
    pub fn answer<B>(&self, request: &::http::Request<B>) -> Answer {
        self.answer_headers(request.method(), request.uri(), request.headers())
    }

    /// [`answer`](Self::answer), from the request's parts.
    pub fn answer_parts(&self, parts: &Parts) -> Answer {
        self.answer_headers(&parts.method, &parts.uri, &parts.headers)
    }

    /// [`answer`](Self::answer), from a method, a URI and the request's
    /// headers.
    pub fn answer_headers(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Answer {
        let request = Request::from_http_headers(method, uri, headers);
        let decision = self.engine.decide(&request);
        #[cfg(feature = "tracing")]
        decision.log();
        self.prepare(&decision, headers)
    }

    /// The [`Answer`] of a decision already made (e.g. to look at its
    /// [`reason`](Decision::reason) first). `request_headers` are the
    /// headers the decision's request was built from: echoed values are
    /// cloned from them. Any decision works; one from another engine or
    /// request just costs copies.
    pub fn prepare(&self, decision: &Decision<'_>, request_headers: &HeaderMap) -> Answer {
        let slots = decision
            .policy_index()
            .and_then(|index| self.cache.get(index));
        let preflight = decision.kind() == Kind::Preflight;
        Answer::build(decision, |at, h| {
            let slot = slots.and_then(|s| s.get(2 * at + usize::from(preflight)));
            cached_value(slot, h, request_headers)
        })
    }
}

/// The value of `h` as cheaply as it can be had; `slot` caches the policy's
/// constant for this header.
fn cached_value(
    slot: Option<&OnceLock<HeaderValue>>,
    h: Header<'_>,
    request: &HeaderMap,
) -> Option<HeaderValue> {
    if let Some(value) = fixed(h.value) {
        return Some(value);
    }
    if let Some(value) = slot.and_then(OnceLock::get)
        && value.as_bytes() == h.value
    {
        return Some(value.clone());
    }
    // An echo: the request's own value, when it is the same bytes.
    let echoed = [
        header::ORIGIN,
        header::ACCESS_CONTROL_REQUEST_METHOD,
        header::ACCESS_CONTROL_REQUEST_HEADERS,
    ];
    let mut from_request = false;
    for name in echoed {
        for value in request.get_all(name).iter().take(MAX_REQUEST_HEADER_LINES) {
            if value.as_bytes() == h.value {
                return Some(value.clone());
            }
            from_request |= within(h.value, value.as_bytes());
        }
    }
    let value = HeaderValue::from_bytes(h.value).ok()?;
    // Only the engine's own constants are kept: an echo changes per request.
    if !from_request && let Some(slot) = slot {
        let _ = slot.set(value.clone());
    }
    Some(value)
}

/// Whether `part` lies inside `whole` (an echo borrows from the request).
fn within(part: &[u8], whole: &[u8]) -> bool {
    whole.as_ptr_range().contains(&part.as_ptr())
}

/// The values that are the same in every answer.
fn fixed(value: &[u8]) -> Option<HeaderValue> {
    match value {
        b"*" => Some(STAR),
        b"true" => Some(TRUE),
        _ => None,
    }
}

impl From<Engine> for HttpEngine {
    fn from(engine: Engine) -> Self {
        HttpEngine::with(Held::Owned(engine))
    }
}

impl From<Arc<Engine>> for HttpEngine {
    fn from(engine: Arc<Engine>) -> Self {
        HttpEngine::with(Held::Shared(engine))
    }
}

impl From<&'static Engine> for HttpEngine {
    fn from(engine: &'static Engine) -> Self {
        HttpEngine::with(Held::Static(engine))
    }
}

impl fmt::Debug for HttpEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpEngine")
            .field("engine", &*self.engine)
            .finish_non_exhaustive()
    }
}

/// How many headers an [`Answer`] keeps inline; more (echoed
/// `Access-Control-Allow-Headers` lines) spill to the heap.
const INLINE: usize = NAMES;

/// A decision's effect on the response, owned (`'static`, `Send`): the kind,
/// the status and the header values. Cheap to keep across an `.await`.
#[derive(Clone)]
pub struct Answer {
    kind: Kind,
    allowed: bool,
    status: Option<u16>,
    inline: [Option<(HeaderName, HeaderValue)>; INLINE],
    spill: Vec<(HeaderName, HeaderValue)>,
}

impl Answer {
    /// The answer of a decision, every value copied. [`HttpEngine::prepare`]
    /// does the same without copying.
    pub fn from_decision(decision: &Decision<'_>) -> Answer {
        Answer::build(decision, |_, h| {
            fixed(h.value).or_else(|| HeaderValue::from_bytes(h.value).ok())
        })
    }

    /// Collects the decision's headers; `value(position in EMITTED, header)`
    /// makes each value.
    fn build(
        decision: &Decision<'_>,
        mut value: impl FnMut(usize, Header<'_>) -> Option<HeaderValue>,
    ) -> Answer {
        let mut answer = Answer {
            kind: decision.kind(),
            allowed: decision.allowed(),
            status: decision.status(),
            inline: Default::default(),
            spill: Vec::new(),
        };
        let mut free = answer.inline.iter_mut();
        let mut headers = decision.headers();
        while let Some((at, h)) = headers.next_indexed() {
            // The position in the canonical order is the name's: no search.
            let entry = match EMITTED.get(at) {
                Some(name) if name.as_str() == h.name => Some(name.clone()).zip(value(at, h)),
                // Unreachable (the orders are the same); sent as is.
                _ => HeaderName::from_bytes(h.name.as_bytes())
                    .ok()
                    .zip(HeaderValue::from_bytes(h.value).ok()),
            };
            // `None` is unreachable (engine names and values are valid);
            // sending less fails closed in the browser.
            let Some(entry) = entry else {
                continue;
            };
            match free.next() {
                Some(slot) => *slot = Some(entry),
                None => answer.spill.push(entry),
            }
        }
        answer
    }

    /// What kind of request it was.
    pub fn kind(&self) -> Kind {
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
        self.kind != Kind::Preflight
    }

    /// The headers, in the engine's order (`vary` last).
    pub fn headers(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        self.inline
            .iter()
            .flatten()
            .chain(&self.spill)
            .map(|(n, v)| (n, v))
    }

    /// Writes the answer into a response's headers, with the replace and
    /// merge rules of the [module documentation](self).
    pub fn apply(&self, response: &mut HeaderMap) {
        if self.kind == Kind::Unhandled {
            return;
        }
        // Most responses carry no CORS header of their own: skip seven
        // lookups when there is nothing to remove, and the `Vary` merge.
        let empty = response.is_empty();
        if !empty {
            for name in &OWNED {
                response.remove(name);
            }
        }
        let mut previous = None;
        for (name, value) in self.headers() {
            if name == header::VARY {
                if empty {
                    // `vary` comes last and once: nothing to merge with.
                    response.insert(header::VARY, value.clone());
                } else {
                    merge_vary(response, value);
                }
            } else if previous == Some(name) {
                // Lines of one name come together: all of them are sent.
                response.append(name.clone(), value.clone());
            } else {
                response.insert(name.clone(), value.clone());
            }
            previous = Some(name);
        }
    }

    /// The response to a preflight: its status, its headers and an empty
    /// body. `None` when the application handler should run instead.
    pub fn preflight_response<B: Default>(&self) -> Option<Response<B>> {
        (!self.forward()).then(|| self.response())
    }

    /// The preflight response; a status that cannot be (the engine's are all
    /// valid) fails closed as 403.
    pub(crate) fn response<B: Default>(&self) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self.status().unwrap_or(StatusCode::FORBIDDEN);
        self.apply(response.headers_mut());
        response
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

/// The field names of a `Vary` value.
fn vary_names(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|n| !n.is_empty())
}

/// Adds the names of `ours` that the response's `Vary` lacks; see the
/// module documentation.
fn merge_vary(response: &mut HeaderMap, ours: &HeaderValue) {
    let existing = response.get_all(header::VARY);
    let listed = |name: &[u8]| {
        existing
            .iter()
            .any(|line| vary_names(line.as_bytes()).any(|n| n.eq_ignore_ascii_case(name)))
    };
    if existing.iter().next().is_none() {
        response.insert(header::VARY, ours.clone());
        return;
    }
    if listed(b"*") || vary_names(ours.as_bytes()).all(listed) {
        return;
    }
    let mut merged = Vec::new();
    let lines = existing.iter().map(|l| trim_ows(l.as_bytes()));
    let missing = vary_names(ours.as_bytes()).filter(|n| !listed(n));
    for part in lines.filter(|l| !l.is_empty()).chain(missing) {
        if !merged.is_empty() {
            merged.extend_from_slice(b", ");
        }
        merged.extend_from_slice(part);
    }
    match HeaderValue::try_from(merged) {
        Ok(value) => {
            response.insert(header::VARY, value);
        }
        // Unreachable (valid values joined by `, ` are valid); a second
        // line says the same to a cache.
        Err(_) => {
            response.append(header::VARY, ours.clone());
        }
    }
}
