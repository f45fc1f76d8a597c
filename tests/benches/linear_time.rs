//! Growth of `check`, `fmt` and `eval`'s work with the size of the policy
//! file (issue 13, class 7): generated files (`cors_policy_tests::generate`)
//! of 1,000, 10,000 and 100,000 entries — policies, duplicate policy names,
//! invalid origins, mixed policies — and the ratio of the times for each 10×
//! of input. Linear work gives about 10; quadratic work, about 100.
//!
//! `cargo bench -p cors-policy-tests --bench linear_time` measures (about a
//! minute); `cargo test -p cors-policy-tests --benches` runs the 1,000-entry
//! files once, checks what each stage reports and times nothing.
//!
//! Stages, as the command line runs them:
//! - `check`: parse, validate and render the diagnostics (`render_all`,
//!   capped at the first 200);
//! - `fmt`: `format_source`, which parses, prints and parses the output again;
//! - `eval`: `Engine::from_str` (check, then compile) and one decision.
//!
//! Each time is the fastest of several runs (5 at 1,000 entries, 3 at 10,000,
//! 1 at 100,000): on a shared machine the fastest is the least disturbed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    unreachable_pub,
    missing_docs
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use cors_policy::{Engine, Request};
use cors_policy_grammar::{Kind, RenderOptions, check, format_source, render_all};
use cors_policy_tests::generate::{Shape, check_and_render, policy_file};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

#[derive(Clone, Copy)]
enum Stage {
    Check,
    Fmt,
    Eval,
}

impl Stage {
    const ALL: [Stage; 3] = [Stage::Check, Stage::Fmt, Stage::Eval];

    fn name(self) -> &'static str {
        match self {
            Stage::Check => "check",
            Stage::Fmt => "fmt",
            Stage::Eval => "eval",
        }
    }

    /// Runs the stage once on `src`; returns a number that depends on the
    /// work (so that none of it is optimized away).
    fn run(self, src: &str) -> usize {
        match self {
            Stage::Check => check_and_render(src),
            Stage::Fmt => format_source(src).map_or_else(|d| d.len(), |s| s.len()),
            Stage::Eval => match src.parse::<Engine>() {
                Ok(engine) => {
                    let request = Request::new("GET", "/p1/x").origin("https://a1.example.com");
                    usize::from(engine.decide(&request).allowed())
                }
                Err(e) => e.diagnostics().len(),
            },
        }
    }
}

fn fastest(stage: Stage, src: &str, runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(stage.run(black_box(src)));
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// What each shape must report at `n` entries: the work is real.
fn check_reports(shape: Shape, n: usize, src: &str) {
    // The largest size must stay a file the front end reads.
    assert!(
        src.len() * (SIZES[2] / n) < cors_policy_grammar::MAX_SOURCE_LEN,
        "{} entries of {shape:?} would be over the source cap",
        SIZES[2]
    );
    let checked = check(src);
    let count = |kind: Kind| {
        checked
            .diagnostics
            .iter()
            .filter(|d| d.kind == kind)
            .count()
    };
    match shape {
        Shape::Policies => assert!(
            checked.diagnostics.is_empty(),
            "{:?}",
            checked.diagnostics.first()
        ),
        Shape::DuplicateNames => assert_eq!(count(Kind::DuplicatePolicy), n - 1),
        Shape::InvalidOrigins => assert_eq!(count(Kind::InvalidOrigin), n),
        Shape::Mixed { .. } => {
            assert!(count(Kind::LowercaseMethod) > 0 && count(Kind::InvalidOrigin) > 0);
        }
    }
    let rendered = render_all(
        &checked.diagnostics,
        src,
        "big.cors",
        &RenderOptions::default(),
    );
    if checked.diagnostics.len() > cors_policy_grammar::MAX_SHOWN_DIAGNOSTICS {
        assert!(rendered.contains("more diagnostics not shown"));
    }
    assert!(format_source(src).is_ok());
    assert_eq!(src.parse::<Engine>().is_ok(), shape == Shape::Policies);
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    if !bench {
        for shape in Shape::ALL {
            let src = policy_file(shape, SIZES[0]);
            check_reports(shape, SIZES[0], &src);
        }
        println!(
            "linear_time bench: {} shapes checked once at {} entries (test mode; run `cargo bench -p cors-policy-tests --bench linear_time` to measure)",
            Shape::ALL.len(),
            SIZES[0]
        );
        return;
    }
    println!(
        "{:<16} {:<6} {:>10} {:>10} {:>10} {:>9} {:>9}",
        "shape", "stage", "1k", "10k", "100k", "10k/1k", "100k/10k"
    );
    let mut worst: f64 = 0.0;
    for shape in Shape::ALL {
        let files: Vec<String> = SIZES.iter().map(|&n| policy_file(shape, n)).collect();
        for stage in Stage::ALL {
            let times: Vec<Duration> = files
                .iter()
                .zip([5, 3, 1])
                .map(|(src, runs)| fastest(stage, src, runs))
                .collect();
            let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64().max(1e-9);
            let (r1, r2) = (ratio(times[0], times[1]), ratio(times[1], times[2]));
            worst = worst.max(r2);
            println!(
                "{:<16} {:<6} {:>10.1?} {:>10.1?} {:>10.1?} {:>8.1}x {:>8.1}x",
                shape.name(),
                stage.name(),
                times[0],
                times[1],
                times[2],
                r1,
                r2
            );
        }
        let mib = files[2].len() as f64 / (1024.0 * 1024.0);
        println!("{:<16} (100k entries: {mib:.1} MiB)", "");
    }
    println!(
        "largest ratio per 10x of input at 10k -> 100k: {worst:.1}x (linear: ~10x, quadratic: ~100x)"
    );
}
