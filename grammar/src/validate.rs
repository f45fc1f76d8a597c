//! [`ast::File`] → [`model::PolicySet`] plus every diagnostic. (Being written.)

use crate::{Diagnostic, ast, model};

/// Validates a parsed file: every error and warning, and the validated policy
/// set when there is no error.
pub fn validate(file: &ast::File) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
    let _ = file;
    (None, Vec::new())
}
