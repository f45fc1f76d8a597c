//! Several anchored regexes matched in one pass: [`MultiMatcher`] (a
//! fully compiled DFA, or a lazy one when too big) and [`Sharded`] (as many
//! matchers as a large set takes). Used by path selection and origin
//! regexes; knows nothing of policies.

use std::fmt;

use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, meta};

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
}
