//! How the language reads a `paths` glob: one definition of the globset
//! options, shared by `check` (grammar), the engine's compiler and the
//! reference interpreter, so that what `check` accepts is what the engine
//! builds.

/// A `paths` glob as the language reads it: globset syntax, `*` and `?`
/// stay within a segment (`literal_separator`), `**` crosses `/`, and `\`
/// escapes the next character (`backslash_escape`).
///
/// # Errors
/// globset's error when `text` is not a valid glob (an unclosed `[` or `{`,
/// a `**` glued to other characters, …).
pub fn path_glob(text: &str) -> Result<globset::Glob, globset::Error> {
    globset::GlobBuilder::new(text)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::path_glob;

    #[test]
    fn star_stays_within_a_segment_and_double_star_crosses() {
        let one = path_glob("/api/*").map(|g| g.compile_matcher());
        let all = path_glob("/api/**").map(|g| g.compile_matcher());
        let (Ok(one), Ok(all)) = (one, all) else {
            panic!("both globs are valid");
        };
        assert!(one.is_match("/api/x") && !one.is_match("/api/x/y"));
        assert!(all.is_match("/api/x/y"));
        assert!(path_glob(r"/a\*").is_ok_and(|g| g.compile_matcher().is_match("/a*")));
        assert!(path_glob("/a[").is_err());
    }
}
