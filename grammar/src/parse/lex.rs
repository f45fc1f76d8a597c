//! A small token scanner that agrees with `cors.pest` on what is a token,
//! whitespace or comment. The driver uses it to split a file into policy
//! blocks, to find where to resume after an error, to describe what was found
//! where something else was expected, and to bound block-comment nesting
//! before pest (whose comment rule recurses) ever sees the text.

use crate::{Diagnostic, Kind, Span};

/// Deepest block-comment nesting accepted (pest recurses once a level).
pub(super) const MAX_COMMENT_DEPTH: usize = 64;

/// Rust limits raw-string delimiters to 255 `#`.
const MAX_RAW_HASHES: usize = 255;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TokKind {
    /// A run of `A-Z a-z 0-9 _ - .`: a keyword, a bare token, a number, a duration.
    Word,
    /// `"…"`.
    Quoted,
    /// `r"…"`, `r#"…"#`, …
    Raw,
    Star,
    Comma,
    Semi,
    LBrace,
    RBrace,
    /// Any other character.
    Other,
    /// The end of the text (or of the part being looked at).
    End,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Tok {
    pub(super) kind: TokKind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Whether a line break separates this token from the previous one.
    pub(super) newline_before: bool,
}

impl Tok {
    pub(super) fn text(self, src: &str) -> &str {
        src.get(self.start..self.end).unwrap_or("")
    }

    pub(super) fn span(self) -> Span {
        Span::new(self.start, self.end)
    }
}

pub(super) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Rust's non-ASCII whitespace (Pattern_White_Space), as in `cors.pest`.
fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\u{85}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
    )
}

/// The token starting at or after `pos`, skipping whitespace and comments.
/// Errors: an unterminated string or comment, or comments nested too deep.
pub(super) fn next(src: &str, pos: usize) -> Result<Tok, Diagnostic> {
    let bytes = src.as_bytes();
    let mut i = pos;
    let mut newline_before = false;
    // A byte-order mark at the very start is not part of the text, as in Rust.
    if i == 0 && src.starts_with('\u{FEFF}') {
        i = 3;
    }
    loop {
        let Some(&b) = bytes.get(i) else {
            return Ok(Tok {
                kind: TokKind::End,
                start: src.len(),
                end: src.len(),
                newline_before,
            });
        };
        match b {
            b'\n' => {
                newline_before = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' | 0x0B | 0x0C => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr_newline(bytes, i);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = skip_block_comment(bytes, i)?;
                if bytes.get(i..end).is_some_and(|c| c.contains(&b'\n')) {
                    newline_before = true;
                }
                i = end;
            }
            _ if b >= 0x80 => {
                let c = src
                    .get(i..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{FFFD}');
                if is_unicode_space(c) {
                    if c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' {
                        newline_before = true;
                    }
                    i += c.len_utf8();
                } else {
                    return Ok(tok(TokKind::Other, i, i + c.len_utf8(), newline_before));
                }
            }
            _ => return token_at(src, i, newline_before),
        }
    }
}

fn tok(kind: TokKind, start: usize, end: usize, newline_before: bool) -> Tok {
    Tok {
        kind,
        start,
        end,
        newline_before,
    }
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |p| from + p)
}

/// Skips a (nested) block comment starting at `start` (at `/*`); returns the
/// offset after its final `*/`.
fn skip_block_comment(bytes: &[u8], start: usize) -> Result<usize, Diagnostic> {
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        let pair = (bytes.get(i).copied(), bytes.get(i + 1).copied());
        match pair {
            (Some(b'/'), Some(b'*')) => {
                depth += 1;
                if depth > MAX_COMMENT_DEPTH {
                    return Err(Diagnostic::new(
                        Kind::Syntax,
                        Span::new(i, i + 2),
                        format!("block comments nested more than {MAX_COMMENT_DEPTH} deep"),
                    )
                    .with_label("too deep")
                    .with_help("close the inner comments with `*/`, or use `//` line comments"));
                }
                i += 2;
            }
            (Some(b'*'), Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
    Err(Diagnostic::new(
        Kind::Syntax,
        Span::new(start, start + 2),
        "unterminated block comment",
    )
    .with_label("this comment is never closed")
    .with_help("close it with `*/` (block comments nest: each `/*` needs its own `*/`)"))
}

fn token_at(src: &str, i: usize, nl: bool) -> Result<Tok, Diagnostic> {
    let bytes = src.as_bytes();
    let b = bytes.get(i).copied().unwrap_or(0);
    let single = |kind| Ok(tok(kind, i, i + 1, nl));
    match b {
        b'"' => quoted_end(bytes, i + 1)
            .map(|end| tok(TokKind::Quoted, i, end, nl))
            .ok_or_else(|| {
                Diagnostic::new(Kind::Syntax, Span::new(i, i + 1), "unterminated string")
                    .with_label("this string is never closed")
                    .with_help("end the string with `\"`; a `\"` inside a string is written `\\\"`")
            }),
        b'r' if raw_start(bytes, i).is_some() => {
            let hashes = raw_start(bytes, i).unwrap_or(0);
            if hashes > MAX_RAW_HASHES {
                return Err(Diagnostic::new(
                    Kind::Syntax,
                    Span::new(i, i + 1 + hashes),
                    format!("too many `#` around a raw string ({hashes})"),
                )
                .with_help("a raw string may be delimited by up to 255 `#`"));
            }
            raw_end(bytes, i + 2 + hashes, hashes)
                .map(|end| tok(TokKind::Raw, i, end, nl))
                .ok_or_else(|| {
                    let closing = format!("\"{}", "#".repeat(hashes));
                    Diagnostic::new(
                        Kind::Syntax,
                        Span::new(i, i + 2 + hashes),
                        "unterminated raw string",
                    )
                    .with_label("this string is never closed")
                    .with_help(format!("end the raw string with `{closing}`"))
                })
        }
        b'*' => single(TokKind::Star),
        b',' => single(TokKind::Comma),
        b';' => single(TokKind::Semi),
        b'{' => single(TokKind::LBrace),
        b'}' => single(TokKind::RBrace),
        _ if is_word_byte(b) => {
            let len = bytes.get(i..).map_or(0, |rest| {
                rest.iter().take_while(|&&c| is_word_byte(c)).count()
            });
            Ok(tok(TokKind::Word, i, i + len, nl))
        }
        _ => Ok(tok(TokKind::Other, i, i + 1, nl)),
    }
}

/// Offset after the closing quote of a `"…"` whose contents start at `from`.
fn quoted_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The number of `#` when a raw string starts at `i` (at the `r`).
fn raw_start(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = bytes.get(i + 1..)?;
    let hashes = rest.iter().take_while(|&&b| b == b'#').count();
    (rest.get(hashes) == Some(&b'"')).then_some(hashes)
}

/// Offset after the closing `"##…` of a raw string whose contents start at `from`.
fn raw_end(bytes: &[u8], from: usize, hashes: usize) -> Option<usize> {
    let mut i = from;
    while let Some(p) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'"'))
    {
        let quote = i + p;
        let closing = bytes.get(quote + 1..).map_or(0, |rest| {
            rest.iter().take(hashes).take_while(|&&b| b == b'#').count()
        });
        if closing == hashes {
            return Some(quote + 1 + hashes);
        }
        i = quote + 1;
    }
    None
}

/// The comments in `src[from..to]`, a stretch that holds only whitespace and
/// comments (the gap between two tokens, which `next` has already checked).
pub(super) fn comments_in(src: &str, from: usize, to: usize, out: &mut Vec<Span>) {
    let bytes = src.as_bytes();
    let mut i = from;
    while i < to {
        match (bytes.get(i), bytes.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => {
                let end = memchr_newline(bytes, i).min(to);
                out.push(Span::new(i, end));
                i = end;
            }
            (Some(b'/'), Some(b'*')) => {
                let end = skip_block_comment(bytes, i).map_or(to, |e| e.min(to));
                out.push(Span::new(i, end));
                i = end;
            }
            _ => i += 1,
        }
    }
}

/// A short, quoted description of a token for "found …" in messages.
pub(super) fn describe(src: &str, t: Tok) -> String {
    if t.kind == TokKind::End {
        return "the end of the file".to_owned();
    }
    let text = t.text(src);
    let mut shown: String = text.chars().take(32).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    if shown.contains('`') {
        format!("'{shown}'")
    } else {
        format!("`{shown}`")
    }
}
