//! [`ast::File`] → canonical text.
//!
//! The canonical form: policies separated by one blank line, one statement a
//! line indented by four spaces, in the order written, with one blank line
//! kept where the source had one or more between two statements; lists as
//! `a, b, c`; names that are bare tokens written bare, anything else as a
//! string; regexes as raw strings whenever a raw string can hold them;
//! durations in the largest unit that divides them exactly. Comments are kept
//! as written, each where the AST put it: on lines of their own before
//! `policy`, a statement or `}`, or after a line's last token on that line.
//! A comment on a line of its own is followed by one blank line where the
//! source had one or more ([`ast::Comment::blank_line_after`]) — except the
//! last one before `}` and the last one of the file, which never are. The
//! comments before `}` are set apart from the last statement by one blank
//! line where the source had one or more
//! ([`ast::Policy::blank_line_before_closing_comments`]); there is none
//! after `{`, nor before `}` when no comment precedes it.

use std::fmt::Write as _;

use crate::ast::{self, Comment, Item, OriginExpr, StatementKind};

const INDENT: &str = "    ";

/// Prints `file` in canonical form.
///
/// For every file the parser produces, the output parses back to an equal
/// AST (`parse(&format(&f)) == Ok(f)`), comments included. A hand-built AST
/// can hold what no text can say — an empty list, no policy at all, a
/// comment that is not one — and then the output does not parse back;
/// [`crate::format_source`] checks this for you.
pub fn format(file: &ast::File) -> String {
    let mut out = String::new();
    for (i, policy) in file.policies.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        own_lines(&mut out, "", &policy.comments.before, Last::BeforeNode);
        out.push_str("policy ");
        out.push_str(&quoted(&policy.name.value));
        out.push_str(" {");
        same_line(&mut out, &policy.comments.after);
        for (j, statement) in policy.statements.iter().enumerate() {
            if j > 0 && statement.blank_line_before {
                out.push('\n');
            }
            own_lines(
                &mut out,
                INDENT,
                &statement.comments.before,
                Last::BeforeNode,
            );
            out.push_str(INDENT);
            statement_text(&mut out, &statement.kind);
            same_line(&mut out, &statement.comments.after);
        }
        if policy.blank_line_before_closing_comments
            && !policy.statements.is_empty()
            && !policy.closing_comments.before.is_empty()
        {
            out.push('\n');
        }
        own_lines(
            &mut out,
            INDENT,
            &policy.closing_comments.before,
            Last::NoBlankLine,
        );
        out.push('}');
        same_line(&mut out, &policy.closing_comments.after);
    }
    if !file.trailing_comments.is_empty() {
        out.push('\n');
        own_lines(&mut out, "", &file.trailing_comments, Last::NoBlankLine);
    }
    out
}

/// What follows the last of a run of comments on lines of their own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// A policy or a statement: a blank line may separate them.
    BeforeNode,
    /// `}` or the end of the file: no blank line, whatever the flag says.
    NoBlankLine,
}

/// Comments each on a line of its own, each followed by a blank line where
/// it has [`Comment::blank_line_after`] (not the last one before [`Last::NoBlankLine`]).
fn own_lines(out: &mut String, indent: &str, comments: &[Comment], last: Last) {
    for (i, c) in comments.iter().enumerate() {
        out.push_str(indent);
        out.push_str(&c.text);
        out.push('\n');
        let is_last = i + 1 == comments.len();
        if c.blank_line_after && !(is_last && last == Last::NoBlankLine) {
            out.push('\n');
        }
    }
}

/// Comments after a line's last token, then the line break.
fn same_line(out: &mut String, comments: &[Comment]) {
    for c in comments {
        out.push(' ');
        out.push_str(&c.text);
    }
    out.push('\n');
}

fn statement_text(out: &mut String, kind: &StatementKind) {
    out.push_str(kind.keyword());
    match kind {
        StatementKind::Paths(paths) => list(out, paths.iter().map(|p| quoted(p))),
        StatementKind::Origins(origins) => list(out, origins.iter().map(|o| origin(o))),
        StatementKind::Methods(items)
        | StatementKind::Headers(items)
        | StatementKind::Expose(items) => {
            list(out, items.iter().map(|i| item(i)));
        }
        StatementKind::Allow(lints) => list(out, lints.iter().map(|l| name(l))),
        StatementKind::Credentials(on) | StatementKind::PrivateNetwork(on) => {
            if !on {
                out.push_str(" false");
            }
        }
        StatementKind::MaxAge(seconds) => {
            out.push(' ');
            out.push_str(&duration(seconds.value));
        }
        StatementKind::PreflightStatus(code) => {
            let _ = write!(out, " {}", code.value);
        }
    }
}

fn list(out: &mut String, items: impl Iterator<Item = String>) {
    for (i, text) in items.enumerate() {
        out.push_str(if i == 0 { " " } else { ", " });
        out.push_str(&text);
    }
}

fn origin(o: &OriginExpr) -> String {
    match o {
        OriginExpr::Any => "*".to_owned(),
        OriginExpr::Null => "null".to_owned(),
        OriginExpr::Literal(s) => quoted(s),
        OriginExpr::Regex(r) => format!("regex {}", regex_string(r)),
    }
}

fn item(i: &Item) -> String {
    match i {
        Item::Any => "*".to_owned(),
        Item::Name(n) => name(n),
    }
}

/// A name bare when it is a bare token, else as a string.
fn name(n: &str) -> String {
    if is_bare(n) { n.to_owned() } else { quoted(n) }
}

/// Whether `s` is a bare token as the grammar reads one: an ASCII letter or
/// digit, then letters, digits, `-`, `_` and `.`.
pub(crate) fn is_bare(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `"…"` with the fewest escapes: `"` and `\`, and control characters.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Characters written as `\u{…}`: those that must not reach a terminal
/// ([`crate::is_unsafe_for_terminal`]: controls, and the invisible ones that
/// reorder text), and a zero-width no-break space (so the output reads as it
/// means).
fn needs_escape(c: char) -> bool {
    crate::is_unsafe_for_terminal(c) || c == '\u{FEFF}'
}

/// A regex as a raw string (`r"…"`, or `r#"…"#` with as many `#` as its
/// content needs) when one can hold it, else quoted.
pub(crate) fn regex_string(r: &str) -> String {
    if r.chars().any(needs_escape) {
        return quoted(r);
    }
    // One `#` more than the longest run of `#` after a `"` in the content.
    let needed = r
        .match_indices('"')
        .map(|(i, _)| {
            1 + r
                .get(i + 1..)
                .map_or(0, |t| t.bytes().take_while(|&b| b == b'#').count())
        })
        .max()
        .unwrap_or(0);
    match Some(needed).filter(|&n| n <= 255) {
        Some(n) => {
            let h = "#".repeat(n);
            format!("r{h}\"{r}\"{h}")
        }
        None => quoted(r),
    }
}

/// Seconds in the largest unit that divides them exactly: `7200` → `2h`,
/// `600` → `10m`, `90` → `90s`, `86400` → `1d`, `0` → `0`.
pub(crate) fn duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0".to_owned();
    }
    for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60)] {
        if seconds.is_multiple_of(size) {
            return format!("{}{unit}", seconds / size);
        }
    }
    format!("{seconds}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_exact_unit() {
        assert_eq!(duration(0), "0");
        assert_eq!(duration(90), "90s");
        assert_eq!(duration(600), "10m");
        assert_eq!(duration(7200), "2h");
        assert_eq!(duration(86_400 * 3), "3d");
        assert_eq!(duration(u64::MAX), format!("{}s", u64::MAX));
    }

    #[test]
    fn regexes_get_enough_hashes() {
        assert_eq!(regex_string(r"^a\.b$"), r#"r"^a\.b$""#);
        assert_eq!(regex_string(r#"a"b"#), r##"r#"a"b"#"##);
        assert_eq!(regex_string(r##"a"#b"##), r###"r##"a"#b"##"###);
        assert_eq!(regex_string("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn strings_escape_only_what_they_must() {
        assert_eq!(quoted("a\"b\\c\u{1}é"), "\"a\\\"b\\\\c\\u{1}é\"");
    }
}
