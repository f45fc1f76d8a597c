//! Methods and header names: HTTP tokens, and what Fetch forbids or safelists.

use crate::fetch::is_tchar;

/// RFC 9110 `token`: one or more `tchar`.
pub(crate) fn is_token(s: &str) -> bool {
    crate::fetch::is_token(s.as_bytes())
}

/// Why `name` is not a token, in words, and a fix when an obvious one exists.
pub(crate) fn token_problem(name: &str) -> (String, Option<String>) {
    let Some(bad) = name.chars().find(|c| !c.is_ascii() || !is_tchar(*c as u8)) else {
        return ("it is empty".to_owned(), None);
    };
    let what = match bad {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() => "a control character".to_owned(),
        c => format!("`{c}`"),
    };
    let fixed: String = name
        .trim()
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    let fix = is_token(&fixed).then_some(fixed);
    (format!("it contains {what}"), fix)
}

/// The help line for a name that is not a token.
pub(crate) const TOKEN_HELP: &str =
    "use only letters, digits and `!#$%&'*+-.^_|~` (no spaces, quotes, commas or other separators)";

/// Methods no browser lets a script send (Fetch's forbidden methods).
pub(crate) fn is_forbidden_method(method: &str) -> bool {
    crate::fetch::is_forbidden_method(method.as_bytes())
}

/// Why a request header (lowercase) can never appear in a preflight's
/// `Access-Control-Request-Headers`: the message tail and the help line.
pub(crate) fn forbidden_request_header(name: &str) -> Option<(String, String)> {
    if name.starts_with("access-control-") {
        return Some((
            format!("`{name}` is a CORS protocol header, not one a script sends"),
            "remove it: the browser sends `access-control-request-*` itself, and the policy answers with `access-control-allow-*`".to_owned(),
        ));
    }
    let prefix = crate::fetch::FORBIDDEN_REQUEST_HEADER_PREFIXES
        .into_iter()
        .find(|p| name.starts_with(p));
    if let Some(prefix) = prefix {
        return Some((
            format!(
                "`{name}` is a forbidden request header: only the browser sets `{prefix}*` headers"
            ),
            "remove it: a script cannot set it, so no preflight ever asks for it".to_owned(),
        ));
    }
    if crate::fetch::FORBIDDEN_REQUEST_HEADER_NAMES.contains(&name) {
        let help = if name == "cookie" || name == "cookie2" {
            "remove it; to let the browser send cookies, add `credentials`".to_owned()
        } else {
            "remove it: a script cannot set it, so no preflight ever asks for it".to_owned()
        };
        return Some((
            format!("`{name}` is a forbidden request header: the browser sets it, never a script"),
            help,
        ));
    }
    None
}

/// Response headers no script can ever read (Fetch's forbidden response-header names).
pub(crate) fn is_forbidden_response_header(name: &str) -> bool {
    name == "set-cookie" || name == "set-cookie2"
}

/// Request headers browsers send without a preflight (CORS-safelisted,
/// `content-type` excepted: only three of its values are).
pub(crate) fn is_safelisted_request_header(name: &str) -> bool {
    matches!(name, "accept" | "accept-language" | "content-language")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens() {
        for t in ["GET", "x-request-id", "x-odd|name", "!#$%&'*+-.^_`|~09az"] {
            assert!(is_token(t), "{t}");
        }
        for t in ["", "x odd", "a,b", "a\"b", "a:b", "ü", "a\tb", "(x)"] {
            assert!(!is_token(t), "{t}");
        }
        assert_eq!(
            token_problem("x odd"),
            ("it contains a space".to_owned(), Some("x-odd".to_owned()))
        );
        assert_eq!(token_problem("a,b"), ("it contains `,`".to_owned(), None));
        assert_eq!(token_problem("").0, "it is empty");
    }

    #[test]
    fn forbidden_and_safelisted() {
        assert!(
            is_forbidden_method("track")
                && is_forbidden_method("CONNECT")
                && !is_forbidden_method("PATCH")
        );
        for h in [
            "cookie",
            "host",
            "sec-fetch-mode",
            "proxy-authorization",
            "access-control-allow-origin",
            "te",
        ] {
            assert!(forbidden_request_header(h).is_some(), "{h}");
        }
        for h in [
            "authorization",
            "content-type",
            "x-request-id",
            "secret",
            "proxyish",
        ] {
            assert!(forbidden_request_header(h).is_none(), "{h}");
        }
        assert!(
            is_safelisted_request_header("accept") && !is_safelisted_request_header("content-type")
        );
    }
}
