//! Validation from hand-built ASTs (independent of the parser).

use super::origin::Normalized;
use super::*;
use crate::ast::{Item, OriginExpr, Policy, Statement, StatementKind};
use crate::model::{HostPattern, NameList, OriginMatcher, OriginPattern, PortPattern};
use crate::{Kind, Severity, Span, Spanned};

/// Builds ASTs with increasing, distinct spans so that source order is the
/// order of construction.
#[derive(Default)]
struct B {
    at: usize,
}

impl B {
    fn span(&mut self) -> Span {
        self.at += 10;
        Span::new(self.at, self.at + 5)
    }
    fn s<T>(&mut self, v: T) -> Spanned<T> {
        Spanned::new(v, self.span())
    }
    fn st(&mut self, kind: impl FnOnce(&mut Self) -> StatementKind) -> Statement {
        let keyword_span = self.span();
        let kind = kind(self);
        Statement::new(kind, keyword_span, keyword_span)
    }
    fn origins(&mut self, list: &[&str]) -> Statement {
        self.st(|b| {
            StatementKind::Origins(
                list.iter()
                    .map(|o| {
                        let e = match *o {
                            "*" => OriginExpr::Any,
                            "null" => OriginExpr::Null,
                            o if o.starts_with("re:") => {
                                OriginExpr::Regex(o.trim_start_matches("re:").to_owned())
                            }
                            o => OriginExpr::Literal(o.to_owned()),
                        };
                        b.s(e)
                    })
                    .collect(),
            )
        })
    }
    fn items(&mut self, list: &[&str]) -> Vec<Spanned<Item>> {
        list.iter()
            .map(|i| {
                self.s(if *i == "*" {
                    Item::Any
                } else {
                    Item::Name((*i).to_owned())
                })
            })
            .collect()
    }
    fn strings(&mut self, list: &[&str]) -> Vec<Spanned<String>> {
        list.iter().map(|i| self.s((*i).to_owned())).collect()
    }
    fn policy(
        &mut self,
        name: &str,
        statements: impl FnOnce(&mut Self) -> Vec<Statement>,
    ) -> Policy {
        let name = self.s(name.to_owned());
        let statements = statements(self);
        let span = name.span;
        Policy::new(name, statements, span)
    }
}

fn run(policies: Vec<Policy>) -> (Option<model::PolicySet>, Vec<Diagnostic>) {
    validate(&ast::File::new(policies))
}

fn kinds(d: &[Diagnostic]) -> Vec<(Kind, Severity)> {
    d.iter().map(|d| (d.kind, d.severity)).collect()
}

#[test]
fn a_good_policy_becomes_its_model() {
    let mut b = B::default();
    let p = b.policy("api", |b| {
        vec![
            b.st(|b| StatementKind::Paths(b.strings(&["/api/**"]))),
            b.origins(&[
                "HTTPS://App.Example.com:443",
                "https://*.staging.example.com",
                "http://localhost:*",
            ]),
            b.origins(&[r"re:^https://pr-[0-9]+\.preview\.example\.dev$"]),
            b.st(|b| StatementKind::Methods(b.items(&["GET", "PUT", "PATCH", "PUT"]))),
            b.st(|b| {
                StatementKind::Headers(b.items(&["Content-Type", "authorization", "content-type"]))
            }),
            b.st(|b| StatementKind::Expose(b.items(&["X-Request-Id"]))),
            b.st(|_| StatementKind::Credentials(true)),
            b.st(|b| StatementKind::MaxAge(b.s(7200))),
        ]
    });
    let (set, d) = run(vec![p]);
    assert_eq!(d, vec![]);
    let set = set.unwrap();
    let p = &set.policies[0];
    assert_eq!(p.paths, vec!["/api/**"]);
    assert_eq!(
        p.origins
            .iter()
            .map(|o| o.matcher.clone())
            .collect::<Vec<_>>(),
        vec![
            OriginMatcher::Exact("https://app.example.com".into()),
            OriginMatcher::Pattern(OriginPattern {
                scheme: "https".into(),
                host: HostPattern::Subdomains("staging.example.com".into()),
                port: PortPattern::Default
            }),
            OriginMatcher::Pattern(OriginPattern {
                scheme: "http".into(),
                host: HostPattern::Exact("localhost".into()),
                port: PortPattern::Any
            }),
            OriginMatcher::Regex(r"^https://pr-[0-9]+\.preview\.example\.dev$".into()),
        ]
    );
    assert_eq!(p.origins[0].source, "\"HTTPS://App.Example.com:443\"");
    assert_eq!(
        p.origins[3].source,
        r#"regex r"^https://pr-[0-9]+\.preview\.example\.dev$""#
    );
    assert_eq!(
        p.methods,
        NameList {
            any: false,
            names: vec!["GET".into(), "PUT".into(), "PATCH".into()]
        }
    );
    assert_eq!(p.headers.names, vec!["content-type", "authorization"]);
    assert_eq!(p.expose.names, vec!["x-request-id"]);
    assert!(p.credentials && !p.private_network);
    assert_eq!((p.max_age, p.preflight_status), (Some(7200), 204));
}

#[test]
fn defaults() {
    let mut b = B::default();
    let p = b.policy("p", |b| vec![b.origins(&["*"])]);
    let (set, d) = run(vec![p]);
    assert!(d.is_empty());
    let p = &set.unwrap().policies[0];
    assert_eq!(p.methods.names, vec!["GET", "HEAD", "POST"]);
    assert!(p.headers.names.is_empty() && !p.headers.any && p.expose.names.is_empty());
    assert_eq!(
        (p.max_age, p.preflight_status, p.credentials),
        (None, 204, false)
    );
}

#[test]
fn every_problem_at_once_sorted() {
    let mut b = B::default();
    let p = b.policy("p", |b| {
        vec![
            b.origins(&["https://a.com/", "*", "null"]),
            b.st(|b| StatementKind::Methods(b.items(&["TRACE", "x y"]))),
            b.st(|b| StatementKind::Headers(b.items(&["cookie"]))),
            b.st(|_| StatementKind::Credentials(true)),
            b.st(|b| StatementKind::PreflightStatus(b.s(404))),
            b.st(|_| StatementKind::Credentials(true)),
            b.st(|b| StatementKind::Allow(b.strings(&["regex-dots", "invalid-origin"]))),
        ]
    });
    let q = b.policy("p", |_| vec![]);
    let (set, d) = run(vec![p, q]);
    assert!(set.is_none());
    let got: Vec<Kind> = d.iter().map(|d| d.kind).collect();
    assert_eq!(
        got,
        vec![
            Kind::InvalidOrigin,
            Kind::CredentialsWildcard,
            Kind::CredentialsNull,
            Kind::RedundantOrigin,
            Kind::ForbiddenMethod,
            Kind::InvalidToken,
            Kind::ForbiddenHeader,
            Kind::InvalidStatus,
            Kind::DuplicateStatement,
            Kind::UnknownLint,
            Kind::UnknownLint,
            Kind::DuplicatePolicy,
            Kind::MissingOrigins,
            Kind::ShadowedPolicy,
        ]
    );
    assert!(d.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    assert_eq!(d[9].help.as_deref(), Some("did you mean `regex-dot`?"));
    assert_eq!(
        d[10].message,
        "`invalid-origin` is an error, and errors cannot be silenced"
    );
    assert_eq!(d[8].message, "`credentials` is already set earlier");
}

#[test]
fn allow_silences_its_own_policy_only() {
    let mut b = B::default();
    let p = b.policy("a", |b| {
        vec![
            b.st(|b| StatementKind::Paths(b.strings(&["/a"]))),
            b.origins(&["null"]),
            b.st(|b| StatementKind::Allow(b.strings(&["null-origin"]))),
        ]
    });
    let q = b.policy("b", |b| {
        vec![
            b.st(|b| StatementKind::Paths(b.strings(&["/b"]))),
            b.origins(&["null"]),
        ]
    });
    let (set, d) = run(vec![p, q]);
    assert!(set.is_some());
    assert_eq!(kinds(&d), vec![(Kind::NullOrigin, Severity::Warning)]);
    assert_eq!(d[0].span.start, 120, "the `null` of policy `b`");
}

#[test]
fn public_suffix_downgrade() {
    let mut b = B::default();
    let with = |b: &mut B, creds: bool, allow: bool| {
        b.policy("p", |b| {
            let mut v = vec![b.origins(&["https://*.github.io"])];
            if creds {
                v.push(b.st(|_| StatementKind::Credentials(true)));
            }
            if allow {
                v.push(b.st(|b| StatementKind::Allow(b.strings(&["public-suffix-wildcard"]))));
            }
            v
        })
    };
    let p = with(&mut b, false, false);
    assert_eq!(
        kinds(&run(vec![p]).1),
        vec![(Kind::PublicSuffixWildcard, Severity::Error)]
    );
    let p = with(&mut b, false, true);
    let (set, d) = run(vec![p]);
    assert_eq!(
        kinds(&d),
        vec![(Kind::PublicSuffixWildcard, Severity::Warning)]
    );
    assert!(set.is_some());
    let p = with(&mut b, true, true);
    let d = run(vec![p]).1;
    assert_eq!(
        kinds(&d),
        vec![(Kind::PublicSuffixWildcard, Severity::Error)]
    );
    assert!(
        d[0].help
            .as_deref()
            .unwrap()
            .contains("does not apply to a policy with `credentials`")
    );
}

#[test]
fn redundant_origins() {
    let mut b = B::default();
    let p = b.policy("p", |b| {
        vec![b.origins(&[
            "https://x.example.com",
            "https://*.example.com",
            "https://a.com",
            "https://A.com:443",
            "https://*.b.example.com",
            "re:^https://[a-z]+\\.c\\.com$",
            "https://q.c.com",
            "https://y.example.com:8443",
            "https://*.example.com",
        ])]
    });
    let d = run(vec![p]).1;
    let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "`https://x.example.com` is already allowed by `https://*.example.com`",
            "`https://A.com:443` is already allowed by `https://a.com`",
            "`https://*.b.example.com` is already allowed by `https://*.example.com`",
            "`https://q.c.com` is already allowed by regex `^https://[a-z]+\\.c\\.com$`",
            "`https://*.example.com` is listed twice",
        ]
    );
    let mut b = B::default();
    let p = b.policy("p", |b| {
        vec![b.origins(&["https://a.com", "*", "null", "*"])]
    });
    let d = run(vec![p]).1;
    let red: Vec<&str> = d
        .iter()
        .filter(|d| d.kind == Kind::RedundantOrigin)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        red,
        vec![
            "`https://a.com` is already allowed by `*`",
            "`null` is already allowed by `*`",
            "`*` is listed twice"
        ]
    );
}

#[test]
fn shadowed_policies() {
    let mut b = B::default();
    let a = b.policy("a", |b| {
        vec![
            b.st(|b| StatementKind::Paths(b.strings(&["/api/**"]))),
            b.origins(&["*"]),
        ]
    });
    let c = b.policy("c", |b| {
        vec![
            b.st(|b| StatementKind::Paths(b.strings(&["/api/v1/**"]))),
            b.origins(&["*"]),
        ]
    });
    let e = b.policy("e", |b| {
        vec![
            b.st(|b| StatementKind::Paths(b.strings(&["/other"]))),
            b.origins(&["*"]),
        ]
    });
    let (set, d) = run(vec![a, c, e]);
    assert!(set.is_some());
    assert_eq!(kinds(&d), vec![(Kind::ShadowedPolicy, Severity::Warning)]);
    assert_eq!(
        d[0].message,
        "policy `c` is never used: policy `a` (earlier) comes first and covers all its paths"
    );
}

#[test]
fn methods_headers_expose_lints() {
    let mut b = B::default();
    let p = b.policy("p", |b| {
        vec![
            b.origins(&["https://a.com"]),
            b.st(|b| StatementKind::Methods(b.items(&["patch", "get", "connect"]))),
            b.st(|b| {
                StatementKind::Headers(b.items(&[
                    "Accept",
                    "sec-fetch-mode",
                    "Access-Control-Allow-Origin",
                ]))
            }),
            b.st(|b| StatementKind::Expose(b.items(&["Set-Cookie", "x y"]))),
            b.st(|b| StatementKind::MaxAge(b.s(100_000))),
        ]
    });
    let d = run(vec![p]).1;
    assert_eq!(
        d.iter().map(|d| d.kind).collect::<Vec<_>>(),
        vec![
            Kind::LowercaseMethod,
            Kind::LowercaseMethod,
            Kind::ForbiddenMethod,
            Kind::SafelistedHeader,
            Kind::ForbiddenHeader,
            Kind::ForbiddenHeader,
            Kind::ForbiddenHeader,
            Kind::InvalidToken,
            Kind::MaxAgeCapped,
        ]
    );
    assert!(d[0].help.as_deref().unwrap().starts_with("write `PATCH`"));
    assert_eq!(
        d[1].help.as_deref().unwrap(),
        "write `GET`: browsers send `get` as `GET`, so `get` never matches"
    );
}

#[test]
fn quoting() {
    use crate::format::{quoted, regex_string};
    assert_eq!(quoted("a\"b\\c"), r#""a\"b\\c""#);
    assert_eq!(regex_string("abc"), r#"r"abc""#);
    assert_eq!(regex_string("a\"b"), r##"r#"a"b"#"##);
    assert_eq!(regex_string("a\"#b"), r###"r##"a"#b"##"###);
}

/// The fastest of `runs` validations of one policy of `n` exact origins
/// (and a pattern and a regex, which the lints compare with every one).
fn fastest_with_origins(n: usize, runs: usize) -> std::time::Duration {
    let list: Vec<String> = (0..n)
        .map(|i| format!("https://host{i}.example.com"))
        .collect();
    let mut refs: Vec<&str> = list.iter().map(String::as_str).collect();
    refs.push("https://*.other.com");
    refs.push("re:^https://[a-z]+\\.x\\.com$");
    (0..runs)
        .map(|_| {
            let mut b = B::default();
            let p = b.policy("p", |b| vec![b.origins(&refs)]);
            let start = std::time::Instant::now();
            let (set, d) = run(vec![p]);
            let took = start.elapsed();
            assert!(d.is_empty() && set.is_some());
            took
        })
        .min()
        .unwrap_or_default()
}

/// Ten times the origins take well under 40 times the time (linear work
/// grows about 10×, comparing every entry with every other about 100×).
/// Times are compared, never bounded: the fastest of a few runs.
#[test]
fn ten_thousand_origins_are_linear() {
    let small = fastest_with_origins(1_000, 3);
    let large = fastest_with_origins(10_000, 2);
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 40.0,
        "10× the origins took {ratio:.1}× the time ({small:?} → {large:?})"
    );
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    fn origin_text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z*:/.\\[\\]@?#%0-9 -]{0,40}",
            "(https?|wss?|file|data|blob|chrome-extension|x)://[a-z0-9*.\\[\\]:@%-]{0,30}(:[0-9*]{0,6})?[/?#]?",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn origins_never_panic_and_exact_forms_are_fixed_points(text in origin_text()) {
            if let Ok(Normalized::Exact(x)) = origin::normalize(&text) {
                // A serialized origin normalizes to itself.
                match origin::normalize(&x.serialized) {
                    Ok(Normalized::Exact(again)) => prop_assert_eq!(again.serialized, x.serialized),
                    other => prop_assert!(false, "{} → {:?}", x.serialized, other),
                }
            }
        }

        #[test]
        fn regexes_never_panic(text in any::<String>()) {
            let _ = regexes::compile(&text);
            let dots = regexes::loose_dots(&text);
            let _ = regexes::escape_dots(&text, &dots);
            let _ = crate::format::regex_string(&text);
            let _ = crate::format::quoted(&text);
        }

        #[test]
        fn whole_policies_never_panic(
            entries in proptest::collection::vec(origin_text(), 0..6),
            names in proptest::collection::vec("[a-zA-Z -]{0,12}", 0..4),
            creds: bool,
            max_age: u64,
            status: u64,
        ) {
            let mut b = B::default();
            let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
            let nrefs: Vec<&str> = names.iter().map(String::as_str).collect();
            let p = b.policy("p", |b| vec![
                b.origins(&refs),
                b.st(|b| StatementKind::Methods(b.items(&nrefs))),
                b.st(|b| StatementKind::Headers(b.items(&nrefs))),
                b.st(|b| StatementKind::Expose(b.items(&nrefs))),
                b.st(|b| StatementKind::Allow(b.strings(&nrefs))),
                b.st(|_| StatementKind::Credentials(creds)),
                b.st(|b| StatementKind::MaxAge(b.s(max_age))),
                b.st(|b| StatementKind::PreflightStatus(b.s(status))),
            ]);
            let (set, d) = run(vec![p]);
            prop_assert_eq!(set.is_some(), !d.iter().any(Diagnostic::is_error));
            prop_assert!(d.windows(2).all(|w| w[0].span.start <= w[1].span.start));
            for diag in &d {
                prop_assert!(!diag.message.ends_with('.'));
                prop_assert!(diag.help.is_some(), "{:?}", diag);
            }
        }
    }
}
