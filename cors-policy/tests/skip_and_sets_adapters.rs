//! `skip` and runtime origin sets through both adapters: the `http`
//! helpers and the tower middleware. A skipped path is left to the
//! application exactly as an uncovered one (preflights forwarded, no CORS
//! header added or removed); a set's replacement changes the middleware's
//! answers without rebuilding it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cors_policy::http::HttpEngine;
use cors_policy::tower::CorsLayer;
use cors_policy::{Engine, OriginSet, RequestKind};
use http::{HeaderMap, Request, Response, StatusCode};
use tower::{Layer, Service, ServiceExt, service_fn};

const POLICY: &str = r#"
policy "webhooks" {
    paths "/api/hooks/**"
    skip
}
policy "api" {
    paths "/api/**"
    origins set "tenants"
    methods GET, PUT
    credentials
}
"#;

const ACME: &str = "https://acme.example.com";

fn engine(tenants: &OriginSet) -> Engine {
    Engine::builder(POLICY)
        .origin_set("tenants", tenants)
        .build()
        .unwrap()
}

/// The application: counts its calls and sets a CORS header of its own.
fn app(
    calls: Arc<AtomicUsize>,
) -> impl Service<Request<String>, Response = Response<String>, Error = Infallible> + Clone {
    service_fn(move |req: Request<String>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(Response::builder()
                .header("access-control-allow-origin", "https://own.example")
                .header("vary", "Accept-Encoding")
                .body(format!("handled {} {}", req.method(), req.uri().path()))
                .unwrap())
        }
    })
}

fn preflight(path: &str) -> Request<String> {
    Request::options(path)
        .header("origin", ACME)
        .header("access-control-request-method", "PUT")
        .body(String::new())
        .unwrap()
}

fn get(path: &str) -> Request<String> {
    Request::get(path)
        .header("origin", ACME)
        .body(String::new())
        .unwrap()
}

fn names(map: &HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn the_http_helpers_leave_a_skipped_path_alone() {
    let tenants = OriginSet::new();
    let _ = tenants.replace([ACME]);
    let http = HttpEngine::new(engine(&tenants));
    let answer = http.answer(&preflight("/api/hooks/github"));
    assert_eq!(answer.kind(), RequestKind::Unhandled);
    assert!(answer.forward());
    assert_eq!(answer.status(), None);
    assert_eq!(answer.headers().count(), 0);
    let mut response = HeaderMap::new();
    response.insert(
        "access-control-allow-origin",
        "https://own.example".parse().unwrap(),
    );
    answer.apply(&mut response);
    assert_eq!(
        names(&response),
        [(
            "access-control-allow-origin".into(),
            "https://own.example".into()
        )]
    );
    assert!(answer.preflight_response::<String>().is_none());

    // The set's origin on the wider policy: answered.
    let answer = http.answer(&preflight("/api/users"));
    assert_eq!(answer.kind(), RequestKind::Preflight);
    assert!(answer.allowed());
}

#[tokio::test]
async fn the_middleware_forwards_skipped_preflights_and_follows_the_set() {
    let tenants = OriginSet::new();
    let calls = Arc::new(AtomicUsize::new(0));
    let service = CorsLayer::new(engine(&tenants)).layer(app(calls.clone()));

    // A skipped preflight reaches the application, untouched.
    let response = service
        .clone()
        .oneshot(preflight("/api/hooks/github"))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.body(), "handled OPTIONS /api/hooks/github");
    assert_eq!(
        names(response.headers()),
        [
            (
                "access-control-allow-origin".into(),
                "https://own.example".into()
            ),
            ("vary".into(), "Accept-Encoding".into()),
        ]
    );

    // The set is empty: denied (403, not forwarded).
    let response = service
        .clone()
        .oneshot(preflight("/api/users"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(calls.load(Ordering::SeqCst), 1);

    // Filled while the service runs: allowed at once.
    let report = tenants.replace([ACME]);
    assert!(report.is_clean());
    let response = service
        .clone()
        .oneshot(preflight("/api/users"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.headers()["access-control-allow-origin"], ACME);
    let response = service.clone().oneshot(get("/api/users")).await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], ACME);
    assert_eq!(
        response.headers()["access-control-allow-credentials"],
        "true"
    );

    // Emptied: the application's own header is removed again.
    tenants.clear();
    let response = service.oneshot(get("/api/users")).await.unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}
