//! The literal entries of an origin list compiled: [`OriginLookup`], one
//! lookup per strategy — exact set, host lookup for port wildcards,
//! label-suffix lookup for `*.` subdomains, one regex pass. A policy's
//! compiled `origins` use it, and so do the contents of a runtime origin
//! set; it knows neither.

use super::hash::FastMap;
use super::multi::Sharded;
use crate::grammar::limits::MAX_LABEL_LEN;
use crate::grammar::model::{HostPattern, OriginMatcher, PortPattern};
use crate::origin::{Parsed, parse};

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

/// Port patterns under one (scheme, host or suffix) key, in entry order.
type PortEntries = Vec<(PortPattern, usize)>;

/// host (or suffix) → port patterns.
type ByHost = FastMap<Box<[u8]>, PortEntries>;

/// scheme → host (or suffix) → port patterns. A policy names a scheme or
/// two, so the schemes are compared in a row rather than hashed.
type ByScheme = Vec<(Box<[u8]>, ByHost)>;

/// The hosts (or suffixes) of `scheme`, if any.
fn by_scheme<'t>(table: &'t ByScheme, scheme: &[u8]) -> Option<&'t ByHost> {
    table
        .iter()
        .find(|(s, _)| **s == *scheme)
        .map(|(_, hosts)| hosts)
}

/// A set of lengths 0–255: which suffix lengths `subdomains` holds, so a
/// candidate of another length is not hashed.
#[derive(Debug, Default)]
struct Lengths([u64; 4]);

impl Lengths {
    fn insert(&mut self, len: usize) {
        // Longer suffixes are always looked up (see `contains`).
        if let Some(word) = self.0.get_mut(len / 64) {
            *word |= 1u64 << (len % 64);
        }
    }

    fn contains(&self, len: usize) -> bool {
        self.0
            .get(len / 64)
            .is_none_or(|word| word & (1u64 << (len % 64)) != 0)
    }
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
    /// scheme → host → port patterns (patterns with an exact host).
    hosts: ByScheme,
    /// scheme → suffix → port patterns (`*.suffix`).
    subdomains: ByScheme,
    /// The longest suffix in `subdomains`: longer candidates are not looked up.
    max_suffix_len: usize,
    /// The lengths of the suffixes in `subdomains`.
    suffix_lens: Lengths,
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
                        HostPattern::Subdomains(suffix) => {
                            set.max_suffix_len = set.max_suffix_len.max(suffix.len());
                            set.suffix_lens.insert(suffix.len());
                            (&mut set.subdomains, suffix)
                        }
                    };
                    let scheme = pattern.scheme.as_bytes();
                    let at = match table.iter().position(|(s, _)| **s == *scheme) {
                        Some(at) => at,
                        None => {
                            table.push((scheme.into(), ByHost::default()));
                            table.len() - 1
                        }
                    };
                    if let Some((_, hosts)) = table.get_mut(at) {
                        hosts
                            .entry(key.as_bytes().into())
                            .or_default()
                            .push((pattern.port.clone(), index));
                    }
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
                if let Some(entries) =
                    by_scheme(&self.hosts, scheme).and_then(|hosts| hosts.get(host))
                {
                    for (pattern, index) in entries {
                        if port_matches(pattern, port) {
                            consider(*index);
                        }
                    }
                }
                if let Some(suffixes) = by_scheme(&self.subdomains, scheme) {
                    self.find_subdomain(suffixes, host, port, &mut consider);
                }
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

    /// `*.suffix` entries: split the host at each dot whose left side is all
    /// wildcard labels, and look the right side up — at most the dots within
    /// the last `max_suffix_len` bytes are looked up. `host` is a parsed
    /// host: `[a-z0-9._-]` (a bracketed IPv6 address has no dot), so a label
    /// between dots is a wildcard label exactly when its length is 1–63.
    fn find_subdomain(
        &self,
        suffixes: &ByHost,
        host: &[u8],
        port: Option<u16>,
        consider: &mut impl FnMut(usize),
    ) {
        // Label by label: each step finds the next dot (a tight search),
        // and the rest of the host after it is the candidate suffix.
        let mut rest = host;
        while let Some(dot) = rest.iter().position(|&b| b == b'.') {
            let (label, after) = rest.split_at(dot);
            let wild = (1..=MAX_LABEL_LEN).contains(&label.len());
            debug_assert_eq!(wild, is_wild_label(label));
            if !wild {
                // Every later split would have this label on its left.
                return;
            }
            let suffix = after.get(1..).unwrap_or_default();
            rest = suffix;
            if suffix.len() > self.max_suffix_len || !self.suffix_lens.contains(suffix.len()) {
                continue;
            }
            if let Some(entries) = suffixes.get(suffix) {
                for (pattern, index) in entries {
                    if port_matches(pattern, port) {
                        consider(*index);
                    }
                }
            }
        }
    }
}

/// Keeps in `best` the lower entry index: the first entry in file order.
pub(crate) fn consider(best: &mut Option<usize>, index: usize) {
    *best = Some(best.map_or(index, |b| b.min(index)));
}

#[cfg(test)]
mod tests;
