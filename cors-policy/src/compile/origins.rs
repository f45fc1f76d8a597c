//! A policy's `origins` compiled: [`OriginSet`], its literal entries
//! ([`OriginLookup`]) and its `set "NAME"` entries, each read in its
//! runtime set's current contents — and [`Found`], how a request's
//! `Origin` came out. Reading the request's `Origin` is
//! [`crate::origin`]'s job.

use super::lookup::{OriginLookup, consider};
use super::multi::Sharded;
use crate::grammar::model::{OriginMatcher, Policy};
use crate::grammar::{Diagnostic, Kind as DiagKind};
use crate::origin::{MAX_ORIGIN_LEN, Parsed, parse};

/// How the origin check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// `origins *`: every origin.
    Any,
    /// The first matching entry, by index into the policy's `origins`.
    Entry(usize),
    /// Not a serialized origin as browsers send it.
    Malformed,
    /// No entry matches.
    NotAllowed,
    /// No entry matches, and the origin was not parsed: [`Found::Malformed`]
    /// or [`Found::NotAllowed`], as [`Found::settle`] tells. What an
    /// exact-only lookup's miss answers, so that the parse is paid only when
    /// the reason is asked for.
    Missed,
}

impl Found {
    /// `Missed` told apart: `Malformed` or `NotAllowed`, by parsing `origin`.
    pub(crate) fn settle(self, origin: &[u8]) -> Found {
        match self {
            Found::Missed if parse(origin).is_none() => Found::Malformed,
            Found::Missed => Found::NotAllowed,
            found => found,
        }
    }
}

/// One policy's origins, compiled.
#[derive(Debug, Default)]
pub(crate) struct OriginSet {
    /// Every entry but the `set "NAME"` ones.
    lookup: OriginLookup,
    /// Only exact origins: no `null`, port or subdomain pattern, no regex,
    /// no set.
    exact_only: bool,
    /// `set "NAME"` entries, each looked up in its set's current contents.
    sets: Vec<SetSlot>,
}

/// One `set "NAME"` entry of a policy: its index and, once the engine is
/// built, the set it reads ([`OriginSet::bind_sets`]).
#[derive(Debug)]
struct SetSlot {
    index: usize,
    name: Box<str>,
    set: Option<crate::sets::OriginSet>,
}

impl OriginSet {
    /// Compiles the entries. `regex` builds the one-pass matcher from the
    /// anchored patterns (an error names the pattern that failed).
    pub(crate) fn new(
        entries: &[crate::grammar::model::Origin],
        regex: impl FnOnce(&[String]) -> Result<Sharded, String>,
    ) -> Result<OriginSet, String> {
        let lookup = OriginLookup::new(entries, regex)?;
        let sets: Vec<SetSlot> = entries
            .iter()
            .enumerate()
            .filter_map(|(index, entry)| match &entry.matcher {
                OriginMatcher::Set(name) => Some(SetSlot {
                    index,
                    name: name.as_str().into(),
                    set: None,
                }),
                _ => None,
            })
            .collect();
        Ok(OriginSet {
            exact_only: lookup.is_exact_only() && sets.is_empty(),
            lookup,
            sets,
        })
    }

    /// Gives each `set "NAME"` entry the set `supply` has for its name; the
    /// first name it has none for is the error (with its entry's index).
    pub(crate) fn bind_sets(
        &mut self,
        supply: &mut dyn FnMut(&str) -> Option<crate::sets::OriginSet>,
    ) -> Result<(), (usize, Box<str>)> {
        for slot in &mut self.sets {
            match supply(&slot.name) {
                Some(set) => slot.set = Some(set),
                None => return Err((slot.index, slot.name.clone())),
            }
        }
        Ok(())
    }

    /// Whether the answer is `*` whatever the origin.
    pub(crate) fn is_any(&self) -> bool {
        self.lookup.is_any()
    }

    /// Checks a request's `Origin`: the first entry (in file order) that
    /// matches. Linear in the origin's length, which is capped
    /// ([`MAX_ORIGIN_LEN`]); allocates nothing.
    #[inline]
    pub(crate) fn find(&self, origin: &[u8]) -> Found {
        if self.lookup.is_any() {
            // Answered `*` whatever the origin, malformed or too long.
            return Found::Any;
        }
        // The cap first, in O(1): an over-long origin is never read.
        if origin.len() > MAX_ORIGIN_LEN {
            return Found::Malformed;
        }
        // Exact origins only (the common case): one hash lookup, and no
        // parse: a miss is `Missed`, told apart (malformed or not allowed)
        // only when its reason is asked for. A key of `exact` is a tuple
        // origin that parses, so a hit is the same answer as the full path
        // below.
        if self.exact_only {
            return self
                .lookup
                .exact(origin)
                .map_or(Found::Missed, Found::Entry);
        }
        if self.lookup.is_exact_only() {
            return self.find_exact_first(origin);
        }
        self.find_by_parts(origin)
    }

    /// [`find`](Self::find) for exact origins and `set "NAME"` entries: the
    /// origin is looked up as it is in the exact origins and in every set
    /// whose current contents are exact origins alone, and parsed only for
    /// a set with patterns or, on a miss, to tell a malformed origin from
    /// one not allowed (`Missed` when nothing else needed the parse). The
    /// same answer as [`find_by_parts`](Self::find_by_parts): an exact key is
    /// a tuple origin that parses.
    #[inline(never)]
    fn find_exact_first(&self, origin: &[u8]) -> Found {
        let mut best = self.lookup.exact(origin);
        let mut parsed = None;
        for slot in &self.sets {
            let Some(set) = &slot.set else { continue };
            if set.matches_unparsed(origin, || *parsed.get_or_insert_with(|| parse(origin))) {
                consider(&mut best, slot.index);
            }
        }
        match (best, parsed) {
            (Some(index), _) => Found::Entry(index),
            (None, None) => Found::Missed,
            (None, Some(Some(_))) => Found::NotAllowed,
            (None, Some(None)) => Found::Malformed,
        }
    }

    /// [`find`](Self::find) for a set with more than exact origins: the
    /// origin parsed, then every strategy.
    #[inline(never)]
    fn find_by_parts(&self, origin: &[u8]) -> Found {
        let Some(parsed) = parse(origin) else {
            return Found::Malformed;
        };
        self.lookup(origin, parsed)
            .map_or(Found::NotAllowed, Found::Entry)
    }

    /// The first entry that matches `origin`, already parsed as `parsed`.
    fn lookup(&self, origin: &[u8], parsed: Parsed<'_>) -> Option<usize> {
        let mut best = self.lookup.lookup(origin, parsed);
        // A set never matches `null`: only tuple origins reach it.
        if let Parsed::Tuple { .. } = parsed {
            for slot in &self.sets {
                if slot
                    .set
                    .as_ref()
                    .is_some_and(|set| set.matches(origin, parsed))
                {
                    consider(&mut best, slot.index);
                }
            }
        }
        best
    }
}

/// The error of a `set "NAME"` entry that no set was supplied for.
pub(crate) fn missing_set(policy: &Policy, entry: usize, name: &str) -> Diagnostic {
    let span = policy.origins.get(entry).map_or(policy.span, |o| o.span);
    Diagnostic::new(
        DiagKind::InvalidOrigin,
        span,
        format!("no origin set named `{name}` was supplied to the engine"),
    )
    .with_help(format!(
        "build the engine with `Engine::builder(…).origin_set(\"{name}\", &set)` (an empty set allows nothing until it is filled)"
    ))
}
