//! [`ast::File`] → [`model::PolicySet`] plus every diagnostic of the file:
//! the validator's front door, which declares its sections and runs them.
//!
//! Validation never stops at the first problem: each policy, statement and
//! list entry is checked on its own (`policy`, with `entry` for origins,
//! `lists` for names, `values`, `paths`, `allow`, `skip`), then the lints
//! that compare entries (`redundant-origin`, in `lints`) and policies
//! (`shadowed-policy`) run, `allow` lists silence their policy's warnings,
//! and the diagnostics come back sorted by source position. The policy set
//! is returned only when no error remains. The facts the checks rely on have
//! their own leaf modules: `origin` (origin text), `regexes`, `names`,
//! `sets`.

mod allow;
mod entry;
mod lints;
mod lists;
mod names;
mod origin;
mod paths;
mod patterns;
mod policy;
mod regexes;
mod schemes;
mod set_entry;
mod sets;
mod skip;
mod values;

use crate::{Diagnostic, ast, model};
use policy::Validator;

pub use set_entry::validate_set_entry;
pub use sets::is_set_name;

/// Validates a parsed file: every error and warning, and the validated policy
/// set when there is no error.
///
/// Without the source text, messages that refer to another place of the file
/// say "earlier" instead of its line; [`crate::check`] passes the source.
pub fn validate(file: &ast::File) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
    Validator { src: None }.file(file)
}

/// [`validate`], with the source the AST was parsed from, so that messages
/// can name lines.
pub(crate) fn validate_source(
    file: &ast::File,
    src: &str,
) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
    Validator {
        src: Some((src, crate::span::LineIndex::new(src))),
    }
    .file(file)
}

#[cfg(test)]
mod tests;
