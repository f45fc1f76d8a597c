//! `cors-policy eval`: the exact JSON shape, request input forms and exit codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_contains, json, run, run_stdin};
use serde_json::Value;

const API: &str = "../../../examples/policies/api.cors";

/// Runs `eval` on the bundled example and checks the shape every answer has.
fn eval(args: &[&str]) -> Value {
    let mut all = vec!["eval", API];
    all.extend_from_slice(args);
    let r = run(&all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.ends_with("}\n") && r.stdout.lines().count() == 1,
        "one JSON object on one line: {}",
        r.stdout
    );
    let v = json(&r.stdout);
    assert_shape(&v);
    v
}

/// [`eval`] of `method` to `path` with the header lines `headers`
/// (`Name: value`).
fn eval_request(method: &str, path: &str, headers: &[&str]) -> Value {
    let mut args = vec!["--method", method, "--path", path];
    for header in headers {
        args.extend(["-H", header]);
    }
    eval(&args)
}

/// `(kind, allowed)` of an answer.
fn kind_allowed(v: &Value) -> (Option<&str>, Option<bool>) {
    (v["kind"].as_str(), v["allowed"].as_bool())
}

/// `text` split at whitespace: the arguments of a command line whose
/// values hold no space.
fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn assert_shape(v: &Value) {
    let keys: Vec<_> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(
        sorted,
        [
            "allowed", "forward", "headers", "kind", "policy", "reason", "status"
        ]
    );
    assert!(
        ["preflight", "actual", "not-cors", "unhandled"].contains(&v["kind"].as_str().unwrap())
    );
    let allowed = v["allowed"].as_bool().unwrap();
    assert!(v["policy"].is_null() || v["policy"].is_string());
    assert!(v["status"].is_null() || v["status"].is_u64());
    assert_eq!(
        v["status"].is_u64(),
        v["kind"] == "preflight",
        "status is set for preflights only"
    );
    assert_eq!(v["forward"].as_bool().unwrap(), v["kind"] != "preflight");
    for header in v["headers"].as_array().unwrap() {
        let pair = header.as_array().unwrap();
        assert_eq!(pair.len(), 2);
        let name = pair[0].as_str().unwrap();
        assert_eq!(name, name.to_ascii_lowercase());
        assert!(pair[1].is_string());
    }
    if allowed {
        assert!(v["reason"].is_null());
    } else {
        assert!(!v["reason"].as_str().unwrap().is_empty());
    }
    if v["kind"] == "not-cors" || v["kind"] == "unhandled" {
        assert!(!allowed);
    }
}

fn names(v: &Value) -> Vec<&str> {
    v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[0].as_str().unwrap())
        .collect()
}

fn header<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == name)
        .map(|h| h[1].as_str().unwrap())
}

#[test]
fn keys_come_in_the_documented_order() {
    let r = run(&["eval", API, "--method", "GET", "--path", "/nowhere"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "{\"kind\":\"unhandled\",\"allowed\":false,\"policy\":null,\"status\":null,\"forward\":true,\"headers\":[],\"reason\":\"no policy's `paths` match the request path\"}\n"
    );
}

#[test]
fn an_allowed_preflight() {
    let v = eval_request(
        "OPTIONS",
        "/api/users",
        &[
            "Origin: https://app.example.com",
            "Access-Control-Request-Method: PUT",
            "Access-Control-Request-Headers: content-type",
        ],
    );
    assert_eq!(kind_allowed(&v), (Some("preflight"), Some(true)));
    assert_eq!(v["policy"], "api");
    assert_eq!(v["status"], 204);
    assert_eq!(v["forward"], false);
    assert_eq!(
        names(&v),
        [
            "access-control-allow-origin",
            "access-control-allow-credentials",
            "access-control-allow-methods",
            "access-control-allow-headers",
            "access-control-max-age",
            "vary"
        ]
    );
    assert_eq!(
        header(&v, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(header(&v, "access-control-allow-credentials"), Some("true"));
    assert!(
        header(&v, "access-control-allow-methods")
            .unwrap()
            .contains("PUT")
    );
    assert!(
        header(&v, "access-control-allow-headers")
            .unwrap()
            .contains("content-type")
    );
    assert_eq!(header(&v, "access-control-max-age"), Some("7200"));
    assert!(header(&v, "vary").unwrap().contains("Origin"));
}

#[test]
fn a_denied_preflight_is_403_with_only_vary() {
    let v = eval_request(
        "OPTIONS",
        "/api/users",
        &[
            "Origin: https://app.example.com:3000",
            "Access-Control-Request-Method: PUT",
        ],
    );
    assert_eq!(kind_allowed(&v), (Some("preflight"), Some(false)));
    assert_eq!(
        (v["status"].as_u64(), v["forward"].as_bool()),
        (Some(403), Some(false))
    );
    assert_eq!(v["policy"], "api");
    assert_eq!(names(&v), ["vary"]);
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains("https://app.example.com:3000"),
        "{v}"
    );
}

#[test]
fn actual_not_cors_and_unhandled_requests() {
    let actual = eval_request("GET", "/api/users", &["Origin: http://localhost:5173"]);
    assert_eq!(kind_allowed(&actual), (Some("actual"), Some(true)));
    assert!(actual["status"].is_null());
    assert_eq!(
        header(&actual, "access-control-allow-origin"),
        Some("http://localhost:5173")
    );
    assert_eq!(
        header(&actual, "access-control-expose-headers").map(|h| h.contains("x-request-id")),
        Some(true)
    );

    let denied = eval_request("POST", "/api/users", &["Origin: https://evil.example"]);
    assert_eq!(kind_allowed(&denied), (Some("actual"), Some(false)));
    assert_eq!(
        denied["forward"], true,
        "a denied actual request still reaches the handler"
    );
    assert_eq!(names(&denied), ["vary"]);

    let not_cors = eval_request("GET", "/api/users", &[]);
    assert_eq!(kind_allowed(&not_cors), (Some("not-cors"), Some(false)));
    assert_eq!(not_cors["policy"], "api");
    assert_eq!(header(&not_cors, "vary"), Some("Origin"));

    // the default path is `/`, which no policy of the example covers
    let unhandled = eval(&["--method", "GET", "-H", "Origin: https://app.example.com"]);
    assert_eq!(unhandled["kind"], "unhandled");
    assert!(unhandled["policy"].is_null() && unhandled["headers"].as_array().unwrap().is_empty());

    let public = eval_request(
        "GET",
        "/static/app.js?v=3",
        &["Origin: https://anyone.example"],
    );
    assert_eq!(public["policy"], "public-assets");
    assert_eq!(header(&public, "access-control-allow-origin"), Some("*"));
    assert_eq!(
        header(&public, "vary"),
        None,
        "`origins *` without credentials does not vary on Origin"
    );
}

#[test]
fn header_flags_are_case_insensitive_and_trimmed() {
    let v = eval(&[
        "-X",
        "GET",
        "--path",
        "/api/x",
        "--header",
        "oRiGiN: \t https://app.example.com \t",
    ]);
    assert_eq!(v["allowed"], true, "{v}");
    assert_eq!(
        header(&v, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
}

#[test]
fn repeated_lines_reach_the_engine_as_repeated() {
    let v = eval_request(
        "OPTIONS",
        "/api/x",
        &[
            "Origin: https://app.example.com",
            "Access-Control-Request-Method: PATCH",
            "Access-Control-Request-Headers: content-type",
            "access-control-request-headers: X-Request-Id",
        ],
    );
    assert_eq!(v["allowed"], true, "{v}");
    let v = eval_request(
        "OPTIONS",
        "/api/x",
        &[
            "Access-Control-Request-Headers: content-type",
            "Access-Control-Request-Headers: x-api-key",
            "Origin: https://app.example.com",
            "Access-Control-Request-Method: PATCH",
        ],
    );
    assert_eq!(v["allowed"], false);
    assert!(v["reason"].as_str().unwrap().contains("x-api-key"), "{v}");
    let v = eval_request(
        "GET",
        "/api/x",
        &[
            "Origin: https://app.example.com",
            "Origin: https://app.example.com",
        ],
    );
    assert_eq!(
        v["allowed"], false,
        "two Origin lines are never allowed: {v}"
    );
}

#[test]
fn bytes_a_header_cannot_carry_are_passed_on_not_rejected() {
    let v = eval_request("GET", "/api/x", &["Origin: https://app.example.com\r"]);
    assert_eq!(v["allowed"], false);
    assert!(
        v["reason"].as_str().unwrap().contains("\\r"),
        "the reason shows the CR escaped: {v}"
    );
    assert!(!v.to_string().contains('\r'));

    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let arg = std::ffi::OsStr::from_bytes(b"Origin: https://app.example.com\xff");
        let r = common::finish(
            common::cmd()
                .args(["eval", API, "--method", "GET", "--path", "/api/x", "-H"])
                .arg(arg),
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = json(&r.stdout);
        assert_shape(&v);
        assert_eq!(v["allowed"], false);
        assert!(v["reason"].as_str().unwrap().contains("\\xff"), "{v}");
    }
}

#[test]
fn a_raw_request_from_stdin_or_a_file() {
    let raw = b"OPTIONS /api/users HTTP/1.1\r\nHost: api.example.com\r\nOrigin: https://app.example.com\r\n\
Access-Control-Request-Method: DELETE\r\nContent-Length: 3\r\n\r\nabc";
    let r = run_stdin(&["eval", API, "--raw", "-"], raw);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_shape(&v);
    assert_eq!(kind_allowed(&v), (Some("preflight"), Some(true)));

    // HTTP/2 pseudo headers as Chrome's devtools copy them
    let r = run(&["eval", API, "--raw", "preflight.http"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    assert_eq!(kind_allowed(&v), (Some("preflight"), Some(true)), "{v}");
    assert_eq!(
        header(&v, "access-control-allow-origin"),
        Some("https://pr-42.preview.example.dev")
    );

    // flags override what the raw request says
    let r = run(&[
        "eval",
        API,
        "--raw",
        "preflight.http",
        "--path",
        "/elsewhere",
    ]);
    assert_eq!(json(&r.stdout)["kind"], "unhandled");
    let r = run(&[
        "eval",
        API,
        "--raw",
        "preflight.http",
        "-H",
        "Access-Control-Request-Private-Network: true",
    ]);
    assert_eq!(json(&r.stdout)["allowed"], true);
}

#[test]
fn a_policy_with_errors_exits_1_and_prints_them() {
    let r = run(&[
        "eval",
        "broken.cors",
        "--method",
        "GET",
        "--path",
        "/api/x",
        "-H",
        "Origin: https://app.example.com",
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains("error[E0006/invalid-origin]") && r.stderr.contains("broken.cors:3:"),
        "{}",
        r.stderr
    );
}

#[test]
fn usage_and_io_errors_exit_2() {
    let r = run(&["eval", "nope.cors", "--method", "GET"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: cannot read `nope.cors`: no such file or directory (os error 2)\n"
    );
    let r = run(&["eval", API, "--curl", "wget https://a.example/"]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["expects a curl command"]);
    let r = run(&["eval", API, "--console", "TypeError: Failed to fetch"]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["is not a browser's CORS message"]);
    let r = run(&["eval", API, "--url", "api.example.com/x"]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["not an http or https URL"]);
    assert_eq!(
        run(&["eval", API, "--url", "https://a.example/", "--path", "/x"]).code,
        2,
        "--url and --path both give the path"
    );
    assert_eq!(
        run(&["eval", "--method", "GET"]).code,
        2,
        "the policy file is required"
    );
    let r = run(&[
        "eval",
        API,
        "--method",
        "GET",
        "-H",
        "Origin https://a.example",
    ]);
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &["Name: value"]);
    let r = run(&["eval", API, "--raw", "nope.http"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("`nope.http`"));
    let r = run_stdin(&["eval", API, "--raw", "-"], b"Origin: https://a.example\n");
    assert_eq!(r.code, 2);
    assert_contains(&r.stderr, &[":method"]);
    assert_eq!(run_stdin(&["eval", "-", "--raw", "-"], b"").code, 2);
}

#[test]
fn the_method_defaults_to_get_and_origin_is_a_shorthand() {
    let short = eval(&words("--path /api/users --origin https://app.example.com"));
    let long = eval_request("GET", "/api/users", &["Origin: https://app.example.com"]);
    assert_eq!(short, long);
    assert_eq!(short["kind"], "actual");
    assert_eq!(short["allowed"], true);
}

#[test]
fn a_url_gives_the_path_and_its_query_is_ignored() {
    let v = eval(&words(
        "--url https://api.example.com/api/users?next=https://x.example/static/a.js --origin https://app.example.com",
    ));
    assert_eq!(v["policy"], "api");
    assert_eq!(v["allowed"], true);
}

#[test]
fn a_copy_as_curl_is_the_request_it_describes() {
    // DevTools' "Copy as cURL (bash)" of the preflight and of the actual request.
    let preflight = eval(&[
        "--curl",
        "curl 'https://api.example.com/api/users' \\\n  -X 'OPTIONS' \\\n  \
         -H 'accept: */*' \\\n  -H 'access-control-request-method: PUT' \\\n  \
         -H 'origin: https://app.example.com' \\\n  --compressed",
    ]);
    assert_eq!(preflight["kind"], "preflight");
    assert_eq!(preflight["allowed"], true);
    let actual = eval(&[
        "--curl",
        "curl ^\"https://api.example.com/api/users^\" ^\n  -H ^\"origin: https://app.example.com^\" ^\n  \
         --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"",
    ]);
    assert_eq!(actual["kind"], "actual");
    assert_eq!(actual["allowed"], true);
    // flags override what the command says
    let other = eval(&[
        "--curl",
        "curl 'https://api.example.com/api/users' -H 'origin: https://app.example.com'",
        "--origin",
        "https://evil.example",
    ]);
    assert_eq!(other["allowed"], false);
}

#[test]
fn a_console_message_is_the_request_it_names() {
    let v = eval(&[
        "--console",
        "Access to fetch at 'https://api.example.com/api/users' from origin 'https://app.example.com' has been \
         blocked by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response.",
    ]);
    // eval answers the request the message names: an actual PUT from that origin
    assert_eq!(v["kind"], "actual");
    assert_eq!(v["policy"], "api");
}

/// The path is taken from `--path` and `--raw` targets as the engine takes
/// it (`cors_policy::target_path`): a URL or a path in the query or the
/// fragment never selects a policy (the command once took the path from the
/// first `://` anywhere in the target), an absolute-form target gives its
/// path, `//x` at the start is a path.
#[test]
fn the_path_never_comes_from_the_query_or_fragment() {
    let dir = common::scratch("targets");
    let file = dir.join("site.cors");
    std::fs::write(
        &file,
        "policy \"static\" { paths \"/static/**\"; origins * }\n\
         policy \"api\" { paths \"/api/**\"; origins \"https://app.example.com\" }\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();
    for (target, want) in [
        ("/api/me?next=https://x.example/static/a.js", "api"),
        ("/api/me#https://x.example/static/a.js", "api"),
        ("/api/me?a#/static/b", "api"),
        ("/?u=https://x.example/static/a.js", ""),
        (
            "https://h.example/api/me?u=https://x.example/static/",
            "api",
        ),
        ("https://h.example?u=https://x.example/static/", ""),
        ("//x.example/static/a.js", ""),
        ("/static/a.js?u=https://x.example/api/me", "static"),
    ] {
        let flags = run(&[
            "eval",
            file,
            "-X",
            "GET",
            "--path",
            target,
            "-H",
            "Origin: https://app.example.com",
        ]);
        let raw = run_stdin(
            &["eval", file, "--raw", "-"],
            format!("GET {target} HTTP/1.1\r\nOrigin: https://app.example.com\r\n\r\n").as_bytes(),
        );
        for r in [flags, raw] {
            assert_eq!(r.code, 0, "{target}: {}", r.stderr);
            let v = json(&r.stdout);
            assert_eq!(
                v["policy"].as_str().unwrap_or(""),
                want,
                "{target}: {}",
                r.stdout
            );
        }
    }
}

/// Issue 13, class 11: policy names and request values that reach the JSON
/// are escaped there — C0 by JSON itself, DEL, C1 and bidirectional
/// overrides as `\u00XX` escapes too (`serde_json` leaves those raw) — so no
/// raw control character reaches a terminal, and the JSON means the same.
#[test]
fn policy_names_and_request_values_reach_the_json_escaped() {
    let dir = common::scratch("eval-escape");
    let file = dir.join("p.cors");
    std::fs::write(
        &file,
        "policy \"p\\u{1b}]0;owned\\u{7}\\u{9b}2J\\u{7f}\\u{202e}\" { origins \"https://app.example.com\" }\n",
    )
    .unwrap();
    let origin = "https://e.example\u{1b}]0;owned\u{7}\u{9b}2J\u{7f}\u{202e}";
    let r = run(&[
        "eval",
        file.to_str().unwrap(),
        "-X",
        "GET",
        "-H",
        &format!("Origin: {origin}"),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout
            .chars()
            .any(|c| cors_policy_grammar::is_unsafe_for_terminal(c) && c != '\n'),
        "{:?}",
        r.stdout
    );
    let v = json(&r.stdout);
    assert_eq!(v["policy"], "p\u{1b}]0;owned\u{7}\u{9b}2J\u{7f}\u{202e}");
    assert!(
        v["reason"]
            .as_str()
            .unwrap()
            .contains(r"https://e.example\x1b]0;owned\x07"),
        "{}",
        r.stdout
    );
}
