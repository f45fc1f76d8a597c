//! Hand-built policies and request helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use cors_policy::{Decision, Engine};
use cors_policy_grammar::Span;
use cors_policy_grammar::model::*;

/// An origin entry from a short notation: `*`, `null`, `regex:RE`,
/// `scheme://*.suffix[:port|:*]`, `scheme://host:*`, or an exact origin.
pub fn origin(entry: &str) -> Origin {
    let matcher = if entry == "*" {
        OriginMatcher::Any
    } else if entry == "null" {
        OriginMatcher::Null
    } else if let Some(re) = entry.strip_prefix("regex:") {
        OriginMatcher::Regex(re.to_owned())
    } else {
        let (scheme, rest) = entry.split_once("://").unwrap();
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, "*")) => (h, Some(PortPattern::Any)),
            Some((h, p)) if !h.ends_with(']') || rest.ends_with(']') => {
                (h, Some(PortPattern::Exact(p.parse().unwrap())))
            }
            _ => (rest, None),
        };
        match (host.strip_prefix("*."), port) {
            (Some(suffix), port) => OriginMatcher::Pattern(OriginPattern {
                scheme: scheme.into(),
                host: HostPattern::Subdomains(suffix.into()),
                port: port.unwrap_or(PortPattern::Default),
            }),
            (None, Some(PortPattern::Any)) => OriginMatcher::Pattern(OriginPattern {
                scheme: scheme.into(),
                host: HostPattern::Exact(host.into()),
                port: PortPattern::Any,
            }),
            (None, _) => OriginMatcher::Exact(entry.into()),
        }
    };
    Origin {
        matcher,
        source: format!("{entry:?}"),
        span: Span::default(),
    }
}

/// A name list: `*` in `names` sets `any`.
pub fn names(list: &[&str]) -> NameList {
    NameList {
        any: list.contains(&"*"),
        names: list
            .iter()
            .filter(|n| **n != "*")
            .map(|n| (*n).to_owned())
            .collect(),
    }
}

/// A policy with defaults filled in as the validator does.
pub fn policy(name: &str, paths: &[&str], origins: &[&str]) -> Policy {
    Policy {
        name: name.into(),
        span: Span::default(),
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
        origins: origins.iter().map(|o| origin(o)).collect(),
        methods: names(&["GET", "HEAD", "POST"]),
        headers: NameList::default(),
        expose: NameList::default(),
        credentials: false,
        max_age: None,
        private_network: false,
        preflight_status: 204,
        skip: false,
    }
}

pub fn engine(policies: Vec<Policy>) -> Engine {
    Engine::from_policies(&PolicySet { policies }).unwrap()
}

/// The headers of a decision as `(name, value)` strings.
pub fn headers(d: &Decision<'_>) -> Vec<(&'static str, String)> {
    d.headers()
        .map(|h| (h.name, String::from_utf8(h.value.to_vec()).unwrap()))
        .collect()
}

/// The value of one header (the first), if present.
pub fn header(d: &Decision<'_>, name: &str) -> Option<String> {
    d.headers()
        .find(|h| h.name == name)
        .map(|h| String::from_utf8(h.value.to_vec()).unwrap())
}
