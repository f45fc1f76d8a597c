//! The `tracing` feature: decisions as events, logged by whoever holds the
//! decision (the adapters do), never inside `decide`.

use crate::{Decision, RequestKind};

/// The target of every event this crate emits.
pub(crate) const TARGET: &str = "cors_policy";

/// One event about `$decision` at `$level` (a `tracing` macro: each level
/// is its own static callsite), with the fields every event has, in order:
/// `kind`, the extra ones, `policy`, `status`, `reason`; the message shows
/// the reason.
macro_rules! event {
    ($level:ident, $decision:expr, $message:literal $(, $field:ident = $value:expr)*) => {{
        let decision = $decision;
        let reason = decision.reason();
        tracing::$level!(
            target: TARGET,
            kind = decision.kind().as_str(),
            $($field = $value,)*
            policy = decision.policy(),
            status = decision.status(),
            reason = reason.code(),
            $message,
            reason
        );
    }};
}

impl Decision<'_> {
    /// Emits the decision as a [`tracing`] event (feature `tracing`), target
    /// `cors_policy`:
    ///
    /// - a denied preflight or actual request at `DEBUG`, with the policy,
    ///   the reason's code and its message ("the origin `…` is not in the
    ///   policy's `origins`"; request bytes are shown escaped);
    /// - anything else (allowed, not CORS, unhandled) at `TRACE`.
    ///
    /// The `http` and `tower` adapters call it for every request they
    /// decide; with a plain [`Engine`](crate::Engine), call it yourself.
    /// `RUST_LOG=cors_policy=debug` shows why a browser was refused.
    pub fn log(&self) {
        let kind = self.kind();
        let denied =
            !self.allowed() && matches!(kind, RequestKind::Preflight | RequestKind::Actual);
        if denied {
            event!(debug, self, "cors request denied: {}");
        } else {
            event!(trace, self, "cors decision: {}", allowed = self.allowed());
        }
    }
}
