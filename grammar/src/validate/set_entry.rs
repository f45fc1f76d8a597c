//! One entry the application puts in an origin set at run time, validated
//! by the same code as a literal `origins` string (`entry`), so that a set
//! entry is accepted, rejected and normalized exactly as the same text
//! written in a policy file.

use super::entry::PolicyCx;
use crate::ast::OriginExpr;
use crate::model::OriginMatcher;
use crate::{Diagnostic, Kind, Span, Spanned};

/// Validates one entry of a runtime origin set: an exact origin
/// (`https://app.example.com`) or a wildcard one (`https://*.example.com`,
/// `http://localhost:*`), checked and normalized by the same code as a
/// literal in `origins` — the same diagnostics (`invalid-origin`,
/// `public-suffix-wildcard`), with spans into `text`.
///
/// A set entry is held to the strictest rules: a wildcard over a public
/// suffix is always an error (no `allow` covers data that arrives at run
/// time), and `*` and `null` are never entries (a set never matches every
/// origin, nor the origin `null`). On success, the entry as the engine
/// matches it: [`OriginMatcher::Exact`] or [`OriginMatcher::Pattern`].
pub fn validate_set_entry(text: &str) -> Result<OriginMatcher, Diagnostic> {
    let span = Span::new(0, text.len());
    if text == "*" || text.eq_ignore_ascii_case("null") {
        return Err(Diagnostic::new(
            Kind::InvalidOrigin,
            span,
            format!("`{text}` cannot be an entry of an origin set"),
        )
        .with_help(
            "a set entry is one origin such as `https://app.example.com` or a subdomain wildcard such as `https://*.example.com`; a set never matches every origin, nor `null`",
        ));
    }
    let cx = PolicyCx {
        credentials: false,
        private_network: false,
        allows_public_suffix: false,
    };
    let entry = Spanned::new(OriginExpr::Literal(text.to_owned()), span);
    let mut diagnostics = Vec::new();
    let matcher = cx.origin(&entry, &mut diagnostics);
    match (matcher, diagnostics.into_iter().find(Diagnostic::is_error)) {
        (Some((matcher, _)), None) => Ok(matcher),
        (_, Some(mut error)) => {
            // The policy's escape hatch does not apply to a set.
            if let Some(help) = &mut error.help
                && let Some(cut) = help.find(" (or `allow public-suffix-wildcard`")
            {
                help.truncate(cut);
                help.push_str(" (no `allow` applies to an origin set)");
            }
            Err(error)
        }
        (None, None) => Err(Diagnostic::new(
            Kind::InvalidOrigin,
            span,
            format!("`{text}` is not an origin"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HostPattern, PortPattern};

    #[test]
    fn entries_are_normalized_as_literals() {
        assert_eq!(
            validate_set_entry("HTTPS://App.Example.com:443"),
            Ok(OriginMatcher::Exact("https://app.example.com".into()))
        );
        assert_eq!(
            validate_set_entry("https://münchen.de"),
            Ok(OriginMatcher::Exact("https://xn--mnchen-3ya.de".into()))
        );
        match validate_set_entry("https://*.tenant.example") {
            Ok(OriginMatcher::Pattern(p)) => {
                assert_eq!(p.host, HostPattern::Subdomains("tenant.example".into()));
                assert_eq!(p.port, PortPattern::Default);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn entries_are_rejected_with_the_language_diagnostics() {
        for (text, kind) in [
            ("https://a.com/", Kind::InvalidOrigin),
            ("a.com", Kind::InvalidOrigin),
            ("*", Kind::InvalidOrigin),
            ("null", Kind::InvalidOrigin),
            ("file:///x", Kind::InvalidOrigin),
            (" https://a.com", Kind::InvalidOrigin),
            ("https://*.com", Kind::PublicSuffixWildcard),
            ("https://*.github.io", Kind::PublicSuffixWildcard),
        ] {
            let got = validate_set_entry(text).map_err(|d| (d.kind, d.span));
            assert_eq!(got, Err((kind, Span::new(0, text.len()))), "{text:?}");
        }
    }
}
