//! Escapes, out and in.
//!
//! Out: terminal safety. Text that comes from a policy file or a request is
//! shown through [`escape_for_terminal`], so that no control byte, ANSI
//! escape sequence or bidirectional override in it reaches the user's
//! terminal. A policy named `"p\u{1b}]0;owned\u{7}\u{1b}[2J"` would otherwise
//! retitle the window and clear the screen when `check` or `explain` prints
//! it; a header value holding `\r` could overwrite the line before it; a
//! `U+202E` could make `moc.live//:sptth` read as something else.
//!
//! In: [`unescape_rust_string`] and [`raw_string_contents`] read the body of
//! a Rust string literal; they are the one decoder of Rust string escapes,
//! used by the parser and by the `cors_policy!` macro.

mod unescape;

use std::borrow::Cow;
use std::fmt::Write as _;

pub use unescape::{
    EscapeProblem, EscapeProblemKind, Unescaped, raw_string_contents, unescape_rust_string,
};

/// Whether `c` must not reach a terminal as it is: every C0 control
/// (`U+0000`–`U+001F`, tab and newline included), `DEL`, every C1 control
/// (`U+0080`–`U+009F`, which some terminals read as `ESC [` and the like), and
/// the bidirectional formatting characters (`U+061C`, `U+200E`, `U+200F`,
/// `U+202A`–`U+202E`, `U+2066`–`U+2069`) and line/paragraph separators
/// (`U+2028`, `U+2029`), which reorder or break what the reader sees.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `s` made safe to print on a terminal: every character for which
/// [`is_unsafe_for_terminal`] holds is written as a Rust escape (`\t`, `\n`,
/// `\r`, `\0`, otherwise `\u{1b}`), so the user sees which byte it was;
/// everything else — backslashes and any printable Unicode included — is kept
/// as it is. Borrows when there is nothing to escape.
///
/// This is the one escaping function of the command line: `check`, `fmt`,
/// `eval`, `explain` and the diagnostic renderer all show policy names,
/// origins, header values, paths and source lines through it.
///
/// ```
/// use cors_policy_grammar::escape_for_terminal;
/// assert_eq!(escape_for_terminal("api"), "api");
/// assert_eq!(
///     escape_for_terminal("p\u{1b}]0;x\u{7}\u{1b}[2J"),
///     r"p\u{1b}]0;x\u{7}\u{1b}[2J"
/// );
/// assert_eq!(escape_for_terminal("a\r\nb\tc"), r"a\r\nb\tc");
/// ```
pub fn escape_for_terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped when it is unsafe for a terminal.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    if !is_unsafe_for_terminal(c) {
        out.push(c);
        return;
    }
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// Every character of `src` that has no place in a policy file, as a
/// `syntax` error naming it (`U+001B (ESC)`): the [`is_unsafe_for_terminal`]
/// ones, except tab, line feed and the carriage return of a `\r\n` line end.
/// Written raw, they are invisible in an editor (a NUL, a bidirectional
/// override that makes a string read as something else) or rewrite the
/// terminal of whoever prints the file; inside a string, an escape such as
/// `\u{1b}` says the same thing visibly.
pub(crate) fn control_characters(src: &str) -> Vec<crate::Diagnostic> {
    let bytes = src.as_bytes();
    src.char_indices()
        .filter(|&(i, c)| {
            is_unsafe_for_terminal(c)
                && c != '\t'
                && c != '\n'
                && !(c == '\r' && bytes.get(i + 1) == Some(&b'\n'))
        })
        .map(|(i, c)| {
            let code = u32::from(c);
            let name = control_name(c).map_or(String::new(), |n| format!(" ({n})"));
            crate::Diagnostic::new(
                crate::Kind::Syntax,
                crate::Span::new(i, i + c.len_utf8()),
                format!("the file holds a control character, U+{code:04X}{name}, that no policy text needs"),
            )
            .with_label("here")
            .with_help(format!(
                "delete it; inside a string, write it as the escape `\\u{{{code:x}}}`"
            ))
        })
        .collect()
}

/// The usual name of a control or formatting character.
fn control_name(c: char) -> Option<&'static str> {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
        "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
        "ESC", "FS", "GS", "RS", "US",
    ];
    match c {
        '\u{7f}' => Some("DEL"),
        '\u{9b}' => Some("CSI"),
        '\u{9d}' => Some("OSC"),
        '\u{80}'..='\u{9f}' => Some("a C1 control"),
        '\u{2028}' => Some("line separator"),
        '\u{2029}' => Some("paragraph separator"),
        '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => {
            Some("a bidirectional formatting character, which reorders the text around it")
        }
        c => C0.get(usize::try_from(u32::from(c)).ok()?).copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::{escape_for_terminal, is_unsafe_for_terminal};

    #[test]
    fn printable_text_is_borrowed_unchanged() {
        for s in [
            "",
            "api",
            r"^https://a\.example\.com$",
            "münchen",
            "x y",
            "日本",
        ] {
            assert!(matches!(
                escape_for_terminal(s),
                std::borrow::Cow::Borrowed(b) if b == s
            ));
        }
    }

    #[test]
    fn every_control_and_bidi_character_is_escaped() {
        for c in (0u32..=0x10ffff).filter_map(char::from_u32) {
            let escaped = escape_for_terminal(&c.to_string()).into_owned();
            if is_unsafe_for_terminal(c) {
                assert!(escaped.starts_with('\\'), "{c:?} -> {escaped:?}");
                assert!(
                    escaped.chars().all(|e| e.is_ascii_graphic()),
                    "{c:?} -> {escaped:?}"
                );
            } else {
                assert_eq!(escaped, c.to_string());
            }
        }
        for c in [
            '\u{1b}', '\u{7}', '\u{7f}', '\u{9b}', '\u{202e}', '\u{2066}', '\n',
        ] {
            assert!(is_unsafe_for_terminal(c), "{c:?}");
        }
    }

    #[test]
    fn control_characters_in_a_file_are_named() {
        let found = super::control_characters("a\0b\u{1b}[2J\t\r\n\rx\u{202e}");
        let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("U+0000 (NUL)"), "{messages:?}");
        assert!(messages[1].contains("U+001B (ESC)"), "{messages:?}");
        assert!(messages[2].contains("U+000D (CR)"), "{messages:?}");
        assert!(
            messages[3].contains("U+202E (a bidirectional"),
            "{messages:?}"
        );
        assert_eq!(found[1].span, crate::Span::new(3, 4));
        assert!(super::control_characters("policy \"a\" {\r\n\t}\n").is_empty());
    }

    #[test]
    fn escapes_name_the_byte() {
        assert_eq!(escape_for_terminal("a\0b"), r"a\0b");
        assert_eq!(escape_for_terminal("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(escape_for_terminal("\u{202e}moc"), r"\u{202e}moc");
        assert_eq!(escape_for_terminal("\u{7f}"), r"\u{7f}");
    }
}
