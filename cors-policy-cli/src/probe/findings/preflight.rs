//! The checks of a preflight answer whose origin is right: it grants what
//! the policy grants (methods, headers, private-network access, `max-age`)
//! and nothing more.

use cors_policy::browser::is_cors_safelisted_method;

use crate::probe::browser::Verdict;
use crate::probe::client::{Response, shown};
use crate::probe::code::Code;
use crate::probe::expected::{Context, Expected};
use crate::probe::matrix::{Probe, preflight_allowed};

/// The checks of a preflight answer whose origin is right.
pub(super) fn judge(
    cx: &Context<'_>,
    probe: &Probe,
    expected: &Expected,
    response: &Response,
    add: &mut impl FnMut(Code, String),
) {
    let private_network = expected
        .header("access-control-allow-private-network")
        .is_some();
    let granted: Vec<&[u8]> = response
        .values("access-control-allow-private-network")
        .collect();
    if private_network && granted.as_slice() != [b"true"] {
        let got = match granted.as_slice() {
            [] => "no header".to_owned(),
            lines => format!("`{}`", shown(&lines.join(&b", "[..]))),
        };
        add(Code::MissingAllowPrivateNetwork, got);
    } else if let Verdict::Blocked(message) = cx.verdict(probe, response.status, &response.headers)
    {
        add(Code::PreflightRefusesAllowed, message);
    }
    let origin = probe.origin.as_deref().unwrap_or_default();
    let path = probe.path.as_str();
    let beyond_methods: Vec<String> = response
        .tokens("access-control-allow-methods")
        .into_iter()
        .filter(|m| match m.as_str() {
            "*" => !cx.policy.methods.any,
            m if is_cors_safelisted_method(m) => false,
            m => !preflight_allowed(cx.engine, path, origin, m, None),
        })
        .collect();
    if !beyond_methods.is_empty() {
        add(Code::MethodsBeyondPolicy, beyond_methods.join(", "));
    }
    let method = probe.request_method.as_deref().unwrap_or("GET");
    let beyond_headers: Vec<String> = response
        .tokens("access-control-allow-headers")
        .into_iter()
        .filter(|h| match h.as_str() {
            "*" => !cx.policy.headers.any,
            h => !preflight_allowed(cx.engine, path, origin, method, Some(h)),
        })
        .collect();
    if !beyond_headers.is_empty() {
        add(Code::HeadersBeyondPolicy, beyond_headers.join(", "));
    }
    if expected.header("access-control-max-age").is_some()
        && response.values("access-control-max-age").next().is_none()
    {
        add(
            Code::MissingMaxAge,
            format!(
                "the policy answers Access-Control-Max-Age: {}",
                shown(
                    expected
                        .header("access-control-max-age")
                        .unwrap_or_default()
                )
            ),
        );
    }
}
