//! `cors-policy explain`: the engine's answer in words, for a developer
//! staring at a CORS error in the browser's console.
//!
//! It matches nothing itself. The page's request is played through the
//! library's browser model ([`cors_policy::browser`]) with the engine as the
//! server: the model says whether a preflight goes first and what the
//! browser makes of each answer, in Chromium's words; [`Engine::trace`]
//! says why the engine answered so. Each suggested line is applied to the
//! policy text, re-checked and played again before it is shown.
//!
//! This module only dispatches: [`assemble`] builds the [`account`] of a
//! request from [`simulate`] (the browser model), [`describe`] (the
//! engine's trace), [`notcors`], [`console`] and [`fix`]; [`human`] and
//! [`json`] print it.
//!
//! [`Engine::trace`]: cors_policy::Engine::trace

mod account;
mod allowed;
mod assemble;
mod checks;
mod console;
mod describe;
mod edit;
mod fix;
mod fix_words;
mod human;
mod json;
mod notcors;
mod shown;
mod simulate;
mod summary;

use crate::cli::{ExplainArgs, OutputFormat, Status};
use crate::color::ColorChoice;
use crate::output;
use crate::policy;
use shown::shown_str;

/// Runs `explain`.
pub(crate) fn run(args: &ExplainArgs, color: ColorChoice) -> Status {
    let (loaded, request) = match policy::load(&args.request, color) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let account = assemble::account(&loaded, &request, args.credentials);
    match args.format {
        OutputFormat::Json => output::stdout(&format!("{}\n", account.json())),
        OutputFormat::Human => {
            let mut text = account.human();
            if loaded.warnings > 0 {
                text.push_str(&format!(
                    "\nnote: `{}` has {}; `cors-policy check {}` shows {}\n",
                    shown_str(&loaded.source.name),
                    output::plural(loaded.warnings, "warning"),
                    shown_str(&loaded.source.name),
                    if loaded.warnings == 1 { "it" } else { "them" }
                ));
            }
            output::stdout(&text);
        }
    }
    Status::Ok
}
