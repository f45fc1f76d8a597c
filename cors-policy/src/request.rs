//! The request as the engine sees it: borrowed raw header values.

use std::fmt;

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
/// server keeps them: the method, the path (its query string, if any, is
/// ignored) and the raw values of the CORS request headers.
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
    pub(crate) path: &'a [u8],
    pub(crate) origin: Option<&'a [u8]>,
    pub(crate) origin_duplicated: bool,
    pub(crate) request_method: Option<&'a [u8]>,
    pub(crate) request_method_duplicated: bool,
    pub(crate) request_headers: Lines<'a>,
    pub(crate) private_network: Option<&'a [u8]>,
}

/// The `Access-Control-Request-Headers` lines, kept inline (no allocation).
#[derive(Clone, Copy)]
pub(crate) struct Lines<'a> {
    lines: [&'a [u8]; MAX_REQUEST_HEADER_LINES],
    len: usize,
    /// More lines than fit were given.
    pub(crate) overflow: bool,
}

impl<'a> Lines<'a> {
    pub(crate) const EMPTY: Lines<'static> = Lines {
        lines: [&[]; MAX_REQUEST_HEADER_LINES],
        len: 0,
        overflow: false,
    };

    pub(crate) fn push(&mut self, line: &'a [u8]) {
        match self.lines.get_mut(self.len) {
            Some(slot) => {
                *slot = line;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }

    /// The lines given, in order.
    pub(crate) fn as_slice(&self) -> &[&'a [u8]] {
        self.lines.get(..self.len).unwrap_or(&[])
    }
}

impl<'a> Request<'a> {
    /// A request with this method (e.g. `"OPTIONS"`) and path (e.g.
    /// `"/api/users?page=2"`; everything from the first `?` on is ignored,
    /// nothing is percent-decoded).
    pub fn new<M, P>(method: &'a M, path: &'a P) -> Self
    where
        M: AsRef<[u8]> + ?Sized,
        P: AsRef<[u8]> + ?Sized,
    {
        Request {
            method: method.as_ref(),
            path: path.as_ref(),
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
    pub fn origin<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        if self.origin.is_some() {
            self.origin_duplicated = true;
        } else {
            self.origin = Some(value.as_ref());
        }
        self
    }

    /// The `Access-Control-Request-Method` header. Calling this a second time
    /// records a duplicated header, which denies a preflight.
    #[must_use]
    pub fn request_method<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        if self.request_method.is_some() {
            self.request_method_duplicated = true;
        } else {
            self.request_method = Some(value.as_ref());
        }
        self
    }

    /// One `Access-Control-Request-Headers` line. Call it again for each
    /// further line (proxies may split the list); at most
    /// [`MAX_REQUEST_HEADER_LINES`] lines are kept, more deny the preflight.
    ///
    /// The lines are read as one list (RFC 9110 §5.6.1): elements separated
    /// by commas, spaces and tabs around each ignored, empty elements ignored
    /// (they do not count as names), names compared case-insensitively, and
    /// every element an HTTP token, else the preflight is denied. A list with
    /// no name requests no header. When a credentialed `headers *` echoes the
    /// request, each line that holds a name is sent back as its own
    /// `access-control-allow-headers` line, trimmed.
    #[must_use]
    pub fn request_headers<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        self.request_headers.push(value.as_ref());
        self
    }

    /// Several `Access-Control-Request-Headers` lines at once, e.g.
    /// `headers.get_all("access-control-request-headers")`; the same as
    /// calling [`request_headers`](Self::request_headers) for each.
    #[must_use]
    pub fn request_header_lines<I, V>(mut self, lines: I) -> Self
    where
        I: IntoIterator<Item = &'a V>,
        V: AsRef<[u8]> + ?Sized + 'a,
    {
        for line in lines {
            self.request_headers.push(line.as_ref());
        }
        self
    }

    /// The `Access-Control-Request-Private-Network` header. Only the value
    /// `true` asks for private-network access; any other value is ignored.
    #[must_use]
    pub fn private_network<V: AsRef<[u8]> + ?Sized>(mut self, value: &'a V) -> Self {
        self.private_network = Some(value.as_ref());
        self
    }

    /// The request method.
    pub fn method(&self) -> &'a [u8] {
        self.method
    }

    /// The path as given (query string included).
    pub fn path(&self) -> &'a [u8] {
        self.path
    }

    /// The path without its query string: what policies' `paths` match.
    pub fn path_without_query(&self) -> &'a [u8] {
        match self.path.iter().position(|&b| b == b'?') {
            Some(at) => self.path.get(..at).unwrap_or(self.path),
            None => self.path,
        }
    }

    /// The (first) `Origin` header.
    pub fn origin_value(&self) -> Option<&'a [u8]> {
        self.origin
    }

    /// The (first) `Access-Control-Request-Method` header.
    pub fn request_method_value(&self) -> Option<&'a [u8]> {
        self.request_method
    }

    /// The `Access-Control-Request-Headers` lines kept, in order.
    pub fn request_headers_lines(&self) -> &[&'a [u8]] {
        self.request_headers.as_slice()
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
        struct ShownLines<'b, 'c>(&'c [&'b [u8]]);
        impl fmt::Debug for ShownLines<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|l| Shown(Some(l))))
                    .finish()
            }
        }
        f.debug_struct("Request")
            .field("method", &Shown(Some(self.method)))
            .field("path", &Shown(Some(self.path)))
            .field("origin", &Shown(self.origin))
            .field("origin_duplicated", &self.origin_duplicated)
            .field("request_method", &Shown(self.request_method))
            .field("request_method_duplicated", &self.request_method_duplicated)
            .field(
                "request_headers",
                &ShownLines(self.request_headers.as_slice()),
            )
            .field("request_headers_overflow", &self.request_headers.overflow)
            .field("private_network", &Shown(self.private_network))
            .finish()
    }
}
