//! cors-policy: a CORS policy engine with its own declarative language.
#![deny(missing_docs)]

pub use cors_policy_grammar as grammar;
