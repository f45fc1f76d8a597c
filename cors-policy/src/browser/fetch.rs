//! One `fetch()` run end to end: [`plan`] says what the browser sends,
//! [`browser_fetch_with`] and its variants send it to a server, follow
//! redirects and end in an [`Outcome`] (with every exchange in a
//! [`Trace`]).

use super::block::{BlockReason, Stage};
use super::check::{self, PreflightResult, check_actual_response, check_preflight_response};
use super::message::{self, chromium_message};
use super::options::BrowserOptions;
use super::page::PageRequest;
use super::request::{
    self, PreparedRequest, ScriptError, actual_request, needs_preflight, preflight_request, prepare,
};
use super::wire::{HttpRequest, HttpResponse};

/// What `fetch()` ends with: these three are all there is (the promise resolves, rejects,
/// or `fetch()` throws); each variant may gain fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The promise resolves with the response.
    #[non_exhaustive]
    Ok {
        /// What `[...response.headers]` yields: lowercase names, sorted, repeated names
        /// combined with `, `.
        readable_headers: Vec<(String, Vec<u8>)>,
        /// The final response as the server sent it.
        response: HttpResponse,
        /// The checked preflight, when there was one (the last one, after redirects).
        preflight: Option<PreflightResult>,
    },
    /// The promise rejects with a network error ("TypeError: Failed to fetch") and Chromium
    /// logs `console`.
    #[non_exhaustive]
    Blocked {
        /// Which response failed.
        stage: Stage,
        /// The structured reason.
        reason: BlockReason,
        /// Chromium's message for it: the part after "… blocked by CORS policy: "
        /// ([`chromium_message`]).
        why: String,
        /// The URL whose response failed (after redirects, the last one).
        url: String,
        /// The whole console line, exactly as Chromium prints it
        /// ([`chromium_console_message`](crate::browser::chromium_console_message));
        /// for a network error
        /// ([`BlockReason::is_cors_error`] false), which has none, the `net::ERR_…` code.
        console: String,
    },
    /// `fetch()` throws before sending anything.
    #[non_exhaustive]
    TypeError {
        /// Chromium's message.
        why: String,
    },
}

impl Outcome {
    /// Whether the script got the response.
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok { .. })
    }

    /// The reason, when blocked.
    pub fn block_reason(&self) -> Option<&BlockReason> {
        match self {
            Outcome::Blocked { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// The whole console line, when blocked.
    pub fn console_message(&self) -> Option<&str> {
        match self {
            Outcome::Blocked { console, .. } => Some(console),
            _ => None,
        }
    }

    /// The readable headers, when ok.
    pub fn readable_headers(&self) -> Option<&[(String, Vec<u8>)]> {
        match self {
            Outcome::Ok {
                readable_headers, ..
            } => Some(readable_headers),
            _ => None,
        }
    }
}

/// What the browser will put on the wire for a page's request, before any answer: the
/// CORS-preflight request when one is needed, and the actual request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Plan {
    /// The request after `fetch()`'s own processing.
    pub prepared: PreparedRequest,
    /// The `OPTIONS` request sent first, when the request needs one ([`needs_preflight`]).
    pub preflight: Option<HttpRequest>,
    /// The actual request (sent only if the preflight, when any, passes).
    pub actual: HttpRequest,
}

/// Whether the browser sends a preflight for `req`, and which requests it sends: or the
/// `TypeError` `fetch()` throws before sending anything.
pub fn plan(req: &PageRequest, opts: &BrowserOptions) -> Result<Plan, ScriptError> {
    let prepared = prepare(req, opts)?;
    let preflight = needs_preflight(&prepared, opts).then(|| preflight_request(&prepared, opts));
    let actual = actual_request(&prepared);
    Ok(Plan {
        prepared,
        preflight,
        actual,
    })
}

/// [`browser_fetch_with`] with the default [`BrowserOptions`].
pub fn browser_fetch(
    req: &PageRequest,
    server: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> Outcome {
    browser_fetch_with(req, &BrowserOptions::default(), server)
}

/// Fetch §4.4 "HTTP-redirect fetch" step 5: at most 20 redirects.
const MAX_REDIRECTS: usize = 20;

/// Runs one `fetch()` (Fetch §5.7 `fetch()` → §4.1 "main fetch" → §4.3 "HTTP fetch"):
/// [`prepare`] the script's request (or throw), send a CORS-preflight request to `server` when
/// [`needs_preflight`] and check its response ([`check_preflight_response`]), then send the
/// actual request and check its response ([`check_actual_response`]). A redirect of the
/// actual request must itself pass the CORS check; it is then followed (Fetch §4.4: `303`,
/// and `301`/`302` after a `POST`, become a `GET` without body; a cross-origin hop makes the
/// request's origin `null`, "tainted"), with a new preflight when the new request needs one.
///
/// `server` is called once per request, in order; it sees exactly what would be on the wire
/// (target origin, method, path, header lines).
pub fn browser_fetch_with(
    req: &PageRequest,
    opts: &BrowserOptions,
    server: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> Outcome {
    let mut prepared = match prepare(req, opts) {
        Ok(p) => p,
        Err(e) => return Outcome::TypeError { why: e.message() },
    };
    let first_url = req.url();
    let blocked = |prepared: &PreparedRequest, stage: Stage, reason: BlockReason| {
        let url = match &reason {
            BlockReason::RedirectDisallowedScheme(location) => location.clone(),
            _ => format!("{}{}", prepared.target_origin, prepared.path),
        };
        let redirected_from = (url != first_url).then_some(first_url.as_str());
        let why = chromium_message(&reason, stage);
        let console = if reason.is_cors_error() {
            message::console_line(&url, redirected_from, &req.page_origin, &reason, stage)
        } else {
            why.clone()
        };
        Outcome::Blocked {
            stage,
            why,
            console,
            url,
            reason,
        }
    };
    let mut redirects = 0;
    loop {
        let mut preflight = None;
        if needs_preflight(&prepared, opts) {
            let response = server(&preflight_request(&prepared, opts));
            match check_preflight_response(&prepared, &response, opts) {
                Ok(result) => preflight = Some(result),
                Err(reason) => return blocked(&prepared, Stage::Preflight, reason),
            }
        }
        let response = server(&actual_request(&prepared));
        let Some(location) = response.redirect_location() else {
            return match check_actual_response(&prepared, &response) {
                Ok(readable_headers) => Outcome::Ok {
                    readable_headers,
                    response,
                    preflight,
                },
                Err(reason) => blocked(&prepared, Stage::Actual, reason),
            };
        };
        if let Err(reason) = check::check_redirect_response(&prepared, &response) {
            return blocked(&prepared, Stage::Actual, reason);
        }
        redirects += 1;
        if redirects > MAX_REDIRECTS {
            return blocked(&prepared, Stage::Actual, BlockReason::TooManyRedirects);
        }
        match request::follow_redirect(&prepared, response.status, &location) {
            Ok(next) => prepared = next,
            Err(reason) => return blocked(&prepared, Stage::Actual, reason),
        }
    }
}

/// What [`browser_fetch_traced`] returns: the outcome and every exchange with the server, in
/// order (the preflight first when there was one).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Trace {
    /// How the fetch ended.
    pub outcome: Outcome,
    /// Each request sent and the response it got.
    pub exchanges: Vec<(HttpRequest, HttpResponse)>,
}

impl Trace {
    /// The preflight sent first, if any.
    pub fn preflight(&self) -> Option<&(HttpRequest, HttpResponse)> {
        self.exchanges.first().filter(|(r, _)| r.is_preflight())
    }
}

/// [`browser_fetch_with`], also recording what went over the wire (for `explain`-style
/// reports and for property tests that want to look at the preflight).
pub fn browser_fetch_traced(
    req: &PageRequest,
    opts: &BrowserOptions,
    server: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> Trace {
    let mut exchanges = Vec::new();
    let outcome = browser_fetch_with(req, opts, &mut |http: &HttpRequest| {
        let response = server(http);
        exchanges.push((http.clone(), response.clone()));
        response
    });
    Trace { outcome, exchanges }
}

/// [`browser_fetch_traced`] against fixed answers: every CORS-preflight request gets
/// `preflight`, every other request gets `actual` (so an `actual` that redirects to its own
/// URL ends in [`BlockReason::TooManyRedirects`]). What `explain` uses when it knows what the
/// server answers.
pub fn browser_fetch_answered(
    req: &PageRequest,
    opts: &BrowserOptions,
    preflight: &HttpResponse,
    actual: &HttpResponse,
) -> Trace {
    browser_fetch_traced(req, opts, &mut |http: &HttpRequest| {
        if http.is_preflight() {
            preflight.clone()
        } else {
            actual.clone()
        }
    })
}
