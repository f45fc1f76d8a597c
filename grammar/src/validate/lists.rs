//! The name lists of a policy — `methods`, `headers` and `expose` — checked
//! item by item (a quoted `"*"`, a name that is no token, a forbidden or
//! safelisted name, a lowercase method) and made into their [`NameList`]s.
//! What a token and a forbidden name are is asked of `names` (and through it
//! of [`crate::fetch`]); this module only words the problems.

use std::collections::HashSet;

use super::names;
use crate::ast::{Item, Keyword};
use crate::model::NameList;
use crate::{Diagnostic, Kind, Span, Spanned};

/// The `statement` list of `items`: `*` sets [`NameList::any`]; each name is
/// checked — a quoted `"*"`, a name that is no token, then what `problem`
/// finds — and listed once, however often it is written (methods as
/// written, since they are case-sensitive; header names lowercase).
fn name_list(
    items: &[&Spanned<Item>],
    statement: Keyword,
    d: &mut Vec<Diagnostic>,
    problem: impl Fn(&str, Span) -> Option<Diagnostic>,
) -> NameList {
    let (what, lowercase) = match statement {
        Keyword::Methods => ("method", false),
        _ => ("header name", true),
    };
    let mut list = NameList::default();
    // Each name once, in order; seen through a hash set, so that a list of
    // many names is checked in linear time.
    let mut seen = HashSet::new();
    for item in items {
        let name = match &item.value {
            Item::Any => {
                list.any = true;
                continue;
            }
            Item::Name(name) => name,
        };
        d.extend(if name == "*" {
            Some(quoted_wildcard(statement, item.span))
        } else if !names::is_token(name) {
            Some(invalid_token(name, what, item.span))
        } else {
            problem(name, item.span)
        });
        let listed = if lowercase {
            name.to_ascii_lowercase()
        } else {
            name.clone()
        };
        if seen.insert(listed.clone()) {
            list.names.push(listed);
        }
    }
    list
}

/// `"*"` quoted in `statement` (`methods`, `headers`, `expose`).
fn quoted_wildcard(statement: Keyword, span: Span) -> Diagnostic {
    let header = match statement {
        Keyword::Methods => "access-control-allow-methods",
        Keyword::Headers => "access-control-allow-headers",
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

/// `invalid-token`: `name` (a `what`) is not an HTTP token.
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

/// The `methods` list, names as written (methods are case-sensitive).
pub(super) fn check_methods(items: &[&Spanned<Item>], d: &mut Vec<Diagnostic>) -> NameList {
    name_list(items, Keyword::Methods, d, method_problem)
}

/// What is wrong with a method that is a token: forbidden, `OPTIONS`, or
/// not uppercase.
fn method_problem(name: &str, span: Span) -> Option<Diagnostic> {
    if names::is_forbidden_method(name) {
        Some(
            Diagnostic::new(
                Kind::ForbiddenMethod,
                span,
                format!("`{name}` is a forbidden method: browsers never let a script send it"),
            )
            .with_help(format!("remove `{name}`")),
        )
    } else if name == "OPTIONS" {
        Some(
            Diagnostic::new(
                Kind::OptionsMethod,
                span,
                "`OPTIONS` in `methods` is not needed for preflights",
            )
            .with_help("browsers send every preflight as `OPTIONS` whatever `methods` lists: remove `OPTIONS`, unless scripts send `OPTIONS` requests themselves (then `allow options-method`)"),
        )
    } else if name.bytes().any(|b| b.is_ascii_lowercase()) {
        let upper = name.to_ascii_uppercase();
        let help = if crate::fetch::NORMALIZED_METHODS.contains(&upper.as_str()) {
            format!(
                "write `{upper}`: browsers send `{name}` as `{upper}`, so `{name}` never matches"
            )
        } else {
            format!(
                "write `{upper}`: browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT, and send `{name}` exactly as a script writes it (list both if scripts use both)"
            )
        };
        Some(
            Diagnostic::new(
                Kind::LowercaseMethod,
                span,
                format!("method `{name}` is not uppercase; methods are case-sensitive"),
            )
            .with_help(help),
        )
    } else {
        None
    }
}

/// The `headers` list, lowercase.
pub(super) fn check_headers(items: &[&Spanned<Item>], d: &mut Vec<Diagnostic>) -> NameList {
    name_list(items, Keyword::Headers, d, |name, span| {
        let lower = name.to_ascii_lowercase();
        if let Some((message, help)) = names::forbidden_request_header(&lower) {
            Some(Diagnostic::new(Kind::ForbiddenHeader, span, message).with_help(help))
        } else if names::is_safelisted_request_header(&lower) {
            Some(
                Diagnostic::new(
                    Kind::SafelistedHeader,
                    span,
                    format!("`{lower}` is CORS-safelisted: browsers send it without asking"),
                )
                .with_help(format!("remove `{name}` from `headers`")),
            )
        } else {
            None
        }
    })
}

/// The `expose` list, lowercase; `expose *` is an error with `credentials`.
pub(super) fn check_expose(
    items: &[&Spanned<Item>],
    credentials: bool,
    d: &mut Vec<Diagnostic>,
) -> NameList {
    for item in items {
        if item.value == Item::Any && credentials {
            d.push(
                Diagnostic::new(Kind::CredentialsWildcard, item.span, "`expose *` cannot be used with `credentials`")
                    .with_help("with credentials, browsers read `*` as a header literally named `*`: list the headers, e.g. `expose x-request-id`"),
            );
        }
    }
    name_list(items, Keyword::Expose, d, |name, span| {
        names::is_forbidden_response_header(&name.to_ascii_lowercase()).then(|| {
            Diagnostic::new(
                Kind::ForbiddenHeader,
                span,
                format!("`{name}` can never be exposed: browsers hide it from scripts"),
            )
            .with_help(format!("remove `{name}` from `expose`"))
        })
    })
}
