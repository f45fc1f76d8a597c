//! Comparisons of the short byte strings a compiled policy holds (a scheme,
//! a path prefix) against a request's bytes, inline: for up to 16 bytes two
//! overlapping word loads each instead of a call to `bcmp`. A leaf.

/// Whether `a` and `b` are equal.
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

/// Whether `bytes` starts with `prefix`.
#[inline]
pub(crate) fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    bytes
        .get(..prefix.len())
        .is_some_and(|head| short_eq(head, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
