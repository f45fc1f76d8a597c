// A policy file's warnings point at the `file = "…"` argument and show the
// file's own line and caret; `deny(warnings)` turns them into errors.
#![deny(warnings)]

use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy!(file = "tests/ui/policies/warning.cors");
}
