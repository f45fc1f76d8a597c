//! The test page: it runs its cases' `fetch()` calls one after the other and writes every
//! outcome into the DOM as JSON, which `--dump-dom` hands back.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::case::{Case, Verdict};
use cors_policy::browser::Body;

const RESULTS_OPEN: &str = "<pre id=\"results\">";
const RESULTS_CLOSE: &str = "</pre>";
const DONE: &str = "<p id=\"state\">done</p>";

/// The page for `cases` (those whose page is the page being served), fetching the API at
/// `api_port`.
pub fn html(cases: &[&Case], api_port: u16) -> String {
    let list: Vec<serde_json::Value> = cases
        .iter()
        .map(|case| {
            serde_json::json!({
                "name": case.name,
                "url": case.url(api_port),
                "method": case.method,
                "headers": case.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
                "credentials": case.credentials.as_str(),
                "body": case.body.as_ref().map(|(kind, text)| body_json(kind, text)),
                "cache": case.cache,
                "repeat": case.repeat,
                "read": case.expect.headers.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            })
        })
        .collect();
    let json = script_safe(&serde_json::Value::Array(list).to_string());
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>cors-policy end-to-end</title></head>
<body><p id="state">running</p><pre id="results"></pre>
<script>
"use strict";
const CASES = {json};
const makeBody = (b) => {{
  switch (b.kind) {{
    case "params": return new URLSearchParams(b.text);
    case "form": {{ const f = new FormData(); f.append("a", "1"); return f; }}
    case "blob": return new Blob([b.text], {{ type: b.type }});
    case "bytes": return new Uint8Array([97, 61, 49]);
    default: return b.text;
  }}
}};
const escape = (s) => s.replace(/[<>&]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
(async () => {{
  const results = [];
  for (const c of CASES) {{
    const runs = [];
    for (let i = 0; i < c.repeat; i++) {{
      const init = {{ method: c.method, headers: c.headers, credentials: c.credentials }};
      if (c.cache !== null) init.cache = c.cache;
      if (c.body !== null) init.body = makeBody(c.body);
      try {{
        const res = await fetch(c.url, init);
        const read = {{}};
        for (const name of c.read) read[name] = res.headers.get(name);
        const names = [...res.headers.keys()];
        const body = await res.text();
        runs.push({{ outcome: "ok", status: res.status, read, names, body }});
      }} catch (e) {{
        runs.push({{ outcome: "error", error: String(e) }});
      }}
    }}
    results.push({{ name: c.name, runs }});
  }}
  document.getElementById("results").textContent = escape(JSON.stringify(results));
  document.getElementById("state").textContent = "done";
}})();
</script></body></html>
"#
    )
}

/// How the page builds a body of this kind (see `makeBody` in the page).
fn body_json(kind: &Body, text: &str) -> serde_json::Value {
    let (kind, ty) = match kind {
        Body::UrlSearchParams => ("params", ""),
        Body::FormData => ("form", ""),
        Body::Blob(ty) => ("blob", ty.as_str()),
        Body::Bytes => ("bytes", ""),
        _ => ("text", ""),
    };
    serde_json::json!({ "kind": kind, "type": ty, "text": text })
}

/// JSON made safe inside a `<script>` element (no `</script>`, no `<!--`).
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// One run of a case, as the page saw it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Run {
    /// The promise resolved.
    Ok {
        /// `res.status`.
        status: u16,
        /// `res.headers.get(name)` for each header the case reads.
        read: BTreeMap<String, Option<String>>,
        /// `[...res.headers.keys()]`: every header name the script can read.
        names: Vec<String>,
        /// `await res.text()`.
        body: String,
    },
    /// The promise rejected, or `fetch()` threw.
    Error {
        /// `String(e)`.
        error: String,
    },
}

impl Run {
    /// The outcome: a rejection with "Failed to fetch" is a network error (CORS), any other
    /// error was thrown before anything was sent.
    pub fn verdict(&self) -> Verdict {
        match self {
            Run::Ok { status, .. } => Verdict::Ok(*status),
            Run::Error { error } if error.contains("Failed to fetch") => Verdict::Blocked,
            Run::Error { .. } => Verdict::Thrown,
        }
    }
}

/// What the page reported for one case.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Each run, in order.
    pub runs: Vec<Run>,
}

/// The page's results, read back from the dumped DOM.
pub fn parse_results(dom: &str) -> Result<Vec<CaseResult>, String> {
    if !dom.contains(DONE) {
        return Err(
            "the page did not finish its fetches within the virtual-time budget".to_owned(),
        );
    }
    let start = dom
        .find(RESULTS_OPEN)
        .ok_or("no results element in the page")?
        + RESULTS_OPEN.len();
    let len = dom
        .get(start..)
        .and_then(|rest| rest.find(RESULTS_CLOSE))
        .ok_or("unterminated results element")?;
    let text = dom.get(start..start + len).ok_or("bad results element")?;
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    serde_json::from_str(&text).map_err(|e| format!("results are not the expected JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_read_back_from_the_dom() {
        let dom = format!(
            "<html><body>{DONE}{RESULTS_OPEN}[{{\"name\":\"a\",\"runs\":[{{\"outcome\":\"ok\",\
             \"status\":200,\"read\":{{\"x\":null}},\"names\":[],\"body\":\"\\u003c&amp;\"}},\
             {{\"outcome\":\"error\",\"error\":\"TypeError: Failed to fetch\"}}]}}]{RESULTS_CLOSE}"
        );
        let results = parse_results(&dom).unwrap();
        assert_eq!(results.len(), 1);
        let runs = &results[0].runs;
        assert_eq!(runs[0].verdict(), Verdict::Ok(200));
        assert!(matches!(&runs[0], Run::Ok { body, .. } if body == "<&"));
        assert_eq!(runs[1].verdict(), Verdict::Blocked);
        let thrown = Run::Error {
            error: "TypeError: Failed to execute 'fetch' on 'Window'".to_owned(),
        };
        assert_eq!(thrown.verdict(), Verdict::Thrown);
    }

    #[test]
    fn an_unfinished_page_is_an_error() {
        let dom = format!("<p id=\"state\">running</p>{RESULTS_OPEN}{RESULTS_CLOSE}");
        assert!(parse_results(&dom).unwrap_err().contains("did not finish"));
    }

    #[test]
    fn the_page_embeds_no_markup_from_the_cases() {
        let case = Case::new("x</script><b>", "GET", "/a?b=<c>&d");
        let page = html(&[&case], 1);
        assert!(!page.contains("</script><b>"));
        assert!(page.contains("\\u003c/script\\u003e"));
    }
}
