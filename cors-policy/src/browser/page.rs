//! What a page's script asks `fetch()` for: [`PageRequest`], its
//! [`CredentialsMode`] and [`Body`].

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
