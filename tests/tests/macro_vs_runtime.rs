//! The engine `cors_policy!` builds decides exactly as `Engine::from_str` on
//! the same text: the file form against the file read at run time, and the
//! inline form (policy text rebuilt from Rust tokens) against the same policy
//! written as a file would have it — over every request of the conformance
//! corpus and a matrix aimed at the inline policies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::LazyLock;

use cors_policy::{Engine, Request, cors_policy};
use cors_policy_grammar::model;
use cors_policy_tests::conformance::{self, show_bytes};

/// The specification's example, from a file (paths are relative to this
/// crate's Cargo.toml).
static SPEC_FILE: LazyLock<Engine> = cors_policy!(file = "../cors-policy-macros/cors/api.cors");

/// The same example, inline.
static SPEC_INLINE: LazyLock<Engine> = cors_policy! {
    // api.cors — comments run from `//` to the end of the line
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
};

/// Lexical corners of the inline form: string escapes, raw strings with
/// hashes, string-written names, IPv6 and IDN origins, `;`, block and doc
/// comments, `*` lists, every statement.
static CORNERS_INLINE: LazyLock<Engine> = cors_policy! {
    /// A doc comment is a comment.
    policy "corners" {
        paths "/a/**", "/b\x2f*";
        origins "https://app.example.com:8443", "http://[::1]:8080", "https://münchen.de";
        origins regex r#"^https://[a-z]+\.example\.org$"#;
        methods GET, PUT, "X-CUSTOM";
        headers "x-odd|name", x-request-id, authorization;
        expose *;
        max-age 10m;
        preflight-status 200;
        private-network false; /* a block comment */ credentials false
    }
    policy "rest" {
        origins *
        methods *
        headers *, authorization
        max-age 90s
    }
};

/// [`CORNERS_INLINE`] as a policy file would have it.
const CORNERS_TEXT: &str = r####"
/// A doc comment is a comment.
policy "corners" {
    paths "/a/**", "/b\x2f*";
    origins "https://app.example.com:8443", "http://[::1]:8080", "https://münchen.de";
    origins regex r#"^https://[a-z]+\.example\.org$"#;
    methods GET, PUT, "X-CUSTOM";
    headers "x-odd|name", x-request-id, authorization;
    expose *;
    max-age 10m;
    preflight-status 200;
    private-network false; /* a block comment */ credentials false
}
policy "rest" {
    origins *
    methods *
    headers *, authorization
    max-age 90s
}
"####;

/// One request: method, path, header lines.
struct Req {
    method: String,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
}

impl Req {
    fn new(method: &str, path: &str, headers: &[(&str, &str)]) -> Req {
        Req {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
        }
    }
}

/// Everything a decision says, as text: equal answers, equal strings.
fn answer(engine: &Engine, req: &Req) -> String {
    let mut request = Request::new(req.method.as_str(), req.path.as_str());
    let mut acrh: Vec<&[u8]> = Vec::new();
    for (name, value) in &req.headers {
        let value = value.as_slice();
        request = match name.to_ascii_lowercase().as_str() {
            "origin" => request.origin(value),
            "access-control-request-method" => request.request_method(value),
            "access-control-request-headers" => {
                acrh.push(AsRef::<[u8]>::as_ref(value));
                request
            }
            "access-control-request-private-network" => request.private_network(value),
            _ => request,
        };
    }
    request = request.request_header_lines(&acrh);
    let d = engine.decide(&request);
    let headers: Vec<String> = d
        .headers()
        .map(|h| format!("{}: {}", h.name, show_bytes(h.value)))
        .collect();
    format!(
        "{} allowed={} policy={:?} status={:?} forward={} reason={} headers={headers:?}",
        d.kind().as_str(),
        d.allowed(),
        d.policy(),
        d.status(),
        d.forward(),
        d.reason(),
    )
}

/// The conformance corpus's requests, plus a matrix aimed at the policies here.
fn requests() -> Vec<Req> {
    let mut all: Vec<Req> = conformance::load()
        .unwrap()
        .into_iter()
        .map(|c| Req {
            method: c.request.method,
            path: c.request.path,
            headers: c.request.headers,
        })
        .collect();
    let origins = [
        "https://app.example.com",
        "https://app.example.com:8443",
        "http://[::1]:8080",
        "https://xn--mnchen-3ya.de",
        "https://münchen.de",
        "https://abc.example.org",
        "https://abc.example.org.evil.com",
        "https://eu.staging.example.com",
        "http://localhost:3000",
        "https://pr-7.preview.example.dev",
        "null",
    ];
    let paths = [
        "/a/x/y",
        "/b/c",
        "/b/c/d",
        "/api/users",
        "/static/app.js",
        "/other",
    ];
    for origin in origins {
        for path in paths {
            all.push(Req::new("GET", path, &[("Origin", origin)]));
            for (method, headers) in [
                ("PUT", "x-request-id"),
                ("X-CUSTOM", "x-odd|name"),
                ("DELETE", "authorization,x-any"),
            ] {
                all.push(Req::new(
                    "OPTIONS",
                    path,
                    &[
                        ("Origin", origin),
                        ("Access-Control-Request-Method", method),
                        ("Access-Control-Request-Headers", headers),
                        ("Access-Control-Request-Private-Network", "true"),
                    ],
                ));
            }
        }
    }
    all
}

/// The policies without their spans, which differ between a rebuilt inline
/// text and a file.
fn without_spans(engine: &Engine) -> Vec<model::Policy> {
    engine
        .policies()
        .iter()
        .cloned()
        .map(|mut p| {
            p.span = Default::default();
            for o in &mut p.origins {
                o.span = Default::default();
            }
            p
        })
        .collect()
}

fn assert_same_decisions(name: &str, from_macro: &Engine, from_text: &Engine) {
    let requests = requests();
    assert!(requests.len() > 300, "only {} requests", requests.len());
    let mismatches: Vec<String> = requests
        .iter()
        .filter_map(|req| {
            let (m, t) = (answer(from_macro, req), answer(from_text, req));
            (m != t).then(|| {
                format!(
                    "{} {} {:?}\n  macro:   {m}\n  runtime: {t}",
                    req.method, req.path, req.headers
                )
            })
        })
        .collect();
    // Both answers occur: neither engine is one that refuses everything
    // (what a macro engine would fail closed to).
    let allowed = requests
        .iter()
        .filter(|req| answer(from_macro, req).contains("allowed=true"))
        .count();
    assert!(
        0 < allowed && allowed < requests.len(),
        "{name}: {allowed} of {} allowed",
        requests.len()
    );
    assert!(
        mismatches.is_empty(),
        "{name}: {} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

fn spec_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../cors-policy-macros/cors/api.cors"
    ))
    .unwrap()
}

#[test]
fn file_form_is_the_file() {
    let runtime: Engine = spec_text().parse().unwrap();
    // The model, spans included: the macro read the very same text.
    assert_eq!(SPEC_FILE.policies(), runtime.policies());
    assert_same_decisions("file form", &SPEC_FILE, &runtime);
}

#[test]
fn inline_form_is_the_file_text() {
    let runtime: Engine = spec_text().parse().unwrap();
    assert_eq!(without_spans(&SPEC_INLINE), without_spans(&runtime));
    assert_same_decisions("spec inline", &SPEC_INLINE, &runtime);
}

#[test]
fn inline_lexical_corners_mean_what_the_file_means() {
    let runtime: Engine = CORNERS_TEXT.parse().unwrap();
    assert_eq!(without_spans(&CORNERS_INLINE), without_spans(&runtime));
    assert_same_decisions("corners inline", &CORNERS_INLINE, &runtime);

    // And what they mean is what was written: escapes decoded, IDN
    // normalized, `*` lists kept.
    let corners = &CORNERS_INLINE.policies()[0];
    assert_eq!(corners.paths, ["/a/**", "/b/*"]);
    assert_eq!(
        corners.origins[2].matcher,
        model::OriginMatcher::Exact("https://xn--mnchen-3ya.de".to_owned())
    );
    assert_eq!(
        corners.headers.names,
        ["x-odd|name", "x-request-id", "authorization"]
    );
    assert!(corners.expose.any);
    assert_eq!(
        (corners.max_age, corners.preflight_status),
        (Some(600), 200)
    );
    let rest = &CORNERS_INLINE.policies()[1];
    assert!(rest.methods.any && rest.headers.any);
    assert_eq!(rest.max_age, Some(90));
}

#[test]
fn an_engine_in_an_expression() {
    let engine = cors_policy! {
        policy "one" { origins "https://a.example" }
    };
    let names: Vec<&str> = engine.policies().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["one"]);
}

/// The macro's run-time promise rests on this: whatever the front end accepts,
/// the engine compiles. Checked on every policy of the conformance corpus.
#[test]
fn every_policy_the_front_end_accepts_compiles() {
    let cases = conformance::load().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    let mut accepted = 0;
    for case in &cases {
        if !seen.insert(case.policy.as_str()) {
            continue;
        }
        let checked = cors_policy_grammar::check(&case.policy);
        if let (false, Some(set)) = (checked.has_errors(), checked.policies) {
            accepted += 1;
            if let Err(e) = Engine::from_policies(&set) {
                panic!(
                    "{}: accepted by the front end, refused by the engine:\n{e}",
                    case.name
                );
            }
        }
    }
    assert!(accepted >= 20, "only {accepted} distinct policies");
}
