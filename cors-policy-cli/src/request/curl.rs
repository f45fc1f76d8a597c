//! `--curl '…'`: a request as a browser's "Copy as cURL" writes it (bash or
//! cmd quoting), or as a developer types it.

use super::shell::{self, Dialect};
use super::{HttpRequest, parse_header_arg};

/// Options that change nothing about the request the server sees as far as
/// CORS goes, without a value.
const IGNORED_FLAGS: &[&str] = &[
    "--compressed",
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-k",
    "--insecure",
    "-L",
    "--location",
    "-v",
    "--verbose",
    "-i",
    "--include",
    "-g",
    "--globoff",
    "-N",
    "--no-buffer",
    "-f",
    "--fail",
    "--fail-with-body",
    "--http1.0",
    "--http1.1",
    "--http2",
    "--http2-prior-knowledge",
    "--http3",
    "--http3-only",
    "-#",
    "--progress-bar",
    "-O",
    "--remote-name",
    "--ipv4",
    "-4",
    "--ipv6",
    "-6",
    "--raw",
    "--tr-encoding",
    "--no-keepalive",
    "--path-as-is",
];

/// Options with a value that do not change what CORS looks at.
const IGNORED_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "--resolve",
    "--connect-to",
    "-x",
    "--proxy",
    "-w",
    "--write-out",
    "--cacert",
    "--capath",
    "-E",
    "--cert",
    "--key",
    "--retry",
    "--retry-delay",
    "--max-redirs",
    "-c",
    "--cookie-jar",
    "--limit-rate",
    "--interface",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
];

/// Options that send a body: POST unless `-X` says otherwise, and a
/// content type when none is given.
const DATA: &[&str] = &[
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-ascii",
    "--data-urlencode",
];

/// Parses `command` (starting with `curl`). The error names what was
/// expected.
pub(crate) fn parse(command: &str) -> Result<HttpRequest, String> {
    let dialect = shell::dialect_of(command);
    let words = shell::split(command, dialect).map_err(|e| {
        let shell = match dialect {
            Dialect::Posix => "bash",
            Dialect::Cmd => "cmd",
        };
        format!("`--curl`: {e} (read with {shell} quoting)")
    })?;
    let mut words = words.into_iter();
    match words.next() {
        Some(first) if first == "curl" || first.ends_with("/curl") || first == "curl.exe" => {}
        Some(first) => {
            return Err(format!(
                "`--curl` expects a curl command such as `curl 'https://api.example.com/x' -H 'Origin: …'`, not one starting with `{}`",
                first.escape_debug()
            ));
        }
        None => {
            return Err(
                "`--curl` is empty: paste a curl command (DevTools' \"Copy as cURL\")".into(),
            );
        }
    }
    let mut request = HttpRequest::empty();
    let mut url: Option<String> = None;
    let mut method: Option<String> = None;
    let mut body = false;
    let mut form = false;
    let mut json = false;
    let mut head = false;
    let mut get = false;
    while let Some(word) = words.next() {
        let (option, attached) = split_option(&word);
        let mut value = |name: &str| -> Result<String, String> {
            match &attached {
                Some(v) => Ok(v.clone()),
                None => words
                    .next()
                    .ok_or_else(|| format!("`--curl`: `{name}` needs a value")),
            }
        };
        match option.as_str() {
            "-X" | "--request" => method = Some(value(&option)?),
            "-H" | "--header" => {
                let header = value(&option)?;
                // `-H 'Name;'` is curl's way to send an empty header.
                let header = match header.strip_suffix(';') {
                    Some(name) if !name.contains(':') => format!("{name}:"),
                    _ => header,
                };
                let (name, value) = parse_header_arg(std::ffi::OsStr::new(&header))
                    .map_err(|e| format!("`--curl`: {e}"))?;
                request.headers.push((name, value));
            }
            "-b" | "--cookie" => {
                let cookie = value(&option)?;
                request.headers.push(("cookie".into(), cookie.into_bytes()));
            }
            "--url" => url = Some(value(&option)?),
            "-I" | "--head" => head = true,
            "-G" | "--get" => get = true,
            "--json" => {
                value(&option)?;
                body = true;
                json = true;
            }
            "-F" | "--form" | "--form-string" => {
                value(&option)?;
                body = true;
                form = true;
            }
            "-u" | "--user" => {
                value(&option)?;
                request
                    .headers
                    .push(("authorization".into(), b"Basic (from -u)".to_vec()));
            }
            o if DATA.contains(&o) => {
                value(&option)?;
                body = true;
            }
            o if IGNORED_FLAGS.contains(&o) => {}
            o if IGNORED_WITH_VALUE.contains(&o) => {
                value(&option)?;
            }
            o if o.starts_with('-') && o.len() > 1 => {
                return Err(format!(
                    "`--curl`: unknown curl option `{}`\n  expected the options DevTools writes (-X, -H, -b, --data-raw, --compressed …) and a URL",
                    o.escape_debug()
                ));
            }
            _ => {
                if let Some(first) = &url {
                    return Err(format!(
                        "`--curl`: two URLs, `{}` and `{}`; give one request",
                        first.escape_debug(),
                        word.escape_debug()
                    ));
                }
                url = Some(word);
            }
        }
    }
    let Some(url) = url else {
        return Err("`--curl`: the command has no URL".into());
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "`--curl`: `{}` is not an http or https URL",
            url.escape_debug()
        ));
    }
    let has = |request: &HttpRequest, name: &str| request.headers.iter().any(|(n, _)| n == name);
    if body && !get && !has(&request, "content-type") {
        let content_type: &[u8] = if json {
            b"application/json"
        } else if form {
            b"multipart/form-data"
        } else {
            b"application/x-www-form-urlencoded"
        };
        request
            .headers
            .push(("content-type".into(), content_type.to_vec()));
    }
    request.method = match method {
        Some(m) => m,
        None if head => "HEAD".into(),
        None if body && !get => "POST".into(),
        None => "GET".into(),
    };
    request.target = url;
    Ok(request)
}

/// `-XPUT` → (`-X`, `PUT`); `--request=PUT` → (`--request`, `PUT`).
fn split_option(word: &str) -> (String, Option<String>) {
    if let Some(long) = word.strip_prefix("--") {
        return match long.split_once('=') {
            Some((name, value)) => (format!("--{name}"), Some(value.to_owned())),
            None => (word.to_owned(), None),
        };
    }
    let mut chars = word.chars();
    if chars.next() == Some('-')
        && let Some(letter) = chars.next()
    {
        let rest = chars.as_str();
        if !rest.is_empty() && "XHbdFuoAemxwEc".contains(letter) {
            return (format!("-{letter}"), Some(rest.to_owned()));
        }
    }
    (word.to_owned(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<'a>(r: &'a HttpRequest, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    #[test]
    fn chrome_bash_copy_of_a_json_post() {
        let r = parse(
            "curl 'https://api.example.com/api/users?page=2' \\\n  -H 'accept: */*' \\\n  \
             -H 'content-type: application/json' \\\n  -H 'origin: http://localhost:5173' \\\n  \
             -b 'session=abc' \\\n  --data-raw '{\"name\":\"x\"}' \\\n  --compressed",
        )
        .unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, "https://api.example.com/api/users?page=2");
        assert_eq!(header(&r, "content-type"), Some("application/json"));
        assert_eq!(header(&r, "origin"), Some("http://localhost:5173"));
        assert_eq!(header(&r, "cookie"), Some("session=abc"));
    }

    #[test]
    fn methods_bodies_and_attached_values() {
        assert_eq!(
            parse("curl -XDELETE https://a.example/x").unwrap().method,
            "DELETE"
        );
        assert_eq!(
            parse("curl --request=PATCH https://a.example/x")
                .unwrap()
                .method,
            "PATCH"
        );
        let r = parse("curl https://a.example/x -d a=1").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            header(&r, "content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(parse("curl -I https://a.example/").unwrap().method, "HEAD");
        assert_eq!(
            parse("curl -G -d q=1 https://a.example/").unwrap().method,
            "GET"
        );
        let r = parse("curl --json '{}' https://a.example/").unwrap();
        assert_eq!(header(&r, "content-type"), Some("application/json"));
        let r = parse("curl -X PUT -F f=@x https://a.example/").unwrap();
        assert_eq!(
            (r.method.as_str(), header(&r, "content-type")),
            ("PUT", Some("multipart/form-data"))
        );
        let r = parse("curl -H 'X-Empty;' --cookie a=b https://a.example/").unwrap();
        assert_eq!(header(&r, "x-empty"), Some(""));
        assert_eq!(header(&r, "cookie"), Some("a=b"));
    }

    #[test]
    fn chrome_cmd_copy() {
        let r = parse(
            "curl ^\"https://api.example.com/v1^\" ^\n  -X ^\"PUT^\" ^\n  -H ^\"origin: https://app.example.com^\" ^\n  \
             --data-raw ^\"^{^\\^\"a^\\^\":1^}^\" ^\n  --compressed",
        )
        .unwrap();
        assert_eq!(r.method, "PUT");
        assert_eq!(r.target, "https://api.example.com/v1");
        assert_eq!(header(&r, "origin"), Some("https://app.example.com"));
    }

    #[test]
    fn garbled_input_says_what_was_expected() {
        let err = parse("wget https://a.example").unwrap_err();
        assert!(err.contains("expects a curl command"), "{err}");
        assert!(parse("").unwrap_err().contains("empty"));
        assert!(parse("curl -H").unwrap_err().contains("`-H` needs a value"));
        assert!(parse("curl -H 'Origin: a'").unwrap_err().contains("no URL"));
        let err = parse("curl --frobnicate https://a.example").unwrap_err();
        assert!(err.contains("unknown curl option `--frobnicate`"), "{err}");
        assert!(
            parse("curl 'https://a.example")
                .unwrap_err()
                .contains("not closed")
        );
        assert!(
            parse("curl ftp://a.example")
                .unwrap_err()
                .contains("not an http")
        );
        assert!(
            parse("curl https://a.example https://b.example")
                .unwrap_err()
                .contains("two URLs")
        );
        assert!(parse("curl -H 'bad name: x' https://a.example").is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Any command line gives a request or an error naming what was
        /// expected, never a panic, in either quoting.
        #[test]
        fn any_command_is_read_or_refused(words in proptest::collection::vec("[ -~\\n^]{0,12}", 0..8)) {
            let command = format!("curl {}", words.join(" "));
            match super::parse(&command) {
                Ok(r) => prop_assert!(r.target.starts_with("http")),
                Err(e) => prop_assert!(e.starts_with("`--curl`")),
            }
        }
    }
}
