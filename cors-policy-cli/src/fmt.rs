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
