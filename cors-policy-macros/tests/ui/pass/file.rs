// The file form: the path is relative to the crate's Cargo.toml (the UI test
// runner copies tests/ui/policies to the same place in trybuild's generated crate).
use std::sync::LazyLock;

use cors_policy::{Engine, Request, cors_policy};

static CORS: LazyLock<Engine> = cors_policy!(file = "tests/ui/policies/api.cors");

fn main() {
    let actual = Request::new("GET", "/static/app.js").origin("https://anyone.example");
    assert!(CORS.decide(&actual).allowed());
    let names: Vec<&str> = CORS.policies().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["public-assets", "api"]);
}
