//! `--set NAME=FILE`: the runtime origin sets a policy file reads
//! (`origins set "NAME"`), supplied from files of one origin a line, and
//! the engine built with them — shared by `eval` and `explain`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use cors_policy::{Engine, OriginSet};
use cors_policy_grammar::model::{OriginMatcher, PolicySet};
use cors_policy_grammar::{self as grammar, Diagnostic, RenderOptions, Span};

use crate::input;

/// One `--set NAME=FILE`.
#[derive(Clone, Debug)]
pub(crate) struct SetArg {
    name: String,
    file: PathBuf,
}

/// Parses `NAME=FILE` (clap's value parser).
pub(crate) fn parse_set_arg(value: &str) -> Result<SetArg, String> {
    let Some((name, file)) = value.split_once('=') else {
        return Err(format!(
            "`{value}` is not `NAME=FILE`: write e.g. `--set tenants=tenants.txt`"
        ));
    };
    if !grammar::is_set_name(name) {
        return Err(format!(
            "`{name}` is not a set name: letters, digits, `-`, `_` and `.`"
        ));
    }
    if file.is_empty() {
        return Err(format!("`--set {name}=` names no file"));
    }
    Ok(SetArg {
        name: name.to_owned(),
        file: PathBuf::from(OsString::from(file)),
    })
}

/// Why the engine could not be built: a message for stderr (already
/// rendered) and whether it is a usage problem (exit 2) or the files'
/// (exit 1).
pub(crate) struct SetsError {
    pub(crate) message: String,
    pub(crate) usage: bool,
}

/// The names of the sets `policies` read, in order of first use.
pub(crate) fn set_names(policies: &PolicySet) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for origin in policies.policies.iter().flat_map(|p| &p.origins) {
        if let OriginMatcher::Set(name) = &origin.matcher
            && !names.contains(&name.as_str())
        {
            names.push(name);
        }
    }
    names
}

/// Builds the engine of `policies` with the sets of `args`: every set the
/// policies read must be given, and every set given must be read. Entries a
/// set file holds that the language rejects are rendered on `warnings`
/// (file, line, caret) and left out, as the engine's `OriginSet::replace`
/// leaves them out.
pub(crate) fn build_engine(
    policies: &PolicySet,
    args: &[SetArg],
    policy_file: &str,
    color: bool,
    warnings: &mut String,
) -> Result<Engine, SetsError> {
    let used = set_names(policies);
    let usage = |message: String| SetsError {
        message,
        usage: true,
    };
    if let Some(missing) = used.iter().find(|n| !args.iter().any(|a| a.name == **n)) {
        return Err(usage(format!(
            "error: the policies read the origin set `{missing}`, which was not given\n  = help: supply it with `--set {missing}=FILE` (one origin a line)\n"
        )));
    }
    let mut builder = Engine::builder_from_policies(policies);
    let mut sets = Vec::new();
    for arg in args {
        if !used.contains(&arg.name.as_str()) {
            return Err(usage(format!(
                "error: `--set {}` names a set no policy reads\n  = help: the policies read {}\n",
                arg.name,
                if used.is_empty() {
                    "no set".to_owned()
                } else {
                    used.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )));
        }
        let set = load_set(arg, color, warnings).map_err(usage)?;
        sets.push((arg.name.clone(), set));
    }
    for (name, set) in &sets {
        builder = builder.origin_set(name, set);
    }
    builder.build().map_err(|e| SetsError {
        message: e.render(policy_file, color),
        usage: false,
    })
}

/// Reads one set file into a set: one origin a line, surrounding
/// whitespace ignored, blank lines and `#` comments skipped.
fn load_set(arg: &SetArg, color: bool, warnings: &mut String) -> Result<OriginSet, String> {
    let source = input::read(&arg.file)?;
    let text = source.text_lossy();
    let mut entries = Vec::new();
    let mut offsets = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            let lead = line.len() - line.trim_start().len();
            entries.push(trimmed);
            offsets.push(at + lead);
        }
        at += line.len();
    }
    let set = OriginSet::new();
    let report = set.replace(&entries);
    let options = RenderOptions { color };
    for rejected in report.rejected() {
        let start = offsets.get(rejected.index()).copied().unwrap_or(0);
        let d = rejected.diagnostic();
        let shifted = Diagnostic {
            span: Span::new(start + d.span.start, start + d.span.end),
            ..d.clone()
        };
        warnings.push_str(&grammar::render(
            &shifted,
            &text,
            &display(&arg.file),
            &options,
        ));
        warnings.push('\n');
    }
    if !report.is_clean() {
        warnings.push_str(&format!(
            "note: set `{}`: {} of {} entries left out\n",
            arg.name,
            report.rejected().len(),
            entries.len()
        ));
    }
    Ok(set)
}

fn display(path: &Path) -> String {
    input::display_name(path)
}
