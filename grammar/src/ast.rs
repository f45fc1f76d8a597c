//! The typed syntax tree of a policy file, as written (before validation).
//!
//! Every node carries its [`Span`]; spans are left out of equality so that
//! `parse(format(ast)) == ast` holds for any layout.

use crate::span::{Span, Spanned};

/// A whole policy file: one or more `policy "name" { … }` blocks, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// The policies, in file order (the engine picks the first whose `paths` match).
    pub policies: Vec<Policy>,
}

/// One `policy "name" { … }` block.
#[derive(Clone, Debug, Eq)]
pub struct Policy {
    /// The policy's name, unescaped.
    pub name: Spanned<String>,
    /// The statements, in the order written.
    pub statements: Vec<Statement>,
    /// The whole block, from `policy` to the closing brace.
    pub span: Span,
}

/// One statement inside a policy block.
#[derive(Clone, Debug, Eq)]
pub struct Statement {
    /// What the statement says.
    pub kind: StatementKind,
    /// The keyword (`origins`, `max-age`, …).
    pub keyword_span: Span,
    /// The whole statement, keyword to last value.
    pub span: Span,
}

// Spans stay out of equality (see the module docs).
impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.statements == other.statements
    }
}

impl PartialEq for Statement {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

/// What a statement says; one variant a keyword.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// `paths "/api/**", …` — globs over the request path.
    Paths(Vec<Spanned<String>>),
    /// `origins …` — allowed origins.
    Origins(Vec<Spanned<OriginExpr>>),
    /// `methods …` — methods a preflight may ask for.
    Methods(Vec<Spanned<Item>>),
    /// `headers …` — request headers a preflight may ask for.
    Headers(Vec<Spanned<Item>>),
    /// `expose …` — response headers the page's script may read.
    Expose(Vec<Spanned<Item>>),
    /// `credentials`, `credentials true`, `credentials false`.
    Credentials(bool),
    /// `max-age DURATION`, in seconds.
    MaxAge(Spanned<u64>),
    /// `private-network`, `private-network true`, `private-network false`.
    PrivateNetwork(bool),
    /// `preflight-status CODE` (the number as written; validation checks the range).
    PreflightStatus(Spanned<u64>),
    /// `allow LINT, …` — warning names silenced for this policy.
    Allow(Vec<Spanned<String>>),
}

impl StatementKind {
    /// The statement's keyword, as written in the language.
    pub fn keyword(&self) -> &'static str {
        match self {
            Self::Paths(_) => "paths",
            Self::Origins(_) => "origins",
            Self::Methods(_) => "methods",
            Self::Headers(_) => "headers",
            Self::Expose(_) => "expose",
            Self::Credentials(_) => "credentials",
            Self::MaxAge(_) => "max-age",
            Self::PrivateNetwork(_) => "private-network",
            Self::PreflightStatus(_) => "preflight-status",
            Self::Allow(_) => "allow",
        }
    }
}

/// One entry of an `origins` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginExpr {
    /// `*` — every origin.
    Any,
    /// `null` — the literal origin `null`.
    Null,
    /// `"https://app.example.com"`, `"https://*.example.com"`, `"http://localhost:*"`:
    /// the unescaped string as written, normalized later by validation.
    Literal(String),
    /// `regex "…"` / `regex r"…"`: the unescaped pattern, anchored by the engine.
    Regex(String),
}

/// One entry of a `methods`, `headers` or `expose` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// `*`.
    Any,
    /// A bare token (`x-request-id`) or a string (`"x-odd|name"`), unescaped.
    /// Which of the two it was written as does not matter: the formatter writes
    /// a bare token whenever the name is one.
    Name(String),
}
