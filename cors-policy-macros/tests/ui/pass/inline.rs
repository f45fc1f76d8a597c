// The inline form, in a `static` and in an expression, with every lexical
// feature a policy text uses: comments, hyphenated keywords and header
// names, durations, raw-string regexes, `*`.
use std::sync::LazyLock;

use cors_policy::{Engine, RequestKind, Request, cors_policy};

static CORS: LazyLock<Engine> = cors_policy! {
    // api.cors, written inline
    policy "public-assets" {
        paths "/static/**", "/favicon.ico"
        origins *
        methods GET, HEAD
        max-age 2h
    }

    /// Doc comments are comments too.
    policy "api" {
        paths "/api/**"
        origins "https://app.example.com", "https://*.staging.example.com", "http://localhost:*"
        origins regex r"^https://pr-[0-9]+\.preview\.example\.dev$"
        methods GET, POST, PUT, PATCH, DELETE
        headers content-type, authorization, x-request-id
        expose x-request-id, x-ratelimit-remaining
        credentials
        max-age 2h
        private-network
    }
};

fn main() {
    let preflight = Request::new("OPTIONS", "/api/users")
        .origin("https://pr-42.preview.example.dev")
        .request_method("PUT")
        .request_headers("x-request-id");
    let decision = CORS.decide(&preflight);
    assert_eq!(decision.kind(), RequestKind::Preflight);
    assert!(decision.allowed());

    let denied = Request::new("OPTIONS", "/api/users")
        .origin("https://evil.example")
        .request_method("PUT");
    assert!(!CORS.decide(&denied).allowed());

    // An expression has the same type.
    let local: LazyLock<Engine> = cors_policy! {
        policy "one" { origins "https://a.example"; methods GET; }
    };
    let actual = Request::new("GET", "/").origin("https://a.example");
    assert!(local.decide(&actual).allowed());
}
