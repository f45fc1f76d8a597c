//! Runtime origin sets: the contents of `origins set "NAME"`, supplied and
//! replaced by the application while the engine runs.
//!
//! A set's contents are compiled once per replacement into the same lookup
//! a policy's literal origins use (exact origins in a hash set, `*.`
//! wildcards by label suffix, `:*` ports by host) and published with one
//! atomic pointer swap ([`arc_swap`]). A decision reads the contents with one
//! lock-free load — no allocation, no reference-count traffic — and so sees
//! either the old contents or the new, never a mix.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use arc_swap::ArcSwap;

use crate::compile::OriginLookup;
use crate::grammar::model::{self, HostPattern, OriginMatcher, PortPattern};
use crate::grammar::{self, Diagnostic, Span};
use crate::origin::{self, MAX_ORIGIN_LEN, Parsed};

/// One named set of allowed origins whose contents the application replaces
/// at run time: what a policy's `origins set "NAME"` reads.
///
/// A handle: cloning it is cheap, and every clone reads and replaces the
/// same contents. Give one to the engine when building it
/// ([`EngineBuilder::origin_set`](crate::EngineBuilder::origin_set)), keep
/// another, and call [`replace`](Self::replace) from any thread whenever the
/// origins change (a database refresh, a file reload, an admin action):
///
/// ```
/// use cors_policy::{Engine, OriginSet, Request};
///
/// let tenants = OriginSet::new();
/// let engine = Engine::builder(r#"policy "api" { origins set "tenants" credentials }"#)
///     .origin_set("tenants", &tenants)
///     .build()?;
/// let request = Request::new("GET", "/").origin("https://acme.example.com");
/// assert!(!engine.decide(&request).allowed()); // empty: allows nothing
///
/// let report = tenants.replace(["https://acme.example.com", "https://acme.example.com/"]);
/// assert_eq!(report.accepted(), 1);
/// assert_eq!(report.rejected()[0].diagnostic().kind.name(), "invalid-origin");
/// assert!(engine.decide(&request).allowed());
/// # Ok::<(), cors_policy::Error>(())
/// ```
///
/// Each entry is validated and normalized by the same code as a literal
/// `origins` string ([`grammar::validate_set_entry`]); an entry it rejects is
/// reported, never used. A set never matches the origin `null`, and an
/// empty (or never filled) set allows nothing.
#[derive(Clone, Default)]
pub struct OriginSet {
    current: Arc<ArcSwap<Contents>>,
}

/// A set's contents, compiled: immutable, replaced whole.
#[derive(Debug, Default)]
struct Contents {
    matcher: OriginLookup,
    /// The accepted entries, normalized, in the order given (duplicates
    /// removed).
    entries: Box<[Box<str>]>,
}

impl Contents {
    fn new(matchers: Vec<OriginMatcher>) -> Contents {
        let mut seen = std::collections::HashSet::with_capacity(matchers.len());
        let mut origins = Vec::with_capacity(matchers.len());
        for matcher in matchers {
            let source = normalized_text(&matcher);
            if seen.insert(source.clone()) {
                origins.push(model::Origin {
                    matcher,
                    source,
                    span: Span::default(),
                });
            }
        }
        // Set entries are never regexes, so building cannot fail; were it
        // to, the set would allow nothing (failing closed).
        let matcher =
            OriginLookup::new(&origins, |_| Err("a set entry is never a regex".to_owned()))
                .unwrap_or_default();
        Contents {
            matcher,
            entries: origins.into_iter().map(|o| o.source.into()).collect(),
        }
    }
}

/// An entry as the set holds it: `https://a.com`, `https://*.a.com:8443`,
/// `http://localhost:*`.
fn normalized_text(matcher: &OriginMatcher) -> String {
    match matcher {
        OriginMatcher::Exact(origin) => origin.clone(),
        OriginMatcher::Pattern(pattern) => {
            let host = match &pattern.host {
                HostPattern::Exact(host) => host.clone(),
                HostPattern::Subdomains(suffix) => format!("*.{suffix}"),
            };
            let port = match pattern.port {
                PortPattern::Default => String::new(),
                PortPattern::Exact(port) => format!(":{port}"),
                PortPattern::Any => ":*".to_owned(),
            };
            format!("{}://{host}{port}", pattern.scheme)
        }
        // `validate_set_entry` gives only the two above.
        OriginMatcher::Any
        | OriginMatcher::Null
        | OriginMatcher::Regex(_)
        | OriginMatcher::Set(_) => String::new(),
    }
}

impl OriginSet {
    /// An empty set: it allows nothing until [`replace`](Self::replace)d.
    pub fn new() -> OriginSet {
        OriginSet::default()
    }

    /// Replaces the whole contents with the entries of `entries` that are
    /// valid, atomically: a decision running meanwhile sees the old contents
    /// or the new, never a mix, and every decision that starts after this
    /// returns sees the new ones.
    ///
    /// Each entry is an exact origin (`https://app.example.com`) or a wildcard
    /// one (`https://*.example.com`, `http://localhost:*`), written as in a
    /// policy file but without quotes, and normalized the same way
    /// (`HTTPS://App.Example.com:443` is `https://app.example.com`). The
    /// report says how many were accepted and why each other one was
    /// rejected, with the language's diagnostics (`invalid-origin`,
    /// `public-suffix-wildcard`).
    ///
    /// Compiling the new contents takes time linear in their size, on the
    /// calling thread; decisions are never blocked by it. Two replacements
    /// racing each other leave the contents of one of them, whole.
    pub fn replace<I>(&self, entries: I) -> Replaced
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut accepted = Vec::new();
        let mut rejected = Vec::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let text = entry.as_ref();
            match grammar::validate_set_entry(text) {
                Ok(matcher) => accepted.push(matcher),
                Err(diagnostic) => rejected.push(Rejected {
                    index,
                    entry: text.into(),
                    diagnostic,
                }),
            }
        }
        let count = accepted.len();
        let contents = Contents::new(accepted);
        let len = contents.entries.len();
        self.current.store(Arc::new(contents));
        Replaced {
            accepted: count,
            len,
            rejected,
        }
    }

    /// Empties the set: it allows nothing until the next
    /// [`replace`](Self::replace).
    pub fn clear(&self) {
        self.current.store(Arc::default());
    }

    /// Whether `origin` — a request's `Origin` value, byte for byte — is in
    /// the current contents (what a policy's `set` entry answers).
    pub fn contains(&self, origin: &str) -> bool {
        let parsed = match origin::parse(origin.as_bytes()) {
            Some(parsed) if origin.len() <= MAX_ORIGIN_LEN => parsed,
            _ => return false,
        };
        self.matches(origin.as_bytes(), parsed)
    }

    /// The current contents, frozen: every question asked of one snapshot
    /// gets the answer of the same contents, whatever replacements happen
    /// meanwhile.
    pub fn snapshot(&self) -> SetSnapshot {
        SetSnapshot {
            contents: self.current.load_full(),
        }
    }

    /// The number of distinct entries in the current contents.
    pub fn len(&self) -> usize {
        self.current.load().entries.len()
    }

    /// Whether the current contents are empty (the set allows nothing).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The engine's check: one lock-free load of the current contents and
    /// one lookup, without allocating.
    #[inline]
    pub(crate) fn matches(&self, origin: &[u8], parsed: Parsed<'_>) -> bool {
        self.current.load().matcher.lookup(origin, parsed).is_some()
    }

    /// [`matches`](Self::matches) for an origin not parsed yet: contents of
    /// exact origins alone are looked the origin up in as it is (a key is a
    /// tuple origin that parses, so a hit needs no parse); others ask
    /// `parsed` for it, and never match `null`.
    #[inline]
    pub(crate) fn matches_unparsed<'o>(
        &self,
        origin: &'o [u8],
        parsed: impl FnOnce() -> Option<Parsed<'o>>,
    ) -> bool {
        let contents = self.current.load();
        if contents.matcher.is_exact_only() {
            return contents.matcher.exact(origin).is_some();
        }
        match parsed() {
            Some(tuple @ Parsed::Tuple { .. }) => contents.matcher.lookup(origin, tuple).is_some(),
            _ => false,
        }
    }
}

impl fmt::Debug for OriginSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OriginSet")
            .field("len", &self.len())
            .finish()
    }
}

/// The contents of an [`OriginSet`] at one moment ([`OriginSet::snapshot`]).
#[derive(Clone)]
pub struct SetSnapshot {
    contents: Arc<Contents>,
}

impl SetSnapshot {
    /// Whether `origin` — a request's `Origin` value, byte for byte — is in
    /// these contents.
    pub fn contains(&self, origin: &str) -> bool {
        match origin::parse(origin.as_bytes()) {
            Some(parsed) if origin.len() <= MAX_ORIGIN_LEN => self
                .contents
                .matcher
                .lookup(origin.as_bytes(), parsed)
                .is_some(),
            _ => false,
        }
    }

    /// The entries, normalized (`https://*.example.com`,
    /// `http://localhost:*`), in the order they were given, without
    /// duplicates.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &str> {
        self.contents.entries.iter().map(|e| &**e)
    }

    /// The number of distinct entries.
    pub fn len(&self) -> usize {
        self.contents.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.contents.entries.is_empty()
    }
}

impl fmt::Debug for SetSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.entries()).finish()
    }
}

/// What [`OriginSet::replace`] did: how many entries it accepted and why it
/// rejected the others.
#[derive(Clone, Debug)]
#[must_use = "a rejected entry is not used: report it"]
pub struct Replaced {
    accepted: usize,
    len: usize,
    rejected: Vec<Rejected>,
}

impl Replaced {
    /// How many entries were accepted (duplicates included).
    pub fn accepted(&self) -> usize {
        self.accepted
    }

    /// How many distinct entries the set now holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is now empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries that were rejected, in the order given.
    pub fn rejected(&self) -> &[Rejected] {
        &self.rejected
    }

    /// Whether every entry was accepted.
    pub fn is_clean(&self) -> bool {
        self.rejected.is_empty()
    }
}

impl fmt::Display for Replaced {
    /// `3 entries accepted, 1 rejected`, then one line a rejected entry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} accepted, {} rejected",
            self.accepted,
            if self.accepted == 1 {
                "entry"
            } else {
                "entries"
            },
            self.rejected.len()
        )?;
        for rejected in &self.rejected {
            write!(f, "\n{rejected}")?;
        }
        Ok(())
    }
}

/// One entry [`OriginSet::replace`] rejected, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected {
    index: usize,
    entry: Box<str>,
    diagnostic: Diagnostic,
}

impl Rejected {
    /// Its position among the entries given (0-based).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The entry as given.
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// Why: the diagnostic the same text gets in a policy file (its span is
    /// into [`entry`](Self::entry)).
    pub fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostic
    }
}

impl fmt::Display for Rejected {
    /// `entry 2 `https://a.com/`: error[E0006/invalid-origin]: … (help: …)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        write!(
            f,
            "entry {} `{}`: error[{}]: {}",
            self.index + 1,
            self.entry.escape_debug(),
            d.kind,
            d.message
        )?;
        if let Some(help) = &d.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Origin sets by name: one place that holds every [`OriginSet`] of an
/// application, for engines to take theirs from
/// ([`EngineBuilder::origin_sets`](crate::EngineBuilder::origin_sets)) and
/// for the code that refreshes them.
///
/// A handle: clones share the same sets. Replacing a set's contents needs
/// only a shared reference, from any thread.
///
/// ```
/// use cors_policy::{Engine, OriginSets};
///
/// let sets = OriginSets::new();
/// let report = sets.replace("tenants", ["https://*.acme.example", "https://*.com"]);
/// assert_eq!(report.rejected()[0].diagnostic().kind.name(), "public-suffix-wildcard");
/// let engine = Engine::builder(r#"policy "api" { origins set "tenants" }"#)
///     .origin_sets(&sets)
///     .build()?;
/// # Ok::<(), cors_policy::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct OriginSets {
    sets: Arc<RwLock<BTreeMap<Box<str>, OriginSet>>>,
}

impl OriginSets {
    /// No sets yet.
    pub fn new() -> OriginSets {
        OriginSets::default()
    }

    /// The set named `name`, created empty if there is none yet.
    pub fn handle(&self, name: &str) -> OriginSet {
        if let Some(set) = self.get(name) {
            return set;
        }
        self.sets
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(name.into())
            .or_default()
            .clone()
    }

    /// The set named `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<OriginSet> {
        self.sets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    /// Replaces the contents of the set named `name` (created if there is
    /// none yet); see [`OriginSet::replace`].
    pub fn replace<I>(&self, name: &str, entries: I) -> Replaced
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.handle(name).replace(entries)
    }

    /// The names of the sets, sorted.
    pub fn names(&self) -> Vec<String> {
        self.sets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .map(|k| k.to_string())
            .collect()
    }
}

impl fmt::Debug for OriginSets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sets = self.sets.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_map()
            .entries(sets.iter().map(|(name, set)| (name, set.len())))
            .finish()
    }
}
