//! The loopback servers of the end-to-end test: the page server (the page's own origin) and
//! the API server (the cross-origin target: the tower adapter in front of a small echo
//! application), with every request the browser sends recorded before the adapter sees it.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener as StdListener};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::any;
use cors_policy::tower::CorsLayer;
use tokio::task::JoinHandle;

use cors_policy::browser::{HttpRequest, HttpResponse};

use super::case::{Answer, Host};

/// The two ports of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ports {
    /// The page server's port.
    pub page: u16,
    /// The API server's port.
    pub api: u16,
}

/// Path prefix of the routes answered by [`raw_response`] instead of the engine.
pub const RAW_PREFIX: &str = "/raw/";

/// The `x-request-id` value the application sends on every response.
pub const REQUEST_ID: &str = "e2e-42";

/// The `x-unexposed` value the application sends on every response (no policy exposes it
/// by name).
pub const UNEXPOSED: &str = "hidden";

/// The cookie the application sets in answer to a path ending in `/login`.
pub const LOGIN_COOKIE: &str = "api_token";

/// The cookie the page server sets with the page.
pub const PAGE_COOKIE: &str = "page_session";

/// One request as it reached the server, and the response it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// The request: method, path and query, header lines (lowercase names).
    pub request: HttpRequest,
    /// The response's status and header lines (lowercase names).
    pub response: HttpResponse,
}

/// Every request a server received, in arrival order (shared by its listeners).
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    exchanges: Arc<Mutex<Vec<Exchange>>>,
}

impl Recorder {
    /// A copy of what was recorded so far.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn push(&self, exchange: Exchange) {
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(exchange);
    }
}

/// What the application behind the CORS layer answers, for any method and path: `200` with a
/// JSON body naming the method, the path and the `Cookie` header it received, an
/// `x-request-id` and an `x-unexposed` header, and a `Set-Cookie` for paths ending in
/// `/login`. The browser model is served the same answer.
pub fn app_response(method: &str, path: &str, cookie: Option<&str>) -> (HttpResponse, String) {
    let mut response = HttpResponse::new(200)
        .header("content-type", "application/json")
        .header("cache-control", "no-store")
        .header("x-request-id", REQUEST_ID)
        .header("x-unexposed", UNEXPOSED);
    if path
        .split('?')
        .next()
        .is_some_and(|p| p.ends_with("/login"))
    {
        response = response.header(
            "set-cookie",
            format!("{LOGIN_COOKIE}=t1; Path=/; SameSite=Lax"),
        );
    }
    let body = serde_json::json!({
        "method": method,
        "path": path,
        "cookie": cookie.unwrap_or(""),
    })
    .to_string();
    (response, body)
}

/// A hand-written server that does not use the engine, for the routes under
/// [`RAW_PREFIX`]: it answers every preflight with `204`, the request's own origin and the
/// literal `*` for methods and headers — what a naive server sends — so that the test can
/// record what the browser does with `Access-Control-Allow-Headers: *`. `max-age` is 60 for
/// paths containing `cached`, else 0.
pub fn raw_response(request: &HttpRequest) -> (HttpResponse, String) {
    let origin = request.header("origin").map(<[u8]>::to_vec);
    if request.is_preflight() {
        let mut response = HttpResponse::new(204);
        if let Some(origin) = origin {
            response = response
                .header("access-control-allow-origin", origin)
                .header("access-control-allow-methods", "*")
                .header("access-control-allow-headers", "*")
                .header(
                    "access-control-max-age",
                    if request.path.contains("cached") {
                        "60"
                    } else {
                        "0"
                    },
                );
        }
        return (response, String::new());
    }
    let cookie = request.header_str("cookie");
    let (mut response, body) = app_response(&request.method, &request.path, cookie.as_deref());
    if let Some(origin) = origin {
        response = response.header("access-control-allow-origin", origin);
    }
    (response, body)
}

/// What a scripted case's server answers to `request` ([`Answer`]; `None` when no answer of
/// the case fits: the route then says `404` with no CORS header), placeholders substituted.
pub fn scripted_response(
    answers: &[Answer],
    ports: Ports,
    request: &HttpRequest,
) -> Option<HttpResponse> {
    let path = request.path.split('?').next().unwrap_or(&request.path);
    let preflight = request.is_preflight();
    let answer = answers
        .iter()
        .find(|a| a.preflight == preflight && a.path == path)?;
    let origin = request.header_str("origin").unwrap_or_default();
    // Placeholders are ASCII; a value that is not UTF-8 is sent byte for byte.
    let substitute = |value: &[u8]| -> Vec<u8> {
        match std::str::from_utf8(value) {
            Ok(text) => text
                .replace("$ORIGIN", &origin)
                .replace("$PAGE_IP", &Host::Ip.origin(ports.page))
                .replace("$PAGE_LH", &Host::Localhost.origin(ports.page))
                .replace("$API_IP", &Host::Ip.origin(ports.api))
                .replace("$API_LH", &Host::Localhost.origin(ports.api))
                .into_bytes(),
            Err(_) => value.to_vec(),
        }
    };
    let mut response = HttpResponse::new(answer.response.status);
    for (name, value) in &answer.response.headers {
        response = response.header(name, substitute(value));
    }
    Some(response)
}

/// The request as the browser model's [`HttpRequest`]: method, path and query, every header
/// line in order.
pub fn to_http_request(request: &Request) -> HttpRequest {
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let mut out = HttpRequest::new(&format!("http://{host}"), request.method().as_str(), &path);
    for (name, value) in request.headers() {
        out = out.header_line(name.as_str(), value.as_bytes());
    }
    out
}

/// An [`HttpResponse`] and a body as an axum response; header lines that are not valid
/// HTTP are left out (the functions here never make any).
pub fn to_response(response: HttpResponse, body: String) -> Response {
    let mut builder = Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_slice());
    }
    builder.body(Body::from(body)).unwrap_or_else(|_| {
        let mut fallback = Response::new(Body::from("bad response"));
        *fallback.status_mut() = http::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

/// The application: [`app_response`] for every request.
pub async fn app(request: Request) -> Response {
    let cookie = request
        .headers()
        .get(http::header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let path = request.uri().path_and_query().map_or_else(
        || request.uri().path().to_owned(),
        |pq| pq.as_str().to_owned(),
    );
    let (response, body) = app_response(request.method().as_str(), &path, cookie.as_deref());
    to_response(response, body)
}

/// The hand-written route: [`raw_response`].
pub async fn raw(request: Request) -> Response {
    let (response, body) = raw_response(&to_http_request(&request));
    to_response(response, body)
}

/// Middleware that records every request and the response it got, outside every other
/// layer (so what is recorded is what the browser sent and received).
pub async fn record(State(recorder): State<Recorder>, request: Request, next: Next) -> Response {
    let seen = to_http_request(&request);
    let response = next.run(request).await;
    let mut answer = HttpResponse::new(response.status().as_u16());
    for (name, value) in response.headers() {
        answer = answer.header(name.as_str(), value.as_bytes());
    }
    recorder.push(Exchange {
        request: seen,
        response: answer,
    });
    response
}

/// Wraps `router` in the recording middleware.
pub fn recorded(router: Router, recorder: Recorder) -> Router {
    router.layer(middleware::from_fn_with_state(recorder, record))
}

/// The API server's router: the application behind the engine's tower adapter
/// ([`CorsLayer`]), the hand-written routes under [`RAW_PREFIX`] and the scripted cases'
/// routes (`/s/…`, `answers`) beside it, and the recorder outside all.
pub fn api_router(
    cors: CorsLayer,
    recorder: Recorder,
    answers: Arc<[Answer]>,
    ports: Ports,
) -> Router {
    let behind_cors = Router::new().fallback(app).layer(cors);
    let scripted = move |request: Request| {
        let answers = Arc::clone(&answers);
        async move {
            let response = scripted_response(&answers, ports, &to_http_request(&request))
                .unwrap_or_else(|| HttpResponse::new(404));
            to_response(response, "{}".to_owned())
        }
    };
    let router = Router::new()
        .route("/raw/{*rest}", any(raw))
        .route("/s/{*rest}", any(scripted))
        .fallback_service(behind_cors);
    recorded(router, recorder)
}

/// The listeners of one loopback server: `127.0.0.1:port` and, when this machine has IPv6,
/// `[::1]:port` (browsers may resolve `localhost` to either).
#[derive(Debug)]
pub struct Listeners {
    /// The port, the same on both addresses.
    pub port: u16,
    /// `127.0.0.1:port`.
    pub v4: StdListener,
    /// `[::1]:port`, when IPv6 loopback exists.
    pub v6: Option<StdListener>,
}

/// Binds an ephemeral port on `127.0.0.1` and the same port on `[::1]`; retries a bounded
/// number of times when the IPv6 port is taken, and settles for IPv4 alone when the
/// machine has no IPv6 loopback.
pub fn bind_loopback() -> io::Result<Listeners> {
    let mut last_error = None;
    for _ in 0..32 {
        let v4 = StdListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
        let port = v4.local_addr()?.port();
        match StdListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))) {
            Ok(v6) => {
                return Ok(Listeners {
                    port,
                    v4,
                    v6: Some(v6),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(_) => return Ok(Listeners { port, v4, v6: None }),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free port on loopback")))
}

/// A running server; its tasks stop when it is dropped.
#[derive(Debug)]
pub struct Server {
    /// The port it listens on.
    pub port: u16,
    /// Whether it also listens on `[::1]`.
    pub ipv6: bool,
    tasks: Vec<JoinHandle<()>>,
}

impl Server {
    /// Serves `router` (axum over hyper) on `listeners`. Must be called inside a Tokio
    /// runtime.
    pub fn spawn(listeners: Listeners, router: Router) -> io::Result<Server> {
        let port = listeners.port;
        let mut all = vec![listeners.v4];
        let ipv6 = listeners.v6.is_some();
        all.extend(listeners.v6);
        let mut tasks = Vec::new();
        for listener in all {
            listener.set_nonblocking(true)?;
            let listener = tokio::net::TcpListener::from_std(listener)?;
            let router = router.clone();
            tasks.push(tokio::spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    eprintln!("e2e server on port {port} stopped: {e}");
                }
            }));
        }
        Ok(Server { port, ipv6, tasks })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
