//! `cors-policy explain`: the human account of the seed cases (the CORS errors
//! every developer meets), as reviewed snapshots, plus the wording that must
//! not drift: Chromium's console messages and the lines to add.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{Run, run, run_stdin};

fn explain(args: &[&str]) -> String {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, 0, "explain exits 0 on any decision: {}", r.stderr);
    assert_eq!(r.stderr, "");
    r.stdout
}

const PREFLIGHT_NO_ACAO: &str = "has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

#[test]
fn the_readme_command_a_preflight_denied_with_403() {
    // Run from the repository root, exactly as the README shows it.
    let root = common::fixtures().join("../../..");
    let r: Run = common::finish(common::cmd().current_dir(root).args([
        "explain",
        "examples/policies/api.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/users",
        "-H",
        "Origin: https://app.example.com:3000",
        "-H",
        "Access-Control-Request-Method: PUT",
    ]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = r.stdout;
    assert!(out.contains("Answer: 403, no CORS headers"), "{out}");
    assert!(
        out.contains("it differs only in its port: `3000` instead of the default port (443)"),
        "{out}"
    );
    assert!(out.contains(&format!(
        "Access to fetch at '…/api/users' from origin 'https://app.example.com:3000' {PREFLIGHT_NO_ACAO}"
    )));
    assert!(
        out.contains("\n      origins \"https://app.example.com:3000\"\n"),
        "{out}"
    );
    insta::assert_snapshot!("explain_preflight_denied_403", out);
}

#[test]
fn origin_not_allowed_no_acao_header() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/orders",
        "-H",
        "Origin: https://www.example.com",
    ]);
    assert!(
        out.contains("✗ origin       `https://www.example.com` is not in `origins`"),
        "{out}"
    );
    assert!(out.contains(
        "Access to fetch at '…/api/orders' from origin 'https://www.example.com' has been blocked by CORS policy: \
         No 'Access-Control-Allow-Origin' header is present on the requested resource."
    ));
    assert!(
        !out.contains("Response to preflight"),
        "an actual request has no preflight"
    );
    insta::assert_snapshot!("explain_origin_not_allowed", out);
}

#[test]
fn credentials_with_a_wildcard_origin() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/public/catalog.json",
        "-H",
        "Origin: https://shop.example.com",
        "--credentials",
        "include",
    ]);
    assert!(out.contains(
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response \
         must not be the wildcard '*' when the request's credentials mode is 'include'."
    ), "{out}");
    assert!(
        out.contains("credentials-wildcard"),
        "says why `credentials` cannot simply be added: {out}"
    );
    assert!(
        out.contains("origins \"https://shop.example.com\"\n")
            && out.contains("      credentials\n"),
        "{out}"
    );
    insta::assert_snapshot!("explain_credentials_wildcard", out);

    // the same request without credentials is fine
    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/public/catalog.json",
        "-H",
        "Origin: https://shop.example.com",
    ]);
    assert!(out.contains("In the browser: allowed."), "{out}");
    // a Cookie header means the page sent credentials
    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/public/catalog.json",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Cookie: session=1",
    ]);
    assert!(out.contains("must not be the wildcard '*'"), "{out}");
    assert!(
        out.contains("the request carries a `Cookie` header"),
        "{out}"
    );
}

#[test]
fn credentials_the_policy_does_not_allow() {
    let out = explain(&[
        "../../../examples/policies/api.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/static/app.js",
        "-H",
        "Origin: https://app.example.com",
        "-H",
        "Access-Control-Request-Method: GET",
        "--credentials",
        "include",
    ]);
    assert!(out.contains(
        "Response to preflight request doesn't pass access control check: The value of the 'Access-Control-Allow-Origin' \
         header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."
    ), "{out}");
}

#[test]
fn a_request_header_not_allowed() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/orders",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: POST",
        "-H",
        "Access-Control-Request-Headers: content-type,x-api-key",
    ]);
    assert!(
        out.contains("✓ header       `content-type` is listed in `headers`"),
        "{out}"
    );
    assert!(
        out.contains("✗ header       `x-api-key` is not in `headers`"),
        "{out}"
    );
    assert!(out.contains(PREFLIGHT_NO_ACAO));
    assert!(out.contains(
        "Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response."
    ), "{out}");
    assert!(out.contains("\n      headers x-api-key\n"), "{out}");
    insta::assert_snapshot!("explain_header_not_allowed", out);
}

#[test]
fn a_header_near_a_listed_one() {
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
        "Access-Control-Request-Headers: x-requests-id",
    ]);
    assert!(out.contains("nearest listed: `x-request-id`"), "{out}");
}

#[test]
fn a_method_not_allowed() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/orders/7",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: DELETE",
    ]);
    assert!(
        out.contains("✗ method       `DELETE` is not in `methods`"),
        "{out}"
    );
    assert!(out.contains(PREFLIGHT_NO_ACAO));
    assert!(
        out.contains(
            "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
        ),
        "{out}"
    );
    assert!(out.contains("\n      methods DELETE\n"), "{out}");
    insta::assert_snapshot!("explain_method_not_allowed", out);
}

#[test]
fn a_lowercase_method_is_not_the_uppercase_one() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/orders/7",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: patch",
    ]);
    assert!(out.contains(
        "`patch` is not `PATCH`: methods are case-sensitive and browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST, PUT"
    ), "{out}");
    assert!(out.contains("Write `method: 'PATCH'` in the page"), "{out}");
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
    assert!(out.contains("In the browser: allowed."), "{out}");
    assert!(
        out.contains("10 minutes (600 s)"),
        "the preflight cache: {out}"
    );
    assert!(out.contains("x-request-id (listed in `expose`)"), "{out}");
    assert!(
        out.contains("cookies and HTTP authentication are sent"),
        "{out}"
    );
    assert!(!out.contains("✗") && !out.contains("Fix:"), "{out}");
    insta::assert_snapshot!("explain_allowed_preflight", out);
}

#[test]
fn unhandled_paths_name_what_the_policies_cover() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api",
        "-H",
        "Origin: https://shop.example.com",
        "-H",
        "Access-Control-Request-Method: PUT",
    ]);
    assert!(
        out.contains("Policy: none; no policy covers the path `/api`. The policies cover:"),
        "{out}"
    );
    assert!(
        out.contains("\"/api/**\" covers the paths under `/api/`, not `/api` itself"),
        "{out}"
    );
    assert!(out.contains("\n      paths \"/api\"\n"), "{out}");
    insta::assert_snapshot!("explain_unhandled", out);
}

#[test]
fn origins_a_browser_would_never_send_or_should_not_be_trusted() {
    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: https://shop.example.com/",
    ]);
    assert!(out.contains("it ends with `/`"), "{out}");
    assert!(
        out.contains("as a browser sends it, `https://shop.example.com`, it would match"),
        "{out}"
    );
    assert!(out.contains("Fix the client, not the policy"), "{out}");

    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: null",
    ]);
    assert!(out.contains("Think twice before allowing `null`"), "{out}");
    assert!(out.contains("credentials-null"), "{out}");
    assert!(
        !out.contains("origins null\n"),
        "no line to add for `null` with credentials: {out}"
    );

    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: http://shop.example.com",
    ]);
    assert!(
        out.contains("(a downgrade: the page is served over plain http)"),
        "{out}"
    );
    assert!(
        out.contains("Do not allow `http://shop.example.com` with credentials"),
        "{out}"
    );

    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: https://eu.shop.example.com",
    ]);
    assert!(
        out.contains("`eu.shop.example.com` is a subdomain of `shop.example.com`"),
        "{out}"
    );
    assert!(
        out.contains("origins \"https://*.shop.example.com\""),
        "{out}"
    );

    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: http://localhost:5173",
    ]);
    assert!(out.contains("matches \"http://localhost:*\""), "{out}");

    let out = explain(&[
        "shop.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: http://127.0.0.1:5173",
    ]);
    assert!(
        out.contains("origins \"http://127.0.0.1:*\""),
        "a development server on any port: {out}"
    );
}

#[test]
fn not_cors_and_raw_requests() {
    let out = explain(&["shop.cors", "--method", "GET", "--path", "/api/x"]);
    assert!(out.contains("without an `Origin` header"), "{out}");
    assert!(out.contains("nothing to enforce"), "{out}");

    let raw = b":authority: api.example.com\n:method: OPTIONS\n:path: /api/users\n:scheme: https\n\
origin: https://app.example.com\naccess-control-request-method: DELETE\naccess-control-request-headers: x-request-id\n";
    let r = run_stdin(
        &[
            "explain",
            "../../../examples/policies/api.cors",
            "--raw",
            "-",
        ],
        raw,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Request: OPTIONS /api/users from origin `https://app.example.com`"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("In the browser: allowed."),
        "{}",
        r.stdout
    );

    // the full URL from the raw request appears in the browser's message
    let raw = b"PUT /api/orders HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://evil.example\r\n\r\n";
    let r = run_stdin(&["explain", "shop.cors", "--raw", "-"], raw);
    assert!(
        r.stdout.contains("Access to fetch at 'https://api.example.com/api/orders' from origin 'https://evil.example'"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("a browser sends a preflight before a cross-origin `PUT`"),
        "{}",
        r.stdout
    );
}

#[test]
fn errors_and_usage() {
    let r = run(&[
        "explain",
        "broken.cors",
        "--method",
        "GET",
        "-H",
        "Origin: https://a.example",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("broken.cors:3:"), "{}", r.stderr);
    assert_eq!(run(&["explain", "nope.cors", "--method", "GET"]).code, 2);
    assert_eq!(run(&["explain", "shop.cors"]).code, 2);
    assert_eq!(
        run(&[
            "explain",
            "shop.cors",
            "--method",
            "GET",
            "--credentials",
            "maybe"
        ])
        .code,
        2
    );
}

#[test]
fn warnings_in_the_policy_file_are_mentioned() {
    let out = explain(&[
        "warnings.cors",
        "--method",
        "GET",
        "-H",
        "Origin: http://localhost:3000",
    ]);
    assert!(
        out.ends_with(
            "note: `warnings.cors` has 2 warnings; `cors-policy check warnings.cors` shows them\n"
        ),
        "{out}"
    );
}

#[test]
fn private_network_and_credentials_a_policy_does_not_allow() {
    let out = explain(&[
        "../../../examples/policies/api.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/static/app.js",
        "-H",
        "Origin: https://a.example",
        "-H",
        "Access-Control-Request-Method: GET",
        "-H",
        "Access-Control-Request-Private-Network: true",
    ]);
    assert!(out.contains("✗ private net"), "{out}");
    assert!(out.contains("private-network-wildcard"), "{out}");
    assert!(
        out.contains("✓ origin       `origins *` allows every origin"),
        "{out}"
    );

    let out = explain(&[
        "../../../examples/policies/api.cors",
        "--method",
        "OPTIONS",
        "--path",
        "/api/users",
        "-H",
        "Origin: https://app.example.com",
        "-H",
        "Access-Control-Request-Method: GET",
        "-H",
        "Access-Control-Request-Private-Network: true",
    ]);
    assert!(
        out.contains("✓ private net  `private-network` is on"),
        "{out}"
    );
    assert!(
        out.contains("access-control-allow-private-network: true"),
        "{out}"
    );

    let out = explain(&[
        "warnings.cors",
        "--method",
        "GET",
        "-H",
        "Origin: http://localhost:3000",
        "--credentials",
        "include",
    ]);
    assert!(out.contains(
        "has been blocked by CORS policy: The value of the 'Access-Control-Allow-Credentials' header in the response \
         is '' which must be 'true' when the request's credentials mode is 'include'."
    ), "{out}");
    assert!(out.contains("\n      credentials\n"), "{out}");

    // checked on the preflight already, with the preflight's prefix (seen in Chromium 156)
    let out = explain(&[
        "warnings.cors",
        "--method",
        "OPTIONS",
        "-H",
        "Origin: http://localhost:3000",
        "-H",
        "Access-Control-Request-Method: GET",
        "--credentials",
        "include",
    ]);
    assert!(out.contains(
        "Response to preflight request doesn't pass access control check: The value of the \
         'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the \
         request's credentials mode is 'include'."
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
    assert!(out.contains("GE\\x1b[31mT"), "{out}");
    assert!(
        out.contains("`https://shop.example.com\\r` is not an origin as a browser sends it"),
        "{out}"
    );
}

#[test]
fn what_no_policy_line_can_fix() {
    let preflight = |extra: &[&str]| {
        let mut args = vec![
            "open.cors",
            "--method",
            "OPTIONS",
            "--path",
            "/x",
            "-H",
            "Origin: https://a.example",
        ];
        args.extend_from_slice(extra);
        explain(&args)
    };
    let out = preflight(&[
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        "Access-Control-Request-Method: PUT",
    ]);
    assert!(
        out.contains("more than one `Access-Control-Request-Method`"),
        "{out}"
    );
    assert!(
        !out.contains("methods PUT"),
        "a duplicated header is not fixed in the policy: {out}"
    );

    let out = preflight(&["-H", "Access-Control-Request-Method: CONNECT"]);
    assert!(out.contains("`CONNECT` cannot be allowed"), "{out}");

    let out = preflight(&[
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        "Access-Control-Request-Headers: authorization, x-y",
    ]);
    assert!(
        out.contains("`authorization` is not covered by `headers *`: it must be listed"),
        "{out}"
    );
    assert!(
        out.contains("✓ header       `x-y` is covered by `headers *`"),
        "{out}"
    );
    assert!(out.contains("\n      headers authorization\n"), "{out}");

    let out = preflight(&[
        "-H",
        "Access-Control-Request-Method: PUT",
        "-H",
        "Access-Control-Request-Headers: a b",
    ]);
    assert!(out.contains("`a b` is not a header name"), "{out}");

    let out = explain(&[
        "open.cors",
        "--method",
        "GET",
        "-H",
        "Origin: https://a.example",
    ]);
    assert!(
        out.contains("every header (`expose *`) but `set-cookie`"),
        "{out}"
    );
}
