//! The report: human (grouped by finding, most severe first) or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::browser::Verdict;
use super::client::shown;
use super::client::{Failure, Response};
use super::code::{Code, Statement};
use super::expected::{Context, Expected};
use super::findings::Finding;
use super::matrix::Probe;
use crate::eval::byte_string;
use crate::output;

/// Everything the report is made from.
pub(crate) struct Run<'a> {
    /// What findings are judged with.
    pub(crate) cx: Context<'a>,
    /// Where the policy is, to name its lines.
    pub(crate) place: &'a Place,
    /// The matrix.
    pub(crate) probes: &'a [Probe],
    /// The engine's answers, one per probe.
    pub(crate) expected: &'a [Expected],
    /// The server's answers, one per probe.
    pub(crate) answers: &'a [Result<Response, Failure>],
    /// Every finding, in matrix order.
    pub(crate) findings: &'a [Finding],
    /// What the matrix leaves out.
    pub(crate) notes: &'a [String],
}

/// A policy's file, text and span, to name its lines.
pub(crate) struct Place {
    /// The policy's name.
    pub(crate) name: String,
    /// The file as the user named it.
    pub(crate) file: String,
    /// The file's text.
    pub(crate) text: String,
    /// The policy's block in it.
    pub(crate) span: std::ops::Range<usize>,
}

impl Place {
    /// `policy "api" (FILE, line 9)`, or with a statement `the `methods` line
    /// of policy "api" (FILE, line 12)` — the first line of the block that
    /// starts with it, else the policy's own line.
    pub(crate) fn at(&self, statement: Option<Statement>) -> String {
        let block = self.text.get(self.span.clone()).unwrap_or_default();
        let before = |offset: usize| {
            let upto = self.text.get(..offset).unwrap_or_default();
            upto.bytes().filter(|&b| b == b'\n').count() + 1
        };
        let policy_line = before(self.span.start);
        let found = statement.map(Statement::keyword).and_then(|keyword| {
            let mut offset = self.span.start;
            for line in block.split_inclusive('\n') {
                let trimmed = line.trim_start();
                let word = trimmed.split([' ', '\t']).next().unwrap_or_default();
                if word == keyword {
                    return Some((keyword, before(offset)));
                }
                offset += line.len();
            }
            None
        });
        match found {
            Some((keyword, line)) => format!(
                "the `{keyword}` line of policy \"{}\" ({}, line {line})",
                self.name, self.file
            ),
            None => format!(
                "policy \"{}\" ({}, line {policy_line})",
                self.name, self.file
            ),
        }
    }
}

/// This many requests are shown in full under each finding, and this many
/// more on one line each (all are in the JSON).
const SHOWN_PER_FINDING: usize = 3;
const LISTED_PER_FINDING: usize = 20;

fn grouped(findings: &[Finding]) -> BTreeMap<Code, Vec<&Finding>> {
    let mut groups: BTreeMap<Code, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        groups.entry(finding.code).or_default().push(finding);
    }
    groups
}

/// The headers worth showing from a response: the CORS ones, `Vary`,
/// `Cache-Control`, `Location`.
fn relevant(headers: &[(String, Vec<u8>)]) -> Vec<&(String, Vec<u8>)> {
    headers
        .iter()
        .filter(|(n, _)| {
            n.starts_with("access-control-")
                || matches!(n.as_str(), "vary" | "cache-control" | "location")
        })
        .collect()
}

fn header_list(headers: &[&(String, Vec<u8>)]) -> String {
    if headers.is_empty() {
        return "no CORS headers".to_owned();
    }
    headers
        .iter()
        .map(|(n, v)| format!("{n}: {}", shown(v)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn browser_words(verdict: &Verdict, probe: &Probe) -> String {
    match verdict {
        Verdict::Reads if probe.origin.is_none() => "not a CORS request".to_owned(),
        Verdict::Reads if probe.is_preflight() => format!(
            "passes the preflight, sends the {}",
            probe.request_method.as_deref().unwrap_or("GET")
        ),
        Verdict::Reads => "the page reads the response".to_owned(),
        Verdict::Blocked(message) => format!("blocks it: {message}"),
    }
}

impl Run<'_> {
    fn server_verdict(&self, index: usize) -> Option<Verdict> {
        let probe = self.probes.get(index)?;
        let response = self.answers.get(index)?.as_ref().ok()?;
        Some(self.cx.verdict(probe, response.status, &response.headers))
    }

    fn policy_verdict(&self, index: usize) -> Option<Verdict> {
        let probe = self.probes.get(index)?;
        let expected = self.expected.get(index)?;
        let status = expected.status.unwrap_or(200);
        Some(self.cx.verdict(probe, status, &expected.headers))
    }

    /// The human report.
    pub(crate) fn human(&self) -> String {
        let mut out = String::new();
        let groups = grouped(self.findings);
        for (code, findings) in &groups {
            let _ = writeln!(
                out,
                "{}[{}]: {} ({})",
                code.severity().as_str(),
                code.name(),
                code.summary(),
                output::plural(findings.len(), "request"),
            );
            let _ = writeln!(out, "  fix: {}", code.fix(&self.place.at(code.statement())));
            for finding in findings.iter().take(SHOWN_PER_FINDING) {
                self.human_occurrence(&mut out, finding);
            }
            let rest = findings.iter().skip(SHOWN_PER_FINDING);
            for finding in rest.clone().take(LISTED_PER_FINDING) {
                if let Some(probe) = self.probes.get(finding.probe) {
                    let _ = writeln!(
                        out,
                        "  - {} [{}]: {}",
                        probe.summary(),
                        probe.role.describe(),
                        finding.detail
                    );
                }
            }
            let unlisted = rest.count().saturating_sub(LISTED_PER_FINDING);
            if unlisted > 0 {
                let _ = writeln!(out, "  … and {unlisted} more (all are in --format json)");
            }
            out.push('\n');
        }
        for note in self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        let requests = output::plural(self.probes.len(), "request");
        if groups.is_empty() {
            let _ = writeln!(
                out,
                "{requests}: the server answers as {} does",
                self.place.at(None)
            );
        } else {
            let mut affected: Vec<usize> = self.findings.iter().map(|f| f.probe).collect();
            affected.sort_unstable();
            affected.dedup();
            let _ = writeln!(
                out,
                "{} in {} of {requests}",
                output::plural(groups.len(), "finding"),
                affected.len()
            );
        }
        out
    }

    fn human_occurrence(&self, out: &mut String, finding: &Finding) {
        let index = finding.probe;
        let (Some(probe), Some(expected), Some(answer)) = (
            self.probes.get(index),
            self.expected.get(index),
            self.answers.get(index),
        ) else {
            return;
        };
        let _ = writeln!(out, "  - {} [{}]", probe.summary(), probe.role.describe());
        let _ = writeln!(out, "      found:   {}", finding.detail);
        match answer {
            Ok(response) => {
                let cut = if response.body_cut {
                    " (the body went on; probe stopped reading it)"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "      server:  {}; {}{cut}",
                    response.status,
                    header_list(&relevant(&response.headers))
                );
            }
            Err(failure) => {
                let _ = writeln!(out, "      server:  {}", failure.describe());
            }
        }
        let all: Vec<&(String, Vec<u8>)> = expected.headers.iter().collect();
        let status = expected
            .status
            .map_or("(the application's status)".to_owned(), |s| s.to_string());
        let why = if expected.allowed {
            String::new()
        } else {
            format!(" ({})", expected.reason)
        };
        let _ = writeln!(out, "      policy:  {status}; {}{why}", header_list(&all));
        let server = self.server_verdict(index);
        let policy = self.policy_verdict(index);
        if let Some(verdict) = &server {
            let _ = writeln!(out, "      browser: {}", browser_words(verdict, probe));
        }
        if let Some(verdict) = &policy
            && server.as_ref() != Some(verdict)
        {
            let _ = writeln!(
                out,
                "      browser with the policy's answer: {}",
                browser_words(verdict, probe)
            );
        }
    }

    /// The JSON report (one object; see docs/language.md, `probe`).
    pub(crate) fn json(&self) -> String {
        let groups = grouped(self.findings);
        let findings: Vec<Value> = groups
            .iter()
            .map(|(code, findings)| {
                let occurrences: Vec<Value> =
                    findings.iter().map(|f| self.json_occurrence(f)).collect();
                json!({
                    "code": code.name(),
                    "severity": code.severity().as_str(),
                    "summary": code.summary(),
                    "fix": code.fix(&self.place.at(code.statement())),
                    "count": findings.len(),
                    "occurrences": occurrences,
                })
            })
            .collect();
        let policy = self.cx.policy.name.as_str();
        let document = output::json_object(&[
            ("url", json!(self.cx.url)),
            ("policy", json!(policy)),
            ("requests", json!(self.probes.len())),
            ("agree", json!(self.findings.is_empty())),
            ("findings", json!(findings)),
            ("notes", json!(self.notes)),
        ]);
        format!("{document}\n")
    }

    fn json_occurrence(&self, finding: &Finding) -> Value {
        let index = finding.probe;
        let probe = self.probes.get(index);
        let expected = self.expected.get(index);
        let server = match self.answers.get(index) {
            Some(Ok(response)) => json!({
                "status": response.status,
                "headers": server_pairs(&response.headers),
                "body_bytes_read": response.body_len,
                "body_cut": response.body_cut,
                "error": null,
            }),
            Some(Err(failure)) => json!({
                "status": null,
                "headers": [],
                "body_bytes_read": 0,
                "body_cut": false,
                "error": failure.describe(),
            }),
            None => Value::Null,
        };
        let verdict = |v: Option<Verdict>| match v {
            Some(Verdict::Reads) => json!({"reads": true, "console": null}),
            Some(Verdict::Blocked(message)) => json!({"reads": false, "console": message}),
            None => Value::Null,
        };
        json!({
            "request": probe.map(request_json),
            "detail": finding.detail,
            "server": server,
            "policy": expected.map(|e| json!({
                "allowed": e.allowed,
                "status": e.status,
                "headers": pairs(&e.headers),
                "reason": (!e.allowed).then(|| e.reason.clone()),
            })),
            "browser": {
                "server": verdict(self.server_verdict(index)),
                "policy": verdict(self.policy_verdict(index)),
            },
        })
    }
}

/// The server's header lines as [`pairs`], with `Set-Cookie` values left
/// out: a session the server hands out does not belong in a CI log.
fn server_pairs(headers: &[(String, Vec<u8>)]) -> Value {
    let kept: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(n, v)| match n.as_str() {
            "set-cookie" => (n.clone(), b"(left out)".to_vec()),
            _ => (n.clone(), v.clone()),
        })
        .collect();
    pairs(&kept)
}

/// `[[name, value], …]`, values as byte strings.
fn pairs(headers: &[(String, Vec<u8>)]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|(n, v)| json!([n, byte_string(v)]))
            .collect(),
    )
}

/// A request as JSON: `{"method","path","headers","role","error_path"}`;
/// the values of `-H` headers (cookies, keys) are left out of reports.
pub(crate) fn request_json(probe: &Probe) -> Value {
    let given = probe.extra.len();
    let all = probe.headers();
    let cut = all.len().saturating_sub(given);
    let headers: Vec<Value> = all
        .into_iter()
        .enumerate()
        .map(|(i, (n, v))| {
            if i < cut {
                json!([n, v])
            } else {
                json!([n, "(given with -H)"])
            }
        })
        .collect();
    json!({
        "method": probe.method,
        "path": probe.path,
        "headers": headers,
        "role": probe.role.describe(),
        "error_path": probe.error_path,
    })
}

/// The `--dry-run` listing.
pub(crate) fn dry_run_human(probes: &[Probe], notes: &[String]) -> String {
    let mut out = String::new();
    for (i, probe) in probes.iter().enumerate() {
        let _ = writeln!(
            out,
            "{:>3}. {} {}  [{}]",
            i + 1,
            probe.method,
            probe.path,
            probe.role.describe()
        );
        for (name, value) in probe.headers() {
            let _ = writeln!(out, "       {name}: {value}");
        }
    }
    for note in notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(
        out,
        "{} would be sent",
        output::plural(probes.len(), "request")
    );
    out
}
