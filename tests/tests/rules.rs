//! docs/language.md#what-the-engine-answers, rule by rule, on hand-built and text policies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use cors_policy::{Engine, Reason, Request, RequestKind};

const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAM: &str = "access-control-allow-methods";
const ACAH: &str = "access-control-allow-headers";
const ACMA: &str = "access-control-max-age";
const ACAPN: &str = "access-control-allow-private-network";
const ACEH: &str = "access-control-expose-headers";
const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

fn api() -> Engine {
    let mut api = policy("api", &["/api/**"], &["https://app.example.com"]);
    api.methods = names(&["GET", "HEAD", "POST", "PUT", "DELETE"]);
    api.headers = names(&["content-type", "x-request-id"]);
    api.expose = names(&["x-request-id"]);
    api.credentials = true;
    api.max_age = Some(7200);
    let public = policy("public", &["/static/**", "/favicon.ico"], &["*"]);
    engine(vec![public, api])
}

fn preflight<'a>(path: &'a str, origin: &'a str, method: &'a str) -> Request<'a> {
    Request::new("OPTIONS", path)
        .origin(origin)
        .request_method(method)
}

// Rule 1: the first policy whose paths match; the query string is ignored;
// no match → unhandled, no headers.

#[test]
fn rule_1_first_matching_policy_in_file_order() {
    let first = policy("first", &["/a/**"], &["https://one.example"]);
    let second = policy("second", &["/a/b/**", "/c"], &["https://two.example"]);
    let catch_all = policy("rest", &[], &["https://three.example"]);
    let e = engine(vec![first, second, catch_all]);
    let name = |path: &str| {
        e.decide(&Request::new("GET", path))
            .policy()
            .map(str::to_owned)
    };
    assert_eq!(name("/a/b/c").as_deref(), Some("first"));
    assert_eq!(name("/c").as_deref(), Some("second"));
    assert_eq!(name("/c/d").as_deref(), Some("rest"));
    assert_eq!(name("").as_deref(), Some("rest"));
    assert_eq!(e.decide(&Request::new("GET", "/c")).policy_index(), Some(1));
}

#[test]
fn rule_1_query_string_is_ignored_and_path_is_not_decoded() {
    let e = api();
    assert_eq!(
        e.decide(&Request::new("GET", "/favicon.ico?v=2")).policy(),
        Some("public")
    );
    assert_eq!(
        e.decide(&Request::new("GET", "/favicon.ico?")).policy(),
        Some("public")
    );
    // Percent-escapes are not decoded; paths are case-sensitive.
    assert_eq!(
        e.decide(&Request::new("GET", "/favicon%2Eico")).kind(),
        RequestKind::Unhandled
    );
    assert_eq!(
        e.decide(&Request::new("GET", "/API/x")).kind(),
        RequestKind::Unhandled
    );
}

#[test]
fn rule_1_star_stays_in_a_segment_double_star_crosses() {
    let e = engine(vec![
        policy("one", &["/v1/*/items"], &["https://a.example"]),
        policy("deep", &["/v2/**/items"], &["https://a.example"]),
    ]);
    assert_eq!(
        e.decide(&Request::new("GET", "/v1/x/items")).policy(),
        Some("one")
    );
    assert_eq!(
        e.decide(&Request::new("GET", "/v1/x/y/items")).kind(),
        RequestKind::Unhandled
    );
    assert_eq!(
        e.decide(&Request::new("GET", "/v2/x/y/items")).policy(),
        Some("deep")
    );
}

#[test]
fn rule_1_unhandled_has_no_headers_and_is_forwarded() {
    let e = api();
    let d = e.decide(
        &Request::new("OPTIONS", "/other")
            .origin("https://app.example.com")
            .request_method("PUT"),
    );
    assert_eq!(d.kind(), RequestKind::Unhandled);
    assert!(!d.allowed());
    assert!(d.forward());
    assert_eq!(d.status(), None);
    assert_eq!(d.policy(), None);
    assert_eq!(d.headers().count(), 0);
    assert_eq!(d.reason(), Reason::NoPolicy);
}

#[test]
fn rule_1_non_utf8_paths_match_as_bytes() {
    let e = engine(vec![policy("p", &["/files/**"], &["https://a.example"])]);
    let path: &[u8] = b"/files/\xff\xfe/x";
    assert_eq!(e.decide(&Request::new("GET", path)).policy(), Some("p"));
    let other: &[u8] = b"/\xff";
    assert_eq!(
        e.decide(&Request::new("GET", other)).kind(),
        RequestKind::Unhandled
    );
}

// Rule 2: no Origin → not CORS, forwarded, `Vary: Origin` only.

#[test]
fn rule_2_no_origin_is_not_cors_with_vary_origin() {
    let e = api();
    let d = e.decide(&Request::new("GET", "/api/users"));
    assert_eq!(d.kind(), RequestKind::NotCors);
    assert!(!d.allowed());
    assert!(d.forward());
    assert_eq!(d.reason(), Reason::NoOrigin);
    assert_eq!(headers(&d), vec![("vary", "Origin".into())]);
    // OPTIONS with ACRM but no Origin is not a preflight.
    let d = e.decide(&Request::new("OPTIONS", "/api/users").request_method("PUT"));
    assert_eq!(d.kind(), RequestKind::NotCors);
    assert_eq!(d.status(), None);
}

// Rule 3: preflights.

#[test]
fn rule_3_allowed_preflight_headers_in_canonical_order() {
    let e = api();
    let r =
        preflight("/api/users", "https://app.example.com", "PUT").request_headers("content-type");
    let d = e.decide(&r);
    assert_eq!(d.kind(), RequestKind::Preflight);
    assert!(d.allowed());
    assert!(!d.forward());
    assert_eq!(d.status(), Some(204));
    assert_eq!(d.reason(), Reason::OriginAllowed { entry: 0 });
    assert_eq!(
        headers(&d),
        vec![
            (ACAO, "https://app.example.com".into()),
            (ACAC, "true".into()),
            (ACAM, "GET, HEAD, POST, PUT, DELETE".into()),
            (ACAH, "content-type, x-request-id".into()),
            (ACMA, "7200".into()),
            ("vary", PREFLIGHT_VARY.into()),
        ]
    );
}

#[test]
fn rule_3_allow_headers_only_when_headers_were_requested() {
    let e = api();
    let d = e.decide(&preflight(
        "/api/users",
        "https://app.example.com",
        "DELETE",
    ));
    assert!(d.allowed());
    assert_eq!(header(&d, ACAH), None);
    // An empty list (or only commas) requests nothing.
    let d = e.decide(
        &preflight("/api/users", "https://app.example.com", "DELETE").request_headers(" , ,"),
    );
    assert!(d.allowed());
    assert_eq!(header(&d, ACAH), None);
}

#[test]
fn rule_3_preflight_status_is_the_policys() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.preflight_status = 200;
    let e = engine(vec![p]);
    assert_eq!(
        e.decide(&preflight("/", "https://a.example", "GET"))
            .status(),
        Some(200)
    );
}

#[test]
fn rule_3_opaque_denial_is_403_with_only_vary() {
    let e = api();
    for (r, reason) in [
        (
            preflight("/api/x", "https://evil.example", "PUT"),
            "origin-not-allowed",
        ),
        (
            preflight("/api/x", "https://APP.example.com", "PUT"),
            "malformed-origin",
        ),
        (
            preflight("/api/x", "https://app.example.com", "TRACE"),
            "forbidden-method",
        ),
        (
            preflight("/api/x", "https://app.example.com", "P UT"),
            "invalid-request-method",
        ),
        (
            preflight("/api/x", "https://app.example.com", "PUT")
                .request_headers("content-type, x secret"),
            "invalid-request-headers",
        ),
        // A denied method, but a list no browser sends: opaque.
        (
            preflight("/api/x", "https://app.example.com", "PATCH")
                .request_headers("content-type, x secret"),
            "method-not-allowed",
        ),
        (
            preflight("/api/x", "https://app.example.com", "PUT")
                .request_headers(&*vec!["content-type"; 65].join(",")),
            "request-headers-too-large",
        ),
    ] {
        let d = e.decide(&r);
        assert_eq!(d.kind(), RequestKind::Preflight);
        assert!(!d.allowed(), "{d:?}");
        assert!(!d.informative(), "{d:?}");
        assert!(!d.forward());
        assert_eq!(d.status(), Some(403));
        assert_eq!(d.reason().code(), reason);
        assert_eq!(headers(&d), vec![("vary", PREFLIGHT_VARY.into())]);
    }
}

#[test]
fn rule_3_informative_denial_answers_with_the_policys_own_lists() {
    let e = api();
    let own = |extra: Vec<(&'static str, String)>| {
        let mut h = vec![
            (ACAO, "https://app.example.com".to_owned()),
            (ACAC, "true".to_owned()),
            (ACAM, "GET, HEAD, POST, PUT, DELETE".to_owned()),
        ];
        h.extend(extra);
        h.push(("vary", PREFLIGHT_VARY.into()));
        h
    };
    let acah = || vec![(ACAH, "content-type, x-request-id".to_owned())];
    for (r, reason, expected) in [
        (
            preflight("/api/x", "https://app.example.com", "PATCH"),
            "method-not-allowed",
            own(vec![]),
        ),
        (
            preflight("/api/x", "https://app.example.com", "PUT")
                .request_headers("content-type, x-secret"),
            "header-not-allowed",
            own(acah()),
        ),
        // Method and header both refused: the method is the reason.
        (
            preflight("/api/x", "https://app.example.com", "PATCH").request_headers("x-secret"),
            "method-not-allowed",
            own(acah()),
        ),
        (
            preflight("/api/x", "https://app.example.com", "PUT").private_network("true"),
            "private-network-not-enabled",
            own(vec![]),
        ),
    ] {
        let d = e.decide(&r);
        assert_eq!(d.kind(), RequestKind::Preflight);
        assert!(!d.allowed(), "{d:?}");
        assert!(d.informative(), "{d:?}");
        assert!(!d.forward());
        assert_eq!(d.status(), Some(204));
        assert_eq!(d.reason().code(), reason);
        // No max-age, no allow-private-network, nothing echoed.
        assert_eq!(headers(&d), expected);
    }
}

#[test]
fn rule_3_denial_reasons_name_what_failed() {
    let e = api();
    let d = e.decide(&preflight("/api/x", "https://app.example.com", "PATCH"));
    assert_eq!(d.reason(), Reason::MethodNotAllowed { method: b"PATCH" });
    assert_eq!(
        d.reason().to_string(),
        "the requested method `PATCH` is not in the policy's `methods`"
    );
    let d = e.decide(
        &preflight("/api/x", "https://app.example.com", "PUT")
            .request_headers("x-a\r\nSet-Cookie: x"),
    );
    assert_eq!(
        d.reason(),
        Reason::InvalidRequestHeaders {
            element: b"x-a\r\nSet-Cookie: x"
        }
    );
    assert_eq!(
        d.reason().to_string(),
        "the requested header `x-a\\r\\nSet-Cookie: x` is not a valid header name"
    );
    let d =
        e.decide(&preflight("/api/x", "https://app.example.com", "PUT").request_headers("X-Other"));
    assert_eq!(d.reason(), Reason::HeaderNotAllowed { name: b"X-Other" });
}

#[test]
fn rule_3_checks_run_in_order_origin_method_headers_private_network() {
    let e = api();
    let all_bad = preflight("/api/x", "https://evil.example", "PATCH")
        .request_headers("x-no")
        .private_network("true");
    assert_eq!(e.decide(&all_bad).reason().code(), "origin-not-allowed");
    let r = preflight("/api/x", "https://app.example.com", "PATCH")
        .request_headers("x-no")
        .private_network("true");
    assert_eq!(e.decide(&r).reason().code(), "method-not-allowed");
    let r = preflight("/api/x", "https://app.example.com", "PUT")
        .request_headers("x-no")
        .private_network("true");
    assert_eq!(e.decide(&r).reason().code(), "header-not-allowed");
}

#[test]
fn rule_3_private_network() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.private_network = true;
    let e = engine(vec![p]);
    let d = e.decide(&preflight("/", "https://a.example", "GET").private_network("true"));
    assert!(d.allowed());
    assert_eq!(header(&d, ACAPN).as_deref(), Some("true"));
    assert_eq!(
        header(&d, "vary").as_deref(),
        Some(&*format!(
            "{PREFLIGHT_VARY}, Access-Control-Request-Private-Network"
        ))
    );
    // Not asked (or asked with another value): no allow-private-network.
    for r in [
        preflight("/", "https://a.example", "GET"),
        preflight("/", "https://a.example", "GET").private_network("yes"),
    ] {
        let d = e.decide(&r);
        assert!(d.allowed());
        assert_eq!(header(&d, ACAPN), None);
    }
    // Not enabled: a request that asks is denied.
    let e = engine(vec![policy("p", &[], &["https://a.example"])]);
    let d = e.decide(&preflight("/", "https://a.example", "GET").private_network("true"));
    assert_eq!(d.reason(), Reason::PrivateNetworkNotEnabled);
    assert_eq!(
        e.decide(&preflight("/", "https://a.example", "GET").private_network("false"))
            .status(),
        Some(204)
    );
}

#[test]
fn rule_3_options_without_acrm_is_an_actual_request() {
    let e = api();
    let d = e.decide(&Request::new("OPTIONS", "/api/x").origin("https://app.example.com"));
    assert_eq!(d.kind(), RequestKind::Actual);
    assert!(d.forward());
    assert_eq!(d.status(), None);
}

// Rule 4: actual requests.

#[test]
fn rule_4_allowed_actual_request() {
    let e = api();
    let d = e.decide(&Request::new("POST", "/api/users").origin("https://app.example.com"));
    assert_eq!(d.kind(), RequestKind::Actual);
    assert!(d.allowed());
    assert!(d.forward());
    assert_eq!(d.status(), None);
    assert_eq!(
        headers(&d),
        vec![
            (ACAO, "https://app.example.com".into()),
            (ACAC, "true".into()),
            (ACEH, "x-request-id".into()),
            ("vary", "Origin".into()),
        ]
    );
}

#[test]
fn rule_4_denied_actual_request_is_forwarded_without_cors_headers() {
    let e = api();
    let d = e.decide(&Request::new("GET", "/api/users").origin("https://evil.example"));
    assert_eq!(d.kind(), RequestKind::Actual);
    assert!(!d.allowed());
    assert!(d.forward());
    assert_eq!(
        d.reason(),
        Reason::OriginNotAllowed {
            origin: b"https://evil.example"
        }
    );
    assert_eq!(headers(&d), vec![("vary", "Origin".into())]);
}

#[test]
fn rule_4_expose_star_without_credentials() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.expose = names(&["*"]);
    let e = engine(vec![p]);
    let d = e.decide(&Request::new("GET", "/").origin("https://a.example"));
    assert_eq!(header(&d, ACEH).as_deref(), Some("*"));
    assert_eq!(header(&d, ACAC), None);
}

// Rule 5: `*` only for `origins *` without credentials; otherwise the origin echoed.

#[test]
fn rule_5_star_for_any_origin() {
    let e = api();
    let d = e.decide(&Request::new("GET", "/static/app.js").origin("https://whoever.example"));
    assert!(d.allowed());
    assert_eq!(d.reason(), Reason::AnyOrigin);
    assert_eq!(headers(&d), vec![(ACAO, "*".into())]);
}

#[test]
fn rule_5_origin_echoed_byte_for_byte() {
    let e = engine(vec![policy(
        "p",
        &[],
        &["https://*.example.com", "http://localhost:*"],
    )]);
    for origin in [
        "https://a.b.example.com",
        "http://localhost:5173",
        "http://localhost",
    ] {
        let d = e.decide(&Request::new("GET", "/").origin(origin));
        assert_eq!(header(&d, ACAO).as_deref(), Some(origin));
    }
}

#[test]
fn rule_5_duplicated_origin_is_never_allowed() {
    let e = api();
    let r = Request::new("GET", "/static/x")
        .origin("https://a.example")
        .origin("https://a.example");
    let d = e.decide(&r);
    assert_eq!(d.reason(), Reason::OriginDuplicated);
    assert!(!d.allowed());
    assert_eq!(d.headers().count(), 0);
    let r = preflight("/api/x", "https://app.example.com", "PUT").origin("https://app.example.com");
    assert_eq!(e.decide(&r).status(), Some(403));
}

// Rule 6: wildcards and lists.

#[test]
fn rule_6_star_lists_without_credentials_are_literal_star() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.methods = names(&["*"]);
    p.headers = names(&["*"]);
    let e = engine(vec![p]);
    let d = e.decide(
        &preflight("/", "https://a.example", "PURGE").request_headers("x-anything, content-type"),
    );
    assert!(d.allowed(), "{d:?}");
    assert_eq!(header(&d, ACAM).as_deref(), Some("*"));
    assert_eq!(header(&d, ACAH).as_deref(), Some("*"));
    assert_eq!(header(&d, ACAC), None);
}

#[test]
fn rule_6_star_never_covers_authorization() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.headers = names(&["*"]);
    let e = engine(vec![p.clone()]);
    let d =
        e.decide(&preflight("/", "https://a.example", "GET").request_headers("x-a, Authorization"));
    assert_eq!(d.reason(), Reason::AuthorizationNotCoveredByWildcard);
    // Informative, but never `*`, which Chromium lets cover authorization:
    // the requested names but authorization, one line each.
    assert_eq!(d.status(), Some(204));
    assert_eq!(header(&d, ACAH).as_deref(), Some("x-a"));
    assert_eq!(d.headers().filter(|h| h.name == ACAH).count(), 1);
    p.credentials = true;
    let e = engine(vec![p.clone()]);
    let d = e.decide(
        &preflight("/", "https://a.example", "GET").request_headers("x-a, Authorization, x-b"),
    );
    assert_eq!(d.reason(), Reason::AuthorizationNotCoveredByWildcard);
    assert!(d.informative());
    // With credentials `*` is echoed: every requested name but the refused
    // one, one line each.
    let acah: Vec<String> = d
        .headers()
        .filter(|h| h.name == ACAH)
        .map(|h| h.value_str().to_owned())
        .collect();
    assert_eq!(acah, ["x-a", "x-b"]);
    p.credentials = false;
    p.headers = names(&["*", "authorization"]);
    let e = engine(vec![p]);
    let d =
        e.decide(&preflight("/", "https://a.example", "GET").request_headers("x-a, Authorization"));
    assert!(d.allowed());
    assert_eq!(header(&d, ACAH).as_deref(), Some("*, authorization"));
    // Without `*`, an unlisted authorization is simply not allowed.
    let e = engine(vec![policy("p", &[], &["https://a.example"])]);
    let d = e.decide(&preflight("/", "https://a.example", "GET").request_headers("authorization"));
    assert_eq!(
        d.reason(),
        Reason::HeaderNotAllowed {
            name: b"authorization"
        }
    );
}

#[test]
fn rule_6_credentialed_star_echoes_what_was_asked() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.methods = names(&["*"]);
    p.headers = names(&["*", "authorization"]);
    p.credentials = true;
    let e = engine(vec![p]);
    let r = preflight("/", "https://a.example", "PURGE")
        .request_headers("x-b, Authorization ")
        .request_headers(" ,x-c,");
    let d = e.decide(&r);
    assert!(d.allowed(), "{d:?}");
    assert_eq!(
        headers(&d),
        vec![
            (ACAO, "https://a.example".into()),
            (ACAC, "true".into()),
            (ACAM, "PURGE".into()),
            (ACAH, "x-b, Authorization".into()),
            (ACAH, ",x-c,".into()),
            ("vary", PREFLIGHT_VARY.into()),
        ]
    );
    // Each echoed element must be a token.
    let d = e.decide(&preflight("/", "https://a.example", "PURGE").request_headers("x-b, x c"));
    assert_eq!(
        d.reason(),
        Reason::InvalidRequestHeaders { element: b"x c" }
    );
    let d = e.decide(&preflight("/", "https://a.example", "PUR GE"));
    assert_eq!(
        d.reason(),
        Reason::InvalidRequestMethod { method: b"PUR GE" }
    );
    let d = e.decide(&preflight("/", "https://a.example", "GET\r\nX: y"));
    assert_eq!(d.reason().code(), "invalid-request-method");
}

#[test]
fn rule_6_forbidden_methods_refused_even_under_star() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.methods = names(&["*"]);
    let e = engine(vec![p]);
    for m in ["CONNECT", "TRACE", "TRACK", "connect", "Trace", "tRaCk"] {
        let d = e.decide(&preflight("/", "https://a.example", m));
        assert_eq!(
            d.reason(),
            Reason::ForbiddenMethod {
                method: m.as_bytes()
            }
        );
        assert_eq!(d.status(), Some(403));
    }
}

#[test]
fn rule_6_safelisted_methods_always_allowed_case_sensitively() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.methods = names(&["PUT"]);
    let e = engine(vec![p]);
    for m in ["GET", "HEAD", "POST", "PUT"] {
        let d = e.decide(&preflight("/", "https://a.example", m));
        assert!(d.allowed(), "{m}");
        assert_eq!(header(&d, ACAM).as_deref(), Some("PUT"));
    }
    for m in ["get", "put", "DELETE"] {
        assert_eq!(
            e.decide(&preflight("/", "https://a.example", m))
                .reason()
                .code(),
            "method-not-allowed",
            "{m}"
        );
    }
}

#[test]
fn rule_6_default_methods_list() {
    let e = engine(vec![policy("p", &[], &["https://a.example"])]);
    let d = e.decide(&preflight("/", "https://a.example", "GET"));
    assert_eq!(header(&d, ACAM).as_deref(), Some("GET, HEAD, POST"));
}

#[test]
fn rule_6_header_names_compare_case_insensitively_and_list_is_whole() {
    let e = api();
    let r = preflight("/api/x", "https://app.example.com", "PUT")
        .request_headers("X-Request-ID,CONTENT-TYPE");
    let d = e.decide(&r);
    assert!(d.allowed());
    assert_eq!(
        header(&d, ACAH).as_deref(),
        Some("content-type, x-request-id")
    );
}

#[test]
fn rule_6_credentialed_preflight_carries_allow_credentials() {
    let e = api();
    let d = e.decide(&preflight("/api/x", "https://app.example.com", "GET"));
    assert_eq!(header(&d, ACAC).as_deref(), Some("true"));
    let e = engine(vec![policy("p", &[], &["https://a.example"])]);
    let d = e.decide(&preflight("/", "https://a.example", "GET"));
    assert!(d.allowed());
    assert_eq!(header(&d, ACAC), None);
}

// Rule 7: Vary.

#[test]
fn rule_7_vary_origin_on_every_response_of_an_origin_dependent_policy() {
    let e = api();
    for r in [
        Request::new("GET", "/api/x"),
        Request::new("GET", "/api/x").origin("https://app.example.com"),
        Request::new("GET", "/api/x").origin("https://evil.example"),
        Request::new("GET", "/api/x").origin("HTTPS://APP.EXAMPLE.COM"),
    ] {
        assert_eq!(
            header(&e.decide(&r), "vary").as_deref(),
            Some("Origin"),
            "{r:?}"
        );
    }
    for r in [
        preflight("/api/x", "https://app.example.com", "PUT"),
        preflight("/api/x", "https://evil.example", "PUT"),
    ] {
        assert_eq!(
            header(&e.decide(&r), "vary").as_deref(),
            Some(PREFLIGHT_VARY)
        );
    }
}

#[test]
fn rule_7_origin_independent_policy_never_adds_origin() {
    let e = api();
    for r in [
        Request::new("GET", "/static/x"),
        Request::new("GET", "/static/x").origin("https://a.example"),
    ] {
        assert_eq!(header(&e.decide(&r), "vary"), None);
    }
    let d = e.decide(&preflight("/static/x", "https://a.example", "GET"));
    assert!(d.allowed());
    assert_eq!(
        header(&d, "vary").as_deref(),
        Some("Access-Control-Request-Method, Access-Control-Request-Headers")
    );
    let d = e.decide(&preflight("/static/x", "https://a.example", "DELETE"));
    assert!(!d.allowed() && d.informative());
    assert_eq!(
        headers(&d),
        vec![
            (ACAO, "*".into()),
            (ACAM, "GET, HEAD, POST".into()),
            (
                "vary",
                "Access-Control-Request-Method, Access-Control-Request-Headers".into()
            )
        ]
    );
    let d = e.decide(&preflight("/static/x", "https://a.example", "TRACE"));
    assert!(!d.allowed() && !d.informative());
    assert_eq!(
        headers(&d),
        vec![(
            "vary",
            "Access-Control-Request-Method, Access-Control-Request-Headers".into()
        )]
    );
}

// Rule 8: nothing unsafe is ever emitted; ACRH read case-insensitively, OWS, several lines.

#[test]
fn rule_8_non_canonical_origins_never_match() {
    let e = engine(vec![policy(
        "p",
        &[],
        &[
            "https://app.example.com",
            "https://*.example.org",
            "http://localhost:*",
            r"regex:^https://[a-z]+\.example\.net$",
        ],
    )]);
    let exact = engine(vec![policy("p", &[], &["https://app.example.com"])]);
    for origin in [
        "https://APP.example.com",
        "HTTPS://app.example.com",
        "https://app.example.com/",
        "https://app.example.com:443",
        "https://user@app.example.com",
        " https://app.example.com",
        "https://app.example.com\r\nx: y",
        "https://app.example.com\0",
        "https://a.example.org/",
        "https://A.example.org",
        "http://localhost:080",
        "http://localhost:80",
        "http://localhost:99999",
        "https://x.example.net/",
        "https://X.example.net",
        "https://x.example.net:443",
        "https://\u{e9}.example.net",
    ] {
        let d = e.decide(&Request::new("GET", "/").origin(origin));
        assert_eq!(
            d.reason(),
            Reason::MalformedOrigin {
                origin: origin.as_bytes()
            },
            "{origin:?}"
        );
        assert_eq!(headers(&d), vec![("vary", "Origin".into())]);
        // Exact origins only: a miss is not parsed by `decide`, and the
        // reason, asked for, is the same.
        let d = exact.decide(&Request::new("GET", "/").origin(origin));
        let malformed = Reason::MalformedOrigin {
            origin: origin.as_bytes(),
        };
        assert_eq!(d.reason(), malformed, "{origin:?}");
        assert!(format!("{d:?}").contains("MalformedOrigin"), "{d:?}");
        assert_eq!(headers(&d), vec![("vary", "Origin".into())]);
    }
    let absent = "https://absent.example.com";
    let d = exact.decide(&Request::new("GET", "/").origin(absent));
    assert_eq!(
        d.reason(),
        Reason::OriginNotAllowed {
            origin: absent.as_bytes()
        }
    );
}

#[test]
fn rule_8_emitted_values_are_always_valid_header_values() {
    let mut p = policy("p", &[], &["https://a.example", "*"]);
    p.methods = names(&["*"]);
    p.headers = names(&["*"]);
    let e = engine(vec![p]);
    // Under `*` an origin that is garbage is answered with `*`, never echoed.
    let d = e.decide(&Request::new("GET", "/").origin("x\r\ny"));
    assert_eq!(header(&d, ACAO).as_deref(), Some("*"));
    for h in d.headers() {
        assert!(
            h.value
                .iter()
                .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b))
        );
    }
}

#[test]
fn rule_8_request_headers_ows_case_and_several_lines() {
    let e = api();
    let r = preflight("/api/x", "https://app.example.com", "PUT")
        .request_headers("\tContent-Type ,")
        .request_headers("X-REQUEST-ID");
    assert!(e.decide(&r).allowed());
    let lines: [&[u8]; 2] = [b"content-type", b" x-request-id"];
    let r = preflight("/api/x", "https://app.example.com", "PUT").request_header_lines(&lines);
    assert!(e.decide(&r).allowed());
}

// Rule 9: caps.

#[test]
fn rule_9_caps_deny_the_preflight() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.headers = names(&["*"]);
    let e = engine(vec![p]);
    let huge = ",".repeat(1 << 20);
    let d = e.decide(&preflight("/", "https://a.example", "GET").request_headers(&huge));
    assert_eq!(d.reason(), Reason::RequestHeadersTooLarge);
    assert_eq!(d.status(), Some(403));
    let names64 = (0..cors_policy::MAX_REQUEST_HEADER_NAMES)
        .map(|i| format!("x-{i}"))
        .collect::<Vec<_>>()
        .join(",");
    assert!(names64.len() >= 256);
    assert!(
        e.decide(&preflight("/", "https://a.example", "GET").request_headers(&names64))
            .allowed()
    );
    let names65 = format!("{names64},x-last");
    let d = e.decide(&preflight("/", "https://a.example", "GET").request_headers(&names65));
    assert_eq!(d.reason(), Reason::RequestHeadersTooLarge);
    // 4 KiB in one name list is accepted (the spec's floor).
    let four_k = format!("x-{}", "a".repeat(4094));
    assert!(
        e.decide(&preflight("/", "https://a.example", "GET").request_headers(&four_k))
            .allowed()
    );
    let mut r = preflight("/", "https://a.example", "GET");
    for _ in 0..=cors_policy::MAX_REQUEST_HEADER_LINES {
        r = r.request_headers("x-a");
    }
    assert_eq!(e.decide(&r).reason(), Reason::RequestHeadersTooLarge);
}

#[test]
fn rule_9_size_caps_come_before_every_other_check() {
    // An oversized list is refused on its length alone, whatever else
    // would fail: a refused origin, a duplicated origin, a forbidden or
    // unlisted method. The answer is the same opaque denial; only the
    // reason changes, and nothing else of the request is read.
    let mut p = policy("p", &[], &["https://a.example"]);
    p.methods = names(&["PUT"]);
    let e = engine(vec![p]);
    let huge = "x-a,".repeat(cors_policy::MAX_REQUEST_HEADERS_LEN / 4 + 1);
    let requests = [
        preflight("/", "https://evil.example", "PUT"),
        preflight("/", "https://a.example", "PATCH"),
        preflight("/", "https://a.example", "TRACE"),
        preflight("/", "https://a.example", "PUT").origin("https://b.example"),
        preflight("/", "not an origin", "PUT"),
    ];
    for request in requests {
        let request = request.request_headers(&huge);
        let d = e.decide(&request);
        assert_eq!(d.reason(), Reason::RequestHeadersTooLarge, "{request:?}");
        assert_eq!(d.status(), Some(403));
        assert!(!d.informative());
        let trace = e.trace(&request);
        assert_eq!(trace.decision.reason(), Reason::RequestHeadersTooLarge);
        assert!(trace.origin.is_none() && trace.method.is_none());
        assert!(trace.headers.is_some());
    }
    // Within the caps the order is the documented one: origin first.
    let d = e.decide(&preflight("/", "https://evil.example", "PATCH").request_headers("x-a"));
    assert!(matches!(d.reason(), Reason::OriginNotAllowed { .. }));
}

// Origins (docs/language.md#origins) as the engine matches them.

#[test]
fn origins_subdomain_wildcard_is_label_bounded() {
    let e = engine(vec![policy("p", &[], &["https://*.example.com"])]);
    let allowed = |o: &str| e.decide(&Request::new("GET", "/").origin(o)).allowed();
    assert!(allowed("https://a.example.com"));
    assert!(allowed("https://a.b.example.com"));
    assert!(allowed("https://a_b-c9.example.com"));
    assert!(!allowed("https://example.com"));
    assert!(!allowed("https://evilexample.com"));
    assert!(!allowed("https://x.example.com.evil.com"));
    assert!(!allowed("http://a.example.com"));
    assert!(!allowed("https://a.example.com:8443"));
    assert!(!allowed("https://.example.com"));
    assert!(!allowed("https://a..example.com"));
    assert!(!allowed("https://a.example.com."));
    assert!(!allowed(&format!("https://{}.example.com", "a".repeat(64))));
    assert!(allowed(&format!("https://{}.example.com", "a".repeat(63))));
}

/// An origin of exactly `len` bytes on `a.example.com`, the length in its
/// scheme: a host is at most 253 bytes (DNS), a scheme has no limit.
fn long_origin(len: usize) -> String {
    let host = "://a.example.com";
    let origin = format!("{}{host}", "x".repeat(len - host.len()));
    assert_eq!(origin.len(), len);
    origin
}

#[test]
fn origins_over_the_length_cap_are_malformed_whatever_the_strategy() {
    use cors_policy::MAX_ORIGIN_LEN;
    use cors_policy_tests::reference::{self, Answer, RefRequest};
    let at_cap = long_origin(MAX_ORIGIN_LEN);
    let over = long_origin(MAX_ORIGIN_LEN + 1);
    let wild = at_cap.replace("://a.", "://*.");
    let policies = [
        // Exact entries only (the hash-only path), one of them the long one.
        policy("exact", &[], &["https://app.example.com", &at_cap]),
        policy("wild", &[], &[&wild]),
        policy("ports", &[], &["https://app.example.com:*", &at_cap]),
        policy("regex", &[], &[r"regex:x+://[a-z.]+\.example\.com"]),
        policy("over", &[], &[&over]),
    ];
    for p in policies {
        let name = p.name.clone();
        let e = engine(vec![p.clone()]);
        for preflight in [false, true] {
            let request = |origin: &str| RefRequest {
                method: if preflight {
                    b"OPTIONS".to_vec()
                } else {
                    b"GET".to_vec()
                },
                path: b"/".to_vec(),
                origins: vec![origin.as_bytes().to_vec()],
                request_methods: if preflight {
                    vec![b"GET".to_vec()]
                } else {
                    vec![]
                },
                ..RefRequest::default()
            };
            for origin in [&at_cap, &over] {
                let request = request(origin);
                let d = e.decide(&request.to_request());
                assert_eq!(
                    Answer::of(&d),
                    reference::decide(std::slice::from_ref(&p), &request),
                    "{name}: {} bytes",
                    origin.len()
                );
                if origin.len() > MAX_ORIGIN_LEN {
                    assert_eq!(
                        d.reason(),
                        Reason::MalformedOrigin {
                            origin: origin.as_bytes()
                        },
                        "{name}"
                    );
                } else {
                    assert_eq!(d.allowed(), name != "over", "{name}");
                }
            }
        }
    }
    // `origins *` reads nothing of the origin: `*` even over the cap.
    let e = engine(vec![policy("star", &[], &["*"])]);
    let d = e.decide(&Request::new("GET", "/").origin(over.as_str()));
    assert_eq!(d.reason(), Reason::AnyOrigin);
    assert_eq!(header(&d, ACAO).as_deref(), Some("*"));
}

#[test]
fn a_long_origin_is_cut_short_in_the_reason() {
    let over = long_origin(cors_policy::MAX_ORIGIN_LEN + 1);
    let e = engine(vec![policy("p", &[], &["https://app.example.com"])]);
    let d = e.decide(&Request::new("GET", "/").origin(over.as_str()));
    let shown = d.reason().to_string();
    assert!(shown.contains("… (1025 bytes)"), "{shown}");
    assert!(shown.len() < 200, "{shown}");
    assert!(!shown.contains(&over));
    let debug = format!("{:?}", d.reason());
    assert!(debug.len() < 200, "{debug}");
}

#[test]
fn origins_port_wildcard_by_host() {
    let e = engine(vec![policy("p", &[], &["http://localhost:*"])]);
    let allowed = |o: &str| e.decide(&Request::new("GET", "/").origin(o)).allowed();
    assert!(allowed("http://localhost"));
    assert!(allowed("http://localhost:3000"));
    assert!(allowed("http://localhost:0"));
    assert!(!allowed("https://localhost:3000"));
    assert!(!allowed("http://localhost.evil:3000"));
    assert!(!allowed("http://127.0.0.1:3000"));
}

#[test]
fn origins_exact_null_regex_and_first_entry() {
    let e = engine(vec![policy(
        "p",
        &[],
        &[
            "regex:^https://pr-[0-9]+\\.preview\\.example\\.dev$",
            "https://pr-1.preview.example.dev",
            "null",
        ],
    )]);
    let reason = |o: &'static str| e.decide(&Request::new("GET", "/").origin(o)).reason();
    assert_eq!(
        reason("https://pr-1.preview.example.dev"),
        Reason::OriginAllowed { entry: 0 }
    );
    assert_eq!(
        reason("https://pr-22.preview.example.dev"),
        Reason::OriginAllowed { entry: 0 }
    );
    assert_eq!(reason("null"), Reason::OriginAllowed { entry: 2 });
    assert_eq!(
        reason("https://pr-x.preview.example.dev").code(),
        "origin-not-allowed"
    );
    // Anchored: a regex cannot match a prefix or a suffix.
    assert_eq!(
        reason("https://pr-1.preview.example.dev.evil.com").code(),
        "origin-not-allowed"
    );
    assert_eq!(
        reason("https://evil.com.pr-1.preview.example.dev").code(),
        "origin-not-allowed"
    );
}

#[test]
fn origins_ten_thousand_exact_entries() {
    let list: Vec<String> = (0..10_000)
        .map(|i| format!("https://app{i}.example.com"))
        .collect();
    let refs: Vec<&str> = list.iter().map(String::as_str).collect();
    let e = engine(vec![policy("p", &[], &refs)]);
    assert_eq!(
        e.decide(&Request::new("GET", "/").origin("https://app9999.example.com"))
            .reason(),
        Reason::OriginAllowed { entry: 9999 }
    );
    assert!(
        !e.decide(&Request::new("GET", "/").origin("https://app10000.example.com"))
            .allowed()
    );
}

// Building the engine.

#[test]
fn invalid_model_is_an_error_not_a_panic() {
    let mut p = policy("p", &[], &["*"]);
    p.credentials = true;
    let err = Engine::from_policies(&cors_policy_grammar::model::PolicySet { policies: vec![p] })
        .unwrap_err();
    assert_eq!(err.diagnostics()[0].name(), "credentials-wildcard");
    let p = policy("p", &["/a/[z-a]"], &["regex:(unclosed"]);
    let err = Engine::from_policies(&cors_policy_grammar::model::PolicySet { policies: vec![p] })
        .unwrap_err();
    let kinds: Vec<_> = err.diagnostics().iter().map(|d| d.name()).collect();
    assert_eq!(kinds, ["syntax", "invalid-regex"]);
    let mut p = policy("p", &[], &["https://a.example"]);
    p.headers = names(&["x-a\r\nx-b"]);
    let err = Engine::from_policies(&cors_policy_grammar::model::PolicySet { policies: vec![p] })
        .unwrap_err();
    assert_eq!(err.diagnostics()[0].name(), "invalid-token");
    assert!(err.to_string().contains("not a valid name"), "{err}");
}

#[test]
fn a_regex_cannot_escape_its_anchors() {
    let p = policy("p", &[], &["regex:https://good\\.example)|(.*"]);
    let err = Engine::from_policies(&cors_policy_grammar::model::PolicySet { policies: vec![p] })
        .unwrap_err();
    assert_eq!(err.diagnostics()[0].name(), "invalid-regex");
}

#[test]
fn from_str_compiles_text_and_reports_every_diagnostic() {
    let src = r#"
policy "api" {
    paths "/api/**"
    origins "https://app.example.com", "https://*.staging.example.com", "http://localhost:*"
    origins regex r"^https://pr-[0-9]+\.preview\.example\.dev$"
    methods GET, POST, PUT
    headers content-type, authorization
    expose x-request-id
    credentials
    max-age 2h
    private-network
}
"#;
    let e: Engine = src.parse().unwrap();
    assert_eq!(e.policies().len(), 1);
    let r = preflight("/api/x", "https://pr-7.preview.example.dev", "PUT")
        .request_headers("authorization")
        .private_network("true");
    let d = e.decide(&r);
    assert!(d.allowed(), "{d:?}");
    assert_eq!(d.reason(), Reason::OriginAllowed { entry: 3 });
    assert_eq!(header(&d, ACMA).as_deref(), Some("7200"));
    assert_eq!(header(&d, ACAPN).as_deref(), Some("true"));
    let d = e.decide(&Request::new("GET", "/api/x").origin("https://a.staging.example.com"));
    assert_eq!(header(&d, ACEH).as_deref(), Some("x-request-id"));

    let bad =
        "policy \"a\" { origins \"https://a.com/x\" }\npolicy \"a\" { origins * credentials }\n";
    let err = bad.parse::<Engine>().unwrap_err();
    assert!(err.diagnostics().len() >= 2, "{:?}", err.diagnostics());
    assert!(
        err.diagnostics().iter().filter(|d| d.is_error()).count() >= 2,
        "{:?}",
        err.diagnostics()
    );
    assert_eq!(err.source_text(), Some(bad));
    assert!(!err.to_string().is_empty());
}

#[test]
fn decision_and_engine_are_shareable() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Engine>();
    send_sync::<cors_policy::Decision<'static>>();
    let e = std::sync::Arc::new(api());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let e = e.clone();
            std::thread::spawn(move || {
                e.decide(&Request::new("GET", "/api/x").origin("https://app.example.com"))
                    .allowed()
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
}

#[test]
fn rule_9_lines_given_one_by_one_past_the_builder_deny_never_drop() {
    let mut p = policy("p", &[], &["https://a.example"]);
    p.headers = names(&["*"]);
    let e = engine(vec![p]);
    let mut r = preflight("/", "https://a.example", "GET");
    for _ in 0..cors_policy::MAX_BUILDER_REQUEST_HEADER_LINES {
        r = r.request_headers("x-a");
    }
    assert!(e.decide(&r).allowed());
    let r = r.request_headers("x-a");
    assert_eq!(e.decide(&r).reason(), Reason::RequestHeadersTooLarge);
    // The same lines at once are read, up to the line cap.
    let lines = vec!["x-a"; cors_policy::MAX_REQUEST_HEADER_LINES];
    let r = preflight("/", "https://a.example", "GET").request_header_lines(&lines);
    assert!(e.decide(&r).allowed());
    // A slice after other lines is combined while the builder holds them all.
    let two = ["x-b", "x-c"];
    let r = preflight("/", "https://a.example", "GET")
        .request_headers("x-a")
        .request_header_lines(&two);
    assert!(e.decide(&r).allowed());
    let r = preflight("/", "https://a.example", "GET")
        .request_headers("x-a")
        .request_header_lines(&lines);
    assert_eq!(e.decide(&r).reason(), Reason::RequestHeadersTooLarge);
}
