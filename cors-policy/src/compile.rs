//! compile: a validated policy set into lookup tables and pre-rendered
//! header values, so that `decide` only looks things up and borrows.

use std::collections::{HashMap, HashSet};
use std::fmt;

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};

use crate::grammar::model::{self, NameList, OriginMatcher};
use crate::grammar::{Diagnostic, Kind as DiagKind};
use crate::origin::OriginSet;
use crate::request_headers::is_token;

/// The engine's keyed hash for its lookup tables (origins, hosts, suffixes,
/// header names, methods): foldhash, several times cheaper than std's
/// SipHash-1-3 on short keys. `fast::RandomState` seeds every table from a
/// per-process random seed, so which request values collide is not
/// predictable from outside — hash-flooding resistance is kept (foldhash is
/// "minimally DoS-resistant", not a cryptographic PRF). The tables are built
/// from the policy, never from requests: a request can only look a key up,
/// never add one, so it cannot grow a collision chain either.
pub(crate) type FastHash = foldhash::fast::RandomState;

/// A [`HashMap`] with [`FastHash`].
pub(crate) type FastMap<K, V> = HashMap<K, V, FastHash>;

/// A [`HashSet`] with [`FastHash`].
pub(crate) type FastSet<T> = HashSet<T, FastHash>;

/// The largest fully compiled DFA (per policy set for paths, per policy for
/// origin regexes). Over it the engine falls back to a lazy DFA.
const DFA_SIZE_LIMIT: usize = 4 << 20;
/// The most memory determinization may use before falling back.
const DETERMINIZE_SIZE_LIMIT: usize = 8 << 20;
/// The size limit of the fallback regex's compiled program: the one `check`
/// compiles a long `paths` glob with, so that a glob it accepts always
/// builds here.
const NFA_SIZE_LIMIT: usize = crate::grammar::limits::NFA_SIZE_LIMIT;

/// Above this many bytes of pattern text, no fully compiled DFA is tried.
const DENSE_TEXT_LIMIT: usize = 64 << 10;

/// The most pattern text one shard of a [`Sharded`] set is first given: its
/// automaton then stays well under [`NFA_SIZE_LIMIT`] (the halving in
/// [`Sharded::build`] is the safety net, not the plan).
const SHARD_TEXT: usize = 128 << 10;

/// Several anchored patterns matched in one pass; the answer is the lowest
/// pattern index that matches the whole input.
///
/// Normally a fully compiled DFA: no cache, no allocation, ever. When the
/// patterns are too big for one (see [`DFA_SIZE_LIMIT`]) a `meta::Regex`
/// (lazy DFA) is used instead, whose per-thread cache is allocated on a
/// thread's first use (and, under contention, may be allocated anew).
pub(crate) enum MultiMatcher {
    Dense(Box<DenseMatcher>),
    Meta(Box<meta::Regex>),
}

impl fmt::Debug for MultiMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MultiMatcher::Dense(m) => write!(f, "Dense({} bytes)", m.dfa.memory_usage()),
            MultiMatcher::Meta(re) => write!(f, "Meta({} patterns)", re.pattern_len()),
        }
    }
}

impl MultiMatcher {
    /// Builds the matcher over `patterns` (each already anchored `^…$`).
    pub(crate) fn build(
        patterns: &[String],
        syntax: syntax::Config,
        bytes: bool,
    ) -> Result<MultiMatcher, String> {
        let mut thompson =
            regex_automata::nfa::thompson::Config::new().nfa_size_limit(Some(NFA_SIZE_LIMIT));
        if bytes {
            thompson = thompson.utf8(false);
        }
        // A fully compiled DFA over this much pattern text would be far over
        // its size limit anyway: skip the attempt (its cost grows with the text).
        let text: usize = patterns.iter().map(String::len).sum();
        let dense = (text <= DENSE_TEXT_LIMIT).then(|| {
            dense::Builder::new()
                .configure(
                    dense::Config::new()
                        .match_kind(MatchKind::LeftmostFirst)
                        .start_kind(StartKind::Anchored)
                        .unicode_word_boundary(true)
                        .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                        .determinize_size_limit(Some(DETERMINIZE_SIZE_LIMIT)),
                )
                .syntax(syntax)
                .thompson(thompson.clone())
                .build_many(patterns)
                .ok()
        });
        if let Some(Some(dfa)) = dense {
            let start = regex_automata::util::start::Config::new().anchored(Anchored::Yes);
            let start = dfa.start_state(&start).ok();
            return Ok(MultiMatcher::Dense(Box::new(DenseMatcher { dfa, start })));
        }
        meta::Regex::builder()
            .syntax(syntax)
            .configure(
                meta::Config::new()
                    .match_kind(MatchKind::LeftmostFirst)
                    .utf8_empty(!bytes)
                    .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
            )
            .build_many(patterns)
            .map(|re| MultiMatcher::Meta(Box::new(re)))
            .map_err(|e| match e.pattern() {
                Some(id) => format!(
                    "{}: {}",
                    patterns.get(id.as_usize()).map_or("", String::as_str),
                    e.syntax_error()
                        .map_or_else(|| e.to_string(), ToString::to_string)
                ),
                None => e.to_string(),
            })
    }

    /// The lowest index of a pattern matching all of `haystack`.
    pub(crate) fn find(&self, haystack: &[u8]) -> Option<usize> {
        let input = Input::new(haystack).anchored(Anchored::Yes);
        match self {
            MultiMatcher::Dense(m) => {
                match m.start.and_then(|s| whole_match(&m.dfa, s, haystack)) {
                    Some(found) => found,
                    None => match m.dfa.try_search_fwd(&input) {
                        Ok(Some(m)) if m.offset() == haystack.len() => Some(m.pattern().as_usize()),
                        _ => None,
                    },
                }
            }
            MultiMatcher::Meta(re) => re
                .search(&input)
                .filter(|m| m.end() == haystack.len())
                .map(|m| m.pattern().as_usize()),
        }
    }
}

/// Several anchored patterns in as many [`MultiMatcher`]s as it takes: all
/// in one when they fit, else split in halves, in order, until each part
/// builds — so a set of any size builds whenever each pattern alone does.
/// The answer is the lowest pattern index that matches, as for one matcher.
#[derive(Debug)]
pub(crate) struct Sharded {
    /// Each part and the index of its first pattern.
    shards: Vec<(MultiMatcher, usize)>,
}

impl Sharded {
    /// Builds the parts; `Err` names the one pattern that does not build
    /// even alone.
    pub(crate) fn build(
        patterns: &[String],
        syntax: syntax::Config,
        bytes: bool,
    ) -> Result<Sharded, String> {
        let mut shards = Vec::new();
        let mut start = 0;
        let mut text = 0;
        for (i, p) in patterns.iter().enumerate() {
            if text + p.len() > SHARD_TEXT && i > start {
                let chunk = patterns.get(start..i).unwrap_or_default();
                Self::split(chunk, start, syntax, bytes, &mut shards)?;
                start = i;
                text = 0;
            }
            text += p.len();
        }
        let rest = patterns.get(start..).unwrap_or_default();
        Self::split(rest, start, syntax, bytes, &mut shards)?;
        Ok(Sharded { shards })
    }

    fn split(
        patterns: &[String],
        offset: usize,
        syntax: syntax::Config,
        bytes: bool,
        shards: &mut Vec<(MultiMatcher, usize)>,
    ) -> Result<(), String> {
        if patterns.is_empty() {
            return Ok(());
        }
        match MultiMatcher::build(patterns, syntax, bytes) {
            Ok(matcher) => {
                shards.push((matcher, offset));
                Ok(())
            }
            Err(e) if patterns.len() == 1 => Err(e),
            Err(_) => {
                let (left, right) = patterns.split_at(patterns.len() / 2);
                Self::split(left, offset, syntax, bytes, shards)?;
                Self::split(right, offset + left.len(), syntax, bytes, shards)
            }
        }
    }

    /// How many parts there are.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.shards.len()
    }

    /// The lowest index of a pattern matching all of `haystack`: the first
    /// part (in order) with a match has it.
    #[inline]
    pub(crate) fn find(&self, haystack: &[u8]) -> Option<usize> {
        self.shards
            .iter()
            .find_map(|(m, offset)| m.find(haystack).map(|i| offset + i))
    }
}

/// A fully compiled DFA and its anchored start state, computed once (the
/// patterns have no look-behind, so it is the same for every input).
pub(crate) struct DenseMatcher {
    dfa: dense::DFA<Vec<u32>>,
    start: Option<StateID>,
}

/// The anchored whole-input match of a dense DFA, walked by hand: one table
/// lookup a byte, none of a general search's bookkeeping (every pattern is
/// anchored at both ends, so only the end of input can match, and the first
/// pattern of that match state is the leftmost-first answer). `None` when
/// the DFA quits (a Unicode word boundary on non-ASCII): the caller runs the
/// general search.
fn whole_match(
    dfa: &dense::DFA<Vec<u32>>,
    start: StateID,
    haystack: &[u8],
) -> Option<Option<usize>> {
    let mut state = start;
    for &byte in haystack {
        state = dfa.next_state(state, byte);
        if dfa.is_special_state(state) {
            if dfa.is_dead_state(state) {
                return Some(None);
            }
            if dfa.is_quit_state(state) {
                return None;
            }
        }
    }
    state = dfa.next_eoi_state(state);
    if dfa.is_match_state(state) {
        Some(Some(dfa.match_pattern(state, 0).as_usize()))
    } else if dfa.is_quit_state(state) {
        None
    } else {
        Some(None)
    }
}

/// Header names compared case-insensitively, without allocating. A few
/// names (the usual policy) are compared one by one, which costs less than
/// hashing; more are looked up by hash, the request's name lowercased into
/// a stack buffer first if it is not lowercase already.
#[derive(Debug)]
pub(crate) struct NameSet {
    names: Names,
    max_len: usize,
}

/// A [`NameSet`]'s names, lowercase.
#[derive(Debug)]
enum Names {
    /// At most [`LINEAR_NAMES`], compared one by one.
    List(Vec<Box<[u8]>>),
    /// More, looked up by hash.
    Hashed(FastSet<Box<[u8]>>),
}

/// Names up to this long are looked up by hash; longer ones are compared
/// one by one (only policies listing such names pay for it).
const STACK_NAME: usize = 128;

/// Up to this many names are compared one by one rather than hashed.
const LINEAR_NAMES: usize = 8;

impl NameSet {
    fn new(names: &[String]) -> NameSet {
        let mut list: Vec<Box<[u8]>> = Vec::new();
        for name in names {
            let name: Box<[u8]> = name.to_ascii_lowercase().into_bytes().into();
            if !list.contains(&name) {
                list.push(name);
            }
        }
        let max_len = list.iter().map(|n| n.len()).max().unwrap_or(0);
        let names = if list.len() > LINEAR_NAMES {
            Names::Hashed(list.into_iter().collect())
        } else {
            Names::List(list)
        };
        NameSet { names, max_len }
    }

    pub(crate) fn contains(&self, name: &[u8]) -> bool {
        if name.len() > self.max_len {
            return false;
        }
        // Browsers send the names lowercase (Fetch lowercases them): those
        // are compared as they are, without a copy; only a name that is not
        // found so is compared again ignoring case, if it has uppercase.
        let names = match &self.names {
            Names::List(list) => {
                return list.iter().any(|n| **n == *name)
                    || (has_uppercase(name) && list.iter().any(|n| n.eq_ignore_ascii_case(name)));
            }
            Names::Hashed(names) => names,
        };
        if !has_uppercase(name) {
            return names.contains(name);
        }
        let mut buf = [0u8; STACK_NAME];
        if let Some(lower) = buf.get_mut(..name.len()) {
            for (to, from) in lower.iter_mut().zip(name) {
                *to = from.to_ascii_lowercase();
            }
            return names.contains(&*lower);
        }
        names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// Whether any byte is `A-Z`: without short-circuit, so that it vectorizes.
fn has_uppercase(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(false, |up, &b| up | (b.wrapping_sub(b'A') < 26))
}

/// How a preflight's requested method or headers are answered.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Send this constant (`*`, or the whole list).
    Constant(Box<[u8]>),
    /// Echo what the request asked for (credentialed `*`).
    Echo,
    /// Send nothing (an empty list).
    Nothing,
}

/// One policy, compiled.
#[derive(Debug)]
pub(crate) struct CompiledPolicy {
    /// `skip`: the request is left to the application, as if unmatched.
    pub(crate) skip: bool,
    pub(crate) origins: OriginSet,
    pub(crate) methods_any: bool,
    pub(crate) methods: FastSet<Box<[u8]>>,
    pub(crate) headers_any: bool,
    pub(crate) headers: NameSet,
    pub(crate) credentials: bool,
    pub(crate) private_network: bool,
    pub(crate) preflight_status: u16,
    pub(crate) allow_methods: Answer,
    pub(crate) allow_headers: Answer,
    pub(crate) max_age: Option<Box<[u8]>>,
    pub(crate) expose: Option<Box<[u8]>>,
    /// `Vary` of actual and non-CORS responses: `Origin` unless the answer is
    /// the same for every origin.
    pub(crate) vary: Option<&'static [u8]>,
    /// `Vary` of preflight responses.
    pub(crate) vary_preflight: &'static [u8],
}

/// The `Vary` values, one per combination.
mod vary {
    pub(super) const ORIGIN: &[u8] = b"Origin";
    pub(super) const PREFLIGHT: &[u8] =
        b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    pub(super) const PREFLIGHT_PN: &[u8] =
        b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
        Access-Control-Request-Private-Network";
    pub(super) const PREFLIGHT_ANY: &[u8] =
        b"Access-Control-Request-Method, Access-Control-Request-Headers";
    pub(super) const PREFLIGHT_ANY_PN: &[u8] =
        b"Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";
}

/// `a, b, c`.
fn join(names: &[String], lowercase: bool) -> Box<[u8]> {
    let joined = names.join(", ");
    let joined = if lowercase {
        joined.to_ascii_lowercase()
    } else {
        joined
    };
    joined.into_bytes().into_boxed_slice()
}

/// Checks the invariants the engine relies on and compiles one policy; every
/// broken invariant is a diagnostic.
pub(crate) fn compile_policy(
    policy: &model::Policy,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<CompiledPolicy> {
    let before = diagnostics.len();
    let name = &policy.name;
    let mut error = |kind: DiagKind, message: String, span| {
        diagnostics.push(Diagnostic::new(kind, span, message));
    };
    let any_origin = policy
        .origins
        .iter()
        .any(|o| o.matcher == OriginMatcher::Any);
    if policy.skip && !policy.origins.is_empty() {
        error(
            DiagKind::SkipConflict,
            format!("policy `{name}` has `skip` and `origins`"),
            policy.span,
        );
    } else if policy.origins.is_empty() && !policy.skip {
        error(
            DiagKind::MissingOrigins,
            format!("policy `{name}` has no `origins`"),
            policy.span,
        );
    }
    if policy.credentials && any_origin {
        error(
            DiagKind::CredentialsWildcard,
            format!("policy `{name}` has `credentials` with `origins *`"),
            policy.span,
        );
    }
    if policy.credentials && policy.expose.any {
        error(
            DiagKind::CredentialsWildcard,
            format!("policy `{name}` has `credentials` with `expose *`"),
            policy.span,
        );
    }
    if policy.private_network && any_origin {
        error(
            DiagKind::PrivateNetworkWildcard,
            format!("policy `{name}` has `private-network` with `origins *`"),
            policy.span,
        );
    }
    if !(200..=299).contains(&policy.preflight_status) {
        error(
            DiagKind::InvalidStatus,
            format!(
                "`preflight-status {}` is outside 200–299",
                policy.preflight_status
            ),
            policy.span,
        );
    }
    for list in [&policy.methods, &policy.headers, &policy.expose] {
        for n in &list.names {
            if n == "*" {
                error(
                    DiagKind::QuotedWildcard,
                    "a name `*` is the wildcard's spelling, never a plain name".to_owned(),
                    policy.span,
                );
            } else if !is_token(n.as_bytes()) {
                error(
                    DiagKind::InvalidToken,
                    format!("`{n}` is not a valid name"),
                    policy.span,
                );
            }
        }
    }
    let origins = OriginSet::new(&policy.origins, |patterns| {
        Sharded::build(patterns, syntax::Config::new(), false)
    });
    let origins = match origins {
        Ok(origins) => Some(origins),
        Err(message) => {
            let span = policy
                .origins
                .iter()
                .find(|o| matches!(o.matcher, OriginMatcher::Regex(_)))
                .map_or(policy.span, |o| o.span);
            error(
                DiagKind::InvalidRegex,
                format!("the regex does not compile: {message}"),
                span,
            );
            None
        }
    };
    if diagnostics.len() > before {
        return None;
    }
    let origins = origins?;
    let credentials = policy.credentials;
    let allow_methods = list_answer(&policy.methods, credentials, false);
    let allow_headers = list_answer(&policy.headers, credentials, true);
    let expose = if policy.expose.any {
        Some(Box::from(&b"*"[..]))
    } else if policy.expose.names.is_empty() {
        None
    } else {
        Some(join(&policy.expose.names, true))
    };
    let independent = origins.is_any() && !credentials;
    let vary_preflight = match (independent, policy.private_network) {
        (false, false) => vary::PREFLIGHT,
        (false, true) => vary::PREFLIGHT_PN,
        (true, false) => vary::PREFLIGHT_ANY,
        (true, true) => vary::PREFLIGHT_ANY_PN,
    };
    Some(CompiledPolicy {
        skip: policy.skip,
        origins,
        methods_any: policy.methods.any,
        methods: policy
            .methods
            .names
            .iter()
            .map(|m| m.as_bytes().into())
            .collect(),
        headers_any: policy.headers.any,
        headers: NameSet::new(&policy.headers.names),
        credentials,
        private_network: policy.private_network,
        preflight_status: policy.preflight_status,
        allow_methods,
        allow_headers,
        max_age: policy
            .max_age
            .map(|s| s.to_string().into_bytes().into_boxed_slice()),
        expose,
        vary: (!independent).then_some(vary::ORIGIN),
        vary_preflight,
    })
}

/// `Access-Control-Allow-Methods` / `-Headers`: `*` (plus `authorization`
/// for headers) without credentials, an echo with them, else the whole list.
fn list_answer(list: &NameList, credentials: bool, headers: bool) -> Answer {
    if list.any && credentials {
        Answer::Echo
    } else if list.any {
        let authorization = headers
            && list
                .names
                .iter()
                .any(|n| n.eq_ignore_ascii_case("authorization"));
        Answer::Constant(Box::from(if authorization {
            &b"*, authorization"[..]
        } else {
            b"*"
        }))
    } else if list.names.is_empty() {
        Answer::Nothing
    } else {
        Answer::Constant(join(&list.names, headers))
    }
}

/// Path selection: the first policy in file order whose `paths` match.
///
/// When every glob is a plain literal (`/favicon.ico`), a literal prefix and
/// a final `/**` (`/api/**`), `**` or an empty `paths` (every path), the
/// globs are compared byte for byte in order, which is what globset does too
/// for such globs; otherwise literal globs are looked up in a hash map and
/// the others go through as few DFAs as they fit in ([`Sharded`]): no number
/// or length of globs that `check` accepts fails to build.
#[derive(Debug)]
pub(crate) enum PathMatcher {
    /// Every glob byte-compared, in pattern order, with its policy.
    Rules(Vec<(PathRule, usize)>),
    /// Literal paths hashed (path → first policy), every other glob in one
    /// anchored pass per shard: pattern i belongs to policy `owners[i]`, and
    /// the lowest matching pattern is the first policy. `matcher` is `None`
    /// when there is no such glob, or they did not compile.
    Automaton {
        literals: FastMap<Box<[u8]>, usize>,
        matcher: Option<Sharded>,
        owners: Vec<usize>,
    },
}

/// A glob that needs no automaton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathRule {
    /// Every path (an empty `paths`, or `**`).
    Any,
    /// Exactly this path.
    Exact(Box<[u8]>),
    /// Paths that start with this, a literal ending in `/` (`/api/**` is
    /// `/api/` then anything, `/` included: globset's `/.*`).
    Prefix(Box<[u8]>),
}

/// Over this many patterns, one DFA pass beats comparing them one by one.
const MAX_FAST_PATHS: usize = 32;

impl PathRule {
    /// The rule of `glob` when it needs no automaton: no glob syntax
    /// (`* ? [ ] { } \`) except one `/**` at the very end, or `**` alone.
    fn of(glob: &str) -> Option<PathRule> {
        let literal = |s: &str| !s.bytes().any(|b| b"*?[]{}\\".contains(&b));
        if glob == "**" {
            return Some(PathRule::Any);
        }
        if let Some(prefix) = glob.strip_suffix("/**")
            && literal(prefix)
        {
            let mut bytes = prefix.as_bytes().to_vec();
            bytes.push(b'/');
            return Some(PathRule::Prefix(bytes.into()));
        }
        literal(glob).then(|| PathRule::Exact(glob.as_bytes().into()))
    }

    /// Whether the rule matches the path of `target` (the path with its
    /// query string, if any): no rule holds a `?` (it is glob syntax), so the
    /// query needs no cutting — a prefix is a prefix of the path exactly when
    /// it is one of the target, and an exact path must be followed by the end
    /// or by the `?` that starts the query.
    #[inline]
    fn matches(&self, target: &[u8]) -> bool {
        match self {
            PathRule::Any => true,
            PathRule::Exact(exact) => match target.get(exact.len()..) {
                Some(rest) => {
                    matches!(rest.first(), None | Some(b'?')) && target.starts_with(exact)
                }
                None => false,
            },
            PathRule::Prefix(prefix) => target.starts_with(prefix),
        }
    }
}

/// Compiles a glob as the engine reads `paths`: globset syntax, `*` and `?`
/// stay within a segment, `**` crosses `/`, `\` escapes.
pub(crate) fn glob_regex(glob: &str) -> Result<String, globset::Error> {
    Ok(crate::grammar::glob::path_glob(glob)?.regex().to_owned())
}

impl PathMatcher {
    pub(crate) fn new(
        policies: &[model::Policy],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> PathMatcher {
        let mut fast = Vec::new();
        for (index, policy) in policies.iter().enumerate() {
            if policy.paths.is_empty() {
                fast.push((PathRule::Any, index));
            }
            for glob in &policy.paths {
                match PathRule::of(glob) {
                    Some(rule) if fast.len() < MAX_FAST_PATHS => fast.push((rule, index)),
                    _ => return PathMatcher::automaton(policies, diagnostics),
                }
            }
        }
        PathMatcher::Rules(fast)
    }

    /// Literal globs into a hash map, every other glob into shards of DFAs.
    fn automaton(policies: &[model::Policy], diagnostics: &mut Vec<Diagnostic>) -> PathMatcher {
        let mut literals = FastMap::default();
        let mut patterns = Vec::new();
        let mut owners = Vec::new();
        for (index, policy) in policies.iter().enumerate() {
            if policy.paths.is_empty() {
                patterns.push("(?s-u)^.*$".to_owned());
                owners.push(index);
            }
            for glob in &policy.paths {
                if let Some(PathRule::Exact(path)) = PathRule::of(glob) {
                    literals.entry(path).or_insert(index);
                    continue;
                }
                match glob_regex(glob) {
                    Ok(re) => {
                        patterns.push(re);
                        owners.push(index);
                    }
                    Err(e) => diagnostics.push(
                        Diagnostic::new(
                            DiagKind::Syntax,
                            policy.span,
                            format!("the path glob `{glob}` is invalid: {}", e.kind()),
                        )
                        .with_help("write a glob such as `\"/api/**\"`"),
                    ),
                }
            }
        }
        if patterns.is_empty() {
            return PathMatcher::Automaton {
                literals,
                matcher: None,
                owners,
            };
        }
        let syntax = syntax::Config::new().utf8(false).dot_matches_new_line(true);
        match Sharded::build(&patterns, syntax, true) {
            Ok(matcher) => PathMatcher::Automaton {
                literals,
                matcher: Some(matcher),
                owners,
            },
            Err(message) => {
                let span = policies.first().map(|p| p.span).unwrap_or_default();
                diagnostics.push(Diagnostic::new(
                    DiagKind::Syntax,
                    span,
                    format!("the path globs do not compile: {message}"),
                ));
                PathMatcher::Automaton {
                    literals,
                    matcher: None,
                    owners,
                }
            }
        }
    }

    /// The first policy (in file order) whose `paths` match `target`, a
    /// request's path as [`crate::target_path`] cut it (no query, no
    /// fragment).
    #[inline]
    pub(crate) fn find(&self, target: &[u8]) -> Option<usize> {
        match self {
            PathMatcher::Rules(rules) => rules
                .iter()
                .find(|(rule, _)| rule.matches(target))
                .map(|&(_, owner)| owner),
            PathMatcher::Automaton {
                literals,
                matcher,
                owners,
            } => find_by_automaton(literals, matcher.as_ref(), owners, target),
        }
    }
}

/// [`PathMatcher::find`] through the literal map and the DFAs: the lower of
/// the two owners.
#[inline(never)]
fn find_by_automaton(
    literals: &FastMap<Box<[u8]>, usize>,
    matcher: Option<&Sharded>,
    owners: &[usize],
    path: &[u8],
) -> Option<usize> {
    let literal = if literals.is_empty() {
        None
    } else {
        literals.get(path).copied()
    };
    let glob = matcher
        .and_then(|m| m.find(path))
        .and_then(|pattern| owners.get(pattern).copied());
    match (literal, glob) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchored(re: &str) -> Vec<String> {
        vec![format!("^(?:{re})$")]
    }

    #[test]
    fn small_regexes_become_a_dense_dfa() {
        let m = MultiMatcher::build(
            &anchored(r"https://pr-[0-9]+\.example\.dev"),
            syntax::Config::new(),
            false,
        )
        .unwrap();
        assert!(matches!(m, MultiMatcher::Dense(_)));
        assert_eq!(m.find(b"https://pr-1.example.dev"), Some(0));
        assert_eq!(m.find(b"https://pr-1.example.dev/"), None);
    }

    #[test]
    fn oversized_regexes_fall_back_to_a_lazy_dfa_with_the_same_answers() {
        let re = anchored(r"https://\w{40}[a-z]{1,30}\w{1,40}\.example\.com");
        let m = MultiMatcher::build(&re, syntax::Config::new(), false).unwrap();
        assert!(matches!(m, MultiMatcher::Meta(_)));
        let hit = format!("https://{}.example.com", "a".repeat(60));
        assert_eq!(m.find(hit.as_bytes()), Some(0));
        assert_eq!(m.find(b"https://a.example.com"), None);
    }

    #[test]
    fn a_set_too_large_for_one_automaton_is_sharded_with_the_same_answers() {
        // Long literal-and-star patterns: over 128 KiB of pattern text, so
        // more than one shard; the lowest matching pattern still wins.
        let long = "x".repeat(300);
        let patterns: Vec<String> = (0..480)
            .map(|i| format!(r"(?s-u)^/{long}/{}/[^/]*$", i % 240))
            .collect();
        let syntax = syntax::Config::new().utf8(false).dot_matches_new_line(true);
        let sharded = Sharded::build(&patterns, syntax, true).unwrap();
        assert!(sharded.len() > 1, "{sharded:?}");
        for i in [0usize, 1, 150, 239] {
            // Patterns i and i + 240 are the same: the first wins.
            assert_eq!(sharded.find(format!("/{long}/{i}/a").as_bytes()), Some(i));
        }
        assert_eq!(sharded.find(format!("/{long}/240/a").as_bytes()), None);
    }

    #[test]
    fn the_lowest_matching_pattern_wins() {
        let patterns: Vec<String> = ["a.*", "ab", "abc", ".*c"]
            .iter()
            .map(|p| format!("^(?:{p})$"))
            .collect();
        {
            let m = MultiMatcher::build(&patterns, syntax::Config::new(), false).unwrap();
            assert_eq!(m.find(b"abc"), Some(0));
            assert_eq!(m.find(b"xbc"), Some(3));
            assert_eq!(m.find(b"ab"), Some(0));
            assert_eq!(m.find(b"x"), None);
        }
    }

    fn policies(paths: &[&[&str]]) -> Vec<model::Policy> {
        paths
            .iter()
            .enumerate()
            .map(|(i, globs)| model::Policy {
                name: format!("p{i}"),
                span: Default::default(),
                paths: globs.iter().map(|g| (*g).to_owned()).collect(),
                origins: Vec::new(),
                methods: NameList::default(),
                headers: NameList::default(),
                expose: NameList::default(),
                credentials: false,
                max_age: None,
                private_network: false,
                preflight_status: 204,
                skip: false,
            })
            .collect()
    }

    /// Paths that sit on every edge of the literal and `/**` rules.
    const EDGE_PATHS: &[&[u8]] = &[
        b"",
        b"/",
        b"//",
        b"/api",
        b"/api/",
        b"/api//",
        b"/api//x",
        b"/apix",
        b"/apix/y",
        b"/ap",
        b"/API/x",
        b"/api/users/42",
        b"/api/users/42/",
        b"/api/\n",
        b"/api/\r\n",
        b"/api/\0",
        b"/api/\xff\xfe",
        b"/api/\xc3\xa9",
        b"/\xc3\xa9t\xc3\xa9/x",
        b"/\xc3\xa9t\xc3\xa9",
        b"/\xe9t\xe9",
        b"/static/app.js",
        b"/static",
        b"/static/",
        b"/favicon.ico",
        b"/favicon.ico/",
        b"/favicon.icox",
        b"/favicon_ico",
        b"favicon.ico",
        b"/a.b",
        b"/axb",
        b"/a+b",
        b"/a(b)",
        b"/v1.0/x",
        b"/v1x0/x",
        b"api/x",
        b"/x/api/y",
        b"/**",
        b"/api/**",
        b"?",
        b"?x",
        b"/?",
        b"/api?",
        b"/api?/x",
        b"/api/?x",
        b"/api/x?y=/z",
        b"/apix?a",
        b"/favicon.ico?v=2",
        b"/favicon.ico??",
        b"/favicon.icox?v=2",
        b"/favicon.ic?o",
        b"/static?/x",
        b"/a.b?",
    ];

    #[test]
    fn literal_and_prefix_globs_take_the_fast_path_with_the_dfas_answers() {
        let sets: &[&[&[&str]]] = &[
            &[&["/api/**"]],
            &[&["/api/**"], &[]],
            &[&["/static/**", "/favicon.ico"], &["/api/**"]],
            &[&["/api/users/**"], &["/api/**"], &["/**"]],
            &[&["/**"]],
            &[&["**"], &["/api/**"]],
            &[&["/"], &["/api"], &["/api/"]],
            &[&[""], &["/api/**"]],
            &[&["/a.b", "/a+b", "/a(b)", "/v1.0/**"]],
            &[&["/\u{e9}t\u{e9}/**", "/\u{e9}t\u{e9}"]],
            &[&[], &["/api/**"]],
            &[&["/api/**"], &["/api/**"], &[]],
            &[&["//**"]],
        ];
        for set in sets {
            let policies = policies(set);
            let mut diagnostics = Vec::new();
            let fast = PathMatcher::new(&policies, &mut diagnostics);
            let dfa = PathMatcher::automaton(&policies, &mut diagnostics);
            assert!(diagnostics.is_empty(), "{set:?}: {diagnostics:?}");
            assert!(
                matches!(fast, PathMatcher::Rules(_)),
                "{set:?} is not on the fast path"
            );
            assert!(matches!(dfa, PathMatcher::Automaton { .. }));
            for path in EDGE_PATHS {
                // The DFA answers on the path cut at the first `?`.
                let cut = path.split(|&b| b == b'?').next().unwrap();
                assert_eq!(
                    fast.find(path),
                    dfa.find(cut),
                    "{set:?} on {:?}",
                    String::from_utf8_lossy(path)
                );
            }
        }
    }

    #[test]
    fn a_trailing_double_star_needs_the_slash() {
        let m = PathMatcher::new(&policies(&[&["/api/**"]]), &mut Vec::new());
        assert_eq!(m.find(b"/api/"), Some(0));
        assert_eq!(m.find(b"/api//x"), Some(0));
        assert_eq!(m.find(b"/api"), None);
        assert_eq!(m.find(b"/api?/x"), None);
        assert_eq!(m.find(b"/api/?x"), Some(0));
        assert_eq!(m.find(b"/apix"), None);
        assert_eq!(m.find(b""), None);
    }

    #[test]
    fn globs_with_syntax_keep_the_dfa() {
        for glob in [
            "/api/*", "/a/**/b", "/a?", "/[ab]", "/{a,b}", "/a\\*", "/api/**/", "/api**", "**/x",
            "/a]", "/a}",
        ] {
            let set = policies(&[&[glob]]);
            let m = PathMatcher::new(&set, &mut Vec::new());
            assert!(!matches!(m, PathMatcher::Rules(_)), "{glob}");
        }
        // Too many patterns: one DFA pass.
        let globs: Vec<String> = (0..=MAX_FAST_PATHS).map(|i| format!("/p{i}/**")).collect();
        let globs: Vec<&str> = globs.iter().map(String::as_str).collect();
        let m = PathMatcher::new(&policies(&[&globs]), &mut Vec::new());
        assert!(!matches!(m, PathMatcher::Rules(_)));
        assert_eq!(m.find(b"/p3/x"), Some(0));
    }

    #[test]
    fn name_sets_small_and_large_answer_alike() {
        let few: Vec<String> = ["Content-Type", "x-request-id", "content-type"]
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        let many: Vec<String> = few
            .iter()
            .cloned()
            .chain((0..LINEAR_NAMES).map(|i| format!("x-h{i}")))
            .chain(std::iter::once("x-".repeat(STACK_NAME)))
            .collect();
        let small = NameSet::new(&few);
        let large = NameSet::new(&many);
        assert!(
            matches!(&small.names, Names::List(list) if list.len() == 2),
            "duplicates are dropped"
        );
        assert!(matches!(large.names, Names::Hashed(_)));
        let long = "X-".repeat(STACK_NAME);
        for (name, in_few, in_many) in [
            ("content-type", true, true),
            ("Content-Type", true, true),
            ("CONTENT-TYPE", true, true),
            ("x-Request-ID", true, true),
            ("content-typ", false, false),
            ("content-typex", false, false),
            ("x-h3", false, true),
            ("X-H7", false, true),
            ("x-h8", false, false),
            (long.as_str(), false, true),
            ("", false, false),
        ] {
            assert_eq!(small.contains(name.as_bytes()), in_few, "{name}");
            assert_eq!(large.contains(name.as_bytes()), in_many, "{name}");
        }
    }

    #[test]
    fn glob_regexes_keep_star_within_a_segment() {
        assert_eq!(glob_regex("/a/*").unwrap(), "(?-u)^/a/[^/]*$");
        assert!(glob_regex("/a/[z-a]").is_err());
    }
}
