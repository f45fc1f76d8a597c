//! Unit tests of the browser model (`cors_policy::browser`) on hand-written requests
//! and responses: each Fetch rule, each check and each Chromium message. No engine involved.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::browser::{
    BlockReason, Body, BrowserOptions, CredentialsMode, Exposed, HttpRequest, HttpResponse,
    Outcome, PageRequest, Plan, Stage, browser_fetch, browser_fetch_answered, browser_fetch_traced,
    browser_fetch_with, chromium_console_message, chromium_message, cors_check,
    cors_unsafe_request_header_names, exposed_header_names, fields, is_cors_safelisted_method,
    is_cors_safelisted_request_header, is_forbidden_method, is_forbidden_request_header,
    message::encode_hint, normalize_method, plan, prepare,
    request::parse_single_range_header_value,
};

const PAGE: &str = "https://app.example";
const API: &str = "https://api.example";

/// A server that answers preflights with `preflight` and everything else with `actual`,
/// and remembers what it saw.
struct Server {
    preflight: HttpResponse,
    actual: HttpResponse,
    seen: Vec<HttpRequest>,
}

impl Server {
    fn new(preflight: HttpResponse, actual: HttpResponse) -> Self {
        Server {
            preflight,
            actual,
            seen: Vec::new(),
        }
    }

    /// A server that allows PAGE for everything it is asked, without credentials.
    fn permissive() -> Self {
        Server::new(
            allow(204)
                .header("Access-Control-Allow-Methods", "*")
                .header("Access-Control-Allow-Headers", "*"),
            allow(200),
        )
    }

    fn fetch(&mut self, req: &PageRequest) -> Outcome {
        self.fetch_with(req, &BrowserOptions::default())
    }

    fn fetch_with(&mut self, req: &PageRequest, opts: &BrowserOptions) -> Outcome {
        let Server {
            preflight,
            actual,
            seen,
        } = self;
        browser_fetch_with(req, opts, &mut |r: &HttpRequest| {
            seen.push(r.clone());
            if r.is_preflight() {
                preflight.clone()
            } else {
                actual.clone()
            }
        })
    }

    fn preflight_seen(&self) -> &HttpRequest {
        self.seen
            .iter()
            .find(|r| r.method == "OPTIONS")
            .expect("no preflight")
    }

    fn actual_seen(&self) -> &HttpRequest {
        self.seen
            .iter()
            .find(|r| r.method != "OPTIONS")
            .expect("no actual request")
    }
}

fn allow(status: u16) -> HttpResponse {
    HttpResponse::new(status).header("Access-Control-Allow-Origin", PAGE)
}

fn get() -> PageRequest {
    PageRequest::new(PAGE, API, "GET")
}

fn blocked(outcome: &Outcome) -> (Stage, BlockReason, String) {
    match outcome {
        Outcome::Blocked {
            stage, reason, why, ..
        } => (*stage, reason.clone(), why.clone()),
        other => panic!("expected a block, got {other:?}"),
    }
}

fn readable(outcome: &Outcome) -> Vec<(String, String)> {
    outcome
        .readable_headers()
        .unwrap_or_else(|| panic!("expected ok, got {outcome:?}"))
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8(v.clone()).unwrap()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

fn unsafe_names(headers: &[(&str, &str)]) -> Vec<String> {
    let list: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
        .collect();
    cors_unsafe_request_header_names(&list)
}

// ---------------------------------------------------------------- methods

#[test]
fn normalize_method_uppercases_only_the_six_standard_methods() {
    for (given, sent) in [
        ("delete", "DELETE"),
        ("get", "GET"),
        ("Head", "HEAD"),
        ("options", "OPTIONS"),
        ("post", "POST"),
        ("pUt", "PUT"),
        ("patch", "patch"),
        ("Patch", "Patch"),
        ("PATCH", "PATCH"),
        ("x-custom", "x-custom"),
    ] {
        assert_eq!(normalize_method(given), sent, "{given}");
    }
}

#[test]
fn forbidden_methods_throw_in_any_case_and_send_nothing() {
    for m in ["CONNECT", "connect", "TRACE", "Trace", "TRACK", "track"] {
        assert!(is_forbidden_method(m), "{m}");
        let mut server = Server::permissive();
        let outcome = server.fetch(&PageRequest::new(PAGE, API, m));
        let Outcome::TypeError { why, .. } = outcome else {
            panic!("{m}: {outcome:?}")
        };
        assert_eq!(
            why,
            format!("Failed to execute 'fetch' on 'Window': '{m}' HTTP method is unsupported.")
        );
        assert!(server.seen.is_empty(), "{m} reached the server");
    }
    assert!(!is_forbidden_method("TRACES"));
}

#[test]
fn a_method_that_is_not_a_token_throws() {
    for m in ["", "GET POST", "PÜT", "a,b"] {
        let outcome = Server::permissive().fetch(&PageRequest::new(PAGE, API, m));
        assert!(
            matches!(outcome, Outcome::TypeError { .. }),
            "{m:?}: {outcome:?}"
        );
    }
}

#[test]
fn safelisted_methods_are_get_head_post_byte_exact() {
    for m in ["GET", "HEAD", "POST"] {
        assert!(is_cors_safelisted_method(m));
    }
    for m in ["get", "Post", "PUT", "OPTIONS", "PATCH", "DELETE"] {
        assert!(!is_cors_safelisted_method(m), "{m}");
    }
}

#[test]
fn lowercase_delete_is_sent_uppercase_and_patch_as_written() {
    let mut server = Server::permissive();
    assert!(server.fetch(&PageRequest::new(PAGE, API, "delete")).is_ok());
    assert_eq!(
        server
            .preflight_seen()
            .header_str("access-control-request-method")
            .unwrap(),
        "DELETE"
    );
    assert_eq!(server.actual_seen().method, "DELETE");

    let mut server = Server::permissive();
    assert!(server.fetch(&PageRequest::new(PAGE, API, "patch")).is_ok());
    assert_eq!(
        server
            .preflight_seen()
            .header_str("access-control-request-method")
            .unwrap(),
        "patch"
    );
    assert_eq!(server.actual_seen().method, "patch");
}

#[test]
fn lowercase_get_is_safelisted_after_normalization() {
    let mut server = Server::permissive();
    assert!(server.fetch(&PageRequest::new(PAGE, API, "get")).is_ok());
    assert_eq!(server.seen.len(), 1, "no preflight for `get`");
    assert_eq!(server.seen[0].method, "GET");
}

// ---------------------------------------------------------------- forbidden headers

#[test]
fn forbidden_request_headers_are_dropped_silently() {
    let req = get()
        .header("Cookie", "a=1")
        .header("Host", "evil.example")
        .header("Origin", "https://evil.example")
        .header("Content-Length", "5")
        .header("Set-Cookie", "a=1")
        .header("Referer", "https://x.example/")
        .header("Access-Control-Request-Method", "PUT")
        .header("Keep-Alive", "1")
        .header("DNT", "1");
    let mut server = Server::permissive();
    assert!(server.fetch(&req).is_ok());
    assert_eq!(
        server.seen.len(),
        1,
        "dropped headers must not cause a preflight"
    );
    let sent = server.actual_seen();
    assert_eq!(sent.header_str("origin").unwrap(), PAGE);
    for name in [
        "cookie",
        "host",
        "content-length",
        "set-cookie",
        "referer",
        "keep-alive",
        "dnt",
    ] {
        assert!(sent.header(name).is_none(), "{name} was sent");
    }
    assert!(sent.header("access-control-request-method").is_none());
}

#[test]
fn proxy_and_sec_prefixes_are_forbidden() {
    for name in [
        "Proxy-Authorization",
        "proxy-x",
        "Proxy-",
        "Sec-Fetch-Mode",
        "sec-anything",
        "SEC-",
    ] {
        assert!(is_forbidden_request_header(name, b"1"), "{name}");
    }
    for name in ["proxyx", "secret", "x-sec-a", "User-Agent", "Accept"] {
        assert!(!is_forbidden_request_header(name, b"1"), "{name}");
    }
}

#[test]
fn method_override_headers_are_forbidden_only_with_a_forbidden_method() {
    for name in [
        "X-HTTP-Method-Override",
        "x-http-method",
        "X-Method-Override",
    ] {
        for value in ["TRACE", "track", "GET,connect ", "trace,", " connect"] {
            assert!(
                is_forbidden_request_header(name, value.as_bytes()),
                "{name}: {value}"
            );
        }
        for value in ["GET", "GETTRACE", "\",TRACE\","] {
            assert!(
                !is_forbidden_request_header(name, value.as_bytes()),
                "{name}: {value}"
            );
        }
    }
    // Dropped from the request, so no preflight.
    let mut server = Server::permissive();
    assert!(
        server
            .fetch(&get().header("X-HTTP-Method-Override", "TRACE"))
            .is_ok()
    );
    assert_eq!(server.seen.len(), 1);
}

#[test]
fn user_agent_is_not_forbidden_in_the_current_spec() {
    let mut server = Server::permissive();
    assert!(server.fetch(&get().header("User-Agent", "bot")).is_ok());
    assert_eq!(
        server
            .preflight_seen()
            .header_str("access-control-request-headers")
            .unwrap(),
        "user-agent"
    );
}

#[test]
fn invalid_header_names_and_values_throw() {
    for (name, value) in [("x foo", "1"), ("", "1"), ("x:y", "1"), ("ä", "1")] {
        let outcome = Server::permissive().fetch(&get().header(name, value));
        assert!(matches!(outcome, Outcome::TypeError { .. }), "{name:?}");
    }
    for value in ["a\nb", "a\rb", "a\0b"] {
        let outcome = Server::permissive().fetch(&get().header("x-a", value));
        assert!(matches!(outcome, Outcome::TypeError { .. }), "{value:?}");
    }
}

#[test]
fn header_values_are_normalized_before_anything_else() {
    // Surrounding whitespace, even CR/LF, is stripped; the value is then safelisted.
    let req = get().header("Content-Language", " \t\r\nen \n");
    let prepared = prepare(&req, &BrowserOptions::default()).unwrap();
    assert!(
        prepared
            .headers
            .contains(&("Content-Language".to_owned(), b"en".to_vec()))
    );
    let mut server = Server::permissive();
    assert!(server.fetch(&req).is_ok());
    assert_eq!(server.seen.len(), 1);
}

#[test]
fn accept_is_added_when_the_script_sets_none() {
    let p = prepare(&get(), &BrowserOptions::default()).unwrap();
    assert_eq!(fields::get(&p.headers, "accept").unwrap(), b"*/*");
    let p = prepare(
        &get().header("accept", "application/json"),
        &BrowserOptions::default(),
    )
    .unwrap();
    assert_eq!(
        fields::get(&p.headers, "Accept").unwrap(),
        b"application/json"
    );
}

#[test]
fn a_repeated_header_name_keeps_its_first_spelling() {
    let p = prepare(
        &get().header("X-Trace", "1").header("x-TRACE", "2"),
        &BrowserOptions::default(),
    )
    .unwrap();
    let names: Vec<&str> = p.headers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["X-Trace", "X-Trace", "Accept"]);
}

// ---------------------------------------------------------------- safelisted request-headers

#[test]
fn accept_is_safelisted_unless_it_has_an_unsafe_byte() {
    assert!(is_cors_safelisted_request_header("Accept", b"*/*"));
    assert!(is_cors_safelisted_request_header(
        "accept",
        b"text/html, application/json;q=0.9"
    ));
    assert!(is_cors_safelisted_request_header("accept", b"a\tb"));
    for bad in [
        "a(b", "a)b", "a:b", "a<b", "a>b", "a?b", "a@b", "a[b", "a\\b", "a]b", "a{b", "a}b", "\"",
        "a\x7fb", "a\x01b",
    ] {
        assert!(
            !is_cors_safelisted_request_header("accept", bad.as_bytes()),
            "{bad:?}"
        );
    }
}

#[test]
fn language_headers_allow_only_their_charset() {
    for name in ["Accept-Language", "content-language"] {
        assert!(is_cors_safelisted_request_header(
            name,
            b"en-US,en;q=0.9, *"
        ));
        assert!(is_cors_safelisted_request_header(name, b""));
        for bad in ["en_US", "en/US", "\"en\"", "en\tUS", "é"] {
            assert!(
                !is_cors_safelisted_request_header(name, bad.as_bytes()),
                "{name}: {bad:?}"
            );
        }
    }
}

#[test]
fn content_type_is_safelisted_for_three_mime_essences() {
    for ok in [
        "text/plain",
        "Text/Plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "text/plain;",
        "text/plain ;a=b",
    ] {
        assert!(
            is_cors_safelisted_request_header("content-type", ok.as_bytes()),
            "{ok}"
        );
    }
    for bad in [
        "application/json",
        "text/html",
        "text",
        "text/",
        "/plain",
        "text /plain",
        "text/plain/x",
        // The quote is a CORS-unsafe byte even though the essence is fine.
        "text/plain; charset=\"utf-8\"",
        "text/plain; a=(b)",
    ] {
        assert!(
            !is_cors_safelisted_request_header("Content-Type", bad.as_bytes()),
            "{bad}"
        );
    }
}

#[test]
fn range_is_safelisted_only_as_one_bytes_range_with_a_start() {
    for ok in ["bytes=0-", "bytes=5-10", "bytes=5-5", "bytes=007-10"] {
        assert!(
            is_cors_safelisted_request_header("Range", ok.as_bytes()),
            "{ok}"
        );
    }
    for bad in [
        "bytes=-500",
        "bytes=10-5",
        "bytes = 0-1",
        "Bytes=0-1",
        "bytes=0-1,3-4",
        "bytes=",
        "bytes=a-b",
        "items=0-1",
    ] {
        assert!(
            !is_cors_safelisted_request_header("range", bad.as_bytes()),
            "{bad}"
        );
    }
    // Numbers longer than any integer type still compare exactly.
    let long = format!("bytes=9{}-1{}", "0".repeat(40), "0".repeat(40));
    assert!(!is_cors_safelisted_request_header("range", long.as_bytes()));
    // Whitespace is only allowed when the caller asks for it (not for safelisting).
    assert!(parse_single_range_header_value(b"bytes = 1 - 2", true).is_some());
}

#[test]
fn a_safelisted_value_is_at_most_128_bytes() {
    let ok = "a".repeat(128);
    let long = "a".repeat(129);
    assert!(is_cors_safelisted_request_header("accept", ok.as_bytes()));
    assert!(!is_cors_safelisted_request_header(
        "accept",
        long.as_bytes()
    ));
    assert!(!is_cors_safelisted_request_header(
        "content-language",
        long.as_bytes()
    ));
}

#[test]
fn other_names_are_never_safelisted() {
    for name in [
        "x-foo",
        "authorization",
        "cache-control",
        "if-none-match",
        "save-data",
        "dpr",
        "content-encoding",
    ] {
        assert!(!is_cors_safelisted_request_header(name, b"1"), "{name}");
    }
}

#[test]
fn unsafe_names_are_lowercase_sorted_and_unique() {
    assert_eq!(
        unsafe_names(&[
            ("X-B", "1"),
            ("Content-Type", "application/json"),
            ("x-a", "1"),
            ("X-b", "2"),
            ("Accept", "*/*")
        ]),
        ["content-type", "x-a", "x-b"]
    );
    assert!(unsafe_names(&[("accept", "*/*"), ("content-type", "text/plain")]).is_empty());
}

#[test]
fn safelisted_values_over_1024_bytes_in_total_make_them_all_unsafe() {
    let v = "a".repeat(128);
    let eight: Vec<(&str, &str)> = (0..8).map(|_| ("accept", v.as_str())).collect();
    assert!(
        unsafe_names(&eight).is_empty(),
        "exactly 1024 bytes is fine"
    );
    let mut nine = eight.clone();
    nine.push(("content-language", "a"));
    assert_eq!(unsafe_names(&nine), ["accept", "content-language"]);
    // And so a preflight is needed.
    let mut req = get();
    for (n, val) in &nine {
        req = req.header(n, val);
    }
    let mut server = Server::permissive();
    assert!(server.fetch(&req).is_ok());
    assert_eq!(
        server
            .preflight_seen()
            .header_str("access-control-request-headers")
            .unwrap(),
        "accept,content-language"
    );
}

// ---------------------------------------------------------------- preflight decision and requests

#[test]
fn a_simple_get_has_no_preflight_and_sends_origin() {
    let mut server = Server::permissive();
    assert!(server.fetch(&get().path("/api/x?q=1")).is_ok());
    assert_eq!(server.seen.len(), 1);
    let sent = &server.seen[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.path, "/api/x?q=1");
    assert_eq!(sent.header_str("origin").unwrap(), PAGE);
    assert_eq!(sent.header_str("accept").unwrap(), "*/*");
}

#[test]
fn a_post_with_a_safelisted_content_type_has_no_preflight() {
    let mut server = Server::permissive();
    let req =
        PageRequest::new(PAGE, API, "POST").header("Content-Type", "text/plain;charset=UTF-8");
    assert!(server.fetch(&req).is_ok());
    assert_eq!(server.seen.len(), 1);
}

#[test]
fn the_preflight_request_carries_method_origin_and_no_script_headers() {
    let mut server = Server::permissive();
    let req = PageRequest::new(PAGE, API, "PUT")
        .path("/items/1")
        .header("Content-Language", "en");
    assert!(server.fetch(&req).is_ok());
    assert_eq!(server.seen.len(), 2);
    let pre = server.preflight_seen();
    assert_eq!(pre.path, "/items/1");
    assert!(pre.is_preflight());
    assert_eq!(
        pre.headers,
        vec![
            ("Accept".to_owned(), b"*/*".to_vec()),
            ("Access-Control-Request-Method".to_owned(), b"PUT".to_vec()),
            ("Origin".to_owned(), PAGE.as_bytes().to_vec()),
        ],
        "no Access-Control-Request-Headers when every header is safelisted"
    );
    let actual = server.actual_seen();
    assert_eq!(actual.method, "PUT");
    assert_eq!(actual.header_str("content-language").unwrap(), "en");
    assert_eq!(actual.header_str("origin").unwrap(), PAGE);
}

#[test]
fn access_control_request_headers_is_sorted_lowercase_comma_joined_without_spaces() {
    let mut server = Server::permissive();
    let req = PageRequest::new(PAGE, API, "POST")
        .header("X-Zeta", "1")
        .header("Content-Type", "application/json")
        .header("X-Alpha", "1")
        .header("x-zeta", "2");
    assert!(server.fetch(&req).is_ok());
    let pre = server.preflight_seen();
    assert_eq!(
        pre.header_str("access-control-request-method").unwrap(),
        "POST"
    );
    assert_eq!(
        pre.header_str("access-control-request-headers").unwrap(),
        "content-type,x-alpha,x-zeta"
    );
    assert!(
        pre.header("access-control-request-private-network")
            .is_none()
    );
}

#[test]
fn private_network_option_preflights_everything_and_needs_the_allow_header() {
    let opts = BrowserOptions::default().private_network(true);
    let mut server = Server::permissive();
    let (stage, reason, why) = blocked(&server.fetch_with(&get(), &opts));
    assert_eq!(server.seen.len(), 1, "only the preflight");
    assert_eq!(
        server
            .preflight_seen()
            .header_str("access-control-request-private-network")
            .unwrap(),
        "true"
    );
    assert_eq!(
        (stage, reason),
        (Stage::Preflight, BlockReason::MissingAllowPrivateNetwork)
    );
    assert_eq!(
        why,
        "Response to preflight request doesn't pass access control check: No \
         'Access-Control-Allow-Private-Network' header was present in the preflight response \
         for this private network request targeting the `loopback` address space."
    );

    let mut server = Server::permissive();
    server.preflight = server
        .preflight
        .clone()
        .header("Access-Control-Allow-Private-Network", "TRUE");
    let (_, reason, _) = blocked(&server.fetch_with(&get(), &opts));
    assert_eq!(
        reason,
        BlockReason::InvalidAllowPrivateNetwork(b"TRUE".to_vec())
    );

    let mut server = Server::permissive();
    server.preflight = server
        .preflight
        .clone()
        .header("Access-Control-Allow-Private-Network", "true");
    assert!(server.fetch_with(&get(), &opts).is_ok());
}

#[test]
fn same_origin_requests_skip_cors_entirely() {
    let mut server = Server::new(
        HttpResponse::new(500),
        HttpResponse::new(200)
            .header("X-Secret", "1")
            .header("Set-Cookie", "a=1")
            .header("Content-Type", "text/plain"),
    );
    let req = PageRequest::new(API, API, "PUT").header("X-Custom", "1");
    let outcome = server.fetch(&req);
    assert_eq!(server.seen.len(), 1, "no preflight same-origin");
    assert_eq!(
        readable(&outcome),
        pairs(&[("content-type", "text/plain"), ("x-secret", "1")]),
        "everything but Set-Cookie, without any CORS header"
    );
    assert_eq!(
        server.actual_seen().header_str("origin").unwrap(),
        API,
        "PUT sends Origin"
    );

    let mut server = Server::new(HttpResponse::new(500), HttpResponse::new(200));
    assert!(server.fetch(&PageRequest::new(API, API, "GET")).is_ok());
    assert!(
        server.actual_seen().header("origin").is_none(),
        "same-origin GET has no Origin"
    );
}

#[test]
fn an_opaque_origin_sends_null_and_is_never_same_origin() {
    let mut server = Server::new(
        HttpResponse::new(500),
        HttpResponse::new(200).header("Access-Control-Allow-Origin", "null"),
    );
    let outcome = server.fetch(&PageRequest::new("null", API, "GET"));
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(server.actual_seen().header_str("origin").unwrap(), "null");

    let mut server = Server::new(HttpResponse::new(500), HttpResponse::new(200));
    let (_, reason, _) = blocked(&server.fetch(&PageRequest::new("null", "null", "GET")));
    assert_eq!(reason, BlockReason::MissingAllowOrigin);
}

// ---------------------------------------------------------------- the CORS check

#[test]
fn missing_allow_origin_blocks_the_actual_response() {
    let mut server = Server::new(HttpResponse::new(204), HttpResponse::new(200));
    let (stage, reason, why) = blocked(&server.fetch(&get()));
    assert_eq!(
        (stage, reason),
        (Stage::Actual, BlockReason::MissingAllowOrigin)
    );
    assert_eq!(
        why,
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    );
}

#[test]
fn wildcard_origin_passes_without_credentials_and_fails_with_include() {
    let wildcard = HttpResponse::new(200).header("Access-Control-Allow-Origin", "*");
    for mode in [CredentialsMode::Omit, CredentialsMode::SameOrigin] {
        assert_eq!(
            cors_check(&wildcard.headers, PAGE, mode),
            Ok(()),
            "{mode:?}"
        );
    }
    let mut server = Server::new(
        HttpResponse::new(204),
        wildcard.header("Access-Control-Allow-Credentials", "true"),
    );
    let (_, reason, why) = blocked(&server.fetch(&get().credentials(CredentialsMode::Include)));
    assert_eq!(reason, BlockReason::WildcardOriginNotAllowed);
    assert_eq!(
        why,
        "The value of the 'Access-Control-Allow-Origin' header in the response must not be the \
         wildcard '*' when the request's credentials mode is 'include'."
    );
}

#[test]
fn two_allow_origin_lines_combine_and_fail() {
    let mut server = Server::new(
        HttpResponse::new(204),
        allow(200).header("access-control-allow-origin", PAGE),
    );
    let (_, reason, why) = blocked(&server.fetch(&get()));
    assert_eq!(
        reason,
        BlockReason::MultipleAllowOriginValues(
            b"https://app.example, https://app.example".to_vec()
        )
    );
    assert_eq!(
        why,
        "The 'Access-Control-Allow-Origin' header contains multiple values \
         'https://app.example, https://app.example', but only one is allowed. Have the server \
         send the header with a valid value."
    );
}

#[test]
fn another_origin_is_a_mismatch() {
    for other in [
        "https://evil.example",
        "HTTPS://APP.EXAMPLE",
        "https://app.example/",
        "http://app.example",
        "null",
    ] {
        let headers = vec![(
            "Access-Control-Allow-Origin".to_owned(),
            other.as_bytes().to_vec(),
        )];
        assert_eq!(
            cors_check(&headers, PAGE, CredentialsMode::Omit),
            Err(BlockReason::AllowOriginMismatch(other.as_bytes().to_vec())),
            "{other}"
        );
    }
    let why = chromium_message(
        &BlockReason::AllowOriginMismatch(b"https://evil.example".to_vec()),
        Stage::Actual,
    );
    assert_eq!(
        why,
        "The 'Access-Control-Allow-Origin' header has a value 'https://evil.example' that is not \
         equal to the supplied origin. Have the server send the header with a valid value."
    );
}

#[test]
fn a_value_that_is_not_url_shaped_is_invalid() {
    let bad: [&[u8]; 5] = [
        b"foo",
        b"",
        b"https://",
        b"*.example.com",
        b"https://caf\xe9.example",
    ];
    for bad in bad {
        let headers = vec![("Access-Control-Allow-Origin".to_owned(), bad.to_vec())];
        assert_eq!(
            cors_check(&headers, PAGE, CredentialsMode::Omit),
            Err(BlockReason::InvalidAllowOriginValue(bad.to_vec())),
            "{bad:?}"
        );
    }
    // UTF-8 is a URL Chromium can parse: another origin, each byte printed on its own.
    let utf8 = "https://café.example".as_bytes().to_vec();
    let headers = vec![("Access-Control-Allow-Origin".to_owned(), utf8.clone())];
    let reason = cors_check(&headers, PAGE, CredentialsMode::Omit).unwrap_err();
    assert_eq!(reason, BlockReason::AllowOriginMismatch(utf8));
    assert!(
        chromium_message(&reason, Stage::Actual)
            .contains("has a value 'https://caf\\u00C3\\u00A9.example'")
    );
    assert_eq!(
        chromium_message(
            &BlockReason::InvalidAllowOriginValue(b"foo".to_vec()),
            Stage::Actual
        ),
        "The 'Access-Control-Allow-Origin' header contains the invalid value 'foo'. Have the \
         server send the header with a valid value."
    );
}

#[test]
fn surrounding_whitespace_is_not_part_of_a_received_value() {
    let mut server = Server::new(
        HttpResponse::new(204),
        HttpResponse::new(200).header("Access-Control-Allow-Origin", format!(" \t{PAGE} ")),
    );
    assert!(server.fetch(&get()).is_ok());
}

#[test]
fn include_needs_allow_credentials_exactly_true() {
    let req = get().credentials(CredentialsMode::Include);
    let cases: [(&[&str], Option<&[u8]>); 5] = [
        (&[], Some(b"")),
        (&["True"], Some(b"True")),
        (&["true", "true"], Some(b"true, true")),
        (&["1"], Some(b"1")),
        (&["true"], None),
    ];
    for (lines, failure) in cases {
        let mut actual = allow(200);
        for l in lines {
            actual = actual.header("Access-Control-Allow-Credentials", l);
        }
        let outcome = Server::new(HttpResponse::new(204), actual).fetch(&req);
        match failure {
            None => assert!(outcome.is_ok(), "{lines:?}: {outcome:?}"),
            Some(v) => assert_eq!(
                outcome.block_reason(),
                Some(&BlockReason::InvalidAllowCredentials(v.to_vec())),
                "{lines:?}"
            ),
        }
    }
    assert_eq!(
        chromium_message(
            &BlockReason::InvalidAllowCredentials(Vec::new()),
            Stage::Actual
        ),
        "The value of the 'Access-Control-Allow-Credentials' header in the response is '' which \
         must be 'true' when the request's credentials mode is 'include'."
    );
}

#[test]
fn allow_credentials_is_ignored_without_include() {
    let actual = allow(200).header("Access-Control-Allow-Credentials", "nonsense");
    assert!(
        Server::new(HttpResponse::new(204), actual)
            .fetch(&get())
            .is_ok()
    );
}

#[test]
fn the_actual_response_status_does_not_matter() {
    let mut server = Server::new(HttpResponse::new(204), allow(500));
    let outcome = server.fetch(&get());
    let Outcome::Ok { response, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(response.status, 500);
}

// ---------------------------------------------------------------- the preflight checks

fn put_with_header() -> PageRequest {
    PageRequest::new(PAGE, API, "PUT").header("X-Foo", "1")
}

fn good_preflight(status: u16) -> HttpResponse {
    allow(status)
        .header("Access-Control-Allow-Methods", "PUT")
        .header("Access-Control-Allow-Headers", "x-foo")
}

#[test]
fn a_preflight_needs_an_ok_status() {
    for status in [200, 204, 299] {
        assert!(
            Server::new(good_preflight(status), allow(200))
                .fetch(&put_with_header())
                .is_ok(),
            "{status}"
        );
    }
    for status in [199, 300, 302, 403, 404, 500] {
        let mut server = Server::new(good_preflight(status), allow(200));
        let (stage, reason, why) = blocked(&server.fetch(&put_with_header()));
        assert_eq!(
            (stage, reason),
            (
                Stage::Preflight,
                BlockReason::PreflightInvalidStatus(status)
            )
        );
        assert_eq!(
            why,
            "Response to preflight request doesn't pass access control check: It does not have \
             HTTP ok status."
        );
        assert_eq!(server.seen.len(), 1, "the actual request is not sent");
    }
}

#[test]
fn a_preflight_cors_failure_wins_over_a_bad_status() {
    let mut server = Server::new(HttpResponse::new(404), allow(200));
    let (stage, reason, why) = blocked(&server.fetch(&put_with_header()));
    assert_eq!(
        (stage, reason),
        (Stage::Preflight, BlockReason::MissingAllowOrigin)
    );
    assert_eq!(
        why,
        "Response to preflight request doesn't pass access control check: No \
         'Access-Control-Allow-Origin' header is present on the requested resource."
    );
}

#[test]
fn the_preflight_is_checked_with_the_actual_credentials_mode() {
    let req = put_with_header().credentials(CredentialsMode::Include);
    let mut server = Server::new(
        good_preflight(204),
        allow(200).header("Access-Control-Allow-Credentials", "true"),
    );
    let (stage, reason, why) = blocked(&server.fetch(&req));
    assert_eq!(
        (stage, reason),
        (
            Stage::Preflight,
            BlockReason::InvalidAllowCredentials(Vec::new())
        )
    );
    assert!(why.starts_with("Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Credentials'"), "{why}");
    server.preflight = good_preflight(204).header("Access-Control-Allow-Credentials", "true");
    assert!(server.fetch(&req).is_ok());
}

#[test]
fn method_must_be_listed_byte_exact() {
    let mut server = Server::new(
        allow(204).header("Access-Control-Allow-Methods", "GET, POST"),
        allow(200),
    );
    let (stage, reason, why) = blocked(&server.fetch(&PageRequest::new(PAGE, API, "PUT")));
    assert_eq!(
        (stage, reason),
        (
            Stage::Preflight,
            BlockReason::MethodDisallowed("PUT".to_owned())
        )
    );
    assert_eq!(
        why,
        "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."
    );

    // `patch` is sent as written and must be listed as written.
    let upper = Server::new(
        allow(204).header("Access-Control-Allow-Methods", "PATCH"),
        allow(200),
    )
    .fetch(&PageRequest::new(PAGE, API, "patch"));
    assert_eq!(
        upper.block_reason(),
        Some(&BlockReason::MethodDisallowed("patch".to_owned()))
    );
    let exact = Server::new(
        allow(204).header("Access-Control-Allow-Methods", "patch"),
        allow(200),
    )
    .fetch(&PageRequest::new(PAGE, API, "patch"));
    assert!(exact.is_ok(), "{exact:?}");
    // `put` is normalized to PUT, so `put` in the response does not cover it.
    let lower = Server::new(
        allow(204).header("Access-Control-Allow-Methods", "put"),
        allow(200),
    )
    .fetch(&PageRequest::new(PAGE, API, "put"));
    assert_eq!(
        lower.block_reason(),
        Some(&BlockReason::MethodDisallowed("PUT".to_owned()))
    );
}

#[test]
fn safelisted_methods_pass_the_method_check_unlisted() {
    // A POST preflighted because of a header: Access-Control-Allow-Methods may omit POST.
    let req = PageRequest::new(PAGE, API, "POST").header("Content-Type", "application/json");
    let pre = allow(204)
        .header("Access-Control-Allow-Methods", "PUT")
        .header("Access-Control-Allow-Headers", "content-type");
    assert!(Server::new(pre, allow(200)).fetch(&req).is_ok());
}

#[test]
fn wildcard_methods_only_without_include() {
    let pre = allow(204)
        .header("Access-Control-Allow-Methods", "*")
        .header("Access-Control-Allow-Credentials", "true");
    let req = PageRequest::new(PAGE, API, "DELETE");
    assert!(Server::new(pre.clone(), allow(200)).fetch(&req).is_ok());
    let outcome = Server::new(
        pre,
        allow(200).header("Access-Control-Allow-Credentials", "true"),
    )
    .fetch(&req.credentials(CredentialsMode::Include));
    assert_eq!(
        outcome.block_reason(),
        Some(&BlockReason::MethodDisallowed("DELETE".to_owned()))
    );
}

#[test]
fn allow_lists_that_are_not_tokens_fail_to_parse() {
    let req = put_with_header();
    for bad in ["PUT PATCH", "PUT;x", "\"PUT\"", "PUT/1"] {
        let pre = allow(204)
            .header("Access-Control-Allow-Methods", bad)
            .header("Access-Control-Allow-Headers", "x-foo");
        let (_, reason, why) = blocked(&Server::new(pre, allow(200)).fetch(&req));
        assert_eq!(reason, BlockReason::InvalidAllowMethods, "{bad}");
        assert_eq!(
            why,
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response."
        );
    }
    let pre = allow(204)
        .header("Access-Control-Allow-Methods", "PUT")
        .header("Access-Control-Allow-Headers", "x-foo x-bar");
    let (_, reason, why) = blocked(&Server::new(pre, allow(200)).fetch(&req));
    assert_eq!(reason, BlockReason::InvalidAllowHeaders);
    assert_eq!(
        why,
        "Cannot parse Access-Control-Allow-Headers response header field in preflight response."
    );
}

#[test]
fn allow_lists_accept_whitespace_empty_elements_and_several_lines() {
    let req = PageRequest::new(PAGE, API, "PUT")
        .header("X-Foo", "1")
        .header("X-Bar", "1");
    let pre = allow(204)
        .header("Access-Control-Allow-Methods", " ,GET,, \tPUT ,")
        .header("Access-Control-Allow-Headers", "x-foo")
        .header("Access-Control-Allow-Headers", "X-BAR");
    let outcome = Server::new(pre, allow(200)).fetch(&req);
    let Outcome::Ok {
        preflight: Some(result),
        ..
    } = outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(result.methods, ["GET", "PUT"]);
    assert_eq!(result.header_names, ["x-foo", "X-BAR"]);
}

#[test]
fn headers_are_matched_case_insensitively() {
    let pre = allow(204)
        .header("Access-Control-Allow-Methods", "PUT")
        .header("Access-Control-Allow-Headers", "X-FOO");
    assert!(
        Server::new(pre, allow(200))
            .fetch(&put_with_header())
            .is_ok()
    );
}

#[test]
fn an_unlisted_header_is_reported_by_its_lowercase_name() {
    let req = PageRequest::new(PAGE, API, "GET")
        .header("X-Zed", "1")
        .header("X-Foo", "1")
        .header("Content-Type", "application/json");
    let pre = allow(204).header("Access-Control-Allow-Headers", "x-zed");
    let (stage, reason, why) = blocked(&Server::new(pre, allow(200)).fetch(&req));
    assert_eq!(
        (stage, reason),
        (
            Stage::Preflight,
            BlockReason::HeaderDisallowed("content-type".to_owned())
        ),
        "first in sorted order"
    );
    assert_eq!(
        why,
        "Request header field content-type is not allowed by Access-Control-Allow-Headers in preflight response."
    );
}

#[test]
fn wildcard_headers_only_without_include() {
    let pre = allow(204)
        .header("Access-Control-Allow-Methods", "PUT")
        .header("Access-Control-Allow-Headers", "*");
    assert!(
        Server::new(pre.clone(), allow(200))
            .fetch(&put_with_header())
            .is_ok()
    );
    let pre = pre.header("Access-Control-Allow-Credentials", "true");
    let outcome = Server::new(
        pre,
        allow(200).header("Access-Control-Allow-Credentials", "true"),
    )
    .fetch(&put_with_header().credentials(CredentialsMode::Include));
    assert_eq!(
        outcome.block_reason(),
        Some(&BlockReason::HeaderDisallowed("x-foo".to_owned()))
    );
}

#[test]
fn wildcard_headers_never_cover_authorization() {
    let req = get()
        .header("Authorization", "Bearer x")
        .header("X-Foo", "1");
    let pre = allow(204).header("Access-Control-Allow-Headers", "*");
    let (_, reason, why) = blocked(&Server::new(pre, allow(200)).fetch(&req));
    assert_eq!(
        reason,
        BlockReason::HeaderDisallowed("authorization".to_owned())
    );
    assert_eq!(
        why,
        "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."
    );
    let pre = allow(204).header("Access-Control-Allow-Headers", "*, Authorization");
    assert!(Server::new(pre, allow(200)).fetch(&req).is_ok());
}

#[test]
fn max_age_is_returned_as_data() {
    let cases: [(&[&str], Option<u64>, u64); 7] = [
        (&[], None, 5),
        (&["600"], Some(600), 600),
        (&[" 0 "], Some(0), 0),
        (&["86400"], Some(86400), 7200),
        (&["-1"], None, 0),
        (&["1.5"], None, 5),
        (&["10", "20"], None, 5),
    ];
    for (lines, max_age, cached) in cases {
        let mut pre = good_preflight(204);
        for l in lines {
            pre = pre.header("Access-Control-Max-Age", l);
        }
        let outcome = Server::new(pre, allow(200)).fetch(&put_with_header());
        let Outcome::Ok {
            preflight: Some(result),
            ..
        } = outcome
        else {
            panic!("{outcome:?}")
        };
        assert_eq!(result.max_age, max_age, "{lines:?}");
        assert_eq!(result.chromium_cache_seconds(), cached, "{lines:?}");
    }
}

#[test]
fn the_preflight_cache_is_ignored() {
    let mut server = Server::new(
        good_preflight(204).header("Access-Control-Max-Age", "7200"),
        allow(200),
    );
    assert!(server.fetch(&put_with_header()).is_ok());
    assert!(server.fetch(&put_with_header()).is_ok());
    let preflights = server.seen.iter().filter(|r| r.is_preflight()).count();
    assert_eq!(preflights, 2);
}

// ---------------------------------------------------------------- what the script can read

fn rich_response() -> HttpResponse {
    allow(200)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .header("Content-Length", "2")
        .header("X-Request-Id", "42")
        .header("X-Ratelimit-Remaining", "9")
        .header("Set-Cookie", "a=1")
}

#[test]
fn without_expose_only_safelisted_response_headers_are_readable() {
    let outcome = Server::new(HttpResponse::new(204), rich_response()).fetch(&get());
    assert_eq!(
        readable(&outcome),
        pairs(&[
            ("cache-control", "no-store"),
            ("content-length", "2"),
            ("content-type", "application/json")
        ])
    );
}

#[test]
fn exposed_names_become_readable_case_insensitively() {
    let actual =
        rich_response().header("Access-Control-Expose-Headers", "x-REQUEST-id, set-cookie");
    let outcome = Server::new(HttpResponse::new(204), actual).fetch(&get());
    let names: Vec<String> = readable(&outcome).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "cache-control",
            "content-length",
            "content-type",
            "x-request-id"
        ],
        "never set-cookie"
    );
}

#[test]
fn expose_wildcard_is_everything_without_include_and_a_name_with_it() {
    let actual = rich_response().header("Access-Control-Expose-Headers", "*");
    assert_eq!(
        exposed_header_names(&actual.headers, CredentialsMode::SameOrigin),
        Exposed::All
    );
    assert_eq!(
        exposed_header_names(&actual.headers, CredentialsMode::Include),
        Exposed::Names(vec!["*".to_owned()])
    );
    let outcome = Server::new(HttpResponse::new(204), actual.clone()).fetch(&get());
    let names: Vec<String> = readable(&outcome).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "access-control-allow-origin",
            "access-control-expose-headers",
            "cache-control",
            "content-length",
            "content-type",
            "x-ratelimit-remaining",
            "x-request-id"
        ]
    );
    let actual = actual.header("Access-Control-Allow-Credentials", "true");
    let outcome = Server::new(HttpResponse::new(204), actual)
        .fetch(&get().credentials(CredentialsMode::Include));
    let names: Vec<String> = readable(&outcome).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["cache-control", "content-length", "content-type"]);
}

#[test]
fn an_unparsable_expose_list_exposes_nothing_extra() {
    let actual = rich_response().header(
        "Access-Control-Expose-Headers",
        "x-request-id x-ratelimit-remaining",
    );
    assert_eq!(
        exposed_header_names(&actual.headers, CredentialsMode::Omit),
        Exposed::Names(Vec::new())
    );
    let outcome = Server::new(HttpResponse::new(204), actual).fetch(&get());
    assert!(readable(&outcome).iter().all(|(n, _)| !n.starts_with("x-")));
}

#[test]
fn readable_headers_are_sorted_lowercase_and_combined() {
    let actual = allow(200)
        .header("X-B", "2")
        .header("x-a", "1")
        .header("X-A", "3")
        .header("Access-Control-Expose-Headers", "x-a")
        .header("Access-Control-Expose-Headers", "X-B");
    let outcome = Server::new(HttpResponse::new(204), actual).fetch(&get());
    assert_eq!(readable(&outcome), pairs(&[("x-a", "1, 3"), ("x-b", "2")]));
}

// ---------------------------------------------------------------- malformed responses and messages

#[test]
fn a_malformed_response_is_a_network_error() {
    for (name, value) in [
        ("X-Bad", "a\nb"),
        ("X-Bad", "a\0b"),
        ("Bad Name", "1"),
        ("", "1"),
    ] {
        let actual = allow(200).header(name, value);
        let outcome = Server::new(HttpResponse::new(204), actual).fetch(&get());
        assert!(
            matches!(
                outcome.block_reason(),
                Some(BlockReason::MalformedResponse(_))
            ),
            "{name:?}: {value:?}"
        );
    }
}

#[test]
fn messages_in_the_actual_stage_have_no_preflight_prefix() {
    let reason = BlockReason::MissingAllowOrigin;
    assert!(!chromium_message(&reason, Stage::Actual).starts_with("Response to preflight"));
    assert!(chromium_message(&reason, Stage::Preflight).starts_with("Response to preflight"));
    // Method and header failures never carry it, even though they come from the preflight.
    let reason = BlockReason::MethodDisallowed("PUT".to_owned());
    assert!(!chromium_message(&reason, Stage::Preflight).starts_with("Response to preflight"));
}

#[test]
fn the_console_line_names_the_url_and_the_origin() {
    let req = get().path("/api/data");
    let outcome = Server::new(HttpResponse::new(204), HttpResponse::new(200)).fetch(&req);
    let (stage, reason, _) = blocked(&outcome);
    assert_eq!(
        chromium_console_message(&req.url(), PAGE, &reason, stage),
        "Access to fetch at 'https://api.example/api/data' from origin 'https://app.example' has \
         been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the \
         requested resource."
    );
}

#[test]
fn hints_escape_bytes_that_are_not_printable_ascii() {
    assert_eq!(encode_hint(b"https://a.example"), "https://a.example");
    assert_eq!(encode_hint(b"caf\xe9\t"), "caf\\u00E9\\u0009");
    let why = chromium_message(
        &BlockReason::AllowOriginMismatch(b"https://\xe9.example".to_vec()),
        Stage::Actual,
    );
    assert!(why.contains("'https://\\u00E9.example'"), "{why}");
}

#[test]
fn browser_fetch_uses_the_default_options() {
    let mut calls = 0;
    let outcome = browser_fetch(&get(), &mut |r: &HttpRequest| {
        calls += 1;
        assert!(!r.is_preflight(), "no private-network preflight by default");
        allow(200)
    });
    assert!(outcome.is_ok());
    assert_eq!(calls, 1);
}

// ---------------------------------------------------------------- the Chromium flavour

fn chromium() -> BrowserOptions {
    BrowserOptions::chromium()
}

#[test]
fn chromium_combines_a_repeated_header_before_safelisting() {
    let req = get()
        .header("Content-Language", "a".repeat(100))
        .header("content-language", "b".repeat(100));
    // The spec checks each value (100 bytes each: safelisted, no preflight)…
    let mut server = Server::permissive();
    assert!(server.fetch(&req).is_ok());
    assert_eq!(server.seen.len(), 1);
    // …Chromium checks the combined 202-byte value, and sends one line.
    let mut server = Server::permissive();
    assert!(server.fetch_with(&req, &chromium()).is_ok());
    assert_eq!(
        server
            .preflight_seen()
            .header_str("access-control-request-headers")
            .unwrap(),
        "content-language"
    );
    let lines: Vec<_> = server
        .actual_seen()
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-language"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].0, "Content-Language");
    assert_eq!(lines[0].1.len(), 202);
}

#[test]
fn chromium_drops_a_script_user_agent() {
    let mut server = Server::permissive();
    assert!(
        server
            .fetch_with(&get().header("User-Agent", "bot"), &chromium())
            .is_ok()
    );
    assert_eq!(server.seen.len(), 1, "no preflight");
    assert!(server.actual_seen().header("user-agent").is_none());
}

#[test]
fn chromium_lets_a_wildcard_cover_authorization() {
    let req = get().header("Authorization", "Bearer x");
    let pre = allow(204).header("Access-Control-Allow-Headers", "*");
    let mut server = Server::new(pre, allow(200));
    assert!(server.fetch_with(&req, &chromium()).is_ok());
    assert_eq!(
        server.fetch(&req).block_reason(),
        Some(&BlockReason::HeaderDisallowed("authorization".to_owned()))
    );
    // With credentials `*` is a literal name in both flavours.
    let pre = allow(204)
        .header("Access-Control-Allow-Headers", "*")
        .header("Access-Control-Allow-Credentials", "true");
    let actual = allow(200).header("Access-Control-Allow-Credentials", "true");
    let outcome = Server::new(pre, actual)
        .fetch_with(&req.credentials(CredentialsMode::Include), &chromium());
    assert_eq!(
        outcome.block_reason(),
        Some(&BlockReason::HeaderDisallowed("authorization".to_owned()))
    );
}

#[test]
fn a_trace_records_each_exchange_in_order() {
    let mut server = Server::new(good_preflight(204), allow(201));
    let trace = browser_fetch_traced(&put_with_header(), &BrowserOptions::default(), &mut |r| {
        server.seen.push(r.clone());
        if r.is_preflight() {
            server.preflight.clone()
        } else {
            server.actual.clone()
        }
    });
    assert!(trace.outcome.is_ok());
    let methods: Vec<(&str, u16)> = trace
        .exchanges
        .iter()
        .map(|(req, resp)| (req.method.as_str(), resp.status))
        .collect();
    assert_eq!(methods, [("OPTIONS", 204), ("PUT", 201)]);
}

#[test]
fn script_errors_use_chromium_wording() {
    let cases = [
        (
            PageRequest::new(PAGE, API, "a b"),
            "'a b' is not a valid HTTP method.",
        ),
        (get().header("x y", "1"), "Invalid name"),
        (get().header("x-y", "a\nb"), "Invalid value"),
    ];
    for (req, tail) in cases {
        let Outcome::TypeError { why, .. } = Server::permissive().fetch(&req) else {
            panic!("{req:?}")
        };
        assert_eq!(
            why,
            format!("Failed to execute 'fetch' on 'Window': {tail}")
        );
    }
}

// ---------------------------------------------------------------- the plan, bodies, answers

#[test]
fn the_plan_names_the_preflight_a_page_request_implies() {
    let opts = BrowserOptions::chromium();
    let req = PageRequest::new(PAGE, API, "post")
        .path("/items?x=1")
        .header("X-Api-Key", "k")
        .header("Content-Type", "application/json");
    let planned = plan(&req, &opts).unwrap();
    let pre = planned.preflight.as_ref().expect("a preflight");
    assert_eq!(pre.method, "OPTIONS");
    assert_eq!(pre.url(), "https://api.example/items?x=1");
    assert_eq!(
        pre.header_str("access-control-request-method").as_deref(),
        Some("POST")
    );
    assert_eq!(
        pre.header_str("access-control-request-headers").as_deref(),
        Some("content-type,x-api-key")
    );
    assert_eq!(pre.header_str("origin").as_deref(), Some(PAGE));
    assert_eq!(planned.actual.method, "POST");
    assert_eq!(planned.actual.target_origin, API);
    // A simple request has no preflight; a same-origin one neither.
    assert!(plan_of(get()).preflight.is_none());
    assert!(
        plan_of(PageRequest::new(PAGE, PAGE, "PUT").header("x-a", "1"))
            .preflight
            .is_none()
    );
    // What fetch() refuses never gets a plan.
    assert!(plan(&PageRequest::new(PAGE, API, "TRACE"), &opts).is_err());
}

fn plan_of(req: PageRequest) -> Plan {
    plan(&req, &BrowserOptions::chromium()).unwrap()
}

#[test]
fn a_body_adds_its_content_type_unless_the_script_set_one() {
    let post = || PageRequest::new(PAGE, API, "POST");
    let content_type = |req: PageRequest| plan_of(req).actual.header_str("content-type");
    assert_eq!(
        content_type(post().body(Body::Text)).as_deref(),
        Some("text/plain;charset=UTF-8")
    );
    assert_eq!(
        content_type(post().body(Body::UrlSearchParams)).as_deref(),
        Some("application/x-www-form-urlencoded;charset=UTF-8")
    );
    assert!(
        content_type(post().body(Body::FormData))
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    assert_eq!(content_type(post().body(Body::Bytes)), None);
    assert_eq!(content_type(post().body(Body::Blob(String::new()))), None);
    assert_eq!(
        content_type(
            post()
                .header("content-type", "text/csv")
                .body(Body::UrlSearchParams)
        )
        .as_deref(),
        Some("text/csv")
    );
    // Text, form and multipart bodies stay simple; a JSON blob is preflighted for it.
    for body in [
        Body::Text,
        Body::UrlSearchParams,
        Body::FormData,
        Body::Bytes,
    ] {
        assert!(
            plan_of(post().body(body.clone())).preflight.is_none(),
            "{body:?}"
        );
    }
    let json = plan_of(post().body(Body::Blob("application/json".to_owned())));
    assert_eq!(
        json.preflight
            .unwrap()
            .header_str("access-control-request-headers")
            .as_deref(),
        Some("content-type")
    );
}

#[test]
fn a_get_with_a_body_throws() {
    let req = get().body(Body::Text);
    let Outcome::TypeError { why, .. } = Server::permissive().fetch(&req) else {
        panic!("expected a TypeError")
    };
    assert_eq!(
        why,
        "Failed to execute 'fetch' on 'Window': Request with GET/HEAD method cannot have body."
    );
    assert!(Server::permissive().seen.is_empty());
}

#[test]
fn credentials_modes_have_fetch_spellings() {
    for mode in [
        CredentialsMode::Omit,
        CredentialsMode::SameOrigin,
        CredentialsMode::Include,
    ] {
        assert_eq!(CredentialsMode::parse(mode.as_str()), Some(mode));
    }
    assert_eq!(
        CredentialsMode::parse("Include"),
        Some(CredentialsMode::Include)
    );
    assert_eq!(CredentialsMode::parse("always"), None);
}

#[test]
fn fixed_answers_give_the_console_line() {
    let req = PageRequest::new(PAGE, API, "DELETE").path("/a/1");
    let pre = allow(204).header("Access-Control-Allow-Methods", "GET, PUT");
    let trace = browser_fetch_answered(&req, &BrowserOptions::chromium(), &pre, &allow(200));
    assert_eq!(trace.exchanges.len(), 1, "the DELETE is never sent");
    assert!(trace.preflight().is_some());
    assert_eq!(
        trace.outcome.console_message(),
        Some(
            "Access to fetch at 'https://api.example/a/1' from origin 'https://app.example' has \
             been blocked by CORS policy: Method DELETE is not allowed by \
             Access-Control-Allow-Methods in preflight response."
        )
    );
    // The whole line is chromium_console_message of the reason.
    let Outcome::Blocked {
        reason, stage, url, ..
    } = &trace.outcome
    else {
        panic!()
    };
    assert_eq!(url, "https://api.example/a/1");
    assert_eq!(
        trace.outcome.console_message().unwrap(),
        chromium_console_message(url, PAGE, reason, *stage)
    );
}

// ---------------------------------------------------------------- redirects

/// A server that answers by path: the first answer whose path matches.
fn by_path(answers: Vec<(&'static str, HttpResponse)>) -> impl FnMut(&HttpRequest) -> HttpResponse {
    move |r: &HttpRequest| {
        answers
            .iter()
            .find(|(p, _)| r.url().ends_with(p) || r.path == *p)
            .map_or_else(|| HttpResponse::new(404), |(_, a)| a.clone())
    }
}

#[test]
fn a_preflight_is_never_redirected() {
    let req = put_with_header();
    let pre = allow(307).header("Location", "/elsewhere");
    let outcome = browser_fetch(&req, &mut by_path(vec![("/", pre)]));
    let (stage, reason, why) = blocked(&outcome);
    assert_eq!(stage, Stage::Preflight);
    assert_eq!(reason, BlockReason::PreflightDisallowedRedirect);
    // Whatever its headers: even without Access-Control-Allow-Origin.
    let bare = HttpResponse::new(308).header("Location", "/x");
    let outcome = browser_fetch(&req, &mut by_path(vec![("/", bare)]));
    assert_eq!(
        blocked(&outcome).1,
        BlockReason::PreflightDisallowedRedirect
    );
    assert_eq!(
        why,
        "Response to preflight request doesn't pass access control check: Redirect is not \
         allowed for a preflight request."
    );
    // A redirect status without Location is an ordinary (not ok) answer.
    let outcome = browser_fetch(&req, &mut by_path(vec![("/", allow(307))]));
    assert_eq!(
        blocked(&outcome).1,
        BlockReason::PreflightInvalidStatus(307)
    );
}

#[test]
fn a_redirect_must_pass_the_cors_check_and_is_followed() {
    // Without Access-Control-Allow-Origin on the redirect itself: blocked there.
    let mut server = by_path(vec![
        ("/next", allow(200)),
        ("/", HttpResponse::new(302).header("Location", "/next")),
    ]);
    let outcome = browser_fetch(&get(), &mut server);
    let Outcome::Blocked { url, console, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(url, "https://api.example/");
    assert!(!console.contains("redirected from"), "{console}");

    // With it, followed; a failure at the target names both URLs.
    let mut server = by_path(vec![
        ("/next", HttpResponse::new(200)),
        ("/", allow(302).header("Location", "next")),
    ]);
    let outcome = browser_fetch(&get(), &mut server);
    assert_eq!(
        outcome.console_message(),
        Some(
            "Access to fetch at 'https://api.example/next' (redirected from \
             'https://api.example/') from origin 'https://app.example' has been blocked by CORS \
             policy: No 'Access-Control-Allow-Origin' header is present on the requested \
             resource."
        )
    );
    let mut server = by_path(vec![
        ("/next", allow(200)),
        (
            "/",
            allow(301).header("Location", "https://API.example:443/next#frag"),
        ),
    ]);
    let trace = browser_fetch_traced(&get(), &BrowserOptions::default(), &mut server);
    assert!(trace.outcome.is_ok(), "{:?}", trace.outcome);
    assert_eq!(trace.exchanges[1].0.url(), "https://api.example/next");
}

#[test]
fn a_cross_origin_hop_taints_the_origin_and_drops_authorization() {
    let req = get().header("Authorization", "Bearer t");
    let pre = allow(204).header("Access-Control-Allow-Headers", "authorization");
    let mut seen = Vec::new();
    let outcome = browser_fetch(&req, &mut |r: &HttpRequest| {
        seen.push(r.clone());
        match (r.target_origin.as_str(), r.is_preflight()) {
            (API, true) => pre.clone(),
            (API, false) => allow(307).header("Location", "https://cdn.example/file"),
            _ => HttpResponse::new(200).header("Access-Control-Allow-Origin", PAGE),
        }
    });
    let last = seen.last().unwrap();
    assert_eq!(last.target_origin, "https://cdn.example");
    assert_eq!(last.header_str("origin").as_deref(), Some("null"));
    assert_eq!(last.header("authorization"), None);
    assert_eq!(
        blocked(&outcome).1,
        BlockReason::AllowOriginMismatch(PAGE.as_bytes().to_vec())
    );
}

#[test]
fn redirect_statuses_change_the_method_as_fetch_says() {
    let hop = |status: u16, method: &str| -> (String, Option<String>) {
        let req = PageRequest::new(PAGE, API, method)
            .header("content-type", "text/plain")
            .body(Body::Text);
        let mut last = None;
        let _ = browser_fetch(&req, &mut |r: &HttpRequest| {
            if r.path == "/" && !r.is_preflight() {
                return allow(status).header("Location", "/next");
            }
            last = Some(r.clone());
            allow(200).header("Access-Control-Allow-Methods", "PUT")
        });
        let last = last.unwrap();
        (last.method.clone(), last.header_str("content-type"))
    };
    assert_eq!(hop(303, "POST"), ("GET".to_owned(), None));
    assert_eq!(hop(302, "POST"), ("GET".to_owned(), None));
    assert_eq!(hop(301, "POST"), ("GET".to_owned(), None));
    assert_eq!(
        hop(307, "POST"),
        ("POST".to_owned(), Some("text/plain".to_owned()))
    );
    assert_eq!(
        hop(308, "PUT"),
        ("PUT".to_owned(), Some("text/plain".to_owned()))
    );
    assert_eq!(hop(303, "PUT"), ("GET".to_owned(), None));
}

#[test]
fn redirects_end_after_twenty_and_never_carry_credentials() {
    let looping = allow(302).header("Location", "/");
    let trace = browser_fetch_answered(
        &get(),
        &BrowserOptions::default(),
        &HttpResponse::new(204),
        &looping,
    );
    assert_eq!(trace.exchanges.len(), 21);
    assert_eq!(
        trace.outcome.block_reason(),
        Some(&BlockReason::TooManyRedirects)
    );

    let to_userinfo = allow(302).header("Location", "https://u:p@api.example/x");
    let outcome = browser_fetch(&get(), &mut |_: &HttpRequest| to_userinfo.clone());
    assert_eq!(
        outcome.block_reason(),
        Some(&BlockReason::RedirectContainsCredentials(
            "https://u:p@api.example/x".to_owned()
        ))
    );
    assert!(
        outcome
            .console_message()
            .unwrap()
            .ends_with("Redirect location '' contains a username and password, which is disallowed for cross-origin requests.")
    );
    // A scheme CORS does not know is a CORS error about the new URL; data: fails quietly.
    let elsewhere = allow(302).header("Location", "ftp://api.example/x");
    let outcome = browser_fetch(&get(), &mut |_: &HttpRequest| elsewhere.clone());
    let Outcome::Blocked { url, console, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(url, "ftp://api.example/x");
    assert!(
        console.starts_with(
            "Access to fetch at 'ftp://api.example/x' (redirected from 'https://api.example/') \
             from origin 'https://app.example' has been blocked by CORS policy: Cross origin \
             requests are only supported for protocol schemes: "
        ),
        "{console}"
    );
    let data = allow(302).header("Location", "data:text/plain,x");
    let outcome = browser_fetch(&get(), &mut |_: &HttpRequest| data.clone());
    let reason = outcome.block_reason().unwrap();
    assert!(matches!(reason, BlockReason::InvalidRedirect(_)));
    assert!(!reason.is_cors_error());
    assert_eq!(outcome.console_message(), Some("net::ERR_INVALID_REDIRECT"));
}

// ---------------------------------------------------------------- any answer

fn any_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..24),
        proptest::sample::select(vec![
            b"*".to_vec(),
            PAGE.as_bytes().to_vec(),
            b"null".to_vec(),
            b"true".to_vec(),
            b"PUT, x-a".to_vec(),
            b"/next".to_vec(),
            b"//u:p@api.example/".to_vec(),
            b"https://api.example:8443/x?y".to_vec(),
            b"../a/./b".to_vec(),
        ]),
    ]
}

fn any_response() -> impl proptest::strategy::Strategy<Value = HttpResponse> {
    use proptest::prelude::*;
    let names = proptest::sample::select(vec![
        "Access-Control-Allow-Origin",
        "access-control-allow-credentials",
        "Access-Control-Allow-Methods",
        "Access-Control-Allow-Headers",
        "Access-Control-Expose-Headers",
        "Access-Control-Max-Age",
        "Location",
        "x y",
    ]);
    (
        proptest::sample::select(vec![200u16, 204, 301, 302, 303, 307, 308, 403, 500]),
        proptest::collection::vec((names, any_bytes()), 0..6),
    )
        .prop_map(|(status, headers)| {
            headers
                .into_iter()
                .fold(HttpResponse::new(status), |r, (n, v)| r.header(n, v))
        })
}

proptest::proptest! {
    /// Whatever a server answers, the model ends (no panic, at most 21 hops per fetch), and
    /// a fetch blocked by CORS has a console line that names the page and a URL it fetched
    /// (a network error has its `net::ERR_…` code instead).
    #[test]
    fn any_answer_gives_an_outcome_and_a_console_line(
        method in proptest::sample::select(vec!["GET", "POST", "PUT", "patch"]),
        header in proptest::option::of(proptest::sample::select(vec!["x-a", "authorization", "content-type"])),
        include in proptest::bool::ANY,
        pre in any_response(),
        actual in any_response(),
    ) {
        let mut req = PageRequest::new(PAGE, API, method).path("/p/q");
        if let Some(h) = header {
            req = req.header(h, "v");
        }
        if include {
            req = req.credentials(CredentialsMode::Include);
        }
        for opts in [BrowserOptions::default(), BrowserOptions::chromium()] {
            let trace = browser_fetch_answered(&req, &opts, &pre, &actual);
            proptest::prop_assert!(trace.exchanges.len() <= 2 * 21);
            if let Outcome::Blocked { console, url, reason, .. } = &trace.outcome {
                if !reason.is_cors_error() {
                    proptest::prop_assert!(console.starts_with("net::ERR_"), "{}", console);
                    continue;
                }
                let head = format!("Access to fetch at '{url}' ");
                proptest::prop_assert!(console.starts_with(&head), "{}", console);
                let from = format!("from origin '{PAGE}'");
                proptest::prop_assert!(console.contains(&from));
                let fetched = trace.exchanges.iter().any(|(r, _)| &r.url() == url);
                let redirected_to = matches!(reason, BlockReason::RedirectDisallowedScheme(_));
                proptest::prop_assert!(fetched || redirected_to);
            }
        }
    }
}
