//! The [`http`] adapter (feature `http`): requests from
//! [`http::Request`] and friends, decisions applied to an
//! [`http::HeaderMap`].
//!
//! Two levels:
//!
//! - With a plain [`Engine`](crate::Engine): [`Request::from_http`](crate::Request::from_http) (and
//!   [`from_http_parts`](crate::Request::from_http_parts),
//!   [`from_http_headers`](crate::Request::from_http_headers)) borrow the request,
//!   [`Engine::decide`](crate::Engine::decide) answers, and [`apply`] / [`preflight_response`] write
//!   the answer into a response. Simple; every header value is copied.
//! - With an [`HttpEngine`]: the engine plus header values built once and
//!   shared, so that an answer costs no allocation in the common case (values
//!   are cloned by reference count: constants from the cache, the echoed
//!   origin from the request's own `Origin` value). [`HttpEngine::answer`]
//!   gives an owned [`Answer`] that can outlive the request, which is what a
//!   middleware needs across its `.await`: for a request the application
//!   handles, four values at most; for a preflight, the header map of its
//!   response, made once and moved into it by
//!   [`Answer::into_preflight_response`].
//!
//! What applying an answer does to the headers the application set (the same
//! for [`apply`] and [`Answer::apply`]):
//!
//! - a request no policy covers ([`RequestKind::Unhandled`](crate::RequestKind::Unhandled)): nothing at all;
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
//!
//! The module's parts: reading a request (`read`), the constant values of
//! each policy (`prebuilt`), the [`HttpEngine`] (`engine`) and the
//! [`Answer`] it gives, written into a response (`answer`).

mod answer;
mod engine;
mod prebuilt;
mod read;
mod template;
mod value;

use ::http::Response;
use ::http::header::{HeaderMap, HeaderName, HeaderValue};

pub use answer::Answer;
#[cfg(feature = "tower")]
pub(crate) use answer::Forwarded;
pub use engine::HttpEngine;

use crate::Decision;

/// Writes a decision into a response's headers, with the replace and merge
/// rules of the [module documentation](self). Copies every value; an
/// [`HttpEngine`] avoids that.
pub fn apply(decision: &Decision<'_>, response: &mut HeaderMap) {
    Answer::from_decision(decision).write_to(response);
}

/// The response to a preflight (a decision that does not forward): its
/// status, its headers and an empty body. `None` for any other decision.
pub fn preflight_response<B: Default>(decision: &Decision<'_>) -> Option<Response<B>> {
    Answer::from_decision(decision).preflight_response()
}

crate::adapter::impl_for_header_map!(HeaderMap, HeaderName, HeaderValue);
