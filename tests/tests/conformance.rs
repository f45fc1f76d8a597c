//! Runs the conformance corpus (`tests/data/*.toml`) through every driver and
//! reports all mismatches at once.
//!
//! A driver turns a [`Case`] into an [`Answer`]; adding one is a function and
//! a line in [`DRIVERS`]. Three run: the engine's `decide`, the `http`
//! adapter (`Request::from_http`, `apply` / `preflight_response`, and
//! `HttpEngine` checked against them) and the `cors-policy eval` binary.
//! A driver whose interface cannot carry a case's request (an `http` header
//! value with a CR, LF or NUL) skips it; skips are counted, with why, on the
//! driver's summary line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::{Engine, Request};
use cors_policy_tests::conformance::{self, Answer, Case, compare, show_bytes};

/// The `http` adapter and `cors-policy eval` drivers.
#[path = "conformance/drivers.rs"]
mod drivers;

/// A way of answering a case: `Err` when the driver could not even run it
/// (e.g. the policy did not compile), which counts as a mismatch.
type Driver = fn(&Case) -> Result<Answer, String>;

/// Whether a driver's interface can carry a case's request at all: `Err(why)`
/// skips the case for that driver only (counted, with why, in the summary).
type Carries = fn(&Case) -> Result<(), &'static str>;

/// Every driver, by name, with what it can carry.
const DRIVERS: &[(&str, Driver, Carries)] = &[
    ("engine", engine_driver, drivers::any_case),
    ("http", drivers::http_driver, drivers::http_carries),
    ("cli", drivers::cli_driver, drivers::cli_carries),
];

/// The engine's `decide`, fed the request's raw header lines.
fn engine_driver(case: &Case) -> Result<Answer, String> {
    let engine: Engine = case
        .policy
        .parse()
        .map_err(|e: cors_policy::Error| format!("the policy does not compile:\n{e}"))?;
    let r = &case.request;
    let mut request = Request::new(r.method.as_str(), r.path.as_str());
    let mut acrh: Vec<&[u8]> = Vec::new();
    for (name, value) in &r.headers {
        let value = value.as_slice();
        request = match name.to_ascii_lowercase().as_str() {
            "origin" => request.origin(value),
            "access-control-request-method" => request.request_method(value),
            "access-control-request-headers" => {
                acrh.push(AsRef::<[u8]>::as_ref(value));
                request
            }
            "access-control-request-private-network" => request.private_network(value),
            _ => request,
        };
    }
    request = request.request_header_lines(&acrh);
    let decision = engine.decide(&request);
    let reason = decision.reason().to_string();
    Ok(Answer {
        kind: decision.kind().as_str().to_owned(),
        allowed: decision.allowed(),
        policy: decision.policy().map(str::to_owned),
        status: decision.status(),
        forward: decision.forward(),
        headers: decision
            .headers()
            .map(|h| (h.name.to_owned(), show_bytes(h.value)))
            .collect(),
        reason: (!reason.is_empty()).then_some(reason),
    })
}

/// A request as the report shows it: method, path and header lines (long
/// values cut, runs of identical lines counted).
fn show_request(case: &Case) -> String {
    let r = &case.request;
    let mut out = format!("    {} {}\n", r.method, r.path);
    let mut i = 0;
    while i < r.headers.len() {
        let (name, value) = &r.headers[i];
        let run = r.headers[i..]
            .iter()
            .take_while(|h| h == &&r.headers[i])
            .count();
        let shown = show_bytes(value);
        let shown = if shown.len() > 120 {
            format!("{}… ({} bytes)", &shown[..100], value.len())
        } else {
            shown
        };
        let times = if run > 1 {
            format!("  (× {run} lines)")
        } else {
            String::new()
        };
        out.push_str(&format!("    {name}: {shown}{times}\n"));
        i += run;
    }
    out
}

/// The mismatch reports of one driver, and how many cases it skipped, by
/// reason.
fn run(
    driver_name: &str,
    driver: Driver,
    carries: Carries,
    cases: &[Case],
) -> (Vec<String>, std::collections::BTreeMap<&'static str, usize>) {
    let mut failures = Vec::new();
    let mut skipped = std::collections::BTreeMap::new();
    for case in cases {
        if let Err(why) = carries(case) {
            *skipped.entry(why).or_insert(0) += 1;
            continue;
        }
        let diffs = match driver(case) {
            Ok(got) => compare(&case.expect, &got),
            Err(e) => vec![e],
        };
        if diffs.is_empty() {
            continue;
        }
        let mut report = format!("[{driver_name}] {} — {}\n", case.file, case.name);
        if let Some(note) = &case.note {
            report.push_str(&format!("  note: {note}\n"));
        }
        report.push_str("  request:\n");
        report.push_str(&show_request(case));
        for diff in diffs {
            report.push_str(&format!("  {diff}\n"));
        }
        failures.push(report);
    }
    (failures, skipped)
}

#[test]
fn corpus_loads_and_is_large_enough() {
    let cases = conformance::load().unwrap();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let files: std::collections::BTreeSet<_> = cases.iter().map(|c| c.file.as_str()).collect();
    for theme in [
        "origins.toml",
        "bypass.toml",
        "preflight.toml",
        "request_headers.toml",
        "vary.toml",
        "paths.toml",
        "private_network.toml",
    ] {
        assert!(files.contains(theme), "no {theme}");
    }
}

#[test]
fn conformance() {
    let cases = conformance::load().unwrap();
    let mut failures = Vec::new();
    let mut summary = Vec::new();
    for (name, driver, carries) in DRIVERS {
        let (failed, skipped) = run(name, *driver, *carries, &cases);
        let ran = cases.len() - skipped.values().sum::<usize>();
        let mut line = format!("{name}: {} of {ran} cases pass", ran - failed.len());
        if !skipped.is_empty() {
            let why: Vec<String> = skipped
                .iter()
                .map(|(why, n)| format!("{n} skipped: {why}"))
                .collect();
            line.push_str(&format!(" ({})", why.join("; ")));
        }
        summary.push(line);
        failures.extend(failed);
    }
    let summary = summary.join("; ");
    eprintln!("conformance: {summary}");
    assert!(
        failures.is_empty(),
        "\n{}\n{} mismatch(es) — {summary}",
        failures.join("\n"),
        failures.len()
    );
}
