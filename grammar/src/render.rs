//! Diagnostics rendered as rustc renders its own, with the stable name beside
//! the code (the name is what `allow` and `--format json` use):
//! `error[E0006/invalid-origin]: message`, `--> path:line:column`, the source
//! line with a caret under the span and its label, then `= help: …` (and, for
//! a warning, how to silence it).

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use crate::escape::{escape_for_terminal, push_escaped};
use crate::span::LineIndex;
use crate::{Diagnostic, Severity};

/// How to render diagnostics.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours.
    pub color: bool,
}

/// Lines longer than this are shown as a window around the span, so that a
/// huge one-line file renders in constant time.
const LONG_LINE: usize = 1024;
/// Bytes shown on each side of the span in such a window.
const WINDOW: usize = 80;
/// A span over more lines than this is shown on its first line only.
const MAX_SPAN_LINES: usize = 40;

/// Renders one diagnostic against its source, naming `path`.
///
/// Everything shown that comes from the file or the user — the source
/// line, the message, label and help, the path — goes through
/// [`escape_for_terminal`]: a control byte or an
/// ANSI escape in a policy is shown as `\u{1b}`, never sent to the terminal.
pub fn render(diagnostic: &Diagnostic, src: &str, path: &str, options: &RenderOptions) -> String {
    render_with(diagnostic, src, &LineIndex::new(src), path, options)
}

/// [`render`] with the source's line index built once for many diagnostics.
fn render_with(
    diagnostic: &Diagnostic,
    src: &str,
    lines: &LineIndex,
    path: &str,
    options: &RenderOptions,
) -> String {
    let path = escape_for_terminal(path);
    let path = path.as_ref();
    let message = escape_for_terminal(&diagnostic.message);
    let label = diagnostic.label.as_deref().map(escape_for_terminal);
    let help = diagnostic.help.as_deref().map(escape_for_terminal);
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let excerpt = Excerpt::new(src, lines, diagnostic.span.start, diagnostic.span.end);
    let shown = Shown::of(excerpt.text, excerpt.span.clone());
    let mut annotation = AnnotationKind::Primary.span(shown.span.clone());
    if let Some(label) = &label {
        annotation = annotation.label(label.as_ref());
    }
    let mut snippet = Snippet::source(shown.text.as_str())
        .line_start(excerpt.line)
        .annotation(annotation);
    if !excerpt.windowed {
        snippet = snippet.path(path);
    }
    let id = diagnostic.kind.to_string();
    let mut group = level
        .primary_title(message.as_ref())
        .id(id.as_str())
        .element(snippet);
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_ref()));
    }
    if diagnostic.severity == Severity::Warning {
        let name = diagnostic.name();
        group = group.element(Level::NOTE.message(format!(
            "`{name}` is on by default; `allow {name}` in the policy silences it"
        )));
    }
    let mut out = renderer.render(&[group]);
    if excerpt.windowed {
        // The snippet is a window of the line, so its own column would be
        // wrong: the location line is written here from the whole source.
        let (line, column) = lines.line_col(src, diagnostic.span.start);
        let pad = " ".repeat(line.to_string().len());
        let arrow = if options.color {
            "\u{1b}[1m\u{1b}[94m-->\u{1b}[0m"
        } else {
            "-->"
        };
        let location = format!("{pad}{arrow} {path}:{line}:{column}");
        out = match out.split_once('\n') {
            Some((title, rest)) => format!("{title}\n{location}\n{rest}"),
            None => format!("{out}\n{location}"),
        };
    }
    out
}

/// The part of the source a diagnostic shows.
struct Excerpt<'s> {
    text: &'s str,
    /// Line number of `text`'s first line.
    line: usize,
    /// The span, relative to `text`.
    span: std::ops::Range<usize>,
    /// Whether `text` is a window cut out of one long line.
    windowed: bool,
}

impl<'s> Excerpt<'s> {
    fn new(src: &'s str, lines: &LineIndex, start: usize, end: usize) -> Self {
        let start = floor_boundary(src, start.min(src.len()));
        let mut end = floor_boundary(src, end.clamp(start, src.len()));
        let line = lines.line(start);
        let line_start = lines.line_start(line);
        let first_line_end = src
            .get(start..)
            .and_then(|s| s.find('\n'))
            .map_or(src.len(), |i| start + i);
        let spanned_lines = src
            .get(start..end)
            .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count());
        if spanned_lines > MAX_SPAN_LINES {
            end = first_line_end;
        }
        let last_line_end = src
            .get(end..)
            .and_then(|s| s.find('\n'))
            .map_or(src.len(), |i| end + i);
        let mut text_start = line_start;
        let mut text_end = last_line_end;
        let mut windowed = false;
        if last_line_end - line_start > LONG_LINE {
            // One long line (or a span reaching into one): cut a window.
            end = end.min(first_line_end).min(start + LONG_LINE);
            text_start = ceil_boundary(src, start.saturating_sub(WINDOW).max(line_start));
            text_end = floor_boundary(src, (end + WINDOW).min(first_line_end)).max(end);
            windowed = true;
        }
        let end = floor_boundary(src, end);
        Excerpt {
            text: src.get(text_start..text_end).unwrap_or(""),
            line,
            span: start - text_start..end - text_start,
            windowed,
        }
    }
}

fn floor_boundary(src: &str, mut i: usize) -> usize {
    i = i.min(src.len());
    while !src.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(src: &str, mut i: usize) -> usize {
    i = i.min(src.len());
    while !src.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Renders the diagnostics of one file, separated by blank lines: the first
/// [`MAX_SHOWN_DIAGNOSTICS`](crate::limits::MAX_SHOWN_DIAGNOSTICS), then one line
/// that counts the rest (`… and 1200 more diagnostics not shown: 1150
/// errors, 50 warnings`), so that a file with 200,000 problems renders in
/// the time of 200.
pub fn render_all(
    diagnostics: &[Diagnostic],
    src: &str,
    path: &str,
    options: &RenderOptions,
) -> String {
    let lines = LineIndex::new(src);
    let (shown, rest) =
        diagnostics.split_at(diagnostics.len().min(crate::limits::MAX_SHOWN_DIAGNOSTICS));
    let mut out = shown
        .iter()
        .map(|d| render_with(d, src, &lines, path, options))
        .collect::<Vec<_>>()
        .join("\n\n");
    if !rest.is_empty() {
        let errors = rest.iter().filter(|d| d.is_error()).count();
        let warnings = rest.len() - errors;
        out.push_str(&format!(
            "\n\n… and {} more diagnostic{} not shown: {errors} error{}, {warnings} warning{}",
            rest.len(),
            if rest.len() == 1 { "" } else { "s" },
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" },
        ));
    }
    out
}

/// An excerpt as it is shown: control characters escaped (line ends, a
/// `\r\n` included, and tabs kept, which the renderer lays out itself) and
/// the span moved to match.
struct Shown {
    text: String,
    span: std::ops::Range<usize>,
}

impl Shown {
    fn of(text: &str, span: std::ops::Range<usize>) -> Shown {
        if !text
            .chars()
            .any(|c| crate::is_unsafe_for_terminal(c) && !matches!(c, '\n' | '\t' | '\r'))
            && !has_lone_cr(text)
        {
            return Shown {
                text: text.to_owned(),
                span,
            };
        }
        let mut out = String::with_capacity(text.len() + 16);
        let (mut start, mut end) = (span.start, span.end);
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if i == span.start {
                start = out.len();
            }
            if i == span.end {
                end = out.len();
            }
            let crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
            if matches!(c, '\n' | '\t') || crlf {
                out.push(c);
            } else {
                push_escaped(&mut out, c);
            }
        }
        if span.start >= text.len() {
            start = out.len();
        }
        if span.end >= text.len() {
            end = out.len();
        }
        Shown {
            text: out,
            span: start..end.max(start),
        }
    }
}

/// Whether `text` holds a `\r` that does not end a line.
fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}
