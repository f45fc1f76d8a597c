//! `cors-policy explain`: the engine's answer in words.

use crate::color::ColorChoice;
use crate::{ExplainArgs, Status};

/// The credentials mode of the page's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CredentialsMode {
    /// `credentials: 'include'`, `withCredentials = true`: cookies and HTTP auth are sent.
    Include,
    /// `credentials: 'omit'` or `'same-origin'` (the default): none are sent cross-origin.
    #[value(alias = "same-origin")]
    Omit,
}

/// Runs `explain`.
pub(crate) fn run(args: &ExplainArgs, color: ColorChoice) -> Status {
    let _ = (args, color);
    Status::Usage
}
