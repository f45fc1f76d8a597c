//! `cors-policy eval`: the engine's answer as one JSON object.

use serde_json::json;

use crate::cli::{RequestArgs, Status};
use crate::color::ColorChoice;
use crate::output;
use crate::policy;

/// Runs `eval`.
pub(crate) fn run(args: &RequestArgs, color: ColorChoice) -> Status {
    let (loaded, request) = match policy::load(args, color) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let mut lines = Vec::new();
    let engine_request = policy::engine_request(&request, &mut lines);
    let decision = loaded.engine.decide(&engine_request);
    let headers: Vec<_> = decision
        .headers()
        .map(|h| json!([h.name, byte_string(h.value)]))
        .collect();
    let document = output::json_object(&[
        ("kind", json!(decision.kind().as_str())),
        ("allowed", json!(decision.allowed())),
        ("policy", json!(decision.policy())),
        ("status", json!(decision.status())),
        ("forward", json!(decision.forward())),
        ("headers", json!(headers)),
        (
            "reason",
            json!((!decision.allowed()).then(|| decision.reason().to_string())),
        ),
    ]);
    output::stdout(&format!("{document}\n"));
    Status::Ok
}

/// A header value as a JSON string, the way Fetch's `Headers` shows a byte
/// string to a script ("isomorphic decode"): each byte becomes the code point
/// of the same number. ASCII, which is every value the engine emits, reads
/// as itself; any other byte `0xNN` reads as U+00NN, so no value is ever
/// lost and the bytes are recovered exactly by taking each code point as a
/// byte.
pub(crate) fn byte_string(value: &[u8]) -> String {
    value.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::byte_string;

    #[test]
    fn byte_strings_are_lossless() {
        assert_eq!(byte_string(b"https://a.example"), "https://a.example");
        let odd = [b'a', 0xff, 0x80, b'\t'];
        let shown = byte_string(&odd);
        assert_eq!(shown, "a\u{ff}\u{80}\t");
        let back: Vec<u8> = shown
            .chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect();
        assert_eq!(back, odd);
    }
}
