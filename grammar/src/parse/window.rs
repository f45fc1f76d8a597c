//! Running the grammar on a window of the text: a run is cut short at the
//! next `}`, `;` or statement keyword, where its answer cannot depend on the
//! cut, so that an error costs the length of its own statement and parsing a
//! whole file stays linear.

use pest::Parser as _;
use pest::iterators::Pairs;

use super::driver::{Driver, PestError};
use super::errors::error_offset;
use super::grammar::{CorsParser, Rule};
use super::lex::TokKind;

/// Where a pest run may be cut (see [`Driver::run`]).
struct Cut {
    at: usize,
    hard: bool,
}

impl<'s> Driver<'s> {
    /// Runs `rule` on the text from `start`, cut short where the answer cannot
    /// depend on the cut. Pest's error for a position scans the whole input
    /// around it, so errors on a huge input would each cost its length; cut
    /// at the next `}`, `;` or statement keyword, an error costs the length of
    /// its own statement and the whole file stays linear.
    ///
    /// A keyword can be an item of the list before it only after a `,` (and
    /// `}`/`;` never can), so the window grows only when the run stopped at a
    /// `,` or failed at the cut.
    pub(super) fn run(
        &self,
        rule: Rule,
        start: usize,
        end: usize,
    ) -> Result<Pairs<'s, Rule>, PestError> {
        let first = self.tok(start, end);
        let mut cut = self.next_cut(first.end, end, 0);
        loop {
            let slice = self.src.get(start..cut.at).unwrap_or("");
            let result = CorsParser::parse(rule, slice);
            if cut.hard {
                return result;
            }
            let retry = match &result {
                Err(e) => start + error_offset(e) >= cut.at,
                Ok(pairs) => {
                    let consumed = start + pairs.clone().last().map_or(0, |p| p.as_span().end());
                    let next = self.tok(consumed, end);
                    next.kind == TokKind::Comma && self.tok(next.end, end).start >= cut.at
                }
            };
            if !retry {
                return result;
            }
            let len = cut.at - start;
            cut = self.next_cut(cut.at, end, start + 2 * len.max(64));
        }
    }

    /// The first `}`, `;` or end of the block from `from` (hard: no statement
    /// goes past it), or the first keyword from `at_least` on (soft).
    fn next_cut(&self, from: usize, end: usize, at_least: usize) -> Cut {
        let mut pos = from;
        loop {
            let t = self.tok(pos, end);
            match t.kind {
                TokKind::End => {
                    return Cut {
                        at: end,
                        hard: true,
                    };
                }
                TokKind::RBrace | TokKind::Semi => {
                    return Cut {
                        at: t.start,
                        hard: true,
                    };
                }
                TokKind::Word if t.start >= at_least && self.keyword_at(t).is_some() => {
                    return Cut {
                        at: t.start,
                        hard: false,
                    };
                }
                _ => pos = t.end,
            }
        }
    }
}
