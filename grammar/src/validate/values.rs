//! The single values of a policy: `max-age` (above what browsers honour is
//! `max-age-capped`) and `preflight-status` (outside 200–299 is
//! `invalid-status`).

use crate::{Diagnostic, Kind, Spanned};

/// `max-age` above this is capped by Chromium.
const CHROMIUM_MAX_AGE: u64 = 7200;
/// `max-age` above this is capped by Firefox too.
const FIREFOX_MAX_AGE: u64 = 86_400;

/// `max-age-capped`, when browsers would not keep the answer that long.
pub(super) fn check_max_age(value: &Spanned<u64>) -> Option<Diagnostic> {
    let secs = value.value;
    if secs > FIREFOX_MAX_AGE {
        Some(
            Diagnostic::new(
                Kind::MaxAgeCapped,
                value.span,
                format!(
                    "a `max-age` of {} is more than browsers honour",
                    seconds(secs)
                ),
            )
            .with_help("Chromium caps it at 7200 seconds and Firefox at 86400: write `max-age 2h`"),
        )
    } else if secs > CHROMIUM_MAX_AGE {
        Some(
            Diagnostic::new(Kind::MaxAgeCapped, value.span, format!("a `max-age` of {} is more than Chromium honours", seconds(secs)))
                .with_help("Chromium caps it at 7200 seconds: write `max-age 2h`, or `allow max-age-capped` to keep it for Firefox"),
        )
    } else {
        None
    }
}

/// `36000 seconds (10h)`.
fn seconds(secs: u64) -> String {
    let unit = [(86_400, 'd'), (3600, 'h'), (60, 'm')]
        .into_iter()
        .find(|&(n, _)| secs.is_multiple_of(n));
    match unit {
        Some((n, u)) => format!("{secs} seconds ({}{u})", secs / n),
        None => format!("{secs} seconds"),
    }
}

/// `invalid-status`: a preflight status outside 200–299.
pub(super) fn check_status(value: &Spanned<u64>) -> Option<Diagnostic> {
    (!(200..=299).contains(&value.value)).then(|| {
        Diagnostic::new(
            Kind::InvalidStatus,
            value.span,
            format!("preflight status `{}` is not a success status", value.value),
        )
        .with_help("browsers fail a preflight answered outside 200–299: write a status such as `preflight-status 204`")
    })
}
