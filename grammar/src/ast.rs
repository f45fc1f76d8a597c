//! The typed syntax tree of a policy file, as written (before validation).
//!
//! Every node carries its [`Span`]; spans are left out of equality so that
//! `parse(format(ast)) == ast` holds for any layout.
//!
//! Comments are kept as trivia on the nodes they sit next to, so that the
//! formatter can print them back; they take part in equality (the round trip
//! proves the formatter keeps them). Where a comment goes:
//!
//! - on the lines before `policy` (or inside `policy "name" {`): the policy's
//!   [`Comments::before`]; after `{` on its line: [`Comments::after`];
//! - on the lines before a statement, or **inside** it (between its keyword
//!   and its items, or between two items): the statement's `before` — a
//!   comment inside a list is moved before the statement; after the
//!   statement on its last line: its `after`;
//! - after the last statement, before `}`: the policy's
//!   [`Policy::closing_comments`] `before`; after `}` on its line: their `after`;
//! - after the last policy: [`File::trailing_comments`].
//!
//! A comment on a line of its own also records whether a blank line follows
//! it ([`Comment::blank_line_after`]), so that a header block or a
//! commented-out group set apart from what follows stays set apart. The
//! formatter prints one blank line for any number; it never prints one
//! before `}` or at the end of the file, so there the parser does not record
//! it either (see [`Comment::blank_line_after`]). Likewise a blank line
//! between a policy's last statement and the comments before its `}` is
//! recorded ([`Policy::blank_line_before_closing_comments`]), never one
//! after `{`.
use crate::span::{Span, Spanned};

/// A whole policy file: one or more `policy "name" { … }` blocks, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    /// The policies, in file order (the engine picks the first whose `paths` match).
    pub policies: Vec<Policy>,
    /// Comments after the last policy.
    pub trailing_comments: Vec<Comment>,
}

impl File {
    /// A file of `policies`, without comments.
    pub fn new(policies: Vec<Policy>) -> Self {
        Self {
            policies,
            trailing_comments: Vec::new(),
        }
    }
}

/// A `// …` or `/* … */` comment, as written.
#[derive(Clone, Debug, Default, Eq)]
pub struct Comment {
    /// The comment's text: `// …` without its line break (and without
    /// trailing whitespace), or `/* … */` with any nested comments, a CRLF
    /// inside read as LF.
    pub text: String,
    /// Where it was written.
    pub span: Span,
    /// Whether one or more blank lines separate this comment from what comes
    /// next (the next comment, or the policy or statement it goes before);
    /// the formatter keeps one. Only a comment on a line of its own has one
    /// ([`Comments::before`], [`File::trailing_comments`]), never a comment
    /// after a line's last token ([`Comments::after`]) — and never the last
    /// comment before a policy's `}` nor the last comment of the file, where
    /// the canonical form has no blank line (the parser leaves it `false`
    /// there and the formatter prints none).
    pub blank_line_after: bool,
}

impl Comment {
    /// A comment with this text (`// …` or `/* … */`), without a blank line
    /// after it.
    pub fn new(text: impl Into<String>, span: Span) -> Self {
        Self {
            text: text.into(),
            span,
            blank_line_after: false,
        }
    }

    /// This comment, with [`Comment::blank_line_after`] set to `blank`.
    #[must_use]
    pub fn with_blank_line_after(mut self, blank: bool) -> Self {
        self.blank_line_after = blank;
        self
    }

    /// Whether this is a `//` comment, which runs to the end of its line.
    pub fn is_line(&self) -> bool {
        self.text.starts_with("//")
    }
}

impl PartialEq for Comment {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.blank_line_after == other.blank_line_after
    }
}

/// The comments around one line of a policy: on the lines before it, and
/// after it on the same line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comments {
    /// On the lines before (each printed on a line of its own).
    pub before: Vec<Comment>,
    /// After the line's last token, on the same line (block comments, then
    /// at most one `//` comment).
    pub after: Vec<Comment>,
}

impl Comments {
    /// Whether there is no comment at all.
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty()
    }
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
    /// Comments before `policy`, and after `{` on its line.
    pub comments: Comments,
    /// Comments after the last statement before `}`, and after `}` on its line.
    pub closing_comments: Comments,
    /// Whether a blank line separates the last statement (with any comment
    /// after it on its line) from the [`Policy::closing_comments`] on the
    /// lines before `}`; the formatter keeps one, so that a commented-out
    /// group at the end of a policy stays set apart. Only set when the
    /// policy has a statement and such comments: the canonical form has no
    /// blank line after `{` nor right before `}`, so the parser leaves it
    /// `false` there and the formatter prints none.
    pub blank_line_before_closing_comments: bool,
}

impl Policy {
    /// A policy without comments or blank line before its closing ones.
    pub fn new(name: Spanned<String>, statements: Vec<Statement>, span: Span) -> Self {
        Self {
            name,
            statements,
            span,
            comments: Comments::default(),
            closing_comments: Comments::default(),
            blank_line_before_closing_comments: false,
        }
    }
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
    /// Comments before the statement (with any written inside it), and
    /// after it on its last line.
    pub comments: Comments,
    /// Whether a blank line separates this statement from the one before
    /// (never for a policy's first statement); the formatter keeps one.
    pub blank_line_before: bool,
}

impl Statement {
    /// A statement without comments or blank line.
    pub fn new(kind: StatementKind, keyword_span: Span, span: Span) -> Self {
        Self {
            kind,
            keyword_span,
            span,
            comments: Comments::default(),
            blank_line_before: false,
        }
    }
}

// Spans stay out of equality (see the module docs).
impl PartialEq for Policy {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
            && self.statements == other.statements
            && self.comments == other.comments
            && self.closing_comments == other.closing_comments
            && self.blank_line_before_closing_comments == other.blank_line_before_closing_comments
    }
}

impl PartialEq for Statement {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.comments == other.comments
            && self.blank_line_before == other.blank_line_before
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
    /// `skip` — the policy's paths are left to the application.
    Skip,
}

impl StatementKind {
    /// The statement's keyword, as written in the language.
    pub fn keyword(&self) -> &'static str {
        self.keyword_kind().as_str()
    }

    /// The statement's keyword, as a [`Keyword`].
    pub fn keyword_kind(&self) -> Keyword {
        match self {
            Self::Paths(_) => Keyword::Paths,
            Self::Origins(_) => Keyword::Origins,
            Self::Methods(_) => Keyword::Methods,
            Self::Headers(_) => Keyword::Headers,
            Self::Expose(_) => Keyword::Expose,
            Self::Credentials(_) => Keyword::Credentials,
            Self::MaxAge(_) => Keyword::MaxAge,
            Self::PrivateNetwork(_) => Keyword::PrivateNetwork,
            Self::PreflightStatus(_) => Keyword::PreflightStatus,
            Self::Allow(_) => Keyword::Allow,
            Self::Skip => Keyword::Skip,
        }
    }
}

/// A statement keyword: what opens each [`StatementKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    /// `paths`.
    Paths,
    /// `origins`.
    Origins,
    /// `methods`.
    Methods,
    /// `headers`.
    Headers,
    /// `expose`.
    Expose,
    /// `credentials`.
    Credentials,
    /// `max-age`.
    MaxAge,
    /// `private-network`.
    PrivateNetwork,
    /// `preflight-status`.
    PreflightStatus,
    /// `allow`.
    Allow,
    /// `skip`.
    Skip,
}

impl Keyword {
    /// Every keyword, in the order the docs list them.
    pub const ALL: [Keyword; 11] = [
        Keyword::Paths,
        Keyword::Origins,
        Keyword::Methods,
        Keyword::Headers,
        Keyword::Expose,
        Keyword::Credentials,
        Keyword::MaxAge,
        Keyword::PrivateNetwork,
        Keyword::PreflightStatus,
        Keyword::Allow,
        Keyword::Skip,
    ];

    /// The keyword as written in the language (`max-age`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::Paths => "paths",
            Keyword::Origins => "origins",
            Keyword::Methods => "methods",
            Keyword::Headers => "headers",
            Keyword::Expose => "expose",
            Keyword::Credentials => "credentials",
            Keyword::MaxAge => "max-age",
            Keyword::PrivateNetwork => "private-network",
            Keyword::PreflightStatus => "preflight-status",
            Keyword::Allow => "allow",
            Keyword::Skip => "skip",
        }
    }

    /// The keyword written `word` (exactly: keywords are lowercase).
    pub fn from_word(word: &str) -> Option<Keyword> {
        Keyword::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

impl std::fmt::Display for Keyword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
    /// `set "tenants"`: the origins of a named set the application supplies
    /// at run time; the unescaped name.
    Set(String),
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
