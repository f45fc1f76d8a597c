//! Text → pest pairs → [`ast::File`]. (Being written.)

use crate::{Diagnostic, ast};

/// Parses a policy source into its AST, or returns every syntax error found.
pub fn parse(src: &str) -> Result<ast::File, Vec<Diagnostic>> {
    let _ = src;
    Ok(ast::File::default())
}
