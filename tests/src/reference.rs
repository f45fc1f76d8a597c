//! A naive interpreter of the engine's rules (docs/language.md#what-the-engine-answers), for tests.
//!
//! It reads the validated model directly — linear scans, strings, one regex
//! compiled per entry per call, allocations everywhere — and shares no code
//! with the compiled engine, so that the two can be compared on generated
//! policies and requests. Never use it to serve requests.
#![allow(
    clippy::indexing_slicing,
    reason = "a test oracle written for plainness; every index is checked just before"
)]

use std::path::Path;

use cors_policy::{Decision, Reason, Request, RequestKind};
use cors_policy_grammar::model::{HostPattern, OriginMatcher, Policy, PortPattern};

/// A request with owned values; every header may be given several times.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefRequest {
    /// The method.
    pub method: Vec<u8>,
    /// The request target (query string included); its path is
    /// [`target_path`](cors_policy::target_path) of it.
    pub path: Vec<u8>,
    /// Every `Origin` header, in order.
    pub origins: Vec<Vec<u8>>,
    /// Every `Access-Control-Request-Method` header, in order.
    pub request_methods: Vec<Vec<u8>>,
    /// Every `Access-Control-Request-Headers` line, in order.
    pub request_headers: Vec<Vec<u8>>,
    /// The `Access-Control-Request-Private-Network` header.
    pub private_network: Option<Vec<u8>>,
}

impl RefRequest {
    /// The same request for the compiled engine.
    pub fn to_request(&self) -> Request<'_> {
        let mut request = Request::new(&self.method[..], &self.path[..]);
        for origin in &self.origins {
            request = request.origin(&origin[..]);
        }
        for method in &self.request_methods {
            request = request.request_method(&method[..]);
        }
        request = request.request_header_lines(&self.request_headers);
        if let Some(value) = &self.private_network {
            request = request.private_network(&value[..]);
        }
        request
    }
}

/// An answer in comparable, owned form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The kind of request.
    pub kind: RequestKind,
    /// Whether it is allowed.
    pub allowed: bool,
    /// The index of the answering policy.
    pub policy: Option<usize>,
    /// The status (preflights).
    pub status: Option<u16>,
    /// Whether the application runs.
    pub forward: bool,
    /// The headers, in order: lowercase name, value.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The reason's code.
    pub reason: &'static str,
    /// The matching origin entry, for `origin-allowed`.
    pub entry: Option<usize>,
}

impl Answer {
    /// The compiled engine's decision in the same form.
    pub fn of(decision: &Decision<'_>) -> Answer {
        Answer {
            kind: decision.kind(),
            allowed: decision.allowed(),
            policy: decision.policy_index(),
            status: decision.status(),
            forward: decision.forward(),
            headers: decision
                .headers()
                .map(|h| (h.name.to_owned(), h.value.to_vec()))
                .collect(),
            reason: decision.reason().code(),
            entry: match decision.reason() {
                Reason::OriginAllowed { entry } => Some(entry),
                _ => None,
            },
        }
    }
}

const LINES_CAP: usize = 64;
const BYTES_CAP: usize = 8192;
const NAMES_CAP: usize = 64;
/// The longest `Origin` read (the engine's `MAX_ORIGIN_LEN`): a real
/// serialized origin is under 300 bytes.
const ORIGIN_CAP: usize = 1024;

/// The contents of runtime origin sets by name: each entry as the
/// application gave it (valid or not).
pub type Sets = std::collections::HashMap<String, Vec<String>>;

/// Answers `request` under `policies`, straight from the specification
/// (every `set "NAME"` is empty).
pub fn decide(policies: &[Policy], request: &RefRequest) -> Answer {
    decide_with_sets(policies, &Sets::new(), request)
}

/// Answers `request` under `policies`, reading `set "NAME"` entries from
/// `sets`.
pub fn decide_with_sets(policies: &[Policy], sets: &Sets, request: &RefRequest) -> Answer {
    let path = cors_policy::target_path(&request.path).to_vec();
    let unhandled = |reason| Answer {
        kind: RequestKind::Unhandled,
        allowed: false,
        policy: None,
        status: None,
        forward: true,
        headers: vec![],
        reason,
        entry: None,
    };
    let Some(index) = policies.iter().position(|p| covers(p, &path)) else {
        return unhandled("no-policy");
    };
    let policy = &policies[index];
    // A `skip` policy: exactly as if none matched.
    if policy.skip {
        return unhandled("skipped");
    }
    let any_origin = policy
        .origins
        .iter()
        .any(|o| o.matcher == OriginMatcher::Any);
    // Only `origins *` without credentials answers the same to every origin.
    let depends_on_origin = !any_origin || policy.credentials;
    let mut answer = Answer {
        kind: RequestKind::NotCors,
        allowed: false,
        policy: Some(index),
        status: None,
        forward: true,
        headers: vec![],
        reason: "no-origin",
        entry: None,
    };
    if request.origins.is_empty() {
        if depends_on_origin {
            answer.headers.push(("vary".into(), b"Origin".to_vec()));
        }
        return answer;
    }
    let preflight = request.method == b"OPTIONS" && !request.request_methods.is_empty();
    let mut vary = vec![];
    if depends_on_origin {
        vary.push("Origin");
    }
    if preflight {
        answer.kind = RequestKind::Preflight;
        answer.forward = false;
        answer.status = Some(403);
        vary.push("Access-Control-Request-Method");
        vary.push("Access-Control-Request-Headers");
        if policy.private_network {
            vary.push("Access-Control-Request-Private-Network");
        }
    } else {
        answer.kind = RequestKind::Actual;
    }
    let vary_header =
        (!vary.is_empty()).then(|| ("vary".to_string(), vary.join(", ").into_bytes()));
    let deny = |mut answer: Answer, reason: &'static str| {
        answer.reason = reason;
        answer.headers.extend(vary_header.clone());
        answer
    };

    // A header list over the line or byte cap is refused before anything
    // else is looked at: the same opaque denial whatever else fails.
    let total: usize = request.request_headers.iter().map(Vec::len).sum();
    if preflight && (request.request_headers.len() > LINES_CAP || total > BYTES_CAP) {
        return deny(answer, "request-headers-too-large");
    }
    let origin = &request.origins[0];
    if request.origins.len() > 1 {
        return deny(answer, "origin-duplicated");
    }
    if any_origin {
        answer.reason = "any-origin";
    } else {
        if origin.len() > ORIGIN_CAP {
            return deny(answer, "malformed-origin");
        }
        let Some(parts) = canonical_origin(origin) else {
            return deny(answer, "malformed-origin");
        };
        match policy
            .origins
            .iter()
            .position(|o| origin_matches(&o.matcher, origin, &parts, sets))
        {
            Some(entry) => {
                answer.reason = "origin-allowed";
                answer.entry = Some(entry);
            }
            None => return deny(answer, "origin-not-allowed"),
        }
    }
    let allow_origin = if any_origin {
        b"*".to_vec()
    } else {
        origin.clone()
    };

    let mut headers: Vec<(String, Vec<u8>)> = vec![];
    headers.push(("access-control-allow-origin".into(), allow_origin));
    if policy.credentials {
        headers.push(("access-control-allow-credentials".into(), b"true".to_vec()));
    }

    if !preflight {
        if policy.expose.any {
            headers.push(("access-control-expose-headers".into(), b"*".to_vec()));
        } else if !policy.expose.names.is_empty() {
            let list = policy.expose.names.join(", ").to_lowercase();
            headers.push(("access-control-expose-headers".into(), list.into_bytes()));
        }
        headers.extend(vary_header.clone());
        answer.allowed = true;
        answer.headers = headers;
        return answer;
    }

    // Preflight: method. A refusal of the method, a header or private
    // network is informative when the preflight is one a browser can send;
    // the first refusal in check order is the reason.
    if request.request_methods.len() > 1 {
        answer_reason_reset(&mut answer);
        return deny(answer, "request-method-duplicated");
    }
    let method = &request.request_methods[0];
    if !token(method) {
        answer_reason_reset(&mut answer);
        return deny(answer, "invalid-request-method");
    }
    let method_text = String::from_utf8_lossy(method).to_string();
    if ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|f| f.eq_ignore_ascii_case(&method_text))
    {
        answer_reason_reset(&mut answer);
        return deny(answer, "forbidden-method");
    }
    let safelisted = ["GET", "HEAD", "POST"].contains(&method_text.as_str());
    // A credentialed `*` never covers a method or header named `*`.
    let star = |name: &str| policy.credentials && name == "*";
    let mut refusal: Option<&'static str> = None;
    if !(safelisted
        || (policy.methods.any && !star(&method_text))
        || policy.methods.names.contains(&method_text))
    {
        refusal = Some("method-not-allowed");
    }

    // Preflight: headers, read whole (a malformed list makes any denial
    // opaque); the size caps were checked first.
    let joined = request.request_headers.join(&b","[..]);
    let requested: Vec<&[u8]> = joined
        .split(|b| *b == b',')
        .map(|e| {
            let text = e;
            let start = text
                .iter()
                .position(|b| *b != b' ' && *b != b'\t')
                .unwrap_or(text.len());
            let end = text
                .iter()
                .rposition(|b| *b != b' ' && *b != b'\t')
                .map_or(start, |i| i + 1);
            &text[start..end]
        })
        .filter(|e| !e.is_empty())
        .collect();
    let listed = |name: &str| {
        policy
            .headers
            .names
            .iter()
            .any(|n| n.to_lowercase() == name)
    };
    let mut authorization_refused = false;
    for (i, element) in requested.iter().enumerate() {
        if i >= NAMES_CAP {
            answer_reason_reset(&mut answer);
            return deny(answer, refusal.unwrap_or("request-headers-too-large"));
        }
        if !token(element) {
            answer_reason_reset(&mut answer);
            return deny(answer, refusal.unwrap_or("invalid-request-headers"));
        }
        let name = String::from_utf8_lossy(element).to_lowercase();
        let ok = if name == "authorization" {
            listed(&name)
        } else {
            (policy.headers.any && !star(&name)) || listed(&name)
        };
        if !ok {
            // A refused `*` is left out of the echo as `authorization` is.
            if star(&name) && policy.headers.any {
                authorization_refused = true;
            }
            let reason = if name == "authorization" && policy.headers.any {
                authorization_refused = true;
                "authorization-not-covered-by-wildcard"
            } else {
                "header-not-allowed"
            };
            refusal.get_or_insert(reason);
        }
    }

    // Preflight: private network.
    let asks_private_network = request.private_network.as_deref() == Some(&b"true"[..]);
    if asks_private_network && !policy.private_network {
        refusal.get_or_insert("private-network-not-enabled");
    }

    // An allowed preflight, or an informative denial: the same headers but
    // `Access-Control-Max-Age`, and never what was denied.
    if policy.methods.any && policy.credentials {
        // The echo, unless the method was the refused `*`.
        if !star(&method_text) {
            headers.push(("access-control-allow-methods".into(), method.clone()));
        }
    } else if policy.methods.any {
        headers.push(("access-control-allow-methods".into(), b"*".to_vec()));
    } else if !policy.methods.names.is_empty() {
        headers.push((
            "access-control-allow-methods".into(),
            policy.methods.names.join(", ").into_bytes(),
        ));
    }
    if !requested.is_empty() {
        if authorization_refused {
            for name in &requested {
                if !name.eq_ignore_ascii_case(b"authorization") && *name != b"*" {
                    headers.push(("access-control-allow-headers".into(), name.to_vec()));
                }
            }
        } else if policy.headers.any && policy.credentials {
            for line in &request.request_headers {
                let has_name = line
                    .split(|b| *b == b',')
                    .any(|e| e.iter().any(|b| *b != b' ' && *b != b'\t'));
                if has_name {
                    let start = line
                        .iter()
                        .position(|b| *b != b' ' && *b != b'\t')
                        .unwrap_or(0);
                    let end = line
                        .iter()
                        .rposition(|b| *b != b' ' && *b != b'\t')
                        .map_or(start, |i| i + 1);
                    headers.push((
                        "access-control-allow-headers".into(),
                        line[start..end].to_vec(),
                    ));
                }
            }
        } else if policy.headers.any {
            let value = if listed("authorization") {
                "*, authorization"
            } else {
                "*"
            };
            headers.push((
                "access-control-allow-headers".into(),
                value.as_bytes().to_vec(),
            ));
        } else if !policy.headers.names.is_empty() {
            let list = policy.headers.names.join(", ").to_lowercase();
            headers.push(("access-control-allow-headers".into(), list.into_bytes()));
        }
    }
    if let Some(reason) = refusal {
        if asks_private_network && policy.private_network {
            headers.push((
                "access-control-allow-private-network".into(),
                b"true".to_vec(),
            ));
        }
        headers.extend(vary_header);
        answer_reason_reset(&mut answer);
        answer.reason = reason;
        answer.status = Some(policy.preflight_status);
        answer.headers = headers;
        return answer;
    }
    if let Some(seconds) = policy.max_age {
        headers.push((
            "access-control-max-age".into(),
            seconds.to_string().into_bytes(),
        ));
    }
    if asks_private_network {
        headers.push((
            "access-control-allow-private-network".into(),
            b"true".to_vec(),
        ));
    }
    headers.extend(vary_header);
    answer.allowed = true;
    answer.status = Some(policy.preflight_status);
    answer.headers = headers;
    answer
}

/// A denial after the origin was allowed forgets which entry allowed it.
fn answer_reason_reset(answer: &mut Answer) {
    answer.entry = None;
}

/// Whether the policy's `paths` cover `path` (no `paths`: every path).
fn covers(policy: &Policy, path: &[u8]) -> bool {
    if policy.paths.is_empty() {
        return true;
    }
    let path = bytes_path(path);
    policy.paths.iter().any(|glob| {
        GLOBS.with_borrow_mut(|cache| {
            cache
                .entry(glob.clone())
                .or_insert_with(|| {
                    cors_policy_grammar::glob::path_glob(glob)
                        .ok()
                        .map(|g| g.compile_matcher())
                })
                .as_ref()
                .is_some_and(|m| m.is_match(&path))
        })
    })
}

thread_local! {
    /// Compiled globs and regexes, by source: only to keep tests fast.
    static GLOBS: std::cell::RefCell<std::collections::HashMap<String, Option<globset::GlobMatcher>>> =
        std::cell::RefCell::default();
    static REGEXES: std::cell::RefCell<std::collections::HashMap<String, Option<regex::Regex>>> =
        std::cell::RefCell::default();
}

#[cfg(unix)]
fn bytes_path(path: &[u8]) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStrExt;
    Path::new(std::ffi::OsStr::from_bytes(path)).to_path_buf()
}

#[cfg(not(unix))]
fn bytes_path(path: &[u8]) -> std::path::PathBuf {
    Path::new(&*String::from_utf8_lossy(path)).to_path_buf()
}

use cors_policy_grammar::fetch::is_token as token;

/// A serialized origin's parts: scheme, host, port (`None` for `null`).
type Parts = Option<(String, String, Option<u16>)>;

/// The parts of an origin written exactly as a browser serializes it, or
/// `None` when it is not.
fn canonical_origin(origin: &[u8]) -> Option<Parts> {
    let text = std::str::from_utf8(origin).ok()?;
    if text == "null" {
        return Some(None);
    }
    let (scheme, rest) = text.split_once("://")?;
    let mut scheme_chars = scheme.chars();
    if !scheme_chars.next()?.is_ascii_lowercase() {
        return None;
    }
    if !scheme_chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+.-".contains(c)) {
        return None;
    }
    let (host, after) = if let Some(bracketed) = rest.strip_prefix('[') {
        let (inside, after) = bracketed.split_once(']')?;
        if inside.is_empty()
            || !inside
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c) || c == ':')
        {
            return None;
        }
        (format!("[{inside}]"), after)
    } else {
        let (host, after) = match rest.find(':') {
            Some(colon) => (&rest[..colon], &rest[colon..]),
            None => (rest, ""),
        };
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
        {
            return None;
        }
        // DNS limits: no page has a longer host or label.
        let name = host.strip_suffix('.').unwrap_or(host);
        if name.len() > cors_policy_grammar::limits::MAX_HOST_LEN
            || name
                .split('.')
                .any(|label| label.len() > cors_policy_grammar::limits::MAX_LABEL_LEN)
        {
            return None;
        }
        (host.to_string(), after)
    };
    let port = if after.is_empty() {
        None
    } else {
        let digits = after.strip_prefix(':')?;
        if digits.is_empty() || digits.len() > 5 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        let port: u32 = digits.parse().ok()?;
        if port > 65535 {
            return None;
        }
        let default = match scheme {
            "http" | "ws" => Some(80),
            "https" | "wss" => Some(443),
            _ => None,
        };
        if default == Some(port) {
            return None;
        }
        Some(port as u16)
    };
    Some(Some((scheme.to_string(), host, port)))
}

/// Whether one origin entry matches a canonical origin.
fn origin_matches(matcher: &OriginMatcher, origin: &[u8], parts: &Parts, sets: &Sets) -> bool {
    let text = String::from_utf8_lossy(origin);
    match matcher {
        // Each entry validated as the language validates a literal; a set
        // never matches `null`.
        OriginMatcher::Set(name) => {
            text != "null"
                && sets.get(name).into_iter().flatten().any(|entry| {
                    cors_policy_grammar::validate_set_entry(entry)
                        .is_ok_and(|m| origin_matches(&m, origin, parts, sets))
                })
        }
        OriginMatcher::Any => true,
        OriginMatcher::Null => text == "null",
        OriginMatcher::Exact(exact) => *text == **exact,
        // Only the `null` keyword matches `null`.
        OriginMatcher::Regex(re) => {
            text != "null"
                && regex::Regex::new(&format!("^(?:{re})$"))
                    .map(|re| re.is_match(&text))
                    .unwrap_or(false)
        }
        OriginMatcher::Pattern(pattern) => {
            let Some((scheme, host, port)) = parts else {
                return false;
            };
            let port_ok = match pattern.port {
                PortPattern::Any => true,
                PortPattern::Default => port.is_none(),
                PortPattern::Exact(p) => *port == Some(p),
            };
            let host_ok = match &pattern.host {
                HostPattern::Exact(exact) => host == exact,
                HostPattern::Subdomains(suffix) => match host.strip_suffix(&format!(".{suffix}")) {
                    Some(labels) => labels.split('.').all(|label| {
                        (1..=63).contains(&label.len())
                            && label.chars().all(|c| {
                                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                            })
                    }),
                    None => false,
                },
            };
            *scheme == pattern.scheme && host_ok && port_ok
        }
    }
}
