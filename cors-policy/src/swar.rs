//! Bytes as words (SWAR), for the work on every request: finding a byte
//! eight bytes a word, where a byte-by-byte loop is most of the cost (a
//! target's `?` or `#`, the commas of `Access-Control-Request-Headers`),
//! and short strings packed into one word to be compared at once.

/// The index of the first byte of `bytes` that is `a` or `b`, or its
/// length: eight bytes a word, both bytes looked for at once, the last word
/// overlapping the one before.
#[inline]
pub(crate) fn find_either(bytes: &[u8], a: u8, b: u8) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let (wide_a, wide_b) = (ONES * u64::from(a), ONES * u64::from(b));
    // The first byte of `word` that is `a` or `b`, if any: a zero byte of
    // `word ^ wide_a` or `word ^ wide_b`. A borrow can mark a byte above a
    // zero byte, never one below, so the lowest mark is exact.
    let first = |word: u64| {
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let marks = zero(word ^ wide_a) | zero(word ^ wide_b);
        (marks != 0).then(|| (marks.trailing_zeros() / 8) as usize)
    };
    let word = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let len = bytes.len();
    if len < 8 {
        return bytes
            .iter()
            .position(|&byte| byte == a || byte == b)
            .unwrap_or(len);
    }
    let mut at = 0;
    while at + 8 < len {
        if let Some(i) = first(word(at)) {
            return at + i;
        }
        at += 8;
    }
    // The last eight bytes: those before `at` hold neither byte.
    first(word(len - 8)).map_or(len, |i| len - 8 + i)
}

/// The first eight bytes of `bytes` (all of them when fewer) as a
/// little-endian word, zero-padded. Built in registers: bytes copied into
/// a buffer and read back as one word stall the processor (the read waits
/// for the small writes to reach memory).
#[inline]
pub(crate) fn pack(bytes: &[u8]) -> u64 {
    if let Some(word) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*word);
    }
    match (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        // 4 to 7 bytes: two words of four that overlap on equal bytes.
        (Some(first), Some(last)) => {
            let shift = 8 * (bytes.len() - 4);
            u64::from(u32::from_le_bytes(*first)) | (u64::from(u32::from_le_bytes(*last)) << shift)
        }
        _ => bytes
            .iter()
            .enumerate()
            .fold(0, |word, (at, &b)| word | (u64::from(b) << (8 * at))),
    }
}

#[cfg(test)]
mod tests {
    use super::{find_either, pack};

    #[test]
    fn packs_like_a_zero_padded_copy() {
        let bytes: Vec<u8> = (1..=20).map(|b| b * 11).collect();
        for len in 0..=bytes.len() {
            let mut buf = [0u8; 8];
            for (to, from) in buf.iter_mut().zip(&bytes[..len]) {
                *to = *from;
            }
            assert_eq!(pack(&bytes[..len]), u64::from_le_bytes(buf), "{len}");
        }
    }

    #[test]
    fn finds_the_first_of_either_byte_at_every_place() {
        for len in 0..40 {
            for at in 0..=len {
                let mut bytes = vec![b'x'; len];
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = b'#';
                }
                // A second match after the first never wins.
                if let Some(byte) = bytes.get_mut(at + 3) {
                    *byte = b'?';
                }
                assert_eq!(find_either(&bytes, b'?', b'#'), at, "{len} {at}");
                assert_eq!(find_either(&bytes, b',', b','), len);
            }
        }
        // Bytes above 0x80 next to a match: no false mark below it.
        let bytes = [0xff, 0x81, 0x01, b',', 0xff, 0, 0, 0, 0];
        assert_eq!(find_either(&bytes, b',', b','), 3);
    }
}
