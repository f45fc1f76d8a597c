//! Terminal safety: text that comes from a policy file or a request is shown
//! through [`escape_for_terminal`], so that no control byte, ANSI escape
//! sequence or bidirectional override in it reaches the user's terminal.
//!
//! A policy named `"p\u{1b}]0;owned\u{7}\u{1b}[2J"` would otherwise retitle
//! the window and clear the screen when `check` or `explain` prints it; a
//! header value holding `\r` could overwrite the line before it; a `U+202E`
//! could make `moc.live//:sptth` read as something else.

use std::borrow::Cow;
use std::fmt::Write as _;

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
    fn escapes_name_the_byte() {
        assert_eq!(escape_for_terminal("a\0b"), r"a\0b");
        assert_eq!(escape_for_terminal("\u{9b}31m"), r"\u{9b}31m");
        assert_eq!(escape_for_terminal("\u{202e}moc"), r"\u{202e}moc");
        assert_eq!(escape_for_terminal("\u{7f}"), r"\u{7f}");
    }
}
