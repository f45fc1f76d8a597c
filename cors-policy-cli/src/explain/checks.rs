//! The checks list of one request the engine answered: origin, method,
//! each header, private-network access and credentials, in the engine's
//! order, each passed or failed with the closest allowed value, from the
//! [`Trace`] alone.

use cors_policy::{HeaderOutcome, ListOutcome, MethodOutcome, OriginOutcome, RequestKind, Trace};
use cors_policy_grammar::model::{NameList, Policy};

use super::shown::Source;
use super::shown::{MAX_ITEMS, capped, shown, shown_str};

/// One line of the checks list.
#[derive(Debug, Clone)]
pub(crate) struct Check {
    /// `Some(true)` passed, `Some(false)` failed, `None` information.
    pub(crate) pass: Option<bool>,
    /// `origin`, `method`, `header`, …
    pub(crate) label: &'static str,
    /// What was checked and how it came out.
    pub(crate) text: String,
    /// Further lines under it.
    pub(crate) more: Vec<String>,
}

/// The checks of `trace`, answered by `policy`.
pub(crate) fn checks(trace: &Trace<'_>, policy: &Policy, source: &Source<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    out.extend(origin(trace, policy, source));
    out.extend(method(trace));
    out.extend(headers(trace));
    out.extend(private_network(trace));
    out.extend(credentials(trace));
    out
}

/// The origin check.
fn origin(trace: &Trace<'_>, policy: &Policy, source: &Source<'_>) -> Option<Check> {
    let origin = trace.origin.as_ref()?;
    let entry_at = |entry: usize| {
        policy
            .origins
            .get(entry)
            .map(|o| source.at(o.span.start))
            .unwrap_or_default()
    };
    let value = shown(origin.origin);
    let (pass, text, more) = match &origin.outcome {
        OriginOutcome::Any => (
            true,
            "`origins *` allows every origin".to_owned(),
            Vec::new(),
        ),
        OriginOutcome::Matched { entry, source: s } => (
            true,
            format!("`{value}` matches {} ({})", shown_str(s), entry_at(*entry)),
            Vec::new(),
        ),
        OriginOutcome::Duplicated => (
            false,
            "the request has more than one `Origin` header".to_owned(),
            vec!["browsers send exactly one; a second one comes from a proxy or a test".into()],
        ),
        OriginOutcome::Malformed {
            problem,
            canonical,
            canonical_entry,
        } => {
            let mut more = vec![problem.to_string()];
            if let Some(canonical) = canonical {
                more.push(match canonical_entry {
                    Some(entry) => format!(
                        "a browser would send `{}`, which matches {} ({})",
                        shown_str(canonical),
                        policy
                            .origins
                            .get(*entry)
                            .map(|o| shown_str(&o.source))
                            .unwrap_or_default(),
                        entry_at(*entry)
                    ),
                    None => format!("a browser would send `{}`", shown_str(canonical)),
                });
            }
            (
                false,
                format!("`{value}` is not an origin as a browser sends it"),
                more,
            )
        }
        OriginOutcome::NotAllowed { candidates } => {
            let mut more = Vec::new();
            if value == "null" {
                more.push(
                    "`null` is the origin of sandboxed iframes, `file:` pages and `data:` URLs"
                        .into(),
                );
            }
            // A regex that does not match says nothing more than that.
            let informative: Vec<_> = candidates
                .iter()
                .filter(|c| {
                    !c.differences
                        .iter()
                        .all(|d| matches!(d, cors_policy::Difference::Regex))
                })
                .collect();
            let near = if informative.is_empty() {
                candidates.iter().collect()
            } else {
                informative
            };
            for candidate in near.into_iter().take(3) {
                let differences: Vec<String> = candidate
                    .differences
                    .iter()
                    .map(|d| shown_str(&d.to_string()))
                    .collect();
                more.push(format!(
                    "closest: {} ({}): {}",
                    shown_str(candidate.source),
                    entry_at(candidate.entry),
                    differences.join("; ")
                ));
            }
            (false, format!("`{value}` is not in `origins`"), more)
        }
        _ => (false, format!("`{value}` is refused"), Vec::new()),
    };
    Some(Check {
        pass: Some(pass),
        label: "origin",
        text,
        more,
    })
}

/// The method check of a preflight.
fn method(trace: &Trace<'_>) -> Option<Check> {
    let method = trace.method.as_ref()?;
    let name = shown(method.method);
    let (pass, text) = match method.outcome {
        MethodOutcome::Safelisted => (
            true,
            format!("`{name}` is always allowed (GET, HEAD, POST)"),
        ),
        MethodOutcome::Listed => (true, format!("`{name}` is listed in `methods`")),
        MethodOutcome::Any => (true, format!("`{name}` is covered by `methods *`")),
        MethodOutcome::Duplicated => (
            false,
            "the request has more than one `Access-Control-Request-Method`".to_owned(),
        ),
        MethodOutcome::Invalid => (false, format!("`{name}` is not a method name")),
        MethodOutcome::Forbidden => (
            false,
            format!("`{name}` is a forbidden method: browsers refuse to send it"),
        ),
        _ => (
            false,
            format!("`{name}` is not in `methods` ({})", names(method.allowed)),
        ),
    };
    Some(Check {
        pass: Some(pass),
        label: "method",
        text,
        more: Vec::new(),
    })
}

/// One check per header a preflight asks for (the first [`MAX_ITEMS`],
/// then a count), and the list's own problems.
fn headers(trace: &Trace<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    let Some(headers) = &trace.headers else {
        return out;
    };
    let lines = headers.names.iter().map(|h| {
        let name = shown(h.name);
        match h.outcome {
            HeaderOutcome::Listed => (true, format!("`{name}` is listed in `headers`")),
            HeaderOutcome::Any => (true, format!("`{name}` is covered by `headers *`")),
            HeaderOutcome::AuthorizationNotCovered => (
                false,
                "`authorization` is not covered by `headers *`: it must be listed".to_owned(),
            ),
            _ => {
                let mut text = format!("`{name}` is not in `headers` ({})", names(headers.allowed));
                if let Some(near) = nearest(&name.to_ascii_lowercase(), &headers.allowed.names) {
                    text.push_str(&format!("; nearest listed: `{}`", shown_str(near)));
                }
                (false, text)
            }
        }
    });
    let mut shown_lines = 0usize;
    let mut hidden = (0usize, 0usize);
    for (pass, text) in lines {
        if shown_lines < MAX_ITEMS {
            out.push(Check {
                pass: Some(pass),
                label: "header",
                text,
                more: Vec::new(),
            });
            shown_lines += 1;
        } else if pass {
            hidden.0 += 1;
        } else {
            hidden.1 += 1;
        }
    }
    if hidden.0 + hidden.1 > 0 {
        out.push(Check {
            pass: Some(hidden.1 == 0),
            label: "header",
            text: format!(
                "… and {} more ({} allowed, {} not)",
                hidden.0 + hidden.1,
                hidden.0,
                hidden.1
            ),
            more: Vec::new(),
        });
    }
    match headers.list {
        ListOutcome::TooLarge => out.push(Check {
            pass: Some(false),
            label: "headers",
            text: format!(
                "`Access-Control-Request-Headers` is over the engine's caps ({} bytes, {} names, {} lines)",
                cors_policy::MAX_REQUEST_HEADERS_LEN,
                cors_policy::MAX_REQUEST_HEADER_NAMES,
                cors_policy::MAX_REQUEST_HEADER_LINES
            ),
            more: Vec::new(),
        }),
        ListOutcome::Invalid { element } => out.push(Check {
            pass: Some(false),
            label: "headers",
            text: format!("`{}` is not a header name", shown(element)),
            more: Vec::new(),
        }),
        _ => {}
    }
    out
}

/// The private-network check, when the preflight asks for it.
fn private_network(trace: &Trace<'_>) -> Option<Check> {
    let pn = trace.private_network.as_ref().filter(|pn| pn.requested)?;
    Some(Check {
        pass: Some(pn.is_allowed()),
        label: "private net",
        text: if pn.enabled {
            "private-network access asked for; `private-network` is on".into()
        } else {
            "private-network access asked for; the policy does not enable `private-network`".into()
        },
        more: vec![
            "(Chromium no longer sends this header: Local Network Access replaced it with a permission prompt)".into(),
        ],
    })
}

/// What the policy says about credentials, when the answer carries it.
fn credentials(trace: &Trace<'_>) -> Option<Check> {
    let credentials = trace.credentials.filter(|_| {
        trace.decision.kind() != RequestKind::NotCors
            && (trace.decision.allowed() || trace.informative())
    })?;
    Some(Check {
        pass: None,
        label: "credentials",
        text: if credentials {
            "`credentials` is on: the answer says `Access-Control-Allow-Credentials: true`".into()
        } else {
            "`credentials` is off: a page that sends cookies is refused".into()
        },
        more: Vec::new(),
    })
}

/// The listed name within two edits of `name` (a typo), if any.
fn nearest<'a>(name: &str, listed: &'a [String]) -> Option<&'a str> {
    listed
        .iter()
        .map(|l| (strsim::levenshtein(l, name), l))
        .filter(|(d, _)| (1..=2).contains(d))
        .min_by_key(|(d, _)| *d)
        .map(|(_, l)| l.as_str())
}

fn names(list: &NameList) -> String {
    let mut items: Vec<String> = list.names.iter().map(|n| shown_str(n)).collect();
    if list.any {
        items.insert(0, "*".into());
    }
    if items.is_empty() {
        "none".into()
    } else {
        capped(items).join(", ")
    }
}
