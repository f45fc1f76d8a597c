//! The page's request played through the library's browser model
//! ([`cors_policy::browser`]) with the engine as the server: whether a
//! preflight goes first, what the engine answers to each request, and what
//! the browser makes of it.

use cors_policy::browser::{
    self, BrowserOptions, CredentialsMode, HttpResponse, Outcome, PageRequest,
};
use cors_policy::{Engine, OriginOutcome};

use super::shown::shown_message;
use crate::origin;
use crate::policy;
use crate::request::HttpRequest;

/// Where the URL's origin is unknown (only a path was given), the model
/// fetches from this origin; messages show `…` instead.
pub(crate) const UNKNOWN_TARGET: &str = "https://server.invalid";

/// Headers a browser adds itself, which a copied request (curl, raw)
/// carries but the page's script did not set: they never make a request
/// need a preflight. Fetch's forbidden headers (`dnt`, `cookie`, `sec-*`…)
/// are the browser's too, and are asked of the browser model.
const BROWSER_SET: &[&str] = &[
    "priority",
    "user-agent",
    "upgrade-insecure-requests",
    "if-none-match",
    "if-modified-since",
    "purpose",
    "x-client-data",
    "authority",
    "scheme",
];

/// What the developer's input says the page did.
#[derive(Debug, Clone)]
pub(crate) enum Scenario {
    /// No `Origin`: a same-origin request, a navigation, or not a browser.
    NotCors,
    /// The `Origin` is not one a browser sends (several lines, or not a
    /// serialized origin): only the engine's answer can be shown.
    NotABrowser,
    /// A page's request, as the browser model takes it.
    Page(Box<Page>),
}

/// A page's request and what the input fixed about the wire.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// The request as the page's script made it.
    pub(crate) request: PageRequest,
    /// Whether the target origin is known (from a URL, a `Host`).
    pub(crate) target_known: bool,
    /// The preflight the input gave, exactly (answered instead of the
    /// model's own).
    pub(crate) given_preflight: Option<HttpRequest>,
    /// The actual request the input gave, exactly.
    pub(crate) given_actual: Option<HttpRequest>,
    /// Headers of the input the browser set itself (dropped from the
    /// page's request).
    pub(crate) browser_set: Vec<String>,
    /// Whether the input's preflight asks for private-network access.
    pub(crate) private_network: bool,
    /// Where the credentials mode came from, for the text.
    pub(crate) credentials_from: &'static str,
}

impl Page {
    /// `text` with the placeholder origin of an unknown URL shown as `…`,
    /// safe for a terminal.
    pub(crate) fn shown_url(&self, text: &str) -> String {
        let text = if self.target_known {
            text.to_owned()
        } else {
            text.replace(UNKNOWN_TARGET, "…")
        };
        shown_message(&text)
    }
}

/// What happened when the page's request was played.
#[derive(Debug, Clone)]
pub(crate) struct Played {
    /// The browser's outcome.
    pub(crate) outcome: Outcome,
    /// The preflight sent, as the engine received it, and its answer.
    pub(crate) preflight: Option<(HttpRequest, HttpResponse)>,
    /// The actual request sent, as the engine received it, and its answer
    /// (`None` when the preflight failed or `fetch()` threw).
    pub(crate) actual: Option<(HttpRequest, HttpResponse)>,
}

/// The credentials mode from `--credentials`, a `Cookie` header or the
/// console message.
pub(crate) fn credentials_of(
    request: &HttpRequest,
    flag: Option<crate::cli::CredentialsMode>,
) -> (CredentialsMode, &'static str) {
    use crate::cli::CredentialsMode as Flag;
    match flag {
        Some(Flag::Include) => (CredentialsMode::Include, "`include` (--credentials)"),
        Some(Flag::Omit) => (CredentialsMode::Omit, "`omit` (--credentials)"),
        None if request.credentials == Some(true) => (
            CredentialsMode::Include,
            "`include` (the console message says so)",
        ),
        None if request.values("cookie").next().is_some() => (
            CredentialsMode::Include,
            "`include` (the request carries a `Cookie` header)",
        ),
        None => (
            CredentialsMode::SameOrigin,
            "`same-origin`, fetch's default",
        ),
    }
}

/// Reads the page's request from the input. Whether its `Origin` is one a
/// browser sends is the engine's judgement (its trace); only when no policy
/// covers the path, so that the engine never reads the origin, a plain
/// syntactic look decides.
pub(crate) fn scenario(
    engine: &Engine,
    request: &HttpRequest,
    flag: Option<crate::cli::CredentialsMode>,
) -> Scenario {
    let origins: Vec<&[u8]> = request.values("origin").collect();
    let origin = match origins.as_slice() {
        [] => return Scenario::NotCors,
        [one] => *one,
        _ => return Scenario::NotABrowser,
    };
    let mut lines = Vec::new();
    let engine_request = policy::engine_request(request, &mut lines);
    let judged = match engine.trace(&engine_request).origin.map(|o| o.outcome) {
        Some(OriginOutcome::Malformed { .. } | OriginOutcome::Duplicated) => Some(false),
        Some(_) => Some(true),
        None => None,
    };
    let Some(origin) = std::str::from_utf8(origin)
        .ok()
        .filter(|o| judged.unwrap_or_else(|| *o == "null" || browser_serialized(o)))
    else {
        return Scenario::NotABrowser;
    };
    let (credentials, credentials_from) = credentials_of(request, flag);
    let (target, target_known) = match target_origin(request) {
        Some(t) => (t, true),
        None => (UNKNOWN_TARGET.to_owned(), false),
    };
    let path = request.path().to_owned();
    let is_preflight = request.method == "OPTIONS"
        && request
            .values("access-control-request-method")
            .next()
            .is_some();
    let mut browser_set = Vec::new();
    let page = if is_preflight {
        let method = request
            .values("access-control-request-method")
            .next()
            .map(|m| String::from_utf8_lossy(m).into_owned())
            .unwrap_or_default();
        let mut page = PageRequest::new(origin, &target, &method).path(&path);
        for line in request.values("access-control-request-headers") {
            for name in line.split(|&b| b == b',') {
                let name = cors_policy::browser::fields::trim_tab_or_space(name);
                if name.is_empty() {
                    continue;
                }
                let name = String::from_utf8_lossy(name).to_ascii_lowercase();
                // A value no safelist accepts, so that the browser asks for it.
                let value: &[u8] = if name == "content-type" {
                    b"application/json"
                } else {
                    b"<value>"
                };
                page = page.header(&name, value);
            }
        }
        page.credentials(credentials)
    } else {
        let mut page = PageRequest::new(origin, &target, &request.method).path(&path);
        for (name, value) in &request.headers {
            if is_browser_set(name, value, request) {
                if name != "origin" && name != "host" && !name.starts_with(':') {
                    browser_set.push(name.clone());
                }
                continue;
            }
            page = page.header(name, value);
        }
        page.credentials(credentials)
    };
    let private_network = request
        .values("access-control-request-private-network")
        .next()
        == Some(b"true");
    Scenario::Page(Box::new(Page {
        request: page,
        target_known,
        given_preflight: is_preflight.then(|| request.clone()),
        given_actual: (!is_preflight).then(|| request.clone()),
        browser_set,
        private_network,
        credentials_from,
    }))
}

/// Whether the header line is one the browser set, not the script.
fn is_browser_set(name: &str, value: &[u8], request: &HttpRequest) -> bool {
    if name.starts_with(':') {
        return true;
    }
    if browser::is_forbidden_request_header(name, value) || BROWSER_SET.contains(&name) {
        return true;
    }
    // Fetch adds `Accept: */*`; Chromium adds `Accept-Language`.
    if (name == "accept" && value == b"*/*") || name == "accept-language" {
        return true;
    }
    // DevTools' "Disable cache" adds these two together.
    (name == "cache-control" || name == "pragma")
        && value == b"no-cache"
        && request.values("pragma").next() == Some(b"no-cache")
        && request.values("cache-control").next() == Some(b"no-cache")
}

/// Whether `origin` is an origin as browsers serialize it (it is its own
/// URL's origin), for a request no policy reads.
fn browser_serialized(origin: &str) -> bool {
    origin::of_url(origin).as_deref() == Some(origin)
}

/// The serialized origin of the request's URL, when the input tells it.
pub(crate) fn target_origin(request: &HttpRequest) -> Option<String> {
    origin::of_url(&request.url())
}

/// The browser's options for this page: Chromium, with Private Network
/// Access only when the input's preflight asks for it.
pub(crate) fn options(page: &Page) -> BrowserOptions {
    BrowserOptions::chromium().private_network(page.private_network)
}

/// Plays the page's request with `engine` as the server. The input's own
/// preflight or actual request, when it gave one, is what the engine
/// answers in place of the model's (so duplicated or unusual lines count).
pub(crate) fn play(engine: &Engine, page: &Page) -> Played {
    let opts = options(page);
    let mut preflight = None;
    let mut actual = None;
    let trace = browser::browser_fetch_traced(&page.request, &opts, &mut |http| {
        let is_preflight = http.is_preflight();
        let sent = match (is_preflight, &page.given_preflight, &page.given_actual) {
            (true, Some(given), _) => given.clone(),
            (false, _, Some(given)) if given.method == http.method => given.clone(),
            _ => from_browser(http),
        };
        let response = answer(engine, &sent);
        if is_preflight {
            preflight = Some((sent, response.clone()));
        } else {
            actual = Some((sent, response.clone()));
        }
        response
    });
    Played {
        outcome: trace.outcome,
        preflight,
        actual,
    }
}

/// The browser model's request as the command's.
fn from_browser(http: &browser::HttpRequest) -> HttpRequest {
    let mut request = HttpRequest::empty();
    request.method = http.method.clone();
    request.target = http.path.clone();
    request.headers = http
        .headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.clone()))
        .collect();
    request
}

/// What a server running `engine` answers to `request` (the library's
/// [`browser::engine_answer`], the application answering 200 with no header
/// of its own).
pub(crate) fn answer(engine: &Engine, request: &HttpRequest) -> HttpResponse {
    let mut http = browser::HttpRequest::new(UNKNOWN_TARGET, &request.method, request.path());
    for (name, value) in &request.headers {
        http = http.header_line(name, value);
    }
    browser::engine_answer(engine, &http, &mut |_| HttpResponse::new(200))
}
