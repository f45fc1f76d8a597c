//! What `explain` says about one request, as data: the summary, each
//! request sent with the engine's answer described, the browser's verdict,
//! the verdict on a pasted console message, what is not CORS, and the fix.
//! [`assemble`](super::assemble) builds it; [`human`](super::human) and
//! [`json`](super::json) print it.

use cors_policy::browser::Stage;

use super::describe::Described;
use super::fix::Fix;
use super::notcors::Finding;

/// Which request an [`Exchange`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Title {
    /// The only request: no preflight is sent.
    TheRequest,
    /// A preflight the input gave, which a browser would not send.
    PreflightAsGiven,
    /// The preflight a browser sends first.
    Preflight,
    /// The request sent after the preflight.
    ActualRequest,
}

impl Title {
    /// The heading printed.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Title::TheRequest => "The request",
            Title::PreflightAsGiven => "Preflight (as given)",
            Title::Preflight => "Preflight",
            Title::ActualRequest => "Actual request",
        }
    }
}

/// One request sent, described.
pub(crate) struct Exchange {
    /// Which request.
    pub(crate) title: Title,
    /// The engine's answer, described.
    pub(crate) described: Described,
    /// What the browser does with the answer.
    pub(crate) browser: Vec<String>,
}

/// The browser's final word.
pub(crate) enum Verdict {
    /// Not a CORS request: the browser enforces nothing.
    NotEnforced,
    /// The `Origin` is not one a browser sends.
    NotABrowser,
    /// The script gets the response.
    Allowed,
    /// Blocked by a CORS check.
    Blocked {
        /// Which request the browser refused.
        stage: Stage,
        /// Chromium's reason.
        why: String,
        /// Chromium's whole console line.
        console: String,
    },
    /// Blocked before CORS (mixed content).
    BlockedNotCors,
    /// `fetch()` throws before sending anything.
    TypeError(String),
}

/// How a pasted console message compares with what the policy makes the
/// browser say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConsoleVerdict {
    /// The policy makes the browser say the same.
    Confirmed,
    /// The policy makes the browser say something else.
    Different,
    /// The message is about something that is not CORS.
    NotCors,
    /// The policy allows the request.
    AllowedHere,
    /// The policy gives no browser message to compare with.
    Unknown,
}

impl ConsoleVerdict {
    /// The name in the JSON output.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ConsoleVerdict::Confirmed => "confirmed",
            ConsoleVerdict::Different => "different",
            ConsoleVerdict::NotCors => "not-cors",
            ConsoleVerdict::AllowedHere => "allowed-here",
            ConsoleVerdict::Unknown => "unknown",
        }
    }
}

/// Everything `explain` says about one request.
pub(crate) struct Account {
    /// The request, in words, and whether it needs a preflight.
    pub(crate) summary: Vec<String>,
    /// The requests sent.
    pub(crate) exchanges: Vec<Exchange>,
    /// What the browser does.
    pub(crate) verdict: Verdict,
    /// For an allowed request: what follows (caching, readable headers).
    pub(crate) after: Vec<String>,
    /// What is not CORS.
    pub(crate) findings: Vec<Finding>,
    /// The pasted console message's verdict, and the detail.
    pub(crate) console: Option<(ConsoleVerdict, String)>,
    /// The fix found.
    pub(crate) fix: Option<Fix>,
    /// The fix in words.
    pub(crate) fix_text: Vec<String>,
    /// The page's credentials mode (`include`, `same-origin`, `omit`) and
    /// where it came from.
    pub(crate) credentials: Option<(&'static str, &'static str)>,
}

impl Account {
    /// An account with nothing said yet.
    pub(crate) fn new() -> Account {
        Account {
            summary: Vec::new(),
            exchanges: Vec::new(),
            verdict: Verdict::NotEnforced,
            after: Vec::new(),
            findings: Vec::new(),
            console: None,
            fix: None,
            fix_text: Vec::new(),
            credentials: None,
        }
    }
}
