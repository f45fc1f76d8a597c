//! The findings judged on made-up answers to one policy set.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::*;
use cors_policy::Engine;

use crate::probe::matrix::Role;

const POLICY: &str = r#"
    policy "open" { paths "/open/**" origins "https://app.example.com" methods GET, PUT }
    policy "creds" {
        paths "/creds/**"
        origins "https://app.example.com"
        methods GET, PUT
        credentials
        max-age 60
    }
    policy "pna" {
        paths "/pna/**"
        origins "https://app.example.com"
        methods GET, PUT
        max-age 60
        private-network
    }
"#;

fn probe(path: &str, preflight: bool) -> Probe {
    Probe {
        role: Role::Allowed {
            entry: "\"https://app.example.com\"".to_owned(),
        },
        method: if preflight { "OPTIONS" } else { "GET" },
        path: path.to_owned(),
        error_path: false,
        origin: Some("https://app.example.com".to_owned()),
        request_method: preflight.then(|| "PUT".to_owned()),
        request_headers: None,
        private_network: false,
        extra: Vec::new(),
    }
}

/// The codes found for `headers` answered with `status` to `probe`.
fn codes(probe: &Probe, status: u16, headers: &[(&str, &str)]) -> Vec<Code> {
    let engine: Engine = POLICY.parse().unwrap();
    let index = engine
        .decide(&probe.engine_request())
        .policy_index()
        .unwrap();
    let policy = &engine.policies()[index];
    let cx = Context {
        engine: &engine,
        policy,
        url: "http://127.0.0.1/",
    };
    let response = Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
            .collect(),
        body_len: 0,
        body_cut: false,
    };
    let expected = Expected::of(&engine, probe);
    judge(&cx, 0, probe, &expected, &Ok(response))
        .into_iter()
        .map(|f| f.code)
        .collect()
}

const ORIGIN: (&str, &str) = ("access-control-allow-origin", "https://app.example.com");
const VARY: (&str, &str) = ("vary", "Origin");

#[test]
fn the_policys_own_answer_has_no_finding() {
    assert_eq!(codes(&probe("/open/x", false), 200, &[ORIGIN, VARY]), []);
    let preflight = [
        ORIGIN,
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-max-age", "60"),
    ];
    assert_eq!(codes(&probe("/creds/x", true), 204, &preflight), []);
}

#[test]
fn credentials_the_policy_does_not_give_are_found() {
    let credentials = ("access-control-allow-credentials", "true");
    assert_eq!(
        codes(&probe("/open/x", false), 200, &[ORIGIN, credentials, VARY]),
        [Code::CredentialsBeyondPolicy]
    );
    assert_eq!(
        codes(
            &probe("/creds/x", false),
            200,
            &[ORIGIN, credentials, credentials, VARY]
        ),
        [Code::DuplicateAllowCredentials]
    );
    assert_eq!(
        codes(&probe("/creds/x", false), 200, &[ORIGIN, VARY]),
        [Code::MissingAllowCredentials]
    );
    assert_eq!(
        codes(
            &probe("/creds/x", false),
            200,
            &[("access-control-allow-origin", "*"), credentials, VARY]
        ),
        [Code::WildcardWithCredentials]
    );
}

#[test]
fn a_missing_header_is_found_by_status() {
    assert_eq!(
        codes(&probe("/open/x", false), 200, &[VARY]),
        [Code::MissingAllowOrigin]
    );
    assert_eq!(
        codes(&probe("/open/x", false), 500, &[VARY]),
        [Code::MissingCorsOnError]
    );
    let preflight = [
        ORIGIN,
        ("access-control-allow-credentials", "true"),
        ("access-control-allow-methods", "GET"),
    ];
    assert_eq!(
        codes(&probe("/creds/x", true), 204, &preflight),
        [Code::PreflightRefusesAllowed, Code::MissingMaxAge]
    );
}

#[test]
fn private_network_access_follows_the_policy() {
    let mut asks = probe("/pna/x", true);
    asks.private_network = true;
    let answer = [
        ORIGIN,
        ("access-control-allow-methods", "GET, PUT"),
        ("access-control-max-age", "60"),
    ];
    let granted = ("access-control-allow-private-network", "true");
    let mut with_grant = answer.to_vec();
    with_grant.push(granted);
    assert_eq!(codes(&asks, 204, &with_grant), []);
    assert_eq!(
        codes(&asks, 204, &answer),
        [Code::MissingAllowPrivateNetwork]
    );
    // A policy without `private-network`: the engine denies, the server grants.
    asks.path = "/open/x".to_owned();
    assert_eq!(
        codes(&asks, 204, &with_grant),
        [Code::PrivateNetworkBeyondPolicy]
    );
    assert_eq!(codes(&asks, 204, &answer), []);
}

#[test]
fn shared_caches_need_vary() {
    let public = ("cache-control", "public, max-age=60");
    assert_eq!(
        codes(&probe("/open/x", false), 200, &[ORIGIN, public]),
        [Code::CacheableWithoutVary]
    );
    let private = ("cache-control", "public, private");
    assert_eq!(
        codes(&probe("/open/x", false), 200, &[ORIGIN, private]),
        [Code::MissingVary]
    );
    assert_eq!(
        codes(&probe("/open/x", false), 200, &[ORIGIN, ("vary", "*")]),
        []
    );
}
