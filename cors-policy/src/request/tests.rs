//! Unit tests of `request`: the word-at-a-time scan of `target_path`.

use super::*;

fn naive(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| b == b'?' || b == b'#')
        .unwrap_or(bytes.len())
}

#[test]
fn the_query_scan_finds_the_first_question_mark_or_hash() {
    // Fillers next to the two bytes, and those a borrow could mark: 0x00,
    // 0x01, 0x80, 0xff, `>` and `"` (one below `?` and `#`), `@` and `$`.
    let fillers = [b'a', b'/', 0x00, 0x01, 0x80, 0xff, b'>', b'"', b'@', b'$'];
    for len in 0..=40 {
        for filler in fillers {
            let plain = vec![filler; len];
            assert_eq!(query_start(&plain), naive(&plain));
            for at in 0..len {
                for mark in [b'?', b'#'] {
                    let mut bytes = plain.clone();
                    bytes[at] = mark;
                    assert_eq!(query_start(&bytes), at, "{bytes:?}");
                    for later in at + 1..len {
                        let mut twice = bytes.clone();
                        twice[later] = b'?' ^ b'#' ^ mark;
                        assert_eq!(query_start(&twice), at, "{twice:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn origin_form_targets_are_cut_at_the_first_question_mark_or_hash() {
    for target in [
        &b"/api/users/42"[..],
        b"/api/users/42?x=1",
        b"/api/users/42#f",
        b"/a?b#c",
        b"/a#b?c",
        b"*",
        b"",
        b"/0123456789abcdef/0123456789abcdef?",
    ] {
        assert_eq!(target_path(target), &target[..naive(target)]);
    }
}
