//! The conformance drivers besides the engine's own `decide`: the `http`
//! adapter and the `cors-policy eval` binary. Each turns a case into the
//! common [`Answer`]; what its interface cannot carry is skipped (see
//! [`http_carries`], [`cli_carries`]).

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use cors_policy::http::{HttpEngine, apply, preflight_response};
use cors_policy::{Engine, Request, RequestKind};
use cors_policy_tests::conformance::{Answer, Case, show_bytes};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::{Method, Uri};

/// Every case can be given to the engine's `decide`.
pub fn any_case(_: &Case) -> Result<(), &'static str> {
    Ok(())
}

/// Whether `http`'s types can carry the case's request: a method that is a
/// token, a path that is a URI, header names that are tokens and values
/// without control bytes (`HeaderValue::from_bytes` refuses a CR, LF, NUL or
/// any other byte below 0x20 but tab, and 0x7F). A server built on `http`
/// never sees such a request: its HTTP parser refuses it first.
pub fn http_carries(case: &Case) -> Result<(), &'static str> {
    let r = &case.request;
    if Method::from_bytes(r.method.as_bytes()).is_err() {
        return Err("a method `http::Method` refuses");
    }
    if r.path.parse::<Uri>().is_err() {
        return Err("a path `http::Uri` refuses");
    }
    for (name, value) in &r.headers {
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err("a header name `http::HeaderName` refuses");
        }
        if value.iter().any(|&b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err("a CR, LF or NUL in a header value, which `http::HeaderValue` refuses");
        }
        if HeaderValue::from_bytes(value).is_err() {
            return Err(
                "another control byte in a header value, which `http::HeaderValue` refuses",
            );
        }
    }
    Ok(())
}

/// What an adapter sends back: the status (a preflight response's only),
/// whether the application runs, and the header lines in order.
#[derive(Debug, PartialEq, Eq)]
struct Sent {
    status: Option<u16>,
    forward: bool,
    headers: Vec<(String, String)>,
}

impl Sent {
    /// What a preflight response (`Some`) or the application's empty
    /// response with the answer applied (`None`) carries.
    fn of(preflight: Option<http::Response<()>>, applied: HeaderMap) -> Sent {
        let (status, forward, map) = match preflight {
            Some(response) => {
                let status = Some(response.status().as_u16());
                (status, false, response.into_parts().0.headers)
            }
            None => (None, true, applied),
        };
        let headers = map
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), show_bytes(v.as_bytes())))
            .collect();
        Sent {
            status,
            forward,
            headers,
        }
    }
}

/// The `http` adapter: the case's request as an `http::Request<()>` (every
/// header line appended in order), read with `Request::from_http`, decided,
/// and answered the way an application does it by hand — the adapter's
/// `preflight_response` for a preflight, otherwise `apply` to the
/// application's (empty) response headers. The same request through
/// `HttpEngine::answer` must send exactly the same; a difference is a
/// failure. RequestKind, `allowed`, policy and reason come from the decision.
pub fn http_driver(case: &Case) -> Result<Answer, String> {
    let engine: Engine = case
        .policy
        .parse()
        .map_err(|e: cors_policy::Error| format!("the policy does not compile:\n{e}"))?;
    let r = &case.request;
    let mut builder = http::Request::builder()
        .method(Method::from_bytes(r.method.as_bytes()).map_err(|e| e.to_string())?)
        .uri(r.path.as_str());
    for (name, value) in &r.headers {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| e.to_string())?;
        let value = HeaderValue::from_bytes(value).map_err(|e| e.to_string())?;
        builder = builder.header(name, value);
    }
    let request = builder.body(()).map_err(|e| e.to_string())?;

    let http_engine = HttpEngine::new(engine);
    let decision = http_engine.engine().decide(&Request::from_http(&request));
    let mut applied = HeaderMap::new();
    let preflight = preflight_response::<()>(&decision);
    if preflight.is_none() {
        apply(&decision, &mut applied);
    }
    if preflight.is_some() != (decision.kind() == RequestKind::Preflight) {
        return Err(format!(
            "`preflight_response` is {} for a {} decision",
            if preflight.is_some() { "Some" } else { "None" },
            decision.kind()
        ));
    }
    let sent = Sent::of(preflight, applied);

    // The allocation-free path must send the same bytes.
    let answer = http_engine.answer(&request);
    let mut answer_applied = HeaderMap::new();
    let answer_preflight = answer.preflight_response::<()>();
    if answer_preflight.is_none() {
        answer.apply(&mut answer_applied);
    }
    let answer_sent = Sent::of(answer_preflight, answer_applied);
    if answer_sent != sent {
        return Err(format!(
            "`HttpEngine::answer` sends {answer_sent:?}\n  but `preflight_response`/`apply` send {sent:?}"
        ));
    }
    if answer.kind() != decision.kind() || answer.allowed() != decision.allowed() {
        return Err(format!(
            "`HttpEngine::answer` says {} allowed={}, the decision {} allowed={}",
            answer.kind(),
            answer.allowed(),
            decision.kind(),
            decision.allowed()
        ));
    }

    let reason = decision.reason().to_string();
    Ok(Answer {
        kind: decision.kind().as_str().to_owned(),
        allowed: decision.allowed(),
        policy: decision.policy().map(str::to_owned),
        status: sent.status,
        forward: sent.forward,
        headers: sent.headers,
        reason: (!reason.is_empty()).then_some(reason),
    })
}

/// Whether `cors-policy eval` can be given the case's request. Header lines
/// go as `--header=Name: value` arguments, which carry any byte but NUL (a
/// CR, LF or non-UTF-8 byte included); a request with a NUL goes as a raw
/// request file instead (`--raw`), which carries any byte but CR and LF.
/// Only a request needing both would be skipped.
pub fn cli_carries(case: &Case) -> Result<(), &'static str> {
    let any = |bad: &dyn Fn(u8) -> bool| {
        case.request
            .headers
            .iter()
            .any(|(n, v)| n.bytes().any(bad) || v.iter().copied().any(bad))
    };
    if any(&|b| b == 0) && any(&|b| b == b'\r' || b == b'\n') {
        return Err(
            "a NUL and a CR or LF in one request: neither arguments nor a raw request carry both",
        );
    }
    Ok(())
}

/// The `cors-policy` binary, built once for the whole test run with the
/// cargo running the tests (`cargo build -p cors-policy-cli`); its path is
/// the one cargo reports, so `CARGO_TARGET_DIR` and build configuration are
/// respected.
fn cli_binary() -> Result<&'static PathBuf, String> {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
            let output = Command::new(cargo)
                .args([
                    "build",
                    "-q",
                    "-p",
                    "cors-policy-cli",
                    "--bin",
                    "cors-policy",
                ])
                .args(["--message-format=json", "--manifest-path", manifest])
                .stderr(Stdio::inherit())
                .output()
                .map_err(|e| format!("cannot run cargo to build `cors-policy`: {e}"))?;
            if !output.status.success() {
                return Err(format!("building `cors-policy` failed: {}", output.status));
            }
            let stdout = String::from_utf8_lossy(&output.stdout);
            stdout
                .lines()
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter(|m| {
                    m["reason"] == "compiler-artifact" && m["target"]["name"] == "cors-policy"
                })
                .find_map(|m| m["executable"].as_str().map(PathBuf::from))
                .ok_or_else(|| "cargo built no `cors-policy` executable".to_owned())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// `--name=value` with arbitrary bytes in the value.
#[cfg(unix)]
fn arg(prefix: &str, value: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStringExt as _;
    let mut bytes = prefix.as_bytes().to_vec();
    bytes.extend_from_slice(value);
    OsString::from_vec(bytes)
}

/// `--name=value`; elsewhere than on unix, arguments are Unicode, so bytes
/// that are not UTF-8 are lost (and the cases that use them fail).
#[cfg(not(unix))]
fn arg(prefix: &str, value: &[u8]) -> OsString {
    format!("{prefix}{}", String::from_utf8_lossy(value)).into()
}

/// `cors-policy eval - --method M --path P --header=…` with the policy on
/// standard input; its JSON read back, each header value's code points taken
/// as bytes (the CLI shows a byte `0xNN` as U+00NN) and shown as the corpus
/// writes them.
pub fn cli_driver(case: &Case) -> Result<Answer, String> {
    let binary = cli_binary()?;
    let r = &case.request;
    let mut command = Command::new(binary);
    command
        .args(["eval", "-"])
        .arg(arg("--method=", r.method.as_bytes()))
        .arg(arg("--path=", r.path.as_bytes()));
    let has_nul = r.headers.iter().any(|(_, v)| v.contains(&0));
    let raw_file = if has_nul {
        // A raw request file: a request line, then the header lines.
        let mut raw = format!("{} {} HTTP/1.1\r\n", r.method, r.path).into_bytes();
        for (name, value) in &r.headers {
            raw.extend_from_slice(name.as_bytes());
            raw.extend_from_slice(b": ");
            raw.extend_from_slice(value);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "conformance-raw-{}-{}.http",
            std::process::id(),
            case.name.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        ));
        std::fs::write(&path, raw)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        command.arg(arg("--raw=", path.as_os_str().as_encoded_bytes()));
        Some(path)
    } else {
        for (name, value) in &r.headers {
            command.arg(arg(&format!("--header={name}: "), value));
        }
        None
    };
    let output = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(case.policy.as_bytes())?;
            }
            child.wait_with_output()
        });
    if let Some(path) = raw_file {
        let _ = std::fs::remove_file(path);
    }
    let output = output.map_err(|e| format!("cannot run `{}`: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "`cors-policy eval` exited with {}\n  stdout: {stdout}\n  stderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let mut answer = Answer::from_eval_json(&stdout)?;
    for (name, value) in &mut answer.headers {
        let bytes = value
            .chars()
            .map(|c| u8::try_from(u32::from(c)))
            .collect::<Result<Vec<u8>, _>>()
            .map_err(|_| format!("header `{name}`: a code point above U+00FF in {value:?}"))?;
        *value = show_bytes(&bytes);
    }
    Ok(answer)
}
