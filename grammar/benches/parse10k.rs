//! Parsing and validating a 10,000-origin policy: the issue asks for well
//! under 100 ms in release mode. Run with `cargo bench -p cors-policy-grammar`;
//! prints the median of several runs, for `parse` alone and for `check`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

const ORIGINS: usize = 10_000;
const RUNS: usize = 15;

/// The origins one a statement (`one_list` false) or in one list.
fn policy(one_list: bool) -> String {
    let mut src = String::from("policy \"big\" {\n    paths \"/api/**\"\n");
    if one_list {
        src.push_str("    origins ");
    }
    for i in 0..ORIGINS {
        // Exact origins, with some wildcard hosts and ports mixed in.
        let origin = match i % 10 {
            0 => format!("\"https://*.tenant{i}.example.com\""),
            1 => format!("\"http://localhost{i}:*\""),
            _ => format!("\"https://app{i}.example.com\""),
        };
        if one_list {
            src.push_str(if i == 0 { "" } else { ",\n        " });
        } else {
            src.push_str("    origins ");
        }
        src.push_str(&origin);
        if !one_list {
            src.push('\n');
        }
    }
    if one_list {
        src.push('\n');
    }
    src.push_str("    methods GET, POST, PUT, DELETE\n    headers content-type, authorization\n    max-age 2h\n}\n");
    src
}

/// Nanoseconds this thread has run on a CPU (Linux), so that a loaded
/// machine does not inflate the figure as wall time does.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Median wall time, and mean CPU time when the platform tells it.
fn measure(mut f: impl FnMut()) -> (Duration, Option<Duration>) {
    f(); // warm up
    let cpu_start = cpu_ns();
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    let cpu = cpu_start
        .zip(cpu_ns())
        .map(|(a, b)| Duration::from_nanos((b - a) / RUNS as u64));
    times.sort();
    (times[RUNS / 2], cpu)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    for (one_list, layout) in [
        (true, "in one `origins` list"),
        (false, "one `origins` statement each"),
    ] {
        let src = policy(one_list);
        let checked = cors_policy_grammar::check(&src);
        assert!(
            !checked.has_errors(),
            "{:#?}",
            &checked.diagnostics[..checked.diagnostics.len().min(3)]
        );
        let (parse, parse_cpu) = measure(|| {
            black_box(cors_policy_grammar::parse(black_box(&src)).unwrap());
        });
        let (check, check_cpu) = measure(|| {
            black_box(cors_policy_grammar::check(black_box(&src)));
        });
        let cpu = parse_cpu
            .zip(check_cpu)
            .map(|(p, c)| format!("; CPU time: parse {:.2} ms, check {:.2} ms", ms(p), ms(c)))
            .unwrap_or_default();
        println!(
            "{ORIGINS} origins {layout}, {} KiB: parse {:.2} ms, parse + validate (check) {:.2} ms (median of {RUNS}){cpu}",
            src.len() / 1024,
            ms(parse),
            ms(check),
        );
    }
}
