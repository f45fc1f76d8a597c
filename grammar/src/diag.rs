//! Diagnostics: every error and warning the front end reports, with a stable
//! code, a stable name, a message, an optional help line and a source span.

use std::fmt;

use crate::span::Span;

/// Whether a diagnostic stops compilation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The file is rejected.
    Error,
    /// Reported; the file still compiles. Silenced per policy with `allow NAME`.
    Warning,
}

impl Severity {
    /// `error` or `warning`, as diagnostics are headed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! kinds {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal, $sev:ident; )*) => {
        /// Every kind of diagnostic, with its stable code and name (the names are
        /// part of the command-line contract).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Kind {
            $( $(#[$doc])* $variant, )*
        }

        impl Kind {
            /// All kinds, in code order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// The stable code, e.g. `E0006`.
            pub const fn code(self) -> &'static str {
                match self { $(Kind::$variant => $code,)* }
            }

            /// The stable name, e.g. `invalid-origin`.
            pub const fn name(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }

            /// The severity this kind has unless an `allow` changes it.
            pub const fn default_severity(self) -> Severity {
                match self { $(Kind::$variant => Severity::$sev,)* }
            }
        }
    };
}

kinds! {
    /// Text that is not the language: what was expected, in words.
    Syntax = "E0001", "syntax", Error;
    /// A statement keyword that does not exist.
    UnknownStatement = "E0002", "unknown-statement", Error;
    /// Two policies with one name.
    DuplicatePolicy = "E0003", "duplicate-policy", Error;
    /// A statement that may appear once given twice.
    DuplicateStatement = "E0004", "duplicate-statement", Error;
    /// A policy without `origins`.
    MissingOrigins = "E0005", "missing-origins", Error;
    /// An origin that is not a serialized origin or a supported pattern.
    InvalidOrigin = "E0006", "invalid-origin", Error;
    /// A regex that does not compile or can match the empty string.
    InvalidRegex = "E0007", "invalid-regex", Error;
    /// `credentials` with `origins *` or `expose *`.
    CredentialsWildcard = "E0008", "credentials-wildcard", Error;
    /// `credentials` with `null`.
    CredentialsNull = "E0009", "credentials-null", Error;
    /// `private-network` with `origins *`.
    PrivateNetworkWildcard = "E0010", "private-network-wildcard", Error;
    /// A method or header name that is not an HTTP token.
    InvalidToken = "E0011", "invalid-token", Error;
    /// `CONNECT`, `TRACE`, `TRACK`.
    ForbiddenMethod = "E0012", "forbidden-method", Error;
    /// A header a script can never set, an `access-control-*` name, or `set-cookie` in `expose`.
    ForbiddenHeader = "E0013", "forbidden-header", Error;
    /// `preflight-status` outside 200–299.
    InvalidStatus = "E0014", "invalid-status", Error;
    /// A malformed or negative `max-age`.
    InvalidDuration = "E0015", "invalid-duration", Error;
    /// A `*.` wildcard over a public suffix (a warning under `allow public-suffix-wildcard`
    /// in a policy without credentials).
    PublicSuffixWildcard = "E0016", "public-suffix-wildcard", Error;
    /// `allow` names a warning that does not exist.
    UnknownLint = "E0017", "unknown-lint", Error;
    /// A `paths` glob that does not compile, or can never match a request path.
    InvalidPath = "E0018", "invalid-path", Error;
    /// `"*"` quoted in `methods`, `headers` or `expose`: browsers read a `*`
    /// there as the wildcard, so it can never be a plain name.
    QuotedWildcard = "E0019", "quoted-wildcard", Error;
    /// A `skip` policy with statements other than `paths` and `allow`.
    SkipConflict = "E0020", "skip-conflict", Error;
    /// A regex that matches an origin on a host no site has (`….invalid`): an
    /// error with credentials, a warning without.
    RegexMatchesAny = "E0021", "regex-matches-any", Error;
    /// A regex that lets in other sites by leaving the host open on the left
    /// (`.*example\.com`): an error with credentials, a warning without.
    RegexOverBroad = "E0022", "regex-over-broad", Error;
    /// A plain `http://` origin other than loopback together with credentials.
    InsecureOrigin = "W0001", "insecure-origin", Warning;
    /// `null` is sent by sandboxed iframes and local files any site can make.
    NullOrigin = "W0002", "null-origin", Warning;
    /// An unescaped `.` in a regex after `://`.
    RegexDot = "W0003", "regex-dot", Warning;
    /// A lowercase method that browsers send as written.
    LowercaseMethod = "W0004", "lowercase-method", Warning;
    /// A `max-age` above what browsers honour.
    MaxAgeCapped = "W0005", "max-age-capped", Warning;
    /// A policy that no request can reach.
    ShadowedPolicy = "W0006", "shadowed-policy", Warning;
    /// A header browsers send without asking.
    SafelistedHeader = "W0007", "safelisted-header", Warning;
    /// An origin already covered by another entry of the same policy.
    RedundantOrigin = "W0008", "redundant-origin", Warning;
    /// An origin whose scheme is neither a web scheme nor a known app shell's.
    UnknownScheme = "W0009", "unknown-scheme", Warning;
    /// `OPTIONS` in `methods`: preflights need no entry.
    OptionsMethod = "W0010", "options-method", Warning;
}

impl Kind {
    /// Whether `allow NAME` may name it although it is an error by default:
    /// the kinds that are errors only in some policies.
    pub const fn downgradable(self) -> bool {
        matches!(
            self,
            Kind::PublicSuffixWildcard | Kind::RegexMatchesAny | Kind::RegexOverBroad
        )
    }

    /// The kind with this stable name.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// A diagnostic's identity as every output shows it: its code and name,
/// `E0006/invalid-origin` (the renderer's `error[E0006/invalid-origin]`,
/// the macro's compile errors, the engine's error messages).
///
/// ```
/// use cors_policy_grammar::Kind;
/// assert_eq!(Kind::InvalidOrigin.to_string(), "E0006/invalid-origin");
/// ```
impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.code(), self.name())
    }
}

/// One reported problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// What kind of problem (gives the code and the name).
    pub kind: Kind,
    /// Error or warning (a kind's default severity, unless an `allow` downgraded it).
    pub severity: Severity,
    /// What is wrong: lowercase, user input in backticks, no final period.
    pub message: String,
    /// Where: the offending token.
    pub span: Span,
    /// A short label under the caret, if any.
    pub label: Option<String>,
    /// What to write instead.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of `kind` at its default severity.
    pub fn new(kind: Kind, span: Span, message: impl Into<String>) -> Self {
        Self {
            kind,
            severity: kind.default_severity(),
            message: message.into(),
            span,
            label: None,
            help: None,
        }
    }

    /// Adds the label shown under the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds the help line: what to write instead.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The stable code, e.g. `E0006`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The stable name, e.g. `invalid-origin`.
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    /// Whether this stops compilation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
