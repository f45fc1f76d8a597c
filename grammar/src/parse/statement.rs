//! One statement: its keyword, its items (a list goes on after a missing
//! `,`, which is reported), what may follow it on its line, and the lowering
//! of its pest pair to an [`ast::Statement`].

use pest::iterators::{Pair, Pairs};

use super::driver::{Driver, HELP_DURATION, span_of};
use super::errors::Ctx;
use super::grammar::Rule;
use super::lex::{self, Tok, TokKind};
use crate::ast::{self, Keyword, StatementKind};
use crate::{Diagnostic, Kind, Span, Spanned};

impl Driver<'_> {
    /// Parses the statement whose keyword `kw` starts at `start`; returns it
    /// (when it parsed) and where the next one starts.
    pub(super) fn statement(
        &mut self,
        kw: Keyword,
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
    pub(super) fn list_swallowed_keyword(&mut self, kind: &StatementKind) -> Option<usize> {
        let src = self.src;
        let last = last_item_span(kind)?;
        Keyword::from_word(src.get(last.range())?)?;
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
    pub(super) fn lower_statement(
        &mut self,
        pair: Pair<'_, Rule>,
        off: usize,
    ) -> Option<ast::Statement> {
        let mut span = span_of(&pair, off);
        let mut inner = pair.into_inner();
        let kw_pair = inner.next()?;
        let kw = Keyword::from_word(kw_pair.as_str())?;
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
    pub(super) fn continues_list(&self, t: Tok, end: usize) -> bool {
        match t.kind {
            TokKind::Quoted | TokKind::Raw | TokKind::Star => true,
            TokKind::Word if self.keyword_at(t).is_none() => {
                !t.newline_before || self.tok(t.end, end).kind == TokKind::Comma
            }
            _ => false,
        }
    }

    /// Something on the statement's line after its end.
    pub(super) fn trailing_junk(
        &mut self,
        kw: Keyword,
        kind: &StatementKind,
        span: Span,
        t: Tok,
        end: usize,
    ) {
        let src = self.src;
        let found = lex::describe(src, t);
        let written = src.get(span.range()).unwrap_or(kw.as_str());
        let written: String = if written.len() > 40 {
            kw.as_str().to_owned()
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

    pub(super) fn statement_kind(
        &mut self,
        kw: Keyword,
        items: Pairs<'_, Rule>,
        off: usize,
    ) -> StatementKind {
        let mut kind = match kw {
            Keyword::Paths => StatementKind::Paths(Vec::new()),
            Keyword::Origins => StatementKind::Origins(Vec::new()),
            Keyword::Methods => StatementKind::Methods(Vec::new()),
            Keyword::Headers => StatementKind::Headers(Vec::new()),
            Keyword::Expose => StatementKind::Expose(Vec::new()),
            Keyword::Allow => StatementKind::Allow(Vec::new()),
            Keyword::Skip => StatementKind::Skip,
            Keyword::Credentials => StatementKind::Credentials(true),
            Keyword::PrivateNetwork => StatementKind::PrivateNetwork(true),
            Keyword::MaxAge => StatementKind::MaxAge(Spanned::new(0, Span::default())),
            Keyword::PreflightStatus => {
                StatementKind::PreflightStatus(Spanned::new(0, Span::default()))
            }
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

    pub(super) fn extend_list(
        &mut self,
        kind: &mut StatementKind,
        items: Pairs<'_, Rule>,
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
}

/// The grammar rule of one more list item after a missing `,`, for the
/// statements that take a list.
fn more_rule(kw: Keyword) -> Option<Rule> {
    match kw {
        Keyword::Paths => Some(Rule::paths_more),
        Keyword::Origins => Some(Rule::origins_more),
        Keyword::Methods | Keyword::Headers | Keyword::Expose => Some(Rule::names_more),
        Keyword::Allow => Some(Rule::lints_more),
        _ => None,
    }
}

/// The span of a list statement's last item.
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
