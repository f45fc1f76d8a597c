//! The request as the engine sees it: borrowed raw header values.

mod lines;

use std::fmt;

pub(crate) use lines::Lines;
pub use lines::MAX_BUILDER_REQUEST_HEADER_LINES;

/// The most `Access-Control-Request-Headers` lines a request may carry (as
/// many as [`MAX_REQUEST_HEADER_NAMES`], so that one name a line always
/// fits); a request with more is a denied preflight ([`Reason::RequestHeadersTooLarge`](crate::Reason::RequestHeadersTooLarge)).
pub const MAX_REQUEST_HEADER_LINES: usize = 64;

/// The most bytes `Access-Control-Request-Headers` may carry, all lines
/// together (8 KiB). Over it the preflight is denied without reading the list.
pub const MAX_REQUEST_HEADERS_LEN: usize = 8 * 1024;

/// The most header names `Access-Control-Request-Headers` may list, all lines
/// together; empty elements do not count. Over it the preflight is denied at
/// the first name too many.
pub const MAX_REQUEST_HEADER_NAMES: usize = 64;

/// The CORS-relevant parts of one HTTP request, borrowed from wherever the
/// server keeps them: the method, the path (taken from the request target by
/// [`target_path`]: its query string and fragment, if any, are ignored) and
/// the raw values of the CORS request headers.
///
/// Values are given as HTTP delivers them (without surrounding spaces or
/// tabs); the engine does no decoding. Build one with [`Request::new`] and the
/// builder methods; every method takes anything that is `AsRef<[u8]>`
/// (`&str`, `&[u8]`, `http::HeaderValue`, …).
///
/// ```
/// use cors_policy::Request;
///
/// let request = Request::new("OPTIONS", "/api/users?page=2")
///     .origin("https://app.example.com")
///     .request_method("PUT")
///     .request_headers("content-type, x-request-id");
/// # let _ = request;
/// ```
#[derive(Clone, Copy)]
pub struct Request<'a> {
    pub(crate) method: &'a [u8],
    /// The request target as given. Its path ([`target_path`]) is cut
    /// when asked for, not when the request is built: the engine matches
    /// the usual `paths` on the target itself (see
    /// `compile::paths::PathMatcher::find`).
    pub(crate) target: &'a [u8],
    pub(crate) origin: Option<&'a [u8]>,
    pub(crate) origin_duplicated: bool,
    pub(crate) request_method: Option<&'a [u8]>,
    pub(crate) request_method_duplicated: bool,
    pub(crate) request_headers: Lines<'a>,
    pub(crate) private_network: Option<&'a [u8]>,
}

/// What [`Request::request_header_lines`] takes: a slice of `&[u8]`, `&str`
/// or `Vec<u8>` lines (sealed).
pub trait HeaderLine: sealed::Sealed + Sized {}

/// Keeps the first value of a header that may come only once; a second
/// one marks it `duplicated` (and is not kept).
#[inline]
fn once<'a>(slot: &mut Option<&'a [u8]>, duplicated: &mut bool, value: &'a [u8]) {
    if slot.is_some() {
        *duplicated = true;
    } else {
        *slot = Some(value);
    }
}

#[expect(
    private_interfaces,
    reason = "sealed: the trait can be neither named nor implemented outside the crate"
)]
mod sealed;

impl HeaderLine for &[u8] {}
impl HeaderLine for &str {}
impl HeaderLine for Vec<u8> {}

impl<'a> Request<'a> {
    /// A request with this method (e.g. `"OPTIONS"`) and request target
    /// (e.g. `"/api/users?page=2"`): its path is [`target_path`] of it —
    /// everything from the first `?` or `#` on is ignored, an absolute-form
    /// target gives the path after its authority, nothing is percent-decoded
    /// or normalized.
    #[inline]
    pub fn new<M, P>(method: &'a M, target: &'a P) -> Self
    where
        M: AsRef<[u8]> + ?Sized,
        P: AsRef<[u8]> + ?Sized,
    {
        let target = target.as_ref();
        Request {
            method: method.as_ref(),
            target,
            origin: None,
            origin_duplicated: false,
            request_method: None,
            request_method_duplicated: false,
            request_headers: Lines::EMPTY,
            private_network: None,
        }
    }

    /// The `Origin` header. Calling this a second time records a duplicated
    /// `Origin` header, which is never allowed.
    #[must_use]
    #[inline]
    pub fn origin<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        self.set_origin(value.as_ref());
        self
    }

    /// [`origin`](Self::origin), in place.
    #[inline]
    pub(crate) fn set_origin(&mut self, value: &'a [u8]) {
        once(&mut self.origin, &mut self.origin_duplicated, value);
    }

    /// The `Access-Control-Request-Method` header. Calling this a second time
    /// records a duplicated header, which denies a preflight.
    #[must_use]
    #[inline]
    pub fn request_method<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        self.set_request_method(value.as_ref());
        self
    }

    /// [`request_method`](Self::request_method), in place.
    #[inline]
    pub(crate) fn set_request_method(&mut self, value: &'a [u8]) {
        once(
            &mut self.request_method,
            &mut self.request_method_duplicated,
            value,
        );
    }

    /// One `Access-Control-Request-Headers` line. Call it again for each
    /// further line (proxies may split the list); at most
    /// [`MAX_BUILDER_REQUEST_HEADER_LINES`] lines are kept this way, and more
    /// deny the preflight: give more lines at once with
    /// [`request_header_lines`](Self::request_header_lines).
    ///
    /// The lines are read as one list (RFC 9110 §5.6.1): elements separated
    /// by commas, spaces and tabs around each ignored, empty elements ignored
    /// (they do not count as names), names compared case-insensitively, and
    /// every element an HTTP token, else the preflight is denied. A list with
    /// no name requests no header. When a credentialed `headers *` echoes the
    /// request, each line that holds a name is sent back as its own
    /// `access-control-allow-headers` line, trimmed.
    #[must_use]
    #[inline]
    pub fn request_headers<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        self.request_headers.push(value.as_ref());
        self
    }

    /// Every `Access-Control-Request-Headers` line at once, borrowed (a slice
    /// of `&[u8]`, `&str` or `Vec<u8>`); read like lines given one by one
    /// with [`request_headers`](Self::request_headers), up to
    /// [`MAX_REQUEST_HEADER_LINES`] lines (more deny the preflight). Use it
    /// alone: given after any other line, or twice, with more lines in all
    /// than [`MAX_BUILDER_REQUEST_HEADER_LINES`], the preflight is denied.
    #[must_use]
    #[inline]
    pub fn request_header_lines<L: HeaderLine>(mut self, lines: &'a [L]) -> Self {
        let lines = sealed::Sealed::lines(lines);
        if self.request_headers.is_empty() {
            self.request_headers = lines;
        } else {
            self.request_headers.append(lines);
        }
        self
    }

    /// The `Access-Control-Request-Private-Network` header. Only the value
    /// `true` asks for private-network access; any other value is ignored.
    #[must_use]
    #[inline]
    pub fn private_network<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        self.private_network = Some(value.as_ref());
        self
    }

    /// The request method.
    pub fn method(&self) -> &'a [u8] {
        self.method
    }

    /// The path policies' `paths` match: [`target_path`] of the target
    /// (no query string, no fragment).
    pub fn path(&self) -> &'a [u8] {
        target_path(self.target)
    }

    /// The same as [`path`](Self::path), kept for callers of earlier
    /// versions.
    pub fn path_without_query(&self) -> &'a [u8] {
        self.path()
    }

    /// The request target as given to [`Request::new`] (query string
    /// included).
    pub fn target(&self) -> &'a [u8] {
        self.target
    }

    /// The (first) `Origin` header.
    pub fn origin_value(&self) -> Option<&'a [u8]> {
        self.origin
    }

    /// The (first) `Access-Control-Request-Method` header.
    pub fn request_method_value(&self) -> Option<&'a [u8]> {
        self.request_method
    }

    /// The `Access-Control-Request-Headers` lines given, in order (none
    /// when more were given than kept).
    pub fn request_headers_lines(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        self.request_headers.iter()
    }

    /// The `Access-Control-Request-Private-Network` header.
    pub fn private_network_value(&self) -> Option<&'a [u8]> {
        self.private_network
    }

    /// Whether this is a preflight: `OPTIONS` with `Origin` and
    /// `Access-Control-Request-Method`.
    pub fn is_preflight(&self) -> bool {
        self.method == b"OPTIONS" && self.origin.is_some() && self.request_method.is_some()
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::reason::Escaped;
        struct Shown<'b>(Option<&'b [u8]>);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(v) => write!(f, "\"{}\"", Escaped(v)),
                    None => f.write_str("None"),
                }
            }
        }
        struct ShownLines<'b, 'c>(&'c Lines<'b>);
        impl fmt::Debug for ShownLines<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|l| Shown(Some(l))))
                    .finish()
            }
        }
        f.debug_struct("Request")
            .field("method", &Shown(Some(self.method)))
            .field("target", &Shown(Some(self.target)))
            .field("path", &Shown(Some(self.path())))
            .field("origin", &Shown(self.origin))
            .field("origin_duplicated", &self.origin_duplicated)
            .field("request_method", &Shown(self.request_method))
            .field("request_method_duplicated", &self.request_method_duplicated)
            .field("request_headers", &ShownLines(&self.request_headers))
            .field("request_headers_overflow", &self.request_headers.too_many())
            .field("private_network", &Shown(self.private_network))
            .finish()
    }
}

/// The path of an HTTP request target, as RFC 9112 §3.2 defines it: what
/// every policy's `paths` are matched against, and the one place the engine
/// (through [`Request::new`]), its `http`/`tower` adapters, the reference
/// interpreter and the command line take a path from a target.
///
/// - origin-form (`/api/me?next=https://x.example/static/a.js`): the path
///   ends at the first `?` or `#`; nothing in the query or the fragment ever
///   matters, whatever it holds (a URL, a `/`, another `?`);
/// - absolute-form (`https://api.example.com/api/me?x`, what a proxy is
///   sent): the path after the authority, `/` when it is empty (RFC 9112
///   §3.2.1: a client sends `/` for an empty path); a target is
///   absolute-form only when it starts with a scheme and `:` — a target that
///   starts with `/` is always origin-form, so `//evil.example/x` is a path;
/// - anything else (`*` of `OPTIONS *`, an empty target) is kept up to its
///   first `?` or `#`.
///
/// The path is the path **as received**: nothing is percent-decoded
/// (`/api%2Fme` is not `/api/me`), `//` is not collapsed and dot segments
/// (`/a/../b`) are not resolved. Browsers resolve dot segments, `%2e`
/// spellings included, before they send a request, and never collapse `//`
/// or decode `%2F`; a server that rewrites the path before routing must give
/// the engine the same path it routes on.
///
/// ```
/// use cors_policy::target_path;
///
/// assert_eq!(target_path(b"/api/me?next=https://x.example/static/a.js"), b"/api/me");
/// assert_eq!(target_path(b"/a#/static/b"), b"/a");
/// assert_eq!(target_path(b"https://api.example.com/x?y"), b"/x");
/// assert_eq!(target_path(b"https://api.example.com?y"), b"/");
/// assert_eq!(target_path(b"//x.example/a/../b"), b"//x.example/a/../b");
/// ```
pub fn target_path(target: &[u8]) -> &[u8] {
    let (path, absolute) = match absolute_form_rest(target) {
        // The authority runs to the first `/`, `?` or `#`.
        Some(rest) => match rest.strip_prefix(b"//") {
            Some(authority) => {
                let end = authority
                    .iter()
                    .position(|&b| matches!(b, b'/' | b'?' | b'#'))
                    .unwrap_or(authority.len());
                (authority.get(end..).unwrap_or_default(), true)
            }
            None => (rest, true),
        },
        None => (target, false),
    };
    let path = path.get(..query_start(path)).unwrap_or(path);
    if absolute && path.is_empty() {
        b"/"
    } else {
        path
    }
}

/// The index of the first `?` or `#` of `bytes`, or its length (the scan
/// is most of what cutting a path costs).
#[inline]
fn query_start(bytes: &[u8]) -> usize {
    crate::swar::find_either(bytes, b'?', b'#')
}

/// For an absolute-form target (`scheme ":" …`, the scheme a letter then
/// letters, digits, `+`, `-` or `.`), what follows the `:`.
fn absolute_form_rest(target: &[u8]) -> Option<&[u8]> {
    if !target.first()?.is_ascii_alphabetic() {
        return None;
    }
    let colon = target
        .iter()
        .position(|&b| !crate::grammar::fetch::is_scheme_byte(b))?;
    match target.get(colon) {
        Some(b':') => target.get(colon + 1..),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
