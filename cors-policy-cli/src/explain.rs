//! `cors-policy explain`: the engine's answer in words, for a developer
//! staring at a CORS error in the browser's console.
//!
//! It matches nothing itself. The page's request is played through the
//! library's browser model ([`cors_policy::browser`]) with the engine as the
//! server: the model says whether a preflight goes first and what the
//! browser makes of each answer, in Chromium's words; [`Engine::trace`]
//! says why the engine answered so. Each suggested line is applied to the
//! policy text, re-checked and played again before it is shown.
//!
//! [`Engine::trace`]: cors_policy::Engine::trace

mod describe;
mod edit;
mod fix;
mod notcors;
mod simulate;

use cors_policy::Engine;
use cors_policy::browser::{self, CredentialsMode as Mode, Outcome, Stage};
use serde_json::{Value, json};

use crate::cli::{CredentialsMode, ExplainArgs, OutputFormat, Status};
use crate::color::ColorChoice;
use crate::output;
use crate::policy::{self, Loaded};
use crate::request::HttpRequest;
use crate::request::console::{Failure, Message};
use describe::{Check, Described, Source, capped, describe, shown, shown_message, shown_str};
use edit::Edit;
use simulate::{Page, Played, Scenario};

/// Runs `explain`.
pub(crate) fn run(args: &ExplainArgs, color: ColorChoice) -> Status {
    let (loaded, request) = match policy::load(&args.request, color) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let account = account(&loaded, &request, args.credentials);
    match args.format {
        OutputFormat::Json => output::stdout(&format!("{}\n", account.json())),
        OutputFormat::Human => {
            let mut text = account.human();
            if loaded.warnings > 0 {
                text.push_str(&format!(
                    "\nnote: `{}` has {}; `cors-policy check {}` shows {}\n",
                    shown_str(&loaded.source.name),
                    output::plural(loaded.warnings, "warning"),
                    shown_str(&loaded.source.name),
                    if loaded.warnings == 1 { "it" } else { "them" }
                ));
            }
            output::stdout(&text);
        }
    }
    Status::Ok
}

/// One request sent, described.
struct Exchange {
    /// `Preflight` or `Actual request`.
    title: &'static str,
    described: Described,
    /// What the browser does with the answer.
    browser: Vec<String>,
}

/// The browser's final word.
enum Verdict {
    /// Not a CORS request: the browser enforces nothing.
    NotEnforced,
    /// The `Origin` is not one a browser sends.
    NotABrowser,
    /// The script gets the response.
    Allowed,
    /// Blocked by a CORS check.
    Blocked {
        stage: Stage,
        why: String,
        console: String,
    },
    /// Blocked before CORS (mixed content).
    BlockedNotCors,
    /// `fetch()` throws before sending anything.
    TypeError(String),
}

/// Everything `explain` says about one request.
struct Account {
    summary: Vec<String>,
    exchanges: Vec<Exchange>,
    verdict: Verdict,
    after: Vec<String>,
    findings: Vec<notcors::Finding>,
    console: Option<(String, String)>,
    fix: Option<fix::Fix>,
    fix_text: Vec<String>,
    /// The page's credentials mode (`include`, `same-origin`, `omit`) and
    /// where it came from.
    credentials: Option<(&'static str, &'static str)>,
}

fn account(loaded: &Loaded, request: &HttpRequest, flag: Option<CredentialsMode>) -> Account {
    let engine = &loaded.engine;
    let source = Source {
        file: &loaded.source.name,
        text: &loaded.text,
    };
    let mut account = Account {
        summary: Vec::new(),
        exchanges: Vec::new(),
        verdict: Verdict::NotEnforced,
        after: Vec::new(),
        findings: Vec::new(),
        console: None,
        fix: None,
        fix_text: Vec::new(),
        credentials: None,
    };
    let url = request_url(request);
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
                title: "The request",
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
                title: "The request",
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

fn page_account(
    account: &mut Account,
    loaded: &Loaded,
    engine: &Engine,
    source: &Source<'_>,
    request: &HttpRequest,
    page: &Page,
) {
    let played = simulate::play(engine, page);
    let method = shown_str(&page.request.method);
    let mode = match page.request.credentials {
        Mode::Include => "include",
        Mode::Omit => "omit",
        _ => "same-origin",
    };
    account.credentials = Some((mode, page.credentials_from));
    account.summary.push(format!(
        "Request: {method} {} from origin `{}`",
        display_url(page, &page.request.url()),
        shown_str(&page.request.page_origin)
    ));
    account
        .summary
        .push(format!("  credentials mode: {}", page.credentials_from));
    if page.given_preflight.is_some() {
        account.summary.push(format!(
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
        account
            .summary
            .push(format!("  the page sets: {}", set.join("; ")));
    }
    if !page.browser_set.is_empty() {
        account.summary.push(format!(
            "  set by the browser itself (not the page's doing): {}",
            capped(page.browser_set.iter().map(|n| shown_str(n))).join(", ")
        ));
    }
    let opts = simulate::options(page);
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
                account.summary.push(format!(
                    "  a browser sends a preflight first: {}",
                    if why.is_empty() { "it needs one".into() } else { why.join("; ") }
                ));
            }
            None if page.given_preflight.is_some() => account.summary.push(
                "  note: a browser would send no preflight for this: what it asks for is safelisted \
                 or set by the browser itself"
                    .into(),
            ),
            None if request.console.as_ref().is_some_and(|m| m.preflight) => account.summary.push(
                "  the console message speaks of a preflight, but does not say what made the page's request \
                 need one (a method, a header, a JSON body); add it (--method, -H) to see that preflight"
                    .into(),
            ),
            None => account
                .summary
                .push("  no preflight: a simple request (GET, HEAD or POST with safelisted headers)".into()),
        },
        Err(e) => {
            account.verdict = Verdict::TypeError(e.message());
        }
    }
    // The preflight as given, even when a browser would send none.
    if let (Some(given), None) = (&page.given_preflight, &played.preflight) {
        account.exchanges.push(Exchange {
            title: "Preflight (as given)",
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
            title: "Preflight",
            described: describe(engine, source, sent),
            browser,
        });
    }
    if let Some((sent, _)) = &played.actual {
        account.exchanges.push(Exchange {
            title: if played.preflight.is_some() {
                "Actual request"
            } else {
                "The request"
            },
            described: describe(engine, source, sent),
            browser: Vec::new(),
        });
    }
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
                console: display_url(page, console),
            },
            Outcome::TypeError { why, .. } => Verdict::TypeError(why.clone()),
        };
    }
    if let Outcome::Ok { preflight, .. } = &played.outcome {
        if let Some(preflight) = preflight {
            let seconds = preflight.chromium_cache_seconds();
            account.after.push(match (preflight.max_age, seconds) {
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
        account
            .after
            .push("the page's script can read the response (status and body)".into());
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
        account.after.push(format!(
            "headers it can read: the safelisted ones (cache-control, content-language, content-length, \
             content-type, expires, last-modified, pragma){}",
            match exposed {
                Some(names) => format!(" and those exposed: {names}"),
                None => String::new(),
            }
        ));
        account.after.push(
            if page.request.credentials == Mode::Include {
                "cookies and HTTP authentication are sent, and `Set-Cookie` in the response is stored"
            } else {
                "no cookies are sent (the credentials mode is not `include`)"
            }
            .into(),
        );
    }
    account.findings = notcors::findings(page, &played.outcome, request.console.as_ref());
    if account.findings.iter().any(|f| f.kind == "mixed-content") {
        account.verdict = Verdict::BlockedNotCors;
    }
    if let Some(message) = &request.console {
        account.console = Some(console_verdict(message, &account.verdict, &played));
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
        account.fix_text = fix_text(&found, blocked, loaded, source);
        account.fix = Some(found);
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
            .take(describe::MAX_ITEMS)
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

/// How Chromium starts a message about a failed preflight's CORS check.
const PREFLIGHT_PREFIX: &str = "Response to preflight request doesn't pass access control check: ";

/// Compares the pasted console message with what this policy makes the
/// browser say: (verdict, detail).
fn console_verdict(message: &Message, verdict: &Verdict, played: &Played) -> (String, String) {
    let pasted = message.text.clone();
    match &message.failure {
        Failure::MultipleAllowOrigin(_) => {
            return (
                "not-cors".into(),
                "the browser received two `Access-Control-Allow-Origin` values, and the engine \
                 sends one: another layer adds the second (see \"Not CORS\")"
                    .into(),
            );
        }
        Failure::LocalNetwork if !matches!(verdict, Verdict::Blocked { .. }) => {
            return (
                "not-cors".into(),
                "the message is about private or local network access, which Chromium now asks \
                 the user about (Local Network Access), not about this policy's answer"
                    .into(),
            );
        }
        _ => {}
    }
    match verdict {
        Verdict::Blocked { why, .. } if *why == pasted => (
            "confirmed".into(),
            "this policy makes Chromium print exactly the message you pasted; the checks above show why".into(),
        ),
        // The message names a preflight but not what caused it: the check that
        // failed is the same one.
        Verdict::Blocked {
            stage: Stage::Actual,
            why,
            ..
        } if message.preflight
            && pasted.strip_prefix(PREFLIGHT_PREFIX) == Some(why.as_str()) =>
        {
            (
                "confirmed".into(),
                "this policy refuses the request on the same check your message names; the message was \
                 about a preflight, which the request as read from it does not need (see above)"
                    .into(),
            )
        }
        Verdict::Blocked { why, .. } => (
            "different".into(),
            format!(
                "this policy makes Chromium print a different message:\n    {}\n  the server that answered \
                 may not run this policy as written (another deployment, or an error answered before \
                 the CORS layer, such as a 401, 404 or 500 without CORS headers)",
                shown_message(why)
            ),
        ),
        Verdict::BlockedNotCors => (
            "not-cors".into(),
            "the request is blocked before CORS: see \"Not CORS\" below".into(),
        ),
        _ if played.outcome.is_ok() => (
            "allowed-here".into(),
            "this policy allows the request, so the server that answered does not run it as written: \
             another deployment, a proxy, or an error response from before the CORS layer (a 401, \
             404 or 500 without CORS headers; a crash on `OPTIONS`)"
                .into(),
        ),
        _ => ("unknown".into(), "this policy gives no browser message for it".into()),
    }
}

fn fix_text(found: &fix::Fix, blocked: bool, loaded: &Loaded, source: &Source<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let policies = loaded.engine.policies();
    let at = |index: usize| {
        policies
            .get(index)
            .map(|p| {
                format!(
                    "policy \"{}\" ({})",
                    shown_str(&p.name),
                    source_at(source, p.span.start)
                )
            })
            .unwrap_or_default()
    };
    if found.passes {
        let mut current: Option<usize> = None;
        for edit in &found.edits {
            match edit {
                Edit::AddLine { policy, line } => {
                    if current != Some(*policy) {
                        out.push(format!("add to {}:", at(*policy)));
                        current = Some(*policy);
                    }
                    out.push(format!("    {}", shown_str(line)));
                }
                Edit::ReplaceOrigin {
                    policy,
                    entry,
                    with,
                } => {
                    let old = policies
                        .get(*policy)
                        .and_then(|p| p.origins.get(*entry))
                        .map(|o| shown_str(&o.source))
                        .unwrap_or_default();
                    out.push(format!("in {}, replace `{old}` by:", at(*policy)));
                    out.push(format!("    origins {}", shown_str(with)));
                    current = None;
                }
            }
        }
        for alternative in &found.alternatives {
            if let Edit::AddLine { line, .. } = alternative {
                out.push(format!(
                    "or instead of the first line:\n    {}",
                    shown_str(line)
                ));
            }
        }
        out.push(
            "checked: `cors-policy check` accepts the edited file with no new warning, and the \
             request then passes"
                .into(),
        );
    } else if found.why_not.is_empty() && blocked {
        out.push("no line added to this policy file makes the request pass".into());
    }
    out.extend(found.why_not.iter().map(|w| shown_message(w)));
    out
}

fn source_at(source: &Source<'_>, offset: usize) -> String {
    let line = cors_policy_grammar::span::line_col(source.text, offset).0;
    format!("{}:{line}", shown_str(source.file))
}

/// The URL as the input gave it, for the first line.
fn request_url(request: &HttpRequest) -> String {
    let url = request.url();
    match url.strip_prefix('…') {
        Some(path) => format!("…{}", shown_str(path)),
        None => shown_str(&url),
    }
}

/// `text` with the placeholder origin of an unknown URL shown as `…`.
fn display_url(page: &Page, text: &str) -> String {
    let text = if page.target_known {
        text.to_owned()
    } else {
        text.replace(simulate::UNKNOWN_TARGET, "…")
    };
    shown_message(&text)
}

impl Account {
    fn human(&self) -> String {
        let mut out = String::new();
        for line in &self.summary {
            out.push_str(line);
            out.push('\n');
        }
        let numbered = self.exchanges.iter().any(|e| e.title == "Preflight");
        for (i, exchange) in self.exchanges.iter().enumerate() {
            out.push('\n');
            let d = &exchange.described;
            let head = d.request_lines.first().cloned().unwrap_or_default();
            if numbered {
                out.push_str(&format!("{}. {}: {head}\n", i + 1, exchange.title));
            } else {
                out.push_str(&format!("{}: {head}\n", exchange.title));
            }
            for line in d.request_lines.iter().skip(1) {
                out.push_str(&format!("     {line}\n"));
            }
            for line in &d.policy_lines {
                out.push_str(&format!("   {line}\n"));
            }
            write_checks(&mut out, &d.checks);
            out.push_str(&format!("   Answer: {}\n", d.answer));
            for line in &d.answer_headers {
                out.push_str(&format!("     {line}\n"));
            }
            for line in &exchange.browser {
                out.push_str(&format!("   {line}\n"));
            }
        }
        out.push('\n');
        match &self.verdict {
            Verdict::NotEnforced => out.push_str(
                "In the browser: nothing to enforce; CORS applies only to cross-origin requests.\n",
            ),
            Verdict::NotABrowser => out.push_str(
                "In the browser: no browser sends this `Origin`; a page behind whatever sent it would be \
                 blocked (\"No 'Access-Control-Allow-Origin' header is present on the requested resource.\").\n",
            ),
            Verdict::Allowed => {
                out.push_str("In the browser: allowed.\n");
                for line in &self.after {
                    out.push_str(&format!("  - {line}\n"));
                }
            }
            Verdict::Blocked { stage, console, .. } => {
                let what = match stage {
                    Stage::Preflight => "the preflight fails, so the request itself is never sent",
                    Stage::Actual => {
                        "the request reaches the server (your handler runs), but the script cannot read the response"
                    }
                };
                out.push_str(&format!(
                    "In the browser: blocked; {what}. fetch() rejects with \"TypeError: Failed to fetch\" and \
                     Chromium's console says:\n\n    {console}\n"
                ));
            }
            Verdict::BlockedNotCors => {
                out.push_str("In the browser: blocked before any CORS check (see \"Not CORS\").\n");
            }
            Verdict::TypeError(why) => out.push_str(&format!(
                "In the browser: fetch() throws before sending anything:\n\n    TypeError: {}\n",
                shown_message(why)
            )),
        }
        if let Some((verdict, detail)) = &self.console {
            let head = match verdict.as_str() {
                "confirmed" => "Your console message: confirmed",
                "different" => "Your console message: not what this policy produces",
                _ => "Your console message:",
            };
            out.push_str(&format!("\n{head}\n  {}\n", indent(&wrap(detail), "  ")));
        }
        if !self.findings.is_empty() {
            out.push_str("\nNot CORS:\n");
            for finding in &self.findings {
                out.push_str(&format!("  - {}\n", indent(&wrap(&finding.text), "    ")));
            }
        }
        if !self.fix_text.is_empty() {
            out.push_str("\nFix:\n");
            for line in &self.fix_text {
                out.push_str(&format!("  {}\n", indent(&wrap(line), "  ")));
            }
        }
        out
    }

    fn json(&self) -> Value {
        let exchange = |title: &str| {
            self.exchanges
                .iter()
                .find(|e| e.title == title)
                .map(|e| e.described.json.clone())
        };
        let (verdict, stage, why, console) = match &self.verdict {
            Verdict::NotEnforced => ("not-cors", None, None, None),
            Verdict::NotABrowser => ("not-a-browser", None, None, None),
            Verdict::Allowed => ("allowed", None, None, None),
            Verdict::Blocked {
                stage,
                why,
                console,
            } => (
                "blocked",
                Some(match stage {
                    Stage::Preflight => "preflight",
                    Stage::Actual => "actual",
                }),
                Some(why.clone()),
                Some(console.clone()),
            ),
            Verdict::BlockedNotCors => ("blocked-not-cors", None, None, None),
            Verdict::TypeError(why) => ("type-error", None, Some(why.clone()), None),
        };
        let fix = self.fix.as_ref().map(|f| {
            json!({
                "passes": f.passes,
                "edits": f.edits.iter().map(edit_json).collect::<Vec<_>>(),
                "alternatives": f.alternatives.iter().map(edit_json).collect::<Vec<_>>(),
                "why_not": f.why_not,
            })
        });
        json!({
            "credentials": self.credentials.map(|(mode, from)| json!({"mode": mode, "from": from})),
            "preflight": exchange("Preflight").or_else(|| exchange("Preflight (as given)")),
            "actual": exchange("Actual request").or_else(|| exchange("The request")),
            "browser": {
                "verdict": verdict,
                "stage": stage,
                "message": why,
                "console": console,
            },
            "console": self.console.as_ref().map(|(v, d)| json!({"verdict": v, "detail": d})),
            "not_cors": self.findings.iter().map(|f| json!({"kind": f.kind, "blocks": f.blocks, "text": f.text})).collect::<Vec<_>>(),
            "fix": fix,
        })
    }
}

fn edit_json(edit: &Edit) -> Value {
    match edit {
        Edit::AddLine { policy, line } => json!({"policy": policy, "add": line}),
        Edit::ReplaceOrigin {
            policy,
            entry,
            with,
        } => json!({"policy": policy, "entry": entry, "replace_with": with}),
    }
}

fn write_checks(out: &mut String, checks: &[Check]) {
    const LABEL: usize = 12;
    for check in checks {
        let mark = match check.pass {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        out.push_str(&format!(
            "   {mark} {:<LABEL$} {}\n",
            check.label, check.text
        ));
        for line in &check.more {
            out.push_str(&format!("     {:<LABEL$} {line}\n", ""));
        }
    }
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

/// `text` with its prose lines wrapped at 96 columns; lines that start with
/// a space (policy lines, quoted messages) are kept whole.
fn wrap(text: &str) -> String {
    const WIDTH: usize = 96;
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.starts_with(' ') || line.chars().count() <= WIDTH {
            out.push(line.to_owned());
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out.join("\n")
}

/// Indents every non-empty line of `text` after the first by `by`.
fn indent(text: &str, by: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_owned()
            } else {
                format!("{by}{l}")
            }
        })
        .collect();
    lines.join("\n")
}
