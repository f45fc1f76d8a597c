//! The one mapping between any framework and the engine: a request's
//! headers to a [`Request`], a [`Decision`] to a response's headers.
//!
//! Every adapter of this crate goes through it — `http` 1.x (feature
//! `http`: hyper 1, axum, salvo, poem), `http` 0.2 (feature `http02`) and
//! actix-web (feature `actix`) — so the rules are the same everywhere:
//!
//! - reading: at most two `Origin` and `Access-Control-Request-Method`
//!   lines are looked at (two deny); the `Access-Control-Request-*` headers
//!   only for `OPTIONS`; the path is the URI's path;
//! - writing ([`Decision::write_to`]): a request no policy covers
//!   ([`RequestKind::Unhandled`]) gets nothing; otherwise every
//!   `access-control-allow-*`, `-expose-headers` and `-max-age` line the
//!   application set is removed and the decision's are added, and `Vary` is
//!   merged by [`merge_vary`].
//!
//! A framework whose header map is not one of these needs
//! [`RequestHeaders`] and [`ResponseHeaders`] on a wrapper of it (a few
//! lines each), then:
//!
//! ```
//! use cors_policy::adapter::{RequestHeaders, ResponseHeaders};
//! use cors_policy::{Engine, Request};
//!
//! /// A framework's header map: a list of lines.
//! #[derive(Default)]
//! struct Lines(Vec<(String, Vec<u8>)>);
//!
//! impl RequestHeaders for Lines {
//!     fn get_all(&self, name: &'static str) -> impl Iterator<Item = &[u8]> {
//!         self.0.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| &v[..])
//!     }
//! }
//!
//! impl ResponseHeaders for Lines {
//!     fn remove(&mut self, name: &'static str) {
//!         self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
//!     }
//!     fn append(&mut self, name: &'static str, value: &[u8]) {
//!         self.0.push((name.to_owned(), value.to_vec()));
//!     }
//!     fn vary(&self) -> impl Iterator<Item = &[u8]> {
//!         self.0.iter().filter(|(n, _)| n.eq_ignore_ascii_case("vary")).map(|(_, v)| &v[..])
//!     }
//! }
//!
//! let engine: Engine = r#"policy "api" { origins "https://app.example.com" }"#.parse()?;
//! let mut request = Lines::default();
//! request.0.push(("Origin".into(), b"https://app.example.com".to_vec()));
//! let decision = engine.decide(&Request::from_headers("GET", "/users", &request));
//!
//! let mut response = Lines::default();
//! response.0.push(("vary".into(), b"Accept-Encoding".to_vec()));
//! decision.write_to(&mut response);
//! assert_eq!(response.0, [
//!     ("access-control-allow-origin".to_owned(), b"https://app.example.com".to_vec()),
//!     ("vary".to_owned(), b"Accept-Encoding, Origin".to_vec()),
//! ]);
//! # Ok::<(), cors_policy::Error>(())
//! ```

use crate::request_headers::trim_ows;
use crate::slot::HeaderSlot;
use crate::{Decision, Header, Request, RequestKind};

/// A request's header map, read by name.
pub trait RequestHeaders {
    /// Every line of the header `name` (given lowercase), in order, as raw
    /// bytes.
    fn get_all(&self, name: &'static str) -> impl Iterator<Item = &[u8]>;
}

/// A response's header map, written by name. Names are given lowercase.
pub trait ResponseHeaders {
    /// Removes every line of `name`.
    fn remove(&mut self, name: &'static str);

    /// Adds a line, after any of that name already there. `value` is always
    /// a valid header value.
    fn append(&mut self, name: &'static str, value: &[u8]);

    /// Every `Vary` line, in order.
    fn vary(&self) -> impl Iterator<Item = &[u8]>;

    /// Whether the response has a line of `name`; the default says yes, so
    /// that [`remove`](Self::remove) is always called.
    fn contains(&self, name: &'static str) -> bool {
        let _ = name;
        true
    }
}

/// The response headers a policy owns on the paths it covers: removed from
/// the application's response before the decision's are added. Every name
/// the engine emits but `vary`, which is merged.
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of bounds is a build error"
)]
pub const OWNED: [&str; HeaderSlot::COUNT - 1] = {
    let mut names = [""; HeaderSlot::COUNT - 1];
    let mut at = 0;
    while at < names.len() {
        names[at] = HeaderSlot::OWNED[at].name();
        at += 1;
    }
    names
};

/// The name of the one header that is merged rather than replaced.
const VARY: &str = HeaderSlot::Vary.name();

const ORIGIN: &str = "origin";
const REQUEST_METHOD: &str = "access-control-request-method";
const REQUEST_HEADERS: &str = "access-control-request-headers";
const REQUEST_PRIVATE_NETWORK: &str = "access-control-request-private-network";

impl<'a> Request<'a> {
    /// The engine's view of a request from any framework: its method, its
    /// path (without the query, or with it: everything from `?` is
    /// ignored) and its headers. Allocates nothing.
    ///
    /// Up to [`MAX_BUILDER_REQUEST_HEADER_LINES`](crate::MAX_BUILDER_REQUEST_HEADER_LINES)
    /// `Access-Control-Request-Headers` lines are read (browsers send one;
    /// more deny the preflight).
    pub fn from_headers<H: RequestHeaders + ?Sized>(
        method: &'a str,
        path: &'a str,
        headers: &'a H,
    ) -> Self {
        let mut request = Request::new(method, path);
        for origin in headers.get_all(ORIGIN).take(2) {
            request = request.origin(origin);
        }
        if method != "OPTIONS" {
            return request;
        }
        for value in headers.get_all(REQUEST_METHOD).take(2) {
            request = request.request_method(value);
        }
        for line in headers
            .get_all(REQUEST_HEADERS)
            .take(crate::MAX_BUILDER_REQUEST_HEADER_LINES + 1)
        {
            request = request.request_headers(line);
        }
        if let Some(value) = headers.get_all(REQUEST_PRIVATE_NETWORK).next() {
            request = request.private_network(value);
        }
        request
    }
}

impl Decision<'_> {
    /// Writes this decision into a response's headers — any
    /// [`ResponseHeaders`]: an `http` 1.x or 0.2 `HeaderMap`, actix-web's —
    /// with the rules of the [module documentation](self): nothing for
    /// [`RequestKind::Unhandled`], the policy's own CORS headers replacing the
    /// application's, `Vary` merged.
    pub fn write_to<H: ResponseHeaders + ?Sized>(&self, response: &mut H) {
        if self.kind() != RequestKind::Unhandled {
            write(self.headers(), response);
        }
    }
}

/// Writes `headers` (a decision's, or a copy of them kept across an
/// `.await`) into a response: see [`Decision::write_to`], which this is
/// without the check for [`RequestKind::Unhandled`].
pub fn write<'h, H: ResponseHeaders + ?Sized>(
    headers: impl IntoIterator<Item = Header<'h>>,
    response: &mut H,
) {
    for name in OWNED {
        if response.contains(name) {
            response.remove(name);
        }
    }
    for header in headers {
        if header.name != VARY {
            response.append(header.name, header.value);
            continue;
        }
        match merge_vary(|| response.vary(), header.value) {
            VaryUpdate::Keep => {}
            VaryUpdate::Add => response.append(VARY, header.value),
            VaryUpdate::Replace(merged) => {
                response.remove(VARY);
                response.append(VARY, &merged);
            }
        }
    }
}

/// What to do with a response's `Vary` to add a decision's names: see
/// [`merge_vary`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaryUpdate {
    /// Every name is already listed, or the response varies on `*`:
    /// nothing to do.
    Keep,
    /// The response has no `Vary`: add the decision's as it is.
    Add,
    /// Replace every `Vary` line with this one: the response's names, then
    /// the decision's that were missing.
    Replace(Vec<u8>),
}

/// The `Vary` merge of every adapter: the decision's field names (`ours`, a
/// comma-separated list) that the response's `Vary` lines (what
/// `existing()` lists, read as many times as needed) lack, compared
/// case-insensitively, are added after the response's own; a `Vary: *` is
/// left alone; the result is a single line (some caches read only the
/// first).
///
/// ```
/// use cors_policy::adapter::{VaryUpdate, merge_vary};
///
/// let lines: [&[u8]; 2] = [b"Accept-Encoding", b"origin"];
/// assert_eq!(
///     merge_vary(|| lines.into_iter(), b"Origin, Access-Control-Request-Method"),
///     VaryUpdate::Replace(b"Accept-Encoding, origin, Access-Control-Request-Method".to_vec())
/// );
/// assert_eq!(merge_vary(|| [&b"*"[..]].into_iter(), b"Origin"), VaryUpdate::Keep);
/// assert_eq!(merge_vary(std::iter::empty, b"Origin"), VaryUpdate::Add);
/// ```
pub fn merge_vary<'l, I>(existing: impl Fn() -> I, ours: &[u8]) -> VaryUpdate
where
    I: Iterator<Item = &'l [u8]>,
{
    if existing().next().is_none() {
        return VaryUpdate::Add;
    }
    let listed =
        |name: &[u8]| existing().any(|line| vary_names(line).any(|n| n.eq_ignore_ascii_case(name)));
    if listed(b"*") || vary_names(ours).all(listed) {
        return VaryUpdate::Keep;
    }
    let mut merged = Vec::new();
    let mut add = |part: &[u8]| {
        if !merged.is_empty() {
            merged.extend_from_slice(b", ");
        }
        merged.extend_from_slice(part);
    };
    existing()
        .map(trim_ows)
        .filter(|l| !l.is_empty())
        .for_each(&mut add);
    vary_names(ours).filter(|n| !listed(n)).for_each(add);
    VaryUpdate::Replace(merged)
}

/// The field names of a `Vary` value.
fn vary_names(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_ows)
        .filter(|n| !n.is_empty())
}

/// [`RequestHeaders`] and [`ResponseHeaders`] for a header map of the
/// `http` crate's shape (`http` 1.x and 0.2, actix-web's): `get_all`,
/// `remove`, `append`, `contains_key`.
#[cfg(any(feature = "http", feature = "http02", feature = "actix"))]
macro_rules! impl_for_header_map {
    ($map:ty, $name:ty, $value:ty) => {
        impl $crate::adapter::RequestHeaders for $map {
            fn get_all(&self, name: &'static str) -> impl Iterator<Item = &[u8]> {
                self.get_all(name).into_iter().map(<$value>::as_bytes)
            }
        }

        impl $crate::adapter::ResponseHeaders for $map {
            fn remove(&mut self, name: &'static str) {
                self.remove(name);
            }

            fn append(&mut self, name: &'static str, value: &[u8]) {
                if let (Ok(name), Ok(value)) = (
                    <$name>::from_bytes(name.as_bytes()),
                    <$value>::from_bytes(value),
                ) {
                    self.append(name, value);
                }
            }

            fn vary(&self) -> impl Iterator<Item = &[u8]> {
                self.get_all("vary").into_iter().map(<$value>::as_bytes)
            }

            fn contains(&self, name: &'static str) -> bool {
                self.contains_key(name)
            }
        }
    };
}
#[cfg(any(feature = "http", feature = "http02", feature = "actix"))]
pub(crate) use impl_for_header_map;
