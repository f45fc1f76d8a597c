//! The parser: the specification's examples, and every syntax error's wording
//! and `line:column`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy_grammar::ast::{Item, OriginExpr, StatementKind};
use cors_policy_grammar::{Diagnostic, Kind, RenderOptions, parse, render, render_all};

/// The example of docs/language.md#a-policy-file, verbatim (also examples/policies/api.cors).
const SPEC_EXAMPLE: &str = r#"// api.cors — comments run from `//` to the end of the line
policy "public-assets" {
    paths "/static/**", "/favicon.ico"
    origins *
    methods GET, HEAD
    max-age 2h
}

policy "api" {
    paths "/api/**"
    origins "https://app.example.com", "https://*.staging.example.com", "http://localhost:*"
    origins regex r"^https://pr-[0-9]+\.preview\.example\.dev$"
    methods GET, POST, PUT, PATCH, DELETE
    headers content-type, authorization, x-request-id
    expose x-request-id, x-ratelimit-remaining
    credentials
    max-age 2h
    private-network
}
"#;

/// Every diagnostic as `(line, column, kind, message, help)`.
fn errors(src: &str) -> Vec<(usize, usize, Kind, String, Option<String>)> {
    let diags = parse(src).expect_err("expected a syntax error");
    diags
        .into_iter()
        .map(|d| {
            let (l, c) = d.span.line_col(src);
            (l, c, d.kind, d.message, d.help)
        })
        .collect()
}

fn one_error(src: &str) -> (usize, usize, Kind, String, Option<String>) {
    let mut all = errors(src);
    assert_eq!(all.len(), 1, "expected exactly one error, got {all:#?}");
    all.remove(0)
}

fn names(items: &[cors_policy_grammar::Spanned<Item>]) -> Vec<&str> {
    items
        .iter()
        .map(|i| match &i.value {
            Item::Any => "*",
            Item::Name(n) => n.as_str(),
        })
        .collect()
}

#[test]
fn the_specification_example_parses() {
    let file = parse(SPEC_EXAMPLE).unwrap();
    assert_eq!(file.policies.len(), 2);
    let assets = &file.policies[0];
    assert_eq!(assets.name.value, "public-assets");
    assert_eq!(assets.statements.len(), 4);
    let StatementKind::Paths(paths) = &assets.statements[0].kind else {
        panic!()
    };
    assert_eq!(
        paths.iter().map(|p| p.value.as_str()).collect::<Vec<_>>(),
        ["/static/**", "/favicon.ico"]
    );
    assert!(
        matches!(&assets.statements[1].kind, StatementKind::Origins(o) if o.len() == 1 && o[0].value == OriginExpr::Any)
    );
    let StatementKind::Methods(m) = &assets.statements[2].kind else {
        panic!()
    };
    assert_eq!(names(m), ["GET", "HEAD"]);
    assert!(matches!(&assets.statements[3].kind, StatementKind::MaxAge(s) if s.value == 7200));

    let api = &file.policies[1];
    assert_eq!(api.name.value, "api");
    let kinds: Vec<&str> = api.statements.iter().map(|s| s.kind.keyword()).collect();
    assert_eq!(
        kinds,
        [
            "paths",
            "origins",
            "origins",
            "methods",
            "headers",
            "expose",
            "credentials",
            "max-age",
            "private-network"
        ]
    );
    let StatementKind::Origins(o) = &api.statements[1].kind else {
        panic!()
    };
    assert_eq!(
        o.iter().map(|o| o.value.clone()).collect::<Vec<_>>(),
        [
            OriginExpr::Literal("https://app.example.com".into()),
            OriginExpr::Literal("https://*.staging.example.com".into()),
            OriginExpr::Literal("http://localhost:*".into()),
        ]
    );
    let StatementKind::Origins(r) = &api.statements[2].kind else {
        panic!()
    };
    assert_eq!(
        r[0].value,
        OriginExpr::Regex(r"^https://pr-[0-9]+\.preview\.example\.dev$".into())
    );
    let StatementKind::Headers(h) = &api.statements[4].kind else {
        panic!()
    };
    assert_eq!(names(h), ["content-type", "authorization", "x-request-id"]);
    assert!(matches!(
        api.statements[6].kind,
        StatementKind::Credentials(true)
    ));
    assert!(matches!(
        api.statements[8].kind,
        StatementKind::PrivateNetwork(true)
    ));
}

#[test]
fn spans_point_at_what_was_written() {
    let file = parse(SPEC_EXAMPLE).unwrap();
    let api = &file.policies[1];
    assert_eq!(&SPEC_EXAMPLE[api.name.span.range()], "\"api\"");
    assert!(SPEC_EXAMPLE[api.span.range()].starts_with("policy \"api\" {"));
    assert!(SPEC_EXAMPLE[api.span.range()].ends_with('}'));
    let origins = &api.statements[1];
    assert_eq!(&SPEC_EXAMPLE[origins.keyword_span.range()], "origins");
    assert!(SPEC_EXAMPLE[origins.span.range()].ends_with("\"http://localhost:*\""));
    let StatementKind::Origins(r) = &api.statements[2].kind else {
        panic!()
    };
    assert_eq!(
        &SPEC_EXAMPLE[r[0].span.range()],
        r#"regex r"^https://pr-[0-9]+\.preview\.example\.dev$""#
    );
    let max_age = &api.statements[7];
    let StatementKind::MaxAge(v) = &max_age.kind else {
        panic!()
    };
    assert_eq!(&SPEC_EXAMPLE[v.span.range()], "2h");
    assert_eq!(v.span.line_col(SPEC_EXAMPLE), (17, 13));
}

#[test]
fn every_statement_form_parses() {
    let src = r##"
        policy "all" {
            paths "/a", r"/b/**";
            origins *, null, "https://a.example", regex "^https://b\\.example$", regex r#"^https://"q"$"#;
            methods *, GET, "M-SEARCH", patch
            headers *, authorization, "x-odd|name"
            expose x.y_z-1
            credentials false
            private-network true
            max-age 600
            preflight-status 200
            allow null-origin, "regex-dot"
        }"##;
    let file = parse(src).unwrap();
    let s = &file.policies[0].statements;
    let StatementKind::Origins(o) = &s[1].kind else {
        panic!()
    };
    let o: Vec<_> = o.iter().map(|o| o.value.clone()).collect();
    assert_eq!(
        o,
        [
            OriginExpr::Any,
            OriginExpr::Null,
            OriginExpr::Literal("https://a.example".into()),
            OriginExpr::Regex(r"^https://b\.example$".into()),
            OriginExpr::Regex(r#"^https://"q"$"#.into()),
        ]
    );
    let StatementKind::Methods(m) = &s[2].kind else {
        panic!()
    };
    assert_eq!(names(m), ["*", "GET", "M-SEARCH", "patch"]);
    let StatementKind::Headers(h) = &s[3].kind else {
        panic!()
    };
    assert_eq!(names(h), ["*", "authorization", "x-odd|name"]);
    let StatementKind::Expose(e) = &s[4].kind else {
        panic!()
    };
    assert_eq!(names(e), ["x.y_z-1"]);
    assert!(matches!(s[5].kind, StatementKind::Credentials(false)));
    assert!(matches!(s[6].kind, StatementKind::PrivateNetwork(true)));
    assert!(matches!(&s[7].kind, StatementKind::MaxAge(v) if v.value == 600));
    assert!(matches!(&s[8].kind, StatementKind::PreflightStatus(v) if v.value == 200));
    let StatementKind::Allow(a) = &s[9].kind else {
        panic!()
    };
    assert_eq!(
        a.iter().map(|a| a.value.as_str()).collect::<Vec<_>>(),
        ["null-origin", "regex-dot"]
    );
}

#[test]
fn durations_in_every_unit() {
    for (text, seconds) in [
        ("0", 0),
        ("600", 600),
        ("90s", 90),
        ("10m", 600),
        ("2h", 7200),
        ("1d", 86_400),
    ] {
        let file = parse(&format!("policy \"p\" {{ max-age {text} }}")).unwrap();
        assert!(
            matches!(&file.policies[0].statements[0].kind, StatementKind::MaxAge(v) if v.value == seconds),
            "{text}"
        );
    }
}

#[test]
fn rust_string_escapes() {
    let src = "policy \"a\\n\\r\\t\\\\\\0\\'\\\"\\x41\\u{e9}\\u{1F_600}\\\n     b\" { }";
    let file = parse(src).unwrap();
    assert_eq!(
        file.policies[0].name.value,
        "a\n\r\t\\\0'\"A\u{e9}\u{1F600}b"
    );
}

#[test]
fn layout_is_free_and_semicolons_optional() {
    let one = parse("policy \"p\" { origins \"https://a.example\"; methods GET; }").unwrap();
    let mut two = parse("policy\n\"p\"\n{\norigins\n\"https://a.example\"\n/* c /* nested */ */ methods // x\n GET\n}").unwrap();
    // Comments are kept (before the statement they sit in), and compared.
    let before = &two.policies[0].statements[1].comments.before;
    let texts: Vec<&str> = before.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(texts, ["/* c /* nested */ */", "// x"]);
    assert_ne!(one, two);
    two.policies[0].statements[1].comments.before.clear();
    assert_eq!(one, two);
    // Statements may share a line; keywords are whole words.
    let three = parse("policy \"p\" { origins \"https://a.example\" methods GET }").unwrap();
    assert_eq!(one, three);
}

#[test]
fn keywords_are_whole_words() {
    let (l, c, kind, msg, help) = one_error("policy \"p\" { originsx \"https://a.example\" }");
    assert_eq!((l, c, kind), (1, 14, Kind::UnknownStatement));
    assert_eq!(msg, "unknown statement `originsx`");
    assert_eq!(help.as_deref(), Some("did you mean `origins`?"));
}

// ---- syntax errors: wording and line:column ----------------------------------------

#[test]
fn missing_comma() {
    let src = "policy \"p\" {\n    origins *\n    methods GET POST\n}";
    let (l, c, kind, msg, help) = one_error(src);
    assert_eq!((l, c, kind), (3, 16, Kind::Syntax));
    assert_eq!(msg, "missing `,` between list items");
    assert_eq!(help.as_deref(), Some("write `GET, POST`"));
}

#[test]
fn missing_comma_between_strings_across_lines() {
    let src = "policy \"p\" {\n    origins \"https://a.example\"\n            \"https://b.example\", \"https://c.example\" \"https://d.example\"\n}";
    let all = errors(src);
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!((all[0].0, all[0].1), (2, 32));
    assert_eq!((all[1].0, all[1].1), (3, 53));
    assert!(all.iter().all(|e| e.3 == "missing `,` between list items"));
}

#[test]
fn a_trailing_comma_before_the_next_statement() {
    let src = "policy \"p\" {\n    methods GET,\n    headers x-a\n}";
    let (l, c, kind, msg, help) = one_error(src);
    assert_eq!((l, c, kind), (2, 16, Kind::Syntax));
    assert_eq!(msg, "a list cannot end with `,`");
    assert!(
        help.unwrap()
            .contains("`headers` on the next line reads as one more item")
    );
}

#[test]
fn unknown_escape() {
    let src = "policy \"p\" {\n    origins regex \"^https://a\\.example\\.com$\"\n}";
    let all = errors(src);
    assert_eq!(all.len(), 2, "both bad escapes are reported: {all:#?}");
    let (l, c, kind, msg, help) = all[0].clone();
    assert_eq!((l, c, kind), (2, 30, Kind::Syntax));
    assert_eq!(msg, "unknown character escape `\\.`");
    assert!(help.unwrap().contains("raw string"));
    assert_eq!((all[1].0, all[1].1), (2, 39));
}

#[test]
fn other_bad_escapes() {
    for (escape, message) in [
        ("\\x80", "out of range hex escape `\\x80`"),
        (
            "\\xZ1",
            "invalid hex escape: `\\x` takes exactly two hex digits",
        ),
        ("\\u{D800}", "invalid unicode escape `\\u{D800}`"),
        ("\\u{110000}", "invalid unicode escape `\\u{110000}`"),
        (
            "\\u41",
            "invalid unicode escape: `\\u` must be followed by `{…}`",
        ),
    ] {
        let src = format!("policy \"a{escape}\" {{ }}");
        let (l, c, kind, msg, _) = one_error(&src);
        assert_eq!(
            (l, c, kind, msg.as_str()),
            (1, 10, Kind::Syntax, message),
            "{escape}"
        );
    }
}

#[test]
fn unknown_statements_with_did_you_mean() {
    let src = "policy \"p\" {\n    origin \"https://a.example\"\n    max_age 2h\n    credential\n    frobnicate 1, 2\n    origins *\n}";
    let all = errors(src);
    let got: Vec<_> = all
        .iter()
        .map(|e| (e.0, e.1, e.2, e.3.as_str(), e.4.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (
                2,
                5,
                Kind::UnknownStatement,
                "unknown statement `origin`",
                Some("did you mean `origins`?")
            ),
            (
                3,
                5,
                Kind::UnknownStatement,
                "unknown statement `max_age`",
                Some("did you mean `max-age`?")
            ),
            (
                4,
                5,
                Kind::UnknownStatement,
                "unknown statement `credential`",
                Some("did you mean `credentials`?")
            ),
            (
                5,
                5,
                Kind::UnknownStatement,
                "unknown statement `frobnicate`",
                Some(
                    "the statements are `paths`, `origins`, `methods`, `headers`, `expose`, `credentials`, `max-age`, `private-network`, `preflight-status` and `allow`"
                )
            ),
        ]
    );
}

#[test]
fn empty_file() {
    for src in ["", "  \n\n", "// only a comment\n/* and /* another */ */\n"] {
        let (l, c, kind, msg, help) = one_error(src);
        assert_eq!((l, c, kind), (1, 1, Kind::Syntax));
        assert_eq!(msg, "the file has no policy");
        assert!(
            help.unwrap()
                .contains("policy \"name\" { origins \"https://app.example.com\" }")
        );
    }
}

#[test]
fn unclosed_brace() {
    let src = "policy \"a\" {\n    origins *\n\npolicy \"b\" {\n    origins *\n}\n";
    let (l, c, kind, msg, help) = one_error(src);
    assert_eq!((l, c, kind), (1, 12, Kind::Syntax));
    assert_eq!(msg, "unclosed `{` of policy `a`");
    assert!(help.unwrap().contains('}'));
    let src = "policy \"a\" {\n    origins *\n";
    assert_eq!(one_error(src).3, "unclosed `{` of policy `a`");
}

#[test]
fn bad_durations() {
    let src = "policy \"p\" {\n    max-age 2x\n    max-age -5\n    max-age 1.5h\n    max-age 99999999999999999999d\n    max-age 213503982334602d\n}";
    let all = errors(src);
    let got: Vec<_> = all.iter().map(|e| (e.0, e.1, e.2, e.3.as_str())).collect();
    assert_eq!(
        got,
        [
            (2, 13, Kind::InvalidDuration, "`2x` is not a duration"),
            (
                3,
                13,
                Kind::InvalidDuration,
                "a duration cannot be negative: `-5`"
            ),
            (4, 13, Kind::InvalidDuration, "`1.5h` is not a duration"),
            (
                5,
                13,
                Kind::InvalidDuration,
                "the duration `99999999999999999999d` is too long"
            ),
            (
                6,
                13,
                Kind::InvalidDuration,
                "the duration `213503982334602d` is too long"
            ),
        ]
    );
    assert!(
        all[0]
            .4
            .as_deref()
            .unwrap()
            .contains("`600`, `90s`, `10m`, `2h`, `1d`")
    );
    let (l, c, kind, msg, _) = one_error("policy \"p\" { max-age }");
    assert_eq!((l, c, kind), (1, 22, Kind::Syntax));
    assert_eq!(
        msg,
        "expected a duration such as `600`, `90s`, `10m`, `2h` or `1d`, found `}`"
    );
}

#[test]
fn bad_status() {
    let all = errors("policy \"p\" { preflight-status 20x preflight-status 99999999999999999999 }");
    let got: Vec<_> = all.iter().map(|e| (e.1, e.2, e.3.as_str())).collect();
    assert_eq!(
        got,
        [
            (31, Kind::InvalidStatus, "`20x` is not a status code"),
            (
                52,
                Kind::InvalidStatus,
                "the status code `99999999999999999999` is too large"
            ),
        ]
    );
}

#[test]
fn stray_tokens() {
    let (l, c, kind, msg, _) = one_error("policy \"p\" {\n    origins *\n    = 3\n}");
    assert_eq!((l, c, kind), (3, 5, Kind::Syntax));
    assert_eq!(
        msg,
        "expected a statement such as `origins`, `methods` or `max-age`, found `=`"
    );

    let (l, c, _, msg, help) = one_error("policy \"p\" {\n    credentials yes\n}");
    assert_eq!((l, c), (2, 17));
    assert_eq!(msg, "unexpected `yes` after `credentials`");
    assert_eq!(
        help.as_deref(),
        Some("write `credentials`, `credentials true` or `credentials false`")
    );

    let (l, c, _, msg, help) = one_error("policy \"p\" { headers x-odd|name }");
    assert_eq!((l, c), (1, 27));
    assert_eq!(msg, "unexpected `|` after `headers x-odd`");
    assert!(help.unwrap().contains("`\"x-odd|name\"`"));

    let (l, c, _, msg, _) = one_error("policy \"p\" { origins * }\n}");
    assert_eq!((l, c), (2, 1));
    assert_eq!(msg, "unexpected `}`");

    let (l, c, _, msg, help) = one_error("policy \"p\" { origins * }\nmethods GET");
    assert_eq!((l, c), (2, 1));
    assert_eq!(
        msg,
        "expected `policy` or the end of the file, found `methods`"
    );
    assert!(help.unwrap().contains("outside any policy block"));

    let (l, c, _, msg, _) = one_error("origins *\npolicy \"p\" { origins * }");
    assert_eq!((l, c), (1, 1));
    assert_eq!(
        msg,
        "expected a policy such as `policy \"api\" { … }`, found `origins`"
    );
}

#[test]
fn expected_in_words_never_rule_names() {
    let cases = [
        (
            "policy \"p\" { origins example.com }",
            (1, 22),
            "expected an origin such as `\"https://example.com\"`, `*`, `null` or `regex r\"…\"`, found `example.com`",
        ),
        (
            "policy \"p\" { origins \"https://a.example\", }",
            (1, 43),
            "expected an origin such as `\"https://example.com\"`, `*`, `null` or `regex r\"…\"`, found `}`",
        ),
        (
            "policy \"p\" { origins regex foo }",
            (1, 28),
            "expected a regex string such as `r\"^https://[a-z]+\\.example\\.com$\"`, found `foo`",
        ),
        (
            "policy \"p\" { paths /api }",
            (1, 20),
            "expected a path glob in quotes, such as `\"/api/**\"`, found `/`",
        ),
        (
            "policy \"p\" { methods , GET }",
            (1, 22),
            "expected a method such as `GET` or `*`, found `,`",
        ),
        (
            "policy \"p\" { headers }",
            (1, 22),
            "expected a header name such as `x-request-id` or `*`, found `}`",
        ),
        (
            "policy \"p\" { allow * }",
            (1, 20),
            "expected a warning name such as `null-origin`, found `*`",
        ),
        (
            "policy \"p\" { preflight-status }",
            (1, 31),
            "expected a status code such as `204`, found `}`",
        ),
        (
            "policy p { }",
            (1, 8),
            "expected the policy's name in quotes, such as `\"api\"`, found `p`",
        ),
        (
            "policy \"p\" origins",
            (1, 12),
            "expected `{` after the policy's name, found `origins`",
        ),
        (
            "policy \"p\" {\n    origins",
            (2, 12),
            "expected an origin such as `\"https://example.com\"`, `*`, `null` or `regex r\"…\"`, found the end of the file",
        ),
    ];
    for (src, at, message) in cases {
        let all = errors(src);
        assert!(
            all.iter()
                .any(|(l, c, kind, msg, _)| ((*l, *c), *kind, msg.as_str())
                    == (at, Kind::Syntax, message)),
            "{src}: {all:#?}"
        );
        for (_, _, _, msg, _) in &all {
            assert!(!msg.contains('_'), "a rule name leaked: {msg}");
        }
    }
}

#[test]
fn typographic_quotes_get_a_hint() {
    // (The `//` in the URL starts a comment, as in Rust: hence the line break.)
    let (l, c, _, msg, help) =
        one_error("policy \"p\" { origins \u{201C}https://a.example\u{201D}\n}");
    assert_eq!((l, c), (1, 22));
    assert_eq!(
        msg,
        "expected an origin such as `\"https://example.com\"`, `*`, `null` or `regex r\"…\"`, found `\u{201C}`"
    );
    assert_eq!(
        help.as_deref(),
        Some("strings are written with straight double quotes: `\"…\"`")
    );
}

#[test]
fn every_broken_policy_is_reported() {
    let src = "policy \"a\" {\n    origins , \"https://a.example\"\n}\n\npolicy \"b\" {\n    methods GET,\n}\n\npolicy \"c\" {\n    origins *\n    origin *\n}\n";
    let all = errors(src);
    let at: Vec<_> = all.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(at, [(2, 13), (7, 1), (11, 5)], "{all:#?}");
}

#[test]
fn recovery_within_a_policy_goes_on_at_the_next_statement() {
    let src = "policy \"a\" {\n    origins ,\n    max-age\n    methods GET POST\n    headers x\n}";
    let all = errors(src);
    let at: Vec<_> = all.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(at, [(2, 13), (4, 5), (4, 16)], "{all:#?}");
}

#[test]
fn unterminated_strings_and_comments() {
    let (l, c, _, msg, _) = one_error("policy \"p\" {\n    origins \"https://a.example\n}\n");
    assert_eq!(((l, c), msg.as_str()), ((2, 13), "unterminated string"));
    let (l, c, _, msg, help) = one_error("policy \"p\" { origins regex r#\"abc\" }");
    assert_eq!(((l, c), msg.as_str()), ((1, 28), "unterminated raw string"));
    assert!(help.unwrap().contains("`\"#`"));
    let (l, c, _, msg, _) = one_error("policy \"p\" { /* a /* b */ origins * }");
    assert_eq!(
        ((l, c), msg.as_str()),
        ((1, 14), "unterminated block comment")
    );
}

#[test]
fn bare_carriage_return_in_a_string() {
    let (_, c, _, msg, _) = one_error("policy \"a\rb\" { }");
    assert_eq!(
        (c, msg.as_str()),
        (10, "a bare carriage return in a string")
    );
    // CRLF line ends are fine everywhere, and read as LF inside strings.
    let file = parse("policy \"a\r\nb\" {\r\n    origins *\r\n}\r\n").unwrap();
    assert_eq!(file.policies[0].name.value, "a\nb");
}

#[test]
fn byte_order_mark_and_unicode_whitespace() {
    let file = parse("\u{FEFF}policy \"p\"\u{2028}{ origins\u{85}* }").unwrap();
    assert_eq!(file.policies.len(), 1);
}

// ---- robustness ------------------------------------------------------------------------

#[test]
fn deeply_nested_comments_are_refused_not_overflowed() {
    let src = format!("policy \"p\" {{ origins * }}\n{}", "/*".repeat(10_000));
    let (l, c, kind, msg, _) = one_error(&src);
    assert_eq!(kind, Kind::Syntax);
    assert_eq!(msg, "block comments nested more than 64 deep");
    assert_eq!((l, c), (2, 129));
    // 64 levels are fine.
    let ok = format!(
        "{}{} policy \"p\" {{ origins * }}",
        "/*".repeat(64),
        "*/".repeat(64)
    );
    assert!(parse(&ok).is_ok());
}

#[test]
fn a_ten_megabyte_line_is_handled() {
    let started = std::time::Instant::now();
    // One huge string.
    let big = "a".repeat(10 << 20);
    let src = format!("policy \"p\" {{ paths \"/{big}\" origins * }}");
    let file = parse(&src).unwrap();
    assert!(
        matches!(&file.policies[0].statements[0].kind, StatementKind::Paths(p) if p[0].value.len() == big.len() + 1)
    );
    // A huge line of junk: one error, quickly.
    let junk = format!("policy \"p\" {{ origins * {} }}", "=".repeat(10 << 20));
    let diags = parse(&junk).unwrap_err();
    assert_eq!(diags.len(), 1);
    let rendered = render(&diags[0], &junk, "big.cors", &RenderOptions::default());
    assert!(rendered.contains("--> big.cors:1:24"), "{rendered}");
    assert!(rendered.len() < 2000);
    // A huge line of many errors stops after a hundred.
    let many = format!("policy \"p\" {{ {} }}", "origins , ".repeat(1 << 20));
    let diags = parse(&many).unwrap_err();
    assert_eq!(diags.len(), 101);
    assert_eq!(diags[100].message, "too many errors (more than 100)");
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn too_large_a_file_is_refused() {
    let src = " ".repeat(cors_policy_grammar::MAX_SOURCE_LEN + 1);
    let (_, _, kind, msg, _) = one_error(&src);
    assert_eq!(kind, Kind::Syntax);
    assert!(msg.starts_with("the file is too large"));
}

// ---- rendering -------------------------------------------------------------------------

#[test]
fn rendering_shows_code_name_location_caret_label_and_help() {
    let src = "policy \"p\" {\n    origins *\n    methods GET POST\n}";
    let diags = parse(src).unwrap_err();
    let out = render(&diags[0], src, "api.cors", &RenderOptions::default());
    let expected = "\
error[E0001/syntax]: missing `,` between list items
 --> api.cors:3:16
  |
3 |     methods GET POST
  |                ^ expected `,` here
  |
  = help: write `GET, POST`";
    assert_eq!(out, expected);
}

#[test]
fn rendering_a_warning_names_it_and_how_to_silence_it() {
    let src = "policy \"p\" { origins null }";
    let d = Diagnostic::new(
        Kind::NullOrigin,
        cors_policy_grammar::Span::new(21, 25),
        "`null` is sent by sandboxed iframes",
    )
    .with_help("list the real origins instead");
    let out = render(&d, src, "p.cors", &RenderOptions::default());
    assert!(
        out.starts_with(
            "warning[W0002/null-origin]: `null` is sent by sandboxed iframes\n --> p.cors:1:22\n"
        ),
        "{out}"
    );
    assert!(out.contains("^^^^"));
    assert!(out.contains("= help: list the real origins instead"));
    assert!(out.contains(
        "= note: `null-origin` is on by default; `allow null-origin` in the policy silences it"
    ));
}

#[test]
fn rendering_at_the_end_of_the_file_and_of_an_empty_one() {
    for src in [
        "",
        "policy \"p\" {\n    origins",
        "policy \"p\" {\n    origins\n",
    ] {
        let diags = parse(src).unwrap_err();
        let (l, c) = diags[0].span.line_col(src);
        let out = render_all(&diags, src, "f.cors", &RenderOptions::default());
        assert!(out.contains(&format!("--> f.cors:{l}:{c}")), "{out}");
        assert!(out.contains('^'), "{out}");
    }
}

#[test]
fn rendering_in_colour_uses_ansi_and_plain_does_not() {
    let src = "policy \"p\" { origin * }";
    let diags = parse(src).unwrap_err();
    let plain = render_all(&diags, src, "f.cors", &RenderOptions { color: false });
    let colour = render_all(&diags, src, "f.cors", &RenderOptions { color: true });
    assert!(!plain.contains('\u{1b}'));
    assert!(colour.contains("\u{1b}["));
    assert!(plain.starts_with("error[E0002/unknown-statement]: unknown statement `origin`"));
}

#[test]
fn render_all_separates_diagnostics_with_a_blank_line() {
    let src = "policy \"p\" {\n    origin *\n    methd GET\n}";
    let diags = parse(src).unwrap_err();
    assert_eq!(diags.len(), 2);
    let out = render_all(&diags, src, "f.cors", &RenderOptions::default());
    assert_eq!(out.matches("error[E0002/unknown-statement]").count(), 2);
    assert!(out.contains("\n\nerror[E0002/unknown-statement]"));
}
