//! The request side: what `fetch()` does with the script's method and headers, when it needs a
//! CORS-preflight request, and the two requests it puts on the wire.

use super::block::BlockReason;
use super::fields::{self, HeaderList};
use super::options::{BrowserOptions, Flavor};
use super::page::{Body, CredentialsMode, PageRequest};
use super::wire::HttpRequest;

/// Fetch §2.2.1 "method": a token.
pub fn is_method(method: &str) -> bool {
    fields::is_token(method.as_bytes())
}

/// Fetch §2.2.1 "forbidden method": `CONNECT`, `TRACE` or `TRACK`, byte-case-insensitive.
/// `fetch()` throws a `TypeError` for these.
pub fn is_forbidden_method(method: &str) -> bool {
    cors_policy_grammar::fetch::is_forbidden_method(method.as_bytes())
}

/// Fetch §2.2.1 "normalize a method": a byte-case-insensitive match for `DELETE`, `GET`,
/// `HEAD`, `OPTIONS`, `POST` or `PUT` is byte-uppercased; anything else is left alone.
pub fn normalize_method(method: &str) -> String {
    match crate::grammar::fetch::NORMALIZED_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
    {
        Some(m) => (*m).to_owned(),
        None => method.to_owned(),
    }
}

/// Fetch §2.2.1 "CORS-safelisted method": `GET`, `HEAD` or `POST` — byte-exact, so it is
/// meant for an already normalized method.
pub fn is_cors_safelisted_method(method: &str) -> bool {
    crate::grammar::fetch::is_safelisted_method(method.as_bytes())
}

/// The name part of Fetch §2.2.2 "forbidden request-header": one of the listed names, or a
/// name that starts with `proxy-` or `sec-` (byte-case-insensitive).
pub fn is_forbidden_request_header_name(name: &str) -> bool {
    cors_policy_grammar::fetch::is_forbidden_request_header_name(name)
}

/// Fetch §2.2.2 "forbidden request-header" (name, value): a forbidden name, or one of
/// `X-HTTP-Method`, `X-HTTP-Method-Override`, `X-Method-Override` whose value, once
/// "get, decode, and split", contains a forbidden method. Scripts cannot set these; `Headers`
/// drops them silently.
pub fn is_forbidden_request_header(name: &str, value: &[u8]) -> bool {
    if is_forbidden_request_header_name(name) {
        return true;
    }
    let is_override = [
        "x-http-method",
        "x-http-method-override",
        "x-method-override",
    ]
    .iter()
    .any(|n| n.eq_ignore_ascii_case(name));
    is_override
        && fields::split_header_value(value)
            .iter()
            .any(|m| cors_policy_grammar::fetch::is_forbidden_method(m))
}

/// Fetch §2.2.2 "CORS-unsafe request-header byte": a byte less than 0x20 other than 0x09 HT,
/// or one of `"():<>?@[\]{}` or 0x7F DEL.
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// Fetch §2.2.2 "CORS-safelisted request-header" (name, value):
/// - the value is at most 128 bytes;
/// - `accept`: no CORS-unsafe request-header byte;
/// - `accept-language`, `content-language`: only `0-9 A-Z a-z`, space and `*,-.;=`;
/// - `content-type`: no CORS-unsafe request-header byte, and the MIME type parses with an
///   essence of `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`;
/// - `range`: a single range header value (`bytes=N-` or `bytes=N-M`, no whitespace) with
///   a start;
/// - any other name: not safelisted.
pub fn is_cors_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    if value.len() > 128 {
        return false;
    }
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b)),
        "accept-language" | "content-language" => value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        "content-type" => {
            !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b))
                && mime_essence(value).is_some_and(|essence| {
                    matches!(
                        essence.as_str(),
                        "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
                    )
                })
        }
        "range" => {
            parse_single_range_header_value(value, false).is_some_and(|range| range.start.is_some())
        }
        _ => false,
    }
}

/// The essence (`type/subtype`, lowercase) of WHATWG MIME Sniffing §4.4 "parse a MIME type",
/// or `None` on failure. Parameters never make parsing fail, so they are not looked at.
pub fn mime_essence(value: &[u8]) -> Option<String> {
    let input = fields::normalize_header_value(value);
    let slash = input.iter().position(|&b| b == b'/')?;
    let (ty, rest) = input.split_at(slash);
    let rest = rest.get(1..)?;
    let subtype_end = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
    let subtype = rest.get(..subtype_end)?;
    let subtype_trim = subtype
        .iter()
        .rposition(|&b| !fields::is_http_whitespace_byte(b))
        .map_or(0, |i| i + 1);
    let subtype = subtype.get(..subtype_trim)?;
    if !fields::is_token(ty) || !fields::is_token(subtype) {
        return None;
    }
    let mut essence = String::from_utf8_lossy(ty).to_ascii_lowercase();
    essence.push('/');
    essence.push_str(&String::from_utf8_lossy(subtype).to_ascii_lowercase());
    Some(essence)
}

/// A parsed single byte range; numbers are kept as decimal strings without leading zeros so
/// that arbitrarily long digit runs compare exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte position, if given.
    pub start: Option<String>,
    /// Last byte position, if given.
    pub end: Option<String>,
}

/// Fetch §2.2.5 "parse a single range header value" (value, allowWhitespace): `bytes`
/// (case-sensitive), `=`, optional digits, `-`, optional digits, end of input; at least one
/// of the two numbers; start ≤ end when both are there.
pub fn parse_single_range_header_value(value: &[u8], allow_whitespace: bool) -> Option<ByteRange> {
    let mut rest = value.strip_prefix(b"bytes")?;
    let skip_ws = |s: &[u8]| -> usize {
        if allow_whitespace {
            s.iter()
                .take_while(|&&b| fields::is_http_tab_or_space_byte(b))
                .count()
        } else {
            0
        }
    };
    rest = rest.get(skip_ws(rest)..)?;
    rest = rest.strip_prefix(b"=")?;
    rest = rest.get(skip_ws(rest)..)?;
    let start_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (start, after) = rest.split_at(start_len);
    rest = after.get(skip_ws(after)..)?;
    rest = rest.strip_prefix(b"-")?;
    rest = rest.get(skip_ws(rest)..)?;
    let end_len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let (end, after) = rest.split_at(end_len);
    if !after.is_empty() {
        return None;
    }
    let start = decimal(start);
    let end = decimal(end);
    match (&start, &end) {
        (None, None) => return None,
        (Some(s), Some(e)) if decimal_gt(s, e) => return None,
        _ => {}
    }
    Some(ByteRange { start, end })
}

fn decimal(digits: &[u8]) -> Option<String> {
    if digits.is_empty() {
        return None;
    }
    let s = String::from_utf8_lossy(digits);
    let trimmed = s.trim_start_matches('0');
    Some(if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    })
}

fn decimal_gt(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

/// Fetch §2.2.2 "CORS-unsafe request-header names" of a header list: the names of headers
/// that are not CORS-safelisted request-headers, plus — when the safelisted values add up to
/// more than 1024 bytes — the names of the safelisted ones too; then "convert header names to
/// a sorted-lowercase set" (byte-lowercased, deduplicated, sorted by bytes).
pub fn cors_unsafe_request_header_names(headers: &HeaderList) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut potentially_unsafe = Vec::new();
    let mut safelist_value_size = 0usize;
    for (name, value) in headers {
        if is_cors_safelisted_request_header(name, value) {
            potentially_unsafe.push(name.to_ascii_lowercase());
            safelist_value_size += value.len();
        } else {
            unsafe_names.push(name.to_ascii_lowercase());
        }
    }
    if safelist_value_size > 1024 {
        unsafe_names.extend(potentially_unsafe);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// Fetch §2.2.2 "CORS non-wildcard request-header name": `Authorization`
/// (byte-case-insensitive). A `*` in `Access-Control-Allow-Headers` never covers it.
pub fn is_cors_non_wildcard_request_header_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization")
}

/// Why `fetch()` threw before any request was made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScriptError {
    /// The method is not a token.
    InvalidMethod(String),
    /// `CONNECT`, `TRACE` or `TRACK`.
    ForbiddenMethod(String),
    /// A header name that is not a token.
    InvalidHeaderName(String),
    /// A header value with NUL, CR or LF inside (after normalization).
    InvalidHeaderValue(String),
    /// A body with a `GET` or `HEAD` request.
    BodyWithGetOrHead,
}

impl ScriptError {
    /// Chromium's `TypeError` message for `fetch()` called on a window (checked against
    /// Chromium 156).
    pub fn message(&self) -> String {
        let prefix = "Failed to execute 'fetch' on 'Window': ";
        match self {
            ScriptError::InvalidMethod(m) => format!("{prefix}'{m}' is not a valid HTTP method."),
            ScriptError::ForbiddenMethod(m) => {
                format!("{prefix}'{m}' HTTP method is unsupported.")
            }
            ScriptError::InvalidHeaderName(_) => format!("{prefix}Invalid name"),
            ScriptError::InvalidHeaderValue(_) => format!("{prefix}Invalid value"),
            ScriptError::BodyWithGetOrHead => {
                format!("{prefix}Request with GET/HEAD method cannot have body.")
            }
        }
    }
}

/// A request after `fetch()`'s own processing (Fetch §5.4 `Request` constructor, §5.2
/// `Headers` with guard "request", §4.1 "fetch" step adding `Accept`): what the network layer
/// works with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreparedRequest {
    /// The serialized request origin (Fetch §3.1 "byte-serializing a request origin"): the
    /// page's origin, or `null` (an opaque origin, or tainted by a cross-origin redirect).
    pub origin: String,
    /// The serialized origin of the URL.
    pub target_origin: String,
    /// Path and query of the URL.
    pub path: String,
    /// The normalized method.
    pub method: String,
    /// The header list: script headers that survived (values normalized, forbidden ones
    /// dropped, the first spelling of a repeated name kept), then `Accept: */*` when the
    /// script set no `Accept`.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body, if any (its `Content-Type`, when the script set none, is in `headers`).
    pub body: Option<Body>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// Request origin and URL origin are the same (Fetch §4.1 "main fetch": response
    /// tainting "basic", no CORS at all). An opaque (`null`) origin is never the same. Once
    /// a redirect made it "cors", it stays so.
    pub same_origin: bool,
}

/// Runs the script-visible part of `fetch()`: validates and normalizes the method (throwing
/// for a non-token or forbidden method), appends each script header as `Headers.append` does
/// (Fetch §5.2: normalize the value; throw for an invalid name or value; silently drop a
/// forbidden request-header), and adds `Accept: */*` if absent (Fetch §4.1 "fetch").
///
/// Chromium adds `Accept-Language` below the CORS layer, so it is not added here. With
/// [`Flavor::Chromium`], a script's `User-Agent` is dropped and repeated names are combined
/// into one header.
pub fn prepare(req: &PageRequest, opts: &BrowserOptions) -> Result<PreparedRequest, ScriptError> {
    if !is_method(&req.method) {
        return Err(ScriptError::InvalidMethod(req.method.clone()));
    }
    if is_forbidden_method(&req.method) {
        return Err(ScriptError::ForbiddenMethod(req.method.clone()));
    }
    let method = normalize_method(&req.method);
    if req.body.is_some() && matches!(method.as_str(), "GET" | "HEAD") {
        return Err(ScriptError::BodyWithGetOrHead);
    }
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, value) in &req.headers {
        let value = fields::normalize_header_value(value);
        if !fields::is_token(name.as_bytes()) {
            return Err(ScriptError::InvalidHeaderName(name.clone()));
        }
        if !fields::is_header_value(&value) {
            return Err(ScriptError::InvalidHeaderValue(name.clone()));
        }
        let chromium = opts.flavor == Flavor::Chromium;
        if is_forbidden_request_header(name, &value)
            || (chromium && name.eq_ignore_ascii_case("user-agent"))
        {
            continue;
        }
        match headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some((_, combined)) if chromium => {
                combined.extend_from_slice(b", ");
                combined.extend_from_slice(&value);
            }
            // Fetch §2.2.2 "append": a repeated name takes the first header's spelling.
            Some((first, _)) => {
                let first = first.clone();
                headers.push((first, value));
            }
            None => headers.push((name.clone(), value)),
        }
    }
    // Fetch §5.4 `Request` constructor step 36: the body's type, unless the script set one.
    if let Some(content_type) = req.body.as_ref().and_then(Body::content_type)
        && !fields::contains(&headers, "content-type")
    {
        headers.push(("Content-Type".to_owned(), content_type.into_bytes()));
    }
    if !fields::contains(&headers, "accept") {
        headers.push(("Accept".to_owned(), b"*/*".to_vec()));
    }
    let same_origin = req.page_origin != "null" && req.page_origin == req.target_origin;
    Ok(PreparedRequest {
        origin: req.page_origin.clone(),
        target_origin: req.target_origin.clone(),
        path: req.path.clone(),
        method,
        headers,
        body: req.body.clone(),
        credentials: req.credentials,
        same_origin,
    })
}

/// Whether Fetch §4.1 "main fetch" sets makeCORSPreflight and §4.3 "HTTP fetch" then runs a
/// CORS-preflight fetch, ignoring the CORS-preflight cache (every call behaves as if the cache
/// were empty): a cross-origin request whose method is not CORS-safelisted or whose
/// CORS-unsafe request-header names are not empty. With
/// [`BrowserOptions::private_network`], every cross-origin request is preflighted (Private
/// Network Access §3.1).
pub fn needs_preflight(req: &PreparedRequest, opts: &BrowserOptions) -> bool {
    if req.same_origin {
        return false;
    }
    opts.private_network
        || !is_cors_safelisted_method(&req.method)
        || !cors_unsafe_request_header_names(&req.headers).is_empty()
}

/// The `Access-Control-Request-Headers` value of Fetch §4.9 "CORS-preflight fetch" step 4:
/// the CORS-unsafe request-header names joined by `,` with no space (the spec deliberately
/// does not "combine" them; Chromium sends e.g. `content-type,x-foo`), or `None` when empty.
pub fn access_control_request_headers(req: &PreparedRequest) -> Option<String> {
    let names = cors_unsafe_request_header_names(&req.headers);
    (!names.is_empty()).then(|| names.join(","))
}

/// Fetch §4.9 "CORS-preflight fetch" steps 1–4: `OPTIONS` to the same URL with
/// `Accept: */*`, `Access-Control-Request-Method` (the normalized method),
/// `Access-Control-Request-Headers` when there are CORS-unsafe names, then `Origin` (added by
/// "HTTP-network-or-cache fetch", Fetch §3.1 "append a request `Origin` header").
/// `Access-Control-Request-Private-Network: true` only with
/// [`BrowserOptions::private_network`] (this Chromium never sends it). No cookies, no script
/// headers.
pub fn preflight_request(req: &PreparedRequest, opts: &BrowserOptions) -> HttpRequest {
    let mut headers = vec![
        ("Accept".to_owned(), b"*/*".to_vec()),
        (
            "Access-Control-Request-Method".to_owned(),
            req.method.as_bytes().to_vec(),
        ),
    ];
    if let Some(names) = access_control_request_headers(req) {
        headers.push((
            "Access-Control-Request-Headers".to_owned(),
            names.into_bytes(),
        ));
    }
    if opts.private_network {
        headers.push((
            "Access-Control-Request-Private-Network".to_owned(),
            b"true".to_vec(),
        ));
    }
    headers.push(("Origin".to_owned(), req.origin.as_bytes().to_vec()));
    HttpRequest {
        target_origin: req.target_origin.clone(),
        method: "OPTIONS".to_owned(),
        path: req.path.clone(),
        headers,
    }
}

/// The actual request: the normalized method and the prepared header list, plus `Origin` per
/// Fetch §3.1 "append a request `Origin` header": always for a CORS request (response
/// tainting "cors", GET and HEAD included), and for a same-origin request only when the method
/// is neither `GET` nor `HEAD`. Cookies are not modelled.
pub fn actual_request(req: &PreparedRequest) -> HttpRequest {
    let mut headers = req.headers.clone();
    if !req.same_origin || !matches!(req.method.as_str(), "GET" | "HEAD") {
        headers.push(("Origin".to_owned(), req.origin.as_bytes().to_vec()));
    }
    HttpRequest {
        target_origin: req.target_origin.clone(),
        method: req.method.clone(),
        path: req.path.clone(),
        headers,
    }
}

/// The schemes Chromium 156's CORS accepts (its console lists them); a redirect to one of
/// them that is not `http:`/`https:` fails without a CORS message, a redirect to any other
/// is a CORS error ([`BlockReason::RedirectDisallowedScheme`]).
const CHROMIUM_CORS_SCHEMES: [&str; 8] = [
    "chrome",
    "chrome-experimental-site-token-provider",
    "chrome-extension",
    "chrome-untrusted",
    "data",
    "http",
    "https",
    "isolated-app",
];

/// A URL a redirect points to, split as the model needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Location {
    /// `scheme://host[:port]`, lowercase, default port dropped.
    origin: String,
    /// Path and query, starting with `/` (the fragment dropped).
    path: String,
    /// Whether the URL has a user name or password.
    credentials: bool,
}

/// Resolves `location` against the current URL (`origin` + `path`), for `http:` and
/// `https:` only (WHATWG URL parsing, reduced to what a `Location` header holds: absolute,
/// scheme-relative, path-absolute or path-relative references).
fn resolve_location(origin: &str, path: &str, location: &str) -> Result<Location, BlockReason> {
    let location = location.split('#').next().unwrap_or_default();
    let scheme_of = |s: &str| -> Option<(String, usize)> {
        let colon = s.find(':')?;
        let scheme = s.get(..colon)?;
        let is_scheme = crate::grammar::fetch::is_scheme(scheme.as_bytes());
        is_scheme.then(|| (scheme.to_ascii_lowercase(), colon + 1))
    };
    let current_scheme = scheme_of(origin).map_or_else(|| "http".to_owned(), |(s, _)| s);
    let (scheme, rest) = match scheme_of(location) {
        Some((scheme, after)) => (scheme, location.get(after..).unwrap_or_default()),
        None => (current_scheme, location),
    };
    if scheme != "http" && scheme != "https" {
        return Err(if CHROMIUM_CORS_SCHEMES.contains(&scheme.as_str()) {
            BlockReason::InvalidRedirect(format!(
                "the redirect location `{location}` is not http or https"
            ))
        } else {
            BlockReason::RedirectDisallowedScheme(location.to_owned())
        });
    }
    let Some(authority_and_path) = rest.strip_prefix("//") else {
        // Same origin: path-absolute or path-relative.
        let path = if rest.starts_with('/') {
            rest.to_owned()
        } else if rest.is_empty() {
            path.to_owned()
        } else {
            let dir = path.split('?').next().unwrap_or_default();
            let dir = dir
                .get(..dir.rfind('/').map_or(0, |i| i + 1))
                .unwrap_or("/");
            format!("{dir}{rest}")
        };
        return Ok(Location {
            origin: origin.to_owned(),
            path,
            credentials: false,
        });
    };
    let end = authority_and_path
        .find(['/', '?'])
        .unwrap_or(authority_and_path.len());
    let (authority, path) = authority_and_path.split_at(end);
    let (credentials, host_port) = match authority.rfind('@') {
        Some(at) => (true, authority.get(at + 1..).unwrap_or_default()),
        None => (false, authority),
    };
    if host_port.is_empty() {
        return Err(BlockReason::InvalidRedirect(format!(
            "the redirect location `{location}` has no host"
        )));
    }
    let host_port = host_port.to_ascii_lowercase();
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let host_port = host_port
        .strip_suffix(default_port)
        .unwrap_or(&host_port)
        .to_owned();
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    Ok(Location {
        origin: format!("{scheme}://{host_port}"),
        path,
        credentials,
    })
}

/// Fetch §4.4 "HTTP-redirect fetch" steps 3–13 for a response of `status` with this
/// `Location`, once the redirect response passed the CORS check: the request the browser
/// sends next, or why it does not.
/// - a location that is not an `http:`/`https:` URL fails: a CORS error for a scheme
///   Chromium's CORS does not know ([`BlockReason::RedirectDisallowedScheme`]), else a
///   network error;
/// - a location with a user name or password, from a cross-origin request, is a CORS error
///   ([`BlockReason::RedirectContainsCredentials`]);
/// - a hop to another origin from a URL that is not the request's origin taints the origin:
///   it becomes `null`;
/// - a hop to another origin drops `Authorization` (the "CORS non-wildcard request-header
///   name");
/// - `303` (other than after `GET`/`HEAD`), and `301`/`302` after a `POST`, become a `GET`
///   without body and without the request-body headers (`Content-Type`…).
pub fn follow_redirect(
    req: &PreparedRequest,
    status: u16,
    location: &str,
) -> Result<PreparedRequest, BlockReason> {
    let next = resolve_location(&req.target_origin, &req.path, location)?;
    if next.credentials && (!req.same_origin || next.origin != req.origin) {
        return Err(BlockReason::RedirectContainsCredentials(
            location.to_owned(),
        ));
    }
    let mut out = req.clone();
    let cross_hop = next.origin != req.target_origin;
    if cross_hop && req.origin != req.target_origin {
        out.origin = "null".to_owned();
    }
    if cross_hop {
        out.headers
            .retain(|(n, _)| !is_cors_non_wildcard_request_header_name(n));
    }
    let to_get = (matches!(status, 301 | 302) && req.method == "POST")
        || (status == 303 && !matches!(req.method.as_str(), "GET" | "HEAD"));
    if to_get {
        out.method = "GET".to_owned();
        out.body = None;
        out.headers.retain(|(n, _)| {
            ![
                "content-encoding",
                "content-language",
                "content-location",
                "content-type",
            ]
            .iter()
            .any(|h| h.eq_ignore_ascii_case(n))
        });
    }
    out.same_origin = req.same_origin && next.origin == out.origin;
    out.target_origin = next.origin;
    out.path = next.path;
    Ok(out)
}
