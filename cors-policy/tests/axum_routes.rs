//! Per-route use in axum, and the order of CORS and authentication:
//! `Router::route_layer` and a nested router carry the policy on their own
//! routes only; CORS outside authentication answers preflights before it
//! and puts its headers on authentication's 401, the other order does
//! neither (what a browser then gets is a CORS failure).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cors_policy::Engine;
use cors_policy::tower::CorsLayer;
use tower::ServiceExt;

const POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins "https://app.example.com"
    methods GET, PUT
    credentials
}
"#;

const ORIGIN: &str = "https://app.example.com";
const ACAO: &str = "access-control-allow-origin";

fn cors() -> CorsLayer {
    CorsLayer::new(POLICY.parse::<Engine>().unwrap())
}

/// An authentication middleware: no `Authorization`, 401.
async fn auth(request: Request, next: Next) -> Response {
    if request.headers().contains_key("authorization") {
        next.run(request).await
    } else {
        (StatusCode::UNAUTHORIZED, "sign in first").into_response()
    }
}

async fn users() -> &'static str {
    "users"
}

fn preflight(path: &str) -> Request {
    Request::options(path)
        .header("origin", ORIGIN)
        .header("access-control-request-method", "PUT")
        .body(Body::empty())
        .unwrap()
}

fn get_from_origin(path: &str) -> Request {
    Request::get(path)
        .header("origin", ORIGIN)
        .body(Body::empty())
        .unwrap()
}

async fn send(app: &Router, request: Request) -> (StatusCode, HeaderMap) {
    let response = app.clone().oneshot(request).await.unwrap();
    (response.status(), response.headers().clone())
}

#[tokio::test]
async fn route_layer_applies_to_its_routes_only() {
    let app = Router::new()
        .route("/api/users", get(users).put(users))
        .route_layer(cors())
        .route("/api/public", get(users));

    // The route's GET-only method router would answer OPTIONS 405; the
    // layer answers the preflight first.
    let (status, headers) = send(&app, preflight("/api/users")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers.get(ACAO).unwrap(), ORIGIN);

    let (status, headers) = send(&app, get_from_origin("/api/users")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(ACAO).unwrap(), ORIGIN);

    // Added after route_layer: not wrapped, although the policy's paths
    // cover it.
    let (status, headers) = send(&app, get_from_origin("/api/public")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(ACAO).is_none());
    // route_layer wraps matched routes only: axum's own 404 is not.
    let (status, headers) = send(&app, get_from_origin("/api/missing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(headers.get(ACAO).is_none());
}

/// axum strips a nested router's prefix from the path its layers see: a
/// layer inside `nest("/api", …)` sees `/users`, so a policy written for
/// the application's paths (`/api/**`) does not cover it and the preflight
/// falls through to axum's 405. The policy inside the nest is written for
/// the nest's paths; or the layer goes outside, where paths are whole.
#[tokio::test]
async fn a_nested_router_sees_paths_without_its_prefix() {
    let inside = Router::new().route("/users", get(users)).layer(cors());
    let app = Router::new().nest("/api", inside);
    let (status, headers) = send(&app, preflight("/api/users")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "not covered");
    assert!(headers.get(ACAO).is_none());

    let nested_policy = POLICY.replace(r#"paths "/api/**""#, r#"paths "/users", "/users/**""#);
    let nested = CorsLayer::new(nested_policy.parse::<Engine>().unwrap());
    let inside = Router::new().route("/users", get(users)).layer(nested);
    let app = Router::new()
        .nest("/api", inside)
        .route("/health", get(|| async { "ok" }));
    let (status, headers) = send(&app, preflight("/api/users")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers.get(ACAO).unwrap(), ORIGIN);
    let (status, headers) = send(&app, get_from_origin("/health")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(ACAO).is_none(), "outside the nest");

    // Outside the nest: whole paths, and the policy's `paths` choose.
    let app = Router::new()
        .nest("/api", Router::new().route("/users", get(users)))
        .route("/health", get(|| async { "ok" }))
        .layer(cors());
    let (status, headers) = send(&app, preflight("/api/users")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers.get(ACAO).unwrap(), ORIGIN);
    let (status, headers) = send(&app, get_from_origin("/api/missing")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers.get(ACAO).unwrap(), ORIGIN, "the 404 is decorated");
    let (_, headers) = send(&app, get_from_origin("/health")).await;
    assert!(headers.get(ACAO).is_none(), "no policy covers /health");
}

/// In axum the layer added last runs first: `.layer(auth).layer(cors)`.
#[tokio::test]
async fn cors_outside_authentication_answers_preflights_and_decorates_401() {
    let app = Router::new()
        .route("/api/users", get(users).put(users))
        .layer(from_fn(auth))
        .layer(cors());

    let (status, headers) = send(&app, preflight("/api/users")).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "answered before auth");
    assert_eq!(headers.get(ACAO).unwrap(), ORIGIN);

    let (status, headers) = send(&app, get_from_origin("/api/users")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        headers.get(ACAO).unwrap(),
        ORIGIN,
        "the script sees the 401"
    );
    assert_eq!(
        headers.get("access-control-allow-credentials").unwrap(),
        "true"
    );
    assert_eq!(headers.get("vary").unwrap(), "Origin");
}

/// The order users get wrong: the preflight (sent without credentials) is
/// refused by authentication, without CORS headers: the browser reports a
/// CORS failure and never sends the real request; a 401 carries no CORS
/// headers either, so the script cannot read its status.
#[tokio::test]
async fn authentication_outside_cors_breaks_preflights_and_hides_401() {
    let app = Router::new()
        .route("/api/users", get(users).put(users))
        .layer(cors())
        .layer(from_fn(auth));

    let (status, headers) = send(&app, preflight("/api/users")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get(ACAO).is_none());

    let (status, headers) = send(&app, get_from_origin("/api/users")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get(ACAO).is_none());
}
