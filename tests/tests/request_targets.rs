//! The request target's path (issue 13, class 1): one path extractor,
//! `cors_policy::target_path`, decides which part of a target selects a
//! policy, and every way a target enters the engine — `Request::new`, the
//! `http` adapter, the reference interpreter — agrees
//! with it. Generated targets carry queries and fragments that hold URLs,
//! paths, `?`, `#`, percent-encoded bytes, `//` and dot segments (the
//! command line's own test is in `cors-policy-cli/tests/eval.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cors_policy::{Engine, Request, target_path};
use cors_policy_tests::reference::{self, RefRequest};
use proptest::prelude::*;

/// Globs of every shape the engine compiles differently: exact paths,
/// `/**` prefixes, single-segment and brace globs (which move every glob of
/// the set into the automaton).
const GLOBS: &[&str] = &[
    "/api/**",
    "/static/**",
    "/favicon.ico",
    "/api/me",
    "/",
    "/a/*/b",
    "/files/*.txt",
    "/{api,static}/x",
    "**",
    "/x/**",
];

/// Path segments that a careless extractor or a normalizing one would read
/// differently.
const SEGMENTS: &[&str] = &[
    "api",
    "static",
    "me",
    "x",
    "a",
    "b",
    "a.js",
    "favicon.ico",
    "f.txt",
    "",
    ".",
    "..",
    "%2e%2e",
    "%2F",
    "%3F",
    "%23",
    "caf%C3%A9",
    "evil.example",
    "https:",
];

/// Pieces of a query or fragment: URLs, paths and the delimiters.
const PIECES: &[&str] = &[
    "next=",
    "https://x.example/static/a.js",
    "/api/me",
    "/static/",
    "?",
    "#",
    "//",
    "/",
    "&",
    "%2F",
    "..",
    "x",
];

fn policy_set() -> impl Strategy<Value = Vec<Vec<&'static str>>> {
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(GLOBS), 1..3),
        1..5,
    )
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SEGMENTS), 0..5)
        .prop_map(|segments| format!("/{}", segments.join("/")))
}

fn suffix() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["?", "#"][..]),
        prop::collection::vec(prop::sample::select(PIECES), 0..6),
    )
        .prop_map(|(start, pieces)| format!("{start}{}", pieces.concat()))
}

fn source(set: &[Vec<&str>]) -> String {
    set.iter()
        .enumerate()
        .map(|(i, globs)| {
            let globs: Vec<String> = globs.iter().map(|g| format!("{g:?}")).collect();
            format!(
                "policy \"p{i}\" {{ paths {}; origins \"https://app.example.com\" }}\n",
                globs.join(", ")
            )
        })
        .collect()
}

/// The policy each way of entering the engine selects for `target`.
fn selected(
    engine: &Engine,
    set: &cors_policy_grammar::model::PolicySet,
    target: &str,
) -> Vec<Option<String>> {
    let origin = "https://app.example.com";
    let direct = engine.decide(&Request::new("GET", target).origin(origin));
    let mut out = vec![direct.policy().map(str::to_owned)];
    let reference_request = RefRequest {
        method: b"GET".to_vec(),
        path: target.as_bytes().to_vec(),
        origins: vec![origin.as_bytes().to_vec()],
        ..RefRequest::default()
    };
    let answer = reference::decide(&set.policies, &reference_request);
    out.push(answer.policy.map(|i| set.policies[i].name.clone()));
    if let Ok(uri) = target.parse::<http::Uri>() {
        let request = http::Request::builder()
            .uri(uri)
            .header("origin", origin)
            .body(())
            .unwrap();
        let decision = engine.decide(&Request::from_http(&request));
        out.push(decision.policy().map(str::to_owned));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Nothing after the first `?` or `#` changes the policy, through any
    /// entry point, and the extractor returns exactly the path before it.
    #[test]
    fn query_and_fragment_never_select_a_policy(set in policy_set(), path in path(), suffix in suffix()) {
        let src = source(&set);
        let checked = cors_policy_grammar::check(&src);
        let model = checked.policies.clone().unwrap();
        let engine: Engine = src.parse().unwrap();
        let target = format!("{path}{suffix}");
        prop_assert_eq!(target_path(target.as_bytes()), path.as_bytes());
        let want = selected(&engine, &model, &path);
        prop_assert!(want.iter().all(|p| p == &want[0]), "entry points disagree on {}: {:?}", path, want);
        let got = selected(&engine, &model, &target);
        for p in &got {
            prop_assert_eq!(p, &want[0], "target {}", target);
        }
        // The same path in absolute form, as a proxy is sent it.
        let absolute = format!("https://api.example.com{target}");
        prop_assert_eq!(target_path(absolute.as_bytes()), path.as_bytes());
        for p in &selected(&engine, &model, &absolute) {
            prop_assert_eq!(p, &want[0], "target {}", absolute);
        }
    }

    /// The extractor never reads past the path: it returns a prefix of the
    /// target (or of what follows an absolute-form authority), holding no
    /// `?` or `#`, and is idempotent on what it returns.
    #[test]
    fn the_extracted_path_is_a_cut_of_the_target(target in "[a-z/:?#%.0-9]{0,24}") {
        let path = target_path(target.as_bytes());
        prop_assert!(!path.contains(&b'?') && !path.contains(&b'#'));
        prop_assert!(path.is_empty() || path == b"/" || target.as_bytes().windows(path.len()).any(|w| w == path));
        if target.starts_with('/') {
            prop_assert!(target.as_bytes().starts_with(path));
        }
        if path.starts_with(b"/") {
            prop_assert_eq!(target_path(path), path);
        }
    }
}
