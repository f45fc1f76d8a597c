use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy!(file = "tests/ui/policies/does-not-exist.cors");
}
