//! The workspace as the architecture test reads it: its members from the
//! root `Cargo.toml`, their source files and crate roots, and the lines of a
//! file that are not test code.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is one level down")
        .to_path_buf()
}

/// `path` relative to the repository root, with `/` separators.
pub fn rel(path: &Path) -> String {
    let root = root();
    let path = path.strip_prefix(&root).unwrap_or(path);
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The workspace members (`grammar`, `cors-policy`, …), from the root manifest.
pub fn members() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).expect("the root manifest");
    let manifest: toml::Table = text.parse().expect("the root manifest is TOML");
    let members = manifest["workspace"]["members"]
        .as_array()
        .expect("workspace.members");
    let members: Vec<String> = members
        .iter()
        .map(|m| m.as_str().expect("a member is a path").to_owned())
        .collect();
    assert!(members.len() >= 5, "{members:?}");
    members
}

/// Every `.rs` file under `dir`, recursively, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The source files the layout rules cover: every `.rs` file under each
/// member's `src/` and `examples/`.
pub fn sources() -> Vec<PathBuf> {
    let root = root();
    let mut out = Vec::new();
    for member in members() {
        for dir in ["src", "examples"] {
            out.extend(rust_files(&root.join(&member).join(dir)));
        }
    }
    assert!(out.len() > 50, "found only {} source files", out.len());
    out
}

/// Every crate root of the workspace: libraries, binaries, examples.
pub fn crate_roots() -> Vec<PathBuf> {
    let root = root();
    let mut out = Vec::new();
    for member in members() {
        let dir = root.join(&member);
        for file in ["src/lib.rs", "src/main.rs"] {
            if dir.join(file).is_file() {
                out.push(dir.join(file));
            }
        }
        for sub in ["src/bin", "examples"] {
            let Ok(entries) = std::fs::read_dir(dir.join(sub)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                } else if path.join("main.rs").is_file() {
                    out.push(path.join("main.rs"));
                }
            }
        }
    }
    out.sort();
    out
}

/// Whether a file is exempt from the size rule: unit tests moved beside
/// their module.
pub fn is_tests_file(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "tests.rs")
}

/// The text of `path` with every `#[cfg(test)]` item blanked out (line
/// numbers kept), or the whole file blank when it is a `tests.rs`.
pub fn non_test_text(path: &Path) -> String {
    if is_tests_file(path) {
        return String::new();
    }
    without_tests(&std::fs::read_to_string(path).unwrap_or_default())
}

/// `text` with every `#[cfg(test)]` item blanked out, line numbers kept.
pub fn without_tests(text: &str) -> String {
    let Ok(file) = syn::parse_file(text) else {
        return text.to_owned();
    };
    let mut blank = Vec::new();
    test_spans(&file.items, &mut blank);
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let n = i + 1;
            if blank.iter().any(|(a, b)| (*a..=*b).contains(&n)) {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The line ranges of the `#[cfg(test)]` items in `items`, nested ones too.
fn test_spans(items: &[syn::Item], out: &mut Vec<(usize, usize)>) {
    use syn::spanned::Spanned;
    for item in items {
        let attrs = crate::modgraph::item_attrs(item);
        let test = crate::modgraph::is_test(attrs);
        if test {
            let span = item.span();
            let first = attrs
                .first()
                .map_or(span.start().line, |a| a.span().start().line);
            out.push((first, span.end().line));
        } else if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            test_spans(inner, out);
        }
    }
}

/// Every file of the repository outside `.git` and any `target` directory.
pub fn all_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name == ".git" || name == "target" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Compares what a check found with its allow-list: every offender must be
/// listed, and every listed entry must still be an offender (so a fixed one
/// leaves the list). `found` maps an offender's key to what to print.
pub fn against_allow_list(
    what: &str,
    list: &str,
    found: &std::collections::BTreeMap<String, String>,
    known: &[&str],
) {
    let new: Vec<&String> = found
        .iter()
        .filter(|(k, _)| !known.contains(&k.as_str()))
        .map(|(_, detail)| detail)
        .collect();
    let fixed: Vec<&&str> = known.iter().filter(|k| !found.contains_key(**k)).collect();
    let mut message = String::new();
    if !new.is_empty() {
        message += &format!("{} {what}:\n", new.len());
        for detail in &new {
            message += &format!("  {detail}\n");
        }
    }
    if !fixed.is_empty() {
        message += &format!(
            "no longer offenders: remove them from {list} in tests/tests/architecture.rs:\n"
        );
        for k in &fixed {
            message += &format!("  {k}\n");
        }
    }
    assert!(message.is_empty(), "\n{message}");
}
