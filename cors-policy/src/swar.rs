//! Bytes as words (SWAR), for the work on every request: finding a byte
//! eight bytes a word, where a byte-by-byte loop is most of the cost (a
//! target's `?` or `#`, the commas of `Access-Control-Request-Headers`, an
//! origin's port `:`), and short strings packed into words to be compared
//! at once (a method, a scheme, a path prefix) instead of calling `bcmp`.

const ONES: u64 = u64::from_le_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);

/// The index of the first byte of `bytes` that is `a` or `b`, or its
/// length: eight bytes a word, both bytes looked for at once, the last word
/// overlapping the one before.
#[inline]
pub(crate) fn find_either(bytes: &[u8], a: u8, b: u8) -> usize {
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

/// The index of the last byte of `bytes` equal to `byte` among its last
/// `n` (at most 8): one word when `bytes` has eight or more.
#[inline]
pub(crate) fn rfind_in_last(bytes: &[u8], byte: u8, n: usize) -> Option<usize> {
    let n = n.min(8);
    let Some(&last8) = bytes.last_chunk::<8>() else {
        let tail = bytes.len().saturating_sub(n);
        return bytes
            .get(tail..)
            .and_then(|t| t.iter().rposition(|&b| b == byte))
            .map(|at| tail + at);
    };
    // A byte of `x` is 0 where `last8` holds `byte`. This zero-byte test
    // lets no borrow cross from one byte into the next, so every mark is
    // exact, the last one included (`find_either`'s is exact only for the
    // first); the bytes before the last `n` are masked off.
    const LOW7: u64 = ONES * 0x7f;
    let x = u64::from_le_bytes(last8) ^ (ONES * u64::from(byte));
    let last_n = u32::try_from(8 * (8 - n))
        .ok()
        .and_then(|shift| u64::MAX.checked_shl(shift))
        .unwrap_or(0);
    let marks = !(((x & LOW7) + LOW7) | x) & HIGHS & last_n;
    let at = usize::try_from(marks.checked_ilog2()? / 8).ok()?;
    Some(bytes.len() - 8 + at)
}

/// Whether `bytes` split on `.` has an empty part: it is empty, starts or
/// ends with `.`, or holds `..` (a host's empty DNS label). Eight bytes a
/// word, each word overlapping the one before by a byte, so that every
/// pair of neighbours lies in one word.
#[inline]
pub(crate) fn has_empty_label(bytes: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return true;
    };
    if first == b'.' || last == b'.' {
        return true;
    }
    // In three bytes or fewer every pair of neighbours holds the first
    // byte or the last.
    if bytes.len() <= 3 {
        return false;
    }
    // The exact zero-byte test of `rfind_in_last`: a mark on every `.`
    // and on nothing else (`pack`'s zero padding is no `.`).
    const LOW7: u64 = ONES * 0x7f;
    let dots = |word: u64| {
        let x = word ^ (ONES * u64::from(b'.'));
        !(((x & LOW7) + LOW7) | x) & HIGHS
    };
    let mut rest = bytes;
    loop {
        let marks = dots(pack(rest));
        // A `.` whose next byte is a `.` too.
        if marks & (marks >> 8) != 0 {
            return true;
        }
        match rest.get(7..) {
            Some(next) if rest.len() > 8 => rest = next,
            _ => return false,
        }
    }
}

/// Whether `a` and `b` are equal, without a call to `bcmp` for up to 16
/// bytes: their first and last four (or eight) bytes compared as two
/// overlapping words.
#[inline]
pub(crate) fn short_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match (a.first_chunk::<8>(), b.first_chunk::<8>()) {
        (Some(a8), Some(b8)) if a.len() <= 16 => {
            a8 == b8 && a.last_chunk::<8>() == b.last_chunk::<8>()
        }
        (None, None) if a.len() >= 4 => {
            a.first_chunk::<4>() == b.first_chunk::<4>()
                && a.last_chunk::<4>() == b.last_chunk::<4>()
        }
        _ => a == b,
    }
}

/// Whether `bytes` starts with `prefix` ([`short_eq`] on its head).
#[inline]
pub(crate) fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|head| short_eq(head, prefix))
}

#[cfg(test)]
mod tests {
    use super::{find_either, has_empty_label, pack, rfind_in_last, short_eq, starts_with};

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

    #[test]
    fn the_word_comparisons_are_equality() {
        // Every pair of strings of 0 to 20 bytes that are equal or differ
        // in one byte, at every position: each arm of `short_eq` sees a
        // difference in its first word, its last word and their overlap.
        for len in 0..=20 {
            let a: Vec<u8> = (0..len).map(|i| b'a' + i as u8).collect();
            assert!(short_eq(&a, &a.clone()), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!short_eq(&a, &b), "{len} {at}");
                assert!(!short_eq(&b, &a), "{len} {at}");
            }
            let mut longer = a.clone();
            longer.push(b'z');
            assert!(!short_eq(&a, &longer), "{len}");
            assert!(starts_with(&longer, &a), "{len}");
            assert!(!starts_with(&a, &longer), "{len}");
        }
        assert!(starts_with(b"/api/x", b"/api/"));
        assert!(!starts_with(b"/apx/x", b"/api/"));
        assert!(!starts_with(b"/ap", b"/api/"));
    }

    #[test]
    fn finds_the_last_byte_among_the_last_n() {
        // Every string of up to 10 bytes over `a`, `:` and 0xba (`:` with
        // the high bit), for every `n` from 0 to 9, against the definition.
        each_string([b'a', b':', 0xba], 10, |s| {
            for n in 0..=9 {
                let tail = s.len().saturating_sub(n.min(8));
                let expected = (tail..s.len()).rev().find(|&i| s[i] == b':');
                assert_eq!(rfind_in_last(s, b':', n), expected, "{s:?} {n}");
            }
        });
    }

    /// Calls `check` on every string over `alphabet` of up to `max_len`
    /// bytes.
    fn each_string(alphabet: [u8; 3], max_len: usize, mut check: impl FnMut(&[u8])) {
        let mut strings: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..=max_len {
            strings.iter().for_each(|s| check(s));
            strings = strings
                .iter()
                .flat_map(|s| {
                    alphabet.map(|b| {
                        let mut longer = s.clone();
                        longer.push(b);
                        longer
                    })
                })
                .collect();
        }
    }

    #[test]
    fn finds_an_empty_label_as_splitting_does() {
        // Every string of up to 11 bytes over `a`, `.` and 0xae (`.` with
        // the high bit), against splitting on `.`: the words' overlaps and
        // every length of the last word.
        each_string([b'a', b'.', 0xae], 11, |s| {
            let expected = s.split(|&b| b == b'.').any(<[u8]>::is_empty);
            assert_eq!(has_empty_label(s), expected, "{s:?}");
        });
        // Long labels: `..` at every place of 40 bytes.
        for at in 1..38 {
            let mut s = vec![b'a'; 40];
            s[at] = b'.';
            assert!(!has_empty_label(&s), "{at}");
            s[at + 1] = b'.';
            assert!(has_empty_label(&s), "{at}");
        }
    }
}
