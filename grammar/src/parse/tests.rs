//! Unit tests of the parser's sections: the whole-block and
//! statement-by-statement paths agree, and the did-you-mean.

use pest::Parser as _;

use super::block::{did_you_mean, keyword_list};
use super::driver::Driver;
use super::grammar::{CorsParser, Rule};
use super::parse;
use crate::ast::Keyword;

#[test]
fn the_whole_file_rule_accepts_what_the_driver_accepts() {
    let src = "policy \"a\" { origins *; methods GET, \"M-SEARCH\" max-age 2h }\npolicy \"b\" { origins regex r#\"^https://a\"b$\"# }";
    assert!(CorsParser::parse(Rule::file, src).is_ok());
    assert!(parse(src).is_ok());
}

#[test]
fn whole_block_and_statement_by_statement_agree() {
    let src = r##"policy "a\u{e9}" {
            paths "/a", r"/b/**"; origins *, null, "https://a.example", regex r#"^"x"$"#
            methods *, GET, "M-SEARCH" headers x-a; expose x.y_z-1
            credentials false private-network max-age 10m preflight-status 204
            allow null-origin, "regex-dot"
        }"##;
    let mut whole = Driver::new(src);
    let a = whole.policy_whole(0, src.len()).flatten();
    let mut by_statement = Driver::new(src);
    let b = by_statement.policy_by_statement(0, src.len());
    assert!(whole.diags.is_empty() && by_statement.diags.is_empty());
    // Debug output shows the spans too.
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert!(a.is_some());
}

#[test]
fn did_you_mean_finds_near_keywords() {
    assert_eq!(did_you_mean("origin"), Some(Keyword::Origins));
    assert_eq!(did_you_mean("max_age"), Some(Keyword::MaxAge));
    assert_eq!(did_you_mean("credential"), Some(Keyword::Credentials));
    assert_eq!(did_you_mean("Origins"), Some(Keyword::Origins));
    assert_eq!(did_you_mean("zzzzzzzz"), None);
}

#[test]
fn the_keyword_list_names_every_keyword_in_order() {
    assert_eq!(
        keyword_list("or"),
        "`paths`, `origins`, `methods`, `headers`, `expose`, `credentials`, `max-age`, `private-network`, `preflight-status`, `allow` or `skip`"
    );
}
