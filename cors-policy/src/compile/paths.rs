//! Path selection: [`PathMatcher`], the first policy in file order whose
//! `paths` globs match a request's path — byte comparisons for literal and
//! `/**` globs, else a hash map and [`Sharded`] DFAs.

use regex_automata::util::syntax;

use super::hash::FastMap;
use super::multi::Sharded;
use crate::grammar::model;
use crate::grammar::{Diagnostic, Kind as DiagKind};
use crate::request::target_path;
use crate::swar::starts_with;

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
    /// A `#` (which no path holds: it starts the fragment) also leaves the
    /// glob to the automaton, so that a rule's bytes hold neither `?` nor
    /// `#` and the rule can be matched on a target ([`PathRule::matches`]).
    fn of(glob: &str) -> Option<PathRule> {
        let literal = |s: &str| !s.bytes().any(|b| b"*?[]{}\\#".contains(&b));
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

    /// Whether the rule matches the path of `target`, an origin-form target
    /// (`/…`, query and fragment included) or a path: no rule holds a `?`
    /// or a `#` ([`PathRule::of`]), so the path needs no cutting — a prefix
    /// is a prefix of the path exactly when it is one of the target, and an
    /// exact path must be followed by the end or by the `?` or `#` that
    /// ends the path.
    #[inline]
    fn matches(&self, target: &[u8]) -> bool {
        match self {
            PathRule::Any => true,
            PathRule::Exact(exact) => {
                starts_with(target, exact)
                    && matches!(target.get(exact.len()), None | Some(b'?' | b'#'))
            }
            PathRule::Prefix(prefix) => starts_with(target, prefix),
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

    /// The first policy (in file order) whose `paths` match the path of
    /// `target`, the request target as given ([`target_path`] cuts its
    /// path: no query, no fragment). The rules match an origin-form target
    /// (`/…`, what browsers send) as it is, so the usual request never has
    /// its path cut; any other form is cut first, and so is every target
    /// the automaton reads.
    #[inline]
    pub(crate) fn find(&self, target: &[u8]) -> Option<usize> {
        match self {
            PathMatcher::Rules(rules) => {
                let subject = match target.first() {
                    Some(b'/') => target,
                    _ => target_path(target),
                };
                rules
                    .iter()
                    .find(|(rule, _)| rule.matches(subject))
                    .map(|&(_, owner)| owner)
            }
            PathMatcher::Automaton {
                literals,
                matcher,
                owners,
            } => find_by_automaton(literals, matcher.as_ref(), owners, target_path(target)),
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
    use crate::grammar::model::NameList;

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
            &[&["/a#b/**", "/c#"], &["/api/**"]],
        ];
        for set in sets {
            let policies = policies(set);
            let mut diagnostics = Vec::new();
            let fast = PathMatcher::new(&policies, &mut diagnostics);
            let dfa = PathMatcher::automaton(&policies, &mut diagnostics);
            assert!(diagnostics.is_empty(), "{set:?}: {diagnostics:?}");
            let hash = set.iter().flat_map(|g| g.iter()).any(|g| g.contains('#'));
            assert_eq!(
                matches!(fast, PathMatcher::Rules(_)),
                !hash,
                "{set:?}: only a glob with `#` leaves the fast path"
            );
            assert!(matches!(dfa, PathMatcher::Automaton { .. }));
            // Every edge path as a target, and with a fragment, and in
            // absolute form: the rules read the target itself when it is
            // origin-form, the automaton reads its cut path.
            let targets = EDGE_PATHS.iter().flat_map(|path| {
                let fragment = [path, &b"#frag/x"[..]].concat();
                let absolute = [&b"https://api.example"[..], path].concat();
                let hash_first = path
                    .iter()
                    .map(|&b| if b == b'?' { b'#' } else { b })
                    .collect();
                [path.to_vec(), fragment, absolute, hash_first]
            });
            for target in targets {
                let path = target_path(&target);
                let by_dfa = dfa.find(&target);
                assert_eq!(dfa.find(path), by_dfa);
                assert_eq!(
                    fast.find(&target),
                    by_dfa,
                    "{set:?} on {:?}",
                    String::from_utf8_lossy(&target)
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
        assert_eq!(m.find(b"/api#/x"), None);
        assert_eq!(m.find(b"/api/#x"), Some(0));
        assert_eq!(m.find(b"https://h.example/api/x?y"), Some(0));
        assert_eq!(m.find(b"https://h.example/api?/x"), None);
        let exact = PathMatcher::new(&policies(&[&["/favicon.ico"]]), &mut Vec::new());
        assert!(matches!(exact, PathMatcher::Rules(_)));
        for (target, found) in [
            (&b"/favicon.ico"[..], Some(0)),
            (b"/favicon.ico?v=2", Some(0)),
            (b"/favicon.ico#x", Some(0)),
            (b"http://h/favicon.ico", Some(0)),
            (b"/favicon.icox", None),
            (b"/favicon.ico/", None),
            (b"/favicon.ic?o", None),
            (b"/favicon.ic#o", None),
        ] {
            let shown = String::from_utf8_lossy(target);
            assert_eq!(exact.find(target), found, "{shown:?}");
        }
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
    fn glob_regexes_keep_star_within_a_segment() {
        assert_eq!(glob_regex("/a/*").unwrap(), "(?-u)^/a/[^/]*$");
        assert!(glob_regex("/a/[z-a]").is_err());
    }
}
