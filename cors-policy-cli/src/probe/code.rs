//! The catalogue of findings: each kind of difference between a server's
//! answer and the engine's, with its severity, its one-line summary, the
//! policy statement it is about and how to fix it. What makes an answer a
//! finding is [`findings`](super::findings)' business, not this module's.

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
    pub(crate) fn statement(self) -> Option<Statement> {
        match self {
            Code::ReflectedWithCredentials
            | Code::DisallowedOriginAllowed
            | Code::WrongAllowOrigin => Some(Statement::Origins),
            Code::CredentialsBeyondPolicy
            | Code::MissingAllowCredentials
            | Code::WildcardWithCredentials => Some(Statement::Credentials),
            Code::MethodsBeyondPolicy => Some(Statement::Methods),
            Code::MissingAllowPrivateNetwork | Code::PrivateNetworkBeyondPolicy => {
                Some(Statement::PrivateNetwork)
            }
            Code::HeadersBeyondPolicy => Some(Statement::Headers),
            Code::MissingMaxAge => Some(Statement::MaxAge),
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

/// A policy statement a finding can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Statement {
    /// `origins`.
    Origins,
    /// `credentials`.
    Credentials,
    /// `methods`.
    Methods,
    /// `headers`.
    Headers,
    /// `private-network`.
    PrivateNetwork,
    /// `max-age`.
    MaxAge,
}

impl Statement {
    /// The statement's keyword, as written in a policy.
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Statement::Origins => "origins",
            Statement::Credentials => "credentials",
            Statement::Methods => "methods",
            Statement::Headers => "headers",
            Statement::PrivateNetwork => "private-network",
            Statement::MaxAge => "max-age",
        }
    }
}
