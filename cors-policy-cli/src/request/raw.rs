//! `--raw FILE`: a whole HTTP request as copied from a browser's network
//! panel (an HTTP/1 request line or HTTP/2 pseudo headers, then headers).

use cors_policy::browser::fields::trim_tab_or_space as trim;
use cors_policy_grammar::fetch::is_token;

use super::http::HttpRequest;

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
    if parts.next().is_some() || !is_token(method.as_bytes()) {
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
    if !is_token(name) {
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
