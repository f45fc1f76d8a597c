//! Hostile requests (docs/language.md#what-the-engine-answers rule 9): huge or malformed header values
//! are answered — denied where they must be — without a panic. The answers
//! are asserted, not the times (`cors-policy/tests/alloc.rs` shows `decide`
//! allocates nothing on such input).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::{Decision, Engine, Request, RequestKind};

const POLICY: &str = r#"
policy "public" {
    paths "/public/**"
    origins *
    headers *
}

policy "api" {
    origins "https://app.example.com", "https://*.example.com"
    origins regex r"^https://pr-[0-9]+\.example\.dev$"
    methods GET, PUT
    headers x-a, content-type
    credentials
}
"#;

const APP: &str = "https://app.example.com";
const MIB: usize = 1 << 20;
const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

fn engine() -> Engine {
    POLICY.parse().unwrap()
}

fn headers(d: &Decision<'_>) -> Vec<(&'static str, String)> {
    d.headers()
        .map(|h| (h.name, String::from_utf8_lossy(h.value).into_owned()))
        .collect()
}

/// An opaque denied preflight: 403, `reason`, and nothing but `vary`.
fn assert_denied_preflight(d: &Decision<'_>, reason: &str) {
    assert_eq!(d.kind(), RequestKind::Preflight);
    assert!(!d.allowed());
    assert_eq!(d.status(), Some(403));
    assert_eq!(d.reason().code(), reason);
    assert_eq!(headers(d), vec![("vary", PREFLIGHT_VARY.to_owned())]);
}

fn preflight<'a>(origin: &'a str, headers: &'a str) -> Request<'a> {
    Request::new("OPTIONS", "/api/x")
        .origin(origin)
        .request_method("PUT")
        .request_headers(headers)
}

#[test]
fn a_mebibyte_of_commas_is_denied_as_too_large() {
    let commas = ",".repeat(MIB);
    let engine = engine();
    assert_denied_preflight(
        &engine.decide(&preflight(APP, &commas)),
        "request-headers-too-large",
    );
}

#[test]
fn a_mebibyte_of_spaces_is_denied_as_too_large() {
    let spaces = " ".repeat(MIB);
    let engine = engine();
    assert_denied_preflight(
        &engine.decide(&preflight(APP, &spaces)),
        "request-headers-too-large",
    );
}

#[test]
fn an_allowed_name_repeated_to_a_mebibyte_is_denied_as_too_large() {
    let list = "x-a,".repeat(MIB / 4);
    assert_eq!(list.len(), MIB);
    let engine = engine();
    assert_denied_preflight(
        &engine.decide(&preflight(APP, &list)),
        "request-headers-too-large",
    );
    // The same list within the caps is allowed: the denial is the cap's.
    let short = "x-a,".repeat(cors_policy::MAX_REQUEST_HEADER_NAMES);
    let d = engine.decide(&preflight(APP, &short));
    assert!(d.allowed(), "{d:?}");
    assert_eq!(d.status(), Some(204));
}

#[test]
fn ten_thousand_header_lines_are_denied_as_too_large() {
    let lines = vec!["x-a"; 10_000];
    let engine = engine();
    let request = Request::new("OPTIONS", "/api/x")
        .origin(APP)
        .request_method("PUT")
        .request_header_lines(&lines);
    assert_denied_preflight(&engine.decide(&request), "request-headers-too-large");
    // Empty lines count as lines too: the line cap holds whatever they carry.
    let empty = vec![""; 10_000];
    let request = Request::new("OPTIONS", "/api/x")
        .origin(APP)
        .request_method("PUT")
        .request_header_lines(&empty);
    assert_denied_preflight(&engine.decide(&request), "request-headers-too-large");
}

#[test]
fn a_64_kib_origin_is_denied_on_its_length() {
    let engine = engine();
    // 64 KiB of one-byte labels would be a subdomain of `example.com`, but no
    // browser sends an origin over `MAX_ORIGIN_LEN` (a DNS name is at most
    // 253 bytes): denied as malformed before any pattern reads it, with
    // nothing but `vary`, as an actual request and as a preflight.
    let many_labels = format!("https://{}example.com", "a.".repeat(32 << 10));
    assert!(many_labels.len() > 64 << 10);
    let d = engine.decide(&Request::new("GET", "/api/x").origin(&many_labels));
    assert_eq!(d.kind(), RequestKind::Actual);
    assert!(!d.allowed());
    assert_eq!(d.reason().code(), "malformed-origin");
    assert_eq!(headers(&d), vec![("vary", "Origin".to_owned())]);
    let d = engine.decide(&preflight(&many_labels, "x-a"));
    assert_denied_preflight(&d, "malformed-origin");
    // Within the cap but over DNS's 253-byte host: malformed too (the
    // limit `check` applies to origins, shared with the matcher).
    let labels = (cors_policy::MAX_ORIGIN_LEN - "https://example.com".len()) / 2;
    let long_host = format!("https://{}example.com", "a.".repeat(labels));
    assert!(long_host.len() <= cors_policy::MAX_ORIGIN_LEN);
    let d = engine.decide(&Request::new("GET", "/api/x").origin(&long_host));
    assert_eq!(d.reason().code(), "malformed-origin");
    // The same shape within the DNS limits is judged by the patterns:
    // allowed and echoed byte for byte.
    let labels = (253 - "example.com".len()) / 2;
    let within = format!("https://{}example.com", "a.".repeat(labels));
    assert_eq!(within.len(), "https://".len() + 253);
    let d = engine.decide(&Request::new("GET", "/api/x").origin(&within));
    assert!(d.allowed(), "{d:?}");
    assert_eq!(
        headers(&d),
        vec![
            ("access-control-allow-origin", within.clone()),
            ("access-control-allow-credentials", "true".to_owned()),
            ("vary", "Origin".to_owned()),
        ]
    );
    let d = engine.decide(&preflight(&within, "x-a"));
    assert!(d.allowed(), "{d:?}");
    assert_eq!(d.status(), Some(204));
}

#[test]
fn a_mebibyte_origin_of_non_ascii_bytes_is_malformed() {
    let engine = engine();
    let bytes = vec![0xFF_u8; MIB];
    let d = engine.decide(
        &Request::new("OPTIONS", "/api/x")
            .origin(&bytes[..])
            .request_method("PUT"),
    );
    assert_denied_preflight(&d, "malformed-origin");
    // Valid UTF-8 that is not ASCII, after a real scheme: malformed too.
    let text = format!("https://{}", "\u{e9}".repeat(MIB / 2));
    let d = engine.decide(&Request::new("GET", "/api/x").origin(&text));
    assert_eq!(d.kind(), RequestKind::Actual);
    assert!(!d.allowed());
    assert_eq!(d.reason().code(), "malformed-origin");
    assert_eq!(headers(&d), vec![("vary", "Origin".to_owned())]);
    // Under `origins *` the answer is `*`, never the bytes.
    let d = engine.decide(&Request::new("GET", "/public/x").origin(&bytes[..]));
    for (name, value) in headers(&d) {
        assert!(value.len() < 64, "{name} echoes the hostile origin");
        assert!(value.is_ascii());
    }
}

#[test]
fn huge_methods_and_paths_are_answered() {
    let engine = engine();
    let method = "A".repeat(MIB);
    let d = engine.decide(
        &Request::new("OPTIONS", "/api/x")
            .origin(APP)
            .request_method(&method),
    );
    // A valid token, from an allowed origin: an informative denial, which
    // sends the policy's own list, never the mebibyte method.
    assert!(d.informative() && !d.allowed(), "{d:?}");
    assert_eq!(d.status(), Some(204));
    assert_eq!(d.reason().code(), "method-not-allowed");
    assert_eq!(
        headers(&d),
        vec![
            ("access-control-allow-origin", APP.to_owned()),
            ("access-control-allow-credentials", "true".to_owned()),
            ("access-control-allow-methods", "GET, PUT".to_owned()),
            ("vary", PREFLIGHT_VARY.to_owned()),
        ]
    );
    let path = format!("/public/{}", "a/".repeat(MIB / 2));
    let d = engine.decide(
        &Request::new("OPTIONS", &path)
            .origin(APP)
            .request_method("GET"),
    );
    assert_eq!(d.policy(), Some("public"));
    assert!(d.allowed(), "{d:?}");
    let query = format!("/nowhere?{}", "/public/".repeat(MIB / 8));
    // The query is not part of the path; `api` covers every path anyway.
    let d = engine.decide(&Request::new("GET", &query).origin(APP));
    assert_eq!(d.policy(), Some("api"));
    assert!(d.allowed());
}

#[test]
fn control_bytes_in_echoed_values_are_denied() {
    let engine = engine();
    for origin in [
        "https://app.example.com\r\nset-cookie: a=b",
        "https://app.example.com\0",
        "https://app.example.com\n",
    ] {
        let d = engine.decide(&Request::new("GET", "/api/x").origin(origin));
        assert!(!d.allowed(), "{origin:?}");
        assert_eq!(d.reason().code(), "malformed-origin");
    }
    let d = engine.decide(&preflight(APP, "x-a\r\nset-cookie: a=b"));
    assert_denied_preflight(&d, "invalid-request-headers");
}
