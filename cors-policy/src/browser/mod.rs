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

pub use check::{
    Exposed, PreflightResult, check_actual_response, check_preflight_response, cors_check,
    exposed_header_names, readable_headers,
};
pub use message::{chromium_console_message, chromium_message};
pub use request::{
    PreparedRequest, ScriptError, access_control_request_headers, actual_request,
    cors_unsafe_request_header_names, is_cors_safelisted_method, is_cors_safelisted_request_header,
    is_forbidden_method, is_forbidden_request_header, needs_preflight, normalize_method,
    preflight_request, prepare,
};
pub use serve::{browser_fetch_engine, engine_answer, engine_request};

/// Fetch §3.1 request "credentials mode", as `fetch()`'s `credentials` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CredentialsMode {
    /// `'omit'`.
    Omit,
    /// `'same-origin'`, `fetch()`'s default: no credentials cross-origin, and the checks are
    /// those of "not include".
    #[default]
    SameOrigin,
    /// `'include'`: cookies cross-origin; `*` no longer works in `Access-Control-Allow-*`.
    Include,
}

impl CredentialsMode {
    /// The mode as `fetch()` spells it: `omit`, `same-origin` or `include`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CredentialsMode::Omit => "omit",
            CredentialsMode::SameOrigin => "same-origin",
            CredentialsMode::Include => "include",
        }
    }

    /// The mode for `fetch()`'s spelling (`omit`, `same-origin`, `include`, ASCII
    /// case-insensitive), or `None`.
    pub fn parse(s: &str) -> Option<CredentialsMode> {
        [
            CredentialsMode::Omit,
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(s))
    }
}

/// What kind of body the script passes to `fetch()`: it decides the `Content-Type` the
/// browser adds when the script sets none (Fetch §5.1 "extract a body"), and so whether a
/// `POST` stays a simple request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// A string (`JSON.stringify(…)` too): `text/plain;charset=UTF-8`.
    Text,
    /// `URLSearchParams`: `application/x-www-form-urlencoded;charset=UTF-8`.
    UrlSearchParams,
    /// `FormData`: `multipart/form-data; boundary=…`.
    FormData,
    /// A `Blob` (or `File`) whose `type` is this; an empty type adds no `Content-Type`.
    Blob(String),
    /// An `ArrayBuffer`, a typed array or a `ReadableStream`: no `Content-Type`.
    Bytes,
}

impl Body {
    /// The `Content-Type` value this body implies, if any. Chromium's `FormData` boundary
    /// is random; this one has the same shape and length.
    pub fn content_type(&self) -> Option<String> {
        match self {
            Body::Text => Some("text/plain;charset=UTF-8".to_owned()),
            Body::UrlSearchParams => {
                Some("application/x-www-form-urlencoded;charset=UTF-8".to_owned())
            }
            Body::FormData => {
                Some("multipart/form-data; boundary=----WebKitFormBoundaryCorsPolicy01".to_owned())
            }
            Body::Blob(ty) if !ty.is_empty() => Some(ty.clone()),
            Body::Blob(_) | Body::Bytes => None,
        }
    }
}

/// What a page's script asks for: `fetch(target_origin + path, { method, headers, body,
/// credentials })`, from a page whose origin is `page_origin`. Mode is always "cors".
/// Build it with [`PageRequest::new`] and the setters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRequest {
    /// The page's serialized origin (`https://app.example`, `http://127.0.0.1:8080`), or
    /// `null` for an opaque origin (sandboxed iframe, `file:`).
    pub page_origin: String,
    /// The serialized origin of the URL being fetched.
    pub target_origin: String,
    /// Path and query of the URL, starting with `/`.
    pub path: String,
    /// The method exactly as the script wrote it (`'patch'`, `'delete'`, `'TRACE'`…).
    pub method: String,
    /// The headers as the script set them, in order (a name may repeat).
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, if any.
    pub body: Option<Body>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
}

impl PageRequest {
    /// A request for `/` with no headers, no body and credentials mode "same-origin".
    pub fn new(page_origin: &str, target_origin: &str, method: &str) -> Self {
        PageRequest {
            page_origin: page_origin.to_owned(),
            target_origin: target_origin.to_owned(),
            path: "/".to_owned(),
            method: method.to_owned(),
            headers: Vec::new(),
            body: None,
            credentials: CredentialsMode::default(),
        }
    }

    /// Sets the path (and query).
    #[must_use]
    pub fn path(mut self, path: &str) -> Self {
        self.path = path.to_owned();
        self
    }

    /// Adds a header, as `headers.append(name, value)` would.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.headers
            .push((name.to_owned(), value.as_ref().to_vec()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Sets the credentials mode.
    #[must_use]
    pub fn credentials(mut self, mode: CredentialsMode) -> Self {
        self.credentials = mode;
        self
    }

    /// The URL, for messages.
    pub fn url(&self) -> String {
        format!("{}{}", self.target_origin, self.path)
    }
}

/// A request as it reaches the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The serialized origin of the URL it is sent to (after redirects, the new one).
    pub target_origin: String,
    /// The method, as sent (`OPTIONS` for a preflight).
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Header lines in the order sent.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl HttpRequest {
    /// A request to `target_origin` + `path` with no headers.
    pub fn new(target_origin: &str, method: &str, path: &str) -> Self {
        HttpRequest {
            target_origin: target_origin.to_owned(),
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
        }
    }

    /// Adds a header line.
    #[must_use]
    pub fn header_line(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.headers
            .push((name.to_owned(), value.as_ref().to_vec()));
        self
    }

    /// The value of the first line named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// [`HttpRequest::header`] as text (lossy).
    pub fn header_str(&self, name: &str) -> Option<String> {
        self.header(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// Whether this is a CORS-preflight request (`OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`).
    pub fn is_preflight(&self) -> bool {
        self.method == "OPTIONS"
            && self.header("origin").is_some()
            && self.header("access-control-request-method").is_some()
    }

    /// The URL.
    pub fn url(&self) -> String {
        format!("{}{}", self.target_origin, self.path)
    }
}

/// A response as the server sends it: header names in any case, a name may repeat (each
/// entry is one header line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header lines in order.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl HttpResponse {
    /// A response with this status and no headers.
    pub fn new(status: u16) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
        }
    }

    /// Adds a header line.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        self.headers
            .push((name.to_owned(), value.as_ref().to_vec()));
        self
    }

    /// The `Location` of a redirect (Fetch §2.2.6 "redirect status" 301, 302, 303, 307,
    /// 308, with a `Location` line), or `None`. A redirect status without `Location` is an
    /// ordinary response.
    pub fn redirect_location(&self) -> Option<String> {
        if !matches!(self.status, 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        fields::get(&self.headers, "location")
            .map(|v| String::from_utf8_lossy(fields::trim_tab_or_space(&v)).into_owned())
    }
}

/// Which browser the model plays.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Flavor {
    /// The Fetch standard as written.
    #[default]
    Spec,
    /// Chromium 156 as observed on this machine (headless, loopback), where it differs from
    /// the standard:
    /// - a header name the script sets twice is combined into one header (`a, b`) before the
    ///   CORS-safelist checks (so two 100-byte `Content-Language` values make a 202-byte,
    ///   unsafe one) and is sent as one line;
    /// - a script's `User-Agent` is dropped silently, as if forbidden (crbug.com/571722);
    /// - `Access-Control-Allow-Headers: *` covers `authorization` too (the "CORS non-wildcard
    ///   request-header name" rule is not enforced).
    Chromium,
}

/// Options for parts of the browser that vary. [`BrowserOptions::default`] is the standard;
/// [`BrowserOptions::chromium`] is what `explain` wants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct BrowserOptions {
    /// Spec or Chromium behaviour where they differ.
    pub flavor: Flavor,
    /// Behave as a browser with Private Network Access (WICG): preflight every cross-origin
    /// request, send `Access-Control-Request-Private-Network: true`, and require
    /// `Access-Control-Allow-Private-Network: true` in the answer. Off by default: the
    /// Chromium on this machine no longer does this.
    pub private_network: bool,
}

impl BrowserOptions {
    /// Chromium 156's flavour, no Private Network Access.
    pub fn chromium() -> Self {
        BrowserOptions {
            flavor: Flavor::Chromium,
            private_network: false,
        }
    }

    /// Sets the flavour.
    #[must_use]
    pub fn flavor(mut self, flavor: Flavor) -> Self {
        self.flavor = flavor;
        self
    }

    /// Turns Private Network Access on or off.
    #[must_use]
    pub fn private_network(mut self, on: bool) -> Self {
        self.private_network = on;
        self
    }
}

/// Which request's response failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The CORS-preflight request (`OPTIONS`).
    Preflight,
    /// The actual request (or a redirect of it).
    Actual,
}

/// Why the browser refused a response; one variant per Chromium `CorsError` the model can
/// produce. Byte payloads are header values exactly as received (after the HTTP parser's
/// trimming, several lines combined with `, `).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BlockReason {
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// `Access-Control-Allow-Origin: *` with credentials mode "include".
    WildcardOriginNotAllowed,
    /// `Access-Control-Allow-Origin` with a space or comma (e.g. two lines).
    MultipleAllowOriginValues(Vec<u8>),
    /// `Access-Control-Allow-Origin` that is not even URL-shaped.
    InvalidAllowOriginValue(Vec<u8>),
    /// `Access-Control-Allow-Origin` that is another origin.
    AllowOriginMismatch(Vec<u8>),
    /// Credentials mode "include" and `Access-Control-Allow-Credentials` not exactly `true`
    /// (the value, empty when absent).
    InvalidAllowCredentials(Vec<u8>),
    /// The preflight's status is not 200–299.
    PreflightInvalidStatus(u16),
    /// The preflight was answered with a redirect (Fetch §4.9: a preflight never follows
    /// one).
    PreflightDisallowedRedirect,
    /// Private Network Access: no `Access-Control-Allow-Private-Network`.
    MissingAllowPrivateNetwork,
    /// Private Network Access: `Access-Control-Allow-Private-Network` not `true`.
    InvalidAllowPrivateNetwork(Vec<u8>),
    /// `Access-Control-Allow-Methods` has an element that is not a token.
    InvalidAllowMethods,
    /// `Access-Control-Allow-Headers` has an element that is not a token.
    InvalidAllowHeaders,
    /// The method is not allowed by the preflight response.
    MethodDisallowed(String),
    /// This (lowercase) request header is not allowed by the preflight response.
    HeaderDisallowed(String),
    /// A cross-origin redirect to a URL with a user name or password (the location).
    RedirectContainsCredentials(String),
    /// A redirect to a URL whose scheme Chromium's CORS does not support (`ftp:`, …; the
    /// location, an absolute URL). Chromium names that URL as the one fetched.
    RedirectDisallowedScheme(String),
    /// Not a valid HTTP response at all (a header name that is not a token, a NUL/CR/LF in a
    /// value); Chromium fails it before CORS.
    MalformedResponse(String),
    /// A redirect whose `Location` is not a URL the model can follow (no host, or a
    /// `data:`, `chrome:`… URL); a network error, not a CORS one.
    InvalidRedirect(String),
    /// More than 20 redirects (Fetch §4.4 step 5); a network error.
    TooManyRedirects,
}

impl BlockReason {
    /// Whether Chromium reports this as a CORS error ("… has been blocked by CORS policy:
    /// …" in the console). The others are network errors: the script sees the same
    /// "Failed to fetch", but the console has no CORS line (DevTools lists the request as
    /// failed with the `net::ERR_…` code of [`chromium_message`]).
    pub fn is_cors_error(&self) -> bool {
        !matches!(
            self,
            BlockReason::MalformedResponse(_)
                | BlockReason::InvalidRedirect(_)
                | BlockReason::TooManyRedirects
        )
    }
}

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
        /// ([`chromium_console_message`]); for a network error
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
