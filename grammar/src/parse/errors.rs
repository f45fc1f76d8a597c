//! Pest's failures in words: what was expected in the context the driver was
//! parsing (the policy's head, or one statement's items), what was found
//! instead, and advice for the usual slips.

use super::driver::{Driver, HELP_DURATION, PestError, end_tok};
use super::grammar::Rule;
use super::lex::{self, TokKind};
use crate::ast::Keyword;
use crate::{Diagnostic, Kind, Span};

/// What the driver was parsing when pest failed: picks the words for "expected …".
#[derive(Clone, Copy)]
pub(super) enum Ctx {
    PolicyOpen,
    Statement(Keyword),
}

impl Driver<'_> {
    /// Reports a pest failure in words; returns the absolute error offset.
    pub(super) fn pest_error(&mut self, e: &PestError, off: usize, ctx: Ctx) -> usize {
        let at = off + error_offset(e);
        let positives: &[Rule] = match &e.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
            pest::error::ErrorVariant::CustomError { .. } => {
                // Pest's guard against running out of native stack (the
                // grammar's nesting is bounded, so only a tiny stack gets here).
                self.error(
                    Diagnostic::new(
                        Kind::Syntax,
                        Span::new(at, at),
                        "the parser ran out of stack here",
                    )
                    .with_help("check the file on a thread with a larger stack"),
                );
                return at;
            }
        };
        let found_tok = lex::next(self.src, at).unwrap_or_else(|_| end_tok(at));
        // `regex` not followed by a string: say that a regex string was expected.
        let before = self.src.get(..at).unwrap_or("").trim_end();
        let after_regex = matches!(ctx, Ctx::Statement(Keyword::Origins))
            && before
                .strip_suffix("regex")
                .is_some_and(|b| !b.bytes().next_back().is_some_and(lex::is_word_byte));
        let (expected, mut help) = expected(ctx, positives, after_regex, found_tok.kind);
        if matches!(
            found_tok.text(self.src),
            "\u{201C}" | "\u{201D}" | "\u{2018}" | "\u{2019}"
        ) {
            help = Some("strings are written with straight double quotes: `\"…\"`");
        }
        let found = lex::describe(self.src, found_tok);
        let span = if found_tok.kind == TokKind::End {
            Span::new(found_tok.start, found_tok.start)
        } else {
            found_tok.span()
        };
        let mut d = Diagnostic::new(
            Kind::Syntax,
            span,
            format!("expected {expected}, found {found}"),
        );
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.error(d);
        span.start
    }
}

/// The words for what `ctx` expected, and advice for what was found instead.
fn expected(
    ctx: Ctx,
    positives: &[Rule],
    after_regex: bool,
    found: TokKind,
) -> (&'static str, Option<&'static str>) {
    match ctx {
        Ctx::PolicyOpen => {
            if positives.contains(&Rule::open_brace) {
                (
                    "`{` after the policy's name",
                    Some("a policy looks like `policy \"api\" { … }`"),
                )
            } else {
                (
                    "the policy's name in quotes, such as `\"api\"`",
                    Some("a policy looks like `policy \"api\" { … }`"),
                )
            }
        }
        Ctx::Statement(kw) => match kw {
            Keyword::Origins if after_regex => (
                "a regex string such as `r\"^https://[a-z]+\\.example\\.com$\"`",
                Some("a regex is written as a raw string after `regex`: `regex r\"…\"`"),
            ),
            Keyword::Origins => (
                "an origin such as `\"https://example.com\"`, `*`, `null` or `regex r\"…\"`",
                match found {
                    TokKind::Word => Some(
                        "an origin is written in quotes, with its scheme: `\"https://example.com\"`",
                    ),
                    _ => None,
                },
            ),
            Keyword::Paths => (
                "a path glob in quotes, such as `\"/api/**\"`",
                Some("paths are written in quotes: `paths \"/api/**\", \"/health\"`"),
            ),
            Keyword::Methods => (
                "a method such as `GET` or `*`",
                Some("a method that is not a bare token is written in quotes: `\"M-SEARCH\"`"),
            ),
            Keyword::Headers | Keyword::Expose => (
                "a header name such as `x-request-id` or `*`",
                Some(
                    "a header name that is not a bare token is written in quotes: `\"x-odd|name\"`",
                ),
            ),
            Keyword::Allow => ("a warning name such as `null-origin`", None),
            Keyword::MaxAge => (
                "a duration such as `600`, `90s`, `10m`, `2h` or `1d`",
                Some(HELP_DURATION),
            ),
            Keyword::PreflightStatus => ("a status code such as `204`", None),
            Keyword::Credentials | Keyword::PrivateNetwork | Keyword::Skip => (
                "a statement such as `origins`, `methods` or `max-age`",
                None,
            ),
        },
    }
}

/// Where in its input a pest run failed.
pub(super) fn error_offset(e: &PestError) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}
