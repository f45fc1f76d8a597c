//! Why a policy set did not compile.

use crate::grammar::{self, Diagnostic, RenderOptions};

/// A policy text or policy set the engine cannot compile: every diagnostic,
/// errors and warnings, in source order.
///
/// `Display` renders them (with the source line and a caret when the error
/// came from text); [`render`](Error::render) does the same naming a file and
/// optionally with colours.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{}", self.render("<policy>", false))]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
    source_text: Option<Box<str>>,
}

impl Error {
    /// An error from diagnostics found in `source_text` (when there is one).
    pub(crate) fn new(diagnostics: Vec<Diagnostic>, source_text: Option<&str>) -> Self {
        Error {
            diagnostics,
            source_text: source_text.map(Box::from),
        }
    }

    /// Every diagnostic, errors and warnings, in source order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The policy text the diagnostics point into, when the error came from
    /// text ([`Engine::from_str`](std::str::FromStr::from_str)).
    pub fn source_text(&self) -> Option<&str> {
        self.source_text.as_deref()
    }

    /// The diagnostics rendered as the command line shows them, naming `path`.
    pub fn render(&self, path: &str, color: bool) -> String {
        let options = RenderOptions { color };
        if let Some(src) = &self.source_text {
            let rendered = grammar::render_all(&self.diagnostics, src, path, &options);
            if !rendered.trim().is_empty() {
                return rendered;
            }
        }
        let mut out = String::new();
        for d in &self.diagnostics {
            if !out.is_empty() {
                out.push('\n');
            }
            let severity = if d.is_error() { "error" } else { "warning" };
            out.push_str(&format!(
                "{severity}[{}]: {}",
                d.code(),
                grammar::escape_for_terminal(&d.message)
            ));
            if let Some(help) = &d.help {
                out.push_str(&format!(
                    "\n  = help: {}",
                    grammar::escape_for_terminal(help)
                ));
            }
        }
        out
    }
}
