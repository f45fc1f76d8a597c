//! The wildcard's spelling under credentials (issue 13, class 4): over
//! generated policies and requests, a policy with `credentials` never sends
//! `*` — as `Access-Control-Allow-Origin`, or as an element of
//! `-Allow-Methods`, `-Allow-Headers` or `-Expose-Headers` — through the
//! engine, the `http` adapter or the reference interpreter; and every `"*"`
//! quoted in a generated policy is reported as `quoted-wildcard`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cors_policy::{Engine, Request};
use cors_policy_grammar::{Kind, check};
use cors_policy_tests::reference::{self, RefRequest};
use proptest::prelude::*;

const ORIGINS: &[&str] = &[
    "*",
    "\"https://app.example.com\"",
    "\"https://*.example.com\"",
    "regex r\"https://[a-z]+\\.example\\.com\"",
];
const METHODS: &[&str] = &["*", "PUT", "PATCH", "\"X*\"", "\"*\""];
const HEADERS: &[&str] = &["*", "authorization", "x-a", "\"x-*\"", "\"*\""];
const EXPOSE: &[&str] = &["*", "x-b", "\"*\""];

const REQUEST_ORIGINS: &[&str] = &["https://app.example.com", "https://b.example.com", "null"];
const REQUEST_METHODS: &[&str] = &["*", "PUT", "GET", "X*", "PATCH", "**"];
const REQUEST_HEADER_LINES: &[&str] = &["*", "x-a", "authorization", " * ", "x-a,*", "x-*", "*,*"];

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(pool), 0..3)
}

fn policy() -> impl Strategy<Value = String> {
    (
        prop::sample::select(ORIGINS),
        any::<bool>(),
        list(METHODS),
        list(HEADERS),
        list(EXPOSE),
    )
        .prop_map(|(origin, credentials, methods, headers, expose)| {
            let mut src = format!("policy \"p\" {{\n    origins {origin}\n");
            if credentials {
                src.push_str("    credentials\n");
            }
            for (statement, names) in [
                ("methods", methods),
                ("headers", headers),
                ("expose", expose),
            ] {
                if !names.is_empty() {
                    src.push_str(&format!("    {statement} {}\n", names.join(", ")));
                }
            }
            src.push_str("}\n");
            src
        })
}

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    origin: &'static str,
    request_method: Option<&'static str>,
    request_headers: Vec<&'static str>,
}

fn request() -> impl Strategy<Value = Req> {
    (
        prop::sample::select(&["OPTIONS", "OPTIONS", "GET", "PUT"][..]),
        prop::sample::select(REQUEST_ORIGINS),
        prop::option::of(prop::sample::select(REQUEST_METHODS)),
        prop::collection::vec(prop::sample::select(REQUEST_HEADER_LINES), 0..3),
    )
        .prop_map(|(method, origin, request_method, request_headers)| Req {
            method,
            origin,
            request_method,
            request_headers,
        })
}

/// What a credentialed answer must never hold: `*` as the origin, or as an
/// element of a name list.
fn star_sent(headers: &[(String, Vec<u8>)]) -> Option<String> {
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value);
        let bad = match name.as_str() {
            "access-control-allow-origin" => value == "*",
            "access-control-allow-methods"
            | "access-control-allow-headers"
            | "access-control-expose-headers" => value.split(',').any(|e| e.trim() == "*"),
            _ => false,
        };
        if bad {
            return Some(format!("{name}: {value}"));
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn credentials_never_send_a_star(src in policy(), requests in prop::collection::vec(request(), 1..6)) {
        let checked = check(&src);
        let quoted = src.matches("\"*\"").count();
        let reported = checked.diagnostics.iter().filter(|d| d.kind == Kind::QuotedWildcard).count();
        prop_assert_eq!(quoted, reported, "{}", src);
        let Some(set) = checked.policies else {
            return Ok(());
        };
        let credentials = set.policies[0].credentials;
        let engine: Engine = src.parse().unwrap();
        for r in &requests {
            let ref_request = RefRequest {
                method: r.method.as_bytes().to_vec(),
                path: b"/".to_vec(),
                origins: vec![r.origin.as_bytes().to_vec()],
                request_methods: r.request_method.iter().map(|m| m.as_bytes().to_vec()).collect(),
                request_headers: r.request_headers.iter().map(|h| h.as_bytes().to_vec()).collect(),
                private_network: None,
            };
            let decision = engine.decide(&ref_request.to_request());
            let from_engine: Vec<(String, Vec<u8>)> = decision
                .headers()
                .map(|h| (h.name.to_owned(), h.value.to_vec()))
                .collect();
            let from_reference = reference::decide(&set.policies, &ref_request).headers;
            let mut builder = http::Request::builder().method(r.method).uri("/").header("origin", r.origin);
            if let Some(m) = r.request_method {
                builder = builder.header("access-control-request-method", m);
            }
            for line in &r.request_headers {
                builder = builder.header("access-control-request-headers", *line);
            }
            let http_request = builder.body(()).unwrap();
            let http_decision = engine.decide(&Request::from_http(&http_request));
            let mut map = http::HeaderMap::new();
            match cors_policy::http::preflight_response::<()>(&http_decision) {
                Some(response) => map = response.headers().clone(),
                None => cors_policy::http::apply(&http_decision, &mut map),
            }
            let from_http: Vec<(String, Vec<u8>)> = map
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                .collect();
            if credentials {
                for (route, headers) in [("engine", &from_engine), ("reference", &from_reference), ("http", &from_http)] {
                    prop_assert!(
                        star_sent(headers).is_none(),
                        "{} sent {:?} under credentials\npolicy:\n{}request: {:?}",
                        route, star_sent(headers), src, r
                    );
                }
            }
        }
    }
}
