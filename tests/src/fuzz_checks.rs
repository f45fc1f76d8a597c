//! The fuzz targets' inputs and invariants, shared by the cargo-fuzz crate
//! (`fuzz/`, which includes this file by `#[path]`) and by the stable replay
//! test `tests/tests/fuzz_regressions.rs`, so that a crash found on nightly is
//! replayed by plain `cargo test` through exactly the same checks.
//!
//! Every `check_*` function takes the fuzzer's raw bytes and returns `Err`
//! with a description when an invariant breaks; a fuzz target panics on it.
//!
//! Inputs are decoded from bytes with [`arbitrary::Unstructured`] through a
//! few fixed primitives (a byte, a length-prefixed byte string), so that the
//! encoding is stable and [`encode_decide`] can write seeds for the
//! conformance cases.

use std::fmt::Write as _;

use crate::reference::{self, Answer, RefRequest};
use arbitrary::{Arbitrary, Unstructured};
use cors_policy::{Decision, Engine, RequestKind};
use cors_policy_grammar::ast::{File, Item, OriginExpr, Policy, Statement, StatementKind};
use cors_policy_grammar::model::{self, HostPattern, OriginMatcher, PortPattern};
use cors_policy_grammar::{self as grammar, RenderOptions, Severity, Span, Spanned};

/// What a check says: `Err` describes the broken invariant.
pub type Outcome = Result<(), String>;

/// The file name diagnostics are rendered with.
const PATH: &str = "fuzz.cors";

// ---- decoding primitives -------------------------------------------------------------------

/// One byte; 0 once the input is used up.
fn byte(u: &mut Unstructured<'_>) -> u8 {
    u8::arbitrary(u).unwrap_or(0)
}

/// A byte string: a length byte (`0xFF` announces a two-byte big-endian
/// length instead), then that many bytes or whatever is left.
fn raw<'a>(u: &mut Unstructured<'a>) -> &'a [u8] {
    let len = match byte(u) {
        0xFF => usize::from(u16::from_be_bytes([byte(u), byte(u)])),
        n => usize::from(n),
    };
    u.bytes(len.min(u.len())).unwrap_or_default()
}

fn put_raw(out: &mut Vec<u8>, bytes: &[u8]) -> Option<()> {
    match u8::try_from(bytes.len()) {
        Ok(n) if n < 0xFF => out.push(n),
        _ => {
            let n = u16::try_from(bytes.len()).ok()?;
            out.push(0xFF);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
    out.extend_from_slice(bytes);
    Some(())
}

/// The choice byte that [`pick`] reads as "a raw byte string follows".
const RAW: u8 = 0xFF;

/// An entry of `dict`, or (for a choice byte of `0xC0` and above) a raw byte
/// string.
fn pick<'a>(u: &mut Unstructured<'a>, dict: &[&'static str]) -> &'a [u8] {
    match byte(u) {
        b if b >= 0xC0 || dict.is_empty() => raw(u),
        b => dict
            .get(usize::from(b) % dict.len())
            .map_or(&b""[..], |s| s.as_bytes()),
    }
}

// ---- dictionaries --------------------------------------------------------------------------

const PATHS: &[&str] = &[
    "/api/**",
    "/static/**",
    "/favicon.ico",
    "/",
    "/**",
    "/v*/items/*.json",
    "/a/{b,c}",
    "/[ab]/x",
    "**",
    "/api/*",
    "/\u{e9}/**",
    "/x\\*y",
];

const REQUEST_PATHS: &[&str] = &[
    "/",
    "/api/x",
    "/api/x?q=1",
    "/static/a.css",
    "/favicon.ico",
    "/v1/items/3.json",
    "/a/b",
    "/b/x",
    "/nowhere",
    "",
    "?",
    "/api/../x",
    "/%2e%2e/",
    "/\u{e9}/x",
    "/x*y",
];

const ORIGIN_LITERALS: &[&str] = &[
    "https://app.example.com",
    "https://*.example.com",
    "https://*.staging.example.com",
    "http://localhost:*",
    "http://[::1]:3000",
    "https://xn--mnchen-3ya.de",
    "https://m\u{fc}nchen.de",
    "chrome-extension://abcdefghijklmnop",
    "capacitor://localhost",
    "https://a.com:443",
    "https://*.github.io",
    "http://127.0.0.1:8080",
    "https://*.a.example.com:8443",
    "http://*.test:*",
    "wss://ws.example.com",
    "HTTPS://App.Example.COM",
    "file:///x",
    "https://app.example.com/",
];

const REGEXES: &[&str] = &[
    r"^https://pr-[0-9]+\.preview\.example\.dev$",
    r"https://[a-z]+\.example\.com",
    r"(?i)https://APP\.example\.com",
    "https://a.b",
    r"null|https://x\.y",
    r"https://\w{1,40}\.example\.com(:[0-9]+)?",
    "a*",
    "(",
];

const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "patch", "get", "PURGE",
    "M SEARCH", "CONNECT", "X-CUSTOM", "*",
];

const REQUEST_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "patch", "PURGE", "X-CUSTOM", "",
    "put", "TRACE", "track", " PUT", "PU\rT", "*", "M SEARCH",
];

const HEADERS: &[&str] = &[
    "content-type",
    "authorization",
    "x-request-id",
    "x-a",
    "x-b",
    "X-Custom",
    "accept",
    "cookie",
    "*",
    "sec-fetch-mode",
    "x-odd|name",
    "access-control-allow-origin",
    "range",
];

const EXPOSE: &[&str] = &[
    "x-request-id",
    "x-ratelimit-remaining",
    "set-cookie",
    "*",
    "content-length",
    "X-Custom",
];

const DURATIONS: &[u64] = &[0, 1, 90, 600, 7200, 7201, 86_400, 86_401, u64::MAX];

const REQUEST_ORIGINS: &[&str] = &[
    "https://app.example.com",
    "https://a.example.com",
    "https://x.a.example.com:8443",
    "https://example.com",
    "http://localhost",
    "http://localhost:5173",
    "http://[::1]:3000",
    "null",
    "chrome-extension://abcdefghijklmnop",
    "https://xn--mnchen-3ya.de",
    "https://pr-42.preview.example.dev",
    "HTTPS://APP.EXAMPLE.COM",
    "https://app.example.com/",
    "https://app.example.com:443",
    "https://app.example.com.evil.com",
    "https://user@app.example.com",
    "",
    "*",
    "https://a..example.com",
    "https://-.example.com",
    "http://localhost:0",
    "http://localhost:65536",
    "http://localhost:08080",
    "https://m\u{fc}nchen.de",
    "https://app.example.com\r\nx: y",
    "https://a.staging.example.com",
];

const SEPARATORS: &[&str] = &[",", ", ", " ,", ",,", "\t,", ", \t"];

/// Text pieces that make quoting, comments and Unicode hard.
const TEXT_PIECES: &[&str] = &[
    "\"",
    "\\",
    "#",
    "\"#",
    "r#\"",
    "//",
    "/*",
    "*/",
    "\n",
    "\r",
    "\t",
    "\0",
    "\u{85}",
    "\u{2028}",
    "\u{200e}",
    "\u{feff}",
    "\u{202e}",
    "\u{e9}",
    "\u{1f600}",
    "a",
    "{",
    "}",
    ",",
    ";",
    " ",
    "policy",
    "origins",
    "https://a.example.com",
    "*",
    "**",
    "\u{7f}",
    "\u{0b}",
    "r",
    "\\u{41}",
];

// ---- arbitrary ASTs ------------------------------------------------------------------------

/// How much a generated AST leans on dictionaries (policies that validate)
/// rather than arbitrary text (quoting and escaping).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lean {
    Valid,
    Text,
}

/// Arbitrary text: dictionary pieces glued together, lossy bytes, or any
/// Unicode scalar values.
fn text(u: &mut Unstructured<'_>) -> String {
    match byte(u) % 6 {
        0..=2 => {
            let n = byte(u) % 8;
            (0..n)
                .map(|_| {
                    let i = usize::from(byte(u)) % TEXT_PIECES.len();
                    TEXT_PIECES.get(i).copied().unwrap_or_default()
                })
                .collect()
        }
        3 => String::from_utf8_lossy(raw(u)).into_owned(),
        _ => {
            let n = byte(u) % 8;
            (0..n)
                .filter_map(|_| {
                    let v = u32::from_be_bytes([0, byte(u), byte(u), byte(u)]);
                    char::from_u32(v % 0x11_0000)
                })
                .collect()
        }
    }
}

/// A dictionary entry or, now and then (always under [`Lean::Text`] half the
/// time), arbitrary text.
fn word(u: &mut Unstructured<'_>, dict: &[&'static str], lean: Lean) -> String {
    let b = byte(u);
    let texty = match lean {
        Lean::Valid => b >= 0xE0,
        Lean::Text => b >= 0x80,
    };
    if texty || dict.is_empty() {
        text(u)
    } else {
        dict.get(usize::from(b) % dict.len())
            .copied()
            .unwrap_or_default()
            .to_owned()
    }
}

fn spanned<T>(value: T) -> Spanned<T> {
    Spanned::new(value, Span::default())
}

/// One to three items.
fn list<T>(u: &mut Unstructured<'_>, mut item: impl FnMut(&mut Unstructured<'_>) -> T) -> Vec<T> {
    let n = 1 + byte(u) % 3;
    (0..n).map(|_| item(u)).collect()
}

fn origin_expr(u: &mut Unstructured<'_>, lean: Lean) -> OriginExpr {
    match byte(u) % 8 {
        0 => OriginExpr::Any,
        1 => OriginExpr::Null,
        2 => OriginExpr::Regex(word(u, REGEXES, lean)),
        _ => OriginExpr::Literal(word(u, ORIGIN_LITERALS, lean)),
    }
}

fn item(u: &mut Unstructured<'_>, dict: &[&'static str], lean: Lean) -> Item {
    match word(u, dict, lean) {
        star if star == "*" => Item::Any,
        name => Item::Name(name),
    }
}

fn u64_value(u: &mut Unstructured<'_>, small: &[u64]) -> u64 {
    match byte(u) % 4 {
        0 => u64::from_be_bytes(std::array::from_fn(|_| byte(u))),
        1 => u64::from(u16::from_be_bytes([byte(u), byte(u)])),
        _ => small
            .get(usize::from(byte(u)) % small.len().max(1))
            .copied()
            .unwrap_or(0),
    }
}

fn statement(u: &mut Unstructured<'_>, lean: Lean) -> StatementKind {
    match byte(u) % 12 {
        0 => StatementKind::Paths(list(u, |u| spanned(word(u, PATHS, lean)))),
        1 | 2 => StatementKind::Origins(list(u, |u| spanned(origin_expr(u, lean)))),
        3 => StatementKind::Methods(list(u, |u| spanned(item(u, METHODS, lean)))),
        4 => StatementKind::Headers(list(u, |u| spanned(item(u, HEADERS, lean)))),
        5 => StatementKind::Expose(list(u, |u| spanned(item(u, EXPOSE, lean)))),
        6 => StatementKind::Credentials(!byte(u).is_multiple_of(3)),
        7 => StatementKind::MaxAge(spanned(u64_value(u, DURATIONS))),
        8 => StatementKind::PrivateNetwork(!byte(u).is_multiple_of(3)),
        9 => StatementKind::PreflightStatus(spanned(u64_value(u, &[200, 204, 299, 300, 0, 999]))),
        10 => {
            let lints: Vec<&'static str> = grammar::Kind::ALL.iter().map(|k| k.name()).collect();
            StatementKind::Allow(list(u, |u| spanned(word(u, &lints, lean))))
        }
        _ => StatementKind::Origins(vec![spanned(origin_expr(u, lean))]),
    }
}

fn file(u: &mut Unstructured<'_>, lean: Lean) -> File {
    let n = 1 + byte(u) % 3;
    let policies = (0..n)
        .map(|i| {
            let name = match lean {
                Lean::Valid if byte(u) < 0xF0 => format!("p{i}"),
                _ => text(u),
            };
            let count = byte(u) % 7;
            let mut statements: Vec<Statement> = (0..count)
                .map(|_| Statement::new(statement(u, lean), Span::default(), Span::default()))
                .collect();
            // Most generated policies should validate: give them origins.
            let has_origins = statements
                .iter()
                .any(|s| matches!(s.kind, StatementKind::Origins(_)));
            if lean == Lean::Valid && !has_origins && byte(u) < 0xF0 {
                statements.push(Statement::new(
                    StatementKind::Origins(vec![spanned(origin_expr(u, lean))]),
                    Span::default(),
                    Span::default(),
                ));
            }
            Policy::new(spanned(name), statements, Span::default())
        })
        .collect();
    File::new(policies)
}

/// An arbitrary AST that text can say: one to three policies, non-empty
/// lists, any strings (quotes, backslashes, `#`, controls, any Unicode), any
/// durations and status numbers. Its `Arbitrary` impl never fails.
#[derive(Clone, Debug)]
pub struct FuzzFile(pub File);

impl<'a> Arbitrary<'a> for FuzzFile {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let lean = if byte(u).is_multiple_of(2) {
            Lean::Text
        } else {
            Lean::Valid
        };
        Ok(FuzzFile(file(u, lean)))
    }
}

// ---- arbitrary policies and requests -------------------------------------------------------

/// The input of the `decide` and `differential` targets: a policy text and
/// one to four requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecideInput {
    /// The policy text: generated from dictionaries (most validate), or raw.
    pub policy: String,
    /// The requests, each asked of the same compiled policy.
    pub requests: Vec<RefRequest>,
}

/// The mode byte of [`DecideInput`] that says the policy text is raw.
const POLICY_RAW: u8 = 0;

/// Origins a request may carry that a policy allows, to reach past the
/// origin check: exact entries, and instances of patterns.
fn allowed_origins(policies: &[model::Policy]) -> Vec<String> {
    let mut out = Vec::new();
    for origin in policies.iter().flat_map(|p| &p.origins) {
        match &origin.matcher {
            OriginMatcher::Null => out.push("null".to_owned()),
            OriginMatcher::Exact(s) => out.push(s.clone()),
            OriginMatcher::Pattern(p) => {
                let host = match &p.host {
                    HostPattern::Exact(h) => h.clone(),
                    HostPattern::Subdomains(suffix) => format!("a-1.b_2.{suffix}"),
                };
                let port = match p.port {
                    PortPattern::Default => String::new(),
                    PortPattern::Exact(n) => format!(":{n}"),
                    PortPattern::Any => ":5173".to_owned(),
                };
                out.push(format!("{}://{host}{port}", p.scheme));
            }
            OriginMatcher::Any | OriginMatcher::Regex(_) | OriginMatcher::Set(_) => {}
        }
    }
    out
}

/// Small changes that a careful engine must refuse (or not be fooled by).
fn mangle(origin: &str, how: u8) -> Vec<u8> {
    let mut out = origin.as_bytes().to_vec();
    match how % 10 {
        0..=2 => {}
        3 => out.push(b'/'),
        4 => out.make_ascii_uppercase(),
        5 => out.extend_from_slice(b":443"),
        6 => out.extend_from_slice(b".evil.com"),
        7 => out.extend_from_slice(b"\r\nx: y"),
        8 => out.insert(0, b' '),
        _ => out.extend_from_slice(b":0"),
    }
    out
}

fn request(u: &mut Unstructured<'_>, good: &[String]) -> RefRequest {
    let method = pick(u, REQUEST_METHODS).to_vec();
    let path = pick(u, REQUEST_PATHS).to_vec();
    let origins = (0..byte(u) % 4)
        .map(|_| match byte(u) {
            b if b >= 0xC0 => raw(u).to_vec(),
            b if b >= 0x80 && !good.is_empty() => {
                let i = usize::from(b) % good.len();
                mangle(good.get(i).map_or("", String::as_str), byte(u))
            }
            b => REQUEST_ORIGINS
                .get(usize::from(b) % REQUEST_ORIGINS.len())
                .map_or(Vec::new(), |s| s.as_bytes().to_vec()),
        })
        .collect();
    let request_methods = (0..byte(u) % 3)
        .map(|_| pick(u, REQUEST_METHODS).to_vec())
        .collect();
    let request_headers = (0..byte(u) % 20)
        .map(|_| match byte(u) {
            b if b >= 0xC0 => raw(u).to_vec(),
            b => {
                let mut line = Vec::new();
                for i in 0..1 + b % 5 {
                    if i > 0 {
                        line.extend_from_slice(pick(u, SEPARATORS));
                    }
                    line.extend_from_slice(pick(u, HEADERS));
                }
                line
            }
        })
        .collect();
    let private_network = match byte(u) % 4 {
        0 => None,
        1 => Some(b"true".to_vec()),
        2 => Some(b"false".to_vec()),
        _ => Some(raw(u).to_vec()),
    };
    RefRequest {
        method,
        path,
        origins,
        request_methods,
        request_headers,
        private_network,
    }
}

impl<'a> Arbitrary<'a> for DecideInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let policy = match byte(u) % 4 {
            POLICY_RAW => String::from_utf8_lossy(raw(u)).into_owned(),
            _ => grammar::format(&file(u, Lean::Valid)),
        };
        let good = grammar::check(&policy)
            .policies
            .map_or_else(Vec::new, |set| allowed_origins(&set.policies));
        let requests = (0..1 + byte(u) % 4).map(|_| request(u, &good)).collect();
        Ok(DecideInput { policy, requests })
    }
}

impl DecideInput {
    /// Decodes fuzzer bytes (never fails: a short input reads as zeros).
    pub fn decode(data: &[u8]) -> DecideInput {
        let mut u = Unstructured::new(data);
        DecideInput::arbitrary(&mut u).unwrap_or(DecideInput {
            policy: String::new(),
            requests: Vec::new(),
        })
    }
}

/// The bytes that [`DecideInput::decode`] reads back as this policy text and
/// these requests (one to four, each with at most 3 `Origin`, 2
/// `Access-Control-Request-Method` and 19 `Access-Control-Request-Headers`
/// lines, and no value over 64 KiB); `None` when they do not fit.
pub fn encode_decide(policy: &str, requests: &[RefRequest]) -> Option<Vec<u8>> {
    let mut out = vec![POLICY_RAW];
    put_raw(&mut out, policy.as_bytes())?;
    let count = u8::try_from(requests.len().checked_sub(1)?)
        .ok()
        .filter(|&n| n < 4)?;
    out.push(count);
    for r in requests {
        for value in [&r.method, &r.path] {
            out.push(RAW);
            put_raw(&mut out, value)?;
        }
        let lists: [(&Vec<Vec<u8>>, u8); 3] = [
            (&r.origins, 4),
            (&r.request_methods, 3),
            (&r.request_headers, 20),
        ];
        for (values, modulus) in lists {
            out.push(u8::try_from(values.len()).ok().filter(|&n| n < modulus)?);
            for value in values {
                out.push(RAW);
                put_raw(&mut out, value)?;
            }
        }
        match &r.private_network {
            None => out.push(0),
            Some(value) => {
                out.push(3);
                put_raw(&mut out, value)?;
            }
        }
    }
    Some(out)
}

// ---- target `parse` ------------------------------------------------------------------------

/// Rule names of the pest grammar, which no message may show.
const RULE_NAMES: &[&str] = &[
    "policy_open",
    "open_brace",
    "close_brace",
    "_stmt",
    "_list",
    "_more",
    "regex_origin",
    "null_kw",
    "quoted_string",
    "raw_string",
    "word_char",
    "kw_",
    "line_comment",
    "block_comment",
    "EOI",
    "SOI",
    "WHITESPACE",
    "COMMENT",
    "Rule::",
];

/// A message outside its backticked user input.
fn prose(message: &str) -> String {
    message.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// Arbitrary bytes through the front end: never a panic; spans within the
/// source; every diagnostic renders and reads as the style asks; a file that
/// checks compiles; a file that parses formats to a fixed point.
pub fn check_parse(data: &[u8]) -> Outcome {
    let checked = grammar::check_bytes(data);
    let src = String::from_utf8_lossy(data);
    if checked.has_errors() == checked.policies.is_some() {
        return Err(format!(
            "has_errors is {} but policies is {:?}",
            checked.has_errors(),
            checked.policies.is_some()
        ));
    }
    let options = RenderOptions::default();
    for d in &checked.diagnostics {
        let Span { start, end } = d.span;
        if start > end || end > data.len() {
            return Err(format!(
                "span {start}..{end} outside 0..{}: {d:?}",
                data.len()
            ));
        }
        if d.message.is_empty() {
            return Err(format!("empty message: {d:?}"));
        }
        if d.message.starts_with(|c: char| c.is_ascii_uppercase()) || d.message.ends_with('.') {
            return Err(format!("message not in house style: {:?}", d.message));
        }
        // Only outside user input; and user input may hold backticks itself,
        // so a rule name the source contains is the user's.
        let shown = prose(&d.message);
        if let Some(rule) = RULE_NAMES
            .iter()
            .find(|r| shown.contains(*r) && !src.contains(*r))
        {
            return Err(format!(
                "message shows the rule name `{rule}`: {:?}",
                d.message
            ));
        }
        if d.severity == Severity::Warning
            && d.kind.default_severity() == Severity::Error
            && !d.kind.downgradable()
        {
            return Err(format!("an error kind downgraded to a warning: {d:?}"));
        }
        let rendered = grammar::render(d, &src, PATH, &options);
        if rendered.is_empty() || !rendered.contains(d.code()) {
            return Err(format!("rendered without its code: {rendered:?} for {d:?}"));
        }
    }
    if !checked.diagnostics.is_empty()
        && grammar::render_all(&checked.diagnostics, &src, PATH, &options).is_empty()
    {
        return Err("render_all is empty".to_owned());
    }
    if let Some(set) = &checked.policies
        && let Err(e) = Engine::from_policies(set)
    {
        return Err(format!("a checked policy set does not compile: {e}\n{src}"));
    }
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(file) = grammar::parse(text)
    {
        formats_to_a_fixed_point(&file)?;
        // `format_source` refuses a file that parses only for what `check`
        // refuses it for too: a raw control character (which `parse` lets
        // through, so that `check` can name it), never anything else.
        if let Err(e) = grammar::format_source(text)
            && !e.iter().all(|d| checked.diagnostics.contains(d))
        {
            return Err(format!("format_source refuses a file that parses: {e:?}"));
        }
    }
    Ok(())
}

// ---- target `roundtrip` --------------------------------------------------------------------

/// `format` then `parse` gives the same AST, and canonical text is a fixed point.
fn formats_to_a_fixed_point(file: &File) -> Outcome {
    let text = grammar::format(file);
    let parsed = grammar::parse(&text).map_err(|e| {
        let shown = grammar::render_all(&e, &text, PATH, &RenderOptions::default());
        format!("the canonical text does not parse:\n{text}\n{shown}")
    })?;
    if &parsed != file {
        return Err(format!(
            "the canonical text parses to another AST:\n{text}\n{file:#?}\n{parsed:#?}"
        ));
    }
    let again = grammar::format(&parsed);
    if again != text {
        return Err(format!("formatting is not a fixed point:\n{text}\n{again}"));
    }
    Ok(())
}

/// An arbitrary AST → `format` → `parse` → the same AST; `format_source`
/// agrees; `check` does not panic on it.
pub fn check_roundtrip(data: &[u8]) -> Outcome {
    let mut u = Unstructured::new(data);
    let Ok(FuzzFile(file)) = FuzzFile::arbitrary(&mut u) else {
        return Ok(());
    };
    formats_to_a_fixed_point(&file)?;
    let text = grammar::format(&file);
    match grammar::format_source(&text) {
        Ok(same) if same == text => {}
        other => {
            return Err(format!(
                "format_source disagrees with format:\n{text}\n{other:?}"
            ));
        }
    }
    let _ = grammar::check(&text);
    Ok(())
}

// ---- target `decide` -----------------------------------------------------------------------

/// The canonical header order.
const ORDER: [&str; 8] = [
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-allow-private-network",
    "access-control-expose-headers",
    "vary",
];

/// A header value as the engine promises it: visible ASCII with spaces and
/// tabs inside only.
fn valid_value(v: &[u8]) -> bool {
    let ows = |b: &u8| *b == b' ' || *b == b'\t';
    !v.is_empty()
        && v.iter().all(|&b| (0x20..=0x7E).contains(&b) || b == b'\t')
        && !v.first().is_some_and(ows)
        && !v.last().is_some_and(ows)
}

fn values<'h>(headers: &[(&str, &'h [u8])], name: &str) -> Vec<&'h [u8]> {
    headers
        .iter()
        .filter(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .collect()
}

fn elements(v: &[u8]) -> impl Iterator<Item = &[u8]> {
    v.split(|&b| b == b',')
        .map(<[u8]>::trim_ascii)
        .filter(|e| !e.is_empty())
}

fn is_token(v: &[u8]) -> bool {
    !v.is_empty()
        && v.iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The invariants of one decision (docs/language.md#what-the-engine-answers and the engine's
/// documented promises), whatever the policy.
pub fn check_decision(engine: &Engine, request: &RefRequest, decision: &Decision<'_>) -> Outcome {
    let fail = |what: &str| {
        Err(format!(
            "{what}\nrequest: {request:?}\ndecision: {decision:?}"
        ))
    };
    // Formatting never panics.
    let _ = format!("{decision:?} {}", decision.reason());
    let headers: Vec<(&str, &[u8])> = decision.headers().map(|h| (h.name, h.value)).collect();
    let get = |name: &str| values(&headers, name);
    let mut last: Option<usize> = None;
    for (name, value) in &headers {
        let Some(at) = ORDER.iter().position(|n| n == name) else {
            return fail(&format!("unknown header `{name}`"));
        };
        // Only `access-control-allow-headers` (an echo of several lines) repeats.
        if last.is_some_and(|l| at < l || (at == l && at != 3)) {
            return fail("headers out of canonical order or repeated");
        }
        if !valid_value(value) {
            return fail(&format!("`{name}` has a value a header cannot carry"));
        }
        last = Some(at);
    }
    for name in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "vary",
    ] {
        if get(name).len() > 1 {
            return fail(&format!("more than one `{name}`"));
        }
    }
    let allowed = decision.allowed();
    let kind = decision.kind();
    if decision.forward() != (kind != RequestKind::Preflight) {
        return fail("forward is not `kind != preflight`");
    }
    let handled = decision.policy().is_some();
    let expected_kind = if !handled {
        RequestKind::Unhandled
    } else if request.origins.is_empty() {
        RequestKind::NotCors
    } else if request.method == b"OPTIONS" && !request.request_methods.is_empty() {
        RequestKind::Preflight
    } else {
        RequestKind::Actual
    };
    if kind != expected_kind {
        return fail(&format!("kind should be {expected_kind}"));
    }
    match kind {
        RequestKind::Unhandled if !headers.is_empty() || allowed || decision.status().is_some() => {
            return fail("an unhandled request gets something");
        }
        RequestKind::NotCors if allowed || headers.iter().any(|(n, _)| *n != "vary") => {
            return fail("a request without Origin gets more than vary");
        }
        RequestKind::Preflight => {
            // Allowed and informatively denied preflights take the
            // policy's `preflight-status`; opaque denials are 403.
            let ok = match decision.status() {
                Some(s) if allowed || decision.informative() => (200..=299).contains(&s),
                Some(s) => s == 403,
                None => false,
            };
            if !ok {
                return fail("bad preflight status");
            }
        }
        RequestKind::Actual if decision.status().is_some() => {
            return fail("an actual request has a status");
        }
        _ => {}
    }
    if !allowed
        && !decision.informative()
        && headers
            .iter()
            .any(|(n, _)| n.starts_with("access-control-"))
    {
        return fail("a denied request gets access-control headers");
    }
    if decision.informative() && headers.iter().any(|(n, _)| *n == "access-control-max-age") {
        return fail("an informative denial gets access-control-max-age");
    }
    let vary: Vec<&[u8]> = get("vary").into_iter().flat_map(elements).collect();
    let acao = get("access-control-allow-origin").first().copied();
    let acac = get("access-control-allow-credentials").first().copied();
    if (allowed || decision.informative()) && acao.is_none() {
        return fail("allowed without access-control-allow-origin");
    }
    if acac.is_some_and(|v| v != b"true") {
        return fail("access-control-allow-credentials is not `true`");
    }
    match acao {
        Some(b"*") if acac.is_some() => return fail("`*` with credentials"),
        Some(b"*") => {}
        Some(value) => {
            if request.origins.len() != 1
                || request.origins.first().map(Vec::as_slice) != Some(value)
            {
                return fail("the allowed origin is not the request's single Origin");
            }
            if !vary.contains(&&b"Origin"[..]) {
                return fail("an echoed origin without `vary: Origin`");
            }
        }
        None => {}
    }
    let policy = decision
        .policy_index()
        .and_then(|i| engine.policies().get(i));
    if let Some(policy) = policy {
        if (allowed || decision.informative()) && policy.credentials != acac.is_some() {
            return fail("access-control-allow-credentials does not follow the policy");
        }
        let depends = policy.credentials
            || !policy
                .origins
                .iter()
                .any(|o| o.matcher == OriginMatcher::Any);
        if depends != vary.contains(&&b"Origin"[..]) {
            return fail("`vary: Origin` does not follow whether the answer depends on the origin");
        }
    }
    if kind == RequestKind::Preflight {
        for name in [
            "Access-Control-Request-Method",
            "Access-Control-Request-Headers",
        ] {
            if !vary.contains(&name.as_bytes()) {
                return fail(&format!("a preflight without `vary: {name}`"));
            }
        }
    }
    if kind == RequestKind::Preflight && allowed {
        let method = request
            .request_methods
            .first()
            .map_or(&[][..], Vec::as_slice);
        if [&b"CONNECT"[..], b"TRACE", b"TRACK"]
            .iter()
            .any(|f| f.eq_ignore_ascii_case(method))
        {
            return fail("a forbidden method allowed");
        }
        if request.request_methods.len() != 1 || !is_token(method) {
            return fail("an allowed preflight without one valid requested method");
        }
        let mut names = get("access-control-allow-headers");
        names.extend(get("access-control-allow-methods"));
        for value in names {
            if let Some(e) = elements(value).find(|e| !is_token(e)) {
                return fail(&format!(
                    "an allowed name `{}` is not a token",
                    String::from_utf8_lossy(e)
                ));
            }
        }
        let asked = request.private_network.as_deref() == Some(b"true");
        if asked == get("access-control-allow-private-network").is_empty() {
            return fail("access-control-allow-private-network does not follow the request");
        }
    }
    Ok(())
}

/// Compiles the input's policy; `None` when it does not validate (the front
/// end must still not panic on it).
fn compile(input: &DecideInput) -> Result<Option<(model::PolicySet, Engine)>, String> {
    let checked = grammar::check(&input.policy);
    let Some(set) = checked.policies else {
        return Ok(None);
    };
    match Engine::from_policies(&set) {
        Ok(engine) => Ok(Some((set, engine))),
        Err(e) => Err(format!(
            "a checked policy does not compile: {e}\n{}",
            input.policy
        )),
    }
}

/// An arbitrary policy and requests: `decide` never panics and every
/// decision keeps the invariants of [`check_decision`].
pub fn check_decide(data: &[u8]) -> Outcome {
    let input = DecideInput::decode(data);
    let Some((_, engine)) = compile(&input)? else {
        return Ok(());
    };
    for request in &input.requests {
        let decision = engine.decide(&request.to_request());
        check_decision(&engine, request, &decision)
            .map_err(|e| format!("{e}\npolicy:\n{}", input.policy))?;
    }
    Ok(())
}

// ---- target `differential` -----------------------------------------------------------------

/// The compiled engine and the reference interpreter give the same answer.
pub fn check_differential(data: &[u8]) -> Outcome {
    let input = DecideInput::decode(data);
    let Some((set, engine)) = compile(&input)? else {
        return Ok(());
    };
    for request in &input.requests {
        let got = Answer::of(&engine.decide(&request.to_request()));
        let want = reference::decide(&set.policies, request);
        if got != want {
            let mut msg = String::from("the engine and the reference disagree\n");
            let _ = writeln!(msg, "policy:\n{}", input.policy);
            let _ = writeln!(msg, "request: {request:?}");
            let _ = writeln!(msg, "engine:    {got:?}");
            let _ = writeln!(msg, "reference: {want:?}");
            return Err(msg);
        }
    }
    Ok(())
}

/// The check a target runs, by its name: `parse`, `roundtrip`, `decide`,
/// `differential`.
pub fn check_for(target: &str) -> Option<fn(&[u8]) -> Outcome> {
    match target {
        "parse" => Some(check_parse),
        "roundtrip" => Some(check_roundtrip),
        "decide" => Some(check_decide),
        "differential" => Some(check_differential),
        _ => None,
    }
}

/// Every target's name.
pub const TARGETS: [&str; 4] = ["parse", "roundtrip", "decide", "differential"];
