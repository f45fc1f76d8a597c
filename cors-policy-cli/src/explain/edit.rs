//! Applying a suggested change to the policy text, so that every suggestion
//! is checked (the language accepts it, with no new warning) and re-run (the
//! request then passes) before it is shown.

use cors_policy_grammar::model::Policy;

/// One change to the policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Edit {
    /// A statement added at the end of a policy (`methods DELETE`).
    AddLine {
        /// The policy's index in the file.
        policy: usize,
        /// The statement, as written in the file.
        line: String,
    },
    /// An origin entry (`*`) replaced by another (`"https://app.example.com"`).
    ReplaceOrigin {
        /// The policy's index in the file.
        policy: usize,
        /// The entry's index in its `origins`.
        entry: usize,
        /// The new entry, as written in the file.
        with: String,
    },
}

/// `src` with `edits` applied, or `None` when an edit names a policy or an
/// entry that is not there. Edits apply from the end of the file backwards,
/// so that earlier spans stay valid.
pub(crate) fn apply(src: &str, policies: &[Policy], edits: &[Edit]) -> Option<String> {
    let mut changes: Vec<(usize, usize, String)> = Vec::new();
    for edit in edits {
        match edit {
            Edit::AddLine { policy, line } => {
                let policy = policies.get(*policy)?;
                let close = src.get(..policy.span.end)?.rfind('}')?;
                let line_start = src.get(..close)?.rfind('\n').map_or(0, |i| i + 1);
                let before = src.get(line_start..close)?;
                if before.trim().is_empty() {
                    // `}` alone on its line: a new line above it, indented as
                    // the policy's statements usually are.
                    changes.push((line_start, line_start, format!("    {line}\n")));
                } else {
                    changes.push((close, close, format!("\n    {line}\n")));
                }
            }
            Edit::ReplaceOrigin {
                policy,
                entry,
                with,
            } => {
                let origin = policies.get(*policy)?.origins.get(*entry)?;
                changes.push((origin.span.start, origin.span.end, with.clone()));
            }
        }
    }
    changes.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut out = src.to_owned();
    for (start, end, text) in changes {
        if start > end
            || end > out.len()
            || !out.is_char_boundary(start)
            || !out.is_char_boundary(end)
        {
            return None;
        }
        out.replace_range(start..end, &text);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `src` with `edits` applied to its own policies.
    fn applied(src: &str, edits: &[Edit]) -> Option<String> {
        let set = cors_policy_grammar::check(src).policies.unwrap().policies;
        apply(src, &set, edits)
    }

    fn add(policy: usize, line: &str) -> Edit {
        Edit::AddLine {
            policy,
            line: line.into(),
        }
    }

    #[test]
    fn lines_go_before_the_closing_brace() {
        let src =
            "policy \"a\" {\n    origins \"https://a.example\"\n}\n\npolicy \"b\" { origins * }\n";
        let out = applied(
            src,
            &[add(0, "methods DELETE"), add(1, "headers x-api-key")],
        )
        .unwrap();
        assert_eq!(
            out,
            "policy \"a\" {\n    origins \"https://a.example\"\n    methods DELETE\n}\n\npolicy \"b\" { origins * \n    headers x-api-key\n}\n"
        );
        assert!(!cors_policy_grammar::check(&out).has_errors());
    }

    #[test]
    fn an_origin_entry_is_replaced_in_place() {
        let src = "policy \"a\" {\n    origins *\n}\n";
        let replace = Edit::ReplaceOrigin {
            policy: 0,
            entry: 0,
            with: "\"https://a.example\"".into(),
        };
        let out = applied(src, &[replace, add(0, "credentials")]).unwrap();
        assert_eq!(
            out,
            "policy \"a\" {\n    origins \"https://a.example\"\n    credentials\n}\n"
        );
        assert_eq!(applied(src, &[add(3, "x")]), None);
    }
}
