//! Writing to stdout and stderr without panicking (a closed pipe is not a
//! crash), and the command's own error messages.

use std::io::Write;

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

/// Prints `error: MESSAGE` on stderr, with an optional `help:` line.
pub(crate) fn error(message: &str, help: Option<&str>) {
    let mut text = format!("error: {message}\n");
    if let Some(help) = help {
        text.push_str(&format!("  = help: {help}\n"));
    }
    stderr(&text);
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

/// A JSON object with its keys in the order given (the command-line contract
/// documents them in an order; `serde_json`'s map would sort them).
pub(crate) fn json_object(pairs: &[(&str, serde_json::Value)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{}:{value}", serde_json::Value::from(*key)))
        .collect();
    format!("{{{}}}", fields.join(","))
}
