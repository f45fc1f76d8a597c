//! What an origin pattern matches and covers: a subdomain wildcard over
//! its suffix, a port pattern over ports. The lints that compare `origins`
//! entries (`redundant-origin`) ask these questions.

use super::origin::ExactOrigin;
use crate::limits::MAX_LABEL_LEN;
use crate::model::{HostPattern, OriginPattern, PortPattern};

/// Whether `host` (serialized) is one or more valid labels followed by `.suffix`.
pub(super) fn is_subdomain_of(host: &str, suffix: &str) -> bool {
    let Some(labels) = host.strip_suffix(suffix).and_then(|h| h.strip_suffix('.')) else {
        return false;
    };
    !labels.is_empty()
        && labels.split('.').all(|label| {
            (1..=MAX_LABEL_LEN).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

/// Whether `pattern` matches the exact origin `origin`.
pub(super) fn pattern_matches(pattern: &OriginPattern, origin: &ExactOrigin) -> bool {
    pattern.scheme == origin.scheme
        && match &pattern.host {
            HostPattern::Exact(h) => *h == origin.host,
            HostPattern::Subdomains(s) => is_subdomain_of(&origin.host, s),
        }
        && match &pattern.port {
            PortPattern::Default => origin.port.is_none(),
            PortPattern::Exact(p) => origin.port == Some(*p),
            PortPattern::Any => true,
        }
}

/// Whether every origin `inner` matches is also matched by `outer`.
pub(super) fn pattern_covers(outer: &OriginPattern, inner: &OriginPattern) -> bool {
    outer.scheme == inner.scheme
        && match (&outer.host, &inner.host) {
            (HostPattern::Exact(a), HostPattern::Exact(b)) => a == b,
            (HostPattern::Exact(_), HostPattern::Subdomains(_)) => false,
            (HostPattern::Subdomains(s), HostPattern::Exact(h)) => is_subdomain_of(h, s),
            (HostPattern::Subdomains(a), HostPattern::Subdomains(b)) => {
                a == b || is_subdomain_of(b, a)
            }
        }
        && match (&outer.port, &inner.port) {
            (PortPattern::Any, _) => true,
            (PortPattern::Default, PortPattern::Default) => true,
            (PortPattern::Exact(a), PortPattern::Exact(b)) => a == b,
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::is_loopback_host;

    #[test]
    fn loopback_and_subdomains() {
        for h in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.9.9.9",
            "[::1]",
        ] {
            assert!(is_loopback_host(h), "{h}");
        }
        for h in ["example.com", "128.0.0.1", "[::2]", "localhost.example.com"] {
            assert!(!is_loopback_host(h), "{h}");
        }
        assert!(is_subdomain_of("a.example.com", "example.com"));
        assert!(is_subdomain_of("a.b.example.com", "example.com"));
        assert!(!is_subdomain_of("example.com", "example.com"));
        assert!(!is_subdomain_of("evilexample.com", "example.com"));
        assert!(!is_subdomain_of("a..example.com", "example.com"));
    }
}
