//! The `cors-policy` command: check, format, evaluate and explain CORS policy
//! files.
//!
//! Exit codes are part of the command-line contract: 0 success (and any
//! decision of `eval`/`explain`), 1 a policy with errors (or, for `fmt --check`,
//! a file that is not formatted), 2 a usage or I/O error.

mod check;
mod cli;
mod color;
mod eval;
mod explain;
mod fmt;
mod input;
mod origin;
mod output;
mod policy;
mod probe;
mod request;
mod sets;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color;
    let code = match cli.command {
        Command::Check(args) => check::run(&args, color),
        Command::Fmt(args) => fmt::run(&args, color),
        Command::Eval(args) => eval::run(&args, color),
        Command::Explain(args) => explain::run(&args, color),
        Command::Probe(args) => probe::run(&args, color),
    };
    ExitCode::from(code as u8)
}
