//! UI tests of the `cors_policy!` macro: `ui/pass` must compile and run,
//! `ui/fail` must fail with exactly the diagnostics in its `.stderr` files
//! (regenerate with `TRYBUILD=overwrite cargo test -p cors-policy-tests --test ui`
//! and review the diff: each caret must sit under the offending token).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

/// trybuild compiles each test file inside a crate it generates at
/// `<target>/tests/trybuild/cors-policy-tests/`, so that is the
/// `CARGO_MANIFEST_DIR` the macro's `file = "…"` paths are relative to. The
/// policy files are copied there, laid out as in this crate (`ui/policies/`),
/// so the test files name them as a user would.
fn copy_policies_into_trybuild_crate() {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory");
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from = manifest_dir.join("ui/policies");
    let to: PathBuf = target.join("tests/trybuild/cors-policy-tests/ui/policies");
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
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
