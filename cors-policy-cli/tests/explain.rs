//! `cors-policy explain`: the human account of the seed cases (the CORS errors
//! every developer meets), as reviewed snapshots, plus the wording that must
//! not drift: Chromium's console messages, the implied preflight, the lines
//! to add and why not. The catalogue itself, with every fix re-checked, is
//! `explain_corpus.rs`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{Run, assert_contains, json, run, run_stdin};

fn explain(args: &[&str]) -> String {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, 0, "explain exits 0 on any decision: {}", r.stderr);
    assert_eq!(r.stderr, "");
    r.stdout
}

/// `text` split at whitespace: the arguments of a command line whose
/// values hold no space.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

const API: &str = "../../../examples/policies/api.cors";

const PREFLIGHT_NO_ACAO: &str = "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

#[test]
fn the_readme_command_an_actual_put_and_its_preflight() {
    // Run from the repository root, exactly as the README shows it.
    let root = common::fixtures().join("../../..");
    let r: Run = common::finish(common::cmd().current_dir(root).args([
        "explain",
        "examples/policies/api.cors",
        "--method",
        "PUT",
        "--url",
        "https://api.example.com/api/users/7",
        "--origin",
        "https://app.example.com:3000",
        "-H",
        "Content-Type: application/json",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.stdout;
    assert_contains(
        &out,
        &[
            "a browser sends a preflight first: `PUT` is not GET, HEAD or POST",
            "1. Preflight: OPTIONS /api/users/7",
        ],
    );
    assert!(
        !out.contains("2. Actual request"),
        "the PUT is never sent: {out}"
    );
    assert_contains(
        &out,
        &[
            "Answer: 403, no CORS headers",
            "the origin has port 3000, the entry no port (the scheme's default)",
        ],
    );
    assert!(out.contains(&format!(
        "Access to fetch at 'https://api.example.com/api/users/7' from origin 'https://app.example.com:3000' {PREFLIGHT_NO_ACAO}"
    )));
    assert_contains(
        &out,
        &["\n      origins \"https://app.example.com:3000\"\n"],
    );
    insta::assert_snapshot!("explain_readme_put_preflight", out);
}

#[test]
fn an_actual_post_with_a_custom_header_is_decided_by_its_preflight() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "POST",
        "--url",
        "https://api.example.com/api/orders",
        "--origin",
        "https://shop.example.com",
        "-H",
        "Content-Type: application/json",
        "-H",
        "X-Api-Key: 123",
    ]);
    assert_contains(
        &out,
        &[
            "`x-api-key` is not a safelisted header",
            "✗ header       `x-api-key` is not in `headers`",
        ],
    );
    assert!(
        out.contains("an informative denial"),
        "the preflight is answered with the origin and the lists: {out}"
    );
    assert!(
        out.contains(
            "has been blocked by CORS policy: Request header field x-api-key is not allowed by \
         Access-Control-Allow-Headers in preflight response."
        ),
        "{out}"
    );
    assert_contains(
        &out,
        &[
            "\n      headers x-api-key\n",
            "checked: `cors-policy check` accepts",
        ],
    );
    insta::assert_snapshot!("explain_post_custom_header", out);
}

#[test]
fn a_pasted_console_message_is_confirmed_or_corrected() {
    let message = "Access to fetch at 'https://api.example.com/api/orders/7' from origin \
                   'https://shop.example.com' has been blocked by CORS policy: Method DELETE is not \
                   allowed by Access-Control-Allow-Methods in preflight response.";
    let out = explain(&["shop.cors", "--console", message]);
    assert_contains(
        &out,
        &[
            "Your console message: confirmed",
            "✗ method       `DELETE` is not in `methods`",
            "\n      methods DELETE\n",
        ],
    );
    insta::assert_snapshot!("explain_console_confirmed", out);

    // The same message where the policy allows the method: the answer came
    // from somewhere else.
    let message = message.replace("DELETE", "PUT");
    let out = explain(&["shop.cors", "--console", &message]);
    assert_contains(&out, &["In the browser: allowed."]);
    assert!(
        out.contains("does not run it as written"),
        "the server that answered is not this policy: {out}"
    );
}

#[test]
fn a_copy_as_curl_from_devtools() {
    let out = explain(&[
        "shop.cors",
        "--curl",
        "curl 'https://api.example.com/api/orders/7' \\\n  -X 'PATCH' \\\n  \
         -H 'accept: */*' \\\n  -H 'content-type: application/json' \\\n  \
         -H 'origin: https://shop.example.com' \\\n  -H 'priority: u=1, i' \\\n  \
         -H 'sec-fetch-mode: cors' \\\n  -H 'user-agent: Mozilla/5.0' \\\n  \
         -b 'session=abc' \\\n  --data-raw '{\"qty\":2}' \\\n  --compressed",
    ]);
    assert_contains(
        &out,
        &["credentials mode: `include` (the request carries a `Cookie` header)"],
    );
    assert!(
        out.contains(
            "set by the browser itself (not the page's doing): accept, priority, sec-fetch-mode, user-agent, cookie"
        ),
        "{out}"
    );
    assert_contains(
        &out,
        &[
            "2. Actual request: PATCH /api/orders/7",
            "In the browser: allowed.",
        ],
    );
    insta::assert_snapshot!("explain_curl", out);
}

#[test]
fn a_headers_cookie_temptation_is_answered_with_why() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/orders",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        "Access-Control-Request-Headers: cookie",
    ]);
    assert_contains(
        &out,
        &[
            "the browser sets `cookie` itself and a page cannot",
            "already allows credentials: have the page use `credentials: 'include'`",
        ],
    );
    assert!(!out.contains("headers cookie\n"), "never suggested: {out}");
    insta::assert_snapshot!("explain_headers_cookie", out);
}

#[test]
fn mixed_content_is_not_cors() {
    let out = explain(&words(
        "shop.cors --url http://api.example.com/api/orders --origin https://shop.example.com",
    ));
    assert_contains(
        &out,
        &[
            "In the browser: blocked before any CORS check",
            "Mixed Content: The page at 'https://shop.example.com/' was loaded over HTTPS, but requested an insecure resource 'http://api.example.com/api/orders'.",
        ],
    );
    assert!(!out.contains("\nFix:\n  add"), "no policy line: {out}");
    insta::assert_snapshot!("explain_mixed_content", out);
}

#[test]
fn credentials_with_a_wildcard_origin() {
    let out = explain(&words(
        "shop.cors --path /public/catalog.json --origin https://shop.example.com --credentials include",
    ));
    assert!(out.contains(
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response \
         must not be the wildcard '*' when the request's credentials mode is 'include'."
    ), "{out}");
    assert_contains(&out, &["credentials-wildcard"]);
    assert!(
        out.contains("replace `*` by:\n      origins \"https://shop.example.com\"\n")
            && out.contains("\n      credentials\n"),
        "{out}"
    );
    insta::assert_snapshot!("explain_credentials_wildcard", out);

    // the same request without credentials is fine
    let out = explain(&words(
        "shop.cors --path /public/catalog.json --origin https://shop.example.com",
    ));
    assert_contains(&out, &["In the browser: allowed.", "those exposed: etag"]);
}

#[test]
fn an_allowed_preflight_says_what_the_browser_does() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/orders",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        "Access-Control-Request-Headers: content-type,x-request-id",
        "--credentials",
        "include",
    ]);
    assert_contains(
        &out,
        &[
            "In the browser: allowed.",
            "Chromium caches the preflight 10 minutes (600 s)",
            "those exposed: x-request-id",
            "cookies and HTTP authentication are sent",
        ],
    );
    assert!(!out.contains("✗") && !out.contains("Fix:"), "{out}");
}

#[test]
fn methods_and_headers_near_misses() {
    let preflight = |method: &str, headers: Option<&str>| {
        let mut args = vec![
            "shop.cors",
            "--method",
            "OPTIONS",
            "--path",
            "/api/orders/7",
            "-H",
            "Origin: https://shop.example.com",
        ];
        let m = format!("Access-Control-Request-Method: {method}");
        args.extend(["-H", &m]);
        let h = headers.map(|h| format!("Access-Control-Request-Headers: {h}"));
        if let Some(h) = &h {
            args.extend(["-H", h]);
        }
        explain(&args)
    };
    let out = preflight("PUT", Some("x-requests-id"));
    assert_contains(&out, &["nearest listed: `x-request-id`"]);

    let out = preflight("patch", None);
    assert_contains(
        &out,
        &[
            "`patch` is not `PATCH`: methods are case-sensitive",
            "write `method: 'PATCH'`",
        ],
    );
    assert!(!out.contains("methods patch\n"), "{out}");
    assert!(
        out.contains(
            "Method patch is not allowed by Access-Control-Allow-Methods in preflight response."
        ),
        "{out}"
    );
}

#[test]
fn unhandled_paths_get_a_glob_or_the_path() {
    let out = explain(&words(
        "shop.cors --url https://api.example.com/v2/orders/7 --origin https://shop.example.com",
    ));
    assert_contains(&out, &["Policy: none covers the path `/v2/orders/7`"]);
    assert!(out.contains("\n      paths \"/v2/**\"\n"), "a glob: {out}");
    assert_contains(
        &out,
        &["nothing; the request goes on to your handler untouched"],
    );

    let out = explain(&words(
        "shop.cors --path /api --origin https://shop.example.com",
    ));
    assert_contains(&out, &["\n      paths \"/api\"\n"]);
}

#[test]
fn origins_a_browser_would_never_send_or_should_not_be_trusted() {
    let out = explain(&[
        "shop.cors",
        "--path",
        "/api/x",
        "-H",
        "Origin: https://shop.example.com/",
    ]);
    assert_contains(
        &out,
        &[
            "it ends with `/`",
            "a browser would send `https://shop.example.com`, which matches \"https://shop.example.com\"",
            "Fix the client, not the policy",
        ],
    );

    let out = explain(&["shop.cors", "--path", "/api/x", "--origin", "null"]);
    assert_contains(&out, &["think twice before allowing `null`"]);
    assert!(!out.contains("origins null\n"), "{out}");

    let out = explain(&words(
        "shop.cors --path /api/x --origin http://shop.example.com",
    ));
    assert_contains(
        &out,
        &[
            "the scheme is `http`, the entry's is `https`",
            "do not allow `http://shop.example.com` with credentials",
        ],
    );

    let out = explain(&words(
        "shop.cors --path /api/x --origin https://eu.shop.example.com",
    ));
    assert_contains(
        &out,
        &[
            "`eu.shop.example.com` is a subdomain of `shop.example.com`",
            "origins \"https://*.shop.example.com\"",
        ],
    );

    let out = explain(&words(
        "shop.cors --path /api/x --origin http://localhost:5173",
    ));
    assert_contains(&out, &["matches \"http://localhost:*\""]);
}

#[test]
fn not_cors_and_raw_requests() {
    let out = explain(&["shop.cors", "--path", "/api/x"]);
    assert_contains(&out, &["without an `Origin` header", "nothing to enforce"]);

    let raw = b":authority: api.example.com\n:method: OPTIONS\n:path: /api/users\n:scheme: https\n\
origin: https://app.example.com\naccess-control-request-method: DELETE\naccess-control-request-headers: x-request-id\n";
    let r = run_stdin(&["explain", API, "--raw", "-"], raw);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(
            "Request: DELETE https://api.example.com/api/users from origin `https://app.example.com`"
        ),
        "{}",
        r.stdout
    );
    assert_contains(&r.stdout, &["In the browser: allowed."]);

    // the full URL from the raw request appears in the browser's message,
    // and the PUT is preflighted
    let raw = b"PUT /api/orders HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://evil.example\r\n\r\n";
    let r = run_stdin(&["explain", "shop.cors", "--raw", "-"], raw);
    assert!(
        r.stdout.contains(&format!(
            "Access to fetch at 'https://api.example.com/api/orders' from origin 'https://evil.example' {PREFLIGHT_NO_ACAO}"
        )),
        "{}",
        r.stdout
    );
}

#[test]
fn errors_and_usage() {
    let r = run(&["explain", "broken.cors", "--origin", "https://a.example"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_contains(&r.stderr, &["broken.cors:3:"]);
    assert_eq!(run(&["explain", "nope.cors"]).code, 2);
    assert_eq!(
        run(&["explain", "shop.cors", "--credentials", "maybe"]).code,
        2
    );
    assert_eq!(run(&["explain", "shop.cors", "--format", "yaml"]).code, 2);
    let r = run(&["explain", "shop.cors", "--console", "net::ERR_FAILED"]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["expected Chromium's"]);
    let r = run(&[
        "explain",
        "shop.cors",
        "--curl",
        "curl -Z https://a.example",
    ]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["unknown curl option `-Z`"]);
}

#[test]
fn warnings_in_the_policy_file_are_mentioned() {
    let out = explain(&["warnings.cors", "--origin", "http://localhost:3000"]);
    assert!(
        out.ends_with(
            "note: `warnings.cors` has 2 warnings; `cors-policy check warnings.cors` shows them\n"
        ),
        "{out}"
    );
}

#[test]
fn private_network_and_credentials_a_policy_does_not_allow() {
    let pna = |path: &str, origin: &str| {
        let o = format!("Origin: {origin}");
        explain(&[
            API,
            "--method",
            "OPTIONS",
            "--path",
            path,
            "-H",
            &o,
            "-H",
            "Access-Control-Request-Method: GET",
            "-H",
            "Access-Control-Request-Private-Network: true",
        ])
    };
    let out = pna("/static/app.js", "https://a.example");
    assert_contains(
        &out,
        &[
            "✗ private net",
            "private-network-wildcard",
            "✓ origin       `origins *` allows every origin",
        ],
    );

    let out = pna("/api/users", "https://app.example.com");
    assert_contains(
        &out,
        &[
            "✓ private net",
            "access-control-allow-private-network: true",
        ],
    );

    let out = explain(&words(
        "warnings.cors --origin http://localhost:3000 --credentials include",
    ));
    assert!(out.contains(
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Credentials' header in the response \
         is '' which must be 'true' when the request's credentials mode is 'include'."
    ), "{out}");
}

#[test]
fn request_bytes_never_reach_the_terminal_raw() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "GE\u{1b}[31mT",
        "--path",
        "/api/\u{1b}]0;x\u{7}",
        "-H",
        "Origin: https://shop.example.com\r",
    ]);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\r'),
        "{out:?}"
    );
    assert_contains(
        &out,
        &[
            "GE\\u{1b}[31mT",
            "`https://shop.example.com\\r` is not an origin as a browser sends it",
        ],
    );
}

#[test]
fn output_is_bounded_whatever_the_request() {
    // A 39 KB header list: thousands of names, each refused.
    let names: Vec<String> = (0..5000).map(|i| format!("x-h{i:05}")).collect();
    let list = format!("Access-Control-Request-Headers: {}", names.join(","));
    assert!(list.len() > 39_000);
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/orders",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        &list,
    ]);
    assert!(out.len() < 16_000, "{} bytes of output", out.len());
    assert_contains(&out, &["… and "]);
    // A huge value is cut, not echoed whole.
    let long = format!("X-Api-Key: {}", "k".repeat(100_000));
    let out = explain(&[
        "shop.cors",
        "--path",
        "/api/orders",
        "--origin",
        "https://shop.example.com",
        "-H",
        &long,
    ]);
    assert!(out.len() < 16_000, "{} bytes of output", out.len());
    assert!(
        out.contains("(100011 bytes)") || out.contains("bytes)"),
        "{out}"
    );
}

#[test]
fn json_has_the_trace_and_the_browsers_verdict() {
    let r = run(&[
        "explain",
        "shop.cors",
        "--format",
        "json",
        "--method",
        "DELETE",
        "--url",
        "https://api.example.com/api/orders/7",
        "--origin",
        "https://shop.example.com",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1);
    let v = json(&r.stdout);
    assert_eq!(v["browser"]["verdict"], "blocked");
    assert_eq!(v["browser"]["stage"], "preflight");
    assert_eq!(
        v["browser"]["message"],
        "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
    );
    assert!(v["browser"]["console"]
        .as_str()
        .unwrap()
        .starts_with("Access to fetch at 'https://api.example.com/api/orders/7' from origin 'https://shop.example.com'"));
    let preflight = &v["preflight"];
    assert_eq!(preflight["kind"], "preflight");
    assert_eq!(preflight["allowed"], false);
    assert_eq!(preflight["informative"], true);
    assert_eq!(preflight["trace"]["origin"]["outcome"], "matched");
    assert_eq!(preflight["trace"]["method"]["allowed"], false);
    assert!(v["actual"].is_null(), "the DELETE is never sent");
    assert_eq!(v["fix"]["passes"], true);
    assert_eq!(v["fix"]["edits"][0]["add"], "methods DELETE");
    assert_eq!(v["credentials"]["mode"], "same-origin");
    assert_eq!(v["credentials"]["from"], "`same-origin`, fetch's default");
}
