//! [`Answer`]: a decision's effect on a response of the `http` crate, owned,
//! and how it is written into the response's headers (the replace and merge
//! rules of the [`http`](crate::http) module).

use std::fmt;

use ::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ::http::{Response, StatusCode};

use super::prebuilt::Prebuilt;
use super::read::Echoes;
use crate::adapter::VaryUpdate;
use crate::decision::AllowHeaders;
use crate::request_headers::{holds_name, trim_ows};
use crate::slot::{HeaderSlot, Slots};
use crate::{Decision, RequestKind};

/// The response header names the engine emits, by slot.
static EMITTED: Slots<HeaderName> = Slots::new(http_names(HeaderSlot::ALL));

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
        std::mem::forget(std::mem::replace(
            &mut names[at],
            HeaderName::from_static(slots[at].name()),
        ));
        at += 1;
    }
    names
}

const STAR: HeaderValue = HeaderValue::from_static("*");
const TRUE: HeaderValue = HeaderValue::from_static("true");

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
    /// The values, by slot.
    values: Slots<Option<HeaderValue>>,
    /// The `access-control-allow-headers` lines after the first: an echoed
    /// list that came on several lines.
    more_allow_headers: Vec<HeaderValue>,
}

impl Answer {
    /// The answer of a decision, every value copied. [`HttpEngine::prepare`](super::HttpEngine::prepare)
    /// does the same without copying.
    pub fn from_decision(decision: &Decision<'_>) -> Answer {
        Answer::build(decision, None, None, Echoes::default())
    }

    /// Collects the decision's values: clones of `prebuilt` constants or of
    /// the request's `echoes` where they hold the same bytes, else copies.
    pub(super) fn build(
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
                    .filter(|h| h.name == HeaderSlot::AllowHeaders.name())
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
        let mut values = Slots::<Option<HeaderValue>>::default();
        values[HeaderSlot::AllowOrigin] = v
            .allow_origin
            .and_then(|o| value_of(o, [exact_origin, echoes.origin]));
        values[HeaderSlot::AllowCredentials] = v.allow_credentials.then_some(TRUE);
        values[HeaderSlot::AllowMethods] = v
            .allow_methods
            .and_then(|m| value_of(m, [p.and_then(|p| p.allow_methods.as_ref()), echoes.method]));
        values[HeaderSlot::AllowHeaders] = allow_headers;
        values[HeaderSlot::MaxAge] = v
            .max_age
            .and_then(|m| value_of(m, [p.and_then(|p| p.max_age.as_ref()), None]));
        values[HeaderSlot::AllowPrivateNetwork] = v.allow_private_network.then_some(TRUE);
        values[HeaderSlot::ExposeHeaders] = v
            .expose_headers
            .and_then(|e| value_of(e, [p.and_then(|p| p.expose.as_ref()), None]));
        values[HeaderSlot::Vary] = v
            .vary
            .and_then(|vary_value| value_of(vary_value, [vary, None]));
        Answer {
            kind: decision.kind(),
            allowed: decision.allowed(),
            status: decision.status(),
            values,
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
        self.values.iter().flat_map(move |(slot, value)| {
            let more: &[HeaderValue] = match slot {
                HeaderSlot::AllowHeaders => &self.more_allow_headers,
                _ => &[],
            };
            let name = &EMITTED[slot];
            value.iter().chain(more).map(move |value| (name, value))
        })
    }

    /// How many header lines the answer writes.
    fn len(&self) -> usize {
        self.values.values().flatten().count() + self.more_allow_headers.len()
    }

    /// Writes the answer into a response's headers, with the replace and
    /// merge rules of the [module documentation](crate::http).
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
    values: &mut Slots<Option<HeaderValue>>,
    more_allow_headers: impl IntoIterator<Item = HeaderValue>,
) {
    // Most responses carry no CORS header of their own: one pass over
    // their names instead of seven removals, and no `Vary` merge when
    // the response has none.
    let (mut has_owned, mut has_vary) = (false, false);
    for name in response.keys() {
        has_owned |= OWNED.contains(name);
        has_vary |= name == EMITTED[HeaderSlot::Vary];
    }
    if has_owned {
        for name in &OWNED {
            response.remove(name);
        }
    }
    let mut more_allow_headers = Some(more_allow_headers);
    for (slot, value) in values.iter_mut() {
        let Some(value) = value.take() else {
            continue;
        };
        let name = &EMITTED[slot];
        match slot {
            HeaderSlot::Vary if has_vary => merge_vary(response, &value),
            HeaderSlot::AllowHeaders => {
                response.insert(name.clone(), value);
                // Lines of one name come together: all of them are sent.
                for value in more_allow_headers.take().into_iter().flatten() {
                    response.append(name.clone(), value);
                }
            }
            _ => {
                response.insert(name.clone(), value);
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
/// [module documentation](crate::http).
fn merge_vary(response: &mut HeaderMap, ours: &HeaderValue) {
    let vary = &EMITTED[HeaderSlot::Vary];
    let existing = || response.get_all(vary).iter().map(HeaderValue::as_bytes);
    match crate::adapter::merge_vary(existing, ours.as_bytes()) {
        VaryUpdate::Keep => {}
        VaryUpdate::Add => {
            response.append(vary, ours.clone());
        }
        VaryUpdate::Replace(merged) => match HeaderValue::try_from(merged) {
            Ok(value) => {
                response.insert(vary, value);
            }
            // Unreachable (valid values joined by `, ` are valid); a second
            // line says the same to a cache.
            Err(_) => {
                response.append(vary, ours.clone());
            }
        },
    }
}

impl Answer {
    /// [`apply`](Self::apply), moving the values into the response instead
    /// of cloning them: for an answer used once.
    pub fn write_to(self, response: &mut HeaderMap) {
        self.apply_owned(response);
    }
}
