//! Chromium's console wording for each CORS failure, from Blink's `cors_error_string.cc`
//! (`GetErrorStringForConsoleMessage`), for a request made by `fetch()`.

use super::block::{BlockReason, Stage};

/// The part after "… has been blocked by CORS policy: " that Chromium prints for `reason`.
///
/// Failures of the CORS check, of the status and of Private Network Access found while
/// checking a preflight response start with "Response to preflight request doesn't pass
/// access control check: " (Chromium's `IsPreflightError`); the method, header and
/// list-parsing failures do not. Values from the response are printed as Chromium's
/// `EncodeHint` does: printable ASCII as is, anything else as `\uXXXX`.
///
/// Older Chromium said "Response for preflight does not have HTTP ok status." and ended the
/// missing-header message with advice about `no-cors`; this is the current wording. Every
/// message is checked against Chromium 156 by the project's end-to-end test except the two
/// of Private Network Access, which that Chromium no longer sends: their wording comes from
/// Chromium's source, not from a run.
pub fn chromium_message(reason: &BlockReason, stage: Stage) -> String {
    const NO_CORS_INFORMATION: &str = " Have the server send the header with a valid value.";
    let mut out = String::new();
    if stage == Stage::Preflight && is_preflight_prefixed(reason) {
        out.push_str("Response to preflight request doesn't pass access control check: ");
    }
    match reason {
        BlockReason::MissingAllowOrigin => out.push_str(
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        ),
        BlockReason::WildcardOriginNotAllowed => out.push_str(
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be \
             the wildcard '*' when the request's credentials mode is 'include'.",
        ),
        BlockReason::MultipleAllowOriginValues(v) => {
            out.push_str(&format!(
                "The 'Access-Control-Allow-Origin' header contains multiple values '{}', but \
                 only one is allowed.",
                encode_hint(v)
            ));
            out.push_str(NO_CORS_INFORMATION);
        }
        BlockReason::InvalidAllowOriginValue(v) => {
            out.push_str(&format!(
                "The 'Access-Control-Allow-Origin' header contains the invalid value '{}'.",
                encode_hint(v)
            ));
            out.push_str(NO_CORS_INFORMATION);
        }
        BlockReason::AllowOriginMismatch(v) => {
            out.push_str(&format!(
                "The 'Access-Control-Allow-Origin' header has a value '{}' that is not equal \
                 to the supplied origin.",
                encode_hint(v)
            ));
            out.push_str(NO_CORS_INFORMATION);
        }
        BlockReason::InvalidAllowCredentials(v) => out.push_str(&format!(
            "The value of the 'Access-Control-Allow-Credentials' header in the response is \
             '{}' which must be 'true' when the request's credentials mode is 'include'.",
            encode_hint(v)
        )),
        BlockReason::PreflightInvalidStatus(_) => out.push_str("It does not have HTTP ok status."),
        BlockReason::PreflightDisallowedRedirect => {
            out.push_str("Redirect is not allowed for a preflight request.");
        }
        // Chromium 156 leaves the location out of this one (it reports no parameter).
        BlockReason::RedirectContainsCredentials(_) => out.push_str(
            "Redirect location '' contains a username and password, which is disallowed for \
             cross-origin requests.",
        ),
        BlockReason::MissingAllowPrivateNetwork => out.push_str(
            "No 'Access-Control-Allow-Private-Network' header was present in the preflight \
             response for this private network request targeting the `loopback` address \
             space.",
        ),
        BlockReason::InvalidAllowPrivateNetwork(v) => out.push_str(&format!(
            "The 'Access-Control-Allow-Private-Network' header in the preflight response for \
             this private network request targeting the `loopback` address space had a value \
             of '{}',  not 'true'.",
            encode_hint(v)
        )),
        BlockReason::InvalidAllowMethods => out.push_str(
            "Cannot parse Access-Control-Allow-Methods response header field in preflight \
             response.",
        ),
        BlockReason::InvalidAllowHeaders => out.push_str(
            "Cannot parse Access-Control-Allow-Headers response header field in preflight \
             response.",
        ),
        BlockReason::MethodDisallowed(m) => out.push_str(&format!(
            "Method {} is not allowed by Access-Control-Allow-Methods in preflight response.",
            encode_hint(m.as_bytes())
        )),
        BlockReason::HeaderDisallowed(h) => out.push_str(&format!(
            "Request header field {} is not allowed by Access-Control-Allow-Headers in \
             preflight response.",
            encode_hint(h.as_bytes())
        )),
        BlockReason::RedirectDisallowedScheme(_) => out.push_str(
            "Cross origin requests are only supported for protocol schemes: chrome, \
             chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, \
             http, https, isolated-app.",
        ),
        // Not CORS errors in Chromium: the load fails in the network stack.
        BlockReason::MalformedResponse(_) => out.push_str("net::ERR_INVALID_HTTP_RESPONSE"),
        BlockReason::InvalidRedirect(_) => out.push_str("net::ERR_INVALID_REDIRECT"),
        BlockReason::TooManyRedirects => out.push_str("net::ERR_TOO_MANY_REDIRECTS"),
    }
    out
}

/// The whole console line Chromium prints for a blocked `fetch()` of `url` from
/// `page_origin`: "Access to fetch at 'URL' from origin 'ORIGIN' has been blocked by CORS
/// policy: " followed by [`chromium_message`].
pub fn chromium_console_message(
    url: &str,
    page_origin: &str,
    reason: &BlockReason,
    stage: Stage,
) -> String {
    format!(
        "Access to fetch at '{url}' from origin '{page_origin}' has been blocked by CORS policy: {}",
        chromium_message(reason, stage)
    )
}

/// [`chromium_console_message`] for a fetch that was redirected: Chromium names the URL
/// whose response failed and, when it is not the URL the script fetched, adds
/// "(redirected from 'FIRST')".
pub fn console_line(
    url: &str,
    redirected_from: Option<&str>,
    page_origin: &str,
    reason: &BlockReason,
    stage: Stage,
) -> String {
    match redirected_from {
        None => chromium_console_message(url, page_origin, reason, stage),
        Some(first) => format!(
            "Access to fetch at '{url}' (redirected from '{first}') from origin '{page_origin}' \
             has been blocked by CORS policy: {}",
            chromium_message(reason, stage)
        ),
    }
}

fn is_preflight_prefixed(reason: &BlockReason) -> bool {
    matches!(
        reason,
        BlockReason::MissingAllowOrigin
            | BlockReason::WildcardOriginNotAllowed
            | BlockReason::MultipleAllowOriginValues(_)
            | BlockReason::InvalidAllowOriginValue(_)
            | BlockReason::AllowOriginMismatch(_)
            | BlockReason::InvalidAllowCredentials(_)
            | BlockReason::PreflightInvalidStatus(_)
            | BlockReason::PreflightDisallowedRedirect
            | BlockReason::MissingAllowPrivateNetwork
            | BlockReason::InvalidAllowPrivateNetwork(_)
    )
}

/// Chromium's `EncodeHint`: each byte (Latin-1) printable ASCII as is, otherwise `\uXXXX`.
pub fn encode_hint(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\u{b:04X}"));
        }
    }
    out
}
