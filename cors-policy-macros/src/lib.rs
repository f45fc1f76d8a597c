//! The `cors_policy!` macro: a CORS policy checked when the crate is built.
//!
//! Use it through [cors-policy](https://docs.rs/cors-policy), which re-exports
//! it as `cors_policy::cors_policy` (its default `macros` feature); the
//! expansion names items of that crate only.
//!
//! The macro runs the same front end as the engine and the `cors-policy`
//! command (the `cors-policy-grammar` crate): one parser, one validator, so a
//! policy the macro accepts is a policy `Engine::from_str` accepts, with the
//! same meaning.
#![deny(missing_docs)]

mod expand;
mod literal;
mod rebuild;

use proc_macro::TokenStream;

/// A CORS policy engine, checked at build time.
///
/// The policy is written in the cors-policy language, inline or in a file.
/// Every error of the language is a compile error pointing at the offending
/// token; when there is none, the macro expands to an expression of type
/// `std::sync::LazyLock<cors_policy::Engine>`, usable in a `static` and
/// dereferencing to the [`Engine`](https://docs.rs/cors-policy/latest/cors_policy/struct.Engine.html).
///
/// # Inline
///
/// ```
/// use std::sync::LazyLock;
/// use cors_policy::{Engine, Request, cors_policy};
///
/// static CORS: LazyLock<Engine> = cors_policy! {
///     // the same language as a policy file, written as Rust tokens
///     policy "api" {
///         paths "/api/**"
///         origins "https://app.example.com", "https://*.staging.example.com"
///         origins regex r"^https://pr-[0-9]+\.preview\.example\.dev$"
///         methods GET, POST, PUT, PATCH, DELETE
///         headers content-type, authorization, x-request-id
///         credentials
///         max-age 2h
///         private-network
///     }
/// };
///
/// let request = Request::new("GET", "/api/users").origin("https://app.example.com");
/// let decision = CORS.decide(&request);
/// # let _ = decision;
/// ```
///
/// Everything the language allows in a file works inline, because its
/// lexical rules are Rust's: `//` and `/* */` comments (and doc comments),
/// hyphenated keywords and names (`max-age`, `x-request-id`), durations
/// (`2h`), `*`, string escapes and raw strings. The macro rebuilds the text
/// from the tokens and their positions, so `x-request-id` is one name while
/// `x - request - id` is not, exactly as in a file. A name that is not a Rust
/// token sequence (`x-odd|name` is, `x'y` is not) is written as a string.
///
/// # From a file
///
/// ```
/// # use std::sync::LazyLock;
/// # use cors_policy::{Engine, cors_policy};
/// static CORS: LazyLock<Engine> = cors_policy!(file = "cors/api.cors");
/// # assert_eq!(CORS.policies().len(), 2);
/// ```
///
/// The path is relative to the directory of the crate's `Cargo.toml`
/// (`CARGO_MANIFEST_DIR`), or absolute. The crate is rebuilt when the file
/// changes. A file that cannot be read is a compile error naming the path
/// tried and the reason.
///
/// # Errors
///
/// Each error of the policy is one compile error, with its stable code and
/// name, what is wrong and what to write instead, and rustc's caret under the
/// offending token:
///
/// ```text
/// error: E0006/invalid-origin: `https://a.com/x` has a path
///        = help: write `"https://a.com"` (an origin has no path)
///  --> src/main.rs:6:48
///   |
/// 6 |             origins "https://app.example.com", "https://a.com/x"
///   |                                                ^^^^^^^^^^^^^^^^^
/// ```
///
/// Errors in a file are shown against the file, with its own line and caret,
/// and point at the `file = "…"` argument:
///
/// ```text
/// error: E0012/forbidden-method: `TRACE` is a forbidden method: browsers never let a script send it
///         --> cors/api.cors:4:18
///          |
///        4 |     methods GET, TRACE
///          |                  ^^^^^
///          |
///          = help: remove `TRACE`
///  --> src/main.rs:6:32
///   |
/// 6 |     static CORS: LazyLock<Engine> = cors_policy!(file = "cors/api.cors");
///   |                                                  ^^^^^^^^^^^^^^^^^^^^^^
/// ```
///
/// Every error of the policy is reported, and nothing else: on error the
/// macro still expands to an expression of the right type, so no type error
/// follows from it.
///
/// # Warnings
///
/// Stable Rust gives procedural macros no way to emit a warning. The macro
/// uses the usual workaround: it refers to a `#[deprecated]` item spanned on
/// the offending token, so each warning of the policy appears as rustc's
/// deprecation warning, with the policy's message as its note:
///
/// ```text
/// warning: use of deprecated constant `main::cors_policy_warning`: W0004 lowercase-method: method `patch` is not uppercase; methods are case-sensitive
///        = help: write `PATCH`: …
///        = note: `lowercase-method` is on by default; `allow lowercase-method` in the policy silences it
///   --> src/main.rs:11:26
///    |
/// 11 |             methods GET, patch
///    |                          ^^^^^
/// ```
///
/// Hence the limitations: the warning reads "use of deprecated constant", it
/// is under the `deprecated` lint (so `#![deny(warnings)]` makes it an error,
/// and `#[allow(deprecated)]` on the enclosing item hides it), and it points
/// at the first token of the offending entry. The way to silence a policy
/// warning is the language's own: `allow NAME` in the policy
/// (`allow lowercase-method`).
///
/// # At run time
///
/// The engine is compiled at its first use (the `LazyLock`), from the policy
/// text the macro validated, embedded in the binary; a file is read at build
/// time only. The front end that accepted the text at build time is the one
/// `Engine::from_str` runs, and it rejects everything the engine cannot
/// compile, so this compilation does not fail; the expansion contains no
/// `unwrap` and cannot panic. Should the two ever disagree (a bug), the
/// engine fails closed rather than panic: it handles no request, so no CORS
/// header is sent and browsers keep refusing cross-origin reads (logged with
/// the `tracing` feature).
///
/// Why not build the engine at compile time? An engine holds compiled regexes
/// and automata that cannot be constants; re-running the front end once, at
/// first use, costs about half a millisecond for the two policies of the
/// language specification's example (release build).
///
/// The expansion refers to the crate as `::cors_policy`: depend on it under
/// that name.
#[proc_macro]
pub fn cors_policy(input: TokenStream) -> TokenStream {
    expand::expand(input.into()).into()
}
