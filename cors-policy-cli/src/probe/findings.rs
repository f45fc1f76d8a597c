//! Comparing each answer with the engine's: the findings. This module
//! judges what every answer shares (an answer at all, a redirected
//! preflight, doubled headers) and leaves the rest to one child per family
//! of checks: the origin and credentials headers ([`origin`]), a preflight
//! answer's lists ([`preflight`]), `Vary` ([`vary`]).

mod origin;
mod preflight;
#[cfg(test)]
mod tests;
mod vary;

use super::client::{Failure, Response, shown};
use super::code::Code;
use super::expected::{Context, Expected};
use super::matrix::Probe;

/// One difference on one request.
#[derive(Clone, Debug)]
pub(crate) struct Finding {
    /// What kind.
    pub(crate) code: Code,
    /// The request (index into the matrix).
    pub(crate) probe: usize,
    /// The particulars, in words.
    pub(crate) detail: String,
}

/// Every difference between `answer` and the engine's `expected` answer
/// to probe number `index`.
pub(crate) fn judge(
    cx: &Context<'_>,
    index: usize,
    probe: &Probe,
    expected: &Expected,
    answer: &Result<Response, Failure>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut add = |code: Code, detail: String| {
        out.push(Finding {
            code,
            probe: index,
            detail,
        });
    };
    let response = match answer {
        Ok(response) => response,
        Err(failure) => {
            add(Code::BadResponse, failure.describe());
            return out;
        }
    };
    let preflight = probe.is_preflight();
    let status = response.status;
    if preflight && (300..=399).contains(&status) {
        if expected.allowed {
            let location = response
                .combined("location")
                .map(|l| format!(" to {}", shown(&l)))
                .unwrap_or_default();
            add(
                Code::RedirectedPreflight,
                format!("answered {status}{location}"),
            );
        }
        return out;
    }
    let acao: Vec<&[u8]> = response.values("access-control-allow-origin").collect();
    let acac: Vec<&[u8]> = response
        .values("access-control-allow-credentials")
        .collect();
    if acao.len() > 1 {
        add(
            Code::DuplicateAllowOrigin,
            format!("{} Access-Control-Allow-Origin lines", acao.len()),
        );
    }
    if acac.len() > 1 {
        add(
            Code::DuplicateAllowCredentials,
            format!("{} Access-Control-Allow-Credentials lines", acac.len()),
        );
    }
    let allow = origin::Allow {
        origin: &acao,
        credentials: &acac,
    };
    let blames_missing_headers = origin::judge(cx, probe, expected, response, &allow, &mut add);
    if !preflight && !blames_missing_headers {
        vary::judge(expected, response, &mut add);
    }
    out
}
