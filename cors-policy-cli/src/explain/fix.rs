//! The lines to add to the policy, each one proven before it is shown: the
//! edited file passes `check` with no new warning, and the page's request,
//! played again against the edited policy, passes. Where no line can help
//! (a header the browser sets itself, a forbidden method, an origin that
//! must not be trusted), the reason is given instead.

use cors_policy::Engine;
use cors_policy::browser::{self, BlockReason, Outcome};
use cors_policy::{Candidate, Difference, HeaderOutcome, MethodOutcome, OriginOutcome};
use cors_policy_grammar::fetch::is_loopback_host as is_loopback;
use cors_policy_grammar::model::{OriginMatcher, Policy};

use super::edit::{self, Edit};
use super::simulate::{self, Page, Played};
use crate::{origin, policy};

/// How many rounds of "fix the first failure, play again" are tried: one
/// request fails at most on origin, method, headers, private network and
/// credentials.
const MAX_ROUNDS: usize = 6;

/// How many policies an uncovered path is offered to (each offer is
/// checked against the whole file).
const MAX_PATH_POLICIES: usize = 3;

/// The policy as loaded, to edit and re-check.
pub(crate) struct Base<'a> {
    /// The file's text.
    pub(crate) src: &'a str,
    /// Its policies.
    pub(crate) policies: &'a [Policy],
    /// How many warnings `check` reports for it.
    pub(crate) warnings: usize,
}

/// What the fix section shows.
#[derive(Debug, Default)]
pub(crate) struct Fix {
    /// The edits, in the order found; with all of them the request passes
    /// (when `passes`).
    pub(crate) edits: Vec<Edit>,
    /// Whether the request passes with every edit applied.
    pub(crate) passes: bool,
    /// Other single edits that would do instead of the first origin edit.
    pub(crate) alternatives: Vec<Edit>,
    /// Why a line that looks like a fix is not one.
    pub(crate) why_not: Vec<String>,
}

/// Finds the fix for a page's request that the browser blocks.
pub(crate) fn find(base: &Base<'_>, engine: &Engine, page: &Page, played: &Played) -> Fix {
    let mut fix = Fix::default();
    if played.outcome.is_ok() {
        return fix;
    }
    let mut current = played.clone();
    let mut owned_engine: Option<Engine> = None;
    let mut policies: Vec<Policy> = base.policies.to_vec();
    let mut text = base.src.to_owned();
    for round in 0..MAX_ROUNDS {
        let engine_now = owned_engine.as_ref().unwrap_or(engine);
        let candidates = candidates(engine_now, &policies, page, &current, &mut fix.why_not);
        let mut applied = false;
        for (i, candidate) in candidates.iter().enumerate() {
            let Some(next) = edit::apply(&text, &policies, candidate) else {
                continue;
            };
            let Some((next_policies, next_engine)) = accept(&next, base.warnings) else {
                continue;
            };
            let replayed = simulate::play(&next_engine, page);
            if same_failure(&replayed.outcome, &current.outcome) {
                continue;
            }
            if round == 0 && !applied {
                // Other ways to get past the first failure, each checked alone.
                for other in candidates.iter().skip(i + 1) {
                    if let Some(alt) = edit::apply(&text, &policies, other)
                        && let Some((_, alt_engine)) = accept(&alt, base.warnings)
                        && !same_failure(
                            &simulate::play(&alt_engine, page).outcome,
                            &current.outcome,
                        )
                        && let [one] = other.as_slice()
                        && !fix.alternatives.contains(one)
                        && candidate.first() != Some(one)
                        && same_policy(one, candidate.first())
                    {
                        fix.alternatives.push(one.clone());
                    }
                }
            }
            fix.edits.extend(candidate.iter().cloned());
            text = next;
            policies = next_policies;
            owned_engine = Some(next_engine);
            current = replayed;
            applied = true;
            break;
        }
        if !applied || current.outcome.is_ok() {
            break;
        }
    }
    fix.passes = current.outcome.is_ok() && !fix.edits.is_empty();
    if !fix.passes {
        fix.alternatives.clear();
    }
    fix.why_not.dedup();
    fix
}

/// Whether two edits change the same policy (alternatives are offered in
/// the policy the fix edits, never in another one).
fn same_policy(a: &Edit, b: Option<&Edit>) -> bool {
    let policy = |e: &Edit| match e {
        Edit::AddLine { policy, .. } | Edit::ReplaceOrigin { policy, .. } => *policy,
    };
    b.is_some_and(|b| policy(a) == policy(b))
}

/// The edited text's policies and engine, when `check` accepts it with no
/// more warnings than the original had.
fn accept(text: &str, warnings: usize) -> Option<(Vec<Policy>, Engine)> {
    let checked = cors_policy_grammar::check(text);
    if checked.has_errors() || checked.diagnostics.len() > warnings {
        return None;
    }
    let policies = checked.policies?;
    let engine = Engine::from_policies(&policies).ok()?;
    Some((policies.policies, engine))
}

/// Whether a replay fails exactly as before (the edit did not help).
fn same_failure(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (
            Outcome::Blocked {
                stage: s1,
                reason: r1,
                ..
            },
            Outcome::Blocked {
                stage: s2,
                reason: r2,
                ..
            },
        ) => s1 == s2 && r1 == r2,
        _ => false,
    }
}

/// The edits that could get past the first failure of `played`, best
/// first; each is a list of edits applied together. Advice for what no
/// edit can fix goes to `why_not`.
fn candidates(
    engine: &Engine,
    policies: &[Policy],
    page: &Page,
    played: &Played,
    why_not: &mut Vec<String>,
) -> Vec<Vec<Edit>> {
    let Outcome::Blocked { stage, reason, .. } = &played.outcome else {
        return Vec::new();
    };
    let sent = match stage {
        browser::Stage::Preflight => played.preflight.as_ref(),
        browser::Stage::Actual => played.actual.as_ref(),
    };
    let Some((sent, _)) = sent else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let engine_request = policy::engine_request(sent, &mut lines);
    let trace = engine.trace(&engine_request);
    let origin = page.request.page_origin.as_str();
    let Some(index) = trace.decision.policy_index() else {
        return path_candidates(policies, sent.path());
    };
    let Some(policy) = policies.get(index) else {
        return Vec::new();
    };
    let add = |line: String| {
        vec![Edit::AddLine {
            policy: index,
            line,
        }]
    };
    if let Some(check) = &trace.origin {
        match &check.outcome {
            OriginOutcome::NotAllowed { candidates } => {
                return origin_candidates(index, policy, origin, candidates, why_not);
            }
            OriginOutcome::Malformed { .. } | OriginOutcome::Duplicated => return Vec::new(),
            _ => {}
        }
    }
    if let Some(method) = &trace.method {
        match method.outcome {
            MethodOutcome::Duplicated => why_not.push(
                "fix the client or the proxy that sends a second `Access-Control-Request-Method`: \
                 a browser sends one"
                    .into(),
            ),
            MethodOutcome::Invalid | MethodOutcome::Forbidden => why_not.push(format!(
                "`{}` cannot be allowed: no browser sends it (fetch() throws)",
                String::from_utf8_lossy(method.method)
            )),
            _ => {}
        }
    }
    if let Some(method) = &trace.method
        && method.outcome == MethodOutcome::NotAllowed
    {
        let name = String::from_utf8_lossy(method.method).into_owned();
        let upper = name.to_ascii_uppercase();
        if upper != name {
            why_not.push(format!(
                "`{name}` is not `{upper}`: methods are case-sensitive, and browsers uppercase only \
                 `delete`, `get`, `head`, `options`, `post` and `put`; write `method: '{upper}'` in \
                 the page (a lowercase `methods {name}` line is a `lowercase-method` warning)"
            ));
            return if method.allowed.names.contains(&upper) {
                Vec::new()
            } else {
                vec![add(format!("methods {upper}"))]
            };
        }
        return vec![add(format!("methods {name}"))];
    }
    if let Some(headers) = &trace.headers {
        let mut lines = Vec::new();
        for header in &headers.names {
            let name = String::from_utf8_lossy(header.name).to_ascii_lowercase();
            match header.outcome {
                HeaderOutcome::NotAllowed | HeaderOutcome::AuthorizationNotCovered => {
                    match header_why_not(&name, policy.credentials) {
                        Some(why) => why_not.push(why),
                        None => lines.push(name),
                    }
                }
                _ => {}
            }
        }
        if !lines.is_empty() {
            return vec![add(format!("headers {}", lines.join(", ")))];
        }
    }
    if let Some(pn) = &trace.private_network
        && !pn.is_allowed()
    {
        if policy
            .origins
            .iter()
            .any(|o| o.matcher == OriginMatcher::Any)
        {
            why_not.push(
                "`private-network` cannot go with `origins *` (private-network-wildcard): list \
                 the origins that may reach the private network, then add `private-network`"
                    .into(),
            );
            return Vec::new();
        }
        return vec![add("private-network".into())];
    }
    match reason {
        BlockReason::WildcardOriginNotAllowed | BlockReason::InvalidAllowCredentials(_) => {
            credentials_candidates(index, policy, origin, why_not)
        }
        _ => Vec::new(),
    }
}

/// Why `name` must not be added to `headers`, when it must not;
/// `credentials` says whether the policy already allows credentials.
pub(crate) fn header_why_not(name: &str, credentials: bool) -> Option<String> {
    if name == "cookie" || name == "cookie2" {
        let how = if credentials {
            "the policy already allows credentials: have the page use `credentials: 'include'`"
        } else {
            "to send cookies, enable `credentials` and have the page use `credentials: 'include'`"
        };
        return Some(format!(
            "do not add `headers {name}`: the browser sets `{name}` itself and a page cannot; {how}"
        ));
    }
    if name.starts_with("access-control-") {
        return Some(format!(
            "do not add `headers {name}`: `{name}` is a response header; the page must not send \
             it (remove it from the page's request: the server sends the `access-control-*` \
             headers, the engine does it for you)"
        ));
    }
    if browser::is_forbidden_request_header(name, b"") {
        return Some(format!(
            "do not add `headers {name}`: `{name}` is a forbidden header, which the browser sets \
             itself; no page can send it, so no browser asks for it"
        ));
    }
    // Safelisted with a plain value: `accept`, `accept-language`, `content-language`.
    if browser::is_cors_safelisted_request_header(name, b"") {
        return Some(format!(
            "`{name}` is safelisted: the browser asks for it only when its value has a byte \
             outside the safelist (`\"():<>?@[\\]{{}}`, or over 128 bytes); send a plain value \
             instead of adding `headers {name}` (a `safelisted-header` warning)"
        ));
    }
    None
}

fn origin_candidates(
    index: usize,
    policy: &Policy,
    origin: &str,
    near: &[Candidate<'_>],
    why_not: &mut Vec<String>,
) -> Vec<Vec<Edit>> {
    if origin == "null" {
        why_not.push(
            "think twice before allowing `null`: any site can produce it (a sandboxed iframe, a \
             `data:` URL), so `origins null` lets every page in (a `null-origin` warning; with \
             `credentials` it is refused outright); serve the page from a real origin"
                .into(),
        );
        return Vec::new();
    }
    let Some(parts) = origin::parts(origin) else {
        return Vec::new();
    };
    let (scheme, host, port) = (
        parts.scheme.as_str(),
        parts.host.as_str(),
        parts.port_suffix(),
    );
    if scheme == "http" && !is_loopback(host) && policy.credentials {
        why_not.push(format!(
            "do not allow `{origin}` with credentials: anyone on the network path can \
             impersonate a plain-http origin and read the answers (an `insecure-origin` \
             warning); serve the page over https and allow `https://{host}{port}`"
        ));
        return Vec::new();
    }
    let add = |line: String| {
        vec![Edit::AddLine {
            policy: index,
            line,
        }]
    };
    let mut out = Vec::new();
    if is_loopback(host) && parts.port.is_some() {
        out.push(add(format!("origins \"{scheme}://{host}:*\"")));
    }
    out.push(add(format!("origins \"{origin}\"")));
    // A subdomain of a listed host: the `*.` pattern, as a glob.
    for candidate in near {
        for difference in &candidate.differences {
            if let Difference::Subdomain { expected, .. } = difference {
                out.push(add(format!("origins \"{scheme}://*.{expected}{port}\"")));
            }
        }
    }
    out
}

fn credentials_candidates(
    index: usize,
    policy: &Policy,
    origin: &str,
    why_not: &mut Vec<String>,
) -> Vec<Vec<Edit>> {
    let add_credentials = Edit::AddLine {
        policy: index,
        line: "credentials".into(),
    };
    let wildcard = policy
        .origins
        .iter()
        .position(|o| o.matcher == OriginMatcher::Any);
    let mut out = Vec::new();
    if !policy.credentials {
        out.push(vec![add_credentials.clone()]);
    }
    if let Some(entry) = wildcard {
        why_not.push(
            "browsers refuse `Access-Control-Allow-Origin: *` on a request with credentials, and \
             `credentials` cannot go with `origins *` (credentials-wildcard): list the sites that \
             send cookies instead; keep `origins *` in a separate policy for paths that need \
             none, or have the page send none (`credentials: 'omit'`)"
                .into(),
        );
        let mut edits = vec![Edit::ReplaceOrigin {
            policy: index,
            entry,
            with: format!("\"{origin}\""),
        }];
        if !policy.credentials {
            edits.push(add_credentials);
        }
        out.push(edits);
    }
    out
}

/// `paths` lines that would make a policy cover `path`: a glob for its
/// first segment (`/v2/**`), then the path itself, on the policies whose
/// globs are nearest first.
fn path_candidates(policies: &[Policy], path: &str) -> Vec<Vec<Edit>> {
    let mut globs = Vec::new();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let literal = segments.iter().all(|s| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%!$&'()+,;=:@".contains(&b))
    });
    if !literal {
        return Vec::new();
    }
    if let [first, _, ..] = segments.as_slice() {
        globs.push(format!("/{first}/**"));
    }
    globs.push(if path.is_empty() {
        "/".into()
    } else {
        path.to_owned()
    });
    // Policies that list their origins first (a path added to an `origins *`
    // policy is open to every site), then the nearest globs first.
    let mut order: Vec<(bool, usize, usize)> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let distance = p
                .paths
                .iter()
                .map(|g| strsim::levenshtein(g, path))
                .min()
                .unwrap_or(usize::MAX);
            let open = p.origins.iter().any(|o| o.matcher == OriginMatcher::Any);
            (open, distance, i)
        })
        .filter(|(_, _, i)| policies.get(*i).is_some_and(|p| !p.paths.is_empty()))
        .collect();
    order.sort_unstable();
    let mut out = Vec::new();
    // Each candidate costs a `check` of the whole file: the nearest few only.
    for (_, _, index) in order.into_iter().take(MAX_PATH_POLICIES) {
        for glob in &globs {
            out.push(vec![Edit::AddLine {
                policy: index,
                line: format!("paths \"{glob}\""),
            }]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_no_line_can_allow_say_why() {
        for (name, why) in [
            ("cookie", "enable `credentials`"),
            ("access-control-allow-origin", "is a response header"),
            ("access-control-request-headers", "is a response header"),
            ("host", "forbidden header"),
            ("sec-fetch-mode", "forbidden header"),
            ("proxy-authorization", "forbidden header"),
            ("accept", "safelisted"),
            ("content-language", "safelisted"),
        ] {
            let text = header_why_not(name, false).unwrap_or_default();
            assert!(text.contains(why), "{name}: {text}");
        }
        for name in [
            "x-api-key",
            "authorization",
            "content-type",
            "x-requested-with",
        ] {
            assert_eq!(header_why_not(name, false), None, "{name}");
        }
    }

    #[test]
    fn loopback_is_the_grammar_crates() {
        assert!(is_loopback("127.0.0.1") && is_loopback("[::1]") && is_loopback("app.localhost"));
        assert!(!is_loopback("localhost.example.com") && !is_loopback("10.0.0.1"));
    }

    #[test]
    fn uncovered_paths_get_a_glob_first_and_never_a_metacharacter() {
        let set = cors_policy_grammar::check(
            "policy \"a\" { paths \"/static/**\"; origins * }\npolicy \"b\" { paths \"/api/**\"; origins * }\n",
        )
        .policies
        .unwrap()
        .policies;
        let lines = |path: &str| -> Vec<String> {
            path_candidates(&set, path)
                .into_iter()
                .flatten()
                .map(|e| match e {
                    Edit::AddLine { policy, line } => format!("{policy}: {line}"),
                    Edit::ReplaceOrigin { .. } => String::new(),
                })
                .collect()
        };
        assert_eq!(
            lines("/apis/v2/x")[..2],
            ["1: paths \"/apis/**\"", "1: paths \"/apis/v2/x\""]
        );
        assert_eq!(lines("/api"), ["1: paths \"/api\"", "0: paths \"/api\""]);
        assert!(
            lines("/a*b/c").is_empty(),
            "a glob metacharacter is not copied"
        );
        assert!(lines("/a{b}/c").is_empty());
    }
}
