//! The compiled engine against the naive reference interpreter, on generated
//! policies and adversarial requests; `trace` against `decide` on the same;
//! and `decide` and `trace` on arbitrary bytes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;
use cors_policy::{
    Decision, Engine, HeaderOutcome, ListOutcome, MethodOutcome, OriginOutcome, Reason, Request,
    RequestKind, Trace,
};
use cors_policy_grammar::model::{NameList, Policy, PolicySet};
use cors_policy_tests::reference::{self, Answer, RefRequest};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

/// Origin entries to build policies from (the `common::origin` notation).
const ENTRIES: &[&str] = &[
    "https://app.example.com",
    "http://localhost:8080",
    "http://[::1]:3000",
    "https://*.example.com",
    "https://*.a.example.com:8443",
    "http://localhost:*",
    "http://*.test:*",
    r"regex:^https://pr-[0-9]+\.example\.dev$",
    r"regex:https://[a-z]+\.example\.com",
    "null",
    "chrome-extension://abcdefghijklmnop",
    "https://xn--mnchen-3ya.de",
    "*",
];

/// Origins a browser could send, close to the entries above.
const BASES: &[&str] = &[
    "https://app.example.com",
    "https://a.example.com",
    "https://x.a.example.com:8443",
    "https://x.y.a.example.com:8443",
    "https://example.com",
    "http://localhost:8080",
    "http://localhost",
    "http://[::1]:3000",
    "https://pr-12.example.dev",
    "http://q.test",
    "http://q.w.test:9",
    "null",
    "chrome-extension://abcdefghijklmnop",
    "https://xn--mnchen-3ya.de",
];

fn name_list(all: &'static [&'static str]) -> impl Strategy<Value = NameList> {
    (any::<bool>(), subsequence(all, 0..=all.len())).prop_map(|(any, names)| NameList {
        any,
        names: names.into_iter().map(str::to_owned).collect(),
    })
}

fn policy_strategy(index: usize) -> impl Strategy<Value = Policy> {
    let paths = select(vec![
        vec![],
        vec![],
        vec!["/api/**"],
        vec!["/a/*"],
        vec!["/a/b", "/c/**", "/api/x"],
        vec!["/**"],
        vec!["/x/?", "/api/v[0-9]/*"],
    ]);
    (
        paths,
        subsequence(ENTRIES, 2..=7),
        name_list(&[
            "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "patch", "PURGE",
        ]),
        name_list(&["content-type", "x-request-id", "authorization", "x-a"]),
        name_list(&["x-request-id", "x-total"]),
        any::<bool>(),
        select(vec![None, Some(0u64), Some(600), Some(86_400)]),
        any::<bool>(),
        select(vec![200u16, 204, 299]),
    )
        .prop_map(
            move |(
                paths,
                origins,
                mut methods,
                headers,
                mut expose,
                credentials,
                max_age,
                pn,
                status,
            )| {
                let mut p = policy(&format!("p{index}"), &paths, &origins);
                let any_origin = origins.contains(&"*");
                if !methods.any && methods.names.is_empty() {
                    methods = names(&["GET", "HEAD", "POST"]);
                }
                p.methods = methods;
                p.headers = headers;
                p.credentials = credentials && !any_origin;
                if p.credentials {
                    expose.any = false;
                }
                p.expose = expose;
                p.max_age = max_age;
                p.private_network = pn && !any_origin;
                p.preflight_status = status;
                p
            },
        )
}

fn policies_strategy() -> impl Strategy<Value = Vec<Policy>> {
    (1usize..=3).prop_flat_map(|n| (0..n).map(policy_strategy).collect::<Vec<_>>())
}

/// An origin: a plausible one, bent in one of the ways attackers and proxies
/// bend them, or arbitrary bytes.
fn origin_strategy(good: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let bent =
        (select(BASES), 0usize..30, any::<prop::sample::Index>()).prop_map(|(base, how, at)| {
            let s = base.to_owned();
            let host_start = s.find("://").map_or(0, |i| i + 3);
            let cut = host_start + at.index(s.len() - host_start + 1);
            let (head, host) = s.split_at(host_start);
            let bent = match how {
                0 => s.to_uppercase(),
                1 => format!("{}{}", &s[..cut], s[cut..].to_uppercase()),
                2 => format!("{s}/"),
                3 => format!("{s}.evil.com"),
                4 => format!("{head}evil{host}"),
                5 => format!("{head}evil.{host}"),
                6 => format!("{head}user@{host}"),
                7 => format!("{s}:443"),
                8 => format!("{s}:080"),
                9 => format!("{s}:8443"),
                10 => format!("{s}."),
                11 => format!("{}.{}", &s[..cut], &s[cut..]),
                12 => format!("{}\u{e9}{}", &s[..cut], &s[cut..]),
                13 => format!("{head}{}{host}", "a.".repeat(40)),
                14 => format!("{head}{}.{host}", "a".repeat(64)),
                15 => format!(" {s}"),
                16 => s.replacen("https", "http", 1),
                17 => format!("{}{}", &s[..cut], &s[(cut + 1).min(s.len())..]),
                _ => s,
            };
            bent.into_bytes()
        });
    prop_oneof![6 => select(good), 8 => bent, 1 => prop::collection::vec(any::<u8>(), 0..24)]
}

/// The origins among `BASES` that some policy of the set allows (all of
/// `BASES` when none does), so that allowed answers are common.
fn allowed_bases(policies: &[Policy]) -> Vec<Vec<u8>> {
    let good: Vec<Vec<u8>> = BASES
        .iter()
        .filter(|base| {
            policies.iter().any(|p| {
                let p = Policy {
                    paths: vec![],
                    ..p.clone()
                };
                let request = RefRequest {
                    method: b"GET".to_vec(),
                    path: b"/".to_vec(),
                    origins: vec![base.as_bytes().to_vec()],
                    ..RefRequest::default()
                };
                reference::decide(&[p], &request).allowed
            })
        })
        .map(|b| b.as_bytes().to_vec())
        .collect();
    if good.is_empty() {
        BASES.iter().map(|b| b.as_bytes().to_vec()).collect()
    } else {
        good
    }
}

fn line_strategy() -> impl Strategy<Value = Vec<u8>> {
    let name = prop_oneof![
        12 => select(vec!["content-type", "Content-Type", "x-request-id", "X-A", "authorization", "Authorization", "x-other", "x-total"]),
        2 => select(vec!["", " ", "*"]),
        1 => select(vec!["bad name", "x\r\ny", "caf\u{e9}"]),
    ];
    let listed = prop::collection::vec((name, select(vec![",", ", ", " ,\t", ",,"])), 0..5)
        .prop_map(|parts| {
            let mut line = String::new();
            for (name, sep) in parts {
                line.push_str(name);
                line.push_str(sep);
            }
            line.into_bytes()
        });
    prop_oneof![6 => listed, 1 => prop::collection::vec(any::<u8>(), 0..16)]
}

/// Usually one value, sometimes none, sometimes two (a duplicated header).
fn mostly_one(value: BoxedStrategy<Vec<u8>>) -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop_oneof![
        1 => Just(vec![]),
        10 => value.clone().prop_map(|v| vec![v]),
        1 => prop::collection::vec(value, 2),
    ]
}

fn request_strategy(good: Vec<Vec<u8>>) -> impl Strategy<Value = RefRequest> {
    let method = prop_oneof![
        6 => Just(b"OPTIONS".to_vec()),
        6 => select(vec!["GET", "POST", "PUT", "options"]).prop_map(|m| m.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..8),
    ];
    let path = prop_oneof![
        6 => select(vec!["/", "/api", "/api/x", "/api/x?y=1", "/api/x", "/a/b", "/a/b/c", "/c/d/e", "/x/y", "/api/v2/z", "/a/b?"])
            .prop_map(|p| p.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..12),
        4 => Just(b"/api/x".to_vec()),
    ];
    let request_method = prop_oneof![
        12 => select(vec!["GET", "POST", "PUT", "DELETE", "PATCH", "patch", "PURGE"]).prop_map(|m| m.as_bytes().to_vec()),
        2 => select(vec!["TRACE", "connect", "BAD METHOD", ""]).prop_map(|m| m.as_bytes().to_vec()),
        1 => prop::collection::vec(any::<u8>(), 0..8),
    ];
    let pn = prop_oneof![
        2 => Just(None),
        2 => Just(Some(b"true".to_vec())),
        1 => prop::collection::vec(any::<u8>(), 0..6).prop_map(Some),
    ];
    (
        method,
        path,
        mostly_one(origin_strategy(good).boxed()),
        mostly_one(request_method.boxed()),
        prop::collection::vec(line_strategy(), 0..=3),
        pn,
    )
        .prop_map(
            |(method, path, origins, request_methods, request_headers, private_network)| {
                RefRequest {
                    method,
                    path,
                    origins,
                    request_methods,
                    request_headers,
                    private_network,
                }
            },
        )
}

/// Every emitted value is one a header can carry.
fn assert_safe(answer: &Answer) {
    for (name, value) in &answer.headers {
        assert!(
            value
                .iter()
                .all(|&b| b == b'\t' || (0x20..0x7f).contains(&b)),
            "{name}: {value:?} is not a safe header value"
        );
        assert!(
            !value.is_empty() || name == "access-control-allow-headers",
            "{name} is empty"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// 256 policy sets × 24 requests: the compiled engine and the reference agree.
    #[test]
    fn compiled_engine_agrees_with_the_reference(
        (policies, requests) in policies_strategy().prop_flat_map(|policies| {
            let good = allowed_bases(&policies);
            (Just(policies), prop::collection::vec(request_strategy(good), 24))
        }),
    ) {
        let engine = Engine::from_policies(&PolicySet { policies: policies.clone() }).unwrap();
        for request in &requests {
            let compiled = Answer::of(&engine.decide(&request.to_request()));
            let expected = reference::decide(&policies, request);
            prop_assert_eq!(&compiled, &expected, "request {:?}", request);
            assert_safe(&compiled);
        }
    }
}

/// `trace` answers exactly as `decide`, and what it recorded explains that
/// answer: the policy that matched, the origin entry, the method, header and
/// private-network checks, an informative denial exactly when the rules say.
fn assert_trace_is_decide(engine: &Engine, request: &Request<'_>) -> Result<(), TestCaseError> {
    let decision = engine.decide(request);
    let trace = engine.trace(request);
    prop_assert_eq!(Answer::of(&trace.decision), Answer::of(&decision));
    prop_assert_eq!(trace.decision.reason(), decision.reason());
    check_trace(&trace, &decision)
}

fn check_trace(trace: &Trace<'_>, decision: &Decision<'_>) -> Result<(), TestCaseError> {
    // Policy selection: every policy before the answering one was tried and
    // none of its globs matched; the answering one has a glob that matched,
    // or no `paths`.
    let selected = decision.policy_index();
    for check in &trace.policies {
        prop_assert_eq!(check.matched, Some(check.index) == selected);
        let any_glob = check.paths.iter().any(|p| p.matched);
        prop_assert_eq!(check.matched, check.paths.is_empty() || any_glob);
    }
    match selected {
        Some(index) => prop_assert_eq!(trace.policies.len(), index + 1),
        None => prop_assert!(trace.policies.iter().all(|p| !p.matched)),
    }
    // The origin.
    let cors = matches!(
        decision.kind(),
        RequestKind::Preflight | RequestKind::Actual
    );
    prop_assert_eq!(trace.origin.is_some(), cors);
    if let Some(origin) = &trace.origin {
        let agrees = match (&origin.outcome, decision.reason()) {
            (OriginOutcome::Duplicated, Reason::OriginDuplicated) => true,
            (OriginOutcome::Malformed { .. }, Reason::MalformedOrigin { .. }) => true,
            (OriginOutcome::NotAllowed { candidates }, Reason::OriginNotAllowed { .. }) => {
                candidates.iter().all(|c| !c.differences.is_empty())
            }
            (OriginOutcome::Any | OriginOutcome::Matched { .. }, _) => {
                decision.kind() == RequestKind::Preflight || decision.allowed()
            }
            _ => false,
        };
        prop_assert!(agrees, "{:?} for {:?}", origin.outcome, decision.reason());
        if let (OriginOutcome::Matched { entry, .. }, true) = (&origin.outcome, decision.allowed())
        {
            prop_assert_eq!(decision.reason(), Reason::OriginAllowed { entry: *entry });
        }
    }
    // The preflight's checks.
    if decision.allowed() && decision.kind() == RequestKind::Preflight {
        let method = trace
            .method
            .expect("an allowed preflight checked its method");
        prop_assert!(method.outcome.is_allowed());
        let headers = trace.headers.as_ref().expect("and its headers");
        let read =
            matches!(headers.list, ListOutcome::Read { names } if names == headers.names.len());
        prop_assert!(read, "{:?}", headers);
        prop_assert!(headers.names.iter().all(|h| h.outcome.is_allowed()));
        prop_assert!(
            trace
                .private_network
                .expect("and private network")
                .is_allowed()
        );
    }
    let refused_method = trace
        .method
        .is_some_and(|m| m.outcome == MethodOutcome::NotAllowed);
    let refused_header = trace
        .headers
        .as_ref()
        .is_some_and(|h| h.names.iter().any(|n| !n.outcome.is_allowed()));
    let refused_pn = trace.private_network.is_some_and(|p| !p.is_allowed());
    let sendable = trace
        .headers
        .as_ref()
        .is_some_and(|h| matches!(h.list, ListOutcome::Read { .. }));
    prop_assert_eq!(
        decision.informative(),
        sendable && (refused_method || refused_header || refused_pn)
    );
    match decision.reason() {
        Reason::MethodNotAllowed { .. } => prop_assert!(refused_method),
        Reason::HeaderNotAllowed { name } => {
            let recorded = trace
                .headers
                .iter()
                .flat_map(|h| &h.names)
                .any(|n| n.name == name && n.outcome == HeaderOutcome::NotAllowed);
            prop_assert!(recorded, "{:?} not recorded", name);
        }
        Reason::AuthorizationNotCoveredByWildcard => prop_assert!(refused_header),
        Reason::PrivateNetworkNotEnabled => prop_assert!(refused_pn),
        _ => {}
    }
    // An informative denial never echoes what was denied.
    if decision.informative() {
        let denied: Vec<&[u8]> = trace
            .headers
            .iter()
            .flat_map(|h| &h.names)
            .filter(|n| !n.outcome.is_allowed())
            .map(|n| n.name)
            .collect();
        let authorization_refused = trace
            .headers
            .iter()
            .flat_map(|h| &h.names)
            .any(|n| n.outcome == HeaderOutcome::AuthorizationNotCovered);
        for header in decision.headers() {
            prop_assert!(header.name != "access-control-max-age");
            // Chromium lets a literal `*` cover authorization.
            prop_assert!(
                !(authorization_refused
                    && header.name == "access-control-allow-headers"
                    && header.value.starts_with(b"*"))
            );
            if header.name == "access-control-allow-headers" {
                for name in &denied {
                    prop_assert!(
                        !header.value.eq_ignore_ascii_case(name)
                            && !header
                                .value
                                .split(|&b| b == b',')
                                .any(|e| e.trim_ascii().eq_ignore_ascii_case(name)),
                        "{:?} echoes the denied {:?}",
                        header,
                        name
                    );
                }
            }
            if header.name == "access-control-allow-methods" && refused_method {
                let method = trace.method.expect("checked").method;
                prop_assert!(
                    !header
                        .value
                        .split(|&b| b == b',')
                        .any(|e| e.trim_ascii() == method)
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// 256 policy sets × 24 requests: `trace(r).decision == decide(r)`, and
    /// the trace explains it.
    #[test]
    fn trace_answers_as_decide(
        (policies, requests) in policies_strategy().prop_flat_map(|policies| {
            let good = allowed_bases(&policies);
            (Just(policies), prop::collection::vec(request_strategy(good), 24))
        }),
    ) {
        let engine = Engine::from_policies(&PolicySet { policies }).unwrap();
        for request in &requests {
            assert_trace_is_decide(&engine, &request.to_request())?;
        }
    }
}

fn hostile_engine() -> &'static (Vec<Policy>, Engine) {
    static ENGINE: std::sync::OnceLock<(Vec<Policy>, Engine)> = std::sync::OnceLock::new();
    ENGINE.get_or_init(build_hostile_engine)
}

fn build_hostile_engine() -> (Vec<Policy>, Engine) {
    let mut api = policy("api", &["/api/**"], &ENTRIES[..12]);
    api.methods = names(&["*"]);
    api.headers = names(&["*", "authorization"]);
    api.credentials = true;
    api.private_network = true;
    let mut listed = policy(
        "listed",
        &["/l/**"],
        &["https://app.example.com", "https://*.example.com"],
    );
    listed.headers = names(&["content-type", "x-a"]);
    let public = policy("public", &[], &["*"]);
    let policies = vec![api, listed, public];
    let engine = Engine::from_policies(&PolicySet {
        policies: policies.clone(),
    })
    .unwrap();
    (policies, engine)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Arbitrary bytes in every input: no panic, only safe values, and the
    /// reference agrees.
    #[test]
    fn decide_never_panics_on_arbitrary_bytes(
        method in prop::collection::vec(any::<u8>(), 0..10),
        path in prop::collection::vec(any::<u8>(), 0..20),
        origins in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..3),
        request_methods in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..10), 0..3),
        request_headers in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..20),
        private_network in prop::option::of(prop::collection::vec(any::<u8>(), 0..6)),
        prefix in select(vec!["", "/api/", "/l/"]),
        options in any::<bool>(),
    ) {
        let (policies, engine) = hostile_engine();
        let mut path = path;
        path.splice(0..0, prefix.bytes());
        let method = if options { b"OPTIONS".to_vec() } else { method };
        let request = RefRequest { method, path, origins, request_methods, request_headers, private_network };
        let decision = engine.decide(&request.to_request());
        let _ = decision.reason().to_string();
        let _ = format!("{decision:?}");
        let compiled = Answer::of(&decision);
        assert_safe(&compiled);
        if compiled.kind == RequestKind::Preflight {
            prop_assert_eq!(compiled.status.is_some(), true);
        }
        prop_assert_eq!(compiled, reference::decide(policies, &request));
        assert_trace_is_decide(engine, &request.to_request())?;
    }
}
