//! One `origins` string → a serialized origin or a structural pattern.
//!
//! The text is first split by hand into scheme, authority and whatever follows,
//! because the URL parser forgives what a browser never sends (a trailing `/`,
//! `https:a.com`, an empty port); the authority is then normalized by the `url`
//! crate, which implements the WHATWG URL standard (IDN → punycode, IPv6
//! compression, default ports).

use url::{Host, Url};

use super::schemes::{INNER_ORIGIN_SCHEMES, NULL_SCHEMES, SPECIAL, WEB_SCHEMES, web_scheme_typo};
use crate::limits::{MAX_HOST_LEN, MAX_LABEL_LEN};
use crate::model::{HostPattern, OriginPattern, PortPattern};

/// What an `origins` string means, once normalized.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Normalized {
    /// One serialized origin.
    Exact(ExactOrigin),
    /// A wildcard host label and/or a wildcard port.
    Pattern(OriginPattern),
}

/// A serialized origin and its parts (for the lints that compare entries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExactOrigin {
    /// The ASCII serialization, e.g. `https://xn--mnchen-3ya.de`.
    pub(crate) serialized: String,
    /// Lowercase scheme.
    pub(crate) scheme: String,
    /// Serialized host (IPv6 in brackets).
    pub(crate) host: String,
    /// The port, when not the scheme's default.
    pub(crate) port: Option<u16>,
}

/// Why a string is not an origin: the message and what to write instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OriginError {
    pub(crate) message: String,
    pub(crate) help: String,
}

impl OriginError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The scheme to suggest for a host written without one: `http` on
/// loopback (a local server rarely has TLS), else `https`.
fn scheme_for(host: &str) -> &'static str {
    let bare = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    if is_loopback_host(&bare) {
        "http"
    } else {
        "https"
    }
}

/// Normalizes one `origins` string, as written (unescaped).
pub(crate) fn normalize(text: &str) -> Result<Normalized, OriginError> {
    let parts = split(text)?;
    parts.normalize()
}

/// The text split at its structural boundaries (before any normalization).
struct Parts<'a> {
    text: &'a str,
    scheme: String,
    /// The host as written; `Some(suffix)` in `wildcard` when it was `*.suffix`.
    host: &'a str,
    wildcard_host: bool,
    port: PortText<'a>,
}

enum PortText<'a> {
    None,
    Any,
    Number(&'a str),
}

fn is_scheme(s: &str) -> bool {
    crate::fetch::is_scheme(s.as_bytes())
}

/// `write `"…"``, a suggestion in the house style.
fn write(fix: &str) -> String {
    format!("write `\"{fix}\"`")
}

/// The best spelling of a suggested fix: its serialization when it is a valid
/// exact origin, else as given.
fn suggestion(fix: &str) -> String {
    match split(fix).and_then(|p| p.normalize()) {
        Ok(Normalized::Exact(e)) => e.serialized,
        _ => fix.to_owned(),
    }
}

fn split(text: &str) -> Result<Parts<'_>, OriginError> {
    if text.is_empty() {
        return Err(OriginError::new(
            "an origin cannot be empty",
            "write an origin such as `\"https://app.example.com\"`",
        ));
    }
    if text == "*" {
        return Err(OriginError::new(
            "`\"*\"` is a string, not the wildcard",
            "write `*` without quotes to allow every origin",
        ));
    }
    if text.eq_ignore_ascii_case("null") {
        return Err(OriginError::new(
            format!("`\"{text}\"` is a string, not the `null` origin"),
            "write `null` without quotes",
        ));
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        let squeezed: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
            .collect();
        return Err(OriginError::new(
            format!("`{text}` contains whitespace"),
            format!(
                "{} (browsers never send spaces in an origin)",
                write(&suggestion(&squeezed))
            ),
        ));
    }

    let Some((scheme, rest)) = text.split_once(':').filter(|(s, _)| is_scheme(s)) else {
        // `https//app.example.com`: a web scheme (or a near miss) and `//`.
        if let Some((word, after)) = text.split_once("//").filter(|(w, _)| is_scheme(w)) {
            let lower = word.to_ascii_lowercase();
            let web = if WEB_SCHEMES.contains(&lower.as_str()) {
                Some(
                    WEB_SCHEMES
                        .iter()
                        .copied()
                        .find(|w| *w == lower)
                        .unwrap_or("https"),
                )
            } else {
                web_scheme_typo(&lower)
            };
            if let Some(web) = web {
                return Err(OriginError::new(
                    format!("`{text}` lacks `:` after `{word}`"),
                    write(&suggestion(&format!("{web}://{after}"))),
                ));
            }
        }
        return Err(missing_scheme(text));
    };
    let scheme_lower = scheme.to_ascii_lowercase();
    if let Some(web) = web_scheme_typo(&scheme_lower) {
        let after = rest.trim_start_matches(['/', '\\']);
        return Err(OriginError::new(
            format!("`{text}` has the scheme `{scheme}`, which is not a web scheme"),
            format!(
                "did you mean `\"{}\"`?",
                suggestion(&format!("{web}://{after}"))
            ),
        ));
    }
    if NULL_SCHEMES.contains(&scheme_lower.as_str()) {
        return Err(OriginError::new(
            format!("`{scheme_lower}:` pages have no origin: they send `Origin: null`"),
            "write `null` (unquoted) to allow them, knowing that any site can make such a page",
        ));
    }
    if INNER_ORIGIN_SCHEMES.contains(&scheme_lower.as_str()) {
        return Err(OriginError::new(
            format!(
                "a `{scheme_lower}:` URL is not an origin: its requests carry the origin of the page that made it"
            ),
            "write that page's origin, e.g. `\"https://app.example.com\"`",
        ));
    }
    let Some(after) = rest.strip_prefix("//") else {
        if SPECIAL.contains(&scheme_lower.as_str()) {
            let host = rest.trim_start_matches(['/', '\\']);
            return Err(OriginError::new(
                format!("`{text}` lacks `//` after `{scheme}:`"),
                write(&suggestion(&format!("{scheme_lower}://{host}"))),
            ));
        }
        if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'*') {
            // `localhost:3000`: a host and a port, no scheme.
            return Err(missing_scheme(text));
        }
        return Err(OriginError::new(
            format!("`{text}` is not an origin"),
            "an origin is written `scheme://host` or `scheme://host:port`, e.g. `\"https://app.example.com\"`",
        ));
    };

    let end = after.find(['/', '?', '#', '\\']).unwrap_or(after.len());
    let (authority, tail) = after.split_at(end);
    let fixed = |authority: &str| suggestion(&format!("{scheme_lower}://{authority}"));

    if authority.is_empty() && tail.starts_with('/') && tail.len() > 1 {
        let host = tail.trim_start_matches('/');
        let host = host.split(['/', '?', '#']).next().unwrap_or(host);
        return Err(OriginError::new(
            format!("`{text}` has too many `/` after `{scheme}:`"),
            write(&suggestion(&format!("{scheme_lower}://{host}"))),
        ));
    }
    if let Some((_, host_port)) = authority.rsplit_once('@') {
        return Err(OriginError::new(
            format!("`{text}` has a user name or password"),
            format!(
                "{} (an origin never carries credentials)",
                write(&fixed(host_port))
            ),
        ));
    }
    if !tail.is_empty() {
        let path_end = tail.find(['?', '#']).unwrap_or(tail.len());
        let (path, after_path) = tail.split_at(path_end);
        let (what, why) = if path == "/" && after_path.is_empty() {
            ("ends with `/`", "an origin has no trailing slash")
        } else if path.len() > 1 {
            ("has a path", "an origin has no path")
        } else if after_path.starts_with('?') {
            ("has a query", "an origin has no query")
        } else {
            ("has a fragment", "an origin has no fragment")
        };
        return Err(OriginError::new(
            format!("`{text}` {what}"),
            format!("{} ({why})", write(&fixed(authority))),
        ));
    }
    if authority.is_empty() {
        return Err(OriginError::new(
            format!("`{text}` has no host"),
            format!(
                "write a host after `{scheme_lower}://`, e.g. `\"{scheme_lower}://app.example.com\"`"
            ),
        ));
    }

    let (host, port) = split_host_port(authority).ok_or_else(|| {
        OriginError::new(
            format!("`{text}` has a malformed IPv6 address"),
            "write an IPv6 host in brackets, e.g. `\"http://[::1]:8080\"`",
        )
    })?;
    let port = match port {
        None => PortText::None,
        Some("*") => PortText::Any,
        Some("") => {
            return Err(OriginError::new(
                format!("`{text}` has an empty port"),
                format!("{} (or add the port number after `:`)", write(&fixed(host))),
            ));
        }
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) && p.parse::<u16>().is_ok() => {
            PortText::Number(p)
        }
        Some(p) => {
            return Err(OriginError::new(
                format!("`{text}` has an invalid port `{p}`"),
                "a port is a number from 0 to 65535, or `*` for any port",
            ));
        }
    };

    let (host, wildcard_host) = match host.strip_prefix("*.") {
        Some(suffix) => (suffix, true),
        None => (host, false),
    };
    if host == "*" && !wildcard_host {
        return Err(OriginError::new(
            format!("`{text}` has `*` for its whole host"),
            format!(
                "write `*` (unquoted) to allow every origin, or a subdomain wildcard such as `\"{scheme_lower}://*.example.com\"`"
            ),
        ));
    }
    if host.contains('*') {
        return Err(OriginError::new(
            format!("`{text}` has a `*` that is not the whole leftmost label of the host"),
            format!(
                "write a subdomain wildcard such as `\"{scheme_lower}://*.example.com\"`, or use `regex r\"…\"` for anything else"
            ),
        ));
    }
    if wildcard_host && host.is_empty() {
        return Err(OriginError::new(
            format!("`{text}` has nothing after `*.`"),
            format!(
                "write the domain the subdomains are under, e.g. `\"{scheme_lower}://*.example.com\"`"
            ),
        ));
    }
    Ok(Parts {
        text,
        scheme: scheme_lower,
        host,
        wildcard_host,
        port,
    })
}

fn missing_scheme(text: &str) -> OriginError {
    let bare = text.trim_start_matches('/');
    let host = bare.split(['/', '?', '#']).next().unwrap_or(bare);
    OriginError::new(
        format!("`{text}` has no scheme"),
        format!(
            "{} (an origin starts with its scheme)",
            write(&suggestion(&format!("{}://{host}", scheme_for(host))))
        ),
    )
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`. `None` for a malformed bracket.
fn split_host_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.contains('[') {
        let close = authority.find(']')?;
        let (host, after) = authority.split_at(close + 1);
        return match after {
            "" => Some((host, None)),
            _ => after.strip_prefix(':').map(|p| (host, Some(p))),
        };
    }
    Some(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

impl Parts<'_> {
    fn normalize(self) -> Result<Normalized, OriginError> {
        let (host, port) = if SPECIAL.contains(&self.scheme.as_str()) {
            self.special_host()?
        } else {
            self.opaque_host()?
        };
        match (self.wildcard_host, &self.port) {
            (false, PortText::None | PortText::Number(_)) => {
                let mut serialized = format!("{}://{}", self.scheme, host);
                if let Some(p) = port {
                    serialized.push(':');
                    serialized.push_str(&p.to_string());
                }
                Ok(Normalized::Exact(ExactOrigin {
                    serialized,
                    scheme: self.scheme,
                    host,
                    port,
                }))
            }
            (wildcard, port_text) => Ok(Normalized::Pattern(OriginPattern {
                scheme: self.scheme,
                host: if wildcard {
                    HostPattern::Subdomains(host)
                } else {
                    HostPattern::Exact(host)
                },
                port: match (port_text, port) {
                    (PortText::Any, _) => PortPattern::Any,
                    (_, Some(p)) => PortPattern::Exact(p),
                    (_, None) => PortPattern::Default,
                },
            })),
        }
    }

    /// Host and non-default port through the URL standard.
    fn special_host(&self) -> Result<(String, Option<u16>), OriginError> {
        let port = match self.port {
            PortText::Number(p) => format!(":{p}"),
            PortText::None | PortText::Any => String::new(),
        };
        let url = Url::parse(&format!("{}://{}{}", self.scheme, self.host, port)).map_err(|e| {
            OriginError::new(
                format!("`{}` is not a valid origin: {e}", self.text),
                "write a serialized origin such as `\"https://app.example.com\"`",
            )
        })?;
        // The URL standard's own serialization of the host (IPv4 shorthands
        // and IPv4-mapped IPv6 included: `[::ffff:127.0.0.1]` is
        // `[::ffff:7f00:1]`), never a second serializer of ours.
        let host = match (url.host(), url.host_str()) {
            (Some(Host::Ipv4(_) | Host::Ipv6(_)), _) if self.wildcard_host => {
                return Err(OriginError::new(
                    format!("`{}` puts a `*` label before an IP address", self.text),
                    "an IP address has no subdomains: write the address itself, or a `regex`",
                ));
            }
            (Some(Host::Domain(_)), Some(h)) => {
                self.check_length(h)?;
                h.to_owned()
            }
            (Some(_), Some(h)) => h.to_owned(),
            _ => {
                return Err(OriginError::new(
                    format!("`{}` has no host", self.text),
                    "write a host, e.g. `\"https://app.example.com\"`",
                ));
            }
        };
        Ok((host, url.port()))
    }

    /// A DNS host within the limits the engine matches (a `*.` suffix leaves
    /// room for one label and its dot).
    fn check_length(&self, host: &str) -> Result<(), OriginError> {
        let name = host.strip_suffix('.').unwrap_or(host);
        if let Some(label) = name.split('.').find(|l| l.len() > MAX_LABEL_LEN) {
            return Err(OriginError::new(
                format!(
                    "`{}` has a host label of {} bytes, `{}`",
                    self.text,
                    label.len(),
                    shorten(label)
                ),
                format!(
                    "a DNS label is at most {MAX_LABEL_LEN} bytes: no page can have this origin"
                ),
            ));
        }
        let room = if self.wildcard_host {
            MAX_HOST_LEN - 2
        } else {
            MAX_HOST_LEN
        };
        if name.len() > room {
            return Err(OriginError::new(
                format!(
                    "`{}` has a host of {} bytes",
                    shorten(self.text),
                    name.len()
                ),
                format!(
                    "a host name is at most {MAX_HOST_LEN} bytes{}: no page can have this origin",
                    if self.wildcard_host {
                        ", the `*` label and its dot included"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(())
    }

    /// Other schemes (`chrome-extension`, `capacitor`, …): compared as written,
    /// lowercased; the host is restricted to what those schemes really use.
    fn opaque_host(&self) -> Result<(String, Option<u16>), OriginError> {
        if let Some(bad) = self
            .host
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
        {
            return Err(OriginError::new(
                format!("`{}` has the character `{bad}` in its host", self.text),
                format!(
                    "a `{}:` origin's host is letters, digits, `-`, `.` and `_`, as the browser sends it",
                    self.scheme
                ),
            ));
        }
        let port = match self.port {
            PortText::Number(p) => p.parse::<u16>().ok(),
            PortText::None | PortText::Any => None,
        };
        let host = self.host.to_ascii_lowercase();
        self.check_length(&host)?;
        Ok((host, port))
    }
}

use crate::fetch::is_loopback_host;

/// At most 24 characters of `s`, for messages about very long hosts.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(24) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or(s)),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests;
