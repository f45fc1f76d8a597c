//! The human output: the summary, each request with its checks, the
//! browser's verdict in Chromium's words, the console verdict, what is not
//! CORS and the fix, wrapped for a terminal.

use cors_policy::browser::Stage;

use super::account::{Account, ConsoleVerdict, Title, Verdict};
use super::checks::Check;
use super::shown::shown_message;

impl Account {
    /// The human output.
    pub(crate) fn human(&self) -> String {
        let mut out = String::new();
        for line in &self.summary {
            out.push_str(line);
            out.push('\n');
        }
        let numbered = self.exchanges.iter().any(|e| e.title == Title::Preflight);
        for (i, exchange) in self.exchanges.iter().enumerate() {
            out.push('\n');
            let d = &exchange.described;
            let head = d.request_lines.first().cloned().unwrap_or_default();
            if numbered {
                out.push_str(&format!("{}. {}: {head}\n", i + 1, exchange.title.as_str()));
            } else {
                out.push_str(&format!("{}: {head}\n", exchange.title.as_str()));
            }
            for line in d.request_lines.iter().skip(1) {
                out.push_str(&format!("     {line}\n"));
            }
            for line in &d.policy_lines {
                out.push_str(&format!("   {line}\n"));
            }
            write_checks(&mut out, &d.checks);
            out.push_str(&format!("   Answer: {}\n", d.answer));
            for line in &d.answer_headers {
                out.push_str(&format!("     {line}\n"));
            }
            for line in &exchange.browser {
                out.push_str(&format!("   {line}\n"));
            }
        }
        out.push('\n');
        match &self.verdict {
            Verdict::NotEnforced => out.push_str(
                "In the browser: nothing to enforce; CORS applies only to cross-origin requests.\n",
            ),
            Verdict::NotABrowser => out.push_str(
                "In the browser: no browser sends this `Origin`; a page behind whatever sent it would be \
                 blocked (\"No 'Access-Control-Allow-Origin' header is present on the requested resource.\").\n",
            ),
            Verdict::Allowed => {
                out.push_str("In the browser: allowed.\n");
                for line in &self.after {
                    out.push_str(&format!("  - {line}\n"));
                }
            }
            Verdict::Blocked { stage, console, .. } => {
                let what = match stage {
                    Stage::Preflight => "the preflight fails, so the request itself is never sent",
                    Stage::Actual => {
                        "the request reaches the server (your handler runs), but the script cannot read the response"
                    }
                };
                out.push_str(&format!(
                    "In the browser: blocked; {what}. fetch() rejects with \"TypeError: Failed to fetch\" and \
                     Chromium's console says:\n\n    {console}\n"
                ));
            }
            Verdict::BlockedNotCors => {
                out.push_str("In the browser: blocked before any CORS check (see \"Not CORS\").\n");
            }
            Verdict::TypeError(why) => out.push_str(&format!(
                "In the browser: fetch() throws before sending anything:\n\n    TypeError: {}\n",
                shown_message(why)
            )),
        }
        if let Some((verdict, detail)) = &self.console {
            let head = match verdict {
                ConsoleVerdict::Confirmed => "Your console message: confirmed",
                ConsoleVerdict::Different => "Your console message: not what this policy produces",
                _ => "Your console message:",
            };
            out.push_str(&format!("\n{head}\n  {}\n", indent(&wrap(detail), "  ")));
        }
        if !self.findings.is_empty() {
            out.push_str("\nNot CORS:\n");
            for finding in &self.findings {
                out.push_str(&format!("  - {}\n", indent(&wrap(&finding.text), "    ")));
            }
        }
        if !self.fix_text.is_empty() {
            out.push_str("\nFix:\n");
            for line in &self.fix_text {
                out.push_str(&format!("  {}\n", indent(&wrap(line), "  ")));
            }
        }
        out
    }
}

fn write_checks(out: &mut String, checks: &[Check]) {
    const LABEL: usize = 12;
    for check in checks {
        let mark = match check.pass {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "·",
        };
        out.push_str(&format!(
            "   {mark} {:<LABEL$} {}\n",
            check.label, check.text
        ));
        for line in &check.more {
            out.push_str(&format!("     {:<LABEL$} {line}\n", ""));
        }
    }
}

/// `text` with its prose lines wrapped at 96 columns; lines that start with
/// a space (policy lines, quoted messages) are kept whole.
fn wrap(text: &str) -> String {
    const WIDTH: usize = 96;
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.starts_with(' ') || line.chars().count() <= WIDTH {
            out.push(line.to_owned());
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out.join("\n")
}

/// Indents every non-empty line of `text` after the first by `by`.
fn indent(text: &str, by: &str) -> String {
    let lines: Vec<String> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i == 0 || l.is_empty() {
                l.to_owned()
            } else {
                format!("{by}{l}")
            }
        })
        .collect();
    lines.join("\n")
}
