//! One request the engine answered, described from its [`Trace`]: which
//! policy, each check in the engine's order ([`checks`]), the answer. Both
//! the human text and the JSON are built here, from the trace alone: this
//! module matches nothing itself.
//!
//! Every string from the policy file or the request goes through
//! [`shown`](super::shown) (escaped for the terminal, long values cut) and
//! every list through [`capped`], so the output stays bounded whatever the
//! input.

use cors_policy::{Engine, ListOutcome, OriginOutcome, RequestKind, Trace};
use cors_policy_grammar::model::Policy;
use serde_json::{Value, json};

use super::checks::{self, Check};
use super::shown::{MAX_ITEMS, Source, capped, shown, shown_str};
use crate::policy;
use crate::request::HttpRequest;

/// A request the engine answered, described.
#[derive(Debug, Clone)]
pub(crate) struct Described {
    /// `OPTIONS /api/users` and its CORS request headers.
    pub(crate) request_lines: Vec<String>,
    /// Policy selection, in words.
    pub(crate) policy_lines: Vec<String>,
    /// The checks.
    pub(crate) checks: Vec<Check>,
    /// The answer's first line.
    pub(crate) answer: String,
    /// The answer's headers.
    pub(crate) answer_headers: Vec<String>,
    /// The same, as JSON.
    pub(crate) json: Value,
}

/// Whether the request header `name` (lowercase) is one the engine reads:
/// `Origin` and the `Access-Control-Request-*` headers.
fn is_cors_request_header(name: &str) -> bool {
    name == "origin" || name.starts_with("access-control-request-")
}

/// Traces `request` through `engine` and describes every check.
pub(crate) fn describe(engine: &Engine, source: &Source<'_>, request: &HttpRequest) -> Described {
    let mut lines = Vec::new();
    let engine_request = policy::engine_request(request, &mut lines);
    let trace = engine.trace(&engine_request);
    let policies = engine.policies();
    let policy = trace.decision.policy_index().and_then(|i| policies.get(i));
    let mut request_lines = vec![format!(
        "{} {}",
        shown_str(&request.method),
        shown_str(request.path())
    )];
    let cors_headers = request
        .headers
        .iter()
        .filter(|(n, _)| is_cors_request_header(n));
    request_lines.extend(capped(
        cors_headers.map(|(n, v)| format!("{}: {}", shown_str(n), shown(v))),
    ));
    let policy_lines = policy_lines(&trace, policies, source, request.path());
    let checks = policy
        .map(|p| checks::checks(&trace, p, source))
        .unwrap_or_default();
    let (answer, answer_headers) = answer(&trace);
    let json = trace_json(&trace, request);
    Described {
        request_lines,
        policy_lines,
        checks,
        answer,
        answer_headers,
        json,
    }
}

fn policy_lines(
    trace: &Trace<'_>,
    policies: &[Policy],
    source: &Source<'_>,
    path: &str,
) -> Vec<String> {
    let path = shown_str(path);
    let mut out = Vec::new();
    if policies.is_empty() {
        out.push(format!(
            "Policy: none; `{}` has no policy",
            shown_str(source.file)
        ));
        return out;
    }
    let answered = trace.policies.iter().find(|p| p.matched);
    match answered.and_then(|p| policies.get(p.index).map(|policy| (p, policy))) {
        Some((check, policy)) => {
            let why = match check.paths.iter().find(|g| g.matched) {
                Some(glob) => format!("\"{}\" matches `{path}`", shown_str(glob.glob)),
                None => format!("it has no `paths`, so it covers `{path}` and every path"),
            };
            out.push(format!(
                "Policy: \"{}\" ({}): {why}",
                shown_str(check.name),
                source.at(policy.span.start)
            ));
        }
        None => out.push(format!("Policy: none covers the path `{path}`")),
    }
    let skipped = trace.policies.iter().filter(|p| !p.matched).map(|p| {
        let globs = capped(p.paths.iter().map(|g| format!("\"{}\"", shown_str(g.glob))));
        let at = policies
            .get(p.index)
            .map(|policy| source.at(policy.span.start))
            .unwrap_or_default();
        format!(
            "  skipped \"{}\" ({at}): its paths {} do not match",
            shown_str(p.name),
            globs.join(", ")
        )
    });
    out.extend(capped(skipped));
    out
}

fn answer(trace: &Trace<'_>) -> (String, Vec<String>) {
    let d = &trace.decision;
    let cors = d.headers().any(|h| h.name != "vary");
    let line = match (d.kind(), d.status()) {
        (RequestKind::Preflight, Some(status)) if d.allowed() => format!(
            "{status} with CORS headers; the engine answers the preflight, your handler is not called"
        ),
        (RequestKind::Preflight, Some(status)) if trace.informative() => format!(
            "{status}, an informative denial: the origin and the policy's own lists, so the console names what is missing"
        ),
        (RequestKind::Preflight, Some(status)) => format!(
            "{status}, no CORS headers; the engine answers the preflight, your handler is not called"
        ),
        (RequestKind::Unhandled, _) => {
            "nothing; the request goes on to your handler untouched".to_owned()
        }
        _ if cors => "your handler's response, with CORS headers added".to_owned(),
        (RequestKind::NotCors, _) if d.vary().is_some() => {
            "your handler's response, with only `vary` added".to_owned()
        }
        (RequestKind::NotCors, _) => "your handler's response, untouched".to_owned(),
        _ => "your handler's response, with no CORS headers".to_owned(),
    };
    let headers = capped(
        d.headers()
            .map(|h| format!("{}: {}", h.name, shown(h.value))),
    );
    (line, headers)
}

fn trace_json(trace: &Trace<'_>, request: &HttpRequest) -> Value {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let d = &trace.decision;
    let origin = trace.origin.as_ref().map(|o| {
        let (outcome, detail) = match &o.outcome {
            OriginOutcome::Any => ("any", json!({})),
            OriginOutcome::Matched { entry, source } => {
                ("matched", json!({"entry": entry, "source": source}))
            }
            OriginOutcome::Duplicated => ("duplicated", json!({})),
            OriginOutcome::Malformed {
                problem,
                canonical,
                canonical_entry,
            } => (
                "malformed",
                json!({"problem": problem.to_string(), "canonical": canonical, "canonical_entry": canonical_entry}),
            ),
            OriginOutcome::NotAllowed { candidates } => (
                "not-allowed",
                json!({"candidates": candidates.iter().take(MAX_ITEMS).map(|c| json!({
                    "entry": c.entry,
                    "source": c.source,
                    "differences": c.differences.iter().map(ToString::to_string).collect::<Vec<_>>(),
                })).collect::<Vec<_>>()}),
            ),
            _ => ("other", json!({})),
        };
        let mut v = json!({"origin": text(o.origin), "outcome": outcome});
        if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), detail) {
            obj.extend(more);
        }
        v
    });
    let method = trace.method.as_ref().map(|m| {
        json!({"method": text(m.method), "outcome": format!("{:?}", m.outcome).to_ascii_lowercase(), "allowed": m.outcome.is_allowed()})
    });
    let headers = trace.headers.as_ref().map(|h| {
        let names: Vec<Value> = h
            .names
            .iter()
            .take(MAX_ITEMS * 4)
            .map(|n| json!({"name": text(n.name), "allowed": n.outcome.is_allowed()}))
            .collect();
        let list = match h.list {
            ListOutcome::TooLarge => json!("too-large"),
            ListOutcome::Invalid { element } => json!({"invalid": text(element)}),
            _ => json!("read"),
        };
        json!({"names": names, "more": h.names.len().saturating_sub(MAX_ITEMS * 4), "list": list})
    });
    let private_network = trace.private_network.as_ref().map(
        |p| json!({"requested": p.requested, "enabled": p.enabled, "allowed": p.is_allowed()}),
    );
    let policies: Vec<Value> = trace
        .policies
        .iter()
        .take(MAX_ITEMS * 4)
        .map(|p| json!({"name": p.name, "matched": p.matched, "paths": p.paths.iter().take(MAX_ITEMS).map(|g| json!({"glob": g.glob, "matched": g.matched})).collect::<Vec<_>>()}))
        .collect();
    json!({
        "request": {
            "method": request.method,
            "path": request.path(),
            "headers": request.headers.iter().filter(|(n, _)| is_cors_request_header(n)).take(MAX_ITEMS).map(|(n, v)| json!([n, text(v)])).collect::<Vec<_>>(),
        },
        "kind": d.kind().as_str(),
        "allowed": d.allowed(),
        "informative": trace.informative(),
        "policy": d.policy(),
        "status": d.status(),
        "headers": d.headers().take(MAX_ITEMS * 4).map(|h| json!([h.name, text(h.value)])).collect::<Vec<_>>(),
        "reason": (!d.allowed()).then(|| d.reason().to_string()),
        "trace": {
            "policies": policies,
            "origin": origin,
            "method": method,
            "headers": headers,
            "private_network": private_network,
            "credentials": trace.credentials,
        },
    })
}
