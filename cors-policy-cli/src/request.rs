//! The request `eval` and `explain` answer: from `--method`, `--path`/`--url`,
//! `--origin` and `-H`, from a raw HTTP request (`--raw`), a pasted curl
//! command (`--curl`) or console message (`--console`), or a mix.

pub(crate) mod console;
pub(crate) mod curl;
pub(crate) mod shell;

use std::ffi::OsStr;

use cors_policy_grammar::fetch::is_tchar;

use crate::cli::RequestArgs;
use crate::input;

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
                    .unwrap_or_else(|| default_scheme(&host));
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

fn default_scheme(host: &str) -> String {
    let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
        "http".into()
    } else {
        "https".into()
    }
}

/// Builds the request from the arguments: the base (`--raw`, `--curl` or
/// `--console`), then `--url`/`--path`, `--method`, `--origin` and `-H` on
/// top; the method is `GET` when nothing says otherwise. The error is a
/// usage message.
pub(crate) fn from_args(args: &RequestArgs) -> Result<HttpRequest, String> {
    let mut request = if let Some(raw) = &args.raw {
        if input::is_stdin(raw) && input::is_stdin(&args.file) {
            return Err("the policy file and `--raw` cannot both be standard input".into());
        }
        let source = input::read(raw)?;
        parse_raw(&source.bytes)
            .map_err(|e| format!("in the raw request `{}`: {e}", source.name))?
    } else if let Some(command) = &args.curl {
        curl::parse(command)?
    } else if let Some(pasted) = &args.console {
        let message = console::parse(pasted)?;
        let mut request = message.request();
        request.console = Some(message);
        request
    } else {
        HttpRequest::empty()
    };
    if let Some(url) = &args.url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "`--url {}` is not an http or https URL\n  expected a URL such as `https://api.example.com/api/users`",
                url.escape_debug()
            ));
        }
        request.target = url.clone();
    }
    if let Some(method) = &args.method {
        request.method = method.clone();
    }
    if let Some(path) = &args.path {
        request.target = path.clone();
    }
    if let Some(origin) = &args.origin {
        request.headers.retain(|(name, _)| name != "origin");
        request
            .headers
            .push(parse_header_arg(OsStr::new(&format!("Origin: {origin}")))?);
    }
    for header in &args.headers {
        request.headers.push(parse_header_arg(header)?);
    }
    if request.method.is_empty() {
        request.method = "GET".into();
    }
    if request.console.as_ref().is_some_and(|m| m.origin.is_none())
        && !request.headers.iter().any(|(n, _)| n == "origin")
    {
        return Err(
            "`--console`: Firefox's message does not name the page's origin\n  add `--origin ORIGIN` (the page's scheme://host[:port])".into(),
        );
    }
    Ok(request)
}

/// `-H 'Name: value'`: the name lowercased, the value trimmed of spaces and
/// tabs as an HTTP parser does, its bytes otherwise kept as given (a CR or a
/// non-UTF-8 byte reaches the engine, which must refuse to echo it).
pub(crate) fn parse_header_arg(arg: &OsStr) -> Result<(String, Vec<u8>), String> {
    let bytes = os_bytes(arg);
    let shown = String::from_utf8_lossy(&bytes).into_owned();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return Err(format!("`-H {shown}` is not a header: write `Name: value`"));
    };
    let (name, value) = bytes.split_at(colon);
    let name = trim(name);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return Err(format!(
            "`-H {shown}`: `{}` is not a header name; write `Name: value`",
            String::from_utf8_lossy(name)
        ));
    }
    let value = trim(value.get(1..).unwrap_or(&[]));
    Ok((
        String::from_utf8_lossy(name).to_ascii_lowercase(),
        value.to_vec(),
    ))
}

#[cfg(unix)]
fn os_bytes(arg: &OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    arg.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(arg: &OsStr) -> Vec<u8> {
    arg.to_string_lossy().into_owned().into_bytes()
}

/// `bytes` without surrounding spaces and tabs, as an HTTP parser delivers a value.
pub(crate) fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != b'\t')
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or(&[])
}

/// Parses a raw request as copied from a browser's network panel: an
/// HTTP/1 request line (`OPTIONS /api/x HTTP/1.1`) or HTTP/2 pseudo headers
/// (`:method: OPTIONS`, `:path: /api/x`), then headers up to a blank line;
/// `\r\n` or `\n` line ends; the body, if any, is ignored.
pub(crate) fn parse_raw(bytes: &[u8]) -> Result<HttpRequest, String> {
    let mut request = HttpRequest::empty();
    request.target = String::new();
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let mut seen_content = false;
    for line in lines.by_ref() {
        if trim(line).is_empty() {
            if seen_content {
                break; // end of the headers; what follows is the body
            }
            continue;
        }
        let first_time = !seen_content;
        seen_content = true;
        if first_time
            && !line.starts_with(b":")
            && let Some((method, target)) = request_line(line)
        {
            request.method = method;
            request.target = target;
            continue;
        }
        if (line.starts_with(b" ") || line.starts_with(b"\t")) && !request.headers.is_empty() {
            // Obsolete line folding: a continuation of the previous value.
            if let Some((_, value)) = request.headers.last_mut() {
                value.push(b' ');
                value.extend_from_slice(trim(line));
            }
            continue;
        }
        match header_line(line) {
            Some((name, value)) => match name.as_str() {
                ":method" => request.method = String::from_utf8_lossy(&value).into_owned(),
                ":path" => request.target = String::from_utf8_lossy(&value).into_owned(),
                _ => request.headers.push((name, value)),
            },
            None => request
                .skipped
                .push(String::from_utf8_lossy(line).into_owned()),
        }
    }
    if request.method.is_empty() {
        return Err("no request line (`OPTIONS /path HTTP/1.1`) and no `:method` header".into());
    }
    if request.target.is_empty() {
        request.target = "/".into();
    }
    Ok(request)
}

/// `METHOD SP TARGET [SP HTTP/x]`.
fn request_line(line: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let version = parts.next();
    if parts.next().is_some() || !method.bytes().all(is_tchar) {
        return None;
    }
    if version.is_some_and(|v| !v.starts_with("HTTP/")) {
        return None;
    }
    if !(target.starts_with('/') || target.contains("://") || target == "*") {
        return None;
    }
    Some((method.to_owned(), target.to_owned()))
}

/// `name: value`, including HTTP/2 pseudo headers (`:path: /x`).
fn header_line(line: &[u8]) -> Option<(String, Vec<u8>)> {
    let (prefix, rest) = match line.strip_prefix(b":") {
        Some(rest) => (":", rest),
        None => ("", line),
    };
    let colon = rest.iter().position(|&b| b == b':')?;
    let (name, value) = rest.split_at(colon);
    let name = trim(name);
    if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
        return None;
    }
    let name = format!(
        "{prefix}{}",
        String::from_utf8_lossy(name).to_ascii_lowercase()
    );
    Some((name, trim(value.get(1..).unwrap_or(&[])).to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_args_are_trimmed_and_lowercased() {
        let (name, value) = parse_header_arg(OsStr::new("Origin: \t https://a.com \t")).unwrap();
        assert_eq!(name, "origin");
        assert_eq!(value, b"https://a.com");
        let (name, value) = parse_header_arg(OsStr::new("X-Empty:")).unwrap();
        assert_eq!((name.as_str(), value.as_slice()), ("x-empty", &b""[..]));
        // a CR inside the value is kept for the engine to refuse
        let (_, value) = parse_header_arg(OsStr::new("Origin: https://a.com\r")).unwrap();
        assert_eq!(value, b"https://a.com\r");
        assert!(parse_header_arg(OsStr::new("no colon here")).is_err());
        assert!(parse_header_arg(OsStr::new(": value")).is_err());
        assert!(parse_header_arg(OsStr::new("bad name: value")).is_err());
    }

    #[test]
    fn raw_http1_request_with_crlf_and_body() {
        let raw = b"OPTIONS /api/users?x=1 HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://app.example.com\r\n\
Access-Control-Request-Method: PUT\r\n\r\n{\"body\": \"ignored: yes\"}\r\n";
        let r = parse_raw(raw).unwrap();
        assert_eq!(r.method, "OPTIONS");
        assert_eq!(r.path(), "/api/users");
        assert_eq!(r.url(), "https://api.example.com/api/users?x=1");
        assert_eq!(r.headers.len(), 3);
        assert_eq!(
            r.values("access-control-request-method").next(),
            Some(&b"PUT"[..])
        );
        assert!(r.skipped.is_empty());
    }

    #[test]
    fn raw_http2_pseudo_headers_as_chrome_copies_them() {
        let raw = b":authority: api.example.com\n:method: OPTIONS\n:path: /api/users\n:scheme: https\n\
accept: */*\naccess-control-request-headers: content-type,x-api-key\norigin: http://localhost:5173\n";
        let r = parse_raw(raw).unwrap();
        assert_eq!(r.method, "OPTIONS");
        assert_eq!(r.path(), "/api/users");
        assert_eq!(r.url(), "https://api.example.com/api/users");
        assert_eq!(
            r.values("origin").next(),
            Some(&b"http://localhost:5173"[..])
        );
    }

    #[test]
    fn raw_request_folding_skips_and_missing_method() {
        let raw = b"\n\nGET / HTTP/2\nX-Long: a\n  b\nProvisional headers are shown\n";
        let r = parse_raw(raw).unwrap();
        assert_eq!(r.values("x-long").next(), Some(&b"a b"[..]));
        assert_eq!(r.skipped, vec!["Provisional headers are shown".to_owned()]);
        assert!(parse_raw(b"Origin: https://a.com\n").is_err());
        assert!(parse_raw(b"").is_err());
        assert!(parse_raw(&[0xff, 0xfe, b'\n']).is_err());
    }

    #[test]
    fn paths_lose_query_and_authority() {
        let mut r = parse_raw(b"GET /a/b?c#d HTTP/1.1\n").unwrap();
        assert_eq!(r.path(), "/a/b");
        r.target = "https://api.example.com".into();
        assert_eq!(r.path(), "/");
        r.target = "https://api.example.com/x?y".into();
        assert_eq!(r.path(), "/x");
        assert_eq!(r.url(), "https://api.example.com/x?y");
        r.target = "/p".into();
        assert_eq!(r.url(), "…/p");
    }
}
