//! A file's policies validated one by one, then compared: each policy's
//! statements gathered (a single statement written twice is
//! `duplicate-statement`), each entry checked by the section that owns it,
//! `allow` applied to the policy's own warnings, and the policy's model
//! built; across policies, `duplicate-policy` and `shadowed-policy`.

use std::collections::{HashMap, HashSet};

use super::allow::check_allow;
use super::entry::{PolicyCx, describe};
use super::lints::{self, Entry};
use super::lists::{check_expose, check_headers, check_methods};
use super::paths;
use super::skip::skip_conflicts;
use super::values::{check_max_age, check_status};
use crate::ast::{self, Item, Keyword, OriginExpr, StatementKind};
use crate::model::{self, NameList};
use crate::{Diagnostic, Kind, Span, Spanned};

/// The validator of one file.
pub(super) struct Validator<'s> {
    /// The source and its line index (built once: a message naming a line
    /// costs a lookup, not a count from the start of the file).
    pub(super) src: Option<(&'s str, crate::span::LineIndex)>,
}

/// One policy after validation: its model and the warnings it allows.
struct Validated {
    model: model::Policy,
    allowed: HashSet<Kind>,
}

impl Validator<'_> {
    /// "at line 3", or "earlier" without the source.
    fn at(&self, span: Span) -> String {
        match &self.src {
            Some((_, lines)) => format!("at line {}", lines.line(span.start)),
            None => "earlier".to_owned(),
        }
    }

    pub(super) fn file(&self, file: &ast::File) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut names: HashMap<&str, Span> = HashMap::new();
        let mut validated = Vec::with_capacity(file.policies.len());
        for policy in &file.policies {
            let name = policy.name.value.as_str();
            match names.get(name) {
                Some(&first) => diagnostics.push(
                    Diagnostic::new(
                        Kind::DuplicatePolicy,
                        policy.name.span,
                        format!("policy `{name}` is already defined {}", self.at(first)),
                    )
                    .with_help("give each policy a unique name"),
                ),
                None => {
                    names.insert(name, policy.name.span);
                }
            }
            validated.push(self.policy(policy, &mut diagnostics));
        }
        self.shadowed(file, &validated, &mut diagnostics);

        // Stable: diagnostics at one position keep the order they were found in.
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        let ok = !diagnostics.iter().any(Diagnostic::is_error);
        let set = ok.then(|| model::PolicySet {
            policies: validated.into_iter().map(|v| v.model).collect(),
        });
        (set, diagnostics)
    }

    /// `shadowed-policy`, reported on the later policy's name.
    fn shadowed(&self, file: &ast::File, validated: &[Validated], out: &mut Vec<Diagnostic>) {
        let mut index = lints::CoverIndex::default();
        for (later, ast) in validated.iter().zip(&file.policies) {
            let found = (!later.allowed.contains(&Kind::ShadowedPolicy))
                .then(|| index.first_cover(&later.model.paths))
                .flatten();
            index.push(&later.model.paths);
            let Some((earlier, earlier_ast)) =
                found.and_then(|i| validated.get(i).zip(file.policies.get(i)))
            else {
                continue;
            };
            let (e, l) = (&earlier.model.name, &later.model.name);
            let (why, help) = if earlier.model.paths.is_empty() {
                (
                    format!(
                        "policy `{e}` ({}) has no `paths`, so it takes every request first",
                        self.at(earlier_ast.name.span)
                    ),
                    format!("give `{e}` a `paths` statement, or move `{l}` above it"),
                )
            } else {
                (
                    format!(
                        "policy `{e}` ({}) comes first and covers all its paths",
                        self.at(earlier_ast.name.span)
                    ),
                    format!("move `{l}` above `{e}`, or narrow the `paths` of `{e}`"),
                )
            };
            out.push(
                Diagnostic::new(
                    Kind::ShadowedPolicy,
                    ast.name.span,
                    format!("policy `{l}` is never used: {why}"),
                )
                .with_help(help),
            );
        }
    }

    fn policy(&self, policy: &ast::Policy, out: &mut Vec<Diagnostic>) -> Validated {
        let mut d = Vec::new();
        let mut singles: HashMap<Keyword, Span> = HashMap::new();
        let mut paths = Vec::new();
        let mut origins: Vec<&Spanned<OriginExpr>> = Vec::new();
        let mut methods: Option<Vec<&Spanned<Item>>> = None;
        let mut headers = Vec::new();
        let mut expose = Vec::new();
        let mut allow = Vec::new();
        let mut has_origins = false;
        let mut skip = false;
        let (mut credentials, mut max_age, mut private_network, mut status) =
            (None, None, None, None);

        for statement in &policy.statements {
            match &statement.kind {
                StatementKind::Paths(v) => {
                    d.extend(v.iter().filter_map(paths::check));
                    paths.extend(v.iter().map(|p| p.value.clone()));
                }
                StatementKind::Origins(v) => {
                    has_origins = true;
                    origins.extend(v);
                }
                StatementKind::Methods(v) => methods.get_or_insert_with(Vec::new).extend(v),
                StatementKind::Headers(v) => headers.extend(v),
                StatementKind::Expose(v) => expose.extend(v),
                StatementKind::Allow(v) => allow.extend(v),
                single => {
                    let keyword = single.keyword_kind();
                    // Check each value, even a duplicated one: every problem at once.
                    match single {
                        StatementKind::MaxAge(v) => d.extend(check_max_age(v)),
                        StatementKind::PreflightStatus(v) => d.extend(check_status(v)),
                        _ => {}
                    }
                    if let Some(&first) = singles.get(&keyword) {
                        d.push(
                            Diagnostic::new(
                                Kind::DuplicateStatement,
                                statement.keyword_span,
                                format!("`{keyword}` is already set {}", self.at(first)),
                            )
                            .with_help(format!(
                                "keep one `{keyword}` statement (only `paths`, `origins`, `methods`, `headers`, `expose` and `allow` may be repeated)"
                            )),
                        );
                        continue;
                    }
                    singles.insert(keyword, statement.keyword_span);
                    match single {
                        StatementKind::Credentials(b) => credentials = Some(*b),
                        StatementKind::PrivateNetwork(b) => private_network = Some(*b),
                        StatementKind::MaxAge(v) => max_age = Some(v.value),
                        StatementKind::PreflightStatus(v) => status = Some(v.value),
                        StatementKind::Skip => skip = true,
                        _ => {}
                    }
                }
            }
        }
        let credentials = credentials.unwrap_or(false);
        let private_network = private_network.unwrap_or(false);
        let name = &policy.name.value;

        let allowed = check_allow(&allow, &mut d);
        if skip {
            d.extend(skip_conflicts(policy));
        } else if !has_origins {
            d.push(
                Diagnostic::new(
                    Kind::MissingOrigins,
                    policy.name.span,
                    format!("policy `{name}` has no `origins`"),
                )
                .with_help("add the origins it allows, e.g. `origins \"https://app.example.com\"`"),
            );
        }

        let cx = PolicyCx {
            credentials,
            private_network,
            allows_public_suffix: allowed.contains(&Kind::PublicSuffixWildcard),
        };
        let mut entries = Vec::with_capacity(origins.len());
        let mut model_origins = Vec::with_capacity(origins.len());
        for entry in &origins {
            if let Some((matcher, what)) = cx.origin(entry, &mut d) {
                let (shown, source) = describe(&entry.value);
                model_origins.push(model::Origin {
                    matcher,
                    source,
                    span: entry.span,
                });
                if let Some(what) = what {
                    entries.push(Entry {
                        what,
                        shown,
                        span: entry.span,
                    });
                }
            }
        }
        d.extend(lints::redundant_origins(&entries));

        let methods = match methods {
            None => NameList {
                any: false,
                names: crate::fetch::SAFELISTED_METHODS.map(str::to_owned).to_vec(),
            },
            Some(items) => check_methods(&items, &mut d),
        };
        let headers = check_headers(&headers, &mut d);
        let expose = check_expose(&expose, credentials, &mut d);

        d.retain(|x| {
            x.is_error() || x.kind == Kind::PublicSuffixWildcard || !allowed.contains(&x.kind)
        });
        out.append(&mut d);

        let model = model::Policy {
            name: name.clone(),
            span: policy.span,
            paths,
            origins: model_origins,
            methods,
            headers,
            expose,
            credentials,
            max_age,
            private_network,
            preflight_status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(204),
            skip,
        };
        Validated { model, allowed }
    }
}
