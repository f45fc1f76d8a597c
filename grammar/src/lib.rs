//! The front end of [cors-policy](https://docs.rs/cors-policy): the policy
//! language's parser, typed AST, validation, diagnostics and canonical formatter.
//!
//! One front end serves the engine, the `cors_policy!` macro and the
//! `cors-policy` command. The stages are named after what they do:
//!
//! ```text
//! parse (text → pest pairs → ast::File) → validate (ast::File → model::PolicySet + diagnostics)
//! ```
//!
//! [`check`] runs both and returns every diagnostic of the file at once.
//! [`build`] makes the same policies from code, through the same validation.
#![deny(missing_docs)]

pub mod ast;
pub mod build;
pub mod diag;
pub mod escape;
pub mod fetch;
mod format;
pub mod glob;
pub mod limits;
pub mod model;
mod parse;
mod render;
pub mod span;
mod validate;

pub use diag::{Diagnostic, Kind, Severity};
pub use escape::{escape_for_terminal, is_unsafe_for_terminal};
pub use format::format;
pub use limits::{MAX_SHOWN_DIAGNOSTICS, MAX_SOURCE_LEN};
pub use parse::parse;
pub use render::{RenderOptions, render, render_all};
pub use span::{Span, Spanned};
pub use validate::{is_set_name, validate, validate_set_entry};

/// The outcome of [`check`]: every diagnostic, and the validated policy set
/// when there was no error.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Every error and warning, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The validated policies; `None` when any diagnostic is an error.
    pub policies: Option<model::PolicySet>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and validates `src`: every problem of the file, and the validated
/// policies when there is no error.
///
/// A control character written raw in the file (a NUL, an ESC, a
/// bidirectional override…) is an error that names it; when the file does
/// not parse, those errors are reported instead of the parser's, which would
/// only say what was expected there.
pub fn check(src: &str) -> Checked {
    let controls = escape::control_characters(src);
    match parse(src) {
        Err(diagnostics) => Checked {
            diagnostics: if controls.is_empty() {
                diagnostics
            } else {
                controls
            },
            policies: None,
        },
        Ok(file) => {
            let (policies, mut diagnostics) = validate::validate_source(&file, src);
            if controls.is_empty() {
                return Checked {
                    diagnostics,
                    policies,
                };
            }
            diagnostics.extend(controls);
            diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
            Checked {
                diagnostics,
                policies: None,
            }
        }
    }
}

/// [`check`] for bytes read from a file: invalid UTF-8 is a `syntax` error at
/// the first bad byte.
pub fn check_bytes(src: &[u8]) -> Checked {
    match std::str::from_utf8(src) {
        Ok(text) => check(text),
        Err(e) => {
            let at = e.valid_up_to();
            let diagnostic = Diagnostic::new(
                Kind::Syntax,
                Span::new(at, at),
                format!("the file is not valid UTF-8 (bad byte at offset {at})"),
            )
            .with_help("save the policy file as UTF-8");
            Checked {
                diagnostics: vec![diagnostic],
                policies: None,
            }
        }
    }
}

/// Parses `src` and prints it in canonical form (see [`format()`]); refuses,
/// with an error diagnostic, when the canonical text would not parse back to
/// the same policies, so that formatting can never change what a file means.
///
/// A file with a raw control character is refused with the errors that name
/// them (see [`check`]): its canonical form would carry them on.
pub fn format_source(src: &str) -> Result<String, Vec<Diagnostic>> {
    let controls = escape::control_characters(src);
    if !controls.is_empty() {
        return Err(controls);
    }
    let file = parse(src)?;
    let out = format(&file);
    match parse(&out) {
        Ok(again) if again == file => Ok(out),
        _ => Err(vec![
            Diagnostic::new(
                Kind::Syntax,
                Span::new(0, 0),
                "internal error: the canonical form of this file does not mean the same as the file",
            )
            .with_help("the file was left as it is; please report this as a bug"),
        ]),
    }
}
