//! The [actix-web](https://docs.rs/actix-web) 4 middleware (feature
//! `actix`): [`Cors`], for `App::wrap`, `Scope::wrap` or `Resource::wrap`.
//!
//! For each request the middleware decides once, with the same mapping as
//! every adapter of this crate ([`adapter`](crate::adapter)):
//!
//! - no policy covers the path: the request goes to the inner service, and
//!   its response (or error) comes back untouched;
//! - a preflight: the middleware answers it itself (the policy's
//!   `preflight-status`, or 403 when denied; an empty body) and never calls
//!   the inner service — so an authentication middleware inside it never
//!   sees a preflight, which carries no credentials;
//! - anything else: the inner service runs, and its response gets the
//!   decision's headers whatever its status. An error from the inner
//!   service (an authentication middleware's 401) stays an error, but the
//!   response actix-web makes of it carries them too: a browser shows the
//!   page's script the status instead of a CORS failure.
//!
//! Put `Cors` **outside** authentication: with actix-web the middleware
//! wrapped last runs first, so `.wrap(auth).wrap(cors)`.
//!
//! ```
//! use actix_web::{App, HttpResponse, web};
//! use cors_policy::Engine;
//! use cors_policy::actix::Cors;
//!
//! # fn main() -> Result<(), cors_policy::Error> {
//! let engine: Engine = r#"
//!     policy "api" {
//!         paths "/api/**"
//!         origins "https://app.example.com"
//!         methods GET, POST, DELETE
//!         credentials
//!     }
//! "#.parse()?;
//! let cors = Cors::new(engine);
//! let app = App::new()
//!     .wrap(cors.clone())
//!     .route("/api/users", web::get().to(HttpResponse::Ok));
//! # let _ = app;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::{Error, HttpResponse};

use crate::adapter::write;
use crate::{Engine, Header, Request, RequestKind};

/// The actix-web middleware: see the [module documentation](self). Cheap to
/// clone (the engine is shared).
#[derive(Clone)]
pub struct Cors {
    engine: Held,
}

#[derive(Clone)]
enum Held {
    Shared(Arc<Engine>),
    Static(&'static Engine),
}

impl std::ops::Deref for Held {
    type Target = Engine;

    fn deref(&self) -> &Engine {
        match self {
            Held::Shared(engine) => engine,
            Held::Static(engine) => engine,
        }
    }
}

impl Cors {
    /// The middleware answering with `engine`.
    pub fn new(engine: Engine) -> Self {
        Cors::shared(Arc::new(engine))
    }

    /// The middleware answering with a shared engine.
    pub fn shared(engine: Arc<Engine>) -> Self {
        Cors {
            engine: Held::Shared(engine),
        }
    }

    /// The middleware answering with a `static` engine, e.g. `&*CORS` for a
    /// `static CORS` made by `cors_policy!`.
    pub fn from_static(engine: &'static Engine) -> Self {
        Cors {
            engine: Held::Static(engine),
        }
    }
}

impl fmt::Debug for Cors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cors")
            .field("engine", &*self.engine)
            .finish()
    }
}

impl<S, B> Transform<S, ServiceRequest> for Cors
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Transform = CorsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<CorsMiddleware<S>, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CorsMiddleware {
            service: Rc::new(service),
            engine: self.engine.clone(),
        }))
    }
}

/// The service [`Cors`] wraps around the application's.
pub struct CorsMiddleware<S> {
    service: Rc<S>,
    engine: Held,
}

impl<S> fmt::Debug for CorsMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorsMiddleware")
            .field("engine", &*self.engine)
            .finish_non_exhaustive()
    }
}

/// The future of a [`CorsMiddleware`] call.
pub type CorsFuture<B> =
    Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<B>>, Error>>>>;

impl<S, B> Service<ServiceRequest> for CorsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = Error;
    type Future = CorsFuture<B>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let request = Request::from_headers(req.method().as_str(), req.path(), req.headers());
        let decision = self.engine.decide(&request);
        #[cfg(feature = "tracing")]
        decision.log();
        if decision.kind() == RequestKind::Unhandled {
            let call = self.service.call(req);
            return Box::pin(async move { call.await.map(ServiceResponse::map_into_left_body) });
        }
        if !decision.forward() {
            let status = decision
                .status()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::FORBIDDEN);
            let mut response = HttpResponse::new(status);
            decision.write_to(response.headers_mut());
            let response = req.into_response(response).map_into_right_body();
            return Box::pin(ready(Ok(response)));
        }
        // The decision borrows the request, which the inner service takes:
        // its headers are copied to outlive it.
        let headers: Vec<(&'static str, Box<[u8]>)> = decision
            .headers()
            .map(|h| (h.name, Box::from(h.value)))
            .collect();
        let call = self.service.call(req);
        Box::pin(async move {
            let headers = headers.iter().map(|(name, value)| Header { name, value });
            match call.await {
                Ok(mut response) => {
                    write(headers, response.headers_mut());
                    Ok(response.map_into_left_body())
                }
                // Still an error for the middleware outside, whose response
                // (what actix-web sends) carries the CORS headers.
                Err(error) => {
                    let mut response = error.error_response();
                    write(headers, response.headers_mut());
                    Err(InternalError::from_response(error, response).into())
                }
            }
        })
    }
}

crate::adapter::impl_for_header_map!(HeaderMap, HeaderName, HeaderValue);
