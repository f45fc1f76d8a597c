//! Comparing each answer with the engine's: the findings.

use cors_policy::{Engine, Reason, Request, RequestKind};
use cors_policy_grammar::model::Policy;

use super::browser::{self, Verdict};
use super::client::{Failure, Response};
use super::matrix::Probe;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Severity {
    /// Another site reads the user's data.
    Critical,
    /// Another site reads responses it should not, or the page cannot read
    /// what it should.
    High,
    /// Wrong, and harmful under some conditions (a cache, a changed client).
    Medium,
    /// Costs time, not correctness.
    Low,
}

impl Severity {
    /// The word printed.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// A kind of difference, most severe first (the report's order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Code {
    ReflectedWithCredentials,
    DisallowedOriginAllowed,
    CredentialsBeyondPolicy,
    DuplicateAllowOrigin,
    DuplicateAllowCredentials,
    RedirectedPreflight,
    PreflightRejected,
    MissingCorsOnError,
    MissingAllowOrigin,
    WrongAllowOrigin,
    MissingAllowCredentials,
    PreflightRefusesAllowed,
    MissingAllowPrivateNetwork,
    CacheableWithoutVary,
    BadResponse,
    WildcardWithCredentials,
    MethodsBeyondPolicy,
    HeadersBeyondPolicy,
    PrivateNetworkBeyondPolicy,
    MissingVary,
    MissingMaxAge,
}

impl Code {
    /// The stable name (part of the JSON output).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Code::ReflectedWithCredentials => "origin-reflected-with-credentials",
            Code::DisallowedOriginAllowed => "disallowed-origin-allowed",
            Code::CredentialsBeyondPolicy => "credentials-beyond-policy",
            Code::DuplicateAllowOrigin => "duplicate-allow-origin",
            Code::DuplicateAllowCredentials => "duplicate-allow-credentials",
            Code::RedirectedPreflight => "redirected-preflight",
            Code::PreflightRejected => "preflight-rejected",
            Code::MissingCorsOnError => "missing-cors-on-error",
            Code::MissingAllowOrigin => "missing-allow-origin",
            Code::WrongAllowOrigin => "wrong-allow-origin",
            Code::MissingAllowCredentials => "missing-allow-credentials",
            Code::PreflightRefusesAllowed => "preflight-refuses-allowed",
            Code::MissingAllowPrivateNetwork => "missing-allow-private-network",
            Code::PrivateNetworkBeyondPolicy => "private-network-beyond-policy",
            Code::CacheableWithoutVary => "cacheable-without-vary",
            Code::BadResponse => "bad-response",
            Code::WildcardWithCredentials => "wildcard-with-credentials",
            Code::MethodsBeyondPolicy => "methods-beyond-policy",
            Code::HeadersBeyondPolicy => "headers-beyond-policy",
            Code::MissingVary => "missing-vary",
            Code::MissingMaxAge => "missing-max-age",
        }
    }

    /// How bad it is.
    pub(crate) fn severity(self) -> Severity {
        match self {
            Code::ReflectedWithCredentials => Severity::Critical,
            Code::DisallowedOriginAllowed
            | Code::CredentialsBeyondPolicy
            | Code::DuplicateAllowOrigin
            | Code::DuplicateAllowCredentials
            | Code::RedirectedPreflight
            | Code::PreflightRejected
            | Code::MissingCorsOnError
            | Code::MissingAllowOrigin
            | Code::WrongAllowOrigin
            | Code::MissingAllowCredentials
            | Code::PreflightRefusesAllowed
            | Code::MissingAllowPrivateNetwork
            | Code::CacheableWithoutVary
            | Code::BadResponse => Severity::High,
            Code::WildcardWithCredentials
            | Code::MethodsBeyondPolicy
            | Code::HeadersBeyondPolicy
            | Code::PrivateNetworkBeyondPolicy
            | Code::MissingVary => Severity::Medium,
            Code::MissingMaxAge => Severity::Low,
        }
    }

    /// One line: what is wrong.
    pub(crate) fn summary(self) -> &'static str {
        match self {
            Code::ReflectedWithCredentials => {
                "an origin the policy denies is echoed back, with credentials"
            }
            Code::DisallowedOriginAllowed => {
                "an origin the policy denies gets an Access-Control-Allow-Origin that lets it read"
            }
            Code::CredentialsBeyondPolicy => {
                "Access-Control-Allow-Credentials: true where the policy does not allow credentials"
            }
            Code::DuplicateAllowOrigin => {
                "Access-Control-Allow-Origin is sent more than once (browsers refuse it)"
            }
            Code::DuplicateAllowCredentials => {
                "Access-Control-Allow-Credentials is sent more than once (browsers refuse it)"
            }
            Code::RedirectedPreflight => "the preflight is redirected (browsers refuse it)",
            Code::PreflightRejected => {
                "a preflight the policy allows is not answered by the CORS layer (an error status, or the application's own OPTIONS answer)"
            }
            Code::MissingCorsOnError => "error responses carry no CORS headers",
            Code::MissingAllowOrigin => {
                "no Access-Control-Allow-Origin for an origin the policy allows"
            }
            Code::WrongAllowOrigin => {
                "Access-Control-Allow-Origin differs from what the policy answers"
            }
            Code::MissingAllowCredentials => {
                "no Access-Control-Allow-Credentials: true where the policy allows credentials"
            }
            Code::PreflightRefusesAllowed => {
                "the preflight answer refuses a method or header the policy allows"
            }
            Code::MissingAllowPrivateNetwork => {
                "no Access-Control-Allow-Private-Network: true where the policy allows private-network access"
            }
            Code::PrivateNetworkBeyondPolicy => {
                "the preflight answer allows private-network access the policy does not"
            }
            Code::CacheableWithoutVary => {
                "a shared cache may store an answer that depends on Origin (Cache-Control: public without Vary)"
            }
            Code::BadResponse => "no valid HTTP response",
            Code::WildcardWithCredentials => {
                "Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: true"
            }
            Code::MethodsBeyondPolicy => "the preflight answer allows methods the policy does not",
            Code::HeadersBeyondPolicy => "the preflight answer allows headers the policy does not",
            Code::MissingVary => "Vary lacks names the answer depends on",
            Code::MissingMaxAge => {
                "no Access-Control-Max-Age: browsers cache the preflight for 5 seconds only"
            }
        }
    }

    /// The policy statement the finding is about, whose line the fix names
    /// (the policy's own line when it has no such statement).
    pub(crate) fn statement(self) -> Option<&'static str> {
        match self {
            Code::ReflectedWithCredentials
            | Code::DisallowedOriginAllowed
            | Code::WrongAllowOrigin => Some("origins"),
            Code::CredentialsBeyondPolicy
            | Code::MissingAllowCredentials
            | Code::WildcardWithCredentials => Some("credentials"),
            Code::MethodsBeyondPolicy => Some("methods"),
            Code::MissingAllowPrivateNetwork | Code::PrivateNetworkBeyondPolicy => {
                Some("private-network")
            }
            Code::HeadersBeyondPolicy => Some("headers"),
            Code::MissingMaxAge => Some("max-age"),
            _ => None,
        }
    }

    /// How to fix it: which layer, or which policy line (`at` names the
    /// policy and the line of its [`statement`](Self::statement)).
    pub(crate) fn fix(self, at: &str) -> String {
        match self {
            Code::ReflectedWithCredentials => format!(
                "a layer echoes any Origin back with `Access-Control-Allow-Credentials: true`, so \
                 any site can read these responses with the user's cookies: answer only the \
                 origins of {at} (put cors_policy's layer in its place, or restrict the \
                 middleware's origin list)"
            ),
            Code::DisallowedOriginAllowed => format!(
                "a layer reflects the Origin or sends `*` for origins {at} denies: only the \
                 policy's origins may get Access-Control-Allow-Origin; replace the layer's \
                 origin check with the policy"
            ),
            Code::CredentialsBeyondPolicy => format!(
                "a layer adds `Access-Control-Allow-Credentials: true` that {at} does not say: \
                 remove it from that layer, or add `credentials` to the policy if cookies are \
                 meant to be sent"
            ),
            Code::DuplicateAllowOrigin | Code::DuplicateAllowCredentials => "two layers set the \
                 CORS headers (a proxy and the application, or two middlewares): keep one; have \
                 the proxy pass the application's headers through, or hide them (nginx: \
                 `proxy_hide_header`)"
                .to_owned(),
            Code::RedirectedPreflight => "browsers fail a preflight that is redirected: serve \
                 this URL without the redirect (a trailing slash, http to https, a login page), \
                 or answer OPTIONS in the CORS layer before the redirecting one"
                .to_owned(),
            Code::PreflightRejected => format!(
                "a preflight carries no cookie or Authorization, so it must be answered by the \
                 CORS layer before authentication and routing: make the CORS layer the \
                 outermost (axum: the last `.layer(…)`, never `route_layer`), or let OPTIONS \
                 through the authentication; {at} answers it"
            ),
            Code::MissingCorsOnError => "error responses (the router's fallback, error \
                 handlers, the proxy's own error pages) are made outside the CORS layer, so the \
                 page cannot read their status or body: wrap the fallback too (axum: \
                 `Router::layer` after `.fallback(…)`), and have a proxy add the headers to its \
                 own errors (nginx: `add_header … always`)"
                .to_owned(),
            Code::MissingAllowOrigin => format!(
                "{at} allows this origin but the answer has no Access-Control-Allow-Origin: \
                 the CORS layer does not run for this route or method, or a later layer drops \
                 its headers"
            ),
            Code::WrongAllowOrigin => format!(
                "the answer names another origin than {at}: a hard-coded value, a second layer, \
                 or a cached answer given to another origin (see Vary)"
            ),
            Code::MissingAllowCredentials => format!(
                "{at} says `credentials` but the answer lacks `Access-Control-Allow-Credentials: \
                 true`, so credentialed requests fail: the layer answering is not configured \
                 from the policy"
            ),
            Code::PreflightRefusesAllowed => format!(
                "the preflight answer lists fewer methods or headers than {at}: another layer \
                 answers preflights, or its configuration is out of date; answer them from the \
                 policy"
            ),
            Code::MissingAllowPrivateNetwork => format!(
                "{at} says `private-network` but the preflight answer lacks \
                 `Access-Control-Allow-Private-Network: true`, so browsers that enforce Private \
                 Network Access refuse pages on public sites: the preflight is not answered from \
                 the policy"
            ),
            Code::PrivateNetworkBeyondPolicy => format!(
                "the layer answering preflights sends `Access-Control-Allow-Private-Network: \
                 true` that {at} does not allow: public sites may then reach this private \
                 server; remove it, or add `private-network` to the policy if it is meant"
            ),
            Code::CacheableWithoutVary => "the response may be stored by a shared cache \
                 (`Cache-Control: public`) and does not vary on Origin, so a CDN serves one \
                 origin's answer, or denial, to another: send `Vary: Origin` (the CORS layer \
                 adds it; find the layer that drops it) or make the response private"
                .to_owned(),
            Code::BadResponse => "the server, or something in front of it, sent no valid HTTP \
                 response in time: see each request; a browser fails the same way"
                .to_owned(),
            Code::WildcardWithCredentials => format!(
                "browsers refuse `*` on a credentialed request: send the origin itself, as {at} \
                 does, or drop the credentials header"
            ),
            Code::MethodsBeyondPolicy => format!(
                "the layer answering preflights allows methods that {at} does not list under \
                 `methods`: answer from the policy, or add the methods to it if they are meant"
            ),
            Code::HeadersBeyondPolicy => format!(
                "the layer answering preflights allows request headers that {at} does not list \
                 under `headers`: answer from the policy, or add them to it if they are meant"
            ),
            Code::MissingVary => "the answer depends on the request's Origin but its Vary \
                 does not say so, so a cache (the browser's or a CDN's) may give one origin's \
                 answer to another: the CORS layer adds `Vary: Origin`; a later layer (a \
                 compression or caching layer, the proxy) drops or replaces it"
                .to_owned(),
            Code::MissingMaxAge => format!(
                "{at} says `max-age` but the preflight answer has no Access-Control-Max-Age, so \
                 the browser sends a preflight before nearly every request: the preflight is \
                 not answered from the policy"
            ),
        }
    }
}

/// The engine's answer to one probe, owned.
#[derive(Clone, Debug)]
pub(crate) struct Expected {
    /// What kind of request the engine saw.
    pub(crate) kind: RequestKind,
    /// Whether the CORS request is allowed.
    pub(crate) allowed: bool,
    /// Whether it is denied because of its origin.
    pub(crate) origin_denied: bool,
    /// The preflight status.
    pub(crate) status: Option<u16>,
    /// The headers, in the order sent.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// Why, in the engine's words.
    pub(crate) reason: String,
}

impl Expected {
    /// The engine's answer to `probe`.
    pub(crate) fn of(engine: &Engine, probe: &Probe) -> Expected {
        let decision = engine.decide(&probe.engine_request());
        Expected {
            kind: decision.kind(),
            allowed: decision.allowed(),
            origin_denied: matches!(
                decision.reason(),
                Reason::OriginNotAllowed { .. }
                    | Reason::MalformedOrigin { .. }
                    | Reason::OriginDuplicated
            ),
            status: decision.status(),
            headers: decision
                .headers()
                .map(|h| (h.name.to_owned(), h.value.to_vec()))
                .collect(),
            reason: decision.reason().to_string(),
        }
    }

    /// The value of header `name`.
    pub(crate) fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// One difference on one request.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    /// What kind.
    pub(crate) code: Code,
    /// The request (index into the matrix).
    pub(crate) probe: usize,
    /// The particulars, in words.
    pub(crate) detail: String,
}

/// What a finding is judged with.
pub(crate) struct Context<'a> {
    /// The oracle.
    pub(crate) engine: &'a Engine,
    /// The policy covering the URL.
    pub(crate) policy: &'a Policy,
    /// The URL, for the browser's messages.
    pub(crate) url: &'a str,
}

impl Context<'_> {
    /// Whether a page of this policy sends credentials (and so whether the
    /// browser checks them).
    pub(crate) fn include(&self) -> bool {
        self.policy.credentials
    }

    /// A browser's verdict on `response` to `probe`.
    pub(crate) fn verdict(
        &self,
        probe: &Probe,
        status: u16,
        headers: &[(String, Vec<u8>)],
    ) -> Verdict {
        browser::verdict(probe, self.url, self.include(), status, headers)
    }
}

/// Every difference between `answer` and the engine's `expected` answer
/// to probe number `index`.
pub(crate) fn judge(
    cx: &Context<'_>,
    index: usize,
    probe: &Probe,
    expected: &Expected,
    answer: &Result<Response, Failure>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |code: Code, detail: String| {
        out.push(Finding {
            code,
            probe: index,
            detail,
        });
    };
    let response = match answer {
        Ok(response) => response,
        Err(failure) => {
            add(Code::BadResponse, failure.describe());
            return out;
        }
    };
    let preflight = probe.is_preflight();
    let status = response.status;
    if preflight && (300..=399).contains(&status) {
        if expected.allowed {
            let location = response
                .combined("location")
                .map(|l| format!(" to {}", shown(&l)))
                .unwrap_or_default();
            add(
                Code::RedirectedPreflight,
                format!("answered {status}{location}"),
            );
        }
        return out;
    }
    let acao: Vec<&[u8]> = response.values("access-control-allow-origin").collect();
    let acac: Vec<&[u8]> = response
        .values("access-control-allow-credentials")
        .collect();
    if acao.len() > 1 {
        add(
            Code::DuplicateAllowOrigin,
            format!("{} Access-Control-Allow-Origin lines", acao.len()),
        );
    }
    if acac.len() > 1 {
        add(
            Code::DuplicateAllowCredentials,
            format!("{} Access-Control-Allow-Credentials lines", acac.len()),
        );
    }
    let single = match acao.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let credentials_true = matches!(acac.as_slice(), [b"true"]);
    let mut blames_missing_headers = false;
    if let Some(origin) = probe.origin.as_deref() {
        let reflected = single == Some(origin.as_bytes());
        let star = single == Some(b"*".as_slice());
        if !expected.allowed && expected.origin_denied {
            if reflected && credentials_true {
                add(
                    Code::ReflectedWithCredentials,
                    format!("Access-Control-Allow-Origin: {origin} with credentials"),
                );
            } else if reflected || star {
                add(
                    Code::DisallowedOriginAllowed,
                    format!(
                        "Access-Control-Allow-Origin: {}",
                        shown(single.unwrap_or_default())
                    ),
                );
            }
        } else if !expected.allowed && expected.kind == RequestKind::Preflight {
            if cx.verdict(probe, status, &response.headers) == Verdict::Reads {
                let asked = match &probe.request_headers {
                    _ if probe.private_network => (
                        Code::PrivateNetworkBeyondPolicy,
                        "private-network access".to_owned(),
                    ),
                    Some(h) => (Code::HeadersBeyondPolicy, format!("header {h}")),
                    None => (
                        Code::MethodsBeyondPolicy,
                        format!(
                            "method {}",
                            probe.request_method.as_deref().unwrap_or_default()
                        ),
                    ),
                };
                add(
                    asked.0,
                    format!("a browser is let through with {}", asked.1),
                );
            }
        } else if expected.allowed {
            let expected_acao = expected.header("access-control-allow-origin");
            if preflight && !(200..=299).contains(&status) {
                if probe.error_path && acao.is_empty() && matches!(status, 404 | 405) {
                    add(
                        Code::MissingCorsOnError,
                        format!("the preflight is answered {status} without CORS headers"),
                    );
                } else {
                    add(Code::PreflightRejected, format!("answered {status}"));
                }
                blames_missing_headers = true;
            } else if preflight && !has_cors_header(response) {
                let allow = response
                    .combined("allow")
                    .map(|v| format!(" (Allow: {})", shown(&v)))
                    .unwrap_or_default();
                add(
                    Code::PreflightRejected,
                    format!(
                        "answered {status} with no CORS header at all{allow}: the application's own OPTIONS answer"
                    ),
                );
                blames_missing_headers = true;
            } else if acao.is_empty() {
                if probe.error_path || status >= 400 {
                    add(
                        Code::MissingCorsOnError,
                        format!("answered {status} without Access-Control-Allow-Origin"),
                    );
                } else {
                    add(
                        Code::MissingAllowOrigin,
                        format!("answered {status} without Access-Control-Allow-Origin"),
                    );
                }
                blames_missing_headers = true;
            } else if single.is_some() && single != expected_acao {
                let got = shown(single.unwrap_or_default());
                let want = shown(expected_acao.unwrap_or_default());
                if star && credentials_true {
                    add(
                        Code::WildcardWithCredentials,
                        format!("`*` with credentials; the policy answers `{want}`"),
                    );
                } else {
                    add(
                        Code::WrongAllowOrigin,
                        format!("`{got}`; the policy answers `{want}`"),
                    );
                }
            }
            let origin_ok = !blames_missing_headers && acao.len() == 1;
            let wants_credentials = expected
                .header("access-control-allow-credentials")
                .is_some();
            if origin_ok && wants_credentials && !credentials_true && acac.len() <= 1 {
                let got = acac
                    .first()
                    .map_or("no header".to_owned(), |v| format!("`{}`", shown(v)));
                add(Code::MissingAllowCredentials, got);
            }
            if origin_ok && !wants_credentials && credentials_true && reflected {
                add(
                    Code::CredentialsBeyondPolicy,
                    "Access-Control-Allow-Credentials: true".to_owned(),
                );
            }
            if origin_ok && preflight {
                judge_preflight(cx, probe, expected, response, &mut add);
            }
        }
    }
    if !preflight && !blames_missing_headers {
        let missing = missing_vary(expected, response);
        if !missing.is_empty() {
            let code = if cache_public(response) {
                Code::CacheableWithoutVary
            } else {
                Code::MissingVary
            };
            let got = response
                .combined("vary")
                .map_or("no Vary".to_owned(), |v| format!("Vary: {}", shown(&v)));
            add(code, format!("{got}; missing {}", missing.join(", ")));
        }
    }
    out
}

/// The checks of a preflight answer whose origin is right.
fn judge_preflight(
    cx: &Context<'_>,
    probe: &Probe,
    expected: &Expected,
    response: &Response,
    add: &mut impl FnMut(Code, String),
) {
    let private_network = expected
        .header("access-control-allow-private-network")
        .is_some();
    let granted: Vec<&[u8]> = response
        .values("access-control-allow-private-network")
        .collect();
    if private_network && granted.as_slice() != [b"true"] {
        let got = match granted.as_slice() {
            [] => "no header".to_owned(),
            lines => format!("`{}`", shown(&lines.join(&b", "[..]))),
        };
        add(Code::MissingAllowPrivateNetwork, got);
    } else if let Verdict::Blocked(message) = cx.verdict(probe, response.status, &response.headers)
    {
        add(Code::PreflightRefusesAllowed, message);
    }
    let origin = probe.origin.as_deref().unwrap_or_default();
    let path = probe.path.as_str();
    let beyond_methods: Vec<String> = tokens(response, "access-control-allow-methods")
        .into_iter()
        .filter(|m| match m.as_str() {
            "*" => !cx.policy.methods.any,
            "GET" | "HEAD" | "POST" => false,
            m => !cx
                .engine
                .decide(
                    &Request::new("OPTIONS", path)
                        .origin(origin)
                        .request_method(m),
                )
                .allowed(),
        })
        .collect();
    if !beyond_methods.is_empty() {
        add(Code::MethodsBeyondPolicy, beyond_methods.join(", "));
    }
    let method = probe.request_method.as_deref().unwrap_or("GET");
    let beyond_headers: Vec<String> = tokens(response, "access-control-allow-headers")
        .into_iter()
        .filter(|h| match h.as_str() {
            "*" => !cx.policy.headers.any,
            h => !cx
                .engine
                .decide(
                    &Request::new("OPTIONS", path)
                        .origin(origin)
                        .request_method(method)
                        .request_headers(h),
                )
                .allowed(),
        })
        .collect();
    if !beyond_headers.is_empty() {
        add(Code::HeadersBeyondPolicy, beyond_headers.join(", "));
    }
    if expected.header("access-control-max-age").is_some()
        && response.values("access-control-max-age").next().is_none()
    {
        add(
            Code::MissingMaxAge,
            format!(
                "the policy answers Access-Control-Max-Age: {}",
                shown(
                    expected
                        .header("access-control-max-age")
                        .unwrap_or_default()
                )
            ),
        );
    }
}

/// Whether any `access-control-*` header came back.
fn has_cors_header(response: &Response) -> bool {
    response
        .headers
        .iter()
        .any(|(name, _)| name.starts_with("access-control-"))
}

/// The elements of a comma-separated header, trimmed, empty ones left out.
fn tokens(response: &Response, name: &str) -> Vec<String> {
    response
        .values(name)
        .flat_map(|v| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The names in the engine's `Vary` that the response's `Vary` lacks.
fn missing_vary(expected: &Expected, response: &Response) -> Vec<String> {
    let Some(wanted) = expected.header("vary") else {
        return Vec::new();
    };
    let have: Vec<String> = tokens(response, "vary")
        .into_iter()
        .map(|t| t.to_ascii_lowercase())
        .collect();
    if have.iter().any(|t| t == "*") {
        return Vec::new();
    }
    String::from_utf8_lossy(wanted)
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty() && !have.contains(&name.to_ascii_lowercase()))
        .map(str::to_owned)
        .collect()
}

/// Whether a shared cache may store the response: `Cache-Control` says
/// `public` or `s-maxage`, and neither `private` nor `no-store`.
fn cache_public(response: &Response) -> bool {
    let directives: Vec<String> = tokens(response, "cache-control")
        .into_iter()
        .map(|d| d.to_ascii_lowercase())
        .collect();
    let name = |d: &String| d.split('=').next().unwrap_or_default().trim().to_owned();
    let has = |wanted: &str| directives.iter().any(|d| name(d) == wanted);
    (has("public") || has("s-maxage")) && !has("private") && !has("no-store")
}

/// A header value for a message: printable ASCII as is, other bytes `\xNN`.
pub(crate) fn shown(value: &[u8]) -> String {
    value.escape_ascii().to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::probe::matrix::Role;

    const POLICY: &str = r#"
        policy "open" { paths "/open/**" origins "https://app.example.com" methods GET, PUT }
        policy "creds" {
            paths "/creds/**"
            origins "https://app.example.com"
            methods GET, PUT
            credentials
            max-age 60
        }
        policy "pna" {
            paths "/pna/**"
            origins "https://app.example.com"
            methods GET, PUT
            max-age 60
            private-network
        }
    "#;

    fn probe(path: &str, preflight: bool) -> Probe {
        Probe {
            role: Role::Allowed {
                entry: "\"https://app.example.com\"".to_owned(),
            },
            method: if preflight { "OPTIONS" } else { "GET" },
            path: path.to_owned(),
            error_path: false,
            origin: Some("https://app.example.com".to_owned()),
            request_method: preflight.then(|| "PUT".to_owned()),
            request_headers: None,
            private_network: false,
            extra: Vec::new(),
        }
    }

    /// The codes found for `headers` answered with `status` to `probe`.
    fn codes(probe: &Probe, status: u16, headers: &[(&str, &str)]) -> Vec<Code> {
        let engine: Engine = POLICY.parse().unwrap();
        let index = engine
            .decide(&probe.engine_request())
            .policy_index()
            .unwrap();
        let policy = &engine.policies()[index];
        let cx = Context {
            engine: &engine,
            policy,
            url: "http://127.0.0.1/",
        };
        let response = Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec()))
                .collect(),
            body_len: 0,
            body_cut: false,
        };
        let expected = Expected::of(&engine, probe);
        judge(&cx, 0, probe, &expected, &Ok(response))
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    const ORIGIN: (&str, &str) = ("access-control-allow-origin", "https://app.example.com");
    const VARY: (&str, &str) = ("vary", "Origin");

    #[test]
    fn the_policys_own_answer_has_no_finding() {
        assert_eq!(codes(&probe("/open/x", false), 200, &[ORIGIN, VARY]), []);
        let preflight = [
            ORIGIN,
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-max-age", "60"),
        ];
        assert_eq!(codes(&probe("/creds/x", true), 204, &preflight), []);
    }

    #[test]
    fn credentials_the_policy_does_not_give_are_found() {
        let credentials = ("access-control-allow-credentials", "true");
        assert_eq!(
            codes(&probe("/open/x", false), 200, &[ORIGIN, credentials, VARY]),
            [Code::CredentialsBeyondPolicy]
        );
        assert_eq!(
            codes(
                &probe("/creds/x", false),
                200,
                &[ORIGIN, credentials, credentials, VARY]
            ),
            [Code::DuplicateAllowCredentials]
        );
        assert_eq!(
            codes(&probe("/creds/x", false), 200, &[ORIGIN, VARY]),
            [Code::MissingAllowCredentials]
        );
        assert_eq!(
            codes(
                &probe("/creds/x", false),
                200,
                &[("access-control-allow-origin", "*"), credentials, VARY]
            ),
            [Code::WildcardWithCredentials]
        );
    }

    #[test]
    fn a_missing_header_is_found_by_status() {
        assert_eq!(
            codes(&probe("/open/x", false), 200, &[VARY]),
            [Code::MissingAllowOrigin]
        );
        assert_eq!(
            codes(&probe("/open/x", false), 500, &[VARY]),
            [Code::MissingCorsOnError]
        );
        let preflight = [
            ORIGIN,
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET"),
        ];
        assert_eq!(
            codes(&probe("/creds/x", true), 204, &preflight),
            [Code::PreflightRefusesAllowed, Code::MissingMaxAge]
        );
    }

    #[test]
    fn private_network_access_follows_the_policy() {
        let mut asks = probe("/pna/x", true);
        asks.private_network = true;
        let answer = [
            ORIGIN,
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-max-age", "60"),
        ];
        let granted = ("access-control-allow-private-network", "true");
        let mut with_grant = answer.to_vec();
        with_grant.push(granted);
        assert_eq!(codes(&asks, 204, &with_grant), []);
        assert_eq!(
            codes(&asks, 204, &answer),
            [Code::MissingAllowPrivateNetwork]
        );
        // A policy without `private-network`: the engine denies, the server grants.
        asks.path = "/open/x".to_owned();
        assert_eq!(
            codes(&asks, 204, &with_grant),
            [Code::PrivateNetworkBeyondPolicy]
        );
        assert_eq!(codes(&asks, 204, &answer), []);
    }

    #[test]
    fn shared_caches_need_vary() {
        let public = ("cache-control", "public, max-age=60");
        assert_eq!(
            codes(&probe("/open/x", false), 200, &[ORIGIN, public]),
            [Code::CacheableWithoutVary]
        );
        let private = ("cache-control", "public, private");
        assert_eq!(
            codes(&probe("/open/x", false), 200, &[ORIGIN, private]),
            [Code::MissingVary]
        );
        assert_eq!(
            codes(&probe("/open/x", false), 200, &[ORIGIN, ("vary", "*")]),
            []
        );
    }
}
