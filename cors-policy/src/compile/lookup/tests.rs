//! Unit tests of `lookup`.

use super::*;

#[test]
fn wildcard_labels() {
    assert!(is_wild_label(b"a"));
    assert!(is_wild_label(b"pr-12_x"));
    assert!(is_wild_label(&[b'a'; 63]));
    assert!(!is_wild_label(&[b'a'; 64]));
    assert!(!is_wild_label(b""));
    assert!(!is_wild_label(b"A"));
    assert!(!is_wild_label(b"a*b"));
}
