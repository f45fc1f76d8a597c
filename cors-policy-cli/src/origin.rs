//! Origins and URLs taken apart with the `url` crate (WHATWG URL parsing,
//! as browsers do it): a serialized origin's scheme, host and port, the
//! origin of a URL, the scheme a bare `Host` implies. No module of the
//! command splits an origin or a URL by hand.

use cors_policy_grammar::fetch::is_loopback_host;

/// A serialized origin's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    /// `https`.
    pub(crate) scheme: String,
    /// The host as serialized: lowercase, an IPv6 address in brackets.
    pub(crate) host: String,
    /// The port, when it is not the scheme's default.
    pub(crate) port: Option<u16>,
}

impl Parts {
    /// `:PORT`, or nothing for the default port.
    pub(crate) fn port_suffix(&self) -> String {
        self.port.map(|p| format!(":{p}")).unwrap_or_default()
    }
}

/// The parts of `origin` (`https://app.example.com:8443`), or `None` for
/// `null` and anything that is not `scheme://host[:port]`.
pub(crate) fn parts(origin: &str) -> Option<Parts> {
    let url = url::Url::parse(origin).ok()?;
    Some(Parts {
        scheme: url.scheme().to_owned(),
        host: url.host_str().filter(|h| !h.is_empty())?.to_owned(),
        port: url.port(),
    })
}

/// The serialized origin of an absolute URL, or `None` when it has none
/// (not a URL, or an opaque origin).
pub(crate) fn of_url(url: &str) -> Option<String> {
    let origin = url::Url::parse(url).ok()?.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

/// The scheme a request to `host` (a `Host` header, `name[:port]`) most
/// likely used when nothing says: `http` for loopback, else `https`.
pub(crate) fn default_scheme(host: &str) -> &'static str {
    let name = match host.strip_prefix('[') {
        Some(rest) => host.get(..rest.find(']').map_or(host.len(), |i| i + 2)),
        None => host.split(':').next(),
    };
    if name.is_some_and(is_loopback_host) {
        "http"
    } else {
        "https"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_split_at_the_host() {
        for (origin, scheme, host, port) in [
            ("http://localhost:5173", "http", "localhost", Some(5173)),
            ("https://[::1]:8443", "https", "[::1]", Some(8443)),
            ("http://[::1]:8080", "http", "[::1]", Some(8080)),
            ("https://a.example", "https", "a.example", None),
        ] {
            let want = Parts {
                scheme: scheme.to_owned(),
                host: host.to_owned(),
                port,
            };
            assert_eq!(parts(origin), Some(want), "{origin}");
        }
        assert_eq!(parts("null"), None);
        assert_eq!(
            parts("http://localhost:8080").map(|p| p.port_suffix()),
            Some(":8080".to_owned())
        );
    }

    #[test]
    fn urls_have_origins_and_hosts_default_schemes() {
        assert_eq!(
            of_url("https://API.example.com:443/x?y").as_deref(),
            Some("https://api.example.com")
        );
        assert_eq!(
            of_url("http://u:p@127.0.0.1:8080/").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(of_url("/just/a/path"), None);
        assert_eq!(of_url("data:text/plain,x"), None);
        let loopback = ["localhost:3000", "[::1]:8080", "[::1]", "127.0.0.1"];
        for host in loopback {
            assert_eq!(default_scheme(host), "http", "{host}");
        }
        for host in ["api.example.com", "localhost.example.com:80"] {
            assert_eq!(default_scheme(host), "https", "{host}");
        }
    }
}
