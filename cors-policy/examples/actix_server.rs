//! An actix-web application behind the CORS policy of
//! `examples/policies/api.cors`: the policy wraps the `/api` scope, outside
//! its authentication, so preflights are answered before authentication and
//! its 401s carry the CORS headers; `/health` is outside the scope.
//!
//! ```text
//! cargo run -p cors-policy --example actix_server --features actix           # self-check, then exit
//! cargo run -p cors-policy --example actix_server --features actix -- serve  # keep serving on 3000
//! ```
//!
//! Without `serve` the example starts on a free loopback port, sends a
//! preflight, an unauthenticated and an authenticated request to itself over
//! a socket, prints the answers, checks them and exits (non-zero when an
//! answer is wrong), so CI runs it.

#[path = "support/loopback.rs"]
mod loopback;

use std::net::SocketAddr;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{Next, from_fn};
use actix_web::{App, HttpResponse, HttpServer, error, web};
use cors_policy::actix::Cors;

/// Refuses a request without `Authorization` (a stand-in for real
/// authentication).
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

fn app_config(cors: Cors) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |cfg| {
        cfg.service(
            web::scope("/api")
                // Wrapped last, runs first: CORS outside authentication.
                .wrap(from_fn(auth))
                .wrap(cors.clone())
                .route(
                    "/users",
                    web::get().to(|| async { HttpResponse::Ok().body(r#"[{"id":1}]"#) }),
                ),
        )
        .route("/health", web::get().to(|| async { "ok" }));
    }
}

fn self_check(addr: SocketAddr) -> Result<(), String> {
    let origin = "Origin: https://app.example.com\r\n";
    let checks = [
        (
            "a preflight, answered before authentication",
            format!(
                "OPTIONS /api/users HTTP/1.1\r\n{origin}Access-Control-Request-Method: PUT\r\n"
            ),
            [
                "http/1.1 204",
                "access-control-allow-origin: https://app.example.com",
            ],
        ),
        (
            "no credentials: authentication's 401, with the CORS headers",
            format!("GET /api/users HTTP/1.1\r\n{origin}"),
            [
                "http/1.1 401",
                "access-control-allow-origin: https://app.example.com",
            ],
        ),
        (
            "signed in: the handler's 200",
            format!("GET /api/users HTTP/1.1\r\n{origin}Authorization: Bearer t\r\n"),
            ["http/1.1 200", "vary: origin"],
        ),
    ];
    loopback::check(addr, &checks)
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cors = Cors::new(loopback::load()?);
    let serve = std::env::args().nth(1).as_deref() == Some("serve");
    let port = if serve { 3000 } else { 0 };
    let config = app_config(cors);
    let server = HttpServer::new(move || App::new().configure(config.clone()))
        .workers(1)
        .bind(("127.0.0.1", port))?;
    let addr = *server.addrs().first().ok_or("no address")?;
    let server = server.run();
    if serve {
        println!("listening on http://{addr}");
        return Ok(server.await?);
    }
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let checked = actix_web::rt::task::spawn_blocking(move || self_check(addr)).await?;
    handle.stop(true).await;
    running.await??;
    Ok(checked?)
}
