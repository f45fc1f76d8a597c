//! One end-to-end case: a `fetch()` the page makes, and what it must end with.

use std::fmt;

use cors_policy::browser::{Body, CredentialsMode, HttpResponse, PageRequest};

/// A loopback host name: the page is served from one, the API is fetched at one.
/// `127.0.0.1` and `localhost` are different sites, so cookies do not cross between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    /// `127.0.0.1`.
    Ip,
    /// `localhost` (may resolve to `::1`).
    Localhost,
}

impl Host {
    /// The host as written in a URL.
    pub const fn as_str(self) -> &'static str {
        match self {
            Host::Ip => "127.0.0.1",
            Host::Localhost => "localhost",
        }
    }

    /// `http://<host>:<port>`.
    pub fn origin(self, port: u16) -> String {
        format!("http://{}:{port}", self.as_str())
    }
}

/// How a `fetch()` ends, seen from the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The promise resolved with a response of this status.
    Ok(u16),
    /// The promise rejected with `TypeError: Failed to fetch` (CORS blocked it).
    Blocked,
    /// `fetch()` threw before sending anything (e.g. a forbidden method).
    Thrown,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Ok(status) => write!(f, "ok {status}"),
            Verdict::Blocked => f.write_str("blocked"),
            Verdict::Thrown => f.write_str("thrown"),
        }
    }
}

/// What a case must end with, in the browser, by the engine's verdict and in the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The outcome of every run of the case.
    pub verdict: Verdict,
    /// Cookies (by name) the server must, or must not, have received with the actual
    /// request.
    pub cookies: Vec<(String, bool)>,
    /// Response headers the script must read (`res.headers.get(name)`), `None` meaning it
    /// reads `null`.
    pub headers: Vec<(String, Option<String>)>,
    /// How many preflights the server must have seen over all runs.
    pub preflights: Option<usize>,
    /// Text Chromium's console line about the fetch must contain (the part of the message
    /// that names the problem).
    pub console: Option<String>,
}

/// Path prefix of the scripted routes: each case made with [`Case::scripted`] owns
/// `/s/<name>` and every path under it, answered with the case's own [`Answer`]s.
pub const SCRIPTED_PREFIX: &str = "/s/";

/// One hand-written answer of a scripted case's server. In header values, `$ORIGIN` stands
/// for the request's own `Origin` value, `$PAGE_IP`/`$PAGE_LH` for the page's origin on
/// `127.0.0.1`/`localhost`, `$API_IP`/`$API_LH` for the API's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Whether it answers the CORS-preflight request (else every other request).
    pub preflight: bool,
    /// The path (without query) it answers.
    pub path: String,
    /// The response, before substitution.
    pub response: HttpResponse,
}

/// One case: the page at `page` runs `fetch(<target origin> + path, {method, headers,
/// credentials, body})` `repeat` times in a row.
#[derive(Debug, Clone)]
pub struct Case {
    /// A short unique name.
    pub name: String,
    /// Where the page that runs the case is served.
    pub page: Host,
    /// The host name the API is fetched at.
    pub target: Host,
    /// The method exactly as the script writes it.
    pub method: String,
    /// Path (and query) on the API server; unique per case, since the preflight cache is
    /// per URL.
    pub path: String,
    /// Headers the script sets, in order.
    pub headers: Vec<(String, String)>,
    /// The credentials mode.
    pub credentials: CredentialsMode,
    /// A request body, if any: its kind and, for text, its content.
    pub body: Option<(Body, String)>,
    /// For a scripted case, what its server answers (empty: the engine answers).
    pub answers: Vec<Answer>,
    /// `fetch()`'s `cache` option (`"no-store"`, …), when set.
    pub cache: Option<String>,
    /// How many times the fetch runs, one after the other.
    pub repeat: u8,
    /// What the case must end with.
    pub expect: Expect,
    /// Whether the Fetch standard predicts another outcome than Chromium's for this case
    /// (a known disagreement between Chromium and the spec, declared so that an unknown one
    /// fails the test).
    pub spec_differs: bool,
    /// Why the case is there.
    pub note: String,
}

impl Case {
    /// A `GET`-like case from the `127.0.0.1` page to the `127.0.0.1` API, run once,
    /// expected to succeed with `200`.
    pub fn new(name: &str, method: &str, path: &str) -> Case {
        Case {
            name: name.to_owned(),
            page: Host::Ip,
            target: Host::Ip,
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            credentials: CredentialsMode::SameOrigin,
            body: None,
            answers: Vec::new(),
            cache: None,
            repeat: 1,
            expect: Expect {
                verdict: Verdict::Ok(200),
                cookies: Vec::new(),
                headers: Vec::new(),
                preflights: None,
                console: None,
            },
            spec_differs: false,
            note: String::new(),
        }
    }

    /// The page that runs it.
    #[must_use]
    pub fn page(mut self, host: Host) -> Case {
        self.page = host;
        self
    }

    /// The host the API is fetched at.
    #[must_use]
    pub fn target(mut self, host: Host) -> Case {
        self.target = host;
        self
    }

    /// A request header the script sets.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Case {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The credentials mode.
    #[must_use]
    pub fn credentials(mut self, mode: CredentialsMode) -> Case {
        self.credentials = mode;
        self
    }

    /// A string request body.
    #[must_use]
    pub fn body(mut self, body: &str) -> Case {
        self.body = Some((Body::Text, body.to_owned()));
        self
    }

    /// A request body of another kind (`URLSearchParams`, `FormData`, `Blob`, bytes): the
    /// page builds one with a little content.
    #[must_use]
    pub fn body_of(mut self, kind: Body) -> Case {
        self.body = Some((kind, "a=1".to_owned()));
        self
    }

    /// A case whose server is hand-written (what a misconfigured server or proxy sends):
    /// `method` at `/s/<name>`, answered by [`Case::preflight_answer`] and
    /// [`Case::answer`]; expected to be blocked.
    pub fn scripted(name: &str, method: &str) -> Case {
        Case::new(name, method, &format!("{SCRIPTED_PREFIX}{name}")).blocked()
    }

    /// The answer to the preflight at the case's path.
    #[must_use]
    pub fn preflight_answer(self, response: HttpResponse) -> Case {
        let path = self.path_without_query().to_owned();
        self.answer_at(true, &path, response)
    }

    /// The answer to the actual request at the case's path.
    #[must_use]
    pub fn answer(self, response: HttpResponse) -> Case {
        let path = self.path_without_query().to_owned();
        self.answer_at(false, &path, response)
    }

    /// An answer at another path (a redirect's target: the case's path plus a suffix).
    #[must_use]
    pub fn answer_at(mut self, preflight: bool, path: &str, response: HttpResponse) -> Case {
        self.answers.push(Answer {
            preflight,
            path: path.to_owned(),
            response,
        });
        self
    }

    /// `fetch()`'s `cache` option.
    #[must_use]
    pub fn cache(mut self, mode: &str) -> Case {
        self.cache = Some(mode.to_owned());
        self
    }

    /// Runs the fetch `n` times in a row.
    #[must_use]
    pub fn repeat(mut self, n: u8) -> Case {
        self.repeat = n.max(1);
        self
    }

    /// Expects CORS to block it.
    #[must_use]
    pub fn blocked(mut self) -> Case {
        self.expect.verdict = Verdict::Blocked;
        self
    }

    /// Expects the fetch to succeed with `status`.
    #[must_use]
    pub fn ok(mut self, status: u16) -> Case {
        self.expect.verdict = Verdict::Ok(status);
        self
    }

    /// Expects Chromium's console line about the fetch to contain `text`.
    #[must_use]
    pub fn says(mut self, text: &str) -> Case {
        self.expect.console = Some(text.to_owned());
        self
    }

    /// Expects `fetch()` to throw before sending anything.
    #[must_use]
    pub fn thrown(mut self) -> Case {
        self.expect.verdict = Verdict::Thrown;
        self
    }

    /// Expects the server to have received (`true`) or not (`false`) this cookie.
    #[must_use]
    pub fn cookie(mut self, name: &str, received: bool) -> Case {
        self.expect.cookies.push((name.to_owned(), received));
        self
    }

    /// Expects the script to read `value` (`None`: `null`) for this response header; the
    /// page calls `res.headers.get(name)`.
    #[must_use]
    pub fn reads(mut self, name: &str, value: Option<&str>) -> Case {
        self.expect
            .headers
            .push((name.to_ascii_lowercase(), value.map(str::to_owned)));
        self
    }

    /// Expects the server to have seen `n` preflights over all runs.
    #[must_use]
    pub fn preflights(mut self, n: usize) -> Case {
        self.expect.preflights = Some(n);
        self
    }

    /// Declares that the Fetch standard predicts another outcome here than Chromium gives.
    #[must_use]
    pub fn spec_differs(mut self) -> Case {
        self.spec_differs = true;
        self
    }

    /// Why the case is there.
    #[must_use]
    pub fn note(mut self, note: &str) -> Case {
        self.note = note.to_owned();
        self
    }

    /// The page's origin.
    pub fn page_origin(&self, page_port: u16) -> String {
        self.page.origin(page_port)
    }

    /// The URL fetched.
    pub fn url(&self, api_port: u16) -> String {
        format!("{}{}", self.target.origin(api_port), self.path)
    }

    /// The path without its query: what the server records it under.
    pub fn path_without_query(&self) -> &str {
        self.path.split('?').next().unwrap_or(&self.path)
    }

    /// The same request for the browser model.
    pub fn page_request(&self, page_port: u16, api_port: u16) -> PageRequest {
        let mut request = PageRequest::new(
            &self.page_origin(page_port),
            &self.target.origin(api_port),
            &self.method,
        )
        .path(&self.path)
        .credentials(self.credentials);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        if let Some((kind, _)) = &self.body {
            request = request.body(kind.clone());
        }
        request
    }

    /// Whether `path` (without query) is this case's: its own path or one under it.
    pub fn owns(&self, path: &str) -> bool {
        let own = self.path_without_query();
        let path = path.split('?').next().unwrap_or(path);
        path == own
            || path
                .strip_prefix(own)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}
