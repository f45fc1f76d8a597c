//! `--console '…'`: the message a browser printed, pasted as is. Chromium's
//! "Access to fetch at 'URL' from origin 'O' has been blocked by CORS
//! policy: …", its "Mixed Content: …" message, and Firefox's "Cross-Origin
//! Request Blocked: …" (which names no origin: give `--origin`).

use crate::origin;

/// Which check the browser says failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// No `Access-Control-Allow-Origin` in the answer.
    MissingAllowOrigin,
    /// `Access-Control-Allow-Origin: *` on a request with credentials.
    WildcardWithCredentials,
    /// `Access-Control-Allow-Credentials` is not `true` (its value).
    AllowCredentials(String),
    /// Two `Access-Control-Allow-Origin` values (as printed).
    MultipleAllowOrigin(String),
    /// An `Access-Control-Allow-Origin` that is not the page's origin.
    AllowOriginMismatch(String),
    /// An `Access-Control-Allow-Origin` that is not an origin at all.
    InvalidAllowOrigin(String),
    /// The method the preflight asked for is not allowed.
    Method(String),
    /// A request header is not allowed (lowercase).
    Header(String),
    /// The preflight's status is not 2xx.
    PreflightStatus,
    /// A redirect where CORS forbids one.
    Redirect,
    /// Private Network Access or Local Network Access.
    LocalNetwork,
    /// An `https` page fetched an `http` URL: not CORS at all.
    MixedContent,
    /// Anything else the browser said (its words kept in `text`).
    Other,
}

/// A pasted console message, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// The URL fetched.
    pub(crate) url: String,
    /// The page's origin.
    pub(crate) origin: Option<String>,
    /// Whether the browser says the preflight failed.
    pub(crate) preflight: bool,
    /// Which check failed.
    pub(crate) failure: Failure,
    /// The browser's words after "blocked by CORS policy: ", as pasted.
    pub(crate) text: String,
}

const CHROMIUM: &str = "has been blocked by CORS policy: ";
const PREFLIGHT: &str = "Response to preflight request doesn't pass access control check: ";
const NO_CORS_ADVICE: &str = " If an opaque response serves your needs";

/// Parses a pasted message. The error says which forms are understood.
pub(crate) fn parse(pasted: &str) -> Result<Message, String> {
    if let Some(at) = pasted.find("Mixed Content: ") {
        return mixed_content(pasted.get(at..).unwrap_or(""));
    }
    if let Some(at) = pasted.find("Cross-Origin Request Blocked") {
        return firefox(pasted.get(at..).unwrap_or(""));
    }
    let Some(start) = pasted.find("Access to ") else {
        return Err(expected(pasted));
    };
    let message = first_line(pasted.get(start..).unwrap_or(""));
    let (url, rest) = quoted_after(message, " at '").ok_or_else(|| expected(pasted))?;
    let (origin, rest) = quoted_after(rest, " from origin '").ok_or_else(|| expected(pasted))?;
    let Some(at) = rest.find(CHROMIUM) else {
        return Err(expected(pasted));
    };
    let mut text = rest.get(at + CHROMIUM.len()..).unwrap_or("").trim();
    if let Some(cut) = text.find(NO_CORS_ADVICE) {
        text = text.get(..cut).unwrap_or(text);
    }
    let text = text.trim().to_owned();
    let (preflight, body) = match text.strip_prefix(PREFLIGHT) {
        Some(body) => (true, body),
        None => (false, text.as_str()),
    };
    let failure = chromium_failure(body);
    // The method and header failures are found checking the preflight.
    let preflight = preflight || matches!(failure, Failure::Method(_) | Failure::Header(_));
    Ok(Message {
        url: url.to_owned(),
        origin: Some(origin.to_owned()),
        preflight,
        failure,
        text,
    })
}

/// The text of `body` between `prefix` and the first `suffix` after it.
fn between<'a>(body: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    let (value, _) = body.strip_prefix(prefix)?.split_once(suffix)?;
    Some(value)
}

/// A Chromium message that quotes a value: the text before it, the text
/// after it, and the failure it names.
type Quoting = (&'static str, &'static str, fn(String) -> Failure);

/// Chromium's messages that quote a value.
const QUOTING: [Quoting; 6] = [
    (
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '",
        "' which must be",
        Failure::AllowCredentials,
    ),
    (
        "The 'Access-Control-Allow-Origin' header contains multiple values '",
        "', but only one is allowed",
        Failure::MultipleAllowOrigin,
    ),
    (
        "The 'Access-Control-Allow-Origin' header has a value '",
        "' that is not equal to the supplied origin",
        Failure::AllowOriginMismatch,
    ),
    (
        "The 'Access-Control-Allow-Origin' header contains the invalid value '",
        "'.",
        Failure::InvalidAllowOrigin,
    ),
    (
        "Method ",
        " is not allowed by Access-Control-Allow-Methods",
        Failure::Method,
    ),
    (
        "Request header field ",
        " is not allowed by Access-Control-Allow-Headers",
        header_failure,
    ),
];

/// A header failure: names are compared lowercase.
fn header_failure(name: String) -> Failure {
    Failure::Header(name.to_ascii_lowercase())
}

fn chromium_failure(body: &str) -> Failure {
    let quoted = QUOTING.iter().find_map(|(prefix, suffix, failure)| {
        between(body, prefix, suffix).map(|value| failure(value.to_owned()))
    });
    if body.starts_with("No 'Access-Control-Allow-Origin' header is present") {
        Failure::MissingAllowOrigin
    } else if body
        .contains("must not be the wildcard '*' when the request's credentials mode is 'include'")
    {
        Failure::WildcardWithCredentials
    } else if let Some(failure) = quoted {
        failure
    } else if body.starts_with("It does not have HTTP ok status")
        || body.starts_with("Response for preflight does not have HTTP ok status")
    {
        Failure::PreflightStatus
    } else if body.contains("Redirect is not allowed for a preflight request")
        || body.contains("redirect")
    {
        Failure::Redirect
    } else if body.contains("Private-Network")
        || body.contains("private network")
        || body.contains("address space")
        || body.contains("local network")
    {
        Failure::LocalNetwork
    } else {
        Failure::Other
    }
}

/// Chromium: "Mixed Content: The page at 'P' was loaded over HTTPS, but
/// requested an insecure resource 'U'. This request has been blocked; …".
fn mixed_content(message: &str) -> Result<Message, String> {
    let message = first_line(message);
    let page = quoted_after(message, "The page at '");
    let resource = page.and_then(|(_, rest)| {
        quoted_after(rest, "insecure resource '")
            .or_else(|| quoted_after(rest, "insecure XMLHttpRequest endpoint '"))
    });
    let (Some((page, _)), Some((url, _))) = (page, resource) else {
        return Err(expected(message));
    };
    Ok(Message {
        url: url.to_owned(),
        origin: origin::of_url(page),
        preflight: false,
        failure: Failure::MixedContent,
        text: message.trim().to_owned(),
    })
}

/// Firefox: "Cross-Origin Request Blocked: The Same Origin Policy disallows
/// reading the remote resource at URL. (Reason: …)."
fn firefox(message: &str) -> Result<Message, String> {
    let message = first_line(message);
    let marker = "reading the remote resource at ";
    let url = message
        .find(marker)
        .and_then(|at| message.get(at + marker.len()..))
        .and_then(|rest| rest.split(". (Reason: ").next())
        .ok_or_else(|| expected(message))?;
    let reason = message
        .split_once("(Reason: ")
        .map(|(_, r)| r.trim_end_matches(['.', ' ']).trim_end_matches(')'))
        .unwrap_or("");
    let token = |marker: &str| {
        reason
            .split_once(marker)
            .and_then(|(_, r)| r.split('\'').next())
            .map(str::to_owned)
    };
    let (failure, preflight) = if reason.contains("'Access-Control-Allow-Origin' missing") {
        (Failure::MissingAllowOrigin, false)
    } else if reason.contains(
        "Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '*'",
    ) {
        (Failure::WildcardWithCredentials, false)
    } else if reason.contains("expected 'true' in CORS header 'Access-Control-Allow-Credentials'") {
        (Failure::AllowCredentials(String::new()), false)
    } else if let Some(name) = token("missing token '") {
        (Failure::Header(name.to_ascii_lowercase()), true)
    } else if reason.contains("Did not find method in CORS header 'Access-Control-Allow-Methods'") {
        (Failure::Method(String::new()), true)
    } else if reason.contains("does not match") {
        (Failure::AllowOriginMismatch(String::new()), false)
    } else if reason.contains("CORS preflight response did not succeed") {
        (Failure::PreflightStatus, true)
    } else {
        (Failure::Other, false)
    };
    Ok(Message {
        url: url.to_owned(),
        origin: None,
        preflight,
        failure,
        text: reason.to_owned(),
    })
}

/// The text between `'` after `marker` and the next `'`, and what follows.
fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<(&'a str, &'a str)> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find('\'')?;
    Some((rest.get(..end)?, rest.get(end + 1..)?))
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("").trim_end_matches('"')
}

fn expected(pasted: &str) -> String {
    let shown: String = pasted
        .chars()
        .take(60)
        .collect::<String>()
        .escape_debug()
        .to_string();
    format!(
        "`--console`: `{shown}` is not a browser's CORS message\n  \
         expected Chromium's \"Access to fetch at 'URL' from origin 'ORIGIN' has been blocked by CORS policy: …\", \
         its \"Mixed Content: …\" or Firefox's \"Cross-Origin Request Blocked: …\""
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromium_messages_name_the_check() {
        let m = parse(
            "Access to fetch at 'https://api.example.com/api/users' from origin 'http://localhost:5173' \
             has been blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
        )
        .unwrap();
        assert_eq!(m.url, "https://api.example.com/api/users");
        assert_eq!(m.origin.as_deref(), Some("http://localhost:5173"));
        assert_eq!(m.failure, Failure::Method("PUT".into()));
        assert!(m.preflight);
        let r = m.request();
        assert_eq!(r.method, "PUT");

        let m = parse(
            "(index):1 Access to XMLHttpRequest at 'https://a.example/x' from origin 'https://b.example' has been \
             blocked by CORS policy: Response to preflight request doesn't pass access control check: No \
             'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response \
             serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.\n\
             GET https://a.example/x net::ERR_FAILED",
        )
        .unwrap();
        assert_eq!(m.failure, Failure::MissingAllowOrigin);
        assert!(m.preflight);
        assert!(m.text.ends_with("requested resource."), "{}", m.text);

        let m = parse("Access to fetch at 'https://a.example/' from origin 'https://b.example' has been blocked by CORS policy: Request header field X-Api-Key is not allowed by Access-Control-Allow-Headers in preflight response.").unwrap();
        assert_eq!(m.failure, Failure::Header("x-api-key".into()));
        assert!(m.request().headers.iter().any(|(n, _)| n == "x-api-key"));

        let m = parse("Access to fetch at 'https://a.example/' from origin 'https://b.example' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.").unwrap();
        assert_eq!(m.failure, Failure::WildcardWithCredentials);
        assert_eq!(m.request().credentials, Some(true));

        let m = parse("Access to fetch at 'https://a.example/' from origin 'https://b.example' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header contains multiple values 'https://b.example, https://b.example', but only one is allowed. Have the server send the header with a valid value.").unwrap();
        assert_eq!(
            m.failure,
            Failure::MultipleAllowOrigin("https://b.example, https://b.example".into())
        );
    }

    #[test]
    fn mixed_content_and_firefox() {
        let m = parse("Mixed Content: The page at 'https://app.example.com/orders' was loaded over HTTPS, but requested an insecure resource 'http://api.example.com/v1/orders'. This request has been blocked; the content must be served over HTTPS.").unwrap();
        assert_eq!(m.failure, Failure::MixedContent);
        assert_eq!(m.origin.as_deref(), Some("https://app.example.com"));
        assert_eq!(m.url, "http://api.example.com/v1/orders");

        let m = parse("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/x. (Reason: missing token 'x-api-key' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel).").unwrap();
        assert_eq!(m.url, "https://api.example.com/x");
        assert_eq!(m.origin, None);
        assert_eq!(m.failure, Failure::Header("x-api-key".into()));
    }

    #[test]
    fn anything_else_says_what_was_expected() {
        let err = parse("TypeError: Failed to fetch").unwrap_err();
        assert!(err.contains("is not a browser's CORS message"), "{err}");
        assert!(err.contains("Access to fetch at"), "{err}");
        assert!(parse("Access to fetch at 'x").is_err());
        assert!(parse("").is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Pasted text is never trusted: any text gives a message or an
        /// error, never a panic; a message's URL comes from the text.
        #[test]
        fn any_paste_is_read_or_refused(prefix in ".{0,40}", url in "[ -~]{0,40}", rest in ".{0,80}") {
            let pasted = format!("{prefix}Access to fetch at '{url}' from origin 'https://a.example' has been blocked by CORS policy: {rest}");
            if let Ok(m) = super::parse(&pasted) {
                prop_assert!(pasted.contains(&m.url));
            }
            let _ = super::parse(&rest);
        }
    }
}
