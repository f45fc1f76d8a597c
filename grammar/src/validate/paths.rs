//! `invalid-path`: a `paths` glob the engine cannot compile, or one that can
//! never match a request path.
//!
//! The glob is compiled with the engine's own options (`cors-policy`'s
//! `compile::glob_regex`: `*` and `?` stay within a segment, `\` escapes), so
//! that the front end accepts exactly the globs the engine compiles.

use globset::ErrorKind;
use regex_automata::util::syntax;
use regex_automata::{MatchKind, meta};

use crate::limits::NFA_SIZE_LIMIT;

use crate::{Diagnostic, Kind, Spanned};

/// How many alternatives of nested `{…}` groups are looked into before a
/// glob is given the benefit of the doubt (bounds the work on hostile input).
const ALTERNATIVES_BUDGET: u32 = 256;

/// The problem with one `paths` glob, if any.
pub(super) fn check(glob: &Spanned<String>) -> Option<Diagnostic> {
    let text = glob.value.as_str();
    let compiled = match crate::glob::path_glob(text) {
        Ok(compiled) => compiled,
        Err(e) => {
            let (why, help) = words(e.kind());
            return Some(
                Diagnostic::new(
                    Kind::InvalidPath,
                    glob.span,
                    format!("path glob `{text}` is invalid: {why}"),
                )
                .with_help(help),
            );
        }
    };
    if text.len() >= LONG_GLOB && !fits_the_engine(compiled.regex()) {
        return Some(
            Diagnostic::new(
                Kind::InvalidPath,
                glob.span,
                format!(
                    "path glob `{}` is too large: its automaton is over the engine's {} MiB",
                    shorten(text),
                    NFA_SIZE_LIMIT >> 20
                ),
            )
            .with_help("split it into several shorter globs"),
        );
    }
    if text.is_empty() {
        return Some(
            Diagnostic::new(
                Kind::InvalidPath,
                glob.span,
                "an empty path glob never matches: a request path starts with `/`",
            )
            .with_help("write `/**` for every path, or leave out `paths`"),
        );
    }
    let mut budget = ALTERNATIVES_BUDGET;
    if !may_start_with_slash(text, &mut budget) {
        return Some(
            Diagnostic::new(
                Kind::InvalidPath,
                glob.span,
                format!("path glob `{text}` never matches: a request path starts with `/`"),
            )
            .with_help(format!("write `/{text}`")),
        );
    }
    None
}

/// From this length on, a glob is compiled as the engine compiles it (a
/// shorter one cannot come near the limit: a glob byte becomes at most a
/// handful of regex bytes, each a few dozen bytes of automaton).
const LONG_GLOB: usize = 1024;

/// Whether the engine's fallback matcher of one glob regex builds (a
/// `meta::Regex` with the same syntax, match kind and limit). The engine
/// shards a set of globs down to one a shard when it must, so a glob that
/// builds alone always builds in the set.
fn fits_the_engine(regex: &str) -> bool {
    meta::Regex::builder()
        .syntax(syntax::Config::new().utf8(false).dot_matches_new_line(true))
        .configure(
            meta::Config::new()
                .match_kind(MatchKind::LeftmostFirst)
                .utf8_empty(false)
                .nfa_size_limit(Some(NFA_SIZE_LIMIT)),
        )
        .build(regex)
        .is_ok()
}

/// At most 60 characters of `s`, for messages about huge globs.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}

/// What is wrong, and what to write instead, in words.
fn words(kind: &ErrorKind) -> (String, String) {
    let default_help = "write a glob such as `/api/**`: `*` matches within a path segment, `**` across `/`, `{a,b}` either".to_owned();
    match kind {
        ErrorKind::UnclosedClass => (
            "a `[` is never closed".to_owned(),
            "close the character class with `]`, or write a literal `[` as `\\[`".to_owned(),
        ),
        ErrorKind::InvalidRange(a, b) => (
            format!("the range `{a}-{b}` runs backwards"),
            format!("write the range from low to high: `{b}-{a}`"),
        ),
        ErrorKind::UnopenedAlternates => (
            "a `}` closes no `{`".to_owned(),
            "write a literal `}` as `\\}`".to_owned(),
        ),
        ErrorKind::UnclosedAlternates => (
            "a `{` is never closed".to_owned(),
            "close the alternatives with `}`, as in `/{api,v2}/**`, or write a literal `{` as `\\{`"
                .to_owned(),
        ),
        ErrorKind::DanglingEscape => (
            "it ends with a lone `\\`".to_owned(),
            "remove the last `\\`, or write a literal backslash as `\\\\`".to_owned(),
        ),
        ErrorKind::TooManyNestedAlternates => (
            "its `{…}` groups nest too deep".to_owned(),
            default_help,
        ),
        other => (other.to_string(), default_help),
    }
}

/// Whether some path (which always starts with `/`) could match: the glob
/// starts with `/`, `*`, a class or an escaped `/`, or a `{…}` group has an
/// alternative that does. A literal first character other than `/` (or `?`,
/// which never matches `/`) means it never matches.
fn may_start_with_slash(glob: &str, budget: &mut u32) -> bool {
    if *budget == 0 {
        return true;
    }
    *budget -= 1;
    let mut chars = glob.chars();
    match chars.next() {
        Some('/' | '*' | '[') => true,
        Some('\\') => chars.next() == Some('/'),
        Some('{') => match split_group(chars.as_str()) {
            Some((alternatives, rest)) => alternatives.iter().any(|alt| {
                let candidate = format!("{alt}{rest}");
                may_start_with_slash(&candidate, budget)
            }),
            None => true,
        },
        _ => false,
    }
}

/// The alternatives of a `{…}` group whose text (after the `{`) is `s`, and
/// what follows its `}`; `None` when it is not closed.
fn split_group(s: &str) -> Option<(Vec<&str>, &str)> {
    let mut depth = 0usize;
    let mut alternatives = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            '}' => {
                alternatives.push(s.get(start..i)?);
                return Some((alternatives, s.get(i + 1..)?));
            }
            ',' if depth == 0 => {
                alternatives.push(s.get(start..i)?);
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn problem(glob: &str) -> Option<(String, String)> {
        check(&Spanned::new(glob.to_owned(), Span::default()))
            .map(|d| (d.message, d.help.unwrap_or_default()))
    }

    #[test]
    fn globs_that_can_match_a_path_pass() {
        for glob in [
            "/",
            "/api/**",
            "/a/*.js",
            "**",
            "*",
            "**/x",
            "/{a,b}/*",
            "{/a,/b}",
            "{x,/y}",
            "{{a,/b},c}",
            "[/]x",
            "\\/a",
            "/a/[a-z]?",
            "/a\\{b",
        ] {
            assert_eq!(problem(glob), None, "{glob}");
        }
    }

    #[test]
    fn globs_that_never_match_are_refused_with_the_fix() {
        for glob in [
            "api/**",
            "?api",
            "{a,b}/**",
            "\\a",
            "{a,{b,c}}/x",
            ".well-known/x",
        ] {
            let (message, help) = problem(glob).unwrap();
            assert_eq!(
                message,
                format!("path glob `{glob}` never matches: a request path starts with `/`")
            );
            assert_eq!(help, format!("write `/{glob}`"));
        }
        assert!(problem("").unwrap().0.starts_with("an empty path glob"));
    }

    #[test]
    fn globs_the_engine_cannot_compile_are_refused_in_words() {
        let cases = [
            ("/api/[x", "a `[` is never closed"),
            ("/a/[z-a]", "the range `z-a` runs backwards"),
            ("/a}", "a `}` closes no `{`"),
            ("/{a,b", "a `{` is never closed"),
            ("/a\\", "it ends with a lone `\\`"),
        ];
        for (glob, why) in cases {
            let (message, _) = problem(glob).unwrap();
            assert_eq!(
                message,
                format!("path glob `{glob}` is invalid: {why}"),
                "{glob}"
            );
        }
    }

    #[test]
    fn deeply_nested_alternatives_cost_a_bounded_amount() {
        let glob = format!("{}a{}", "{x,".repeat(200), "}".repeat(200));
        // Whatever globset says about it, the answer comes back (quickly).
        let _ = problem(&glob);
        let wide = |n| format!("{{{}}}", vec!["{a,{b,{c,d}}}"; n].join(","));
        assert!(problem(&wide(20)).is_some());
        // Past the budget the glob gets the benefit of the doubt.
        assert_eq!(problem(&wide(1000)), None);
    }
}
