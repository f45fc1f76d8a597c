//! Building the [`Account`] of a request: which scenario the input is (no
//! `Origin`, not a browser's, a page's request), the page's request played
//! through the browser model, each request sent described, the browser's
//! verdict, what is not CORS, the console verdict and the fix.

use cors_policy::Engine;
use cors_policy::browser::{self, CredentialsMode as Mode, Outcome, Stage};

use super::account::{Account, Exchange, Title, Verdict};
use super::describe::describe;
use super::notcors::Kind;
use super::shown::Source;
use super::shown::{MAX_ITEMS, capped, shown, shown_str};
use super::simulate::{self, Page, Played, Scenario};
use super::{allowed, console, fix, fix_words, notcors, summary};
use crate::cli::CredentialsMode;
use crate::policy::{self, Loaded};
use crate::request::HttpRequest;

/// Everything `explain` says about `request` to the policies of `loaded`;
/// `flag` is `--credentials`.
pub(crate) fn account(
    loaded: &Loaded,
    request: &HttpRequest,
    flag: Option<CredentialsMode>,
) -> Account {
    let engine = &loaded.engine;
    let source = Source {
        file: &loaded.source.name,
        text: &loaded.text,
    };
    let mut account = Account::new();
    let url = summary::request_url(request);
    match simulate::scenario(engine, request, flag) {
        Scenario::NotCors => {
            account.summary.push(format!(
                "Request: {} {url} without an `Origin` header",
                shown_str(&request.method)
            ));
            account.summary.push(
                "  not a CORS request: browsers send `Origin` with every cross-origin request, so this is a \
                 same-origin request, a navigation, or a client that is not a browser (curl, Postman)"
                    .into(),
            );
            account.exchanges.push(Exchange {
                title: Title::TheRequest,
                described: describe(engine, &source, request),
                browser: Vec::new(),
            });
        }
        Scenario::NotABrowser => {
            let origins = capped(request.values("origin").map(|o| format!("`{}`", shown(o))));
            account.summary.push(format!(
                "Request: {} {url} with `Origin` {}",
                shown_str(&request.method),
                origins.join(", ")
            ));
            account.summary.push(
                "  no browser sends this: browsers send exactly one `Origin`, serialized as \
                 `scheme://host[:port]`, lowercase"
                    .into(),
            );
            account.exchanges.push(Exchange {
                title: Title::TheRequest,
                described: describe(engine, &source, request),
                browser: Vec::new(),
            });
            account.verdict = Verdict::NotABrowser;
            account.fix_text.push(
                "Fix the client, not the policy: make it send one `Origin`, as browsers serialize it \
                 (`scheme://host[:port]`, lowercase, no path, no trailing `/`, no default port)."
                    .into(),
            );
        }
        Scenario::Page(page) => page_account(&mut account, loaded, engine, &source, request, &page),
    }
    account
}

/// The account of a page's request: played through the browser model with
/// the engine as the server.
fn page_account(
    account: &mut Account,
    loaded: &Loaded,
    engine: &Engine,
    source: &Source<'_>,
    request: &HttpRequest,
    page: &Page,
) {
    let played = simulate::play(engine, page);
    let mode = match page.request.credentials {
        Mode::Include => "include",
        Mode::Omit => "omit",
        _ => "same-origin",
    };
    account.credentials = Some((mode, page.credentials_from));
    let (summary, type_error) = summary::page(page, request);
    account.summary = summary;
    if let Some(why) = type_error {
        account.verdict = Verdict::TypeError(why);
    }
    exchanges(account, engine, source, page, &played);
    if !matches!(account.verdict, Verdict::TypeError(_)) {
        account.verdict = match &played.outcome {
            Outcome::Ok { .. } => Verdict::Allowed,
            Outcome::Blocked {
                stage,
                why,
                console,
                ..
            } => Verdict::Blocked {
                stage: *stage,
                why: why.clone(),
                console: page.shown_url(console),
            },
            Outcome::TypeError { why, .. } => Verdict::TypeError(why.clone()),
        };
    }
    if let Outcome::Ok { preflight, .. } = &played.outcome {
        account.after = allowed::after(preflight.as_ref(), &played, page);
    }
    account.findings = notcors::findings(page, &played.outcome, request.console.as_ref());
    if account
        .findings
        .iter()
        .any(|f| f.kind == Kind::MixedContent)
    {
        account.verdict = Verdict::BlockedNotCors;
    }
    if let Some(message) = &request.console {
        account.console = Some(console::verdict(message, &account.verdict, &played));
    }
    if matches!(account.verdict, Verdict::Blocked { .. }) || page.given_preflight.is_some() {
        let base = fix::Base {
            src: &loaded.text,
            policies: loaded.engine.policies(),
            warnings: loaded.warnings,
        };
        let mut found = fix::find(&base, engine, page, &played);
        if let Some(given) = &page.given_preflight {
            given_why_not(engine, given, &mut found.why_not);
        }
        let blocked = matches!(account.verdict, Verdict::Blocked { .. });
        account.fix_text = fix_words::lines(&found, blocked, loaded, source);
        account.fix = Some(found);
    }
}

/// The requests sent, each described: the preflight (as given, or as the
/// browser sends it, with what the browser makes of its answer), then the
/// actual request.
fn exchanges(
    account: &mut Account,
    engine: &Engine,
    source: &Source<'_>,
    page: &Page,
    played: &Played,
) {
    let method = shown_str(&page.request.method);
    let opts = simulate::options(page);
    // The preflight as given, even when a browser would send none.
    if let (Some(given), None) = (&page.given_preflight, &played.preflight) {
        account.exchanges.push(Exchange {
            title: Title::PreflightAsGiven,
            described: describe(engine, source, given),
            browser: Vec::new(),
        });
    }
    if let Some((sent, _)) = &played.preflight {
        let mut browser = Vec::new();
        if let (Some(given), Ok(plan)) =
            (&page.given_preflight, browser::plan(&page.request, &opts))
            && let Some(model) = &plan.preflight
        {
            let asked = |r: &HttpRequest| -> Vec<String> {
                let mut names: Vec<String> = r
                    .values("access-control-request-headers")
                    .flat_map(|l| l.split(|&b| b == b','))
                    .map(|n| {
                        String::from_utf8_lossy(cors_policy::browser::fields::trim_tab_or_space(n))
                            .to_ascii_lowercase()
                    })
                    .filter(|n| !n.is_empty())
                    .collect();
                names.sort();
                names.dedup();
                names
            };
            let model_names = model
                .header_str("access-control-request-headers")
                .map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
                .unwrap_or_default();
            let extra: Vec<String> = asked(given)
                .into_iter()
                .filter(|n| !model_names.contains(n))
                .collect();
            if !extra.is_empty() {
                browser.push(format!(
                    "(a browser would not ask for {}: a page cannot set {}; the browser judges the answer for what it asks)",
                    capped(extra.iter().map(|n| format!("`{}`", shown_str(n)))).join(", "),
                    if extra.len() == 1 { "it" } else { "them" }
                ));
            }
        }
        browser.extend(match &played.outcome {
            Outcome::Blocked {
                stage: Stage::Preflight,
                ..
            } => vec![format!(
                "The browser refuses this answer: the {method} is never sent."
            )],
            _ => vec![format!(
                "The browser accepts this answer and sends the {method}."
            )],
        });
        account.exchanges.push(Exchange {
            title: Title::Preflight,
            described: describe(engine, source, sent),
            browser,
        });
    }
    if let Some((sent, _)) = &played.actual {
        account.exchanges.push(Exchange {
            title: if played.preflight.is_some() {
                Title::ActualRequest
            } else {
                Title::TheRequest
            },
            described: describe(engine, source, sent),
            browser: Vec::new(),
        });
    }
}

/// Advice on what a preflight given by hand asks for that no browser asks
/// for (a header the browser sets itself).
fn given_why_not(engine: &Engine, given: &HttpRequest, why_not: &mut Vec<String>) {
    let mut lines = Vec::new();
    let request = policy::engine_request(given, &mut lines);
    let trace = engine.trace(&request);
    if let Some(headers) = &trace.headers {
        for header in headers
            .names
            .iter()
            .filter(|h| !h.outcome.is_allowed())
            .take(MAX_ITEMS)
        {
            let name = String::from_utf8_lossy(header.name).to_ascii_lowercase();
            if let Some(why) = fix::header_why_not(&name, trace.credentials == Some(true))
                && !why_not.contains(&why)
            {
                why_not.push(why);
            }
        }
    }
}
