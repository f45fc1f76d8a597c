//! Tenant origins from a database, refreshed on an interval and on demand.
//!
//! A multi-tenant service keeps each tenant's web origins in a table. The
//! policy allows them with `origins set "tenants"`; a background thread
//! reloads the set from SQLite every few seconds (here 200 ms), and the
//! admin endpoint that adds a tenant asks for a reload at once. Decisions
//! never wait for a reload: each replacement is one atomic swap.
//!
//! Run it with `cargo run -p cors-policy --example tenants_sqlite`. It
//! creates its database in a temporary file, shows the answers before and
//! after each refresh, and exits 0 (it also runs under `cargo test`).

#[path = "support/answers.rs"]
mod answers;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use answers::{Result, ask, expect, print_counts};
use cors_policy::{Engine, OriginSet, Replaced};
use rusqlite::Connection;

const POLICY: &str = r#"
policy "webhooks" {
    paths "/api/webhooks/**"
    skip
}

policy "api" {
    paths "/api/**"
    origins "https://app.example.com", set "tenants"
    methods GET, POST, PUT, DELETE
    headers content-type, authorization
    credentials
    max-age 10m
}
"#;

/// Reads the active tenants' origins and replaces the set with them.
fn load(db: &Path, set: &OriginSet) -> Result<Replaced> {
    let conn = Connection::open(db)?;
    let mut statement = conn.prepare("SELECT origin FROM tenant_origins WHERE active = 1")?;
    let origins = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<Result<Vec<String>, _>>()?;
    let report = set.replace(&origins);
    for rejected in report.rejected() {
        // A real service logs this (and alerts whoever entered the row).
        eprintln!("tenant origin rejected: {rejected}");
    }
    Ok(report)
}

/// What the refresher thread is asked to do.
enum Command {
    /// Reload now, and say how it went.
    Refresh(Sender<Result<Replaced, String>>),
    Stop,
}

/// A thread that reloads the set every `interval`, and at once on demand.
struct Refresher {
    commands: Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl Refresher {
    fn start(db: PathBuf, set: OriginSet, interval: Duration) -> Refresher {
        let (commands, inbox) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            loop {
                match inbox.recv_timeout(interval) {
                    Ok(Command::Refresh(reply)) => {
                        let _ = reply.send(load(&db, &set).map_err(|e| e.to_string()));
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        if let Err(e) = load(&db, &set) {
                            // Keep serving the last good contents.
                            eprintln!("tenant origins not refreshed: {e}");
                        }
                    }
                    Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                }
            }
        });
        Refresher {
            commands,
            thread: Some(thread),
        }
    }

    /// Reloads now and waits for the report.
    fn refresh_now(&self) -> Result<Replaced> {
        let (reply, answer) = mpsc::channel();
        self.commands.send(Command::Refresh(reply))?;
        Ok(answer.recv()??)
    }
}

impl Drop for Refresher {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A database file that is removed when dropped.
struct TempDb(PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn main() -> Result<()> {
    let db = TempDb(std::env::temp_dir().join(format!(
        "cors-policy-tenants-{}-{:?}.db",
        std::process::id(),
        std::thread::current().id()
    )));
    let _ = std::fs::remove_file(&db.0);
    let conn = Connection::open(&db.0)?;
    conn.execute_batch(
        "CREATE TABLE tenant_origins (tenant TEXT NOT NULL, origin TEXT NOT NULL, active INTEGER NOT NULL);
         INSERT INTO tenant_origins VALUES
             ('acme', 'https://acme.example.com', 1),
             ('acme', 'https://*.acme-preview.example.com', 1),
             ('typo', 'https://typo.example.com/', 1);",
    )?;

    let tenants = OriginSet::new();
    let engine = Engine::builder(POLICY)
        .origin_set("tenants", &tenants)
        .build()?;
    let refresher = Refresher::start(db.0.clone(), tenants.clone(), Duration::from_millis(200));

    println!("first load:");
    let report = refresher.refresh_now()?;
    print_counts(&report);
    expect("one row rejected", report.rejected().len() == 1)?;
    expect(
        "acme",
        ask(&engine, "GET", "/api/orders", "https://acme.example.com"),
    )?;
    expect(
        "acme preview",
        ask(
            &engine,
            "OPTIONS",
            "/api/orders",
            "https://pr-7.acme-preview.example.com",
        ),
    )?;
    expect(
        "globex before",
        !ask(&engine, "GET", "/api/orders", "https://globex.example.com"),
    )?;
    expect(
        "a webhook is the application's",
        !ask(
            &engine,
            "POST",
            "/api/webhooks/stripe",
            "https://acme.example.com",
        ),
    )?;

    println!("a new tenant signs up; the admin endpoint refreshes on demand:");
    conn.execute(
        "INSERT INTO tenant_origins VALUES ('globex', 'https://globex.example.com', 1)",
        [],
    )?;
    let report = refresher.refresh_now()?;
    print_counts(&report);
    expect(
        "globex after",
        ask(&engine, "GET", "/api/orders", "https://globex.example.com"),
    )?;

    println!("acme leaves; the next interval refresh picks it up:");
    conn.execute(
        "UPDATE tenant_origins SET active = 0 WHERE tenant = 'acme'",
        [],
    )?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while tenants.contains("https://acme.example.com") {
        if Instant::now() > deadline {
            return Err("the interval refresh did not happen".into());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    expect(
        "acme after",
        !ask(&engine, "GET", "/api/orders", "https://acme.example.com"),
    )?;
    expect(
        "globex still",
        ask(&engine, "GET", "/api/orders", "https://globex.example.com"),
    )?;
    drop(refresher);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_example_runs() {
        if let Err(e) = super::main() {
            panic!("{e}");
        }
    }
}
