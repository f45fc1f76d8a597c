//! `decide` allocates nothing: a counting global allocator around every call.
#![allow(unsafe_code)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod counting;

use common::*;
use cors_policy::{Decision, Engine, Request};

/// Everything a caller does with a decision, so that it is all measured.
fn consume(d: &Decision<'_>) -> usize {
    let mut n = d.kind().as_str().len() + usize::from(d.allowed()) + usize::from(d.forward());
    n += d.status().map_or(0, usize::from)
        + d.policy().map_or(0, str::len)
        + d.policy_index().unwrap_or(0);
    n += d.reason().code().len();
    for h in d.headers() {
        n += h.name.len() + h.value.len();
    }
    n
}

/// Decides `request` and returns how many allocations that made.
fn measure(engine: &Engine, request: &Request<'_>) -> (usize, String) {
    let (n, d) = counting::allocations(|| {
        let d = engine.decide(request);
        std::hint::black_box(consume(&d));
        d
    });
    (n, format!("{} {}", d.kind().as_str(), d.reason().code()))
}

fn engine_under_test() -> Engine {
    let mut api = policy(
        "api",
        &["/api/**", "/v*/items/*.json"],
        &[
            "https://app.example.com",
            "https://*.staging.example.com",
            "http://localhost:*",
            r"regex:^https://pr-[0-9]+\.preview\.example\.dev$",
            "null",
        ],
    );
    api.methods = names(&["GET", "HEAD", "POST", "PUT", "DELETE"]);
    api.headers = names(&["content-type", "x-request-id", "authorization"]);
    api.expose = names(&["x-request-id"]);
    api.credentials = true;
    api.max_age = Some(600);
    api.private_network = true;
    let mut echo = policy("echo", &["/echo/**"], &["https://app.example.com"]);
    echo.methods = names(&["*"]);
    echo.headers = names(&["*", "authorization"]);
    echo.credentials = true;
    let many: Vec<String> = (0..10_000)
        .map(|i| format!("https://tenant{i}.example.com"))
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let tenants = policy("tenants", &["/tenants/**"], &many);
    let public = policy("public", &["/static/**"], &["*"]);
    engine(vec![public, api, echo, tenants])
}

#[test]
fn decide_never_allocates() {
    let engine = engine_under_test();
    let commas = ",".repeat(1 << 20);
    let spaces = " ".repeat(1 << 20);
    let xa = "x-a,".repeat(1 << 18);
    let many_lines: Vec<&[u8]> = vec![b"x-a"; 10_000];
    let non_ascii_origin = vec![0xC3u8; 1 << 20];
    let big_origin = format!("https://{}.staging.example.com", "a.".repeat(100_000));
    let lines: Vec<&[u8]> = vec![b"content-type", b" x-request-id ,", b"authorization"];
    let o = "https://app.example.com";
    let cases: Vec<(&str, Request<'_>)> = vec![
        ("unhandled", Request::new("GET", "/nowhere").origin(o)),
        ("not-cors", Request::new("GET", "/api/x")),
        (
            "actual allowed",
            Request::new("GET", "/api/x?q=1").origin(o),
        ),
        (
            "actual denied",
            Request::new("GET", "/api/x").origin("https://evil.example"),
        ),
        (
            "actual malformed",
            Request::new("GET", "/api/x").origin("HTTPS://app.example.com/"),
        ),
        (
            "actual any",
            Request::new("GET", "/static/a.css").origin("https://x.example"),
        ),
        (
            "subdomain",
            Request::new("GET", "/api/x").origin("https://a.b.staging.example.com"),
        ),
        (
            "subdomain huge",
            Request::new("GET", "/api/x").origin(&big_origin),
        ),
        (
            "port wildcard",
            Request::new("GET", "/api/x").origin("http://localhost:5173"),
        ),
        (
            "regex",
            Request::new("GET", "/v1/items/3.json").origin("https://pr-42.preview.example.dev"),
        ),
        (
            "regex miss",
            Request::new("GET", "/api/x").origin("https://pr-x.preview.example.dev"),
        ),
        ("null", Request::new("GET", "/api/x").origin("null")),
        (
            "10k exact hit",
            Request::new("GET", "/tenants/a").origin("https://tenant9999.example.com"),
        ),
        (
            "10k exact miss",
            Request::new("GET", "/tenants/a").origin("https://tenant10000.example.com"),
        ),
        (
            "preflight allowed",
            Request::new("OPTIONS", "/api/x")
                .origin(o)
                .request_method("PUT")
                .request_headers("content-type, x-request-id"),
        ),
        (
            "preflight several lines",
            Request::new("OPTIONS", "/api/x")
                .origin(o)
                .request_method("PUT")
                .request_header_lines(&lines),
        ),
        (
            "preflight private network",
            Request::new("OPTIONS", "/api/x")
                .origin(o)
                .request_method("DELETE")
                .private_network("true"),
        ),
        (
            "preflight denied method",
            Request::new("OPTIONS", "/api/x")
                .origin(o)
                .request_method("PATCH"),
        ),
        (
            "preflight forbidden",
            Request::new("OPTIONS", "/echo/x")
                .origin(o)
                .request_method("TRACE"),
        ),
        (
            "preflight denied header",
            Request::new("OPTIONS", "/api/x")
                .origin(o)
                .request_method("GET")
                .request_headers("x-nope"),
        ),
        (
            "credentialed echo",
            Request::new("OPTIONS", "/echo/x")
                .origin(o)
                .request_method("PURGE")
                .request_headers("x-a, x-b")
                .request_headers("authorization"),
        ),
        (
            "hostile commas",
            Request::new("OPTIONS", "/echo/x")
                .origin(o)
                .request_method("GET")
                .request_headers(&commas),
        ),
        (
            "hostile spaces",
            Request::new("OPTIONS", "/echo/x")
                .origin(o)
                .request_method("GET")
                .request_headers(&spaces),
        ),
        (
            "hostile x-a, repeated",
            Request::new("OPTIONS", "/echo/x")
                .origin(o)
                .request_method("GET")
                .request_headers(&xa),
        ),
        (
            "hostile 10,000 lines",
            Request::new("OPTIONS", "/echo/x")
                .origin(o)
                .request_method("GET")
                .request_header_lines(&many_lines),
        ),
        (
            "hostile 1 MiB non-ASCII origin",
            Request::new("OPTIONS", "/echo/x")
                .origin(&non_ascii_origin)
                .request_method("GET"),
        ),
        (
            "preflight any",
            Request::new("OPTIONS", "/static/x")
                .origin("https://x.example")
                .request_method("GET"),
        ),
    ];
    let mut failures = Vec::new();
    for (name, request) in &cases {
        // No warm-up: the first call on this thread must not allocate either.
        let (n, what) = measure(&engine, request);
        if n != 0 {
            failures.push(format!("{name} ({what}): {n} allocations"));
        }
    }
    // And again on a fresh thread: no per-thread cache to build.
    std::thread::scope(|s| {
        s.spawn(|| {
            for (name, request) in &cases {
                let (n, what) = measure(&engine, request);
                if n != 0 {
                    failures.push(format!("{name} ({what}) on a new thread: {n} allocations"));
                }
            }
        });
    });
    assert!(failures.is_empty(), "{failures:#?}");
    // The matrix really exercised what it names.
    let kinds: Vec<String> = cases.iter().map(|(_, r)| measure(&engine, r).1).collect();
    assert!(
        kinds.contains(&"preflight request-headers-too-large".to_owned()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"actual origin-allowed".to_owned()));
    assert!(kinds.contains(&"unhandled no-policy".to_owned()));
    assert!(kinds.contains(&"not-cors no-origin".to_owned()));
    assert!(kinds.contains(&"preflight forbidden-method".to_owned()));
}

/// A regex too big for a fully compiled DFA falls back to a lazy DFA, whose
/// cache is built on a thread's first use: after that one call, nothing.
#[test]
fn oversized_regex_allocates_only_on_a_threads_first_call() {
    let e = engine(vec![policy(
        "p",
        &[],
        &[r"regex:^https://\w{40}[a-z]{1,30}\w{1,40}\.example\.com$"],
    )]);
    let origin = format!("https://{}.example.com", "a".repeat(60));
    let r = Request::new("GET", "/").origin(&origin);
    let _warm_up = e.decide(&r);
    for _ in 0..3 {
        let (n, what) = measure(&e, &r);
        assert_eq!(n, 0, "{what}");
        assert_eq!(what, "actual origin-allowed");
    }
}

/// The byte-compared path rules (literal paths, `prefix/**`, every path),
/// the one-by-one and the hashed header-name sets, and the origin length
/// cap: no allocation on any of them either.
#[test]
fn fast_paths_and_the_origin_cap_never_allocate() {
    let mut few = policy("few", &["/api/**", "/health"], &["https://app.example.com"]);
    few.methods = names(&["GET", "PUT"]);
    few.headers = names(&["content-type", "x-request-id", "authorization"]);
    let many_names: Vec<String> = (0..20).map(|i| format!("x-h{i}")).collect();
    let many_names: Vec<&str> = many_names.iter().map(String::as_str).collect();
    let mut many = policy("many", &["/many/**"], &["https://*.example.com"]);
    many.methods = names(&["PUT"]);
    many.headers = names(&many_names);
    let rest = policy("rest", &[], &["https://app.example.com"]);
    let e = engine(vec![few, many, rest]);
    let over = format!(
        "https://{}.example.com",
        "a".repeat(cors_policy::MAX_ORIGIN_LEN)
    );
    let preflight = |path: &'static str, origin: &'static str, headers: &'static str| {
        Request::new("OPTIONS", path)
            .origin(origin)
            .request_method("PUT")
            .request_headers(headers)
    };
    let cases = [
        (
            Request::new("GET", "/api/x?q=1").origin("https://app.example.com"),
            "actual origin-allowed",
        ),
        (
            Request::new("GET", "/health?x").origin("https://app.example.com"),
            "actual origin-allowed",
        ),
        (
            preflight(
                "/api/x",
                "https://app.example.com",
                "content-type,x-request-id",
            ),
            "preflight origin-allowed",
        ),
        (
            preflight(
                "/api/x",
                "https://app.example.com",
                "Content-Type, X-Request-ID",
            ),
            "preflight origin-allowed",
        ),
        (
            preflight("/api/x", "https://app.example.com", "x-other"),
            "preflight header-not-allowed",
        ),
        (
            preflight("/many/x", "https://a.example.com", "x-h3, X-H19"),
            "preflight origin-allowed",
        ),
        (
            preflight("/many/x", "https://a.example.com", "x-h3, x-h20"),
            "preflight header-not-allowed",
        ),
        (
            Request::new("GET", "/elsewhere").origin(over.as_str()),
            "actual malformed-origin",
        ),
    ];
    for (request, expected) in &cases {
        let (n, what) = measure(&e, request);
        assert_eq!(n, 0, "{what}");
        assert_eq!(what, *expected);
    }
}

/// A runtime origin set of 100,000 entries (exact and `*.` wildcards) and a
/// `skip` policy: no allocation either. Reading a set is one `arc-swap`
/// load, whose per-thread slot is taken on a thread's first load (one
/// allocation when no exited thread left one to reuse) and kept after; the
/// set is measured on this thread and on a new one.
#[test]
fn runtime_sets_and_skip_never_allocate() {
    let tenants = cors_policy::OriginSet::new();
    let entries = (0..100_000).map(|i| {
        if i % 10 == 0 {
            format!("https://*.t{i}.example.net")
        } else {
            format!("https://tenant{i}.example.com")
        }
    });
    assert!(tenants.replace(entries).is_clean());
    let e = Engine::builder(
        r#"
        policy "hooks" { paths "/api/hooks/**" skip }
        policy "api" {
            paths "/api/**"
            origins "https://app.example.com", set "tenants"
            methods PUT
            credentials
        }
        "#,
    )
    .origin_set("tenants", &tenants)
    .build()
    .unwrap();
    let cases = [
        (
            Request::new("GET", "/api/x").origin("https://tenant99999.example.com"),
            "actual origin-allowed",
        ),
        (
            Request::new("GET", "/api/x").origin("https://a.b.t99990.example.net"),
            "actual origin-allowed",
        ),
        (
            Request::new("OPTIONS", "/api/x")
                .origin("https://tenant7.example.com")
                .request_method("PUT"),
            "preflight origin-allowed",
        ),
        (
            Request::new("GET", "/api/x").origin("https://tenant100000.example.com"),
            "actual origin-not-allowed",
        ),
        (
            Request::new("GET", "/api/x").origin("null"),
            "actual origin-not-allowed",
        ),
        (
            Request::new("OPTIONS", "/api/hooks/1")
                .origin("https://tenant7.example.com")
                .request_method("PUT"),
            "unhandled skipped",
        ),
    ];
    let _warm_up = e.decide(&cases[0].0);
    let mut failures = Vec::new();
    for (request, expected) in &cases {
        let (n, what) = measure(&e, request);
        assert_eq!(what, *expected);
        if n != 0 {
            failures.push(format!("{what}: {n} allocations"));
        }
    }
    std::thread::scope(|s| {
        s.spawn(|| {
            // The thread's first load may take a new `arc-swap` slot (one
            // allocation, when no thread has released one): at most that.
            let (first, _) = measure(&e, &cases[0].0);
            if first > 1 {
                failures.push(format!(
                    "a new thread's first decision: {first} allocations"
                ));
            }
            for (request, _) in &cases {
                let (n, what) = measure(&e, request);
                if n != 0 {
                    failures.push(format!("{what} on a new thread: {n} allocations"));
                }
            }
        });
    });
    assert!(failures.is_empty(), "{failures:#?}");
}
