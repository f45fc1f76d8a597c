//! The `Access-Control-Request-Headers` lines a [`Request`](crate::Request)
//! holds: [`Lines`], a few kept inline or all borrowed at once, and their
//! iterator. A leaf: it knows nothing of the rest of the request.

/// The most `Access-Control-Request-Headers` lines [`Request::request_headers`](crate::Request::request_headers)
/// keeps when called once per line; a request given more lines that way is a
/// denied preflight ([`Reason::RequestHeadersTooLarge`](crate::Reason::RequestHeadersTooLarge)).
/// More lines (up to [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES)) are given at once with
/// [`Request::request_header_lines`](crate::Request::request_header_lines). Keeping so few inline keeps a
/// [`Request`](crate::Request) a few words long, cheap to build and to move.
pub const MAX_BUILDER_REQUEST_HEADER_LINES: usize = 4;

/// The `Access-Control-Request-Headers` lines: a few kept inline, or borrowed
/// all at once from the caller (no allocation either way).
#[derive(Clone, Copy)]
pub(crate) enum Lines<'a> {
    /// Given one at a time.
    Inline {
        lines: [&'a [u8]; MAX_BUILDER_REQUEST_HEADER_LINES],
        len: u8,
    },
    /// Given at once.
    Bytes(&'a [&'a [u8]]),
    /// Given at once.
    Strs(&'a [&'a str]),
    /// Given at once.
    Vecs(&'a [Vec<u8>]),
    /// Every `access-control-request-headers` line of this map.
    #[cfg(feature = "http")]
    Http(&'a ::http::HeaderMap),
    /// More lines were given than the builder keeps: denies a preflight.
    TooMany,
}

impl<'a> Lines<'a> {
    pub(crate) const EMPTY: Lines<'static> = Lines::Inline {
        lines: [&[]; MAX_BUILDER_REQUEST_HEADER_LINES],
        len: 0,
    };

    pub(crate) fn push(&mut self, line: &'a [u8]) {
        if let Lines::Inline { lines, len } = self
            && let Some(slot) = lines.get_mut(usize::from(*len))
        {
            *slot = line;
            *len += 1;
            return;
        }
        *self = Lines::TooMany;
    }

    /// `more` after these lines, one by one (more than the builder keeps
    /// make [`Lines::TooMany`]). Out of line: the builder's usual call
    /// gives all lines at once.
    #[inline(never)]
    pub(crate) fn append(&mut self, more: Lines<'a>) {
        let given = *self;
        *self = Lines::EMPTY;
        for line in given.iter().chain(more.iter()) {
            self.push(line);
        }
    }

    /// Whether no line was given.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Lines::Inline { len, .. } => *len == 0,
            Lines::TooMany => false,
            _ => self.iter().next().is_none(),
        }
    }

    /// Whether there are more than `max_lines` lines or more than
    /// `max_bytes` bytes in all, from the lines' lengths alone, without
    /// walking more than `max_lines` lines; a slice's line count is its
    /// length (a request may carry 10,000 lines), and the few lines kept
    /// inline are summed directly. A preflight asks this before anything
    /// else, so it is one match, not an iterator per question.
    #[inline]
    pub(crate) fn over(&self, max_lines: usize, max_bytes: usize) -> bool {
        fn over<T>(lines: &[T], len: impl Fn(&T) -> usize, max: (usize, usize)) -> bool {
            lines.len() > max.0
                || lines
                    .iter()
                    .try_fold(0usize, |total, line| {
                        Some(total.saturating_add(len(line))).filter(|&t| t <= max.1)
                    })
                    .is_none()
        }
        let max = (max_lines, max_bytes);
        match self {
            Lines::Inline { lines, len } => over(
                lines.get(..usize::from(*len)).unwrap_or_default(),
                |l| l.len(),
                max,
            ),
            Lines::Bytes(lines) => over(lines, |l| l.len(), max),
            Lines::Strs(lines) => over(lines, |l| l.len(), max),
            Lines::Vecs(lines) => over(lines, Vec::len, max),
            #[cfg(feature = "http")]
            Lines::Http(_) => {
                // The map's lines, walked: at most one over the cap.
                let mut total = 0usize;
                for (i, line) in self.iter().enumerate() {
                    total = total.saturating_add(line.len());
                    if i >= max_lines || total > max_bytes {
                        return true;
                    }
                }
                false
            }
            Lines::TooMany => true,
        }
    }

    /// More lines were given than the builder keeps.
    pub(crate) fn too_many(&self) -> bool {
        matches!(self, Lines::TooMany)
    }

    /// The lines given, in order (none when there were too many). Inlined:
    /// out of line, the iterator came back through memory, and reading it
    /// back right after the call stalled every scan of the lines.
    #[inline]
    pub(crate) fn iter(&self) -> LinesIter<'a, '_> {
        match self {
            Lines::Inline { lines, len } => {
                LinesIter::Inline(lines.get(..usize::from(*len)).unwrap_or(&[]).iter())
            }
            Lines::Bytes(lines) => LinesIter::Inline(lines.iter()),
            Lines::Strs(lines) => LinesIter::Strs(lines.iter()),
            Lines::Vecs(lines) => LinesIter::Vecs(lines.iter()),
            #[cfg(feature = "http")]
            Lines::Http(map) => LinesIter::Http(
                map.get_all(::http::header::ACCESS_CONTROL_REQUEST_HEADERS)
                    .iter(),
            ),
            Lines::TooMany => LinesIter::Inline([].iter()),
        }
    }
}

/// The lines of a [`Lines`], as bytes.
pub(crate) enum LinesIter<'a, 'r> {
    Inline(std::slice::Iter<'r, &'a [u8]>),
    Strs(std::slice::Iter<'a, &'a str>),
    Vecs(std::slice::Iter<'a, Vec<u8>>),
    #[cfg(feature = "http")]
    Http(::http::header::ValueIter<'a, ::http::HeaderValue>),
}

impl<'a> Iterator for LinesIter<'a, '_> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        match self {
            LinesIter::Inline(it) => it.next().copied(),
            LinesIter::Strs(it) => it.next().map(|s| s.as_bytes()),
            LinesIter::Vecs(it) => it.next().map(Vec::as_slice),
            #[cfg(feature = "http")]
            LinesIter::Http(it) => it.next().map(::http::HeaderValue::as_bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every way of holding lines agrees on the caps, at their edges.
    #[test]
    fn every_kind_of_lines_is_over_the_caps_at_the_same_edges() {
        let check = |given: &[Vec<u8>], (max_lines, max_bytes): (usize, usize), over: bool| {
            let bytes: Vec<&[u8]> = given.iter().map(Vec::as_slice).collect();
            let strs: Vec<&str> = given
                .iter()
                .map(|l| std::str::from_utf8(l).unwrap())
                .collect();
            let mut kinds = vec![Lines::Bytes(&bytes), Lines::Strs(&strs), Lines::Vecs(given)];
            let mut inline = Lines::EMPTY;
            for line in &bytes {
                inline.push(line);
            }
            if given.len() <= MAX_BUILDER_REQUEST_HEADER_LINES {
                kinds.push(inline);
            } else {
                assert!(inline.too_many() && inline.over(usize::MAX, usize::MAX));
            }
            #[cfg(feature = "http")]
            let mut map = ::http::HeaderMap::new();
            #[cfg(feature = "http")]
            {
                for line in given {
                    map.append(
                        ::http::header::ACCESS_CONTROL_REQUEST_HEADERS,
                        ::http::HeaderValue::from_bytes(line).unwrap(),
                    );
                }
                kinds.push(Lines::Http(&map));
            }
            for lines in kinds {
                assert_eq!(
                    lines.over(max_lines, max_bytes),
                    over,
                    "{} lines of {:?}, caps {max_lines} lines {max_bytes} bytes",
                    given.len(),
                    given.iter().map(Vec::len).collect::<Vec<_>>()
                );
            }
        };
        let lines = |n: usize, len: usize| vec![vec![b'a'; len]; n];
        check(&lines(0, 0), (0, 0), false);
        check(&lines(3, 4), (3, 12), false);
        check(&lines(3, 4), (2, 12), true);
        check(&lines(3, 4), (3, 11), true);
        check(&lines(4, 1), (4, 4), false);
        check(&lines(5, 1), (4, 100), true);
        check(&lines(5, 1), (5, 5), false);
        check(&lines(65, 0), (64, 100), true);
        check(&lines(64, 2), (64, 128), false);
        check(&lines(64, 2), (64, 127), true);
        check(&lines(1, 9000), (64, 8192), true);
    }
}
