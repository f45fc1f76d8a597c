//! Test support shared by the cross-crate tests of cors-policy.

pub mod conformance;
pub mod e2e;
pub mod fuzz_checks;
pub mod generate;
pub mod reference;
