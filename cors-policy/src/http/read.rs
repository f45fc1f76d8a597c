//! Reading a request of the `http` crate: the engine's [`Request`] of an
//! [`http::Request`] (or its parts), and the request's own values that an
//! answer may echo ([`Echoes`]).

use ::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use ::http::request::Parts;
use ::http::{Method, Uri};

use crate::Request;
use crate::request::Lines;

/// `Access-Control-Request-Private-Network`, which `http` has no constant for.
const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");

impl<'a> Request<'a> {
    /// The engine's view of an [`http::Request`]: borrows
    /// the method, the path ([`target_path`](crate::target_path) of the
    /// URI's path and query, so never the query) and the CORS
    /// request headers; allocates nothing.
    ///
    /// Several `Origin` lines make a duplicated origin (always denied);
    /// several `Access-Control-Request-Headers` lines are all read, and more
    /// than [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES) deny the preflight.
    pub fn from_http<B>(request: &'a ::http::Request<B>) -> Self {
        Request::from_http_headers(request.method(), request.uri(), request.headers())
    }

    /// The same as [`from_http`](Self::from_http), from the request's parts.
    pub fn from_http_parts(parts: &'a Parts) -> Self {
        Request::from_http_headers(&parts.method, &parts.uri, &parts.headers)
    }

    /// The same as [`from_http`](Self::from_http), from a method, a URI and
    /// the request's headers: for servers that keep them apart.
    pub fn from_http_headers(method: &'a Method, uri: &'a Uri, headers: &'a HeaderMap) -> Self {
        let mut request = start(method, uri);
        read(&mut request, headers);
        request
    }
}

/// The request's method and target, without its headers (see [`read`]).
#[inline]
pub(super) fn start<'a>(method: &'a Method, uri: &'a Uri) -> Request<'a> {
    // The target's path and query, cut by the one path extractor
    // (`target_path`) as every other caller's target is.
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path(), ::http::uri::PathAndQuery::as_str);
    Request::new(method.as_str(), target)
}

/// Reads the request's CORS headers into `request` (made by [`start`]), in
/// place: the request is 176 bytes, and moving it through a builder or a
/// return value copies it. Returns the values an answer may echo: the
/// first `Origin`, `Access-Control-Request-Method` and `-Headers` lines, kept so that
/// an echo clones them instead of looking them up again.
pub(super) fn read<'a>(request: &mut Request<'a>, headers: &'a HeaderMap) -> Echoes<'a> {
    let mut echoes = Echoes {
        origin: None,
        method: None,
        headers: None,
        request: Some(headers),
    };
    // A second line is all the engine needs to see to deny, and one line
    // over the cap is enough to deny: hostile repetitions are not walked.
    // Filled in place (the builder's moves would copy the request, 176
    // bytes, once per header).
    for origin in headers.get_all(header::ORIGIN).iter().take(2) {
        echoes.origin.get_or_insert(origin);
        request.set_origin(origin.as_bytes());
    }
    // Only a preflight reads the `Access-Control-Request-*` headers: any
    // other method is answered without looking them up. A preflight looks
    // up only those it has: one pass over the request's names (each once,
    // whatever its number of lines) is cheaper than three lookups, most of
    // all for the private-network header, whose name is not a standard one
    // and would be hashed byte by byte.
    if request.method != b"OPTIONS" {
        return echoes;
    }
    let (mut has_method, mut has_headers, mut has_private_network) = (false, false, false);
    for name in headers.keys() {
        has_method |= name == header::ACCESS_CONTROL_REQUEST_METHOD;
        has_headers |= name == header::ACCESS_CONTROL_REQUEST_HEADERS;
        has_private_network |= name == REQUEST_PRIVATE_NETWORK;
    }
    if has_method {
        for method in headers
            .get_all(header::ACCESS_CONTROL_REQUEST_METHOD)
            .iter()
            .take(2)
        {
            echoes.method.get_or_insert(method);
            request.set_request_method(method.as_bytes());
        }
    }
    if has_headers {
        // Looked up once. A few lines (browsers send one) are kept inline,
        // so that reading them again — the caps, the names, an echo —
        // does not look them up again; more are borrowed from the map and
        // read only for a preflight, at most one line over the cap.
        let lines = headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        if lines
            .iter()
            .nth(crate::MAX_BUILDER_REQUEST_HEADER_LINES)
            .is_none()
        {
            for line in lines {
                echoes.headers.get_or_insert(line);
                request.request_headers.push(line.as_bytes());
            }
        } else {
            echoes.headers = lines.iter().next();
            request.request_headers = Lines::Http(headers);
        }
    }
    if has_private_network && let Some(value) = headers.get(REQUEST_PRIVATE_NETWORK) {
        request.private_network = Some(value.as_bytes());
    }
    echoes
}

/// The request's own values an answer may echo: cloning them shares their
/// bytes.
#[derive(Clone, Copy, Default)]
pub(super) struct Echoes<'r> {
    pub(super) origin: Option<&'r HeaderValue>,
    pub(super) method: Option<&'r HeaderValue>,
    /// The first `Access-Control-Request-Headers` line.
    pub(super) headers: Option<&'r HeaderValue>,
    /// The request's headers, for the `Access-Control-Request-Headers`
    /// lines.
    pub(super) request: Option<&'r HeaderMap>,
}

impl<'r> Echoes<'r> {
    /// The echoes of a request read elsewhere: looked up in its headers.
    pub(super) fn of(headers: &'r HeaderMap) -> Self {
        Echoes {
            origin: headers.get(header::ORIGIN),
            method: headers.get(header::ACCESS_CONTROL_REQUEST_METHOD),
            headers: headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS),
            request: Some(headers),
        }
    }
}
