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
//! - a request no policy covers ([`RequestKind::Unhandled`]): nothing at all;
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
use std::sync::Arc;

use ::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ::http::request::Parts;
use ::http::{Method, Response, StatusCode, Uri};

use crate::adapter::VaryUpdate;
use crate::compile::Found;
use crate::compile::{self, CompiledPolicy};
use crate::decision::AllowHeaders;
use crate::grammar::model::{self, OriginMatcher};
use crate::request_headers::{holds_name, trim_ows};
use crate::{Decision, Engine, Reason, Request, RequestKind};

/// `Access-Control-Request-Private-Network`, which `http` has no constant for.
const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
/// `Access-Control-Allow-Private-Network`.
const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// How many response header names the engine emits.
const NAMES: usize = 8;

/// The response header names the engine emits, in its canonical order; the
/// position is the slot of the value in an [`Answer`].
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

/// The response headers a policy owns on the paths it covers, removed from
/// the application's response before the decision's are added: every name
/// it emits but `vary`, which is merged instead.
fn owned() -> &'static [HeaderName] {
    EMITTED.split_last().map_or(&[], |(_vary, owned)| owned)
}

const STAR: HeaderValue = HeaderValue::from_static("*");
const TRUE: HeaderValue = HeaderValue::from_static("true");

impl<'a> Request<'a> {
    /// The engine's view of an [`http::Request`]: borrows
    /// the method, the path ([`target_path`](crate::target_path) of the
    /// URI's path and query, so never the query) and the CORS
    /// request headers; allocates nothing.
    ///
    /// Several `Origin` lines make a duplicated origin (always denied);
    /// several `Access-Control-Request-Headers` lines are all read, and more
    /// than [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES) deny the preflight.
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
        read(method, uri, headers).0
    }
}

/// The request, and the values an answer may echo: the first `Origin` and
/// `Access-Control-Request-Method` lines, kept so that an echo clones them
/// instead of looking them up again.
fn read<'a>(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> (Request<'a>, Echoes<'a>) {
    // The target's path and query, cut by the one path extractor
    // (`target_path`) as every other caller's target is.
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path(), ::http::uri::PathAndQuery::as_str);
    let mut request = Request::new(method.as_str(), target);
    let mut echoes = Echoes {
        origin: None,
        method: None,
        request: Some(headers),
    };
    // A second line is all the engine needs to see to deny, and one line
    // over the cap is enough to deny: hostile repetitions are not walked.
    for origin in headers.get_all(header::ORIGIN).iter().take(2) {
        echoes.origin.get_or_insert(origin);
        request = request.origin(origin);
    }
    // Only a preflight reads the `Access-Control-Request-*` headers: any
    // other method is answered without looking them up. A preflight looks
    // up only those it has: one pass over the request's names (each once,
    // whatever its number of lines) is cheaper than three lookups, most of
    // all for the private-network header, whose name is not a standard one
    // and would be hashed byte by byte.
    if method != Method::OPTIONS {
        return (request, echoes);
    }
    let (mut has_method, mut has_headers, mut has_private_network) = (false, false, false);
    for name in headers.keys() {
        has_method |= name == header::ACCESS_CONTROL_REQUEST_METHOD;
        has_headers |= name == header::ACCESS_CONTROL_REQUEST_HEADERS;
        has_private_network |= name == REQUEST_PRIVATE_NETWORK;
    }
    if has_method {
        for method in headers
            .get_all(header::ACCESS_CONTROL_REQUEST_METHOD)
            .iter()
            .take(2)
        {
            echoes.method.get_or_insert(method);
            request = request.request_method(method);
        }
    }
    if has_headers {
        // Looked up once. A few lines (browsers send one) are kept inline,
        // so that reading them again — the caps, the names, an echo —
        // does not look them up again; more are borrowed from the map and
        // read only for a preflight, at most one line over the cap.
        let lines = headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        if lines
            .iter()
            .nth(crate::MAX_BUILDER_REQUEST_HEADER_LINES)
            .is_none()
        {
            for line in lines {
                request = request.request_headers(line);
            }
        } else {
            request = request.request_header_map(headers);
        }
    }
    if has_private_network && let Some(value) = headers.get(REQUEST_PRIVATE_NETWORK) {
        request = request.private_network(value);
    }
    (request, echoes)
}

/// The request's own values an answer may echo: cloning them shares their
/// bytes.
#[derive(Clone, Copy, Default)]
struct Echoes<'r> {
    origin: Option<&'r HeaderValue>,
    method: Option<&'r HeaderValue>,
    /// The request's headers, for the `Access-Control-Request-Headers`
    /// lines.
    request: Option<&'r HeaderMap>,
}

impl<'r> Echoes<'r> {
    /// The echoes of a request read elsewhere: looked up in its headers.
    fn of(headers: &'r HeaderMap) -> Self {
        Echoes {
            origin: headers.get(header::ORIGIN),
            method: headers.get(header::ACCESS_CONTROL_REQUEST_METHOD),
            request: Some(headers),
        }
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
/// Every policy's constant values (`Access-Control-Allow-Methods`,
/// `-Max-Age`, `-Expose-Headers`, `Vary`, …) are built when the
/// `HttpEngine` is made; an answer clones them (a reference count, no copy)
/// and clones echoed values from the request's own [`HeaderValue`]s. Share
/// it like the engine (`Arc<HttpEngine>`; it is `Send + Sync`).
///
/// It is made from an [`Engine`], an `Arc<Engine>` or a `&'static Engine`
/// (what a `static` made by `cors_policy!` dereferences to), all with
/// [`From`].
pub struct HttpEngine {
    engine: Held,
    /// Per policy, in file order: its constant values.
    prebuilt: Box<[Prebuilt]>,
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

/// One policy's constant header values.
#[derive(Default)]
struct Prebuilt {
    /// By entry of the policy's `origins`: the entry's own value for an
    /// exact origin (the `Access-Control-Allow-Origin` of every request it
    /// matches, so the request's value is neither copied nor shared),
    /// `None` for entries that echo the request (wildcards, regexes).
    origins: Box<[Option<HeaderValue>]>,
    allow_methods: Option<HeaderValue>,
    allow_headers: Option<HeaderValue>,
    max_age: Option<HeaderValue>,
    expose: Option<HeaderValue>,
    vary: Option<HeaderValue>,
    vary_preflight: Option<HeaderValue>,
}

impl Prebuilt {
    fn new(policy: &CompiledPolicy, model: Option<&model::Policy>) -> Prebuilt {
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

impl HttpEngine {
    /// Wraps a compiled engine: an [`Engine`], an `Arc<Engine>` or a
    /// `&'static Engine`.
    pub fn new(engine: impl Into<HttpEngine>) -> Self {
        engine.into()
    }

    fn with(engine: Held) -> Self {
        let prebuilt = engine
            .compiled()
            .iter()
            .enumerate()
            .map(|(index, policy)| Prebuilt::new(policy, engine.policies().get(index)))
            .collect();
        HttpEngine { engine, prebuilt }
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
        let (request, echoes) = read(method, uri, headers);
        let decision = self.engine.decide(&request);
        #[cfg(feature = "tracing")]
        decision.log();
        self.build(&decision, echoes)
    }

    /// The [`Answer`] of a decision already made (e.g. to look at its
    /// [`reason`](Decision::reason) first). `request_headers` are the
    /// headers the decision's request was built from: echoed values are
    /// cloned from them. Any decision works; one from another engine or
    /// request just costs copies.
    pub fn prepare(&self, decision: &Decision<'_>, request_headers: &HeaderMap) -> Answer {
        self.build(decision, Echoes::of(request_headers))
    }

    fn build(&self, decision: &Decision<'_>, echoes: Echoes<'_>) -> Answer {
        let index = decision.policy_index();
        let prebuilt = index.and_then(|index| self.prebuilt.get(index));
        // The matched entry's own value when it is an exact origin. An
        // informative denial does not carry its entry: it is looked up
        // again (a denial's path, not the common one).
        let entry = match decision.reason {
            Reason::OriginAllowed { entry } => Some(entry),
            _ if decision.informative() => {
                let origin = decision.values.allow_origin;
                index
                    .and_then(|index| self.engine.compiled().get(index))
                    .zip(origin)
                    .and_then(|(policy, origin)| match policy.origins.find(origin) {
                        Found::Entry(entry) => Some(entry),
                        _ => None,
                    })
            }
            _ => None,
        };
        let exact = prebuilt
            .zip(entry)
            .and_then(|(p, entry)| p.origins.get(entry))
            .and_then(Option::as_ref);
        Answer::build(decision, prebuilt, exact, echoes)
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

/// `bytes` as a header value: a clone of the first of `candidates` (a
/// prebuilt constant, the request's own value) holding exactly these bytes,
/// else a copy. `None` is unreachable: the engine's values are valid.
fn value_of(bytes: &[u8], candidates: [Option<&HeaderValue>; 2]) -> Option<HeaderValue> {
    match bytes {
        b"*" => return Some(STAR),
        b"true" => return Some(TRUE),
        _ => {}
    }
    candidates
        .into_iter()
        .flatten()
        .find(|value| value.as_bytes() == bytes)
        .cloned()
        .or_else(|| HeaderValue::from_bytes(bytes).ok())
}

/// A decision's effect on the response, owned (`'static`, `Send`): the kind,
/// the status and the header values. Cheap to keep across an `.await`.
#[derive(Clone)]
pub struct Answer {
    kind: RequestKind,
    allowed: bool,
    status: Option<u16>,
    /// The values by the position of their name in [`EMITTED`].
    values: [Option<HeaderValue>; NAMES],
    /// The `access-control-allow-headers` lines after the first: an echoed
    /// list that came on several lines.
    more_allow_headers: Vec<HeaderValue>,
}

/// The position of `access-control-allow-headers` in [`EMITTED`].
const ALLOW_HEADERS_AT: usize = 3;

impl Answer {
    /// The answer of a decision, every value copied. [`HttpEngine::prepare`]
    /// does the same without copying.
    pub fn from_decision(decision: &Decision<'_>) -> Answer {
        Answer::build(decision, None, None, Echoes::default())
    }

    /// Collects the decision's values: clones of `prebuilt` constants or of
    /// the request's `echoes` where they hold the same bytes, else copies.
    fn build(
        decision: &Decision<'_>,
        prebuilt: Option<&Prebuilt>,
        exact_origin: Option<&HeaderValue>,
        echoes: Echoes<'_>,
    ) -> Answer {
        let p = prebuilt;
        let v = &decision.values;
        let preflight = decision.kind() == RequestKind::Preflight;
        let mut more_allow_headers = Vec::new();
        let allow_headers = match v.allow_headers {
            AllowHeaders::None => None,
            AllowHeaders::Value(value) => {
                value_of(value, [p.and_then(|p| p.allow_headers.as_ref()), None])
            }
            AllowHeaders::Echo(_) if v.echo_allowed_names => {
                // An informative denial's names, one line each: copied.
                let mut names = decision
                    .headers()
                    .filter(|h| h.name == header::ACCESS_CONTROL_ALLOW_HEADERS.as_str())
                    .filter_map(|h| HeaderValue::from_bytes(h.value).ok());
                let first = names.next();
                more_allow_headers.extend(names);
                first
            }
            AllowHeaders::Echo(lines) => {
                // The request's own lines, in the same order as the
                // decision's when it was read from them.
                let mut own = echoes
                    .request
                    .map(|r| r.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS).iter());
                let mut first = None;
                for line in lines.iter() {
                    let own_line = own.as_mut().and_then(Iterator::next);
                    if !holds_name(line) {
                        continue;
                    }
                    let Some(value) = value_of(trim_ows(line), [own_line, None]) else {
                        continue;
                    };
                    if first.is_none() {
                        first = Some(value);
                    } else {
                        more_allow_headers.push(value);
                    }
                }
                first
            }
        };
        let vary = if preflight {
            p.and_then(|p| p.vary_preflight.as_ref())
        } else {
            p.and_then(|p| p.vary.as_ref())
        };
        Answer {
            kind: decision.kind(),
            allowed: decision.allowed(),
            status: decision.status(),
            values: [
                v.allow_origin
                    .and_then(|o| value_of(o, [exact_origin, echoes.origin])),
                v.allow_credentials.then_some(TRUE),
                v.allow_methods.and_then(|m| {
                    value_of(m, [p.and_then(|p| p.allow_methods.as_ref()), echoes.method])
                }),
                allow_headers,
                v.max_age
                    .and_then(|m| value_of(m, [p.and_then(|p| p.max_age.as_ref()), None])),
                v.allow_private_network.then_some(TRUE),
                v.expose_headers
                    .and_then(|e| value_of(e, [p.and_then(|p| p.expose.as_ref()), None])),
                v.vary
                    .and_then(|vary_value| value_of(vary_value, [vary, None])),
            ],
            more_allow_headers,
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
        EMITTED
            .iter()
            .zip(&self.values)
            .enumerate()
            .flat_map(move |(at, (name, value))| {
                let more: &[HeaderValue] = match at {
                    ALLOW_HEADERS_AT => &self.more_allow_headers,
                    _ => &[],
                };
                value.iter().chain(more).map(move |value| (name, value))
            })
    }

    /// How many header lines the answer writes.
    fn len(&self) -> usize {
        self.values.iter().flatten().count() + self.more_allow_headers.len()
    }

    /// Writes the answer into a response's headers, with the replace and
    /// merge rules of the [module documentation](self).
    pub fn apply(&self, response: &mut HeaderMap) {
        if self.kind != RequestKind::Unhandled {
            write(
                response,
                &mut self.values.clone(),
                self.more_allow_headers.iter().cloned(),
            );
        }
    }

    /// [`apply`](Self::apply), moving the values instead of cloning them.
    pub(crate) fn apply_owned(mut self, response: &mut HeaderMap) {
        self.take_into(response);
    }

    /// Moves the values into a response, leaving the answer empty: the
    /// answer is neither moved nor copied (it is 320 bytes), only its
    /// values are.
    pub(crate) fn take_into(&mut self, response: &mut HeaderMap) {
        if self.kind != RequestKind::Unhandled {
            write(
                response,
                &mut self.values,
                std::mem::take(&mut self.more_allow_headers),
            );
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

    /// The preflight response; a status that cannot be (the engine's are all
    /// valid) fails closed as 403.
    pub(crate) fn into_response<B: Default>(self) -> Response<B> {
        let mut response = Response::new(B::default());
        *response.status_mut() = self.status().unwrap_or(StatusCode::FORBIDDEN);
        // Sized once: a preflight answer can hold more lines than a new
        // map's first allocation.
        *response.headers_mut() = HeaderMap::with_capacity(self.len());
        self.apply_owned(response.headers_mut());
        response
    }
}

/// Writes an answer's values into a response's headers: see
/// [`Answer::apply`].
fn write(
    response: &mut HeaderMap,
    values: &mut [Option<HeaderValue>; NAMES],
    more_allow_headers: impl IntoIterator<Item = HeaderValue>,
) {
    // Most responses carry no CORS header of their own: one pass over
    // their names instead of seven removals, and no `Vary` merge when
    // the response has none.
    let (mut has_owned, mut has_vary) = (false, false);
    for name in response.keys() {
        has_owned |= owned().contains(name);
        has_vary |= name == header::VARY;
    }
    if has_owned {
        for name in owned() {
            response.remove(name);
        }
    }
    let mut more_allow_headers = Some(more_allow_headers);
    for (at, (name, value)) in EMITTED.iter().zip(values).enumerate() {
        let Some(value) = value.take() else {
            continue;
        };
        if name == header::VARY && has_vary {
            merge_vary(response, &value);
            continue;
        }
        response.insert(name.clone(), value);
        if at == ALLOW_HEADERS_AT {
            // Lines of one name come together: all of them are sent.
            for value in more_allow_headers.take().into_iter().flatten() {
                response.append(header::ACCESS_CONTROL_ALLOW_HEADERS, value);
            }
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
/// module documentation.
fn merge_vary(response: &mut HeaderMap, ours: &HeaderValue) {
    let existing = || {
        response
            .get_all(header::VARY)
            .iter()
            .map(HeaderValue::as_bytes)
    };
    match crate::adapter::merge_vary(existing, ours.as_bytes()) {
        VaryUpdate::Keep => {}
        VaryUpdate::Add => {
            response.append(header::VARY, ours.clone());
        }
        VaryUpdate::Replace(merged) => match HeaderValue::try_from(merged) {
            Ok(value) => {
                response.insert(header::VARY, value);
            }
            // Unreachable (valid values joined by `, ` are valid); a second
            // line says the same to a cache.
            Err(_) => {
                response.append(header::VARY, ours.clone());
            }
        },
    }
}

crate::adapter::impl_for_header_map!(HeaderMap, HeaderName, HeaderValue);

impl Answer {
    /// [`apply`](Self::apply), moving the values into the response instead
    /// of cloning them: for an answer used once.
    pub fn write_to(self, response: &mut HeaderMap) {
        self.apply_owned(response);
    }
}
