// No tokens at all: the error points at the invocation.
use cors_policy::cors_policy;

fn main() {
    let _engine = cors_policy! {};
}
