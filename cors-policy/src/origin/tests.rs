//! Unit tests of `origin`.

use super::*;

fn tuple(s: &str) -> Option<(String, String, Option<u16>)> {
    match parse(s.as_bytes())? {
        Parsed::Null => Some(("null".into(), String::new(), None)),
        Parsed::Tuple { scheme, host, port } => Some((
            String::from_utf8(scheme.to_vec()).unwrap(),
            String::from_utf8(host.to_vec()).unwrap(),
            port,
        )),
    }
}

#[test]
fn the_class_table_is_the_byte_rules() {
    for b in 0..=255u8 {
        assert_eq!(class(b) & HOST != 0, is_host_byte(b), "{b}");
        assert_eq!(class(b) & SCHEME != 0, is_scheme_byte(b), "{b}");
        assert_eq!(all_host_bytes(&[b]), is_host_byte(b), "{b}");
    }
    assert!(is_host_byte(b'_') && !is_scheme_byte(b'_'));
    assert!(is_scheme_byte(b'+') && !is_host_byte(b'+'));
    assert!(!is_host_byte(b'A') && !is_scheme_byte(b'A'));
}

#[test]
fn canonical_origins_parse() {
    assert_eq!(
        tuple("https://a.example.com"),
        Some(("https".into(), "a.example.com".into(), None))
    );
    assert_eq!(
        tuple("http://localhost:8080"),
        Some(("http".into(), "localhost".into(), Some(8080)))
    );
    assert_eq!(
        tuple("http://[::1]:3000"),
        Some(("http".into(), "[::1]".into(), Some(3000)))
    );
    assert_eq!(
        tuple("https://a.com:80"),
        Some(("https".into(), "a.com".into(), Some(80)))
    );
    assert_eq!(
        tuple("http://a.com:0"),
        Some(("http".into(), "a.com".into(), Some(0)))
    );
    assert_eq!(
        tuple("chrome-extension://abcdefghijklmnopabcdefghijklmnop"),
        Some((
            "chrome-extension".into(),
            "abcdefghijklmnopabcdefghijklmnop".into(),
            None
        ))
    );
    assert!(matches!(parse(b"null"), Some(Parsed::Null)));
}

#[test]
fn non_canonical_origins_do_not_parse() {
    for bad in [
        "",
        "Null",
        "NULL",
        "https://A.example.com",
        "HTTPS://a.com",
        "https://a.com/",
        "https://a.com/x",
        "https://user@a.com",
        "https://a.com?q",
        "https://a.com#f",
        " https://a.com",
        "https://a.com ",
        "https://a.com:443",
        "http://a.com:80",
        "wss://a.com:443",
        "ws://a.com:80",
        "https://a.com:",
        "https://a.com:08080",
        "https://a.com:65536",
        "https://a.com:123456",
        "https://a.com:-1",
        "https://",
        "https:a.com",
        "https:/a.com",
        "://a.com",
        "1https://a.com",
        "https://m\u{fc}nchen.de",
        "https://a.com\r\n",
        "https://a\0.com",
        "http://[::1",
        "http://[]",
        "http://[::G]",
        "http://[::1]x",
        "http://[::1]:80",
        "https://a.com:8443:1",
        "https://a%2ecom",
    ] {
        assert_eq!(parse(bad.as_bytes()), None, "{bad:?}");
    }
}

#[test]
fn the_port_colon_is_the_last_colon_of_the_last_six_bytes() {
    // Every string of up to 10 bytes over `a`, `:`, `;` and 0xba (`:` with
    // the high bit): the word test (8 bytes or more) and the byte loop
    // (fewer) against the definition.
    let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
    let mut checked = 0;
    for _ in 0..=10 {
        for s in &strings {
            let tail = s.len().saturating_sub(6);
            let expected = s
                .iter()
                .enumerate()
                .rev()
                .find(|&(i, &b)| i >= tail && b == b':')
                .map(|(i, _)| i);
            assert_eq!(port_colon(s), expected, "{:?}", String::from_utf8_lossy(s));
            checked += 1;
        }
        strings = strings
            .iter()
            .flat_map(|s| {
                [b'a', b':', b';', 0xba].map(|b| {
                    let mut longer = s.clone();
                    longer.push(b);
                    longer
                })
            })
            .collect();
    }
    assert_eq!(checked, (0..=10).map(|n| 4usize.pow(n)).sum::<usize>());
}

#[test]
fn the_scheme_shortcuts_split_as_the_scan_does() {
    for origin in [
        "https://",
        "http://",
        "https:/",
        "http:/",
        "https:",
        "https",
        "http",
        "httpss://a",
        "https://a",
        "http://a",
        "https:///",
        "http:///",
        "https://https://a",
        "http://https:",
        "HTTPS://a",
        "https:/a",
        "ws://a",
        "http+x://a",
        "",
        "h",
        "https://a:1",
    ] {
        let origin = origin.as_bytes();
        assert_eq!(split_scheme(origin), scan_scheme(origin), "{origin:?}");
    }
}
