//! Reading a Rust string literal's body: the one decoder of Rust string
//! escapes (`\n`, `\x41`, `\u{e9}`, line continuations) and raw-string line
//! ends in the workspace.
//!
//! The policy language writes its strings as Rust does, and the
//! `cors_policy!` macro reads Rust literals: both decode here. Each problem is
//! returned with its own position, so that the parser can point at it; what
//! the problem is called in a diagnostic is the parser's business, not this
//! module's.

use crate::Span;

/// A decoded string body: its value, and every problem found in it.
///
/// The value holds what could be decoded; a malformed escape adds nothing to
/// it. With no problem, it is exactly the string the literal means.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unescaped {
    /// The decoded text.
    pub value: String,
    /// The malformed escapes and bare carriage returns, in order, with spans
    /// relative to the start of the body.
    pub problems: Vec<EscapeProblem>,
}

impl Unescaped {
    /// `body` as it is: nothing in it needs decoding.
    fn plain(body: &str) -> Self {
        Unescaped {
            value: body.to_owned(),
            problems: Vec::new(),
        }
    }

    /// An empty result with room for `body`, when `body` holds one of
    /// `special` (else `None`: it is [`Unescaped::plain`]).
    fn to_decode(body: &str, special: &[char]) -> Option<Self> {
        body.contains(special).then(|| Unescaped {
            value: String::with_capacity(body.len()),
            problems: Vec::new(),
        })
    }

    /// The value when there was no problem.
    pub fn ok(self) -> Option<String> {
        self.problems.is_empty().then_some(self.value)
    }
}

/// One problem in a string body, at [`EscapeProblem::span`] (relative to the
/// body's first byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapeProblem {
    /// What is wrong.
    pub kind: EscapeProblemKind,
    /// Where: the whole escape from its `\`, or the carriage return.
    pub span: Span,
}

/// What is wrong with one escape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EscapeProblemKind {
    /// A carriage return not followed by a line feed.
    BareCarriageReturn,
    /// `\x` followed by two hex digits above `7F` (the digits as written).
    HexOutOfRange(String),
    /// `\x` not followed by two hex digits.
    InvalidHex,
    /// `\u{…}` whose digits (as written) are not 1 to 6 hex digits naming a
    /// Unicode scalar value.
    InvalidUnicode(String),
    /// `\u` not followed by `{…}`.
    UnicodeWithoutBraces,
    /// A backslash followed by a character that is no escape.
    Unknown(char),
}

/// Decodes the body of a quoted Rust string (the text between its `"`s):
/// Rust's escapes, `\` at a line end continuing the string after the next
/// line's leading whitespace, CRLF read as LF. Every malformed escape and
/// bare carriage return is a problem with its own span.
///
/// ```
/// use cors_policy_grammar::escape::{EscapeProblemKind, unescape_rust_string};
/// assert_eq!(unescape_rust_string(r"a\tb\u{e9}").ok().as_deref(), Some("a\tb\u{e9}"));
/// let bad = unescape_rust_string(r"a\qb");
/// assert_eq!(bad.value, "ab");
/// assert_eq!(bad.problems[0].kind, EscapeProblemKind::Unknown('q'));
/// assert_eq!(bad.problems[0].span.range(), 1..3);
/// ```
pub fn unescape_rust_string(body: &str) -> Unescaped {
    let Some(mut out) = Unescaped::to_decode(body, &['\\', '\r']) else {
        return Unescaped::plain(body);
    };
    let mut problems = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\r' => {
                if chars.peek().map(|&(_, n)| n) != Some('\n') {
                    problems.push(out_problem(EscapeProblemKind::BareCarriageReturn, i, i + 1));
                }
            }
            '\\' => {
                let Some((j, e)) = chars.next() else { break };
                let esc_end = j + e.len_utf8();
                match e {
                    'n' => out.value.push('\n'),
                    'r' => out.value.push('\r'),
                    't' => out.value.push('\t'),
                    '\\' => out.value.push('\\'),
                    '0' => out.value.push('\0'),
                    '\'' => out.value.push('\''),
                    '"' => out.value.push('"'),
                    '\n' | '\r' => {
                        // A line continuation: skip the line break and the
                        // next line's leading whitespace.
                        while chars
                            .peek()
                            .is_some_and(|&(_, w)| matches!(w, ' ' | '\t' | '\n' | '\r'))
                        {
                            chars.next();
                        }
                    }
                    'x' => {
                        let digits: String =
                            body.get(esc_end..).unwrap_or("").chars().take(2).collect();
                        let value = (digits.len() == 2
                            && digits.bytes().all(|b| b.is_ascii_hexdigit()))
                        .then(|| u8::from_str_radix(&digits, 16).ok())
                        .flatten();
                        match value {
                            Some(v) => {
                                chars.next();
                                chars.next();
                                if v <= 0x7F {
                                    out.value.push(char::from(v));
                                } else {
                                    problems.push(out_problem(
                                        EscapeProblemKind::HexOutOfRange(digits),
                                        i,
                                        esc_end + 2,
                                    ));
                                }
                            }
                            None => {
                                problems.push(out_problem(
                                    EscapeProblemKind::InvalidHex,
                                    i,
                                    esc_end,
                                ));
                            }
                        }
                    }
                    'u' => {
                        let rest = body.get(esc_end..).unwrap_or("");
                        let close = rest
                            .strip_prefix('{')
                            .and_then(|r| r.find('}').filter(|&p| p <= 12));
                        let Some(p) = close else {
                            problems.push(out_problem(
                                EscapeProblemKind::UnicodeWithoutBraces,
                                i,
                                esc_end,
                            ));
                            continue;
                        };
                        let digits = rest.get(1..=p).unwrap_or("");
                        let len = 1 + p + 1; // `{` … `}`
                        for _ in 0..rest.get(..len).map_or(0, |s| s.chars().count()) {
                            chars.next();
                        }
                        match unicode_scalar(digits) {
                            Some(ch) => out.value.push(ch),
                            None => problems.push(out_problem(
                                EscapeProblemKind::InvalidUnicode(digits.to_owned()),
                                i,
                                esc_end + len,
                            )),
                        }
                    }
                    other => {
                        problems.push(out_problem(EscapeProblemKind::Unknown(other), i, esc_end));
                    }
                }
            }
            c => out.value.push(c),
        }
    }
    out.problems = problems;
    out
}

/// The character named by the digits of `\u{…}`: 1 to 6 hex digits, `_`
/// allowed between them (not first).
fn unicode_scalar(digits: &str) -> Option<char> {
    let hex: String = digits.chars().filter(|&c| c != '_').collect();
    (!digits.starts_with('_')
        && (1..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    .then(|| u32::from_str_radix(&hex, 16).ok())
    .flatten()
    .and_then(char::from_u32)
}

/// A problem of `kind` at `start..end` of the body.
fn out_problem(kind: EscapeProblemKind, start: usize, end: usize) -> EscapeProblem {
    EscapeProblem {
        kind,
        span: Span::new(start, end),
    }
}

/// Reads the body of a raw Rust string (between `r#"` and `"#`): as written,
/// but CRLF read as LF; a bare carriage return is a problem, as in rustc.
pub fn raw_string_contents(body: &str) -> Unescaped {
    let Some(mut out) = Unescaped::to_decode(body, &['\r']) else {
        return Unescaped::plain(body);
    };
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\r' {
            out.value.push(c);
        } else if chars.peek().map(|&(_, n)| n) != Some('\n') {
            out.problems
                .push(out_problem(EscapeProblemKind::BareCarriageReturn, i, i + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str) -> Vec<(EscapeProblemKind, std::ops::Range<usize>)> {
        unescape_rust_string(body)
            .problems
            .into_iter()
            .map(|p| (p.kind, p.span.range()))
            .collect()
    }

    #[test]
    fn well_formed_escapes_decode() {
        assert_eq!(
            unescape_rust_string(r#"a\\b\"c\x41\u{e9}\u{1_F600}\'\0\n\r\t"#).ok(),
            Some("a\\b\"cA\u{e9}\u{1F600}'\0\n\r\t".to_owned())
        );
        assert_eq!(
            unescape_rust_string("a\\\n    \t b").ok().as_deref(),
            Some("ab")
        );
        assert_eq!(unescape_rust_string("a\r\nb").ok().as_deref(), Some("a\nb"));
        assert_eq!(unescape_rust_string("plain").ok().as_deref(), Some("plain"));
    }

    #[test]
    fn each_problem_has_its_own_span() {
        use EscapeProblemKind as K;
        assert_eq!(kinds(r"\x80"), [(K::HexOutOfRange("80".into()), 0..4)]);
        assert_eq!(kinds(r"ab\xZ1"), [(K::InvalidHex, 2..4)]);
        assert_eq!(kinds(r"\u{_1}"), [(K::InvalidUnicode("_1".into()), 0..6)]);
        assert_eq!(
            kinds(r"\u{110000}"),
            [(K::InvalidUnicode("110000".into()), 0..10)]
        );
        assert_eq!(kinds(r"\u41"), [(K::UnicodeWithoutBraces, 0..2)]);
        assert_eq!(kinds("a\rb"), [(K::BareCarriageReturn, 1..2)]);
        assert_eq!(
            kinds(r"\q\é"),
            [(K::Unknown('q'), 0..2), (K::Unknown('é'), 2..5)]
        );
        // What follows a bad `\x` is read as text.
        assert_eq!(unescape_rust_string(r"\xZ1").value, "Z1");
    }

    #[test]
    fn raw_contents_read_crlf_as_lf() {
        assert_eq!(raw_string_contents(r"C:\x").ok().as_deref(), Some(r"C:\x"));
        assert_eq!(raw_string_contents("a\r\nb").ok().as_deref(), Some("a\nb"));
        let bare = raw_string_contents("a\rb");
        assert_eq!(bare.value, "ab");
        assert_eq!(bare.problems[0].span.range(), 1..2);
    }
}
