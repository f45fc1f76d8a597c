#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod common;
use common::*;
use cors_policy::{Engine, Request};

#[test]
fn smoke() {
    let mut p = policy(
        "api",
        &["/api/**"],
        &[
            "https://app.example.com",
            "https://*.staging.example.com",
            "http://localhost:*",
            r"regex:^https://pr-[0-9]+\.preview\.example\.dev$",
        ],
    );
    p.methods = names(&["GET", "POST", "PUT"]);
    p.headers = names(&["content-type", "x-request-id"]);
    p.credentials = true;
    p.max_age = Some(7200);
    let e = engine(vec![p]);
    for (m, path, o) in [
        ("OPTIONS", "/api/x", "https://app.example.com"),
        ("GET", "/api/x?y", "https://a.b.staging.example.com"),
        ("GET", "/api/x", "http://localhost:8080"),
        ("GET", "/api/x", "https://pr-12.preview.example.dev"),
        ("GET", "/apix", "https://app.example.com"),
        ("GET", "/api/x", "https://evil.com"),
    ] {
        let r = Request::new(m, path)
            .origin(o)
            .request_method("PUT")
            .request_headers("Content-Type");
        let d = e.decide(&r);
        println!("{m} {path} {o}: {d:?}");
    }
    let text = std::fs::read_to_string("/tmp/t.cors").unwrap();
    match text.parse::<Engine>() {
        Ok(e) => println!("parsed: {e:?}"),
        Err(e) => println!("error: {e}"),
    }
}
