//! The schemes an `Origin` header can carry, as the validator sorts them:
//! the URL standard's special schemes, the ones whose pages send `null`,
//! the ones that carry their creator's origin, the web's, and the app shells'
//! and extensions' (any other is `unknown-scheme`); and which web scheme a
//! near miss (`htps`) is a typo of.

/// Schemes the URL standard serializes itself (tuple origins with default ports).
pub(super) const SPECIAL: &[&str] = &["http", "https", "ws", "wss", "ftp"];

/// Schemes whose pages send `Origin: null` (or no origin of their own).
pub(super) const NULL_SCHEMES: &[&str] = &["file", "data", "about", "javascript"];

/// Schemes whose URLs carry their creator's origin.
pub(super) const INNER_ORIGIN_SCHEMES: &[&str] = &["blob", "filesystem"];

/// The schemes of web pages, which a near miss (`htps`) is a typo of.
pub(super) const WEB_SCHEMES: &[&str] = &["http", "https", "ws", "wss"];

/// Non-special schemes that browser extensions and app shells really send
/// as tuple origins; any other is `unknown-scheme`.
pub(super) const APP_SCHEMES: &[&str] = &[
    "chrome-extension",
    "moz-extension",
    "safari-web-extension",
    "ms-browser-extension",
    "capacitor",
    "tauri",
    "ionic",
    "app",
    "electron",
    "vscode-webview",
];

/// Whether a (lowercase) scheme is neither one the URL standard serializes
/// nor a known app shell's.
pub(super) fn is_unknown_scheme(scheme: &str) -> bool {
    !SPECIAL.contains(&scheme) && !APP_SCHEMES.contains(&scheme)
}

/// The web scheme `scheme` (lowercase) is a typo of: within two edits
/// (a swap counts as one) of `http`, `https`, `ws` or `wss`, and not itself
/// a scheme in use. The nearest wins; on a tie, the one of the typo's
/// length (`httsp` is `https`, `wws` is `wss`), then the first listed.
pub(super) fn web_scheme_typo(scheme: &str) -> Option<&'static str> {
    if SPECIAL.contains(&scheme)
        || APP_SCHEMES.contains(&scheme)
        || NULL_SCHEMES.contains(&scheme)
        || INNER_ORIGIN_SCHEMES.contains(&scheme)
    {
        return None;
    }
    WEB_SCHEMES
        .iter()
        .map(|&w| (strsim::damerau_levenshtein(scheme, w), w))
        .filter(|&(d, w)| d <= 2 && d < w.len())
        .min_by_key(|&(d, w)| (d, w.len().abs_diff(scheme.len())))
        .map(|(_, w)| w)
}
