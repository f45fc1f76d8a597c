//! cors-policy: a CORS policy engine with its own declarative language.
//!
//! A policy file says which origins may call which paths with which methods
//! and headers. The front end ([`grammar`]) parses and validates it, with
//! every problem reported at its line and column; [`Engine`] compiles the
//! validated set once and then answers each request without allocating:
//!
//! ```text
//! parse → validate (grammar) → compile (Engine::from_policies) → decide (Engine::decide)
//! ```
//!
//! ```
//! use cors_policy::{grammar::model, Engine, Kind, Request};
//! # fn engine() -> Engine {
//! #     use cors_policy::grammar::{model::*, Span};
//! #     let set = PolicySet { policies: vec![Policy {
//! #         name: "api".into(), span: Span::default(), paths: vec!["/api/**".into()],
//! #         origins: vec![Origin { matcher: OriginMatcher::Exact("https://app.example.com".into()),
//! #             source: "\"https://app.example.com\"".into(), span: Span::default() }],
//! #         methods: NameList { any: false, names: vec!["GET".into(), "HEAD".into(), "POST".into(), "PUT".into()] },
//! #         headers: NameList { any: false, names: vec!["content-type".into()] },
//! #         expose: NameList::default(), credentials: true, max_age: Some(7200),
//! #         private_network: false, preflight_status: 204 }] };
//! #     Engine::from_policies(&set).unwrap()
//! # }
//! // let engine: Engine = std::fs::read_to_string("api.cors")?.parse()?;
//! let engine = engine();
//! let request = Request::new("OPTIONS", "/api/users")
//!     .origin("https://app.example.com")
//!     .request_method("PUT")
//!     .request_headers("content-type");
//! let decision = engine.decide(&request);
//! assert_eq!(decision.kind(), Kind::Preflight);
//! # let _ = decision;
//! ```
#![deny(missing_docs)]

pub use cors_policy_grammar as grammar;

mod compile;
mod decision;
mod engine;
mod error;
#[cfg(feature = "http")]
pub mod http;
mod origin;
mod reason;
#[cfg(any(test, feature = "reference"))]
pub mod reference;
mod request;
mod request_headers;
#[cfg(feature = "tower")]
pub mod tower;
#[cfg(feature = "tracing")]
mod trace;

pub use decision::{Decision, Header, Headers, Kind};
pub use engine::Engine;
pub use error::Error;
pub use reason::Reason;
pub use request::{
    MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LEN, Request,
};

/// Checks a policy at build time and compiles it once, at first use: see the
/// macro's own documentation.
#[cfg(feature = "macros")]
pub use cors_policy_macros::cors_policy;

/// What `cors_policy!` expansions name, so that users need no other
/// dependency. Not a public API: it changes without notice.
#[cfg(feature = "macros")]
#[doc(hidden)]
pub mod __private {
    pub use crate::Engine;
    pub use std::sync::LazyLock;

    /// The engine of a policy text that `cors_policy!` validated at build
    /// time with this same front end, so compiling it again does not fail.
    /// Were it to fail anyway, the engine fails closed rather than panic: it
    /// handles no request, so no CORS header is ever sent and browsers keep
    /// refusing cross-origin reads (logged when `tracing` is on).
    pub fn engine_from_checked_source(src: &str) -> Engine {
        match src.parse() {
            Ok(engine) => engine,
            Err(_error) => {
                #[cfg(feature = "tracing")]
                tracing::error!(
                    error = %_error,
                    "a cors_policy! policy checked at build time does not compile at run time; \
                     the engine handles no request"
                );
                Engine::fail_closed()
            }
        }
    }
}
