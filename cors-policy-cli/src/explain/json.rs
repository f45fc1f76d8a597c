//! The JSON output (`--format json`): the engine's trace of each request
//! sent, the browser's verdict and console message, what is not CORS, the
//! fix.

use serde_json::{Value, json};

use super::account::{Account, Title, Verdict};
use super::edit::Edit;
use cors_policy::browser::Stage;

impl Account {
    /// The JSON output (one object).
    pub(crate) fn json(&self) -> Value {
        let exchange = |title: Title| {
            self.exchanges
                .iter()
                .find(|e| e.title == title)
                .map(|e| e.described.json.clone())
        };
        let (verdict, stage, why, console) = match &self.verdict {
            Verdict::NotEnforced => ("not-cors", None, None, None),
            Verdict::NotABrowser => ("not-a-browser", None, None, None),
            Verdict::Allowed => ("allowed", None, None, None),
            Verdict::Blocked {
                stage,
                why,
                console,
            } => (
                "blocked",
                Some(match stage {
                    Stage::Preflight => "preflight",
                    Stage::Actual => "actual",
                }),
                Some(why.clone()),
                Some(console.clone()),
            ),
            Verdict::BlockedNotCors => ("blocked-not-cors", None, None, None),
            Verdict::TypeError(why) => ("type-error", None, Some(why.clone()), None),
        };
        let fix = self.fix.as_ref().map(|f| {
            json!({
                "passes": f.passes,
                "edits": f.edits.iter().map(edit_json).collect::<Vec<_>>(),
                "alternatives": f.alternatives.iter().map(edit_json).collect::<Vec<_>>(),
                "why_not": f.why_not,
            })
        });
        json!({
            "credentials": self.credentials.map(|(mode, from)| json!({"mode": mode, "from": from})),
            "preflight": exchange(Title::Preflight).or_else(|| exchange(Title::PreflightAsGiven)),
            "actual": exchange(Title::ActualRequest).or_else(|| exchange(Title::TheRequest)),
            "browser": {
                "verdict": verdict,
                "stage": stage,
                "message": why,
                "console": console,
            },
            "console": self.console.as_ref().map(|(v, d)| json!({"verdict": v.as_str(), "detail": d})),
            "not_cors": self.findings.iter().map(|f| json!({"kind": f.kind.as_str(), "blocks": f.blocks, "text": f.text})).collect::<Vec<_>>(),
            "fix": fix,
        })
    }
}

fn edit_json(edit: &Edit) -> Value {
    match edit {
        Edit::AddLine { policy, line } => json!({"policy": policy, "add": line}),
        Edit::ReplaceOrigin {
            policy,
            entry,
            with,
        } => json!({"policy": policy, "entry": entry, "replace_with": with}),
    }
}
