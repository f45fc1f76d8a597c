//! Header-field primitives of the Fetch standard (§2.2 "HTTP"): tokens, HTTP whitespace,
//! header values, and the ways Fetch reads a header back out of a header list.
//!
//! Everything works on bytes: Fetch's "isomorphic decode" maps each byte to the code point of
//! the same number, so byte-level algorithms are the same algorithms.

/// A header list: `(name, value)` pairs in order, several pairs may share a name.
pub type HeaderList = [(String, Vec<u8>)];

pub use crate::grammar::fetch::{is_tchar, is_token};

/// Fetch §2.2 "HTTP whitespace byte": 0x09 HT, 0x0A LF, 0x0D CR, 0x20 SP.
pub fn is_http_whitespace_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// Fetch §2.2 "HTTP tab or space byte": 0x09 HT or 0x20 SP.
pub fn is_http_tab_or_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b' ')
}

/// Fetch §2.2 "To normalize a byte sequence potentialValue, remove any leading and trailing
/// HTTP whitespace bytes from potentialValue" (what `Headers.append` does to a script's value).
pub fn normalize_header_value(value: &[u8]) -> Vec<u8> {
    trim_with(value, is_http_whitespace_byte).to_vec()
}

/// Removes leading and trailing HTTP tab or space bytes, as an HTTP/1.1 parser does to a
/// field value (RFC 9112 §5: OWS around the value is not part of it).
pub fn trim_tab_or_space(value: &[u8]) -> &[u8] {
    trim_with(value, is_http_tab_or_space_byte)
}

fn trim_with(value: &[u8], strip: fn(u8) -> bool) -> &[u8] {
    let start = value.iter().position(|&b| !strip(b)).unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|&b| !strip(b))
        .map_or(start, |i| i + 1);
    value.get(start..end).unwrap_or_default()
}

/// Fetch §2.2 "header value": no leading or trailing HTTP tab or space bytes, and no
/// 0x00 NUL, 0x0A LF or 0x0D CR anywhere.
pub fn is_header_value(value: &[u8]) -> bool {
    let trimmed = trim_tab_or_space(value).len() == value.len();
    trimmed && !value.iter().any(|&b| matches!(b, 0x00 | b'\n' | b'\r'))
}

/// Fetch §2.2.2 "A header list list contains a header name name if list contains a header
/// whose name is a byte-case-insensitive match for name".
pub fn contains(list: &HeaderList, name: &str) -> bool {
    list.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Fetch §2.2.2 "get" a header name from a header list: `None` when absent, otherwise the
/// values of every header of that name (byte-case-insensitive), in order, separated by
/// 0x2C 0x20 (`, `). This is why two `Access-Control-Allow-Origin` lines fail the CORS check.
pub fn get(list: &HeaderList, name: &str) -> Option<Vec<u8>> {
    let mut values = list.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
    let first = values.next()?;
    let mut out = first.1.clone();
    for (_, v) in values {
        out.extend_from_slice(b", ");
        out.extend_from_slice(v);
    }
    Some(out)
}

/// Fetch §2.2.2 "get, decode, and split" a header value: splits on commas outside
/// HTTP quoted strings (Fetch §2.2.3 "collect an HTTP quoted string", quotes kept) and strips
/// HTTP tab or space around each element. Empty elements are kept, as the spec does.
pub fn split_header_value(value: &[u8]) -> Vec<Vec<u8>> {
    let mut values = Vec::new();
    let mut current = Vec::new();
    let mut rest = value.iter().copied().peekable();
    loop {
        while let Some(&b) = rest.peek() {
            if b == b'"' || b == b',' {
                break;
            }
            current.push(b);
            rest.next();
        }
        if rest.peek() == Some(&b'"') {
            // Collect an HTTP quoted string, extract-value false: the quotes and escapes stay.
            if let Some(q) = rest.next() {
                current.push(q);
            }
            while let Some(b) = rest.next() {
                current.push(b);
                if b == b'\\' {
                    if let Some(escaped) = rest.next() {
                        current.push(escaped);
                    }
                } else if b == b'"' {
                    break;
                }
            }
            if rest.peek().is_some() {
                continue;
            }
        }
        values.push(trim_tab_or_space(&current).to_vec());
        current.clear();
        if rest.next().is_none() {
            return values;
        }
    }
}

/// Fetch §2.2.2 "get, decode, and split" a header name from a header list.
pub fn get_decode_split(list: &HeaderList, name: &str) -> Option<Vec<Vec<u8>>> {
    get(list, name).map(|v| split_header_value(&v))
}

/// Why [`extract_token_list`] failed: the first element that is not a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAToken(pub Vec<u8>);

/// Fetch §2.2.2 "extracting header list values" for the headers whose ABNF is `#token`
/// (`Access-Control-Allow-Methods`, `-Allow-Headers`, `-Expose-Headers`, Fetch §3.3.3):
/// `Ok(None)` when the header is absent; every line parsed as a comma list (RFC 9110 §5.6.1:
/// optional whitespace around elements, empty elements ignored); any element that is not a
/// token makes the whole header a failure. Chromium parses these lists the same way
/// (`net::HttpUtil::ValuesIterator` + `IsToken`).
pub fn extract_token_list(list: &HeaderList, name: &str) -> Result<Option<Vec<String>>, NotAToken> {
    if !contains(list, name) {
        return Ok(None);
    }
    let mut out = Vec::new();
    for (_, value) in list.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)) {
        for element in value.split(|&b| b == b',') {
            let element = trim_tab_or_space(element);
            if element.is_empty() {
                continue;
            }
            if !is_token(element) {
                return Err(NotAToken(element.to_vec()));
            }
            // A token is ASCII, so this is lossless.
            out.push(String::from_utf8_lossy(element).into_owned());
        }
    }
    Ok(Some(out))
}

/// Fetch §3.3.3 `Access-Control-Max-Age` (ABNF `delta-seconds`, a single value), read with
/// "extracting header list values": `None` when absent, when there is more than one line, or
/// when the value is not `1*DIGIT` (Fetch: "If max-age is failure or null, then set max-age
/// to 5"). Values beyond `u64` saturate.
pub fn extract_max_age(list: &HeaderList) -> Option<u64> {
    let mut lines = list
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("access-control-max-age"));
    let (_, value) = lines.next()?;
    if lines.next().is_some() {
        return None;
    }
    let value = trim_tab_or_space(value);
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(value.iter().fold(0u64, |acc, &d| {
        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_quoted_commas() {
        assert_eq!(
            split_header_value(b"a, \"b,c\" ,d"),
            vec![b"a".to_vec(), b"\"b,c\"".to_vec(), b"d".to_vec()]
        );
        assert_eq!(
            split_header_value(b"trace,"),
            vec![b"trace".to_vec(), Vec::new()]
        );
    }

    #[test]
    fn trims() {
        assert_eq!(trim_tab_or_space(b" \t a b \t"), b"a b");
        assert_eq!(trim_tab_or_space(b"  "), b"");
        assert_eq!(normalize_header_value(b"\r\n x \n"), b"x".to_vec());
    }
}
