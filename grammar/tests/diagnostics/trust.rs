//! Issue 13 ("Trust"), the validation half: regex origins read as automata,
//! public suffixes of every rule kind, scheme typos, host limits, glob
//! shadowing and globs the engine cannot build — each with its code, name,
//! `line:column`, message and help.

use super::*;

/// A one-policy file with extra statements after `origins`.
fn with(origins: &str, extra: &str) -> String {
    format!("policy \"p\" {{\n    origins {origins}\n{extra}}}\n")
}

fn regex(re: &str) -> String {
    format!("regex r\"{re}\"")
}

/// Every (code, severity) of `src`.
fn kinds(src: &str) -> Vec<(&'static str, Severity)> {
    check(src)
        .diagnostics
        .iter()
        .map(|d| (d.code(), d.severity))
        .collect()
}

// --- class 2: regex origins -------------------------------------------------

#[test]
fn regex_matches_any_is_an_error_with_credentials() {
    for (re, probe) in [
        (".+", "https://a.invalid"),
        ("https?://.*", "https://a.invalid"),
        (r"https://[^.]+\..+", "https://a.invalid"),
        (r"https://(www\.)?[a-z]+\.[a-z]+", "https://a.invalid"),
        (
            r"https://app\.example\.com.*",
            "https://app.example.com.invalid",
        ),
        (r"wss://.+", "wss://a.invalid"),
        (r"[a-z]+://[a-z0-9.-]+(:[0-9]+)?", "https://a.invalid"),
        (r"https://\S+", "https://a.invalid"),
    ] {
        let src = with(&regex(re), "    credentials\n");
        let d = expect_first(&src, "E0021");
        assert_eq!(
            (d.at.as_str(), d.message.as_str()),
            (
                "2:13",
                format!("regex `{re}` matches origins of any site, such as `{probe}`").as_str()
            ),
            "{re}"
        );
        assert_eq!(d.severity, Severity::Error, "{re}");
        assert!(check(&src).policies.is_none(), "{re}");
        assert!(d.help.contains("the policy allows `credentials`"), "{re}");
    }
}

/// The first diagnostic of `code` in `src`, with its position.
#[track_caller]
fn expect_first(src: &str, code: &str) -> Found {
    let (d, full) = all(src)
        .into_iter()
        .find(|(d, _)| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {src}: {:?}", all(src)));
    Found {
        at: d.at,
        message: d.message,
        severity: full.severity,
        help: full.help.unwrap_or_default(),
        name: d.name,
    }
}

struct Found {
    at: String,
    message: String,
    severity: Severity,
    help: String,
    name: &'static str,
}

#[test]
fn regex_matches_any_is_a_warning_without_credentials_and_can_be_allowed() {
    let src = origins(&regex("https?://.*"));
    let d = expect(
        &src,
        "E0021",
        "regex-matches-any",
        "2:13",
        "regex `https?://.*` matches origins of any site, such as `https://a.invalid`",
    );
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        help(&d),
        "anchor the host to your own domain, e.g. `regex r\"^https://[a-z0-9-]+\\.example\\.com$\"`, or `allow regex-matches-any` if every site may read these answers"
    );
    assert!(check(&src).policies.is_some());
    // `allow` silences the warning, never the error.
    assert!(
        kinds(&with(
            &regex("https?://.*"),
            "    allow regex-matches-any\n"
        ))
        .is_empty()
    );
    assert_eq!(
        kinds(&with(
            &regex("https://.*"),
            "    credentials\n    allow regex-matches-any\n"
        )),
        vec![("E0021", Severity::Error)]
    );
}

#[test]
fn anchored_regexes_are_not_reported() {
    for re in [
        r"^https://pr-[0-9]+\.preview\.example\.dev$",
        r"https://([a-z0-9-]+\.)*example\.com",
        r"https://(www|app)\.example\.com(:[0-9]+)?",
        r"https://[a-z0-9-]+\.example\.com",
        r"http://localhost:[0-9]+",
        r"http://127\.0\.0\.1(:[0-9]+)?",
        r"chrome-extension://[a-p]{32}",
    ] {
        assert_eq!(
            kinds(&with(&regex(re), "    credentials\n")),
            vec![],
            "{re}"
        );
    }
}

#[test]
fn regex_over_broad_when_the_host_is_open_on_the_left() {
    for (re, other, witness) in [
        (
            r".*example\.com",
            "https://evilexample.com",
            "https://example.com",
        ),
        (
            r"https://.*example\.com",
            "https://evilexample.com",
            "https://example.com",
        ),
        (
            r"https://[a-z]*example\.com",
            "https://evilexample.com",
            "https://example.com",
        ),
        (
            r"https://[a-z]+corp\.com",
            "https://evilacorp.com",
            "https://acorp.com",
        ),
        (
            r"https://app\.[a-z]*example\.co\.uk",
            "https://app.evilexample.co.uk",
            "https://app.example.co.uk",
        ),
    ] {
        let src = with(&regex(re), "    credentials\n");
        let d = expect_first(&src, "E0022");
        assert_eq!(d.name, "regex-over-broad");
        assert_eq!(d.at, "2:13");
        assert_eq!(
            d.message,
            format!(
                "regex `{re}` matches `{other}` as well as `{witness}`: another site's domain can end with yours"
            )
        );
        assert_eq!(d.severity, Severity::Error);
        let plain = origins(&regex(re));
        assert_eq!(kinds(&plain), vec![("E0022", Severity::Warning)], "{re}");
    }
    // A label boundary is fine.
    assert_eq!(
        kinds(&with(
            &regex(r"https://([a-z0-9-]+\.)?example\.com"),
            "    credentials\n"
        )),
        vec![]
    );
}

#[test]
fn a_regex_that_never_matches_an_origin_is_invalid() {
    let d = expect(
        &origins(&regex(r"example\.com")),
        "E0007",
        "invalid-regex",
        "2:13",
        "regex `example\\.com` never matches an origin a browser sends",
    );
    assert_eq!(
        help(&d),
        "the engine matches it against the whole origin, `scheme://host[:port]`: write the scheme, e.g. `regex r\"https://example\\.com\"`"
    );
    let d = expect(
        &origins(&regex(r"HTTPS://APP\.EXAMPLE\.COM")),
        "E0007",
        "invalid-regex",
        "2:13",
        "regex `HTTPS://APP\\.EXAMPLE\\.COM` never matches an origin a browser sends",
    );
    assert!(help(&d).starts_with("browsers send origins in lowercase"));
    let d = expect(
        &origins(&regex("null")),
        "E0007",
        "invalid-regex",
        "2:13",
        "regex `null` never matches an origin a browser sends",
    );
    assert_eq!(
        help(&d),
        "a regex never matches the origin `null`: write the `null` keyword (unquoted) to allow it"
    );
    for re in [
        r"^https://app\.example\.com/$",
        r"https://app\.example\.com:443x",
        r"https://a\.com/.*",
        r"https://a\.com\?x",
        r"https://user@a\.com",
    ] {
        assert_eq!(
            kinds(&origins(&regex(re))),
            vec![("E0007", Severity::Error)],
            "{re}"
        );
    }
}

#[test]
fn a_regex_that_can_match_plain_http_is_insecure_with_credentials() {
    let d = expect(
        &with(&regex(r"^https?://app\.example\.com$"), "    credentials\n"),
        "W0001",
        "insecure-origin",
        "2:13",
        "regex `^https?://app\\.example\\.com$` can match the plain `http` origin `http://app.example.com`, and the policy allows `credentials`",
    );
    assert!(help(&d).starts_with("match `https://` only (or loopback)"));
    for re in [
        r"[a-z]+://app\.example\.com",
        r"(http|https)://app\.example\.com",
        r"http://[a-z]+\.example\.com",
        r"http://(localhost|app\.example\.com)",
    ] {
        assert_eq!(
            kinds(&with(&regex(re), "    credentials\n")),
            vec![("W0001", Severity::Warning)],
            "{re}"
        );
    }
    for re in [
        r"http://localhost(:[0-9]+)?",
        r"http://[a-z]+\.localhost:[0-9]+",
        r"http://127\.0\.0\.[0-9]+",
        r"http://\[::1\]:[0-9]+",
        r"https://app\.example\.com",
    ] {
        assert_eq!(
            kinds(&with(&regex(re), "    credentials\n")),
            vec![],
            "{re}"
        );
    }
}

#[test]
fn regex_dot_is_found_in_every_spelling_of_the_host() {
    for (re, fixed) in [
        (
            r"^https://app.example\.com$",
            r"^https://app\.example\.com$",
        ),
        (
            r"^https:\/\/app.example\.com$",
            r"^https:\/\/app\.example\.com$",
        ),
        (
            r"^https:\/\/app\.example.com$",
            r"^https:\/\/app\.example\.com$",
        ),
        (
            r"https:[/][/]app.example\.com",
            r"https:[/][/]app\.example\.com",
        ),
        (
            r"https:/{2}app.example\.com",
            r"https:/{2}app\.example\.com",
        ),
        (
            r"https(?:://)app.example\.com",
            r"https(?:://)app\.example\.com",
        ),
        (
            r"https://(app|www).example\.com",
            r"https://(app|www)\.example\.com",
        ),
        (
            r"https://(app.example|b\.example)\.com",
            r"https://(app\.example|b\.example)\.com",
        ),
        (r"https://app[^/]example\.com", r"https://app\.example\.com"),
        (r"https://app\Sexample\.com", r"https://app\.example\.com"),
        (r"(?:https|wss)://a.b\.com", r"(?:https|wss)://a\.b\.com"),
    ] {
        let d = expect_first(&origins(&regex(re)), "W0003");
        assert_eq!(d.name, "regex-dot");
        assert_eq!(d.at, "2:13");
        assert_eq!(
            d.message,
            format!("an unescaped `.` in regex `{re}` matches any character")
        );
        assert_eq!(
            d.help,
            format!("write `\\.` to match a dot: `regex r\"{fixed}\"`"),
            "{re}"
        );
    }
    for re in [
        r"^https://app\.example\.com$",
        r"^https://[a-z.]+\.example\.com$",
        r"^https://.+\.example\.com$",
        r"^https://a.{2}\.example\.com$",
        r"^https://app[.]example\.com$",
        r"^https://app\.example\.com:.*$",
    ] {
        assert!(
            !kinds(&origins(&regex(re)))
                .iter()
                .any(|(c, _)| *c == "W0003"),
            "{re}"
        );
    }
}

// --- class 3: public suffixes -------------------------------------------------

#[test]
fn public_suffix_wildcards_of_every_rule_kind_are_refused() {
    for (origin, suffix) in [
        ("https://*.ck", "ck"),
        ("https://*.anything.ck", "anything.ck"),
        ("https://*.np", "np"),
        ("https://*.jm", "jm"),
        ("https://*.kawasaki.jp", "kawasaki.jp"),
        ("https://*.nakahara.kawasaki.jp", "nakahara.kawasaki.jp"),
        ("https://*.sch.uk", "sch.uk"),
        ("https://*.myschool.sch.uk", "myschool.sch.uk"),
        (
            "https://*.compute-1.amazonaws.com",
            "compute-1.amazonaws.com",
        ),
        ("https://*.github.io", "github.io"),
        ("https://*.co.uk", "co.uk"),
        ("https://*.CK:8443", "ck"),
    ] {
        let d = expect(
            &origins(&format!("\"{origin}\"")),
            "E0016",
            "public-suffix-wildcard",
            "2:13",
            &format!("`{origin}` allows every site under the public suffix `{suffix}`"),
        );
        assert_eq!(d.severity, Severity::Error);
    }
    // Exception rules make sites; a name under a site is fine.
    for origin in [
        "https://*.www.ck",
        "https://*.city.kawasaki.jp",
        "https://*.a.myschool.sch.uk",
        "https://*.me.github.io",
    ] {
        assert_eq!(
            kinds(&origins(&format!("\"{origin}\""))),
            vec![],
            "{origin}"
        );
    }
}

// --- class 5: serialization ---------------------------------------------------

#[test]
fn every_host_form_is_serialized_by_the_url_standard() {
    use cors_policy_grammar::model::OriginMatcher;
    for (written, serialized) in [
        ("http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]"),
        ("http://[::FFFF:7F00:1]:8080", "http://[::ffff:7f00:1]:8080"),
        ("http://[0:0:0:0:0:ffff:c0a8:1]", "http://[::ffff:c0a8:1]"),
        (
            "http://[2001:DB8:0:0:1:0:0:1]",
            "http://[2001:db8::1:0:0:1]",
        ),
        ("http://127.1", "http://127.0.0.1"),
        ("http://0x7f.0.0.1:3000", "http://127.0.0.1:3000"),
        ("http://2130706433", "http://127.0.0.1"),
        ("http://0177.0.0.1", "http://127.0.0.1"),
        ("https://%61pp.example.com", "https://app.example.com"),
        ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
        ("wss://[::ffff:8.8.8.8]:443", "wss://[::ffff:808:808]"),
    ] {
        let checked = check(&origins(&format!("\"{written}\"")));
        assert!(
            checked.diagnostics.is_empty(),
            "{written}: {:?}",
            checked.diagnostics
        );
        let set = checked.policies.unwrap();
        assert_eq!(
            set.policies[0].origins[0].matcher,
            OriginMatcher::Exact(serialized.to_owned()),
            "{written}"
        );
    }
}

// --- class 6: host limits -----------------------------------------------------

#[test]
fn hosts_over_the_dns_limits_are_invalid() {
    let l64 = "a".repeat(64);
    bad_origin(
        &format!("https://{l64}.example.com"),
        &format!(
            "`https://{l64}.example.com` has a host label of 64 bytes, `aaaaaaaaaaaaaaaaaaaaaaaa…`"
        ),
        "a DNS label is at most 63 bytes: no page can have this origin",
    );
    let labels = vec!["b".repeat(63); 4].join(".");
    let host = format!("{labels}.com");
    assert_eq!(host.len(), 259);
    bad_origin(
        &format!("https://{host}"),
        "`https://bbbbbbbbbbbbbbbb…` has a host of 259 bytes",
        "a host name is at most 253 bytes: no page can have this origin",
    );
    // A `*.` suffix leaves room for one label and its dot.
    let suffix = format!(
        "{}.{}.{}.{}.com",
        "c".repeat(63),
        "c".repeat(63),
        "c".repeat(63),
        "c".repeat(56)
    );
    assert_eq!(suffix.len(), 252);
    bad_origin(
        &format!("https://*.{suffix}"),
        "`https://*.cccccccccccccc…` has a host of 252 bytes",
        "a host name is at most 253 bytes, the `*` label and its dot included: no page can have this origin",
    );
    // At the limits: accepted.
    let l63 = "a".repeat(63);
    assert_eq!(
        kinds(&origins(&format!("\"https://{l63}.example.com\""))),
        vec![]
    );
    let at = format!(
        "{}.{}.{}.{}.com",
        "b".repeat(63),
        "b".repeat(63),
        "b".repeat(63),
        "b".repeat(57)
    );
    assert_eq!(at.len(), 253);
    assert_eq!(kinds(&origins(&format!("\"https://{at}\""))), vec![]);
    assert_eq!(
        kinds(&origins(&format!("\"https://{at}.\""))),
        vec![],
        "a final dot is not counted"
    );
    // App-shell hosts too.
    assert_eq!(
        kinds(&origins(&format!("\"chrome-extension://{l64}\""))),
        vec![("E0006", Severity::Error)]
    );
}

// --- class 8: shadowing -------------------------------------------------------

#[test]
fn shadowing_sees_glob_coverage() {
    let pair = |a: &str, b: &str| {
        format!(
            "policy \"a\" {{\n    paths {a}\n    origins *\n}}\npolicy \"b\" {{\n    paths {b}\n    origins *\n}}\n"
        )
    };
    for (a, b) in [
        ("\"/*\"", "\"/x\""),
        ("\"/**\"", "\"/x\", \"/api/users/**\""),
        ("\"/api/**\"", "\"/api/users/**\""),
        ("\"/api/**\"", "\"/api/users/**\", \"/api/{a,b}\""),
        ("\"/{api,v2}/**\"", "\"/api/x\", \"/v2/y/**\""),
        (
            "\"/static/*.{js,css}\"",
            "\"/static/app.js\", \"/static/site.css\"",
        ),
        ("\"/api/*\", \"/other\"", "\"/api/{me,you}\""),
        ("\"/a/**\"", "\"/a/**/b\""),
    ] {
        let d = expect(
            &pair(a, b),
            "W0006",
            "shadowed-policy",
            "5:8",
            "policy `b` is never used: policy `a` (at line 1) comes first and covers all its paths",
        );
        assert_eq!(help(&d), "move `b` above `a`, or narrow the `paths` of `a`");
    }
    // Never a false positive.
    for (a, b) in [
        ("\"/api/*\"", "\"/api/**\""),
        ("\"/api/*\"", "\"/api/x/y\""),
        ("\"/api/**\"", "\"/api\""),
        ("\"/api/**\"", "\"/apix/y\""),
        ("\"/{a,b}/**\"", "\"/c/x\""),
        ("\"/a/?\"", "\"/a/bc\""),
        ("\"/a/[bc]\"", "\"/a/d\""),
        ("\"/x/*.js\"", "\"/x/*.css\""),
        ("\"/api/**\"", "\"/api/x\", \"/other\""),
        ("\"/a/*/b\"", "\"/a/**/b\""),
    ] {
        assert_eq!(kinds(&pair(a, b)), vec![], "{a} / {b}");
    }
}

// --- class 9: scheme typos ----------------------------------------------------

#[test]
fn scheme_typos_get_the_right_did_you_mean() {
    for (written, message, fix) in [
        (
            "htps://app.example.com",
            "`htps://app.example.com` has the scheme `htps`, which is not a web scheme",
            "did you mean `\"https://app.example.com\"`?",
        ),
        (
            "hxxps://app.example.com",
            "`hxxps://app.example.com` has the scheme `hxxps`, which is not a web scheme",
            "did you mean `\"https://app.example.com\"`?",
        ),
        (
            "htp://localhost:3000",
            "`htp://localhost:3000` has the scheme `htp`, which is not a web scheme",
            "did you mean `\"http://localhost:3000\"`?",
        ),
        (
            "httsp://App.Example.com",
            "`httsp://App.Example.com` has the scheme `httsp`, which is not a web scheme",
            "did you mean `\"https://app.example.com\"`?",
        ),
        (
            "wws://a.example.com",
            "`wws://a.example.com` has the scheme `wws`, which is not a web scheme",
            "did you mean `\"wss://a.example.com\"`?",
        ),
        (
            "https//app.example.com",
            "`https//app.example.com` lacks `:` after `https`",
            "write `\"https://app.example.com\"`",
        ),
        (
            "http//localhost:8080",
            "`http//localhost:8080` lacks `:` after `http`",
            "write `\"http://localhost:8080\"`",
        ),
        (
            "htps//app.example.com",
            "`htps//app.example.com` lacks `:` after `htps`",
            "write `\"https://app.example.com\"`",
        ),
        (
            "http:/localhost",
            "`http:/localhost` lacks `//` after `http:`",
            "write `\"http://localhost\"`",
        ),
        (
            "https:///app.example.com",
            "`https:///app.example.com` has too many `/` after `https:`",
            "write `\"https://app.example.com\"`",
        ),
        (
            "localhost:5173",
            "`localhost:5173` has no scheme",
            "write `\"http://localhost:5173\"` (an origin starts with its scheme)",
        ),
        (
            "127.0.0.1:8080",
            "`127.0.0.1:8080` has no scheme",
            "write `\"http://127.0.0.1:8080\"` (an origin starts with its scheme)",
        ),
    ] {
        bad_origin(written, message, fix);
    }
    // `http://localhost` is never told to use https, with or without credentials.
    assert_eq!(
        kinds(&with("\"http://localhost:3000\"", "    credentials\n")),
        vec![]
    );
}

#[test]
fn unknown_schemes_are_a_warning_and_app_shells_are_not() {
    let d = expect(
        &origins("\"myapp://main\""),
        "W0009",
        "unknown-scheme",
        "2:13",
        "`myapp:` is not a scheme browsers or known app shells send in `Origin`",
    );
    assert!(help(&d).ends_with("`allow unknown-scheme` if yours sends `myapp:`"));
    for origin in [
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "moz-extension://2b1a7c58-5b2f-4a8e-9c1d-0f1e2d3c4b5a",
        "safari-web-extension://abc",
        "capacitor://localhost",
        "tauri://localhost",
        "ionic://localhost",
        "app://local",
    ] {
        assert_eq!(
            kinds(&origins(&format!("\"{origin}\""))),
            vec![],
            "{origin}"
        );
    }
    assert!(kinds(&with("\"myapp://main\"", "    allow unknown-scheme\n")).is_empty());
}

#[test]
fn options_in_methods_is_a_warning() {
    let d = expect(
        &with("*", "    methods GET, PUT, OPTIONS\n"),
        "W0010",
        "options-method",
        "3:23",
        "`OPTIONS` in `methods` is not needed for preflights",
    );
    assert_eq!(
        help(&d),
        "browsers send every preflight as `OPTIONS` whatever `methods` lists: remove `OPTIONS`, unless scripts send `OPTIONS` requests themselves (then `allow options-method`)"
    );
    assert!(
        kinds(&with(
            "*",
            "    methods OPTIONS\n    allow options-method\n"
        ))
        .is_empty()
    );
}

// --- class 10: globs the engine cannot build ----------------------------------

#[test]
fn a_glob_too_large_for_the_engine_is_invalid() {
    let huge = format!("/{}", "[a-z]*?".repeat(300_000));
    let src = format!("policy \"p\" {{\n    paths \"{huge}\"\n    origins *\n}}\n");
    let d = expect_first(&src, "E0018");
    assert_eq!(d.at, "2:11");
    assert_eq!(
        d.message,
        format!(
            "path glob `{}…` is too large: its automaton is over the engine's 10 MiB",
            &huge[..60]
        )
    );
    assert_eq!(d.help, "split it into several shorter globs");
}
