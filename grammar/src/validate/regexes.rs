//! `regex "…"` origins: compile with the engine's own crate, bounded, and look
//! for the classic unescaped `.`.

use regex::{Regex, RegexBuilder};

/// The compiled-size limit for one origin regex (1 MiB): a pattern above it is
/// rejected rather than allowed to blow up compile time or memory.
pub(crate) const SIZE_LIMIT: usize = 1 << 20;

/// Why a regex is rejected: the message and the help line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RegexError {
    pub(crate) message: String,
    pub(crate) help: String,
}

/// Compiles `pattern` anchored as the engine anchors it (`^(?:…)$`).
pub(crate) fn compile(pattern: &str) -> Result<Regex, RegexError> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).map_err(|e| {
        let reason = match &e {
            regex_syntax::Error::Parse(e) => e.kind().to_string(),
            regex_syntax::Error::Translate(e) => e.kind().to_string(),
            other => other.to_string(),
        };
        RegexError {
            message: format!("regex `{pattern}` does not compile: {reason}"),
            help: "write a regex in the syntax of the `regex` crate; escape literal characters with `\\`".to_owned(),
        }
    })?;
    if hir.properties().minimum_len() == Some(0) {
        return Err(RegexError {
            message: format!("regex `{pattern}` can match the empty string"),
            help: "make it match whole origins only, e.g. `regex r\"^https://[a-z0-9-]+\\.example\\.com$\"`".to_owned(),
        });
    }
    RegexBuilder::new(&format!("^(?:{pattern})$")).size_limit(SIZE_LIMIT).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => RegexError {
            message: format!("regex `{}` is too large", shorten(pattern)),
            help: format!(
                "the compiled regex must stay under {} KiB: split it into several `regex` entries, or list the origins",
                SIZE_LIMIT >> 10
            ),
        },
        other => RegexError {
            message: format!("regex `{pattern}` does not compile: {}", first_line(&other.to_string())),
            help: "write a regex in the syntax of the `regex` crate".to_owned(),
        },
    })
}

fn first_line(s: &str) -> &str {
    s.lines().last().unwrap_or(s).trim_start_matches("error: ")
}

/// At most 60 characters of `s`, for messages about huge patterns.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}

/// The byte offsets of every unescaped `.` after the first `://` that is
/// outside a character class and not followed by a quantifier.
pub(crate) fn loose_dots(pattern: &str) -> Vec<usize> {
    let Some(start) = pattern.find("://") else {
        return Vec::new();
    };
    let mut dots = Vec::new();
    let mut class_depth = 0usize;
    let mut chars = pattern
        .char_indices()
        .skip_while(|&(i, _)| i < start + 3)
        .peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => {
                class_depth += 1;
                // `[]…]` and `[^]…]`: a `]` right at the start is literal.
                if chars.peek().is_some_and(|&(_, c)| c == '^') {
                    chars.next();
                }
                if chars.peek().is_some_and(|&(_, c)| c == ']') {
                    chars.next();
                }
            }
            ']' if class_depth > 0 => class_depth -= 1,
            '.' if class_depth == 0 => {
                let quantified = chars
                    .peek()
                    .is_some_and(|&(_, c)| matches!(c, '*' | '+' | '?' | '{'));
                if !quantified {
                    dots.push(i);
                }
            }
            _ => {}
        }
    }
    dots
}

/// `pattern` with each of `dots` escaped.
pub(crate) fn escape_dots(pattern: &str, dots: &[usize]) -> String {
    let mut out = String::with_capacity(pattern.len() + dots.len());
    for (i, c) in pattern.char_indices() {
        if dots.contains(&i) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_or_says_why() {
        assert!(compile(r"^https://pr-[0-9]+\.preview\.example\.dev$").is_ok());
        let e = compile("https://(a").unwrap_err();
        assert_eq!(
            e.message,
            "regex `https://(a` does not compile: unclosed group"
        );
        let e = compile("a|").unwrap_err();
        assert!(e.message.contains("can match the empty string"), "{e:?}");
        assert!(compile("(?:)").is_err());
        assert!(compile("x*").is_err());
        let e = compile(r"https://\w{1000}\w{1000}\w{1000}").unwrap_err();
        assert!(e.message.contains("is too large"), "{e:?}");
    }

    #[test]
    fn finds_loose_dots() {
        assert_eq!(loose_dots(r"^https://app.example\.com$"), vec![12]);
        assert!(loose_dots(r"^https://app\.example\.com$").is_empty());
        assert!(loose_dots(r"^https://.*\.example\.com$").is_empty());
        assert!(loose_dots(r"^https://[a.z]+\.example\.com$").is_empty());
        assert!(loose_dots(r"^https://[].]x\.com$").is_empty());
        assert!(loose_dots(r"^https://a.+\.com$").is_empty());
        assert!(loose_dots(r"^https://a.{2}\.com$").is_empty());
        assert!(
            loose_dots(r"^https?.example.com").is_empty(),
            "no `://`: nothing to say"
        );
        assert_eq!(
            escape_dots("https://a.b.c", &loose_dots("https://a.b.c")),
            r"https://a\.b\.c"
        );
    }
}
