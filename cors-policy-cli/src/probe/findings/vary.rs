//! The `Vary` check: an answer that depends on `Origin` must say so, above
//! all when a shared cache may store it.

use crate::probe::client::{Response, shown};
use crate::probe::code::Code;
use crate::probe::expected::Expected;

/// Judges the response's `Vary` against the engine's.
pub(super) fn judge(expected: &Expected, response: &Response, add: &mut impl FnMut(Code, String)) {
    let missing = missing_vary(expected, response);
    if !missing.is_empty() {
        let code = if cache_public(response) {
            Code::CacheableWithoutVary
        } else {
            Code::MissingVary
        };
        let got = response
            .combined("vary")
            .map_or("no Vary".to_owned(), |v| format!("Vary: {}", shown(&v)));
        add(code, format!("{got}; missing {}", missing.join(", ")));
    }
}

/// The names in the engine's `Vary` that the response's `Vary` lacks.
fn missing_vary(expected: &Expected, response: &Response) -> Vec<String> {
    let Some(wanted) = expected.header("vary") else {
        return Vec::new();
    };
    let have: Vec<String> = response
        .tokens("vary")
        .into_iter()
        .map(|t| t.to_ascii_lowercase())
        .collect();
    if have.iter().any(|t| t == "*") {
        return Vec::new();
    }
    String::from_utf8_lossy(wanted)
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty() && !have.contains(&name.to_ascii_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Whether a shared cache may store the response: `Cache-Control` says
/// `public` or `s-maxage`, and neither `private` nor `no-store`.
fn cache_public(response: &Response) -> bool {
    let directives: Vec<String> = response
        .tokens("cache-control")
        .into_iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    let name = |d: &String| d.split('=').next().unwrap_or_default().trim().to_owned();
    let has = |wanted: &str| directives.iter().any(|d| name(d) == wanted);
    (has("public") || has("s-maxage")) && !has("private") && !has("no-store")
}
