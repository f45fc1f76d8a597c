//! Arbitrary bytes through the front end: no panic, diagnostics in bounds and rendered, checked files compile, parsed files format to a fixed point.
#![no_main]

use cors_policy_fuzz::{checks, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run(checks::check_parse, data));
