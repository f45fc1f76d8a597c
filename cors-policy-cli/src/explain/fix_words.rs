//! The fix in words, for the human output: each edit with the policy and
//! line it goes to, the alternatives, and why no line helps where none does.

use super::edit::Edit;
use super::fix::Fix;
use super::shown::Source;
use super::shown::{shown_message, shown_str};
use crate::policy::Loaded;

/// The fix in words: the lines to add (or the origin to replace) and where,
/// or why no line helps.
pub(crate) fn lines(
    found: &Fix,
    blocked: bool,
    loaded: &Loaded,
    source: &Source<'_>,
) -> Vec<String> {
    let mut out = Vec::new();
    let policies = loaded.engine.policies();
    let at = |index: usize| {
        policies
            .get(index)
            .map(|p| {
                format!(
                    "policy \"{}\" ({})",
                    shown_str(&p.name),
                    source.at(p.span.start)
                )
            })
            .unwrap_or_default()
    };
    if found.passes {
        let mut current: Option<usize> = None;
        for edit in &found.edits {
            match edit {
                Edit::AddLine { policy, line } => {
                    if current != Some(*policy) {
                        out.push(format!("add to {}:", at(*policy)));
                        current = Some(*policy);
                    }
                    out.push(format!("    {}", shown_str(line)));
                }
                Edit::ReplaceOrigin {
                    policy,
                    entry,
                    with,
                } => {
                    let old = policies
                        .get(*policy)
                        .and_then(|p| p.origins.get(*entry))
                        .map(|o| shown_str(&o.source))
                        .unwrap_or_default();
                    out.push(format!("in {}, replace `{old}` by:", at(*policy)));
                    out.push(format!("    origins {}", shown_str(with)));
                    current = None;
                }
            }
        }
        for alternative in &found.alternatives {
            if let Edit::AddLine { line, .. } = alternative {
                out.push(format!(
                    "or instead of the first line:\n    {}",
                    shown_str(line)
                ));
            }
        }
        out.push(
            "checked: `cors-policy check` accepts the edited file with no new warning, and the \
             request then passes"
                .into(),
        );
    } else if found.why_not.is_empty() && blocked {
        out.push("no line added to this policy file makes the request pass".into());
    }
    out.extend(found.why_not.iter().map(|w| shown_message(w)));
    out
}
