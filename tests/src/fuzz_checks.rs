//! The fuzz targets' inputs and invariants, shared by the cargo-fuzz crate
//! (`fuzz/`, which includes this file by `#[path]`) and by the stable replay
//! test `tests/tests/fuzz_regressions.rs`, so that a crash found on nightly is
//! replayed by plain `cargo test` through exactly the same checks.
//!
//! Every `check_*` function takes the fuzzer's raw bytes and returns `Err`
//! with a description when an invariant breaks; a fuzz target panics on it.
//!
//! Inputs are decoded from bytes with [`arbitrary::Unstructured`] through a
//! few fixed primitives (a byte, a length-prefixed byte string), so that the
//! encoding is stable and [`encode_decide`] can write seeds for the
//! conformance cases; that decoding is the child module `inputs`
//! (`fuzz_checks/inputs.rs`, named by `#[path]` so that the fuzz crate,
//! which includes this file by path, finds it too).

use std::fmt::Write as _;

use crate::reference::{self, Answer, RefRequest};
use arbitrary::{Arbitrary, Unstructured};
use cors_policy::{Decision, Engine, RequestKind};
use cors_policy_grammar::ast::File;
use cors_policy_grammar::model::{self, OriginMatcher};
use cors_policy_grammar::{self as grammar, RenderOptions, Severity, Span};

/// What a check says: `Err` describes the broken invariant.
pub type Outcome = Result<(), String>;

/// The file name diagnostics are rendered with.
const PATH: &str = "fuzz.cors";

#[path = "fuzz_checks/inputs.rs"]
mod inputs;

pub use inputs::{DecideInput, FuzzFile, encode_decide};

// ---- target `parse` ------------------------------------------------------------------------

/// Rule names of the pest grammar, which no message may show.
const RULE_NAMES: &[&str] = &[
    "policy_open",
    "open_brace",
    "close_brace",
    "_stmt",
    "_list",
    "_more",
    "regex_origin",
    "null_kw",
    "quoted_string",
    "raw_string",
    "word_char",
    "kw_",
    "line_comment",
    "block_comment",
    "EOI",
    "SOI",
    "WHITESPACE",
    "COMMENT",
    "Rule::",
];

/// A message outside its backticked user input.
fn prose(message: &str) -> String {
    message.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// Arbitrary bytes through the front end: never a panic; spans within the
/// source; every diagnostic renders and reads as the style asks; a file that
/// checks compiles; a file that parses formats to a fixed point.
pub fn check_parse(data: &[u8]) -> Outcome {
    let checked = grammar::check_bytes(data);
    let src = String::from_utf8_lossy(data);
    if checked.has_errors() == checked.policies.is_some() {
        return Err(format!(
            "has_errors is {} but policies is {:?}",
            checked.has_errors(),
            checked.policies.is_some()
        ));
    }
    let options = RenderOptions::default();
    for d in &checked.diagnostics {
        let Span { start, end } = d.span;
        if start > end || end > data.len() {
            return Err(format!(
                "span {start}..{end} outside 0..{}: {d:?}",
                data.len()
            ));
        }
        if d.message.is_empty() {
            return Err(format!("empty message: {d:?}"));
        }
        if d.message.starts_with(|c: char| c.is_ascii_uppercase()) || d.message.ends_with('.') {
            return Err(format!("message not in house style: {:?}", d.message));
        }
        // Only outside user input; and user input may hold backticks itself,
        // so a rule name the source contains is the user's.
        let shown = prose(&d.message);
        if let Some(rule) = RULE_NAMES
            .iter()
            .find(|r| shown.contains(*r) && !src.contains(*r))
        {
            return Err(format!(
                "message shows the rule name `{rule}`: {:?}",
                d.message
            ));
        }
        if d.severity == Severity::Warning
            && d.kind.default_severity() == Severity::Error
            && !d.kind.downgradable()
        {
            return Err(format!("an error kind downgraded to a warning: {d:?}"));
        }
        let rendered = grammar::render(d, &src, PATH, &options);
        if rendered.is_empty() || !rendered.contains(d.code()) {
            return Err(format!("rendered without its code: {rendered:?} for {d:?}"));
        }
    }
    if !checked.diagnostics.is_empty()
        && grammar::render_all(&checked.diagnostics, &src, PATH, &options).is_empty()
    {
        return Err("render_all is empty".to_owned());
    }
    if let Some(set) = &checked.policies
        && let Err(e) = Engine::from_policies(set)
    {
        return Err(format!("a checked policy set does not compile: {e}\n{src}"));
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(file) = grammar::parse(text)
    {
        formats_to_a_fixed_point(&file)?;
        // `format_source` refuses a file that parses only for what `check`
        // refuses it for too: a raw control character (which `parse` lets
        // through, so that `check` can name it), never anything else.
        if let Err(e) = grammar::format_source(text)
            && !e.iter().all(|d| checked.diagnostics.contains(d))
        {
            return Err(format!("format_source refuses a file that parses: {e:?}"));
        }
    }
    Ok(())
}

// ---- target `roundtrip` --------------------------------------------------------------------

/// `format` then `parse` gives the same AST, and canonical text is a fixed point.
fn formats_to_a_fixed_point(file: &File) -> Outcome {
    let text = grammar::format(file);
    let parsed = grammar::parse(&text).map_err(|e| {
        let shown = grammar::render_all(&e, &text, PATH, &RenderOptions::default());
        format!("the canonical text does not parse:\n{text}\n{shown}")
    })?;
    if &parsed != file {
        return Err(format!(
            "the canonical text parses to another AST:\n{text}\n{file:#?}\n{parsed:#?}"
        ));
    }
    let again = grammar::format(&parsed);
    if again != text {
        return Err(format!("formatting is not a fixed point:\n{text}\n{again}"));
    }
    Ok(())
}

/// An arbitrary AST → `format` → `parse` → the same AST; `format_source`
/// agrees; `check` does not panic on it.
pub fn check_roundtrip(data: &[u8]) -> Outcome {
    let mut u = Unstructured::new(data);
    let Ok(FuzzFile(file)) = FuzzFile::arbitrary(&mut u) else {
        return Ok(());
    };
    formats_to_a_fixed_point(&file)?;
    let text = grammar::format(&file);
    match grammar::format_source(&text) {
        Ok(same) if same == text => {}
        other => {
            return Err(format!(
                "format_source disagrees with format:\n{text}\n{other:?}"
            ));
        }
    }
    let _ = grammar::check(&text);
    Ok(())
}

// ---- target `decide` -----------------------------------------------------------------------

/// The canonical header order.
const ORDER: [&str; 8] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
    "access-control-expose-headers",
    "vary",
];

/// A header value as the engine promises it: visible ASCII with spaces and
/// tabs inside only.
fn valid_value(v: &[u8]) -> bool {
    let ows = |b: &u8| *b == b' ' || *b == b'\t';
    !v.is_empty()
        && v.iter().all(|&b| (0x20..=0x7E).contains(&b) || b == b'\t')
        && !v.first().is_some_and(ows)
        && !v.last().is_some_and(ows)
}

fn values<'h>(headers: &[(&str, &'h [u8])], name: &str) -> Vec<&'h [u8]> {
    headers
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .collect()
}

fn elements(v: &[u8]) -> impl Iterator<Item = &[u8]> {
    v.split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|e| !e.is_empty())
}

fn is_token(v: &[u8]) -> bool {
    !v.is_empty()
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The invariants of one decision (docs/language.md#what-the-engine-answers and the engine's
/// documented promises), whatever the policy.
pub fn check_decision(engine: &Engine, request: &RefRequest, decision: &Decision<'_>) -> Outcome {
    let fail = |what: &str| {
        Err(format!(
            "{what}\nrequest: {request:?}\ndecision: {decision:?}"
        ))
    };
    // Formatting never panics.
    let _ = format!("{decision:?} {}", decision.reason());
    let headers: Vec<(&str, &[u8])> = decision.headers().map(|h| (h.name, h.value)).collect();
    let get = |name: &str| values(&headers, name);
    let mut last: Option<usize> = None;
    for (name, value) in &headers {
        let Some(at) = ORDER.iter().position(|n| n == name) else {
            return fail(&format!("unknown header `{name}`"));
        };
        // Only `access-control-allow-headers` (an echo of several lines) repeats.
        if last.is_some_and(|l| at < l || (at == l && at != 3)) {
            return fail("headers out of canonical order or repeated");
        }
        if !valid_value(value) {
            return fail(&format!("`{name}` has a value a header cannot carry"));
        }
        last = Some(at);
    }
    for name in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "vary",
    ] {
        if get(name).len() > 1 {
            return fail(&format!("more than one `{name}`"));
        }
    }
    let allowed = decision.allowed();
    let kind = decision.kind();
    if decision.forward() != (kind != RequestKind::Preflight) {
        return fail("forward is not `kind != preflight`");
    }
    let handled = decision.policy().is_some();
    let expected_kind = if !handled {
        RequestKind::Unhandled
    } else if request.origins.is_empty() {
        RequestKind::NotCors
    } else if request.method == b"OPTIONS" && !request.request_methods.is_empty() {
        RequestKind::Preflight
    } else {
        RequestKind::Actual
    };
    if kind != expected_kind {
        return fail(&format!("kind should be {expected_kind}"));
    }
    match kind {
        RequestKind::Unhandled if !headers.is_empty() || allowed || decision.status().is_some() => {
            return fail("an unhandled request gets something");
        }
        RequestKind::NotCors if allowed || headers.iter().any(|(n, _)| *n != "vary") => {
            return fail("a request without Origin gets more than vary");
        }
        RequestKind::Preflight => {
            // Allowed and informatively denied preflights take the
            // policy's `preflight-status`; opaque denials are 403.
            let ok = match decision.status() {
                Some(s) if allowed || decision.informative() => (200..=299).contains(&s),
                Some(s) => s == 403,
                None => false,
            };
            if !ok {
                return fail("bad preflight status");
            }
        }
        RequestKind::Actual if decision.status().is_some() => {
            return fail("an actual request has a status");
        }
        _ => {}
    }
    if !allowed
        && !decision.informative()
        && headers
            .iter()
            .any(|(n, _)| n.starts_with("access-control-"))
    {
        return fail("a denied request gets access-control headers");
    }
    if decision.informative() && headers.iter().any(|(n, _)| *n == "access-control-max-age") {
        return fail("an informative denial gets access-control-max-age");
    }
    let vary: Vec<&[u8]> = get("vary").into_iter().flat_map(elements).collect();
    let acao = get("access-control-allow-origin").first().copied();
    let acac = get("access-control-allow-credentials").first().copied();
    if (allowed || decision.informative()) && acao.is_none() {
        return fail("allowed without access-control-allow-origin");
    }
    if acac.is_some_and(|v| v != b"true") {
        return fail("access-control-allow-credentials is not `true`");
    }
    match acao {
        Some(b"*") if acac.is_some() => return fail("`*` with credentials"),
        Some(b"*") => {}
        Some(value) => {
            if request.origins.len() != 1
                || request.origins.first().map(Vec::as_slice) != Some(value)
            {
                return fail("the allowed origin is not the request's single Origin");
            }
            if !vary.contains(&&b"Origin"[..]) {
                return fail("an echoed origin without `vary: Origin`");
            }
        }
        None => {}
    }
    let policy = decision
        .policy_index()
        .and_then(|i| engine.policies().get(i));
    if let Some(policy) = policy {
        if (allowed || decision.informative()) && policy.credentials != acac.is_some() {
            return fail("access-control-allow-credentials does not follow the policy");
        }
        let depends = policy.credentials
            || !policy
                .origins
                .iter()
                .any(|o| o.matcher == OriginMatcher::Any);
        if depends != vary.contains(&&b"Origin"[..]) {
            return fail("`vary: Origin` does not follow whether the answer depends on the origin");
        }
    }
    if kind == RequestKind::Preflight {
        for name in [
            "Access-Control-Request-Method",
            "Access-Control-Request-Headers",
        ] {
            if !vary.contains(&name.as_bytes()) {
                return fail(&format!("a preflight without `vary: {name}`"));
            }
        }
    }
    if kind == RequestKind::Preflight && allowed {
        let method = request
            .request_methods
            .first()
            .map_or(&[][..], Vec::as_slice);
        if [&b"CONNECT"[..], b"TRACE", b"TRACK"]
            .iter()
            .any(|f| f.eq_ignore_ascii_case(method))
        {
            return fail("a forbidden method allowed");
        }
        if request.request_methods.len() != 1 || !is_token(method) {
            return fail("an allowed preflight without one valid requested method");
        }
        let mut names = get("access-control-allow-headers");
        names.extend(get("access-control-allow-methods"));
        for value in names {
            if let Some(e) = elements(value).find(|e| !is_token(e)) {
                return fail(&format!(
                    "an allowed name `{}` is not a token",
                    String::from_utf8_lossy(e)
                ));
            }
        }
        let asked = request.private_network.as_deref() == Some(b"true");
        if asked == get("access-control-allow-private-network").is_empty() {
            return fail("access-control-allow-private-network does not follow the request");
        }
    }
    Ok(())
}

/// Compiles the input's policy; `None` when it does not validate (the front
/// end must still not panic on it).
fn compile(input: &DecideInput) -> Result<Option<(model::PolicySet, Engine)>, String> {
    let checked = grammar::check(&input.policy);
    let Some(set) = checked.policies else {
        return Ok(None);
    };
    match Engine::from_policies(&set) {
        Ok(engine) => Ok(Some((set, engine))),
        Err(e) => Err(format!(
            "a checked policy does not compile: {e}\n{}",
            input.policy
        )),
    }
}

/// An arbitrary policy and requests: `decide` never panics and every
/// decision keeps the invariants of [`check_decision`].
pub fn check_decide(data: &[u8]) -> Outcome {
    let input = DecideInput::decode(data);
    let Some((_, engine)) = compile(&input)? else {
        return Ok(());
    };
    for request in &input.requests {
        let decision = engine.decide(&request.to_request());
        check_decision(&engine, request, &decision)
            .map_err(|e| format!("{e}\npolicy:\n{}", input.policy))?;
    }
    Ok(())
}

// ---- target `differential` -----------------------------------------------------------------

/// The compiled engine and the reference interpreter give the same answer.
pub fn check_differential(data: &[u8]) -> Outcome {
    let input = DecideInput::decode(data);
    let Some((set, engine)) = compile(&input)? else {
        return Ok(());
    };
    for request in &input.requests {
        let got = Answer::of(&engine.decide(&request.to_request()));
        let want = reference::decide(&set.policies, request);
        if got != want {
            let mut msg = String::from("the engine and the reference disagree\n");
            let _ = writeln!(msg, "policy:\n{}", input.policy);
            let _ = writeln!(msg, "request: {request:?}");
            let _ = writeln!(msg, "engine:    {got:?}");
            let _ = writeln!(msg, "reference: {want:?}");
            return Err(msg);
        }
    }
    Ok(())
}

/// The check a target runs, by its name: `parse`, `roundtrip`, `decide`,
/// `differential`.
pub fn check_for(target: &str) -> Option<fn(&[u8]) -> Outcome> {
    match target {
        "parse" => Some(check_parse),
        "roundtrip" => Some(check_roundtrip),
        "decide" => Some(check_decide),
        "differential" => Some(check_differential),
        _ => None,
    }
}

/// Every target's name.
pub const TARGETS: [&str; 4] = ["parse", "roundtrip", "decide", "differential"];
