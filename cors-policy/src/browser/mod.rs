//! A model of the browser's side of CORS, written from the WHATWG Fetch standard (and, where
//! the standard leaves room, from what Chromium does), independent of the engine.
//!
//! It answers, for a page's `fetch()` in mode "cors":
//! - which requests reach the server: [`plan`] says whether the browser sends a
//!   CORS-preflight request first, and gives it (`Access-Control-Request-Method`, the
//!   sorted lowercase `Access-Control-Request-Headers` as Chromium sends them) and the
//!   actual request;
//! - given the server's answers (status and header lines, a name may repeat), whether the
//!   script gets the response, which headers it can read, and — if not — the exact console
//!   line Chromium prints ([`browser_fetch`], [`browser_fetch_answered`]), or against a
//!   server that runs an [`Engine`](crate::Engine) ([`browser_fetch_engine`]).
//!
//! ```
//! use cors_policy::browser::{BrowserOptions, HttpResponse, Outcome, PageRequest, plan};
//! use cors_policy::browser::browser_fetch_answered;
//!
//! let req = PageRequest::new("https://app.example", "https://api.example", "PUT")
//!     .path("/items/7")
//!     .header("X-Request-Id", "7");
//! let opts = BrowserOptions::chromium();
//!
//! // The browser asks first.
//! let plan = plan(&req, &opts).map_err(|e| e.message())?;
//! let preflight = plan.preflight.as_ref().ok_or("a PUT is preflighted")?;
//! assert_eq!(preflight.header_str("access-control-request-method").as_deref(), Some("PUT"));
//! assert_eq!(
//!     preflight.header_str("access-control-request-headers").as_deref(),
//!     Some("x-request-id")
//! );
//!
//! // The server allows the method but not the header.
//! let answer = HttpResponse::new(204)
//!     .header("Access-Control-Allow-Origin", "https://app.example")
//!     .header("Access-Control-Allow-Methods", "PUT");
//! let trace = browser_fetch_answered(&req, &opts, &answer, &HttpResponse::new(200));
//! let Outcome::Blocked { console, .. } = &trace.outcome else {
//!     return Err("expected a block".into());
//! };
//! assert_eq!(
//!     console,
//!     "Access to fetch at 'https://api.example/items/7' from origin 'https://app.example' \
//!      has been blocked by CORS policy: Request header field x-request-id is not allowed by \
//!      Access-Control-Allow-Headers in preflight response."
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Scope and simplifications, each on purpose:
//! - request mode is always "cors" (`fetch()`'s default), redirect mode "follow";
//! - the CORS-preflight cache is ignored: a request that needs a preflight always gets one,
//!   as with an empty cache ([`PreflightResult::chromium_cache_seconds`] says how long
//!   Chromium would keep it);
//! - cookies are not modelled; the credentials mode only changes the checks;
//! - a body matters only through the `Content-Type` it implies ([`Body`]);
//! - the user agent adds `Accept: */*` (Fetch requires it) but not `Accept-Language`,
//!   `User-Agent` or `Sec-Fetch-*` (Chromium adds those below the CORS layer, and they are
//!   forbidden or safelisted anyway).
//!
//! The default follows the standard; [`Flavor::Chromium`] plays Chromium 156 where it
//! differs. The console messages ([`chromium_message`]), the
//! `Access-Control-Request-Headers` format, byte-exact method matching, redirects and the
//! exposed headers are checked against headless Chromium 156 by the project's end-to-end
//! tests (loopback servers).

pub mod check;
pub mod fields;
pub mod message;
pub mod request;
pub mod serve;

mod block;
mod fetch;
mod options;
mod page;
mod wire;

pub use block::{BlockReason, Stage};
pub use check::{
    Exposed, PreflightResult, check_actual_response, check_preflight_response, cors_check,
    exposed_header_names, readable_headers,
};
pub use fetch::{
    Outcome, Plan, Trace, browser_fetch, browser_fetch_answered, browser_fetch_traced,
    browser_fetch_with, plan,
};
pub use message::{chromium_console_message, chromium_message};
pub use options::{BrowserOptions, Flavor};
pub use page::{Body, CredentialsMode, PageRequest};
pub use request::{
    PreparedRequest, ScriptError, access_control_request_headers, actual_request,
    cors_unsafe_request_header_names, is_cors_safelisted_method, is_cors_safelisted_request_header,
    is_forbidden_method, is_forbidden_request_header, needs_preflight, normalize_method,
    preflight_request, prepare,
};
pub use serve::{browser_fetch_engine, engine_answer, engine_request};
pub use wire::{HttpRequest, HttpResponse};
