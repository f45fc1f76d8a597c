//! A pasted console message (`--console`) compared with what this policy
//! makes the browser say: confirmed, different, or not about CORS.

use cors_policy::browser::Stage;

use super::account::{ConsoleVerdict, Verdict};
use super::shown::shown_message;
use super::simulate::Played;
use crate::request::console::{Failure, Message};

/// How Chromium starts a message about a failed preflight's CORS check.
const PREFLIGHT_PREFIX: &str = "Response to preflight request doesn't pass access control check: ";

/// Compares the pasted console message with what this policy makes the
/// browser say: (verdict, detail).
pub(crate) fn verdict(
    message: &Message,
    verdict: &Verdict,
    played: &Played,
) -> (ConsoleVerdict, String) {
    let pasted = message.text.clone();
    match &message.failure {
        Failure::MultipleAllowOrigin(_) => {
            return (
                ConsoleVerdict::NotCors,
                "the browser received two `Access-Control-Allow-Origin` values, and the engine \
                 sends one: another layer adds the second (see \"Not CORS\")"
                    .into(),
            );
        }
        Failure::LocalNetwork if !matches!(verdict, Verdict::Blocked { .. }) => {
            return (
                ConsoleVerdict::NotCors,
                "the message is about private or local network access, which Chromium now asks \
                 the user about (Local Network Access), not about this policy's answer"
                    .into(),
            );
        }
        _ => {}
    }
    match verdict {
        Verdict::Blocked { why, .. } if *why == pasted => (
            ConsoleVerdict::Confirmed,
            "this policy makes Chromium print exactly the message you pasted; the checks above show why".into(),
        ),
        // The message names a preflight but not what caused it: the check that
        // failed is the same one.
        Verdict::Blocked {
            stage: Stage::Actual,
            why,
            ..
        } if message.preflight
            && pasted.strip_prefix(PREFLIGHT_PREFIX) == Some(why.as_str()) =>
        {
            (
                ConsoleVerdict::Confirmed,
                "this policy refuses the request on the same check your message names; the message was \
                 about a preflight, which the request as read from it does not need (see above)"
                    .into(),
            )
        }
        Verdict::Blocked { why, .. } => (
            ConsoleVerdict::Different,
            format!(
                "this policy makes Chromium print a different message:\n    {}\n  the server that answered \
                 may not run this policy as written (another deployment, or an error answered before \
                 the CORS layer, such as a 401, 404 or 500 without CORS headers)",
                shown_message(why)
            ),
        ),
        Verdict::BlockedNotCors => (
            ConsoleVerdict::NotCors,
            "the request is blocked before CORS: see \"Not CORS\" below".into(),
        ),
        _ if played.outcome.is_ok() => (
            ConsoleVerdict::AllowedHere,
            "this policy allows the request, so the server that answered does not run it as written: \
             another deployment, a proxy, or an error response from before the CORS layer (a 401, \
             404 or 500 without CORS headers; a crash on `OPTIONS`)"
                .into(),
        ),
        _ => (ConsoleVerdict::Unknown, "this policy gives no browser message for it".into()),
    }
}
