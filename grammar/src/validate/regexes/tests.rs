//! Unit tests of regex origins: compiling with reasons, loose dots, and
//! what a regex can reach (`reach`).

use super::*;

#[test]
fn compiles_or_says_why() {
    assert!(compile(r"^https://pr-[0-9]+\.preview\.example\.dev$").is_ok());
    let e = compile("https://(a").unwrap_err();
    assert_eq!(
        e.message,
        "regex `https://(a` does not compile: unclosed group"
    );
    let e = compile("a|").unwrap_err();
    assert!(e.message.contains("can match the empty string"), "{e:?}");
    assert!(compile("(?:)").is_err());
    assert!(compile("x*").is_err());
    let e = compile(r"https://\w{1000}\w{1000}\w{1000}").unwrap_err();
    assert!(e.message.contains("is too large"), "{e:?}");
}

#[test]
fn finds_loose_dots() {
    assert_eq!(loose_dots(r"^https://app.example\.com$"), vec![12..13]);
    assert!(loose_dots(r"^https://app\.example\.com$").is_empty());
    assert!(loose_dots(r"^https://.*\.example\.com$").is_empty());
    assert!(loose_dots(r"^https://[a.z]+\.example\.com$").is_empty());
    assert!(loose_dots(r"^https://[].]x\.com$").is_empty());
    assert!(loose_dots(r"^https://a.+\.com$").is_empty());
    assert!(loose_dots(r"^https://a.{2}\.com$").is_empty());
    assert!(
        loose_dots(r"^https?.example.com").is_empty(),
        "no `://`: nothing to say"
    );
    assert_eq!(
        escape_dots("https://a.b.c", &loose_dots("https://a.b.c")),
        r"https://a\.b\.c"
    );
}

mod reach {
    use super::super::*;

    fn of(pattern: &str) -> Reach {
        let compiled = compile(pattern).unwrap();
        reach(pattern, &compiled)
    }

    #[test]
    fn regexes_that_match_any_site() {
        for p in [
            ".+",
            "https?://.*",
            r"https://[^.]+\..+",
            r"https://.*",
            r"[a-z]+://[a-z.]+",
            r"wss://.+",
            r"https://example\.com.*",
            r"https://.*\.example\.com.*",
            r"https://(www\.)?[a-z]+\.[a-z]+",
            r"https://[\w.-]+(:\d+)?",
            r"https://\S+",
            r"chrome-extension://.*",
        ] {
            let r = of(p);
            let probe = r.any_site.clone().unwrap_or_else(|| panic!("{p}: {r:?}"));
            assert!(
                probe.ends_with(".invalid") || probe.contains(".invalid:"),
                "{p}: {probe}"
            );
            assert!(compile(p).unwrap().is_match(&probe), "{p}: {probe}");
        }
    }

    #[test]
    fn anchored_regexes_do_not_match_any_site() {
        for p in [
            r"^https://pr-[0-9]+\.preview\.example\.dev$",
            r"https://([a-z0-9-]+\.)*example\.com",
            r"https://(www|app)\.example\.com(:[0-9]+)?",
            r"http://localhost:[0-9]+",
            r"https://.*\.example\.com",
        ] {
            assert_eq!(of(p).any_site, None, "{p}");
            assert!(!of(p).never, "{p}");
            assert_eq!(of(p).over_broad, None, "{p}");
        }
    }

    #[test]
    fn regexes_that_never_match_an_origin() {
        for p in [
            r"example\.com",
            r"^example\.com$",
            r"HTTPS://APP\.EXAMPLE\.COM",
            r"https://app\.example\.com/",
            r"null",
            r"https://app\.example\.com:443x",
            r"https://a\.com/.*",
        ] {
            assert!(of(p).never, "{p}");
        }
    }

    #[test]
    fn regexes_open_on_the_left_are_over_broad() {
        for (p, other) in [
            (r".*example\.com", "https://evilexample.com"),
            (r"https://.*example\.com", "https://evilexample.com"),
            (r"https://[a-z]*example\.com", "https://evilexample.com"),
            (r"https?://\w*corp\.com", "https://evilcorp.com"),
        ] {
            let r = of(p);
            assert_eq!(r.over_broad.map(|(_, o)| o).as_deref(), Some(other), "{p}");
        }
    }

    #[test]
    fn plain_http_reach() {
        for p in [
            r"https?://app\.example\.com",
            r"http://.*\.example\.com",
            r"[a-z]+://app\.example\.com",
        ] {
            assert!(of(p).insecure.is_some(), "{p}");
        }
        for p in [
            r"https://app\.example\.com",
            r"http://localhost(:[0-9]+)?",
            r"http://127\.0\.0\.1:[0-9]+",
            r"http://\[::1\]:[0-9]+",
            r"https?://localhost",
        ] {
            assert_eq!(of(p).insecure, None, "{p}");
        }
    }
}
