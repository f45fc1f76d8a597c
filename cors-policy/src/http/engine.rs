//! [`HttpEngine`]: an [`Engine`] with the header values of its answers
//! built once, and its answers to requests of the `http` crate.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use ::http::header::HeaderMap;
use ::http::request::Parts;
use ::http::{Method, Uri};

use super::answer::Answer;
use super::prebuilt::Prebuilt;
use super::read::{Echoes, read, start};
use crate::{Decision, Engine};

/// An [`Engine`] with the header values of its answers built once, for the
/// `http` crate's types.
///
/// Every policy's constant values (`Access-Control-Allow-Methods`,
/// `-Max-Age`, `-Expose-Headers`, `Vary`, …) are built when the
/// `HttpEngine` is made; an answer clones them (a reference count, no copy)
/// and clones echoed values from the request's own [`HeaderValue`](::http::HeaderValue)s. Share
/// it like the engine (`Arc<HttpEngine>`; it is `Send + Sync`).
///
/// It is made from an [`Engine`], an `Arc<Engine>` or a `&'static Engine`
/// (what a `static` made by `cors_policy!` dereferences to), all with
/// [`From`].
pub struct HttpEngine {
    engine: Held,
    /// Per policy, in file order: its constant values.
    prebuilt: Box<[Prebuilt]>,
}

/// How an [`HttpEngine`] holds its engine.
enum Held {
    Owned(Engine),
    Shared(Arc<Engine>),
    Static(&'static Engine),
}

impl Deref for Held {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        match self {
            Held::Owned(engine) => engine,
            Held::Shared(engine) => engine,
            Held::Static(engine) => engine,
        }
    }
}

impl HttpEngine {
    /// Wraps a compiled engine: an [`Engine`], an `Arc<Engine>` or a
    /// `&'static Engine`.
    pub fn new(engine: impl Into<HttpEngine>) -> Self {
        engine.into()
    }

    fn with(engine: Held) -> Self {
        let prebuilt = engine
            .compiled()
            .iter()
            .enumerate()
            .map(|(index, policy)| Prebuilt::new(policy, engine.policies().get(index)))
            .collect();
        HttpEngine { engine, prebuilt }
    }

    /// Leaks this engine for the life of the process, for one made once
    /// at startup and never dropped: its header values become static, so
    /// that an answer clones them by copying a pointer rather than counting
    /// a reference shared by every thread, and a
    /// [`CorsLayer::from_static`](crate::tower::CorsLayer::from_static)
    /// service is cloned without one either. Threads answering at once then
    /// write to no memory in common. Each call leaks the engine and a copy
    /// of its values: not for an engine replaced while the server runs.
    ///
    /// ```
    /// # fn main() -> Result<(), cors_policy::Error> {
    /// use cors_policy::Engine;
    /// use cors_policy::http::HttpEngine;
    ///
    /// let engine = r#"policy "api" { paths "/api/**" origins "https://app.example.com" }"#
    ///     .parse::<Engine>()?;
    /// let engine: &'static HttpEngine = HttpEngine::new(engine).leak();
    /// # let _ = engine;
    /// # Ok(())
    /// # }
    /// ```
    pub fn leak(mut self) -> &'static HttpEngine {
        self.prebuilt.iter_mut().for_each(Prebuilt::make_static);
        Box::leak(Box::new(self))
    }

    /// The engine inside.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Decides a request and keeps what the response needs: the
    /// [`Answer`]. With the `tracing` feature the decision is logged
    /// ([`Decision::log`]).
    pub fn answer<B>(&self, request: &::http::Request<B>) -> Answer {
        self.answer_headers(request.method(), request.uri(), request.headers())
    }

    /// [`answer`](Self::answer), from the request's parts.
    pub fn answer_parts(&self, parts: &Parts) -> Answer {
        self.answer_headers(&parts.method, &parts.uri, &parts.headers)
    }

    /// [`answer`](Self::answer), from a method, a URI and the request's
    /// headers.
    #[inline]
    pub fn answer_headers(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Answer {
        let mut request = start(method, uri);
        let echoes = read(&mut request, headers);
        let decision = self.engine.decide(&request);
        #[cfg(feature = "tracing")]
        decision.log();
        self.build(&decision, echoes)
    }

    /// The [`Answer`] of a decision already made (e.g. to look at its
    /// [`reason`](Decision::reason) first). `request_headers` are the
    /// headers the decision's request was built from: echoed values are
    /// cloned from them. Any decision works; one from another engine or
    /// request just costs copies.
    pub fn prepare(&self, decision: &Decision<'_>, request_headers: &HeaderMap) -> Answer {
        self.build(decision, Echoes::of(request_headers))
    }

    fn build(&self, decision: &Decision<'_>, echoes: Echoes<'_>) -> Answer {
        let index = decision.policy_index();
        let prebuilt = index.and_then(|index| self.prebuilt.get(index));
        // The matched entry's own value when it is an exact origin (a
        // decision of another engine may name another entry: `Answer::build`
        // uses a value only when it holds the decision's bytes).
        let exact = prebuilt
            .zip(decision.values.origin_entry)
            .and_then(|(p, entry)| p.origins.get(usize::try_from(entry).ok()?))
            .and_then(Option::as_ref);
        Answer::build(decision, prebuilt, exact, echoes)
    }
}

impl From<Engine> for HttpEngine {
    fn from(engine: Engine) -> Self {
        HttpEngine::with(Held::Owned(engine))
    }
}

impl From<Arc<Engine>> for HttpEngine {
    fn from(engine: Arc<Engine>) -> Self {
        HttpEngine::with(Held::Shared(engine))
    }
}

impl From<&'static Engine> for HttpEngine {
    fn from(engine: &'static Engine) -> Self {
        HttpEngine::with(Held::Static(engine))
    }
}

impl fmt::Debug for HttpEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpEngine")
            .field("engine", &*self.engine)
            .finish_non_exhaustive()
    }
}
