//! The file: one pass over its tokens finds the `policy` blocks (and every
//! comment, and any unterminated string or comment, after which nothing can
//! be trusted); text before the first block is reported; each block is then
//! handed to the `block` section.

use super::driver::{Driver, HELP_EXAMPLE_POLICY};
use super::lex::{self, TokKind};
use crate::{Diagnostic, Kind, Span, ast};

impl Driver<'_> {
    pub(super) fn file(&mut self) -> Vec<ast::Policy> {
        let src = self.src;
        // One pass over every token: finds the `policy` blocks, and any
        // unterminated string or comment (after which nothing can be trusted).
        let mut starts = Vec::new();
        let mut depth = 0usize;
        let first = match lex::next(src, 0) {
            Ok(t) => t,
            Err(d) => {
                self.error(d);
                return Vec::new();
            }
        };
        let mut t = first;
        self.gap_comments(0, first.start);
        while t.kind != TokKind::End {
            let next = match lex::next(src, t.end) {
                Ok(n) => n,
                Err(d) => {
                    self.error(d);
                    return Vec::new();
                }
            };
            self.gap_comments(t.end, next.start);
            match t.kind {
                TokKind::LBrace => depth += 1,
                TokKind::RBrace => depth = depth.saturating_sub(1),
                // A `policy` inside an unclosed block still starts a new one
                // when it opens a line and a name follows.
                TokKind::Word
                    if t.text(src) == "policy"
                        && (depth == 0
                            || (t.newline_before
                                && matches!(next.kind, TokKind::Quoted | TokKind::Raw))) =>
                {
                    starts.push(t.start);
                    depth = 0;
                }
                _ => {}
            }
            t = next;
        }

        if first.kind == TokKind::End {
            self.error(
                Diagnostic::new(Kind::Syntax, Span::new(0, 0), "the file has no policy")
                    .with_help(HELP_EXAMPLE_POLICY),
            );
            return Vec::new();
        }
        let first_policy = starts.first().copied().unwrap_or(src.len());
        if first.start < first_policy {
            let found = lex::describe(src, first);
            let mut d = Diagnostic::new(
                Kind::Syntax,
                first.span(),
                format!("expected a policy such as `policy \"api\" {{ … }}`, found {found}"),
            );
            d = if self.keyword_at(first).is_some() {
                d.with_help("statements go inside a policy block: `policy \"name\" { … }`")
            } else {
                d.with_help(HELP_EXAMPLE_POLICY)
            };
            self.error(d);
        }
        let mut policies = Vec::with_capacity(starts.len());
        for (i, &start) in starts.iter().enumerate() {
            if self.stopped {
                break;
            }
            let end = starts.get(i + 1).copied().unwrap_or(src.len());
            if let Some(p) = self.policy(start, end) {
                policies.push(p);
            }
        }
        policies
    }

    /// Records the comments between two tokens (most gaps have none).
    pub(super) fn gap_comments(&mut self, from: usize, to: usize) {
        if self.src.get(from..to).is_some_and(|gap| gap.contains('/')) {
            lex::comments_in(self.src, from, to, &mut self.comments);
        }
    }
}
