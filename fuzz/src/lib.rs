//! The fuzz targets' inputs and invariants. The code lives in the test crate
//! (`tests/src/fuzz_checks.rs`), where `cargo test` replays every file of
//! `fuzz/regressions/` through it on stable; it and the reference
//! interpreter it calls are included here, not depended on, so that fuzz
//! builds stay small.

#[path = "../../tests/src/fuzz_checks.rs"]
pub mod checks;

/// The reference interpreter the `differential` target compares the engine
/// with: the test crate's own (`tests/src/reference.rs`), included the same
/// way.
#[path = "../../tests/src/reference.rs"]
pub mod reference;

/// Runs `check` on `data` and panics (a libFuzzer crash) when an invariant
/// breaks.
pub fn run(check: fn(&[u8]) -> checks::Outcome, data: &[u8]) {
    if let Err(broken) = check(data) {
        panic!("invariant broken: {broken}");
    }
}
