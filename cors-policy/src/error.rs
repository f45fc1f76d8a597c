//! Why a policy set did not compile.

use std::fmt;

use crate::grammar::build::{BuildError, Location};
use crate::grammar::{self, Diagnostic, RenderOptions};

/// A policy text or policy set the engine cannot compile: every diagnostic,
/// errors and warnings, in source order.
///
/// `Display` and `Debug` both render every diagnostic as the command line
/// does — code and name, message, `--> file:line:column`, the source line
/// with a caret under the offending token, and the help — so that
/// `fn main() -> Result<(), cors_policy::Error>` and `{e}` in a log show
/// where the problem is, not a struct. The file is named `<policy>` unless
/// [`with_path`](Error::with_path) names it; a policy set from a builder
/// has no source, so its diagnostics are located by statement ("policy
/// `api`, origins\[2\]"). [`render`](Error::render) does the same with
/// colours; [`diagnostics`](Error::diagnostics) gives the diagnostics
/// themselves.
///
/// ```
/// let error = r#"policy "api" {
///     origins "https://app.example.com/"
/// }"#
/// .parse::<cors_policy::Engine>()
/// .unwrap_err()
/// .with_path("api.cors");
/// assert_eq!(format!("{error:?}"), format!("{error}"));
/// assert_eq!(
///     error.to_string(),
///     "error[E0006/invalid-origin]: `https://app.example.com/` ends with `/`
///  --> api.cors:2:13
///   |
/// 2 |     origins \"https://app.example.com/\"
///   |             ^^^^^^^^^^^^^^^^^^^^^^^^^^
///   |
///   = help: write `\"https://app.example.com\"` (an origin has no trailing slash)"
/// );
/// ```
#[derive(Clone)]
pub struct Error {
    diagnostics: Vec<Diagnostic>,
    source_text: Option<Box<str>>,
    /// Per diagnostic, where a builder put it; empty for text.
    locations: Vec<Location>,
    path: Option<Box<str>>,
}

impl Error {
    /// An error from diagnostics found in `source_text` (when there is one).
    pub(crate) fn new(diagnostics: Vec<Diagnostic>, source_text: Option<&str>) -> Self {
        Error {
            diagnostics,
            source_text: source_text.map(Box::from),
            locations: Vec::new(),
            path: None,
        }
    }

    /// The same error, naming `path` as the file its text came from (what
    /// `Display` and `Debug` show after `-->`).
    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into().into_boxed_str());
        self
    }

    /// Every diagnostic, errors and warnings, in source order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Where each diagnostic is, by statement, when the policy set came
    /// from a [builder](crate::build); empty for text.
    pub fn locations(&self) -> &[Location] {
        &self.locations
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
        for (i, d) in self.diagnostics.iter().enumerate() {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&format!(
                "{}[{}]: {}",
                d.severity,
                d.kind,
                grammar::escape_for_terminal(&d.message)
            ));
            if let Some(at) = self.locations.get(i) {
                out.push_str(&format!(
                    "\n --> {}",
                    grammar::escape_for_terminal(&at.to_string())
                ));
            }
            if let Some(help) = &d.help {
                out.push_str(&format!(
                    "\n  = help: {}",
                    grammar::escape_for_terminal(help)
                ));
            }
        }
        out
    }

    fn rendered(&self) -> String {
        self.render(self.path.as_deref().unwrap_or("<policy>"), false)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered())
    }
}

/// The rendering, as `Display`: what `fn main() -> Result<…>` prints.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered())
    }
}

impl std::error::Error for Error {}

impl From<BuildError> for Error {
    fn from(error: BuildError) -> Self {
        let (diagnostics, locations) = error
            .diagnostics()
            .iter()
            .map(|l| (l.diagnostic.clone(), l.at.clone()))
            .unzip();
        Error {
            diagnostics,
            source_text: None,
            locations,
            path: None,
        }
    }
}
