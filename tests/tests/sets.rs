//! Runtime origin sets (`origins set "NAME"`) and `skip` policies in the
//! engine: building, replacing, matching, the reference interpreter's
//! agreement, and atomic replacement under concurrent decisions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use cors_policy::{Engine, OriginSet, OriginSets, Reason, Request, RequestKind};
use cors_policy_tests::reference::{self, RefRequest, Sets};

const TENANTS: &str = r#"
policy "hooks" {
    paths "/api/hooks/**"
    skip
}
policy "api" {
    paths "/api/**"
    origins "https://app.example.com", set "tenants"
    methods GET, PUT
    credentials
}
"#;

fn get(path: &str, origin: &str) -> Request<'static> {
    let path: &'static str = Box::leak(path.to_owned().into_boxed_str());
    let origin: &'static str = Box::leak(origin.to_owned().into_boxed_str());
    Request::new("GET", path).origin(origin)
}

fn headers(engine: &Engine, request: &Request<'_>) -> Vec<(String, String)> {
    engine
        .decide(request)
        .headers()
        .map(|h| {
            (
                h.name.to_owned(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

#[test]
fn building_without_a_set_is_an_error_naming_it() {
    let error = TENANTS.parse::<Engine>().unwrap_err();
    let shown = error.to_string();
    assert!(shown.contains("no origin set named `tenants`"), "{shown}");
    assert!(
        shown.contains("set \"tenants\""),
        "the caret's line: {shown}"
    );
    assert_eq!(error.diagnostics()[0].kind.name(), "invalid-origin");

    // A registry without that name does not supply it either.
    let sets = OriginSets::new();
    let _ = sets.replace("tenant", ["https://a.example.com"]);
    let error = Engine::builder(TENANTS)
        .origin_sets(&sets)
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("`tenants`"));

    // Nor does `from_policies`.
    let checked = cors_policy_grammar::check(TENANTS);
    let set = checked.policies.unwrap();
    assert!(Engine::from_policies(&set).is_err());
    let tenants = OriginSet::new();
    assert!(
        Engine::builder_from_policies(&set)
            .origin_set("tenants", &tenants)
            .build()
            .is_ok()
    );
}

#[test]
fn a_set_allows_its_current_contents_only() {
    let tenants = OriginSet::new();
    let engine = Engine::builder(TENANTS)
        .origin_set("tenants", &tenants)
        .build()
        .unwrap();
    let acme = get("/api/users", "https://acme.example.com");
    // Empty: nothing but the literal entry.
    assert!(!engine.decide(&acme).allowed());
    assert_eq!(
        engine.decide(&acme).reason(),
        Reason::OriginNotAllowed {
            origin: b"https://acme.example.com"
        }
    );
    assert!(
        engine
            .decide(&get("/api/users", "https://app.example.com"))
            .allowed()
    );

    let report = tenants.replace(["HTTPS://Acme.Example.com:443", "https://*.globex.example"]);
    assert!(report.is_clean(), "{report}");
    assert_eq!(report.accepted(), 2);
    let d = engine.decide(&acme);
    assert!(d.allowed());
    assert_eq!(d.reason(), Reason::OriginAllowed { entry: 1 });
    assert_eq!(
        headers(&engine, &acme),
        [
            (
                "access-control-allow-origin".into(),
                "https://acme.example.com".into()
            ),
            ("access-control-allow-credentials".into(), "true".into()),
            ("vary".into(), "Origin".into()),
        ]
    );
    // `*.` wildcard: one or more labels, scheme and port exact.
    for (origin, allowed) in [
        ("https://eu.globex.example", true),
        ("https://a.b.globex.example", true),
        ("https://globex.example", false),
        ("http://eu.globex.example", false),
        ("https://eu.globex.example:8443", false),
        ("https://eu.globex.example.evil.com", false),
        // Browsers send serialized origins: the request is compared byte for byte.
        ("https://ACME.example.com", false),
        ("https://acme.example.com/", false),
        ("null", false),
    ] {
        assert_eq!(
            engine.decide(&get("/api/x", origin)).allowed(),
            allowed,
            "{origin}"
        );
    }

    // Replaced: the old contents are gone at once.
    let _ = tenants.replace(["https://initech.example"]);
    assert!(!engine.decide(&acme).allowed());
    assert!(
        engine
            .decide(&get("/api/x", "https://initech.example"))
            .allowed()
    );
    tenants.clear();
    assert!(tenants.is_empty());
    assert!(
        !engine
            .decide(&get("/api/x", "https://initech.example"))
            .allowed()
    );
}

#[test]
fn rejected_entries_are_reported_with_the_language_diagnostics() {
    let tenants = OriginSet::new();
    let report = tenants.replace([
        "https://ok.example",
        "https://a.example/",
        "acme.example",
        "https://*.com",
        "https://*.github.io",
        "null",
        "*",
        "file:///etc",
        "https://ok.example",
        " https://b.example",
    ]);
    assert_eq!(report.accepted(), 2);
    assert_eq!(report.len(), 1, "duplicates count once");
    let got: Vec<(usize, &str, &str)> = report
        .rejected()
        .iter()
        .map(|r| (r.index(), r.entry(), r.diagnostic().kind.name()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "https://a.example/", "invalid-origin"),
            (2, "acme.example", "invalid-origin"),
            (3, "https://*.com", "public-suffix-wildcard"),
            (4, "https://*.github.io", "public-suffix-wildcard"),
            (5, "null", "invalid-origin"),
            (6, "*", "invalid-origin"),
            (7, "file:///etc", "invalid-origin"),
            (9, " https://b.example", "invalid-origin"),
        ]
    );
    // The same message and help as in a policy file.
    let in_file = cors_policy_grammar::check(r#"policy "p" { origins "https://a.example/" }"#);
    assert_eq!(
        report.rejected()[0].diagnostic().message,
        in_file.diagnostics[0].message
    );
    assert_eq!(
        report.rejected()[0].diagnostic().help,
        in_file.diagnostics[0].help
    );
    let shown = report.to_string();
    assert!(shown.starts_with("2 entries accepted, 8 rejected\nentry 2 `https://a.example/`: error[E0006/invalid-origin]"), "{shown}");
    // Only the accepted entry is used.
    assert!(tenants.contains("https://ok.example"));
    assert!(!tenants.contains("https://b.example"));
    assert_eq!(
        tenants.snapshot().entries().collect::<Vec<_>>(),
        ["https://ok.example"]
    );
}

#[test]
fn entries_are_normalized_as_literal_origins_are() {
    let tenants = OriginSet::new();
    let report = tenants.replace([
        "https://MÜNCHEN.de",
        "http://[::ffff:127.0.0.1]:8080",
        "https://a.example:443",
        "http://localhost:*",
        "https://*.Tenant.Example:8443",
    ]);
    assert!(report.is_clean(), "{report}");
    // The same normal form as the same text written in a policy.
    let literal =
        cors_policy_grammar::check(r#"policy "p" { origins "http://[::ffff:127.0.0.1]:8080" }"#);
    let cors_policy_grammar::model::OriginMatcher::Exact(ipv6) =
        &literal.policies.unwrap().policies[0].origins[0].matcher
    else {
        panic!("an exact origin")
    };
    assert_eq!(
        tenants.snapshot().entries().collect::<Vec<_>>(),
        [
            "https://xn--mnchen-3ya.de",
            ipv6.as_str(),
            "https://a.example",
            "http://localhost:*",
            "https://*.tenant.example:8443",
        ]
    );
    for origin in [
        "https://xn--mnchen-3ya.de",
        "https://a.example",
        "http://localhost",
        "http://localhost:3000",
        "https://x.tenant.example:8443",
    ] {
        assert!(tenants.contains(origin), "{origin}");
    }
    assert!(!tenants.contains("https://a.example:443"));
    assert!(!tenants.contains("https://x.tenant.example"));
}

#[test]
fn a_skip_policy_is_answered_as_if_none_matched() {
    let tenants = OriginSet::new();
    let _ = tenants.replace(["https://acme.example.com"]);
    let engine = Engine::builder(TENANTS)
        .origin_set("tenants", &tenants)
        .build()
        .unwrap();
    let preflight = Request::new("OPTIONS", "/api/hooks/stripe?x=1")
        .origin("https://acme.example.com")
        .request_method("PUT");
    let d = engine.decide(&preflight);
    assert_eq!(d.kind(), RequestKind::Unhandled);
    assert!(!d.allowed() && d.forward());
    assert_eq!((d.policy(), d.status()), (None, None));
    assert_eq!(d.reason(), Reason::Skipped { policy: "hooks" });
    assert_eq!(d.reason().code(), "skipped");
    assert_eq!(d.headers().count(), 0);
    assert_eq!(d.vary(), None);
    // Beside it, the wider policy still answers.
    let d = engine.decide(&get("/api/users", "https://acme.example.com"));
    assert_eq!(d.policy(), Some("api"));
}

#[test]
fn the_registry_hands_out_shared_handles() {
    let sets = OriginSets::new();
    let handle = sets.handle("tenants");
    let engine = Engine::builder(TENANTS).origin_sets(&sets).build().unwrap();
    let _ = sets.replace("tenants", ["https://acme.example.com"]);
    assert!(handle.contains("https://acme.example.com"));
    assert!(
        engine
            .decide(&get("/api/x", "https://acme.example.com"))
            .allowed()
    );
    assert_eq!(sets.names(), ["tenants"]);
    // An explicit set wins over the registry's.
    let own = OriginSet::new();
    let engine = Engine::builder(TENANTS)
        .origin_sets(&sets)
        .origin_set("tenants", &own)
        .build()
        .unwrap();
    assert!(
        !engine
            .decide(&get("/api/x", "https://acme.example.com"))
            .allowed()
    );
}

/// The compiled engine and the reference interpreter agree on sets and
/// `skip`, over a grid of policies, set contents and origins.
#[test]
fn the_engine_agrees_with_the_reference_interpreter() {
    let policies = [
        TENANTS,
        r#"policy "a" { origins set "x", regex r"^https://r[0-9]\.example$" }"#,
        r#"policy "a" { paths "/s/**" skip } policy "b" { origins null, set "x" allow null-origin }"#,
        r#"policy "a" { origins set "x", "https://*.example" }"#,
        // Exact origins and sets: looked up before the origin is parsed.
        r#"policy "a" { origins "https://app.example.com", set "x", set "tenants" }"#,
    ];
    let contents: [&[&str]; 5] = [
        &[],
        &["https://acme.example.com", "https://*.example", "null"],
        &[
            "https://r1.example",
            "http://localhost:*",
            "https://a.example/",
        ],
        &["https://*.deep.example", "https://x.example:8443"],
        &[
            "https://app.example.com",
            "https://acme.example.com",
            "null",
        ],
    ];
    let origins = [
        "https://acme.example.com",
        "https://app.example.com",
        "https://r1.example",
        "https://a.example",
        "https://q.deep.example",
        "https://x.example:8443",
        "http://localhost",
        "http://localhost:5173",
        "null",
        "HTTPS://a.example",
    ];
    let paths = ["/", "/api/x", "/api/hooks/1", "/s/1"];
    let mut compared = 0;
    for text in policies {
        let model = cors_policy_grammar::check(text).policies.unwrap();
        for entries in contents {
            let set = OriginSet::new();
            let _ = set.replace(entries.iter().copied());
            let mut engine = Engine::builder(text);
            for name in ["tenants", "x"] {
                engine = engine.origin_set(name, &set);
            }
            let engine = engine.build().unwrap();
            let sets: Sets = ["tenants", "x"]
                .into_iter()
                .map(|n| {
                    (
                        n.to_owned(),
                        entries.iter().map(|e| (*e).to_owned()).collect(),
                    )
                })
                .collect();
            for origin in origins {
                for path in paths {
                    for method in ["GET", "OPTIONS"] {
                        let request = RefRequest {
                            method: method.into(),
                            path: path.into(),
                            origins: vec![origin.into()],
                            request_methods: if method == "OPTIONS" {
                                vec![b"GET".to_vec()]
                            } else {
                                vec![]
                            },
                            ..RefRequest::default()
                        };
                        let expected =
                            reference::decide_with_sets(&model.policies, &sets, &request);
                        let got = reference::Answer::of(&engine.decide(&request.to_request()));
                        assert_eq!(got, expected, "{text} {entries:?} {origin} {path} {method}");
                        compared += 1;
                    }
                }
            }
        }
    }
    assert_eq!(compared, 5 * 5 * 10 * 4 * 2);
}

/// Version `k` of the set: 50 exact origins and one wildcard of its own, one
/// shared origin, and one invalid entry (reported, never used).
fn version(k: usize) -> Vec<String> {
    let mut v: Vec<String> = (0..50)
        .map(|i| format!("https://v{k}-{i}.example.com"))
        .collect();
    v.push(format!("https://*.w{k}.example.net"));
    v.push("https://shared.example.com".to_owned());
    v.push(format!("https://bad{k}.example.com/"));
    v
}

/// Whether `origin` is in version `k`'s contents, computed from the
/// definition (not from the set).
fn in_version(k: usize, origin: &str) -> bool {
    origin == "https://shared.example.com"
        || (0..50).any(|i| origin == format!("https://v{k}-{i}.example.com"))
        || origin
            .strip_suffix(&format!(".w{k}.example.net"))
            .is_some_and(|label| label.starts_with("https://") && label.len() > 8)
}

/// The probes of version `k`: some of its exact origins, its wildcard, its
/// invalid entry, and an origin of no version.
fn probes(k: usize) -> Vec<String> {
    vec![
        format!("https://v{k}-0.example.com"),
        format!("https://v{k}-49.example.com"),
        format!("https://tenant.w{k}.example.net"),
        format!("https://bad{k}.example.com"),
        "https://shared.example.com".to_owned(),
        "https://never.example.com".to_owned(),
    ]
}

/// Replacement is atomic and never lost: deciding threads run while one
/// thread replaces the set version after version.
///
/// Each replacement `k` is bracketed by two counters: `started` is raised
/// to `k` before `replace` and `completed` after it returns. A decision
/// reads `completed` before (`lo`) and `started` after (`hi`): the contents
/// it saw must be one of versions `lo..=hi`. So an answer that matches no
/// version in that window — a mix of two versions, a half-built set, or
/// the old contents after `replace` returned (a lost update) — fails.
///
/// Each decision is checked on its own (the engine loads the contents once
/// a decision), and each decider also asks every probe of a window of
/// versions of one `snapshot`: the whole answer vector must be exactly one
/// version's, which a set mutated in place (or swapped piecewise) would
/// fail on.
#[test]
fn replacement_is_atomic_under_concurrent_decisions() {
    const VERSIONS: usize = 300;
    const DECIDERS: usize = 3;
    let tenants = OriginSet::new();
    let _ = tenants.replace(version(0));
    let engine = Arc::new(
        Engine::builder(r#"policy "api" { origins set "tenants" credentials }"#)
            .origin_set("tenants", &tenants)
            .build()
            .unwrap(),
    );
    let started = Arc::new(AtomicUsize::new(0));
    let completed = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));

    let deciders: Vec<_> = (0..DECIDERS)
        .map(|t| {
            let (engine, tenants) = (Arc::clone(&engine), tenants.clone());
            let (started, completed, done) = (
                Arc::clone(&started),
                Arc::clone(&completed),
                Arc::clone(&done),
            );
            std::thread::spawn(move || {
                let mut checked = (0usize, 0usize);
                let mut n = t;
                while !done.load(Ordering::SeqCst) {
                    n += 1;
                    let lo = completed.load(Ordering::SeqCst);
                    // Probe the versions around the current one.
                    let k = lo + n % 3;
                    let probe = &probes(k)[n % 6];
                    let request = Request::new("GET", "/").origin(probe.as_str());
                    let allowed = engine.decide(&request).allowed();
                    let snapshot = tenants.snapshot();
                    let hi = started.load(Ordering::SeqCst);
                    assert!(
                        (lo..=hi).any(|j| in_version(j, probe) == allowed),
                        "decision on {probe}: {allowed}, versions {lo}..={hi}"
                    );
                    // One snapshot: every probe of versions lo-1..=hi+1
                    // answered as exactly one version in lo..=hi.
                    let all: Vec<String> =
                        (lo.saturating_sub(1)..=hi + 1).flat_map(probes).collect();
                    let answers: Vec<bool> = all.iter().map(|o| snapshot.contains(o)).collect();
                    let matching = (lo..=hi)
                        .filter(|&j| {
                            all.iter()
                                .map(|o| in_version(j, o))
                                .eq(answers.iter().copied())
                        })
                        .count();
                    assert_eq!(
                        matching, 1,
                        "snapshot between versions {lo} and {hi}: {answers:?}"
                    );
                    assert_eq!(snapshot.len(), 52);
                    checked.0 += 1;
                    checked.1 += all.len();
                }
                checked
            })
        })
        .collect();

    for k in 1..=VERSIONS {
        started.store(k, Ordering::SeqCst);
        let report = tenants.replace(version(k));
        completed.store(k, Ordering::SeqCst);
        assert_eq!(report.accepted(), 52);
        assert_eq!(report.rejected().len(), 1);
        assert_eq!(
            report.rejected()[0].entry(),
            format!("https://bad{k}.example.com/")
        );
        // Never lost: the replacing thread's next decision sees it.
        let (new, old) = (probes(k), probes(k.saturating_sub(1)));
        let mine = Request::new("GET", "/").origin(new[0].as_str());
        assert!(engine.decide(&mine).allowed(), "version {k}");
        if k > 1 {
            let old = Request::new("GET", "/").origin(old[2].as_str());
            assert!(!engine.decide(&old).allowed(), "version {}", k - 1);
        }
        std::thread::yield_now();
    }
    done.store(true, Ordering::SeqCst);
    let mut decisions = 0;
    for decider in deciders {
        let (d, _) = decider.join().unwrap();
        assert!(d > 0, "every decider ran");
        decisions += d;
    }
    assert!(decisions >= DECIDERS);
}
