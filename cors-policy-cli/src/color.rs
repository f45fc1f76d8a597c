//! Colour: the `--color auto|always|never` choice and whether it colours
//! what is written to stderr (a terminal, `NO_COLOR`). Rendering the
//! colours is the grammar crate's job.

use std::io::IsTerminal;

/// When to colour diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorChoice {
    /// When stderr is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    /// Always, even when piped (and despite `NO_COLOR`).
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether output written to stderr gets ANSI colours.
    pub(crate) fn stderr_colored(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // https://no-color.org: set and not empty means no colour.
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                !no_color && std::io::stderr().is_terminal()
            }
        }
    }
}
