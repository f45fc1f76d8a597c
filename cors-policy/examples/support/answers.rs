//! What the origin-set examples share: asking the engine and printing its
//! answer, printing a set replacement's report, and failing the run on a
//! wrong answer (so that `cargo test` proves the examples say the truth).

use cors_policy::{Engine, Replaced, Request};

/// The examples' result: any error, sendable across the refresher thread.
pub(crate) type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

/// One answer, printed; whether the origin is allowed. An `OPTIONS` is a
/// preflight for `PUT`.
pub(crate) fn ask(engine: &Engine, method: &str, path: &str, origin: &str) -> bool {
    let mut request = Request::new(method, path).origin(origin);
    if method == "OPTIONS" {
        request = request.request_method("PUT");
    }
    let decision = engine.decide(&request);
    let verdict = if decision.allowed() {
        "allowed"
    } else {
        "not allowed"
    };
    println!(
        "  {method} {path} from {origin}: {verdict} ({})",
        decision.reason()
    );
    decision.allowed()
}

/// Prints how many entries a replacement of a set took and left out.
pub(crate) fn print_counts(report: &Replaced) {
    let rejected = report.rejected().len();
    println!("  {} accepted, {rejected} rejected", report.accepted());
}

/// An error naming `what` unless `ok`.
pub(crate) fn expect(what: &str, ok: bool) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected answer: {what}").into())
    }
}
