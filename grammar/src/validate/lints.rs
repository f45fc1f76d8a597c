//! Lints that compare entries: `redundant-origin` within a policy and
//! `shadowed-policy` across policies. Both are conservative: they warn only
//! when the cover is certain.

use std::collections::HashMap;

use regex::Regex;

use super::origin::ExactOrigin;
use super::patterns::{pattern_covers, pattern_matches};
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

/// One piece of a glob, as the coverage check reads it (globset syntax with
/// the engine's options: `*` and `?` stay within a segment).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    /// One literal character.
    Lit(char),
    /// `?`: one character other than `/`.
    One,
    /// `*`: any run of characters other than `/`.
    Star,
    /// `**` as a whole segment, reduced to "any run of characters".
    Any,
    /// A `[…]` class, compared by its text only.
    Class(String),
}

/// Which side of the check a glob is on: the later glob is read as a
/// superset of its paths, the earlier as a subset, so that every doubt
/// counts against "covers".
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Earlier,
    Later,
}

/// How many `{…}` alternatives a glob may expand into before the check
/// gives up (and says "not covered").
const MAX_ALTERNATIVES: usize = 64;

/// The alternatives of a glob with its `{a,b}` groups expanded, as token
/// lists; `None` when there are too many or the glob is not understood.
fn expand(glob: &str, side: Side) -> Option<Vec<Vec<Tok>>> {
    let mut texts = vec![String::new()];
    let mut chars = glob.chars().peekable();
    let mut plain = String::new();
    let flush = |texts: &mut Vec<String>, plain: &mut String| {
        for t in texts.iter_mut() {
            t.push_str(plain);
        }
        plain.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                plain.push('\\');
                plain.push(chars.next()?);
            }
            '{' => {
                flush(&mut texts, &mut plain);
                let mut depth = 1;
                let mut group = String::new();
                for c in chars.by_ref() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    if depth == 0 {
                        break;
                    }
                    group.push(c);
                }
                if depth != 0 || group.contains(['{', '\\', '[']) {
                    return None;
                }
                let mut next = Vec::new();
                for t in &texts {
                    for alt in group.split(',') {
                        next.push(format!("{t}{alt}"));
                    }
                }
                if next.len() > MAX_ALTERNATIVES {
                    return None;
                }
                texts = next;
            }
            '}' => return None,
            _ => plain.push(c),
        }
    }
    flush(&mut texts, &mut plain);
    texts.iter().map(|t| tokens(t, side)).collect()
}

/// The tokens of a glob without `{…}` groups.
fn tokens(glob: &str, side: Side) -> Option<Vec<Tok>> {
    let chars: Vec<char> = glob.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                out.push(Tok::Lit(*chars.get(i + 1)?));
                i += 2;
            }
            '?' => {
                out.push(Tok::One);
                i += 1;
            }
            '[' => {
                let close = (i + 2..chars.len()).find(|&j| chars.get(j) == Some(&']'))?;
                out.push(Tok::Class(chars.get(i..=close)?.iter().collect()));
                i = close + 1;
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                let before = i == 0 || chars.get(i - 1) == Some(&'/');
                let after = matches!(chars.get(i + 2), None | Some('/'));
                match (before && after, side) {
                    // `/**/` is `/` or `/…/`: the earlier side keeps only
                    // `/…/` (its trailing `/` stays a literal), the later
                    // side reads `/…` (the `/` after it is dropped).
                    (true, Side::Later) => {
                        out.push(Tok::Any);
                        if i > 0 && chars.get(i + 2) == Some(&'/') {
                            i += 1;
                        }
                    }
                    // A leading `**/` is `(/?|.*/)`, of which `.*/` is a part.
                    (true, Side::Earlier) => out.push(Tok::Any),
                    // A `**` that is not a whole segment: a `*` to be safe
                    // on the earlier side, anything on the later side.
                    (false, Side::Earlier) => out.push(Tok::Star),
                    (false, Side::Later) => out.push(Tok::Any),
                }
                i += 2;
            }
            '*' => {
                out.push(Tok::Star);
                i += 1;
            }
            ']' => return None,
            _ => {
                out.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    Some(out)
}

/// Whether every path the tokens `later` stand for is matched by `earlier`:
/// each piece of `later` is absorbed by a piece of `earlier` that matches all
/// it can stand for. Sound, not complete: a `false` may be a cover missed.
fn tokens_cover(earlier: &[Tok], later: &[Tok]) -> bool {
    // Reachable (i, j): earlier[..i] has absorbed later[..j].
    let (n, m) = (earlier.len(), later.len());
    let mut reach = vec![false; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    if let Some(r) = reach.get_mut(0) {
        *r = true;
    }
    for i in 0..=n {
        for j in 0..=m {
            if !reach.get(at(i, j)).copied().unwrap_or(false) {
                continue;
            }
            let mut set = |i: usize, j: usize| {
                if let Some(r) = reach.get_mut(at(i, j)) {
                    *r = true;
                }
            };
            let (Some(e), l) = (earlier.get(i), later.get(j)) else {
                continue;
            };
            match e {
                Tok::Star | Tok::Any => {
                    set(i + 1, j);
                    let absorbs = match l {
                        None => false,
                        Some(_) if *e == Tok::Any => true,
                        Some(Tok::Lit(c)) => *c != '/',
                        Some(Tok::One | Tok::Star) => true,
                        Some(Tok::Any | Tok::Class(_)) => false,
                    };
                    if absorbs {
                        set(i, j + 1);
                    }
                }
                Tok::Lit(c) => {
                    if l == Some(&Tok::Lit(*c)) {
                        set(i + 1, j + 1);
                    }
                }
                Tok::One => {
                    if matches!(l, Some(Tok::One)) || matches!(l, Some(Tok::Lit(c)) if *c != '/') {
                        set(i + 1, j + 1);
                    }
                }
                Tok::Class(text) => {
                    if matches!(l, Some(Tok::Class(t)) if t == text) {
                        set(i + 1, j + 1);
                    }
                }
            }
        }
    }
    reach.get(at(n, m)).copied().unwrap_or(false)
}

/// Whether glob `earlier` matches every path that glob `later` matches, as
/// far as can be shown: `/**` or `/*` over `/x`, `/api/**` over
/// `/api/users/**`, `{a,b}` sets (each alternative of `later` covered by one
/// of `earlier`). Never a false positive; a doubt is "no".
fn glob_covers(earlier: &str, later: &str) -> bool {
    if earlier == later || earlier == "**" || earlier == "/**" {
        return true;
    }
    // Cheap first: the literal start of `earlier` must start `later`.
    if !later.starts_with(literal_start(earlier)) {
        return false;
    }
    let (Some(es), Some(ls)) = (expand(earlier, Side::Earlier), expand(later, Side::Later)) else {
        return false;
    };
    ls.iter().all(|l| es.iter().any(|e| tokens_cover(e, l)))
}

/// Whether a policy with `earlier` paths takes every request a later policy
/// with `later` paths could get (empty paths: every path; browsers always send
/// a path that starts with `/`). [`CoverIndex`] keeps each policy's index
/// instead of building it for every comparison; the tests ask this.
#[cfg(test)]
pub(crate) fn paths_cover(earlier: &[String], later: &[String]) -> bool {
    Globs::new(earlier).cover(later)
}

/// At most this many candidates are compared for one policy or one glob (a
/// file where every glob starts alike stays linear; a cover past them is not
/// reported).
const MAX_CANDIDATES: usize = 64;

/// At most this many lengths of literal starts are looked up for one glob
/// (a cover by a glob whose literal start has a later length is not
/// reported).
const MAX_LENGTHS: usize = 64;

/// The literal start of `glob`: the text before its first glob character.
fn literal_start(glob: &str) -> &str {
    glob.split(is_glob_meta).next().unwrap_or_default()
}

/// Items filed under the literal start of a glob. A glob covers another
/// only if its literal start starts the other, so the items that may cover
/// a glob are those filed under one of its prefixes; only the prefixes of
/// the lengths filed are looked up, at most [`MAX_LENGTHS`] of them, each no
/// longer than the glob: a lookup costs time linear in the glob's length,
/// however long it is.
struct ByStart<'a, T> {
    map: HashMap<&'a str, Vec<T>>,
    /// The distinct lengths of the keys of `map`, ascending.
    lens: Vec<usize>,
}

impl<T> Default for ByStart<'_, T> {
    fn default() -> Self {
        ByStart {
            map: HashMap::new(),
            lens: Vec::new(),
        }
    }
}

impl<'a, T> ByStart<'a, T> {
    /// The items filed under `start`, to add to.
    fn entry(&mut self, start: &'a str) -> &mut Vec<T> {
        if let Err(at) = self.lens.binary_search(&start.len()) {
            self.lens.insert(at, start.len());
        }
        self.map.entry(start).or_default()
    }

    /// The items filed under a prefix of `glob`, shortest prefix first.
    fn under_prefixes<'s>(&'s self, glob: &'s str) -> impl Iterator<Item = &'s Vec<T>> + 's {
        self.lens
            .iter()
            .take_while(move |&&len| len <= glob.len())
            .take(MAX_LENGTHS)
            .filter_map(move |&len| glob.get(..len).and_then(|prefix| self.map.get(prefix)))
    }
}

/// One policy's `paths`, indexed by literal start.
struct Globs<'a> {
    /// No `paths`, or `**` or `/**` among them: every path.
    every: bool,
    by_start: ByStart<'a, &'a str>,
}

impl<'a> Globs<'a> {
    fn new(paths: &'a [String]) -> Globs<'a> {
        let every = paths.is_empty() || paths.iter().any(|g| g == "**" || g == "/**");
        let mut by_start = ByStart::default();
        if !every {
            for glob in paths {
                by_start.entry(literal_start(glob)).push(glob.as_str());
            }
        }
        Globs { every, by_start }
    }

    /// Whether these paths take every request that `later` paths could get.
    fn cover(&self, later: &[String]) -> bool {
        self.every || (!later.is_empty() && later.iter().all(|glob| self.covers(glob)))
    }

    /// Whether one of these globs matches every path `glob` matches.
    fn covers(&self, glob: &str) -> bool {
        self.by_start.under_prefixes(glob).any(|globs| {
            globs
                .iter()
                .take(MAX_CANDIDATES)
                .any(|earlier| glob_covers(earlier, glob))
        })
    }
}

/// The policies seen so far, indexed so that the earlier policies that may
/// cover a later one are found without comparing it with every one: a glob
/// covers another only if its literal start (the text before its first
/// glob character) starts the other, so only the policies with a glob whose
/// literal start is a prefix of the later policy's first glob are compared.
#[derive(Default)]
pub(crate) struct CoverIndex<'a> {
    /// Each policy's paths, by index.
    globs: Vec<Globs<'a>>,
    /// Policies that take every path (no `paths`, `**` or `/**`), in order.
    every: Vec<usize>,
    /// Literal start of a glob → the policies with such a glob, in order.
    by_start: ByStart<'a, usize>,
}

impl<'a> CoverIndex<'a> {
    /// The first policy seen so far whose paths cover all of `later`'s.
    pub(crate) fn first_cover(&self, later: &[String]) -> Option<usize> {
        let first = later.first().map_or("/**", String::as_str);
        let mut candidates: Vec<usize> = self.every.iter().take(1).copied().collect();
        for policies in self.by_start.under_prefixes(first) {
            candidates.extend(policies.iter().take(MAX_CANDIDATES));
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .take(MAX_CANDIDATES)
            .find(|&i| self.globs.get(i).is_some_and(|g| g.cover(later)))
    }

    /// Adds the next policy, with its paths.
    pub(crate) fn push(&mut self, paths: &'a [String]) {
        let index = self.globs.len();
        let globs = Globs::new(paths);
        if globs.every {
            self.every.push(index);
        } else {
            for glob in paths {
                let list = self.by_start.entry(literal_start(glob));
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }
        self.globs.push(globs);
    }
}

#[cfg(test)]
mod tests;
