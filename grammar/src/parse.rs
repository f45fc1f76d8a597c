//! Text → pest pairs → [`ast::File`].
//!
//! The grammar is `cors.pest`. The file is split into policy blocks at each
//! `policy` keyword; a block the grammar accepts whole is parsed in one pest
//! run. A block it refuses goes to a small driver that runs the grammar one
//! piece at a time — the block's head, then one statement after another — so
//! that it can word each problem (a missing `,`, an unknown statement with a
//! did-you-mean), recover at the next statement keyword, and report every
//! problem of the file, not the first. Lowering the pairs checks what the
//! grammar matches loosely on purpose (string escapes, durations, status
//! codes) and says what is wrong in words.

mod lex;
mod trivia;

use lex::{Tok, TokKind};
use pest::Parser as _;
use pest::iterators::{Pair, Pairs};

use crate::ast::{self, Item, OriginExpr, StatementKind};
use crate::{Diagnostic, Kind, MAX_SOURCE_LEN, Span, Spanned};

mod grammar {
    #![allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
    #[derive(pest_derive::Parser)]
    #[grammar = "cors.pest"]
    pub(crate) struct CorsParser;
}

use grammar::{CorsParser, Rule};

/// The statement keywords, in the order the docs list them.
pub(crate) const KEYWORDS: [&str; 11] = [
    "paths",
    "origins",
    "methods",
    "headers",
    "expose",
    "credentials",
    "max-age",
    "private-network",
    "preflight-status",
    "allow",
    "skip",
];

/// After this many errors the rest of a file is not looked at.
const MAX_ERRORS: usize = 100;

const HELP_DURATION: &str = "write a whole number of seconds, or a whole number followed by `s`, `m`, `h` or `d`: `600`, `90s`, `10m`, `2h`, `1d`";
const HELP_EXAMPLE_POLICY: &str =
    "a policy file looks like `policy \"name\" { origins \"https://app.example.com\" }`";

/// Parses a policy source into its AST, or returns every syntax error found.
pub fn parse(src: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if src.len() > MAX_SOURCE_LEN {
        return Err(vec![
            Diagnostic::new(
                Kind::Syntax,
                Span::new(0, 0),
                format!(
                    "the file is too large ({} bytes; the limit is {MAX_SOURCE_LEN})",
                    src.len()
                ),
            )
            .with_help("split the policies over several files"),
        ]);
    }
    let mut driver = Driver {
        src,
        diags: Vec::new(),
        stopped: false,
        comments: Vec::new(),
    };
    let mut policies = driver.file();
    let mut diags = driver.diags;
    if diags.is_empty() {
        let trailing_comments = trivia::attach(src, &driver.comments, &mut policies);
        Ok(ast::File {
            policies,
            trailing_comments,
        })
    } else {
        diags.sort_by_key(|d| (d.span.start, d.span.end));
        Err(diags)
    }
}

/// What the driver was parsing when pest failed: picks the words for "expected …".
#[derive(Clone, Copy)]
enum Ctx {
    PolicyOpen,
    Statement(&'static str),
}

struct Driver<'s> {
    src: &'s str,
    diags: Vec<Diagnostic>,
    /// Too many errors: stop looking.
    stopped: bool,
    /// Every comment of the file, in order (found by [`Driver::file`]).
    comments: Vec<Span>,
}

fn keyword(word: &str) -> Option<&'static str> {
    KEYWORDS.iter().copied().find(|k| *k == word)
}

impl<'s> Driver<'s> {
    fn error(&mut self, diagnostic: Diagnostic) {
        if self.stopped {
            return;
        }
        if self.diags.len() >= MAX_ERRORS {
            self.stopped = true;
            let at = diagnostic.span;
            self.diags.push(
                Diagnostic::new(
                    Kind::Syntax,
                    at,
                    format!("too many errors (more than {MAX_ERRORS})"),
                )
                .with_label("the rest of the file was not checked")
                .with_help("fix the errors above and check the file again"),
            );
            return;
        }
        self.diags.push(diagnostic);
    }

    /// The next token at or after `pos`, as `End` from `limit` on.
    fn tok(&self, pos: usize, limit: usize) -> Tok {
        match lex::next(self.src, pos) {
            Ok(t) if t.start < limit => t,
            Ok(t) => Tok {
                kind: TokKind::End,
                start: limit.max(pos),
                end: limit.max(pos),
                ..t
            },
            Err(_) => Tok {
                kind: TokKind::End,
                start: limit,
                end: limit,
                newline_before: false,
            },
        }
    }

    fn keyword_at(&self, t: Tok) -> Option<&'static str> {
        if t.kind == TokKind::Word {
            keyword(t.text(self.src))
        } else {
            None
        }
    }

    // ---- the file: split into policy blocks ---------------------------------

    fn file(&mut self) -> Vec<ast::Policy> {
        let src = self.src;
        // One pass over every token: finds the `policy` blocks, and any
        // unterminated string or comment (after which nothing can be trusted).
        let mut starts = Vec::new();
        let mut depth = 0usize;
        let first = match lex::next(src, 0) {
            Ok(t) => t,
            Err(d) => {
                self.error(d);
                return Vec::new();
            }
        };
        let mut t = first;
        self.gap_comments(0, first.start);
        while t.kind != TokKind::End {
            let next = match lex::next(src, t.end) {
                Ok(n) => n,
                Err(d) => {
                    self.error(d);
                    return Vec::new();
                }
            };
            self.gap_comments(t.end, next.start);
            match t.kind {
                TokKind::LBrace => depth += 1,
                TokKind::RBrace => depth = depth.saturating_sub(1),
                // A `policy` inside an unclosed block still starts a new one
                // when it opens a line and a name follows.
                TokKind::Word
                    if t.text(src) == "policy"
                        && (depth == 0
                            || (t.newline_before
                                && matches!(next.kind, TokKind::Quoted | TokKind::Raw))) =>
                {
                    starts.push(t.start);
                    depth = 0;
                }
                _ => {}
            }
            t = next;
        }

        if first.kind == TokKind::End {
            self.error(
                Diagnostic::new(Kind::Syntax, Span::new(0, 0), "the file has no policy")
                    .with_help(HELP_EXAMPLE_POLICY),
            );
            return Vec::new();
        }
        let first_policy = starts.first().copied().unwrap_or(src.len());
        if first.start < first_policy {
            let found = lex::describe(src, first);
            let mut d = Diagnostic::new(
                Kind::Syntax,
                first.span(),
                format!("expected a policy such as `policy \"api\" {{ … }}`, found {found}"),
            );
            d = if self.keyword_at(first).is_some() {
                d.with_help("statements go inside a policy block: `policy \"name\" { … }`")
            } else {
                d.with_help(HELP_EXAMPLE_POLICY)
            };
            self.error(d);
        }
        let mut policies = Vec::with_capacity(starts.len());
        for (i, &start) in starts.iter().enumerate() {
            if self.stopped {
                break;
            }
            let end = starts.get(i + 1).copied().unwrap_or(src.len());
            if let Some(p) = self.policy(start, end) {
                policies.push(p);
            }
        }
        policies
    }

    /// Records the comments between two tokens (most gaps have none).
    fn gap_comments(&mut self, from: usize, to: usize) {
        if self.src.get(from..to).is_some_and(|gap| gap.contains('/')) {
            lex::comments_in(self.src, from, to, &mut self.comments);
        }
    }

    // ---- one policy block ------------------------------------------------------

    fn policy(&mut self, start: usize, end: usize) -> Option<ast::Policy> {
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
    fn policy_by_statement(&mut self, start: usize, end: usize) -> Option<ast::Policy> {
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
                            "a list item follows its statement's keyword, after a `,`: `origins \"https://a.example\", \"https://b.example\"`"
                        }
                        TokKind::LBrace => {
                            "a policy block holds statements only; blocks do not nest"
                        }
                        _ => {
                            "each statement starts with its keyword: `paths`, `origins`, `methods`, `headers`, `expose`, `credentials`, `max-age`, `private-network`, `preflight-status`, `allow` or `skip`"
                        }
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
    fn policy_whole(&mut self, start: usize, end: usize) -> Option<Option<ast::Policy>> {
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
    fn after_block(&mut self, from: usize, end: usize) {
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
    fn unknown_statement(&mut self, t: Tok, end: usize) -> usize {
        let word = t.text(self.src);
        let mut d = Diagnostic::new(
            Kind::UnknownStatement,
            t.span(),
            format!("unknown statement `{word}`"),
        );
        d = match did_you_mean(word) {
            Some(k) => d.with_help(format!("did you mean `{k}`?")),
            None => d.with_help(
                "the statements are `paths`, `origins`, `methods`, `headers`, `expose`, `credentials`, `max-age`, `private-network`, `preflight-status`, `allow` and `skip`",
            ),
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
    fn recover(&self, from: usize, end: usize) -> usize {
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

    // ---- running pest on a window ----------------------------------------------

    /// Runs `rule` on the text from `start`, cut short where the answer cannot
    /// depend on the cut. Pest's error for a position scans the whole input
    /// around it, so errors on a huge input would each cost its length; cut
    /// at the next `}`, `;` or statement keyword, an error costs the length of
    /// its own statement and the whole file stays linear.
    ///
    /// A keyword can be an item of the list before it only after a `,` (and
    /// `}`/`;` never can), so the window grows only when the run stopped at a
    /// `,` or failed at the cut.
    fn run(&self, rule: Rule, start: usize, end: usize) -> Result<Pairs<'s, Rule>, PestError> {
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

    // ---- one statement ----------------------------------------------------------

    /// Parses the statement whose keyword `kw` starts at `start`; returns it
    /// (when it parsed) and where the next one starts.
    fn statement(
        &mut self,
        kw: &'static str,
        start: usize,
        end: usize,
    ) -> (Option<ast::Statement>, usize) {
        let src = self.src;
        let pair = match self.run(Rule::statement, start, end) {
            Ok(mut pairs) => pairs.next(),
            Err(e) => {
                let at = self.pest_error(&e, start, Ctx::Statement(kw));
                return (None, self.recover(at.max(start + 1), end));
            }
        };
        let Some(ast::Statement {
            mut kind,
            keyword_span,
            mut span,
            ..
        }) = pair.and_then(|p| self.lower_statement(p, start))
        else {
            return (None, self.recover(start + 1, end));
        };
        let mut pos = span.end;

        // A list goes on after a missing `,`: report it, and read the rest.
        if let Some(more) = more_rule(kw) {
            loop {
                let t = self.tok(pos, end);
                if !self.continues_list(t, end) {
                    break;
                }
                match self.run(more, t.start, end) {
                    Ok(mut pairs) => {
                        let Some(p) = pairs.next() else { break };
                        if let Some(next) = self.list_swallowed_keyword(&kind) {
                            return (None, next);
                        }
                        let p_end = p
                            .clone()
                            .into_inner()
                            .last()
                            .map_or(t.end, |q| span_of(&q, t.start).end);
                        let before = last_item_span(&kind).unwrap_or(keyword_span);
                        let first = src.get(t.start..t.end).unwrap_or("");
                        let prev = src.get(before.range()).unwrap_or("");
                        let help = if prev.len() + first.len() <= 60 {
                            format!("write `{prev}, {first}`")
                        } else {
                            "separate list items with `,`".to_owned()
                        };
                        self.error(
                            Diagnostic::new(
                                Kind::Syntax,
                                Span::new(before.end, before.end),
                                "missing `,` between list items",
                            )
                            .with_label("expected `,` here")
                            .with_help(help),
                        );
                        self.extend_list(&mut kind, p.into_inner(), t.start);
                        span.end = p_end;
                        pos = p_end;
                    }
                    Err(e) => {
                        let at = self.pest_error(&e, t.start, Ctx::Statement(kw));
                        return (None, self.recover(at.max(t.start + 1), end));
                    }
                }
            }
        }

        let t = self.tok(pos, end);
        if t.kind == TokKind::Comma {
            // `GET,` with no item after the `,`.
            if let Some(more) = more_rule(kw) {
                let after = self.tok(t.end, end);
                if let Err(e) = self.run(more, after.start, end) {
                    let at = self.pest_error(&e, after.start, Ctx::Statement(kw));
                    return (None, self.recover(at.max(t.end), end));
                }
            }
        }
        let next = if t.kind == TokKind::Semi {
            t.end
        } else if !t.newline_before
            && !matches!(t.kind, TokKind::End | TokKind::RBrace)
            && self.keyword_at(t).is_none()
        {
            self.trailing_junk(kw, &kind, span, t, end);
            return (None, self.recover(t.end, end));
        } else {
            pos
        };
        (Some(ast::Statement::new(kind, keyword_span, span)), next)
    }

    /// `methods GET,⏎ headers x`: the `,` at the end of a line made the next
    /// statement's keyword an item of this list. Reports the `,` and returns
    /// where that statement starts.
    fn list_swallowed_keyword(&mut self, kind: &StatementKind) -> Option<usize> {
        let src = self.src;
        let last = last_item_span(kind)?;
        keyword(src.get(last.range())?)?;
        let before = src.get(..last.start)?;
        let trimmed = before.trim_end();
        if !trimmed.ends_with(',') || !before.get(trimmed.len()..)?.contains('\n') {
            return None;
        }
        let comma = trimmed.len() - 1;
        let word = src.get(last.range())?;
        self.error(
            Diagnostic::new(Kind::Syntax, Span::new(comma, comma + 1), "a list cannot end with `,`")
                .with_label("this `,` continues the list")
                .with_help(format!(
                    "remove the `,`: with it, `{word}` on the next line reads as one more item of the list"
                )),
        );
        Some(last.start)
    }

    /// A statement's pair (`origins_stmt`, …) as an AST statement.
    fn lower_statement(&mut self, pair: Pair<'_, Rule>, off: usize) -> Option<ast::Statement> {
        let mut span = span_of(&pair, off);
        let mut inner = pair.into_inner();
        let kw_pair = inner.next()?;
        let kw = keyword(kw_pair.as_str())?;
        let keyword_span = span_of(&kw_pair, off);
        // Pest's span of a rule ending in a repetition takes the whitespace after it.
        span.end = inner
            .clone()
            .last()
            .map_or(keyword_span.end, |p| span_of(&p, off).end);
        let kind = self.statement_kind(kw, inner, off);
        Some(ast::Statement::new(kind, keyword_span, span))
    }

    /// Whether `t`, right after a list, is one more item written without a `,`.
    fn continues_list(&self, t: Tok, end: usize) -> bool {
        match t.kind {
            TokKind::Quoted | TokKind::Raw | TokKind::Star => true,
            TokKind::Word if self.keyword_at(t).is_none() => {
                !t.newline_before || self.tok(t.end, end).kind == TokKind::Comma
            }
            _ => false,
        }
    }

    /// Something on the statement's line after its end.
    fn trailing_junk(&mut self, kw: &str, kind: &StatementKind, span: Span, t: Tok, end: usize) {
        let src = self.src;
        let found = lex::describe(src, t);
        let written = src.get(span.range()).unwrap_or(kw);
        let written: String = if written.len() > 40 {
            kw.to_owned()
        } else {
            written.to_owned()
        };
        let mut d = Diagnostic::new(
            Kind::Syntax,
            t.span(),
            format!("unexpected {found} after `{written}`"),
        );
        d = match kind {
            StatementKind::Credentials(_) | StatementKind::PrivateNetwork(_) => {
                d.with_help(format!("write `{kw}`, `{kw} true` or `{kw} false`"))
            }
            StatementKind::MaxAge(_) => d.with_help(HELP_DURATION),
            StatementKind::PreflightStatus(_) => {
                d.with_help("write one status code from 200 to 299, such as `204`")
            }
            _ => {
                // `x-odd|name`: a name glued to characters a bare token cannot hold.
                let glued = last_item_span(kind).filter(|s| s.end == t.start);
                // The whole glued word, if it is short enough to quote back.
                let whole = glued.and_then(|s| {
                    let rest = src.get(s.start..end.min(s.start + 200))?;
                    let len =
                        rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '}'))?;
                    rest.get(..len)
                });
                match whole {
                    Some(whole) => {
                        d.with_help(format!(
                            "a name with characters other than letters, digits, `-`, `_` and `.` is written as a string: `\"{}\"`",
                            whole.escape_debug()
                        ))
                    }
                    None => d.with_help(
                        "list items are separated by `,`; a statement ends where its list ends",
                    ),
                }
            }
        };
        self.error(d);
    }

    fn statement_kind(
        &mut self,
        kw: &str,
        items: pest::iterators::Pairs<'_, Rule>,
        off: usize,
    ) -> StatementKind {
        let mut kind = match kw {
            "paths" => StatementKind::Paths(Vec::new()),
            "origins" => StatementKind::Origins(Vec::new()),
            "methods" => StatementKind::Methods(Vec::new()),
            "headers" => StatementKind::Headers(Vec::new()),
            "expose" => StatementKind::Expose(Vec::new()),
            "allow" => StatementKind::Allow(Vec::new()),
            "skip" => StatementKind::Skip,
            "credentials" => StatementKind::Credentials(true),
            "private-network" => StatementKind::PrivateNetwork(true),
            "max-age" => StatementKind::MaxAge(Spanned::new(0, Span::default())),
            _ => StatementKind::PreflightStatus(Spanned::new(0, Span::default())),
        };
        match &mut kind {
            StatementKind::Credentials(b) | StatementKind::PrivateNetwork(b) => {
                for p in items {
                    if p.as_rule() == Rule::boolean {
                        *b = p.as_str() == "true";
                    }
                }
            }
            StatementKind::MaxAge(v) => {
                for p in items {
                    *v = self.duration(&p, off);
                }
            }
            StatementKind::PreflightStatus(v) => {
                for p in items {
                    *v = self.status(&p, off);
                }
            }
            _ => self.extend_list(&mut kind, items, off),
        }
        kind
    }

    fn extend_list(
        &mut self,
        kind: &mut StatementKind,
        items: pest::iterators::Pairs<'_, Rule>,
        off: usize,
    ) {
        for p in items {
            match kind {
                StatementKind::Paths(v) | StatementKind::Allow(v) => v.push(self.string(&p, off)),
                StatementKind::Origins(v) => v.push(self.origin(&p, off)),
                StatementKind::Methods(v)
                | StatementKind::Headers(v)
                | StatementKind::Expose(v) => {
                    v.push(self.item(&p, off));
                }
                _ => {}
            }
        }
    }

    // ---- values -------------------------------------------------------------------

    fn origin(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<OriginExpr> {
        let span = span_of(p, off);
        let value = match p.as_rule() {
            Rule::any => OriginExpr::Any,
            Rule::null_kw => OriginExpr::Null,
            // `regex "…"`, `set "…"`: a keyword and its string.
            rule @ (Rule::regex_origin | Rule::set_origin) => {
                let text = p
                    .clone()
                    .into_inner()
                    .next()
                    .map(|s| self.string(&s, off).value)
                    .unwrap_or_default();
                if rule == Rule::set_origin {
                    OriginExpr::Set(text)
                } else {
                    OriginExpr::Regex(text)
                }
            }
            _ => OriginExpr::Literal(self.string(p, off).value),
        };
        Spanned::new(value, span)
    }

    fn item(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<Item> {
        let span = span_of(p, off);
        let value = match p.as_rule() {
            Rule::any => Item::Any,
            _ => Item::Name(self.string(p, off).value),
        };
        Spanned::new(value, span)
    }

    /// A bare token as written, or a string literal unescaped.
    fn string(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<String> {
        let span = span_of(p, off);
        let text = p.as_str();
        let value = match p.as_rule() {
            Rule::quoted_string => {
                let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
                self.unescape(inner, span.start + 1)
            }
            Rule::raw_string => {
                let hashes = text
                    .get(1..)
                    .map_or(0, |t| t.bytes().take_while(|&b| b == b'#').count());
                let inner = text
                    .get(2 + hashes..text.len().saturating_sub(1 + hashes))
                    .unwrap_or("");
                self.raw_contents(inner, span.start + 2 + hashes)
            }
            _ => text.to_owned(),
        };
        Spanned::new(value, span)
    }

    /// A raw string's contents: as written, but CRLF read as LF and a lone CR
    /// refused, as rustc does.
    fn raw_contents(&mut self, inner: &str, at: usize) -> String {
        if !inner.contains('\r') {
            return inner.to_owned();
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c == '\r' {
                if chars.peek().map(|&(_, n)| n) != Some('\n') {
                    self.bare_cr(at + i);
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    fn bare_cr(&mut self, at: usize) {
        self.error(
            Diagnostic::new(
                Kind::Syntax,
                Span::new(at, at + 1),
                "a bare carriage return in a string",
            )
            .with_help("write it as the escape `\\r`"),
        );
    }

    /// Rust's string escapes; each bad one is reported at its own position.
    fn unescape(&mut self, inner: &str, at: usize) -> String {
        if !inner.contains(['\\', '\r']) {
            return inner.to_owned();
        }
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\r' => {
                    if chars.peek().map(|&(_, n)| n) != Some('\n') {
                        self.bare_cr(at + i);
                    }
                }
                '\\' => {
                    let Some((j, e)) = chars.next() else { break };
                    let esc_end = j + e.len_utf8();
                    match e {
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        '\\' => out.push('\\'),
                        '0' => out.push('\0'),
                        '\'' => out.push('\''),
                        '"' => out.push('"'),
                        '\n' | '\r' => {
                            // A line continuation: skip the line break and the
                            // next line's leading whitespace.
                            while chars.peek().is_some_and(|&(_, w)| matches!(w, ' ' | '\t' | '\n' | '\r')) {
                                chars.next();
                            }
                        }
                        'x' => {
                            let digits: String = inner.get(esc_end..).unwrap_or("").chars().take(2).collect();
                            let value = (digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_hexdigit()))
                                .then(|| u8::from_str_radix(&digits, 16).ok())
                                .flatten();
                            match value {
                                Some(v) if v <= 0x7F => {
                                    out.push(char::from(v));
                                    chars.next();
                                    chars.next();
                                }
                                Some(_) => {
                                    chars.next();
                                    chars.next();
                                    self.error(
                                        Diagnostic::new(
                                            Kind::Syntax,
                                            Span::new(at + i, at + esc_end + 2),
                                            format!("out of range hex escape `\\x{digits}`"),
                                        )
                                        .with_help(format!(
                                            "a `\\x` escape is at most `\\x7F`; for another character write `\\u{{{digits}}}`"
                                        )),
                                    );
                                }
                                None => self.error(
                                    Diagnostic::new(
                                        Kind::Syntax,
                                        Span::new(at + i, at + esc_end),
                                        "invalid hex escape: `\\x` takes exactly two hex digits",
                                    )
                                    .with_help("write an ASCII character as `\\x41`, or another as `\\u{e9}`"),
                                ),
                            }
                        }
                        'u' => {
                            let rest = inner.get(esc_end..).unwrap_or("");
                            let close = rest.strip_prefix('{').and_then(|r| r.find('}').filter(|&p| p <= 12));
                            match close {
                                Some(p) => {
                                    let digits = rest.get(1..=p).unwrap_or("");
                                    let len = 1 + p + 1; // `{` … `}`
                                    for _ in 0..rest.get(..len).map_or(0, |s| s.chars().count()) {
                                        chars.next();
                                    }
                                    let hex: String = digits.chars().filter(|&c| c != '_').collect();
                                    let value = (!digits.starts_with('_')
                                        && (1..=6).contains(&hex.len())
                                        && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                                    .then(|| u32::from_str_radix(&hex, 16).ok())
                                    .flatten()
                                    .and_then(char::from_u32);
                                    match value {
                                        Some(ch) => out.push(ch),
                                        None => self.error(
                                            Diagnostic::new(
                                                Kind::Syntax,
                                                Span::new(at + i, at + esc_end + len),
                                                format!("invalid unicode escape `\\u{{{digits}}}`"),
                                            )
                                            .with_help(
                                                "write `\\u{…}` with 1 to 6 hex digits naming a Unicode scalar value, such as `\\u{e9}`",
                                            ),
                                        ),
                                    }
                                }
                                None => self.error(
                                    Diagnostic::new(
                                        Kind::Syntax,
                                        Span::new(at + i, at + esc_end),
                                        "invalid unicode escape: `\\u` must be followed by `{…}`",
                                    )
                                    .with_help("write a unicode escape as `\\u{e9}`, with 1 to 6 hex digits"),
                                ),
                            }
                        }
                        other => self.error(
                            Diagnostic::new(
                                Kind::Syntax,
                                Span::new(at + i, at + esc_end),
                                format!("unknown character escape `\\{}`", other.escape_debug()),
                            )
                            .with_label("unknown escape")
                            .with_help(
                                "a regex is written as a raw string, where `\\` needs no escape: `regex r\"…\"`; a backslash in a quoted string is `\\\\`",
                            ),
                        ),
                    }
                }
                c => out.push(c),
            }
        }
        out
    }

    fn duration(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<u64> {
        let span = span_of(p, off);
        let text = p.as_str();
        let digits_len = text.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, unit) = text.split_at_checked(digits_len).unwrap_or((text, ""));
        let factor = match unit {
            "" | "s" => Some(1u64),
            "m" => Some(60),
            "h" => Some(3600),
            "d" => Some(86_400),
            _ => None,
        };
        let value = if text.starts_with('-') {
            Err(format!("a duration cannot be negative: `{text}`"))
        } else if let (false, Some(factor)) = (digits.is_empty(), factor) {
            digits
                .parse::<u64>()
                .ok()
                .and_then(|n| n.checked_mul(factor))
                .ok_or_else(|| format!("the duration `{text}` is too long"))
        } else {
            Err(format!("`{text}` is not a duration"))
        };
        match value {
            Ok(v) => Spanned::new(v, span),
            Err(message) => {
                self.error(
                    Diagnostic::new(Kind::InvalidDuration, span, message).with_help(HELP_DURATION),
                );
                Spanned::new(0, span)
            }
        }
    }

    fn status(&mut self, p: &Pair<'_, Rule>, off: usize) -> Spanned<u64> {
        let span = span_of(p, off);
        let text = p.as_str();
        let value = if text.bytes().all(|b| b.is_ascii_digit()) {
            text.parse::<u64>()
                .map_err(|_| format!("the status code `{text}` is too large"))
        } else {
            Err(format!("`{text}` is not a status code"))
        };
        match value {
            Ok(v) => Spanned::new(v, span),
            Err(message) => {
                self.error(
                    Diagnostic::new(Kind::InvalidStatus, span, message)
                        .with_help("write a status code from 200 to 299, such as `204`"),
                );
                Spanned::new(0, span)
            }
        }
    }

    // ---- pest errors in words -------------------------------------------------------

    /// Reports a pest failure in words; returns the absolute error offset.
    fn pest_error(&mut self, e: &PestError, off: usize, ctx: Ctx) -> usize {
        let at = off + error_offset(e);
        let positives: &[Rule] = match &e.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
            pest::error::ErrorVariant::CustomError { .. } => {
                // Pest's guard against running out of native stack (the
                // grammar's nesting is bounded, so only a tiny stack gets here).
                self.error(
                    Diagnostic::new(
                        Kind::Syntax,
                        Span::new(at, at),
                        "the parser ran out of stack here",
                    )
                    .with_help("check the file on a thread with a larger stack"),
                );
                return at;
            }
        };
        let found_tok = match lex::next(self.src, at) {
            Ok(t) => t,
            Err(_) => Tok {
                kind: TokKind::End,
                start: at,
                end: at,
                newline_before: false,
            },
        };
        // `regex` not followed by a string: say that a regex string was expected.
        let before = self.src.get(..at).unwrap_or("").trim_end();
        let after_regex = matches!(ctx, Ctx::Statement("origins"))
            && before
                .strip_suffix("regex")
                .is_some_and(|b| !b.bytes().next_back().is_some_and(lex::is_word_byte));
        let (expected, mut help) = expected(ctx, positives, after_regex, found_tok.kind);
        if matches!(
            found_tok.text(self.src),
            "\u{201C}" | "\u{201D}" | "\u{2018}" | "\u{2019}"
        ) {
            help = Some("strings are written with straight double quotes: `\"…\"`");
        }
        let found = lex::describe(self.src, found_tok);
        let span = if found_tok.kind == TokKind::End {
            Span::new(found_tok.start, found_tok.start)
        } else {
            found_tok.span()
        };
        let mut d = Diagnostic::new(
            Kind::Syntax,
            span,
            format!("expected {expected}, found {found}"),
        );
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.error(d);
        span.start
    }
}

/// The words for what `ctx` expected, and advice for what was found instead.
fn expected(
    ctx: Ctx,
    positives: &[Rule],
    after_regex: bool,
    found: TokKind,
) -> (&'static str, Option<&'static str>) {
    match ctx {
        Ctx::PolicyOpen => {
            if positives.contains(&Rule::open_brace) {
                (
                    "`{` after the policy's name",
                    Some("a policy looks like `policy \"api\" { … }`"),
                )
            } else {
                (
                    "the policy's name in quotes, such as `\"api\"`",
                    Some("a policy looks like `policy \"api\" { … }`"),
                )
            }
        }
        Ctx::Statement(kw) => match kw {
            "origins" if after_regex => (
                "a regex string such as `r\"^https://[a-z]+\\.example\\.com$\"`",
                Some("a regex is written as a raw string after `regex`: `regex r\"…\"`"),
            ),
            "origins" => (
                "an origin such as `\"https://example.com\"`, `*`, `null` or `regex r\"…\"`",
                match found {
                    TokKind::Word => Some(
                        "an origin is written in quotes, with its scheme: `\"https://example.com\"`",
                    ),
                    _ => None,
                },
            ),
            "paths" => (
                "a path glob in quotes, such as `\"/api/**\"`",
                Some("paths are written in quotes: `paths \"/api/**\", \"/health\"`"),
            ),
            "methods" => (
                "a method such as `GET` or `*`",
                Some("a method that is not a bare token is written in quotes: `\"M-SEARCH\"`"),
            ),
            "headers" | "expose" => (
                "a header name such as `x-request-id` or `*`",
                Some(
                    "a header name that is not a bare token is written in quotes: `\"x-odd|name\"`",
                ),
            ),
            "allow" => ("a warning name such as `null-origin`", None),
            "max-age" => (
                "a duration such as `600`, `90s`, `10m`, `2h` or `1d`",
                Some(HELP_DURATION),
            ),
            "preflight-status" => ("a status code such as `204`", None),
            _ => (
                "a statement such as `origins`, `methods` or `max-age`",
                None,
            ),
        },
    }
}

type PestError = pest::error::Error<Rule>;

/// Where a pest run may be cut (see [`Driver::run`]).
struct Cut {
    at: usize,
    hard: bool,
}

fn error_offset(e: &PestError) -> usize {
    match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    }
}

fn more_rule(kw: &str) -> Option<Rule> {
    match kw {
        "paths" => Some(Rule::paths_more),
        "origins" => Some(Rule::origins_more),
        "methods" | "headers" | "expose" => Some(Rule::names_more),
        "allow" => Some(Rule::lints_more),
        _ => None,
    }
}

fn last_item_span(kind: &StatementKind) -> Option<Span> {
    match kind {
        StatementKind::Paths(v) | StatementKind::Allow(v) => v.last().map(|s| s.span),
        StatementKind::Origins(v) => v.last().map(|s| s.span),
        StatementKind::Methods(v) | StatementKind::Headers(v) | StatementKind::Expose(v) => {
            v.last().map(|s| s.span)
        }
        _ => None,
    }
}

fn span_of(p: &Pair<'_, Rule>, off: usize) -> Span {
    let s = p.as_span();
    Span::new(off + s.start(), off + s.end())
}

/// The keyword an unknown word probably meant.
pub(crate) fn did_you_mean(word: &str) -> Option<&'static str> {
    let norm = word.to_ascii_lowercase().replace('_', "-");
    if let Some(k) = keyword(&norm) {
        return Some(k);
    }
    let limit = (norm.chars().count() / 3).max(2);
    KEYWORDS
        .iter()
        .map(|k| (strsim::levenshtein(&norm, k), *k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_file_rule_accepts_what_the_driver_accepts() {
        let src = "policy \"a\" { origins *; methods GET, \"M-SEARCH\" max-age 2h }\npolicy \"b\" { origins regex r#\"^https://a\"b$\"# }";
        assert!(CorsParser::parse(Rule::file, src).is_ok());
        assert!(parse(src).is_ok());
    }

    #[test]
    fn whole_block_and_statement_by_statement_agree() {
        let src = r##"policy "a\u{e9}" {
            paths "/a", r"/b/**"; origins *, null, "https://a.example", regex r#"^"x"$"#
            methods *, GET, "M-SEARCH" headers x-a; expose x.y_z-1
            credentials false private-network max-age 10m preflight-status 204
            allow null-origin, "regex-dot"
        }"##;
        let mut whole = Driver {
            src,
            diags: Vec::new(),
            stopped: false,
            comments: Vec::new(),
        };
        let a = whole.policy_whole(0, src.len()).flatten();
        let mut by_statement = Driver {
            src,
            diags: Vec::new(),
            stopped: false,
            comments: Vec::new(),
        };
        let b = by_statement.policy_by_statement(0, src.len());
        assert!(whole.diags.is_empty() && by_statement.diags.is_empty());
        // Debug output shows the spans too.
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert!(a.is_some());
    }

    #[test]
    fn did_you_mean_finds_near_keywords() {
        assert_eq!(did_you_mean("origin"), Some("origins"));
        assert_eq!(did_you_mean("max_age"), Some("max-age"));
        assert_eq!(did_you_mean("credential"), Some("credentials"));
        assert_eq!(did_you_mean("Origins"), Some("origins"));
        assert_eq!(did_you_mean("zzzzzzzz"), None);
    }
}
