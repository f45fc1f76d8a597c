//! One `origins` entry checked in the context of its policy: `*` and `null`
//! against `credentials` and `private-network`, a literal normalized (by
//! `origin`) and held to the scheme, public-suffix and plain-`http` rules, a
//! regex compiled and analysed (by `regexes`) for what it can match. It
//! returns the entry's matcher and what the lints comparing entries need.
//! A `set` entry is not checked here (its name is `sets`' business).

use super::lints::EntryKind;
use super::origin::{self, Normalized};
use super::regexes;
use super::schemes;
use super::sets;
use crate::ast::OriginExpr;
use crate::model::{HostPattern, OriginMatcher};
use crate::{Diagnostic, Kind, Severity, Span, Spanned};

/// What the origin checks of one policy need to know about it.
pub(super) struct PolicyCx {
    pub(super) credentials: bool,
    pub(super) private_network: bool,
    pub(super) allows_public_suffix: bool,
}

impl PolicyCx {
    /// Checks one `origins` entry; `None` when it is invalid. The lints
    /// that compare entries see every kind but `set` (whose contents come
    /// at run time).
    pub(super) fn origin(
        &self,
        entry: &Spanned<OriginExpr>,
        d: &mut Vec<Diagnostic>,
    ) -> Option<(OriginMatcher, Option<EntryKind>)> {
        let span = entry.span;
        let (matcher, what) = match &entry.value {
            OriginExpr::Set(name) => {
                return match sets::check_name(name, span) {
                    Some(bad) => {
                        d.push(bad);
                        None
                    }
                    None => Some((OriginMatcher::Set(name.clone()), None)),
                };
            }
            OriginExpr::Any => {
                if self.credentials {
                    d.push(
                        Diagnostic::new(Kind::CredentialsWildcard, span, "`origins *` cannot be used with `credentials`")
                            .with_help("browsers refuse `Access-Control-Allow-Origin: *` on a credentialed request: list the origins, e.g. `origins \"https://app.example.com\"`, or remove `credentials`"),
                    );
                }
                if self.private_network {
                    d.push(
                        Diagnostic::new(Kind::PrivateNetworkWildcard, span, "`origins *` cannot be used with `private-network`")
                            .with_help("list the origins that may reach the private network, e.g. `origins \"https://app.example.com\"`"),
                    );
                }
                (OriginMatcher::Any, EntryKind::Any)
            }
            OriginExpr::Null => {
                if self.credentials {
                    d.push(
                        Diagnostic::new(Kind::CredentialsNull, span, "`null` cannot be used with `credentials`")
                            .with_help("remove `null`: sandboxed iframes and local files send it, and any site can make one, so it would get credentialed answers"),
                    );
                } else {
                    d.push(
                        Diagnostic::new(Kind::NullOrigin, span, "`null` is the origin of sandboxed iframes and local files, which any site can make")
                            .with_help("remove `null` unless you must serve such pages; then add `allow null-origin`"),
                    );
                }
                (OriginMatcher::Null, EntryKind::Null)
            }
            OriginExpr::Literal(text) => match origin::normalize(text) {
                Err(e) => {
                    d.push(Diagnostic::new(Kind::InvalidOrigin, span, e.message).with_help(e.help));
                    return None;
                }
                Ok(Normalized::Exact(x)) => {
                    unknown_scheme(&x.scheme, span, d);
                    self.insecure(&x.scheme, &x.host, text, span, d);
                    (
                        OriginMatcher::Exact(x.serialized.clone()),
                        EntryKind::Exact(x),
                    )
                }
                Ok(Normalized::Pattern(p)) => {
                    unknown_scheme(&p.scheme, span, d);
                    if let HostPattern::Subdomains(suffix) = &p.host
                        && crate::fetch::is_public_suffix(suffix)
                    {
                        d.push(self.public_suffix(text, suffix, span));
                    }
                    let host = match &p.host {
                        HostPattern::Exact(h) | HostPattern::Subdomains(h) => h,
                    };
                    self.insecure(&p.scheme, host, text, span, d);
                    (OriginMatcher::Pattern(p.clone()), EntryKind::Pattern(p))
                }
            },
            OriginExpr::Regex(source) => match regexes::compile(source) {
                Err(e) => {
                    d.push(Diagnostic::new(Kind::InvalidRegex, span, e.message).with_help(e.help));
                    return None;
                }
                Ok(compiled) => {
                    self.regex_reach(source, &compiled, span, d);
                    let dots = regexes::loose_dots(source);
                    if !dots.is_empty() {
                        let fixed = regexes::escape_dots(source, &dots);
                        d.push(
                            Diagnostic::new(
                                Kind::RegexDot,
                                span,
                                format!(
                                    "an unescaped `.` in regex `{source}` matches any character"
                                ),
                            )
                            .with_help(format!(
                                "write `\\.` to match a dot: `regex {}`",
                                crate::format::regex_string(&fixed)
                            )),
                        );
                    }
                    (
                        OriginMatcher::Regex(source.clone()),
                        EntryKind::Regex {
                            source: source.clone(),
                            compiled,
                        },
                    )
                }
            },
        };
        Some((matcher, Some(what)))
    }

    /// What a regex can match: nothing (`invalid-regex`), any site
    /// (`regex-matches-any`), other sites (`regex-over-broad`), a plain-`http`
    /// origin with credentials (`insecure-origin`).
    fn regex_reach(
        &self,
        source: &str,
        compiled: &regex::Regex,
        span: Span,
        d: &mut Vec<Diagnostic>,
    ) {
        let reach = regexes::reach(source, compiled);
        let shown = format!("`{source}`");
        if reach.never {
            let help = if compiled.is_match("null") {
                "a regex never matches the origin `null`: write the `null` keyword (unquoted) to allow it".to_owned()
            } else if source.bytes().any(|b| b.is_ascii_uppercase()) {
                "browsers send origins in lowercase, `scheme://host[:port]`: write the regex in lowercase, e.g. `regex r\"^https://app\\.example\\.com$\"`".to_owned()
            } else if source.contains("://") {
                "the engine matches it against the whole origin, `scheme://host[:port]`, with no path or trailing `/`; only the `null` keyword matches `null`".to_owned()
            } else {
                format!(
                    "the engine matches it against the whole origin, `scheme://host[:port]`: write the scheme, e.g. `regex {}`",
                    crate::format::regex_string(&format!(
                        "https://{}",
                        source.trim_start_matches('^')
                    ))
                )
            };
            d.push(
                Diagnostic::new(
                    Kind::InvalidRegex,
                    span,
                    format!("regex {shown} never matches an origin a browser sends"),
                )
                .with_help(help),
            );
            return;
        }
        if let Some(probe) = reach.any_site {
            d.push(self.downgraded(
                Diagnostic::new(
                    Kind::RegexMatchesAny,
                    span,
                    format!("regex {shown} matches origins of any site, such as `{probe}`"),
                ),
                "anchor the host to your own domain, e.g. `regex r\"^https://[a-z0-9-]+\\.example\\.com$\"`",
            ));
        } else if let Some((witness, other)) = reach.over_broad {
            d.push(self.downgraded(
                Diagnostic::new(
                    Kind::RegexOverBroad,
                    span,
                    format!("regex {shown} matches `{other}` as well as `{witness}`: another site's domain can end with yours"),
                ),
                "start the host at a label boundary, e.g. `(?:[a-z0-9-]+\\.)?example\\.com`, and write the scheme",
            ));
        }
        if let Some(http) = reach.insecure
            && self.credentials
        {
            d.push(
                Diagnostic::new(Kind::InsecureOrigin, span, format!("regex {shown} can match the plain `http` origin `{http}`, and the policy allows `credentials`"))
                    .with_help("match `https://` only (or loopback): anyone on the network can pose as a plain `http` origin and read credentialed answers"),
            );
        }
    }

    /// An error with credentials; without, a warning that `allow` silences.
    fn downgraded(&self, diagnostic: Diagnostic, help: &str) -> Diagnostic {
        if self.credentials {
            diagnostic.with_help(format!(
                "{help} (the policy allows `credentials`, so it would read credentialed answers)"
            ))
        } else {
            let name = diagnostic.kind.name();
            Diagnostic {
                severity: Severity::Warning,
                ..diagnostic
            }
            .with_help(format!(
                "{help}, or `allow {name}` if every site may read these answers"
            ))
        }
    }

    /// `insecure-origin`: plain `http` to a non-loopback host, with credentials.
    fn insecure(&self, scheme: &str, host: &str, text: &str, span: Span, d: &mut Vec<Diagnostic>) {
        if self.credentials && scheme == "http" && !crate::fetch::is_loopback_host(host) {
            let https = text
                .get(4..)
                .map(|rest| format!("https{rest}"))
                .unwrap_or_default();
            d.push(
                Diagnostic::new(Kind::InsecureOrigin, span, format!("`{text}` is a plain `http` origin, and the policy allows `credentials`"))
                    .with_help(format!(
                        "write `\"{https}\"`: anyone on the network can pose as a plain `http` origin and read credentialed answers"
                    )),
            );
        }
    }

    /// `public-suffix-wildcard`, an error unless allowed in a policy without credentials.
    fn public_suffix(&self, text: &str, suffix: &str, span: Span) -> Diagnostic {
        let message = format!("`{text}` allows every site under the public suffix `{suffix}`");
        let diagnostic = Diagnostic::new(Kind::PublicSuffixWildcard, span, message);
        match (self.allows_public_suffix, self.credentials) {
            (true, false) => Diagnostic { severity: Severity::Warning, ..diagnostic }
                .with_help(format!("allowed by `allow public-suffix-wildcard`: any site can register a domain under `{suffix}`")),
            (true, true) => diagnostic.with_help(format!(
                "`allow public-suffix-wildcard` does not apply to a policy with `credentials`: list the sites' own domains, e.g. `\"https://*.example.{suffix}\"`"
            )),
            (false, _) => diagnostic.with_help(format!(
                "anyone can register a domain under `{suffix}`: write your own domain, e.g. `\"https://*.example.{suffix}\"` (or `allow public-suffix-wildcard` in a policy without credentials)"
            )),
        }
    }
}

/// `unknown-scheme`: a scheme no page or known app shell has.
fn unknown_scheme(scheme: &str, span: Span, d: &mut Vec<Diagnostic>) {
    if schemes::is_unknown_scheme(scheme) {
        let known: Vec<String> = schemes::APP_SCHEMES
            .iter()
            .map(|s| format!("`{s}`"))
            .collect();
        d.push(
            Diagnostic::new(
                Kind::UnknownScheme,
                span,
                format!("`{scheme}:` is not a scheme browsers or known app shells send in `Origin`"),
            )
            .with_help(format!(
                "web pages send `http`, `https`, `ws` or `wss`; app shells and extensions send {}; `allow unknown-scheme` if yours sends `{scheme}:`",
                known.join(", ")
            )),
        );
    }
}

/// How messages show an entry, and its source form for the model.
pub(super) fn describe(origin: &OriginExpr) -> (String, String) {
    match origin {
        OriginExpr::Any => ("`*`".to_owned(), "*".to_owned()),
        OriginExpr::Null => ("`null`".to_owned(), "null".to_owned()),
        OriginExpr::Literal(text) => (format!("`{text}`"), crate::format::quoted(text)),
        OriginExpr::Regex(source) => (
            format!("regex `{source}`"),
            format!("regex {}", crate::format::regex_string(source)),
        ),
        OriginExpr::Set(name) => (
            format!("set `{name}`"),
            format!("set {}", crate::format::quoted(name)),
        ),
    }
}
