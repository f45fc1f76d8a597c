//! `allow NAME, …`: which names it accepts (every warning, and the errors
//! that are warnings in some policies), with a did-you-mean for a typo.

use std::collections::HashSet;

use crate::{Diagnostic, Kind, Severity, Spanned};

/// The names `allow` accepts: every warning, and the errors that are
/// warnings in some policies.
fn allowable(kind: Kind) -> bool {
    kind.default_severity() == Severity::Warning || kind.downgradable()
}

/// The kinds `names` allow; each name that is no warning is `unknown-lint`.
pub(super) fn check_allow(names: &[&Spanned<String>], d: &mut Vec<Diagnostic>) -> HashSet<Kind> {
    let mut allowed = HashSet::new();
    for name in names {
        match Kind::from_name(name) {
            Some(kind) if allowable(kind) => {
                allowed.insert(kind);
            }
            Some(_) => d.push(
                Diagnostic::new(
                    Kind::UnknownLint,
                    name.span,
                    format!(
                        "`{}` is an error, and errors cannot be silenced",
                        name.value
                    ),
                )
                .with_help(
                    "fix what it reports; `allow` takes warning names and `public-suffix-wildcard`",
                ),
            ),
            None => {
                let help = match did_you_mean(name) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => {
                        let all: Vec<String> = Kind::ALL
                            .iter()
                            .filter(|k| allowable(**k))
                            .map(|k| format!("`{}`", k.name()))
                            .collect();
                        format!("`allow` takes one of {}", all.join(", "))
                    }
                };
                d.push(
                    Diagnostic::new(
                        Kind::UnknownLint,
                        name.span,
                        format!("`{}` is not a warning name", name.value),
                    )
                    .with_help(help),
                );
            }
        }
    }
    allowed
}

/// The allowable name closest to `name`, if it is close enough to be a typo.
fn did_you_mean(name: &str) -> Option<&'static str> {
    Kind::ALL
        .iter()
        .filter(|k| allowable(**k))
        .map(|k| (k.name(), strsim::jaro_winkler(name, k.name())))
        .filter(|&(_, score)| score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| n)
}
