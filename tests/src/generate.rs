//! Large policy files for the linear-time checks (issue 13, class 7): the
//! benchmark `benches/linear_time.rs` and the growth test
//! `tests/linear_time.rs` generate the same shapes at 1,000 to 100,000
//! entries.

use std::fmt::Write as _;

use cors_policy_grammar::{RenderOptions, check, render_all};

/// What a generated file is made of; `n` counts its entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `n` valid policies, each with its own path, origin and lists.
    Policies,
    /// `n` policies that all have one name (`duplicate-policy` n − 1 times).
    DuplicateNames,
    /// One policy with `n` invalid origins (`invalid-origin` n times).
    InvalidOrigins,
    /// `n` policies of several statements each (wildcard origins, regexes,
    /// method and header lists, globs), with a problem in one of every
    /// seven (a lowercase method, an origin with a path, a duplicated
    /// statement), in an order fixed by `seed`.
    Mixed {
        /// Varies the order and the details of the policies.
        seed: u64,
    },
}

impl Shape {
    /// Every shape, `Mixed` with seed 1.
    pub const ALL: [Shape; 4] = [
        Shape::Policies,
        Shape::DuplicateNames,
        Shape::InvalidOrigins,
        Shape::Mixed { seed: 1 },
    ];

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Policies => "policies",
            Shape::DuplicateNames => "duplicate names",
            Shape::InvalidOrigins => "invalid origins",
            Shape::Mixed { .. } => "mixed policies",
        }
    }
}

/// A policy file of `n` entries of `shape`.
pub fn policy_file(shape: Shape, n: usize) -> String {
    let mut out = String::with_capacity(n * 96);
    match shape {
        Shape::Policies => {
            for i in 0..n {
                let _ = writeln!(
                    out,
                    "policy \"p{i}\" {{ paths \"/p{i}/**\"; origins \"https://a{i}.example.com\"; methods GET, PUT; headers x-id }}"
                );
            }
        }
        Shape::DuplicateNames => {
            for i in 0..n {
                let _ = writeln!(
                    out,
                    "policy \"same\" {{ paths \"/d{i}\"; origins \"https://a{i}.example.com\" }}"
                );
            }
        }
        Shape::InvalidOrigins => {
            out.push_str("policy \"p\" {\n");
            for i in 0..n {
                let _ = writeln!(out, "    origins \"https://a{i}.example.com/x\"");
            }
            out.push_str("}\n");
        }
        Shape::Mixed { seed } => {
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = move || {
                // xorshift64*: deterministic, no dependency.
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                state.wrapping_mul(0x2545_F491_4F6C_DD1D)
            };
            for i in 0..n {
                let r = next();
                let origin = match r % 4 {
                    0 => format!("\"https://app{i}.example.com\""),
                    1 => format!("\"https://*.t{i}.example.com\""),
                    2 => format!("regex r\"^https://pr-[0-9]+\\.s{i}\\.example\\.dev$\""),
                    _ => format!("\"http://localhost:*\", \"https://m{i}.example.org:8443\""),
                };
                let path = match (r >> 8) % 3 {
                    0 => format!("\"/svc/{i}/**\""),
                    1 => format!("\"/v2/s{i}/*.json\", \"/v2/s{i}\""),
                    _ => format!("\"/{{a,b}}{i}/**\""),
                };
                let problem = match (r >> 16) % 21 {
                    0 => "; methods patch",
                    1 => "; origins \"https://bad.example.com/path\"",
                    2 => "; max-age 20",
                    _ => "",
                };
                // One line a policy: 100,000 of them stay under the 16 MiB
                // a policy file may have.
                let _ = writeln!(
                    out,
                    "policy \"s{i}\" {{ paths {path}; origins {origin}; methods GET, PUT; headers x-id; max-age 600{problem} }}"
                );
            }
        }
    }
    out
}

/// What `cors-policy check` does with a file: check it and render its
/// diagnostics (the first 200); returns a number that depends on the work,
/// so that none of it is optimized away.
pub fn check_and_render(src: &str) -> usize {
    let checked = check(src);
    let shown = render_all(
        &checked.diagnostics,
        src,
        "big.cors",
        &RenderOptions::default(),
    );
    checked.diagnostics.len() + shown.len()
}
