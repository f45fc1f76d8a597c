//! Writing to stdout and stderr without panicking (a closed pipe is not a
//! crash), and the command's own error messages.

use std::io::Write;

use cors_policy_grammar::{escape_for_terminal, is_unsafe_for_terminal};

/// Writes `text` to stdout. A closed pipe (`cors-policy … | head`) is not an
/// error worth reporting: the reader has what it wanted.
pub(crate) fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Writes `text` to stderr.
pub(crate) fn stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// Prints `error: MESSAGE` on stderr, with an optional `help:` line; both
/// may quote the user's input, so both are shown through
/// [`escape_for_terminal`].
pub(crate) fn error(message: &str, help: Option<&str>) {
    let mut text = format!("error: {}\n", escape_for_terminal(message));
    if let Some(help) = help {
        text.push_str(&format!("  = help: {}\n", escape_for_terminal(help)));
    }
    stderr(&text);
}

/// A serialized JSON document with every character that must not reach a
/// terminal ([`is_unsafe_for_terminal`]) written as a JSON `\uXXXX` escape.
/// `serde_json` escapes only those below U+0020; DEL, the C1 controls and the
/// bidirectional overrides would reach the terminal raw. Such characters
/// occur only inside JSON strings, where the escape means the same string,
/// so the document's content is unchanged.
pub(crate) fn json_terminal_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_unsafe_for_terminal(c) {
            // Every such character is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` ending in exactly one newline (empty stays empty).
pub(crate) fn with_newline(text: &str) -> String {
    let trimmed = text.trim_end_matches('\n');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

/// `n thing` / `n things`.
pub(crate) fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// A JSON object with its keys in the order given, safe to print on a
/// terminal ([`json_terminal_safe`]) (the command-line contract
/// documents them in an order; `serde_json`'s map would sort them).
pub(crate) fn json_object(pairs: &[(&str, serde_json::Value)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}:{value}", serde_json::Value::from(*key)))
        .collect();
    json_terminal_safe(&format!("{{{}}}", fields.join(",")))
}
