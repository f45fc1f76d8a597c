//! The `tracing` feature: decisions as events, logged by whoever holds the
//! decision (the adapters do), never inside `decide`.

use crate::{Decision, RequestKind};

/// The target of every event this crate emits.
pub(crate) const TARGET: &str = "cors_policy";

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
        let reason = self.reason();
        let denied =
            !self.allowed() && matches!(kind, RequestKind::Preflight | RequestKind::Actual);
        if denied {
            tracing::debug!(
                target: TARGET,
                kind = kind.as_str(),
                policy = self.policy(),
                status = self.status(),
                reason = reason.code(),
                "cors request denied: {reason}"
            );
        } else {
            tracing::trace!(
                target: TARGET,
                kind = kind.as_str(),
                allowed = self.allowed(),
                policy = self.policy(),
                status = self.status(),
                reason = reason.code(),
                "cors decision: {reason}"
            );
        }
    }
}
