//! `cors-policy check FILE…`: every diagnostic of every file.

use cors_policy_grammar::span::LineIndex;
use cors_policy_grammar::{Diagnostic, MAX_SHOWN_DIAGNOSTICS, RenderOptions, Severity};
use serde_json::json;

use crate::cli::{CheckArgs, OutputFormat, Status};
use crate::color::ColorChoice;
use crate::input;
use crate::output::{self, plural};

/// Runs `check`.
pub(crate) fn run(args: &CheckArgs, color: ColorChoice) -> Status {
    let options = RenderOptions {
        color: color.stderr_colored(),
    };
    let mut status = Status::Ok;
    let mut json_diagnostics = Vec::new();
    let mut omitted = 0;
    let (mut errors, mut warnings, mut files_with_problems, mut files_checked) = (0, 0, 0, 0);

    for path in &args.files {
        let Some(source) = input::read_or_report(path) else {
            status = status.max(Status::Usage);
            continue;
        };
        files_checked += 1;
        let checked = cors_policy_grammar::check_bytes(&source.bytes);
        let diagnostics = &checked.diagnostics;
        let file_errors = diagnostics.iter().filter(|d| d.is_error()).count();
        let file_warnings = diagnostics.len() - file_errors;
        errors += file_errors;
        warnings += file_warnings;
        if !diagnostics.is_empty() {
            files_with_problems += 1;
        }
        if file_errors > 0 || (args.deny_warnings && file_warnings > 0) {
            status = status.max(Status::Failed);
        }
        let text = source.text_lossy();
        match args.format {
            OutputFormat::Human => {
                let rendered =
                    cors_policy_grammar::render_all(diagnostics, &text, &source.name, &options);
                output::stderr(&separated(&rendered));
            }
            OutputFormat::Json => {
                let lines = LineIndex::new(&text);
                let shown = diagnostics.len().min(MAX_SHOWN_DIAGNOSTICS);
                omitted += diagnostics.len() - shown;
                json_diagnostics.extend(
                    diagnostics
                        .iter()
                        .take(shown)
                        .map(|d| to_json(d, &text, &lines, &source.name)),
                );
            }
        }
    }

    match args.format {
        OutputFormat::Json => {
            // `omitted` is added only when diagnostics were left out, so that
            // the contract's `{"diagnostics":[…]}` is unchanged otherwise.
            let omitted = if omitted > 0 {
                format!(",\"omitted\":{omitted}")
            } else {
                String::new()
            };
            output::stdout(&format!(
                "{{\"diagnostics\":[{}]{omitted}}}\n",
                json_diagnostics.join(",")
            ));
        }
        OutputFormat::Human if files_checked > 0 => {
            output::stderr(&summary(
                errors,
                warnings,
                files_with_problems,
                files_checked,
                args.deny_warnings,
            ));
        }
        OutputFormat::Human => {}
    }
    status
}

/// Rendered diagnostics followed by one blank line, so that the next file's
/// (or the summary) stands apart.
fn separated(rendered: &str) -> String {
    let text = output::with_newline(rendered);
    if text.is_empty() {
        text
    } else {
        format!("{text}\n")
    }
}

/// `2 errors, 1 warning in 1 file`, `no problems in 3 files`.
fn summary(
    errors: usize,
    warnings: usize,
    with_problems: usize,
    checked: usize,
    deny_warnings: bool,
) -> String {
    if errors == 0 && warnings == 0 {
        return format!("no problems in {}\n", plural(checked, "file"));
    }
    let mut counts = Vec::new();
    if errors > 0 {
        counts.push(plural(errors, "error"));
    }
    if warnings > 0 {
        let mut w = plural(warnings, "warning");
        if deny_warnings {
            w.push_str(" (denied)");
        }
        counts.push(w);
    }
    let mut line = format!("{} in {}", counts.join(", "), plural(with_problems, "file"));
    if checked > with_problems {
        line.push_str(&format!(" ({} checked)", plural(checked, "file")));
    }
    line.push('\n');
    line
}

/// One diagnostic in the `--format json` shape of the command-line contract:
/// `file, severity, code, name, line, column, message`, plus `end_line`,
/// `end_column`, `label` and `help`. Strings are JSON-escaped as they are
/// (a control byte is `\u001b` in JSON, never raw).
fn to_json(d: &Diagnostic, src: &str, lines: &LineIndex, file: &str) -> String {
    let (line, column) = lines.line_col(src, d.span.start);
    let (end_line, end_column) = lines.line_col(src, d.span.end);
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    output::json_object(&[
        ("file", json!(file)),
        ("severity", json!(severity)),
        ("code", json!(d.code())),
        ("name", json!(d.name())),
        ("line", json!(line)),
        ("column", json!(column)),
        ("message", json!(d.message)),
        ("end_line", json!(end_line)),
        ("end_column", json!(end_column)),
        ("label", json!(d.label)),
        ("help", json!(d.help)),
    ])
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn summary_counts_in_words() {
        assert_eq!(summary(0, 0, 0, 1, false), "no problems in 1 file\n");
        assert_eq!(
            summary(2, 1, 1, 1, false),
            "2 errors, 1 warning in 1 file\n"
        );
        assert_eq!(
            summary(1, 0, 1, 3, false),
            "1 error in 1 file (3 files checked)\n"
        );
        assert_eq!(
            summary(0, 2, 2, 2, true),
            "2 warnings (denied) in 2 files\n"
        );
    }
}
