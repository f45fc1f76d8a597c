//! Byte spans into the policy source, and their line/column form.

use std::fmt;

/// A byte range `start..end` into the source text a node was parsed from.
///
/// Spans are left out of equality on every AST node that carries one, so that
/// two parses of differently laid-out text compare equal when they mean the
/// same thing (the formatter round trip relies on this).
#[derive(Clone, Copy, Default, Hash, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The range form, for slicing and for renderers.
    pub const fn range(self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The 1-based line and column (in characters) of `self.start` within `src`.
    pub fn line_col(self, src: &str) -> (usize, usize) {
        line_col(src, self.start)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// 1-based line and column (counted in characters) of byte `offset` in `src`.
/// An offset past the end, or inside a character, is clamped to a boundary.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = src.get(..offset).unwrap_or("");
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// Bytes between two checkpoints of [`LineIndex`]'s character counts.
const CHECKPOINT: usize = 4096;

/// The line starts of one source, computed once, so that each of many
/// offsets becomes a line and column in logarithmic time (and a column in at
/// most [`CHECKPOINT`] bytes of counting), however long the file or its
/// lines: what keeps reporting 200,000 diagnostics linear.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    /// Characters before byte `i * CHECKPOINT` (floored to a boundary).
    chars: Vec<usize>,
}

impl LineIndex {
    /// Indexes `src`: one pass.
    pub fn new(src: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut chars = Vec::with_capacity(src.len() / CHECKPOINT + 1);
        let mut count = 0;
        let mut from = 0;
        for block in 0..=src.len() / CHECKPOINT {
            let at = floor(src, block * CHECKPOINT);
            count += src.get(from..at).map_or(0, |s| s.chars().count());
            chars.push(count);
            from = at;
        }
        LineIndex { starts, chars }
    }

    /// The 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).max(1)
    }

    /// The byte offset where 1-based `line` starts (the end of the source
    /// for a line past the last).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .or(self.starts.last())
            .copied()
            .unwrap_or(0)
    }

    /// 1-based line and column (in characters) of byte `offset` in `src`,
    /// the source this index was built from: the same as [`line_col`].
    pub fn line_col(&self, src: &str, offset: usize) -> (usize, usize) {
        let offset = floor(src, offset);
        let line = self.line(offset);
        let start = self.line_start(line).min(offset);
        (
            line,
            self.chars_before(src, offset) - self.chars_before(src, start) + 1,
        )
    }

    /// Characters before byte `offset` (a boundary).
    fn chars_before(&self, src: &str, offset: usize) -> usize {
        let block = offset / CHECKPOINT;
        let from = floor(src, block * CHECKPOINT);
        self.chars.get(block).copied().unwrap_or(0)
            + src.get(from..offset).map_or(0, |s| s.chars().count())
    }
}

/// `offset` clamped to `src` and floored to a character boundary.
fn floor(src: &str, offset: usize) -> usize {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A value with the span it was written at; equality ignores the span.
#[derive(Clone, Default)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `value` with `span`.
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} @{:?}", self.value, self.span)
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[cfg(test)]
mod tests {
    use super::{LineIndex, line_col};

    #[test]
    fn the_index_agrees_with_counting_from_the_start() {
        let long = format!("{}\n{}é\n", "ü".repeat(5000), "a".repeat(9000));
        for src in ["", "a", "\n", "ab\ncd\n\nü€x\r\ny", long.as_str()] {
            let index = LineIndex::new(src);
            for offset in 0..=src.len() + 2 {
                assert_eq!(
                    index.line_col(src, offset),
                    line_col(src, offset),
                    "{offset} in {:?}",
                    src.get(..20)
                );
            }
        }
    }
}
