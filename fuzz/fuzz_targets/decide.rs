//! Arbitrary policies and requests: decide keeps the engine's promises (valid header values, no credentialed `*`, echoed origins with `vary: Origin`, …).
#![no_main]

use cors_policy_fuzz::{checks, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| run(checks::check_decide, data));
