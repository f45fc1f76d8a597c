//! A typed builder: policies from code instead of text, for frameworks that
//! already have their own configuration.
//!
//! The builder writes the same [`ast`] the parser produces and runs the same
//! [`validate`](fn@crate::validate) on it, so a built policy set is the
//! [`model::PolicySet`] its text would give, with the same diagnostic codes
//! and names. There is no source text, so a diagnostic is located by
//! statement ([`Location`]: "policy `api`, origins\[2\]") instead of by line
//! and column.
//!
//! ```
//! use cors_policy_grammar::model::{Policy, PolicySet};
//!
//! let set = PolicySet::builder()
//!     .policy(
//!         Policy::builder("api")
//!             .paths(["/api/**"])
//!             .origins(["https://app.example.com", "https://*.staging.example.com"])
//!             .methods(["GET", "POST", "PUT"])
//!             .headers(["content-type", "authorization"])
//!             .credentials(true)
//!             .max_age(7200),
//!     )
//!     .build()?;
//! assert_eq!(set.policies[0].headers.names, ["content-type", "authorization"]);
//!
//! let error = Policy::builder("api")
//!     .origins(["https://app.example.com/"])
//!     .build()
//!     .unwrap_err();
//! assert_eq!(error.errors().next().map(|e| e.diagnostic.name()), Some("invalid-origin"));
//! assert_eq!(error.errors().next().map(|e| e.at.to_string()).as_deref(),
//!            Some("policy `api`, origins[0]"));
//! # Ok::<(), cors_policy_grammar::build::BuildError>(())
//! ```
//!
//! A builder holds each statement at most once: list statements add up
//! across calls (`origins` twice is one longer list, as in the language; an
//! empty list is no statement, so `methods([])` keeps the default), and a
//! second `credentials(…)`, `max_age(…)`, … replaces the first.

use std::fmt;

use crate::ast::{self, Item, OriginExpr, StatementKind};
use crate::model::{self, PolicySet};
use crate::{Diagnostic, Span, Spanned};

/// One policy under construction; see the [module documentation](self).
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct PolicyBuilder {
    name: String,
    paths: Vec<String>,
    origins: Vec<OriginExpr>,
    methods: Vec<Item>,
    headers: Vec<Item>,
    expose: Vec<Item>,
    credentials: Option<bool>,
    max_age: Option<u64>,
    private_network: Option<bool>,
    preflight_status: Option<u64>,
    allow: Vec<String>,
    skip: bool,
}

/// A `*` in a list of names is the wildcard: no method or header is named `*`.
fn item(name: impl Into<String>) -> Item {
    let name = name.into();
    if name == "*" {
        Item::Any
    } else {
        Item::Name(name)
    }
}

impl PolicyBuilder {
    /// A policy named `name`, with no statement yet (it needs `origins`).
    pub fn new(name: impl Into<String>) -> Self {
        PolicyBuilder {
            name: name.into(),
            ..PolicyBuilder::default()
        }
    }

    /// `paths`: globs over the request path (`/api/**`); added to any given
    /// before.
    pub fn paths<S: Into<String>>(mut self, globs: impl IntoIterator<Item = S>) -> Self {
        self.paths.extend(globs.into_iter().map(Into::into));
        self
    }

    /// `origins`: serialized origins and `*.`/`:*` patterns, as strings are
    /// written in the language (`"https://app.example.com"`). `*` is the
    /// wildcard and `null` the origin `null`, as the keywords are; a regex
    /// is [`origin_regex`](Self::origin_regex).
    pub fn origins<S: Into<String>>(mut self, origins: impl IntoIterator<Item = S>) -> Self {
        self.origins
            .extend(origins.into_iter().map(|o| match o.into() {
                star if star == "*" => OriginExpr::Any,
                null if null == "null" => OriginExpr::Null,
                literal => OriginExpr::Literal(literal),
            }));
        self
    }

    /// `origins regex "…"`: a regex over the whole serialized origin (the
    /// engine anchors it).
    pub fn origin_regex(mut self, regex: impl Into<String>) -> Self {
        self.origins.push(OriginExpr::Regex(regex.into()));
        self
    }

    /// `origins set "NAME"`: the origins of a named set the application
    /// supplies at run time.
    pub fn origin_set(mut self, name: impl Into<String>) -> Self {
        self.origins.push(OriginExpr::Set(name.into()));
        self
    }

    /// One `origins` entry as the AST writes it.
    pub fn origin(mut self, origin: OriginExpr) -> Self {
        self.origins.push(origin);
        self
    }

    /// `methods`: method names (case-sensitive), `*` for any.
    pub fn methods<S: Into<String>>(mut self, methods: impl IntoIterator<Item = S>) -> Self {
        self.methods.extend(methods.into_iter().map(item));
        self
    }

    /// `headers`: request header names a preflight may ask for, `*` for any.
    pub fn headers<S: Into<String>>(mut self, headers: impl IntoIterator<Item = S>) -> Self {
        self.headers.extend(headers.into_iter().map(item));
        self
    }

    /// `expose`: response header names the page's script may read, `*` for
    /// any.
    pub fn expose<S: Into<String>>(mut self, headers: impl IntoIterator<Item = S>) -> Self {
        self.expose.extend(headers.into_iter().map(item));
        self
    }

    /// `credentials true|false`.
    pub fn credentials(mut self, on: bool) -> Self {
        self.credentials = Some(on);
        self
    }

    /// `max-age`, in seconds.
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// `private-network true|false`.
    pub fn private_network(mut self, on: bool) -> Self {
        self.private_network = Some(on);
        self
    }

    /// `preflight-status`: validation checks the range 200–299.
    pub fn preflight_status(mut self, status: u16) -> Self {
        self.preflight_status = Some(u64::from(status));
        self
    }

    /// `allow`: warning names silenced for this policy.
    pub fn allow<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.allow.extend(names.into_iter().map(Into::into));
        self
    }

    /// `skip`: the policy's paths are left to the application, answered as
    /// if no policy matched (such a policy holds only `paths` and `allow`).
    pub fn skip(mut self) -> Self {
        self.skip = true;
        self
    }

    /// Validates this policy as a set of one: see [`PolicySetBuilder::build`].
    pub fn build(self) -> Result<model::Policy, BuildError> {
        let mut set = PolicySetBuilder::new().policy(self).build()?;
        set.policies.pop().ok_or_else(|| BuildError {
            diagnostics: Vec::new(),
        })
    }
}

/// A policy set under construction: policies in the order they are matched.
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct PolicySetBuilder {
    policies: Vec<PolicyBuilder>,
}

impl PolicySetBuilder {
    /// An empty set.
    pub fn new() -> Self {
        PolicySetBuilder::default()
    }

    /// Adds a policy after those added before (the engine picks the first
    /// whose `paths` match).
    pub fn policy(mut self, policy: PolicyBuilder) -> Self {
        self.policies.push(policy);
        self
    }

    /// Validates every policy: the policy set when there is no error,
    /// otherwise every diagnostic (warnings too), located by statement.
    pub fn build(self) -> Result<PolicySet, BuildError> {
        let built = self.check();
        match built.policies {
            Some(set) => Ok(set),
            None => Err(BuildError {
                diagnostics: built.diagnostics,
            }),
        }
    }

    /// Validates every policy and keeps every diagnostic, warnings included
    /// (what [`crate::check`] is to text).
    pub fn check(self) -> Built {
        let mut lowering = Lowering::default();
        let file = ast::File::new(self.policies.iter().map(|p| lowering.policy(p)).collect());
        let (policies, diagnostics) = crate::validate(&file);
        let diagnostics = diagnostics
            .into_iter()
            .map(|diagnostic| Located {
                at: lowering.locate(diagnostic.span),
                diagnostic,
            })
            .collect();
        Built {
            diagnostics,
            policies: policies.map(strip_spans),
        }
    }
}

impl From<PolicyBuilder> for PolicySetBuilder {
    /// A set of this one policy.
    fn from(policy: PolicyBuilder) -> Self {
        PolicySetBuilder::new().policy(policy)
    }
}

impl model::Policy {
    /// A [`PolicyBuilder`] for a policy named `name`.
    pub fn builder(name: impl Into<String>) -> PolicyBuilder {
        PolicyBuilder::new(name)
    }
}

impl PolicySet {
    /// A [`PolicySetBuilder`].
    pub fn builder() -> PolicySetBuilder {
        PolicySetBuilder::new()
    }
}

/// A built set has no source: its spans are empty.
fn strip_spans(mut set: PolicySet) -> PolicySet {
    for policy in &mut set.policies {
        policy.span = Span::default();
        for origin in &mut policy.origins {
            origin.span = Span::default();
        }
    }
    set
}

/// Where in a built policy set a diagnostic is: the policy, and the
/// statement and list entry when it is about one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The policy's name.
    pub policy: String,
    /// The statement's keyword (`origins`, `max-age`, …); `None` when the
    /// diagnostic is about the policy itself (its name, missing `origins`).
    pub statement: Option<&'static str>,
    /// The entry's position in the statement's list, counted from 0 over
    /// every call that added to it; `None` for a statement without a list.
    pub index: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "policy `{}`", self.policy)?;
        match (self.statement, self.index) {
            (Some(statement), Some(index)) => write!(f, ", {statement}[{index}]"),
            (Some(statement), None) => write!(f, ", {statement}"),
            _ => Ok(()),
        }
    }
}

/// A diagnostic of a built policy set and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The diagnostic: the same kind, code, name, message and help as the
    /// policy's text would get (messages that name another line of a file
    /// say "earlier"). Its span means nothing outside the builder.
    pub diagnostic: Diagnostic,
    /// Where it is.
    pub at: Location,
}

impl fmt::Display for Located {
    /// `error[E0006/invalid-origin]: message`, then `--> policy `api`,
    /// origins[0]` and the help, as a rendered diagnostic of a file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.diagnostic;
        write!(
            f,
            "{}[{}]: {}\n --> {}",
            d.severity, d.kind, d.message, self.at
        )?;
        if let Some(help) = &d.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// The outcome of [`PolicySetBuilder::check`]: every diagnostic, and the
/// policy set when there was no error.
#[derive(Clone, Debug)]
pub struct Built {
    /// Every error and warning, in the order of the policies and statements.
    pub diagnostics: Vec<Located>,
    /// The validated policies (with empty spans); `None` when any
    /// diagnostic is an error.
    pub policies: Option<PolicySet>,
}

/// A built policy set that does not validate: every diagnostic, errors and
/// warnings, located by statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    diagnostics: Vec<Located>,
}

impl BuildError {
    /// Every diagnostic, errors and warnings, in the order of the policies
    /// and statements.
    pub fn diagnostics(&self) -> &[Located] {
        &self.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Located> {
        self.diagnostics.iter().filter(|d| d.diagnostic.is_error())
    }
}

impl fmt::Display for BuildError {
    /// Every diagnostic, separated by blank lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}

/// Builders to AST: every node gets a span of its own, remembered with the
/// place it stands for, so that a diagnostic's span says where it is.
#[derive(Default)]
struct Lowering {
    next: usize,
    /// By span start (spans are handed out in increasing order).
    places: Vec<Location>,
}

impl Lowering {
    fn span(
        &mut self,
        policy: &str,
        statement: Option<&'static str>,
        index: Option<usize>,
    ) -> Span {
        let at = self.next;
        self.next += 1;
        self.places.push(Location {
            policy: policy.to_owned(),
            statement,
            index,
        });
        Span::new(at, at + 1)
    }

    fn locate(&self, span: Span) -> Location {
        self.places.get(span.start).cloned().unwrap_or(Location {
            policy: String::new(),
            statement: None,
            index: None,
        })
    }

    /// A list statement made by `make`, each entry spanned by its index;
    /// none when `items` is empty.
    fn list<T: Clone>(
        &mut self,
        name: &str,
        keyword: &'static str,
        items: &[T],
        make: fn(Vec<Spanned<T>>) -> StatementKind,
    ) -> Option<ast::Statement> {
        if items.is_empty() {
            return None;
        }
        let keyword_span = self.at(name, keyword);
        let items = items
            .iter()
            .enumerate()
            .map(|(i, v)| Spanned::new(v.clone(), self.span(name, Some(keyword), Some(i))))
            .collect();
        Some(statement(make(items), keyword_span))
    }

    /// The span of a statement's keyword (or of its value, asked next).
    fn at(&mut self, name: &str, keyword: &'static str) -> Span {
        self.span(name, Some(keyword), None)
    }

    /// A single-value statement made by `make` from `value` spanned after
    /// its keyword, as in text; none without a value.
    fn single<T>(
        &mut self,
        name: &str,
        keyword: &'static str,
        value: Option<T>,
        make: fn(Spanned<T>) -> StatementKind,
    ) -> Option<ast::Statement> {
        let value = value?;
        let keyword_span = self.at(name, keyword);
        let value_span = self.at(name, keyword);
        Some(statement(
            make(Spanned::new(value, value_span)),
            keyword_span,
        ))
    }

    /// A flag statement (`credentials`, `private-network`), when set.
    fn flag(
        &mut self,
        name: &str,
        keyword: &'static str,
        on: Option<bool>,
        make: fn(bool) -> StatementKind,
    ) -> Option<ast::Statement> {
        let on = on?;
        Some(statement(make(on), self.at(name, keyword)))
    }

    fn policy(&mut self, p: &PolicyBuilder) -> ast::Policy {
        let name = p.name.as_str();
        let start = self.next;
        let name_span = self.span(name, None, None);
        // One fixed order (`skip` right after `paths`, as it is written),
        // so that diagnostics come back in it.
        let mut statements = Vec::new();
        statements.extend(self.list(name, "paths", &p.paths, StatementKind::Paths));
        if p.skip {
            statements.push(statement(StatementKind::Skip, self.at(name, "skip")));
        }
        statements.extend(self.list(name, "origins", &p.origins, StatementKind::Origins));
        statements.extend(self.list(name, "methods", &p.methods, StatementKind::Methods));
        statements.extend(self.list(name, "headers", &p.headers, StatementKind::Headers));
        statements.extend(self.list(name, "expose", &p.expose, StatementKind::Expose));
        statements.extend(self.flag(
            name,
            "credentials",
            p.credentials,
            StatementKind::Credentials,
        ));
        statements.extend(self.single(name, "max-age", p.max_age, StatementKind::MaxAge));
        statements.extend(self.flag(
            name,
            "private-network",
            p.private_network,
            StatementKind::PrivateNetwork,
        ));
        statements.extend(self.single(
            name,
            "preflight-status",
            p.preflight_status,
            StatementKind::PreflightStatus,
        ));
        statements.extend(self.list(name, "allow", &p.allow, StatementKind::Allow));
        ast::Policy::new(
            Spanned::new(p.name.clone(), name_span),
            statements,
            Span::new(start, self.next),
        )
    }
}

/// A statement whose keyword and whole span are `span` (a builder's
/// statement has no text of its own).
fn statement(kind: StatementKind, span: Span) -> ast::Statement {
    ast::Statement::new(kind, span, span)
}
