//! Unit tests of origin normalization: what browsers send normalizes as
//! they serialize it, patterns stay structural, the rest is refused in words.

use super::*;

fn exact(text: &str) -> String {
    match normalize(text) {
        Ok(Normalized::Exact(e)) => e.serialized,
        other => panic!("{text}: {other:?}"),
    }
}

fn pattern(text: &str) -> OriginPattern {
    match normalize(text) {
        Ok(Normalized::Pattern(p)) => p,
        other => panic!("{text}: {other:?}"),
    }
}

fn error(text: &str) -> OriginError {
    match normalize(text) {
        Err(e) => e,
        Ok(n) => panic!("{text} accepted as {n:?}"),
    }
}

#[test]
fn normalizes_like_a_browser() {
    assert_eq!(exact("https://app.example.com"), "https://app.example.com");
    assert_eq!(exact("HTTPS://App.Example.COM"), "https://app.example.com");
    assert_eq!(exact("https://a.com:443"), "https://a.com");
    assert_eq!(exact("http://a.com:80"), "http://a.com");
    assert_eq!(exact("http://a.com:8080"), "http://a.com:8080");
    assert_eq!(exact("https://münchen.de"), "https://xn--mnchen-3ya.de");
    assert_eq!(exact("http://[0:0::1]:8080"), "http://[::1]:8080");
    assert_eq!(exact("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    assert_eq!(exact("wss://a.com:443"), "wss://a.com");
    assert_eq!(
        exact("chrome-extension://ABCdef"),
        "chrome-extension://abcdef"
    );
    assert_eq!(exact("capacitor://localhost"), "capacitor://localhost");
    assert_eq!(exact("tauri://localhost:1430"), "tauri://localhost:1430");
}

#[test]
fn patterns_are_structural() {
    assert_eq!(
        pattern("https://*.Example.com"),
        OriginPattern {
            scheme: "https".into(),
            host: HostPattern::Subdomains("example.com".into()),
            port: PortPattern::Default
        }
    );
    assert_eq!(
        pattern("http://localhost:*"),
        OriginPattern {
            scheme: "http".into(),
            host: HostPattern::Exact("localhost".into()),
            port: PortPattern::Any
        }
    );
    assert_eq!(
        pattern("https://*.münchen.de:8443"),
        OriginPattern {
            scheme: "https".into(),
            host: HostPattern::Subdomains("xn--mnchen-3ya.de".into()),
            port: PortPattern::Exact(8443)
        }
    );
    assert_eq!(pattern("https://*.a.com:443").port, PortPattern::Default);
    assert_eq!(pattern("https://*.a.com:*").port, PortPattern::Any);
}

#[test]
fn rejects_what_browsers_never_send() {
    for (text, needle) in [
        ("https://a.com/", "ends with `/`"),
        ("https://a.com/app", "has a path"),
        ("https://a.com?x=1", "has a query"),
        ("https://a.com/?x=1", "has a query"),
        ("https://a.com#top", "has a fragment"),
        ("https://u:p@a.com", "user name or password"),
        ("a.com", "has no scheme"),
        ("localhost:3000", "has no scheme"),
        ("//a.com", "has no scheme"),
        ("https:a.com", "lacks `//`"),
        ("https://a.com:99999", "invalid port `99999`"),
        ("https://a.com:8o", "invalid port"),
        ("https://a.com:", "empty port"),
        ("https://a.com ", "whitespace"),
        ("https://a*.com", "not the whole leftmost label"),
        ("https://a.*.com", "not the whole leftmost label"),
        ("https://*", "whole host"),
        ("https://*.", "nothing after"),
        ("https://a.com:8*", "invalid port"),
        ("file:///etc/passwd", "`file:` pages"),
        ("data:text/html,x", "`data:` pages"),
        ("blob:https://a.com/1", "`blob:` URL"),
        ("https://*.1.2.3.4", "IP address"),
        ("https://*.[::1]", "IP address"),
        ("https://", "no host"),
        ("null", "not the `null` origin"),
        ("*", "not the wildcard"),
        ("https://[::1", "malformed IPv6"),
        ("https://exa mple.com", "whitespace"),
        ("https://ex%ample.com", "not a valid origin"),
    ] {
        let e = error(text);
        assert!(e.message.contains(needle), "{text}: {e:?}");
    }
    assert_eq!(
        error("https://app.example.com/").help,
        "write `\"https://app.example.com\"` (an origin has no trailing slash)"
    );
    assert_eq!(
        error("HTTPS://App.example.com/x").help,
        "write `\"https://app.example.com\"` (an origin has no path)"
    );
    assert_eq!(
        error("app.example.com").help,
        "write `\"https://app.example.com\"` (an origin starts with its scheme)"
    );
}
