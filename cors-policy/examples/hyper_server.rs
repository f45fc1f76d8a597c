//! A bare hyper 1 server with the CORS policy of
//! `examples/policies/api.cors`: what any framework on the `http` 1.x types
//! (hyper, salvo, poem, …) needs is the ten lines of `cors`, below.
//!
//! ```text
//! cargo run -p cors-policy --example hyper_server --features http           # self-check, then exit
//! cargo run -p cors-policy --example hyper_server --features http -- serve  # keep serving on 3000
//! ```
//!
//! Without `serve` it listens on a free loopback port, sends itself a
//! preflight and an actual request over a socket, prints and checks the
//! answers and exits, so CI runs it.

#[path = "support/loopback.rs"]
mod loopback;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use cors_policy::http::HttpEngine;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// The application.
async fn handler(request: Request<Incoming>) -> Response<Full<Bytes>> {
    let body = format!("you asked for {}", request.uri().path());
    Response::new(Full::new(Bytes::from(body)))
}

/// The CORS policy around the application: the whole integration.
async fn cors(
    cors: Arc<HttpEngine>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let answer = cors.answer(&request); // owned: outlives the request
    if let Some(preflight) = answer.preflight_response() {
        return Ok(preflight); // the policy answers preflights itself
    }
    let mut response = handler(request).await;
    answer.write_to(response.headers_mut()); // set, replace and merge `Vary`
    Ok(response)
}

fn self_check(addr: SocketAddr) -> Result<(), String> {
    let origin = "Origin: https://app.example.com\r\n";
    let checks = [
        (
            "a preflight: answered by the policy",
            format!(
                "OPTIONS /api/users HTTP/1.1\r\n{origin}Access-Control-Request-Method: PUT\r\n"
            ),
            [
                "http/1.1 204",
                "access-control-allow-methods: get, post, put, patch, delete",
            ],
        ),
        (
            "an actual request: the handler's response, decorated",
            format!("GET /api/users HTTP/1.1\r\n{origin}"),
            [
                "http/1.1 200",
                "access-control-allow-origin: https://app.example.com",
            ],
        ),
    ];
    loopback::check(addr, &checks)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let engine = Arc::new(HttpEngine::new(loopback::load()?));
    let serve = std::env::args().nth(1).as_deref() == Some("serve");
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", if serve { 3000 } else { 0 })).await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            let engine = Arc::clone(&engine);
            tokio::spawn(async move {
                let service = service_fn(move |request| cors(Arc::clone(&engine), request));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(socket), service)
                    .await;
            });
        }
    });
    if serve {
        println!("listening on http://{addr}");
        server.await?;
        return Ok(());
    }
    let checked = tokio::task::spawn_blocking(move || self_check(addr)).await?;
    server.abort();
    Ok(checked?)
}
