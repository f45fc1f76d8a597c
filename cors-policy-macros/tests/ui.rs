//! UI tests of the `cors_policy!` macro: `tests/ui/pass` must compile and
//! run, `tests/ui/fail` must fail with exactly the diagnostics in its
//! `.stderr` files. Regenerate them with
//! `TRYBUILD=overwrite cargo test -p cors-policy-macros --test ui` and review
//! the diff: each caret must sit under the offending token.
//!
//! They live in this crate rather than in `cors-policy-tests` because
//! trybuild builds every test file against all of the host crate's
//! dependencies, in a target directory of its own: here that is the engine
//! alone, there it would be tokio, axum, actix-web and the rest, minutes of
//! extra build on every cold CI run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::Path;

/// trybuild compiles each test file inside a crate it generates at
/// `<target>/tests/trybuild/cors-policy-macros/`, so that is the
/// `CARGO_MANIFEST_DIR` the macro's `file = "…"` paths are relative to. The
/// policy files are copied there, at the path they have in this crate, so the
/// test files name them as a user would (`tests/ui/policies/api.cors`).
fn copy_policies_into_trybuild_crate() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory");
    let relative = Path::new("tests/ui/policies");
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let to = target
        .join("tests/trybuild/cors-policy-macros")
        .join(relative);
    fs::create_dir_all(&to).unwrap();
    for entry in fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn ui() {
    copy_policies_into_trybuild_crate();
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
