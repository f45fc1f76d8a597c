//! A model of the browser's side of CORS, written from the WHATWG Fetch standard (and, where
//! the standard leaves room, from what Chromium does), independent of the engine.
//!
//! It answers: given what a page's script passes to `fetch()`, which requests reach the
//! server, and given the server's answers, does the script get the response, which headers
//! can it read, and — if not — what does Chromium print in the console.
//!
//! ```
//! use cors_policy_tests::browser::{browser_fetch, HttpResponse, Outcome, PageRequest};
//!
//! let req = PageRequest::new("https://app.example", "https://api.example", "PUT")
//!     .header("X-Request-Id", "7");
//! let outcome = browser_fetch(&req, &mut |http| {
//!     if http.method == "OPTIONS" {
//!         HttpResponse::new(204)
//!             .header("Access-Control-Allow-Origin", "https://app.example")
//!             .header("Access-Control-Allow-Methods", "PUT")
//!     } else {
//!         HttpResponse::new(200).header("Access-Control-Allow-Origin", "https://app.example")
//!     }
//! });
//! let Outcome::Blocked { why, .. } = outcome else { panic!("expected a block") };
//! assert_eq!(
//!     why,
//!     "Request header field x-request-id is not allowed by Access-Control-Allow-Headers in \
//!      preflight response."
//! );
//! ```
//!
//! Scope and simplifications, each on purpose:
//! - request mode is always "cors" (`fetch()`'s default); no redirects; no bodies;
//! - the CORS-preflight cache is ignored: a request that needs a preflight always gets one,
//!   as with an empty cache ([`PreflightResult::max_age`] is returned as data only);
//! - cookies are not modelled; the credentials mode only changes the checks;
//! - the user agent adds `Accept: */*` (Fetch requires it) but not `Accept-Language`,
//!   `User-Agent` or `Sec-Fetch-*` (Chromium adds those below the CORS layer, and they are
//!   forbidden or safelisted anyway).
//!
//! The default follows the standard; [`Flavor::Chromium`] plays Chromium 156 where it
//! differs. The console messages of [`chromium_message`], the `Access-Control-Request-Headers`
//! format, byte-exact method matching and the exposed headers were checked against headless
//! Chromium 156 on this machine (Debian build, loopback servers).

pub mod check;
pub mod fields;
pub mod message;
pub mod request;

pub use check::{
    Exposed, PreflightResult, check_actual_response, check_preflight_response, cors_check,
    exposed_header_names, readable_headers,
};
pub use message::{chromium_console_message, chromium_message};
pub use request::{
    PreparedRequest, ScriptError, actual_request, cors_unsafe_request_header_names,
    is_cors_safelisted_method, is_cors_safelisted_request_header, is_forbidden_method,
    is_forbidden_request_header, needs_preflight, normalize_method, preflight_request, prepare,
};

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

/// What a page's script asks for: `fetch(target_origin + path, { method, headers,
/// credentials })`, from a page whose origin is `page_origin`. Mode is always "cors".
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The credentials mode.
    pub credentials: CredentialsMode,
}

impl PageRequest {
    /// A request for `/` with no headers and credentials mode "same-origin".
    pub fn new(page_origin: &str, target_origin: &str, method: &str) -> Self {
        PageRequest {
            page_origin: page_origin.to_owned(),
            target_origin: target_origin.to_owned(),
            path: "/".to_owned(),
            method: method.to_owned(),
            headers: Vec::new(),
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
pub struct HttpRequest {
    /// The method, as sent (`OPTIONS` for a preflight).
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Header lines in the order sent.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl HttpRequest {
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

/// Options for parts of the browser that vary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowserOptions {
    /// Spec or Chromium behaviour where they differ.
    pub flavor: Flavor,
    /// Behave as a browser with Private Network Access (WICG): preflight every cross-origin
    /// request, send `Access-Control-Request-Private-Network: true`, and require
    /// `Access-Control-Allow-Private-Network: true` in the answer. Off by default: the
    /// Chromium on this machine no longer does this.
    pub private_network: bool,
}

/// Which request's response failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The CORS-preflight request (`OPTIONS`).
    Preflight,
    /// The actual request.
    Actual,
}

/// Why the browser refused a response; one variant per Chromium `CorsError` the model can
/// produce. Byte payloads are header values exactly as received (after the HTTP parser's
/// trimming, several lines combined with `, `).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Not a valid HTTP response at all (a header name that is not a token, a NUL/CR/LF in a
    /// value); Chromium fails it before CORS.
    MalformedResponse(String),
}

/// What `fetch()` ends with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The promise resolves with the response.
    Ok {
        /// What `[...response.headers]` yields: lowercase names, sorted, repeated names
        /// combined with `, `.
        readable_headers: Vec<(String, Vec<u8>)>,
        /// The actual response as the server sent it.
        response: HttpResponse,
        /// The checked preflight, when there was one.
        preflight: Option<PreflightResult>,
    },
    /// The promise rejects with a network error ("TypeError: Failed to fetch") and Chromium
    /// logs `why` (see [`chromium_message`]).
    Blocked {
        /// Which response failed.
        stage: Stage,
        /// The structured reason.
        reason: BlockReason,
        /// Chromium's message for it.
        why: String,
    },
    /// `fetch()` throws before sending anything.
    TypeError {
        /// Chromium's message, approximately.
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

/// [`browser_fetch_with`] with the default [`BrowserOptions`].
pub fn browser_fetch(
    req: &PageRequest,
    server: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> Outcome {
    browser_fetch_with(req, &BrowserOptions::default(), server)
}

/// Runs one `fetch()` (Fetch §5.7 `fetch()` → §4.1 "main fetch" → §4.3 "HTTP fetch"):
/// [`prepare`] the script's request (or throw), send a CORS-preflight request to `server` when
/// [`needs_preflight`] and check its response ([`check_preflight_response`]), then send the
/// actual request and check its response ([`check_actual_response`]).
///
/// `server` is called once or twice, preflight first; it sees exactly what would be on the
/// wire (method, path, header lines).
pub fn browser_fetch_with(
    req: &PageRequest,
    opts: &BrowserOptions,
    server: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> Outcome {
    let prepared = match prepare(req, opts) {
        Ok(p) => p,
        Err(e) => return Outcome::TypeError { why: e.message() },
    };
    let blocked = |stage: Stage, reason: BlockReason| Outcome::Blocked {
        stage,
        why: chromium_message(&reason, stage),
        reason,
    };
    let mut preflight = None;
    if needs_preflight(&prepared, opts) {
        let response = server(&preflight_request(&prepared, opts));
        match check_preflight_response(&prepared, &response, opts) {
            Ok(result) => preflight = Some(result),
            Err(reason) => return blocked(Stage::Preflight, reason),
        }
    }
    let response = server(&actual_request(&prepared));
    match check_actual_response(&prepared, &response) {
        Ok(readable_headers) => Outcome::Ok {
            readable_headers,
            response,
            preflight,
        },
        Err(reason) => blocked(Stage::Actual, reason),
    }
}

/// What [`browser_fetch_traced`] returns: the outcome and every exchange with the server, in
/// order (the preflight first when there was one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// How the fetch ended.
    pub outcome: Outcome,
    /// Each request sent and the response it got.
    pub exchanges: Vec<(HttpRequest, HttpResponse)>,
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
