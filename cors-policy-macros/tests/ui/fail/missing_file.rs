use cors_policy::cors_policy;

fn main() {
    // An absolute path, so that the message does not depend on where the
    // target directory is (src/expand.rs tests a relative one).
    let _engine = cors_policy!(file = "/nonexistent/cors-policy/does-not-exist.cors");
}
