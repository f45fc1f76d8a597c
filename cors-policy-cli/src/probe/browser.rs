//! What a browser does with an answer: reads it, or blocks it with
//! Chromium's console message. The one place `probe` asks the browser model
//! ([`cors_policy::browser`], Chromium's flavour).

use cors_policy::browser::{
    BlockReason, BrowserOptions, CredentialsMode, HttpResponse, PageRequest, Stage,
    check::check_redirect_response, check_actual_response, check_preflight_response,
    chromium_console_message, prepare,
};

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
    let target_origin = url::Url::parse(url)
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    // The request the page made: for a preflight, the method and headers it
    // asks about (a `content-type` that needs a preflight).
    let method = probe.request_method.as_deref().unwrap_or(probe.method);
    let mut page = PageRequest::new(origin, &target_origin, method)
        .path(&probe.path)
        .credentials(if include {
            CredentialsMode::Include
        } else {
            CredentialsMode::SameOrigin
        });
    let names = probe
        .request_headers
        .iter()
        .flat_map(|list| list.split(','));
    for name in names.map(str::trim).filter(|name| !name.is_empty()) {
        let value = if name.eq_ignore_ascii_case("content-type") {
            "application/json"
        } else {
            "1"
        };
        page = page.header(name, value);
    }
    let options = BrowserOptions::chromium().private_network(probe.private_network);
    let request = match prepare(&page, &options) {
        Ok(request) => request,
        Err(error) => return Verdict::Blocked(error.message()),
    };
    let response = headers
        .iter()
        .fold(HttpResponse::new(status), |r, (name, value)| {
            r.header(name, value)
        });
    let redirect = response.redirect_location().is_some();
    let checked = if probe.is_preflight() {
        let checked = if redirect {
            Err(BlockReason::PreflightDisallowedRedirect)
        } else {
            check_preflight_response(&request, &response, &options).map(drop)
        };
        checked.map_err(|reason| (reason, Stage::Preflight))
    } else if redirect {
        // Checked like any response; then the browser follows it (probe does not).
        check_redirect_response(&request, &response).map_err(|reason| (reason, Stage::Actual))
    } else {
        check_actual_response(&request, &response)
            .map(drop)
            .map_err(|reason| (reason, Stage::Actual))
    };
    match checked {
        Ok(()) => Verdict::Reads,
        Err((reason, stage)) => {
            Verdict::Blocked(chromium_console_message(url, origin, &reason, stage))
        }
    }
}
