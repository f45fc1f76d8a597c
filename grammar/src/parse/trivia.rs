//! Comments onto the AST: each comment of a file that parsed goes to the node
//! it sits next to (see the `ast` module docs for where), so that the
//! formatter can print it back. A comment on a line of its own also records
//! whether a blank line follows it, except where the canonical form has
//! none: after the last comment before a policy's `}` and at the end of the
//! file. A policy records whether a blank line separates its last statement
//! from the comments before its `}` (not when it has no statement: there is
//! no blank line after `{` in the canonical form).

use super::lex::{self, TokKind};
use crate::Span;
use crate::ast::{self, Comment};

/// Attaches `comments` (every comment of `src`, in order) to `policies`;
/// returns the ones after the last policy.
pub(super) fn attach(src: &str, comments: &[Span], policies: &mut [ast::Policy]) -> Vec<Comment> {
    let mut queue = Queue {
        src,
        comments,
        next: 0,
    };
    let mut policies = policies.iter_mut().peekable();
    while let Some(policy) = policies.next() {
        let open_end = match lex::next(src, policy.name.span.end) {
            Ok(t) if t.kind == TokKind::LBrace => t.end,
            _ => policy.name.span.end,
        };
        let close_start = policy.span.end.saturating_sub(1);
        policy.comments.before = queue.take_before(open_end);
        let first = policy
            .statements
            .first()
            .map_or(close_start, |s| s.span.start);
        let mut end = queue.take_after(open_end, first, &mut policy.comments.after);

        let count = policy.statements.len();
        for i in 0..count {
            let limit = policy
                .statements
                .get(i + 1)
                .map_or(close_start, |s| s.span.start);
            let Some(statement) = policy.statements.get_mut(i) else {
                break;
            };
            let first_thing = queue
                .peek_start()
                .map_or(statement.span.start, |c| c.min(statement.span.start));
            statement.blank_line_before = i > 0 && has_blank_line(src, end, first_thing);
            // Comments before the statement and inside it (moved before it).
            statement.comments.before = queue.take_before(statement.span.end);
            end = queue.take_after(statement.span.end, limit, &mut statement.comments.after);
        }

        // A blank line after `{` is not canonical: only after a statement.
        policy.blank_line_before_closing_comments = count > 0
            && queue
                .peek_start()
                .is_some_and(|c| c < close_start && has_blank_line(src, end, c));
        policy.closing_comments.before = queue.take_before(close_start);
        no_blank_line_after_last(&mut policy.closing_comments.before);
        let limit = policies.peek().map_or(src.len(), |p| p.span.start);
        queue.take_after(policy.span.end, limit, &mut policy.closing_comments.after);
    }
    let mut trailing = queue.take_before(src.len());
    no_blank_line_after_last(&mut trailing);
    trailing
}

/// The last comment before `}` or the end of the file: a blank line there is
/// not part of the canonical form, so it is not recorded.
fn no_blank_line_after_last(comments: &mut [Comment]) {
    if let Some(last) = comments.last_mut() {
        last.blank_line_after = false;
    }
}

struct Queue<'a> {
    src: &'a str,
    comments: &'a [Span],
    /// The first comment not yet attached.
    next: usize,
}

impl Queue<'_> {
    fn peek_start(&self) -> Option<usize> {
        self.comments.get(self.next).map(|c| c.start)
    }

    fn comment(&self, span: Span) -> Comment {
        let text = self.src.get(span.range()).unwrap_or("");
        let text = if text.starts_with("//") {
            text.trim_end().to_owned()
        } else {
            text.replace("\r\n", "\n")
        };
        Comment::new(text, span)
    }

    /// Every remaining comment that starts before `pos`.
    fn take_before(&mut self, pos: usize) -> Vec<Comment> {
        let mut out = Vec::new();
        while let Some(&span) = self.comments.get(self.next) {
            if span.start >= pos {
                break;
            }
            let blank = self.blank_line_after(span);
            out.push(self.comment(span).with_blank_line_after(blank));
            self.next += 1;
        }
        out
    }

    /// Whether an empty line follows the comment at `span` (the next one,
    /// `self.next`) before the next thing: the next comment or token. Only
    /// the whitespace (and `;`) up to that thing is looked at, so that this
    /// stays linear in the file.
    fn blank_line_after(&self, span: Span) -> bool {
        let limit = self
            .comments
            .get(self.next + 1)
            .map_or(self.src.len(), |c| c.start);
        let gap = self.src.get(span.end..limit).unwrap_or("");
        let to = gap
            .find(|c: char| !c.is_whitespace() && c != ';')
            .map_or(limit, |i| span.end + i);
        has_blank_line(self.src, span.end, to)
    }

    /// The comments after `from` on the same line (before `limit`); returns
    /// where the last of them ends (`from` when there is none).
    fn take_after(&mut self, from: usize, limit: usize, out: &mut Vec<Comment>) -> usize {
        let mut end = from;
        while let Some(&span) = self.comments.get(self.next) {
            // The limit first: the gap up to a far comment is never scanned,
            // so attaching stays linear in the file.
            if span.start >= limit {
                break;
            }
            let same_line = self
                .src
                .get(end..span.start)
                .is_some_and(|gap| !gap.chars().any(is_line_break));
            if !same_line {
                break;
            }
            out.push(self.comment(span));
            end = span.end;
            self.next += 1;
        }
        end
    }
}

/// The line breaks of the lexer (`\n`, and Rust's other vertical whitespace).
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether `src[from..to]` (whitespace and `;` only) holds an empty line.
fn has_blank_line(src: &str, from: usize, to: usize) -> bool {
    let gap = src.get(from..to).unwrap_or("");
    let mut breaks = 0;
    for c in gap.chars() {
        if c == '\n' {
            breaks += 1;
            if breaks == 2 {
                return true;
            }
        } else if !c.is_whitespace() {
            breaks = 0;
        }
    }
    false
}
