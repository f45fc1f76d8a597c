//! Values: an item of a list (origin, name, path, lint name), a string
//! (quoted strings unescaped by [`crate::escape`], raw strings read as
//! written), a duration and a status code — checked here for what the
//! grammar matches loosely on purpose, and said in words when wrong.

use pest::iterators::Pair;

use super::driver::{Driver, HELP_DURATION, span_of};
use super::grammar::Rule;
use crate::ast::{Item, OriginExpr};
use crate::escape::{self, EscapeProblemKind, Unescaped};
use crate::{Diagnostic, Kind, Span, Spanned};

impl Driver<'_> {
    pub(super) fn origin(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<OriginExpr> {
        let span = span_of(p, off);
        let value = match p.as_rule() {
            Rule::any => OriginExpr::Any,
            Rule::null_kw => OriginExpr::Null,
            // `regex "…"`, `set "…"`: a keyword and its string.
            rule @ (Rule::regex_origin | Rule::set_origin) => {
                let text = p
                    .clone()
                    .into_inner()
                    .next()
                    .map(|s| self.string(&s, off).value)
                    .unwrap_or_default();
                if rule == Rule::set_origin {
                    OriginExpr::Set(text)
                } else {
                    OriginExpr::Regex(text)
                }
            }
            _ => OriginExpr::Literal(self.string(p, off).value),
        };
        Spanned::new(value, span)
    }

    pub(super) fn item(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<Item> {
        let span = span_of(p, off);
        let value = match p.as_rule() {
            Rule::any => Item::Any,
            _ => Item::Name(self.string(p, off).value),
        };
        Spanned::new(value, span)
    }

    /// A bare token as written, or a string literal unescaped.
    pub(super) fn string(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<String> {
        let span = span_of(p, off);
        let text = p.as_str();
        let value = match p.as_rule() {
            Rule::quoted_string => {
                let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
                self.decoded(escape::unescape_rust_string(inner), span.start + 1)
            }
            Rule::raw_string => {
                let hashes = text
                    .get(1..)
                    .map_or(0, |t| t.bytes().take_while(|&b| b == b'#').count());
                let inner = text
                    .get(2 + hashes..text.len().saturating_sub(1 + hashes))
                    .unwrap_or("");
                self.decoded(escape::raw_string_contents(inner), span.start + 2 + hashes)
            }
            _ => text.to_owned(),
        };
        Spanned::new(value, span)
    }

    /// A decoded string body that starts at `at`: each problem reported at
    /// its own position; the value.
    pub(super) fn decoded(&mut self, unescaped: Unescaped, at: usize) -> String {
        for problem in unescaped.problems {
            let span = Span::new(at + problem.span.start, at + problem.span.end);
            let (message, help): (String, String) = match &problem.kind {
                EscapeProblemKind::BareCarriageReturn => (
                    "a bare carriage return in a string".into(),
                    "write it as the escape `\\r`".into(),
                ),
                EscapeProblemKind::HexOutOfRange(digits) => (
                    format!("out of range hex escape `\\x{digits}`"),
                    format!(
                        "a `\\x` escape is at most `\\x7F`; for another character write `\\u{{{digits}}}`"
                    ),
                ),
                EscapeProblemKind::InvalidHex => (
                    "invalid hex escape: `\\x` takes exactly two hex digits".into(),
                    "write an ASCII character as `\\x41`, or another as `\\u{e9}`".into(),
                ),
                EscapeProblemKind::InvalidUnicode(digits) => (
                    format!("invalid unicode escape `\\u{{{digits}}}`"),
                    "write `\\u{…}` with 1 to 6 hex digits naming a Unicode scalar value, such as `\\u{e9}`".into(),
                ),
                EscapeProblemKind::UnicodeWithoutBraces => (
                    "invalid unicode escape: `\\u` must be followed by `{…}`".into(),
                    "write a unicode escape as `\\u{e9}`, with 1 to 6 hex digits".into(),
                ),
                EscapeProblemKind::Unknown(other) => (
                    format!("unknown character escape `\\{}`", other.escape_debug()),
                    "a regex is written as a raw string, where `\\` needs no escape: `regex r\"…\"`; a backslash in a quoted string is `\\\\`".into(),
                ),
            };
            let mut diagnostic = Diagnostic::new(Kind::Syntax, span, message).with_help(help);
            if matches!(problem.kind, EscapeProblemKind::Unknown(_)) {
                diagnostic = diagnostic.with_label("unknown escape");
            }
            self.error(diagnostic);
        }
        unescaped.value
    }

    pub(super) fn duration(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<u64> {
        let span = span_of(p, off);
        let text = p.as_str();
        let digits_len = text.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, unit) = text.split_at_checked(digits_len).unwrap_or((text, ""));
        let factor = match unit {
            "" | "s" => Some(1u64),
            "m" => Some(60),
            "h" => Some(3600),
            "d" => Some(86_400),
            _ => None,
        };
        let value = if text.starts_with('-') {
            Err(format!("a duration cannot be negative: `{text}`"))
        } else if let (false, Some(factor)) = (digits.is_empty(), factor) {
            digits
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(factor))
                .ok_or_else(|| format!("the duration `{text}` is too long"))
        } else {
            Err(format!("`{text}` is not a duration"))
        };
        self.number(value, span, Kind::InvalidDuration, HELP_DURATION)
    }

    pub(super) fn status(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<u64> {
        let span = span_of(p, off);
        let text = p.as_str();
        let value = if text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u64>()
                .map_err(|_| format!("the status code `{text}` is too large"))
        } else {
            Err(format!("`{text}` is not a status code"))
        };
        self.number(
            value,
            span,
            Kind::InvalidStatus,
            "write a status code from 200 to 299, such as `204`",
        )
    }

    /// A number read at `span`; when it could not be read, its error (a
    /// `kind` with this message and `help`) and 0.
    fn number(
        &mut self,
        value: Result<u64, String>,
        span: Span,
        kind: Kind,
        help: &str,
    ) -> Spanned<u64> {
        match value {
            Ok(v) => Spanned::new(v, span),
            Err(message) => {
                self.error(Diagnostic::new(kind, span, message).with_help(help));
                Spanned::new(0, span)
            }
        }
    }
}
