//! The `explain` corpus (`tests/data/explain/*.toml`, see its README): the
//! seed guide's catalogue of CORS errors, each run through `cors-policy
//! explain --format json`, and each fix re-checked here on its own: its lines
//! written into the policy text by this test, `check` run on the result, and
//! the request explained again, which must then be allowed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    policies: BTreeMap<String, String>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    catalogue: String,
    policy_ref: String,
    args: Vec<String>,
    verdict: String,
    stage: Option<String>,
    message: Option<String>,
    fix_policy: Option<String>,
    fix: Option<Vec<String>>,
    fix_replace: Option<(String, String)>,
    #[serde(default)]
    why_not: Vec<String>,
    not_cors: Option<Vec<String>>,
    console: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/explain")
}

fn load() -> Vec<(String, String, Case)> {
    let mut files: Vec<_> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let file: File = toml::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        for case in file.case {
            let policy = file
                .policies
                .get(&case.policy_ref)
                .unwrap_or_else(|| panic!("{}: no policy `{}`", case.name, case.policy_ref))
                .clone();
            out.push((stem.clone(), policy, case));
        }
    }
    out
}

fn explain_json(dir: &Path, policy: &str, args: &[String]) -> Value {
    let file = dir.join("policy.cors");
    std::fs::write(&file, policy).unwrap();
    let mut all = vec![
        "explain".to_owned(),
        file.display().to_string(),
        "--format".into(),
        "json".into(),
    ];
    all.extend(args.iter().cloned());
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let r = common::run(&all);
    assert_eq!(r.code, 0, "{all:?}: {}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "one JSON line: {}", r.stdout);
    common::json(&r.stdout)
}

/// The policy text with `case`'s fix written in by hand: the replaced
/// origin entry, then each line before the closing brace of the policy
/// named `fix_policy`.
fn apply_fix(policy: &str, case: &Case) -> String {
    let name = case.fix_policy.as_deref().expect("a fix names its policy");
    let open = format!("policy \"{name}\" {{");
    let start = policy
        .find(&open)
        .unwrap_or_else(|| panic!("{}: no {open}", case.name));
    let close = start + policy[start..].find("\n}").expect("a multi-line policy") + 1;
    let mut body = policy[start..close].to_owned();
    if let Some((old, new)) = &case.fix_replace {
        let line = body
            .lines()
            .find(|l| l.trim_start().starts_with("origins") && l.contains(old.as_str()))
            .unwrap_or_else(|| panic!("{}: no origins line with {old}", case.name))
            .to_owned();
        body = body.replacen(&line, &line.replacen(old.as_str(), new, 1), 1);
    }
    for line in case.fix.as_deref().unwrap_or_default() {
        body.push_str(&format!("    {line}\n"));
    }
    format!("{}{body}{}", &policy[..start], &policy[close..])
}

#[test]
fn every_case_and_every_fix() {
    let cases = load();
    assert!(cases.len() >= 60, "the corpus has {} cases", cases.len());
    let mut names = std::collections::BTreeSet::new();
    let mut fixes = 0;
    let mut failures = Vec::new();
    for (stem, policy, case) in &cases {
        assert!(
            names.insert(case.name.clone()),
            "duplicate case name {}",
            case.name
        );
        let dir = common::scratch(&format!("explain-corpus-{}", names.len()));
        let v = explain_json(&dir, policy, &case.args);
        let label = format!("{stem}: {} [{}]", case.name, case.catalogue);
        let browser = &v["browser"];
        let mut problems = Vec::new();
        if browser["verdict"] != case.verdict.as_str() {
            problems.push(format!(
                "verdict {} (expected {})",
                browser["verdict"], case.verdict
            ));
        }
        if let Some(stage) = &case.stage
            && browser["stage"] != stage.as_str()
        {
            problems.push(format!("stage {} (expected {stage})", browser["stage"]));
        }
        if let Some(message) = &case.message
            && browser["message"] != message.as_str()
        {
            problems.push(format!(
                "message {} (expected {message:?})",
                browser["message"]
            ));
        }
        if let Some(console) = &case.console
            && v["console"]["verdict"] != console.as_str()
        {
            problems.push(format!("console {} (expected {console})", v["console"]));
        }
        if let Some(expected) = &case.not_cors {
            let found: Vec<&str> = v["not_cors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["kind"].as_str().unwrap())
                .collect();
            if found != *expected {
                problems.push(format!("not_cors {found:?} (expected {expected:?})"));
            }
        }
        let why_not: Vec<&str> = v["fix"]["why_not"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for needle in &case.why_not {
            if !why_not.iter().any(|w| w.contains(needle.as_str())) {
                problems.push(format!("no why-not with {needle:?} in {why_not:?}"));
            }
        }
        let passes = v["fix"]["passes"] == true;
        let added: Vec<&str> = v["fix"]["edits"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["add"].as_str()).collect())
            .unwrap_or_default();
        match (&case.fix, case.fix_replace.is_some()) {
            (None, false) => {
                if passes {
                    problems.push(format!("a fix {added:?}, expected none"));
                }
            }
            (expected, _) => {
                let expected: Vec<&str> = expected.iter().flatten().map(String::as_str).collect();
                if !passes || added != expected {
                    problems.push(format!(
                        "fix {added:?} (passes {passes}), expected {expected:?}"
                    ));
                }
                let replaced = v["fix"]["edits"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find_map(|e| e["replace_with"].as_str());
                if replaced != case.fix_replace.as_ref().map(|(_, new)| new.as_str()) {
                    problems.push(format!(
                        "replacement {replaced:?}, expected {:?}",
                        case.fix_replace
                    ));
                }
                // Re-check the fix independently of the command's own check.
                let fixed = apply_fix(policy, case);
                let file = dir.join("fixed.cors");
                std::fs::write(&file, &fixed).unwrap();
                let check = common::run(&["check", file.to_str().unwrap()]);
                if check.code != 0 || check.stderr.contains("warning") {
                    problems.push(format!(
                        "the fixed policy does not pass check:\n{fixed}\n{}",
                        check.stderr
                    ));
                }
                let after = explain_json(&dir, &fixed, &case.args);
                if after["browser"]["verdict"] != "allowed"
                    && after["browser"]["verdict"] != "not-cors"
                {
                    problems.push(format!(
                        "with the fix, still {}:\n{fixed}",
                        after["browser"]
                    ));
                }
                fixes += 1;
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{label}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(fixes >= 30, "only {fixes} fixes re-checked");
}
