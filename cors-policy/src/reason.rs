//! Why a decision came out the way it did: a typed, cheap (`Copy`) reason.

use std::fmt;

/// Why the engine answered as it did.
///
/// Allowed variants say which rule matched; the others say which check
/// failed, in the order the engine makes them (path, `Origin`, requested
/// method, requested headers, private network). Byte fields borrow from the
/// request; [`Display`](fmt::Display) shows them escaped, never raw.
///
/// [`code`](Reason::code) gives a stable kebab-case name for machines.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason<'a> {
    /// Allowed: the policy has `origins *` (and no credentials), so the
    /// answer is `Access-Control-Allow-Origin: *`.
    AnyOrigin,
    /// Allowed: the origin matched this entry of the policy's `origins`
    /// (an index into [`Policy::origins`](crate::model::Policy::origins);
    /// the first matching entry in file order).
    OriginAllowed {
        /// Index into the policy's `origins`.
        entry: usize,
    },
    /// Not handled: no policy's `paths` match the request path.
    NoPolicy,
    /// Not handled: the first policy whose `paths` match is a `skip`
    /// policy, which leaves its paths to the application.
    Skipped {
        /// The `skip` policy's name.
        policy: &'a str,
    },
    /// Not a CORS request: there is no `Origin` header.
    NoOrigin,
    /// Denied: the request carried more than one `Origin` header.
    OriginDuplicated,
    /// Denied: the `Origin` header is not a serialized origin as a browser
    /// sends it (uppercase, whitespace, a path, userinfo, a default or
    /// non-canonical port, non-ASCII, …).
    MalformedOrigin {
        /// The `Origin` header's value.
        origin: &'a [u8],
    },
    /// Denied: no entry of the policy's `origins` matches.
    OriginNotAllowed {
        /// The `Origin` header's value.
        origin: &'a [u8],
    },
    /// Denied preflight: more than one `Access-Control-Request-Method` header.
    RequestMethodDuplicated,
    /// Denied preflight: `Access-Control-Request-Method` is not an HTTP token.
    InvalidRequestMethod {
        /// The requested method.
        method: &'a [u8],
    },
    /// Denied preflight: `CONNECT`, `TRACE` or `TRACK` (any case), refused
    /// even under `methods *`.
    ForbiddenMethod {
        /// The requested method.
        method: &'a [u8],
    },
    /// Denied preflight: the requested method is neither safelisted
    /// (`GET`, `HEAD`, `POST`) nor listed in `methods`.
    MethodNotAllowed {
        /// The requested method.
        method: &'a [u8],
    },
    /// Denied preflight: `Access-Control-Request-Headers` is over the
    /// engine's caps ([`MAX_REQUEST_HEADERS_LEN`](crate::MAX_REQUEST_HEADERS_LEN),
    /// [`MAX_REQUEST_HEADER_NAMES`](crate::MAX_REQUEST_HEADER_NAMES),
    /// [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES)).
    RequestHeadersTooLarge,
    /// Denied preflight: an element of `Access-Control-Request-Headers` is not
    /// an HTTP token.
    InvalidRequestHeaders {
        /// The offending element, without surrounding whitespace.
        element: &'a [u8],
    },
    /// Denied preflight: `authorization` was requested; `headers *` never
    /// covers it, it must be listed (`headers *, authorization`).
    AuthorizationNotCoveredByWildcard,
    /// Denied preflight: a requested header is not listed in `headers`.
    HeaderNotAllowed {
        /// The requested header name, as received.
        name: &'a [u8],
    },
    /// Denied preflight: the request asked for private-network access and the
    /// policy does not enable `private-network`.
    PrivateNetworkNotEnabled,
}

impl Reason<'_> {
    /// A stable kebab-case name, e.g. `origin-not-allowed`.
    pub const fn code(&self) -> &'static str {
        match self {
            Reason::AnyOrigin => "any-origin",
            Reason::OriginAllowed { .. } => "origin-allowed",
            Reason::NoPolicy => "no-policy",
            Reason::Skipped { .. } => "skipped",
            Reason::NoOrigin => "no-origin",
            Reason::OriginDuplicated => "origin-duplicated",
            Reason::MalformedOrigin { .. } => "malformed-origin",
            Reason::OriginNotAllowed { .. } => "origin-not-allowed",
            Reason::RequestMethodDuplicated => "request-method-duplicated",
            Reason::InvalidRequestMethod { .. } => "invalid-request-method",
            Reason::ForbiddenMethod { .. } => "forbidden-method",
            Reason::MethodNotAllowed { .. } => "method-not-allowed",
            Reason::RequestHeadersTooLarge => "request-headers-too-large",
            Reason::InvalidRequestHeaders { .. } => "invalid-request-headers",
            Reason::AuthorizationNotCoveredByWildcard => "authorization-not-covered-by-wildcard",
            Reason::HeaderNotAllowed { .. } => "header-not-allowed",
            Reason::PrivateNetworkNotEnabled => "private-network-not-enabled",
        }
    }

    /// Whether this reason belongs to an allowed answer.
    pub const fn is_allowed(&self) -> bool {
        matches!(self, Reason::AnyOrigin | Reason::OriginAllowed { .. })
    }
}

impl fmt::Display for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Reason::AnyOrigin => f.write_str("the policy allows every origin (`origins *`)"),
            Reason::OriginAllowed { entry } => {
                write!(f, "the origin matches entry {} of the policy's `origins`", entry + 1)
            }
            Reason::NoPolicy => f.write_str("no policy's `paths` match the request path"),
            Reason::Skipped { policy } => write!(
                f,
                "policy `{policy}` leaves these paths to the application (`skip`)"
            ),
            Reason::NoOrigin => f.write_str("the request has no `Origin` header, so it is not a CORS request"),
            Reason::OriginDuplicated => f.write_str("the request has more than one `Origin` header"),
            Reason::MalformedOrigin { origin } => write!(
                f,
                "the origin `{}` is not a serialized origin as browsers send it",
                Escaped(origin)
            ),
            Reason::OriginNotAllowed { origin } => {
                write!(f, "the origin `{}` is not in the policy's `origins`", Escaped(origin))
            }
            Reason::RequestMethodDuplicated => {
                f.write_str("the request has more than one `Access-Control-Request-Method` header")
            }
            Reason::InvalidRequestMethod { method } => {
                write!(f, "the requested method `{}` is not a valid method name", Escaped(method))
            }
            Reason::ForbiddenMethod { method } => write!(
                f,
                "the requested method `{}` is forbidden in CORS and never allowed",
                Escaped(method)
            ),
            Reason::MethodNotAllowed { method } => {
                write!(f, "the requested method `{}` is not in the policy's `methods`", Escaped(method))
            }
            Reason::RequestHeadersTooLarge => f.write_str(
                "the `Access-Control-Request-Headers` list is larger than the engine accepts",
            ),
            Reason::InvalidRequestHeaders { element } => write!(
                f,
                "the requested header `{}` is not a valid header name",
                Escaped(element)
            ),
            Reason::AuthorizationNotCoveredByWildcard => f.write_str(
                "the requested header `authorization` is not covered by `headers *`; it must be listed",
            ),
            Reason::HeaderNotAllowed { name } => {
                write!(f, "the requested header `{}` is not in the policy's `headers`", Escaped(name))
            }
            Reason::PrivateNetworkNotEnabled => {
                f.write_str("the request asks for private-network access and the policy does not enable `private-network`")
            }
        }
    }
}

/// Request bytes in a `Debug` form: a quoted, escaped string.
struct Quoted<'a>(&'a [u8]);

impl fmt::Debug for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", Escaped(self.0))
    }
}

impl fmt::Debug for Reason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = match *self {
            Reason::MalformedOrigin { origin } | Reason::OriginNotAllowed { origin } => {
                Some(("origin", origin))
            }
            Reason::InvalidRequestMethod { method }
            | Reason::ForbiddenMethod { method }
            | Reason::MethodNotAllowed { method } => Some(("method", method)),
            Reason::InvalidRequestHeaders { element } => Some(("element", element)),
            Reason::HeaderNotAllowed { name } => Some(("name", name)),
            _ => None,
        };
        let variant = match self {
            Reason::AnyOrigin => "AnyOrigin",
            Reason::OriginAllowed { entry } => {
                return f
                    .debug_struct("OriginAllowed")
                    .field("entry", entry)
                    .finish();
            }
            Reason::NoPolicy => "NoPolicy",
            Reason::Skipped { policy } => {
                return f.debug_struct("Skipped").field("policy", policy).finish();
            }
            Reason::NoOrigin => "NoOrigin",
            Reason::OriginDuplicated => "OriginDuplicated",
            Reason::MalformedOrigin { .. } => "MalformedOrigin",
            Reason::OriginNotAllowed { .. } => "OriginNotAllowed",
            Reason::RequestMethodDuplicated => "RequestMethodDuplicated",
            Reason::InvalidRequestMethod { .. } => "InvalidRequestMethod",
            Reason::ForbiddenMethod { .. } => "ForbiddenMethod",
            Reason::MethodNotAllowed { .. } => "MethodNotAllowed",
            Reason::RequestHeadersTooLarge => "RequestHeadersTooLarge",
            Reason::InvalidRequestHeaders { .. } => "InvalidRequestHeaders",
            Reason::AuthorizationNotCoveredByWildcard => "AuthorizationNotCoveredByWildcard",
            Reason::HeaderNotAllowed { .. } => "HeaderNotAllowed",
            Reason::PrivateNetworkNotEnabled => "PrivateNetworkNotEnabled",
        };
        match bytes {
            Some((field, value)) => f
                .debug_struct(variant)
                .field(field, &Quoted(value))
                .finish(),
            None => f.write_str(variant),
        }
    }
}

/// Request bytes shown safely: printable ASCII as is, anything else escaped,
/// long values cut short.
pub(crate) struct Escaped<'a>(pub(crate) &'a [u8]);

/// How many bytes of a request value a message shows.
const SHOWN: usize = 80;

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (shown, cut) = match self.0.get(..SHOWN) {
            Some(head) if self.0.len() > SHOWN => (head, true),
            _ => (self.0, false),
        };
        for &b in shown {
            match b {
                b'\\' => f.write_str("\\\\")?,
                b'`' => f.write_str("\\`")?,
                b'\r' => f.write_str("\\r")?,
                b'\n' => f.write_str("\\n")?,
                b'\t' => f.write_str("\\t")?,
                0x20..=0x7e => fmt::Write::write_char(f, char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        if cut {
            write!(f, "… ({} bytes)", self.0.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_bytes_are_shown_escaped_and_cut() {
        let r = Reason::HeaderNotAllowed {
            name: b"x-\r\n\x00`\\\xff",
        };
        assert_eq!(
            r.to_string(),
            "the requested header `x-\\r\\n\\x00\\`\\\\\\xff` is not in the policy's `headers`"
        );
        assert_eq!(
            format!("{r:?}"),
            "HeaderNotAllowed { name: \"x-\\r\\n\\x00\\`\\\\\\xff\" }"
        );
        let long = [b'a'; 200];
        let shown = Reason::OriginNotAllowed { origin: &long }.to_string();
        assert!(shown.contains("… (200 bytes)"), "{shown}");
        assert!(shown.len() < 160);
        assert_eq!(
            format!("{:?}", Reason::OriginAllowed { entry: 2 }),
            "OriginAllowed { entry: 2 }"
        );
        assert_eq!(format!("{:?}", Reason::NoPolicy), "NoPolicy");
    }

    #[test]
    fn codes_are_kebab_case_and_distinct() {
        let all = [
            Reason::AnyOrigin,
            Reason::OriginAllowed { entry: 0 },
            Reason::NoPolicy,
            Reason::NoOrigin,
            Reason::OriginDuplicated,
            Reason::MalformedOrigin { origin: b"" },
            Reason::OriginNotAllowed { origin: b"" },
            Reason::RequestMethodDuplicated,
            Reason::InvalidRequestMethod { method: b"" },
            Reason::ForbiddenMethod { method: b"" },
            Reason::MethodNotAllowed { method: b"" },
            Reason::RequestHeadersTooLarge,
            Reason::InvalidRequestHeaders { element: b"" },
            Reason::AuthorizationNotCoveredByWildcard,
            Reason::HeaderNotAllowed { name: b"" },
            Reason::PrivateNetworkNotEnabled,
        ];
        let codes: std::collections::HashSet<_> = all.iter().map(Reason::code).collect();
        assert_eq!(codes.len(), all.len());
        for r in all {
            assert!(
                r.code()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-')
            );
            let text = r.to_string();
            assert!(
                !text.ends_with('.') && text.starts_with(|c: char| c.is_lowercase()),
                "{text}"
            );
        }
    }
}
