//! Judging one case three ways: what the browser did, what the engine's verdicts on the
//! requests the browser actually sent imply, and what the browser model predicts.

use cors_policy::Engine;

use super::case::{Case, Verdict};
use super::page::{CaseResult, Run};
use super::server::{Exchange, Ports, RAW_PREFIX, app_response, raw_response, scripted_response};
use cors_policy::browser::{
    self, BrowserOptions, CredentialsMode, Flavor, HttpRequest, HttpResponse, Outcome,
    engine_answer, engine_request,
};

/// One line of the report.
#[derive(Debug, Clone)]
pub struct Row {
    /// The case's name.
    pub name: String,
    /// What the case expects.
    pub expected: String,
    /// What Chromium did (each run, when they differ).
    pub browser: String,
    /// The engine's verdicts on the requests Chromium sent (`P` preflight, `A` actual),
    /// and the outcome they imply.
    pub engine: String,
    /// The model, Chromium flavour.
    pub model: String,
    /// The model, as the Fetch standard is written.
    pub spec: String,
    /// What the server saw: e.g. `OPTIONS PUT` (the requests, in order).
    pub wire: String,
    /// For a fetch the model says is blocked: whether Chromium printed a console line about
    /// it and every such line is the model's, byte for byte.
    pub console_matched: Option<bool>,
    /// Everything that disagrees; empty when the case passes.
    pub problems: Vec<String>,
    /// The case's note.
    pub note: String,
}

/// How the engine's answer is applied to a response, exactly as the decision documents it
/// (set every `access-control-*`, append `vary`): the server the model talks to.
pub fn engine_server(engine: &Engine, request: &HttpRequest) -> HttpResponse {
    if request.path.starts_with(RAW_PREFIX) {
        return raw_response(request).0;
    }
    engine_answer(engine, request, &mut |request: &HttpRequest| {
        let cookie = request.header_str("cookie");
        app_response(&request.method, &request.path, cookie.as_deref()).0
    })
}

/// Whether Chromium 156's preflight cache answers for a repeat of `case` right after the
/// preflight that gave `result` (all observed here):
/// - the entry lives for the max-age (5 s when absent, 0 for `max-age 0`);
/// - `fetch()` with `cache: 'no-store'` or `'reload'` bypasses the preflight cache (the
///   spec leaves the cache to the user agent, so this is allowed);
/// - a cached `Access-Control-Allow-Headers: *` does not cover `authorization` — the
///   cache applies the "CORS non-wildcard request-header name" rule that Chromium's
///   preflight check skips, so such a fetch is preflighted every time.
pub fn chromium_cache_hit(case: &Case, result: &browser::PreflightResult) -> bool {
    if result.chromium_cache_seconds() == 0 {
        return false;
    }
    if matches!(case.cache.as_deref(), Some("no-store" | "reload")) {
        return false;
    }
    let covered_by_name = |name: &str| {
        result
            .header_names
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    };
    !case
        .headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("authorization") && !covered_by_name(name))
}

/// The `access-control-*` and `vary` lines of a response, sorted.
fn cors_headers(response: &HttpResponse) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = response
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.to_ascii_lowercase(),
                String::from_utf8_lossy(v).into_owned(),
            )
        })
        .filter(|(n, _)| n.starts_with("access-control-") || n == "vary")
        .collect();
    out.sort();
    out
}

fn verdict_of(outcome: &Outcome) -> Verdict {
    match outcome {
        Outcome::Ok { response, .. } => Verdict::Ok(response.status),
        Outcome::Blocked { .. } => Verdict::Blocked,
        Outcome::TypeError { .. } => Verdict::Thrown,
    }
}

fn header_value(headers: &[(String, Vec<u8>)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}

/// The engine's verdict on one request, and whether its answer satisfies a request of this
/// credentials mode (with `include`, Fetch's CORS check wants the origin echoed, not `*`,
/// and `Access-Control-Allow-Credentials: true` — the engine only sends those for a
/// credentialed policy).
fn engine_verdict(engine: &Engine, request: &HttpRequest, include: bool) -> (bool, String) {
    let mut lines = Vec::new();
    let decision = engine.decide(&engine_request(request, &mut lines));
    let mut allow_origin = None;
    let mut credentials = false;
    for header in decision.headers() {
        match header.name {
            "access-control-allow-origin" => allow_origin = Some(header.value_str()),
            "access-control-allow-credentials" => credentials = true,
            _ => {}
        }
    }
    let kind = if request.is_preflight() { "P" } else { "A" };
    let mut shown = format!(
        "{kind}:{}",
        if decision.allowed() { "allow" } else { "deny" }
    );
    let mut ok = decision.allowed();
    if ok && include && (allow_origin == Some("*") || !credentials) {
        shown.push_str(if allow_origin == Some("*") {
            "(*)"
        } else {
            "(no-cred)"
        });
        ok = false;
    }
    (ok, shown)
}

fn show_runs(verdicts: &[Verdict]) -> String {
    match verdicts.split_first() {
        Some((first, rest)) if rest.iter().all(|v| v == first) => first.to_string(),
        _ => verdicts
            .iter()
            .map(Verdict::to_string)
            .collect::<Vec<_>>()
            .join(" / "),
    }
}

/// Judges one case. `exchanges` are the API server's records for this case's path (all
/// runs, in order); `console` is the browser's console for the page that ran it.
pub fn judge(
    case: &Case,
    ports: Ports,
    engine: &Engine,
    result: Option<&CaseResult>,
    exchanges: &[Exchange],
    console: &[String],
) -> Row {
    let mut problems = Vec::new();
    let expected = case.expect.verdict;
    let include = case.credentials == CredentialsMode::Include;
    let scripted = !case.answers.is_empty();
    let raw = case.path.starts_with(RAW_PREFIX) || scripted;

    // The browser.
    let runs: &[Run] = result.map_or(&[], |r| r.runs.as_slice());
    if runs.len() != usize::from(case.repeat) {
        problems.push(format!(
            "the page reported {} runs, not {}",
            runs.len(),
            case.repeat
        ));
    }
    let browser_verdicts: Vec<Verdict> = runs.iter().map(Run::verdict).collect();
    for (i, v) in browser_verdicts.iter().enumerate() {
        if *v != expected {
            problems.push(format!("browser run {}: {v}, expected {expected}", i + 1));
        }
    }
    for run in runs {
        match run {
            Run::Ok { read, .. } => {
                for (name, want) in &case.expect.headers {
                    let got = read.get(name).cloned().flatten();
                    if &got != want {
                        problems.push(format!("browser read {name}: {got:?}, expected {want:?}"));
                    }
                }
            }
            Run::Error { error } if expected == Verdict::Thrown || expected == Verdict::Blocked => {
                let _ = error;
            }
            Run::Error { error } => problems.push(format!("browser error: {error}")),
        }
    }

    // What reached the server.
    let preflights: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| e.request.is_preflight())
        .collect();
    let actuals: Vec<&Exchange> = exchanges
        .iter()
        .filter(|e| !e.request.is_preflight())
        .collect();
    let wire = if exchanges.is_empty() {
        "nothing".to_owned()
    } else {
        exchanges
            .iter()
            .map(|e| format!("{}→{}", e.request.method, e.response.status))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if let Some(n) = case.expect.preflights
        && preflights.len() != n
    {
        problems.push(format!(
            "the server saw {} preflights, expected {n}",
            preflights.len()
        ));
    }
    for (cookie, want) in &case.expect.cookies {
        if actuals.is_empty() && *want {
            problems.push(format!(
                "no actual request reached the server to carry `{cookie}`"
            ));
        }
        for exchange in &actuals {
            let got = exchange.request.header_str("cookie").is_some_and(|c| {
                c.split(';')
                    .any(|pair| pair.trim().starts_with(&format!("{cookie}=")))
            });
            if got != *want {
                problems.push(format!(
                    "the server {} cookie `{cookie}`",
                    if got { "received" } else { "did not receive" }
                ));
            }
        }
    }

    // The tower adapter's responses, header for header, against the engine's decision
    // applied as documented.
    if !raw {
        for (i, exchange) in exchanges.iter().enumerate() {
            let want = engine_server(engine, &exchange.request);
            let (got, want_cors) = (cors_headers(&exchange.response), cors_headers(&want));
            if exchange.response.status != want.status || got != want_cors {
                problems.push(format!(
                    "adapter response {}: {} {got:?}, the decision says {} {want_cors:?}",
                    i + 1,
                    exchange.response.status,
                    want.status
                ));
            }
        }
    }

    // The browser model, both flavours, against the same engine (or the raw route).
    let page_request = case.page_request(ports.page, ports.api);
    let model_trace = |flavor| {
        let opts = BrowserOptions::default().flavor(flavor);
        browser::browser_fetch_traced(&page_request, &opts, &mut |http: &HttpRequest| {
            if scripted {
                scripted_response(&case.answers, ports, http)
                    .unwrap_or_else(|| HttpResponse::new(404))
            } else {
                engine_server(engine, http)
            }
        })
    };
    let chromium = model_trace(Flavor::Chromium);
    let spec = model_trace(Flavor::Spec);
    let model_verdict = verdict_of(&chromium.outcome);
    let spec_verdict = verdict_of(&spec.outcome);
    if model_verdict != expected {
        problems.push(format!("model: {model_verdict}, expected {expected}"));
    }
    match (spec_verdict != model_verdict, case.spec_differs) {
        (true, false) => problems.push(format!(
            "undeclared Chromium/spec disagreement: the spec says {spec_verdict}"
        )),
        (false, true) => problems
            .push("declared Chromium/spec disagreement not seen: the spec agrees now".to_owned()),
        _ => {}
    }
    if let Outcome::Ok {
        readable_headers, ..
    } = &chromium.outcome
    {
        for (name, want) in &case.expect.headers {
            let got = header_value(readable_headers, name);
            if &got != want {
                problems.push(format!("model reads {name}: {got:?}, expected {want:?}"));
            }
        }
        // Every name the page could read, the model can read in the response the server
        // really sent (hyper adds `content-length` and `date`), and no more.
        if let (Some(Run::Ok { names, .. }), Some(sent)) = (runs.first(), actuals.first()) {
            let model_names: Vec<String> =
                browser::readable_headers(&sent.response.headers, case.credentials, false)
                    .into_iter()
                    .map(|(n, _)| n)
                    .collect();
            // hyper adds `date` (and `content-length` for some bodies) as it writes the
            // response, after the recorder has seen it.
            let mut browser_names: Vec<String> = names
                .iter()
                .filter(|n| {
                    !matches!(n.as_str(), "date" | "content-length")
                        || sent.response.headers.iter().any(|(h, _)| h == *n)
                })
                .cloned()
                .collect();
            browser_names.sort();
            if model_names != browser_names {
                problems.push(format!(
                    "readable header names: browser {browser_names:?}, model {model_names:?}"
                ));
            }
        }
    }
    // The first run's requests are those the model sends (it has no preflight cache).
    let model_wire: Vec<&HttpRequest> = chromium.exchanges.iter().map(|(r, _)| r).collect();
    for (i, sent) in model_wire.iter().enumerate() {
        let Some(seen) = exchanges.get(i) else {
            if expected != Verdict::Thrown {
                problems.push(format!(
                    "the model sends {} {} but the server saw nothing there",
                    sent.method, sent.path
                ));
            }
            break;
        };
        for name in [
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
        ] {
            let (a, b) = (sent.header_str(name), seen.request.header_str(name));
            if a != b {
                problems.push(format!(
                    "request {} `{name}`: browser sent {b:?}, model sends {a:?}",
                    i + 1
                ));
            }
        }
        if sent.method != seen.request.method {
            problems.push(format!(
                "request {}: browser sent method {}, model sends {}",
                i + 1,
                seen.request.method,
                sent.method
            ));
        }
    }
    // The preflight cache: the later runs, a few milliseconds after the first, send no
    // preflight when Chromium's cache answers for them.
    let first_run = chromium
        .exchanges
        .iter()
        .filter(|(r, _)| r.is_preflight())
        .count();
    let later_runs = match &chromium.outcome {
        Outcome::Ok {
            preflight: Some(p), ..
        } if chromium_cache_hit(case, p) => 0,
        _ => first_run,
    };
    let model_preflights = first_run + later_runs * usize::from(case.repeat.saturating_sub(1));
    if model_preflights != preflights.len() {
        problems.push(format!(
            "the server saw {} preflights, the model (with Chromium's preflight cache) \
             predicts {model_preflights}",
            preflights.len()
        ));
    }
    // Chromium's console line for a blocked fetch.
    // The model's line is the one `explain` prints: the same function, the same answers.
    let lines = console_lines(console, &case.url(ports.api));
    // A network error that is not a CORS error has no CORS line.
    let want_line = match &chromium.outcome {
        Outcome::Blocked {
            console, reason, ..
        } if reason.is_cors_error() => Some(console),
        _ => None,
    };
    let console_matched =
        want_line.map(|want| !lines.is_empty() && lines.iter().all(|l| *l == want));
    if let Some(text) = &case.expect.console
        && !lines.iter().any(|l| l.contains(text.as_str()))
    {
        problems.push(format!(
            "no console line says {text:?}; Chromium printed {lines:?}"
        ));
    }
    match want_line {
        Some(want) => {
            if lines.is_empty() {
                problems.push(format!("no console message; the model expects: {want}"));
            }
            for line in lines {
                if *line != *want {
                    problems.push(format!("console: {line}\n      model: {want}"));
                }
            }
        }
        None => {
            for line in lines {
                problems.push(format!("unexpected console message: {line}"));
            }
        }
    }

    // The engine's verdicts on what the browser sent. A request the browser did not send
    // (blocked at the preflight) is judged as the model says the browser would send it.
    let engine_column = if raw {
        "n/a (raw route)".to_owned()
    } else if case.expect.verdict == Verdict::Thrown && exchanges.is_empty() {
        "nothing sent".to_owned()
    } else {
        let mut shown = Vec::new();
        let mut ok = true;
        for exchange in &preflights {
            let (allowed, s) = engine_verdict(engine, &exchange.request, include);
            ok &= allowed;
            shown.push(s);
        }
        if actuals.is_empty() {
            let would_send = chromium
                .exchanges
                .iter()
                .map(|(r, _)| r.clone())
                .find(|r| !r.is_preflight())
                .or_else(|| {
                    browser::prepare(&page_request, &BrowserOptions::default())
                        .ok()
                        .map(|p| browser::actual_request(&p))
                });
            if let Some(request) = would_send {
                let (allowed, s) = engine_verdict(engine, &request, include);
                ok &= allowed;
                shown.push(format!("{s}(unsent)"));
            }
        }
        for exchange in &actuals {
            let (allowed, s) = engine_verdict(engine, &exchange.request, include);
            ok &= allowed;
            shown.push(s);
        }
        let status = actuals.first().map_or(200, |e| e.response.status);
        let implied = if ok {
            Verdict::Ok(status)
        } else {
            Verdict::Blocked
        };
        if implied != expected {
            problems.push(format!("engine implies {implied}, expected {expected}"));
        }
        format!("{} ⇒ {implied}", shown.join(" "))
    };

    Row {
        name: case.name.clone(),
        expected: expected.to_string(),
        browser: if runs.is_empty() {
            "no result".to_owned()
        } else {
            show_runs(&browser_verdicts)
        },
        engine: engine_column,
        model: verdict_of(&chromium.outcome).to_string(),
        spec: spec_verdict.to_string(),
        wire,
        console_matched,
        problems,
        note: case.note.clone(),
    }
}

/// The console lines about a fetch of `url`: those that name it as the URL fetched or as
/// the one "redirected from".
pub fn console_lines<'a>(console: &'a [String], url: &str) -> Vec<&'a String> {
    let quoted = format!("'{url}'");
    console
        .iter()
        .filter(|l| l.starts_with("Access to fetch at ") && l.contains(&quoted))
        .collect()
}

/// The table of all rows, with each row's problems under it.
pub fn table(rows: &[Row]) -> String {
    let headers = [
        "case", "expected", "browser", "engine", "model", "spec", "wire",
    ];
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            [
                r.name.clone(),
                r.expected.clone(),
                r.browser.clone(),
                r.engine.clone(),
                r.model.clone(),
                r.spec.clone(),
                r.wire.clone(),
            ]
        })
        .collect();
    let mut widths = headers.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_owned()
    };
    let mut out = line(&headers.map(str::to_owned));
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 3 * (widths.len() - 1)));
    out.push('\n');
    for (row, cell) in rows.iter().zip(&cells) {
        out.push_str(&line(cell));
        out.push('\n');
        for problem in &row.problems {
            out.push_str(&format!("    !! {problem}\n"));
        }
    }
    out.push_str("\nnotes:\n");
    for row in rows.iter().filter(|r| !r.note.is_empty()) {
        out.push_str(&format!("  {}: {}\n", row.name, row.note));
    }
    out
}
