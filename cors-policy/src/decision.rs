//! The engine's answer: what kind of request it was, whether it is allowed,
//! the status (preflights) and the response headers.

use std::fmt;

use crate::Reason;
use crate::compile::Vary;
use crate::reason::Escaped;
use crate::request::Lines;
use crate::request_headers::{holds_name, next_element, trim_ows};
use crate::slot::HeaderSlot;

/// What kind of request the engine saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestKind {
    /// No policy's `paths` match: the engine adds nothing at all.
    Unhandled,
    /// No `Origin` header: not a CORS request.
    NotCors,
    /// `OPTIONS` with `Origin` and `Access-Control-Request-Method`.
    Preflight,
    /// Any other request with `Origin`.
    Actual,
}

impl RequestKind {
    /// The stable name used by the command line: `unhandled`, `not-cors`,
    /// `preflight` or `actual`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RequestKind::Unhandled => "unhandled",
            RequestKind::NotCors => "not-cors",
            RequestKind::Preflight => "preflight",
            RequestKind::Actual => "actual",
        }
    }
}

impl fmt::Display for RequestKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One response header: a lowercase name and a value that is always a valid
/// header value (visible ASCII, spaces and tabs inside; never CR, LF or NUL).
///
/// How to apply them: **set** every `access-control-*` header, replacing any
/// the application set (browsers reject duplicated
/// `Access-Control-Allow-Origin` / `-Allow-Credentials` lines); when a name
/// appears more than once (an echoed `Access-Control-Request-Headers` that
/// came on several lines), send every one of them. **Append** `vary`: its
/// value is a comma-separated list of field names to add to the response's
/// `Vary`, skipping names already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The lowercase header name, e.g. `access-control-allow-origin`.
    pub name: &'static str,
    /// The value: borrowed from the engine (constants) or from the request
    /// (echoed origin, method or header names).
    pub value: &'a [u8],
}

impl<'a> Header<'a> {
    /// The value as text. Values are always ASCII, so this never loses
    /// anything.
    pub fn value_str(&self) -> &'a str {
        std::str::from_utf8(self.value).unwrap_or_default()
    }
}

/// The status of an opaque denied preflight.
pub(crate) const DENIED_PREFLIGHT_STATUS: u16 = 403;

/// `Access-Control-Allow-Headers`: absent, a constant, or the request's own
/// lines echoed.
#[derive(Clone, Copy, Default)]
pub(crate) enum AllowHeaders<'a> {
    #[default]
    None,
    Value(&'a [u8]),
    /// The request's lines (a few inline, or borrowed): those that hold a
    /// name are sent, trimmed; or, with [`Values::echo_allowed_names`], its
    /// names.
    Echo(Lines<'a>),
}

/// The values a decision sends, one field per [`HeaderSlot`]; [`Headers`]
/// puts them in the canonical order.
#[derive(Clone, Copy, Default)]
pub(crate) struct Values<'a> {
    pub(crate) allow_origin: Option<&'a [u8]>,
    pub(crate) allow_credentials: bool,
    pub(crate) allow_methods: Option<&'a [u8]>,
    pub(crate) allow_headers: AllowHeaders<'a>,
    pub(crate) max_age: Option<&'a [u8]>,
    pub(crate) allow_private_network: bool,
    pub(crate) expose_headers: Option<&'a [u8]>,
    pub(crate) vary: Option<Vary>,
    /// An [`AllowHeaders::Echo`] sends the request's names but
    /// `authorization` (and a name `*`), one line each: the allowed names of
    /// an informative denial that refused `authorization` under `headers *`
    /// — never the refused name, and never a `*`, which Chromium lets cover
    /// `authorization`. (A flag beside the bools rather than a variant of
    /// its own, which would make every [`Decision`] a word longer.)
    pub(crate) echo_allowed_names: bool,
    /// The entry of the policy's `origins` the origin matched, allowed or
    /// informatively denied (whose reason no longer names it): the `http`
    /// answer clones that entry's prebuilt `Access-Control-Allow-Origin`
    /// value instead of looking the origin up again.
    #[cfg_attr(
        not(feature = "http"),
        expect(dead_code, reason = "read by the `http` answer alone")
    )]
    pub(crate) origin_entry: Option<u32>,
}

/// The engine's answer to one request. Cheap to copy; borrows from the
/// engine and from the request's values.
///
/// | kind | `allowed` | `status` | `forward` | headers |
/// |---|---|---|---|---|
/// | `Unhandled` | false | none | true | none |
/// | `NotCors` | false | none | true | `vary: Origin` when the policy's answer depends on the origin |
/// | `Preflight`, allowed | true | `preflight-status` | false | allow-* headers and `vary` |
/// | `Preflight`, denied, [informative](Self::informative) | false | `preflight-status` | false | allow-origin, credentials, the policy's own allow-methods and allow-headers (never what was denied), `vary`; no max-age |
/// | `Preflight`, denied, opaque | false | 403 | false | only `vary` |
/// | `Actual`, allowed | true | none | true | allow-origin, credentials, expose, `vary` |
/// | `Actual`, denied | false | none | true | only `vary` (when it depends on the origin) |
///
/// [`headers`](Self::headers) come in one canonical order:
/// `access-control-allow-origin`, `-allow-credentials`, `-allow-methods`,
/// `-allow-headers`, `-max-age`, `-allow-private-network`, `-expose-headers`,
/// `vary`. See [`Header`] for how to apply them.
#[derive(Clone, Copy)]
pub struct Decision<'a> {
    pub(crate) kind: RequestKind,
    pub(crate) policy: Option<(usize, &'a str)>,
    /// The reason as `decide` left it: with `unsettled`, an
    /// [`OriginNotAllowed`](Reason::OriginNotAllowed) whose origin was not
    /// parsed, which [`reason`](Self::reason) tells from a
    /// [`MalformedOrigin`](Reason::MalformedOrigin) (a denial either way,
    /// the same headers).
    pub(crate) reason: Reason<'a>,
    pub(crate) unsettled: bool,
    pub(crate) status: Option<u16>,
    pub(crate) values: Values<'a>,
}

impl<'a> Decision<'a> {
    /// What kind of request this was.
    pub fn kind(&self) -> RequestKind {
        self.kind
    }

    /// Whether the CORS request is allowed; false for `NotCors` and
    /// `Unhandled`.
    pub fn allowed(&self) -> bool {
        self.reason.is_allowed()
    }

    /// The name of the policy that answered (none when `Unhandled`).
    pub fn policy(&self) -> Option<&'a str> {
        self.policy.map(|(_, name)| name)
    }

    /// The index of the policy that answered, into
    /// [`Engine::policies`](crate::Engine::policies).
    pub fn policy_index(&self) -> Option<usize> {
        self.policy.map(|(index, _)| index)
    }

    /// The response status: set for preflights only (the policy's
    /// `preflight-status` when allowed or [informatively
    /// denied](Self::informative), 403 when denied opaquely).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Whether this is an informative denial: a preflight from an allowed
    /// origin, one a browser can send (a valid, non-forbidden method; a
    /// well-formed `Access-Control-Request-Headers` within the caps), whose
    /// method, a header or private network is not allowed. It is answered
    /// like an allowed preflight without `access-control-max-age` — status
    /// `preflight-status`, the origin, credentials, the policy's own method
    /// and header lists, never what was denied — so that the browser's
    /// console names the missing method or header instead of blaming the
    /// origin. Every other denied preflight is opaque: 403, only `vary`.
    pub fn informative(&self) -> bool {
        self.kind == RequestKind::Preflight
            && !self.allowed()
            && self.status != Some(DENIED_PREFLIGHT_STATUS)
    }

    /// Whether the application handler runs: false for preflights (the
    /// engine answers them), true otherwise.
    pub fn forward(&self) -> bool {
        self.kind != RequestKind::Preflight
    }

    /// Why the engine answered so: for a denial, the first check that
    /// failed.
    pub fn reason(&self) -> Reason<'a> {
        match self.reason {
            Reason::OriginNotAllowed { origin }
                if self.unsettled && crate::origin::parse(origin).is_none() =>
            {
                Reason::MalformedOrigin { origin }
            }
            reason => reason,
        }
    }

    /// The response headers, in the order they would be sent.
    pub fn headers(&self) -> Headers<'a> {
        Headers::of(self.values)
    }

    /// The value of the `vary` header this decision adds, if any: a
    /// comma-separated list of field names (`Origin`, …).
    pub fn vary(&self) -> Option<&'a [u8]> {
        self.values.vary.map(|vary| vary.as_str().as_bytes())
    }
}

impl fmt::Debug for Decision<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct ShownHeaders<'b>(Headers<'b>);
        impl fmt::Debug for ShownHeaders<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for h in self.0.clone() {
                    list.entry(&format_args!("{}: {}", h.name, Escaped(h.value)));
                }
                list.finish()
            }
        }
        f.debug_struct("Decision")
            .field("kind", &self.kind)
            .field("allowed", &self.allowed())
            .field("policy", &self.policy())
            .field("status", &self.status)
            .field("forward", &self.forward())
            .field("reason", &self.reason())
            .field("headers", &ShownHeaders(self.headers()))
            .finish()
    }
}

/// The headers of a [`Decision`], in canonical order.
#[derive(Clone)]
pub struct Headers<'a> {
    values: Values<'a>,
    /// The index of the [`HeaderSlot`] to look at next.
    step: u8,
    line: usize,
    /// Where in line `line` an echo of [`Values::echo_allowed_names`] goes
    /// on.
    offset: usize,
}

impl<'a> Headers<'a> {
    /// The lines of `values`, in the canonical order.
    pub(crate) fn of(values: Values<'a>) -> Headers<'a> {
        Headers {
            values,
            step: 0,
            line: 0,
            offset: 0,
        }
    }
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        let v = &self.values;
        loop {
            let slot = *HeaderSlot::ALL.get(usize::from(self.step))?;
            let name = slot.name();
            let header = match slot {
                HeaderSlot::AllowOrigin => v.allow_origin.map(|value| Header { name, value }),
                HeaderSlot::AllowCredentials => v.allow_credentials.then_some(Header {
                    name,
                    value: b"true",
                }),
                HeaderSlot::AllowMethods => v.allow_methods.map(|value| Header { name, value }),
                HeaderSlot::AllowHeaders => match v.allow_headers {
                    AllowHeaders::None => None,
                    AllowHeaders::Value(value) => Some(Header { name, value }),
                    AllowHeaders::Echo(ref lines) if !v.echo_allowed_names => {
                        for line in lines.iter().skip(self.line) {
                            self.line += 1;
                            if holds_name(line) {
                                // Stay on this slot for the next line.
                                let header = Header {
                                    name,
                                    value: trim_ows(line),
                                };
                                return Some(header);
                            }
                        }
                        None
                    }
                    AllowHeaders::Echo(ref lines) => {
                        for line in lines.iter().skip(self.line) {
                            let mut rest = line.get(self.offset..).unwrap_or_default();
                            while let Some((element, _, after)) = next_element(rest) {
                                self.offset = line.len() - after.len();
                                rest = after;
                                if !(element.eq_ignore_ascii_case(b"authorization")
                                    || element == b"*")
                                {
                                    // Stay on this slot for the next name.
                                    return Some(Header {
                                        name,
                                        value: element,
                                    });
                                }
                            }
                            self.line += 1;
                            self.offset = 0;
                        }
                        None
                    }
                },
                HeaderSlot::MaxAge => v.max_age.map(|value| Header { name, value }),
                HeaderSlot::AllowPrivateNetwork => v.allow_private_network.then_some(Header {
                    name,
                    value: b"true",
                }),
                HeaderSlot::ExposeHeaders => v.expose_headers.map(|value| Header { name, value }),
                HeaderSlot::Vary => v.vary.map(|vary| Header {
                    name,
                    value: vary.as_str().as_bytes(),
                }),
            };
            self.step += 1;
            if header.is_some() {
                return header;
            }
        }
    }
}

impl std::iter::FusedIterator for Headers<'_> {}
