//! The parse driver's state and the small tools every section shares: the
//! error list with its cap, the token at a position, the keyword a token is,
//! and the span of a pest pair. It knows nothing of what a policy or a
//! statement looks like; the sections (`file`, `block`, `statement`,
//! `values`, `errors`, `window`) add the driver's methods for their part.

use pest::iterators::Pair;

use super::grammar::Rule;
use super::lex::{self, Tok, TokKind};
use crate::ast::Keyword;
use crate::{Diagnostic, Kind, Span};

/// After this many errors the rest of a file is not looked at.
const MAX_ERRORS: usize = 100;

/// How to write a duration: the help of every duration error.
pub(super) const HELP_DURATION: &str = "write a whole number of seconds, or a whole number followed by `s`, `m`, `h` or `d`: `600`, `90s`, `10m`, `2h`, `1d`";
/// What a policy looks like: the help where one was expected.
pub(super) const HELP_EXAMPLE_POLICY: &str =
    "a policy file looks like `policy \"name\" { origins \"https://app.example.com\" }`";

/// A pest failure on one run of the grammar.
pub(super) type PestError = pest::error::Error<Rule>;

/// The parser of one source text: what it has found so far.
pub(super) struct Driver<'s> {
    pub(super) src: &'s str,
    pub(super) diags: Vec<Diagnostic>,
    /// Too many errors: stop looking.
    pub(super) stopped: bool,
    /// Every comment of the file, in order (found by the `file` section).
    pub(super) comments: Vec<Span>,
}

impl<'s> Driver<'s> {
    /// A driver for `src` that has found nothing yet.
    pub(super) fn new(src: &'s str) -> Self {
        Driver {
            src,
            diags: Vec::new(),
            stopped: false,
            comments: Vec::new(),
        }
    }

    /// Records an error; after [`MAX_ERRORS`], one last error says so and
    /// the driver stops.
    pub(super) fn error(&mut self, diagnostic: Diagnostic) {
        if self.stopped {
            return;
        }
        if self.diags.len() >= MAX_ERRORS {
            self.stopped = true;
            let at = diagnostic.span;
            self.diags.push(
                Diagnostic::new(
                    Kind::Syntax,
                    at,
                    format!("too many errors (more than {MAX_ERRORS})"),
                )
                .with_label("the rest of the file was not checked")
                .with_help("fix the errors above and check the file again"),
            );
            return;
        }
        self.diags.push(diagnostic);
    }

    /// The next token at or after `pos`, as `End` from `limit` on.
    pub(super) fn tok(&self, pos: usize, limit: usize) -> Tok {
        match lex::next(self.src, pos) {
            Ok(t) if t.start < limit => t,
            Ok(t) => Tok {
                kind: TokKind::End,
                start: limit.max(pos),
                end: limit.max(pos),
                ..t
            },
            Err(_) => end_tok(limit),
        }
    }

    /// The statement keyword `t` is, if it is one.
    pub(super) fn keyword_at(&self, t: Tok) -> Option<Keyword> {
        if t.kind == TokKind::Word {
            Keyword::from_word(t.text(self.src))
        } else {
            None
        }
    }
}

/// An `End` token at `at`.
pub(super) fn end_tok(at: usize) -> Tok {
    Tok {
        kind: TokKind::End,
        start: at,
        end: at,
        newline_before: false,
    }
}

/// The span of `p`, a pair of a run that started at `off`.
pub(super) fn span_of(p: &Pair<'_, Rule>, off: usize) -> Span {
    let s = p.as_span();
    Span::new(off + s.start(), off + s.end())
}
