//! Sending the matrix: a bare HTTP/1.1 client (hyper's connection API, one
//! connection per request, over TLS with rustls for `https`) that never
//! follows a redirect, caps the response head and reads at most a few KiB of
//! any body, within a deadline per request, with bounded concurrency and a
//! rate limit.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncRead, AsyncWrite};

use super::matrix::Probe;

/// The most bytes of a response head (status line and headers) read before
/// the response is given up as hostile.
pub(crate) const MAX_HEAD: usize = 64 * 1024;

/// The most header lines a response may have.
pub(crate) const MAX_HEADER_LINES: usize = 200;

/// The most body bytes read; the rest is never read (the connection is
/// dropped).
pub(crate) const MAX_BODY: usize = 16 * 1024;

/// Where to send and how.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    /// The address to connect to.
    pub(crate) addr: SocketAddr,
    /// The `Host` header.
    pub(crate) host: String,
    /// The deadline of each request, connection included.
    pub(crate) timeout: Duration,
    /// At most this many requests at once.
    pub(crate) concurrency: usize,
    /// At most this many requests per second.
    pub(crate) rate: f64,
    /// For `https`: the TLS client and the name the certificate must carry.
    pub(crate) tls: Option<Tls>,
}

/// A TLS client for one server.
#[derive(Clone)]
pub(crate) struct Tls {
    connector: tokio_rustls::TlsConnector,
    name: ServerName<'static>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").field("name", &self.name).finish()
    }
}

impl Tls {
    /// A client that trusts the Mozilla roots (webpki-roots) and the
    /// certificates of `extra_roots` (a PEM file), for the server `host`;
    /// HTTP/1.1 only.
    pub(crate) fn new(host: &str, extra_roots: Option<&std::path::Path>) -> Result<Tls, String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = extra_roots {
            let shown = path.display();
            let certificates = rustls::pki_types::CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("cannot read `{shown}`: {e}"))?;
            let mut added = 0usize;
            for certificate in certificates {
                let certificate =
                    certificate.map_err(|e| format!("`{shown}` is not PEM certificates: {e}"))?;
                roots
                    .add(certificate)
                    .map_err(|e| format!("`{shown}` has a certificate rustls refuses: {e}"))?;
                added += 1;
            }
            if added == 0 {
                return Err(format!("`{shown}` holds no PEM certificate"));
            }
        }
        #[expect(
            deprecated,
            reason = "ring builds with nothing but a C compiler; a probe's handshake carries no \
                      secret worth post-quantum key exchange"
        )]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS: {e}"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(bare.to_owned())
            .map_err(|e| format!("`{host}` cannot be checked against a certificate: {e}"))?;
        Ok(Tls {
            connector: tokio_rustls::TlsConnector::from(Arc::new(config)),
            name,
        })
    }
}

/// What the server answered.
#[derive(Clone, Debug)]
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// Header lines in order, names lowercase, values as received.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// Body bytes read (at most [`MAX_BODY`]).
    pub(crate) body_len: usize,
    /// Whether the body went on past [`MAX_BODY`] (or did not end in time).
    pub(crate) body_cut: bool,
}

impl Response {
    /// Every value of `name` (lowercase), in order.
    pub(crate) fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The lines of `name` combined with `, ` (what a browser's "get" sees).
    pub(crate) fn combined(&self, name: &str) -> Option<Vec<u8>> {
        let mut values = self.values(name).peekable();
        values.peek()?;
        Some(values.collect::<Vec<_>>().join(&b", "[..]))
    }

    /// The elements of a comma-separated header, trimmed, empty ones left out.
    pub(crate) fn tokens(&self, name: &str) -> Vec<String> {
        self.values(name)
            .flat_map(|v| {
                String::from_utf8_lossy(v)
                    .split(',')
                    .map(|t| t.trim().to_owned())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect()
    }
}

/// A header value for a message: printable ASCII as is, other bytes `\xNN`.
pub(crate) fn shown(value: &[u8]) -> String {
    value.escape_ascii().to_string()
}

/// Why there is no response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be made (refused, unreachable).
    Connect(String),
    /// No complete response head within the deadline.
    Timeout(Duration),
    /// Not a valid HTTP/1.1 response (or a head over the caps).
    Malformed(String),
}

impl Failure {
    /// In words.
    pub(crate) fn describe(&self) -> String {
        match self {
            Failure::Connect(why) => format!("cannot connect: {why}"),
            Failure::Timeout(after) => format!("no complete response within {}", seconds(*after)),
            Failure::Malformed(why) => format!("not a valid HTTP response: {why}"),
        }
    }
}

/// `1.5 s`, `10 s`.
fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// Sends every probe and returns the answers in matrix order. `progress`
/// is called after each answer with the count so far.
pub(crate) async fn send_all(
    target: &Target,
    probes: &[Probe],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Result<Response, Failure>> {
    let next = Arc::new(AtomicUsize::new(0));
    let done = AtomicUsize::new(0);
    let interval = if target.rate > 0.0 {
        Duration::from_secs_f64(1.0 / target.rate)
    } else {
        Duration::ZERO
    };
    let slot = Mutex::new(Instant::now());
    let results: Mutex<Vec<Option<Result<Response, Failure>>>> =
        Mutex::new(vec![None; probes.len()]);
    let worker = || async {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(probe) = probes.get(index) else {
                break;
            };
            let at = {
                let mut slot = slot.lock().unwrap_or_else(|e| e.into_inner());
                let at = (*slot).max(Instant::now());
                *slot = at + interval;
                at
            };
            tokio::time::sleep_until(at.into()).await;
            let answer = send(target, probe).await;
            if let Some(cell) = results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_mut(index)
            {
                *cell = Some(answer);
            }
            progress(done.fetch_add(1, Ordering::Relaxed) + 1);
        }
    };
    let workers: Vec<_> = (0..target.concurrency.max(1)).map(|_| worker()).collect();
    join_all(workers).await;
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Failure::Connect("not sent".to_owned()))))
        .collect()
}

/// Runs the futures to completion together (on one task: the work is I/O).
async fn join_all<F: std::future::Future<Output = ()>>(futures: Vec<F>) {
    let mut set = futures.into_iter().map(Box::pin).collect::<Vec<_>>();
    std::future::poll_fn(|cx| {
        set.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if set.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}

/// Sends one probe within the deadline.
pub(crate) async fn send(target: &Target, probe: &Probe) -> Result<Response, Failure> {
    let deadline = tokio::time::Instant::now() + target.timeout;
    let exchange = async {
        let stream = tokio::net::TcpStream::connect(target.addr)
            .await
            .map_err(|e| Failure::Connect(e.to_string()))?;
        let _ = stream.set_nodelay(true);
        match &target.tls {
            None => exchange(stream, target, probe, deadline).await,
            Some(tls) => {
                let stream = tls
                    .connector
                    .connect(tls.name.clone(), stream)
                    .await
                    .map_err(|e| Failure::Connect(format!("TLS: {}", error_chain(&e))))?;
                exchange(stream, target, probe, deadline).await
            }
        }
    };
    match tokio::time::timeout_at(deadline, exchange).await {
        Ok(result) => result,
        Err(_) => Err(Failure::Timeout(target.timeout)),
    }
}

/// One request and its response over `io`, a fresh connection.
async fn exchange<IO>(
    io: IO,
    target: &Target,
    probe: &Probe,
    deadline: tokio::time::Instant,
) -> Result<Response, Failure>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::Builder::new()
        .max_buf_size(MAX_HEAD)
        .max_headers(MAX_HEADER_LINES)
        .handshake::<_, Empty<Bytes>>(TokioIo::new(io))
        .await
        .map_err(|e| Failure::Malformed(error_chain(&e)))?;
    let driver = tokio::spawn(connection);
    let mut request = http::Request::builder()
        .method(probe.method)
        .uri(probe.path.as_str())
        .header(http::header::HOST, target.host.as_str());
    for (name, value) in probe.headers() {
        request = request.header(name, value);
    }
    let request = request
        .body(Empty::<Bytes>::new())
        .map_err(|e| Failure::Malformed(format!("cannot build the request: {e}")))?;
    let response = match sender.send_request(request).await {
        Ok(response) => response,
        Err(e) => {
            driver.abort();
            return Err(Failure::Malformed(error_chain(&e)));
        }
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
        .collect();
    let mut body = response.into_body();
    let mut body_len = 0usize;
    let mut body_cut = false;
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    body_len = body_len.saturating_add(data.len());
                    if body_len > MAX_BODY {
                        body_len = MAX_BODY;
                        body_cut = true;
                        break;
                    }
                }
            }
            Ok(None | Some(Err(_))) => break,
            Err(_) => {
                body_cut = true;
                break;
            }
        }
    }
    driver.abort();
    Ok(Response {
        status,
        headers,
        body_len,
        body_cut,
    })
}

/// An error and its causes, `a: b: c`.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::io::{Read, Write};
    use std::net::TcpListener;

    use proptest::prelude::*;

    use super::*;
    use crate::probe::code::Code;
    use crate::probe::expected::{Context, Expected};
    use crate::probe::findings;
    use crate::probe::matrix::{self, Inputs};

    const POLICY: &str = r#"
        policy "api" {
            paths "/api/**"
            origins "https://app.example.com"
            methods GET, PUT
            headers x-request-id
            credentials
            max-age 60
        }
    "#;

    /// Serves `answer` to one connection on 127.0.0.1 after reading the
    /// request head; then, when `hold` is set, keeps the connection open
    /// (a server that never finishes).
    fn serve_once(answer: Vec<u8>, hold: bool) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                head.extend_from_slice(&byte);
            }
            let _ = stream.write_all(&answer);
            if hold {
                // Until the client gives up and closes.
                let _ = stream.read(&mut byte);
            }
        });
        addr
    }

    /// A response: a status line (sometimes valid), header lines of any
    /// bytes, a body of any bytes; or nothing but noise.
    fn hostile() -> impl Strategy<Value = Vec<u8>> {
        let line = (
            proptest::collection::vec(any::<u8>(), 0..24),
            proptest::collection::vec(any::<u8>(), 0..64),
        );
        let structured = (
            prop_oneof![
                Just(b"HTTP/1.1 200 OK".to_vec()),
                Just(b"HTTP/1.1 204 ".to_vec()),
                proptest::collection::vec(any::<u8>(), 0..20)
            ],
            proptest::collection::vec(
                prop_oneof![
                    line.prop_map(|(n, v)| [n, b": ".to_vec(), v].concat()),
                    Just(b"access-control-allow-origin: https://app.example.com".to_vec()),
                    Just(b"access-control-allow-origin: *".to_vec()),
                    Just(b"access-control-allow-credentials: true".to_vec()),
                    Just(b"transfer-encoding: chunked".to_vec()),
                    Just(b"content-length: 99999999".to_vec()),
                    Just(b"vary: Origin".to_vec()),
                ],
                0..12,
            ),
            proptest::collection::vec(any::<u8>(), 0..256),
        )
            .prop_map(|(status, lines, body)| {
                let mut out = status;
                out.extend_from_slice(b"\r\n");
                for line in lines {
                    out.extend_from_slice(&line);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(&body);
                out
            });
        prop_oneof![
            3 => structured,
            1 => proptest::collection::vec(any::<u8>(), 0..512),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever a server sends, and whether or not it then hangs, one
        /// request ends within its deadline with a response inside the caps
        /// or a failure, and judging it never panics.
        #[test]
        fn hostile_answers_end_in_a_finding_not_a_panic(answer in hostile(), hold in any::<bool>()) {
            let engine: cors_policy::Engine = POLICY.parse().unwrap();
            let policy = engine.policies().first().unwrap().clone();
            let plan = matrix::plan(&Inputs {
                engine: &engine,
                policy: &policy,
                path: "/api/users",
                error_path: None,
                given: &[],
                extra: &[],
            });
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let cx = Context { engine: &engine, policy: &policy, url: "http://127.0.0.1/api/users" };
            // A preflight and an actual request.
            for probe in [plan.probes.first().unwrap(), plan.probes.iter().find(|p| !p.is_preflight()).unwrap()] {
                let target = Target {
                    addr: serve_once(answer.clone(), hold),
                    host: "127.0.0.1".to_owned(),
                    timeout: Duration::from_millis(300),
                    concurrency: 1,
                    rate: 1000.0,
                    tls: None,
                };
                let result = runtime.block_on(send(&target, probe));
                if let Ok(response) = &result {
                    prop_assert!(response.headers.len() <= MAX_HEADER_LINES);
                    let head: usize = response.headers.iter().map(|(n, v)| n.len() + v.len()).sum();
                    prop_assert!(head <= MAX_HEAD);
                    prop_assert!(response.body_len <= MAX_BODY);
                }
                let expected = Expected::of(&engine, probe);
                let found = findings::judge(&cx, 0, probe, &expected, &result);
                if result.is_err() {
                    prop_assert_eq!(found.len(), 1);
                    prop_assert_eq!(found.first().map(|f| f.code), Some(Code::BadResponse));
                }
            }
        }
    }
}
