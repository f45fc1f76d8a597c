//! `cors-policy probe`: send the requests a policy implies to a running
//! server and report every answer that differs from the engine's.
//!
//! The engine is the oracle: each request of the matrix ([`matrix`]) is
//! decided by [`Engine::decide`](cors_policy::Engine::decide) and sent
//! ([`client`]); [`findings`] compares the two answers, and [`browser`] says
//! what a browser does with the server's.

mod browser;
mod client;
mod code;
mod expected;
mod findings;
mod matrix;
mod report;

use std::io::IsTerminal;
use std::net::ToSocketAddrs;
use std::time::Duration;

use cors_policy::{Engine, Request};
use cors_policy_grammar::RenderOptions;

use crate::cli::{OutputFormat, ProbeArgs, Status};
use crate::color::ColorChoice;
use crate::{input, output};

/// A matrix at least this large shows progress on a terminal.
const PROGRESS_FROM: usize = 20;

/// Runs `probe`.
pub(crate) fn run(args: &ProbeArgs, color: ColorChoice) -> Status {
    match prepare(args, color) {
        Ok(prepared) => probe(args, &prepared),
        Err(message) => {
            if let Some(message) = message {
                output::error(&message.0, message.1.as_deref());
            }
            Status::Usage
        }
    }
}

/// An error message and its help, or `None` when already printed.
type Problem = Option<(String, Option<String>)>;

fn problem(message: impl Into<String>, help: Option<&str>) -> Problem {
    Some((message.into(), help.map(str::to_owned)))
}

/// The checked inputs.
struct Prepared {
    engine: Engine,
    policy_index: usize,
    place: report::Place,
    url: String,
    path: String,
    target: client::Target,
    extra: Vec<(String, String)>,
}

fn prepare(args: &ProbeArgs, color: ColorChoice) -> Result<Prepared, Problem> {
    let url = url::Url::parse(&args.url).map_err(|e| {
        problem(
            format!("`{}` is not a URL: {e}", args.url),
            Some("give the whole URL, e.g. `http://127.0.0.1:3000/api/users`"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(problem(
            format!("`{}` URLs cannot be probed", url.scheme()),
            Some("give an `http://` or `https://` URL"),
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| problem(format!("`{}` has no host", args.url), None))?;
    let tls = match url.scheme() {
        "https" => {
            Some(client::Tls::new(host, args.cacert.as_deref()).map_err(|e| problem(e, None))?)
        }
        _ => None,
    };
    let port = url.port_or_known_default().unwrap_or(80);
    let addr = (host.trim_start_matches('[').trim_end_matches(']'), port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.next())
        .ok_or_else(|| {
            problem(
                format!("cannot resolve `{host}`"),
                Some("check the host name, or use an IP address"),
            )
        })?;
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let host_header = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let mut extra = Vec::new();
    for line in &args.headers {
        extra.push(header_arg(line)?);
    }
    for origin in &args.origins {
        if http::HeaderValue::from_str(origin).is_err() || origin.is_empty() {
            return Err(problem(
                format!(
                    "`{}` cannot be sent as an Origin header",
                    origin.escape_debug()
                ),
                None,
            ));
        }
    }
    if let Some(error_path) = &args.error_path
        && !error_path.starts_with('/')
    {
        return Err(problem(
            format!("the error path `{error_path}` does not start with `/`"),
            Some("give a path, e.g. `--error-path /api/does-not-exist`"),
        ));
    }
    if !(args.rate > 0.0 && args.rate.is_finite()) {
        return Err(problem("--rate must be a positive number", None));
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite() && args.timeout <= 3600.0) {
        return Err(problem("--timeout must be from 0 to 3600 seconds", None));
    }
    if args.concurrency == 0 || args.concurrency > 64 {
        return Err(problem("--concurrency must be from 1 to 64", None));
    }

    let (engine, text, name) = load(args, color)?;
    let covering = |p: &str| engine.decide(&Request::new("GET", p)).policy_index();
    let policy_index = covering(&path).ok_or_else(|| {
        problem(
            format!("no policy in `{name}` covers the path `{}`", url.path()),
            Some("probe a URL whose path one of the policies' `paths` match"),
        )
    })?;
    if let Some(error_path) = &args.error_path
        && covering(error_path) != Some(policy_index)
    {
        return Err(problem(
            format!("the error path `{error_path}` is not covered by the same policy as the URL"),
            Some("pick a path that does not exist under the URL's policy"),
        ));
    }
    let policy = engine
        .policies()
        .get(policy_index)
        .ok_or_else(|| problem("internal error: no such policy", None))?;
    let place = report::Place {
        name: policy.name.clone(),
        file: name,
        span: policy.span.range(),
        text,
    };
    Ok(Prepared {
        place,
        policy_index,
        url: url.to_string(),
        path,
        target: client::Target {
            addr,
            host: host_header,
            timeout: Duration::from_secs_f64(args.timeout),
            concurrency: args.concurrency,
            rate: args.rate,
            tls,
        },
        extra,
        engine,
    })
}

/// A `-H 'Name: value'` argument, checked.
fn header_arg(line: &str) -> Result<(String, String), Problem> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(problem(
            format!("`{}` is not a header", line.escape_debug()),
            Some("write `-H 'Name: value'`"),
        ));
    };
    let name = name.trim();
    let value = value.trim_matches([' ', '\t']);
    if http::HeaderName::from_bytes(name.as_bytes()).is_err()
        || http::HeaderValue::from_str(value).is_err()
    {
        return Err(problem(
            format!("`{}` is not a valid header", line.escape_debug()),
            None,
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower == "origin" || lower.starts_with("access-control-") || lower == "host" {
        return Err(problem(
            format!("probe sets `{name}` itself"),
            Some("add origins with --origin"),
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// Reads and compiles the policy file; on errors, renders them.
fn load(args: &ProbeArgs, color: ColorChoice) -> Result<(Engine, String, String), Problem> {
    let source = input::read(&args.policy).map_err(|message| problem(message, None))?;
    let checked = cors_policy_grammar::check_bytes(&source.bytes);
    let text = source.text_lossy();
    let options = RenderOptions {
        color: color.stderr_colored(),
    };
    let compiled = match &checked.policies {
        Some(set) if !checked.has_errors() => Engine::from_policies(set).ok(),
        _ => None,
    };
    let Some(engine) = compiled else {
        let rendered =
            cors_policy_grammar::render_all(&checked.diagnostics, &text, &source.name, &options);
        output::stderr(&output::with_newline(&rendered));
        return Err(problem(
            format!("`{}` has errors: fix them before probing", source.name),
            Some("run `cors-policy check` on it"),
        ));
    };
    Ok((engine, text, source.name))
}

/// Plans, sends, compares and reports.
fn probe(args: &ProbeArgs, prepared: &Prepared) -> Status {
    let Some(policy) = prepared.engine.policies().get(prepared.policy_index) else {
        return Status::Usage;
    };
    let error_path = args.error_path.as_deref();
    let plan = matrix::plan(&matrix::Inputs {
        engine: &prepared.engine,
        policy,
        path: &prepared.path,
        error_path,
        given: &args.origins,
        extra: &prepared.extra,
    });
    if args.dry_run {
        match args.format {
            OutputFormat::Human => {
                output::stdout(&report::dry_run_human(&plan.probes, &plan.notes))
            }
            OutputFormat::Json => {
                let requests: Vec<_> = plan.probes.iter().map(report::request_json).collect();
                let document = output::json_object(&[
                    ("url", serde_json::json!(prepared.url)),
                    ("policy", serde_json::json!(policy.name)),
                    ("requests", serde_json::json!(requests)),
                    ("notes", serde_json::json!(plan.notes)),
                ]);
                output::stdout(&format!("{document}\n"));
            }
        }
        return Status::Ok;
    }

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            output::error(&format!("cannot start the client: {e}"), None);
            return Status::Usage;
        }
    };
    let total = plan.probes.len();
    let show_progress = std::io::stderr().is_terminal() && total >= PROGRESS_FROM;
    let progress = |done: usize| {
        if show_progress {
            output::stderr(&format!("\rprobe: {done}/{total} requests"));
        }
    };
    let answers = runtime.block_on(client::send_all(&prepared.target, &plan.probes, &progress));
    if show_progress {
        output::stderr("\r\x1b[2K");
    }
    if let Some(client::Failure::Connect(why)) = unreachable(&answers) {
        output::error(
            &format!("cannot reach {}: {why}", prepared.target.addr),
            Some(if why.contains("corrupt message") {
                "the server does not speak TLS on this port: try `http://`"
            } else if why.starts_with("TLS: ") {
                "for a private CA or a self-signed certificate, give it with --cacert FILE"
            } else {
                "is the server running, and on this port?"
            }),
        );
        return Status::Usage;
    }

    let cx = expected::Context {
        engine: &prepared.engine,
        policy,
        url: &prepared.url,
    };
    let expected: Vec<expected::Expected> = plan
        .probes
        .iter()
        .map(|p| expected::Expected::of(&prepared.engine, p))
        .collect();
    let mut all = Vec::new();
    for (index, ((probe, expected), answer)) in
        plan.probes.iter().zip(&expected).zip(&answers).enumerate()
    {
        all.extend(findings::judge(&cx, index, probe, expected, answer));
    }
    let run = report::Run {
        cx,
        place: &prepared.place,
        probes: &plan.probes,
        expected: &expected,
        answers: &answers,
        findings: &all,
        notes: &plan.notes,
    };
    match args.format {
        OutputFormat::Human => output::stdout(&run.human()),
        OutputFormat::Json => output::stdout(&run.json()),
    }
    if all.is_empty() {
        Status::Ok
    } else {
        Status::Failed
    }
}

/// The connection failure, when no request reached the server at all.
fn unreachable(answers: &[Result<client::Response, client::Failure>]) -> Option<&client::Failure> {
    let mut first = None;
    for answer in answers {
        match answer {
            Err(failure @ client::Failure::Connect(_)) => {
                first.get_or_insert(failure);
            }
            _ => return None,
        }
    }
    first
}
