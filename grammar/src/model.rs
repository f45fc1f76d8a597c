//! The validated policy set: what the engine compiles.
//!
//! Produced by [`crate::check`] only when a file has no errors. Every value here
//! is already normalized: origins serialized as a browser would, header names
//! lowercased, defaults filled in. The engine trusts it and never re-validates.

use crate::span::Span;

/// A validated policy file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicySet {
    /// The policies, in file order.
    pub policies: Vec<Policy>,
}

/// One validated policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Its name.
    pub name: String,
    /// The span of the whole `policy` block in the source.
    pub span: Span,
    /// Path globs (globset syntax), as written; empty means every path.
    pub paths: Vec<String>,
    /// Allowed origins, in the order written; never empty (except in a
    /// [`skip`](Policy::skip) policy, where it always is).
    pub origins: Vec<Origin>,
    /// Methods a preflight may ask for. When `methods` is absent: `GET, HEAD, POST`.
    /// Names are as written (methods are case-sensitive), duplicates removed.
    pub methods: NameList,
    /// Request headers a preflight may ask for, lowercase, duplicates removed.
    pub headers: NameList,
    /// Response headers exposed to the page's script, lowercase, duplicates removed.
    pub expose: NameList,
    /// `credentials`.
    pub credentials: bool,
    /// `max-age`, in seconds; `None` when absent (the header is not sent).
    pub max_age: Option<u64>,
    /// `private-network`.
    pub private_network: bool,
    /// Status of an allowed preflight (200–299; 204 when absent).
    pub preflight_status: u16,
    /// `skip`: the policy's paths are left to the application, answered
    /// exactly as if no policy matched. A skip policy has no `origins` (and
    /// the other fields keep their defaults).
    pub skip: bool,
}

/// A list of names that may include `*`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameList {
    /// `*` was listed.
    pub any: bool,
    /// The names listed besides `*`, in order, without duplicates.
    pub names: Vec<String>,
}

/// One allowed-origin entry of a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// How it matches.
    pub matcher: OriginMatcher,
    /// The entry as written in the source (`"https://*.example.com"`, `regex r"…"`, `*`, `null`).
    pub source: String,
    /// Where it was written.
    pub span: Span,
}

/// How an origin entry matches the request's `Origin` header (byte for byte).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OriginMatcher {
    /// `*`: every origin.
    Any,
    /// `null`: the literal origin `null`.
    Null,
    /// One serialized origin, e.g. `https://xn--mnchen-3ya.de` or `http://[::1]:8080`.
    Exact(String),
    /// A wildcard host label and/or a wildcard port.
    Pattern(OriginPattern),
    /// A regex over the whole serialized origin, as written; the engine anchors it.
    Regex(String),
    /// `set "NAME"`: the current contents of the named origin set, which the
    /// application supplies at run time (exact and wildcard origins, never
    /// `null`); the set's name.
    Set(String),
}

/// A structural origin pattern: scheme exact, host exact or "one or more labels
/// under", port exact, default or any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginPattern {
    /// Lowercase scheme, e.g. `https`.
    pub scheme: String,
    /// The host part.
    pub host: HostPattern,
    /// The port part.
    pub port: PortPattern,
}

/// The host part of an [`OriginPattern`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostPattern {
    /// Exactly this serialized host.
    Exact(String),
    /// One or more labels (each 1–63 bytes of `a-z 0-9 - _`) followed by `.` and
    /// this serialized suffix (e.g. `example.com` for `*.example.com`).
    Subdomains(String),
}

/// The port part of an [`OriginPattern`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortPattern {
    /// No port in the serialized origin (the scheme's default port).
    Default,
    /// Exactly this (non-default) port.
    Exact(u16),
    /// `:*`: no port, or any canonical non-default port.
    Any,
}
