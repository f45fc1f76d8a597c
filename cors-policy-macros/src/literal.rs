//! The value of the string literal in `file = "…"`.
//!
//! Only the path argument needs this: policy text is unescaped by the front
//! end itself, from the literal's source text.

/// The value of a Rust string literal written as `src` (`"…"` or `r#"…"#`);
/// `None` for anything else (a byte string, a number, a suffixed string).
///
/// rustc has already rejected malformed escapes when it lexed the literal;
/// the escapes are decoded by the front end's one decoder,
/// [`cors_policy_grammar::escape::unescape_rust_string`].
pub(crate) fn unescape_str(src: &str) -> Option<String> {
    if let Some(raw) = src.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let fence = "#".repeat(hashes);
        let body = raw.strip_prefix(&fence)?.strip_prefix('"')?;
        return body
            .strip_suffix(&fence)?
            .strip_suffix('"')
            .map(str::to_owned);
    }
    let body = src.strip_prefix('"')?.strip_suffix('"')?;
    cors_policy_grammar::escape::unescape_rust_string(body).ok()
}

#[cfg(test)]
mod tests {
    use super::unescape_str;

    #[test]
    fn plain_and_escaped() {
        assert_eq!(
            unescape_str(r#""cors/api.cors""#).as_deref(),
            Some("cors/api.cors")
        );
        assert_eq!(
            unescape_str(r#""a\\b\"c\x41\u{e9}""#).as_deref(),
            Some("a\\b\"cA\u{e9}")
        );
        assert_eq!(unescape_str("\"a\\\n    b\"").as_deref(), Some("ab"));
    }

    #[test]
    fn raw() {
        assert_eq!(unescape_str(r#"r"C:\x\y""#).as_deref(), Some(r"C:\x\y"));
        assert_eq!(
            unescape_str(r###"r##"a"#b"##"###).as_deref(),
            Some(r##"a"#b"##)
        );
    }

    #[test]
    fn not_a_string() {
        for src in [
            "42",
            r#"b"x""#,
            r#"c"x""#,
            r#""x"suffix"#,
            "'x'",
            r#"r#"x""#,
        ] {
            assert_eq!(unescape_str(src), None, "{src}");
        }
    }
}
