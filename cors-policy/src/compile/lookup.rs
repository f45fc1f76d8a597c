//! The literal entries of an origin list compiled: [`OriginLookup`], one
//! lookup per strategy — exact set, host lookup for port wildcards,
//! label-suffix lookup for `*.` subdomains, one regex pass. A policy's
//! compiled `origins` use it, and so do the contents of a runtime origin
//! set; it knows neither.

use super::hash::FastMap;
use super::multi::Sharded;
use crate::grammar::limits::{MAX_HOST_LEN, MAX_LABEL_LEN};
use crate::grammar::model::{HostPattern, OriginMatcher, PortPattern};
use crate::origin::{Parsed, parse};
use crate::swar::{has_empty_label, short_eq};

/// A label a `*` may stand for: 1–63 bytes of `a-z 0-9 - _`.
fn is_wild_label(label: &[u8]) -> bool {
    (1..=MAX_LABEL_LEN).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn port_matches(pattern: &PortPattern, port: Option<u16>) -> bool {
    match pattern {
        PortPattern::Any => true,
        PortPattern::Default => port.is_none(),
        PortPattern::Exact(p) => port == Some(*p),
    }
}

/// The patterns under one host (or suffix), in entry order: each one's
/// scheme (its index in [`OriginLookup::schemes`]), port pattern and entry.
/// A policy names a scheme or two, so the scheme is compared on a hit
/// instead of keying a table of its own.
type Entries = Vec<(u32, PortPattern, usize)>;

/// host (or suffix) → patterns.
type ByHost = FastMap<Box<[u8]>, Entries>;

/// The `*.suffix` suffixes of one length. A policy names a suffix or two,
/// mostly of different lengths: a suffix alone of its length is kept here
/// and compared with the host's as two words, not hashed and looked up.
#[derive(Debug)]
struct SuffixLen {
    len: usize,
    /// The suffix and its patterns when it is the only one of this length;
    /// `None`: several, in [`OriginLookup::subdomains`].
    only: Option<(Box<[u8]>, Entries)>,
}

/// An origin list's entries but its `set "NAME"` ones, compiled.
#[derive(Debug, Default)]
pub(crate) struct OriginLookup {
    /// `*` present.
    any: bool,
    /// The first `null` entry.
    null: Option<usize>,
    /// No `null`, port or subdomain pattern, no regex: only `exact`.
    exact_only: bool,
    /// Exact serialized origins → first entry.
    exact: FastMap<Box<[u8]>, usize>,
    /// The longest key of `exact`: a longer origin is not hashed.
    max_exact_len: usize,
    /// The schemes the patterns of `hosts` and `subdomains` name, each once.
    schemes: Vec<Box<[u8]>>,
    /// host → patterns with that exact host.
    hosts: ByHost,
    /// suffix → `*.suffix` patterns, but the suffixes alone of their
    /// length (in `suffix_lens`).
    subdomains: ByHost,
    /// The distinct lengths of the `*.suffix` suffixes, ascending, but
    /// those no parsed host can hold after a label and a dot.
    suffix_lens: Vec<SuffixLen>,
    /// The regexes, anchored, in one pass; pattern i → entry `regex_entries[i]`.
    regex: Option<Sharded>,
    regex_entries: Vec<usize>,
}

impl OriginLookup {
    /// Compiles the entries (`set "NAME"` ones are left out). `regex` builds the one-pass matcher from the
    /// anchored patterns (an error names the pattern that failed).
    pub(crate) fn new(
        entries: &[crate::grammar::model::Origin],
        regex: impl FnOnce(&[String]) -> Result<Sharded, String>,
    ) -> Result<OriginLookup, String> {
        let mut set = OriginLookup::default();
        let mut patterns = Vec::new();
        let mut scheme_ids: FastMap<Box<[u8]>, u32> = FastMap::default();
        for (index, entry) in entries.iter().enumerate() {
            match &entry.matcher {
                OriginMatcher::Any => set.any = true,
                OriginMatcher::Null => {
                    set.null.get_or_insert(index);
                }
                OriginMatcher::Exact(origin) => {
                    // Only a key a request's origin can equal: one that
                    // parses as a tuple origin (others never matched). So a
                    // hit in `exact` needs no parse: see `find`.
                    if matches!(parse(origin.as_bytes()), Some(Parsed::Tuple { .. })) {
                        set.max_exact_len = set.max_exact_len.max(origin.len());
                        set.exact.entry(origin.as_bytes().into()).or_insert(index);
                    }
                }
                OriginMatcher::Pattern(pattern) => {
                    let (table, key) = match &pattern.host {
                        HostPattern::Exact(host) => (&mut set.hosts, host),
                        HostPattern::Subdomains(suffix) => (&mut set.subdomains, suffix),
                    };
                    // Hashed, not searched: a policy of many schemes
                    // still compiles in linear time.
                    let scheme = pattern.scheme.as_bytes();
                    let id = match scheme_ids.get(scheme) {
                        Some(&id) => id,
                        None => {
                            let id = u32::try_from(set.schemes.len())
                                .map_err(|_| "too many schemes".to_owned())?;
                            set.schemes.push(scheme.into());
                            scheme_ids.insert(scheme.into(), id);
                            id
                        }
                    };
                    table.entry(key.as_bytes().into()).or_default().push((
                        id,
                        pattern.port.clone(),
                        index,
                    ));
                }
                OriginMatcher::Set(_) => {}
                OriginMatcher::Regex(re) => {
                    // Wrapped only once it parses alone: `a)|(.*` would
                    // otherwise escape the anchoring group.
                    regex_automata::util::syntax::parse(re).map_err(|e| format!("{re}: {e}"))?;
                    patterns.push(format!("^(?:{re})$"));
                    set.regex_entries.push(index);
                }
            }
        }
        if !patterns.is_empty() {
            set.regex = Some(regex(&patterns)?);
        }
        set.exact_only = set.null.is_none()
            && set.hosts.is_empty()
            && set.subdomains.is_empty()
            && set.regex.is_none();
        set.suffix_lens = suffix_lens(&mut set.subdomains);
        Ok(set)
    }

    /// Whether the answer is `*` whatever the origin.
    pub(crate) fn is_any(&self) -> bool {
        self.any
    }

    /// Whether only exact origins are listed (no `null`, port or
    /// subdomain pattern, no regex).
    pub(crate) fn is_exact_only(&self) -> bool {
        self.exact_only
    }

    /// The first exact entry equal to `origin`: one hash lookup, and none
    /// for an origin longer than every entry.
    #[inline]
    pub(crate) fn exact(&self, origin: &[u8]) -> Option<usize> {
        if origin.len() <= self.max_exact_len
            && let Some(&index) = self.exact.get(origin)
        {
            return Some(index);
        }
        None
    }

    /// The first entry that matches `origin`, already parsed as `parsed`.
    pub(crate) fn lookup(&self, origin: &[u8], parsed: Parsed<'_>) -> Option<usize> {
        let mut best: Option<usize> = None;
        let mut consider = |index: usize| consider(&mut best, index);
        match parsed {
            Parsed::Null => {
                if let Some(index) = self.null {
                    consider(index);
                }
            }
            Parsed::Tuple { scheme, host, port } => {
                if let Some(index) = self.exact(origin) {
                    consider(index);
                }
                // An empty table is not hashed into.
                if !self.hosts.is_empty()
                    && let Some(entries) = self.hosts.get(host)
                {
                    self.consider_matching(entries, scheme, port, &mut consider);
                }
                self.find_subdomain(scheme, host, port, &mut consider);
                // Only a tuple origin goes through the regexes: `null` is
                // matched by the `null` keyword alone, whatever a regex says.
                if let Some(index) = self
                    .regex
                    .as_ref()
                    .and_then(|regex| regex.find(origin))
                    .and_then(|pattern| self.regex_entries.get(pattern))
                {
                    consider(*index);
                }
            }
        }
        best
    }

    /// Considers each pattern of `entries` whose scheme is `scheme` and
    /// whose port pattern matches `port`.
    #[inline]
    fn consider_matching(
        &self,
        entries: &Entries,
        scheme: &[u8],
        port: Option<u16>,
        consider: &mut impl FnMut(usize),
    ) {
        for (id, pattern, index) in entries {
            let same_scheme = usize::try_from(*id)
                .ok()
                .and_then(|id| self.schemes.get(id))
                .is_some_and(|s| short_eq(s, scheme));
            if same_scheme && port_matches(pattern, port) {
                consider(*index);
            }
        }
    }

    /// `*.suffix` entries: for each length a suffix of the table has, the
    /// host must hold a dot that far from its end, with the suffix after
    /// it and one or more wildcard labels before it. At most one lookup a
    /// length, and the dot is checked before the suffix is hashed: a host
    /// is not walked dot by dot.
    ///
    /// `host` is a parsed host: `[a-z0-9._-]`, no label over
    /// [`MAX_LABEL_LEN`] bytes (`parse` refuses one; a bracketed IPv6
    /// address has no dot), so the labels before the dot are wildcard
    /// labels exactly when none is empty.
    fn find_subdomain(
        &self,
        scheme: &[u8],
        host: &[u8],
        port: Option<u16>,
        consider: &mut impl FnMut(usize),
    ) {
        for &SuffixLen { len, ref only } in &self.suffix_lens {
            // `labels.suffix`: the dot's index, at least 1.
            let dot = match host.len().checked_sub(len + 1) {
                Some(dot) if dot >= 1 => dot,
                // The lengths ascend: no longer suffix fits either.
                _ => return,
            };
            let (labels, dot_suffix) = host.split_at(dot);
            let Some((b'.', suffix)) = dot_suffix.split_first() else {
                continue;
            };
            let entries = match only {
                Some((only, entries)) if short_eq(only, suffix) => entries,
                Some(_) => continue,
                None => match self.subdomains.get(suffix) {
                    Some(entries) => entries,
                    None => continue,
                },
            };
            debug_assert!(
                labels
                    .split(|&b| b == b'.')
                    .all(|label| label.is_empty() || is_wild_label(label))
            );
            if !has_empty_label(labels) {
                self.consider_matching(entries, scheme, port, consider);
            }
        }
    }
}

/// The lengths of the suffixes of `subdomains` a parsed host can hold
/// after a label and a dot, ascending; each suffix alone of its length is
/// moved out of `subdomains` into its [`SuffixLen`].
fn suffix_lens(subdomains: &mut ByHost) -> Vec<SuffixLen> {
    if subdomains.is_empty() {
        return Vec::new();
    }
    // By length: how many suffixes, and the first one met. A parsed host
    // is at most `MAX_HOST_LEN` bytes and a final dot: no suffix as long
    // fits in one after a label and a dot.
    let mut by_len: Vec<(usize, Option<&[u8]>)> = vec![(0, None); MAX_HOST_LEN];
    for suffix in subdomains.keys() {
        if let Some((count, first)) = by_len.get_mut(suffix.len()) {
            *count += 1;
            first.get_or_insert(suffix);
        }
    }
    let lens: Vec<(usize, Option<Box<[u8]>>)> = by_len
        .into_iter()
        .enumerate()
        .filter(|(_, (count, _))| *count > 0)
        .map(|(len, (count, first))| (len, first.filter(|_| count == 1).map(Box::from)))
        .collect();
    lens.into_iter()
        .map(|(len, only)| SuffixLen {
            len,
            only: only.and_then(|key| subdomains.remove_entry(&key)),
        })
        .collect()
}

/// Keeps in `best` the lower entry index: the first entry in file order.
pub(crate) fn consider(best: &mut Option<usize>, index: usize) {
    *best = Some(best.map_or(index, |b| b.min(index)));
}

#[cfg(test)]
mod tests;
