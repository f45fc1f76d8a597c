//! [`ast::File`] → [`model::PolicySet`] plus every diagnostic of the file.
//!
//! Validation never stops at the first problem: each policy, statement and
//! list entry is checked on its own, then the lints that compare entries
//! (`redundant-origin`) and policies (`shadowed-policy`) run, `allow` lists
//! silence their policy's warnings, and the diagnostics come back sorted by
//! source position. The policy set is returned only when no error remains.

mod lints;
mod names;
mod origin;
mod paths;
mod regexes;

use std::collections::{HashMap, HashSet};

use crate::ast::{self, Item, OriginExpr, StatementKind};
use crate::model::{self, HostPattern, NameList, OriginMatcher};
use crate::{Diagnostic, Kind, Severity, Span, Spanned};
use lints::{Entry, EntryKind};
use origin::Normalized;

/// Validates a parsed file: every error and warning, and the validated policy
/// set when there is no error.
///
/// Without the source text, messages that refer to another place of the file
/// say "earlier" instead of its line; [`crate::check`] passes the source.
pub fn validate(file: &ast::File) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
    Validator { src: None }.file(file)
}

/// [`validate`], with the source the AST was parsed from, so that messages
/// can name lines.
pub(crate) fn validate_source(
    file: &ast::File,
    src: &str,
) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
    Validator {
        src: Some((src, crate::span::LineIndex::new(src))),
    }
    .file(file)
}

/// `max-age` above this is capped by Chromium.
const CHROMIUM_MAX_AGE: u64 = 7200;
/// `max-age` above this is capped by Firefox too.
const FIREFOX_MAX_AGE: u64 = 86_400;

/// Up to this many policies, `shadowed-policy` compares every policy with
/// every earlier one. Above it, with the earlier ones a [`ShadowIndex`]
/// names: the lint stays linear in the number of policies (issue: 40,000
/// policies took 12.7 s), and, as every `shadowed-policy`, never reports a
/// policy that is reachable — it may miss one in a huge file.
const EXACT_SHADOWING_UP_TO: usize = 1000;

/// The most earlier policies a [`ShadowIndex`] lookup returns per key.
const MAX_SHADOW_CANDIDATES: usize = 64;

/// The earlier policies that could cover a later one, by the literal
/// beginning of their globs. A glob matches only paths that start with its
/// literal part, so a glob that covers another has a literal part that is a
/// prefix of the other's (both are prefixes of any path the other matches):
/// a meta glob is filed under its literal part up to its last `/` (`/api/`
/// for `/api/v*/**`, `` for `**`), a literal one under itself, and a later
/// glob looks up itself and each prefix of it that ends in `/`.
struct ShadowIndex<'v> {
    by_key: HashMap<&'v str, Vec<usize>>,
    /// Policies without `paths`, which take every request.
    unscoped: Vec<usize>,
}

impl<'v> ShadowIndex<'v> {
    fn new(validated: &'v [Validated]) -> Self {
        let mut by_key: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut unscoped = Vec::new();
        for (i, policy) in validated.iter().enumerate() {
            if policy.model.paths.is_empty() {
                unscoped.push(i);
            }
            for glob in &policy.model.paths {
                let list = by_key.entry(cover_key(glob)).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        ShadowIndex { by_key, unscoped }
    }

    /// Earlier policies (before `later`) that could cover `paths`, in file
    /// order: at most [`MAX_SHADOW_CANDIDATES`] for each key looked up.
    fn candidates(&self, later: usize, paths: &[String]) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .unscoped
            .iter()
            .copied()
            .take_while(|&i| i < later)
            .take(1)
            .collect();
        // A policy without `paths` can be covered only by globs filed
        // under `` or `/`; otherwise any glob of it must be covered.
        let key = paths.first().map_or("/", |g| cover_key(g));
        let mut look = |k: &str| {
            if let Some(list) = self.by_key.get(k) {
                out.extend(
                    list.iter()
                        .copied()
                        .take_while(|&i| i < later)
                        .take(MAX_SHADOW_CANDIDATES),
                );
            }
        };
        // Every path a browser sends starts with `/`: what is filed under
        // `/` (`/**`) may cover a glob filed under `` (`**`).
        look("");
        look("/");
        for (i, _) in key.match_indices('/').skip_while(|&(i, _)| i == 0) {
            look(key.get(..=i).unwrap_or(key));
        }
        if !key.ends_with('/') {
            look(key);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The key a glob is filed under in a [`ShadowIndex`].
fn cover_key(glob: &str) -> &str {
    match glob.find(['*', '?', '[', ']', '{', '}', '\\']) {
        None => glob,
        Some(meta) => glob
            .get(..meta)
            .and_then(|lit| lit.rfind('/'))
            .map_or("", |slash| glob.get(..=slash).unwrap_or("")),
    }
}

struct Validator<'s> {
    /// The source and its line index (built once: a message naming a line
    /// costs a lookup, not a count from the start of the file).
    src: Option<(&'s str, crate::span::LineIndex)>,
}

/// One policy after validation: its model and the warnings it allows.
struct Validated {
    model: model::Policy,
    allowed: HashSet<Kind>,
}

impl Validator<'_> {
    /// "at line 3", or "earlier" without the source.
    fn at(&self, span: Span) -> String {
        match &self.src {
            Some((_, lines)) => format!("at line {}", lines.line(span.start)),
            None => "earlier".to_owned(),
        }
    }

    fn file(&self, file: &ast::File) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        let mut names: HashMap<&str, Span> = HashMap::new();
        let mut validated = Vec::with_capacity(file.policies.len());
        for policy in &file.policies {
            let name = policy.name.value.as_str();
            match names.get(name) {
                Some(&first) => diagnostics.push(
                    Diagnostic::new(
                        Kind::DuplicatePolicy,
                        policy.name.span,
                        format!("policy `{name}` is already defined {}", self.at(first)),
                    )
                    .with_help("give each policy a unique name"),
                ),
                None => {
                    names.insert(name, policy.name.span);
                }
            }
            validated.push(self.policy(policy, &mut diagnostics));
        }
        self.shadowed(file, &validated, &mut diagnostics);

        // Stable: diagnostics at one position keep the order they were found in.
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        let ok = !diagnostics.iter().any(Diagnostic::is_error);
        let set = ok.then(|| model::PolicySet {
            policies: validated.into_iter().map(|v| v.model).collect(),
        });
        (set, diagnostics)
    }

    /// `shadowed-policy`, reported on the later policy's name.
    fn shadowed(&self, file: &ast::File, validated: &[Validated], out: &mut Vec<Diagnostic>) {
        let index = (validated.len() > EXACT_SHADOWING_UP_TO).then(|| ShadowIndex::new(validated));
        for (j, (later, ast)) in validated.iter().zip(&file.policies).enumerate() {
            if later.allowed.contains(&Kind::ShadowedPolicy) {
                continue;
            }
            let covers = |i: &usize| {
                validated
                    .get(*i)
                    .is_some_and(|e| lints::paths_cover(&e.model.paths, &later.model.paths))
            };
            let found = match &index {
                None => (0..j).find(covers),
                Some(index) => index
                    .candidates(j, &later.model.paths)
                    .into_iter()
                    .find(covers),
            };
            let Some((earlier, earlier_ast)) =
                found.and_then(|i| Some((validated.get(i)?, file.policies.get(i)?)))
            else {
                continue;
            };
            let (e, l) = (&earlier.model.name, &later.model.name);
            let (why, help) = if earlier.model.paths.is_empty() {
                (
                    format!(
                        "policy `{e}` ({}) has no `paths`, so it takes every request first",
                        self.at(earlier_ast.name.span)
                    ),
                    format!("give `{e}` a `paths` statement, or move `{l}` above it"),
                )
            } else {
                (
                    format!(
                        "policy `{e}` ({}) comes first and covers all its paths",
                        self.at(earlier_ast.name.span)
                    ),
                    format!("move `{l}` above `{e}`, or narrow the `paths` of `{e}`"),
                )
            };
            out.push(
                Diagnostic::new(
                    Kind::ShadowedPolicy,
                    ast.name.span,
                    format!("policy `{l}` is never used: {why}"),
                )
                .with_help(help),
            );
        }
    }

    fn policy(&self, policy: &ast::Policy, out: &mut Vec<Diagnostic>) -> Validated {
        let mut d = Vec::new();
        let mut singles: HashMap<&'static str, Span> = HashMap::new();
        let mut paths = Vec::new();
        let mut origins: Vec<&Spanned<OriginExpr>> = Vec::new();
        let mut methods: Option<Vec<&Spanned<Item>>> = None;
        let mut headers = Vec::new();
        let mut expose = Vec::new();
        let mut allow = Vec::new();
        let mut has_origins = false;
        let (mut credentials, mut max_age, mut private_network, mut status) =
            (None, None, None, None);

        for statement in &policy.statements {
            match &statement.kind {
                StatementKind::Paths(v) => {
                    d.extend(v.iter().filter_map(paths::check));
                    paths.extend(v.iter().map(|p| p.value.clone()));
                }
                StatementKind::Origins(v) => {
                    has_origins = true;
                    origins.extend(v);
                }
                StatementKind::Methods(v) => methods.get_or_insert_with(Vec::new).extend(v),
                StatementKind::Headers(v) => headers.extend(v),
                StatementKind::Expose(v) => expose.extend(v),
                StatementKind::Allow(v) => allow.extend(v),
                single => {
                    let keyword = single.keyword();
                    // Check each value, even a duplicated one: every problem at once.
                    match single {
                        StatementKind::MaxAge(v) => d.extend(check_max_age(v)),
                        StatementKind::PreflightStatus(v) => d.extend(check_status(v)),
                        _ => {}
                    }
                    if let Some(&first) = singles.get(keyword) {
                        d.push(
                            Diagnostic::new(
                                Kind::DuplicateStatement,
                                statement.keyword_span,
                                format!("`{keyword}` is already set {}", self.at(first)),
                            )
                            .with_help(format!(
                                "keep one `{keyword}` statement (only `paths`, `origins`, `methods`, `headers`, `expose` and `allow` may be repeated)"
                            )),
                        );
                        continue;
                    }
                    singles.insert(keyword, statement.keyword_span);
                    match single {
                        StatementKind::Credentials(b) => credentials = Some(*b),
                        StatementKind::PrivateNetwork(b) => private_network = Some(*b),
                        StatementKind::MaxAge(v) => max_age = Some(v.value),
                        StatementKind::PreflightStatus(v) => status = Some(v.value),
                        _ => {}
                    }
                }
            }
        }
        let credentials = credentials.unwrap_or(false);
        let private_network = private_network.unwrap_or(false);
        let name = &policy.name.value;

        let allowed = check_allow(&allow, &mut d);
        if !has_origins {
            d.push(
                Diagnostic::new(
                    Kind::MissingOrigins,
                    policy.name.span,
                    format!("policy `{name}` has no `origins`"),
                )
                .with_help("add the origins it allows, e.g. `origins \"https://app.example.com\"`"),
            );
        }

        let cx = PolicyCx {
            credentials,
            private_network,
            allows_public_suffix: allowed.contains(&Kind::PublicSuffixWildcard),
        };
        let mut entries = Vec::with_capacity(origins.len());
        let mut model_origins = Vec::with_capacity(origins.len());
        for entry in &origins {
            if let Some((matcher, what)) = cx.origin(entry, &mut d) {
                let (shown, source) = describe(&entry.value);
                model_origins.push(model::Origin {
                    matcher,
                    source,
                    span: entry.span,
                });
                entries.push(Entry {
                    what,
                    shown,
                    span: entry.span,
                });
            }
        }
        d.extend(lints::redundant_origins(&entries));

        let methods = match methods {
            None => NameList {
                any: false,
                names: ["GET", "HEAD", "POST"].map(str::to_owned).to_vec(),
            },
            Some(items) => check_methods(&items, &mut d),
        };
        let headers = check_headers(&headers, &mut d);
        let expose = cx.check_expose(&expose, &mut d);

        d.retain(|x| {
            x.is_error() || x.kind == Kind::PublicSuffixWildcard || !allowed.contains(&x.kind)
        });
        out.append(&mut d);

        let model = model::Policy {
            name: name.clone(),
            span: policy.span,
            paths,
            origins: model_origins,
            methods,
            headers,
            expose,
            credentials,
            max_age,
            private_network,
            preflight_status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(204),
        };
        Validated { model, allowed }
    }
}

/// What the origin checks of one policy need to know about it.
struct PolicyCx {
    credentials: bool,
    private_network: bool,
    allows_public_suffix: bool,
}

impl PolicyCx {
    /// Checks one `origins` entry; `None` when it is invalid.
    fn origin(
        &self,
        entry: &Spanned<OriginExpr>,
        d: &mut Vec<Diagnostic>,
    ) -> Option<(OriginMatcher, EntryKind)> {
        let span = entry.span;
        match &entry.value {
            OriginExpr::Any => {
                if self.credentials {
                    d.push(
                        Diagnostic::new(Kind::CredentialsWildcard, span, "`origins *` cannot be used with `credentials`")
                            .with_help("browsers refuse `Access-Control-Allow-Origin: *` on a credentialed request: list the origins, e.g. `origins \"https://app.example.com\"`, or remove `credentials`"),
                    );
                }
                if self.private_network {
                    d.push(
                        Diagnostic::new(Kind::PrivateNetworkWildcard, span, "`origins *` cannot be used with `private-network`")
                            .with_help("list the origins that may reach the private network, e.g. `origins \"https://app.example.com\"`"),
                    );
                }
                Some((OriginMatcher::Any, EntryKind::Any))
            }
            OriginExpr::Null => {
                if self.credentials {
                    d.push(
                        Diagnostic::new(Kind::CredentialsNull, span, "`null` cannot be used with `credentials`")
                            .with_help("remove `null`: sandboxed iframes and local files send it, and any site can make one, so it would get credentialed answers"),
                    );
                } else {
                    d.push(
                        Diagnostic::new(Kind::NullOrigin, span, "`null` is the origin of sandboxed iframes and local files, which any site can make")
                            .with_help("remove `null` unless you must serve such pages; then add `allow null-origin`"),
                    );
                }
                Some((OriginMatcher::Null, EntryKind::Null))
            }
            OriginExpr::Literal(text) => match origin::normalize(text) {
                Err(e) => {
                    d.push(Diagnostic::new(Kind::InvalidOrigin, span, e.message).with_help(e.help));
                    None
                }
                Ok(Normalized::Exact(x)) => {
                    self.insecure(&x.scheme, &x.host, text, span, d);
                    Some((
                        OriginMatcher::Exact(x.serialized.clone()),
                        EntryKind::Exact(x),
                    ))
                }
                Ok(Normalized::Pattern(p)) => {
                    if let HostPattern::Subdomains(suffix) = &p.host
                        && origin::is_public_suffix(suffix)
                    {
                        d.push(self.public_suffix(text, suffix, span));
                    }
                    let host = match &p.host {
                        HostPattern::Exact(h) | HostPattern::Subdomains(h) => h,
                    };
                    self.insecure(&p.scheme, host, text, span, d);
                    Some((OriginMatcher::Pattern(p.clone()), EntryKind::Pattern(p)))
                }
            },
            OriginExpr::Regex(source) => match regexes::compile(source) {
                Err(e) => {
                    d.push(Diagnostic::new(Kind::InvalidRegex, span, e.message).with_help(e.help));
                    None
                }
                Ok(compiled) => {
                    let dots = regexes::loose_dots(source);
                    if !dots.is_empty() {
                        let fixed = regexes::escape_dots(source, &dots);
                        d.push(
                            Diagnostic::new(
                                Kind::RegexDot,
                                span,
                                format!(
                                    "an unescaped `.` in regex `{source}` matches any character"
                                ),
                            )
                            .with_help(format!(
                                "write `\\.` to match a dot: `regex {}`",
                                crate::format::regex_string(&fixed)
                            )),
                        );
                    }
                    Some((
                        OriginMatcher::Regex(source.clone()),
                        EntryKind::Regex {
                            source: source.clone(),
                            compiled,
                        },
                    ))
                }
            },
        }
    }

    /// `insecure-origin`: plain `http` to a non-loopback host, with credentials.
    fn insecure(&self, scheme: &str, host: &str, text: &str, span: Span, d: &mut Vec<Diagnostic>) {
        if self.credentials && scheme == "http" && !origin::is_loopback_host(host) {
            let https = text
                .get(4..)
                .map(|rest| format!("https{rest}"))
                .unwrap_or_default();
            d.push(
                Diagnostic::new(Kind::InsecureOrigin, span, format!("`{text}` is a plain `http` origin, and the policy allows `credentials`"))
                    .with_help(format!(
                        "write `\"{https}\"`: anyone on the network can pose as a plain `http` origin and read credentialed answers"
                    )),
            );
        }
    }

    /// `public-suffix-wildcard`, an error unless allowed in a policy without credentials.
    fn public_suffix(&self, text: &str, suffix: &str, span: Span) -> Diagnostic {
        let message = format!("`{text}` allows every site under the public suffix `{suffix}`");
        let diagnostic = Diagnostic::new(Kind::PublicSuffixWildcard, span, message);
        match (self.allows_public_suffix, self.credentials) {
            (true, false) => Diagnostic { severity: Severity::Warning, ..diagnostic }
                .with_help(format!("allowed by `allow public-suffix-wildcard`: any site can register a domain under `{suffix}`")),
            (true, true) => diagnostic.with_help(format!(
                "`allow public-suffix-wildcard` does not apply to a policy with `credentials`: list the sites' own domains, e.g. `\"https://*.example.{suffix}\"`"
            )),
            (false, _) => diagnostic.with_help(format!(
                "anyone can register a domain under `{suffix}`: write your own domain, e.g. `\"https://*.example.{suffix}\"` (or `allow public-suffix-wildcard` in a policy without credentials)"
            )),
        }
    }

    fn check_expose(&self, items: &[&Spanned<Item>], d: &mut Vec<Diagnostic>) -> NameList {
        let mut list = NameList::default();
        for item in items {
            match &item.value {
                Item::Any => {
                    if self.credentials {
                        d.push(
                            Diagnostic::new(Kind::CredentialsWildcard, item.span, "`expose *` cannot be used with `credentials`")
                                .with_help("with credentials, browsers read `*` as a header literally named `*`: list the headers, e.g. `expose x-request-id`"),
                        );
                    }
                    list.any = true;
                }
                Item::Name(name) => {
                    let lower = name.to_ascii_lowercase();
                    if name == "*" {
                        d.push(quoted_wildcard("expose", item.span));
                    } else if !names::is_token(name) {
                        d.push(invalid_token(name, "header name", item.span));
                    } else if names::is_forbidden_response_header(&lower) {
                        d.push(
                            Diagnostic::new(
                                Kind::ForbiddenHeader,
                                item.span,
                                format!(
                                    "`{name}` can never be exposed: browsers hide it from scripts"
                                ),
                            )
                            .with_help(format!("remove `{name}` from `expose`")),
                        );
                    }
                    push_unique(&mut list.names, lower);
                }
            }
        }
        list
    }
}

fn push_unique(names: &mut Vec<String>, name: String) {
    if !names.contains(&name) {
        names.push(name);
    }
}

/// `"*"` quoted in `statement` (`methods`, `headers`, `expose`).
fn quoted_wildcard(statement: &str, span: Span) -> Diagnostic {
    let header = match statement {
        "methods" => "access-control-allow-methods",
        "headers" => "access-control-allow-headers",
        _ => "access-control-expose-headers",
    };
    Diagnostic::new(
        Kind::QuotedWildcard,
        span,
        format!("a quoted `\"*\"` in `{statement}` is not a name: browsers read `*` in `{header}` as the wildcard"),
    )
    .with_help(format!(
        "write `{statement} *` without quotes for the wildcard, or list the names one by one"
    ))
}

fn invalid_token(name: &str, what: &str, span: Span) -> Diagnostic {
    let (why, fix) = names::token_problem(name);
    let help = match fix {
        Some(fix) => format!("write `{fix}`; {}", names::TOKEN_HELP),
        None => names::TOKEN_HELP.to_owned(),
    };
    Diagnostic::new(
        Kind::InvalidToken,
        span,
        format!("`{name}` is not a valid {what}: {why}"),
    )
    .with_help(help)
}

fn check_methods(items: &[&Spanned<Item>], d: &mut Vec<Diagnostic>) -> NameList {
    let mut list = NameList::default();
    for item in items {
        let name = match &item.value {
            Item::Any => {
                list.any = true;
                continue;
            }
            Item::Name(name) => name,
        };
        if name == "*" {
            d.push(quoted_wildcard("methods", item.span));
        } else if !names::is_token(name) {
            d.push(invalid_token(name, "method", item.span));
        } else if names::is_forbidden_method(name) {
            d.push(
                Diagnostic::new(
                    Kind::ForbiddenMethod,
                    item.span,
                    format!("`{name}` is a forbidden method: browsers never let a script send it"),
                )
                .with_help(format!("remove `{name}`")),
            );
        } else if name.bytes().any(|b| b.is_ascii_lowercase()) {
            let upper = name.to_ascii_uppercase();
            let help = if names::NORMALIZED_METHODS.contains(&upper.as_str()) {
                format!(
                    "write `{upper}`: browsers send `{name}` as `{upper}`, so `{name}` never matches"
                )
            } else {
                format!(
                    "write `{upper}`: browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, and send `{name}` exactly as a script writes it (list both if scripts use both)"
                )
            };
            d.push(
                Diagnostic::new(
                    Kind::LowercaseMethod,
                    item.span,
                    format!("method `{name}` is not uppercase; methods are case-sensitive"),
                )
                .with_help(help),
            );
        }
        if !list.names.contains(name) {
            list.names.push(name.clone());
        }
    }
    list
}

fn check_headers(items: &[&Spanned<Item>], d: &mut Vec<Diagnostic>) -> NameList {
    let mut list = NameList::default();
    for item in items {
        let name = match &item.value {
            Item::Any => {
                list.any = true;
                continue;
            }
            Item::Name(name) => name,
        };
        let lower = name.to_ascii_lowercase();
        if name == "*" {
            d.push(quoted_wildcard("headers", item.span));
        } else if !names::is_token(name) {
            d.push(invalid_token(name, "header name", item.span));
        } else if let Some((message, help)) = names::forbidden_request_header(&lower) {
            d.push(Diagnostic::new(Kind::ForbiddenHeader, item.span, message).with_help(help));
        } else if names::is_safelisted_request_header(&lower) {
            d.push(
                Diagnostic::new(
                    Kind::SafelistedHeader,
                    item.span,
                    format!("`{lower}` is CORS-safelisted: browsers send it without asking"),
                )
                .with_help(format!("remove `{name}` from `headers`")),
            );
        }
        push_unique(&mut list.names, lower);
    }
    list
}

fn check_max_age(value: &Spanned<u64>) -> Option<Diagnostic> {
    let secs = value.value;
    if secs > FIREFOX_MAX_AGE {
        Some(
            Diagnostic::new(
                Kind::MaxAgeCapped,
                value.span,
                format!(
                    "a `max-age` of {} is more than browsers honour",
                    seconds(secs)
                ),
            )
            .with_help("Chromium caps it at 7200 seconds and Firefox at 86400: write `max-age 2h`"),
        )
    } else if secs > CHROMIUM_MAX_AGE {
        Some(
            Diagnostic::new(Kind::MaxAgeCapped, value.span, format!("a `max-age` of {} is more than Chromium honours", seconds(secs)))
                .with_help("Chromium caps it at 7200 seconds: write `max-age 2h`, or `allow max-age-capped` to keep it for Firefox"),
        )
    } else {
        None
    }
}

/// `36000 seconds (10h)`.
fn seconds(secs: u64) -> String {
    let unit = [(86_400, 'd'), (3600, 'h'), (60, 'm')]
        .into_iter()
        .find(|&(n, _)| secs.is_multiple_of(n));
    match unit {
        Some((n, u)) => format!("{secs} seconds ({}{u})", secs / n),
        None => format!("{secs} seconds"),
    }
}

fn check_status(value: &Spanned<u64>) -> Option<Diagnostic> {
    (!(200..=299).contains(&value.value)).then(|| {
        Diagnostic::new(
            Kind::InvalidStatus,
            value.span,
            format!("preflight status `{}` is not a success status", value.value),
        )
        .with_help("browsers fail a preflight answered outside 200–299: write a status such as `preflight-status 204`")
    })
}

/// The names `allow` accepts: every warning, and `public-suffix-wildcard`.
fn allowable(kind: Kind) -> bool {
    kind.default_severity() == Severity::Warning || kind == Kind::PublicSuffixWildcard
}

fn check_allow(names: &[&Spanned<String>], d: &mut Vec<Diagnostic>) -> HashSet<Kind> {
    let mut allowed = HashSet::new();
    for name in names {
        match Kind::from_name(name) {
            Some(kind) if allowable(kind) => {
                allowed.insert(kind);
            }
            Some(_) => d.push(
                Diagnostic::new(
                    Kind::UnknownLint,
                    name.span,
                    format!(
                        "`{}` is an error, and errors cannot be silenced",
                        name.value
                    ),
                )
                .with_help(
                    "fix what it reports; `allow` takes warning names and `public-suffix-wildcard`",
                ),
            ),
            None => {
                let help = match did_you_mean(name) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => {
                        let all: Vec<String> = Kind::ALL
                            .iter()
                            .filter(|k| allowable(**k))
                            .map(|k| format!("`{}`", k.name()))
                            .collect();
                        format!("`allow` takes one of {}", all.join(", "))
                    }
                };
                d.push(
                    Diagnostic::new(
                        Kind::UnknownLint,
                        name.span,
                        format!("`{}` is not a warning name", name.value),
                    )
                    .with_help(help),
                );
            }
        }
    }
    allowed
}

/// The allowable name closest to `name`, if it is close enough to be a typo.
fn did_you_mean(name: &str) -> Option<&'static str> {
    Kind::ALL
        .iter()
        .filter(|k| allowable(**k))
        .map(|k| (k.name(), strsim::jaro_winkler(name, k.name())))
        .filter(|&(_, score)| score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(n, _)| n)
}

/// How messages show an entry, and its source form for the model.
fn describe(origin: &OriginExpr) -> (String, String) {
    match origin {
        OriginExpr::Any => ("`*`".to_owned(), "*".to_owned()),
        OriginExpr::Null => ("`null`".to_owned(), "null".to_owned()),
        OriginExpr::Literal(text) => (format!("`{text}`"), crate::format::quoted(text)),
        OriginExpr::Regex(source) => (
            format!("regex `{source}`"),
            format!("regex {}", crate::format::regex_string(source)),
        ),
    }
}

#[cfg(test)]
mod tests;
