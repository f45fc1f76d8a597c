//! Text → pest pairs → [`ast::File`]: the parser's front door, which declares
//! its sections and runs them.
//!
//! The grammar is `cors.pest`. The file is split into policy blocks at each
//! `policy` keyword (`file`); a block the grammar accepts whole is parsed in
//! one pest run (`block`). A block it refuses goes to a small driver that
//! runs the grammar one piece at a time — the block's head, then one
//! statement after another (`statement`, on a bounded `window` of the text)
//! — so that it can word each problem (`errors`: a missing `,`, an unknown
//! statement with a did-you-mean), recover at the next statement keyword,
//! and report every problem of the file, not the first. Lowering the pairs
//! checks what the grammar matches loosely on purpose (`values`: string
//! escapes, durations, status codes) and says what is wrong in words.
//! Comments are attached to the tree last (`trivia`). The sections share the
//! driver's state (`driver`) and pass statement keywords as
//! [`ast::Keyword`], never as text.

mod block;
mod driver;
mod errors;
mod file;
mod lex;
mod statement;
mod trivia;
mod values;
mod window;

use crate::limits::MAX_SOURCE_LEN;
use crate::{Diagnostic, Kind, Span, ast};
use driver::Driver;

mod grammar {
    #![allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
    #[derive(pest_derive::Parser)]
    #[grammar = "cors.pest"]
    pub(crate) struct CorsParser;
}

/// Parses a policy source into its AST, or returns every syntax error found.
pub fn parse(src: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if src.len() > MAX_SOURCE_LEN {
        return Err(vec![
            Diagnostic::new(
                Kind::Syntax,
                Span::new(0, 0),
                format!(
                    "the file is too large ({} bytes; the limit is {MAX_SOURCE_LEN})",
                    src.len()
                ),
            )
            .with_help("split the policies over several files"),
        ]);
    }
    let mut driver = Driver::new(src);
    let mut policies = driver.file();
    let mut diags = driver.diags;
    if diags.is_empty() {
        let trailing_comments = trivia::attach(src, &driver.comments, &mut policies);
        Ok(ast::File {
            policies,
            trailing_comments,
        })
    } else {
        diags.sort_by_key(|d| (d.span.start, d.span.end));
        Err(diags)
    }
}

#[cfg(test)]
mod tests;
