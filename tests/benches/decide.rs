//! What a CORS decision costs: our `Engine::decide`, our tower service,
//! tower-http's `CorsLayer`, actix-cors's `Cors` and a hand-written floor,
//! on identical requests, in one process.
//!
//! `cargo bench -p cors-policy-tests --bench decide` measures (a few
//! minutes; `DECIDE_CASES=set:` measures only the runtime origin sets);
//! `cargo test -p cors-policy-tests --benches` runs every case once, checks
//! the answers and times nothing.
//!
//! Method: every (case, implementation) pair is timed once per round, as a
//! batch of iterations, the pairs of a round in a freshly shuffled order.
//! Ratios are taken between pairs of the same round, then the median over
//! the rounds is printed: on a shared machine an absolute median moves by
//! tens of percent between runs, a ratio within a round much less.
//! "CORS work" is an implementation's time minus the time of the same
//! service without CORS in the same round. Allocations are counted by a
//! counting global allocator over the timed loop only (inputs are built
//! before it), and printed per iteration.
//!
//! See docs/performance.md for the results and how to read them.
#![allow(
    unsafe_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    unreachable_pub,
    missing_docs
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use cors_policy::{Engine, MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADERS_LEN, Request};
use http::header::{self, HeaderName, HeaderValue};
use http::{Method, Response};
use tower::{Layer, Service};

// ---------------------------------------------------------------------------
// Counting allocator

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments; the
// counter is a side effect only.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded as is.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------
// Policies

/// The origins of a configuration, as each implementation is told them.
#[derive(Clone)]
enum Origins {
    List(Vec<String>),
    /// `https://*.example.com`.
    Subdomain,
    /// Our regex (without anchors).
    Regex(&'static str),
    /// `N` patterns `https://*.tenantI.example.com`.
    Subdomains(usize),
    /// `origins set "tenants"`, the set filled with `N` exact origins
    /// (`https://appI.example.com`) or `N` patterns
    /// (`https://*.tenantI.example.com`).
    Set {
        n: usize,
        wildcard: bool,
    },
}

const REGEX: &str = r"https://pr-[0-9]+\.preview\.example\.dev";
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const HEADERS: [&str; 3] = ["content-type", "authorization", "x-request-id"];

/// One policy, configured the same way in every implementation: credentials,
/// 4 methods, 3 request headers (or `headers *`), max-age 2h.
struct Config {
    origins: Origins,
    headers_any: bool,
}

impl Config {
    fn text(&self) -> String {
        let mut src = String::from("policy \"bench\" {\n    paths \"/api/**\"\n");
        match &self.origins {
            Origins::List(list) => {
                for chunk in list.chunks(1000) {
                    src.push_str("    origins ");
                    let quoted: Vec<String> = chunk.iter().map(|o| format!("\"{o}\"")).collect();
                    src.push_str(&quoted.join(", "));
                    src.push('\n');
                }
            }
            Origins::Subdomain => src.push_str("    origins \"https://*.example.com\"\n"),
            Origins::Regex(re) => src.push_str(&format!("    origins regex r\"{re}\"\n")),
            Origins::Subdomains(n) => {
                for i in 0..*n {
                    src.push_str(&format!(
                        "    origins \"https://*.tenant{i}.example.com\"\n"
                    ));
                }
            }
            Origins::Set { .. } => src.push_str("    origins set \"tenants\"\n"),
        }
        src.push_str(&format!("    methods {}\n", METHODS.join(", ")));
        if self.headers_any {
            src.push_str("    headers *\n");
        } else {
            src.push_str(&format!("    headers {}\n", HEADERS.join(", ")));
        }
        src.push_str("    credentials\n    max-age 2h\n}\n");
        src
    }

    fn engine(&self) -> Engine {
        if let Origins::Set { n, wildcard } = self.origins {
            let set = cors_policy::OriginSet::new();
            let entries = (0..n).map(|i| {
                if wildcard {
                    format!("https://*.tenant{i}.example.com")
                } else {
                    format!("https://app{i}.example.com")
                }
            });
            let report = set.replace(entries);
            assert!(report.is_clean(), "{report}");
            return Engine::builder(&self.text())
                .origin_set("tenants", &set)
                .build()
                .unwrap();
        }
        match self.text().parse() {
            Ok(engine) => engine,
            Err(e) => panic!("{e}"),
        }
    }
}

fn list(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("https://app{i}.example.com"))
        .collect()
}

// ---------------------------------------------------------------------------
// The floor: what a hand-written check at least does

/// A hash map from origin to prebuilt, leaked header values (or a suffix
/// check, or one regex), plus for preflights the method and each requested
/// header checked against small sets. The same answers as the policy on
/// every case here, with nothing else.
struct Floor {
    exact: HashMap<Box<[u8]>, Prebuilt>,
    /// For pattern origins (the origin is echoed, the rest is constant).
    pattern: Prebuilt,
    subdomain: Option<HashSet<Box<[u8]>>>,
    regex: Option<regex::bytes::Regex>,
    methods: HashSet<&'static [u8]>,
    headers: HashSet<&'static [u8]>,
    headers_any: bool,
}

#[derive(Clone, Copy)]
struct Prebuilt {
    actual: &'static [(HeaderName, HeaderValue)],
    preflight: &'static [(HeaderName, HeaderValue)],
}

#[derive(Clone, Copy)]
enum FloorAnswer<'a> {
    Denied,
    /// The prebuilt values; `echo` is the origin when it is not among them.
    Allowed {
        headers: &'static [(HeaderName, HeaderValue)],
        echo: Option<&'a [u8]>,
        echo_headers: Option<&'a [u8]>,
    },
}

fn leak(v: Vec<(HeaderName, HeaderValue)>) -> &'static [(HeaderName, HeaderValue)] {
    Box::leak(v.into_boxed_slice())
}

fn prebuilt(origin: Option<&str>, headers_any: bool) -> Prebuilt {
    let mut actual = Vec::new();
    if let Some(origin) = origin {
        actual.push((
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_str(origin).unwrap(),
        ));
    }
    actual.push((
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    ));
    let mut preflight = actual.clone();
    actual.push((header::VARY, HeaderValue::from_static("Origin")));
    preflight.push((
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, PUT, DELETE"),
    ));
    if !headers_any {
        preflight.push((
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, authorization, x-request-id"),
        ));
    }
    preflight.push((
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("7200"),
    ));
    preflight.push((
        header::VARY,
        HeaderValue::from_static(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        ),
    ));
    Prebuilt {
        actual: leak(actual),
        preflight: leak(preflight),
    }
}

impl Floor {
    fn new(config: &Config) -> Floor {
        let mut floor = Floor {
            exact: HashMap::new(),
            pattern: prebuilt(None, config.headers_any),
            subdomain: None,
            regex: None,
            methods: ["GET", "HEAD", "POST", "PUT", "DELETE"]
                .iter()
                .map(|m| m.as_bytes())
                .collect(),
            headers: HEADERS.iter().map(|h| h.as_bytes()).collect(),
            headers_any: config.headers_any,
        };
        match &config.origins {
            Origins::List(list) => {
                for o in list {
                    floor
                        .exact
                        .insert(o.as_bytes().into(), prebuilt(Some(o), config.headers_any));
                }
            }
            Origins::Subdomain => {
                floor.subdomain = Some(std::iter::once(b"example.com"[..].into()).collect());
            }
            Origins::Set { n, wildcard: false } => {
                for o in list(*n) {
                    floor
                        .exact
                        .insert(o.as_bytes().into(), prebuilt(Some(&o), config.headers_any));
                }
            }
            Origins::Subdomains(n) | Origins::Set { n, wildcard: true } => {
                floor.subdomain = Some(
                    (0..*n)
                        .map(|i| format!("tenant{i}.example.com").into_bytes().into())
                        .collect(),
                );
            }
            Origins::Regex(re) => {
                floor.regex = Some(regex::bytes::Regex::new(&format!("^(?:{re})$")).unwrap());
            }
        }
        floor
    }

    fn decide<'a>(
        &self,
        preflight: bool,
        origin: &'a [u8],
        method: &[u8],
        lines: &[&'a [u8]],
    ) -> FloorAnswer<'a> {
        let (prebuilt, echo) = if let Some(p) = self.exact.get(origin) {
            (*p, None)
        } else if self.subdomain_matches(origin)
            || self.regex.as_ref().is_some_and(|re| re.is_match(origin))
        {
            (self.pattern, Some(origin))
        } else {
            return FloorAnswer::Denied;
        };
        if !preflight {
            return FloorAnswer::Allowed {
                headers: prebuilt.actual,
                echo,
                echo_headers: None,
            };
        }
        if !self.methods.contains(method) {
            return FloorAnswer::Denied;
        }
        if lines.len() > MAX_REQUEST_HEADER_LINES
            || lines.iter().map(|l| l.len()).sum::<usize>() > MAX_REQUEST_HEADERS_LEN
        {
            return FloorAnswer::Denied;
        }
        let mut names = 0;
        for line in lines {
            for name in line.split(|&b| b == b',') {
                let name = name.trim_ascii();
                if name.is_empty() {
                    continue;
                }
                names += 1;
                if names > 64 || !(self.headers_any || self.headers.contains(name)) {
                    return FloorAnswer::Denied;
                }
            }
        }
        FloorAnswer::Allowed {
            headers: prebuilt.preflight,
            echo,
            echo_headers: (self.headers_any && names > 0).then(|| lines[0]),
        }
    }

    fn subdomain_matches(&self, origin: &[u8]) -> bool {
        let Some(set) = &self.subdomain else {
            return false;
        };
        let Some(host) = origin.strip_prefix(b"https://") else {
            return false;
        };
        // The host minus its first label, then each further suffix.
        let mut rest = host;
        while let Some(dot) = rest.iter().position(|&b| b == b'.') {
            if dot == 0 {
                return false;
            }
            rest = &rest[dot + 1..];
            if set.contains(rest) {
                return true;
            }
        }
        false
    }
}

// ---------------------------------------------------------------------------
// Services

/// The application without CORS: answers 200 with an empty body.
#[derive(Clone, Copy)]
struct Bare;

impl Service<http::Request<()>> for Bare {
    type Response = Response<()>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Response<()>, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<()>) -> Self::Future {
        drop(request);
        std::future::ready(Ok(Response::new(())))
    }
}

/// The floor as a middleware: the floor's answer written into the trivial
/// service's response (or into a preflight response), its prebuilt values
/// cloned, an echo cloned from the request's own value. The least any CORS
/// middleware on `http` types does: what it costs bounds from below what
/// ours (or anyone's) can cost end to end.
fn floor_service(floor: &Floor, request: http::Request<()>) -> Response<()> {
    let headers = request.headers();
    let Some(origin) = headers.get(header::ORIGIN) else {
        return call_tower(&mut Bare, request);
    };
    let preflight = request.method() == http::Method::OPTIONS;
    let method = headers
        .get(header::ACCESS_CONTROL_REQUEST_METHOD)
        .map_or(&b""[..], HeaderValue::as_bytes);
    let mut lines: [&[u8]; MAX_REQUEST_HEADER_LINES + 1] = [&[]; MAX_REQUEST_HEADER_LINES + 1];
    let mut n = 0;
    if preflight {
        let all = headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS);
        for (slot, line) in lines.iter_mut().zip(all) {
            *slot = line.as_bytes();
            n += 1;
        }
    }
    let (prebuilt, echo_origin, echo_headers) =
        match floor.decide(preflight, origin.as_bytes(), method, &lines[..n]) {
            FloorAnswer::Denied => (None, None, None),
            FloorAnswer::Allowed {
                headers: prebuilt,
                echo,
                echo_headers,
            } => (
                Some(prebuilt),
                echo.map(|_| origin.clone()),
                echo_headers
                    .and_then(|_| headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned()),
            ),
        };
    let mut response = if preflight {
        let mut response = Response::new(());
        if prebuilt.is_none() {
            *response.status_mut() = http::StatusCode::FORBIDDEN;
        } else {
            *response.status_mut() = http::StatusCode::NO_CONTENT;
        }
        response
    } else {
        call_tower(&mut Bare, request)
    };
    let map = response.headers_mut();
    for (name, value) in prebuilt.unwrap_or_default() {
        map.insert(name.clone(), value.clone());
    }
    if let Some(origin) = echo_origin {
        map.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    if let Some(lines) = echo_headers {
        map.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, lines);
    }
    response
}

/// Runs one request through a tower service whose futures are ready at once.
fn call_tower<S>(service: &mut S, request: http::Request<()>) -> Response<()>
where
    S: Service<http::Request<()>, Response = Response<()>, Error = Infallible>,
{
    let mut cx = Context::from_waker(Waker::noop());
    match service.poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => {}
        _ => panic!("the service is not ready"),
    }
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        _ => panic!("the response is not ready"),
    }
}

fn tower_http_layer(config: &Config) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowHeaders, AllowOrigin, CorsLayer};
    let origin = match &config.origins {
        Origins::List(list) => {
            AllowOrigin::list(list.iter().map(|o| HeaderValue::from_str(o).unwrap()))
        }
        Origins::Subdomain => AllowOrigin::predicate(|origin, _| {
            origin
                .as_bytes()
                .strip_prefix(b"https://")
                .and_then(|h| h.strip_suffix(b".example.com"))
                .is_some_and(|label| !label.is_empty())
        }),
        Origins::Regex(re) => {
            let re = regex::bytes::Regex::new(&format!("^(?:{re})$")).unwrap();
            AllowOrigin::predicate(move |origin, _| re.is_match(origin.as_bytes()))
        }
        Origins::Subdomains(_) | Origins::Set { .. } => unreachable!("only in the scaling group"),
    };
    let headers = if config.headers_any {
        AllowHeaders::mirror_request()
    } else {
        AllowHeaders::list(HEADERS.map(HeaderName::from_static))
    };
    CorsLayer::new()
        .allow_origin(origin)
        .allow_methods(METHODS.map(|m| Method::from_bytes(m.as_bytes()).unwrap()))
        .allow_headers(headers)
        .allow_credentials(true)
        .max_age(Duration::from_secs(7200))
}

// actix-web: the same application and the Cors middleware over it.

use actix_web::dev::{
    Service as ActixService, ServiceRequest, ServiceResponse, Transform as ActixTransform,
};

#[derive(Clone, Copy)]
struct ActixBare;

impl ActixService<ServiceRequest> for ActixBare {
    type Response = ServiceResponse;
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<ServiceResponse, actix_web::Error>>;

    fn poll_ready(&self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&self, request: ServiceRequest) -> Self::Future {
        std::future::ready(Ok(
            request.into_response(actix_web::HttpResponse::Ok().finish())
        ))
    }
}

type ActixCors = actix_cors::CorsMiddleware<ActixBare>;

fn actix_cors(config: &Config) -> ActixCors {
    let mut cors = actix_cors::Cors::default();
    match &config.origins {
        Origins::List(list) => {
            for o in list {
                cors = cors.allowed_origin(o);
            }
        }
        Origins::Subdomain => {
            cors = cors.allowed_origin_fn(|origin, _| {
                origin
                    .as_bytes()
                    .strip_prefix(b"https://")
                    .and_then(|h| h.strip_suffix(b".example.com"))
                    .is_some_and(|label| !label.is_empty())
            });
        }
        Origins::Regex(re) => {
            let re = regex::bytes::Regex::new(&format!("^(?:{re})$")).unwrap();
            cors = cors.allowed_origin_fn(move |origin, _| re.is_match(origin.as_bytes()));
        }
        Origins::Subdomains(_) | Origins::Set { .. } => unreachable!("only in the scaling group"),
    }
    cors = cors.allowed_methods(METHODS);
    cors = if config.headers_any {
        cors.allow_any_header()
    } else {
        cors.allowed_headers(HEADERS)
    };
    let cors = cors.supports_credentials().max_age(7200);
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(cors.new_transform(ActixBare));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(service)) => service,
        _ => panic!("actix-cors did not build"),
    }
}

fn call_actix<S, B>(service: &S, request: ServiceRequest) -> ServiceResponse<B>
where
    S: ActixService<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(service.call(request));
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(Ok(response)) => response,
        Poll::Ready(Err(e)) => panic!("actix service error: {e}"),
        Poll::Pending => panic!("the response is not ready"),
    }
}

// ---------------------------------------------------------------------------
// Cases

/// One request, as raw values.
struct Case {
    name: String,
    config: usize,
    preflight: bool,
    origin: Vec<u8>,
    /// `Access-Control-Request-Headers` lines.
    lines: Vec<Vec<u8>>,
    allowed: bool,
    /// Part of the scaling group: only the floor and decide run.
    scaling: bool,
}

const PATH: &str = "/api/users/42";
const REQUEST_METHOD: &str = "PUT";

impl Case {
    fn method(&self) -> &'static str {
        if self.preflight { "OPTIONS" } else { "GET" }
    }

    fn request(&self) -> Request<'_> {
        let mut request = Request::new(self.method(), PATH).origin(&self.origin);
        if self.preflight {
            request = request.request_method(REQUEST_METHOD);
        }
        request.request_header_lines(&self.lines)
    }

    /// The prototype `http::Request`; a batch clones its parts.
    fn http(&self) -> http::Request<()> {
        let mut builder = http::Request::builder()
            .method(self.method())
            .uri(PATH)
            .header(
                header::ORIGIN,
                HeaderValue::from_bytes(&self.origin).unwrap(),
            );
        if self.preflight {
            builder = builder.header(header::ACCESS_CONTROL_REQUEST_METHOD, REQUEST_METHOD);
        }
        for line in &self.lines {
            builder = builder.header(
                header::ACCESS_CONTROL_REQUEST_HEADERS,
                HeaderValue::from_bytes(line).unwrap(),
            );
        }
        builder.body(()).unwrap()
    }

    fn actix(&self) -> ServiceRequest {
        let method = if self.preflight {
            actix_web::http::Method::OPTIONS
        } else {
            actix_web::http::Method::GET
        };
        let mut request = actix_web::test::TestRequest::default()
            .method(method)
            .uri(PATH)
            .insert_header(("origin", self.origin.clone()));
        if self.preflight {
            request = request.insert_header(("access-control-request-method", REQUEST_METHOD));
        }
        for line in &self.lines {
            request = request.append_header(("access-control-request-headers", line.clone()));
        }
        request.to_srv_request()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Imp {
    Floor,
    Decide,
    Ours,
    TowerHttp,
    Bare,
    FloorSvc,
    ActixCors,
    ActixBare,
}

const IMPS: [Imp; 8] = [
    Imp::Floor,
    Imp::Decide,
    Imp::Ours,
    Imp::TowerHttp,
    Imp::Bare,
    Imp::FloorSvc,
    Imp::ActixCors,
    Imp::ActixBare,
];

/// Everything built for one configuration.
struct Built {
    engine: Engine,
    floor: Floor,
    /// `None` in the scaling group.
    services: Option<Services>,
}

struct Services {
    ours: cors_policy::tower::CorsService<Bare>,
    tower_http: tower_http::cors::Cors<Bare>,
    actix: ActixCors,
}

const APP: &str = "https://app.example.com";
const ADMIN: &str = "https://admin.example.com";

fn configs_and_cases(full: bool) -> (Vec<Config>, Vec<Case>) {
    let mut configs = Vec::new();
    let mut cases = Vec::new();
    let mut config = |c: Config| {
        configs.push(c);
        configs.len() - 1
    };
    let preflight_headers = vec![b"authorization,content-type,x-request-id".to_vec()];
    let mut case = |name: &str,
                    config: usize,
                    preflight: bool,
                    origin: &[u8],
                    lines: Vec<Vec<u8>>,
                    allowed: bool| {
        cases.push(Case {
            name: name.to_owned(),
            config,
            preflight,
            origin: origin.to_vec(),
            lines,
            allowed,
            scaling: false,
        });
    };
    let exact = config(Config {
        origins: Origins::List(vec![APP.into(), ADMIN.into()]),
        headers_any: false,
    });
    case("exact GET", exact, false, APP.as_bytes(), vec![], true);
    case(
        "exact preflight, 3 headers",
        exact,
        true,
        APP.as_bytes(),
        preflight_headers.clone(),
        true,
    );
    case(
        "disallowed origin",
        exact,
        false,
        b"https://evil.example.net",
        vec![],
        false,
    );
    let sub = config(Config {
        origins: Origins::Subdomain,
        headers_any: false,
    });
    case(
        "*.example.com GET",
        sub,
        false,
        b"https://tenant-7.example.com",
        vec![],
        true,
    );
    let re = config(Config {
        origins: Origins::Regex(REGEX),
        headers_any: false,
    });
    case(
        "regex GET",
        re,
        false,
        b"https://pr-1234.preview.example.dev",
        vec![],
        true,
    );
    for n in [100, 10_000] {
        let c = config(Config {
            origins: Origins::List(list(n)),
            headers_any: false,
        });
        let last = format!("https://app{}.example.com", n - 1);
        case(
            &format!("{n} origins, first"),
            c,
            false,
            b"https://app0.example.com",
            vec![],
            true,
        );
        case(
            &format!("{n} origins, last"),
            c,
            false,
            last.as_bytes(),
            vec![],
            true,
        );
        case(
            &format!("{n} origins, absent"),
            c,
            false,
            b"https://nope.example.com",
            vec![],
            false,
        );
    }
    let star = config(Config {
        origins: Origins::List(vec![APP.into(), ADMIN.into()]),
        headers_any: true,
    });
    case(
        "headers * echo (credentials)",
        star,
        true,
        APP.as_bytes(),
        vec![b"content-type,x-custom-a,x-custom-b".to_vec()],
        true,
    );
    const MIB: usize = 1 << 20;
    case(
        "hostile: 1 MiB of commas",
        exact,
        true,
        APP.as_bytes(),
        vec![vec![b','; MIB]],
        false,
    );
    let mut spaces = b"content-type,".to_vec();
    spaces.extend(std::iter::repeat_n(b' ', MIB));
    spaces.extend_from_slice(b",x-request-id");
    case(
        "hostile: 1 MiB of spaces",
        exact,
        true,
        APP.as_bytes(),
        vec![spaces],
        false,
    );
    case(
        "hostile: `x-a,` × 256 Ki",
        exact,
        true,
        APP.as_bytes(),
        vec![b"x-a,".repeat(MIB / 4)],
        false,
    );
    case(
        "hostile: 10,000 header lines",
        exact,
        true,
        APP.as_bytes(),
        vec![b"x-a".to_vec(); 10_000],
        false,
    );
    let mut long = b"https://".to_vec();
    long.extend(std::iter::repeat_n(b'a', 64 * 1024));
    long.extend_from_slice(b".example.com");
    case(
        "hostile: 64 KiB origin",
        exact,
        true,
        &long,
        preflight_headers,
        false,
    );

    // The scaling group: decide on the last of N exact origins, and on one
    // of 1,000 subdomain patterns.
    let sizes: &[usize] = if full {
        &[1, 100, 1_000, 10_000, 100_000]
    } else {
        &[1, 100, 1_000]
    };
    for &n in sizes {
        let c = config(Config {
            origins: Origins::List(list(n)),
            headers_any: false,
        });
        cases.push(Case {
            name: format!("scaling: {n} exact origins, last"),
            config: c,
            preflight: false,
            origin: format!("https://app{}.example.com", n - 1).into_bytes(),
            lines: vec![],
            allowed: true,
            scaling: true,
        });
    }
    for n in [1, 1_000] {
        let c = config(Config {
            origins: Origins::Subdomains(n),
            headers_any: false,
        });
        cases.push(Case {
            name: format!("scaling: {n} subdomain patterns, last"),
            config: c,
            preflight: false,
            origin: format!("https://x.tenant{}.example.com", n - 1).into_bytes(),
            lines: vec![],
            allowed: true,
            scaling: true,
        });
    }

    // Runtime origin sets: decide on the last of N entries, exact or `*.`,
    // against the floor's hash map (or suffix set) of the same N.
    let set_sizes: &[usize] = if full {
        &[10, 100, 1_000, 10_000, 100_000]
    } else {
        &[10, 1_000]
    };
    for wildcard in [false, true] {
        for &n in set_sizes {
            let c = config(Config {
                origins: Origins::Set { n, wildcard },
                headers_any: false,
            });
            let (kind, origin) = if wildcard {
                ("wildcard", format!("https://x.tenant{}.example.com", n - 1))
            } else {
                ("exact", format!("https://app{}.example.com", n - 1))
            };
            cases.push(Case {
                name: format!("set: {n} {kind} entries, last"),
                config: c,
                preflight: false,
                origin: origin.into_bytes(),
                lines: vec![],
                allowed: true,
                scaling: true,
            });
        }
    }
    (configs, cases)
}

fn build(configs: &[Config], cases: &[Case]) -> Vec<Built> {
    configs
        .iter()
        .enumerate()
        .map(|(i, config)| {
            let scaling = cases.iter().filter(|c| c.config == i).all(|c| c.scaling);
            let engine = config.engine();
            let services = (!scaling).then(|| Services {
                ours: cors_policy::tower::CorsLayer::new(config.engine()).layer(Bare),
                tower_http: tower_http_layer(config).layer(Bare),
                actix: actix_cors(config),
            });
            Built {
                engine,
                floor: Floor::new(config),
                services,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Running

/// The inputs of one batch, built before the clock starts.
enum Inputs {
    None,
    Tower(Vec<http::Request<()>>),
    Actix(Vec<ServiceRequest>),
}

fn inputs(case: &Case, imp: Imp, n: usize, proto: &http::Request<()>) -> Inputs {
    match imp {
        Imp::Floor | Imp::Decide => Inputs::None,
        Imp::Ours | Imp::TowerHttp | Imp::Bare | Imp::FloorSvc => Inputs::Tower(
            (0..n)
                .map(|_| {
                    let mut r = http::Request::new(());
                    *r.method_mut() = proto.method().clone();
                    *r.uri_mut() = proto.uri().clone();
                    *r.headers_mut() = proto.headers().clone();
                    r
                })
                .collect(),
        ),
        Imp::ActixCors | Imp::ActixBare => Inputs::Actix((0..n).map(|_| case.actix()).collect()),
    }
}

/// Inputs are built in chunks of this many, each chunk timed on its own: a
/// whole batch built up front would be freed during the timed loop and
/// glibc would give the memory back to the kernel (and fault it in again),
/// which costs more than the work measured.
const CHUNK: usize = 32;

/// Times `n` iterations; returns (ns per iteration, allocations per
/// iteration). Inputs are built outside the clock and the counter.
fn run(
    case: &Case,
    built: &mut Built,
    imp: Imp,
    n: usize,
    proto: &http::Request<()>,
) -> (f64, f64) {
    let lines: Vec<&[u8]> = case.lines.iter().map(Vec::as_slice).collect();
    let mut elapsed = Duration::ZERO;
    let mut allocs = 0;
    let mut done = 0;
    while done < n {
        let chunk = match imp {
            Imp::Floor | Imp::Decide => n,
            _ => CHUNK.min(n - done),
        };
        done += chunk;
        let inputs = inputs(case, imp, chunk, proto);
        let before = allocations();
        let start = Instant::now();
        match (imp, inputs) {
            (Imp::Floor, _) => {
                for _ in 0..chunk {
                    black_box(built.floor.decide(
                        black_box(case.preflight),
                        black_box(&case.origin),
                        REQUEST_METHOD.as_bytes(),
                        black_box(&lines),
                    ));
                }
            }
            (Imp::Decide, _) => {
                let engine = &built.engine;
                for _ in 0..chunk {
                    let case = black_box(case);
                    black_box(engine.decide(&case.request()));
                }
            }
            (imp, Inputs::Tower(requests)) => {
                let services = built.services.as_mut().unwrap();
                match imp {
                    Imp::Ours => {
                        for r in requests {
                            black_box(call_tower(&mut services.ours, r));
                        }
                    }
                    Imp::TowerHttp => {
                        for r in requests {
                            black_box(call_tower(&mut services.tower_http, r));
                        }
                    }
                    Imp::FloorSvc => {
                        let floor = &built.floor;
                        for r in requests {
                            black_box(floor_service(floor, r));
                        }
                    }
                    _ => {
                        let mut bare = Bare;
                        for r in requests {
                            black_box(call_tower(&mut bare, r));
                        }
                    }
                }
            }
            (imp, Inputs::Actix(requests)) => {
                let services = built.services.as_ref().unwrap();
                if imp == Imp::ActixCors {
                    for r in requests {
                        black_box(call_actix(&services.actix, r));
                    }
                } else {
                    for r in requests {
                        black_box(call_actix(&ActixBare, r));
                    }
                }
            }
            _ => unreachable!(),
        }
        elapsed += start.elapsed();
        allocs += allocations() - before;
    }
    (
        elapsed.as_nanos() as f64 / n as f64,
        allocs as f64 / n as f64,
    )
}

fn imps(case: &Case) -> &'static [Imp] {
    if case.scaling { &IMPS[..2] } else { &IMPS }
}

// ---------------------------------------------------------------------------
// Test mode: every case once, answers checked

fn acao(headers: &http::HeaderMap) -> Option<&[u8]> {
    headers
        .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        .map(HeaderValue::as_bytes)
}

fn check(case: &Case, built: &mut Built) {
    let decision = built.engine.decide(&case.request());
    assert_eq!(
        decision.allowed(),
        case.allowed,
        "{}: {decision:?}",
        case.name
    );
    let lines: Vec<&[u8]> = case.lines.iter().map(Vec::as_slice).collect();
    let floor = built.floor.decide(
        case.preflight,
        &case.origin,
        REQUEST_METHOD.as_bytes(),
        &lines,
    );
    assert_eq!(
        matches!(floor, FloorAnswer::Allowed { .. }),
        case.allowed,
        "{}: the floor disagrees",
        case.name
    );
    if let FloorAnswer::Allowed {
        headers,
        echo,
        echo_headers,
    } = floor
    {
        let floor_acao = echo.or_else(|| {
            headers
                .iter()
                .find(|(n, _)| n == header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .map(|(_, v)| v.as_bytes())
        });
        assert_eq!(floor_acao, Some(&case.origin[..]), "{}", case.name);
        let _ = echo_headers;
    }
    let Some(services) = built.services.as_mut() else {
        return;
    };
    let proto = case.http();
    let Inputs::Tower(mut requests) = inputs(case, Imp::Ours, 4, &proto) else {
        unreachable!()
    };
    let ours = call_tower(&mut services.ours, requests.pop().unwrap());
    let theirs = call_tower(&mut services.tower_http, requests.pop().unwrap());
    let bare = call_tower(&mut Bare, requests.pop().unwrap());
    assert_eq!(acao(bare.headers()), None);
    let expected = case.allowed.then_some(&case.origin[..]);
    let floor_svc = floor_service(&built.floor, requests.pop().unwrap());
    assert_eq!(
        acao(floor_svc.headers()),
        expected,
        "{}: floor service {floor_svc:?}",
        case.name
    );
    assert_eq!(
        acao(ours.headers()),
        expected,
        "{}: ours {ours:?}",
        case.name
    );
    if case.allowed {
        assert_eq!(
            acao(theirs.headers()),
            expected,
            "{}: tower-http {theirs:?}",
            case.name
        );
    }
    let actix = call_actix(&services.actix, case.actix());
    let actix_acao = actix
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.as_bytes().to_vec());
    if case.allowed {
        assert_eq!(actix_acao.as_deref(), expected, "{}: actix-cors", case.name);
    }
    let _ = call_actix(&ActixBare, case.actix());
}

// ---------------------------------------------------------------------------
// Measuring

/// A small seeded PRNG (SplitMix64): the same shuffles every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// How long a batch should take.
const BATCH: Duration = Duration::from_micros(1000);
const ROUNDS: usize = 21;

struct Stats {
    /// ns per iteration, per round.
    ns: Vec<f64>,
    /// allocations per iteration, per round.
    allocs: Vec<f64>,
    n: usize,
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let (configs, mut cases) = configs_and_cases(bench);
    // `DECIDE_CASES=<prefix>`: only the cases whose name starts with it
    // (e.g. `set:` for the runtime origin sets).
    if let Ok(prefix) = std::env::var("DECIDE_CASES") {
        cases.retain(|c| c.name.starts_with(&prefix));
    }
    let t = Instant::now();
    let mut built = build(&configs, &cases);
    eprintln!(
        "built {} configurations in {:.1?}",
        configs.len(),
        t.elapsed()
    );
    if !bench {
        for case in &cases {
            check(case, &mut built[case.config]);
        }
        println!(
            "decide bench: {} cases checked once (test mode; run `cargo bench -p cors-policy-tests --bench decide` to measure)",
            cases.len()
        );
        return;
    }
    for case in &cases {
        check(case, &mut built[case.config]);
    }
    let protos: Vec<http::Request<()>> = cases.iter().map(Case::http).collect();
    // `DECIDE_PROFILE=<case name>`: only run decide on that case, for a
    // profiler (callgrind), and print nothing else.
    if let Ok(name) = std::env::var("DECIDE_PROFILE") {
        let ci = cases.iter().position(|c| c.name == name).unwrap();
        let case = &cases[ci];
        let imp = match std::env::var("DECIDE_PROFILE_IMP").as_deref() {
            Ok("ours") => Imp::Ours,
            Ok("tower-http") => Imp::TowerHttp,
            Ok("floor") => Imp::Floor,
            Ok("bare") => Imp::Bare,
            Ok("floor-svc") => Imp::FloorSvc,
            _ => Imp::Decide,
        };
        let (ns, _) = run(case, &mut built[case.config], imp, 100_000, &protos[ci]);
        println!("{name}: {imp:?} {ns:.0} ns");
        return;
    }

    // Calibrate the batch sizes.
    let mut stats: Vec<Vec<Stats>> = Vec::new();
    for (ci, case) in cases.iter().enumerate() {
        let mut row = Vec::new();
        for &imp in imps(case) {
            let b = &mut built[case.config];
            run(case, b, imp, 2, &protos[ci]);
            let (ns, _) = run(case, b, imp, 8, &protos[ci]);
            let n = ((BATCH.as_nanos() as f64 / ns.max(1.0)) as usize).clamp(4, 50_000);
            row.push(Stats {
                ns: Vec::new(),
                allocs: Vec::new(),
                n,
            });
        }
        stats.push(row);
    }

    let mut pairs: Vec<(usize, usize)> = cases
        .iter()
        .enumerate()
        .flat_map(|(ci, case)| (0..imps(case).len()).map(move |ii| (ci, ii)))
        .collect();
    let mut rng = Rng(0x00C0_5E5B_E7C4);
    let t = Instant::now();
    for _ in 0..ROUNDS {
        rng.shuffle(&mut pairs);
        for &(ci, ii) in &pairs {
            let case = &cases[ci];
            let imp = imps(case)[ii];
            let s = &mut stats[ci][ii];
            let (ns, allocs) = run(case, &mut built[case.config], imp, s.n, &protos[ci]);
            s.ns.push(ns);
            s.allocs.push(allocs);
        }
    }
    let measured = t.elapsed();

    // Compile time of a 10,000-origin policy.
    let text = Config {
        origins: Origins::List(list(10_000)),
        headers_any: false,
    }
    .text();
    let mut compile: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            black_box(text.parse::<Engine>().unwrap());
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let compile_ms = median(&mut compile);

    report(&cases, &stats, measured, compile_ms, text.len());
}

fn index(case: &Case, imp: Imp) -> usize {
    imps(case).iter().position(|&i| i == imp).unwrap()
}

/// The median over rounds of `f(round)`.
fn per_round(rounds: usize, f: impl Fn(usize) -> f64) -> f64 {
    let mut v: Vec<f64> = (0..rounds).map(f).collect();
    median(&mut v)
}

fn report(
    cases: &[Case],
    stats: &[Vec<Stats>],
    measured: Duration,
    compile_ms: f64,
    text_len: usize,
) {
    let ns = |ci: usize, imp: Imp, r: usize| stats[ci][index(&cases[ci], imp)].ns[r];
    let med = |ci: usize, imp: Imp| {
        let mut v = stats[ci][index(&cases[ci], imp)].ns.clone();
        median(&mut v)
    };
    let allocs = |ci: usize, imp: Imp| {
        let mut v = stats[ci][index(&cases[ci], imp)].allocs.clone();
        median(&mut v)
    };
    println!(
        "\n{ROUNDS} rounds, {} (case, implementation) pairs in shuffled order each round, {:.1} s in all",
        stats.iter().map(Vec::len).sum::<usize>(),
        measured.as_secs_f64()
    );
    println!(
        "times: median ns per request over the rounds; ratios: median over rounds of the ratio within the round"
    );
    println!(
        "CORS work = the service's time minus the same service without CORS in the same round\n"
    );

    println!(
        "| case | floor ns | decide ns | decide / floor | tower-http CORS work ns | tower-http work / decide | actix-cors work ns |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut worst_floor: f64 = 0.0;
    let mut worst_tower_http = f64::INFINITY;
    for (ci, case) in cases.iter().enumerate().filter(|(_, c)| !c.scaling) {
        let ratio = per_round(ROUNDS, |r| ns(ci, Imp::Decide, r) / ns(ci, Imp::Floor, r));
        let th_work = per_round(ROUNDS, |r| ns(ci, Imp::TowerHttp, r) - ns(ci, Imp::Bare, r));
        let th_ratio = per_round(ROUNDS, |r| {
            (ns(ci, Imp::TowerHttp, r) - ns(ci, Imp::Bare, r)) / ns(ci, Imp::Decide, r)
        });
        let actix_work = per_round(ROUNDS, |r| {
            ns(ci, Imp::ActixCors, r) - ns(ci, Imp::ActixBare, r)
        });
        worst_floor = worst_floor.max(ratio);
        worst_tower_http = worst_tower_http.min(th_ratio);
        println!(
            "| {} | {:.0} | {:.0} | {:.2}× | {:.0} | {:.1}× | {:.0} |",
            case.name,
            med(ci, Imp::Floor),
            med(ci, Imp::Decide),
            ratio,
            th_work,
            th_ratio,
            actix_work,
        );
    }

    println!(
        "\n| case | ours svc ns | tower-http svc ns | floor svc ns | bare svc ns | tower-http / ours (end to end) | tower-http / floor svc (end to end) | ours / floor svc | ours CORS work ns | tower-http / ours (CORS work) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut worst_e2e = f64::INFINITY;
    let mut worst_floor_e2e = f64::INFINITY;
    for (ci, case) in cases.iter().enumerate().filter(|(_, c)| !c.scaling) {
        let e2e = per_round(ROUNDS, |r| ns(ci, Imp::TowerHttp, r) / ns(ci, Imp::Ours, r));
        let ours_work = per_round(ROUNDS, |r| ns(ci, Imp::Ours, r) - ns(ci, Imp::Bare, r));
        let work_ratio = per_round(ROUNDS, |r| {
            (ns(ci, Imp::TowerHttp, r) - ns(ci, Imp::Bare, r))
                / (ns(ci, Imp::Ours, r) - ns(ci, Imp::Bare, r))
        });
        let floor_e2e = per_round(ROUNDS, |r| {
            ns(ci, Imp::TowerHttp, r) / ns(ci, Imp::FloorSvc, r)
        });
        let ours_floor = per_round(ROUNDS, |r| ns(ci, Imp::Ours, r) / ns(ci, Imp::FloorSvc, r));
        worst_e2e = worst_e2e.min(e2e);
        worst_floor_e2e = worst_floor_e2e.min(floor_e2e);
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.2}× | {:.2}× | {:.2}× | {:.0} | {:.2}× |",
            case.name,
            med(ci, Imp::Ours),
            med(ci, Imp::TowerHttp),
            med(ci, Imp::FloorSvc),
            med(ci, Imp::Bare),
            e2e,
            floor_e2e,
            ours_floor,
            ours_work,
            work_ratio,
        );
    }

    println!("\nallocations per request (the service's minus the same service without CORS):\n");
    println!("| case | floor | decide | ours svc | floor svc | tower-http | actix-cors |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut decide_allocs: f64 = 0.0;
    for (ci, case) in cases.iter().enumerate().filter(|(_, c)| !c.scaling) {
        decide_allocs = decide_allocs.max(allocs(ci, Imp::Decide));
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
            case.name,
            allocs(ci, Imp::Floor),
            allocs(ci, Imp::Decide),
            allocs(ci, Imp::Ours) - allocs(ci, Imp::Bare),
            allocs(ci, Imp::FloorSvc) - allocs(ci, Imp::Bare),
            allocs(ci, Imp::TowerHttp) - allocs(ci, Imp::Bare),
            allocs(ci, Imp::ActixCors) - allocs(ci, Imp::ActixBare),
        );
    }

    println!(
        "\nscaling (decide on an allowed origin; ratio to the policy with 1 entry of the same kind, within each round):\n"
    );
    println!("| policy | decide ns | floor ns | / 1 origin | allocations |");
    println!("|---|---:|---:|---:|---:|");
    let first_of = |kind: &str| {
        cases
            .iter()
            .position(|c| c.scaling && c.name.contains(kind))
            .unwrap()
    };
    let mut worst_scaling: f64 = 0.0;
    let is_set = |c: &Case| c.name.starts_with("set: ");
    for (ci, case) in cases
        .iter()
        .enumerate()
        .filter(|(_, c)| c.scaling && !is_set(c))
    {
        let base = first_of(if case.name.contains("subdomain") {
            "subdomain"
        } else {
            "exact"
        });
        let ratio = per_round(ROUNDS, |r| {
            ns(ci, Imp::Decide, r) / ns(base, Imp::Decide, r)
        });
        worst_scaling = worst_scaling.max(ratio);
        println!(
            "| {} | {:.0} | {:.0} | {:.2}× | {:.0} |",
            case.name.trim_start_matches("scaling: "),
            med(ci, Imp::Decide),
            med(ci, Imp::Floor),
            ratio,
            allocs(ci, Imp::Decide),
        );
    }

    println!(
        "\nruntime origin sets (`origins set \"tenants\"`; decide on the last entry; ratios within each round, to the floor's hash map of the same entries and to the 10-entry set):\n"
    );
    println!("| set | decide ns | floor ns | decide / floor | / 10 entries | allocations |");
    println!("|---|---:|---:|---:|---:|---:|");
    let mut worst_set: f64 = 0.0;
    for (ci, case) in cases.iter().enumerate().filter(|(_, c)| is_set(c)) {
        let kind = if case.name.contains("wildcard") {
            "wildcard"
        } else {
            "exact"
        };
        let base = cases
            .iter()
            .position(|c| is_set(c) && c.name.contains(kind))
            .unwrap();
        let floor = per_round(ROUNDS, |r| ns(ci, Imp::Decide, r) / ns(ci, Imp::Floor, r));
        let growth = per_round(ROUNDS, |r| {
            ns(ci, Imp::Decide, r) / ns(base, Imp::Decide, r)
        });
        worst_set = worst_set.max(growth);
        println!(
            "| {} | {:.0} | {:.0} | {:.2}× | {:.2}× | {:.0} |",
            case.name.trim_start_matches("set: "),
            med(ci, Imp::Decide),
            med(ci, Imp::Floor),
            floor,
            growth,
            allocs(ci, Imp::Decide),
        );
    }

    println!(
        "\ncompile (policy text → engine) of 10,000 exact origins ({} KiB): {compile_ms:.1} ms (median of 7)",
        text_len / 1024
    );
    println!("\ngoals:");
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    // Under `DECIDE_CASES` a group may have no case: no verdict for it.
    let main_cases = cases.iter().any(|c| !c.scaling);
    let scaling_cases = cases.iter().any(|c| c.scaling && !is_set(c));
    let set_cases = cases.iter().any(is_set);
    if main_cases {
        println!(
            "  decide within 1.5× of the floor on every case: worst {worst_floor:.2}× — {}",
            verdict(worst_floor <= 1.5)
        );
        println!(
            "  tower-http's CORS work ≥ 10× decide on every case: worst {worst_tower_http:.1}× — {}",
            verdict(worst_tower_http >= 10.0)
        );
        println!(
            "  our tower service ≥ 3× faster than tower-http's end to end: worst {worst_e2e:.2}× — {} (the floor service, the least a middleware does: worst {worst_floor_e2e:.2}×)",
            verdict(worst_e2e >= 3.0)
        );
        println!(
            "  0 allocations in decide: max {decide_allocs:.2} — {}",
            verdict(decide_allocs == 0.0)
        );
    }
    if scaling_cases {
        println!(
            "  decide flat from 1 to 100,000 origins: worst ratio {worst_scaling:.2}× — {}",
            verdict(worst_scaling <= 1.5)
        );
    }
    if set_cases {
        println!(
            "  a runtime set flat from 10 to 100,000 entries: worst ratio {worst_set:.2}× — {}",
            verdict(worst_set <= 1.5)
        );
    }
}
