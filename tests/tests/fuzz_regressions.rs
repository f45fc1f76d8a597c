//! Fuzz findings stay fixed: every file of `fuzz/regressions/<target>/` is
//! replayed through the same check the fuzz target runs
//! (`cors_policy_tests::fuzz_checks`), on stable, with plain `cargo test`.
//! And the seeds of `fuzz/seeds/` are the conformance corpus, encoded: each
//! decodes back to its case and passes every check.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

use cors_policy_tests::conformance::{self, Case};
use cors_policy_tests::fuzz_checks::{self, DecideInput, TARGETS, encode_decide};
use cors_policy_tests::reference::RefRequest;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir`, sorted; none when it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_regression_input_passes_its_targets_check() {
    let root = fuzz_dir().join("regressions");
    let mut failures = Vec::new();
    let mut replayed = 0;
    for target in TARGETS {
        let check = fuzz_checks::check_for(target).unwrap();
        for path in files(&root.join(target)) {
            replayed += 1;
            if let Err(e) = check(&std::fs::read(&path).unwrap()) {
                failures.push(format!("{}: {e}", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Every directory of regressions/ is a target's (a typo would skip files).
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                TARGETS.contains(&name.as_str()),
                "unknown target directory {name}"
            );
        }
    }
    println!("replayed {replayed} regression inputs");
}

/// A conformance case as the fuzz targets' request.
fn ref_request(case: &Case) -> RefRequest {
    let values = |name: &str| case.request.values(name).map(<[u8]>::to_vec).collect();
    let private_network: Vec<Vec<u8>> = values("access-control-request-private-network");
    RefRequest {
        method: case.request.method.as_bytes().to_vec(),
        path: case.request.path.as_bytes().to_vec(),
        origins: values("origin"),
        request_methods: values("access-control-request-method"),
        request_headers: values("access-control-request-headers"),
        private_network: private_network.last().cloned(),
    }
}

/// The seed of each conformance case that fits the fuzz input's limits
/// (small values, few lines), named after its file and position.
fn seeds() -> Vec<(String, Vec<u8>, Case)> {
    let cases = conformance::load().unwrap();
    let mut out = Vec::new();
    for (i, case) in cases.into_iter().enumerate() {
        let request = ref_request(&case);
        if let Some(bytes) =
            encode_decide(&case.policy, std::slice::from_ref(&request)).filter(|b| b.len() <= 4096)
        {
            let stem = case.file.trim_end_matches(".toml").to_owned();
            out.push((format!("{stem}-{i:03}"), bytes, case));
        }
    }
    out
}

#[test]
fn conformance_seeds_decode_to_their_cases_and_pass_every_check() {
    let seeds = seeds();
    assert!(seeds.len() > 300, "only {} seeds", seeds.len());
    for (name, bytes, case) in &seeds {
        let input = DecideInput::decode(bytes);
        assert_eq!(input.policy, case.policy, "{name}");
        assert_eq!(input.requests, vec![ref_request(case)], "{name}");
        fuzz_checks::check_decide(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        fuzz_checks::check_differential(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        fuzz_checks::check_parse(case.policy.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// The committed seeds are what the corpus encodes to today; regenerate
/// them with `CORS_POLICY_WRITE_SEEDS=1 cargo test -p cors-policy-tests
/// --test fuzz_regressions`.
#[test]
fn committed_seeds_are_up_to_date() {
    let dir = fuzz_dir().join("seeds");
    let seeds = seeds();
    let parse_seeds: Vec<(String, Vec<u8>)> = seeds
        .iter()
        .map(|(name, _, case)| (name.clone(), case.policy.as_bytes().to_vec()))
        .collect();
    let decide_seeds: Vec<(String, Vec<u8>)> = seeds
        .into_iter()
        .map(|(name, bytes, _)| (name, bytes))
        .collect();
    let sets = [("parse", parse_seeds), ("decide", decide_seeds)];
    if std::env::var_os("CORS_POLICY_WRITE_SEEDS").is_some() {
        for (target, set) in &sets {
            let sub = dir.join(target);
            let _ = std::fs::remove_dir_all(&sub);
            std::fs::create_dir_all(&sub).unwrap();
            for (name, bytes) in set {
                std::fs::write(sub.join(name), bytes).unwrap();
            }
        }
    }
    for (target, set) in &sets {
        let sub = dir.join(target);
        let on_disk: Vec<(String, Vec<u8>)> = files(&sub)
            .into_iter()
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        let mut want = set.clone();
        want.sort();
        assert!(
            on_disk == want,
            "fuzz/seeds/{target} is stale: regenerate it with CORS_POLICY_WRITE_SEEDS=1 \
             cargo test -p cors-policy-tests --test fuzz_regressions"
        );
    }
}

#[test]
fn the_decision_checks_can_fail() {
    // A decision checked against another request than the one it answered:
    // the echoed origin is not that request's.
    let engine: cors_policy::Engine =
        r#"policy "p" { origins "https://a.example" }"#.parse().unwrap();
    let asked = RefRequest {
        method: b"GET".to_vec(),
        path: b"/".to_vec(),
        origins: vec![b"https://a.example".to_vec()],
        ..RefRequest::default()
    };
    let decision = engine.decide(&asked.to_request());
    fuzz_checks::check_decision(&engine, &asked, &decision).unwrap();
    let other = RefRequest {
        origins: vec![b"https://b.example".to_vec()],
        ..asked.clone()
    };
    let err = fuzz_checks::check_decision(&engine, &other, &decision).unwrap_err();
    assert!(err.contains("not the request's single Origin"), "{err}");
}

#[test]
fn inputs_that_do_not_fit_are_not_encoded() {
    let long_path = RefRequest {
        method: b"GET".to_vec(),
        path: vec![b'/'; 70_000],
        ..RefRequest::default()
    };
    assert!(encode_decide("policy \"p\" { origins * }", &[long_path]).is_none());
    assert!(encode_decide("", &[]).is_none());
    let four_origins = RefRequest {
        origins: vec![b"null".to_vec(); 4],
        ..RefRequest::default()
    };
    assert!(encode_decide("", &[four_origins]).is_none());
}
