//! The `http` adapter: requests borrowed from `http` types, decisions applied
//! to a `HeaderMap` (replace the CORS headers, merge `Vary`), preflight
//! responses, and the cached `HttpEngine` answering like the plain engine.
#![allow(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod counting;

use counting::allocations;

use cors_policy::http::{Answer, HttpEngine, apply, preflight_response};
use cors_policy::{Engine, MAX_REQUEST_HEADER_LINES, Reason, Request, RequestKind};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};

const POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins "https://app.example.com"
    methods GET, POST, PUT, DELETE
    headers content-type, x-request-id
    expose x-request-id
    credentials
    max-age 2h
}

policy "echo" {
    paths "/echo/**"
    origins "https://app.example.com"
    methods *
    headers *
    credentials
}

policy "public" {
    paths "/static/**"
    origins *
}
"#;

const ORIGIN: &str = "https://app.example.com";
const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";
const ACAH: &str = "access-control-allow-headers";
const ACEH: &str = "access-control-expose-headers";
const PREFLIGHT_VARY: &str =
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

fn engine() -> Engine {
    POLICY.parse().unwrap()
}

fn request(method: &str, uri: &str, headers: &[(&str, &[u8])]) -> http::Request<()> {
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        builder = builder.header(*name, HeaderValue::from_bytes(value).unwrap());
    }
    builder.body(()).unwrap()
}

fn preflight(uri: &str, method: &str, acrh: &[&str]) -> http::Request<()> {
    let mut headers: Vec<(&str, &[u8])> = vec![
        ("origin", ORIGIN.as_bytes()),
        ("access-control-request-method", method.as_bytes()),
    ];
    headers.extend(
        acrh.iter()
            .map(|l| ("access-control-request-headers", l.as_bytes())),
    );
    request("OPTIONS", uri, &headers)
}

fn all<'m>(map: &'m HeaderMap, name: &str) -> Vec<&'m str> {
    map.get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

/// The response headers after applying the decision for `req` onto `app`.
fn applied(req: &http::Request<()>, app: &[(&str, &str)]) -> HeaderMap {
    let engine = engine();
    let decision = engine.decide(&Request::from_http(req));
    let mut response = HeaderMap::new();
    for (name, value) in app {
        response.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    apply(&decision, &mut response);
    response
}

#[test]
fn the_request_borrows_method_path_without_query_and_cors_headers() {
    let req = preflight(
        "https://api.example.com/api/users?page=2",
        "PUT",
        &["content-type"],
    );
    let r = Request::from_http(&req);
    assert_eq!(r.method(), b"OPTIONS");
    assert_eq!(r.path(), b"/api/users");
    assert_eq!(r.origin_value(), Some(ORIGIN.as_bytes()));
    assert_eq!(r.request_method_value(), Some(&b"PUT"[..]));
    assert_eq!(
        r.request_headers_lines().collect::<Vec<_>>(),
        [&b"content-type"[..]]
    );
    // Borrowed, not copied: the very bytes of the request's header value.
    let origin = req.headers().get("origin").unwrap().as_bytes();
    assert!(std::ptr::eq(r.origin_value().unwrap(), origin));

    let (parts, ()) = req.into_parts();
    let r = Request::from_http_parts(&parts);
    assert!(r.is_preflight());
    let r = Request::from_http_headers(&Method::GET, &parts.uri, &parts.headers);
    assert!(!r.is_preflight());
    assert_eq!(engine().decide(&r).kind(), RequestKind::Actual);
}

#[test]
fn private_network_request_header_is_read() {
    let req = request(
        "OPTIONS",
        "/api/x",
        &[
            ("origin", ORIGIN.as_bytes()),
            ("access-control-request-method", b"GET"),
            ("access-control-request-private-network", b"true"),
        ],
    );
    let r = Request::from_http(&req);
    assert_eq!(r.private_network_value(), Some(&b"true"[..]));
    // The api policy does not enable private-network.
    assert_eq!(
        engine().decide(&r).reason(),
        Reason::PrivateNetworkNotEnabled
    );
}

#[test]
fn several_request_header_lines_are_all_read() {
    let engine = engine();
    let req = preflight("/api/users", "PUT", &["content-type", "x-request-id"]);
    let decision = engine.decide(&Request::from_http(&req));
    assert!(decision.allowed(), "{decision:?}");
    let req = preflight("/api/users", "PUT", &["content-type", "x-other"]);
    let decision = engine.decide(&Request::from_http(&req));
    assert_eq!(
        decision.reason(),
        Reason::HeaderNotAllowed { name: b"x-other" }
    );
}

#[test]
fn echoed_request_header_lines_are_sent_as_several_lines() {
    let req = preflight("/echo/x", "PATCH", &["x-a, x-b", "x-c"]);
    let headers = applied(&req, &[(ACAH, "x-app")]);
    assert_eq!(all(&headers, ACAH), ["x-a, x-b", "x-c"]);
    assert_eq!(all(&headers, "access-control-allow-methods"), ["PATCH"]);
}

#[test]
fn an_informative_denial_under_credentialed_wildcard_headers_never_echoes_authorization() {
    let req = preflight(
        "/echo/x",
        "PATCH",
        &["x-a, Authorization", "x-c", "authorization,  x-d "],
    );
    let engine = engine();
    let decision = engine.decide(&Request::from_http(&req));
    assert_eq!(decision.reason(), Reason::AuthorizationNotCoveredByWildcard);
    assert!(decision.informative());
    // The allowed names, one line each, both through `apply` and through
    // an `HttpEngine`'s prebuilt answer.
    let headers = applied(&req, &[]);
    assert_eq!(all(&headers, ACAH), ["x-a", "x-c", "x-d"]);
    assert_eq!(all(&headers, "access-control-allow-methods"), ["PATCH"]);
    assert_eq!(all(&headers, ACAO), [ORIGIN]);
    let http_engine = HttpEngine::new(engine);
    let answer = http_engine.answer(&req);
    assert_eq!(answer.status(), Some(StatusCode::NO_CONTENT));
    let response: http::Response<()> = answer.preflight_response().unwrap();
    assert_eq!(all(response.headers(), ACAH), ["x-a", "x-c", "x-d"]);
    assert!(response.headers().get("access-control-max-age").is_none());
}

#[test]
fn request_header_lines_over_the_cap_deny_the_preflight() {
    let engine = engine();
    let at_cap = vec!["x-request-id"; MAX_REQUEST_HEADER_LINES];
    let req = preflight("/api/users", "PUT", &at_cap);
    assert!(engine.decide(&Request::from_http(&req)).allowed());
    let over = vec!["x-request-id"; MAX_REQUEST_HEADER_LINES + 1];
    let req = preflight("/api/users", "PUT", &over);
    let decision = engine.decide(&Request::from_http(&req));
    assert_eq!(decision.reason(), Reason::RequestHeadersTooLarge);
    assert_eq!(decision.status(), Some(403));
    // A hostile number of lines is no different.
    let many = vec!["a"; 10_000];
    let req = preflight("/api/users", "PUT", &many);
    let decision = engine.decide(&Request::from_http(&req));
    assert_eq!(decision.reason(), Reason::RequestHeadersTooLarge);
}

#[test]
fn duplicated_origin_and_request_method_lines_are_denied() {
    let engine = engine();
    let twice = request(
        "GET",
        "/api/users",
        &[("origin", ORIGIN.as_bytes()), ("origin", ORIGIN.as_bytes())],
    );
    let decision = engine.decide(&Request::from_http(&twice));
    assert_eq!(decision.reason(), Reason::OriginDuplicated);
    let headers = applied(&twice, &[(ACAO, "*")]);
    assert!(headers.get(ACAO).is_none());
    assert_eq!(all(&headers, "vary"), ["Origin"]);

    let twice = request(
        "OPTIONS",
        "/api/users",
        &[
            ("origin", ORIGIN.as_bytes()),
            ("access-control-request-method", b"PUT"),
            ("access-control-request-method", b"PUT"),
        ],
    );
    let decision = engine.decide(&Request::from_http(&twice));
    assert_eq!(decision.reason(), Reason::RequestMethodDuplicated);
}

#[test]
fn our_allow_origin_replaces_the_applications() {
    let req = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
    let headers = applied(&req, &[(ACAO, "*"), (ACAC, "false")]);
    assert_eq!(all(&headers, ACAO), [ORIGIN]);
    assert_eq!(all(&headers, ACAC), ["true"]);
    assert_eq!(all(&headers, ACEH), ["x-request-id"]);

    let headers = applied(
        &req,
        &[(ACAO, "https://a.example"), (ACAO, "https://b.example")],
    );
    assert_eq!(all(&headers, ACAO), [ORIGIN]);
}

#[test]
fn a_covered_path_sends_only_the_policys_cors_headers() {
    // Denied origin: the application's own CORS headers do not leak through.
    let req = request("GET", "/api/users", &[("origin", b"https://evil.example")]);
    let headers = applied(
        &req,
        &[
            (ACAO, "*"),
            (ACAC, "true"),
            (ACEH, "x-secret"),
            ("content-type", "text/plain"),
        ],
    );
    assert!(headers.get(ACAO).is_none());
    assert!(headers.get(ACAC).is_none());
    assert!(headers.get(ACEH).is_none());
    assert_eq!(all(&headers, "content-type"), ["text/plain"]);
    assert_eq!(all(&headers, "vary"), ["Origin"]);
}

#[test]
fn an_unhandled_path_is_left_untouched() {
    let req = request("GET", "/other", &[("origin", ORIGIN.as_bytes())]);
    let headers = applied(&req, &[(ACAO, "*"), ("vary", "Accept-Encoding")]);
    assert_eq!(all(&headers, ACAO), ["*"]);
    assert_eq!(all(&headers, "vary"), ["Accept-Encoding"]);
    assert_eq!(headers.len(), 2);
}

#[test]
fn vary_is_merged_never_replaced() {
    let req = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
    // Added to the application's own names, on one line.
    let headers = applied(&req, &[("vary", "Accept-Encoding")]);
    assert_eq!(all(&headers, "vary"), ["Accept-Encoding, Origin"]);
    // Already there in another case: not repeated, left as written.
    let headers = applied(&req, &[("vary", "accept-encoding, origin")]);
    assert_eq!(all(&headers, "vary"), ["accept-encoding, origin"]);
    // Already on another line: nothing to add.
    let headers = applied(&req, &[("vary", "Accept-Encoding"), ("vary", "ORIGIN")]);
    assert_eq!(all(&headers, "vary"), ["Accept-Encoding", "ORIGIN"]);
    // `*` varies on everything already.
    let headers = applied(&req, &[("vary", "*")]);
    assert_eq!(all(&headers, "vary"), ["*"]);
    // Several lines without it: one merged line.
    let headers = applied(&req, &[("vary", "Accept-Encoding"), ("vary", " Cookie ")]);
    assert_eq!(all(&headers, "vary"), ["Accept-Encoding, Cookie, Origin"]);
    // No `Vary` at all: ours.
    let headers = applied(&req, &[]);
    assert_eq!(all(&headers, "vary"), ["Origin"]);
    // Applying twice adds nothing more.
    let engine = engine();
    let decision = engine.decide(&Request::from_http(&req));
    let mut twice = HeaderMap::new();
    twice.insert("vary", HeaderValue::from_static("Accept-Encoding"));
    apply(&decision, &mut twice);
    apply(&decision, &mut twice);
    assert_eq!(all(&twice, "vary"), ["Accept-Encoding, Origin"]);
    assert_eq!(all(&twice, ACAO), [ORIGIN]);
}

#[test]
fn preflight_vary_adds_only_the_missing_names() {
    let req = preflight("/api/users", "PUT", &["content-type"]);
    let headers = applied(&req, &[("vary", "origin, Accept-Encoding")]);
    assert_eq!(
        all(&headers, "vary"),
        ["origin, Accept-Encoding, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );
    let headers = applied(&req, &[]);
    assert_eq!(all(&headers, "vary"), [PREFLIGHT_VARY]);
}

#[test]
fn a_policy_that_does_not_depend_on_the_origin_adds_no_vary() {
    let req = request("GET", "/static/app.js", &[("origin", ORIGIN.as_bytes())]);
    let headers = applied(&req, &[("vary", "Accept-Encoding")]);
    assert_eq!(all(&headers, ACAO), ["*"]);
    assert_eq!(all(&headers, "vary"), ["Accept-Encoding"]);
}

#[test]
fn preflight_responses_carry_status_headers_and_an_empty_body() {
    let engine = engine();
    let req = preflight("/api/users", "PUT", &["content-type"]);
    let decision = engine.decide(&Request::from_http(&req));
    let response: http::Response<String> = preflight_response(&decision).unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.body(), "");
    let h = response.headers();
    assert_eq!(all(h, ACAO), [ORIGIN]);
    assert_eq!(all(h, ACAC), ["true"]);
    // The engine's value, whatever its spelling, sent as it is.
    let methods = decision
        .headers()
        .find(|h| h.name == "access-control-allow-methods");
    assert_eq!(
        all(h, "access-control-allow-methods"),
        [methods.unwrap().value_str()]
    );
    assert!(all(h, "access-control-allow-methods")[0].contains("PUT"));
    assert_eq!(all(h, ACAH), ["content-type, x-request-id"]);
    assert_eq!(all(h, "access-control-max-age"), ["7200"]);
    assert_eq!(all(h, "vary"), [PREFLIGHT_VARY]);

    // A method the policy does not list, from its origin: an informative
    // denial, the policy's own list and no max-age.
    let req = preflight("/api/users", "PATCH", &[]);
    let decision = engine.decide(&Request::from_http(&req));
    assert!(!decision.allowed() && decision.informative());
    let response: http::Response<()> = preflight_response(&decision).unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let h = response.headers();
    assert_eq!(all(h, ACAO), [ORIGIN]);
    assert_eq!(all(h, ACAC), ["true"]);
    assert_eq!(
        all(h, "access-control-allow-methods"),
        ["GET, POST, PUT, DELETE"]
    );
    assert!(h.get("access-control-max-age").is_none());
    assert_eq!(all(h, "vary"), [PREFLIGHT_VARY]);

    // A forbidden method: opaque, 403 and only `vary`.
    let req = preflight("/api/users", "TRACE", &[]);
    let decision = engine.decide(&Request::from_http(&req));
    let response: http::Response<()> = preflight_response(&decision).unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let names: Vec<_> = response.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(names, ["vary"]);

    // Not a preflight: the application answers.
    let req = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
    let decision = engine.decide(&Request::from_http(&req));
    assert!(preflight_response::<()>(&decision).is_none());
}

#[test]
fn non_utf8_and_hostile_bytes_never_panic() {
    let engine = engine();
    let http_engine = HttpEngine::new(self::engine());
    let weird: [&[u8]; 5] = [
        b"https://app.\xffexample.com",
        b"\x80\x81\xfe",
        b"https://app.example.com\t",
        b"x-a,\xff\xfe, x-b",
        b"",
    ];
    for value in weird {
        for path in ["/api/x", "/echo/x", "/static/x", "/nope"] {
            let req = request(
                "OPTIONS",
                path,
                &[
                    ("origin", value),
                    ("access-control-request-method", value),
                    ("access-control-request-headers", value),
                    ("access-control-request-private-network", value),
                ],
            );
            let decision = engine.decide(&Request::from_http(&req));
            assert!(!decision.allowed(), "{decision:?}");
            let mut response = HeaderMap::new();
            response.append(
                "vary",
                HeaderValue::from_bytes(b"Accept-\xffEncoding").unwrap(),
            );
            apply(&decision, &mut response);
            let _ = preflight_response::<()>(&decision);
            let answer = http_engine.answer(&req);
            answer.apply(&mut response);
            assert!(response.get(ACAO).is_none());
        }
    }
}

/// Every header of the answer, as text.
fn pairs(answer: &Answer) -> Vec<(String, String)> {
    answer
        .headers()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn the_cached_engine_answers_like_the_plain_one() {
    let plain = engine();
    let cached = HttpEngine::new(engine());
    let cases = [
        preflight("/api/users", "PUT", &["content-type"]),
        preflight("/api/users", "PUT", &["content-type", "x-request-id"]),
        preflight("/api/users", "PATCH", &[]),
        preflight("/echo/users", "PATCH", &["x-a, x-b", "x-c"]),
        preflight("/static/app.js", "GET", &[]),
        request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]),
        request("GET", "/api/users", &[("origin", b"https://evil.example")]),
        request("GET", "/api/users", &[]),
        request("GET", "/static/x", &[("origin", ORIGIN.as_bytes())]),
        request("GET", "/nope", &[("origin", ORIGIN.as_bytes())]),
    ];
    // Twice: the second round answers from the cache.
    for _ in 0..2 {
        for req in &cases {
            let decision = plain.decide(&Request::from_http(req));
            let expected = Answer::from_decision(&decision);
            let got = cached.answer(req);
            assert_eq!(pairs(&got), pairs(&expected), "{req:?}");
            assert_eq!(got.kind(), decision.kind());
            assert_eq!(got.allowed(), decision.allowed());
            assert_eq!(got.status().map(|s| s.as_u16()), decision.status());
            assert_eq!(got.forward(), decision.forward());
            let mut a = HeaderMap::new();
            let mut b = HeaderMap::new();
            got.apply(&mut a);
            expected.apply(&mut b);
            assert_eq!(a, b);
        }
    }
}

fn value<'a>(answer: &'a Answer, name: &str) -> &'a HeaderValue {
    answer
        .headers()
        .find(|(n, _)| n.as_str() == name)
        .unwrap()
        .1
}

#[test]
fn the_cached_engine_shares_values_instead_of_copying_them() {
    let cached = HttpEngine::new(engine());
    let req = preflight("/api/users", "PUT", &["content-type"]);
    let first = cached.answer(&req);
    let second = cached.answer(&req);
    for name in [
        "access-control-allow-methods",
        ACAH,
        "access-control-max-age",
        "vary",
    ] {
        let (a, b) = (value(&first, name), value(&second, name));
        assert_eq!(a, b);
        assert!(
            std::ptr::eq(a.as_bytes(), b.as_bytes()),
            "{name} was copied"
        );
    }
    // An origin matched by an exact entry is that entry's prebuilt value,
    // shared by every answer, not the request's (which may own its bytes,
    // and would cost an allocation to share).
    let origin = req.headers().get("origin").unwrap();
    assert_eq!(value(&first, ACAO), origin);
    assert!(std::ptr::eq(
        value(&first, ACAO).as_bytes(),
        value(&second, ACAO).as_bytes()
    ));
    assert!(!std::ptr::eq(
        value(&first, ACAO).as_bytes(),
        origin.as_bytes()
    ));
    // An echoed method is never cached as if it were a constant.
    let patch = preflight("/echo/x", "PATCH", &[]);
    let delete = preflight("/echo/x", "DELETE", &[]);
    assert_eq!(
        value(&cached.answer(&patch), "access-control-allow-methods"),
        "PATCH"
    );
    assert_eq!(
        value(&cached.answer(&delete), "access-control-allow-methods"),
        "DELETE"
    );
    let acrm = delete
        .headers()
        .get("access-control-request-method")
        .unwrap();
    let echoed = cached.answer(&delete);
    assert!(std::ptr::eq(
        value(&echoed, "access-control-allow-methods").as_bytes(),
        acrm.as_bytes()
    ));
}

#[test]
fn prepare_takes_a_decision_already_made() {
    let cached = HttpEngine::new(engine());
    let req = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
    let decision = cached.engine().decide(&Request::from_http(&req));
    assert_eq!(decision.reason(), Reason::OriginAllowed { entry: 0 });
    let answer = cached.prepare(&decision, req.headers());
    assert_eq!(value(&answer, ACAO), ORIGIN);
    // With headers the decision did not come from, values are copied.
    let answer = cached.prepare(&decision, &HeaderMap::new());
    assert_eq!(value(&answer, ACAO), ORIGIN);
}

#[test]
fn a_decision_of_another_engine_gets_its_own_values() {
    // Same policy name and index, other constants: the prebuilt values of
    // this engine must not be sent for the other engine's decision.
    let other: Engine = r#"
        policy "api" {
            paths "/api/**"
            origins "https://app.example.com"
            methods PATCH
            headers x-other
            max-age 60
        }
    "#
    .parse()
    .unwrap();
    let cached = HttpEngine::new(engine());
    let req = preflight("/api/users", "PATCH", &["x-other"]);
    let decision = other.decide(&Request::from_http(&req));
    assert!(decision.allowed(), "{decision:?}");
    let got = cached.prepare(&decision, req.headers());
    assert_eq!(pairs(&got), pairs(&Answer::from_decision(&decision)));
    assert_eq!(value(&got, "access-control-allow-methods"), "PATCH");
    assert_eq!(value(&got, "access-control-max-age"), "60");
}

#[test]
fn answers_are_owned_and_sendable() {
    fn owned<T: Send + Sync + 'static>(_: &T) {}
    let cached = HttpEngine::new(engine());
    let answer = {
        let req = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
        cached.answer(&req)
    };
    owned(&answer);
    owned(&cached);
    assert_eq!(value(&answer, ACAO), ORIGIN);
}

#[test]
fn the_cached_engine_answers_and_writes_without_allocating() {
    let cached = HttpEngine::new(engine());
    let actual = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
    let pre = preflight("/api/users", "PUT", &["content-type", "x-request-id"]);
    let echo = preflight("/echo/users", "PATCH", &["x-a, x-b", "x-c"]);
    // A preflight's answer is the header map of its response, made once
    // (what `HeaderMap::with_capacity` allocates) and moved into the
    // response: building that response allocates nothing more.
    let (map, _) = allocations(|| HeaderMap::<::http::HeaderValue>::with_capacity(6));
    assert!(map > 0);
    for req in [&actual, &pre, &echo] {
        let is_preflight = req.method() == ::http::Method::OPTIONS;
        // An echo of a list that came on two lines (browsers send one)
        // needs the map's extra-values list: one allocation more.
        let extra = usize::from(std::ptr::eq(req, &echo));
        let expected = if is_preflight { map + extra } else { 0 };
        // The first clone of a value built from a slice moves its bytes to
        // a shared buffer (hyper's values are shared from the start): the
        // first answer does that to the request's echoed values.
        let _ = cached.answer(req);
        let (n, answer) = allocations(|| cached.answer(req));
        assert_eq!(n, expected, "answer allocated for {req:?}");
        if is_preflight {
            let copy = answer.clone();
            let (n, response) = allocations(|| copy.into_preflight_response::<()>());
            assert_eq!(n, 0, "the preflight response allocated for {req:?}");
            assert!(response.is_some());
        }
        let mut response = HeaderMap::with_capacity(16);
        let (n, ()) = allocations(|| answer.write_to(&mut response));
        assert_eq!(n, extra, "write_to allocated for {req:?}: {response:?}");
        let (n, _) = allocations(|| Request::from_http(req));
        assert_eq!(n, 0);
    }
    // The counter works: the plain path copies the values.
    let plain = engine();
    let decision = plain.decide(&Request::from_http(&actual));
    let (n, _) = allocations(|| Answer::from_decision(&decision));
    assert!(n >= 2, "{n}");
}

#[cfg(feature = "tracing")]
mod tracing_events {
    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::{Event, Level, Metadata, Subscriber, span};

    use super::*;

    type Events = Arc<Mutex<Vec<(Level, String, String)>>>;

    /// Records every event: level, target and fields as `name=value`.
    struct Recorder(Events);

    struct Fields(String);

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let _ = write!(self.0, "{}={:?} ", field.name(), value);
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, "{}={} ", field.name(), value);
        }
    }

    impl Subscriber for Recorder {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
            span::Id::from_u64(1)
        }
        fn record(&self, _: &span::Id, _: &span::Record<'_>) {}
        fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            let meta = event.metadata();
            self.0
                .lock()
                .unwrap()
                .push((*meta.level(), meta.target().to_owned(), fields.0));
        }
        fn enter(&self, _: &span::Id) {}
        fn exit(&self, _: &span::Id) {}
    }

    #[test]
    fn denials_are_logged_at_debug_with_their_reason() {
        let events: Events = Arc::default();
        let cached = HttpEngine::new(engine());
        tracing::subscriber::with_default(Recorder(events.clone()), || {
            let denied = request("GET", "/api/users", &[("origin", b"https://evil.example")]);
            let _ = cached.answer(&denied);
            let allowed = request("GET", "/api/users", &[("origin", ORIGIN.as_bytes())]);
            let _ = cached.answer(&allowed);
        });
        let events = events.lock().unwrap();
        assert_eq!(events.len(), 2, "{events:?}");
        let (level, target, fields) = &events[0];
        assert_eq!(*level, Level::DEBUG);
        assert_eq!(target, "cors_policy");
        assert!(fields.contains("reason=origin-not-allowed"), "{fields}");
        assert!(fields.contains("policy=api "), "{fields}");
        assert!(
            fields.contains("`https://evil.example` is not in the policy"),
            "{fields}"
        );
        let (level, _, fields) = &events[1];
        assert_eq!(*level, Level::TRACE);
        assert!(fields.contains("reason=origin-allowed"), "{fields}");
    }
}

#[test]
fn a_pattern_match_echoes_the_request_s_own_origin() {
    let cached = HttpEngine::new(
        r#"policy "p" { origins "https://*.example.com" }"#.parse::<Engine>().unwrap(),
    );
    let req = http::Request::builder()
        .uri("/x")
        .header("origin", "https://tenant-7.example.com")
        .body(())
        .unwrap();
    let answer = cached.answer(&req);
    let origin = req.headers().get("origin").unwrap();
    assert_eq!(value(&answer, ACAO), origin);
    assert!(std::ptr::eq(
        value(&answer, ACAO).as_bytes(),
        origin.as_bytes()
    ));
}
