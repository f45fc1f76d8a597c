//! The typed builder against the parser: one generated policy set, written
//! once as builder calls and once as text, gives the same model and the same
//! diagnostics (kind, severity, message, help), each located at the
//! statement entry the text's diagnostic points into.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::ops::Range;

use cors_policy_grammar::build::{Location, PolicyBuilder, PolicySetBuilder};
use cors_policy_grammar::model::{Policy, PolicySet};
use cors_policy_grammar::{Span, check};
use proptest::prelude::*;

/// Valid and invalid entries of each statement, so that most diagnostics
/// turn up.
const PATHS: &[&str] = &["/api/**", "/**", "/static/*", "api", "/a/{b", "/health"];
const ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://*.example.com",
    "http://localhost:*",
    "http://app.example.com",
    "https://app.example.com/",
    "https://*.com",
    "https://a.*.com",
    "example.com",
    "*",
    "null",
    "https://APP.example.com:443",
];
const REGEXES: &[&str] = &[
    r"^https://pr-[0-9]+\.example\.dev$",
    r"^https://a.example.com$",
    r"(",
    r".*",
];
const SETS: &[&str] = &["tenants", "partners.v2", "no spaces", ""];
const METHODS: &[&str] = &["GET", "PUT", "patch", "CONNECT", "M SEARCH", "*"];
const HEADERS: &[&str] = &[
    "content-type",
    "x-request-id",
    "cookie",
    "accept",
    "*",
    "bad header",
];
const EXPOSE: &[&str] = &["x-request-id", "set-cookie", "*"];
const ALLOW: &[&str] = &[
    "null-origin",
    "regex-dot",
    "public-suffix-wildcard",
    "syntax",
    "nul-origin",
];
const NAMES: &[&str] = &["api", "assets", "api"];

#[derive(Clone, Debug)]
enum Origin {
    Listed(&'static str),
    Regex(&'static str),
    Set(&'static str),
}

#[derive(Clone, Debug)]
struct Spec {
    name: &'static str,
    paths: Vec<&'static str>,
    origins: Vec<Origin>,
    methods: Vec<&'static str>,
    headers: Vec<&'static str>,
    expose: Vec<&'static str>,
    credentials: Option<bool>,
    max_age: Option<u64>,
    private_network: Option<bool>,
    status: Option<u16>,
    allow: Vec<&'static str>,
    skip: bool,
}

fn pick(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(pool), 0..=max)
}

fn origin() -> impl Strategy<Value = Origin> {
    prop_oneof![
        4 => prop::sample::select(ORIGINS).prop_map(Origin::Listed),
        1 => prop::sample::select(REGEXES).prop_map(Origin::Regex),
        1 => prop::sample::select(SETS).prop_map(Origin::Set),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        (
            prop::sample::select(NAMES),
            pick(PATHS, 2),
            prop::collection::vec(origin(), 0..=3),
            pick(METHODS, 3),
            pick(HEADERS, 3),
            pick(EXPOSE, 2),
        ),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(prop::sample::select(vec![0u64, 600, 7200, 10_000, 100_000])),
            prop::option::of(any::<bool>()),
            prop::option::of(prop::sample::select(vec![200u16, 204, 404])),
            pick(ALLOW, 2),
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |((name, paths, origins, methods, headers, expose), (c, m, p, s, allow, skip))| Spec {
                name,
                paths,
                origins,
                methods,
                headers,
                expose,
                credentials: c,
                max_age: m,
                private_network: p,
                status: s,
                allow,
                skip,
            },
        )
}

fn builder(spec: &Spec) -> PolicyBuilder {
    let mut b = Policy::builder(spec.name).paths(spec.paths.iter().copied());
    if spec.skip {
        b = b.skip();
    }
    for o in &spec.origins {
        b = match o {
            Origin::Listed(o) => b.origins([*o]),
            Origin::Regex(r) => b.origin_regex(*r),
            Origin::Set(name) => b.origin_set(*name),
        };
    }
    b = b
        .methods(spec.methods.iter().copied())
        .headers(spec.headers.iter().copied())
        .expose(spec.expose.iter().copied());
    if let Some(c) = spec.credentials {
        b = b.credentials(c);
    }
    if let Some(m) = spec.max_age {
        b = b.max_age(m);
    }
    if let Some(p) = spec.private_network {
        b = b.private_network(p);
    }
    if let Some(s) = spec.status {
        b = b.preflight_status(s);
    }
    b.allow(spec.allow.iter().copied())
}

/// The policy text of `specs`, and where each token of it is, as the
/// builder would locate it.
struct Text {
    src: String,
    places: Vec<(Range<usize>, Location)>,
}

impl Text {
    fn token(
        &mut self,
        text: &str,
        policy: &str,
        statement: Option<&'static str>,
        index: Option<usize>,
    ) {
        let start = self.src.len();
        self.src.push_str(text);
        let place = Location {
            policy: policy.to_owned(),
            statement,
            index,
        };
        self.places.push((start..self.src.len(), place));
    }

    fn list(&mut self, policy: &str, keyword: &'static str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        self.src.push_str("    ");
        self.token(keyword, policy, Some(keyword), None);
        for (i, item) in items.iter().enumerate() {
            self.src.push_str(if i == 0 { " " } else { ", " });
            self.token(item, policy, Some(keyword), Some(i));
        }
        self.src.push('\n');
    }

    fn single(&mut self, policy: &str, keyword: &'static str, value: Option<String>) {
        if let Some(value) = value {
            self.src.push_str("    ");
            self.token(&format!("{keyword} {value}"), policy, Some(keyword), None);
            self.src.push('\n');
        }
    }

    fn locate(&self, span: Span) -> Location {
        self.places
            .iter()
            .find(|(range, _)| range.contains(&span.start))
            .map(|(_, place)| place.clone())
            .unwrap_or_else(|| panic!("no token at {span:?} in\n{}", self.src))
    }
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

fn names(items: &[&str]) -> Vec<String> {
    items
        .iter()
        .map(|n| if *n == "*" { "*".to_owned() } else { quoted(n) })
        .collect()
}

fn text(specs: &[Spec]) -> Text {
    let mut t = Text {
        src: String::new(),
        places: Vec::new(),
    };
    for s in specs {
        let n = s.name;
        t.src.push_str("policy ");
        t.token(&quoted(n), n, None, None);
        t.src.push_str(" {\n");
        let paths: Vec<String> = s.paths.iter().map(|p| quoted(p)).collect();
        t.list(n, "paths", &paths);
        if s.skip {
            t.src.push_str("    ");
            t.token("skip", n, Some("skip"), None);
            t.src.push('\n');
        }
        let origins: Vec<String> = s
            .origins
            .iter()
            .map(|o| match o {
                Origin::Listed(o @ ("*" | "null")) => (*o).to_owned(),
                Origin::Listed(o) => quoted(o),
                Origin::Regex(r) => format!("regex r#\"{r}\"#"),
                Origin::Set(name) => format!("set {}", quoted(name)),
            })
            .collect();
        t.list(n, "origins", &origins);
        t.list(n, "methods", &names(&s.methods));
        t.list(n, "headers", &names(&s.headers));
        t.list(n, "expose", &names(&s.expose));
        t.single(n, "credentials", s.credentials.map(|c| c.to_string()));
        t.single(n, "max-age", s.max_age.map(|m| m.to_string()));
        t.single(
            n,
            "private-network",
            s.private_network.map(|p| p.to_string()),
        );
        t.single(n, "preflight-status", s.status.map(|c| c.to_string()));
        t.list(n, "allow", &names(&s.allow));
        t.src.push_str("}\n");
    }
    t
}

fn without_spans(mut set: PolicySet) -> PolicySet {
    for p in &mut set.policies {
        p.span = Span::default();
        for o in &mut p.origins {
            o.span = Span::default();
        }
    }
    set
}

/// Messages that name another line of a file say "earlier" without one.
fn unlined(message: &str) -> String {
    let re = regex::Regex::new(r"at line [0-9]+").unwrap();
    re.replace_all(message, "earlier").into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn builder_and_parser_agree(specs in prop::collection::vec(spec(), 1..=3)) {
        let text = text(&specs);
        let parsed = check(&text.src);
        let built = specs
            .iter()
            .fold(PolicySetBuilder::new(), |set, s| set.policy(builder(s)))
            .check();

        prop_assert_eq!(
            parsed.policies.map(without_spans),
            built.policies,
            "{}", text.src
        );
        prop_assert_eq!(parsed.diagnostics.len(), built.diagnostics.len(), "{}", text.src);
        for (p, b) in parsed.diagnostics.iter().zip(&built.diagnostics) {
            let d = &b.diagnostic;
            prop_assert_eq!((p.kind, p.severity), (d.kind, d.severity), "{}", text.src);
            prop_assert_eq!(unlined(&p.message), unlined(&d.message));
            prop_assert_eq!(&p.help, &d.help);
            prop_assert_eq!(text.locate(p.span), b.at.clone(), "{}: {}", p.name(), text.src);
        }
    }
}

#[test]
fn an_invalid_entry_is_located_by_statement_and_index() {
    let error = PolicySetBuilder::new()
        .policy(
            Policy::builder("api")
                .origins(["https://app.example.com", "https://*.example.org"])
                .origins(["https://app.example.com/"])
                .methods(["GET", "CONNECT"]),
        )
        .build()
        .unwrap_err();
    let shown: Vec<(String, &str)> = error
        .errors()
        .map(|e| (e.at.to_string(), e.diagnostic.name()))
        .collect();
    assert_eq!(
        shown,
        [
            ("policy `api`, origins[2]".to_owned(), "invalid-origin"),
            ("policy `api`, methods[1]".to_owned(), "forbidden-method"),
        ]
    );
    let rendered = error.to_string();
    assert!(
        rendered.starts_with(
            "error[E0006/invalid-origin]: `https://app.example.com/` ends with `/`\n --> policy `api`, origins[2]\n  = help: "
        ),
        "{rendered}"
    );
}

#[test]
fn a_policy_without_origins_is_located_at_the_policy() {
    let error = Policy::builder("empty").build().unwrap_err();
    let e = error.errors().next().unwrap();
    assert_eq!(e.diagnostic.name(), "missing-origins");
    assert_eq!(e.at.to_string(), "policy `empty`");
}

#[test]
fn warnings_come_back_with_the_policies() {
    let built = PolicySet::builder()
        .policy(Policy::builder("files").origins(["null"]))
        .check();
    assert!(built.policies.is_some());
    let w: Vec<_> = built
        .diagnostics
        .iter()
        .map(|d| (d.diagnostic.name(), d.at.to_string()))
        .collect();
    assert_eq!(
        w,
        [("null-origin", "policy `files`, origins[0]".to_owned())]
    );
}
