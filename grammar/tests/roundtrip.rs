//! The formatter: canonical output, and `parse(format(ast)) == ast` for random
//! ASTs; and the front end on arbitrary and mutated text: a result, never a
//! panic, and rendered diagnostics whenever there are errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy_grammar::ast::{
    Comment, Comments, File, Item, OriginExpr, Policy, Statement, StatementKind,
};
use cors_policy_grammar::{
    RenderOptions, Span, Spanned, check, format, format_source, parse, render_all,
};
use proptest::prelude::*;

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

#[test]
fn the_specification_example_is_already_canonical_comment_included() {
    assert_eq!(format_source(SPEC_EXAMPLE).unwrap(), SPEC_EXAMPLE);
    let file = parse(SPEC_EXAMPLE).unwrap();
    assert_eq!(
        file.policies[0].comments.before[0].text,
        "// api.cors — comments run from `//` to the end of the line"
    );
}

#[test]
fn comments_are_kept_where_they_were_written() {
    let messy =
        "\u{feff}// the file's header\r\n/* about the api */ policy \"api\" /* head */ { // opens
      paths \"/api/**\"   // line comment, trailing spaces dropped   \n\
      origins \"https://a.example\", // inside a list: moved before the statement
              /* another */ \"https://b.example\" /* after */ ; // after the `;`



      /* a block
         over lines,   kept as written */
      methods GET max-age /* odd place */ 600
      // before the closing brace
    } // after it
    policy \"b\" { origins * }
    // the end
    /* really */";
    let expected = "// the file's header
/* about the api */
/* head */
policy \"api\" { // opens
    paths \"/api/**\" // line comment, trailing spaces dropped
    // inside a list: moved before the statement
    /* another */
    origins \"https://a.example\", \"https://b.example\" /* after */ // after the `;`

    /* a block
         over lines,   kept as written */
    methods GET
    /* odd place */
    max-age 10m
    // before the closing brace
} // after it

policy \"b\" {
    origins *
}

// the end
/* really */
";
    assert_eq!(format_source(messy).unwrap(), expected);
    assert_eq!(format_source(expected).unwrap(), expected);
    // Comments take part in equality: the formatter could not drop one unseen.
    let with = parse(expected).unwrap();
    let without = parse(&expected.replace("// the end\n", "")).unwrap();
    assert_ne!(with, without);
    assert_eq!(with.trailing_comments.len(), 2);
    let api = &with.policies[0];
    assert_eq!(api.comments.after[0].text, "// opens");
    assert_eq!(api.closing_comments.after[0].text, "// after it");
    assert!(api.statements[2].blank_line_before);
    assert!(!api.statements[1].blank_line_before);
}

#[test]
fn one_blank_line_is_kept_between_statements_never_after_the_brace() {
    let src = "policy \"p\" {\n\n    origins *\n\n\n\n    methods GET\n    headers x-a;\n\n    expose x-b\n\n}\n";
    assert_eq!(
        format_source(src).unwrap(),
        "policy \"p\" {\n    origins *\n\n    methods GET\n    headers x-a\n\n    expose x-b\n}\n"
    );
}

#[test]
fn a_header_block_keeps_its_blank_line() {
    let src = "// Policies of the example app.
// Owner: platform team.

policy \"a\" {
    origins \"https://a.com\"
}
";
    assert_eq!(format_source(src).unwrap(), src);
    let file = parse(src).unwrap();
    let header = &file.policies[0].comments.before;
    assert!(!header[0].blank_line_after);
    assert!(header[1].blank_line_after);
    // The blank line takes part in equality: without it the file differs.
    let glued = parse(&src.replace("team.\n\n", "team.\n")).unwrap();
    assert_ne!(file, glued);
    assert_eq!(
        format_source(&src.replace("team.\n\n", "team.\n")).unwrap(),
        src.replace("team.\n\n", "team.\n")
    );
}

#[test]
fn blank_lines_after_comments_collapse_to_one() {
    let src = "/* license */\r\n\r\n\r\n// header\n\n \n\t\npolicy \"p\" { /* open */
    origins *


    // methods GET, POST
    // headers x-a



    // expose x-b
    /* then */ methods GET
    headers x-c, // inside the list


        x-d
    // closing group

    // last before the brace


}

policy \"q\" { origins * }


// trailing


/* last of the file */


";
    let expected = "/* license */

// header

policy \"p\" { /* open */
    origins *

    // methods GET, POST
    // headers x-a

    // expose x-b
    /* then */
    methods GET
    // inside the list

    headers x-c, x-d
    // closing group

    // last before the brace
}

policy \"q\" {
    origins *
}

// trailing

/* last of the file */
";
    let formatted = format_source(src).unwrap();
    assert_eq!(formatted, expected);
    assert_eq!(format_source(&formatted).unwrap(), formatted);
    assert_eq!(parse(&formatted).unwrap(), parse(src).unwrap());

    let file = parse(src).unwrap();
    let p = &file.policies[0];
    // Same-line comments never carry a blank line.
    assert!(!p.comments.after[0].blank_line_after);
    let group = &p.statements[1].comments.before;
    assert_eq!(
        group.iter().map(|c| c.blank_line_after).collect::<Vec<_>>(),
        [false, true, false, false]
    );
    // Before `}` and at the end of the file the blank line is not kept.
    let closing = &p.closing_comments.before;
    assert!(closing[0].blank_line_after);
    assert!(!closing[1].blank_line_after);
    assert!(file.trailing_comments[0].blank_line_after);
    assert!(!file.trailing_comments[1].blank_line_after);
}

#[test]
fn a_blank_line_after_a_comment_where_the_canonical_form_has_none_is_not_printed() {
    // A hand-built AST may set the flag where no text keeps it: the output
    // is then the canonical text, with no blank line before `}` or at the end.
    let mut file =
        parse("policy \"p\" {\n    origins * // same line\n    // closing\n}\n// end\n").unwrap();
    let p = &mut file.policies[0];
    p.statements[0].comments.after[0].blank_line_after = true;
    p.closing_comments.before[0].blank_line_after = true;
    file.trailing_comments[0].blank_line_after = true;
    assert_eq!(
        format(&file),
        "policy \"p\" {\n    origins * // same line\n    // closing\n}\n\n// end\n"
    );
}

#[test]
fn a_blank_line_before_the_closing_comments_is_kept() {
    let src = "policy \"a\" {
    origins \"https://a.com\"

    // methods GET, POST   (disabled for now)
}
";
    let formatted = format_source(src).unwrap();
    assert_eq!(formatted, src);
    assert_eq!(format_source(&formatted).unwrap(), formatted);
    let file = parse(src).unwrap();
    let a = &file.policies[0];
    assert!(a.blank_line_before_closing_comments);
    assert_eq!(
        a.closing_comments.before[0].text,
        "// methods GET, POST   (disabled for now)"
    );
    // The blank line takes part in equality; glued, it stays glued.
    let glued_src = src.replace("com\"\n\n", "com\"\n");
    let glued = parse(&glued_src).unwrap();
    assert!(!glued.policies[0].blank_line_before_closing_comments);
    assert_ne!(file, glued);
    assert_eq!(format_source(&glued_src).unwrap(), glued_src);
}

#[test]
fn blank_lines_before_the_closing_comments_collapse_to_one() {
    // After a same-line comment, a `;`, several blank lines with spaces,
    // and a closing group that itself holds a blank line.
    let src =
        "policy \"a\" {\n    origins *; // all\n  \n\r\n\t\n    /* one */\n\n    // two\n\n}\n";
    let expected = "policy \"a\" {\n    origins * // all\n\n    /* one */\n\n    // two\n}\n";
    let formatted = format_source(src).unwrap();
    assert_eq!(formatted, expected);
    assert_eq!(format_source(&formatted).unwrap(), formatted);
    assert_eq!(parse(&formatted).unwrap(), parse(src).unwrap());
    // A blank line before `}` with no comment there is still not kept.
    assert_eq!(
        format_source("policy \"a\" {\n    origins *\n\n}\n").unwrap(),
        "policy \"a\" {\n    origins *\n}\n"
    );
}

#[test]
fn no_blank_line_after_the_brace_even_before_closing_comments() {
    // A policy without a statement (parses; validation then wants `origins`):
    // the comments follow `{` directly, as they would a first statement.
    let src = "policy \"a\" { // open\n\n\n    // nothing yet\n}\n";
    let file = parse(src).unwrap();
    assert!(!file.policies[0].blank_line_before_closing_comments);
    let formatted = format_source(src).unwrap();
    assert_eq!(formatted, "policy \"a\" { // open\n    // nothing yet\n}\n");
    assert_eq!(format_source(&formatted).unwrap(), formatted);
    // Set by hand where no text can keep it, the flag prints nothing.
    let mut hand = file.clone();
    hand.policies[0].blank_line_before_closing_comments = true;
    assert_eq!(format(&hand), formatted);
    let mut no_comments = parse("policy \"a\" {\n    origins *\n}\n").unwrap();
    no_comments.policies[0].blank_line_before_closing_comments = true;
    assert_eq!(format(&no_comments), "policy \"a\" {\n    origins *\n}\n");
}

#[test]
fn canonical_form_examples() {
    let messy = r###"policy   "a" { origins "https://a.example" ,null;methods "GET" , "M SEARCH",*
        headers "X-Custom"; expose x-a
      max-age 7200 credentials true private-network false preflight-status 0204
        origins regex "^https://a\\.b$", regex r#"^https://"x"$"#, regex "a\nb"
      max-age 90  max-age 600 max-age 0 max-age 86400s allow "null-origin", regex-dot
    }
    /* comments stay */ policy "b\u{e9}\"" { }"###;
    let expected = r####"policy "a" {
    origins "https://a.example", null
    methods GET, "M SEARCH", *
    headers X-Custom
    expose x-a
    max-age 2h
    credentials
    private-network false
    preflight-status 204
    origins regex r"^https://a\.b$", regex r#"^https://"x"$"#, regex "a\nb"
    max-age 90s
    max-age 10m
    max-age 0
    max-age 1d
    allow null-origin, regex-dot
}

/* comments stay */
policy "bé\"" {
}
"####;
    assert_eq!(format_source(messy).unwrap(), expected);
}

#[test]
fn format_source_reports_syntax_errors() {
    let errors = format_source("policy \"p\" { origin * }").unwrap_err();
    assert_eq!(errors[0].name(), "unknown-statement");
}

#[test]
fn format_output_is_refused_when_it_cannot_say_the_ast() {
    // An empty list cannot be written; `format` cannot keep its promise here,
    // which is why `format_source` re-parses before answering.
    let file = File::new(vec![Policy::new(
        Spanned::new("p".into(), Span::default()),
        vec![Statement::new(
            StatementKind::Methods(vec![]),
            Span::default(),
            Span::default(),
        )],
        Span::default(),
    )]);
    assert!(parse(&format(&file)).is_err());
}

// ---- random ASTs ---------------------------------------------------------------------------

fn spanned<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Spanned<T>> {
    s.prop_map(|v| Spanned::new(v, Span::default()))
}

/// Strings with what makes quoting hard: quotes, backslashes, `#`, comment
/// markers, control characters and any Unicode.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9/*.:-]{0,12}",
        "[\"\\\\#/*{}\r\n\t\0 a-z]{0,10}",
        any::<String>(),
    ]
}

fn regex_text() -> impl Strategy<Value = String> {
    prop_oneof![
        r#"\^https://[a-z]+\\\.example\\\.com\$"#,
        "[\"#a-z\\\\.]{0,12}",
        "\"#{0,3}[a-z]{0,3}\"#{0,3}",
        any::<String>(),
    ]
}

fn origin() -> impl Strategy<Value = OriginExpr> {
    prop_oneof![
        Just(OriginExpr::Any),
        Just(OriginExpr::Null),
        text().prop_map(OriginExpr::Literal),
        regex_text().prop_map(OriginExpr::Regex),
        text().prop_map(OriginExpr::Set),
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof!["[A-Za-z0-9][A-Za-z0-9._-]{0,10}", text()]
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![Just(Item::Any), name().prop_map(Item::Name)]
}

fn list<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Vec<T>> {
    proptest::collection::vec(s, 1..4)
}

fn statement_kind() -> impl Strategy<Value = StatementKind> {
    prop_oneof![
        list(spanned(text())).prop_map(StatementKind::Paths),
        list(spanned(origin())).prop_map(StatementKind::Origins),
        list(spanned(item())).prop_map(StatementKind::Methods),
        list(spanned(item())).prop_map(StatementKind::Headers),
        list(spanned(item())).prop_map(StatementKind::Expose),
        any::<bool>().prop_map(StatementKind::Credentials),
        any::<bool>().prop_map(StatementKind::PrivateNetwork),
        prop_oneof![
            any::<u64>(),
            0u64..100_000,
            (0u64..1000).prop_map(|d| d * 86_400)
        ]
        .prop_map(|s| StatementKind::MaxAge(Spanned::new(s, Span::default()))),
        any::<u64>().prop_map(|s| StatementKind::PreflightStatus(Spanned::new(s, Span::default()))),
        list(spanned(name())).prop_map(StatementKind::Allow),
        Just(StatementKind::Skip),
    ]
}

/// `// …` as the parser keeps it: to the end of the line, trailing
/// whitespace trimmed.
fn line_comment() -> impl Strategy<Value = Comment> {
    prop_oneof!["[ a-z/*\"#{}]{0,10}", "[^\n]{0,12}"]
        .prop_map(|s| Comment::new(format!("//{s}").trim_end(), Span::default()))
}

/// `/* … */`, possibly over several lines and with a nested comment.
fn block_comment() -> impl Strategy<Value = Comment> {
    prop_oneof![
        "[^*/\r]{0,10}",
        "[ a-z\n\"]{0,4}/\\*[ a-z\n]{0,4}\\*/[ a-z\r]{0,4}",
    ]
    .prop_map(|body| Comment::new(format!("/*{body}*/"), Span::default()))
}

fn comment() -> impl Strategy<Value = Comment> {
    prop_oneof![line_comment(), block_comment()]
}

/// What follows a run of comments on lines of their own.
#[derive(Clone, Copy)]
enum Before {
    /// A policy or a statement: the last comment may have a blank line after it.
    Node,
    /// `}` or the end of the file: the last one has none (the canonical form
    /// has no blank line there).
    End,
}

/// Comments on lines of their own, some followed by a blank line: usually none.
fn own_lines(before: Before) -> impl Strategy<Value = Vec<Comment>> {
    let flagged = (comment(), any::<bool>()).prop_map(|(c, b)| c.with_blank_line_after(b));
    prop_oneof![
        3 => Just(Vec::new()),
        1 => proptest::collection::vec(flagged, 1..4).prop_map(move |mut comments| {
            if let (Before::End, Some(last)) = (before, comments.last_mut()) {
                last.blank_line_after = false;
            }
            comments
        }),
    ]
}

/// Comments after a line's last token: block comments, then at most one `//`.
fn same_line() -> impl Strategy<Value = Vec<Comment>> {
    prop_oneof![
        3 => Just(Vec::new()),
        1 => (
            proptest::collection::vec(block_comment(), 0..2),
            proptest::option::of(line_comment())
        )
            .prop_map(|(mut blocks, line)| {
                blocks.extend(line);
                blocks
            }),
    ]
}

fn comments(before: Before) -> impl Strategy<Value = Comments> {
    (own_lines(before), same_line()).prop_map(|(before, after)| Comments { before, after })
}

fn file() -> impl Strategy<Value = File> {
    let statement = (statement_kind(), comments(Before::Node), any::<bool>()).prop_map(
        |(kind, comments, blank_line_before)| Statement {
            comments,
            blank_line_before,
            ..Statement::new(kind, Span::default(), Span::default())
        },
    );
    let policy = (
        spanned(text()),
        proptest::collection::vec(statement, 0..6),
        comments(Before::Node),
        comments(Before::End),
        any::<bool>(),
    )
        .prop_map(
            |(name, mut statements, comments, closing_comments, blank_before_closing)| {
                // A policy's first statement has no blank line before it.
                if let Some(first) = statements.first_mut() {
                    first.blank_line_before = false;
                }
                // A blank line before the closing comments only after a
                // statement (none after `{`) and when there are some.
                let blank_line_before_closing_comments = blank_before_closing
                    && !statements.is_empty()
                    && !closing_comments.before.is_empty();
                Policy {
                    comments,
                    closing_comments,
                    blank_line_before_closing_comments,
                    ..Policy::new(name, statements, Span::default())
                }
            },
        );
    (
        proptest::collection::vec(policy, 1..4),
        own_lines(Before::End),
    )
        .prop_map(|(policies, trailing_comments)| File {
            policies,
            trailing_comments,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn format_then_parse_gives_the_same_ast(file in file()) {
        let text = format(&file);
        let parsed = match parse(&text) {
            Ok(p) => p,
            Err(e) => return Err(TestCaseError::fail(format!("{text}\n{e:#?}"))),
        };
        prop_assert_eq!(&parsed, &file, "{}", text);
        // Canonical text is a fixed point.
        prop_assert_eq!(format(&parsed), text);
    }
}

// ---- hostile text ----------------------------------------------------------------------------

fn assert_checked(src: &str) -> Result<(), TestCaseError> {
    let checked = check(src);
    if checked.has_errors() {
        prop_assert!(checked.policies.is_none());
        let rendered = render_all(
            &checked.diagnostics,
            src,
            "fuzz.cors",
            &RenderOptions::default(),
        );
        prop_assert!(rendered.contains("error["), "{}", rendered);
        for d in &checked.diagnostics {
            prop_assert!(!d.message.is_empty());
            // The driver found what the grammar refused.
            prop_assert!(d.message != "this policy could not be parsed", "{}", src);
            prop_assert!(
                d.span.start <= d.span.end && d.span.end <= src.len(),
                "{:?} in {} bytes",
                d.span,
                src.len()
            );
        }
    } else {
        prop_assert!(checked.policies.is_some());
        // What checks clean formats, and the formatted text checks clean too.
        let formatted = format_source(src);
        prop_assert!(formatted.is_ok(), "{:?}", formatted);
    }
    Ok(())
}

/// Pieces a mutation splices in: tokens of the language and of its near misses.
const PIECES: &[&str] = &[
    "policy",
    "\"x\"",
    "r#\"",
    "\"#",
    "{",
    "}",
    ",",
    ";",
    "*",
    "null",
    "regex",
    "origins",
    "methods",
    "max-age",
    "2h",
    "-5",
    "/*",
    "*/",
    "//",
    "\n",
    "\\",
    "\"",
    "é",
    "\u{2028}",
    "credentials",
    "true",
    "r\"",
    "#",
    " ",
    "GET",
];

#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0usize..20).prop_map(|(a, n)| Edit::Delete(a, n)),
        (any::<usize>(), 0..PIECES.len()).prop_map(|(a, p)| Edit::Insert(a, p)),
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

fn boundary(s: &str, at: usize) -> usize {
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn mutate(mut s: String, edits: &[Edit]) -> String {
    for e in edits {
        match *e {
            Edit::Delete(a, n) => {
                let a = boundary(&s, a);
                let b = boundary(&s, (a + n).min(s.len()));
                s.replace_range(a..b.max(a), "");
            }
            Edit::Insert(a, p) => {
                let a = boundary(&s, a);
                s.insert_str(a, PIECES[p]);
            }
            Edit::Duplicate(a, n) => {
                let a = boundary(&s, a);
                let b = boundary(&s, (a + n).min(s.len())).max(a);
                let piece = s[a..b].to_owned();
                s.insert_str(b, &piece);
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_gets_a_result(src in any::<String>()) {
        assert_checked(&src)?;
    }

    #[test]
    fn arbitrary_tokens_get_a_result(pieces in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let src: String = pieces.iter().map(|&p| PIECES[p]).collect::<Vec<_>>().join(" ");
        assert_checked(&src)?;
    }

    #[test]
    fn mutated_policies_get_a_result(edits in proptest::collection::vec(edit(), 1..6)) {
        assert_checked(&mutate(SPEC_EXAMPLE.to_owned(), &edits))?;
    }
}

/// The fastest of `runs` formattings of `statements` statements on one
/// line with one comment at its very end.
fn format_with_comment_at_end(statements: usize, runs: usize) -> std::time::Duration {
    let body = " methods GET".repeat(statements);
    let src = format!("policy \"p\" {{ origins *{body} }} /* the end */");
    (0..runs)
        .map(|_| {
            let started = std::time::Instant::now();
            let out = format_source(&src).unwrap();
            let took = started.elapsed();
            assert!(out.ends_with("} /* the end */\n"));
            took
        })
        .min()
        .unwrap_or_default()
}

/// Twenty thousand statements on one line and one comment at its very end:
/// no statement may look all the way to it, so ten times the statements
/// take well under 40 times the time (linear work grows about 10×, each
/// statement scanning to the end about 100×). Times are compared, never
/// bounded.
#[test]
fn comments_cost_linear_time() {
    let small = format_with_comment_at_end(2_000, 3);
    let large = format_with_comment_at_end(20_000, 2);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 40.0,
        "10× the statements took {ratio:.1}× the time ({small:?} → {large:?})"
    );
}
