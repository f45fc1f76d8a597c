//! `skip` and `set "NAME"` through the whole front end: parse, validate,
//! format.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use cors_policy_grammar::model::OriginMatcher;
use cors_policy_grammar::{Kind, check, format_source};

fn codes(src: &str) -> Vec<(Kind, String)> {
    check(src)
        .diagnostics
        .iter()
        .map(|d| (d.kind, src[d.span.range()].to_owned()))
        .collect()
}

#[test]
fn a_skip_policy_needs_no_origins() {
    let checked = check("policy \"hooks\" { paths \"/hooks/**\" skip allow shadowed-policy }");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let set = checked.policies.unwrap();
    assert!(set.policies[0].skip);
    assert!(set.policies[0].origins.is_empty());
    assert_eq!(set.policies[0].paths, ["/hooks/**"]);
}

#[test]
fn a_skip_policy_holds_only_paths_and_allow() {
    let src = "policy \"hooks\" {\n  paths \"/hooks/**\"\n  skip\n  origins \"https://a.com\"\n  credentials\n  max-age 10\n  methods PUT\n}";
    assert_eq!(
        codes(src),
        [
            (Kind::SkipConflict, "origins".to_owned()),
            (Kind::SkipConflict, "credentials".to_owned()),
            (Kind::SkipConflict, "max-age".to_owned()),
            (Kind::SkipConflict, "methods".to_owned()),
        ]
    );
    assert_eq!(
        codes("policy \"p\" { skip skip }"),
        [(Kind::DuplicateStatement, "skip".to_owned())]
    );
    // Without `skip`, no origins is still an error.
    assert_eq!(
        codes("policy \"p\" { paths \"/x\" }"),
        [(Kind::MissingOrigins, "\"p\"".to_owned())]
    );
}

#[test]
fn set_entries_are_validated_by_name() {
    let checked =
        check("policy \"api\" { origins \"https://a.com\", set \"tenants\" credentials }");
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let set = checked.policies.unwrap();
    let origins = &set.policies[0].origins;
    assert_eq!(origins[1].matcher, OriginMatcher::Set("tenants".into()));
    assert_eq!(origins[1].source, "set \"tenants\"");
    assert_eq!(
        codes("policy \"p\" { origins set \"\", set \"a b\", set \"ok\" }"),
        [
            (Kind::InvalidOrigin, "set \"\"".to_owned()),
            (Kind::InvalidOrigin, "set \"a b\"".to_owned()),
        ]
    );
}

#[test]
fn skip_and_set_round_trip_through_the_formatter() {
    let src = "policy \"hooks\" {paths \"/hooks/**\"; skip}\npolicy \"api\" { origins set r\"tenants\",\"https://a.com\" }\n";
    let out = format_source(src).unwrap();
    assert_eq!(
        out,
        "policy \"hooks\" {\n    paths \"/hooks/**\"\n    skip\n}\n\npolicy \"api\" {\n    origins set \"tenants\", \"https://a.com\"\n}\n"
    );
    assert_eq!(format_source(&out).unwrap(), out);
}
