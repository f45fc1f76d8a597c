//! The `cors-policy` command: check, format, evaluate and explain CORS policy
//! files.
//!
//! Exit codes are part of the command-line contract: 0 success (and any
//! decision of `eval`/`explain`), 1 a policy with errors (or, for `fmt --check`,
//! a file that is not formatted), 2 a usage or I/O error.

mod check;
mod color;
mod eval;
mod explain;
mod fmt;
mod input;
mod output;
mod policy;
mod probe;
mod request;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check, format, evaluate and explain CORS policy files.
#[derive(Debug, Parser)]
#[command(name = "cors-policy", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,

    /// When to colour diagnostics: `auto` colours them when stderr is a
    /// terminal and `NO_COLOR` is not set
    #[arg(long, value_enum, global = true, default_value_t = color::ColorChoice::Auto)]
    color: color::ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report every error and warning of policy files
    Check(CheckArgs),
    /// Print policy files in canonical form
    Fmt(FmtArgs),
    /// Answer one request as the engine would, as a JSON object
    ///
    /// Prints `{"kind","allowed","policy","status","forward","headers","reason"}` on one line.
    /// `headers` is `[[name, value], …]` in the order they would be sent, names lowercase.
    /// Header values are byte strings, shown as Fetch's `Headers` shows them to a script:
    /// each byte is the character with the same number, so ASCII reads as itself and any
    /// other byte 0xNN as U+00NN, and no value is ever lost. Exit 0 on any decision, 1 when
    /// the policy file has errors, 2 on a usage or I/O error.
    Eval(RequestArgs),
    /// Explain in words how a request is answered and what the browser does with it
    ///
    /// The page's request is played through the browser model with the engine as the
    /// server: the preflight a browser sends first (for a method other than GET, HEAD or
    /// POST, a custom header, a JSON body), then the actual request. For each: which policy
    /// answers and why, each check in the engine's order with the closest allowed value when
    /// one fails, the answer. Then what the browser does (in Chromium's own console wording),
    /// what is not CORS at all (mixed content, Local Network Access), and the line to add to
    /// the policy — checked: with it the file passes `check` and the request passes — or why
    /// no line can help. The request comes from flags, `--url`, `--curl`, `--console` or
    /// `--raw`.
    Explain(ExplainArgs),
    /// Audit a running server against its policy
    ///
    /// Sends the preflights and requests the policy covering URL's path implies (allowed
    /// origins, look-alikes it must deny, each allowed method and header, a denied one, an
    /// error path) and reports every answer that differs from the engine's, grouped by
    /// finding, most severe first, each with its fix. Exit 0 when the server agrees with the
    /// policy, 1 on a difference, 2 when the server cannot be reached or the input is bad.
    Probe(probe::ProbeArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Policy files (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Output format: `human` renders diagnostics on stderr, `json` prints
    /// `{"diagnostics":[…]}` on stdout: the first 200 of each file, and
    /// `"omitted":N` after the list when more were left out
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,

    /// Fail (exit 1) when there are warnings, not only errors
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
struct FmtArgs {
    /// Policy files (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Rewrite the files in place (only those that change)
    #[arg(long, conflicts_with = "check")]
    write: bool,

    /// Print nothing but the files that are not in canonical form; exit 1 if any
    #[arg(long)]
    check: bool,
}

/// The request to answer: from flags, from a raw HTTP request, or both.
#[derive(Debug, Args)]
struct RequestArgs {
    /// The policy file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The request method, exactly as the browser sends it (`OPTIONS` for a
    /// preflight) [default: GET]
    #[arg(long, short = 'X')]
    method: Option<String>,

    /// The request path; a query string is ignored [default: /]
    #[arg(long, conflicts_with = "url")]
    path: Option<String>,

    /// The URL the page fetches; its path is matched (the query is ignored)
    #[arg(long, value_name = "URL")]
    url: Option<String>,

    /// The page's origin: shorthand for `-H 'Origin: ORIGIN'`
    #[arg(long, value_name = "ORIGIN")]
    origin: Option<String>,

    /// A request as DevTools' "Copy as cURL" (bash or cmd) writes it: URL,
    /// `-X`, `-H`, `-b` (cookies: credentials are sent), `--data*` (a POST
    /// with a body)
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["raw", "console"])]
    curl: Option<String>,

    /// The browser's console message, pasted as is ("Access to fetch at … from
    /// origin … has been blocked by CORS policy: …"): the request is read
    /// from it, and `explain` confirms or corrects its diagnosis
    #[arg(long, value_name = "MESSAGE", conflicts_with_all = ["raw", "curl"])]
    console: Option<String>,

    /// A request header, `Name: value`; repeat for several (a repeated name
    /// sends several lines)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<OsString>,

    /// Read a whole HTTP request (request line or `:method`/`:path` pseudo
    /// headers, then headers, as copied from a browser's network panel) from
    /// FILE, or from standard input with `-`; `--method`, `--path` and `-H`
    /// add to it or override it
    #[arg(long, value_name = "FILE")]
    raw: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    #[command(flatten)]
    request: RequestArgs,

    /// The credentials mode of the page's request (`fetch(…, {credentials})`,
    /// `withCredentials`): `include` makes the browser require
    /// `Access-Control-Allow-Credentials: true` and a non-`*` origin. Without
    /// it, `include` is assumed when the request carries a `Cookie` header
    #[arg(long, value_enum)]
    credentials: Option<explain::CredentialsMode>,

    /// Output format: `human` words, or `json` (the engine's trace of each
    /// request sent, the browser's verdict and console message, the fix)
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
}

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

/// The command's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    /// Done; for `eval`/`explain`, any decision.
    Ok = 0,
    /// A policy file with errors, or a file `fmt --check` would change.
    Failed = 1,
    /// A usage or I/O error.
    Usage = 2,
}
