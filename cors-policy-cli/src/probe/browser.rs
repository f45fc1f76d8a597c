//! What a browser does with an answer: reads it, or blocks it with
//! Chromium's console message. The one place `probe` asks a browser model.

use super::matrix::Probe;

/// A browser's verdict on one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The page's script gets the response (or, for a preflight, the browser
    /// goes on to send the request).
    Reads,
    /// The browser refuses it; Chromium's console line.
    Blocked(String),
}

/// What a browser does with `headers` (names lowercase, values as received)
/// and `status`, the answer to `probe` sent to `url`; `include` is the
/// page's credentials mode (`credentials: 'include'`).
pub(crate) fn verdict(
    probe: &Probe,
    url: &str,
    include: bool,
    status: u16,
    headers: &[(String, Vec<u8>)],
) -> Verdict {
    let Some(origin) = &probe.origin else {
        return Verdict::Reads;
    };
    let blocked = |why: String, preflight_prefix: bool| {
        let prefix = if preflight_prefix && probe.is_preflight() {
            "Response to preflight request doesn't pass access control check: "
        } else {
            ""
        };
        Verdict::Blocked(format!(
            "Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: \
             {prefix}{why}"
        ))
    };
    let get = |name: &str| -> Option<Vec<u8>> {
        let mut values = headers.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
        let first = values.next()?.clone();
        Some(values.fold(first, |mut acc, v| {
            acc.extend_from_slice(b", ");
            acc.extend_from_slice(v);
            acc
        }))
    };
    const SEND: &str = " Have the server send the header with a valid value.";
    match get("access-control-allow-origin") {
        None => {
            return blocked(
                "No 'Access-Control-Allow-Origin' header is present on the requested resource."
                    .to_owned(),
                true,
            );
        }
        Some(v) if v == b"*" => {
            if include {
                return blocked(
                    "The value of the 'Access-Control-Allow-Origin' header in the response must \
                     not be the wildcard '*' when the request's credentials mode is 'include'."
                        .to_owned(),
                    true,
                );
            }
        }
        Some(v) if v == origin.as_bytes() => {}
        Some(v) => {
            let shown = hint(&v);
            let why = if v.iter().any(|&b| b == b' ' || b == b',') {
                format!(
                    "The 'Access-Control-Allow-Origin' header contains multiple values \
                     '{shown}', but only one is allowed.{SEND}"
                )
            } else {
                format!(
                    "The 'Access-Control-Allow-Origin' header has a value '{shown}' that is not \
                     equal to the supplied origin.{SEND}"
                )
            };
            return blocked(why, true);
        }
    }
    if include && get("access-control-allow-origin").as_deref() != Some(b"*") {
        let credentials = get("access-control-allow-credentials").unwrap_or_default();
        if credentials != b"true" {
            return blocked(
                format!(
                    "The value of the 'Access-Control-Allow-Credentials' header in the response \
                     is '{}' which must be 'true' when the request's credentials mode is \
                     'include'.",
                    hint(&credentials)
                ),
                true,
            );
        }
    }
    if !probe.is_preflight() {
        return Verdict::Reads;
    }
    if !(200..=299).contains(&status) {
        return blocked("It does not have HTTP ok status.".to_owned(), true);
    }
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| {
                String::from_utf8_lossy(&v)
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    };
    let methods = list("access-control-allow-methods");
    let method = probe.request_method.as_deref().unwrap_or("GET");
    let method_ok = matches!(method, "GET" | "HEAD" | "POST")
        || methods.iter().any(|m| m == method)
        || (!include && methods.iter().any(|m| m == "*"));
    if !method_ok {
        return blocked(
            format!(
                "Method {method} is not allowed by Access-Control-Allow-Methods in preflight \
                 response."
            ),
            false,
        );
    }
    let allowed = list("access-control-allow-headers");
    let wildcard = !include && allowed.iter().any(|h| h == "*");
    let requested = probe.request_headers.as_deref().unwrap_or_default();
    for name in requested
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let listed = allowed.iter().any(|h| h.eq_ignore_ascii_case(name));
        if !listed && !wildcard {
            return blocked(
                format!(
                    "Request header field {name} is not allowed by Access-Control-Allow-Headers \
                     in preflight response."
                ),
                false,
            );
        }
    }
    Verdict::Reads
}

/// Chromium's `EncodeHint`: printable ASCII as is, any other byte `\uXXXX`.
fn hint(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                char::from(b).to_string()
            } else {
                format!("\\u{b:04X}")
            }
        })
        .collect()
}
