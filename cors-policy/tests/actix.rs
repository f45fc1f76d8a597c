//! The actix-web middleware, end to end on `actix_web::test` (a real
//! `App` with real handlers and middleware) and once over a loopback
//! socket: preflights answered without the application, every response
//! decorated — errors from handlers and from an authentication middleware
//! included — per-scope use, the order of CORS and authentication, and the
//! same headers as the `http` adapter for the same requests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpResponse, HttpServer, error, test, web};
use cors_policy::Engine;
use cors_policy::actix::Cors;

const POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins "https://app.example.com"
    methods GET, POST, PUT
    headers content-type, authorization
    expose x-request-id
    credentials
}
"#;

const ORIGIN: &str = "https://app.example.com";
const ACAO: &str = "access-control-allow-origin";
const ACAC: &str = "access-control-allow-credentials";

/// A method, a path and the request's header lines.
type Case = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

fn cors() -> Cors {
    Cors::new(POLICY.parse::<Engine>().unwrap())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Vec<&'a str> {
    headers.get_all(name).map(|v| v.to_str().unwrap()).collect()
}

/// What the server sends for `req`: the response, or the one actix-web makes
/// of an error.
async fn respond<S, R, B>(app: &S, req: R) -> HttpResponse
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody + 'static,
{
    match app.call(req).await {
        Ok(res) => res.into_parts().1.map_into_boxed_body(),
        Err(error) => error.error_response(),
    }
}

fn preflight(path: &str) -> test::TestRequest {
    test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("Origin", ORIGIN))
        .insert_header(("Access-Control-Request-Method", "PUT"))
        .insert_header(("Access-Control-Request-Headers", "content-type"))
}

/// Counts the calls of the application's handlers.
#[derive(Clone, Default)]
struct Calls(Arc<AtomicUsize>);

impl Calls {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

async fn users(calls: web::Data<Calls>) -> HttpResponse {
    calls.0.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok()
        .insert_header(("x-request-id", "7"))
        .insert_header(("vary", "Accept-Encoding"))
        // An application's own CORS header, which the policy replaces.
        .insert_header((ACAO, "*"))
        .body("users")
}

async fn broken(calls: web::Data<Calls>) -> Result<HttpResponse, actix_web::Error> {
    calls.0.fetch_add(1, Ordering::SeqCst);
    Err(error::ErrorInternalServerError("database down"))
}

/// An authentication middleware: no `Authorization`, no entry (an error,
/// as actix-web's own extractors and middleware report one).
async fn auth(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key("authorization") {
        next.call(req).await
    } else {
        Err(error::ErrorUnauthorized("sign in first"))
    }
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/users", web::get().to(users))
        .route("/api/users", web::put().to(users))
        .route("/api/broken", web::get().to(broken))
        .route("/health", web::get().to(users));
}

#[actix_web::test]
async fn an_allowed_preflight_is_answered_without_the_application() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(cors())
            .configure(routes),
    )
    .await;
    let res = test::call_service(&app, preflight("/api/users").to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let h = res.headers();
    assert_eq!(header(h, ACAO), [ORIGIN]);
    assert_eq!(header(h, ACAC), ["true"]);
    assert_eq!(
        header(h, "access-control-allow-methods"),
        ["GET, POST, PUT"]
    );
    assert_eq!(
        header(h, "access-control-allow-headers"),
        ["content-type, authorization"]
    );
    assert_eq!(
        header(h, "vary"),
        ["Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
    );
    assert_eq!(calls.count(), 0, "the handler ran for a preflight");
    assert!(test::read_body(res).await.is_empty());
}

#[actix_web::test]
async fn a_preflight_from_another_origin_is_403_with_vary_only() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(cors())
            .configure(routes),
    )
    .await;
    let req = preflight("/api/users")
        .insert_header(("Origin", "https://evil.example"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let names: Vec<&str> = res.headers().keys().map(|n| n.as_str()).collect();
    assert_eq!(names, ["vary"]);
}

#[actix_web::test]
async fn an_actual_request_reaches_the_handler_and_is_decorated() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(cors())
            .configure(routes),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/api/users?page=2")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    assert_eq!(header(h, ACAO), [ORIGIN], "the application's `*` replaced");
    assert_eq!(header(h, ACAC), ["true"]);
    assert_eq!(header(h, "access-control-expose-headers"), ["x-request-id"]);
    assert_eq!(header(h, "vary"), ["Accept-Encoding, Origin"]);
    assert_eq!(calls.count(), 1);
    assert_eq!(test::read_body(res).await, "users");
}

#[actix_web::test]
async fn a_handler_error_carries_the_cors_headers() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(cors())
            .configure(routes),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/api/broken")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(header(res.headers(), ACAO), [ORIGIN]);
    // A route that does not exist is the application's 404, decorated too.
    let req = test::TestRequest::get()
        .uri("/api/missing")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(res.headers(), ACAO), [ORIGIN]);
}

#[actix_web::test]
async fn a_path_no_policy_covers_is_left_alone() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(cors())
            .configure(routes),
    )
    .await;
    let preflight = preflight("/health").to_request();
    let res = test::call_service(&app, preflight).await;
    // Forwarded: no route answers OPTIONS /health.
    assert_ne!(res.status(), StatusCode::NO_CONTENT);
    assert!(res.headers().get("vary").is_none());
    let req = test::TestRequest::get()
        .uri("/health")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(header(res.headers(), ACAO), ["*"], "the application's own");
    assert_eq!(header(res.headers(), "vary"), ["Accept-Encoding"]);
}

/// CORS wrapped last runs first: preflights are answered before
/// authentication, and its 401 carries the CORS headers, so the page's
/// script sees the 401.
#[actix_web::test]
async fn cors_outside_authentication_answers_preflights_and_decorates_401() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .wrap(from_fn(auth))
            .wrap(cors())
            .configure(routes),
    )
    .await;
    let res = test::call_service(&app, preflight("/api/users").to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(header(res.headers(), ACAO), [ORIGIN]);

    let req = test::TestRequest::get()
        .uri("/api/users")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = respond(&app, req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(res.headers(), ACAO), [ORIGIN]);
    assert_eq!(header(res.headers(), ACAC), ["true"]);
    assert_eq!(header(res.headers(), "vary"), ["Origin"]);

    let req = test::TestRequest::get()
        .uri("/api/users")
        .insert_header(("Origin", ORIGIN))
        .insert_header(("Authorization", "Bearer t"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(calls.count(), 1);
}

/// The order users get wrong: authentication outside CORS refuses the
/// preflight (browsers send it without credentials) with a 401 that has no
/// CORS headers, so the browser reports a CORS failure and the real request
/// is never sent; its 401s carry no CORS headers either.
#[actix_web::test]
async fn authentication_outside_cors_breaks_preflights_and_hides_401() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(cors())
            .wrap(from_fn(auth))
            .configure(routes),
    )
    .await;
    let res = respond(&app, preflight("/api/users").to_request()).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(ACAO).is_none());

    let req = test::TestRequest::get()
        .uri("/api/users")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = respond(&app, req).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(ACAO).is_none());
}

/// `scope().wrap`: the policy applies to the scope's routes only.
#[actix_web::test]
async fn a_scope_wraps_its_own_routes_only() {
    let calls = Calls::default();
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(calls.clone()))
            .service(
                web::scope("/api")
                    .wrap(cors())
                    .route("/users", web::get().to(users)),
            )
            .route("/other/users", web::get().to(users)),
    )
    .await;
    let res = test::call_service(&app, preflight("/api/users").to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);

    let req = test::TestRequest::get()
        .uri("/other/users")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(
        header(res.headers(), ACAO),
        ["*"],
        "outside the scope: untouched"
    );
    assert_eq!(header(res.headers(), "vary"), ["Accept-Encoding"]);
}

/// The same requests through actix-web and through the `http` adapter give
/// the same CORS headers (one mapping for every framework).
#[actix_web::test]
async fn actix_and_the_http_adapter_answer_alike() {
    let engine: Engine = POLICY.parse().unwrap();
    let app = test::init_service(
        App::new()
            .wrap(cors())
            .default_service(web::to(|| async { HttpResponse::Ok().finish() })),
    )
    .await;
    let cases: &[Case] = &[
        ("GET", "/api/a", &[("origin", ORIGIN)]),
        ("GET", "/api/a", &[("origin", "https://evil.example")]),
        ("GET", "/api/a", &[]),
        ("GET", "/elsewhere", &[("origin", ORIGIN)]),
        ("POST", "/api/a", &[("origin", ORIGIN), ("origin", ORIGIN)]),
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
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "content-type"),
                ("access-control-request-headers", "Authorization"),
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
            "/api/a",
            &[
                ("origin", ORIGIN),
                ("access-control-request-method", "GET"),
                ("access-control-request-headers", "x-unknown"),
            ],
        ),
    ];
    for (method, path, headers) in cases {
        let mut req = test::TestRequest::default()
            .method(method.parse().unwrap())
            .uri(path);
        let mut http_req = http::Request::builder().method(*method).uri(*path);
        for (name, value) in *headers {
            req = req.append_header((*name, *value));
            http_req = http_req.header(*name, *value);
        }
        let res = test::call_service(&app, req.to_request()).await;
        let got: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();

        let http_req = http_req.body(()).unwrap();
        let decision = engine.decide(&cors_policy::Request::from_http(&http_req));
        let mut expected = http::HeaderMap::new();
        cors_policy::http::apply(&decision, &mut expected);
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_owned()))
            .collect();
        let mut got = got;
        got.sort();
        want.sort();
        assert_eq!(got, want, "{method} {path} {headers:?}");
        if let Some(status) = decision.status() {
            assert_eq!(res.status().as_u16(), status, "{method} {path}");
        }
    }
}

/// One HTTP/1.1 exchange with a server on loopback: the response, its
/// header names lowercase.
fn exchange(addr: std::net::SocketAddr, request: &str) -> String {
    let mut socket = TcpStream::connect(addr).unwrap();
    write!(socket, "{request}Host: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    socket.read_to_string(&mut response).unwrap();
    response.to_ascii_lowercase()
}

/// A real server on loopback, real HTTP/1.1 over a socket, authentication
/// inside CORS: the preflight is answered, and the 401 that actix-web makes
/// of authentication's error carries the CORS headers on the wire.
#[actix_web::test]
async fn a_loopback_server_answers_preflights_and_decorates_401() {
    let server = HttpServer::new(|| {
        App::new()
            .app_data(web::Data::new(Calls::default()))
            .wrap(from_fn(auth))
            .wrap(cors())
            .configure(routes)
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let addr = server.addrs()[0];
    let server = server.run();
    let handle = server.handle();
    actix_web::rt::spawn(server);

    let (preflight, unauthorized) = actix_web::rt::task::spawn_blocking(move || {
        let origin = format!("Origin: {ORIGIN}\r\n");
        (
            exchange(
                addr,
                &format!(
                    "OPTIONS /api/users HTTP/1.1\r\n{origin}Access-Control-Request-Method: PUT\r\n"
                ),
            ),
            exchange(addr, &format!("GET /api/users HTTP/1.1\r\n{origin}")),
        )
    })
    .await
    .unwrap();
    handle.stop(true).await;

    assert!(preflight.starts_with("http/1.1 204"), "{preflight}");
    assert!(
        preflight.contains(&format!("\r\naccess-control-allow-origin: {ORIGIN}\r\n")),
        "{preflight}"
    );
    assert!(
        preflight.contains("\r\naccess-control-allow-methods: get, post, put\r\n"),
        "{preflight}"
    );
    assert!(unauthorized.starts_with("http/1.1 401"), "{unauthorized}");
    assert!(
        unauthorized.contains(&format!("\r\naccess-control-allow-origin: {ORIGIN}\r\n")),
        "{unauthorized}"
    );
    assert!(
        unauthorized.contains("\r\naccess-control-allow-credentials: true\r\n"),
        "{unauthorized}"
    );
    assert!(unauthorized.ends_with("sign in first"), "{unauthorized}");
}

/// The middleware's response body type is usable by outer middleware.
#[actix_web::test]
async fn responses_box_into_an_outer_body() {
    let app = test::init_service(
        App::new()
            .wrap(cors())
            .configure(routes)
            .app_data(web::Data::new(Calls::default())),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/api/users")
        .insert_header(("Origin", ORIGIN))
        .to_request();
    let res: ServiceResponse<BoxBody> = test::call_service(&app, req).await.map_into_boxed_body();
    assert_eq!(header(res.headers(), ACAO), [ORIGIN]);
}
