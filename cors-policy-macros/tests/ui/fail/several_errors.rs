// Every error is reported, each at its token, and nothing else: no type
// error follows from the failed expansion, even in a `static`.
use std::sync::LazyLock;

use cors_policy::{Engine, cors_policy};

static CORS: LazyLock<Engine> = cors_policy! {
    policy "api" {
        origins "https://app.example.com:99999"
        methods GET, CONNECT
    }
    policy "api" {
        origins null
        credentials
    }
};

fn main() {
    let _ = CORS.policies();
}
