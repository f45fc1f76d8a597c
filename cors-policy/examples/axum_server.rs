//! A small axum application behind the CORS policy of
//! `examples/policies/api.cors`, reloaded when the file changes.
//!
//! ```text
//! cargo run -p cors-policy --example axum_server --features tower [PORT]
//! ```
//!
//! The port comes from the first argument, else `PORT`, else 3000. The server
//! prints curl commands to try; stop it with Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::routing::get;
use cors_policy::Engine;
use cors_policy::tower::{CorsLayer, ReloadHandle};

/// docs/language.md#a-policy-file's example, used when the repository's file is missing.
const FALLBACK_POLICY: &str = r#"
policy "public-assets" {
    paths "/static/**", "/favicon.ico"
    origins *
    methods GET, HEAD
    max-age 2h
}

policy "api" {
    paths "/api/**"
    origins "https://app.example.com", "https://*.staging.example.com", "http://localhost:*"
    origins regex r"^https://pr-[0-9]+\.preview\.example\.dev$"
    methods GET, POST, PUT, PATCH, DELETE
    headers content-type, authorization, x-request-id
    expose x-request-id, x-ratelimit-remaining
    credentials
    max-age 2h
    private-network
}
"#;

/// How often the policy file is checked for changes.
const POLL: Duration = Duration::from_secs(2);

fn policy_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policies/api.cors")
}

fn port() -> Result<u16, String> {
    let given = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok());
    match given {
        None => Ok(3000),
        Some(text) => text
            .parse()
            .map_err(|_| format!("the port `{text}` is not a number from 0 to 65535")),
    }
}

/// The policy file's engine, or the built-in copy when there is no file.
fn load(path: &Path) -> Result<(Engine, Option<SystemTime>), String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let engine = text
                .parse()
                .map_err(|e: cors_policy::Error| e.render(&path.display().to_string(), false))?;
            Ok((engine, modified(path)))
        }
        Err(_) => {
            eprintln!(
                "note: {} not found, using the built-in example policy",
                path.display()
            );
            let engine = FALLBACK_POLICY
                .parse()
                .map_err(|e: cors_policy::Error| e.render("<built-in>", false))?;
            Ok((engine, None))
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The hot-reload recipe: poll the file's modification time; on a change,
/// parse it; a good policy replaces the running one, a broken one is
/// reported and the running one stays.
async fn watch(path: PathBuf, mut seen: Option<SystemTime>, reload: ReloadHandle) {
    let mut tick = tokio::time::interval(POLL);
    loop {
        tick.tick().await;
        let now = modified(&path);
        if now.is_none() || now == seen {
            continue;
        }
        seen = now;
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match reload.reload_from_str(&text) {
            Ok(()) => eprintln!("reloaded {}", path.display()),
            Err(error) => eprintln!(
                "{}\nthe previous policy stays in place",
                error.render(&path.display().to_string(), false)
            ),
        }
    }
}

fn app(cors: CorsLayer) -> Router {
    Router::new()
        .route(
            "/api/users",
            get(|| async { r#"[{"id":1,"name":"ada"}]"# }).post(|| async { "created" }),
        )
        .route(
            "/api/fail",
            get(|| async { (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "oops") }),
        )
        .route("/static/app.js", get(|| async { "console.log('hi')" }))
        .route("/", get(|| async { "no policy covers this path" }))
        .layer(cors)
}

fn usage(addr: SocketAddr) {
    let url = format!("http://{addr}");
    println!("listening on {url}; try:");
    println!("  # an allowed preflight, answered by the layer (204)");
    println!(
        "  curl -i -X OPTIONS {url}/api/users -H 'Origin: https://app.example.com' \\\n    -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type'"
    );
    println!("  # a denied preflight (403, no Access-Control-Allow-* headers)");
    println!(
        "  curl -i -X OPTIONS {url}/api/users -H 'Origin: https://evil.example' -H 'Access-Control-Request-Method: PUT'"
    );
    println!("  # an actual request: the handler runs, the response gets the CORS headers");
    println!("  curl -i {url}/api/users -H 'Origin: https://app.example.com'");
    println!("  # public assets: Access-Control-Allow-Origin: *");
    println!("  curl -i {url}/static/app.js -H 'Origin: https://anywhere.example'");
    println!(
        "edit {} and the server picks it up",
        policy_path().display()
    );
}

#[tokio::main]
async fn main() {
    if let Err(message) = run().await {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let port = port()?;
    let path = policy_path();
    let (engine, seen) = load(&path)?;
    let cors = CorsLayer::reloadable(engine);
    let reload = cors.reload_handle().ok_or("the layer is not reloadable")?;
    tokio::spawn(watch(path, seen, reload));

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let addr = listener.local_addr().unwrap_or(addr);
    usage(addr);
    axum::serve(listener, app(cors))
        .await
        .map_err(|e| format!("the server stopped: {e}"))
}
