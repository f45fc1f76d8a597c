//! `Engine::trace`: what it records for each check, on a text policy. (That
//! its decision is `decide`'s, on generated policies and arbitrary bytes, is
//! proven in differential.rs.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::{
    Candidate, Decision, Difference, Engine, HeaderOutcome, ListOutcome, Malformation,
    MethodOutcome, OriginOutcome, Reason, Request, Trace,
};

const POLICY: &str = r#"
policy "health" {
    paths "/health", "/status/*"
    origins "https://ops.example.com"
}

policy "api" {
    paths "/api/**"
    origins "https://app.example.com", "http://localhost:3000"
    origins "https://*.preview.example.com"
    origins regex r"^https://pr-[0-9]+\.example\.dev$"
    methods GET, POST, PUT
    headers content-type, x-request-id
    credentials
    max-age 1h
}

policy "star" {
    paths "/star/**"
    origins "https://app.example.com"
    methods *
    headers *
}

policy "public" {
    origins *
}
"#;

fn engine() -> Engine {
    POLICY.parse().unwrap()
}

fn preflight<'a>(path: &'a str, origin: &'a str, method: &'a str) -> Request<'a> {
    Request::new("OPTIONS", path)
        .origin(origin)
        .request_method(method)
}

fn candidates<'t>(trace: &'t Trace<'_>) -> &'t [Candidate<'t>] {
    match &trace.origin.as_ref().unwrap().outcome {
        OriginOutcome::NotAllowed { candidates } => candidates,
        other => panic!("not a refused origin: {other:?}"),
    }
}

#[test]
fn policy_selection_lists_each_policy_tried_and_each_glob() {
    let e = engine();
    let t = e.trace(&Request::new("GET", "/api/users?x=1"));
    assert_eq!(t.decision.policy(), Some("api"));
    assert_eq!(t.policies.len(), 2, "tried up to the one that answered");
    let health = &t.policies[0];
    assert_eq!((health.name, health.matched), ("health", false));
    let globs: Vec<(&str, bool)> = health.paths.iter().map(|p| (p.glob, p.matched)).collect();
    assert_eq!(globs, [("/health", false), ("/status/*", false)]);
    let api = &t.policies[1];
    assert!(api.matched);
    assert_eq!(
        api.paths.iter().map(|p| p.matched).collect::<Vec<_>>(),
        [true]
    );

    // A glob with syntax, matched on its own.
    let t = e.trace(&Request::new("GET", "/status/db"));
    assert_eq!(t.policies.len(), 1);
    assert!(t.policies[0].paths[1].matched && !t.policies[0].paths[0].matched);

    // No `paths`: every path; it has no globs to list.
    let t = e.trace(&Request::new("GET", "/elsewhere"));
    assert_eq!(t.decision.policy(), Some("public"));
    assert_eq!(t.policies.len(), 4);
    assert!(t.policies[3].matched && t.policies[3].paths.is_empty());
    // Not CORS: no origin check.
    assert!(t.origin.is_none() && t.method.is_none());
    assert_eq!(t.credentials, Some(false));
}

#[test]
fn unhandled_requests_list_every_policy_unmatched() {
    let e: Engine = r#"policy "a" { paths "/a/**"; origins * }
policy "b" { paths "/b"; origins * }"#
        .parse()
        .unwrap();
    let t = e.trace(&Request::new("GET", "/c").origin("https://x.example"));
    assert_eq!(t.decision.policy(), None);
    assert_eq!(t.policies.len(), 2);
    assert!(t.policies.iter().all(|p| !p.matched));
    assert!(t.origin.is_none() && t.credentials.is_none());
}

#[test]
fn an_allowed_origin_names_its_entry() {
    let e = engine();
    let t = e.trace(&Request::new("GET", "/api/x").origin("https://a.preview.example.com"));
    assert!(t.decision.allowed());
    let origin = t.origin.unwrap();
    assert_eq!(
        origin.outcome,
        OriginOutcome::Matched {
            entry: 2,
            source: "\"https://*.preview.example.com\""
        }
    );
    assert_eq!(t.credentials, Some(true));
    let t = e.trace(&Request::new("GET", "/x").origin("https://any.example"));
    assert_eq!(t.origin.unwrap().outcome, OriginOutcome::Any);
}

#[test]
fn a_refused_origin_gets_its_closest_entries_and_the_differences() {
    let e = engine();
    let diffs = |origin: &str| {
        let t = e.trace(&Request::new("GET", "/api/x").origin(origin));
        assert!(!t.decision.allowed());
        candidates(&t)
            .iter()
            .map(|c| (c.entry, c.differences.clone()))
            .collect::<Vec<_>>()
    };
    // The scheme.
    let got = diffs("http://app.example.com");
    assert_eq!(
        got[0],
        (
            0,
            vec![Difference::Scheme {
                expected: "https".into(),
                found: "http".into()
            }]
        )
    );
    // The port.
    let got = diffs("http://localhost:3001");
    assert_eq!(
        got[0],
        (
            1,
            vec![Difference::Port {
                expected: Some(3000),
                found: Some(3001)
            }]
        )
    );
    let got = diffs("https://app.example.com:8443");
    assert_eq!(
        got[0],
        (
            0,
            vec![Difference::Port {
                expected: None,
                found: Some(8443)
            }]
        )
    );
    // A subdomain of an exact entry.
    let got = diffs("https://www.app.example.com");
    assert_eq!(
        got[0],
        (
            0,
            vec![Difference::Subdomain {
                expected: "app.example.com".into(),
                found: "www.app.example.com".into()
            }]
        )
    );
    // The apex `*.` does not cover.
    let got = diffs("https://preview.example.com");
    assert_eq!(
        got[0],
        (
            2,
            vec![Difference::Apex {
                suffix: "preview.example.com".into()
            }]
        )
    );
    // Nothing close: the regex is listed as not matching, hosts as unrelated.
    let got = diffs("https://evil.example.net");
    assert!(
        got.iter().all(|(_, d)| d
            .iter()
            .all(|d| matches!(d, Difference::Host { .. } | Difference::Regex))),
        "{got:?}"
    );
    assert!(got.len() <= 3);
}

#[test]
fn a_malformed_origin_says_what_is_wrong_and_what_it_would_match() {
    let e = engine();
    let outcome = |origin: &str| {
        let t = e.trace(&Request::new("GET", "/api/x").origin(origin));
        assert!(matches!(
            t.decision.reason(),
            Reason::MalformedOrigin { .. }
        ));
        format!("{:?}", t.origin.unwrap().outcome)
    };
    for (origin, problem, canonical, entry) in [
        (
            "https://app.example.com/",
            Malformation::TrailingSlash,
            Some("https://app.example.com"),
            Some(0),
        ),
        (
            "https://App.Example.com",
            Malformation::Uppercase,
            Some("https://app.example.com"),
            Some(0),
        ),
        (
            "https://app.example.com:443",
            Malformation::DefaultPort { port: 443 },
            Some("https://app.example.com"),
            Some(0),
        ),
        (
            "https://app.example.com/login?next=1",
            Malformation::Path,
            Some("https://app.example.com"),
            Some(0),
        ),
        (
            "https://user@evil.example",
            Malformation::Userinfo,
            Some("https://evil.example"),
            None,
        ),
        (
            " https://app.example.com",
            Malformation::Whitespace,
            Some("https://app.example.com"),
            Some(0),
        ),
        ("app.example.com", Malformation::NoScheme, None, None),
        ("", Malformation::Empty, None, None),
        (
            "http://localhost:99999",
            Malformation::InvalidPort,
            None,
            None,
        ),
    ] {
        let expected = OriginOutcome::Malformed {
            problem,
            canonical: canonical.map(str::to_owned),
            canonical_entry: entry,
        };
        assert_eq!(outcome(origin), format!("{expected:?}"), "{origin:?}");
    }
    let long = format!("https://{}.example", "a".repeat(2000));
    assert!(
        outcome(&long).contains("TooLong { len: 2016 }"),
        "{}",
        outcome(&long)
    );
}

#[test]
fn a_duplicated_origin_is_recorded_as_such() {
    let e = engine();
    let r = Request::new("GET", "/api/x")
        .origin("https://app.example.com")
        .origin("https://app.example.com");
    assert_eq!(
        e.trace(&r).origin.unwrap().outcome,
        OriginOutcome::Duplicated
    );
}

#[test]
fn the_method_check_says_which_rule_allowed_or_why_not() {
    let e = engine();
    let outcome = |path: &str, method: &str| {
        let t = e.trace(&preflight(path, "https://app.example.com", method));
        let m = t.method.unwrap();
        assert_eq!(m.method, method.as_bytes());
        m.outcome
    };
    assert_eq!(outcome("/api/x", "GET"), MethodOutcome::Safelisted);
    assert_eq!(outcome("/api/x", "PUT"), MethodOutcome::Listed);
    assert_eq!(outcome("/star/x", "PURGE"), MethodOutcome::Any);
    assert_eq!(outcome("/api/x", "DELETE"), MethodOutcome::NotAllowed);
    assert_eq!(outcome("/star/x", "TRACE"), MethodOutcome::Forbidden);
    assert_eq!(outcome("/api/x", "P T"), MethodOutcome::Invalid);
    let t = e.trace(&preflight("/api/x", "https://app.example.com", "DELETE"));
    let names: Vec<&str> = t
        .method
        .unwrap()
        .allowed
        .names
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(names, ["GET", "POST", "PUT"]);
    let twice = preflight("/api/x", "https://app.example.com", "PUT").request_method("PUT");
    assert_eq!(
        e.trace(&twice).method.unwrap().outcome,
        MethodOutcome::Duplicated
    );
    // An actual request has no method check.
    let t = e.trace(&Request::new("DELETE", "/api/x").origin("https://app.example.com"));
    assert!(t.method.is_none() && t.headers.is_none());
}

#[test]
fn every_requested_header_is_recorded_even_after_a_refusal() {
    let e = engine();
    let t = e.trace(
        &preflight("/api/x", "https://app.example.com", "PUT")
            .request_headers("content-type, x-secret, X-Request-ID, x-other"),
    );
    assert_eq!(
        t.decision.reason(),
        Reason::HeaderNotAllowed { name: b"x-secret" }
    );
    let h = t.headers.unwrap();
    let got: Vec<(&[u8], HeaderOutcome)> = h.names.iter().map(|n| (n.name, n.outcome)).collect();
    assert_eq!(
        got,
        [
            (&b"content-type"[..], HeaderOutcome::Listed),
            (b"x-secret", HeaderOutcome::NotAllowed),
            (b"X-Request-ID", HeaderOutcome::Listed),
            (b"x-other", HeaderOutcome::NotAllowed),
        ]
    );
    assert_eq!(h.list, ListOutcome::Read { names: 4 });
    assert_eq!(h.allowed.names, ["content-type", "x-request-id"]);

    let t = e.trace(
        &preflight("/star/x", "https://app.example.com", "PUT")
            .request_headers("authorization, x-any"),
    );
    let got: Vec<HeaderOutcome> = t.headers.unwrap().names.iter().map(|n| n.outcome).collect();
    assert_eq!(
        got,
        [HeaderOutcome::AuthorizationNotCovered, HeaderOutcome::Any]
    );

    // A list no browser sends: read up to the bad element, and opaque.
    let t = e.trace(
        &preflight("/api/x", "https://app.example.com", "PUT")
            .request_headers("x-secret, bad name, content-type"),
    );
    let h = t.headers.unwrap();
    assert_eq!(h.names.len(), 1);
    assert_eq!(
        h.list,
        ListOutcome::Invalid {
            element: b"bad name"
        }
    );
    assert!(!t.decision.informative());
    assert_eq!(t.decision.status(), Some(403));
    let over = vec!["content-type"; 65].join(",");
    let t = e.trace(&preflight("/api/x", "https://app.example.com", "PUT").request_headers(&over));
    assert_eq!(t.headers.unwrap().list, ListOutcome::TooLarge);
}

#[test]
fn private_network_and_informative_denials_are_recorded() {
    let e = engine();
    let t = e.trace(&preflight("/api/x", "https://app.example.com", "PUT").private_network("true"));
    let pn = t.private_network.unwrap();
    assert!(pn.requested && !pn.enabled && !pn.is_allowed());
    assert_eq!(pn.value, Some(&b"true"[..]));
    assert!(t.informative());
    assert_eq!(t.decision.reason(), Reason::PrivateNetworkNotEnabled);
    let t = e.trace(&preflight("/api/x", "https://app.example.com", "PUT"));
    assert!(t.decision.allowed() && !t.informative());
    let pn = t.private_network.unwrap();
    assert!(!pn.requested && pn.is_allowed());
}

#[test]
fn trace_text_is_readable() {
    let e = engine();
    let t = e.trace(&Request::new("GET", "/api/x").origin("http://app.example.com"));
    let shown: Vec<String> = candidates(&t)[0]
        .differences
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(shown, ["the scheme is `http`, the entry's is `https`"]);
    assert_eq!(
        Malformation::TrailingSlash.to_string(),
        "it ends with `/`; an origin has no path, not even `/`"
    );
}

#[test]
fn a_decision_stays_small() {
    // `decide` returns it by value on every request.
    assert!(
        std::mem::size_of::<Decision<'_>>() <= 216,
        "{}",
        std::mem::size_of::<Decision<'_>>()
    );
}
