//! What follows when the browser allows a page's request: how long
//! Chromium caches the preflight, which response headers the script can
//! read, and whether cookies go.

use cors_policy::browser::CredentialsMode as Mode;
use cors_policy::browser::check::PreflightResult;

use super::shown::shown;
use super::simulate::{Page, Played};
use crate::output;

/// The lines after "In the browser: allowed."; `preflight` is the checked
/// preflight, when one was sent.
pub(crate) fn after(
    preflight: Option<&PreflightResult>,
    played: &Played,
    page: &Page,
) -> Vec<String> {
    let mut after = Vec::new();
    if let Some(preflight) = preflight {
        let seconds = preflight.chromium_cache_seconds();
        after.push(match (preflight.max_age, seconds) {
            (_, 0) => {
                "Chromium does not cache the preflight: every such request is preflighted again"
                    .into()
            }
            (None, _) => format!(
                "without `max-age` Chromium caches the preflight only {seconds} seconds \
                 (`max-age 2h` saves a round trip per request)"
            ),
            (Some(asked), _) if asked > seconds => format!(
                "Chromium caches the preflight {} (it keeps one at most 2 hours)",
                duration_words(seconds)
            ),
            _ => format!("Chromium caches the preflight {}", duration_words(seconds)),
        });
    }
    after.push("the page's script can read the response (status and body)".into());
    let exposed = played
        .actual
        .as_ref()
        .and_then(|(_, response)| {
            response
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("access-control-expose-headers"))
        })
        .map(|(_, v)| shown(v));
    after.push(format!(
        "headers it can read: the safelisted ones (cache-control, content-language, content-length, \
         content-type, expires, last-modified, pragma){}",
        match exposed {
            Some(names) => format!(" and those exposed: {names}"),
            None => String::new(),
        }
    ));
    after.push(
        if page.request.credentials == Mode::Include {
            "cookies and HTTP authentication are sent, and `Set-Cookie` in the response is stored"
        } else {
            "no cookies are sent (the credentials mode is not `include`)"
        }
        .into(),
    );
    after
}

/// `600` → "10 minutes (600 s)".
fn duration_words(secs: u64) -> String {
    let (n, unit) = if secs >= 3600 && secs.is_multiple_of(3600) {
        (secs / 3600, "hour")
    } else if secs >= 60 && secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!(
        "{} ({secs} s)",
        output::plural(usize::try_from(n).unwrap_or(usize::MAX), unit)
    )
}
