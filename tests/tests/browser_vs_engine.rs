//! The engine's answers, as a browser reads them, do what the policy text says.
//!
//! Random policies (DSL text from small pools: exact, `*.example.com`,
//! `localhost:*`, regex, `null` and `*` origins; methods with lowercase and
//! `*`; headers with `*` and `authorization`; credentials; expose; max-age;
//! paths) meet random `fetch()` calls (a page origin from a pool of allowed
//! origins and their near misses — prefix, suffix, port, scheme, case,
//! trailing dot —, methods as scripts write them, safelisted and unsafe
//! headers, the three credentials modes). Each call runs through the browser
//! model ([`browser_fetch`], the Fetch standard and Chromium's flavour of it)
//! against a server that answers with the engine's plain API, and the
//! verdict is compared with an oracle written here, plainly, from
//! docs/language.md and Fetch: "does this policy let this page make this request
//! in this credentials mode". The oracle works from the generator's own
//! meaning of each pool entry, never from the engine or the model.
//!
//! Two properties: the verdicts agree, and — stated on its own because it is
//! the one that matters for security — whenever the browser hands the
//! response to the script, the oracle allows the request. When the request
//! goes through, the script reads exactly the headers the policy exposes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::cell::Cell;
use std::fmt::Write as _;

use cors_policy::Engine;
use cors_policy::browser::{
    BrowserOptions, CredentialsMode, Flavor, HttpRequest, HttpResponse, Outcome, PageRequest,
    browser_fetch, browser_fetch_traced, browser_fetch_with, engine_answer,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

/// The origin every request goes to.
const TARGET: &str = "https://api.example.com";

/// How many generated cases run (`PROPTEST_CASES` overrides).
const CASES: u32 = 2000;

// ---------------------------------------------------------------------------
// Policy pools: each entry's text and, written by hand, what it means.
// ---------------------------------------------------------------------------

/// An `origins` entry: its text and which serialized origins it admits.
struct OriginEntry {
    text: &'static str,
    /// Given its own `origins` statement (regexes and `*`).
    alone: bool,
    /// `*` (never with credentials or private-network).
    any: bool,
    /// `null` (never with credentials).
    null: bool,
    admits: fn(&str) -> bool,
}

/// One or more labels of 1–63 bytes of `a-z 0-9 - _` (docs/language.md#origins).
fn labels(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.split('.').all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

/// `https://*.example.com` with the given port suffix (`""` or `":8443"`).
fn under_example_com(origin: &str, port: &str) -> bool {
    origin
        .strip_prefix("https://")
        .and_then(|rest| rest.strip_suffix(port))
        .and_then(|host| host.strip_suffix(".example.com"))
        .is_some_and(|sub| !sub.contains(':') && labels(sub))
}

const ORIGINS: &[OriginEntry] = &[
    OriginEntry {
        text: r#""https://app.example.com""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| o == "https://app.example.com",
    },
    OriginEntry {
        // Normalized at compile time: lowercase, default port dropped.
        text: r#""HTTPS://App.Example.COM:443""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| o == "https://app.example.com",
    },
    OriginEntry {
        text: r#""http://localhost:3000""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| o == "http://localhost:3000",
    },
    OriginEntry {
        text: r#""https://*.example.com""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| under_example_com(o, ""),
    },
    OriginEntry {
        text: r#""https://*.example.com:8443""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| under_example_com(o, ":8443"),
    },
    OriginEntry {
        // No port, or any port as a browser serializes it: decimal without
        // leading zeros, never the scheme's default (80).
        text: r#""http://localhost:*""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| {
            o.strip_prefix("http://localhost").is_some_and(|rest| {
                rest.is_empty()
                    || rest.strip_prefix(':').is_some_and(|port| {
                        port.bytes().all(|b| b.is_ascii_digit())
                            && (port == "0" || !port.starts_with('0'))
                            && port.parse::<u16>().is_ok_and(|p| p != 80)
                    })
            })
        },
    },
    OriginEntry {
        text: r#"regex r"^https://pr-[0-9]+\.preview\.example\.dev$""#,
        alone: true,
        any: false,
        null: false,
        admits: |o| {
            o.strip_prefix("https://pr-")
                .and_then(|rest| rest.strip_suffix(".preview.example.dev"))
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        },
    },
    OriginEntry {
        // Unanchored as written: the engine anchors it.
        text: r#"regex r"https://(www|shop)\.example\.org""#,
        alone: true,
        any: false,
        null: false,
        admits: |o| o == "https://www.example.org" || o == "https://shop.example.org",
    },
    OriginEntry {
        text: "null",
        alone: false,
        any: false,
        null: true,
        admits: |o| o == "null",
    },
    OriginEntry {
        text: "*",
        alone: true,
        any: true,
        null: false,
        admits: |_| true,
    },
    OriginEntry {
        // IDN host: compared in its punycode form.
        text: r#""https://münchen.de""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| o == "https://xn--mnchen-3ya.de",
    },
    OriginEntry {
        text: r#""http://[::1]:8080""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| o == "http://[::1]:8080",
    },
    OriginEntry {
        text: r#""https://example.com""#,
        alone: false,
        any: false,
        null: false,
        admits: |o| o == "https://example.com",
    },
];

/// `methods` names (case-sensitive tokens; `patch` draws a warning).
const METHODS: &[&str] = &["GET", "PUT", "PATCH", "patch", "DELETE", "PURGE", "OPTIONS"];
/// `headers` names.
const HEADERS: &[&str] = &["content-type", "authorization", "x-request-id", "x-api-key"];
/// `expose` names.
const EXPOSE: &[&str] = &["x-request-id", "x-ratelimit-remaining"];

/// A `paths` list and which request paths it covers.
type PathsEntry = (&'static [&'static str], fn(&str) -> bool);

/// `paths` lists of the first policy, and whether each covers a request path
/// (without its query): globset's `**` crosses `/`; these lists need no more.
const PATHS: &[PathsEntry] = &[
    (&[], |_| true),
    (&["/api/**"], |p| p.starts_with("/api/")),
    (&["/static/**", "/favicon.ico"], |p| {
        p.starts_with("/static/") || p == "/favicon.ico"
    }),
];

// ---------------------------------------------------------------------------
// Request pools.
// ---------------------------------------------------------------------------

/// Page origins as a browser serializes them, allowed ones and near misses
/// (and two a browser never sends: uppercase, Unicode host).
const PAGES: &[&str] = &[
    "https://app.example.com",
    "http://app.example.com",
    "https://app.example.com:8443",
    "https://app.example.com.evil.com",
    "https://app.example.com.",
    "https://APP.example.com",
    "HTTPS://app.example.com",
    "https://app.example.com/",
    "https://app.example.com:443",
    "https://example.com",
    "https://evilexample.com",
    "https://a.b.example.com",
    "https://a_b.example.com",
    "https://.example.com",
    "https://a..example.com",
    "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com",
    "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com",
    "https://xn--bcher-kva.example.com",
    "https://x.example.com:8443",
    "https://x.example.com:8444",
    "http://x.example.com:8443",
    "http://localhost",
    "http://localhost:3000",
    "http://localhost:5173",
    "http://localhost:80",
    "http://localhost:03000",
    "http://localhost:0",
    "https://localhost:3000",
    "http://localhost.evil.com:3000",
    "http://127.0.0.1:3000",
    "https://pr-12.preview.example.dev",
    "https://pr-.preview.example.dev",
    "https://pr-12.previewXexample.dev",
    "https://pr-12.preview.example.dev.evil.com",
    "https://www.example.org",
    "https://shop.example.org",
    "https://wwwXexample.org",
    "https://www.example.org:444",
    "https://xwww.example.org",
    "null",
    "https://xn--mnchen-3ya.de",
    "https://münchen.de",
    "http://[::1]:8080",
    "http://[::1]",
    // Same origin as the target: no CORS at all.
    TARGET,
];

/// `fetch()` methods as scripts write them.
const FETCH_METHODS: &[&str] = &[
    "GET", "get", "POST", "post", "HEAD", "PUT", "put", "DELETE", "delete", "PATCH", "patch",
    "PURGE", "OPTIONS", "options", "TRACE", "connect",
];

/// A header a script sets, with what Fetch makes of it.
#[derive(Debug)]
struct ScriptHeader {
    name: &'static str,
    value: &'static str,
    /// Fetch §2.2.2 "CORS-safelisted request-header" (name, value).
    safelisted: bool,
    /// Fetch §2.2.2 "forbidden request-header": dropped silently.
    forbidden: bool,
}

const fn sh(name: &'static str, value: &'static str, safelisted: bool) -> ScriptHeader {
    ScriptHeader {
        name,
        value,
        safelisted,
        forbidden: false,
    }
}

const SCRIPT_HEADERS: &[ScriptHeader] = &[
    sh("Content-Type", "application/json", false),
    sh("Content-Type", "text/plain;charset=UTF-8", true),
    sh("Accept", "application/json", true),
    // `(` and `)` are CORS-unsafe request-header bytes.
    sh("Accept", "text/html(x)", false),
    sh("Content-Language", "en-US", true),
    // `_` is outside the language headers' safelist.
    sh("Content-Language", "en_US", false),
    sh("X-Request-Id", "42", false),
    sh("x-api-key", "k-1", false),
    sh("X-Other", "1", false),
    sh("Authorization", "Bearer t", false),
    sh("Range", "bytes=0-", true),
    ScriptHeader {
        name: "Cookie",
        value: "a=b",
        safelisted: false,
        forbidden: true,
    },
];

/// Request paths.
const REQUEST_PATHS: &[&str] = &[
    "/api/users",
    "/api/users?page=2",
    "/static/app.js",
    "/favicon.ico",
    "/other",
];

/// Headers the application sets on every response it produces.
const APP_HEADERS: &[(&str, &str)] = &[
    ("Content-Type", "text/plain"),
    ("X-Request-Id", "7"),
    ("X-Ratelimit-Remaining", "9"),
    ("X-Secret", "s"),
];

// ---------------------------------------------------------------------------
// Generated cases.
// ---------------------------------------------------------------------------

/// A list statement: `*` and/or names (indexes into a pool).
#[derive(Clone, Debug)]
struct List {
    any: bool,
    names: Vec<usize>,
}

impl List {
    fn is_empty(&self) -> bool {
        !self.any && self.names.is_empty()
    }
}

#[derive(Clone, Debug)]
struct PolicySpec {
    /// Index into [`PATHS`] (the second policy: 0 or 1).
    paths: usize,
    /// Indexes into [`ORIGINS`]; never empty.
    origins: Vec<usize>,
    methods: List,
    headers: List,
    expose: List,
    credentials: bool,
    max_age: Option<&'static str>,
    preflight_status: Option<u16>,
    private_network: bool,
}

impl PolicySpec {
    /// Makes the combination valid (docs/language.md#diagnostics): no credentials with a
    /// `*` or `null` origin or `expose *`, no private-network with `*`.
    fn sanitized(mut self) -> Self {
        if self.credentials {
            self.origins
                .retain(|&i| !ORIGINS[i].any && !ORIGINS[i].null);
            if self.origins.is_empty() {
                self.origins.push(0);
            }
            self.expose.any = false;
        }
        if self.origins.iter().any(|&i| ORIGINS[i].any) {
            self.private_network = false;
        }
        self
    }

    fn admits(&self, origin: &str) -> bool {
        self.origins.iter().any(|&i| (ORIGINS[i].admits)(origin))
    }

    fn render(&self, name: &str, out: &mut String) {
        let _ = writeln!(out, "policy \"{name}\" {{");
        let paths = PATHS[self.paths].0;
        if !paths.is_empty() {
            let quoted: Vec<String> = paths.iter().map(|p| format!("\"{p}\"")).collect();
            let _ = writeln!(out, "    paths {}", quoted.join(", "));
        }
        let (alone, listed): (Vec<usize>, Vec<usize>) =
            self.origins.iter().partition(|&&i| ORIGINS[i].alone);
        if !listed.is_empty() {
            let texts: Vec<&str> = listed.iter().map(|&i| ORIGINS[i].text).collect();
            let _ = writeln!(out, "    origins {}", texts.join(", "));
        }
        for i in alone {
            let _ = writeln!(out, "    origins {}", ORIGINS[i].text);
        }
        let list = |out: &mut String, keyword: &str, list: &List, pool: &[&str]| {
            if list.is_empty() {
                return;
            }
            let mut items: Vec<&str> = Vec::new();
            if list.any {
                items.push("*");
            }
            items.extend(list.names.iter().map(|&i| pool[i]));
            let _ = writeln!(out, "    {keyword} {}", items.join(", "));
        };
        list(out, "methods", &self.methods, METHODS);
        list(out, "headers", &self.headers, HEADERS);
        list(out, "expose", &self.expose, EXPOSE);
        if self.credentials {
            out.push_str("    credentials\n");
        }
        if let Some(max_age) = self.max_age {
            let _ = writeln!(out, "    max-age {max_age}");
        }
        if let Some(status) = self.preflight_status {
            let _ = writeln!(out, "    preflight-status {status}");
        }
        if self.private_network {
            out.push_str("    private-network\n");
        }
        out.push_str("}\n");
    }
}

#[derive(Clone, Debug)]
struct FetchSpec {
    /// Index into [`PAGES`].
    page: usize,
    /// Index into [`FETCH_METHODS`].
    method: usize,
    /// Indexes into [`SCRIPT_HEADERS`], at most one per name.
    headers: Vec<usize>,
    credentials: CredentialsMode,
    /// Index into [`REQUEST_PATHS`].
    path: usize,
}

impl FetchSpec {
    fn page_request(&self) -> PageRequest {
        let mut req = PageRequest::new(PAGES[self.page], TARGET, FETCH_METHODS[self.method])
            .path(REQUEST_PATHS[self.path])
            .credentials(self.credentials);
        for &i in &self.headers {
            req = req.header(SCRIPT_HEADERS[i].name, SCRIPT_HEADERS[i].value);
        }
        req
    }
}

#[derive(Clone, Debug)]
struct Scenario {
    policies: Vec<PolicySpec>,
    fetch: FetchSpec,
}

impl Scenario {
    fn text(&self) -> String {
        let mut text = String::new();
        for (i, p) in self.policies.iter().enumerate() {
            p.render(&format!("p{i}"), &mut text);
        }
        text
    }
}

fn list(pool_len: usize) -> impl Strategy<Value = List> {
    (
        prop::bool::weighted(0.25),
        prop::sample::subsequence((0..pool_len).collect::<Vec<_>>(), 0..=pool_len),
    )
        .prop_map(|(any, names)| List { any, names })
}

fn policy(paths: impl Strategy<Value = usize>) -> impl Strategy<Value = PolicySpec> {
    (
        (
            paths,
            prop::sample::subsequence((0..ORIGINS.len()).collect::<Vec<_>>(), 1..=3),
            list(METHODS.len()),
            list(HEADERS.len()),
            list(EXPOSE.len()),
        ),
        (
            prop::bool::ANY,
            prop::sample::select(vec![None, Some("600"), Some("2h")]),
            prop::sample::select(vec![None, Some(200u16), Some(204), Some(299)]),
            prop::bool::weighted(0.2),
        ),
    )
        .prop_map(
            |(
                (paths, origins, methods, headers, expose),
                (credentials, max_age, preflight_status, private_network),
            )| {
                PolicySpec {
                    paths,
                    origins,
                    methods,
                    headers,
                    expose,
                    credentials,
                    max_age,
                    preflight_status,
                    private_network,
                }
                .sanitized()
            },
        )
}

fn fetch() -> impl Strategy<Value = FetchSpec> {
    (
        0..PAGES.len(),
        0..FETCH_METHODS.len(),
        prop::sample::subsequence((0..SCRIPT_HEADERS.len()).collect::<Vec<_>>(), 0..=3),
        prop::sample::select(vec![
            CredentialsMode::Omit,
            CredentialsMode::SameOrigin,
            CredentialsMode::Include,
        ]),
        0..REQUEST_PATHS.len(),
    )
        .prop_map(|(page, method, mut headers, credentials, path)| {
            // One value per header name: the first drawn.
            let mut seen = Vec::new();
            headers.retain(|&i| {
                let name = SCRIPT_HEADERS[i].name.to_ascii_lowercase();
                let fresh = !seen.contains(&name);
                seen.push(name);
                fresh
            });
            FetchSpec {
                page,
                method,
                headers,
                credentials,
                path,
            }
        })
}

/// Half the pages are drawn among those the first policy admits, so that
/// enough requests get past the origin check to test the rest.
fn scenario() -> impl Strategy<Value = Scenario> {
    (
        policy(prop_oneof![2 => Just(0), 1 => Just(1), 1 => Just(2)]),
        prop::option::weighted(0.3, policy(0..2usize)),
        fetch(),
        prop::option::of(any::<prop::sample::Index>()),
    )
        .prop_map(|(first, second, mut fetch, admitted)| {
            let candidates: Vec<usize> = (0..PAGES.len())
                .filter(|&i| PAGES[i] != TARGET && first.admits(PAGES[i]))
                .collect();
            if let Some(pick) = admitted
                && !candidates.is_empty()
            {
                fetch.page = candidates[pick.index(candidates.len())];
            }
            Scenario {
                policies: std::iter::once(first).chain(second).collect(),
                fetch,
            }
        })
}

// ---------------------------------------------------------------------------
// The oracle.
// ---------------------------------------------------------------------------

/// What the policy says about the request: allowed or not, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    allowed: bool,
    why: &'static str,
    /// The first matching policy, when one was reached.
    policy: Option<usize>,
}

fn verdict(allowed: bool, why: &'static str, policy: Option<usize>) -> Verdict {
    Verdict {
        allowed,
        why,
        policy,
    }
}

/// Fetch §2.2.1: `CONNECT`, `TRACE`, `TRACK` in any case throw in `fetch()`.
fn forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// Fetch §2.2.1 "normalize a method": the six standard methods uppercased.
fn normalize(method: &str) -> String {
    for m in ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"] {
        if m.eq_ignore_ascii_case(method) {
            return m.to_owned();
        }
    }
    method.to_owned()
}

/// Whether the policy text lets the page make the request and read the
/// response: docs/language.md#origins and #what-the-engine-answers for the policy, Fetch for the browser.
fn oracle(s: &Scenario) -> Verdict {
    let f = &s.fetch;
    let method = FETCH_METHODS[f.method];
    if forbidden_method(method) {
        return verdict(false, "fetch() throws for a forbidden method", None);
    }
    let page = PAGES[f.page];
    if page == TARGET {
        return verdict(true, "same origin: no CORS", None);
    }
    let path = REQUEST_PATHS[f.path].split('?').next().unwrap_or("");
    let Some(index) = s.policies.iter().position(|p| (PATHS[p.paths].1)(path)) else {
        return verdict(false, "no policy covers the path: no CORS headers", None);
    };
    let p = &s.policies[index];
    let at = Some(index);
    if !p.admits(page) {
        return verdict(false, "the origin is not allowed", at);
    }
    let include = f.credentials == CredentialsMode::Include;
    if include && !p.credentials {
        return verdict(
            false,
            "credentials mode include needs a credentialed policy",
            at,
        );
    }
    let method = normalize(method);
    let safelisted_method = matches!(method.as_str(), "GET" | "HEAD" | "POST");
    let mut unsafe_names: Vec<String> = f
        .headers
        .iter()
        .map(|&i| &SCRIPT_HEADERS[i])
        .filter(|h| !h.forbidden && !h.safelisted)
        .map(|h| h.name.to_ascii_lowercase())
        .collect();
    unsafe_names.sort();
    unsafe_names.dedup();
    if safelisted_method && unsafe_names.is_empty() {
        return verdict(true, "no preflight; the origin is allowed", at);
    }
    // The preflight: the method safelisted, listed byte for byte, or under
    // `*` (the engine echoes it when credentialed).
    let listed_method = p.methods.names.iter().any(|&i| METHODS[i] == method);
    if !(safelisted_method || listed_method || p.methods.any) {
        return verdict(false, "the method is not allowed", at);
    }
    // Every CORS-unsafe header listed, or under `*` — except `authorization`.
    for name in &unsafe_names {
        let listed = p.headers.names.iter().any(|&i| HEADERS[i] == name);
        let star = p.headers.any && name != "authorization";
        if !(listed || star) {
            return verdict(false, "a request header is not allowed", at);
        }
    }
    verdict(true, "the preflight passes; the origin is allowed", at)
}

/// [`oracle`] for a browser with Private Network Access (the target taken as
/// private): a cross-origin request also needs `private-network`.
fn oracle_private_network(s: &Scenario) -> Verdict {
    let v = oracle(s);
    match v.policy {
        Some(index) if v.allowed && !s.policies[index].private_network => verdict(
            false,
            "private network access needs `private-network`",
            v.policy,
        ),
        _ => v,
    }
}

/// Whether the script can read an application header of an allowed
/// cross-origin response: CORS-safelisted response-header names always, the
/// policy's `expose` names, or everything under `expose *` (never with
/// credentials, by validation).
fn readable(p: &PolicySpec, name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "content-type" || p.expose.any || p.expose.names.iter().any(|&i| EXPOSE[i] == name)
}

// ---------------------------------------------------------------------------
// The server: the engine's plain API.
// ---------------------------------------------------------------------------

/// Answers one request on the wire with the engine, as the crate documents
/// applying a decision (`engine_answer`): the decision's status (a
/// preflight's) or the application's 200 with its own headers, and the
/// decision's headers.
fn serve(engine: &Engine, http: &HttpRequest) -> HttpResponse {
    engine_answer(engine, http, &mut |_: &HttpRequest| {
        APP_HEADERS
            .iter()
            .fold(HttpResponse::new(200), |r, (name, value)| {
                r.header(name, value)
            })
    })
}

/// An outcome in a line.
fn shown(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Ok {
            readable_headers, ..
        } => {
            let names: Vec<&str> = readable_headers.iter().map(|(n, _)| n.as_str()).collect();
            format!("ok, the script reads {}", names.join(", "))
        }
        Outcome::Blocked { stage, why, .. } => format!("blocked at the {stage:?}: {why}"),
        Outcome::TypeError { why, .. } => format!("TypeError: {why}"),
    }
}

/// A readable account of a case that failed.
fn report(s: &Scenario, expected: &Verdict, spec: &Outcome) -> String {
    report_with(s, expected, spec, &BrowserOptions::default())
}

/// [`report`], the wire traced with these browser options.
fn report_with(s: &Scenario, expected: &Verdict, spec: &Outcome, opts: &BrowserOptions) -> String {
    let req = s.fetch.page_request();
    let engine: Engine = s.text().parse().unwrap();
    let trace = browser_fetch_traced(&req, opts, &mut |http| serve(&engine, http));
    let mut out = format!(
        "policy:\n{}\nfetch(\"{}\", {{ method: {:?}, headers: {:?}, credentials: {:?} }}) from {}\n\
         oracle: allowed={} ({}; policy {:?})\nmodel: {}\n",
        s.text(),
        req.url(),
        req.method,
        req.headers
            .iter()
            .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
            .collect::<Vec<_>>(),
        req.credentials,
        req.page_origin,
        expected.allowed,
        expected.why,
        expected.policy.map(|i| format!("p{i}")),
        shown(spec),
    );
    for (request, response) in &trace.exchanges {
        let _ = writeln!(out, "> {} {}", request.method, request.path);
        for (n, v) in &request.headers {
            let _ = writeln!(out, ">   {n}: {}", String::from_utf8_lossy(v));
        }
        let _ = writeln!(out, "< {}", response.status);
        for (n, v) in &response.headers {
            let _ = writeln!(out, "<   {n}: {}", String::from_utf8_lossy(v));
        }
    }
    out
}

/// Tallies of a run, to show that the generator reaches every outcome.
#[derive(Default)]
struct Tally {
    cases: Cell<usize>,
    rejected: Cell<usize>,
    ok: Cell<usize>,
    blocked: Cell<usize>,
    type_error: Cell<usize>,
    preflighted: Cell<usize>,
    credentialed_ok: Cell<usize>,
    cross_origin_ok: Cell<usize>,
    private_network_ok: Cell<usize>,
}

fn bump(cell: &Cell<usize>) {
    cell.set(cell.get() + 1);
}

fn check(s: &Scenario, tally: &Tally) -> Result<(), TestCaseError> {
    bump(&tally.cases);
    let text = s.text();
    let Ok(engine) = text.parse::<Engine>() else {
        bump(&tally.rejected);
        return Ok(());
    };
    let expected = oracle(s);
    let req = s.fetch.page_request();
    let mut preflighted = false;
    let spec = browser_fetch(&req, &mut |http| {
        preflighted |= http.is_preflight();
        serve(&engine, http)
    });
    let chromium = browser_fetch_with(&req, &BrowserOptions::chromium(), &mut |http| {
        serve(&engine, http)
    });

    // Safety first: a response the script gets is one the policy allows.
    if spec.is_ok() && !expected.allowed {
        return Err(TestCaseError::fail(format!(
            "UNSAFE: the browser hands the response to the script, the policy forbids it\n{}",
            report(s, &expected, &spec)
        )));
    }
    if spec.is_ok() != expected.allowed {
        return Err(TestCaseError::fail(format!(
            "the browser and the policy disagree\n{}",
            report(s, &expected, &spec)
        )));
    }
    if chromium.is_ok() != spec.is_ok() {
        return Err(TestCaseError::fail(format!(
            "Chromium's flavour disagrees with the standard's: {}\n{}",
            shown(&chromium),
            report(s, &expected, &spec)
        )));
    }
    // A browser with Private Network Access preflights every cross-origin
    // request and needs `private-network` on top of everything else.
    let pna = BrowserOptions::default()
        .flavor(Flavor::Spec)
        .private_network(true);
    let expected_pna = oracle_private_network(s);
    let with_pna = browser_fetch_with(&req, &pna, &mut |http| serve(&engine, http));
    if with_pna.is_ok() != expected_pna.allowed {
        return Err(TestCaseError::fail(format!(
            "with Private Network Access, the browser and the policy disagree\n{}",
            report_with(s, &expected_pna, &with_pna, &pna)
        )));
    }
    if with_pna.is_ok() {
        bump(&tally.private_network_ok);
    }

    let forbidden = forbidden_method(FETCH_METHODS[s.fetch.method]);
    if matches!(spec, Outcome::TypeError { .. }) != forbidden {
        return Err(TestCaseError::fail(format!(
            "fetch() throws exactly for a forbidden method\n{}",
            report(s, &expected, &spec)
        )));
    }

    // What the script reads of an allowed cross-origin response.
    if let (Some(readable_headers), Some(index)) = (spec.readable_headers(), expected.policy) {
        let policy = &s.policies[index];
        for (name, _) in APP_HEADERS {
            let can_read = readable_headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name));
            if can_read != readable(policy, name) {
                return Err(TestCaseError::fail(format!(
                    "the script {} read `{name}`, the policy says it {}\n{}",
                    if can_read { "can" } else { "cannot" },
                    if can_read { "cannot" } else { "can" },
                    report(s, &expected, &spec)
                )));
            }
        }
        bump(&tally.cross_origin_ok);
        if s.fetch.credentials == CredentialsMode::Include {
            bump(&tally.credentialed_ok);
        }
    }

    match &spec {
        Outcome::Ok { .. } => bump(&tally.ok),
        Outcome::Blocked { .. } => bump(&tally.blocked),
        Outcome::TypeError { .. } => bump(&tally.type_error),
    }
    if preflighted {
        bump(&tally.preflighted);
    }
    Ok(())
}

#[test]
fn the_browser_gets_what_the_policy_allows_and_nothing_else() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CASES);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let tally = Tally::default();
    let result = runner.run(&scenario(), |s| check(&s, &tally));
    if let Err(e) = result {
        match e {
            TestError::Fail(why, s) => panic!("{why}\nminimal case: {s:?}"),
            TestError::Abort(why) => panic!("aborted: {why}"),
        }
    }
    let n = tally.cases.get();
    let rejected = tally.rejected.get();
    let ran = n - rejected;
    eprintln!(
        "browser vs engine: {n} cases, {rejected} policies rejected, {ran} fetches: {} ok \
         ({} cross-origin, {} with credentials), {} blocked, {} thrown; {} preflighted; \
         {} ok with Private Network Access",
        tally.ok.get(),
        tally.cross_origin_ok.get(),
        tally.credentialed_ok.get(),
        tally.blocked.get(),
        tally.type_error.get(),
        tally.preflighted.get(),
        tally.private_network_ok.get(),
    );
    // The generator writes only valid policies: nearly all must compile.
    assert!(
        rejected * 100 <= n,
        "{rejected} of {n} generated policies were rejected"
    );
    // And it reaches every outcome often enough to mean something. The
    // seed changes every run, so each floor sits at least four standard
    // deviations below what the generator gives: over 13 runs of 2,000
    // cases, 256–315 cross-origin successes (floor 200), 39–66 with
    // credentials (floor 20: a floor of 40 failed one run in eight).
    let share = |x: usize| x * 100 / ran.max(1);
    assert!(share(tally.cross_origin_ok.get()) >= 10, "too few allowed");
    assert!(share(tally.blocked.get()) >= 20, "too few blocked");
    assert!(share(tally.preflighted.get()) >= 20, "too few preflights");
    assert!(
        tally.credentialed_ok.get() * 100 / ran.max(1) >= 1,
        "too few credentialed successes"
    );
}

/// The oracle is itself checked on hand-picked cases, so that agreement
/// means something.
#[test]
fn the_oracle_reads_the_policy_as_written() {
    let policy = |origins: Vec<usize>| PolicySpec {
        paths: 0,
        origins,
        methods: List {
            any: false,
            names: vec![1], // PUT
        },
        headers: List {
            any: true,
            names: vec![],
        },
        expose: List {
            any: false,
            names: vec![0],
        },
        credentials: false,
        max_age: None,
        preflight_status: None,
        private_network: false,
    };
    let page = |o: &str| PAGES.iter().position(|p| *p == o).unwrap();
    let method = |m: &str| FETCH_METHODS.iter().position(|x| *x == m).unwrap();
    let header = |n: &str, v: &str| {
        SCRIPT_HEADERS
            .iter()
            .position(|h| h.name == n && h.value == v)
            .unwrap()
    };
    let run = |p: PolicySpec, f: FetchSpec| {
        oracle(&Scenario {
            policies: vec![p],
            fetch: f,
        })
        .allowed
    };
    let get = |o: &str| FetchSpec {
        page: page(o),
        method: method("GET"),
        headers: vec![],
        credentials: CredentialsMode::SameOrigin,
        path: 0,
    };
    // *.example.com: one or more labels, scheme and port exact.
    let sub = policy(vec![3]);
    assert!(run(sub.clone(), get("https://a.b.example.com")));
    assert!(run(sub.clone(), get("https://a_b.example.com")));
    assert!(run(sub.clone(), get("https://xn--bcher-kva.example.com")));
    let label63 = format!("https://{}.example.com", "a".repeat(63));
    assert!(run(sub.clone(), get(&label63)));
    for miss in [
        "https://example.com",
        "https://evilexample.com",
        "https://.example.com",
        "https://a..example.com",
        "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com",
        "https://app.example.com:443",
        "HTTPS://app.example.com",
        "https://app.example.com/",
        "https://app.example.com.",
        "https://APP.example.com",
        "https://app.example.com.evil.com",
        "https://x.example.com:8443",
        "http://app.example.com",
    ] {
        assert!(!run(sub.clone(), get(miss)), "{miss}");
    }
    // localhost:* takes no port or any port, on http only.
    let local = policy(vec![5]);
    assert!(run(local.clone(), get("http://localhost")));
    assert!(run(local.clone(), get("http://localhost:5173")));
    assert!(!run(local.clone(), get("https://localhost:3000")));
    assert!(!run(local.clone(), get("http://localhost.evil.com:3000")));
    assert!(run(local.clone(), get("http://localhost:0")));
    assert!(!run(local.clone(), get("http://localhost:80")));
    assert!(!run(local.clone(), get("http://localhost:03000")));
    // The unanchored regex is anchored.
    let re = policy(vec![7]);
    assert!(run(re.clone(), get("https://shop.example.org")));
    assert!(!run(re.clone(), get("https://xwww.example.org")));
    assert!(!run(re.clone(), get("https://www.example.org:444")));
    // Methods: lowercase `patch` stays lowercase and PATCH is not listed;
    // `delete` becomes DELETE, not listed; `put` becomes PUT, listed.
    let app = |m: &str, headers: Vec<usize>, credentials| FetchSpec {
        page: page("https://app.example.com"),
        method: method(m),
        headers,
        credentials,
        path: 0,
    };
    let exact = policy(vec![0]);
    assert!(run(
        exact.clone(),
        app("put", vec![], CredentialsMode::Omit)
    ));
    assert!(!run(
        exact.clone(),
        app("patch", vec![], CredentialsMode::Omit)
    ));
    assert!(!run(
        exact.clone(),
        app("delete", vec![], CredentialsMode::Omit)
    ));
    assert!(!run(
        exact.clone(),
        app("TRACE", vec![], CredentialsMode::Omit)
    ));
    // Headers: `*` covers x-request-id and JSON, never authorization.
    let json = header("Content-Type", "application/json");
    let auth = header("Authorization", "Bearer t");
    let cookie = header("Cookie", "a=b");
    assert!(run(
        exact.clone(),
        app("POST", vec![json], CredentialsMode::Omit)
    ));
    assert!(!run(
        exact.clone(),
        app("GET", vec![auth], CredentialsMode::Omit)
    ));
    // A forbidden header is dropped: no preflight, allowed.
    assert!(run(
        exact.clone(),
        app("GET", vec![cookie], CredentialsMode::Omit)
    ));
    // Credentials: include needs a credentialed policy.
    assert!(!run(
        exact.clone(),
        app("GET", vec![], CredentialsMode::Include)
    ));
    let mut credentialed = exact.clone();
    credentialed.credentials = true;
    assert!(run(
        credentialed,
        app("GET", vec![], CredentialsMode::Include)
    ));
    // Sanitizing keeps credentials away from `*` and `null`.
    let mut star = policy(vec![8, 9]);
    star.credentials = true;
    star.expose.any = true;
    let star = star.sanitized();
    assert_eq!(star.origins, vec![0]);
    assert!(!star.expose.any);
}
