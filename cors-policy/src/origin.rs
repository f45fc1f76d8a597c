//! The request's `Origin`: [`parse`] reads it structurally (no
//! allocation) as the canonical serialization browsers send, or refuses it.
//! Matching it against a policy's entries is the compile module's job.

use crate::grammar::limits;

/// The longest `Origin` value the engine reads; a longer one is denied as
/// malformed (`malformed-origin`) before it is hashed, parsed or matched.
///
/// A serialized origin is a scheme, `://`, a host and an optional `:port`.
/// A host a browser can have loaded a page from is a DNS name (at most 253
/// bytes), an IPv4 address (at most 15) or an IPv6 literal (at most 41 with
/// its brackets), so a real origin is under 300 bytes even with a long
/// scheme (`chrome-extension://` and a 32-byte id is 51). The cap is over
/// three times that, and it bounds the work a hostile `Origin` can cost
/// (without it a 64 KiB value is read whole).
pub const MAX_ORIGIN_LEN: usize = 1024;

/// A request `Origin` that is a serialized origin exactly as a browser sends
/// it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Parsed<'a> {
    /// `null`.
    Null,
    /// `scheme://host[:port]`.
    Tuple {
        scheme: &'a [u8],
        host: &'a [u8],
        /// `None`: no port written (the scheme's default).
        port: Option<u16>,
    },
}

/// The port a scheme leaves out when serializing.
pub(crate) fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        _ => None,
    }
}

/// Parses a request's `Origin` value, accepting only the canonical
/// serialization: `null`, or a lowercase scheme (`[a-z][a-z0-9+.-]*`), `://`,
/// a host of `[a-z0-9._-]` (or an IPv6 address of `[0-9a-f:]` in brackets),
/// and an optional port of decimal digits without leading zeros, at most
/// 65535 and not the scheme's default. Everything else (uppercase,
/// whitespace, path, trailing slash, userinfo, query, non-ASCII, a DNS
/// label over 63 bytes or a host over 253, …) is `None`.
pub(crate) fn parse(origin: &[u8]) -> Option<Parsed<'_>> {
    if origin == b"null" {
        return Some(Parsed::Null);
    }
    let (scheme, rest) = split_scheme(origin)?;
    let (host, after) = if rest.first() == Some(&b'[') {
        let close = rest.iter().position(|&b| b == b']')?;
        let (host, after) = rest.split_at(close + 1);
        let inner = host.get(1..close)?;
        if inner.is_empty()
            || !inner
                .iter()
                .all(|&b| b.is_ascii_digit() || matches!(b, b'a'..=b'f' | b':'))
        {
            return None;
        }
        (host, after)
    } else {
        let (host, after) = rest.split_at(port_colon(rest).unwrap_or(rest.len()));
        if host.is_empty() || !all_host_bytes(host) || !limits::host_fits(host) {
            return None;
        }
        (host, after)
    };
    let port = match after.split_first() {
        None => None,
        Some((b':', digits)) => {
            let port = parse_port(digits)?;
            if default_port(scheme) == Some(port) {
                return None;
            }
            Some(port)
        }
        Some(_) => return None,
    };
    Some(Parsed::Tuple { scheme, host, port })
}

/// An origin's scheme and what follows its `://`.
#[inline]
fn split_scheme(origin: &[u8]) -> Option<(&[u8], &[u8])> {
    // `https://` and `http://`, the scheme of nearly every origin: one or
    // two words compared, no byte scanned.
    if origin.first_chunk::<8>() == Some(b"https://") {
        return Some((origin.get(..5)?, origin.get(8..)?));
    }
    if origin.first_chunk::<7>() == Some(b"http://") {
        return Some((origin.get(..4)?, origin.get(7..)?));
    }
    scan_scheme(origin)
}

/// [`split_scheme`] without its shortcuts.
fn scan_scheme(origin: &[u8]) -> Option<(&[u8], &[u8])> {
    // One pass over the scheme: it ends at the first byte that is not a
    // scheme byte, which must start `://` (the same as finding the first
    // `://` and checking what precedes it, without scanning a long origin
    // that has none).
    let (first, _) = origin.split_first()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    let sep = origin
        .iter()
        .position(|&b| class(b) & SCHEME == 0)
        .unwrap_or(origin.len());
    let (scheme, rest) = origin.split_at(sep);
    Some((scheme, rest.strip_prefix(b"://")?))
}

/// Where the `:` before a port is: the last `:` of the last 6 bytes (a
/// port is `:` and at most 5 digits). Any other `:` makes the host invalid
/// (`:` is not a host byte), which splitting at the first `:` would reject
/// too.
fn port_colon(rest: &[u8]) -> Option<usize> {
    crate::swar::rfind_in_last(rest, b':', 6)
}

/// `[a-z0-9+.-]`.
const fn is_scheme_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'.' | b'-')
}

/// `[a-z0-9._-]`.
const fn is_host_byte(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
}

/// [`class`] bit: [`is_host_byte`].
const HOST: u8 = 1;
/// [`class`] bit: [`is_scheme_byte`].
const SCHEME: u8 = 2;

/// The classes of every byte: one load a byte instead of a chain of range
/// comparisons.
static CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        #[expect(clippy::indexing_slicing, reason = "b < 256, the table's length")]
        {
            table[b] = if is_host_byte(byte) { HOST } else { 0 }
                | if is_scheme_byte(byte) { SCHEME } else { 0 };
        }
        b += 1;
    }
    table
};

/// The [`HOST`] and [`SCHEME`] bits of `b`.
fn class(b: u8) -> u8 {
    CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// Whether every byte is `[a-z0-9._-]`: a table lookup a byte, without
/// short-circuit (the origin is at most [`MAX_ORIGIN_LEN`] bytes anyway).
fn all_host_bytes(host: &[u8]) -> bool {
    host.iter().fold(true, |ok, &b| ok & (class(b) & HOST != 0))
}

/// A canonical decimal port: 1–5 digits, no leading zero (except `0`), ≤ 65535.
fn parse_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty() || digits.len() > 5 || (digits.len() > 1 && digits.first() == Some(&b'0'))
    {
        return None;
    }
    let mut value: u32 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(d - b'0');
    }
    u16::try_from(value).ok()
}

#[cfg(test)]
mod tests;
