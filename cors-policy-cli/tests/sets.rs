//! `--set NAME=FILE` for `eval` and `explain`, and `check` on `skip` and
//! `set "NAME"`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_contains, json, run, scratch};

const POLICY: &str = r#"policy "hooks" { paths "/hooks/**" skip }
policy "api" { origins "https://app.example.com", set "tenants" credentials }
"#;

/// A scratch directory holding the policy and a tenants file; returns
/// their absolute paths.
fn files(name: &str, tenants: &str) -> (String, String) {
    let dir = scratch(name);
    std::fs::write(dir.join("p.cors"), POLICY).unwrap();
    std::fs::write(dir.join("tenants.txt"), tenants).unwrap();
    (
        dir.join("p.cors").display().to_string(),
        dir.join("tenants.txt").display().to_string(),
    )
}

#[test]
fn eval_reads_the_set_from_a_file() {
    let (policy, tenants) = files(
        "eval-set",
        "# one origin a line\nhttps://acme.example.com\n\n  https://*.globex.example  \n",
    );
    let set = format!("tenants={tenants}");
    for (origin, allowed) in [
        ("https://acme.example.com", true),
        ("https://eu.globex.example", true),
        ("https://app.example.com", true),
        ("https://initech.example", false),
    ] {
        let r = run(&[
            "eval",
            &policy,
            "-X",
            "GET",
            "-H",
            &format!("Origin: {origin}"),
            "--set",
            &set,
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stderr, "");
        let v = json(&r.stdout);
        assert_eq!(v["allowed"], allowed, "{origin}");
    }
}

#[test]
fn rejected_set_entries_are_shown_with_their_line_and_left_out() {
    let (policy, tenants) = files(
        "eval-rejected",
        "https://acme.example.com\nhttps://a.example/\nhttps://*.com\n",
    );
    let set = format!("tenants={tenants}");
    let r = run(&[
        "eval",
        &policy,
        "-X",
        "GET",
        "-H",
        "Origin: https://a.example",
        "--set",
        &set,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json(&r.stdout)["allowed"], false);
    assert_contains(
        &r.stderr,
        &[
            "error[E0006/invalid-origin]: `https://a.example/` ends with `/`",
            "tenants.txt:2:1",
        ],
    );
    assert!(r.stderr.contains("error[E0016/public-suffix-wildcard]"));
    assert!(r.stderr.contains("tenants.txt:3:1"));
    assert!(r.stderr.contains("no `allow` applies to an origin set"));
    assert!(r.stderr.contains("set `tenants`: 2 of 3 entries left out"));
}

#[test]
fn a_missing_or_unused_set_is_a_usage_error() {
    let (policy, tenants) = files("eval-missing", "https://acme.example.com\n");
    let r = run(&["eval", &policy, "-X", "GET"]);
    assert_eq!(r.code, 2);
    assert_contains(
        &r.stderr,
        &["the policies read the origin set `tenants`, which was not given"],
    );
    assert!(r.stderr.contains("--set tenants=FILE"));

    let both = [format!("tenants={tenants}"), format!("other={tenants}")];
    let r = run(&[
        "eval", &policy, "-X", "GET", "--set", &both[0], "--set", &both[1],
    ]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["`--set other` names a set no policy reads"]);

    for bad in ["tenants", "a b=x", "tenants="] {
        let r = run(&["eval", &policy, "-X", "GET", "--set", bad]);
        assert_eq!(r.code, 2, "{bad}: {}", r.stderr);
    }
    let r = run(&[
        "eval",
        &policy,
        "-X",
        "GET",
        "--set",
        "tenants=/nonexistent/t.txt",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn eval_and_explain_answer_a_skipped_path_as_unhandled() {
    let (policy, tenants) = files("skip", "https://acme.example.com\n");
    let set = format!("tenants={tenants}");
    let r = run(&[
        "eval",
        &policy,
        "-X",
        "OPTIONS",
        "--path",
        "/hooks/x",
        "-H",
        "Origin: https://acme.example.com",
        "-H",
        "Access-Control-Request-Method: PUT",
        "--set",
        &set,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(v["kind"], "unhandled");
    assert_eq!(v["policy"], serde_json::Value::Null);
    assert_eq!(v["forward"], true);
    assert_eq!(v["headers"], serde_json::json!([]));
    assert!(v["reason"].as_str().unwrap().contains("`hooks`"), "{v}");

    let r = run(&[
        "explain",
        &policy,
        "-X",
        "GET",
        "--path",
        "/x",
        "-H",
        "Origin: https://acme.example.com",
        "--set",
        &set,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_contains(&r.stdout, &["set \"tenants\""]);
}

#[test]
fn check_validates_skip_and_set_names() {
    let dir = scratch("check-skip-set");
    let path = dir.join("bad.cors");
    std::fs::write(
        &path,
        "policy \"hooks\" {\n    paths \"/hooks/**\"\n    skip\n    max-age 10m\n}\npolicy \"api\" {\n    origins set \"a b\"\n}\n",
    )
    .unwrap();
    let path = path.display().to_string();
    let r = run(&["check", "--format", "json", &path]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = json(&r.stdout);
    let names: Vec<(&str, u64)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["name"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(names, [("skip-conflict", 4), ("invalid-origin", 7)]);

    let good = dir.join("good.cors");
    std::fs::write(&good, POLICY).unwrap();
    let r = run(&["check", &good.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
