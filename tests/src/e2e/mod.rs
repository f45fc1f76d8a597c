//! End-to-end harness: real headless Chromium against the engine's tower adapter served by
//! axum over hyper, everything on loopback.
//!
//! ```text
//! page server  http://127.0.0.1:P  (and http://localhost:P)   serves the page, sets a cookie
//! API server   http://127.0.0.1:A  (and http://localhost:A)   recorder → tower CORS layer → echo app
//!                                                             (/raw/…, /s/<case>/…: hand-written answers)
//! chromium --headless --dump-dom http://<host>:P/page/<host>  runs every case's fetch() in turn
//! ```
//!
//! Each case is then judged three ways ([`judge::judge`]): what Chromium did (the page's
//! report), what the engine's verdicts on the requests Chromium actually sent imply (the
//! server records them), and what the browser model ([`cors_policy::browser`]) predicts, in
//! Chromium's flavour and in the standard's — down to the console line of a blocked fetch.

pub mod case;
pub mod chromium;
pub mod judge;
pub mod page;
pub mod server;

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use cors_policy::Engine;
use cors_policy::tower::CorsLayer;

pub use case::{Case, Expect, Host, Verdict};
pub use chromium::{BrowserRun, LaunchError};
pub use judge::Row;
pub use server::Ports;
use server::{Listeners, Recorder, Server};

/// The bound (not yet serving) listeners of both servers: their ports go into the policy
/// before the engine is built.
#[derive(Debug)]
pub struct Bound {
    page: Listeners,
    api: Listeners,
}

impl Bound {
    /// Binds both servers on loopback, ephemeral ports.
    pub fn new() -> io::Result<Bound> {
        Ok(Bound {
            page: server::bind_loopback()?,
            api: server::bind_loopback()?,
        })
    }

    /// The two ports.
    pub fn ports(&self) -> Ports {
        Ports {
            page: self.page.port,
            api: self.api.port,
        }
    }

    /// Whether both servers also listen on `[::1]`, where `localhost` may resolve.
    pub fn ipv6(&self) -> bool {
        self.page.v6.is_some() && self.api.v6.is_some()
    }
}

/// What a whole run produced.
#[derive(Debug)]
pub struct Report {
    /// One row per case, in the order given.
    pub rows: Vec<Row>,
    /// Each browser launch: the page's host and the run.
    pub launches: Vec<(Host, BrowserRun)>,
}

impl Report {
    /// The rows with problems.
    pub fn failures(&self) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| !r.problems.is_empty())
            .collect()
    }
}

/// Why a run could not judge the cases.
#[derive(Debug)]
pub enum RunError {
    /// The browser could not be launched or misbehaved.
    Launch(LaunchError),
    /// The servers or the page failed.
    Harness(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Launch(e) => e.fmt(f),
            RunError::Harness(why) => f.write_str(why),
        }
    }
}

#[derive(Clone)]
struct Pages {
    ip: Arc<str>,
    localhost: Arc<str>,
}

async fn page(State(pages): State<Pages>, uri: http::Uri) -> Response {
    let (host, html) = if uri.path() == "/page/localhost" {
        (Host::Localhost, pages.localhost.to_string())
    } else {
        (Host::Ip, pages.ip.to_string())
    };
    let response = cors_policy::browser::HttpResponse::new(200)
        .header("content-type", "text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .header(
            "set-cookie",
            format!(
                "{}={}; Path=/; SameSite=Lax",
                server::PAGE_COOKIE,
                host.as_str()
            ),
        );
    server::to_response(response, html)
}

/// Serves the page and the API (`engine` behind the tower adapter, [`CorsLayer`]), runs one headless
/// Chromium per page host that has cases (each killed after `timeout`), and judges every
/// case. Must be called inside a multi-threaded Tokio runtime.
pub async fn run(
    bound: Bound,
    engine: Engine,
    cases: &[Case],
    binary: &Path,
    timeout: Duration,
) -> Result<Report, RunError> {
    let ports = bound.ports();
    let harness = |e: io::Error| RunError::Harness(format!("loopback server: {e}"));
    let for_page = |host: Host| -> Vec<&Case> { cases.iter().filter(|c| c.page == host).collect() };
    let pages = Pages {
        ip: page::html(&for_page(Host::Ip), ports.api).into(),
        localhost: page::html(&for_page(Host::Localhost), ports.api).into(),
    };
    let page_router = Router::new()
        .route("/page/{host}", get(page))
        .with_state(pages);
    let recorder = Recorder::default();
    let cors = CorsLayer::new(engine);
    // The very engine the layer answers with judges the cases.
    let judge_engine = cors.engine();
    let engine = judge_engine.engine();
    let _page_server = Server::spawn(bound.page, page_router).map_err(harness)?;
    let answers: Arc<[case::Answer]> = cases
        .iter()
        .flat_map(|c| c.answers.iter().cloned())
        .collect();
    let _api_server = Server::spawn(
        bound.api,
        server::api_router(cors, recorder.clone(), answers, ports),
    )
    .map_err(harness)?;

    let mut results = Vec::new();
    let mut launches = Vec::new();
    for host in [Host::Ip, Host::Localhost] {
        if for_page(host).is_empty() {
            continue;
        }
        let url = format!("{}/page/{}", host.origin(ports.page), host.as_str());
        let run = chromium::dump_dom(binary, &url, timeout)
            .await
            .map_err(RunError::Launch)?;
        let page_results = page::parse_results(&run.dom).map_err(|why| {
            RunError::Harness(format!(
                "page {url}: {why}\n--- DOM ---\n{}\n--- stderr (tail) ---\n{}",
                run.dom,
                tail(&run.stderr, 30)
            ))
        })?;
        results.extend(page_results.into_iter().map(|r| (host, r)));
        launches.push((host, run));
    }

    let exchanges = recorder.exchanges();
    let rows = cases
        .iter()
        .map(|case| {
            let result = results
                .iter()
                .find(|(host, r)| *host == case.page && r.name == case.name)
                .map(|(_, r)| r);
            let own: Vec<_> = exchanges
                .iter()
                .filter(|e| case.owns(&e.request.path))
                .cloned()
                .collect();
            let console: &[String] = launches
                .iter()
                .find(|(host, _)| *host == case.page)
                .map_or(&[], |(_, run)| run.console.as_slice());
            judge::judge(case, ports, engine, result, &own, console)
        })
        .collect();
    Ok(Report { rows, launches })
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .get(lines.len().saturating_sub(n)..)
        .unwrap_or_default()
        .join("\n")
}
