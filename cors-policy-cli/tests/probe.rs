//! `cors-policy probe` against real servers on 127.0.0.1: axum apps in this
//! process (each on its own runtime thread) stacked the ways production
//! stacks go wrong, and raw TCP servers that misbehave. Each test asserts
//! the exact set of findings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::{Run, assert_contains, finish, json};

/// The policy every server here is meant to follow.
const POLICY: &str = "probe.cors";

fn engine() -> cors_policy::Engine {
    let text = std::fs::read_to_string(common::fixtures().join(POLICY)).unwrap();
    text.parse().unwrap()
}

/// The project's own layer, answering from the policy.
fn own_layer() -> cors_policy::tower::CorsLayer {
    cors_policy::tower::CorsLayer::new(engine())
}

/// The application: two routes, and axum's default 404 for anything else.
fn app() -> Router {
    Router::new().route(
        "/api/users",
        get(|| async { "[]" }).post(|| async { "created" }),
    )
}

/// Binds a fresh port on 127.0.0.1 and runs `serve` with its listener on a
/// thread and runtime of its own, for the rest of the test process.
fn spawn_server<F, Fut>(serve: F) -> SocketAddr
where
    F: FnOnce(tokio::net::TcpListener) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            serve(listener).await;
        });
    });
    addr
}

/// Serves `router` on 127.0.0.1.
fn serve(router: Router) -> SocketAddr {
    spawn_server(|listener| async move {
        axum::serve(listener, router).await.unwrap();
    })
}

/// [`serve`]s the app behind its own CORS layer and, outside it, the
/// middleware function `$middleware` (a proxy, an authentication layer).
macro_rules! serve_behind {
    ($middleware:expr) => {
        serve(
            app()
                .layer(own_layer())
                .layer(middleware::from_fn($middleware)),
        )
    };
}

/// Runs `probe` on `addr`'s `/api/users` with `args` besides, as JSON.
fn probe(addr: SocketAddr, args: &[&str]) -> Run {
    let url = format!("http://{addr}/api/users");
    let mut all = vec![
        "probe",
        url.as_str(),
        "--policy",
        POLICY,
        "--format",
        "json",
        "--rate",
        "1000",
    ];
    all.extend_from_slice(args);
    finish(common::cmd().args(&all).timeout(Duration::from_secs(60)))
}

/// Runs `probe` on `addr`'s `/api/users` with `args` besides, human output.
fn probe_human(addr: SocketAddr, args: &[&str]) -> Run {
    let url = format!("http://{addr}/api/users");
    let mut all = vec!["probe", url.as_str(), "--policy", POLICY, "--rate", "1000"];
    all.extend_from_slice(args);
    finish(common::cmd().args(&all).timeout(Duration::from_secs(60)))
}

/// With `CORS_POLICY_PROBE_SAMPLES=FILE`, appends a human report to FILE
/// (the samples shown in the project's notes).
fn keep_sample(title: &str, run: &Run) {
    if let Some(path) = std::env::var_os("CORS_POLICY_PROBE_SAMPLES") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .unwrap();
        writeln!(
            file,
            "==== {title} (exit {})\n$ cors-policy probe http://127.0.0.1:PORT/api/users --policy probe.cors …\n{}",
            run.code, run.stdout
        )
        .unwrap();
    }
}

/// The finding codes of a JSON report.
fn codes(run: &Run) -> BTreeSet<String> {
    let report = json(&run.stdout);
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array: {}", run.stdout))
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Asserts that the JSON report found exactly the findings `expected`,
/// and the exit status that goes with them (1 when any, else 0).
fn assert_found(run: &Run, expected: &[&str]) {
    assert_eq!(codes(run), set(expected), "{}", run.stdout);
    assert_eq!(run.code, i32::from(!expected.is_empty()), "{}", run.stderr);
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|c| (*c).to_owned()).collect()
}

/// Every occurrence of finding `code`.
fn occurrences(run: &Run, code: &str) -> Vec<serde_json::Value> {
    let report = json(&run.stdout);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .flat_map(|f| f["occurrences"].as_array().unwrap().clone())
        .collect()
}

fn request_header(occurrence: &serde_json::Value, name: &str) -> Option<String> {
    occurrence["request"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == name)
        .map(|h| h[1].as_str().unwrap().to_owned())
}

#[test]
fn own_layer_agrees_with_its_policy() {
    let addr = serve(app().layer(own_layer()));
    let run = probe(addr, &["--error-path", "/api/missing"]);
    assert_found(&run, &[]);
    let report = json(&run.stdout);
    assert_eq!(report["agree"], true);
    assert_eq!(report["policy"], "api");
    // The matrix: 4 methods, 2 headers, a denied method and header, an actual
    // request from the first origin; a preflight and a request from the
    // wildcard's sample and from each look-alike; one without Origin; two on
    // the error path.
    assert!(report["requests"].as_u64().unwrap() >= 20, "{}", run.stdout);
}

#[test]
fn mirrored_origin_with_credentials_is_a_reflection_finding() {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::mirror_request())
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([header::CONTENT_TYPE, "x-request-id".parse().unwrap()])
        .expose_headers(["x-request-id".parse().unwrap()])
        .max_age(Duration::from_secs(600));
    let addr = serve(app().layer(layer));
    let run = probe(addr, &[]);
    assert_found(&run, &["origin-reflected-with-credentials"]);
    // Every look-alike is reflected, preflight and request alike.
    let reflected: BTreeSet<String> = occurrences(&run, "origin-reflected-with-credentials")
        .iter()
        .map(|o| request_header(o, "Origin").unwrap())
        .collect();
    for origin in [
        "https://app.example.com.attacker.example",
        "https://attackerapp.example.com",
        "http://app.example.com",
        "https://app.example.com:8443",
        "https://App.example.com",
        "https://attackerstaging.example.com",
        "null",
    ] {
        assert!(reflected.contains(origin), "{origin} not in {reflected:?}");
    }
    let first = &occurrences(&run, "origin-reflected-with-credentials")[0];
    assert_eq!(first["browser"]["server"]["reads"], true);
    assert_eq!(first["browser"]["policy"]["reads"], false);
    let human = probe_human(addr, &[]);
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .starts_with("critical[origin-reflected-with-credentials]: "),
        "{}",
        human.stdout
    );
    keep_sample("(2) tower-http mirror_request + allow_credentials", &human);
}

#[test]
fn a_permissive_layer_differs_from_a_credentialed_policy_everywhere() {
    // `*` for every origin, method and header, no credentials, no max-age.
    let addr = serve(app().layer(tower_http::cors::CorsLayer::permissive()));
    let run = probe(addr, &[]);
    assert_found(
        &run,
        &[
            "disallowed-origin-allowed",
            "wrong-allow-origin",
            "missing-allow-credentials",
            "preflight-refuses-allowed",
            "methods-beyond-policy",
            "headers-beyond-policy",
            "missing-vary",
            "missing-max-age",
        ],
    );
    let refused = &occurrences(&run, "preflight-refuses-allowed")[0];
    assert!(
        refused["detail"].as_str().unwrap().ends_with(
            "The value of the 'Access-Control-Allow-Origin' header in the response must not be \
             the wildcard '*' when the request's credentials mode is 'include'."
        ),
        "{refused}"
    );
    assert_eq!(occurrences(&run, "methods-beyond-policy")[0]["detail"], "*");
    // Each fix names the policy line it is about.
    let fix = |code: &str| {
        json(&run.stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .unwrap()["fix"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(
        fix("methods-beyond-policy")
            .contains("the `methods` line of policy \"api\" (probe.cors, line 5)")
    );
    assert!(
        fix("missing-max-age")
            .contains("the `max-age` line of policy \"api\" (probe.cors, line 9)")
    );
    assert!(
        fix("disallowed-origin-allowed")
            .contains("the `origins` line of policy \"api\" (probe.cors, line 4)")
    );
}

/// A reverse proxy's `add_header Access-Control-Allow-Origin $allowed`: a
/// second CORS layer outside the application's, adding its own line.
async fn proxy_adds_allow_origin(request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = next.run(request).await;
    if let Some(origin) = origin
        && origin == "https://app.example.com"
    {
        response
            .headers_mut()
            .append(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    response
}

#[test]
fn two_cors_layers_duplicate_allow_origin() {
    let addr = serve_behind!(proxy_adds_allow_origin);
    let run = probe(addr, &[]);
    assert_found(&run, &["duplicate-allow-origin"]);
    for occurrence in occurrences(&run, "duplicate-allow-origin") {
        assert_eq!(
            request_header(&occurrence, "Origin").as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(occurrence["browser"]["server"]["reads"], false);
    }
}

/// Authentication that answers 401 to anything without the API key.
async fn auth(request: Request, next: Next) -> Response {
    let key = request.headers().get(header::AUTHORIZATION);
    if key.is_some_and(|k| k == "Bearer secret") {
        next.run(request).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

#[test]
fn auth_outside_cors_rejects_preflights() {
    let addr = serve_behind!(auth);
    let run = probe(addr, &["-H", "Authorization: Bearer secret"]);
    assert_found(&run, &["preflight-rejected"]);
    let rejected = occurrences(&run, "preflight-rejected");
    assert!(rejected.iter().all(|o| o["server"]["status"] == 401));
    // The key went with the actual requests only, and stays out of the report.
    assert!(!run.stdout.contains("secret"), "{}", run.stdout);
    let human = probe_human(addr, &["-H", "Authorization: Bearer secret"]);
    assert!(!human.stdout.contains("secret"), "{}", human.stdout);
    keep_sample("(4) authentication outside the CORS layer", &human);
    // Grouped by finding, most severe first, with the fix and the browser's words.
    assert_eq!(human.code, 1);
    assert!(
        human
            .stdout
            .starts_with("high[preflight-rejected]: a preflight the policy allows is not answered"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("  fix: a preflight carries no cookie")
    );
    assert!(human.stdout.contains("policy \"api\" (probe.cors, line 2)"));
    assert!(
        human
            .stdout
            .contains("      browser: blocks it: Access to fetch at")
    );
    assert!(human.stdout.contains(
        "Response to preflight request doesn't pass access control check: No \
         'Access-Control-Allow-Origin' header is present on the requested resource."
    ));
    let last = human.stdout.lines().last().unwrap();
    assert!(last.starts_with("1 finding in "), "{}", human.stdout);
}

#[test]
fn a_fallback_outside_cors_has_no_cors_headers() {
    let router = Router::new()
        .route(
            "/api/users",
            get(|| async { "[]" })
                .post(|| async { "created" })
                .layer(own_layer()),
        )
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found") });
    let addr = serve(router);
    let run = probe(addr, &["--error-path", "/api/missing"]);
    assert_found(&run, &["missing-cors-on-error"]);
    let paths: BTreeSet<String> = occurrences(&run, "missing-cors-on-error")
        .iter()
        .map(|o| o["request"]["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, set(&["/api/missing"]));
    // Without --error-path the same server agrees.
    let run = probe(addr, &[]);
    assert_found(&run, &[]);
}

#[test]
fn the_applications_own_options_answer_is_found() {
    use axum::handler::Handler;
    // CORS on the handlers, not on the router: the router's OPTIONS route
    // answers the preflight, 200 with `Allow`, and the layer never sees it.
    let router = Router::new().route(
        "/api/users",
        get((|| async { "[]" }).layer(own_layer()))
            .post((|| async { "created" }).layer(own_layer()))
            .options(|| async { (StatusCode::OK, [(header::ALLOW, "GET, POST, OPTIONS")]) }),
    );
    let addr = serve(router);
    let run = probe(addr, &[]);
    assert_found(&run, &["preflight-rejected"]);
    let first = &occurrences(&run, "preflight-rejected")[0];
    assert_eq!(
        first["detail"],
        "answered 200 with no CORS header at all (Allow: GET, POST, OPTIONS): the application's \
         own OPTIONS answer"
    );
}

async fn strip_vary(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().remove(header::VARY);
    response
}

#[test]
fn a_layer_dropping_vary_is_found() {
    let addr = serve_behind!(strip_vary);
    let run = probe(addr, &[]);
    assert_found(&run, &["missing-vary"]);
    // Allowed, denied and non-CORS answers all depend on Origin.
    let origins: BTreeSet<Option<String>> = occurrences(&run, "missing-vary")
        .iter()
        .map(|o| request_header(o, "Origin"))
        .collect();
    assert!(origins.contains(&None));
    assert!(origins.contains(&Some("https://app.example.com".to_owned())));
    assert!(origins.contains(&Some("null".to_owned())));
}

async fn public_cache(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().remove(header::VARY);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("session=secret-session"),
    );
    response
}

#[test]
fn a_cacheable_answer_without_vary_is_found() {
    let addr = serve_behind!(public_cache);
    let run = probe(addr, &[]);
    assert_found(&run, &["cacheable-without-vary"]);
    // The cookie the server hands out stays out of the report.
    assert!(!run.stdout.contains("secret-session"), "{}", run.stdout);
    assert_contains(&run.stdout, &[r#"["set-cookie","(left out)"]"#]);
}

/// A trailing-slash normalizer in front of everything, preflights included.
async fn redirect_options(request: Request, next: Next) -> Response {
    if request.method() == Method::OPTIONS && !request.uri().path().ends_with('/') {
        let to = format!("{}/", request.uri().path());
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, to)]).into_response();
    }
    next.run(request).await
}

#[test]
fn a_redirected_preflight_is_found() {
    let addr = serve_behind!(redirect_options);
    let run = probe(addr, &[]);
    assert_found(&run, &["redirected-preflight"]);
    let first = &occurrences(&run, "redirected-preflight")[0];
    assert_eq!(first["server"]["status"], 308);
    assert_eq!(first["detail"], "answered 308 to /api/users/");
    assert!(
        first["browser"]["server"]["console"]
            .as_str()
            .unwrap()
            .ends_with("Redirect is not allowed for a preflight request."),
        "{first}"
    );
}

#[test]
fn dry_run_sends_nothing() {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    let counter = middleware::from_fn(move |request: Request, next: Next| {
        let seen = Arc::clone(&seen);
        async move {
            seen.fetch_add(1, Ordering::SeqCst);
            next.run(request).await
        }
    });
    let addr = serve(app().layer(own_layer()).layer(counter));
    let run = probe(addr, &["--dry-run"]);
    assert_eq!(run.code, 0);
    let report = json(&run.stdout);
    let requests = report["requests"].as_array().unwrap();
    assert!(requests.len() >= 20);
    assert!(
        requests
            .iter()
            .all(|r| r["method"] == "GET" || r["method"] == "OPTIONS")
    );
    assert_eq!(count.load(Ordering::SeqCst), 0);
    // The same matrix, sent, reaches the server once per request.
    let run = probe(addr, &[]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(count.load(Ordering::SeqCst), requests.len());
}

#[test]
fn rate_and_concurrency_bound_the_requests() {
    use std::sync::Mutex;
    use std::time::Instant;
    // Each request takes 50 ms; the server records arrivals and how many
    // are in flight at once.
    let arrivals = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (a, f, m) = (
        Arc::clone(&arrivals),
        Arc::clone(&in_flight),
        Arc::clone(&most),
    );
    let slow = middleware::from_fn(move |request: Request, next: Next| {
        let (a, f, m) = (Arc::clone(&a), Arc::clone(&f), Arc::clone(&m));
        async move {
            a.lock().unwrap().push(Instant::now());
            let now = f.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(50)).await;
            f.fetch_sub(1, Ordering::SeqCst);
            next.run(request).await
        }
    });
    let addr = serve(app().layer(own_layer()).layer(slow));
    let url = format!("http://{addr}/api/users");
    let run = finish(common::cmd().args([
        "probe",
        &url,
        "--policy",
        POLICY,
        "--format",
        "json",
        "--rate",
        "40",
        "--concurrency",
        "3",
    ]));
    assert_eq!(run.code, 0, "{}", run.stdout);
    let most = most.load(Ordering::SeqCst);
    assert!((1..=3).contains(&most), "{most} at once");
    // At most 40 a second: the n requests' starts are (n - 1) / 40 s apart
    // or more, whatever the machine's load (a lower bound only).
    let arrivals = arrivals.lock().unwrap();
    let n = arrivals.len();
    assert_eq!(n as u64, json(&run.stdout)["requests"].as_u64().unwrap());
    let spread = *arrivals.last().unwrap() - *arrivals.first().unwrap();
    let least = Duration::from_secs_f64((n - 1) as f64 / 40.0 * 0.9);
    assert!(
        spread >= least,
        "{n} requests in {spread:?}, under {least:?}"
    );
}

#[test]
fn progress_shows_on_a_terminal_only() {
    let addr = serve(app().layer(own_layer()));
    let piped = probe(addr, &[]);
    assert_eq!(piped.code, 0, "{}", piped.stdout);
    assert_eq!(piped.stderr, "");
    let total = json(&piped.stdout)["requests"].as_u64().unwrap();
    // util-linux `script` gives the command a terminal; stdout goes to
    // /dev/null so that only stderr reaches it.
    let command = format!(
        "{} probe http://{addr}/api/users --policy {POLICY} --rate 1000 >/dev/null",
        env!("CARGO_BIN_EXE_cors-policy")
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(common::fixtures())
        .output()
        .expect("util-linux `script` runs the command on a terminal");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains("\rprobe: 1/"), "{shown:?}");
    assert!(
        shown.contains(&format!("\rprobe: {total}/{total} requests")),
        "{shown:?}"
    );
}

#[test]
fn an_unreachable_server_exits_2() {
    // A port that was free a moment ago.
    let addr = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let run = probe(addr, &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.starts_with("error: cannot reach 127.0.0.1:"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_input_exits_2() {
    let run = common::run(&["probe", "http://127.0.0.1:9/static", "--policy", POLICY]);
    assert_eq!(run.code, 2);
    assert_contains(
        &run.stderr,
        &["error: no policy in `probe.cors` covers the path `/static`"],
    );
    let run = common::run(&[
        "probe",
        "http://127.0.0.1:9/api/x",
        "--policy",
        POLICY,
        "-H",
        "Origin: https://a.example",
    ]);
    assert_eq!(run.code, 2);
    assert_contains(&run.stderr, &["probe sets `Origin` itself"]);
}

// ---- hostile servers ----

/// A raw TCP server on 127.0.0.1: for each connection, reads the request
/// head, then calls `answer` with the stream. Returns the address and the
/// total bytes `answer` managed to write (as it reports them).
fn raw_server<F>(answer: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(&mut TcpStream, &AtomicUsize) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let written = Arc::new(AtomicUsize::new(0));
    let total = Arc::clone(&written);
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let answer = Arc::clone(&answer);
            let total = Arc::clone(&total);
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                answer(&mut stream, &total);
            });
        }
    });
    (addr, written)
}

/// Writes `bytes`, counting what went out; false once the peer is gone.
fn send(stream: &mut TcpStream, total: &AtomicUsize, bytes: &[u8]) -> bool {
    match stream.write_all(bytes) {
        Ok(()) => {
            total.fetch_add(bytes.len(), Ordering::SeqCst);
            true
        }
        Err(_) => false,
    }
}

/// The most a hostile answer may get the client to take in, all requests
/// together: well under what the servers would send (gigabytes), with room
/// for the kernel's socket buffers.
const TAKEN_IN_CAP: usize = 256 * 1024 * 1024;

#[test]
fn huge_headers_are_a_bad_response() {
    let (addr, written) = raw_server(|stream, total| {
        if !send(stream, total, b"HTTP/1.1 200 OK\r\n") {
            return;
        }
        let line = format!("x-filler: {}\r\n", "a".repeat(1000));
        for _ in 0..1_000_000 {
            if !send(stream, total, line.as_bytes()) {
                return;
            }
        }
    });
    let run = probe(addr, &["--timeout", "5"]);
    assert_found(&run, &["bad-response"]);
    let first = &occurrences(&run, "bad-response")[0];
    let error = first["server"]["error"].as_str().unwrap();
    assert!(error.starts_with("not a valid HTTP response: "), "{error}");
    assert!(written.load(Ordering::SeqCst) < TAKEN_IN_CAP);
}

#[test]
fn invalid_bytes_are_reported_not_trusted() {
    // A header name with a space and a NUL in a value: not HTTP.
    let (addr, _) = raw_server(|stream, total| {
        send(
            stream,
            total,
            b"HTTP/1.1 200 OK\r\nbad name\x01: x\r\naccess-control-allow-origin: \x00\r\n\r\n",
        );
    });
    let run = probe(addr, &["--timeout", "5"]);
    assert_found(&run, &["bad-response"]);
    // Bytes a value may hold but no origin has: the origin is wrong, and
    // the report shows the bytes escaped.
    let (addr, _) = raw_server(|stream, total| {
        send(
            stream,
            total,
            b"HTTP/1.1 204 No Content\r\naccess-control-allow-origin: https://app.example.com\xff\r\n\
              access-control-allow-credentials: true\r\nvary: origin\r\n\r\n",
        );
    });
    let run = probe(addr, &["--timeout", "5"]);
    let found = codes(&run);
    assert!(found.contains("wrong-allow-origin"), "{}", run.stdout);
    let wrong = occurrences(&run, "wrong-allow-origin");
    assert!(
        wrong[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("`https://app.example.com\\xff`"),
        "{}",
        wrong[0]
    );
}

#[test]
fn an_endless_body_is_cut() {
    let (addr, written) = raw_server(|stream, total| {
        let head = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\
                     access-control-allow-origin: https://app.example.com\r\n\r\n";
        if !send(stream, total, head) {
            return;
        }
        let chunk = format!("4000\r\n{}\r\n", "z".repeat(0x4000));
        while send(stream, total, chunk.as_bytes()) {}
    });
    let run = probe(addr, &["--timeout", "5"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report = json(&run.stdout);
    let cut = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["occurrences"].as_array().unwrap().clone())
        .filter(|o| o["server"]["body_cut"] == true)
        .count();
    assert!(cut > 0, "{}", run.stdout);
    assert!(written.load(Ordering::SeqCst) < TAKEN_IN_CAP);
}

#[test]
fn a_slow_server_times_out() {
    // Trickles a status line, one byte a second, and never finishes.
    let (addr, _) = raw_server(|stream, total| {
        for &b in b"HTTP/1.1 200 OK\r\nx-slow: yes" {
            if !send(stream, total, &[b]) {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    let run = probe(addr, &["--timeout", "0.5", "--concurrency", "16"]);
    assert_found(&run, &["bad-response"]);
    let first = &occurrences(&run, "bad-response")[0];
    assert_eq!(
        first["server"]["error"],
        "no complete response within 0.5 s"
    );
}

// ---- https ----

/// A TLS terminator on 127.0.0.1 in front of `backend`, with a self-signed
/// certificate for `127.0.0.1` written to `dir/cert.pem`: each connection
/// is decrypted and copied to the backend, as a load balancer does.
fn tls_front(backend: SocketAddr, dir: &std::path::Path) -> SocketAddr {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    std::fs::write(dir.join("cert.pem"), certified.cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(rustls::pki_types::PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    spawn_server(move |listener| async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let Ok(mut plain) = tokio::net::TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    })
}

#[test]
fn https_is_probed_through_tls_with_the_certificate_checked() {
    let backend = serve_behind!(strip_vary);
    let dir = common::scratch("probe-tls");
    let front = tls_front(backend, &dir);
    let url = format!("https://127.0.0.1:{}/api/users", front.port());
    let base = [
        "probe",
        url.as_str(),
        "--policy",
        POLICY,
        "--format",
        "json",
        "--rate",
        "1000",
    ];
    // An unknown issuer: no request gets through, as in a browser.
    let run = finish(common::cmd().args(base).timeout(Duration::from_secs(60)));
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_contains(&run.stderr, &["TLS: ", "--cacert"]);
    // Trusted: the answers come through the terminator and are judged.
    let cert = dir.join("cert.pem");
    let run = finish(
        common::cmd()
            .args(base)
            .arg("--cacert")
            .arg(&cert)
            .timeout(Duration::from_secs(60)),
    );
    assert_found(&run, &["missing-vary"]);
    assert_eq!(json(&run.stdout)["url"], url);
}
