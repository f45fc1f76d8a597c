//! `regex "…"` origins: compiled with the engine's own crate, bounded; read
//! as parsed (the classic unescaped `.`), and searched as automata for what
//! they can match (`null` never: only the keyword matches it; a site no one
//! has; a plain-`http` origin; nothing at all).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{LazyLock, Mutex, MutexGuard};

use regex::{Regex, RegexBuilder};
use regex_automata::Anchored;
use regex_automata::hybrid::LazyStateID;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson;
use regex_automata::util::start;
use regex_syntax::ast::Ast;

/// The compiled-size limit for one origin regex (1 MiB): a pattern above it is
/// rejected rather than allowed to blow up compile time or memory.
pub(crate) const SIZE_LIMIT: usize = 1 << 20;

/// Why a regex is rejected: the message and the help line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RegexError {
    pub(crate) message: String,
    pub(crate) help: String,
}

/// Compiles `pattern` anchored as the engine anchors it (`^(?:…)$`).
pub(crate) fn compile(pattern: &str) -> Result<Regex, RegexError> {
    let hir = regex_syntax::ParserBuilder::new().build().parse(pattern).map_err(|e| {
        let reason = match &e {
            regex_syntax::Error::Parse(e) => e.kind().to_string(),
            regex_syntax::Error::Translate(e) => e.kind().to_string(),
            other => other.to_string(),
        };
        RegexError {
            message: format!("regex `{pattern}` does not compile: {reason}"),
            help: "write a regex in the syntax of the `regex` crate; escape literal characters with `\\`".to_owned(),
        }
    })?;
    if hir.properties().minimum_len() == Some(0) {
        return Err(RegexError {
            message: format!("regex `{pattern}` can match the empty string"),
            help: "make it match whole origins only, e.g. `regex r\"^https://[a-z0-9-]+\\.example\\.com$\"`".to_owned(),
        });
    }
    RegexBuilder::new(&format!("^(?:{pattern})$")).size_limit(SIZE_LIMIT).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => RegexError {
            message: format!("regex `{}` is too large", shorten(pattern)),
            help: format!(
                "the compiled regex must stay under {} KiB: split it into several `regex` entries, or list the origins",
                SIZE_LIMIT >> 10
            ),
        },
        other => RegexError {
            message: format!("regex `{pattern}` does not compile: {}", first_line(&other.to_string())),
            help: "write a regex in the syntax of the `regex` crate".to_owned(),
        },
    })
}

fn first_line(s: &str) -> &str {
    s.lines().last().unwrap_or(s).trim_start_matches("error: ")
}

/// At most 60 characters of `s`, for messages about huge patterns.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}

/// The spans of every `.` (or class as wide as one: `[^/]`, `\S`) that
/// stands for one character of the host, after the `://` — in whatever
/// spelling the regex writes it (`:\/\/`, `[:][/]{2}`, groups,
/// alternatives) — and is not itself quantified. The regex is read as
/// regex-syntax parses it, never as text.
pub(crate) fn loose_dots(pattern: &str) -> Vec<Range<usize>> {
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(pattern) else {
        return Vec::new();
    };
    let mut walk = DotWalk {
        pattern,
        dots: Vec::new(),
        budget: 10_000,
    };
    walk.node(&ast, Where::Scheme(0));
    walk.dots
}

/// Where a regex walk is, relative to the origin's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Where {
    /// Before the host: how many bytes of `://` were just seen.
    Scheme(u8),
    /// In the host.
    Host,
}

struct DotWalk<'p> {
    pattern: &'p str,
    dots: Vec<Range<usize>>,
    /// Nodes left to visit (bounds the walk on hostile patterns).
    budget: u32,
}

impl DotWalk<'_> {
    fn node(&mut self, ast: &Ast, at: Where) -> Where {
        use regex_syntax::ast::{RepetitionKind, RepetitionRange};
        if self.budget == 0 {
            return at;
        }
        self.budget -= 1;
        match ast {
            Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => at,
            Ast::Literal(lit) => self.char(lit.c, at),
            Ast::Dot(span) => {
                if at == Where::Host {
                    self.dots.push(span.start.offset..span.end.offset);
                }
                at
            }
            Ast::ClassUnicode(_) | Ast::ClassPerl(_) | Ast::ClassBracketed(_) => {
                match self.class(ast) {
                    Some(Leaf::Char(c)) => self.char(c, at),
                    Some(Leaf::Wide) if at == Where::Host => {
                        let span = ast.span();
                        self.dots.push(span.start.offset..span.end.offset);
                        at
                    }
                    _ => self.char('\0', at),
                }
            }
            Ast::Repetition(rep) => {
                // `/{2}`: the same as writing it twice.
                if let RepetitionKind::Range(RepetitionRange::Exactly(n)) = rep.op.kind
                    && n <= 3
                    && !matches!(*rep.ast, Ast::Dot(_))
                {
                    let mut at = at;
                    for _ in 0..n {
                        at = self.node(&rep.ast, at);
                    }
                    return at;
                }
                // A quantified `.` is meant to match anything; a quantified
                // group is looked into for the dots it holds.
                if !matches!(*rep.ast, Ast::Dot(_)) {
                    self.node(&rep.ast, at);
                }
                match at {
                    Where::Host => Where::Host,
                    Where::Scheme(_) => Where::Scheme(0),
                }
            }
            Ast::Group(group) => self.node(&group.ast, at),
            Ast::Alternation(alt) => {
                let ends: Vec<Where> = alt.asts.iter().map(|a| self.node(a, at)).collect();
                match ends.split_first() {
                    Some((first, rest)) if rest.iter().all(|w| w == first) => *first,
                    _ => Where::Scheme(0),
                }
            }
            Ast::Concat(concat) => concat.asts.iter().fold(at, |at, a| self.node(a, at)),
        }
    }

    /// One literal character: `://` is found across any spelling; in the
    /// host, a `:` (port) or `/` ends it.
    fn char(&self, c: char, at: Where) -> Where {
        match at {
            Where::Scheme(seen) => {
                let next = b"://".get(usize::from(seen)).copied().map(char::from);
                match (next == Some(c), seen) {
                    (true, 2) => Where::Host,
                    (true, n) => Where::Scheme(n + 1),
                    (false, _) if c == ':' => Where::Scheme(1),
                    (false, _) => Where::Scheme(0),
                }
            }
            Where::Host if matches!(c, ':' | '/') => Where::Scheme(if c == ':' { 1 } else { 0 }),
            Where::Host => Where::Host,
        }
    }

    /// A class as regex-syntax translates it: one character, or one that
    /// matches a `.` and every letter and digit (so it stands for any
    /// character where a dot is meant).
    fn class(&self, ast: &Ast) -> Option<Leaf> {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::hir::translate::Translator::new()
            .translate(self.pattern, ast)
            .ok()?;
        match hir.kind() {
            HirKind::Literal(lit) => {
                let s = std::str::from_utf8(&lit.0).ok()?;
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(Leaf::Char(c)),
                    _ => None,
                }
            }
            HirKind::Class(class) => {
                let has = |c: char| match class {
                    Class::Unicode(u) => u.ranges().iter().any(|r| r.start() <= c && c <= r.end()),
                    Class::Bytes(b) => u8::try_from(c)
                        .is_ok_and(|c| b.ranges().iter().any(|r| r.start() <= c && c <= r.end())),
                };
                let wide = has('.') && ('a'..='z').chain('0'..='9').all(has);
                wide.then_some(Leaf::Wide)
            }
            _ => None,
        }
    }
}

/// What a class leaf amounts to.
enum Leaf {
    Char(char),
    Wide,
}

/// `pattern` with each of `dots` written `\.`.
pub(crate) fn escape_dots(pattern: &str, dots: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(pattern.len() + dots.len());
    let mut at = 0;
    for dot in dots {
        if dot.start < at {
            continue;
        }
        out.push_str(pattern.get(at..dot.start).unwrap_or_default());
        out.push_str("\\.");
        at = dot.end;
    }
    out.push_str(pattern.get(at..).unwrap_or_default());
    out
}

/// What a regex origin can match, found by searching its automaton against
/// languages of origins (the shortest example of each).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Reach {
    /// No origin a browser sends matches it.
    pub(crate) never: bool,
    /// An origin on a host no site has (`….invalid`) that it matches.
    pub(crate) any_site: Option<String>,
    /// A plain-`http` origin other than loopback that it matches.
    pub(crate) insecure: Option<String>,
    /// An origin it matches, and one on another site that it matches too
    /// because the host may be extended on the left (`.*example\.com`).
    pub(crate) over_broad: Option<(String, String)>,
}

/// A serialized origin as the engine reads one: lowercase scheme, `://`,
/// a host of `[a-z0-9._-]` or a bracketed IPv6 address, a canonical port.
const ORIGIN: &str =
    r"[a-z][a-z0-9+.\-]*://(?:\[[0-9a-f:]+\]|[a-z0-9._\-]+)(?::(?:0|[1-9][0-9]{0,4}))?";
/// Origins on a host under the reserved `.invalid` TLD, any scheme and port.
const PROBE: &str = r"[a-z][a-z0-9+.\-]*://(?:[a-z0-9_\-]+\.)+invalid(?::(?:0|[1-9][0-9]{0,4}))?";
/// The same, `https` only (for a friendlier example).
const PROBE_HTTPS: &str = r"https://(?:[a-z0-9_\-]+\.)+invalid";
/// Plain `http` origins.
const HTTP: &str = r"http://(?:\[[0-9a-f:]+\]|[a-z0-9._\-]+)(?::(?:0|[1-9][0-9]{0,4}))?";
/// Plain `http` origins on loopback (as `origin::is_loopback_host` reads hosts;
/// `127.` with any digits, a few more than are addresses, so that a host no
/// browser sends is never the example of an insecure one).
const HTTP_LOOPBACK: &str = r"http://(?:localhost\.?|(?:[a-z0-9_\-]+\.)+localhost\.?|127(?:\.[0-9]+){3}|\[::1\])(?::[0-9]+)?";
/// Web origins on a DNS name, `https`.
const WEB_HTTPS: &str = r"https://[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*(?::[1-9][0-9]{0,4})?";
/// Web origins on a DNS name, any web scheme.
const WEB: &str = r"(?:https?|wss?)://[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*(?::[1-9][0-9]{0,4})?";

/// The most product states one search visits before giving up (no finding).
const SEARCH_BUDGET: usize = 4096;
/// The lazy DFA cache of one analysed regex.
const CACHE_CAPACITY: usize = 2 << 20;

/// What `pattern` (which [`compile`]d) can match. A search that runs out of
/// budget finds nothing: the findings are certain, never guesses.
pub(crate) fn reach(pattern: &str, compiled: &Regex) -> Reach {
    let mut reach = Reach::default();
    let (Some(user), Some(l)) = (Lang::new(pattern), LANGS.as_ref()) else {
        return reach;
    };
    if search(&[&user, &l.origin], &[]) == Search::Empty {
        reach.never = true;
        return reach;
    }
    reach.any_site = search(&[&user, &l.probe_https], &[])
        .found()
        .or_else(|| search(&[&user, &l.probe], &[]).found());
    reach.insecure = search(&[&user, &l.http], &[&l.loopback]).found();
    if reach.any_site.is_none() {
        let witness = search(&[&user, &l.web_https], &[])
            .found()
            .or_else(|| search(&[&user, &l.web], &[]).found());
        reach.over_broad = witness.and_then(|w| widened(&w, compiled).map(|o| (w, o)));
    }
    reach
}

/// The languages regexes are searched against, built once.
struct Langs {
    origin: Lang,
    probe: Lang,
    probe_https: Lang,
    http: Lang,
    loopback: Lang,
    web_https: Lang,
    web: Lang,
}

static LANGS: LazyLock<Option<Langs>> = LazyLock::new(|| {
    Some(Langs {
        origin: Lang::new(ORIGIN)?,
        probe: Lang::new(PROBE)?,
        probe_https: Lang::new(PROBE_HTTPS)?,
        http: Lang::new(HTTP)?,
        loopback: Lang::new(HTTP_LOOPBACK)?,
        web_https: Lang::new(WEB_HTTPS)?,
        web: Lang::new(WEB)?,
    })
});

/// The witness with `evil` glued to the front of its registrable domain
/// (`https://a.evilexample.com` for `https://a.example.com`), when
/// `compiled` matches it too: a site anyone can register. Only for hosts
/// under a suffix the Public Suffix List names (`localhost`, `.internal`
/// and the like have no registrable sites).
fn widened(witness: &str, compiled: &Regex) -> Option<String> {
    let (scheme, rest) = witness.split_once("://")?;
    let host = rest.split(':').next().unwrap_or(rest);
    let port = rest.get(host.len()..).unwrap_or_default();
    let site = crate::fetch::registrable_domain(host)?;
    let labels = host.get(..host.len().checked_sub(site.len())?)?;
    let wider = format!("{scheme}://{labels}evil{site}{port}");
    compiled.is_match(&wider).then_some(wider)
}

/// A language as a lazy DFA anchored at both ends, with its cache: kept
/// from one search to the next (the fixed languages are searched for every
/// regex of a file, and their few states are built once).
struct Lang {
    dfa: DFA,
    cache: Mutex<Cache>,
}

impl Lang {
    fn new(pattern: &str) -> Option<Lang> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .cache_capacity(CACHE_CAPACITY)
                    .skip_cache_capacity_check(true)
                    // Give up rather than clear the cache: state ids are kept.
                    .minimum_cache_clear_count(Some(0)),
            )
            .thompson(thompson::Config::new().nfa_size_limit(Some(SIZE_LIMIT)))
            .build(&format!("^(?:{pattern})$"))
            .ok()?;
        let cache = Mutex::new(dfa.create_cache());
        Some(Lang { dfa, cache })
    }
}

/// How a search came out.
#[derive(Debug, PartialEq, Eq)]
enum Search {
    /// The shortest string (of printable ASCII) in the languages.
    Found(String),
    /// No such string.
    Empty,
    /// Out of budget, or the automaton could not be built.
    GaveUp,
}

impl Search {
    fn found(self) -> Option<String> {
        match self {
            Search::Found(s) => Some(s),
            Search::Empty | Search::GaveUp => None,
        }
    }
}

/// Breadth first over the product of the automata: the shortest printable
/// ASCII string in every `all` language and in no `none` language.
fn search(all: &[&Lang], none: &[&Lang]) -> Search {
    search_inner(all, none).unwrap_or(Search::GaveUp)
}

/// A product state, and the node and byte it was first reached from.
type Node = (Vec<LazyStateID>, Option<(usize, u8)>);

fn search_inner(all: &[&Lang], none: &[&Lang]) -> Option<Search> {
    let langs: Vec<&Lang> = all.iter().chain(none).copied().collect();
    // Locked in the order given: the regex's own first, then fixed ones in
    // an order every search keeps (`http` before `loopback`).
    let mut guards: Vec<MutexGuard<'_, Cache>> = langs
        .iter()
        .map(|l| l.cache.lock().ok())
        .collect::<Option<_>>()?;
    let mut caches: Vec<&mut Cache> = guards.iter_mut().map(|g| &mut **g).collect();
    let start = start::Config::new().anchored(Anchored::Yes);
    let first: Vec<LazyStateID> = langs
        .iter()
        .zip(&mut caches)
        .map(|(l, c)| l.dfa.start_state(c, &start).ok())
        .collect::<Option<_>>()?;
    // One byte of each class that every automaton treats alike, in
    // `BYTE_ORDER`: the same answers, far fewer transitions.
    let mut classes = HashMap::new();
    let bytes: Vec<u8> = BYTE_ORDER
        .into_iter()
        .filter(|&b| {
            let key: Vec<u8> = langs.iter().map(|l| l.dfa.byte_classes().get(b)).collect();
            classes.insert(key, ()).is_none()
        })
        .collect();
    // Every visited product state, with how it was reached.
    let mut nodes: Vec<Node> = vec![(first.clone(), None)];
    let mut seen: HashMap<Vec<LazyStateID>, ()> = HashMap::new();
    seen.insert(first, ());
    let mut next = 0;
    while let Some((states, _)) = nodes.get(next) {
        let states = states.clone();
        let mut accepted = true;
        for (i, ((lang, cache), &s)) in langs.iter().zip(&mut caches).zip(&states).enumerate() {
            let end = lang.dfa.next_eoi_state(cache, s).ok()?.is_match();
            if end != (i < all.len()) {
                accepted = false;
                break;
            }
        }
        if accepted {
            return Some(Search::Found(spell(&nodes, next)));
        }
        'bytes: for &b in &bytes {
            let mut to = Vec::with_capacity(states.len());
            for (i, ((lang, cache), &s)) in langs.iter().zip(&mut caches).zip(&states).enumerate() {
                let t = lang.dfa.next_state(cache, s, b).ok()?;
                if t.is_quit() || t.is_unknown() {
                    return None;
                }
                if t.is_dead() && i < all.len() {
                    continue 'bytes;
                }
                to.push(t);
            }
            if seen.contains_key(&to) {
                continue;
            }
            if nodes.len() >= SEARCH_BUDGET {
                return None;
            }
            seen.insert(to.clone(), ());
            nodes.push((to, Some((next, b))));
        }
        next += 1;
    }
    Some(Search::Empty)
}

/// Printable ASCII, letters and digits first: the shortest example found
/// reads like a host (`https://a.invalid`, not `https://-.invalid`).
const BYTE_ORDER: [u8; 94] = {
    let mut order = [0u8; 94];
    let mut i = 0;
    let mut pass = 0;
    while pass < 3 {
        let mut b = 0x21u8;
        while b <= 0x7e {
            let group = if b.is_ascii_lowercase() {
                0
            } else if b.is_ascii_digit() {
                1
            } else {
                2
            };
            if group == pass && i < order.len() {
                #[expect(clippy::indexing_slicing, reason = "i < order.len(), checked")]
                {
                    order[i] = b;
                }
                i += 1;
            }
            b += 1;
        }
        pass += 1;
    }
    order
};

/// The string that reached node `at`.
fn spell(nodes: &[Node], mut at: usize) -> String {
    let mut bytes = Vec::new();
    while let Some((_, Some((parent, b)))) = nodes.get(at) {
        bytes.push(*b);
        at = *parent;
    }
    bytes.reverse();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests;
