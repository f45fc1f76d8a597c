//! Failures that are not CORS, and that no policy line can fix: mixed
//! content, Chrome's Local Network Access permission, a second
//! `Access-Control-Allow-Origin` from another layer, third-party cookies.

use cors_policy::browser::{CredentialsMode, Outcome};
use cors_policy_grammar::fetch::{is_loopback_host as is_loopback, site};

use super::simulate::Page;
use crate::origin;
use crate::request::console::{Failure, Message};

/// What kind of failure that is not CORS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An https page fetching a plain-http URL.
    MixedContent,
    /// A public page fetching a private address.
    LocalNetworkAccess,
    /// A second `Access-Control-Allow-Origin` from another layer.
    DuplicateAllowOrigin,
    /// Credentials sent to another site.
    ThirdPartyCookies,
}

impl Kind {
    /// The name in the JSON output.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::MixedContent => "mixed-content",
            Kind::LocalNetworkAccess => "local-network-access",
            Kind::DuplicateAllowOrigin => "duplicate-allow-origin",
            Kind::ThirdPartyCookies => "third-party-cookies",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    /// What kind.
    pub(crate) kind: Kind,
    /// Whether the browser stops the request whatever the policy says.
    pub(crate) blocks: bool,
    /// What to tell the developer.
    pub(crate) text: String,
}

/// What is not CORS about this request.
pub(crate) fn findings(page: &Page, outcome: &Outcome, console: Option<&Message>) -> Vec<Finding> {
    let mut out = Vec::new();
    let request = &page.request;
    let page_parts = origin::parts(&request.page_origin);
    let target_parts = page
        .target_known
        .then(|| origin::parts(&request.target_origin))
        .flatten();
    if let (Some(page_parts), Some(target_parts)) = (&page_parts, &target_parts)
        && page_parts.scheme == "https"
        && target_parts.scheme == "http"
        && !is_loopback(&target_parts.host)
    {
        out.push(Finding {
            kind: Kind::MixedContent,
            blocks: true,
            text: format!(
                "the page is https and the URL is plain http. Chromium blocks it as mixed \
                 content before any CORS check (no request leaves, no policy can help):\n\n    \
                 Mixed Content: The page at '{}/' was loaded over HTTPS, but requested an insecure \
                 resource '{}'. This request has been blocked; the content must be served over HTTPS.\n\n\
                 Serve the API over https (`{}`).",
                request.page_origin,
                request.url(),
                request.url().replacen("http://", "https://", 1)
            ),
        });
    }
    if let (Some(page_parts), Some(target_parts)) = (&page_parts, &target_parts)
        && let (page_host, target_host) = (page_parts.host.as_str(), target_parts.host.as_str())
        && address_space(target_host) < address_space(page_host)
    {
        let space = if address_space(target_host) == Space::Loopback {
            "this device (loopback)"
        } else {
            "the local network"
        };
        out.push(Finding {
            kind: Kind::LocalNetworkAccess,
            blocks: false,
            text: format!(
                "a public page (`{}`) fetching {space}. Chrome asks the user for the \
                 Local Network Access permission first (it replaced Private Network Access \
                 preflights with this prompt); if the user denies it, the fetch fails with no \
                 CORS message and no policy line can help. `private-network` only answers \
                 browsers that still send `Access-Control-Request-Private-Network`.",
                request.page_origin
            ),
        });
    }
    if let Some(message) = console
        && let Failure::MultipleAllowOrigin(values) = &message.failure
    {
        out.push(Finding {
            kind: Kind::DuplicateAllowOrigin,
            blocks: true,
            text: format!(
                "not this policy: the browser received two `Access-Control-Allow-Origin` values \
                 (`{values}`). The engine sends exactly one; another layer adds its own (the \
                 framework's CORS middleware, a proxy or CDN rule, nginx `add_header`). Remove \
                 the other one."
            ),
        });
    }
    if request.credentials == CredentialsMode::Include
        && outcome.is_ok()
        && let (Some(page_parts), Some(target_parts)) = (&page_parts, &target_parts)
        && let (page_host, target_host) = (page_parts.host.as_str(), target_parts.host.as_str())
        && site(page_host) != site(target_host)
    {
        out.push(Finding {
            kind: Kind::ThirdPartyCookies,
            blocks: false,
            text: format!(
                "CORS allows credentials here, but `{}` and `{}` are different sites, \
                 so cookies go only if they are `SameSite=None; Secure` and the browser allows \
                 third-party cookies (Safari and Firefox block them by default, Chrome when the \
                 user does). Without them the request arrives unauthenticated: a 401 that no \
                 policy line changes. Serve the API from the page's site (api.{} for {}).",
                request.page_origin,
                request.target_origin,
                site(page_host),
                site(page_host)
            ),
        });
    }
    out
}

/// Chrome's address spaces, most private first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Space {
    Loopback,
    Local,
    Public,
}

fn address_space(host: &str) -> Space {
    if is_loopback(host) {
        return Space::Loopback;
    }
    let octets: Vec<u8> = host.split('.').filter_map(|p| p.parse().ok()).collect();
    let private = match octets.as_slice() {
        [10, _, _, _] | [192, 168, _, _] | [169, 254, _, _] => true,
        [172, b, _, _] => (16..=31).contains(b),
        _ => host.ends_with(".local") || host.starts_with("[fd") || host.starts_with("[fe80"),
    };
    if private && (octets.len() == 4 || host.ends_with(".local") || host.starts_with('[')) {
        Space::Local
    } else {
        Space::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_spaces_and_sites() {
        assert_eq!(address_space("localhost"), Space::Loopback);
        assert_eq!(address_space("127.0.0.1"), Space::Loopback);
        assert_eq!(address_space("192.168.1.10"), Space::Local);
        assert_eq!(address_space("172.20.0.1"), Space::Local);
        assert_eq!(address_space("172.40.0.1"), Space::Public);
        assert_eq!(address_space("printer.local"), Space::Local);
        assert_eq!(address_space("api.example.com"), Space::Public);
        assert_eq!(site("app.example.com"), "example.com");
        assert_eq!(site("example.com"), "example.com");
        assert_eq!(site("127.0.0.1"), "127.0.0.1");
    }
}
