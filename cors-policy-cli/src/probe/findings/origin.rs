//! The checks of `Access-Control-Allow-Origin` and
//! `Access-Control-Allow-Credentials`: an origin the policy denies must not
//! be let in, one it allows must get exactly the policy's answer.

use cors_policy::RequestKind;

use super::preflight;
use crate::probe::browser::Verdict;
use crate::probe::client::{Response, shown};
use crate::probe::code::Code;
use crate::probe::expected::{Context, Expected};
use crate::probe::matrix::Probe;

/// The `Access-Control-Allow-Origin` and `Access-Control-Allow-Credentials`
/// lines of an answer.
pub(super) struct Allow<'a> {
    /// Every `Access-Control-Allow-Origin` value.
    pub(super) origin: &'a [&'a [u8]],
    /// Every `Access-Control-Allow-Credentials` value.
    pub(super) credentials: &'a [&'a [u8]],
}

/// Judges the origin and credentials headers of `response` (and, when they
/// are right, a preflight's lists); whether the answer lacks the headers
/// altogether, which the later checks then leave alone.
pub(super) fn judge(
    cx: &Context<'_>,
    probe: &Probe,
    expected: &Expected,
    response: &Response,
    allow: &Allow<'_>,
    add: &mut impl FnMut(Code, String),
) -> bool {
    let preflight = probe.is_preflight();
    let status = response.status;
    let (acao, acac) = (allow.origin, allow.credentials);
    let single = match acao {
        [one] => Some(*one),
        _ => None,
    };
    let credentials_true = matches!(acac, [b"true"]);
    let mut blames_missing_headers = false;
    if let Some(origin) = probe.origin.as_deref() {
        let reflected = single == Some(origin.as_bytes());
        let star = single == Some(b"*".as_slice());
        if !expected.allowed && expected.origin_denied {
            if reflected && credentials_true {
                add(
                    Code::ReflectedWithCredentials,
                    format!("Access-Control-Allow-Origin: {origin} with credentials"),
                );
            } else if reflected || star {
                add(
                    Code::DisallowedOriginAllowed,
                    format!(
                        "Access-Control-Allow-Origin: {}",
                        shown(single.unwrap_or_default())
                    ),
                );
            }
        } else if !expected.allowed && expected.kind == RequestKind::Preflight {
            if cx.verdict(probe, status, &response.headers) == Verdict::Reads {
                let asked = match &probe.request_headers {
                    _ if probe.private_network => (
                        Code::PrivateNetworkBeyondPolicy,
                        "private-network access".to_owned(),
                    ),
                    Some(h) => (Code::HeadersBeyondPolicy, format!("header {h}")),
                    None => (
                        Code::MethodsBeyondPolicy,
                        format!(
                            "method {}",
                            probe.request_method.as_deref().unwrap_or_default()
                        ),
                    ),
                };
                add(
                    asked.0,
                    format!("a browser is let through with {}", asked.1),
                );
            }
        } else if expected.allowed {
            let expected_acao = expected.header("access-control-allow-origin");
            if preflight && !(200..=299).contains(&status) {
                if probe.error_path && acao.is_empty() && matches!(status, 404 | 405) {
                    add(
                        Code::MissingCorsOnError,
                        format!("the preflight is answered {status} without CORS headers"),
                    );
                } else {
                    add(Code::PreflightRejected, format!("answered {status}"));
                }
                blames_missing_headers = true;
            } else if preflight && !has_cors_header(response) {
                let allow = response
                    .combined("allow")
                    .map(|v| format!(" (Allow: {})", shown(&v)))
                    .unwrap_or_default();
                add(
                    Code::PreflightRejected,
                    format!(
                        "answered {status} with no CORS header at all{allow}: the application's own OPTIONS answer"
                    ),
                );
                blames_missing_headers = true;
            } else if acao.is_empty() {
                if probe.error_path || status >= 400 {
                    add(
                        Code::MissingCorsOnError,
                        format!("answered {status} without Access-Control-Allow-Origin"),
                    );
                } else {
                    add(
                        Code::MissingAllowOrigin,
                        format!("answered {status} without Access-Control-Allow-Origin"),
                    );
                }
                blames_missing_headers = true;
            } else if single.is_some() && single != expected_acao {
                let got = shown(single.unwrap_or_default());
                let want = shown(expected_acao.unwrap_or_default());
                if star && credentials_true {
                    add(
                        Code::WildcardWithCredentials,
                        format!("`*` with credentials; the policy answers `{want}`"),
                    );
                } else {
                    add(
                        Code::WrongAllowOrigin,
                        format!("`{got}`; the policy answers `{want}`"),
                    );
                }
            }
            let origin_ok = !blames_missing_headers && acao.len() == 1;
            let wants_credentials = expected
                .header("access-control-allow-credentials")
                .is_some();
            if origin_ok && wants_credentials && !credentials_true && acac.len() <= 1 {
                let got = acac
                    .first()
                    .map_or("no header".to_owned(), |v| format!("`{}`", shown(v)));
                add(Code::MissingAllowCredentials, got);
            }
            if origin_ok && !wants_credentials && credentials_true && reflected {
                add(
                    Code::CredentialsBeyondPolicy,
                    "Access-Control-Allow-Credentials: true".to_owned(),
                );
            }
            if origin_ok && preflight {
                preflight::judge(cx, probe, expected, response, add);
            }
        }
    }
    blames_missing_headers
}

/// Whether any `access-control-*` header came back.
fn has_cors_header(response: &Response) -> bool {
    response
        .headers
        .iter()
        .any(|(name, _)| name.starts_with("access-control-"))
}
