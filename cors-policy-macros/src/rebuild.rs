//! Token stream → policy source text, with a map from byte offsets back to
//! the tokens they came from.
//!
//! rustc hands the macro tokens, not text, and has already dropped the
//! comments. The policy language is lexically Rust's, so the text is rebuilt
//! from the tokens: each token is written as its source text (a literal's
//! `to_string()` is exactly what was written, escapes and all, so the front
//! end unescapes it as it would in a file), and the whitespace between two
//! tokens is reproduced from their line/column positions. Adjacency is what
//! matters: `x-request-id` is five tokens written with nothing between them
//! and must stay one header name, while `methods GET` needs its space. The
//! lines are kept too, so that the text's line numbers are the Rust file's
//! (a message such as "already defined at line 8" stays true).

use std::fmt::Write as _;
use std::ops::Range;

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};

/// The widest gap kept as written between two tokens of one line; a wider
/// one is shortened (only "none" versus "some" changes the meaning).
const MAX_GAP: usize = 256;

/// The most line breaks written between two tokens (or before the first).
/// Within it, the rebuilt text keeps the source's line numbers, so that a
/// message saying "at line 8" means line 8 of the Rust file.
const MAX_LINES: usize = 1 << 20;

/// The rebuilt source text and where each of its tokens came from.
pub(crate) struct Rebuilt {
    /// The policy source, as the front end reads it.
    pub(crate) text: String,
    /// Every token's byte range in `text` and its span, in text order.
    pieces: Vec<Piece>,
}

/// One token (or one delimiter of a group) of the rebuilt text.
#[derive(Clone, Copy, Debug)]
struct Piece {
    start: usize,
    end: usize,
    span: Span,
}

impl Rebuilt {
    /// Rebuilds the text of `input`.
    pub(crate) fn new(input: TokenStream) -> Self {
        let mut builder = Builder {
            text: String::new(),
            pieces: Vec::new(),
            cursor: None,
            joint: false,
        };
        builder.stream(input);
        Rebuilt {
            text: builder.text,
            pieces: builder.pieces,
        }
    }

    /// The spans of the first and last tokens that the byte range `range` of
    /// the text touches; `None` when there are no tokens at all.
    ///
    /// A range that starts in whitespace begins at the next token; an empty
    /// range or one past the end falls back to the nearest token before it,
    /// so a diagnostic always lands on a real token.
    pub(crate) fn spans(&self, range: Range<usize>) -> Option<(Span, Span)> {
        let first_index = self
            .pieces
            .iter()
            .position(|p| p.end > range.start)
            .unwrap_or(self.pieces.len().saturating_sub(1));
        let first = self.pieces.get(first_index)?;
        let last = self
            .pieces
            .iter()
            .skip(first_index)
            .take_while(|p| p.start < range.end)
            .last()
            .unwrap_or(first);
        Some((first.span, last.span))
    }
}

struct Builder {
    text: String,
    pieces: Vec<Piece>,
    /// Line and column (1-based line, 0-based column) where the previous
    /// token ended; `None` before the first token.
    cursor: Option<(usize, usize)>,
    /// The previous token was a punct joined to the next one (`::`).
    joint: bool,
}

impl Builder {
    fn stream(&mut self, input: TokenStream) {
        let mut tokens = input.into_iter().peekable();
        while let Some(token) = tokens.next() {
            // `///` and `/** */` reach the macro as `#[doc = "…"]` (and `//!` as
            // `#![doc = "…"]`); in a policy file they are comments, so here too.
            if is_punct(&token, '#') {
                let mut ahead = tokens.clone();
                let bang = ahead.next_if(|t| is_punct(t, '!')).is_some();
                if ahead.peek().is_some_and(is_doc_attribute) {
                    tokens.next();
                    if bang {
                        tokens.next();
                    }
                    continue;
                }
            }
            self.tree(token);
        }
    }

    fn tree(&mut self, token: TokenTree) {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Parenthesis => ("(", ")"),
                    // An invisible group (a `macro_rules!` fragment) is its contents.
                    Delimiter::None => {
                        self.stream(group.stream());
                        return;
                    }
                };
                self.piece(group.span_open(), open);
                self.stream(group.stream());
                self.piece(group.span_close(), close);
            }
            TokenTree::Ident(ident) => self.piece(ident.span(), &ident.to_string()),
            TokenTree::Literal(literal) => self.piece(literal.span(), &literal.to_string()),
            TokenTree::Punct(punct) => {
                let mut buf = [0; 4];
                self.piece(punct.span(), punct.as_char().encode_utf8(&mut buf));
                self.joint = punct.spacing() == Spacing::Joint;
            }
        }
    }

    /// Writes `text` for the token at `span`, after the whitespace that
    /// separated it from the previous token in the source.
    fn piece(&mut self, span: Span, text: &str) {
        let (start, end) = (span.start(), span.end());
        // Every token written in the source has a width: line 0 (no location
        // information) or an empty span (a token made by another macro at its
        // call site) means the position is unknown, and then tokens are
        // separated by one space unless a punct was joint.
        let known = start.line > 0 && (start.line, start.column) != (end.line, end.column);
        let joint = std::mem::take(&mut self.joint);
        match self.cursor {
            None if known => {
                let lines = (start.line - 1).min(MAX_LINES);
                let indent = start.column.min(MAX_GAP);
                let _ = write!(self.text, "{}{:indent$}", "\n".repeat(lines), "");
            }
            None => {}
            Some((line, _)) if !known || line == 0 => {
                self.text.push_str(if joint { "" } else { " " })
            }
            Some((line, column)) if start.line == line && start.column >= column => {
                let gap = (start.column - column).min(MAX_GAP);
                let _ = write!(self.text, "{:gap$}", "");
            }
            Some((line, _)) if start.line > line => {
                let lines = (start.line - line).min(MAX_LINES);
                let indent = start.column.min(MAX_GAP);
                let _ = write!(self.text, "{}{:indent$}", "\n".repeat(lines), "");
            }
            // Out of order (spliced in by another macro): keep them apart.
            Some(_) => self.text.push(' '),
        }
        let at = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece {
            start: at,
            end: self.text.len(),
            span,
        });
        self.cursor = Some(if known {
            (end.line, end.column)
        } else {
            (0, 0)
        });
    }
}

fn is_punct(token: &TokenTree, c: char) -> bool {
    matches!(token, TokenTree::Punct(p) if p.as_char() == c)
}

/// `[doc …]`, the bracketed half of a doc comment.
fn is_doc_attribute(token: &TokenTree) -> bool {
    match token {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Bracket => {
            matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuild(src: &str) -> Rebuilt {
        Rebuilt::new(src.parse().unwrap())
    }

    /// The text rebuilt from the tokens of `src` is `expected`.
    #[track_caller]
    fn assert_rebuilt(src: &str, expected: &str) {
        assert_eq!(rebuild(src).text, expected);
    }

    #[test]
    fn adjacency_is_kept() {
        assert_rebuilt(
            "headers x-request-id, content-type\nmax-age 2h",
            "headers x-request-id, content-type\nmax-age 2h",
        );
    }

    #[test]
    fn comments_become_whitespace() {
        assert_rebuilt(
            "policy \"a\" { // note\n    origins * /* all */ }",
            "policy \"a\" {\n    origins *           }",
        );
    }

    #[test]
    fn literals_are_written_as_in_the_source() {
        assert_rebuilt(
            r###"regex r#"^https://a\.b$"#, "x\"y", "\u{e9}""###,
            r###"regex r#"^https://a\.b$"#, "x\"y", "\u{e9}""###,
        );
    }

    #[test]
    fn doc_comments_are_comments() {
        assert_rebuilt(
            "/// outer\npolicy \"a\" {\n    //! inner\n    origins *\n}",
            "\npolicy \"a\" {\n\n    origins *\n}",
        );
    }

    #[test]
    fn lines_are_the_source_lines() {
        assert_rebuilt(
            "\n\n   policy \"a\" {\n\n\n  origins *\n}",
            "\n\n   policy \"a\" {\n\n\n  origins *\n}",
        );
    }

    #[test]
    fn indentation_is_reproduced() {
        let src = "policy \"api\" {\n        origins \"https://a.com\"\n    methods GET, POST\n}";
        assert_rebuilt(src, src);
    }

    #[test]
    fn offsets_map_back_to_tokens() {
        let r = rebuild("policy \"a\" {\n  headers x-request-id\n}");
        let at = r.text.find("x-request").unwrap();
        let (first, last) = r.spans(at..at + "x-request-id".len()).unwrap();
        assert_eq!((first.start().line, first.start().column), (2, 10));
        assert_eq!((last.start().line, last.start().column), (2, 20));
        assert_eq!((last.end().line, last.end().column), (2, 22));

        // A range in whitespace lands on the next token.
        let gap = r.text.find("  headers").unwrap();
        let (first, _) = r.spans(gap..gap).unwrap();
        assert_eq!(first.start().column, 2);

        // Past the end: the last token (the closing brace).
        let (first, last) = r.spans(999..999).unwrap();
        assert_eq!((first.start().line, last.start().line), (3, 3));
    }

    #[test]
    fn no_tokens_no_spans() {
        let r = rebuild("");
        assert_eq!(r.text, "");
        assert!(r.spans(0..0).is_none());
    }

    #[test]
    fn unknown_positions_fall_back_to_one_space() {
        let stream: TokenStream = "origins *".parse().unwrap();
        // Tokens respanned at the call site, as another macro may hand them on.
        let rebuilt_tokens: TokenStream = stream
            .into_iter()
            .map(|mut t| {
                t.set_span(Span::call_site());
                t
            })
            .collect();
        let r = Rebuilt::new(rebuilt_tokens);
        assert_eq!(r.text, "origins *");
    }
}
