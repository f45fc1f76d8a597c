//! [`HttpEngine`]: an [`Engine`] with the header values of its answers
//! built once, and its answers to requests of the `http` crate.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use ::http::header::HeaderMap;
use ::http::request::Parts;
use ::http::{Method, Uri};

use super::answer::{Answer, template_map};
use super::prebuilt::Prebuilt;
use super::read::{Echoes, read, start};
use super::template::{Spec, Templates};
use crate::compile::CompiledPolicy;
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
    /// Per policy, in file order: its constant values and the preflight
    /// answers made of them.
    prebuilt: Box<[Built]>,
}

/// One policy's constant values, and the preflight answers made of them.
struct Built {
    values: Prebuilt,
    templates: Templates,
}

impl Built {
    fn new(policy: &CompiledPolicy, values: Prebuilt) -> Built {
        let templates = Templates::new(Spec::of(policy), &values, |v| template_map(v, &values));
        Built { values, templates }
    }
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
            .map(|(index, policy)| {
                Built::new(policy, Prebuilt::new(policy, engine.policies().get(index)))
            })
            .collect();
        HttpEngine { engine, prebuilt }
    }

    /// Leaks this engine for the life of the process, for one made once
    /// at startup and never dropped: its header values become static, so
    /// that an answer clones them by copying a pointer rather than counting
    /// a reference shared by every thread, and a
    #[cfg_attr(
        feature = "tower",
        doc = "[`CorsLayer::from_static`](crate::tower::CorsLayer::from_static)"
    )]
    #[cfg_attr(
        not(feature = "tower"),
        doc = "`CorsLayer::from_static` (feature `tower`)"
    )]
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
        let compiled = self.engine.compiled();
        for (built, policy) in self.prebuilt.iter_mut().zip(compiled) {
            let mut values = std::mem::take(&mut built.values);
            values.make_static();
            // Remade of the static values.
            *built = Built::new(policy, values);
        }
        Box::leak(Box::new(self))
    }

    /// The engine inside.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Decides a request and keeps what the response needs: the
    /// [`Answer`]. With the `tracing` feature the decision is logged
    #[cfg_attr(feature = "tracing", doc = "([`Decision::log`]).")]
    #[cfg_attr(not(feature = "tracing"), doc = "(`Decision::log`).")]
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
        let built = index.and_then(|index| self.prebuilt.get(index));
        let prebuilt = built.map(|b| &b.values);
        // The matched entry's own value when it is an exact origin (a
        // decision of another engine may name another entry: `Answer::build`
        // uses a value only when it holds the decision's bytes).
        let exact = prebuilt
            .zip(decision.values.origin_entry)
            .and_then(|(p, entry)| p.origins.get(usize::try_from(entry).ok()?))
            .and_then(Option::as_ref);
        Answer::build(
            decision,
            prebuilt,
            built.map(|b| &b.templates),
            exact,
            echoes,
        )
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

#[cfg(test)]
mod tests {
    use ::http::HeaderValue;

    use super::HttpEngine;
    use crate::http::read::Echoes;
    use crate::{Engine, Request, RequestKind};

    /// Policies whose preflight answers take each path: listed constants
    /// (templates), `*` constants (templates), echoes (line by line), and
    /// private network (line by line when asked).
    const POLICIES: &str = r#"
        policy "list" {
            paths "/list/**"
            origins "https://app.example.com", "https://*.example.com"
            methods GET, PUT, DELETE
            headers content-type, x-request-id
            credentials
            max-age 2h
        }
        policy "any" {
            paths "/any/**"
            origins *
            methods *
            headers *
            max-age 10
        }
        policy "echo" {
            paths "/echo/**"
            origins "https://app.example.com"
            credentials
            methods *
            headers *
        }
        policy "pna" {
            paths "/pna/**"
            origins "https://app.example.com"
            methods PUT
            headers x-request-id
            private-network
        }
        policy "bare" {
            paths "/bare/**"
            origins "https://app.example.com"
        }
    "#;

    const PATHS: [&str; 5] = ["/list/a", "/any/a", "/echo/a", "/pna/a", "/bare/a"];
    const ORIGINS: [&str; 3] = [
        "https://app.example.com",
        "https://eu.example.com",
        "https://evil.test",
    ];

    /// Preflights (method, then lines of `Access-Control-Request-Headers`
    /// and whether private network is asked): allowed (with white space
    /// to trim from an echo, with no name), informatively denied by
    /// method, by header, by `authorization`, asking for private network,
    /// with two lines; and an actual request (`None`).
    const PREFLIGHTS: [Option<(&str, &[&str], bool)>; 11] = [
        Some(("PUT", &[], false)),
        Some(("PUT", &["content-type, x-request-id"], false)),
        Some(("PUT", &[" content-type,x-request-id\t"], false)),
        Some(("PUT", &[" , "], false)),
        Some(("PATCH", &["content-type"], false)),
        Some(("PUT", &["x-unknown"], false)),
        Some(("PUT", &["authorization"], false)),
        Some(("PUT", &["x-request-id"], true)),
        Some(("PUT", &["x-request-id", "content-type"], false)),
        Some(("GET", &[], false)),
        None,
    ];

    fn request(
        path: &str,
        origin: &str,
        preflight: Option<(&str, &[&str], bool)>,
    ) -> ::http::Request<()> {
        let mut builder = ::http::Request::builder()
            .uri(path)
            .header("origin", origin);
        builder = match preflight {
            None => builder.method("GET"),
            Some((method, lines, private_network)) => {
                let mut b = builder
                    .method("OPTIONS")
                    .header("access-control-request-method", method);
                for line in lines {
                    b = b.header("access-control-request-headers", *line);
                }
                if private_network {
                    b = b.header("access-control-request-private-network", "true");
                }
                b
            }
        };
        builder.body(()).unwrap()
    }

    /// Every answer of a shared and of a leaked engine sends exactly the
    /// decision's lines, in its order, whether a template made it or not;
    /// and the preflights with only constant lines are made from one.
    #[test]
    fn templated_answers_send_the_decisions_lines() {
        let shared = HttpEngine::new(POLICIES.parse::<Engine>().unwrap());
        let leaked = HttpEngine::new(POLICIES.parse::<Engine>().unwrap()).leak();
        let mut line_by_line = Vec::new();
        for http in [&shared, leaked] {
            for path in PATHS {
                for origin in ORIGINS {
                    for preflight in PREFLIGHTS {
                        let request = request(path, origin, preflight);
                        let decision = http.engine().decide(&Request::from_http(&request));
                        let expected: Vec<(String, Vec<u8>)> = decision
                            .headers()
                            .map(|h| (h.name.to_owned(), h.value.to_vec()))
                            .collect();
                        let answer = http.answer(&request);
                        let sent: Vec<(String, Vec<u8>)> = answer
                            .headers()
                            .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                            .collect();
                        let case = format!("{path} {origin} {preflight:?}");
                        assert_eq!(sent, expected, "{case}");
                        assert_eq!(answer.kind(), decision.kind(), "{case}");
                        let built = decision
                            .policy_index()
                            .and_then(|index| http.prebuilt.get(index));
                        let from_template = built.is_some_and(|b| {
                            let origin = decision
                                .values
                                .allow_origin
                                .map(|_| HeaderValue::from_static("x"));
                            let echoes = Echoes::of(request.headers());
                            b.templates
                                .answer(&b.values, &decision.values, origin, echoes)
                                .is_ok()
                        });
                        if decision.kind() == RequestKind::Preflight && !from_template {
                            line_by_line.push(case);
                        }
                    }
                }
            }
        }
        // Both engines answer the same preflights line by line: those
        // with an informative denial's names (`authorization` refused under
        // `headers *`), two lines echoed, or private network allowed.
        let expected: Vec<String> = [
            r#"/any/a https://app.example.com Some(("PUT", ["authorization"], false))"#,
            r#"/any/a https://eu.example.com Some(("PUT", ["authorization"], false))"#,
            r#"/any/a https://evil.test Some(("PUT", ["authorization"], false))"#,
            r#"/echo/a https://app.example.com Some(("PUT", ["authorization"], false))"#,
            r#"/echo/a https://app.example.com Some(("PUT", ["x-request-id", "content-type"], false))"#,
            r#"/pna/a https://app.example.com Some(("PUT", ["x-request-id"], true))"#,
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        let (shared_cases, leaked_cases) = line_by_line.split_at(line_by_line.len() / 2);
        assert_eq!(shared_cases, expected);
        assert_eq!(leaked_cases, expected);
    }
}
