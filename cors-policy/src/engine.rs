//! The compiled engine: `compile` once, `decide` per request.

use std::fmt;
use std::str::FromStr;

use crate::compile::Found;
use crate::compile::{Answer, CompiledPolicy, PathMatcher, compile_policy};
use crate::decision::{AllowHeaders, DENIED_PREFLIGHT_STATUS, Values};
use crate::grammar::{self, model};
use crate::request_headers::{ListError, is_token, over_size_caps, scan_within_size_caps};
use crate::trace::{HeaderOutcome, ListOutcome, MethodOutcome, Observer, Silent};
use crate::{Decision, Error, Reason, Request, RequestKind};

/// A compiled policy set: answers CORS requests without allocating.
///
/// Build it once — from text with [`str::parse`] (`"…".parse::<Engine>()`),
/// or from a validated [`PolicySet`](model::PolicySet) with
/// [`Engine::from_policies`] — and share it (`Arc<Engine>`; it is `Send +
/// Sync`). [`Engine::decide`] answers one request.
///
/// # Untrusted input
///
/// Every request value is untrusted; `decide` is built for that:
///
/// - it never panics, whatever the bytes (a property test feeds it arbitrary
///   bytes in every field);
/// - it never allocates (checked by a counting allocator in the tests). Path
///   globs that are plain paths or a plain prefix and `/**` (`/api/**`) are
///   compared byte for byte; other globs and origin regexes are compiled to
///   fully built DFAs that need no cache; only if a policy set's globs, or
///   one policy's regexes, are too big for that (over 4 MiB of DFA) does the
///   engine fall back to a lazy DFA, whose cache is allocated on each
///   thread's first use (and may be again when threads contend for it);
///   a runtime origin set ([`OriginSet`](crate::OriginSet)) is read with one
///   lock-free `arc-swap` load, whose per-thread slot is allocated once on a
///   thread's first load when no exited thread left one to reuse;
/// - its time is linear in the request's size, and the only list it parses,
///   `Access-Control-Request-Headers`, is capped:
///   [`MAX_REQUEST_HEADERS_LEN`](crate::MAX_REQUEST_HEADERS_LEN) bytes,
///   [`MAX_REQUEST_HEADER_NAMES`](crate::MAX_REQUEST_HEADER_NAMES) names and
///   [`MAX_REQUEST_HEADER_LINES`](crate::MAX_REQUEST_HEADER_LINES) lines; a
///   preflight over the byte or line cap is denied on its lines' lengths
///   alone, before its origin, method or list is read
///   ([`Reason::RequestHeadersTooLarge`] whatever else would fail), and
///   reading stops at the first name over the name cap;
/// - the `Origin` header must be a serialized origin exactly as a browser
///   sends it; anything else (uppercase, whitespace, a path, userinfo, a
///   default port written out, …) is denied before any pattern sees it
///   (see "Origins" below);
/// - an `Origin` longer than [`MAX_ORIGIN_LEN`](crate::MAX_ORIGIN_LEN)
///   (1 KiB) is denied as malformed ([`Reason::MalformedOrigin`]) on its
///   length alone, before it is hashed, parsed or matched: a serialized
///   origin is a scheme, `://`, a host — a DNS name is at most 253 bytes, an
///   IPv6 literal 41 — and a `:port`, so a real one is under 300 bytes, and
///   a hostile one costs no more than a real one (a policy with `origins *`
///   answers `*` without reading the origin at all);
/// - no response header value it emits contains CR, LF, NUL or any other byte
///   a header value cannot carry: a request whose echo would need one is
///   denied.
///
/// # Origins
///
/// The request's `Origin` is accepted only in the form a browser serializes:
/// `null`, or a lowercase scheme (`[a-z][a-z0-9+.-]*`), `://`, a host of
/// `a-z 0-9 . - _` (or an IPv6 address of `0-9 a-f :` in brackets), and an
/// optional port — decimal, no leading zero, at most 65535, never the
/// scheme's default (`:443` for `https`/`wss`, `:80` for `http`/`ws`). It is
/// then looked up, never scanned: exact origins in a hash set, port
/// wildcards by host, `*.` wildcards by splitting the host at label
/// boundaries (each label the `*` stands for is 1–63 bytes of
/// `a-z 0-9 - _`) and looking the suffix up, and all of a policy's regexes
/// in one anchored pass; a `set "NAME"` entry looks the origin up the same
/// way in the set's current contents (see [`OriginSet`](crate::OriginSet)),
/// in time independent of the set's size. When several entries match, the
/// first in file order is the one [`Reason::OriginAllowed`] names.
///
/// # Preflight checks
///
/// A preflight is `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
/// Its checks run in this order, and the first that fails is the reason:
/// the origin; the requested method (one header, an HTTP token, not
/// `CONNECT`/`TRACE`/`TRACK` in any case, then safelisted `GET`/`HEAD`/`POST`,
/// `methods *` or listed, byte for byte); the requested headers, name by name
/// in request order (see [`Request::request_headers`]; `authorization` only
/// when listed); private network (`Access-Control-Request-Private-Network:
/// true` needs `private-network`).
pub struct Engine {
    policies: Vec<model::Policy>,
    compiled: Vec<CompiledPolicy>,
    paths: PathMatcher,
}

impl Engine {
    /// Compiles a validated policy set.
    ///
    /// The set is normally the output of [`grammar::check`]; a hand-built set
    /// that breaks the model's invariants (an invalid glob or regex, a
    /// credentialed `*`, a header name that is not a token, …) is an error,
    /// never a panic later.
    ///
    /// A set whose policies read origin sets (`origins set "NAME"`) is built
    /// with [`Engine::builder_from_policies`] instead, which supplies them.
    pub fn from_policies(set: &model::PolicySet) -> Result<Engine, Error> {
        Engine::compile(set, &mut |_| None)
    }

    /// Compiles a policy set, binding each `set "NAME"` entry to the set
    /// `sets` supplies for its name.
    pub(crate) fn compile(
        set: &model::PolicySet,
        sets: &mut dyn FnMut(&str) -> Option<crate::OriginSet>,
    ) -> Result<Engine, Error> {
        let mut diagnostics = Vec::new();
        let paths = PathMatcher::new(&set.policies, &mut diagnostics);
        let compiled: Vec<CompiledPolicy> = set
            .policies
            .iter()
            .filter_map(|p| {
                let mut compiled = compile_policy(p, &mut diagnostics)?;
                if let Err((entry, name)) = compiled.origins.bind_sets(sets) {
                    diagnostics.push(crate::compile::missing_set(p, entry, &name));
                }
                Some(compiled)
            })
            .collect();
        if !diagnostics.is_empty() || compiled.len() != set.policies.len() {
            return Err(Error::new(diagnostics, None));
        }
        Ok(Engine {
            policies: set.policies.clone(),
            compiled,
            paths,
        })
    }

    /// Validates and compiles policies made in code: a
    /// [`PolicySetBuilder`](grammar::build::PolicySetBuilder), or one
    /// [`PolicyBuilder`](grammar::build::PolicyBuilder). The validation is
    /// the policy text's, so the diagnostics are the same, located by
    /// statement instead of by line.
    ///
    /// ```
    /// use cors_policy::Engine;
    /// use cors_policy::model::Policy;
    ///
    /// let engine = Engine::from_builder(
    ///     Policy::builder("api")
    ///         .paths(["/api/**"])
    ///         .origins(["https://app.example.com"])
    ///         .methods(["GET", "POST", "DELETE"])
    ///         .credentials(true),
    /// )?;
    /// assert_eq!(engine.policies()[0].name, "api");
    ///
    /// let error = Engine::from_builder(Policy::builder("api").origins(["*"]).credentials(true))
    ///     .unwrap_err();
    /// assert!(error.to_string().starts_with(
    ///     "error[E0008/credentials-wildcard]: `origins *` cannot be used with `credentials`\n \
    ///      --> policy `api`, origins[0]\n"
    /// ));
    /// # Ok::<(), cors_policy::Error>(())
    /// ```
    pub fn from_builder(
        builder: impl Into<grammar::build::PolicySetBuilder>,
    ) -> Result<Engine, Error> {
        Engine::from_policies(&builder.into().build()?)
    }

    /// The policies, in file order, as validated: what
    /// [`Decision::policy_index`] and [`Reason::OriginAllowed`] index into.
    pub fn policies(&self) -> &[model::Policy] {
        &self.policies
    }

    /// The compiled policies, in file order (the `http` adapter builds its
    /// header values from them once; [`Engine::trace`] matches with them).
    pub(crate) fn compiled(&self) -> &[CompiledPolicy] {
        &self.compiled
    }

    /// An engine without policies: it handles no request, so it never sends
    /// a CORS header. What a `cors_policy!` engine falls back to (failing
    /// closed) if the text checked at build time did not compile at run time.
    #[cfg(feature = "macros")]
    pub(crate) fn fail_closed() -> Engine {
        Engine {
            policies: Vec::new(),
            compiled: Vec::new(),
            paths: PathMatcher::new(&[], &mut Vec::new()),
        }
    }

    /// Answers one request. Never allocates, never panics; see the
    /// "Untrusted input" section above. [`Engine::trace`] answers the same
    /// and records every check.
    pub fn decide<'a>(&'a self, request: &Request<'a>) -> Decision<'a> {
        self.decide_with(request, &mut Silent)
    }

    /// [`decide`](Self::decide), reporting each check to `seen`: one
    /// implementation for `decide` (whose observer does nothing and is
    /// optimized away) and `trace`.
    #[inline(always)]
    pub(crate) fn decide_with<'a, O: Observer<'a>>(
        &'a self,
        request: &Request<'a>,
        seen: &mut O,
    ) -> Decision<'a> {
        let found = self.paths.find(request.target).and_then(|index| {
            let policy = self.compiled.get(index)?;
            let name = self.policies.get(index)?.name.as_str();
            Some((index, name, policy))
        });
        let (index, name, policy) = match found {
            Some((_, name, policy)) if policy.skip => {
                return unhandled(Reason::Skipped { policy: name });
            }
            Some(found) => found,
            None => return unhandled(Reason::NoPolicy),
        };
        let decision = |kind, reason, status, values| Decision {
            kind,
            policy: Some((index, name)),
            reason,
            unsettled: false,
            status,
            values,
        };
        let Some(origin) = request.origin else {
            let values = Values {
                vary: policy.vary,
                ..Values::default()
            };
            return decision(RequestKind::NotCors, Reason::NoOrigin, None, values);
        };
        let preflight = request.method == b"OPTIONS" && request.request_method.is_some();
        let kind = if preflight {
            RequestKind::Preflight
        } else {
            RequestKind::Actual
        };
        let vary = if preflight {
            Some(policy.vary_preflight)
        } else {
            policy.vary
        };
        let denied = |reason| {
            let status = preflight.then_some(DENIED_PREFLIGHT_STATUS);
            decision(
                kind,
                reason,
                status,
                Values {
                    vary,
                    ..Values::default()
                },
            )
        };
        // An `Access-Control-Request-Headers` list over the line or byte
        // cap is refused first, on its lines' lengths alone: the answer is
        // the same opaque denial whatever else fails, and a hostile
        // preflight then costs no more than a real one (nothing of it is
        // hashed, parsed or looked up).
        if preflight && over_size_caps(&request.request_headers) {
            seen.header_list(ListOutcome::TooLarge);
            return denied(Reason::RequestHeadersTooLarge);
        }
        let found = policy.origins.find(origin);
        seen.origin(found, request.origin_duplicated);
        let origin_reason = match found {
            _ if request.origin_duplicated => return denied(Reason::OriginDuplicated),
            Found::Any => Reason::AnyOrigin,
            Found::Entry(entry) => Reason::OriginAllowed { entry },
            Found::Malformed => return denied(Reason::MalformedOrigin { origin }),
            Found::NotAllowed => return denied(Reason::OriginNotAllowed { origin }),
            // Not parsed: told apart from a malformed origin by
            // `Decision::reason` if asked (the answer is the same).
            Found::Missed => {
                return Decision {
                    unsettled: true,
                    ..denied(Reason::OriginNotAllowed { origin })
                };
            }
        };
        let origin_entry = match found {
            Found::Entry(entry) => u32::try_from(entry).ok(),
            _ => None,
        };
        let allow_origin: &'a [u8] = if policy.origins.is_any() {
            b"*"
        } else {
            origin
        };
        if !preflight {
            let values = Values {
                allow_origin: Some(allow_origin),
                allow_credentials: policy.credentials,
                expose_headers: policy.expose.as_deref(),
                vary,
                origin_entry,
                ..Values::default()
            };
            return decision(kind, origin_reason, None, values);
        }
        // The preflight's values are filled into the decision in place:
        // returned by value, they came back through memory and were read
        // back at once, which stalls the processor.
        let values = Values {
            allow_origin: Some(allow_origin),
            vary,
            origin_entry,
            ..Values::default()
        };
        let mut decided = decision(kind, origin_reason, Some(policy.preflight_status), values);
        match preflight_values(policy, request, seen, &mut decided.values) {
            Preflight::Allowed => {}
            Preflight::Informative(reason) => decided.reason = reason,
            Preflight::Opaque(reason) => decided = denied(reason),
        }
        decided
    }
}

/// A request no policy handles (none matched, or a `skip` policy did):
/// no CORS header at all, forwarded.
fn unhandled(reason: Reason<'_>) -> Decision<'_> {
    Decision {
        kind: RequestKind::Unhandled,
        policy: None,
        reason,
        unsettled: false,
        status: None,
        values: Values::default(),
    }
}

/// How a preflight's checks after its origin came out.
enum Preflight<'a> {
    Allowed,
    /// Denied for this reason, informatively: the method, a header or
    /// private network is not allowed, and the preflight is one a browser
    /// can send.
    Informative(Reason<'a>),
    /// Denied for this reason, opaquely (403, only `vary`).
    Opaque(Reason<'a>),
}

/// The requested method's check.
///
/// Without `methods *` the list is looked up first: a listed method is a
/// token and not a forbidden one (`check` refuses a policy that lists
/// either), so the usual preflight, whose method is listed, skips those
/// checks; the outcome is the one [`method_checks`] in order give.
#[inline]
fn check_method(policy: &CompiledPolicy, method: &[u8]) -> MethodOutcome {
    if !policy.methods_any && policy.methods.contains(method) {
        return match grammar::fetch::is_safelisted_method(method) {
            true => MethodOutcome::Safelisted,
            false => MethodOutcome::Listed,
        };
    }
    method_checks(policy, method, !policy.methods_any)
}

/// The method's checks in their reading order: invalid, forbidden,
/// safelisted, `*`, listed — the list not looked up when the caller
/// already knows the method is not in it (`unlisted`).
#[inline]
fn method_checks(policy: &CompiledPolicy, method: &[u8], unlisted: bool) -> MethodOutcome {
    if !is_token(method) {
        MethodOutcome::Invalid
    } else if grammar::fetch::is_forbidden_method(method) {
        MethodOutcome::Forbidden
    } else if grammar::fetch::is_safelisted_method(method) {
        MethodOutcome::Safelisted
    } else if policy.methods_any && !echoed_star(policy, method) {
        MethodOutcome::Any
    } else if !unlisted && policy.methods.contains(method) {
        MethodOutcome::Listed
    } else {
        MethodOutcome::NotAllowed
    }
}

/// Whether `name` is a `*` that a credentialed wildcard would echo: with
/// credentials `*` is answered by echoing the request, and an echoed `*`
/// would be the wildcard's own spelling, so a method or header literally
/// named `*` is never covered then — `*` is never sent as a name.
#[inline]
fn echoed_star(policy: &CompiledPolicy, name: &[u8]) -> bool {
    policy.credentials && name == b"*"
}

/// One requested header's check: `authorization` only when listed. Without
/// `headers *` that is only the list's lookup (`authorization` is covered
/// exactly when listed), so the name is compared with nothing else.
#[inline]
fn check_header(policy: &CompiledPolicy, name: &[u8]) -> HeaderOutcome {
    if !policy.headers_any {
        return match policy.headers.contains(name) {
            true => HeaderOutcome::Listed,
            false => HeaderOutcome::NotAllowed,
        };
    }
    if name.eq_ignore_ascii_case(b"authorization") {
        match policy.headers.contains(name) {
            true => HeaderOutcome::Listed,
            false if policy.headers_any => HeaderOutcome::AuthorizationNotCovered,
            false => HeaderOutcome::NotAllowed,
        }
    } else if policy.headers_any && !echoed_star(policy, name) {
        HeaderOutcome::Any
    } else if policy.headers.contains(name) {
        HeaderOutcome::Listed
    } else {
        HeaderOutcome::NotAllowed
    }
}

/// The checks of a preflight after its origin: method, headers, private
/// network, in that order — the first that fails is the reason — and the
/// values of an allowed or informative answer, filled into `values` (origin
/// and `vary` are the caller's; an opaque denial uses none, and its
/// `values` are to be dropped).
///
/// The header list is read whole even after a refusal: a denial is
/// informative only if the list is one a browser can send.
///
/// Never inlined: in `decide` (with the header scan it now inlines) it
/// made `decide` big enough that the origin lookup stopped being inlined,
/// and an exact-origin GET cost 7% more instructions; a preflight pays one
/// call instead.
#[inline(never)]
fn preflight_values<'a, O: Observer<'a>>(
    policy: &'a CompiledPolicy,
    request: &Request<'a>,
    seen: &mut O,
    values: &mut Values<'a>,
) -> Preflight<'a> {
    let opaque = Preflight::Opaque;
    let method = request.request_method.unwrap_or_default();
    if request.request_method_duplicated {
        seen.method(method, MethodOutcome::Duplicated);
        return opaque(Reason::RequestMethodDuplicated);
    }
    let method_outcome = check_method(policy, method);
    seen.method(method, method_outcome);
    let mut refused = match method_outcome {
        MethodOutcome::Invalid => return opaque(Reason::InvalidRequestMethod { method }),
        MethodOutcome::Forbidden => return opaque(Reason::ForbiddenMethod { method }),
        MethodOutcome::NotAllowed => Some(Reason::MethodNotAllowed { method }),
        _ => None,
    };
    let mut authorization_refused = false;
    let mut star_refused = false;
    // A listed name is a token: without `headers *` (every name listed or
    // refused) the token check is left for the names not listed.
    let listed = |outcome: &HeaderOutcome| matches!(outcome, HeaderOutcome::Listed);
    let listed = (!policy.headers_any).then_some(listed);
    let check = |name| check_header(policy, name);
    let requested =
        scan_within_size_caps(&request.request_headers, check, listed, |name, outcome| {
            seen.header(name, outcome);
            match outcome {
                HeaderOutcome::Listed | HeaderOutcome::Any => {}
                HeaderOutcome::AuthorizationNotCovered => {
                    authorization_refused = true;
                    refused.get_or_insert(Reason::AuthorizationNotCoveredByWildcard);
                }
                HeaderOutcome::NotAllowed => {
                    // A `*` refused by a credentialed `headers *`: the echo of
                    // an informative denial must leave it out, as it leaves out
                    // a refused `authorization`.
                    star_refused |= policy.headers_any && echoed_star(policy, name);
                    refused.get_or_insert(Reason::HeaderNotAllowed { name });
                }
            }
        });
    let requested = match requested {
        Ok(requested) => {
            seen.header_list(ListOutcome::Read {
                names: requested.names,
            });
            requested
        }
        Err(error) => {
            let (outcome, reason) = match error {
                ListError::TooLarge => (ListOutcome::TooLarge, Reason::RequestHeadersTooLarge),
                ListError::Invalid(element) => (
                    ListOutcome::Invalid { element },
                    Reason::InvalidRequestHeaders { element },
                ),
            };
            seen.header_list(outcome);
            // A refusal read before the list went bad comes first.
            return opaque(refused.unwrap_or(reason));
        }
    };
    let asked = request.private_network == Some(b"true");
    seen.private_network(request.private_network, asked);
    if asked && !policy.private_network {
        refused.get_or_insert(Reason::PrivateNetworkNotEnabled);
    }
    let allow_methods = match &policy.allow_methods {
        Answer::Constant(value) => Some(&**value),
        // Under `methods *` only an opaque denial refuses the method.
        Answer::Echo => method_outcome.is_allowed().then_some(method),
        Answer::Nothing => None,
    };
    let allow_headers = match &policy.allow_headers {
        _ if requested.names == 0 => AllowHeaders::None,
        // `authorization` refused under `headers *`: the requested names
        // but it, never `*` (Chromium lets a literal `*` cover
        // `authorization`, so the browser would go ahead) nor an echo of
        // the refused name.
        _ if authorization_refused || star_refused => AllowHeaders::Echo(request.request_headers),
        Answer::Constant(value) => AllowHeaders::Value(value),
        Answer::Echo => AllowHeaders::Echo(request.request_headers),
        Answer::Nothing => AllowHeaders::None,
    };
    values.allow_credentials = policy.credentials;
    values.allow_methods = allow_methods;
    values.allow_headers = allow_headers;
    values.allow_private_network = asked && policy.private_network;
    values.echo_allowed_names = authorization_refused || star_refused;
    match refused {
        None => {
            values.max_age = policy.max_age.as_deref();
            Preflight::Allowed
        }
        Some(reason) => Preflight::Informative(reason),
    }
}

impl FromStr for Engine {
    type Err = Error;

    /// Parses, validates and compiles a policy text. The error carries every
    /// diagnostic of the text, warnings included; a text with only warnings
    /// compiles, silently (run [`grammar::check`] to show them).
    fn from_str(src: &str) -> Result<Engine, Error> {
        let checked = grammar::check(src);
        match checked.policies {
            Some(set) if !checked.has_errors() => Engine::from_policies(&set)
                .map_err(|e| Error::new(e.diagnostics().to_vec(), Some(src))),
            _ => Err(Error::new(checked.diagnostics, Some(src))),
        }
    }
}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field(
                "policies",
                &self
                    .policies
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
