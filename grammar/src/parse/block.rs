//! One `policy "name" { … }` block: parsed whole by the grammar when it can
//! be, otherwise statement by statement, reporting each problem (an unclosed
//! `{`, a stray token, an unknown statement with a did-you-mean) and
//! recovering at the next statement keyword; and what may follow a block.

use pest::Parser as _;

use super::driver::{Driver, HELP_EXAMPLE_POLICY, span_of};
use super::errors::Ctx;
use super::grammar::{CorsParser, Rule};
use super::lex::{self, Tok, TokKind};
use crate::ast::Keyword;
use crate::{Diagnostic, Kind, Span, ast};

impl Driver<'_> {
    pub(super) fn policy(&mut self, start: usize, end: usize) -> Option<ast::Policy> {
        // Most blocks are well formed: one pest run over the whole block. Only
        // when that fails does the driver go statement by statement, which
        // finds, words and recovers from each problem.
        if let Some(policy) = self.policy_whole(start, end) {
            return policy;
        }
        let before = self.diags.len();
        let policy = self.policy_by_statement(start, end);
        if self.diags.len() == before && !self.stopped {
            // The grammar refused the block but the driver found nothing
            // wrong: never accept what the grammar refuses.
            self.error(
                Diagnostic::new(
                    Kind::Syntax,
                    Span::new(start, start + 6),
                    "this policy could not be parsed",
                )
                .with_help("please report this as a bug, with the policy's text"),
            );
        }
        policy
    }

    /// The block statement by statement, reporting and recovering from each problem.
    pub(super) fn policy_by_statement(&mut self, start: usize, end: usize) -> Option<ast::Policy> {
        let src = self.src;
        let slice = src.get(start..end).unwrap_or("");
        let (name, open_brace, mut pos) = match CorsParser::parse(Rule::policy_open, slice) {
            Ok(mut pairs) => {
                let open = pairs.next()?;
                let open_end = start + open.as_span().end();
                let mut name = None;
                let mut brace = Span::new(open_end.saturating_sub(1), open_end);
                for p in open.into_inner() {
                    match p.as_rule() {
                        Rule::quoted_string | Rule::raw_string => {
                            name = Some(self.string(&p, start))
                        }
                        Rule::open_brace => brace = span_of(&p, start),
                        _ => {}
                    }
                }
                (name, brace, open_end)
            }
            Err(e) => {
                self.pest_error(&e, start, Ctx::PolicyOpen);
                // Check the block's statements anyway, from its `{` if it has one.
                let mut t = self.tok(start, end);
                while !matches!(t.kind, TokKind::LBrace | TokKind::RBrace | TokKind::End) {
                    t = self.tok(t.end, end);
                }
                if t.kind != TokKind::LBrace {
                    return None;
                }
                (None, t.span(), t.end)
            }
        };

        let mut statements = Vec::new();
        let close = loop {
            if self.stopped {
                return None;
            }
            let t = self.tok(pos, end);
            match t.kind {
                TokKind::End => {
                    let name_text = name
                        .as_ref()
                        .map_or_else(String::new, |n| format!(" of policy `{}`", n.value));
                    self.error(
                        Diagnostic::new(
                            Kind::Syntax,
                            open_brace,
                            format!("unclosed `{{`{name_text}"),
                        )
                        .with_label("this `{` is never closed")
                        .with_help("close the policy block with `}` after its last statement"),
                    );
                    break None;
                }
                TokKind::RBrace => break Some(t),
                TokKind::Word => match self.keyword_at(t) {
                    Some(kw) => {
                        let (stmt, next) = self.statement(kw, t.start, end);
                        statements.extend(stmt);
                        pos = next;
                    }
                    None => pos = self.unknown_statement(t, end),
                },
                _ => {
                    let found = lex::describe(src, t);
                    let help = match t.kind {
                        TokKind::Quoted | TokKind::Raw | TokKind::Star => {
                            "a list item follows its statement's keyword, after a `,`: `origins \"https://a.example\", \"https://b.example\"`".to_owned()
                        }
                        TokKind::LBrace => {
                            "a policy block holds statements only; blocks do not nest".to_owned()
                        }
                        _ => format!(
                            "each statement starts with its keyword: {}",
                            keyword_list("or")
                        ),
                    };
                    self.error(
                        Diagnostic::new(
                            Kind::Syntax,
                            t.span(),
                            format!("expected a statement such as `origins`, `methods` or `max-age`, found {found}"),
                        )
                        .with_help(help),
                    );
                    pos = self.recover(t.end, end);
                }
            }
        };

        let close = close?;
        self.after_block(close.end, end);
        Some(ast::Policy::new(
            name?,
            statements,
            Span::new(start, close.end),
        ))
    }

    /// The block as the grammar's `policy` rule, in one run; `None` when it
    /// does not parse (then the caller goes statement by statement).
    pub(super) fn policy_whole(&mut self, start: usize, end: usize) -> Option<Option<ast::Policy>> {
        let slice = self.src.get(start..end)?;
        let block = CorsParser::parse(Rule::policy, slice).ok()?.next()?;
        let mut name = None;
        let mut statements = Vec::new();
        let mut close = start;
        for p in block.into_inner() {
            match p.as_rule() {
                Rule::policy_open => {
                    let string = p
                        .into_inner()
                        .find(|q| matches!(q.as_rule(), Rule::quoted_string | Rule::raw_string));
                    name = string.map(|q| self.string(&q, start));
                }
                Rule::close_brace => close = span_of(&p, start).end,
                _ => statements.extend(self.lower_statement(p, start)),
            }
        }
        self.after_block(close, end);
        Some(name.map(|name| ast::Policy::new(name, statements, Span::new(start, close))))
    }

    /// Nothing but the next `policy` may follow a block.
    pub(super) fn after_block(&mut self, from: usize, end: usize) {
        let src = self.src;
        let after = self.tok(from, end);
        if after.kind != TokKind::End {
            let found = lex::describe(src, after);
            let d = match after.kind {
                TokKind::RBrace => Diagnostic::new(Kind::Syntax, after.span(), "unexpected `}`")
                    .with_label("no block is open here")
                    .with_help("remove it, or move the statements before it into the policy block"),
                _ if self.keyword_at(after).is_some() => Diagnostic::new(
                    Kind::Syntax,
                    after.span(),
                    format!("expected `policy` or the end of the file, found {found}"),
                )
                .with_help(
                    "this statement is outside any policy block: move it before the block's `}`",
                ),
                _ => Diagnostic::new(
                    Kind::Syntax,
                    after.span(),
                    format!("expected `policy` or the end of the file, found {found}"),
                )
                .with_help(HELP_EXAMPLE_POLICY),
            };
            self.error(d);
        }
    }

    /// An identifier where a statement keyword belongs: report it with a
    /// did-you-mean, skip its arguments, go on.
    pub(super) fn unknown_statement(&mut self, t: Tok, end: usize) -> usize {
        let word = t.text(self.src);
        let mut d = Diagnostic::new(
            Kind::UnknownStatement,
            t.span(),
            format!("unknown statement `{word}`"),
        );
        d = match did_you_mean(word) {
            Some(k) => d.with_help(format!("did you mean `{k}`?")),
            None => d.with_help(format!("the statements are {}", keyword_list("and"))),
        };
        self.error(d);
        // Its arguments run to the next keyword, `}`, `;`, or a word that
        // opens a line (and does not continue a list).
        let mut prev = t;
        let mut pos = t.end;
        loop {
            let n = self.tok(pos, end);
            match n.kind {
                TokKind::End | TokKind::RBrace => return n.start,
                TokKind::Semi => return n.end,
                TokKind::Word
                    if self.keyword_at(n).is_some()
                        || (n.newline_before && prev.kind != TokKind::Comma) =>
                {
                    return n.start;
                }
                _ => {}
            }
            prev = n;
            pos = n.end;
        }
    }

    /// After an error at `from`: where the next statement probably starts.
    pub(super) fn recover(&self, from: usize, end: usize) -> usize {
        let mut pos = from;
        loop {
            let t = self.tok(pos, end);
            match t.kind {
                TokKind::End | TokKind::RBrace => return t.start,
                TokKind::Word if self.keyword_at(t).is_some() => return t.start,
                _ => pos = t.end,
            }
        }
    }
}

/// The keyword an unknown word probably meant.
pub(super) fn did_you_mean(word: &str) -> Option<Keyword> {
    let norm = word.to_ascii_lowercase().replace('_', "-");
    if let Some(k) = Keyword::from_word(&norm) {
        return Some(k);
    }
    let limit = (norm.chars().count() / 3).max(2);
    Keyword::ALL
        .iter()
        .map(|k| (strsim::levenshtein(&norm, k.as_str()), *k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Every statement keyword in backticks, the last two joined by `last`:
/// `` `paths`, `origins`, … `allow` or `skip` ``.
pub(super) fn keyword_list(last: &str) -> String {
    let quoted: Vec<String> = Keyword::ALL.iter().map(|k| format!("`{k}`")).collect();
    match quoted.split_last() {
        Some((tail, head)) => format!("{} {last} {tail}", head.join(", ")),
        None => String::new(),
    }
}
