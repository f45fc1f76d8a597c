//! `cors-policy check`: exit codes, the human rendering and the JSON shape.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_contains, json, run, run_stdin, scratch};

#[test]
fn the_bundled_example_is_valid() {
    let r = run(&["check", "../../../examples/policies/api.cors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "no problems in 1 file\n");
}

#[test]
fn errors_exit_1_and_are_all_rendered() {
    let r = run(&["check", "problems.cors"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "", "human diagnostics go to stderr");
    for name in [
        "invalid-origin",
        "public-suffix-wildcard",
        "duplicate-policy",
        "missing-origins",
        "regex-dot",
        "lowercase-method",
        "safelisted-header",
        "max-age-capped",
    ] {
        let code = cors_policy_grammar::Kind::from_name(name).unwrap().code();
        assert!(
            r.stderr.contains(&format!("[{code}/{name}]: ")),
            "`{name}` missing from:\n{}",
            r.stderr
        );
    }
    assert!(
        r.stderr.contains("problems.cors:4:"),
        "positions name the file:\n{}",
        r.stderr
    );
    assert!(r.stderr.ends_with("in 1 file\n"), "{}", r.stderr);
    assert!(
        !r.stderr.contains('\u{1b}'),
        "NO_COLOR means no escape codes"
    );
    insta::assert_snapshot!("check_problems", r.stderr);
}

#[test]
fn warnings_exit_0_unless_denied() {
    let r = run(&["check", "warnings.cors"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("null-origin") && r.stderr.contains("lowercase-method"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.ends_with("2 warnings in 1 file\n"), "{}", r.stderr);

    let r = run(&["check", "--deny-warnings", "warnings.cors"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.ends_with("2 warnings (denied) in 1 file\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn color_always_colours_and_never_does_not() {
    let always = run(&["check", "--color", "always", "warnings.cors"]);
    assert_contains(&always.stderr, &["\u{1b}"]);
    let never = common::finish(common::cmd().env_remove("NO_COLOR").args([
        "check",
        "--color=never",
        "warnings.cors",
    ]));
    assert!(!never.stderr.contains('\u{1b}'));
    // piped stderr is not a terminal: auto means plain even without NO_COLOR
    let auto = common::finish(
        common::cmd()
            .env_remove("NO_COLOR")
            .args(["check", "warnings.cors"]),
    );
    assert!(!auto.stderr.contains('\u{1b}'));
    assert_eq!(
        run(&["check", "--color", "sometimes", "warnings.cors"]).code,
        2
    );
}

#[test]
fn json_has_exactly_the_contract_keys_with_their_types() {
    let r = run(&[
        "check",
        "--format",
        "json",
        "problems.cors",
        "warnings.cors",
    ]);
    assert_eq!(r.code, 1);
    let doc = json(&r.stdout);
    let object = doc.as_object().unwrap();
    assert_eq!(object.keys().collect::<Vec<_>>(), ["diagnostics"]);
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 10, "{diagnostics:#?}");
    for d in diagnostics {
        assert!(["problems.cors", "warnings.cors"].contains(&d["file"].as_str().unwrap()));
        assert!(["error", "warning"].contains(&d["severity"].as_str().unwrap()));
        let code = d["code"].as_str().unwrap();
        assert!(
            code.len() == 5 && (code.starts_with('E') || code.starts_with('W')),
            "{code}"
        );
        assert!(
            d["name"]
                .as_str()
                .unwrap()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        );
        assert!(d["line"].as_u64().unwrap() >= 1);
        assert!(d["column"].as_u64().unwrap() >= 1);
        assert!(!d["message"].as_str().unwrap().is_empty());
        assert!(!d["message"].as_str().unwrap().ends_with('.'));
    }
    let trailing_slash = diagnostics
        .iter()
        .find(|d| d["name"] == "invalid-origin")
        .expect("the trailing slash is reported");
    assert_eq!(trailing_slash["severity"], "error");
    assert_eq!(trailing_slash["file"], "problems.cors");
    assert_eq!(
        (
            trailing_slash["line"].as_u64(),
            trailing_slash["column"].as_u64()
        ),
        (Some(4), Some(13))
    );
    let null = diagnostics
        .iter()
        .find(|d| d["name"] == "null-origin")
        .unwrap();
    assert_eq!(null["severity"], "warning");
    assert_eq!(
        (null["file"].as_str(), null["line"].as_u64()),
        (Some("warnings.cors"), Some(3))
    );
    assert_eq!(r.stderr, "", "json mode keeps stderr for I/O errors");
}

#[test]
fn json_of_a_valid_file_is_an_empty_list() {
    let r = run(&[
        "check",
        "--format=json",
        "../../../examples/policies/api.cors",
    ]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "{\"diagnostics\":[]}\n");
}

#[test]
fn a_missing_file_is_an_io_error_naming_it_and_the_reason() {
    let r = run(&["check", "nope.cors"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: cannot read `nope.cors`: no such file or directory (os error 2)\n"
    );
    // the other files are still checked, and I/O wins over errors
    let r = run(&["check", "nope.cors", "problems.cors"]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["error[E0006/invalid-origin]"]);
    let r = run(&["check", "--format", "json", "problems.cors", "nope.cors"]);
    assert_eq!(r.code, 2);
    assert!(
        !json(&r.stdout)["diagnostics"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(r.stderr.contains("`nope.cors`"));
    // a directory is not a policy file
    let r = run(&["check", "."]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("error: cannot read `.`: is a directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn invalid_utf8_is_a_syntax_diagnostic() {
    let dir = scratch("check-utf8");
    let file = dir.join("latin1.cors");
    std::fs::write(&file, b"policy \"caf\xe9\" { origins * }\n").unwrap();
    let r = common::finish(common::cmd().current_dir(&dir).args([
        "check",
        "--format",
        "json",
        "latin1.cors",
    ]));
    assert_eq!(r.code, 1);
    let doc = json(&r.stdout);
    let d = &doc["diagnostics"][0];
    assert_eq!(d["name"], "syntax");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(12))
    );
    let r = common::finish(
        common::cmd()
            .current_dir(&dir)
            .args(["check", "latin1.cors"]),
    );
    assert_eq!(r.code, 1);
    assert_contains(&r.stderr, &["UTF-8"]);
}

#[test]
fn syntax_errors_and_stdin() {
    let r = run(&["check", "syntax.cors"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("missing `,`"),
        "a missing comma is reported as such:\n{}",
        r.stderr
    );
    assert_contains(&r.stderr, &["syntax.cors:2:36"]);
    let r = run(&["check", "typo.cors"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("E0002"),
        "unknown-statement: {}",
        r.stderr
    );
    assert_contains(&r.stderr, &["did you mean `origins`"]);
    let r = run_stdin(&["check", "-"], b"policy \"p\" { origins * }\n");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_stdin(&["check", "--format", "json", "-"], b"policy \"p\" { }\n");
    assert_eq!(r.code, 1);
    let doc = json(&r.stdout);
    assert_eq!(doc["diagnostics"][0]["file"], "<stdin>");
    assert_eq!(doc["diagnostics"][0]["name"], "missing-origins");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["check"]).code, 2);
    assert_eq!(run(&["check", "--format", "yaml", "warnings.cors"]).code, 2);
    assert_eq!(run(&["check", "--bogus", "warnings.cors"]).code, 2);
    assert_eq!(run(&[]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    let help = run(&["--help"]);
    assert_eq!(help.code, 0);
    for command in ["check", "fmt", "eval", "explain"] {
        assert_contains(&help.stdout, &[command]);
    }
    assert_eq!(run(&["--version"]).code, 0);
}

/// Issue 13, class 7: a file with more diagnostics than are shown renders the
/// first 200 and counts the rest, in words and in JSON (`omitted`).
#[test]
fn diagnostics_past_the_cap_are_counted_not_shown() {
    let origins: Vec<String> = (0..230)
        .map(|i| format!("\"https://a{i}.example.com/x\""))
        .collect();
    let src = format!(
        "policy \"p\" {{ origins {}; methods patch }}\n",
        origins.join(", ")
    );
    let r = run_stdin(&["check", "-"], src.as_bytes());
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr.matches("error[").count(), 200, "{}", r.stderr);
    assert_contains(
        &r.stderr,
        &["… and 31 more diagnostics not shown: 30 errors, 1 warning\n"],
    );
    assert!(
        r.stderr.ends_with("230 errors, 1 warning in 1 file\n"),
        "{}",
        r.stderr
    );

    let r = run_stdin(&["check", "--format", "json", "-"], src.as_bytes());
    let v = json(&r.stdout);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 200);
    assert_eq!(v["omitted"], 31);
}

/// Issue 13, class 11: text from the policy file — a policy name with an
/// OSC title sequence and a screen clear, a raw ESC in a comment, a C1 CSI,
/// a right-to-left override — reaches neither stderr nor the JSON raw; with
/// colours on, the only escape sequences are the renderer's own SGR colours.
#[test]
fn policy_text_never_reaches_the_terminal_raw() {
    let src = "// \u{1b}[2J comment\npolicy \"p\\u{1b}]0;owned\\u{7}\\u{1b}[2J\" { origins \"https://a.com/\u{9b}x\" }\n\
               policy \"p\\u{1b}]0;owned\\u{7}\\u{1b}[2J\" { origins \"https://\u{202e}moc.a\" }\n";
    for color in ["never", "always"] {
        let r = run_stdin(&["check", "--color", color, "-"], src.as_bytes());
        assert_eq!(r.code, 1);
        assert_contains(
            &r.stderr,
            &[r"\u{1b}]0;owned\u{7}\u{1b}[2J", r"\u{9b}", r"\u{202e}"],
        );
        assert_terminal_safe(&r.stderr);
    }
    let r = run_stdin(&["check", "--format", "json", "-"], src.as_bytes());
    assert_terminal_safe(&r.stdout);
    assert!(json(&r.stdout)["diagnostics"].as_array().unwrap().len() >= 3);
}

/// No control character but `\n`, and ESC only as the start of an SGR
/// colour sequence (`ESC [ digits/; m`).
fn assert_terminal_safe(text: &str) {
    for (i, c) in text.char_indices() {
        if c == '\u{1b}' {
            let rest = &text[i + 1..];
            let sgr = rest.strip_prefix('[').and_then(|r| {
                let end = r.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
                r[end..].starts_with('m').then_some(())
            });
            assert!(
                sgr.is_some(),
                "a non-colour escape at {i}: {:?}",
                &text[i..]
            );
            continue;
        }
        assert!(
            !cors_policy_grammar::is_unsafe_for_terminal(c) || c == '\n',
            "{c:?} at {i}: {text:?}"
        );
    }
}
