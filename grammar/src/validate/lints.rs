//! Lints that compare entries: `redundant-origin` within a policy and
//! `shadowed-policy` across policies. Both are conservative: they warn only
//! when the cover is certain.

use std::collections::HashMap;

use regex::Regex;

use super::origin::{ExactOrigin, pattern_covers, pattern_matches};
use crate::model::{HostPattern, OriginPattern};
use crate::{Diagnostic, Kind, Span};

/// One valid entry of a policy's `origins`, as the lints see it.
pub(crate) struct Entry {
    pub(crate) what: EntryKind,
    /// How messages show it, e.g. `` `https://a.com` `` or ``regex `…` ``.
    pub(crate) shown: String,
    pub(crate) span: Span,
}

pub(crate) enum EntryKind {
    Any,
    Null,
    Exact(ExactOrigin),
    Pattern(OriginPattern),
    Regex { source: String, compiled: Regex },
}

/// Above this many exact-origin × regex comparisons, regexes are not used to
/// find redundant exact origins (the lint stays linear on huge policies).
const MAX_REGEX_CHECKS: usize = 200_000;

/// `redundant-origin`: duplicates, and entries already matched by another
/// entry (`*`, a wildcard pattern or a regex). Linear in the number of
/// entries times the number of labels of a host.
pub(crate) fn redundant_origins(entries: &[Entry]) -> Vec<Diagnostic> {
    let any = entries
        .iter()
        .position(|e| matches!(e.what, EntryKind::Any));
    // Patterns indexed by (scheme, host key, is-subdomain-wildcard).
    let mut patterns: HashMap<(&str, &str, bool), Vec<usize>> = HashMap::new();
    let mut regexes = Vec::new();
    let mut exact_count = 0usize;
    for (i, e) in entries.iter().enumerate() {
        match &e.what {
            EntryKind::Pattern(p) => {
                let key = match &p.host {
                    HostPattern::Exact(h) => (p.scheme.as_str(), h.as_str(), false),
                    HostPattern::Subdomains(s) => (p.scheme.as_str(), s.as_str(), true),
                };
                patterns.entry(key).or_default().push(i);
            }
            EntryKind::Regex { .. } => regexes.push(i),
            EntryKind::Exact(_) => exact_count += 1,
            EntryKind::Any | EntryKind::Null => {}
        }
    }
    let use_regexes = exact_count.saturating_mul(regexes.len()) <= MAX_REGEX_CHECKS;

    let mut first_exact: HashMap<&str, usize> = HashMap::new();
    let mut first_regex: HashMap<&str, usize> = HashMap::new();
    let mut first_null = None;
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let coverer: Option<usize> = match &e.what {
            EntryKind::Any => any.filter(|&a| a != i),
            EntryKind::Null => match first_null {
                Some(first) => Some(first),
                None => {
                    first_null = Some(i);
                    any
                }
            },
            EntryKind::Exact(x) => match first_exact.get(x.serialized.as_str()) {
                Some(&first) => Some(first),
                None => {
                    first_exact.insert(&x.serialized, i);
                    any.or_else(|| {
                        candidates(&patterns, &x.scheme, &x.host, false)
                            .into_iter()
                            .find(|&j| match entry_pattern(entries, j) {
                                Some(p) => pattern_matches(p, x),
                                None => false,
                            })
                    })
                    .or_else(|| {
                        use_regexes
                            .then(|| {
                                regexes.iter().copied().find(|&j| {
                                    match entries.get(j).map(|e| &e.what) {
                                        Some(EntryKind::Regex { compiled, .. }) => {
                                            compiled.is_match(&x.serialized)
                                        }
                                        _ => false,
                                    }
                                })
                            })
                            .flatten()
                    })
                }
            },
            EntryKind::Pattern(p) => any.or_else(|| {
                let (host, sub) = match &p.host {
                    HostPattern::Exact(h) => (h.as_str(), false),
                    HostPattern::Subdomains(s) => (s.as_str(), true),
                };
                candidates(&patterns, &p.scheme, host, sub)
                    .into_iter()
                    .find(|&j| {
                        j != i
                            && entry_pattern(entries, j).is_some_and(|q| {
                                // Two equal patterns: the later one is the redundant one.
                                pattern_covers(q, p) && (!pattern_covers(p, q) || j < i)
                            })
                    })
            }),
            EntryKind::Regex { source, .. } => match first_regex.get(source.as_str()) {
                Some(&first) => Some(first),
                None => {
                    first_regex.insert(source, i);
                    any
                }
            },
        };
        let Some(other) = coverer.and_then(|j| entries.get(j)) else {
            continue;
        };
        let (message, help) = if other.shown == e.shown {
            (
                format!("{} is listed twice", e.shown),
                "remove one of them".to_owned(),
            )
        } else if matches!(other.what, EntryKind::Any) {
            (
                format!("{} is already allowed by `*`", e.shown),
                "remove it: `*` allows every origin".to_owned(),
            )
        } else {
            (
                format!("{} is already allowed by {}", e.shown, other.shown),
                "remove it".to_owned(),
            )
        };
        out.push(Diagnostic::new(Kind::RedundantOrigin, e.span, message).with_help(help));
    }
    out
}

fn entry_pattern(entries: &[Entry], i: usize) -> Option<&OriginPattern> {
    match entries.get(i).map(|e| &e.what) {
        Some(EntryKind::Pattern(p)) => Some(p),
        _ => None,
    }
}

/// The patterns that could match `host` (or, when `sub`, every host under it):
/// an exact-host pattern on `host` itself, and subdomain patterns on each of
/// its proper suffixes (and on `host` itself when `sub`).
fn candidates(
    patterns: &HashMap<(&str, &str, bool), Vec<usize>>,
    scheme: &str,
    host: &str,
    sub: bool,
) -> Vec<usize> {
    let mut out = Vec::new();
    let mut push = |key: (&str, &str, bool)| {
        if let Some(v) = patterns.get(&key) {
            out.extend_from_slice(v);
        }
    };
    push((scheme, host, sub));
    let mut rest = host;
    while let Some((_, suffix)) = rest.split_once('.') {
        push((scheme, suffix, true));
        rest = suffix;
    }
    out
}

/// Characters with a meaning in globset syntax.
fn is_glob_meta(c: char) -> bool {
    matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\')
}

/// Whether glob `earlier` matches every path that glob `later` matches:
/// equal globs, `**` / `/**`, or `prefix/**` over a glob that starts with the
/// literal `prefix/`.
fn glob_covers(earlier: &str, later: &str) -> bool {
    if earlier == later || earlier == "**" || earlier == "/**" {
        return true;
    }
    earlier.strip_suffix("/**").is_some_and(|prefix| {
        !prefix.chars().any(is_glob_meta)
            && later
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    })
}

/// Whether a policy with `earlier` paths takes every request a later policy
/// with `later` paths could get (empty paths: every path; browsers always send
/// a path that starts with `/`).
pub(crate) fn paths_cover(earlier: &[String], later: &[String]) -> bool {
    if earlier.is_empty() || earlier.iter().any(|g| g == "**" || g == "/**") {
        return true;
    }
    !later.is_empty()
        && later
            .iter()
            .all(|g| earlier.iter().any(|h| glob_covers(h, g)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(globs: &[&str]) -> Vec<String> {
        globs.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn shadowing_is_conservative() {
        assert!(paths_cover(&[], &paths(&["/api/**"])));
        assert!(paths_cover(&[], &[]));
        assert!(paths_cover(&paths(&["/**"]), &[]));
        assert!(paths_cover(&paths(&["/api/**"]), &paths(&["/api/**"])));
        assert!(paths_cover(
            &paths(&["/api/**"]),
            &paths(&["/api/v1/**", "/api/x"])
        ));
        assert!(paths_cover(&paths(&["/api/**", "/x"]), &paths(&["/x"])));
        assert!(!paths_cover(&paths(&["/api/**"]), &[]));
        assert!(!paths_cover(&paths(&["/api/**"]), &paths(&["/api"])));
        assert!(!paths_cover(&paths(&["/api/**"]), &paths(&["/apix/**"])));
        assert!(!paths_cover(
            &paths(&["/api/**"]),
            &paths(&["/api/**", "/other"])
        ));
        assert!(!paths_cover(&paths(&["/a*/**"]), &paths(&["/ab/x"])));
        assert!(
            !paths_cover(&paths(&["/api/*"]), &paths(&["/api/x"])),
            "`*` semantics depend on options"
        );
    }
}
