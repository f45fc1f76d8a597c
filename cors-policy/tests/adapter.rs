//! The shared mapping: `Request::from_headers` and `Decision::write_to` on
//! `http` 1.x and 0.2 header maps give what the `http` adapter's own path
//! (`Request::from_http`, `http::apply`) gives, for the same requests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::adapter::{VaryUpdate, merge_vary};
use cors_policy::http::HttpEngine;
use cors_policy::{Engine, Request};

const POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins "https://app.example.com"
    methods GET, POST, PUT
    headers *
    expose x-request-id
    credentials
    max-age 10m
}
policy "open" {
    paths "/open/**"
    origins *
    headers *
}
"#;

const ORIGIN: &str = "https://app.example.com";

type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const CASES: &[Case] = &[
    ("GET", "/api/a?x=1", &[("origin", ORIGIN)]),
    ("GET", "/api/a", &[("origin", "https://evil.example")]),
    ("GET", "/api/a", &[]),
    ("GET", "/nowhere", &[("origin", ORIGIN)]),
    ("GET", "/api/a", &[("origin", ORIGIN), ("origin", ORIGIN)]),
    ("GET", "/open/x", &[("origin", "https://anyone.example")]),
    (
        "OPTIONS",
        "/api/a",
        &[("origin", ORIGIN), ("access-control-request-method", "PUT")],
    ),
    (
        "OPTIONS",
        "/api/a",
        &[
            ("origin", ORIGIN),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
            ("access-control-request-headers", "X-Trace"),
        ],
    ),
    (
        "OPTIONS",
        "/api/a",
        &[
            ("origin", ORIGIN),
            ("access-control-request-method", "DELETE"),
        ],
    ),
    (
        "OPTIONS",
        "/open/a",
        &[
            ("origin", "https://x.example"),
            ("access-control-request-method", "GET"),
            ("access-control-request-private-network", "true"),
        ],
    ),
    // Already carries a Vary and a CORS header of the application's.
    ("GET", "/api/a", &[("origin", ORIGIN)]),
];

/// The lines by name (a map's order of names is its own), each name's in
/// the order sent.
fn by_name(mut lines: Vec<(String, String)>) -> Vec<(String, String)> {
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines
}

fn lines1(map: &http::HeaderMap) -> Vec<(String, String)> {
    by_name(
        map.iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect(),
    )
}

fn lines02(map: &http02::HeaderMap) -> Vec<(String, String)> {
    by_name(
        map.iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect(),
    )
}

/// What the application set before the policy runs.
fn app_headers1() -> http::HeaderMap {
    let mut m = http::HeaderMap::new();
    m.insert("vary", "Accept-Encoding".parse().unwrap());
    m.insert("access-control-allow-origin", "*".parse().unwrap());
    m.insert("x-request-id", "7".parse().unwrap());
    m
}

fn app_headers02() -> http02::HeaderMap {
    let mut m = http02::HeaderMap::new();
    m.insert("vary", "Accept-Encoding".parse().unwrap());
    m.insert("access-control-allow-origin", "*".parse().unwrap());
    m.insert("x-request-id", "7".parse().unwrap());
    m
}

#[test]
fn every_path_writes_what_the_http_adapter_writes() {
    let engine: Engine = POLICY.parse().unwrap();
    let http_engine = HttpEngine::new(POLICY.parse::<Engine>().unwrap());
    for (method, path, headers) in CASES {
        let mut builder = http::Request::builder().method(*method).uri(*path);
        let mut h02 = http02::HeaderMap::new();
        for (name, value) in *headers {
            builder = builder.header(*name, *value);
            h02.append(*name, value.parse().unwrap());
        }
        let request = builder.body(()).unwrap();
        let uri_path = request.uri().path();

        // The reference: the http adapter's own reading and writing.
        let reference = engine.decide(&Request::from_http(&request));
        let mut want = app_headers1();
        cors_policy::http::apply(&reference, &mut want);
        let want = lines1(&want);

        // The shared mapping, on http 1.x.
        let decision = engine.decide(&Request::from_headers(method, uri_path, request.headers()));
        assert_eq!(decision.kind(), reference.kind(), "{method} {path}");
        assert_eq!(decision.reason(), reference.reason(), "{method} {path}");
        let mut got = app_headers1();
        decision.write_to(&mut got);
        assert_eq!(lines1(&got), want, "{method} {path} (http 1.x)");

        // On http 0.2.
        let decision = engine.decide(&Request::from_headers(method, uri_path, &h02));
        let mut got = app_headers02();
        decision.write_to(&mut got);
        assert_eq!(lines02(&got), want, "{method} {path} (http 0.2)");

        // An owned answer, moved into the response.
        let mut got = app_headers1();
        http_engine.answer(&request).write_to(&mut got);
        assert_eq!(lines1(&got), want, "{method} {path} (Answer::write_to)");
    }
}

#[test]
fn an_unhandled_request_leaves_the_response_alone() {
    let engine: Engine = POLICY.parse().unwrap();
    let headers = http::HeaderMap::new();
    let decision = engine.decide(&Request::from_headers("GET", "/nowhere", &headers));
    let mut response = app_headers1();
    decision.write_to(&mut response);
    assert_eq!(lines1(&response), lines1(&app_headers1()));
}

#[test]
fn vary_is_merged_into_one_line_without_repeats() {
    let update = |lines: &[&str], ours: &str| {
        merge_vary(|| lines.iter().map(|l| l.as_bytes()), ours.as_bytes())
    };
    assert_eq!(update(&[], "Origin"), VaryUpdate::Add);
    assert_eq!(update(&["origin"], "Origin"), VaryUpdate::Keep);
    assert_eq!(update(&["Accept", "*"], "Origin"), VaryUpdate::Keep);
    assert_eq!(
        update(
            &["Accept-Encoding", " Cookie "],
            "Origin, Access-Control-Request-Method"
        ),
        VaryUpdate::Replace(
            b"Accept-Encoding, Cookie, Origin, Access-Control-Request-Method".to_vec()
        )
    );
    assert_eq!(
        update(&["ORIGIN, accept"], "Origin, Access-Control-Request-Method"),
        VaryUpdate::Replace(b"ORIGIN, accept, Access-Control-Request-Method".to_vec())
    );
}
