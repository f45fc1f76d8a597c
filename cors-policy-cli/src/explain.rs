//! `cors-policy explain`: the engine's answer in words, for a developer
//! staring at a CORS error in the browser's console.
//!
//! A slow path: it allocates freely. The engine's [`Decision`] is the
//! authority on what is answered; this module adds the why (each check, the
//! closest allowed candidate), what the browser does with the answer (in
//! Chromium's own console wording) and the line to add to the policy.

use cors_policy::{Decision, Kind, Reason};
use cors_policy_grammar::model::{HostPattern, NameList, OriginMatcher, Policy, PortPattern};

use crate::color::ColorChoice;
use crate::output;
use crate::policy;
use crate::request::{HttpRequest, trim};
use crate::{ExplainArgs, Status};

/// The credentials mode of the page's request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CredentialsMode {
    /// `credentials: 'include'`, `withCredentials = true`: cookies and HTTP auth are sent.
    Include,
    /// `credentials: 'omit'` or `'same-origin'` (fetch's default): none are sent cross-origin.
    #[value(alias = "same-origin")]
    Omit,
}

/// Where the credentials mode came from, so the text can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credentials {
    /// `--credentials include|omit`.
    Given(CredentialsMode),
    /// The request carries a `Cookie` header: the page sent credentials.
    FromCookie,
    /// Nothing said: fetch's default, no credentials cross-origin.
    Default,
}

impl Credentials {
    fn include(self) -> bool {
        matches!(
            self,
            Credentials::Given(CredentialsMode::Include) | Credentials::FromCookie
        )
    }

    fn mode_words(self) -> &'static str {
        match self {
            Credentials::Given(CredentialsMode::Include) => "`include` (--credentials)",
            Credentials::FromCookie => "`include` (the request carries a `Cookie` header)",
            Credentials::Given(CredentialsMode::Omit) => "`omit` (--credentials)",
            Credentials::Default => "`same-origin`, fetch's default",
        }
    }
}

/// Runs `explain`.
pub(crate) fn run(args: &ExplainArgs, color: ColorChoice) -> Status {
    let (loaded, request) = match policy::load(&args.request, color) {
        Ok(loaded) => loaded,
        Err(status) => return status,
    };
    let credentials = match args.credentials {
        Some(mode) => Credentials::Given(mode),
        None if request.values("cookie").next().is_some() => Credentials::FromCookie,
        None => Credentials::Default,
    };
    let mut lines = Vec::new();
    let engine_request = policy::engine_request(&request, &mut lines);
    let decision = loaded.engine.decide(&engine_request);
    let explainer = Explainer {
        file: &loaded.source.name,
        src: &loaded.text,
        policies: loaded.engine.policies(),
        request: &request,
        decision,
        credentials,
    };
    let mut text = explainer.explain();
    if loaded.warnings > 0 {
        text.push_str(&format!(
            "\nnote: `{}` has {}; `cors-policy check {}` shows {}\n",
            loaded.source.name,
            output::plural(loaded.warnings, "warning"),
            loaded.source.name,
            if loaded.warnings == 1 { "it" } else { "them" }
        ));
    }
    output::stdout(&text);
    Status::Ok
}

/// Methods browsers uppercase when a script writes them in any case (Fetch's
/// "normalize a method").
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Methods a cross-origin request may use without a preflight.
const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Response headers a script can always read (Fetch's CORS-safelisted response-header names).
const SAFELISTED_RESPONSE_HEADERS: &str =
    "cache-control, content-language, content-length, content-type, expires, last-modified, pragma";

/// How long Chromium caches a preflight without `Access-Control-Max-Age`, and at most.
const CHROMIUM_DEFAULT_MAX_AGE: u64 = 5;
const CHROMIUM_MAX_AGE_CAP: u64 = 7200;
const FIREFOX_MAX_AGE_CAP: u64 = 86400;

/// The width of a check's label column.
const LABEL: usize = 12;

/// What the browser does with the engine's answer.
enum Outcome {
    /// Not a CORS request: the browser enforces nothing.
    NotEnforced,
    /// The `Origin` is not what a browser sends (malformed, duplicated); the
    /// message a browser behind the client that sent it would show.
    NotABrowser(String),
    /// The script gets the response.
    Allowed,
    /// Blocked; Chromium's console message (the part after "has been blocked
    /// by CORS policy: ").
    Blocked(String),
}

/// One line of the checks list.
struct Check {
    /// `None`: not applicable / information.
    pass: Option<bool>,
    label: &'static str,
    text: String,
    /// Further lines, indented under the text.
    more: Vec<String>,
}

struct Explainer<'a> {
    file: &'a str,
    src: &'a str,
    policies: &'a [Policy],
    request: &'a HttpRequest,
    decision: Decision<'a>,
    credentials: Credentials,
}

impl Explainer<'_> {
    fn explain(&self) -> String {
        let mut out = String::new();
        self.request_section(&mut out);
        out.push('\n');
        self.policy_section(&mut out);
        let policy = self
            .decision
            .policy_index()
            .and_then(|i| self.policies.get(i));
        let checks = policy.map(|p| self.checks(p)).unwrap_or_default();
        if !checks.is_empty() {
            out.push('\n');
            out.push_str("Checks, in the engine's order:\n");
            let mut after_failure = false;
            let mut first_failure_seen = false;
            for check in &checks {
                let mark = match check.pass {
                    Some(true) => "✓",
                    Some(false) => "✗",
                    None => "·",
                };
                if first_failure_seen && check.pass.is_some() && check.label != "credentials" {
                    after_failure = true;
                }
                out.push_str(&format!(
                    "  {mark} {:<LABEL$} {}\n",
                    check.label, check.text
                ));
                for line in &check.more {
                    out.push_str(&format!("    {:<LABEL$} {line}\n", ""));
                }
                if check.pass == Some(false) && check.label != "credentials" {
                    first_failure_seen = true;
                }
            }
            if after_failure {
                out.push_str("  (the engine stops at the first failed check; the later ones are shown for information)\n");
            }
        }
        out.push('\n');
        self.answer_section(&mut out);
        out.push('\n');
        let outcome = self.outcome();
        self.browser_section(&mut out, &outcome, policy);
        if let Some(policy) = policy {
            self.fix_section(&mut out, &outcome, policy, &checks);
        } else if self.decision.kind() == Kind::Unhandled {
            self.unhandled_fix(&mut out);
        }
        out
    }

    // ----- the request -----

    fn origin(&self) -> Option<&[u8]> {
        self.request.values("origin").next()
    }

    fn origin_text(&self) -> String {
        self.origin().map(shown).unwrap_or_default()
    }

    fn requested_method(&self) -> Option<&[u8]> {
        self.request.values("access-control-request-method").next()
    }

    /// The elements of every `Access-Control-Request-Headers` line, trimmed,
    /// empty ones skipped.
    fn requested_headers(&self) -> Vec<&[u8]> {
        self.request
            .values("access-control-request-headers")
            .flat_map(|line| line.split(|&b| b == b','))
            .map(trim)
            .filter(|e| !e.is_empty())
            .collect()
    }

    fn asks_private_network(&self) -> bool {
        self.request
            .values("access-control-request-private-network")
            .next()
            == Some(b"true")
    }

    fn is_preflight_request(&self) -> bool {
        self.request.method == "OPTIONS"
            && self.origin().is_some()
            && self.requested_method().is_some()
    }

    fn request_section(&self, out: &mut String) {
        let r = self.request;
        let origins: Vec<_> = r
            .values("origin")
            .map(|o| format!("`{}`", shown(o)))
            .collect();
        let from = match origins.as_slice() {
            [] => "without an `Origin` header".to_owned(),
            [one] => format!("from origin {one}"),
            several => format!(
                "with {} `Origin` headers: {}",
                several.len(),
                several.join(", ")
            ),
        };
        let (method, target) = (shown(r.method.as_bytes()), shown(r.target.as_bytes()));
        out.push_str(&format!("Request: {method} {target} {from}\n"));
        if self.is_preflight_request() {
            let method = self.requested_method().map(shown).unwrap_or_default();
            let headers: Vec<_> = self.requested_headers().into_iter().map(shown).collect();
            let with = if headers.is_empty() {
                "no extra headers".to_owned()
            } else {
                format!("the headers {}", headers.join(", "))
            };
            out.push_str(&format!(
                "  a preflight: the page asks whether it may send `{method}` with {with}\n"
            ));
            if self.asks_private_network() {
                out.push_str("  and asks for private-network access (`Access-Control-Request-Private-Network: true`)\n");
            }
        } else if self.origin().is_some() {
            out.push_str("  an actual CORS request (no preflight)\n");
            if r.method == "OPTIONS" {
                out.push_str("  note: an `OPTIONS` without `Access-Control-Request-Method` is not a preflight\n");
            } else if !SAFELISTED_METHODS.contains(&r.method.as_str()) {
                out.push_str(&format!(
                    "  note: a browser sends a preflight before a cross-origin `{}`; check it with\n  \
                     `--method OPTIONS -H 'Access-Control-Request-Method: {}'`\n",
                    method, method
                ));
            }
        } else {
            out.push_str(
                "  not a CORS request: browsers send `Origin` with every cross-origin request, so this is\n  \
                 a same-origin request, a navigation, or a client that is not a browser (curl, Postman)\n",
            );
        }
    }

    // ----- which policy -----

    fn policy_section(&self, out: &mut String) {
        let path = shown(self.request.path().as_bytes());
        let path = path.as_str();
        let Some((index, policy)) = self
            .decision
            .policy_index()
            .and_then(|i| self.policies.get(i).map(|p| (i, p)))
        else {
            if self.policies.is_empty() {
                out.push_str(&format!("Policy: none; `{}` has no policy\n", self.file));
                return;
            }
            out.push_str(&format!(
                "Policy: none; no policy covers the path `{path}`. The policies cover:\n"
            ));
            for p in self.policies {
                out.push_str(&format!(
                    "  {:<20} {}\n",
                    format!("\"{}\"", p.name),
                    covered_paths(p)
                ));
            }
            return;
        };
        let at = self.line_of(policy.span.start);
        if policy.paths.is_empty() {
            out.push_str(&format!(
                "Policy: \"{}\" ({}:{at}), the first that covers `{path}`: it has no `paths`, so it covers every path\n",
                policy.name, self.file
            ));
        } else {
            let matching = policy.paths.iter().find(|g| glob_matches(g, path));
            let why = match matching {
                Some(glob) => format!("\"{glob}\" matches it"),
                None => format!("its paths are {}", quoted_list(&policy.paths)),
            };
            out.push_str(&format!(
                "Policy: \"{}\" ({}:{at}), the first whose paths cover `{path}`: {why}\n",
                policy.name, self.file
            ));
        }
        for earlier in self.policies.iter().take(index) {
            out.push_str(&format!(
                "  skipped \"{}\" ({}:{}): it covers {}\n",
                earlier.name,
                self.file,
                self.line_of(earlier.span.start),
                covered_paths(earlier)
            ));
        }
    }

    // ----- the checks -----

    fn checks(&self, policy: &Policy) -> Vec<Check> {
        let kind = self.decision.kind();
        if !matches!(kind, Kind::Preflight | Kind::Actual) {
            return Vec::new();
        }
        let reason = self.decision.reason();
        let mut checks = vec![self.origin_check(policy, reason)];
        if kind == Kind::Preflight {
            checks.push(self.method_check(policy, reason));
            for name in self.requested_headers() {
                checks.push(self.header_check(policy, reason, name));
            }
            if matches!(reason, Reason::RequestHeadersTooLarge) {
                checks.push(Check {
                    pass: Some(false),
                    label: "headers",
                    text: format!(
                        "`Access-Control-Request-Headers` is over the engine's caps ({} bytes, {} names, {} lines)",
                        cors_policy::MAX_REQUEST_HEADERS_LEN,
                        cors_policy::MAX_REQUEST_HEADER_NAMES,
                        cors_policy::MAX_REQUEST_HEADER_LINES
                    ),
                    more: Vec::new(),
                });
            }
            if self.asks_private_network() {
                checks.push(if policy.private_network {
                    Check { pass: Some(true), label: "private net", text: "`private-network` is on".into(), more: vec![] }
                } else {
                    Check {
                        pass: Some(false),
                        label: "private net",
                        text: "private-network access was asked for and the policy does not enable `private-network`".into(),
                        more: vec![
                            "(Chromium no longer sends this header: Local Network Access replaced it with a permission prompt)".into(),
                        ],
                    }
                });
            }
        }
        checks.push(self.credentials_check(policy));
        checks
    }

    fn origin_check(&self, policy: &Policy, reason: Reason<'_>) -> Check {
        let origin = self.origin_text();
        match reason {
            Reason::OriginDuplicated => Check {
                pass: Some(false),
                label: "origin",
                text: "the request has more than one `Origin` header, which is never allowed"
                    .into(),
                more: vec![
                    "browsers send exactly one; a second one comes from a proxy or a test".into(),
                ],
            },
            Reason::MalformedOrigin { origin } => {
                let mut more = malformed_details(origin);
                if let Some(form) = browser_form(origin) {
                    match policy
                        .origins
                        .iter()
                        .find(|o| simple_origin_match(&o.matcher, &form))
                    {
                        Some(o) => more.push(format!(
                            "as a browser sends it, `{form}`, it would match {} ({}:{})",
                            o.source,
                            self.file,
                            self.line_of(o.span.start)
                        )),
                        None => more.push(format!("a browser would send `{form}`")),
                    }
                }
                Check {
                    pass: Some(false),
                    label: "origin",
                    text: format!("`{}` is not an origin as a browser sends it", shown(origin)),
                    more,
                }
            }
            Reason::OriginNotAllowed { .. } => {
                let mut more = Vec::new();
                if origin == "null" {
                    more.push(
                        "`null` is the origin of sandboxed iframes, `file:` pages and `data:` URLs"
                            .into(),
                    );
                    more.push("no entry of `origins` is `null`".into());
                } else if let Some(closest) = closest_origin(policy, &origin) {
                    more.push(format!(
                        "closest allowed: {} ({}:{})",
                        closest.entry_source,
                        self.file,
                        self.line_of(closest.span_start)
                    ));
                    let words = &closest.difference.words;
                    more.push(if closest.difference.parts > 3 {
                        words.clone()
                    } else {
                        format!("it differs {words}")
                    });
                }
                Check {
                    pass: Some(false),
                    label: "origin",
                    text: format!("`{origin}` is not in `origins`"),
                    more,
                }
            }
            Reason::AnyOrigin => Check {
                pass: Some(true),
                label: "origin",
                text: "`origins *` allows every origin".into(),
                more: vec![],
            },
            Reason::OriginAllowed { entry } => {
                let (source, line) = policy
                    .origins
                    .get(entry)
                    .map(|o| (o.source.clone(), self.line_of(o.span.start)))
                    .unwrap_or_default();
                Check {
                    pass: Some(true),
                    label: "origin",
                    text: format!("`{origin}` matches {source} ({}:{line})", self.file),
                    more: vec![],
                }
            }
            // A later check failed: the origin passed; name the entry as the
            // engine would have found it.
            _ => {
                let entry = policy
                    .origins
                    .iter()
                    .find(|o| simple_origin_match(&o.matcher, &origin));
                let text = match entry {
                    Some(o) if o.matcher == OriginMatcher::Any => {
                        "`origins *` allows every origin".to_owned()
                    }
                    Some(o) => format!(
                        "`{origin}` matches {} ({}:{})",
                        o.source,
                        self.file,
                        self.line_of(o.span.start)
                    ),
                    None => format!("`{origin}` is allowed"),
                };
                Check {
                    pass: Some(true),
                    label: "origin",
                    text,
                    more: vec![],
                }
            }
        }
    }

    fn method_check(&self, policy: &Policy, reason: Reason<'_>) -> Check {
        let method_bytes = self.requested_method().unwrap_or_default();
        let method = shown(method_bytes);
        let label = "method";
        match reason {
            Reason::RequestMethodDuplicated => {
                return Check {
                    pass: Some(false),
                    label,
                    text: "the request has more than one `Access-Control-Request-Method` header"
                        .into(),
                    more: vec!["browsers send exactly one".into()],
                };
            }
            Reason::InvalidRequestMethod { .. } => {
                return Check {
                    pass: Some(false),
                    label,
                    text: format!("`{method}` is not a method name"),
                    more: vec![],
                };
            }
            Reason::ForbiddenMethod { .. } => {
                return Check {
                    pass: Some(false),
                    label,
                    text: format!(
                        "`{method}` is a forbidden method: browsers refuse to send it, no policy can allow it"
                    ),
                    more: vec![],
                };
            }
            _ => {}
        }
        let engine_failed = matches!(reason, Reason::MethodNotAllowed { .. });
        let (pass, text) = method_verdict(&policy.methods, &method);
        let pass = pass && !engine_failed;
        let mut more = Vec::new();
        if !pass {
            if let Some(note) = method_case_note(&policy.methods, &method) {
                more.push(note);
            } else if let Some(near) = nearest(&method, &allowed_methods(&policy.methods), 2) {
                more.push(format!("nearest allowed: `{near}`"));
            }
        }
        Check {
            pass: Some(pass),
            label,
            text,
            more,
        }
    }

    fn header_check(&self, policy: &Policy, reason: Reason<'_>, name: &[u8]) -> Check {
        let shown_name = shown(name);
        let lower = shown_name.to_ascii_lowercase();
        let label = "header";
        if !name.iter().all(|&b| is_tchar(b)) {
            return Check {
                pass: Some(false),
                label,
                text: format!("`{shown_name}` is not a header name"),
                more: vec![],
            };
        }
        let engine_failed_this = match reason {
            Reason::HeaderNotAllowed { name: failed }
            | Reason::InvalidRequestHeaders { element: failed } => {
                failed.eq_ignore_ascii_case(name)
            }
            Reason::AuthorizationNotCoveredByWildcard => lower == "authorization",
            _ => false,
        };
        let listed = policy.headers.names.contains(&lower);
        let (pass, text) = if listed {
            (true, format!("`{lower}` is listed in `headers`"))
        } else if policy.headers.any && lower == "authorization" {
            (
                false,
                "`authorization` is not covered by `headers *`: it must be listed".to_owned(),
            )
        } else if policy.headers.any {
            (true, format!("`{lower}` is covered by `headers *`"))
        } else {
            (false, format!("`{lower}` is not in `headers`"))
        };
        let pass = pass && !engine_failed_this;
        let mut more = Vec::new();
        if !pass
            && lower != "authorization"
            && let Some(near) = nearest(&lower, &policy.headers.names, 3)
        {
            more.push(format!("nearest listed: `{near}`"));
        }
        if !pass && lower == "content-type" {
            more.push(
                "browsers ask for it when its value is not `application/x-www-form-urlencoded`, \
                 `multipart/form-data` or `text/plain` (JSON, for one)"
                    .into(),
            );
        }
        Check {
            pass: Some(pass),
            label,
            text,
            more,
        }
    }

    fn credentials_check(&self, policy: &Policy) -> Check {
        let label = "credentials";
        let mode = self.credentials.mode_words();
        if !self.credentials.include() {
            let more = if policy.credentials {
                vec!["the policy allows them: a page may use `credentials: 'include'`".into()]
            } else {
                vec!["the policy does not allow them: a page that sends cookies is blocked (try --credentials include)".into()]
            };
            return Check {
                pass: None,
                label,
                text: format!("none sent: credentials mode {mode}"),
                more,
            };
        }
        if !self.decision.allowed() {
            return Check {
                pass: None,
                label,
                text: format!("credentials mode {mode}; not reached"),
                more: vec![],
            };
        }
        let acao = self.header_value("access-control-allow-origin");
        let acac = self.header_value("access-control-allow-credentials");
        if acao.as_deref() == Some("*") {
            Check {
                pass: Some(false),
                label,
                text: format!(
                    "credentials mode {mode}, and the answer is `Access-Control-Allow-Origin: *`"
                ),
                more: vec!["browsers refuse the wildcard for a request with credentials".into()],
            }
        } else if acac.as_deref() != Some("true") {
            Check {
                pass: Some(false),
                label,
                text: format!("credentials mode {mode}, and the policy does not allow credentials"),
                more: vec!["the answer has no `Access-Control-Allow-Credentials: true`".into()],
            }
        } else {
            Check {
                pass: Some(true),
                label,
                text: format!(
                    "credentials mode {mode}: `credentials` is on and the origin is echoed"
                ),
                more: vec![],
            }
        }
    }

    // ----- the answer -----

    fn header_value(&self, name: &str) -> Option<String> {
        self.decision
            .headers()
            .find(|h| h.name == name)
            .map(|h| shown(h.value))
    }

    fn answer_section(&self, out: &mut String) {
        let d = &self.decision;
        let cors_headers = d.headers().filter(|h| h.name != "vary").count() > 0;
        let line = match (d.kind(), d.status()) {
            (Kind::Preflight, Some(status)) if cors_headers => {
                format!(
                    "{status} with CORS headers; the engine answers the preflight, your handler is not called"
                )
            }
            (Kind::Preflight, Some(status)) => {
                format!(
                    "{status}, no CORS headers; the engine answers the preflight, your handler is not called"
                )
            }
            (Kind::Unhandled, _) => {
                "nothing; the request goes on to your handler untouched".to_owned()
            }
            _ if cors_headers => "your handler's response, with CORS headers added".to_owned(),
            (Kind::NotCors, _) if d.vary().is_some() => {
                "your handler's response, with only `vary` added".to_owned()
            }
            (Kind::NotCors, _) => "your handler's response, untouched".to_owned(),
            _ => "your handler's response, with no CORS headers".to_owned(),
        };
        out.push_str(&format!("Answer: {line}\n"));
        for h in d.headers() {
            out.push_str(&format!("  {}: {}\n", h.name, shown(h.value)));
        }
    }

    // ----- the browser -----

    fn outcome(&self) -> Outcome {
        let d = &self.decision;
        let preflight = self.is_preflight_request();
        let prefix = if preflight {
            "Response to preflight request doesn't pass access control check: "
        } else {
            ""
        };
        let missing = format!(
            "{prefix}No 'Access-Control-Allow-Origin' header is present on the requested resource."
        );
        match d.kind() {
            Kind::NotCors => Outcome::NotEnforced,
            Kind::Unhandled if self.origin().is_none() => Outcome::NotEnforced,
            Kind::Unhandled => Outcome::Blocked(missing),
            _ if matches!(
                d.reason(),
                Reason::MalformedOrigin { .. } | Reason::OriginDuplicated
            ) =>
            {
                Outcome::NotABrowser(missing)
            }
            _ if !d.allowed() => Outcome::Blocked(missing),
            _ => {
                if self.credentials.include() {
                    if self.header_value("access-control-allow-origin").as_deref() == Some("*") {
                        return Outcome::Blocked(format!(
                            "{prefix}The value of the 'Access-Control-Allow-Origin' header in the response must not be \
                             the wildcard '*' when the request's credentials mode is 'include'."
                        ));
                    }
                    if self
                        .header_value("access-control-allow-credentials")
                        .as_deref()
                        != Some("true")
                    {
                        return Outcome::Blocked(format!(
                            "{prefix}The value of the 'Access-Control-Allow-Credentials' header in the response is '' \
                             which must be 'true' when the request's credentials mode is 'include'."
                        ));
                    }
                }
                Outcome::Allowed
            }
        }
    }

    /// What Chromium says for the failed method or header when a server
    /// answers a refused preflight with its lists instead of no headers.
    fn list_server_message(&self) -> Option<String> {
        match self.decision.reason() {
            Reason::MethodNotAllowed { method } => Some(format!(
                "Method {} is not allowed by Access-Control-Allow-Methods in preflight response.",
                shown(method)
            )),
            Reason::HeaderNotAllowed { name } => Some(format!(
                "Request header field {} is not allowed by Access-Control-Allow-Headers in preflight response.",
                shown(name).to_ascii_lowercase()
            )),
            Reason::AuthorizationNotCoveredByWildcard => Some(
                "Request header field authorization is not allowed by Access-Control-Allow-Headers in preflight response."
                    .to_owned(),
            ),
            _ => None,
        }
    }

    fn chromium_line(&self, message: &str) -> String {
        format!(
            "Access to fetch at '{}' from origin '{}' has been blocked by CORS policy: {message}",
            match self.request.url().strip_prefix('…') {
                Some(path) => format!("…{}", shown(path.as_bytes())),
                None => shown(self.request.url().as_bytes()),
            },
            self.origin_text()
        )
    }

    fn browser_section(&self, out: &mut String, outcome: &Outcome, policy: Option<&Policy>) {
        let preflight = self.is_preflight_request();
        let sent_method = self
            .requested_method()
            .map(shown)
            .unwrap_or_else(|| shown(self.request.method.as_bytes()));
        match outcome {
            Outcome::NotEnforced => {
                out.push_str("In the browser: nothing to enforce; CORS applies only to cross-origin requests.\n");
                if self.decision.vary().is_some() {
                    out.push_str(
                        "  The engine still adds `vary: Origin`, so that no cache serves this answer to a cross-origin request.\n",
                    );
                }
            }
            Outcome::NotABrowser(message) => {
                out.push_str(
                    "In the browser: no browser sends this `Origin`.\n  \
                     Browsers send exactly one, serialized as `scheme://host[:port]`. The answer has no CORS\n  \
                     headers, so a page behind whatever sent it (a proxy that rewrites headers, say) would be\n  \
                     blocked, and Chromium's console would say:\n",
                );
                out.push_str(&format!("\n    {}\n", self.chromium_line(message)));
            }
            Outcome::Blocked(message) => {
                if preflight {
                    out.push_str(&format!(
                        "In the browser: blocked.\n  \
                         The preflight fails, so the `{sent_method}` is never sent, and fetch() rejects with a\n  \
                         TypeError (\"Failed to fetch\"). Chromium's console says:\n"
                    ));
                } else {
                    out.push_str(
                        "In the browser: blocked.\n  \
                         The request reaches the server, but the page's script cannot read the response:\n  \
                         fetch() rejects with a TypeError (\"Failed to fetch\"). Chromium's console says:\n",
                    );
                }
                out.push_str(&format!("\n    {}\n", self.chromium_line(message)));
                let engine_denied =
                    !self.decision.allowed() && self.decision.kind() != Kind::Unhandled;
                let origin_failed = matches!(
                    self.decision.reason(),
                    Reason::OriginNotAllowed { .. }
                        | Reason::MalformedOrigin { .. }
                        | Reason::OriginDuplicated
                );
                if preflight && engine_denied && !origin_failed {
                    out.push_str(
                        "\n  The message names the missing `Access-Control-Allow-Origin` header whichever check failed:\n  \
                         a denied preflight gets no CORS headers at all.\n",
                    );
                    if let Some(specific) = self.list_server_message() {
                        out.push_str(&format!(
                            "  (A server that answers with its allowed lists instead gets Chromium's more specific\n  \
                             \"{specific}\")\n"
                        ));
                    }
                }
                if self.decision.kind() == Kind::Unhandled {
                    out.push_str(
                        "\n  This assumes your application adds no CORS headers of its own: the engine passes\n  \
                         the request on untouched.\n",
                    );
                }
                if !preflight
                    && self.decision.kind() == Kind::Actual
                    && !matches!(self.request.method.as_str(), "GET" | "HEAD" | "OPTIONS")
                {
                    out.push_str(
                        "\n  The handler still ran: CORS protects what the page can read, not the server; a request\n  \
                         that changes state needs its own authorization.\n",
                    );
                }
            }
            Outcome::Allowed => {
                out.push_str("In the browser: allowed.\n");
                if let Some(policy) = policy {
                    if preflight {
                        let cache = match policy.max_age {
                            Some(0) => "it does not cache the answer (`max-age 0`): every such request is preflighted again".to_owned(),
                            Some(secs) => {
                                let mut text = format!("it caches this answer for {}", duration_words(secs));
                                if secs > FIREFOX_MAX_AGE_CAP {
                                    text.push_str("; Chromium keeps it at most 2 hours, Firefox 24 hours");
                                } else if secs > CHROMIUM_MAX_AGE_CAP {
                                    text.push_str("; Chromium keeps it at most 2 hours");
                                }
                                text
                            }
                            None => format!(
                                "without `max-age` Chromium caches this answer only {CHROMIUM_DEFAULT_MAX_AGE} seconds (`max-age 2h` saves a round trip per request)"
                            ),
                        };
                        out.push_str(&format!(
                            "  The preflight passes, so the browser sends the `{sent_method}`;\n  {cache}.\n  \
                             The `{sent_method}` is then an actual request under this policy:\n"
                        ));
                    }
                    self.actual_allowed(out, policy);
                }
            }
        }
    }

    /// What the page gets from an allowed actual request.
    fn actual_allowed(&self, out: &mut String, policy: &Policy) {
        out.push_str("  - the page's script can read the response (status and body)\n");
        let exposed = if policy.expose.any {
            if policy.credentials {
                "a header literally named `*` (with credentials `*` is not a wildcard)".to_owned()
            } else {
                "every header (`expose *`) but `set-cookie`".to_owned()
            }
        } else if policy.expose.names.is_empty() {
            "none listed in `expose`".to_owned()
        } else {
            format!("{} (listed in `expose`)", policy.expose.names.join(", "))
        };
        out.push_str(&format!(
            "  - headers it can read: {exposed}\n    besides the safelisted {SAFELISTED_RESPONSE_HEADERS}\n"
        ));
        let cookies = match (self.credentials.include(), policy.credentials) {
            (true, true) => {
                "cookies and HTTP authentication are sent, and `Set-Cookie` in the response is stored"
            }
            (false, true) => {
                "no cookies are sent (credentials mode is not `include`); the policy would allow \
                 `credentials: 'include'`"
            }
            (_, false) => "no cookies are sent; the policy does not allow credentials",
        };
        out.push_str(&format!("  - {cookies}\n"));
    }

    // ----- the fix -----

    fn fix_section(&self, out: &mut String, outcome: &Outcome, policy: &Policy, checks: &[Check]) {
        let mut fix = Fix::default();
        let at = format!(
            "policy \"{}\" ({}:{})",
            policy.name,
            self.file,
            self.line_of(policy.span.start)
        );
        match self.decision.reason() {
            Reason::OriginNotAllowed { origin } => self.origin_fix(&mut fix, policy, &shown(origin), &at),
            Reason::MalformedOrigin { origin } => {
                fix.why_not.push(format!(
                    "Fix the client, not the policy: a browser never sends `{}`.\n\
                     If a test, a proxy or a tool sends it, make it send the origin as browsers serialize it:\n\
                     `scheme://host[:port]`, lowercase, without a path, a trailing `/` or the default port.",
                    shown(origin)
                ));
            }
            Reason::OriginDuplicated => {
                fix.why_not.push("Fix the client or the proxy that adds a second `Origin` header.".into());
            }
            Reason::RequestHeadersTooLarge => fix.why_not.push(
                "Send fewer or shorter request headers: the engine refuses oversized lists by design.".into(),
            ),
            _ => {}
        }
        // Every failing method/header/private-network check, the engine's and the later ones.
        for check in checks.iter().filter(|c| c.pass == Some(false)) {
            match check.label {
                "method" => self.method_fix(&mut fix, policy, &at),
                "header" => self.header_fix(&mut fix, check, &at),
                "private net" => {
                    if policy
                        .origins
                        .iter()
                        .any(|o| o.matcher == OriginMatcher::Any)
                    {
                        fix.why_not.push(
                            "`private-network` cannot go with `origins *` (private-network-wildcard): list the\n\
                             origins that may reach the private network, then add `private-network`."
                                .into(),
                        );
                    } else {
                        fix.add(&at, "private-network");
                    }
                }
                _ => {}
            }
        }
        if let Outcome::Blocked(_) = outcome
            && self.decision.allowed()
        {
            self.credentials_fix(&mut fix, &at);
        }
        fix.write(out);
    }

    fn origin_fix(&self, fix: &mut Fix, policy: &Policy, origin: &str, at: &str) {
        if origin == "null" {
            let mut text = "Think twice before allowing `null`: any site can produce it (a sandboxed iframe,\n\
                            a `data:` URL), so `origins null` lets every page in (cors-policy check warns\n\
                            null-origin). Serve the page from a real origin instead."
                .to_owned();
            if policy.credentials {
                text.push_str("\nWith `credentials` it is refused outright (credentials-null).");
            }
            fix.why_not.push(text);
            return;
        }
        let parts = OriginParts::parse(origin);
        let insecure = parts
            .as_ref()
            .is_some_and(|p| p.scheme == "http" && !is_loopback(&p.host));
        if insecure && policy.credentials {
            let https = origin.replacen("http://", "https://", 1);
            let https_allowed = policy
                .origins
                .iter()
                .any(|o| simple_origin_match(&o.matcher, &https));
            let mut text = format!(
                "Do not allow `{origin}` with credentials: anyone on the network path can impersonate a\n\
                 plain-http origin and read the credentialed answers (cors-policy check warns insecure-origin).\n\
                 Serve the page over https"
            );
            if https_allowed {
                text.push_str(&format!(": `{https}` is already allowed."));
            } else {
                text.push_str(&format!(" and allow that:\n    origins \"{https}\""));
            }
            fix.why_not.push(text);
            return;
        }
        fix.add_with_intro(
            &format!("origins \"{origin}\""),
            &format!("If `{origin}` is your site, add to {at}:"),
        );
        let closest = closest_origin(policy, origin).map(|c| c.difference);
        if let Some(parts) = parts {
            let port = parts.port.map(|p| format!(":{p}")).unwrap_or_default();
            if is_loopback(&parts.host) && parts.port.is_some() {
                fix.alternatives.push(format!(
                    "or, for a development server on any port:\n    origins \"{}://{}:*\"",
                    parts.scheme, parts.host
                ));
            } else if let Some(parent) = closest.as_ref().and_then(|d| d.subdomain_of.as_ref()) {
                fix.alternatives.push(format!(
                    "or, for every subdomain of `{parent}`:\n    origins \"{}://*.{parent}{port}\"",
                    parts.scheme
                ));
            }
        }
    }

    fn method_fix(&self, fix: &mut Fix, policy: &Policy, at: &str) {
        match self.decision.reason() {
            Reason::RequestMethodDuplicated => {
                fix.why_not.push(
                    "Fix the client or the proxy that sends a second `Access-Control-Request-Method`.".into(),
                );
                return;
            }
            Reason::InvalidRequestMethod { .. } => {
                fix.why_not
                    .push("No browser sends this method name; fix the client that does.".into());
                return;
            }
            _ => {}
        }
        let method = self.requested_method().map(shown).unwrap_or_default();
        if method.is_empty() || !method.bytes().all(is_tchar) {
            return;
        }
        if is_forbidden_method(&method) {
            fix.why_not.push(format!(
                "`{method}` cannot be allowed: browsers never send it (fetch() throws)."
            ));
            return;
        }
        let upper = method.to_ascii_uppercase();
        if upper != method && allowed_methods(&policy.methods).contains(&upper) {
            fix.why_not.push(format!(
                "Write `method: '{upper}'` in the page: the browser sends `{method}` as written. Adding\n\
                 `methods {method}` to {at} would work too (cors-policy check warns lowercase-method)."
            ));
            return;
        }
        fix.add(at, &format!("methods {method}"));
    }

    fn header_fix(&self, fix: &mut Fix, check: &Check, at: &str) {
        // The check's text starts with the header name in backticks.
        let Some(name) = check
            .text
            .strip_prefix('`')
            .and_then(|t| t.split('`').next())
        else {
            return;
        };
        if !name.bytes().all(is_tchar) {
            fix.why_not.push(format!("`{name}` is not a header name, so no browser asks for it; fix the client that does."));
            return;
        }
        fix.add(at, &format!("headers {name}"));
    }

    fn credentials_fix(&self, fix: &mut Fix, at: &str) {
        let origin = self.origin_text();
        let wildcard = self.header_value("access-control-allow-origin").as_deref() == Some("*");
        if wildcard {
            fix.why_not.push(format!(
                "Browsers refuse a `*` answer to a request with credentials, and `credentials` cannot go\n\
                 with `origins *` (credentials-wildcard). In {at}, replace\n\
                 `origins *` by the sites that send cookies, and add `credentials`:\n    \
                 origins \"{origin}\"\n    credentials\n\
                 Keep `origins *` in a separate policy for the paths that need no cookies; or have the page\n\
                 send none (`credentials: 'omit'`)."
            ));
            return;
        }
        if origin == "null" {
            fix.why_not.push(
                "`credentials` cannot go with `null` (credentials-null): any site can send `null`."
                    .into(),
            );
            return;
        }
        if let Some(parts) = OriginParts::parse(&origin)
            && parts.scheme == "http"
            && !is_loopback(&parts.host)
        {
            fix.why_not.push(format!(
                    "Think twice: with `credentials`, a plain-http origin (`{origin}`) can be impersonated by\n\
                     anyone on the network path (cors-policy check warns insecure-origin); serve the page over https."
                ));
        }
        fix.add_with_intro(
            "credentials",
            &format!("If the page must send cookies, add to {at}:"),
        );
        fix.alternatives
            .push("or have the page send none (`credentials: 'omit'`)".into());
    }

    fn unhandled_fix(&self, out: &mut String) {
        if self.origin().is_none() {
            return;
        }
        let path = self.request.path();
        // Suggest a `paths` line only for a path that is plainly a literal
        // (what browsers send: percent-encoded, no glob or string metacharacters).
        if !path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/%!$&'()+,;=:@".contains(&b))
        {
            return;
        }
        let mut fix = Fix::default();
        // `/api/**` covers paths under `/api/`, not `/api` itself.
        let under = self.policies.iter().find_map(|p| {
            p.paths
                .iter()
                .find(|g| g.strip_suffix("/**") == Some(path))
                .map(|g| (p, g))
        });
        let closest = under.or_else(|| {
            self.policies
                .iter()
                .flat_map(|p| p.paths.iter().map(move |g| (p, g)))
                .min_by_key(|(_, g)| strsim::levenshtein(g, path))
        });
        match closest {
            Some((policy, glob)) => {
                let at = format!(
                    "policy \"{}\" ({}:{})",
                    policy.name,
                    self.file,
                    self.line_of(policy.span.start)
                );
                let intro = if under.is_some() {
                    format!(
                        "\"{glob}\" covers the paths under `{path}/`, not `{path}` itself. Add to {at}:"
                    )
                } else {
                    format!("If `{path}` belongs with \"{glob}\", add to {at}:")
                };
                fix.add_with_intro(&format!("paths \"{path}\""), &intro);
                fix.alternatives.push(
                    "or write a policy for it; the first policy whose paths match answers".into(),
                );
            }
            None => fix
                .why_not
                .push("Write a policy whose `paths` cover it.".into()),
        }
        fix.write(out);
    }

    fn line_of(&self, offset: usize) -> usize {
        cors_policy_grammar::span::line_col(self.src, offset).0
    }
}

/// The lines to add, grouped under their introduction, and the advice
/// against adding some.
#[derive(Default)]
struct Fix {
    /// (introduction, lines) in order.
    groups: Vec<(String, Vec<String>)>,
    alternatives: Vec<String>,
    why_not: Vec<String>,
}

impl Fix {
    fn add(&mut self, at: &str, line: &str) {
        let intro = format!("To allow it, add to {at}:");
        self.add_with_intro(line, &intro);
    }

    fn add_with_intro(&mut self, line: &str, intro: &str) {
        if let Some((_, lines)) = self.groups.iter_mut().find(|(i, _)| i == intro) {
            if !lines.iter().any(|l| l == line) {
                lines.push(line.to_owned());
            }
            return;
        }
        // Later lines for the same policy join the first group.
        if let Some((_, lines)) = self.groups.first_mut() {
            if !lines.iter().any(|l| l == line) {
                lines.push(line.to_owned());
            }
            return;
        }
        self.groups.push((intro.to_owned(), vec![line.to_owned()]));
    }

    fn write(&self, out: &mut String) {
        if self.groups.is_empty() && self.why_not.is_empty() {
            return;
        }
        out.push_str("\nFix:\n");
        for (intro, lines) in &self.groups {
            out.push_str(&format!("  {intro}\n"));
            for line in lines {
                out.push_str(&format!("      {line}\n"));
            }
        }
        for alternative in &self.alternatives {
            out.push_str(&format!("  {}\n", indent_rest(alternative, "  ")));
        }
        for text in &self.why_not {
            out.push_str(&format!("  {}\n", indent_rest(text, "  ")));
        }
    }
}

/// Indents every line of `text` after the first by `by`.
fn indent_rest(text: &str, by: &str) -> String {
    text.replace('\n', &format!("\n{by}"))
}

// ----- origins -----

/// An origin split into its parts, for explaining differences.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OriginParts {
    scheme: String,
    host: String,
    /// `None`: the scheme's default port (or no port written).
    port: Option<u16>,
}

impl OriginParts {
    fn parse(origin: &str) -> Option<OriginParts> {
        let (scheme, rest) = origin.split_once("://")?;
        let (host, port) = if rest.starts_with('[') {
            let close = rest.find(']')?;
            let host = rest.get(..=close)?;
            match rest.get(close + 1..)? {
                "" => (host, None),
                p => (host, Some(p.strip_prefix(':')?.parse().ok()?)),
            }
        } else {
            match rest.rsplit_once(':') {
                Some((host, port)) => (host, Some(port.parse().ok()?)),
                None => (rest, None),
            }
        };
        let port = port.filter(|&p| Some(p) != default_port(scheme));
        Some(OriginParts {
            scheme: scheme.to_owned(),
            host: host.to_owned(),
            port,
        })
    }
}

fn default_port(scheme: &str) -> Option<u16> {
    match scheme {
        "http" | "ws" => Some(80),
        "https" | "wss" => Some(443),
        _ => None,
    }
}

fn port_words(scheme: &str, port: Option<u16>) -> String {
    match (port, default_port(scheme)) {
        (Some(p), _) => format!("`{p}`"),
        (None, Some(d)) => format!("the default port ({d})"),
        (None, None) => "no port".to_owned(),
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]"
}

/// The closest entry of a policy's `origins` to a request origin.
struct Closest {
    entry_source: String,
    span_start: usize,
    difference: Difference,
}

/// How a request origin differs from one allowed entry.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Difference {
    /// How many of scheme, host and port differ (4 for a regex).
    parts: usize,
    /// The rest of "`ORIGIN` differs from the allowed ENTRY …".
    words: String,
    /// The request's host is a subdomain of this exact allowed host.
    subdomain_of: Option<String>,
    /// Only the port differs.
    port_only: bool,
}

/// The entry that differs from `origin` in the fewest parts (scheme, host,
/// port), ties broken by edit distance and then file order; regexes last.
fn closest_origin(policy: &Policy, origin: &str) -> Option<Closest> {
    let request = OriginParts::parse(origin);
    let mut best: Option<((usize, usize), Closest)> = None;
    for entry in &policy.origins {
        let difference = match (&entry.matcher, &request) {
            (OriginMatcher::Regex(_), _) => Some(Difference {
                parts: 4,
                words: "the regex does not match it (the engine anchors it: the whole origin must match)".to_owned(),
                subdomain_of: None,
                port_only: false,
            }),
            (OriginMatcher::Exact(_) | OriginMatcher::Pattern(_), Some(request)) => compare(&entry.matcher, request),
            _ => None,
        };
        let Some(difference) = difference else {
            continue;
        };
        // A regex counts as one differing part, compared by its literal text.
        let (parts, text) = match &entry.matcher {
            OriginMatcher::Regex(regex) => (1, regex.replace(['^', '$', '\\'], "")),
            _ => (difference.parts, entry.source.trim_matches('"').to_owned()),
        };
        let score = (parts, strsim::levenshtein(&text, origin));
        if best.as_ref().is_none_or(|(b, _)| score < *b) {
            let closest = Closest {
                entry_source: entry.source.clone(),
                span_start: entry.span.start,
                difference,
            };
            best = Some((score, closest));
        }
    }
    best.map(|(_, c)| c)
}

/// How `request` differs from an exact or pattern entry; `None` when it
/// matches.
fn compare(matcher: &OriginMatcher, request: &OriginParts) -> Option<Difference> {
    let (scheme, host, port_ok, allowed_port) = match matcher {
        OriginMatcher::Exact(s) => {
            let e = OriginParts::parse(s)?;
            let host = host_difference(&request.host, &e.host);
            let allowed_port = port_words(&e.scheme, e.port);
            (e.scheme, host, request.port == e.port, allowed_port)
        }
        OriginMatcher::Pattern(p) => {
            let host = match &p.host {
                HostPattern::Exact(h) => host_difference(&request.host, h),
                HostPattern::Subdomains(suffix) => {
                    if request.host == *suffix {
                        Some((
                            format!(
                                "`*.{suffix}` needs at least one label before `{suffix}`, so it does not cover `{suffix}` itself"
                            ),
                            None,
                        ))
                    } else if request.host.ends_with(&format!(".{suffix}")) {
                        None
                    } else if request.host.ends_with(suffix.as_str()) {
                        Some((
                            format!("`{}` is not a subdomain of `{suffix}`", request.host),
                            None,
                        ))
                    } else {
                        Some((format!("`{}` is not under `{suffix}`", request.host), None))
                    }
                }
            };
            let (port_ok, allowed_port) = match p.port {
                PortPattern::Any => (true, "any port".to_owned()),
                PortPattern::Default => (request.port.is_none(), port_words(&p.scheme, None)),
                PortPattern::Exact(port) => (request.port == Some(port), format!("`{port}`")),
            };
            (p.scheme.clone(), host, port_ok, allowed_port)
        }
        _ => return None,
    };
    let mut differences = Vec::new();
    if request.scheme != scheme {
        let mut words = format!("scheme: `{}` instead of `{scheme}`", request.scheme);
        if request.scheme == "http" && scheme == "https" {
            words.push_str(" (a downgrade: the page is served over plain http)");
        }
        differences.push(words);
    }
    let mut subdomain_of = None;
    if let Some((words, parent)) = host {
        differences.push(format!("host: {words}"));
        subdomain_of = parent;
    }
    if !port_ok {
        differences.push(format!(
            "port: {} instead of {allowed_port}",
            port_words(&request.scheme, request.port)
        ));
    }
    let words = match differences.as_slice() {
        [] => return None,
        [one] => format!("only in its {one}"),
        several => format!("in its {}", several.join("; and in its ")),
    };
    let port_only = differences.len() == 1 && !port_ok;
    Some(Difference {
        parts: differences.len(),
        words,
        subdomain_of,
        port_only,
    })
}

/// `None` when two hosts are the same; otherwise the relation in words and,
/// when `request` is a subdomain of `allowed`, `allowed`.
fn host_difference(request: &str, allowed: &str) -> Option<(String, Option<String>)> {
    if request == allowed {
        return None;
    }
    Some(if request.ends_with(&format!(".{allowed}")) {
        (
            format!(
                "`{request}` is a subdomain of `{allowed}`, and an exact origin covers no subdomain"
            ),
            Some(allowed.to_owned()),
        )
    } else if allowed.ends_with(&format!(".{request}")) {
        (
            format!("`{request}` is a parent domain of `{allowed}`"),
            None,
        )
    } else {
        (format!("`{request}` instead of `{allowed}`"), None)
    })
}

/// What is wrong with an `Origin` value the engine found malformed.
fn malformed_details(origin: &[u8]) -> Vec<String> {
    let text = shown(origin);
    let mut details = Vec::new();
    if origin
        .iter()
        .any(|&b| b.is_ascii_whitespace() || b < 0x20 || b == 0x7f)
    {
        details.push("it contains whitespace or control characters".to_owned());
    }
    if !origin.is_ascii() {
        details.push(
            "it is not ASCII: browsers send international domain names in punycode (`xn--…`)"
                .to_owned(),
        );
    }
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        details.push(
            "it has uppercase letters: browsers send scheme and host in lowercase".to_owned(),
        );
    }
    match text.split_once("://") {
        None => details.push("it has no `scheme://`".to_owned()),
        Some((scheme, rest)) => {
            if rest.contains('@') {
                details.push("it has user information (`user@`): an origin never does".to_owned());
            }
            if rest.ends_with('/') && rest.matches('/').count() == 1 {
                details.push("it ends with `/`: an origin has no path, not even `/`".to_owned());
            } else if rest.contains('/') {
                details.push("it has a path: an origin is `scheme://host[:port]` only".to_owned());
            }
            if let Some(port) = default_port(&scheme.to_ascii_lowercase()) {
                let authority = rest.split('/').next().unwrap_or("");
                if authority.ends_with(&format!(":{port}")) {
                    details.push(format!(
                        "it writes out the default port `{port}`: browsers leave it out"
                    ));
                }
            }
        }
    }
    if details.is_empty() {
        details.push("browsers send `scheme://host[:port]`, lowercase, nothing else".to_owned());
    }
    details
}

/// The origin a browser would have sent for a malformed one: trimmed,
/// lowercase, without path or default port; `None` if there is no telling.
fn browser_form(origin: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(trim(origin)).ok()?.to_ascii_lowercase();
    let (scheme, rest) = text.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if authority.is_empty()
        || authority
            .bytes()
            .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return None;
    }
    let parts = OriginParts::parse(&format!("{scheme}://{authority}"))?;
    let port = parts.port.map(|p| format!(":{p}")).unwrap_or_default();
    let form = format!("{}://{}{port}", parts.scheme, parts.host);
    (form.as_bytes() != origin).then_some(form)
}

/// One entry matched the slow way, to name the entry that let
/// an origin in when the engine's reason is about a later check.
fn simple_origin_match(matcher: &OriginMatcher, origin: &str) -> bool {
    match matcher {
        OriginMatcher::Any => true,
        OriginMatcher::Null => origin == "null",
        OriginMatcher::Exact(s) => s == origin,
        OriginMatcher::Pattern(_) => {
            OriginParts::parse(origin).is_some_and(|parts| compare(matcher, &parts).is_none())
        }
        // Anchored as the engine anchors it.
        OriginMatcher::Regex(regex) => {
            regex::Regex::new(&format!("^(?:{regex})$")).is_ok_and(|r| r.is_match(origin))
        }
        // Its contents are the engine's, supplied at run time.
        OriginMatcher::Set(_) => false,
    }
}

// ----- methods and headers -----

fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

/// The methods a preflight may ask for: the safelisted three and the listed ones.
fn allowed_methods(methods: &NameList) -> Vec<String> {
    let mut all: Vec<String> = SAFELISTED_METHODS.iter().map(|m| (*m).to_owned()).collect();
    for m in &methods.names {
        if !all.contains(m) {
            all.push(m.clone());
        }
    }
    all
}

fn method_verdict(methods: &NameList, method: &str) -> (bool, String) {
    if SAFELISTED_METHODS.contains(&method) {
        (
            true,
            format!("`{method}` is CORS-safelisted: always allowed"),
        )
    } else if methods.names.iter().any(|m| m == method) {
        (true, format!("`{method}` is listed in `methods`"))
    } else if methods.any && !is_forbidden_method(method) {
        (true, format!("`{method}` is covered by `methods *`"))
    } else if methods.names.is_empty() && !methods.any {
        (
            false,
            format!("`{method}` is not allowed: without `methods` only GET, HEAD and POST are"),
        )
    } else {
        (false, format!("`{method}` is not in `methods`"))
    }
}

/// `patch` is not `PATCH`: said when the method differs from an allowed one
/// only in case.
fn method_case_note(methods: &NameList, method: &str) -> Option<String> {
    let upper = method.to_ascii_uppercase();
    if upper == method || !allowed_methods(methods).contains(&upper) {
        return None;
    }
    let mut note = format!(
        "`{method}` is not `{upper}`: methods are case-sensitive and browsers uppercase only {}",
        NORMALIZED_METHODS.join(", ")
    );
    if !NORMALIZED_METHODS.contains(&upper.as_str()) {
        note.push_str(&format!(
            ", so `fetch(…, {{method: '{method}'}})` sends `{method}`"
        ));
    }
    Some(note)
}

/// The closest name by edit distance, if within `max`.
fn nearest(name: &str, candidates: &[String], max: usize) -> Option<String> {
    candidates
        .iter()
        .map(|c| {
            (
                strsim::levenshtein(&name.to_ascii_lowercase(), &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, _)| *d <= max.max(name.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.clone())
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

// ----- small helpers -----

/// Request bytes shown as text: printable ASCII as is, anything else escaped
/// (`\r`, `\xff`), so that nothing a request carries can garble the terminal.
fn shown(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("\"{i}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn covered_paths(policy: &Policy) -> String {
    if policy.paths.is_empty() {
        "every path".to_owned()
    } else {
        quoted_list(&policy.paths)
    }
}

/// Whether a `paths` glob matches, compiled as the engine compiles it.
fn glob_matches(glob: &str, path: &str) -> bool {
    globset::GlobBuilder::new(glob)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .is_ok_and(|g| g.compile_matcher().is_match(path))
}

/// `7200` → `2 hours`.
fn duration_words(secs: u64) -> String {
    let (n, unit) = if secs.is_multiple_of(86400) {
        (secs / 86400, "day")
    } else if secs.is_multiple_of(3600) {
        (secs / 3600, "hour")
    } else if secs.is_multiple_of(60) {
        (secs / 60, "minute")
    } else {
        (secs, "second")
    };
    format!(
        "{} ({secs} s)",
        output::plural(usize::try_from(n).unwrap_or(usize::MAX), unit)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cors_policy_grammar::model::OriginPattern;

    fn exact(s: &str) -> OriginMatcher {
        OriginMatcher::Exact(s.to_owned())
    }

    fn diff(allowed: &OriginMatcher, origin: &str) -> String {
        compare(allowed, &OriginParts::parse(origin).unwrap())
            .unwrap()
            .words
    }

    #[test]
    fn origin_differences_in_words() {
        let app = exact("https://app.example.com");
        assert_eq!(
            diff(&app, "https://app.example.com:3000"),
            "only in its port: `3000` instead of the default port (443)"
        );
        assert!(
            compare(
                &app,
                &OriginParts::parse("https://app.example.com:3000").unwrap()
            )
            .unwrap()
            .port_only
        );
        assert_eq!(
            diff(&app, "http://app.example.com"),
            "only in its scheme: `http` instead of `https` (a downgrade: the page is served over plain http)"
        );
        let sub = compare(
            &app,
            &OriginParts::parse("https://eu.app.example.com").unwrap(),
        )
        .unwrap();
        assert_eq!(
            sub.words,
            "only in its host: `eu.app.example.com` is a subdomain of `app.example.com`, and an exact origin covers no subdomain"
        );
        assert_eq!(sub.subdomain_of.as_deref(), Some("app.example.com"));
        assert_eq!(
            diff(&app, "http://app.example.com:8080"),
            "in its scheme: `http` instead of `https` (a downgrade: the page is served over plain http); and in its port: `8080` instead of the default port (443)"
        );
        assert_eq!(
            diff(&app, "https://example.com"),
            "only in its host: `example.com` is a parent domain of `app.example.com`"
        );
        assert!(
            compare(
                &app,
                &OriginParts::parse("https://app.example.com:443").unwrap()
            )
            .is_none()
        );
        let sub = OriginMatcher::Pattern(OriginPattern {
            scheme: "https".into(),
            host: HostPattern::Subdomains("example.com".into()),
            port: PortPattern::Default,
        });
        assert_eq!(
            diff(&sub, "https://example.com"),
            "only in its host: `*.example.com` needs at least one label before `example.com`, so it does not cover `example.com` itself"
        );
        assert_eq!(
            diff(&sub, "https://evilexample.com"),
            "only in its host: `evilexample.com` is not a subdomain of `example.com`"
        );
        assert!(simple_origin_match(&sub, "https://a.b.example.com"));
        assert!(!simple_origin_match(&sub, "https://a.example.com:8443"));
    }

    #[test]
    fn malformed_origins_are_described() {
        assert!(malformed_details(b"https://app.example.com/")[0].contains("ends with `/`"));
        assert!(malformed_details(b"HTTPS://App.example.com")[0].contains("uppercase"));
        assert!(
            malformed_details(b"https://a.com:443")
                .iter()
                .any(|d| d.contains("default port"))
        );
        assert!(malformed_details(b"app.example.com")[0].contains("no `scheme://`"));
    }

    #[test]
    fn methods_case_and_nearest_names() {
        let methods = NameList {
            any: false,
            names: vec!["PATCH".into(), "DELETE".into()],
        };
        let note = method_case_note(&methods, "patch").unwrap();
        assert!(note.starts_with("`patch` is not `PATCH`: methods are case-sensitive and browsers uppercase only DELETE, GET, HEAD, OPTIONS, POST, PUT"));
        assert!(
            method_case_note(&methods, "delete")
                .unwrap()
                .starts_with("`delete` is not `DELETE`")
        );
        assert_eq!(method_case_note(&methods, "PUT"), None);
        let headers = vec!["content-type".to_owned(), "x-request-id".to_owned()];
        assert_eq!(
            nearest("x-requestid", &headers, 3).as_deref(),
            Some("x-request-id")
        );
        assert_eq!(nearest("cookie-monster", &headers, 3), None);
    }

    #[test]
    fn small_helpers() {
        assert_eq!(shown(b"a\r\n\xff"), "a\\r\\n\\xff");
        assert_eq!(duration_words(7200), "2 hours (7200 s)");
        assert_eq!(duration_words(90), "90 seconds (90 s)");
        assert!(glob_matches("/api/**", "/api/users/1"));
        assert!(!glob_matches("/static/*", "/static/a/b"));
        assert_eq!(
            OriginParts::parse("http://[::1]:8080").unwrap().port,
            Some(8080)
        );
        assert_eq!(OriginParts::parse("https://a.com:443").unwrap().port, None);
    }
}
