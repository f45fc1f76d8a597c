//! Issue 13 ("Trust"), generated: every host form a policy can list is
//! matched in the URL standard's serialization and in no other spelling
//! (class 5); no regex a policy may hold ever matches `null` (class 2); no
//! `Origin` over the DNS host limits is matched (class 6) — by the engine and
//! by the reference interpreter alike.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy::{Engine, Request};
use cors_policy_grammar::{check, limits};
use cors_policy_tests::reference::{self, RefRequest};
use proptest::prelude::*;

/// Whether the engine and the reference both allow `origin` under `src`.
fn allows(src: &str, origin: &str) -> bool {
    let engine: Engine = src.parse().unwrap();
    let by_engine = engine
        .decide(&Request::new("GET", "/").origin(origin.as_bytes()))
        .allowed();
    let set = check(src).policies.unwrap();
    let request = RefRequest {
        method: b"GET".to_vec(),
        path: b"/".to_vec(),
        origins: vec![origin.as_bytes().to_vec()],
        ..RefRequest::default()
    };
    let by_reference = reference::decide(&set.policies, &request).allowed;
    assert_eq!(
        by_engine, by_reference,
        "engine and reference on {origin:?} under {src}"
    );
    by_engine
}

fn random_case(s: &str, flips: &[bool]) -> String {
    s.chars()
        .zip(flips.iter().cycle())
        .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
        .collect()
}

/// A host in one of the forms the URL standard accepts and rewrites.
fn host() -> impl Strategy<Value = String> {
    let label = "[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?";
    let flips = proptest::collection::vec(any::<bool>(), 1..8);
    prop_oneof![
        // A DNS name in any case, maybe with a non-ASCII label.
        (
            proptest::collection::vec(label, 1..3),
            "(com|org|dev|example|io)",
            flips.clone(),
            prop::sample::select(vec!["", "ü", "ß", "例", "é"])
        )
            .prop_map(|(labels, tld, flips, idn)| random_case(
                &format!("{idn}{}.{tld}", labels.join(".")),
                &flips
            )),
        // IPv4, dotted.
        any::<[u8; 4]>().prop_map(|a| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])),
        // IPv4 as one number, in decimal or hex.
        any::<u32>().prop_map(|n| n.to_string()),
        (any::<u32>(), flips.clone()).prop_map(|(n, f)| random_case(&format!("0x{n:x}"), &f)),
        // IPv4 shorthand `a.b` (b fills 24 bits) and octal parts.
        (any::<u8>(), 0u32..(1 << 24)).prop_map(|(a, b)| format!("{a}.{b}")),
        any::<[u8; 4]>().prop_map(|a| format!("0{:o}.{}.{}.0{:o}", a[0], a[1], a[2], a[3])),
        // IPv6, written in full in any case, with zero runs to compress.
        (any::<[u16; 8]>(), any::<u8>(), flips.clone()).prop_map(|(mut g, zeros, f)| {
            for slot in g
                .iter_mut()
                .skip(usize::from(zeros % 8))
                .take(usize::from(zeros % 4))
            {
                *slot = 0;
            }
            let text: Vec<String> = g.iter().map(|x| format!("{x:x}")).collect();
            random_case(&format!("[{}]", text.join(":")), &f)
        }),
        // IPv4-mapped IPv6, written dotted.
        any::<[u8; 4]>().prop_map(|a| format!("[::ffff:{}.{}.{}.{}]", a[0], a[1], a[2], a[3])),
    ]
}

fn origin_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["http", "https", "ws", "wss", "HTTPS", "Http"]),
        host(),
        prop_oneof![
            Just(None),
            Just(Some(80u16)),
            Just(Some(443)),
            (1u16..).prop_map(Some)
        ],
    )
        .prop_map(|(scheme, host, port)| match port {
            Some(p) => format!("{scheme}://{host}:{p}"),
            None => format!("{scheme}://{host}"),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, max_global_rejects: 10_000, ..ProptestConfig::default() })]

    /// A policy listing any origin the URL standard accepts matches exactly
    /// its serialization, and not the text as written (when it differs),
    /// nor the serialization uppercased, with a trailing slash, or with the
    /// default port spelled out.
    #[test]
    fn an_origin_matches_its_serialization_and_nothing_else(text in origin_text()) {
        let url = url::Url::parse(&text);
        prop_assume!(url.as_ref().is_ok_and(|u| u.host().is_some()));
        let serialized = url.unwrap().origin().ascii_serialization();
        let src = format!("policy \"p\" {{ origins \"{text}\" }}");
        let checked = check(&src);
        prop_assert!(
            checked.diagnostics.iter().all(|d| !d.is_error()),
            "{} refused: {:?}", text, checked.diagnostics
        );
        prop_assert!(allows(&src, &serialized), "{} does not match {}", text, serialized);
        let mut others = vec![
            format!("{serialized}/"),
            serialized.to_ascii_uppercase(),
            format!("{serialized}:0"),
            "null".to_owned(),
        ];
        if text != serialized {
            others.push(text.clone());
        }
        if !serialized.rsplit_once(':').is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())) {
            let default = if serialized.starts_with("https") || serialized.starts_with("wss") { 443 } else { 80 };
            others.push(format!("{serialized}:{default}"));
        }
        for other in others {
            if other != serialized {
                prop_assert!(!allows(&src, &other), "{} also matches {}", text, other);
            }
        }
    }

    /// No regex that `check` accepts matches `null`: only the keyword does.
    #[test]
    fn no_regex_matches_null(pieces in proptest::collection::vec(prop::sample::select(vec![
        "n", "u", "l", "ll", ".", ".*", ".+", "[a-z]+", r"\w+", "(null)?", "|", "(?i)", "[^:]*",
        "https://", r"app\.example\.com", "[nul]{4}", "N", "U", "L",
    ]), 1..6)) {
        // A second branch that matches an origin, so that the regex is not
        // refused for matching none.
        let re = format!(r"{}|https://app\.example\.com", pieces.concat());
        let src = format!("policy \"p\" {{ origins regex r\"{re}\" }}");
        let checked = check(&src);
        prop_assume!(checked.diagnostics.iter().all(|d| !d.is_error()));
        prop_assert!(!allows(&src, "null"), "regex {} matches null", re);
    }

    /// A host over the DNS limits is never matched, whatever matches it.
    #[test]
    fn no_origin_over_the_dns_limits_is_matched(label in 1usize..80, labels in 1usize..6) {
        let host = vec!["a".repeat(label); labels].join(".");
        let origin = format!("https://{host}.example.com");
        let fits = limits::host_fits(format!("{host}.example.com").as_bytes());
        for src in [
            "policy \"p\" { origins regex r\"https://([a-z]+\\.)+example\\.com\" }",
            "policy \"p\" { origins \"https://*.example.com\" }",
        ] {
            prop_assert_eq!(allows(src, &origin), fits, "{}", origin);
        }
    }
}
