//! Splitting a pasted command line into words, as the shell it was copied
//! for would: DevTools' "Copy as cURL (bash)" quotes for a POSIX shell (with
//! `$'…'` for control bytes and `!`), "Copy as cURL (cmd)" for Windows'
//! `cmd.exe` (`^"…^"`, `^` before anything unusual).

/// Which shell's quoting a pasted command uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `'…'`, `"…"`, `$'…'`, `\` escapes, `\` + newline continues a line.
    Posix,
    /// `cmd.exe` then the C runtime: `^` escapes the next character (a `^`
    /// at the end of a line continues it), `"` quotes, `\"` is a quote.
    Cmd,
}

/// Guesses the dialect: DevTools' cmd form quotes with `^"` and continues
/// lines with ` ^`.
pub(crate) fn dialect_of(command: &str) -> Dialect {
    if command.contains("^\"") || command.contains(" ^\n") || command.contains(" ^\r\n") {
        Dialect::Cmd
    } else {
        Dialect::Posix
    }
}

/// The words of `command`. The error names what is unfinished.
pub(crate) fn split(command: &str, dialect: Dialect) -> Result<Vec<String>, String> {
    match dialect {
        Dialect::Posix => split_posix(command),
        Dialect::Cmd => split_cmd(command),
    }
}

fn split_posix(command: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(next) => {
                    word.push(next);
                    in_word = true;
                }
                None => return Err("the command ends with a lone `\\`".into()),
            },
            '\'' | '"' => {
                in_word = true;
                quoted(&mut chars, &mut word, c)?;
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                in_word = true;
                ansi_c(&mut chars, &mut word)?;
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// The body of bash's `$'…'` (ANSI-C quoting), after the opening quote.
fn ansi_c(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    word: &mut String,
) -> Result<(), String> {
    loop {
        match chars.next() {
            Some('\'') => return Ok(()),
            Some('\\') => {
                let Some(e) = chars.next() else {
                    return Err("a `$'` quote is not closed".into());
                };
                match e {
                    'n' => word.push('\n'),
                    'r' => word.push('\r'),
                    't' => word.push('\t'),
                    'a' => word.push('\u{7}'),
                    'b' => word.push('\u{8}'),
                    'e' | 'E' => word.push('\u{1b}'),
                    'f' => word.push('\u{c}'),
                    'v' => word.push('\u{b}'),
                    'x' => word.push(hex_escape(chars, 2)?),
                    'u' => word.push(hex_escape(chars, 4)?),
                    'U' => word.push(hex_escape(chars, 8)?),
                    '0'..='7' => {
                        let mut value = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|d| d.to_digit(8)) {
                                Some(d) => {
                                    value = value * 8 + d;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        word.push(char::from_u32(value).unwrap_or('\u{fffd}'));
                    }
                    other => word.push(other),
                }
            }
            Some(c) => word.push(c),
            None => return Err("a `$'` quote is not closed".into()),
        }
    }
}

fn hex_escape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    max: usize,
) -> Result<char, String> {
    let mut value = 0u32;
    let mut digits = 0;
    while digits < max {
        match chars.peek().and_then(|d| d.to_digit(16)) {
            Some(d) => {
                value = value * 16 + d;
                digits += 1;
                chars.next();
            }
            None => break,
        }
    }
    if digits == 0 {
        return Err("a `\\x` or `\\u` escape without hex digits".into());
    }
    Ok(char::from_u32(value).unwrap_or('\u{fffd}'))
}

/// The rest of a POSIX quoted string opened by `quote`, onto `word`:
/// nothing is special inside `'…'`; inside `"…"` a backslash escapes
/// `"`, `\\`, `$`, `` ` `` and a line end, and is kept before anything else.
fn quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    word: &mut String,
    quote: char,
) -> Result<(), String> {
    let unclosed = || format!("a `{quote}` quote is not closed");
    loop {
        match chars.next() {
            Some(c) if c == quote => return Ok(()),
            Some('\\') if quote == '"' => match chars.next() {
                Some(e @ ('"' | '\\' | '$' | '`')) => word.push(e),
                Some('\n') => {}
                Some(other) => {
                    word.push('\\');
                    word.push(other);
                }
                None => return Err(unclosed()),
            },
            Some(inner) => word.push(inner),
            None => return Err(unclosed()),
        }
    }
}

fn split_cmd(command: &str) -> Result<Vec<String>, String> {
    // cmd.exe's pass: `^` escapes the next character; `^` before a line end
    // continues the line (DevTools writes a line break inside a value as
    // `^` + two line ends: the escaped one is kept).
    let mut unescaped = String::with_capacity(command.len());
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '^' {
            unescaped.push(c);
            continue;
        }
        match chars.next() {
            Some('\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                if chars.peek() == Some(&'\r') {
                    chars.next();
                }
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    unescaped.push('\u{0}');
                }
            }
            Some('\n') => {
                if chars.peek() == Some(&'\r') {
                    chars.next();
                }
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    unescaped.push('\u{0}');
                }
            }
            Some(next) => unescaped.push(next),
            None => return Err("the command ends with a lone `^`".into()),
        }
    }
    // The C runtime's pass: `"` toggles quoting, `\"` is a quote, `\\` a
    // backslash; the placeholder left above is an escaped line break.
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quoted = false;
    let mut chars = unescaped.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{0}' => {
                word.push('\n');
                in_word = true;
            }
            ' ' | '\t' | '\n' | '\r' if !quoted => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            '\\' if matches!(chars.peek(), Some('"' | '\\')) => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
                in_word = true;
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if quoted {
        return Err("a `\"` quote is not closed".into());
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posix(s: &str) -> Vec<String> {
        split(s, Dialect::Posix).unwrap()
    }

    #[test]
    fn posix_quotes_continuations_and_ansi_c() {
        assert_eq!(
            posix("curl 'https://a.example/x?y=1' \\\n  -H 'origin: https://b.example'"),
            [
                "curl",
                "https://a.example/x?y=1",
                "-H",
                "origin: https://b.example"
            ]
        );
        assert_eq!(posix(r#"a "b \"c\" \$d" e\ f"#), ["a", "b \"c\" $d", "e f"]);
        assert_eq!(
            posix(r#"--data-raw $'{\"a\":\"it\'s\\n\u0021\x41\'}'"#),
            ["--data-raw", "{\"a\":\"it's\\n!A'}"]
        );
        assert_eq!(posix("$'a\\tb' ''"), ["a\tb", ""]);
        assert!(split("'open", Dialect::Posix).is_err());
        assert!(split("\"open", Dialect::Posix).is_err());
        assert!(split("$'open", Dialect::Posix).is_err());
        assert!(split("end\\", Dialect::Posix).is_err());
    }

    #[test]
    fn cmd_carets_and_backslash_quotes() {
        let command = "curl ^\"https://a.example/x^\" ^\n  -H ^\"origin: https://b.example^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"";
        assert_eq!(dialect_of(command), Dialect::Cmd);
        assert_eq!(
            split(command, Dialect::Cmd).unwrap(),
            [
                "curl",
                "https://a.example/x",
                "-H",
                "origin: https://b.example",
                "--data-raw",
                "{\"a\":1}"
            ]
        );
        assert_eq!(
            split("x ^\"a^\n\nb^\"", Dialect::Cmd).unwrap(),
            ["x", "a\nb"]
        );
        assert!(split("^\"open", Dialect::Cmd).is_err());
        assert!(split("end^", Dialect::Cmd).is_err());
        assert_eq!(dialect_of("curl 'x'"), Dialect::Posix);
    }
}
