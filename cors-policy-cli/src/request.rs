//! The request `eval` and `explain` answer: from `--method`, `--path`/`--url`,
//! `--origin` and `-H`, from a raw HTTP request (`--raw`), a pasted curl
//! command (`--curl`) or console message (`--console`), or a mix. This
//! module assembles it from the arguments; each child reads one input form.

pub(crate) mod console;
pub(crate) mod curl;
mod header;
mod http;
mod raw;
pub(crate) mod shell;

use std::ffi::OsStr;

pub(crate) use header::parse_header_arg;
pub(crate) use http::HttpRequest;

use console::{Failure, Message};

use crate::cli::RequestArgs;
use crate::input;

/// Builds the request from the arguments: the base (`--raw`, `--curl` or
/// `--console`), then `--url`/`--path`, `--method`, `--origin` and `-H` on
/// top; the method is `GET` when nothing says otherwise. The error is a
/// usage message.
pub(crate) fn from_args(args: &RequestArgs) -> Result<HttpRequest, String> {
    let mut request = if let Some(raw) = &args.raw {
        if input::is_stdin(raw) && input::is_stdin(&args.file) {
            return Err("the policy file and `--raw` cannot both be standard input".into());
        }
        let source = input::read(raw)?;
        raw::parse_raw(&source.bytes)
            .map_err(|e| format!("in the raw request `{}`: {e}", source.name))?
    } else if let Some(command) = &args.curl {
        curl::parse(command)?
    } else if let Some(pasted) = &args.console {
        let message = console::parse(pasted)?;
        let mut request = message.request();
        request.console = Some(message);
        request
    } else {
        HttpRequest::empty()
    };
    if let Some(url) = &args.url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "`--url {}` is not an http or https URL\n  expected a URL such as `https://api.example.com/api/users`",
                url.escape_debug()
            ));
        }
        request.target = url.clone();
    }
    if let Some(method) = &args.method {
        request.method = method.clone();
    }
    if let Some(path) = &args.path {
        request.target = path.clone();
    }
    if let Some(origin) = &args.origin {
        request.headers.retain(|(name, _)| name != "origin");
        request
            .headers
            .push(parse_header_arg(OsStr::new(&format!("Origin: {origin}")))?);
    }
    for header in &args.headers {
        request.headers.push(parse_header_arg(header)?);
    }
    if request.method.is_empty() {
        request.method = "GET".into();
    }
    if request.console.as_ref().is_some_and(|m| m.origin.is_none())
        && !request.headers.iter().any(|(n, _)| n == "origin")
    {
        return Err(
            "`--console`: Firefox's message does not name the page's origin\n  add `--origin ORIGIN` (the page's scheme://host[:port])".into(),
        );
    }
    Ok(request)
}

impl Message {
    /// The request the page made, as far as the message tells: the URL, the
    /// origin, the method a method failure names (else GET), the header a
    /// header failure names, and credentials when the message says
    /// `include`.
    pub(crate) fn request(&self) -> HttpRequest {
        let mut request = HttpRequest::empty();
        request.target = self.url.clone();
        request.method = match &self.failure {
            Failure::Method(m) if !m.is_empty() => m.clone(),
            _ => "GET".into(),
        };
        if let Some(origin) = &self.origin {
            request
                .headers
                .push(("origin".into(), origin.clone().into_bytes()));
        }
        if let Failure::Header(name) = &self.failure {
            let value: &[u8] = if name == "content-type" {
                b"application/json"
            } else {
                b"\xe2\x80\xa6"
            };
            request.headers.push((name.clone(), value.to_vec()));
        }
        if matches!(
            self.failure,
            Failure::WildcardWithCredentials | Failure::AllowCredentials(_)
        ) {
            request.credentials = Some(true);
        }
        request
    }
}
