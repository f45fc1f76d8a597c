// Errors in a policy file are shown against the file, each with its line and
// a caret, and pointed at the `file = "…"` argument.
use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy!(file = "tests/ui/policies/invalid.cors");
}
