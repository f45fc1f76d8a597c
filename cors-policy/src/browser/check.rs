//! The response side: the CORS check, the checks of a CORS-preflight response, and which
//! response headers the page's script can read.

use super::block::BlockReason;
use super::fields::{self, HeaderList};
use super::options::{BrowserOptions, Flavor};
use super::page::CredentialsMode;
use super::request::{
    PreparedRequest, cors_unsafe_request_header_names, is_cors_non_wildcard_request_header_name,
    is_cors_safelisted_method,
};
use super::wire::HttpResponse;

/// What the browser keeps from a CORS-preflight response that passed (Fetch §4.9 steps 7.1–7.9).
/// The model never caches it; it is returned as data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreflightResult {
    /// `Access-Control-Allow-Methods`, as parsed (case kept); empty when absent.
    pub methods: Vec<String>,
    /// `Access-Control-Allow-Headers`, as parsed (case kept); empty when absent.
    pub header_names: Vec<String>,
    /// `Access-Control-Max-Age` when present and valid (see [`fields::extract_max_age`]).
    pub max_age: Option<u64>,
    /// The raw `Access-Control-Max-Age` ("get": lines combined), for Chromium's own parse.
    pub max_age_header: Option<Vec<u8>>,
}

impl PreflightResult {
    /// How long Chromium would cache this result, in seconds (`ParseAccessControlMaxAge`):
    /// 5 when the header is absent or not an integer, 0 when negative, capped at 7200
    /// (Fetch §4.9 step 7.10 leaves the "imposed limit" to the browser).
    pub fn chromium_cache_seconds(&self) -> u64 {
        let Some(raw) = &self.max_age_header else {
            return 5;
        };
        let (negative, digits) = match raw.strip_prefix(b"-") {
            Some(rest) => (true, rest),
            None => (false, raw.as_slice()),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return 5;
        }
        if negative {
            return 0;
        }
        digits
            .iter()
            .fold(0u64, |acc, &d| {
                acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            })
            .min(7200)
    }
}

/// Checks what an HTTP/1.1 parser would refuse before any CORS logic runs: every header name
/// a token and every value (once stripped of surrounding tabs and spaces, as the parser does)
/// free of NUL, CR and LF. Returns the header list as the browser sees it: values trimmed.
/// Chromium fails such a response with `net::ERR_INVALID_HTTP_RESPONSE` (or splits the line,
/// which is no better).
pub fn receive(response: &HttpResponse) -> Result<Vec<(String, Vec<u8>)>, BlockReason> {
    let mut out = Vec::with_capacity(response.headers.len());
    for (name, value) in &response.headers {
        let value = fields::trim_tab_or_space(value);
        if !fields::is_token(name.as_bytes()) {
            return Err(BlockReason::MalformedResponse(format!(
                "header name {name:?} is not a token"
            )));
        }
        if !fields::is_header_value(value) {
            return Err(BlockReason::MalformedResponse(format!(
                "header {name} has a NUL, CR or LF in its value"
            )));
        }
        out.push((name.clone(), value.to_vec()));
    }
    Ok(out)
}

/// Fetch §4.10 "CORS check", with Chromium's classification of the failure
/// (`network::cors::CheckAccess`):
/// 1. `Access-Control-Allow-Origin` is "get" (several lines combine into `a, b`);
/// 2. `*` succeeds unless the credentials mode is "include" ([`BlockReason::WildcardOriginNotAllowed`]);
/// 3. absent → [`BlockReason::MissingAllowOrigin`];
/// 4. not byte-equal to the serialized request origin → failure, reported as
///    [`BlockReason::MultipleAllowOriginValues`] when it contains a space or a comma, else
///    [`BlockReason::InvalidAllowOriginValue`] when it does not look like a URL, else
///    [`BlockReason::AllowOriginMismatch`];
/// 5. with credentials mode "include", `Access-Control-Allow-Credentials` must be exactly
///    `true` (case-sensitive, one line) or [`BlockReason::InvalidAllowCredentials`].
///
/// `headers` are the received headers (see [`receive`]).
pub fn cors_check(
    headers: &HeaderList,
    origin: &str,
    credentials: CredentialsMode,
) -> Result<(), BlockReason> {
    let include = credentials == CredentialsMode::Include;
    match fields::get(headers, "access-control-allow-origin") {
        None => return Err(BlockReason::MissingAllowOrigin),
        Some(v) if v == b"*" => {
            if include {
                return Err(BlockReason::WildcardOriginNotAllowed);
            }
            return Ok(());
        }
        Some(v) if v == origin.as_bytes() => {}
        Some(v) => {
            if v.iter().any(|&b| b == b' ' || b == b',') {
                return Err(BlockReason::MultipleAllowOriginValues(v));
            }
            if v != b"null" && !looks_like_url(&v) {
                return Err(BlockReason::InvalidAllowOriginValue(v));
            }
            return Err(BlockReason::AllowOriginMismatch(v));
        }
    }
    if include {
        match fields::get(headers, "access-control-allow-credentials") {
            Some(v) if v == b"true" => {}
            other => {
                return Err(BlockReason::InvalidAllowCredentials(
                    other.unwrap_or_default(),
                ));
            }
        }
    }
    Ok(())
}

/// A rough stand-in for Chromium's `GURL::is_valid()`, which only decides between two error
/// messages: UTF-8 (a Latin-1 byte makes it invalid), a scheme
/// (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`) and `:`, and for the special schemes
/// something after the slashes.
fn looks_like_url(v: &[u8]) -> bool {
    if std::str::from_utf8(v).is_err() {
        return false;
    }
    let Some(colon) = v.iter().position(|&b| b == b':') else {
        return false;
    };
    let (scheme, rest) = v.split_at(colon);
    let scheme_ok = crate::grammar::fetch::is_scheme(scheme);
    if !scheme_ok {
        return false;
    }
    let special = ["http", "https", "ws", "wss", "ftp", "file"]
        .iter()
        .any(|s| s.as_bytes().eq_ignore_ascii_case(scheme));
    if !special {
        return true;
    }
    let after = rest.get(1..).unwrap_or_default();
    let host = after
        .iter()
        .position(|&b| b != b'/' && b != b'\\')
        .and_then(|i| after.get(i..))
        .unwrap_or_default();
    host.first()
        .is_some_and(|&b| !matches!(b, b'?' | b'#' | b'/'))
}

/// Fetch §4.9 "CORS-preflight fetch", step 7 onwards, in Chromium's order
/// (`PreflightController`, `PreflightResult`):
/// 0. a redirect (a redirect status with `Location`) is refused, whatever its headers
///    ([`BlockReason::PreflightDisallowedRedirect`]);
/// 1. the response must be a well-formed HTTP response ([`receive`]);
/// 2. the CORS check ([`cors_check`], with the actual request's credentials mode);
/// 3. an ok status (200–299) — [`BlockReason::PreflightInvalidStatus`];
/// 4. with [`BrowserOptions::private_network`]: `Access-Control-Allow-Private-Network: true`;
/// 5. `Access-Control-Allow-Methods`, then `-Headers`, parsed as token lists (failure →
///    [`BlockReason::InvalidAllowMethods`] / [`BlockReason::InvalidAllowHeaders`]);
/// 6. the method: in the list byte-exact (case-sensitive), or CORS-safelisted, or `*` listed
///    and credentials mode not "include" — [`BlockReason::MethodDisallowed`];
/// 7. the headers: a CORS non-wildcard request-header name (`authorization`) must be listed
///    by name (not with [`Flavor::Chromium`]); every CORS-unsafe request-header name must be listed (byte-case-insensitive)
///    unless `*` is listed and credentials mode is not "include" — the first failing name in
///    sorted order is reported, [`BlockReason::HeaderDisallowed`];
/// 8. max-age, kept as data.
///
/// Chromium used to uppercase the method before comparing (crbug.com/1228178); with
/// `AccessControlAllowMethodsInCORSPreflightSpecConformant`, on by default, it compares
/// byte-exact as the spec does, which is what this does.
pub fn check_preflight_response(
    req: &PreparedRequest,
    response: &HttpResponse,
    opts: &BrowserOptions,
) -> Result<PreflightResult, BlockReason> {
    if response.redirect_location().is_some() {
        return Err(BlockReason::PreflightDisallowedRedirect);
    }
    let headers = receive(response)?;
    cors_check(&headers, &req.origin, req.credentials)?;
    if !(200..=299).contains(&response.status) {
        return Err(BlockReason::PreflightInvalidStatus(response.status));
    }
    if opts.private_network {
        match fields::get(&headers, "access-control-allow-private-network") {
            None => return Err(BlockReason::MissingAllowPrivateNetwork),
            Some(v) if v == b"true" => {}
            Some(v) => return Err(BlockReason::InvalidAllowPrivateNetwork(v)),
        }
    }
    let methods = fields::extract_token_list(&headers, "access-control-allow-methods")
        .map_err(|_| BlockReason::InvalidAllowMethods)?
        .unwrap_or_default();
    let header_names = fields::extract_token_list(&headers, "access-control-allow-headers")
        .map_err(|_| BlockReason::InvalidAllowHeaders)?
        .unwrap_or_default();
    let include = req.credentials == CredentialsMode::Include;

    let method_ok = methods.contains(&req.method)
        || is_cors_safelisted_method(&req.method)
        || (!include && methods.iter().any(|m| m == "*"));
    if !method_ok {
        return Err(BlockReason::MethodDisallowed(req.method.clone()));
    }

    let listed = |name: &str| header_names.iter().any(|h| h.eq_ignore_ascii_case(name));
    let wildcard = !include && header_names.iter().any(|h| h == "*");
    let unsafe_names = cors_unsafe_request_header_names(&req.headers);
    if wildcard {
        if opts.flavor == Flavor::Chromium {
            return Ok(result_of(methods, header_names, &headers));
        }
        // Fetch §4.9 step 7.6: `*` never stands for `authorization`.
        if let Some(name) = req
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .find(|n| is_cors_non_wildcard_request_header_name(n) && !listed(n))
        {
            return Err(BlockReason::HeaderDisallowed(name));
        }
    } else if let Some(name) = unsafe_names.iter().find(|n| !listed(n)) {
        // Fetch §4.9 step 7.7 (which also covers step 7.6 here: `authorization` is never
        // CORS-safelisted, so it is among the unsafe names).
        return Err(BlockReason::HeaderDisallowed(name.clone()));
    }
    Ok(result_of(methods, header_names, &headers))
}

fn result_of(
    methods: Vec<String>,
    header_names: Vec<String>,
    headers: &HeaderList,
) -> PreflightResult {
    PreflightResult {
        methods,
        header_names,
        max_age: fields::extract_max_age(headers),
        max_age_header: fields::get(headers, "access-control-max-age"),
    }
}

/// The check of the actual response: well-formed ([`receive`]), then — for a cross-origin
/// request (response tainting "cors") — the CORS check (Fetch §4.3 "HTTP fetch" step 4.4.x,
/// whatever the status: a 500 with the right headers is readable). Returns the headers the
/// script can read ([`readable_headers`]).
pub fn check_actual_response(
    req: &PreparedRequest,
    response: &HttpResponse,
) -> Result<Vec<(String, Vec<u8>)>, BlockReason> {
    let headers = receive(response)?;
    if !req.same_origin {
        cors_check(&headers, &req.origin, req.credentials)?;
    }
    Ok(readable_headers(&headers, req.credentials, req.same_origin))
}

/// The check of a redirect response to the actual request (Fetch §4.3 "HTTP fetch" step
/// 4.4.x applies the CORS check to every response, redirects included): well-formed, then
/// for a cross-origin request the CORS check.
pub fn check_redirect_response(
    req: &PreparedRequest,
    response: &HttpResponse,
) -> Result<(), BlockReason> {
    let headers = receive(response)?;
    if !req.same_origin {
        cors_check(&headers, &req.origin, req.credentials)?;
    }
    Ok(())
}

/// Fetch §2.2.6 "CORS-safelisted response-header name" without a list: `Cache-Control`,
/// `Content-Language`, `Content-Length`, `Content-Type`, `Expires`, `Last-Modified`,
/// `Pragma` (byte-case-insensitive).
pub fn is_cors_safelisted_response_header_name(name: &str) -> bool {
    [
        "cache-control",
        "content-language",
        "content-length",
        "content-type",
        "expires",
        "last-modified",
        "pragma",
    ]
    .iter()
    .any(|n| n.eq_ignore_ascii_case(name))
}

/// Fetch §2.2.6 "forbidden response-header name": `Set-Cookie`, `Set-Cookie2`.
pub fn is_forbidden_response_header_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// Which extra names `Access-Control-Expose-Headers` exposes (Fetch §4.1 "main fetch", the
/// "CORS-exposed header-name list").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exposed {
    /// Every header of the response (`*` without credentials mode "include").
    All,
    /// These names (byte-case-insensitive); empty when the header is absent or fails to
    /// parse (Chromium's `HTTPHeaderNameListParser` also drops the whole list then).
    Names(Vec<String>),
}

/// Fetch §4.1 "main fetch" step 14.x: the CORS-exposed header-name list from
/// `Access-Control-Expose-Headers`. With credentials mode "include", `*` is a literal name.
pub fn exposed_header_names(headers: &HeaderList, credentials: CredentialsMode) -> Exposed {
    match fields::extract_token_list(headers, "access-control-expose-headers") {
        Ok(Some(names)) => {
            if credentials != CredentialsMode::Include && names.iter().any(|n| n == "*") {
                Exposed::All
            } else {
                Exposed::Names(names)
            }
        }
        Ok(None) | Err(_) => Exposed::Names(Vec::new()),
    }
}

/// What the script sees when it iterates `response.headers` (Fetch §5.2 "sort and combine"
/// of the filtered response's header list): lowercase names, sorted, values of a repeated
/// name combined with `, `.
///
/// The filter (Fetch §2.2.6, §3.1 filtered responses): a "basic" (same-origin) response
/// hides `Set-Cookie`/`Set-Cookie2`; a "cors" response keeps only CORS-safelisted
/// response-header names and the exposed names ([`exposed_header_names`]), never a forbidden
/// response-header name.
pub fn readable_headers(
    headers: &HeaderList,
    credentials: CredentialsMode,
    same_origin: bool,
) -> Vec<(String, Vec<u8>)> {
    let exposed = exposed_header_names(headers, credentials);
    let visible = |name: &str| {
        if is_forbidden_response_header_name(name) {
            return false;
        }
        if same_origin || is_cors_safelisted_response_header_name(name) {
            return true;
        }
        match &exposed {
            Exposed::All => true,
            Exposed::Names(names) => names.iter().any(|n| n.eq_ignore_ascii_case(name)),
        }
    };
    let mut names: Vec<String> = headers
        .iter()
        .filter(|(n, _)| visible(n))
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| fields::get(headers, &n).map(|v| (n, v)))
        .collect()
}
