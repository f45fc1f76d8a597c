//! `check` accepts ⇔ the engine builds (issue 13, class 10): a file of
//! thousands of long path globs, or of long globs and literal paths mixed,
//! passes `check` and builds, and every policy is still reached by its own
//! paths.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::{Engine, Request};
use cors_policy_grammar::check;

/// `count` policies, each with one long glob (`*` in it, so it needs an
/// automaton) and one long literal path.
fn many_long_globs(count: usize, segment: usize) -> String {
    let long = "s".repeat(segment);
    let mut src = String::new();
    for i in 0..count {
        src.push_str(&format!(
            "policy \"p{i}\" {{\n    paths \"/{long}/{i}/*/{long}/**\", \"/{long}/literal/{i}\"\n    origins \"https://app.example.com\"\n}}\n"
        ));
    }
    src
}

fn policy_for(engine: &Engine, path: &str) -> Option<String> {
    let request = Request::new("GET", path).origin(b"https://app.example.com");
    engine.decide(&request).policy().map(str::to_owned)
}

#[test]
fn thousands_of_long_globs_check_and_build() {
    // 1,500 globs of ~330 bytes: one automaton of them all is over the
    // engine's limit (today's single build fails with "error building NFA").
    let long = "s".repeat(150);
    let src = many_long_globs(1500, 150);
    let checked = check(&src);
    assert!(
        checked.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        checked.diagnostics.first()
    );
    let engine: Engine = src
        .parse()
        .unwrap_or_else(|e| panic!("check passed, build failed: {e}"));
    for i in [0, 1, 700, 1498, 1499] {
        assert_eq!(
            policy_for(&engine, &format!("/{long}/{i}/x/{long}/y/z")).as_deref(),
            Some(format!("p{i}").as_str()),
            "glob of p{i}"
        );
        assert_eq!(
            policy_for(
                &engine,
                &format!("/{long}/literal/{i}?q=/{long}/0/x/{long}/y")
            )
            .as_deref(),
            Some(format!("p{i}").as_str()),
            "literal of p{i}"
        );
    }
    assert_eq!(
        policy_for(&engine, &format!("/{long}/1500/x/{long}/y")),
        None
    );
    assert_eq!(policy_for(&engine, &format!("/{long}/literal/1500")), None);
}

#[test]
fn the_first_policy_wins_across_literals_and_globs() {
    // p0's glob covers p1's literal; p1's literal comes later, so p0 wins,
    // and p2's literal comes before nothing else that matches it.
    let mut src = String::from(
        "policy \"p0\" {\n    paths \"/a/*\"\n    origins \"https://app.example.com\"\n}\n\
         policy \"p1\" {\n    paths \"/a/b\", \"/c\"\n    origins \"https://app.example.com\"\n    allow shadowed-policy\n}\n",
    );
    // Enough globs to leave the fast path.
    for i in 0..40 {
        src.push_str(&format!(
            "policy \"q{i}\" {{\n    paths \"/q{i}/*\", \"/c\"\n    origins \"https://app.example.com\"\n}}\n"
        ));
    }
    let engine: Engine = src.parse().unwrap();
    assert_eq!(policy_for(&engine, "/a/b").as_deref(), Some("p0"));
    assert_eq!(policy_for(&engine, "/c").as_deref(), Some("p1"));
    assert_eq!(policy_for(&engine, "/q39/x").as_deref(), Some("q39"));
}

#[test]
fn a_single_glob_too_large_to_compile_is_refused_by_check_too() {
    // One glob whose automaton exceeds the engine's limit: `check` refuses
    // it with the same limit, so nothing it accepts fails to build.
    let huge = format!("/{}", "[a-z]*?".repeat(300_000));
    let src = format!(
        "policy \"p\" {{\n    paths \"{huge}\"\n    origins \"https://app.example.com\"\n}}\n"
    );
    let checked = check(&src);
    let built = src.parse::<Engine>();
    assert_eq!(
        checked.diagnostics.iter().any(|d| d.is_error()),
        built.is_err(),
        "check and the engine disagree: {:?}",
        checked.diagnostics.first()
    );
    assert!(built.is_err(), "the glob was expected to be over the limit");
    let d = checked.diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(d.name(), "invalid-path");
    assert!(d.message.contains("too large"), "{}", d.message);
}
