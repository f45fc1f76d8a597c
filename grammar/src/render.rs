//! Diagnostics rendered as rustc renders its own, with the stable name beside
//! the code (the name is what `allow` and `--format json` use):
//! `error[E0006/invalid-origin]: message`, `--> path:line:column`, the source
//! line with a caret under the span and its label, then `= help: …` (and, for
//! a warning, how to silence it).

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

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
pub fn render(diagnostic: &Diagnostic, src: &str, path: &str, options: &RenderOptions) -> String {
    let renderer = if options.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let excerpt = Excerpt::new(src, diagnostic.span.start, diagnostic.span.end);
    let mut annotation = AnnotationKind::Primary.span(excerpt.span.clone());
    if let Some(label) = &diagnostic.label {
        annotation = annotation.label(label.as_str());
    }
    let mut snippet = Snippet::source(excerpt.text)
        .line_start(excerpt.line)
        .annotation(annotation);
    if !excerpt.windowed {
        snippet = snippet.path(path);
    }
    let id = format!("{}/{}", diagnostic.code(), diagnostic.name());
    let mut group = level
        .primary_title(diagnostic.message.as_str())
        .id(id.as_str())
        .element(snippet);
    if let Some(help) = &diagnostic.help {
        group = group.element(Level::HELP.message(help.as_str()));
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
        let (line, column) = crate::span::line_col(src, diagnostic.span.start);
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
    fn new(src: &'s str, start: usize, end: usize) -> Self {
        let start = floor_boundary(src, start.min(src.len()));
        let mut end = floor_boundary(src, end.clamp(start, src.len()));
        let line_start = src
            .get(..start)
            .and_then(|s| s.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = src
            .get(..line_start)
            .map_or(0, |s| s.bytes().filter(|&b| b == b'\n').count())
            + 1;
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

/// Renders every diagnostic, separated by blank lines.
pub fn render_all(
    diagnostics: &[Diagnostic],
    src: &str,
    path: &str,
    options: &RenderOptions,
) -> String {
    diagnostics
        .iter()
        .map(|d| render(d, src, path, options))
        .collect::<Vec<_>>()
        .join("\n\n")
}
