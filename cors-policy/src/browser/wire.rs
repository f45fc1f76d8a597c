//! What goes over the wire: [`HttpRequest`] as it reaches the server and
//! [`HttpResponse`] as the server sends it.

use super::fields;

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
#[non_exhaustive]
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
