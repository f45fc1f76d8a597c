//! `cors-policy fmt FILE…`: the canonical form of policy files.

use cors_policy_grammar::RenderOptions;

use crate::cli::{FmtArgs, Status};
use crate::color::ColorChoice;
use crate::input;
use crate::output;

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
        if args.write
            && let Err((message, help)) = input::check_rewritable(path)
        {
            output::error(&message, Some(help));
            status = status.max(Status::Usage);
            continue;
        }
        let Some(source) = input::read_or_report(path) else {
            status = status.max(Status::Usage);
            continue;
        };
        let Ok(text) = std::str::from_utf8(&source.bytes) else {
            // Not a policy file at all (a wrong path, a binary): a usage
            // error, as for a file that cannot be read.
            let checked = cors_policy_grammar::check_bytes(&source.bytes);
            let at = checked.diagnostics.first().map_or(0, |d| d.span.start);
            let text = source.text_lossy();
            let (line, column) = cors_policy_grammar::span::line_col(&text, at);
            output::error(
                &format!(
                    "cannot format `{}`: it is not UTF-8 text (byte 0x{:02X} at line {line}, column {column})",
                    source.name,
                    source.bytes.get(at).copied().unwrap_or(0),
                ),
                Some("save the policy file as UTF-8; the file was left as it is"),
            );
            status = status.max(Status::Usage);
            continue;
        };
        let formatted = match cors_policy_grammar::format_source(text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                output::stderr(&rendered(&diagnostics, text, &source.name, &options));
                status = status.max(Status::Failed);
                continue;
            }
        };
        // The canonical form keeps comments (`format_source` refuses any
        // output that would not parse back to the same AST, comments included).
        let changed = formatted.as_bytes() != source.bytes.as_slice();
        if args.check {
            if changed {
                output::stderr(&format!("would reformat `{}`\n", source.name));
                status = status.max(Status::Failed);
            }
        } else if args.write {
            if changed {
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
        }
    }
    status
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
