//! The `cors_policy!` macro (re-exported by `cors-policy`).
#![deny(missing_docs)]
