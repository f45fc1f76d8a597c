//! `quoted-wildcard` (issue 13, class 4): `"*"` quoted in `methods`,
//! `headers` or `expose` is an error at the quoted token, in every spelling
//! of a string and every place of a list; the unquoted `*` and names that
//! merely contain `*` are not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy_grammar::{Kind, check};

/// `(name, line:column)` of every error of `src`.
fn errors(src: &str) -> Vec<(&'static str, String)> {
    check(src)
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (line, col) = d.span.line_col(src);
            (d.name(), format!("{line}:{col}"))
        })
        .collect()
}

#[test]
fn a_quoted_star_is_refused_in_every_list_and_spelling() {
    for statement in ["methods", "headers", "expose"] {
        for (list, column) in [
            (r#""*""#, 0),
            (r##"r"*""##, 0),
            (r###"r#"*"#"###, 0),
            (r#""\x2a""#, 0),
            (r#""\u{2a}""#, 0),
            (r#"x-a, "*""#, 5),
            (r#""*", x-b"#, 0),
        ] {
            let src = format!(
                "policy \"p\" {{\n    origins \"https://app.example.com\"\n    {statement} {list}\n}}\n"
            );
            let at = format!("3:{}", 6 + statement.len() + column);
            let found = errors(&src);
            assert_eq!(
                found,
                [("quoted-wildcard", at)],
                "{statement} {list}:\n{src}"
            );
        }
    }
}

#[test]
fn the_message_names_the_header_browsers_read_it_in_and_helps() {
    let src = "policy \"p\" { origins \"https://a.example\"; methods \"*\" }";
    let d = check(src)
        .diagnostics
        .into_iter()
        .find(|d| d.kind == Kind::QuotedWildcard)
        .unwrap();
    assert_eq!(d.code(), "E0019");
    assert_eq!(
        d.message,
        "a quoted `\"*\"` in `methods` is not a name: browsers read `*` in `access-control-allow-methods` as the wildcard"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write `methods *` without quotes for the wildcard, or list the names one by one")
    );
}

#[test]
fn the_unquoted_star_and_names_holding_a_star_are_not_quoted_wildcards() {
    for src in [
        "policy \"p\" { origins \"https://a.example\"; methods *; headers *; expose * }",
        "policy \"p\" { origins \"https://a.example\"; credentials; methods *; headers *, authorization }",
        "policy \"p\" { origins \"https://a.example\"; methods \"X*\"; headers \"x-*\", \"**\"; expose \"*x\" }",
    ] {
        let found = check(src);
        assert!(
            !found
                .diagnostics
                .iter()
                .any(|d| d.kind == Kind::QuotedWildcard),
            "{src}: {:?}",
            found.diagnostics
        );
        assert!(!found.has_errors(), "{src}: {:?}", found.diagnostics);
    }
}

#[test]
fn a_quoted_star_with_credentials_is_refused_as_well() {
    let src =
        "policy \"p\" { origins \"https://a.example\"; credentials; headers \"*\"; expose \"*\" }";
    let names: Vec<_> = errors(src).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["quoted-wildcard", "quoted-wildcard"]);
}
