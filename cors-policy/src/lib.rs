#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The front end, for this crate's own use: users who need all of it (the
// AST, `check`, the formatter, rendering) depend on `cors-policy-grammar`.
use cors_policy_grammar as grammar;

#[cfg(feature = "actix")]
#[cfg_attr(docsrs, doc(cfg(feature = "actix")))]
pub mod actix;
pub mod adapter;
pub mod browser;
mod builder;
mod compile;
mod decision;
mod engine;
mod error;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http;
#[cfg(feature = "http02")]
#[cfg_attr(docsrs, doc(cfg(feature = "http02")))]
mod http02;
#[cfg(feature = "tracing")]
mod log;
mod origin;
mod reason;
mod request;
mod request_headers;
mod sets;
mod slot;
mod swar;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
mod trace;

pub use builder::EngineBuilder;
/// The validated policies an engine is built from and shows
/// ([`Engine::from_policies`], [`Engine::policies`]), from the front end
/// (`cors-policy-grammar`), unchanged.
pub use cors_policy_grammar::model;
pub use decision::{Decision, Header, Headers, RequestKind};
pub use engine::Engine;
pub use error::Error;
pub use origin::MAX_ORIGIN_LEN;
pub use reason::Reason;
pub use request::{
    HeaderLine, MAX_BUILDER_REQUEST_HEADER_LINES, MAX_REQUEST_HEADER_LINES,
    MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LEN, Request, target_path,
};
pub use sets::{OriginSet, OriginSets, Rejected, Replaced, SetSnapshot};

/// Policies made in code ([`model::Policy::builder`],
/// [`Engine::from_builder`]), from the front end (`cors-policy-grammar`),
/// unchanged.
pub use cors_policy_grammar::build;

/// What [`Error::diagnostics`] and [`Rejected::diagnostic`] give: one
/// problem of a policy, its severity and where it is.
pub use cors_policy_grammar::{Diagnostic, Kind as DiagnosticKind, Severity, Span};

pub use trace::{
    Candidate, Difference, HeaderCheck, HeaderOutcome, HeadersCheck, ListOutcome, Malformation,
    MethodCheck, MethodOutcome, OriginCheck, OriginOutcome, PathCheck, PolicyCheck,
    PrivateNetworkCheck, Trace,
};

/// Checks a policy at build time and compiles it once, at first use: see the
/// macro's own documentation.
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
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
