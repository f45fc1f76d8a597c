//! Diagnostics rendered with file:line:column, the source line and a caret.
//! (Being written.)

use crate::Diagnostic;

/// How to render diagnostics.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours.
    pub color: bool,
}

/// Renders one diagnostic against its source, naming `path`.
pub fn render(diagnostic: &Diagnostic, src: &str, path: &str, options: &RenderOptions) -> String {
    let _ = (diagnostic, src, path, options);
    String::new()
}

/// Renders every diagnostic, separated by blank lines.
pub fn render_all(diagnostics: &[Diagnostic], src: &str, path: &str, options: &RenderOptions) -> String {
    diagnostics
        .iter()
        .map(|d| render(d, src, path, options))
        .collect::<Vec<_>>()
        .join("\n")
}
