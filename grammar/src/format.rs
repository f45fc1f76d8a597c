//! [`ast::File`] → canonical text. (Being written.)

use crate::ast;

/// Prints `file` in canonical form; the output parses back to an equal AST.
pub fn format(file: &ast::File) -> String {
    let _ = file;
    String::new()
}
