//! The request matrix: what `probe` sends, derived from the policy that
//! covers the URL's path.
//!
//! Every request is a `GET` or an `OPTIONS` preflight, without a body. The
//! engine is asked about each one; which "role" a request has only labels it
//! in the report.

use cors_policy::browser::is_cors_safelisted_method;
use cors_policy::{Engine, Request};
use cors_policy_grammar::model::{HostPattern, OriginMatcher, Policy, PortPattern};

use crate::origin;

/// Why an origin is in the matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// An origin the policy allows: an entry as written, or a sample of a
    /// pattern (`entry` is the entry as written in the policy).
    Allowed { entry: String },
    /// An origin given with `--origin`.
    Given,
    /// A look-alike of an allowed entry that the policy denies: the bypass
    /// classes a careless matcher lets through.
    LookAlike { class: Bypass, of: String },
    /// No `Origin` header: not a CORS request (what a cache sees too).
    NoOrigin,
}

impl Role {
    /// A short description for the report.
    pub(crate) fn describe(&self) -> String {
        match self {
            Role::Allowed { entry } => format!("allowed by `{entry}`"),
            Role::Given => "given with --origin".to_owned(),
            Role::LookAlike { class, of } => {
                format!("look-alike ({}) of `{of}`", class.as_str())
            }
            Role::NoOrigin => "no Origin: not a CORS request".to_owned(),
        }
    }
}

/// The bypass class of a look-alike origin: what a careless matcher gets
/// wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bypass {
    /// The allowed host with another domain after it.
    Suffix,
    /// The allowed host with a word glued before it.
    Prefix,
    /// `http` for `https`, `ws` for `wss`.
    SchemeDowngrade,
    /// Another port.
    Port,
    /// A letter of the host in upper case.
    Case,
    /// The `null` origin.
    Null,
}

impl Bypass {
    /// The class in the report.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Bypass::Suffix => "suffix",
            Bypass::Prefix => "prefix",
            Bypass::SchemeDowngrade => "scheme downgrade",
            Bypass::Port => "port",
            Bypass::Case => "case",
            Bypass::Null => "null",
        }
    }
}

/// One request of the matrix.
#[derive(Clone, Debug)]
pub(crate) struct Probe {
    /// Why this origin.
    pub(crate) role: Role,
    /// `OPTIONS` for a preflight, else `GET`.
    pub(crate) method: &'static str,
    /// Path and query.
    pub(crate) path: String,
    /// Whether this is the `--error-path` request.
    pub(crate) error_path: bool,
    /// The `Origin` header.
    pub(crate) origin: Option<String>,
    /// `Access-Control-Request-Method` (preflights only).
    pub(crate) request_method: Option<String>,
    /// `Access-Control-Request-Headers` (preflights only).
    pub(crate) request_headers: Option<String>,
    /// `Access-Control-Request-Private-Network: true` (preflights only).
    pub(crate) private_network: bool,
    /// The `-H` headers (actual requests only: a browser sends no cookie or
    /// `Authorization` with a preflight, and that is one of the things a
    /// probe checks).
    pub(crate) extra: Vec<(String, String)>,
}

impl Probe {
    /// Whether this is a preflight.
    pub(crate) fn is_preflight(&self) -> bool {
        self.request_method.is_some()
    }

    /// The request headers, in the order sent.
    pub(crate) fn headers(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(origin) = &self.origin {
            out.push(("Origin".to_owned(), origin.clone()));
        }
        if let Some(method) = &self.request_method {
            out.push(("Access-Control-Request-Method".to_owned(), method.clone()));
        }
        if let Some(headers) = &self.request_headers {
            out.push(("Access-Control-Request-Headers".to_owned(), headers.clone()));
        }
        if self.private_network {
            out.push((
                "Access-Control-Request-Private-Network".to_owned(),
                "true".to_owned(),
            ));
        }
        out.extend(self.extra.iter().cloned());
        out
    }

    /// The engine's request for this probe.
    pub(crate) fn engine_request(&self) -> Request<'_> {
        let mut r = Request::new(self.method, self.path.as_str());
        if let Some(origin) = &self.origin {
            r = r.origin(origin.as_str());
        }
        if let Some(method) = &self.request_method {
            r = r.request_method(method.as_str());
        }
        if let Some(headers) = &self.request_headers {
            r = r.request_headers(headers.as_str());
        }
        if self.private_network {
            r = r.private_network("true");
        }
        r
    }

    /// One line: `OPTIONS /api/users (PUT; content-type) from https://a.example`.
    pub(crate) fn summary(&self) -> String {
        let mut out = format!("{} {}", self.method, self.path);
        if let Some(method) = &self.request_method {
            out.push_str(&format!(" (preflight for {method}"));
            if let Some(headers) = &self.request_headers {
                out.push_str(&format!(" with {headers}"));
            }
            if self.private_network {
                out.push_str(", private network");
            }
            out.push(')');
        }
        match &self.origin {
            Some(origin) => out.push_str(&format!(" from {origin}")),
            None => out.push_str(" without Origin"),
        }
        out
    }
}

/// What the matrix is built from.
pub(crate) struct Inputs<'a> {
    /// The compiled policy set (the oracle).
    pub(crate) engine: &'a Engine,
    /// The policy covering the URL's path.
    pub(crate) policy: &'a Policy,
    /// The URL's path and query.
    pub(crate) path: &'a str,
    /// `--error-path`, with the URL's query left off.
    pub(crate) error_path: Option<&'a str>,
    /// `--origin` values.
    pub(crate) given: &'a [String],
    /// `-H` headers.
    pub(crate) extra: &'a [(String, String)],
}

/// The matrix, and notes on what it could not cover.
pub(crate) struct Plan {
    /// The requests, in the order they are reported.
    pub(crate) probes: Vec<Probe>,
    /// What the matrix leaves out, and why.
    pub(crate) notes: Vec<String>,
}

/// Methods tried when the policy says `methods *`, and as denied methods.
const SAMPLE_METHODS: [&str; 4] = ["PUT", "DELETE", "PATCH", "PROPFIND"];

/// The header tried when the policy says `headers *`.
const SAMPLE_HEADER: &str = "x-cors-policy-probe";

/// The host the look-alikes are attached to.
const ATTACKER: &str = "attacker.example";

/// Builds the request matrix.
pub(crate) fn plan(inputs: &Inputs<'_>) -> Plan {
    let policy = inputs.policy;
    let mut notes = Vec::new();
    if policy.max_age.is_none() {
        notes.push(format!(
            "policy \"{}\" has no `max-age`, so neither does its preflight answer: browsers ask \
             again after 5 seconds; add e.g. `max-age 2h` to it",
            policy.name
        ));
    }
    let allowed = allowed_samples(policy, inputs.given.is_empty(), &mut notes);
    let mut origins: Vec<(String, Role)> = allowed
        .iter()
        .map(|(origin, entry)| {
            let role = Role::Allowed {
                entry: entry.clone(),
            };
            (origin.clone(), role)
        })
        .collect();
    for origin in inputs.given {
        if !origins.iter().any(|(o, _)| o == origin) {
            origins.push((origin.clone(), Role::Given));
        }
    }
    for (origin, class, of) in look_alikes(&allowed) {
        let allowed_too = actual_allowed(inputs.engine, inputs.path, &origin);
        if !allowed_too && !origins.iter().any(|(o, _)| *o == origin) {
            origins.push((origin, Role::LookAlike { class, of }));
        }
    }

    let methods: Vec<String> = if policy.methods.any {
        SAMPLE_METHODS
            .iter()
            .take(2)
            .map(|m| (*m).to_owned())
            .collect()
    } else {
        policy.methods.names.clone()
    };
    let typical = methods
        .iter()
        .find(|m| !is_cors_safelisted_method(m))
        .or(methods.first())
        .cloned()
        .unwrap_or_else(|| "GET".to_owned());
    let headers: Vec<String> = if policy.headers.any {
        vec![SAMPLE_HEADER.to_owned()]
    } else {
        policy.headers.names.clone()
    };

    let mut b = Builder {
        path: inputs.path,
        extra: inputs.extra,
        probes: Vec::new(),
    };
    let primary = origins
        .iter()
        .find(|(o, role)| {
            matches!(role, Role::Allowed { .. } | Role::Given)
                && actual_allowed(inputs.engine, inputs.path, o)
        })
        .cloned();
    if let Some((origin, role)) = &primary {
        for method in &methods {
            b.preflight(role, origin, method, None);
        }
        for header in &headers {
            b.preflight(role, origin, "GET", Some(header));
        }
        let denied_method = SAMPLE_METHODS
            .iter()
            .find(|m| !preflight_allowed(inputs.engine, inputs.path, origin, m, None));
        match denied_method {
            Some(method) => b.preflight(role, origin, method, None),
            None => notes.push("every method is allowed: no denied method to try".to_owned()),
        }
        let denied_header = ["authorization", SAMPLE_HEADER]
            .into_iter()
            .find(|h| !preflight_allowed(inputs.engine, inputs.path, origin, "GET", Some(h)));
        match denied_header {
            Some(header) => b.preflight(role, origin, "GET", Some(header)),
            None => notes.push("every header is allowed: no denied header to try".to_owned()),
        }
        // Private Network Access: allowed only under `private-network`.
        b.preflight(role, origin, &typical, None);
        if let Some(last) = b.probes.last_mut() {
            last.private_network = true;
        }
        b.actual(role, Some(origin));
    } else {
        notes.push(
            "no origin the policy allows could be made up: pass one with --origin".to_owned(),
        );
    }
    for (origin, role) in &origins {
        if primary.as_ref().is_some_and(|(o, _)| o == origin) {
            continue;
        }
        b.preflight(role, origin, &typical, None);
        b.actual(role, Some(origin));
    }
    b.actual(&Role::NoOrigin, None);
    if let (Some(path), Some((origin, role))) = (inputs.error_path, &primary) {
        b.path = path;
        b.preflight(role, origin, &typical, None);
        b.actual(role, Some(origin));
        for probe in b.probes.iter_mut().rev().take(2) {
            probe.error_path = true;
        }
    }
    Plan {
        probes: b.probes,
        notes,
    }
}

/// Pushes probes.
struct Builder<'a> {
    path: &'a str,
    extra: &'a [(String, String)],
    probes: Vec<Probe>,
}

impl Builder<'_> {
    fn preflight(&mut self, role: &Role, origin: &str, method: &str, header: Option<&str>) {
        self.probes.push(Probe {
            role: role.clone(),
            method: "OPTIONS",
            path: self.path.to_owned(),
            error_path: false,
            origin: Some(origin.to_owned()),
            request_method: Some(method.to_owned()),
            request_headers: header.map(str::to_owned),
            private_network: false,
            extra: Vec::new(),
        });
    }

    fn actual(&mut self, role: &Role, origin: Option<&str>) {
        self.probes.push(Probe {
            role: role.clone(),
            method: "GET",
            path: self.path.to_owned(),
            error_path: false,
            origin: origin.map(str::to_owned),
            request_method: None,
            request_headers: None,
            private_network: false,
            extra: self.extra.to_vec(),
        });
    }
}

fn actual_allowed(engine: &Engine, path: &str, origin: &str) -> bool {
    engine
        .decide(&Request::new("GET", path).origin(origin))
        .allowed()
}

/// Whether the engine allows a preflight from `origin` to `path` asking for
/// `method` (and `header`).
pub(crate) fn preflight_allowed(
    engine: &Engine,
    path: &str,
    origin: &str,
    method: &str,
    header: Option<&str>,
) -> bool {
    let mut request = Request::new("OPTIONS", path)
        .origin(origin)
        .request_method(method);
    if let Some(header) = header {
        request = request.request_headers(header);
    }
    engine.decide(&request).allowed()
}

/// One origin for each entry the policy allows, with the entry as written;
/// regex entries are left to `--origin` (noted).
fn allowed_samples(
    policy: &Policy,
    note_regexes: bool,
    notes: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in &policy.origins {
        let sample = match &entry.matcher {
            OriginMatcher::Any => "https://any-origin.example".to_owned(),
            OriginMatcher::Null => "null".to_owned(),
            OriginMatcher::Exact(origin) => origin.clone(),
            OriginMatcher::Pattern(p) => {
                let host = match &p.host {
                    HostPattern::Exact(host) => host.clone(),
                    HostPattern::Subdomains(suffix) => format!("probe.{suffix}"),
                };
                // A port wildcard is sampled with a common development port.
                let port = match p.port {
                    PortPattern::Default => None,
                    PortPattern::Exact(port) => Some(port),
                    PortPattern::Any => Some(8080),
                };
                let port = port.map(|p| format!(":{p}")).unwrap_or_default();
                format!("{}://{host}{port}", p.scheme)
            }
            OriginMatcher::Set(_) => {
                if note_regexes {
                    notes.push(format!(
                        "`{}` is supplied at run time: pass one of its origins with --origin",
                        entry.source
                    ));
                }
                continue;
            }
            OriginMatcher::Regex(_) => {
                if !note_regexes {
                    continue;
                }
                notes.push(format!(
                    "`{}` is a regex: no origin is made up for it; pass one it matches with --origin",
                    entry.source
                ));
                continue;
            }
        };
        if !out.iter().any(|(o, _)| *o == sample) {
            out.push((sample, entry.source.clone()));
        }
    }
    out
}

/// The look-alikes of each allowed origin: `(origin, class, entry)`.
fn look_alikes(allowed: &[(String, String)]) -> Vec<(String, Bypass, String)> {
    let mut out = Vec::new();
    for (origin, entry) in allowed {
        let Some(parts) = origin::parts(origin) else {
            continue;
        };
        let (scheme, host, port) = (
            parts.scheme.as_str(),
            parts.host.as_str(),
            parts.port_suffix(),
        );
        let mut push = |candidate: String, class: Bypass| {
            out.push((candidate, class, entry.clone()));
        };
        push(
            format!("{scheme}://{host}.{ATTACKER}{port}"),
            Bypass::Suffix,
        );
        if !host.starts_with('[') {
            // `*.example.com` → `attackerexample.com`; `app.example.com` → `attackerapp.example.com`.
            let base = match entry.find("*.") {
                Some(_) => host.split_once('.').map_or(host, |(_, rest)| rest),
                None => host,
            };
            push(format!("{scheme}://attacker{base}{port}"), Bypass::Prefix);
        }
        let downgrade = match scheme {
            "https" => Some("http"),
            "wss" => Some("ws"),
            _ => None,
        };
        if let Some(plain) = downgrade {
            push(format!("{plain}://{host}{port}"), Bypass::SchemeDowngrade);
        }
        if !entry.contains(":*") {
            let other = if parts.port == Some(8443) {
                ":8444"
            } else {
                ":8443"
            };
            push(format!("{scheme}://{host}{other}"), Bypass::Port);
        }
        if let Some(at) = host.find(|c: char| c.is_ascii_lowercase()) {
            let mut upper = host.to_owned();
            if let Some(letter) = upper.get_mut(at..=at) {
                letter.make_ascii_uppercase();
            }
            push(format!("{scheme}://{upper}{port}"), Bypass::Case);
        }
    }
    if let Some((_, entry)) = allowed.first() {
        out.push(("null".to_owned(), Bypass::Null, entry.clone()));
    }
    out
}

#[cfg(test)]
mod tests;
