//! `skip`: a policy that leaves its paths to the application holds only
//! `paths` and `allow`; anything else would never be used (`skip-conflict`).

use crate::ast::{self, StatementKind};
use crate::{Diagnostic, Kind};

/// `skip-conflict` on every statement of a `skip` policy but `paths`,
/// `allow` and `skip` itself.
pub(super) fn skip_conflicts(policy: &ast::Policy) -> impl Iterator<Item = Diagnostic> + '_ {
    policy.statements.iter().filter_map(|statement| {
        let keyword = match &statement.kind {
            StatementKind::Paths(_) | StatementKind::Allow(_) | StatementKind::Skip => return None,
            other => other.keyword(),
        };
        Some(
            Diagnostic::new(
                Kind::SkipConflict,
                statement.keyword_span,
                format!("`{keyword}` has no effect in a `skip` policy"),
            )
            .with_help(format!(
                "a `skip` policy leaves its paths to the application and sends no CORS headers: remove `{keyword}`, or remove `skip`"
            )),
        )
    })
}
