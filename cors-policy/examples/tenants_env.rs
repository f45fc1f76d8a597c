//! Allowed origins from a comma-separated environment variable.
//!
//! The common deployment setting `CORS_ALLOWED_ORIGINS=https://a.com,https://b.com`,
//! done without "reflect any origin": the variable fills `origins set
//! "frontends"`, each entry validated as the policy language validates a
//! literal (a typo is reported and left out, never widened), and a reload
//! (on SIGHUP, on a config push) replaces the set atomically.
//!
//! Run it with `cargo run -p cors-policy --example tenants_env`. So that it
//! runs as is, it sets the variable itself — a demonstration value, then a
//! changed one before the reload. It shows the answers before and after the
//! reload and exits 0 (it also runs under `cargo test`).
// Setting the variable is `unsafe` since Rust 2024 (another thread could be
// reading the environment); this example does it only in `main`'s first
// lines and before its reload, with no other thread running.
#![allow(unsafe_code)]

#[path = "support/answers.rs"]
mod answers;

use answers::{Result, ask, expect, print_counts};
use cors_policy::{Engine, OriginSet, Replaced};

const POLICY: &str = r#"
policy "api" {
    paths "/api/**"
    origins set "frontends"
    methods GET, POST
    credentials
}
"#;

const VAR: &str = "CORS_ALLOWED_ORIGINS";

/// Replaces `set` with the origins listed in the variable: comma-separated,
/// whitespace around each ignored, empty items skipped.
fn load_from_env(set: &OriginSet) -> Result<Replaced> {
    let value = std::env::var(VAR).map_err(|e| format!("`{VAR}`: {e}"))?;
    let report = set.replace(value.split(',').map(str::trim).filter(|s| !s.is_empty()));
    for rejected in report.rejected() {
        eprintln!("{VAR}: {rejected}");
    }
    Ok(report)
}

/// `GET /api/me` from `origin`, printed; whether it is allowed.
fn allowed(engine: &Engine, origin: &str) -> bool {
    ask(engine, "GET", "/api/me", origin)
}

fn main() -> Result<()> {
    // SAFETY: no other thread runs yet (see the top of the file).
    unsafe {
        std::env::set_var(
            VAR,
            "https://app.example.com, https://*.preview.example.com,https://app.example.com/",
        );
    }
    let frontends = OriginSet::new();
    let engine = Engine::builder(POLICY)
        .origin_set("frontends", &frontends)
        .build()?;

    println!("{VAR}={}", std::env::var(VAR)?);
    let report = load_from_env(&frontends)?;
    print_counts(&report);
    expect("one typo rejected", report.rejected().len() == 1)?;
    expect("app", allowed(&engine, "https://app.example.com"))?;
    expect(
        "preview",
        allowed(&engine, "https://pr-1.preview.example.com"),
    )?;
    expect(
        "admin before",
        !allowed(&engine, "https://admin.example.com"),
    )?;

    // The variable changes (a new config revision) and the service reloads.
    // SAFETY: still no other thread.
    unsafe {
        std::env::set_var(VAR, "https://app.example.com,https://admin.example.com");
    }
    println!("reload: {VAR}={}", std::env::var(VAR)?);
    let report = load_from_env(&frontends)?;
    print_counts(&report);
    expect("admin after", allowed(&engine, "https://admin.example.com"))?;
    expect(
        "preview gone",
        !allowed(&engine, "https://pr-1.preview.example.com"),
    )?;
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
