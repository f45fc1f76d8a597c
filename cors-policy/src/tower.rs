//! The [`tower`](https://docs.rs/tower) middleware (feature `tower`):
//! [`CorsLayer`] wraps any `Service<http::Request<_>>` (axum, hyper, tonic,
//! …) in a [`CorsService`].
//!
//! For each request the service decides once, from the request's parts:
//!
//! - no policy covers the path: the request goes to the inner service and
//!   its response comes back untouched;
//! - a preflight: the service answers it itself (the policy's
//!   `preflight-status` when allowed or informatively denied, 403 when
//!   denied opaquely — see [`Decision::informative`](crate::Decision::informative);
//!   an empty body of the inner
//!   service's body type) and never calls the inner service;
//! - anything else: the inner service runs and its response, whatever its
//!   status (a 404 or 500 the handler returned too), gets the decision's
//!   headers, with the replace and merge rules of [`http`](crate::http).
//!   An `Err` from the inner service is passed on as is: there is no
//!   response to decorate.
//!
//! A layer made by [`CorsLayer::new`] answers with one engine for its whole
//! life: each request dereferences it, nothing more. One made by
//! [`CorsLayer::from_static`] does the same with a leaked engine
//! ([`HttpEngine::leak`]), whose services and header values are cloned
//! without counting a reference: threads answering at once then share no
//! memory they write. One made by
//! [`CorsLayer::reloadable`] keeps its engine behind an [`ArcSwap`], loaded
//! once per request, and its [`CorsLayer::reload_handle`] gives a
//! [`ReloadHandle`] that swaps in a new policy while the server runs;
//! requests already decided finish with the engine they started with.

use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use ::http::{Request, Response};
use arc_swap::ArcSwap;
use pin_project_lite::pin_project;
use tower_layer::Layer;
use tower_service::Service;

use crate::Engine;
use crate::http::{Forwarded, HttpEngine};

/// A [`Layer`] that applies a policy set to every request: see the
/// [module documentation](self).
///
/// ```
/// # fn main() -> Result<(), cors_policy::Error> {
/// use cors_policy::Engine;
/// use cors_policy::tower::CorsLayer;
///
/// let policy = r#"
///     policy "api" {
///         paths "/api/**"
///         origins "https://app.example.com"
///         methods GET, POST, PUT
///     }
/// "#;
/// let layer = CorsLayer::new(policy.parse::<Engine>()?);
/// assert!(layer.reload_handle().is_none()); // a fixed engine
/// // axum: Router::new().route(…).layer(layer)
///
/// // A layer whose policy can be swapped while the server runs:
/// let layer = CorsLayer::reloadable(policy.parse::<Engine>()?);
/// let reload = layer.reload_handle(); // Some: keep it to swap policies later
/// # assert!(reload.is_some());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct CorsLayer {
    engine: Source,
}

/// How a layer and its services hold their engine.
#[derive(Clone)]
enum Source {
    /// One engine for the layer's life: a request dereferences it.
    Fixed(Arc<HttpEngine>),
    /// A leaked engine: a request dereferences it, and a service is
    /// cloned without a reference count.
    Static(&'static HttpEngine),
    /// An engine a [`ReloadHandle`] replaces: a request loads it.
    Reloadable(Arc<ArcSwap<HttpEngine>>),
}

impl Source {
    /// The engine answering now.
    fn current(&self) -> Current {
        match self {
            Source::Fixed(engine) => Current::Shared(Arc::clone(engine)),
            Source::Static(engine) => Current::Static(engine),
            Source::Reloadable(engine) => Current::Shared(engine.load_full()),
        }
    }
}

/// The engine a layer answers with now: see [`CorsLayer::engine`].
enum Current {
    Shared(Arc<HttpEngine>),
    Static(&'static HttpEngine),
}

impl Deref for Current {
    type Target = HttpEngine;

    fn deref(&self) -> &HttpEngine {
        match self {
            Current::Shared(engine) => engine,
            Current::Static(engine) => engine,
        }
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Fixed(engine) => f.debug_tuple("Fixed").field(&**engine).finish(),
            Source::Static(engine) => f.debug_tuple("Static").field(engine).finish(),
            Source::Reloadable(engine) => {
                f.debug_tuple("Reloadable").field(&**engine.load()).finish()
            }
        }
    }
}

impl CorsLayer {
    /// A layer answering with this engine for its whole life: an
    /// [`Engine`], an `Arc<Engine>`, a `&'static Engine` (e.g. `&*CORS` for a
    /// `static CORS` made by `cors_policy!`) or an [`HttpEngine`]. Each request dereferences the engine: no load, no
    /// reference count. Its [`reload_handle`](Self::reload_handle) is
    /// `None`; a layer whose policy changes while it runs is made by
    /// [`reloadable`](Self::reloadable).
    pub fn new(engine: impl Into<HttpEngine>) -> Self {
        CorsLayer {
            engine: Source::Fixed(Arc::new(engine.into())),
        }
    }

    /// A layer answering with a leaked engine ([`HttpEngine::leak`]) for
    /// the life of the process: like [`new`](Self::new), and moreover
    /// cloning its services (which frameworks do for each request) and the
    /// answer's values count no reference, so that threads answering at
    /// once share no memory they write.
    ///
    /// ```
    /// # fn main() -> Result<(), cors_policy::Error> {
    /// use cors_policy::Engine;
    /// use cors_policy::http::HttpEngine;
    /// use cors_policy::tower::CorsLayer;
    ///
    /// let engine = r#"policy "api" { paths "/api/**" origins "https://app.example.com" }"#
    ///     .parse::<Engine>()?;
    /// let layer = CorsLayer::from_static(HttpEngine::new(engine).leak());
    /// assert!(layer.reload_handle().is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_static(engine: &'static HttpEngine) -> Self {
        CorsLayer {
            engine: Source::Static(engine),
        }
    }

    /// A layer whose engine a [`ReloadHandle`] replaces while it and its
    /// services run (see [`reload_handle`](Self::reload_handle)), from
    /// anything [`new`](Self::new) takes. Each request loads the engine from
    /// an [`ArcSwap`], which costs a few hundred instructions more than a
    /// fixed engine.
    pub fn reloadable(engine: impl Into<HttpEngine>) -> Self {
        CorsLayer {
            engine: Source::Reloadable(Arc::new(ArcSwap::from_pointee(engine.into()))),
        }
    }

    /// A handle that replaces the engine of this layer and of every service
    /// it made, while they run: `Some` for a layer made by
    /// [`reloadable`](Self::reloadable), `None` for one made by
    /// [`new`](Self::new), whose engine is fixed.
    pub fn reload_handle(&self) -> Option<ReloadHandle> {
        match &self.engine {
            Source::Fixed(_) | Source::Static(_) => None,
            Source::Reloadable(engine) => Some(ReloadHandle {
                engine: Arc::clone(engine),
            }),
        }
    }

    /// The engine answering now (for a reloadable layer, the one stored
    /// last), held for as long as the returned value lives.
    pub fn engine(&self) -> impl Deref<Target = HttpEngine> + Send + Sync + use<> {
        self.engine.current()
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        CorsService {
            inner,
            engine: self.engine.clone(),
        }
    }
}

impl fmt::Debug for CorsLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsLayer")
            .field("engine", &self.engine)
            .finish()
    }
}

/// Swaps the policy of a running [`CorsLayer`] and its services: given by
/// [`CorsLayer::reload_handle`] of a [reloadable](CorsLayer::reloadable)
/// layer.
///
/// The recipe for reloading a policy file: watch it (a timer comparing its
/// modification time will do), read it, call
/// [`reload_from_str`](Self::reload_from_str); on an error the previous
/// engine stays in place, and the error renders the problems with their
/// line and column (`error.render(path, false)`).
#[derive(Clone)]
pub struct ReloadHandle {
    engine: Arc<ArcSwap<HttpEngine>>,
}

impl ReloadHandle {
    /// Answers every request decided from now on with `engine` (anything a
    /// [`CorsLayer`] is made from).
    pub fn store(&self, engine: impl Into<HttpEngine>) {
        self.engine.store(Arc::new(engine.into()));
    }

    /// Parses, validates and compiles `src`; on success answers every
    /// request decided from now on with it, on failure keeps the current
    /// engine and returns every problem (with the `tracing` feature, also
    /// logged as a `WARN` event).
    pub fn reload_from_str(&self, src: &str) -> Result<(), crate::Error> {
        match src.parse::<Engine>() {
            Ok(engine) => {
                self.store(engine);
                Ok(())
            }
            Err(error) => {
                #[cfg(feature = "tracing")]
                tracing::warn!(
                    target: crate::log::TARGET,
                    "policy reload failed, the previous policy stays in place\n{error}"
                );
                Err(error)
            }
        }
    }

    /// The engine answering now.
    pub fn load(&self) -> Arc<HttpEngine> {
        self.engine.load_full()
    }
}

impl fmt::Debug for ReloadHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReloadHandle")
            .field("engine", &*self.engine.load())
            .finish()
    }
}

/// The [`Service`] a [`CorsLayer`] makes: see the [module
/// documentation](self).
#[derive(Clone)]
pub struct CorsService<S> {
    inner: S,
    engine: Source,
}

impl<S> CorsService<S> {
    /// The wrapped service.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn inner_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The wrapped service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: fmt::Debug> fmt::Debug for CorsService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsService")
            .field("inner", &self.inner)
            .field("engine", &self.engine)
            .finish()
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CorsService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: Default,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    // Inlined into its caller, the request is moved into the inner call
    // and the future built in the caller's frame, where out of line both
    // were copied with `memcpy` (224 and 200 bytes): 2,048 instructions a
    // denied request (the service called, its response and request
    // dropped) against 1,981 inlined (docs/performance.md).
    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        // The decision borrows the engine and the request: keep only the
        // owned answer, so neither is held across the inner call.
        let answer = match &self.engine {
            Source::Fixed(engine) => engine.answer(&request),
            Source::Static(engine) => engine.answer(&request),
            Source::Reloadable(engine) => engine.load().answer(&request),
        };
        let lines = match answer.into_response_or_lines() {
            // Answered now: the future keeps the response.
            Ok(response) => {
                return ResponseFuture {
                    state: State::Preflight {
                        response: Some(response),
                    },
                };
            }
            Err(lines) => lines,
        };
        ResponseFuture {
            state: State::Inner {
                future: self.inner.call(request),
                lines,
            },
        }
    }
}

pin_project! {
    /// The response future of [`CorsService`].
    pub struct ResponseFuture<F, B> {
        #[pin]
        state: State<F, B>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, B> {
        // Answered here: the response, given out when polled (once).
        Preflight { response: Option<Response<B>> },
        // The inner service runs; its response gets the answer's `lines`
        // (none when unhandled).
        Inner {
            #[pin]
            future: F,
            lines: Option<Forwarded>,
        },
    }
}

impl<F, B, E> Future for ResponseFuture<F, B>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: Default,
{
    type Output = Result<Response<B>, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Preflight { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response)),
                // Polled again after it answered: the contract allows any
                // result; this one denies and does not panic.
                None => Poll::Ready(Ok(forbidden())),
            },
            StateProj::Inner { future, lines } => {
                let mut response = ready!(future.poll(cx))?;
                if let Some(lines) = lines.take() {
                    lines.write_to(response.headers_mut());
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

impl<F, B> fmt::Debug for ResponseFuture<F, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

/// What a preflight future polled again after its answer answers: a 403
/// without CORS headers, which a browser reads as denied.
fn forbidden<B: Default>() -> Response<B> {
    let mut response = Response::new(B::default());
    *response.status_mut() = ::http::StatusCode::FORBIDDEN;
    response
}
