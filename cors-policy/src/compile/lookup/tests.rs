//! Unit tests of `lookup`.

use super::*;
use crate::grammar::model::{Origin, OriginPattern};

#[test]
fn wildcard_labels() {
    assert!(is_wild_label(b"a"));
    assert!(is_wild_label(b"pr-12_x"));
    assert!(is_wild_label(&[b'a'; 63]));
    assert!(!is_wild_label(&[b'a'; 64]));
    assert!(!is_wild_label(b""));
    assert!(!is_wild_label(b"A"));
    assert!(!is_wild_label(b"a*b"));
}

/// The definition of a pattern's match, entry by entry, for
/// [`subdomain_and_host_patterns_match_as_defined`].
fn matches_by_definition(pattern: &OriginPattern, origin: &[u8]) -> bool {
    let Some(Parsed::Tuple { scheme, host, port }) = parse(origin) else {
        return false;
    };
    let host_ok = match &pattern.host {
        HostPattern::Exact(exact) => host == exact.as_bytes(),
        HostPattern::Subdomains(suffix) => host
            .strip_suffix(suffix.as_bytes())
            .and_then(|labels| labels.strip_suffix(b"."))
            .is_some_and(|labels| labels.split(|&b| b == b'.').all(is_wild_label)),
    };
    scheme == pattern.scheme.as_bytes() && host_ok && port_matches(&pattern.port, port)
}

#[test]
fn subdomain_and_host_patterns_match_as_defined() {
    let patterns = [
        (
            "https",
            HostPattern::Subdomains("b.c".into()),
            PortPattern::Default,
        ),
        (
            "https",
            HostPattern::Subdomains("c".into()),
            PortPattern::Default,
        ),
        (
            "http",
            HostPattern::Subdomains("c".into()),
            PortPattern::Exact(8080),
        ),
        (
            "https",
            HostPattern::Subdomains("a.b.c".into()),
            PortPattern::Any,
        ),
        (
            "https",
            HostPattern::Subdomains("x-y.c".into()),
            PortPattern::Default,
        ),
        ("http", HostPattern::Exact("b.c".into()), PortPattern::Any),
        (
            "https",
            HostPattern::Exact("a.b.c".into()),
            PortPattern::Default,
        ),
    ];
    let entries: Vec<Origin> = patterns
        .iter()
        .map(|(scheme, host, port)| Origin {
            matcher: OriginMatcher::Pattern(OriginPattern {
                scheme: (*scheme).into(),
                host: host.clone(),
                port: port.clone(),
            }),
            source: String::new(),
            span: Default::default(),
        })
        .collect();
    let lookup = OriginLookup::new(&entries, |_| Err("no regex".into())).unwrap();
    // Hosts of up to four labels over a few spellings, empty ones and a
    // 63- and 64-byte one included, under every scheme and port.
    let labels = [
        "a",
        "b",
        "c",
        "x-y",
        "",
        "_",
        &"l".repeat(63),
        &"l".repeat(64),
    ];
    let mut hosts = vec![String::new()];
    for _ in 0..4 {
        hosts = hosts
            .iter()
            .flat_map(|h| {
                labels.iter().map(move |l| {
                    if h.is_empty() {
                        (*l).to_owned()
                    } else {
                        format!("{l}.{h}")
                    }
                })
            })
            .collect();
        hosts.sort();
        hosts.dedup();
    }
    let (mut checked, mut matched) = (0, 0);
    for host in hosts
        .iter()
        .chain([&".c".to_owned(), &"a..b.c".to_owned(), &"a.b.c.".to_owned()])
    {
        for scheme in ["https", "http"] {
            for port in ["", ":8080", ":443", ":1"] {
                let origin = format!("{scheme}://{host}{port}");
                let parsed = parse(origin.as_bytes());
                let found = parsed.and_then(|p| lookup.lookup(origin.as_bytes(), p));
                let expected = entries.iter().position(|e| match &e.matcher {
                    OriginMatcher::Pattern(p) => matches_by_definition(p, origin.as_bytes()),
                    _ => false,
                });
                assert_eq!(found, expected, "{origin}");
                checked += 1;
                matched += usize::from(found.is_some());
            }
        }
    }
    // Both outcomes are well represented.
    assert!(checked > 30_000 && matched > 500, "{checked} {matched}");
}
