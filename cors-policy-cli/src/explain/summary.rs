//! The first lines of `explain`'s answer about a page's request: the
//! request and its credentials mode, what the page and the browser set,
//! and whether (and why) a browser sends a preflight first.

use cors_policy::browser;

use super::shown::{capped, shown, shown_str};
use super::simulate::{self, Page};
use crate::request::HttpRequest;

/// The summary of a page's request, and the `TypeError` message when
/// `fetch()` throws before sending anything.
pub(crate) fn page(page: &Page, request: &HttpRequest) -> (Vec<String>, Option<String>) {
    let method = shown_str(&page.request.method);
    let mut summary = Vec::new();
    summary.push(format!(
        "Request: {method} {} from origin `{}`",
        page.shown_url(&page.request.url()),
        shown_str(&page.request.page_origin)
    ));
    summary.push(format!("  credentials mode: {}", page.credentials_from));
    if page.given_preflight.is_some() {
        summary.push(format!(
            "  a preflight: the page asks whether it may send `{method}`{}",
            match page.request.headers.is_empty() {
                true => String::new(),
                false => format!(
                    " with {}",
                    capped(
                        page.request
                            .headers
                            .iter()
                            .map(|(n, _)| format!("`{}`", shown_str(n)))
                    )
                    .join(", ")
                ),
            }
        ));
    } else if !page.request.headers.is_empty() {
        let set = capped(
            page.request
                .headers
                .iter()
                .map(|(n, v)| format!("{}: {}", shown_str(n), shown(v))),
        );
        summary.push(format!("  the page sets: {}", set.join("; ")));
    }
    if !page.browser_set.is_empty() {
        summary.push(format!(
            "  set by the browser itself (not the page's doing): {}",
            capped(page.browser_set.iter().map(|n| shown_str(n))).join(", ")
        ));
    }
    let opts = simulate::options(page);
    let mut type_error = None;
    match browser::plan(&page.request, &opts) {
        Ok(plan) => match &plan.preflight {
            Some(_) if page.given_preflight.is_some() => {}
            Some(preflight) => {
                let mut why = Vec::new();
                if !browser::is_cors_safelisted_method(&plan.prepared.method) {
                    why.push(format!("`{method}` is not GET, HEAD or POST"));
                }
                if let Some(names) = preflight.header_str("access-control-request-headers") {
                    let names = capped(names.split(',').map(|n| {
                        let value = page
                            .request
                            .headers
                            .iter()
                            .find(|(h, _)| h.eq_ignore_ascii_case(n))
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default();
                        if n == "content-type" {
                            format!("`content-type: {}` is not a form or text type", shown(&value))
                        } else {
                            format!("`{}` is not a safelisted header", shown_str(n))
                        }
                    }));
                    why.extend(names);
                }
                if opts.private_network {
                    why.push("it asks for private-network access".into());
                }
                summary.push(format!(
                    "  a browser sends a preflight first: {}",
                    if why.is_empty() { "it needs one".into() } else { why.join("; ") }
                ));
            }
            None if page.given_preflight.is_some() => summary.push(
                "  note: a browser would send no preflight for this: what it asks for is safelisted \
                 or set by the browser itself"
                    .into(),
            ),
            None if request.console.as_ref().is_some_and(|m| m.preflight) => summary.push(
                "  the console message speaks of a preflight, but does not say what made the page's request \
                 need one (a method, a header, a JSON body); add it (--method, -H) to see that preflight"
                    .into(),
            ),
            None => summary.push("  no preflight: a simple request (GET, HEAD or POST with safelisted headers)".into()),
        },
        Err(e) => type_error = Some(e.message()),
    }
    (summary, type_error)
}

/// The URL as the input gave it, for the first line.
pub(crate) fn request_url(request: &HttpRequest) -> String {
    let url = request.url();
    match url.strip_prefix('…') {
        Some(path) => format!("…{}", shown_str(path)),
        None => shown_str(&url),
    }
}
