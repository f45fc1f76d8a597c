//! The fuzz targets' inputs: how the fuzzer's bytes decode into policy
//! ASTs ([`FuzzFile`]) and into a policy with requests ([`DecideInput`]),
//! through a few fixed primitives and dictionaries, and the inverse for the
//! corpus seeds ([`encode_decide`]). The checks that run on them are the
//! parent module's.

use arbitrary::{Arbitrary, Unstructured};
use cors_policy_grammar::ast::{File, Item, OriginExpr, Policy, Statement, StatementKind};
use cors_policy_grammar::model::{self, HostPattern, OriginMatcher, PortPattern};
use cors_policy_grammar::{self as grammar, Span, Spanned};

use crate::reference::RefRequest;

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
