//! The request as the command understood it ([`HttpRequest`]): its method,
//! target and header lines, and what it says about its URL. Reading it from
//! the input is the other `request` modules' job.

use super::console;
use crate::origin;

/// A request as the command understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpRequest {
    /// The method, exactly as given (methods are case-sensitive).
    pub(crate) method: String,
    /// The request target as given (may carry a query, or be a whole URL).
    pub(crate) target: String,
    /// Header lines in order: lowercase name, value bytes trimmed of
    /// surrounding spaces and tabs.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// Lines of a raw request that were skipped, for a note.
    pub(crate) skipped: Vec<String>,
    /// The page's credentials mode when the input says it (`include` from a
    /// console message about credentials); `None`: not said.
    pub(crate) credentials: Option<bool>,
    /// The console message the request was read from.
    pub(crate) console: Option<console::Message>,
}

impl HttpRequest {
    /// No method, the target `/`, no headers.
    pub(crate) fn empty() -> HttpRequest {
        HttpRequest {
            method: String::new(),
            target: "/".into(),
            headers: Vec::new(),
            skipped: Vec::new(),
            credentials: None,
            console: None,
        }
    }

    /// The path the engine matches: [`cors_policy::target_path`] of the
    /// target (no query string, no fragment; for a whole URL, its path), so
    /// that what the command shows is what the engine matched.
    pub(crate) fn path(&self) -> &str {
        let path = cors_policy::target_path(self.target.as_bytes());
        // Cut at ASCII bytes of a `str`, so always UTF-8.
        std::str::from_utf8(path).unwrap_or_default()
    }

    /// The request URL as far as it is known, for the browser's messages.
    pub(crate) fn url(&self) -> String {
        // A whole URL only when the target does not start with `/`: a query
        // may hold `://` (`/login?next=https://…`).
        if !self.target.starts_with('/') && self.target.contains("://") {
            return self.target.clone();
        }
        let host = self
            .header_str(":authority")
            .or_else(|| self.header_str("host"));
        match host {
            Some(host) => {
                let scheme = self
                    .header_str(":scheme")
                    .unwrap_or_else(|| origin::default_scheme(&host).to_owned());
                format!("{scheme}://{host}{}", self.target)
            }
            None => format!("…{}", self.target),
        }
    }

    /// Every value of header `name` (lowercase), in order.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of `name` as text, when it is UTF-8.
    pub(crate) fn header_str(&self, name: &str) -> Option<String> {
        self.values(name)
            .next()
            .and_then(|v| std::str::from_utf8(v).ok())
            .map(str::to_owned)
    }
}
