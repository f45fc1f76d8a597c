//! Unit tests of the lints that compare entries and policies: redundant
//! origins, glob cover (checked against the engine's glob matcher), the
//! cover index.

use super::*;

fn paths(globs: &[&str]) -> Vec<String> {
    globs.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn shadowing_is_conservative() {
    assert!(paths_cover(&[], &paths(&["/api/**"])));
    assert!(paths_cover(&[], &[]));
    assert!(paths_cover(&paths(&["/**"]), &[]));
    assert!(paths_cover(&paths(&["/api/**"]), &paths(&["/api/**"])));
    assert!(paths_cover(
        &paths(&["/api/**"]),
        &paths(&["/api/v1/**", "/api/x"])
    ));
    assert!(paths_cover(&paths(&["/api/**", "/x"]), &paths(&["/x"])));
    assert!(!paths_cover(&paths(&["/api/**"]), &[]));
    assert!(!paths_cover(&paths(&["/api/**"]), &paths(&["/api"])));
    assert!(!paths_cover(&paths(&["/api/**"]), &paths(&["/apix/**"])));
    assert!(!paths_cover(
        &paths(&["/api/**"]),
        &paths(&["/api/**", "/other"])
    ));
    assert!(paths_cover(&paths(&["/a*/**"]), &paths(&["/ab/x"])));
    assert!(paths_cover(&paths(&["/api/*"]), &paths(&["/api/x"])));
}

/// Every glob of a set over a few paths: what the engine's glob options
/// match, for a brute-force check that a cover is never claimed wrongly.
fn matches(glob: &str, path: &str) -> bool {
    matcher(glob).is_match(path)
}

fn matcher(glob: &str) -> globset::GlobMatcher {
    crate::glob::path_glob(glob).unwrap().compile_matcher()
}

#[test]
fn glob_coverage_is_found() {
    for (earlier, later) in [
        ("/*", "/x"),
        ("/*", "/favicon.ico"),
        ("/**", "/api/users/**"),
        ("/api/**", "/api/users/**"),
        ("/api/**", "/api/users/*"),
        ("/api/**", "/api/{a,b}/x"),
        ("/{api,v2}/**", "/api/users"),
        ("/{api,v2}/**", "/{v2,api}/x/**"),
        ("/api/*", "/api/{a,b}"),
        ("/api/*.js", "/api/app.js"),
        ("/api/*.js", "/api/*.min.js"),
        ("/a/?", "/a/b"),
        ("/a/*", "/a/?"),
        ("/a/*", "/a/*x*"),
        ("/**/x", "/a/b/x"),
        ("**/x", "/a/x"),
        ("/a/**", "/a/**/b"),
        ("/a/[bc]", "/a/[bc]"),
        ("/a\\*b", "/a\\*b"),
        ("/static/**", "/static/{css,js}/*.{css,js}"),
    ] {
        assert!(
            glob_covers(earlier, later),
            "{earlier} should cover {later}"
        );
    }
}

#[test]
fn glob_coverage_is_never_claimed_wrongly() {
    let globs = [
        "/*",
        "/**",
        "/a",
        "/a/*",
        "/a/**",
        "/a/?",
        "/a/*/b",
        "/a/**/b",
        "/*/b",
        "/a*",
        "/a/[bc]",
        "/a/[!b]",
        "/{a,b}",
        "/{a,b}/**",
        "/a/b",
        "/a/b/c",
        "**",
        "**/b",
        "*",
        "/a\\*",
        "/a/*.js",
        "/a/x.js",
        "/a/**/*.js",
        "/ab",
        "/a/{b,c}/*",
    ];
    // Request paths, which always start with `/`.
    let paths = [
        "/",
        "/a",
        "/b",
        "/ab",
        "/a/",
        "/a/b",
        "/a/c",
        "/a/bc",
        "/a/b/c",
        "/a/b/b",
        "/a/x/b",
        "/a/x/y/b",
        "/x/b",
        "/a/x.js",
        "/a/y.js",
        "/a/b/x.js",
        "/a*",
        "//",
        "/a//b",
        "/a/b/",
        "/a/c/d",
        "/b/x",
    ];
    for earlier in globs {
        for later in globs {
            if !glob_covers(earlier, later) {
                continue;
            }
            for path in paths {
                assert!(
                    !matches(later, path) || matches(earlier, path),
                    "{earlier} claimed to cover {later}, but {path} is matched only by {later}"
                );
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

    /// Random globs and paths over a small alphabet: a claimed cover
    /// holds on every path.
    #[test]
    fn a_claimed_cover_holds_on_every_path(
        earlier in proptest::collection::vec(proptest::sample::select(GLOB_PIECES), 1..5),
        later in proptest::collection::vec(proptest::sample::select(GLOB_PIECES), 1..5),
    ) {
        let (earlier, later) = (format!("/{}", earlier.concat()), format!("/{}", later.concat()));
        let valid = |g: &str| crate::glob::path_glob(g).is_ok();
        if valid(&earlier) && valid(&later) && glob_covers(&earlier, &later) {
            let (e, l) = (matcher(&earlier), matcher(&later));
            for path in all_paths() {
                proptest::prop_assert!(
                    !l.is_match(&path) || e.is_match(&path),
                    "{} claimed to cover {}, but {} is matched only by the latter", earlier, later, path
                );
            }
        }
    }
}

const GLOB_PIECES: &[&str] = &[
    "/", "a", "b", ".", "*", "**", "?", "{a,b}", "{a/b,x}", "[ab]", "/**", "/**/",
];

/// Every path of up to five characters of `/ a b .` after the first `/`.
fn all_paths() -> Vec<String> {
    let mut out = vec!["/".to_owned()];
    let mut frontier = vec!["/".to_owned()];
    for _ in 0..5 {
        let mut next = Vec::new();
        for p in &frontier {
            for c in ['/', 'a', 'b', '.'] {
                next.push(format!("{p}{c}"));
            }
        }
        out.extend(next.iter().cloned());
        frontier = next;
    }
    out
}
