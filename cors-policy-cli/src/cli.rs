//! The command line: every subcommand's arguments (clap's derive), the
//! output formats and the exit status. The contract other tools rely on is
//! written here; what each subcommand does is in its own module, which this
//! one must not know.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::color::ColorChoice;
use crate::sets;

/// Check, format, evaluate and explain CORS policy files.
#[derive(Debug, Parser)]
#[command(name = "cors-policy", version, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,

    /// When to colour diagnostics: `auto` colours them when stderr is a
    /// terminal and `NO_COLOR` is not set
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
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
    Probe(ProbeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Policy files (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,

    /// Output format: `human` renders diagnostics on stderr, `json` prints
    /// `{"diagnostics":[…]}` on stdout: the first 200 of each file, and
    /// `"omitted":N` after the list when more were left out
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub(crate) format: OutputFormat,

    /// Fail (exit 1) when there are warnings, not only errors
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct FmtArgs {
    /// Policy files (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,

    /// Rewrite the files in place (only those that change)
    #[arg(long, conflicts_with = "check")]
    pub(crate) write: bool,

    /// Print nothing but the files that are not in canonical form; exit 1 if any
    #[arg(long)]
    pub(crate) check: bool,
}

/// The request to answer: from flags, from a raw HTTP request, or both.
#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// The policy file (`-` reads standard input)
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,

    /// The request method, exactly as the browser sends it (`OPTIONS` for a
    /// preflight) [default: GET]
    #[arg(long, short = 'X')]
    pub(crate) method: Option<String>,

    /// The request path; a query string is ignored [default: /]
    #[arg(long, conflicts_with = "url")]
    pub(crate) path: Option<String>,

    /// The URL the page fetches; its path is matched (the query is ignored)
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,

    /// The page's origin: shorthand for `-H 'Origin: ORIGIN'`
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) origin: Option<String>,

    /// A request as DevTools' "Copy as cURL" (bash or cmd) writes it: URL,
    /// `-X`, `-H`, `-b` (cookies: credentials are sent), `--data*` (a POST
    /// with a body)
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["raw", "console"])]
    pub(crate) curl: Option<String>,

    /// The browser's console message, pasted as is ("Access to fetch at … from
    /// origin … has been blocked by CORS policy: …"): the request is read
    /// from it, and `explain` confirms or corrects its diagnosis
    #[arg(long, value_name = "MESSAGE", conflicts_with_all = ["raw", "curl"])]
    pub(crate) console: Option<String>,

    /// A request header, `Name: value`; repeat for several (a repeated name
    /// sends several lines)
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<OsString>,

    /// Read a whole HTTP request (request line or `:method`/`:path` pseudo
    /// headers, then headers, as copied from a browser's network panel) from
    /// FILE, or from standard input with `-`; `--method`, `--path` and `-H`
    /// add to it or override it
    #[arg(long, value_name = "FILE")]
    pub(crate) raw: Option<PathBuf>,

    /// Supply the origin set a policy reads with `origins set "NAME"`: FILE
    /// holds one origin a line (blank lines and `#` comments skipped);
    /// repeat for several sets
    #[arg(long = "set", value_name = "NAME=FILE", value_parser = sets::parse_set_arg)]
    pub(crate) sets: Vec<sets::SetArg>,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub(crate) request: RequestArgs,

    /// The credentials mode of the page's request (`fetch(…, {credentials})`,
    /// `withCredentials`): `include` makes the browser require
    /// `Access-Control-Allow-Credentials: true` and a non-`*` origin. Without
    /// it, `include` is assumed when the request carries a `Cookie` header
    #[arg(long, value_enum)]
    pub(crate) credentials: Option<CredentialsMode>,

    /// Output format: `human` words, or `json` (the engine's trace of each
    /// request sent, the browser's verdict and console message, the fix)
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub(crate) format: OutputFormat,
}

/// `cors-policy probe`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// The URL to probe (`http://host:port/path`); the policy covering its
    /// path is the one checked
    #[arg(value_name = "URL")]
    pub(crate) url: String,

    /// The policy file the server should follow (`-` reads standard input)
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: PathBuf,

    /// An origin to test besides those made up from the policy; repeat for
    /// several (needed for `regex` entries)
    #[arg(long = "origin", value_name = "ORIGIN")]
    pub(crate) origins: Vec<String>,

    /// A header for every actual request, `Name: value` (a session cookie, an
    /// API key); never sent with preflights, as browsers send none there.
    /// Values are left out of reports
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub(crate) headers: Vec<String>,

    /// Output format: `human` or `json` (one object on stdout)
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub(crate) format: OutputFormat,

    /// A path under the same policy that answers with an error (404), to
    /// check that error responses carry CORS headers too
    #[arg(long, value_name = "PATH")]
    pub(crate) error_path: Option<String>,

    /// At most this many requests per second
    #[arg(long, value_name = "N", default_value_t = 20.0)]
    pub(crate) rate: f64,

    /// At most this many requests at once
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub(crate) concurrency: usize,

    /// Seconds to wait for each answer, connection included
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub(crate) timeout: f64,

    /// List the requests that would be sent, and send none
    #[arg(long)]
    pub(crate) dry_run: bool,

    /// For `https`: also trust the certificates in this PEM file (a private
    /// CA, a self-signed test server) besides the usual public roots
    #[arg(long, value_name = "FILE")]
    pub(crate) cacert: Option<PathBuf>,
}

/// The credentials mode of the page's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CredentialsMode {
    /// `credentials: 'include'`, `withCredentials = true`: cookies and HTTP auth are sent.
    Include,
    /// `credentials: 'omit'` or `'same-origin'` (fetch's default): none are sent cross-origin.
    #[value(alias = "same-origin")]
    Omit,
}

/// The command's exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Status {
    /// Done; for `eval`/`explain`, any decision.
    Ok = 0,
    /// A policy file with errors, or a file `fmt --check` would change.
    Failed = 1,
    /// A usage or I/O error.
    Usage = 2,
}
