//! The compiled engine against the reference interpreter: the same answer.
#![no_main]

use cors_policy_fuzz::{checks, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run(checks::check_differential, data));
