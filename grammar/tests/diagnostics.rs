//! Every diagnostic, from policy text through `check`: code, name,
//! line:column, message and (where it matters) help.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use cors_policy_grammar::model::{HostPattern, OriginMatcher, OriginPattern, PortPattern};
use cors_policy_grammar::{Diagnostic, Kind, Severity, check};

/// Issue 13: regex origins, public suffixes, serialization, host limits,
/// shadowing, scheme typos, globs the engine cannot build.
#[path = "diagnostics/trust.rs"]
mod trust;

/// One diagnostic as the tests compare it.
#[derive(Debug, PartialEq)]
struct D {
    code: &'static str,
    name: &'static str,
    at: String,
    message: String,
}

fn all(src: &str) -> Vec<(D, Diagnostic)> {
    check(src)
        .diagnostics
        .into_iter()
        .map(|d| {
            let (line, col) = d.span.line_col(src);
            (
                D {
                    code: d.code(),
                    name: d.name(),
                    at: format!("{line}:{col}"),
                    message: d.message.clone(),
                },
                d,
            )
        })
        .collect()
}

/// The only diagnostic of `src`.
fn only(src: &str) -> (D, Diagnostic) {
    let mut ds = all(src);
    assert_eq!(
        ds.len(),
        1,
        "expected one diagnostic for {src}, got {ds:#?}"
    );
    ds.pop().unwrap()
}

#[track_caller]
fn expect(src: &str, code: &str, name: &str, at: &str, message: &str) -> Diagnostic {
    let (d, full) = only(src);
    assert_eq!(
        (d.code, d.name, d.at.as_str(), d.message.as_str()),
        (code, name, at, message),
        "{src}"
    );
    assert_eq!(full.kind.code(), code);
    full
}

#[track_caller]
fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().expect("a help line")
}

/// A one-policy file whose origin list is `origins` (written as is).
fn origins(origins: &str) -> String {
    format!("policy \"p\" {{\n    origins {origins}\n}}\n")
}

/// The invalid-origin diagnostic for one `origins` string; it sits at 2:13.
#[track_caller]
fn bad_origin(origin: &str, message: &str, help_text: &str) {
    let src = origins(&format!("\"{origin}\""));
    let d = expect(&src, "E0006", "invalid-origin", "2:13", message);
    assert_eq!(help(&d), help_text, "{origin}");
    assert!(check(&src).policies.is_none());
}

// ---- errors -------------------------------------------------------------------------

#[test]
fn e0001_syntax() {
    let (d, _) = only("policy \"p\" {\n    origins \"https://a.com\" \"https://b.com\"\n}\n");
    assert_eq!(
        (d.code, d.name, d.at.as_str(), d.message.as_str()),
        ("E0001", "syntax", "2:28", "missing `,` between list items")
    );
    let (d, _) = only("");
    assert_eq!((d.code, d.name, d.at.as_str()), ("E0001", "syntax", "1:1"));
}

#[test]
fn e0002_unknown_statement() {
    let (d, full) = only("policy \"p\" {\n    origin \"https://a.com\"\n}\n");
    assert_eq!(
        (d.code, d.name, d.at.as_str(), d.message.as_str()),
        (
            "E0002",
            "unknown-statement",
            "2:5",
            "unknown statement `origin`"
        )
    );
    assert_eq!(help(&full), "did you mean `origins`?");
}

#[test]
fn e0003_duplicate_policy() {
    let src = "policy \"api\" {\n    paths \"/a\"\n    origins *\n}\npolicy \"api\" {\n    paths \"/x\"\n    origins *\n}\n";
    let d = expect(
        src,
        "E0003",
        "duplicate-policy",
        "5:8",
        "policy `api` is already defined at line 1",
    );
    assert_eq!(help(&d), "give each policy a unique name");
}

#[test]
fn e0004_duplicate_statement() {
    let src = "policy \"p\" {\n    origins *\n    max-age 10m\n    max-age 1h\n}\n";
    let d = expect(
        src,
        "E0004",
        "duplicate-statement",
        "4:5",
        "`max-age` is already set at line 3",
    );
    assert!(help(&d).starts_with("keep one `max-age` statement"));
    for kw in [
        "credentials",
        "private-network true",
        "preflight-status 200",
    ] {
        let src =
            format!("policy \"p\" {{\n    origins \"https://a.com\"\n    {kw}\n    {kw}\n}}\n");
        let word = kw.split(' ').next().unwrap();
        expect(
            &src,
            "E0004",
            "duplicate-statement",
            "4:5",
            &format!("`{word}` is already set at line 3"),
        );
    }
    // The repeatable statements add up instead.
    let src = "policy \"p\" {\n    paths \"/a\"\n    paths \"/b\"\n    origins \"https://a.com\"\n    origins \"https://b.com\"\n    methods PUT\n    methods DELETE\n    headers x-a\n    headers x-b\n    expose x-c\n    expose x-d\n    allow null-origin\n    allow regex-dot\n}\n";
    let checked = check(src);
    assert_eq!(checked.diagnostics, vec![]);
    let p = &checked.policies.unwrap().policies[0];
    assert_eq!(p.paths, vec!["/a", "/b"]);
    assert_eq!(p.origins.len(), 2);
    assert_eq!(p.methods.names, vec!["PUT", "DELETE"]);
    assert_eq!(p.headers.names, vec!["x-a", "x-b"]);
    assert_eq!(p.expose.names, vec!["x-c", "x-d"]);
}

#[test]
fn e0005_missing_origins() {
    let d = expect(
        "policy \"p\" {\n    methods PUT\n}\n",
        "E0005",
        "missing-origins",
        "1:8",
        "policy `p` has no `origins`",
    );
    assert_eq!(
        help(&d),
        "add the origins it allows, e.g. `origins \"https://app.example.com\"`"
    );
}

#[test]
fn e0006_invalid_origin_path_and_slash() {
    bad_origin(
        "https://app.example.com/api",
        "`https://app.example.com/api` has a path",
        "write `\"https://app.example.com\"` (an origin has no path)",
    );
    bad_origin(
        "https://app.example.com/",
        "`https://app.example.com/` ends with `/`",
        "write `\"https://app.example.com\"` (an origin has no trailing slash)",
    );
    bad_origin(
        "https://a.com?x=1",
        "`https://a.com?x=1` has a query",
        "write `\"https://a.com\"` (an origin has no query)",
    );
    bad_origin(
        "https://a.com#top",
        "`https://a.com#top` has a fragment",
        "write `\"https://a.com\"` (an origin has no fragment)",
    );
}

#[test]
fn e0006_invalid_origin_userinfo_scheme_port_whitespace() {
    bad_origin(
        "https://user:pw@a.com",
        "`https://user:pw@a.com` has a user name or password",
        "write `\"https://a.com\"` (an origin never carries credentials)",
    );
    bad_origin(
        "app.example.com",
        "`app.example.com` has no scheme",
        "write `\"https://app.example.com\"` (an origin starts with its scheme)",
    );
    bad_origin(
        "localhost:3000",
        "`localhost:3000` has no scheme",
        "write `\"http://localhost:3000\"` (an origin starts with its scheme)",
    );
    bad_origin(
        "https:a.com",
        "`https:a.com` lacks `//` after `https:`",
        "write `\"https://a.com\"`",
    );
    bad_origin(
        "https://a.com:99999",
        "`https://a.com:99999` has an invalid port `99999`",
        "a port is a number from 0 to 65535, or `*` for any port",
    );
    bad_origin(
        "https://a.com:8o8o",
        "`https://a.com:8o8o` has an invalid port `8o8o`",
        "a port is a number from 0 to 65535, or `*` for any port",
    );
    bad_origin(
        "https://a.com:",
        "`https://a.com:` has an empty port",
        "write `\"https://a.com\"` (or add the port number after `:`)",
    );
    bad_origin(
        " https://a.com",
        "` https://a.com` contains whitespace",
        "write `\"https://a.com\"` (browsers never send spaces in an origin)",
    );
}

#[test]
fn e0006_invalid_origin_wildcards() {
    let help_label = "write a subdomain wildcard such as `\"https://*.example.com\"`, or use `regex r\"…\"` for anything else";
    bad_origin(
        "https://app*.example.com",
        "`https://app*.example.com` has a `*` that is not the whole leftmost label of the host",
        help_label,
    );
    bad_origin(
        "https://a.*.example.com",
        "`https://a.*.example.com` has a `*` that is not the whole leftmost label of the host",
        help_label,
    );
    bad_origin(
        "https://*.*.example.com",
        "`https://*.*.example.com` has a `*` that is not the whole leftmost label of the host",
        help_label,
    );
    bad_origin(
        "https://*",
        "`https://*` has `*` for its whole host",
        "write `*` (unquoted) to allow every origin, or a subdomain wildcard such as `\"https://*.example.com\"`",
    );
    bad_origin(
        "https://a.com:8*",
        "`https://a.com:8*` has an invalid port `8*`",
        "a port is a number from 0 to 65535, or `*` for any port",
    );
    bad_origin(
        "https://*.10.0.0.1",
        "`https://*.10.0.0.1` puts a `*` label before an IP address",
        "an IP address has no subdomains: write the address itself, or a `regex`",
    );
    bad_origin(
        "*",
        "`\"*\"` is a string, not the wildcard",
        "write `*` without quotes to allow every origin",
    );
    bad_origin(
        "null",
        "`\"null\"` is a string, not the `null` origin",
        "write `null` without quotes",
    );
}

#[test]
fn e0006_invalid_origin_opaque_schemes() {
    let null_help =
        "write `null` (unquoted) to allow them, knowing that any site can make such a page";
    bad_origin(
        "file:///home/me/index.html",
        "`file:` pages have no origin: they send `Origin: null`",
        null_help,
    );
    bad_origin(
        "data:text/html,hi",
        "`data:` pages have no origin: they send `Origin: null`",
        null_help,
    );
    bad_origin(
        "javascript:alert(1)",
        "`javascript:` pages have no origin: they send `Origin: null`",
        null_help,
    );
    bad_origin(
        "about:blank",
        "`about:` pages have no origin: they send `Origin: null`",
        null_help,
    );
    bad_origin(
        "blob:https://a.com/0b1c",
        "a `blob:` URL is not an origin: its requests carry the origin of the page that made it",
        "write that page's origin, e.g. `\"https://app.example.com\"`",
    );
}

#[test]
fn accepted_origins_and_their_normal_form() {
    let src = origins(
        "\"HTTPS://App.Example.COM\", \"https://a.com:443\", \"http://b.com:80\", \"https://münchen.de\", \
         \"http://[0:0::1]:8080\", \"chrome-extension://AbCdEf\", \"moz-extension://0b1c-22\", \
         \"safari-web-extension://x\", \"capacitor://localhost\", \"tauri://localhost\", \"ionic://localhost\", \
         \"https://*.Example.org\", \"http://localhost:*\", \"https://*.example.net:*\", \"wss://c.com:443\"",
    );
    let checked = check(&src);
    assert_eq!(checked.diagnostics, vec![]);
    let matchers: Vec<OriginMatcher> = checked.policies.unwrap().policies[0]
        .origins
        .iter()
        .map(|o| o.matcher.clone())
        .collect();
    let exact = |s: &str| OriginMatcher::Exact(s.to_owned());
    let pattern = |host, port| {
        OriginMatcher::Pattern(OriginPattern {
            scheme: "https".into(),
            host,
            port,
        })
    };
    assert_eq!(
        matchers,
        vec![
            exact("https://app.example.com"),
            exact("https://a.com"),
            exact("http://b.com"),
            exact("https://xn--mnchen-3ya.de"),
            exact("http://[::1]:8080"),
            exact("chrome-extension://abcdef"),
            exact("moz-extension://0b1c-22"),
            exact("safari-web-extension://x"),
            exact("capacitor://localhost"),
            exact("tauri://localhost"),
            exact("ionic://localhost"),
            pattern(
                HostPattern::Subdomains("example.org".into()),
                PortPattern::Default
            ),
            OriginMatcher::Pattern(OriginPattern {
                scheme: "http".into(),
                host: HostPattern::Exact("localhost".into()),
                port: PortPattern::Any
            }),
            pattern(
                HostPattern::Subdomains("example.net".into()),
                PortPattern::Any
            ),
            exact("wss://c.com"),
        ]
    );
}

#[test]
fn origin_source_and_span_are_kept() {
    let src = origins("\"HTTPS://A.com\", regex r\"^https://[a-z]+\\.a\\.com$\", null, *");
    let checked = check(&format!(
        "{src}policy \"q\" {{ paths \"/q\" origins \"https://q.com\" }}"
    ));
    let set = checked.policies.expect("valid");
    let o = &set.policies[0].origins;
    assert_eq!(o[0].source, "\"HTTPS://A.com\"");
    assert_eq!(o[1].source, "regex r\"^https://[a-z]+\\.a\\.com$\"");
    assert_eq!((o[2].source.as_str(), o[3].source.as_str()), ("null", "*"));
    assert_eq!(&src[o[0].span.range()], "\"HTTPS://A.com\"");
}

#[test]
fn e0007_invalid_regex() {
    let d = expect(
        &origins("regex r\"^https://(a|b\\.com$\""),
        "E0007",
        "invalid-regex",
        "2:13",
        "regex `^https://(a|b\\.com$` does not compile: unclosed group",
    );
    assert!(help(&d).contains("`regex` crate"));
    expect(
        &origins("regex r\"(https://a\\.com)?\""),
        "E0007",
        "invalid-regex",
        "2:13",
        "regex `(https://a\\.com)?` can match the empty string",
    );
    expect(
        &origins("regex r\"\""),
        "E0007",
        "invalid-regex",
        "2:13",
        "regex `` can match the empty string",
    );
    let huge = "regex r\"^https://\\w{1000}\\w{1000}\\w{1000}$\"";
    let (d, _) = only(&origins(huge));
    assert_eq!((d.code, d.at.as_str()), ("E0007", "2:13"));
    assert!(d.message.ends_with("is too large"), "{d:?}");
}

#[test]
fn e0008_credentials_wildcard() {
    let d = expect(
        "policy \"p\" {\n    origins *\n    credentials\n}\n",
        "E0008",
        "credentials-wildcard",
        "2:13",
        "`origins *` cannot be used with `credentials`",
    );
    assert!(help(&d).contains("list the origins"));
    let d = expect(
        "policy \"p\" {\n    credentials\n    origins \"https://a.com\"\n    expose x-a, *\n}\n",
        "E0008",
        "credentials-wildcard",
        "4:17",
        "`expose *` cannot be used with `credentials`",
    );
    assert!(help(&d).contains("`expose x-request-id`"));
    // `credentials false` is not credentials.
    assert!(all("policy \"p\" {\n    origins *\n    credentials false\n}\n").is_empty());
}

#[test]
fn e0009_credentials_null() {
    let d = expect(
        "policy \"p\" {\n    origins \"https://a.com\", null\n    credentials\n}\n",
        "E0009",
        "credentials-null",
        "2:30",
        "`null` cannot be used with `credentials`",
    );
    assert!(help(&d).starts_with("remove `null`"));
}

#[test]
fn e0010_private_network_wildcard() {
    expect(
        "policy \"p\" {\n    private-network\n    origins *\n}\n",
        "E0010",
        "private-network-wildcard",
        "3:13",
        "`origins *` cannot be used with `private-network`",
    );
}

#[test]
fn e0011_invalid_token() {
    let d = expect(
        "policy \"p\" {\n    origins *\n    methods GET, \"x odd\"\n}\n",
        "E0011",
        "invalid-token",
        "3:18",
        "`x odd` is not a valid method: it contains a space",
    );
    assert!(help(&d).starts_with("write `x-odd`; use only letters, digits and"));
    expect(
        "policy \"p\" {\n    origins *\n    headers \"a,b\"\n}\n",
        "E0011",
        "invalid-token",
        "3:13",
        "`a,b` is not a valid header name: it contains `,`",
    );
    expect(
        "policy \"p\" {\n    origins *\n    expose \"\"\n}\n",
        "E0011",
        "invalid-token",
        "3:12",
        "`` is not a valid header name: it is empty",
    );
    // A string that is a token is fine.
    assert!(all("policy \"p\" {\n    origins *\n    headers \"x-odd|name\"\n}\n").is_empty());
}

#[test]
fn e0012_forbidden_method() {
    for (m, col) in [("TRACE", "13"), ("connect", "13"), ("Track", "13")] {
        let src = format!("policy \"p\" {{\n    origins *\n    methods {m}\n}}\n");
        let d = expect(
            &src,
            "E0012",
            "forbidden-method",
            &format!("3:{col}"),
            &format!("`{m}` is a forbidden method: browsers never let a script send it"),
        );
        assert_eq!(help(&d), format!("remove `{m}`"));
    }
}

#[test]
fn e0013_forbidden_header() {
    let header = |h: &str| format!("policy \"p\" {{\n    origins *\n    headers {h}\n}}\n");
    let d = expect(
        &header("Cookie"),
        "E0013",
        "forbidden-header",
        "3:13",
        "`cookie` is a forbidden request header: the browser sets it, never a script",
    );
    assert_eq!(
        help(&d),
        "remove it; to let the browser send cookies, add `credentials`"
    );
    expect(
        &header("host"),
        "E0013",
        "forbidden-header",
        "3:13",
        "`host` is a forbidden request header: the browser sets it, never a script",
    );
    expect(
        &header("sec-fetch-mode"),
        "E0013",
        "forbidden-header",
        "3:13",
        "`sec-fetch-mode` is a forbidden request header: only the browser sets `sec-*` headers",
    );
    expect(
        &header("proxy-authorization"),
        "E0013",
        "forbidden-header",
        "3:13",
        "`proxy-authorization` is a forbidden request header: only the browser sets `proxy-*` headers",
    );
    expect(
        &header("access-control-allow-origin"),
        "E0013",
        "forbidden-header",
        "3:13",
        "`access-control-allow-origin` is a CORS protocol header, not one a script sends",
    );
    let d = expect(
        "policy \"p\" {\n    origins *\n    expose set-cookie\n}\n",
        "E0013",
        "forbidden-header",
        "3:12",
        "`set-cookie` can never be exposed: browsers hide it from scripts",
    );
    assert_eq!(help(&d), "remove `set-cookie` from `expose`");
    // `set-cookie` in `headers` is forbidden too; `authorization` is not.
    expect(
        &header("set-cookie"),
        "E0013",
        "forbidden-header",
        "3:13",
        "`set-cookie` is a forbidden request header: the browser sets it, never a script",
    );
    assert!(all(&header("authorization, content-type")).is_empty());
}

#[test]
fn e0014_invalid_status() {
    let d = expect(
        "policy \"p\" {\n    origins *\n    preflight-status 404\n}\n",
        "E0014",
        "invalid-status",
        "3:22",
        "preflight status `404` is not a success status",
    );
    assert!(help(&d).contains("`preflight-status 204`"));
    expect(
        "policy \"p\" {\n    origins *\n    preflight-status 1000\n}\n",
        "E0014",
        "invalid-status",
        "3:22",
        "preflight status `1000` is not a success status",
    );
    let checked = check("policy \"p\" {\n    origins *\n    preflight-status 200\n}\n");
    assert_eq!(checked.policies.unwrap().policies[0].preflight_status, 200);
}

#[test]
fn e0015_invalid_duration() {
    let (d, _) = only("policy \"p\" {\n    origins *\n    max-age -5\n}\n");
    assert_eq!(
        (d.code, d.name, d.at.as_str()),
        ("E0015", "invalid-duration", "3:13")
    );
    let (d, _) = only("policy \"p\" {\n    origins *\n    max-age 2w\n}\n");
    assert_eq!(
        (d.code, d.name, d.at.as_str()),
        ("E0015", "invalid-duration", "3:13")
    );
}

#[test]
fn e0016_public_suffix_wildcard() {
    for (suffix, col) in [("com", 13), ("co.uk", 13), ("github.io", 13)] {
        let d = expect(
            &origins(&format!("\"https://*.{suffix}\"")),
            "E0016",
            "public-suffix-wildcard",
            &format!("2:{col}"),
            &format!("`https://*.{suffix}` allows every site under the public suffix `{suffix}`"),
        );
        assert_eq!(d.severity, Severity::Error);
    }
    // Downgraded to a warning by `allow`, without credentials.
    let src = "policy \"p\" {\n    origins \"https://*.github.io\"\n    allow public-suffix-wildcard\n}\n";
    let checked = check(src);
    assert_eq!(checked.diagnostics.len(), 1);
    assert_eq!(
        (checked.diagnostics[0].kind, checked.diagnostics[0].severity),
        (Kind::PublicSuffixWildcard, Severity::Warning)
    );
    assert!(checked.policies.is_some());
    // Still an error with credentials.
    let src = "policy \"p\" {\n    origins \"https://*.github.io\"\n    credentials\n    allow public-suffix-wildcard\n}\n";
    let d = expect(
        src,
        "E0016",
        "public-suffix-wildcard",
        "2:13",
        "`https://*.github.io` allows every site under the public suffix `github.io`",
    );
    assert_eq!(d.severity, Severity::Error);
    assert!(help(&d).starts_with(
        "`allow public-suffix-wildcard` does not apply to a policy with `credentials`"
    ));
    // A registrable domain is fine, as is an unlisted one.
    assert!(
        all(&origins(
            "\"https://*.example.co.uk\", \"https://*.me.github.io\", \"http://*.localhost\""
        ))
        .is_empty()
    );
}

#[test]
fn e0017_unknown_lint() {
    let src = "policy \"p\" {\n    origins *\n    allow regex-dots\n}\n";
    let d = expect(
        src,
        "E0017",
        "unknown-lint",
        "3:11",
        "`regex-dots` is not a warning name",
    );
    assert_eq!(help(&d), "did you mean `regex-dot`?");
    let d = expect(
        "policy \"p\" {\n    origins *\n    allow zzz\n}\n",
        "E0017",
        "unknown-lint",
        "3:11",
        "`zzz` is not a warning name",
    );
    assert!(
        help(&d).starts_with(
            "`allow` takes one of `public-suffix-wildcard`, `regex-matches-any`, `regex-over-broad`, `insecure-origin`"
        ),
        "{d:?}"
    );
    let d = expect(
        "policy \"p\" {\n    origins *\n    allow invalid-origin\n}\n",
        "E0017",
        "unknown-lint",
        "3:11",
        "`invalid-origin` is an error, and errors cannot be silenced",
    );
    assert!(help(&d).starts_with("fix what it reports"));
}

#[test]
fn e0018_invalid_path() {
    let paths =
        |glob: &str| format!("policy \"p\" {{\n    paths \"/ok\", {glob}\n    origins *\n}}\n");
    let d = expect(
        &paths("\"api/**\""),
        "E0018",
        "invalid-path",
        "2:18",
        "path glob `api/**` never matches: a request path starts with `/`",
    );
    assert_eq!(help(&d), "write `/api/**`");
    // What the engine's glob compiler refuses, in words.
    let d = expect(
        &paths("\"/api/[x\""),
        "E0018",
        "invalid-path",
        "2:18",
        "path glob `/api/[x` is invalid: a `[` is never closed",
    );
    assert!(help(&d).starts_with("close the character class with `]`"));
    let d = expect(
        &paths("r\"/{a,b\""),
        "E0018",
        "invalid-path",
        "2:18",
        "path glob `/{a,b` is invalid: a `{` is never closed",
    );
    assert!(help(&d).contains("`/{api,v2}/**`"));
    expect(
        &paths("\"\""),
        "E0018",
        "invalid-path",
        "2:18",
        "an empty path glob never matches: a request path starts with `/`",
    );
    assert!(check(&paths("\"api\"")).policies.is_none());
    // Every glob is checked, each at its own position.
    let src = "policy \"p\" {\n    paths \"a\", \"/b\", \"c\"\n    origins *\n}\n";
    let at: Vec<String> = all(src).into_iter().map(|(d, _)| d.at).collect();
    assert_eq!(at, ["2:11", "2:22"]);
    // What can match a path passes, alternatives and `**` included.
    assert!(all(&paths("\"**/x\", \"*.js\", \"{/a,/b}/*\", \"/{a,b}/c\"")).is_empty());
}

/// The front end accepts exactly what the engine compiles: every glob it
/// passes builds with the engine's options, and every one it refuses as
/// invalid (not as never matching) does not.
#[test]
fn path_globs_agree_with_the_engine_options() {
    let globs = [
        "/a",
        "/a/**",
        "/a/*",
        "/a/?",
        "/[a-z]",
        "/[z-a]",
        "/[",
        "/]",
        "/{a,b}",
        "/{a,{b,c}}",
        "/{a",
        "/a}",
        "/a\\",
        "/a\\*",
        "/**/b",
        "/a**b",
        "/[!a]",
        "/[^a]",
        "/{}",
        "/{,}",
    ];
    for glob in globs {
        let src = format!("policy \"p\" {{ paths r#\"{glob}\"# origins * }}");
        let refused = check(&src)
            .diagnostics
            .iter()
            .any(|d| d.name() == "invalid-path");
        let compiles = globset::GlobBuilder::new(glob)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .is_ok();
        assert_eq!(refused, !compiles, "{glob}");
    }
}

// ---- warnings -----------------------------------------------------------------------

#[track_caller]
fn warning(src: &str, code: &str, name: &str, at: &str, message: &str) -> Diagnostic {
    let d = expect(src, code, name, at, message);
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        check(src).policies.is_some(),
        "a warning does not stop compilation"
    );
    d
}

#[test]
fn w0001_insecure_origin() {
    let src = "policy \"p\" {\n    origins \"https://a.com\", \"http://app.example.com\"\n    credentials\n}\n";
    let d = warning(
        src,
        "W0001",
        "insecure-origin",
        "2:30",
        "`http://app.example.com` is a plain `http` origin, and the policy allows `credentials`",
    );
    assert!(help(&d).starts_with("write `\"https://app.example.com\"`"));
    warning(
        "policy \"p\" {\n    origins \"http://*.example.com\"\n    credentials\n}\n",
        "W0001",
        "insecure-origin",
        "2:13",
        "`http://*.example.com` is a plain `http` origin, and the policy allows `credentials`",
    );
    // Loopback is not insecure; plain http without credentials is not warned.
    let loopback = "policy \"p\" {\n    origins \"http://localhost:3000\", \"http://127.0.0.1:8080\", \"http://[::1]:9000\", \"http://*.localhost\", \"http://localhost.:*\"\n    credentials\n}\n";
    assert!(all(loopback).is_empty());
    assert!(all(&origins("\"http://app.example.com\"")).is_empty());
}

#[test]
fn w0002_null_origin() {
    let d = warning(
        &origins("null"),
        "W0002",
        "null-origin",
        "2:13",
        "`null` is the origin of sandboxed iframes and local files, which any site can make",
    );
    assert!(help(&d).contains("`allow null-origin`"));
}

#[test]
fn w0003_regex_dot() {
    let d = warning(
        &origins("regex r\"^https://app.example\\.com$\""),
        "W0003",
        "regex-dot",
        "2:13",
        "an unescaped `.` in regex `^https://app.example\\.com$` matches any character",
    );
    assert_eq!(
        help(&d),
        "write `\\.` to match a dot: `regex r\"^https://app\\.example\\.com$\"`"
    );
    // Quantified dots, dots in classes and dots before `://` are fine.
    assert!(
        all(&origins(
            "regex r\"^https?://[a-z.]+\\.example\\.com(:.+)?$\""
        ))
        .is_empty()
    );
    assert!(all(&origins("regex r\"^https://.*\\.example\\.com$\"")).is_empty());
}

#[test]
fn w0004_lowercase_method() {
    let d = warning(
        "policy \"p\" {\n    origins *\n    methods GET, patch\n}\n",
        "W0004",
        "lowercase-method",
        "3:18",
        "method `patch` is not uppercase; methods are case-sensitive",
    );
    assert!(help(&d).starts_with(
        "write `PATCH`: browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST and PUT"
    ));
    let d = warning(
        "policy \"p\" {\n    origins *\n    methods delete\n}\n",
        "W0004",
        "lowercase-method",
        "3:13",
        "method `delete` is not uppercase; methods are case-sensitive",
    );
    assert_eq!(
        help(&d),
        "write `DELETE`: browsers send `delete` as `DELETE`, so `delete` never matches"
    );
    // The method is kept as written.
    let checked =
        check("policy \"p\" {\n    origins *\n    methods patch\n    allow lowercase-method\n}\n");
    assert!(checked.diagnostics.is_empty());
    assert_eq!(
        checked.policies.unwrap().policies[0].methods.names,
        vec!["patch"]
    );
}

#[test]
fn w0005_max_age_capped() {
    let d = warning(
        "policy \"p\" {\n    origins *\n    max-age 3h\n}\n",
        "W0005",
        "max-age-capped",
        "3:13",
        "a `max-age` of 10800 seconds (3h) is more than Chromium honours",
    );
    assert!(help(&d).contains("Chromium caps it at 7200 seconds"));
    let d = warning(
        "policy \"p\" {\n    origins *\n    max-age 2d\n}\n",
        "W0005",
        "max-age-capped",
        "3:13",
        "a `max-age` of 172800 seconds (2d) is more than browsers honour",
    );
    assert!(help(&d).contains("Firefox at 86400"));
    assert!(all("policy \"p\" {\n    origins *\n    max-age 2h\n}\n").is_empty());
}

#[test]
fn w0006_shadowed_policy() {
    let src = "policy \"api\" {\n    paths \"/api/**\"\n    origins *\n}\npolicy \"v1\" {\n    paths \"/api/v1/**\"\n    origins *\n}\n";
    let d = warning(
        src,
        "W0006",
        "shadowed-policy",
        "5:8",
        "policy `v1` is never used: policy `api` (at line 1) comes first and covers all its paths",
    );
    assert_eq!(
        help(&d),
        "move `v1` above `api`, or narrow the `paths` of `api`"
    );
    let src =
        "policy \"all\" {\n    origins *\n}\npolicy \"v1\" {\n    paths \"/x\"\n    origins *\n}\n";
    warning(
        src,
        "W0006",
        "shadowed-policy",
        "4:8",
        "policy `v1` is never used: policy `all` (at line 1) has no `paths`, so it takes every request first",
    );
    // The other order is the intended one: no warning.
    let src = "policy \"v1\" {\n    paths \"/api/v1/**\"\n    origins *\n}\npolicy \"api\" {\n    paths \"/api/**\"\n    origins *\n}\n";
    assert!(all(src).is_empty());
    let src = "policy \"a\" {\n    paths \"/api/**\"\n    origins *\n}\npolicy \"b\" {\n    paths \"/api/**\", \"/other/**\"\n    origins *\n}\n";
    assert!(all(src).is_empty());
}

#[test]
fn w0007_safelisted_header() {
    let d = warning(
        "policy \"p\" {\n    origins *\n    headers content-type, Accept-Language\n}\n",
        "W0007",
        "safelisted-header",
        "3:27",
        "`accept-language` is CORS-safelisted: browsers send it without asking",
    );
    assert_eq!(help(&d), "remove `Accept-Language` from `headers`");
}

#[test]
fn w0008_redundant_origin() {
    let d = warning(
        &origins("\"https://*.example.com\", \"https://app.example.com\""),
        "W0008",
        "redundant-origin",
        "2:38",
        "`https://app.example.com` is already allowed by `https://*.example.com`",
    );
    assert_eq!(help(&d), "remove it");
    warning(
        &origins("\"https://a.com\", \"https://A.com:443\""),
        "W0008",
        "redundant-origin",
        "2:30",
        "`https://A.com:443` is already allowed by `https://a.com`",
    );
    warning(
        &origins("\"https://a.com\", \"https://a.com\""),
        "W0008",
        "redundant-origin",
        "2:30",
        "`https://a.com` is listed twice",
    );
    warning(
        &origins("*, \"https://*.a.com\""),
        "W0008",
        "redundant-origin",
        "2:16",
        "`https://*.a.com` is already allowed by `*`",
    );
    warning(
        &origins("\"http://localhost:*\", \"http://localhost:3000\""),
        "W0008",
        "redundant-origin",
        "2:35",
        "`http://localhost:3000` is already allowed by `http://localhost:*`",
    );
    // Another port or scheme is not covered.
    assert!(all(&origins("\"https://*.example.com\", \"https://app.example.com:8443\", \"http://app.example.com\"")).is_empty());
}

// ---- allow, all at once, model --------------------------------------------------------

#[test]
fn allow_silences_its_own_policy_only() {
    let src = "policy \"a\" {\n    paths \"/a/**\"\n    origins null\n    allow null-origin\n}\npolicy \"b\" {\n    paths \"/b/**\"\n    origins null\n}\n";
    let ds = all(src);
    assert_eq!(ds.len(), 1);
    assert_eq!((ds[0].0.name, ds[0].0.at.as_str()), ("null-origin", "8:13"));
}

#[test]
fn every_problem_at_once() {
    let src = "policy \"p\" {\n    origins \"https://a.com/\", regex r\"(\"\n    methods TRACE\n    headers cookie\n    preflight-status 500\n}\n";
    let ds = all(src);
    let got: Vec<(&str, &str)> = ds.iter().map(|(d, _)| (d.code, d.at.as_str())).collect();
    assert_eq!(
        got,
        vec![
            ("E0006", "2:13"),
            ("E0007", "2:31"),
            ("E0012", "3:13"),
            ("E0013", "4:13"),
            ("E0014", "5:22")
        ]
    );
    assert!(check(src).policies.is_none());
}

#[test]
fn warnings_and_errors_sorted_by_position() {
    let src = "policy \"p\" {\n    max-age 3d\n    origins null, \"ftp:/x\"\n    methods patch\n}\npolicy \"p\" {\n    origins *\n}\n";
    let ds = all(src);
    let got: Vec<&str> = ds.iter().map(|(d, _)| d.name).collect();
    assert_eq!(
        got,
        vec![
            "max-age-capped",
            "null-origin",
            "invalid-origin",
            "lowercase-method",
            "duplicate-policy",
            "shadowed-policy"
        ]
    );
}

#[test]
fn model_defaults_and_lists() {
    let src = "policy \"p\" {\n    origins \"https://a.com\"\n    headers X-A, x-a, *, authorization\n    expose X-B\n    methods PUT, PUT, *\n}\npolicy \"q\" {\n    paths \"/q\"\n    origins *\n}\n";
    let set = check(src).policies.unwrap();
    let (p, q) = (&set.policies[0], &set.policies[1]);
    assert_eq!(
        (p.headers.any, p.headers.names.clone()),
        (true, vec!["x-a".to_owned(), "authorization".to_owned()])
    );
    assert_eq!(p.expose.names, vec!["x-b"]);
    assert_eq!(
        (p.methods.any, p.methods.names.clone()),
        (true, vec!["PUT".to_owned()])
    );
    assert_eq!(q.methods.names, vec!["GET", "HEAD", "POST"]);
    assert_eq!(
        (
            q.preflight_status,
            q.max_age,
            q.credentials,
            q.private_network
        ),
        (204, None, false, false)
    );
    assert_eq!(q.paths, vec!["/q"]);
}

/// Every kind has a test above; this table keeps one trigger per kind so that a
/// new kind without an example fails here.
#[test]
fn every_kind_has_a_trigger() {
    let triggers: &[(&str, &str)] = &[
        ("E0001", "policy"),
        ("E0002", "policy \"p\" { origin * }"),
        (
            "E0003",
            "policy \"p\" { paths \"/a\" origins * } policy \"p\" { paths \"/x\" origins * }",
        ),
        ("E0004", "policy \"p\" { origins * max-age 1 max-age 2 }"),
        ("E0005", "policy \"p\" { methods PUT }"),
        ("E0006", "policy \"p\" { origins \"https://a.com/\" }"),
        ("E0007", "policy \"p\" { origins regex \"a*\" }"),
        ("E0008", "policy \"p\" { origins * credentials }"),
        ("E0009", "policy \"p\" { origins null credentials }"),
        ("E0010", "policy \"p\" { origins * private-network }"),
        ("E0011", "policy \"p\" { origins * methods \"A B\" }"),
        ("E0012", "policy \"p\" { origins * methods TRACE }"),
        ("E0013", "policy \"p\" { origins * headers host }"),
        ("E0014", "policy \"p\" { origins * preflight-status 302 }"),
        ("E0015", "policy \"p\" { origins * max-age -1 }"),
        ("E0016", "policy \"p\" { origins \"https://*.com\" }"),
        ("E0017", "policy \"p\" { origins * allow nope }"),
        ("E0018", "policy \"p\" { paths \"api/**\" origins * }"),
        ("E0019", "policy \"p\" { origins * methods \"*\" }"),
        ("E0020", "policy \"p\" { paths \"/hook\" skip max-age 1 }"),
        ("E0021", "policy \"p\" { origins regex \"https://.+\" }"),
        (
            "E0022",
            "policy \"p\" { origins regex \"https://.*example\\\\.com\" }",
        ),
        (
            "W0001",
            "policy \"p\" { origins \"http://a.com\" credentials }",
        ),
        ("W0002", "policy \"p\" { origins null }"),
        ("W0003", "policy \"p\" { origins regex \"https://a.com\" }"),
        ("W0004", "policy \"p\" { origins * methods patch }"),
        ("W0005", "policy \"p\" { origins * max-age 1d }"),
        (
            "W0006",
            "policy \"a\" { origins * } policy \"b\" { paths \"/b\" origins * }",
        ),
        ("W0007", "policy \"p\" { origins * headers accept }"),
        ("W0008", "policy \"p\" { origins *, * }"),
        ("W0009", "policy \"p\" { origins \"myapp://main\" }"),
        ("W0010", "policy \"p\" { origins * methods PUT, OPTIONS }"),
    ];
    for kind in Kind::ALL {
        let (_, src) = triggers
            .iter()
            .find(|(c, _)| *c == kind.code())
            .unwrap_or_else(|| panic!("no trigger for {}", kind.code()));
        let codes: Vec<&str> = check(src)
            .diagnostics
            .iter()
            .map(Diagnostic::code)
            .collect();
        assert_eq!(codes, vec![kind.code()], "{src}");
    }
}

#[test]
fn the_language_reference_lists_every_diagnostic() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/language.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let section = diagnostics_section(&doc);
    for kind in Kind::ALL {
        assert!(
            section.contains(&format!("`{}`", kind.code())),
            "{} missing",
            kind.code()
        );
        assert!(
            section.contains(&format!("`{}`", kind.name())),
            "{} missing",
            kind.name()
        );
    }
}

/// A policy of `n` exact origins and a pattern, checked: its result, and
/// the fastest of `runs` checks.
fn check_origins(n: usize, runs: usize) -> (usize, std::time::Duration) {
    let list: Vec<String> = (0..n)
        .map(|i| format!("\"https://app{i}.example.com\""))
        .collect();
    let src = format!(
        "policy \"p\" {{\n    origins {}, \"https://*.other.com\"\n}}\n",
        list.join(", ")
    );
    let mut fastest = std::time::Duration::MAX;
    let mut origins = 0;
    for _ in 0..runs {
        let start = std::time::Instant::now();
        let checked = check(&src);
        fastest = fastest.min(start.elapsed());
        assert!(checked.diagnostics.is_empty());
        origins = checked.policies.unwrap().policies[0].origins.len();
    }
    (origins, fastest)
}

/// Ten thousand origins are checked in time linear in their number: ten
/// times the origins take well under 40 times the time (linear work grows
/// about 10×, comparing every entry with every other about 100×). Times
/// are compared, never bounded, so a loaded machine does not fail it.
#[test]
fn checking_ten_thousand_origins_is_linear() {
    let (small_n, small) = check_origins(1_000, 3);
    let (large_n, large) = check_origins(10_000, 2);
    assert_eq!((small_n, large_n), (1_001, 10_001));
    let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-6);
    assert!(
        ratio < 40.0,
        "10× the origins took {ratio:.1}× the time ({small:?} → {large:?})"
    );
}

/// The `## Diagnostics` section of the reference, up to the next `## `.
fn diagnostics_section(doc: &str) -> &str {
    let start = doc.find("## Diagnostics").expect("a Diagnostics section");
    let rest = &doc[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// Each `### CODE` entry of the reference shows a policy and the diagnostic it
/// gets; both must stay true.
#[test]
fn the_reference_examples_are_what_check_reports() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/language.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let section = diagnostics_section(&doc);
    let mut seen = 0;
    for entry in section.split("\n### ").skip(1) {
        let code = entry.trim_start_matches('`').get(..5).unwrap();
        let blocks: Vec<&str> = entry
            .split("```")
            .skip(1)
            .step_by(2)
            .map(|b| b.trim_start_matches('\n'))
            .collect();
        let [src, expected, ..] = blocks[..] else {
            panic!("{code}: no example")
        };
        let shown: Vec<String> = all(src)
            .into_iter()
            .map(|(d, full)| {
                let severity = if full.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                };
                format!(
                    "{severity}[{}/{}] at {}: {}\nhelp: {}\n",
                    d.code,
                    d.name,
                    d.at,
                    d.message,
                    full.help.unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(shown, vec![expected.to_owned()], "{code}");
        assert!(expected.contains(&format!("[{code}/")), "{code}");
        seen += 1;
    }
    assert_eq!(seen, Kind::ALL.len());
}
