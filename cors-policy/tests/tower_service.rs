//! The tower middleware: preflights answered without the inner service,
//! every other response decorated (errors too), unhandled paths untouched,
//! and policies swapped while the service runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cors_policy::Engine;
use cors_policy::http::HttpEngine;
use cors_policy::tower::CorsLayer;
use http::{HeaderMap, Request, Response, StatusCode};
use tower::{Layer, Service, ServiceExt, service_fn};

const POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins "https://app.example.com"
    methods GET, POST, PUT
    headers content-type
    expose x-request-id
    credentials
}
"#;

const OTHER_ORIGIN_POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins "https://other.example.com"
}
"#;

const ORIGIN: &str = "https://app.example.com";
const ACAO: &str = "access-control-allow-origin";

/// The application: counts its calls, sets its own (wrong) CORS header and
/// `Vary`, answers 500 under `/api/fail`.
fn app(
    calls: Arc<AtomicUsize>,
) -> impl Service<Request<String>, Response = Response<String>, Error = Infallible> + Clone {
    service_fn(move |req: Request<String>| {
        calls.fetch_add(1, Ordering::SeqCst);
        async move {
            let status = if req.uri().path() == "/api/fail" {
                StatusCode::INTERNAL_SERVER_ERROR
            } else {
                StatusCode::OK
            };
            let response = Response::builder()
                .status(status)
                .header(ACAO, "*")
                .header("vary", "Accept-Encoding")
                .body(format!("handled {}", req.uri().path()))
                .unwrap();
            Ok(response)
        }
    })
}

fn get(path: &str, origin: Option<&str>) -> Request<String> {
    let mut builder = Request::get(path);
    if let Some(origin) = origin {
        builder = builder.header("origin", origin);
    }
    builder.body(String::new()).unwrap()
}

fn preflight(path: &str, method: &str) -> Request<String> {
    Request::options(path)
        .header("origin", ORIGIN)
        .header("access-control-request-method", method)
        .header("access-control-request-headers", "content-type")
        .body("ignored".to_owned())
        .unwrap()
}

fn all<'m>(map: &'m HeaderMap, name: &str) -> Vec<&'m str> {
    map.get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

fn layer() -> CorsLayer {
    CorsLayer::new(POLICY.parse::<Engine>().unwrap())
}

#[tokio::test]
async fn preflights_are_answered_without_calling_the_application() {
    let calls = Arc::new(AtomicUsize::new(0));
    let service = layer().layer(app(calls.clone()));

    let response = service
        .clone()
        .oneshot(preflight("/api/users", "PUT"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(response.body(), "");
    let h = response.headers();
    assert_eq!(all(h, ACAO), [ORIGIN]);
    assert_eq!(all(h, "access-control-allow-credentials"), ["true"]);
    assert_eq!(all(h, "access-control-allow-headers"), ["content-type"]);
    assert!(h.get("access-control-allow-methods").is_some());
    assert_eq!(
        all(h, "vary"),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );

    // A method the policy does not list: an informative denial, answered
    // with the policy's own list (never `DELETE`) and no max-age.
    let response = service
        .clone()
        .oneshot(preflight("/api/users", "DELETE"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let h = response.headers();
    assert_eq!(all(h, ACAO), [ORIGIN]);
    assert_eq!(all(h, "access-control-allow-credentials"), ["true"]);
    assert_eq!(all(h, "access-control-allow-methods"), ["GET, POST, PUT"]);
    assert!(h.get("access-control-max-age").is_none());
    assert_eq!(response.body(), "");

    // A forbidden method: opaque, 403 and no CORS headers.
    let response = service
        .oneshot(preflight("/api/users", "TRACK"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get(ACAO).is_none());
    assert_eq!(response.body(), "");

    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn actual_requests_reach_the_application_and_are_decorated() {
    let calls = Arc::new(AtomicUsize::new(0));
    let service = layer().layer(app(calls.clone()));
    let response = service
        .oneshot(get("/api/users", Some(ORIGIN)))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "handled /api/users");
    let h = response.headers();
    // The application's `*` replaced by the echoed origin, one line.
    assert_eq!(all(h, ACAO), [ORIGIN]);
    assert_eq!(all(h, "access-control-allow-credentials"), ["true"]);
    assert_eq!(all(h, "access-control-expose-headers"), ["x-request-id"]);
    assert_eq!(all(h, "vary"), ["Accept-Encoding, Origin"]);
}

#[tokio::test]
async fn error_responses_are_decorated_too() {
    let calls = Arc::new(AtomicUsize::new(0));
    let service = layer().layer(app(calls.clone()));
    let response = service
        .oneshot(get("/api/fail", Some(ORIGIN)))
        .await
        .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(all(response.headers(), ACAO), [ORIGIN]);
}

#[tokio::test]
async fn denied_and_non_cors_requests_still_reach_the_application() {
    let calls = Arc::new(AtomicUsize::new(0));
    let service = layer().layer(app(calls.clone()));
    let denied = service
        .clone()
        .oneshot(get("/api/users", Some("https://evil.example")))
        .await
        .unwrap();
    assert_eq!(denied.body(), "handled /api/users");
    assert!(denied.headers().get(ACAO).is_none());
    assert_eq!(all(denied.headers(), "vary"), ["Accept-Encoding, Origin"]);

    let plain = service.oneshot(get("/api/users", None)).await.unwrap();
    assert_eq!(plain.body(), "handled /api/users");
    assert!(plain.headers().get(ACAO).is_none());
    assert_eq!(all(plain.headers(), "vary"), ["Accept-Encoding, Origin"]);
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn unhandled_paths_pass_through_untouched() {
    let calls = Arc::new(AtomicUsize::new(0));
    let service = layer().layer(app(calls.clone()));
    let response = service
        .clone()
        .oneshot(get("/other", Some(ORIGIN)))
        .await
        .unwrap();
    assert_eq!(all(response.headers(), ACAO), ["*"]);
    assert_eq!(all(response.headers(), "vary"), ["Accept-Encoding"]);
    assert_eq!(response.headers().len(), 2);
    // Even an OPTIONS that looks like a preflight goes to the application.
    let response = service.oneshot(preflight("/other", "PUT")).await.unwrap();
    assert_eq!(response.body(), "handled /other");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn errors_of_the_inner_service_pass_through() {
    let failing =
        service_fn(|_: Request<String>| async { Err::<Response<String>, &'static str>("boom") });
    let service = layer().layer(failing);
    let result = service.oneshot(get("/api/users", Some(ORIGIN))).await;
    assert_eq!(result.unwrap_err(), "boom");
}

#[tokio::test]
async fn reloading_swaps_the_policy_of_running_services() {
    let calls = Arc::new(AtomicUsize::new(0));
    let layer = CorsLayer::reloadable(POLICY.parse::<Engine>().unwrap());
    let reload = layer.reload_handle().unwrap();
    let service = layer.layer(app(calls.clone()));
    let other = "https://other.example.com";

    let before = service
        .clone()
        .oneshot(get("/api/x", Some(other)))
        .await
        .unwrap();
    assert!(before.headers().get(ACAO).is_none());

    reload.store(OTHER_ORIGIN_POLICY.parse::<Engine>().unwrap());
    let after = service
        .clone()
        .oneshot(get("/api/x", Some(other)))
        .await
        .unwrap();
    assert_eq!(all(after.headers(), ACAO), [other]);
    let old = service
        .clone()
        .oneshot(get("/api/x", Some(ORIGIN)))
        .await
        .unwrap();
    assert!(old.headers().get(ACAO).is_none());

    // A broken policy is refused and the running one stays.
    let error = reload
        .reload_from_str("policy \"api\" { paths \"/api/**\" }")
        .unwrap_err();
    assert!(
        error.render("api.cors", false).contains("origins"),
        "{error}"
    );
    let still = service
        .clone()
        .oneshot(get("/api/x", Some(other)))
        .await
        .unwrap();
    assert_eq!(all(still.headers(), ACAO), [other]);

    // And a good one from text is taken.
    reload.reload_from_str(POLICY).unwrap();
    let back = service.oneshot(get("/api/x", Some(ORIGIN))).await.unwrap();
    assert_eq!(all(back.headers(), ACAO), [ORIGIN]);
    assert_eq!(reload.load().engine().policies()[0].name, "api");
}

#[tokio::test]
async fn works_as_an_axum_layer() {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get as route_get;

    let router: Router = Router::new()
        .route("/api/users", route_get(|| async { "users" }))
        .layer(layer());
    let request = Request::get("/api/users")
        .header("origin", ORIGIN)
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(all(response.headers(), ACAO), [ORIGIN]);

    let request = Request::options("/api/users")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(all(response.headers(), ACAO), [ORIGIN]);
}

#[tokio::test]
async fn a_layer_can_share_a_static_engine() {
    static CORS: std::sync::LazyLock<Engine> = std::sync::LazyLock::new(|| POLICY.parse().unwrap());
    let calls = Arc::new(AtomicUsize::new(0));
    let service = CorsLayer::new(&*CORS).layer(app(calls.clone()));
    let response = service
        .oneshot(get("/api/users", Some(ORIGIN)))
        .await
        .unwrap();
    assert_eq!(all(response.headers(), ACAO), [ORIGIN]);
    // And one behind an `Arc`, shared with other code.
    let shared = Arc::new(POLICY.parse::<Engine>().unwrap());
    let layer = CorsLayer::new(Arc::clone(&shared));
    assert!(layer.reload_handle().is_none());
    assert!(std::ptr::eq(layer.engine().engine(), &*shared));
    let layer = CorsLayer::reloadable(Arc::clone(&shared));
    let reload = layer.reload_handle().unwrap();
    assert!(std::ptr::eq(reload.load().engine(), &*shared));
    reload.store(&*CORS);
    assert!(std::ptr::eq(reload.load().engine(), &*CORS));
    assert!(std::ptr::eq(layer.engine().engine(), &*CORS));
}

#[tokio::test]
async fn a_layer_on_a_leaked_engine_answers_as_a_shared_one() {
    let leaked = HttpEngine::new(POLICY.parse::<Engine>().unwrap()).leak();
    let layer = CorsLayer::from_static(leaked);
    assert!(layer.reload_handle().is_none());
    assert!(std::ptr::eq(&*layer.engine(), leaked));
    let requests = || {
        [
            get("/api/users", Some(ORIGIN)),
            get("/api/users", Some("https://evil.example")),
            get("/api/fail", Some(ORIGIN)),
            get("/elsewhere", Some(ORIGIN)),
            preflight("/api/users", "PUT"),
            preflight("/api/users", "PATCH"),
        ]
    };
    let lines = |response: &Response<String>| {
        let mut lines: Vec<_> = response
            .headers()
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
            .collect();
        lines.sort();
        (response.status(), lines, response.body().clone())
    };
    for (ours, theirs) in requests().into_iter().zip(requests()) {
        let target = ours.uri().to_string();
        let fixed = layer_of(layer.clone(), ours).await;
        let shared = layer_of(self::layer(), theirs).await;
        assert_eq!(lines(&fixed), lines(&shared), "{target}");
    }
}

/// The response of a service of `layer` around the application.
async fn layer_of(layer: CorsLayer, request: Request<String>) -> Response<String> {
    let calls = Arc::new(AtomicUsize::new(0));
    layer.layer(app(calls)).oneshot(request).await.unwrap()
}

#[tokio::test]
async fn around_a_whole_axum_router_preflights_need_no_route() {
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get as route_get;

    let router: Router = Router::new().route("/api/users", route_get(|| async { "users" }));
    let service = layer().layer(router);
    let request = Request::options("/api/no-such-route")
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(all(response.headers(), ACAO), [ORIGIN]);
    assert!(response.headers().get("allow").is_none());
    // The router's own 404 is decorated too.
    let request = Request::get("/api/no-such-route")
        .header("origin", ORIGIN)
        .body(Body::empty())
        .unwrap();
    let response = service.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(all(response.headers(), ACAO), [ORIGIN]);
    // And it is served as docs/adapters.md says (built, not run).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let serve = axum::serve(
        listener,
        axum::ServiceExt::<Request<Body>>::into_make_service(service),
    );
    drop(serve);
}

#[tokio::test]
async fn the_preflight_status_is_the_policys() {
    let engine: Engine = r#"
        policy "api" {
            paths "/api/**"
            origins "https://app.example.com"
            headers content-type
            preflight-status 200
        }
    "#
    .parse()
    .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let service = CorsLayer::new(engine).layer(app(calls.clone()));
    let response = service.oneshot(preflight("/api/x", "GET")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "");
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[test]
fn a_preflight_future_polled_again_denies_without_panicking() {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    let calls = Arc::new(AtomicUsize::new(0));
    let engine: Engine = POLICY.parse().unwrap();
    let mut service = CorsLayer::new(engine).layer(app(Arc::clone(&calls)));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(service.poll_ready(&mut cx).is_ready());
    let mut future = pin!(service.call(preflight("/api/users", "PUT")));
    let Poll::Ready(Ok(first)) = future.as_mut().poll(&mut cx) else {
        panic!("a preflight is answered at once");
    };
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert_eq!(first.headers()[ACAO], ORIGIN);
    let Poll::Ready(Ok(again)) = future.as_mut().poll(&mut cx) else {
        panic!("polled again, it still answers");
    };
    assert_eq!(again.status(), StatusCode::FORBIDDEN);
    assert!(again.headers().is_empty(), "{:?}", again.headers());
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}
