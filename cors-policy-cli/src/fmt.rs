//! `cors-policy fmt FILE…`: the canonical form of policy files.

use cors_policy_grammar::RenderOptions;

use crate::color::ColorChoice;
use crate::input::{self, Source};
use crate::output;
use crate::{FmtArgs, Status};

/// Runs `fmt`.
pub(crate) fn run(args: &FmtArgs, color: ColorChoice) -> Status {
    let options = RenderOptions {
        color: color.stderr_colored(),
    };
    if args.write && args.files.iter().any(|p| input::is_stdin(p)) {
        output::error(
            "`--write` cannot rewrite standard input",
            Some("pass a file path, or drop `--write`"),
        );
        return Status::Usage;
    }
    let several = args.files.len() > 1;
    let mut status = Status::Ok;
    let mut first = true;
    for path in &args.files {
        let source = match input::read(path) {
            Ok(source) => source,
            Err(message) => {
                output::error(&message, None);
                status = status.max(Status::Usage);
                continue;
            }
        };
        let formatted = match format(&source, &options) {
            Ok(formatted) => formatted,
            Err(rendered) => {
                output::stderr(&rendered);
                status = status.max(Status::Failed);
                continue;
            }
        };
        let changed = formatted.as_bytes() != source.bytes.as_slice();
        // The canonical form does not keep comments: never drop them silently.
        let comments = changed && std::str::from_utf8(&source.bytes).is_ok_and(has_comments);
        if args.check {
            if changed {
                let also = if comments {
                    " (and drop its comments)"
                } else {
                    ""
                };
                output::stderr(&format!("would reformat `{}`{also}\n", source.name));
                status = status.max(Status::Failed);
            }
        } else if args.write {
            if comments {
                output::error(
                    &format!(
                        "not rewriting `{}`: it has comments, and the canonical form does not keep them",
                        source.name
                    ),
                    Some(
                        "format it to stdout (`cors-policy fmt FILE`) and copy what you need, or remove the comments first",
                    ),
                );
                status = status.max(Status::Failed);
            } else if changed {
                match input::write_atomic(path, formatted.as_bytes()) {
                    Ok(()) => output::stderr(&format!("reformatted `{}`\n", source.name)),
                    Err(message) => {
                        output::error(&message, None);
                        status = status.max(Status::Usage);
                    }
                }
            }
        } else {
            // Several files on stdout: each under a comment naming it, which
            // keeps the whole output a valid policy text.
            let mut text = String::new();
            if several {
                if !first {
                    text.push('\n');
                }
                text.push_str(&format!("// {}\n", source.name));
            }
            text.push_str(&formatted);
            output::stdout(&text);
            first = false;
            if comments {
                output::stderr(&format!(
                    "warning: the canonical form of `{}` leaves out its comments\n",
                    source.name
                ));
            }
        }
    }
    status
}

/// The canonical text of `source`, or its rendered syntax errors.
fn format(source: &Source, options: &RenderOptions) -> Result<String, String> {
    let text = match std::str::from_utf8(&source.bytes) {
        Ok(text) => text,
        Err(_) => {
            let checked = cors_policy_grammar::check_bytes(&source.bytes);
            return Err(rendered(
                &checked.diagnostics,
                &source.text_lossy(),
                &source.name,
                options,
            ));
        }
    };
    cors_policy_grammar::format_source(text)
        .map_err(|diagnostics| rendered(&diagnostics, text, &source.name, options))
}

fn rendered(
    diagnostics: &[cors_policy_grammar::Diagnostic],
    src: &str,
    name: &str,
    options: &RenderOptions,
) -> String {
    let text = output::with_newline(&cors_policy_grammar::render_all(
        diagnostics,
        src,
        name,
        options,
    ));
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    format!(
        "{text}\n{} in `{name}`: not formatted\n",
        output::plural(errors, "error")
    )
}

/// Whether a policy text that parses has a `//` or `/* */` comment outside
/// its string literals (`"…"` with escapes, raw `r#"…"#`).
fn has_comments(src: &str) -> bool {
    let bytes = src.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    let mut i = 0;
    while let Some(b) = at(i) {
        match b {
            b'/' if matches!(at(i + 1), Some(b'/' | b'*')) => return true,
            b'"' => {
                i += 1;
                while let Some(c) = at(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
                i += 1;
            }
            b'r' if !i.checked_sub(1).and_then(at).is_some_and(is_word_byte) => {
                let hashes = bytes
                    .get(i + 1..)
                    .map_or(0, |rest| rest.iter().take_while(|&&c| c == b'#').count());
                if at(i + 1 + hashes) == Some(b'"') {
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    let body_start = i + 2 + hashes;
                    let body = bytes.get(body_start..).unwrap_or(&[]);
                    match body
                        .windows(close.len())
                        .position(|w| w == close.as_slice())
                    {
                        Some(end) => i = body_start + end + close.len(),
                        None => return false,
                    }
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    false
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::has_comments;

    #[test]
    fn comments_are_found_outside_strings_only() {
        assert!(has_comments("// top\npolicy \"p\" { origins * }"));
        assert!(has_comments("policy \"p\" { origins * /* inline */ }"));
        assert!(!has_comments("policy \"p\" { paths \"/a//b\" origins * }"));
        assert!(!has_comments("policy \"a\\\"//\" { origins * }"));
        assert!(!has_comments(
            "policy \"p\" { origins regex r#\"^https://a\\.b\"//\"# }"
        ));
        assert!(has_comments(
            "policy \"p\" { origins regex r\"^https://a$\" } // end"
        ));
        assert!(!has_comments(
            "policy \"p\" { headers x-r#y, authorization origins * }"
        ));
    }
}
