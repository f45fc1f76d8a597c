//! The header values every answer may use: `*`, `true`, and a value made
//! of bytes by cloning one that holds them. A leaf of the `http` adapter.

use ::http::header::HeaderValue;

/// `*`.
pub(super) const STAR: HeaderValue = HeaderValue::from_static("*");
/// `true`.
pub(super) const TRUE: HeaderValue = HeaderValue::from_static("true");

/// `bytes` as a header value: a clone of the first of `candidates` (a
/// prebuilt constant, the request's own value) holding exactly these bytes
/// (the very same bytes are recognised without comparing them), else a
/// copy. `None` is unreachable: the engine's values are valid.
pub(super) fn value_of(bytes: &[u8], candidates: [Option<&HeaderValue>; 2]) -> Option<HeaderValue> {
    match bytes {
        b"*" => return Some(STAR),
        b"true" => return Some(TRUE),
        _ => {}
    }
    candidates
        .into_iter()
        .flatten()
        .find(|value| std::ptr::eq(value.as_bytes(), bytes) || value.as_bytes() == bytes)
        .cloned()
        .or_else(|| HeaderValue::from_bytes(bytes).ok())
}
