//! Why the browser refused a response ([`BlockReason`]) and which
//! response it was ([`Stage`]).

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
    /// failed with the `net::ERR_…` code of
    /// [`chromium_message`](crate::browser::chromium_message)).
    pub fn is_cors_error(&self) -> bool {
        !matches!(
            self,
            BlockReason::MalformedResponse(_)
                | BlockReason::InvalidRedirect(_)
                | BlockReason::TooManyRedirects
        )
    }
}
