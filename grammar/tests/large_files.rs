//! Large files (issue 13, class 7): above 1,000 policies `shadowed-policy`
//! looks only at the earlier policies an index of glob prefixes names, so
//! that checking stays linear; it still finds the shadowing that the
//! pairwise comparison finds in a small file, and never reports a policy
//! that is reachable.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy_grammar::{Kind, check};

/// The policies reported as shadowed, by name, with their messages.
fn shadowed(src: &str) -> Vec<(String, String)> {
    check(src)
        .diagnostics
        .iter()
        .filter(|d| d.kind == Kind::ShadowedPolicy)
        .map(|d| {
            let name = d.message.split('`').nth(1).unwrap_or_default().to_owned();
            (name, d.message.clone())
        })
        .collect()
}

fn file(filler: usize, first: &str, last: &[&str]) -> String {
    let mut src = format!("policy \"first\" {{ {first} origins \"https://a.example\" }}\n");
    for i in 0..filler {
        src.push_str(&format!(
            "policy \"f{i}\" {{ paths \"/f{i}/**\", \"/g{i}\"; origins \"https://a.example\" }}\n"
        ));
    }
    for (i, paths) in last.iter().enumerate() {
        src.push_str(&format!(
            "policy \"last{i}\" {{ paths {paths}; origins \"https://a.example\" }}\n"
        ));
    }
    src
}

#[test]
fn shadowing_is_found_alike_in_small_and_large_files() {
    let cases: &[(&str, &str, bool)] = &[
        ("paths \"/api/**\";", "\"/api/users/**\"", true),
        ("paths \"/api/**\";", "\"/api/users\"", true),
        ("paths \"/api/**\";", "\"/api/a\", \"/api/b/**\"", true),
        ("paths \"/**\";", "\"/x\"", true),
        ("paths \"**\";", "\"/x/**\"", true),
        ("", "\"/anything/**\"", true),
        ("paths \"/api/me\";", "\"/api/me\"", true),
        ("paths \"/api/**\";", "\"/apix/**\"", false),
        ("paths \"/api/**\";", "\"/api/a\", \"/other\"", false),
        ("paths \"/api/me\";", "\"/api/me/x\"", false),
        ("paths \"/api/*\";", "\"/api/**\"", false),
    ];
    for &(first, last, expected) in cases {
        let mut fillers_shadowed = Vec::new();
        for filler in [10, 1_500] {
            let src = file(filler, first, &[last]);
            let found = shadowed(&src);
            let last_found: Vec<_> = found.iter().filter(|(name, _)| name == "last0").collect();
            assert_eq!(
                !last_found.is_empty(),
                expected,
                "`{first}` then `{last}` with {filler} policies between: {:?}",
                last_found
            );
            if expected {
                assert!(last_found[0].1.contains("`first`"), "{last_found:?}");
            }
            // The fillers (distinct paths) are shadowed only by a `first`
            // that covers every path, and then all of them.
            let fillers = found.len() - last_found.len();
            assert!(
                fillers == 0 || fillers == filler,
                "{fillers} of {filler}: {:?}",
                found.first()
            );
            fillers_shadowed.push(fillers > 0);
        }
        assert_eq!(fillers_shadowed[0], fillers_shadowed[1], "`{first}`");
    }
}

#[test]
fn a_policy_without_paths_shadows_every_later_one_in_a_large_file() {
    let mut src = String::new();
    for i in 0..1_200 {
        src.push_str(&format!(
            "policy \"p{i}\" {{ paths \"/p{i}/**\"; origins \"https://a.example\" }}\n"
        ));
    }
    src.push_str("policy \"all\" { origins \"https://a.example\" }\n");
    for i in 0..50 {
        src.push_str(&format!(
            "policy \"q{i}\" {{ paths \"/q{i}\"; origins \"https://a.example\" }}\n"
        ));
    }
    src.push_str("policy \"p1-again\" { paths \"/p1/x\"; origins \"https://a.example\" }\n");
    let found = shadowed(&src);
    assert_eq!(found.len(), 51, "{:?}", found.first());
    assert!(found.iter().take(50).all(|(_, m)| m.contains("`all`")));
    assert!(found[50].1.contains("`p1`"), "{:?}", found[50]);
}
