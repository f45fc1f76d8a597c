//! Loading a policy file into an engine for `eval` and `explain`, and
//! handing the request to it.

use cors_policy::{Engine, Request};

use cors_policy_grammar::RenderOptions;

use crate::cli::{RequestArgs, Status};
use crate::color::ColorChoice;
use crate::input::{self, Source};
use crate::output;
use crate::request::HttpRequest;

/// A compiled policy file, with its source for positions.
pub(crate) struct Loaded {
    pub(crate) source: Source,
    pub(crate) text: String,
    pub(crate) engine: Engine,
    pub(crate) warnings: usize,
}

/// Reads the request and the policy file. On failure the problem has been
/// printed on stderr and the exit status is returned.
pub(crate) fn load(
    args: &RequestArgs,
    color: ColorChoice,
) -> Result<(Loaded, HttpRequest), Status> {
    let request = crate::request::from_args(args).map_err(|message| {
        output::error(&message, None);
        Status::Usage
    })?;
    for line in &request.skipped {
        output::stderr(&format!(
            "note: ignored a line of the raw request that is not a header: `{}`\n",
            cors_policy_grammar::escape_for_terminal(line)
        ));
    }
    let source = input::read(&args.file).map_err(|message| {
        output::error(&message, None);
        Status::Usage
    })?;
    let checked = cors_policy_grammar::check_bytes(&source.bytes);
    let text = source.text_lossy();
    let options = RenderOptions {
        color: color.stderr_colored(),
    };
    let policies = match checked.policies {
        Some(policies) if !checked.has_errors() => policies,
        _ => {
            let rendered = cors_policy_grammar::render_all(
                &checked.diagnostics,
                &text,
                &source.name,
                &options,
            );
            let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
            output::stderr(&output::with_newline(&rendered));
            output::stderr(&format!(
                "\n{} in `{}`: no request can be answered until {} fixed\n",
                output::plural(errors, "error"),
                source.name,
                if errors == 1 { "it is" } else { "they are" }
            ));
            return Err(Status::Failed);
        }
    };
    let warnings = checked.diagnostics.len();
    let mut set_warnings = String::new();
    let built = crate::sets::build_engine(
        &policies,
        &args.sets,
        &source_name(&args.file),
        options.color,
        &mut set_warnings,
    );
    output::stderr(&set_warnings);
    match built {
        Ok(engine) => Ok((
            Loaded {
                source,
                text,
                engine,
                warnings,
            },
            request,
        )),
        Err(e) => {
            output::stderr(&output::with_newline(&e.message));
            Err(if e.usage {
                Status::Usage
            } else {
                Status::Failed
            })
        }
    }
}

fn source_name(path: &std::path::Path) -> String {
    input::display_name(path)
}

/// The engine's view of `request`: method, target (whose path the engine
/// takes with [`cors_policy::target_path`], as [`HttpRequest::path`] does), and the
/// CORS request headers, every line of each as given (two `Origin` lines are
/// a duplicated `Origin`). The `Access-Control-Request-Headers` lines are
/// gathered in `lines`, which the request borrows.
pub(crate) fn engine_request<'a>(
    request: &'a HttpRequest,
    lines: &'a mut Vec<&'a [u8]>,
) -> Request<'a> {
    let mut r = Request::new(request.method.as_str(), request.target.as_str());
    for value in request.values("origin") {
        r = r.origin(value);
    }
    for value in request.values("access-control-request-method") {
        r = r.request_method(value);
    }
    lines.extend(request.values("access-control-request-headers"));
    let lines: &'a Vec<&'a [u8]> = lines;
    r = r.request_header_lines(lines);
    if let Some(value) = request
        .values("access-control-request-private-network")
        .next()
    {
        r = r.private_network(value);
    }
    r
}
