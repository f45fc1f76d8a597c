//! The bridge to the engine: what a server that runs an [`Engine`] answers to the requests
//! the browser model sends, so that one call says what a browser does against a policy.

use super::fetch::{Trace, browser_fetch_traced};
use super::options::BrowserOptions;
use super::page::PageRequest;
use super::wire::{HttpRequest, HttpResponse};
use crate::{Engine, Request};

/// The engine's view of a request on the wire: every `Origin`,
/// `Access-Control-Request-Method` and `Access-Control-Request-Private-Network` line, in
/// order, and the `Access-Control-Request-Headers` lines (gathered in `lines`, which the
/// request borrows).
pub fn engine_request<'a>(http: &'a HttpRequest, lines: &'a mut Vec<&'a [u8]>) -> Request<'a> {
    lines.extend(
        http.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("access-control-request-headers"))
            .map(|(_, v)| v.as_slice()),
    );
    let lines: &'a Vec<&'a [u8]> = lines;
    let mut request = Request::new(http.method.as_str(), http.path.as_str());
    if !lines.is_empty() {
        request = request.request_header_lines(lines);
    }
    for (name, value) in &http.headers {
        request = match name.to_ascii_lowercase().as_str() {
            "origin" => request.origin(value.as_slice()),
            "access-control-request-method" => request.request_method(value.as_slice()),
            "access-control-request-private-network" => request.private_network(value.as_slice()),
            _ => request,
        };
    }
    request
}

/// What a server running `engine` in front of an application answers to `request`, the
/// decision applied as the crate documents it ("Applying a decision"): the application's
/// answer (`app`) when the decision forwards the request, else a response of the decision's
/// status; every `access-control-*` header of the decision replaces any the application
/// set, and `vary` is added.
///
/// The engine sees the request as [`engine_request`] gives it.
pub fn engine_answer(
    engine: &Engine,
    request: &HttpRequest,
    app: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> HttpResponse {
    let mut lines = Vec::new();
    let decision = engine.decide(&engine_request(request, &mut lines));
    let mut response = if decision.forward() {
        app(request)
    } else {
        HttpResponse::new(decision.status().unwrap_or(403))
    };
    for header in decision.headers() {
        if header.name != "vary" {
            response
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(header.name));
        }
    }
    for header in decision.headers() {
        response = response.header(header.name, header.value);
    }
    response
}

/// What a browser does when the page's `req` meets a server running `engine`: every request
/// the browser sends (the preflight first, when there is one) is answered by
/// [`engine_answer`], the application answering `200` with no header of its own. This is
/// the one call `explain` needs: the trace holds the implied preflight, the engine's
/// answers and the outcome, with Chromium's console line when it is blocked.
///
/// ```
/// use cors_policy::Engine;
/// use cors_policy::browser::{self, BrowserOptions, PageRequest};
///
/// let engine: Engine = r#"
/// policy "api" {
///     origins "https://app.example"
///     methods GET, PUT
/// }
/// "#.parse()?;
/// let page = PageRequest::new("https://app.example", "https://api.example", "DELETE");
/// let trace = browser::browser_fetch_engine(&page, &BrowserOptions::chromium(), &engine);
/// assert!(trace.preflight().is_some());
/// assert!(trace.outcome.console_message().is_some_and(|line| line.ends_with(
///     "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
/// )));
/// # Ok::<(), cors_policy::Error>(())
/// ```
pub fn browser_fetch_engine(req: &PageRequest, opts: &BrowserOptions, engine: &Engine) -> Trace {
    browser_fetch_traced(req, opts, &mut |http: &HttpRequest| {
        engine_answer(engine, http, &mut |_: &HttpRequest| HttpResponse::new(200))
    })
}
