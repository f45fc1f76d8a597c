//! The layout rules of docs/architecture.md, checked over the whole
//! workspace from the source files on disk:
//!
//! - (a) no source file over 600 lines (`tests.rs` files exempt);
//! - (b) every source file starts with a `//!` doc (a crate root may start
//!   with `#![doc = include_str!(…)]` instead);
//! - (c) no module import cycle inside a crate (the graph of
//!   `architecture/modgraph.rs`, whose own tests are in
//!   `architecture/synthetic.rs`);
//! - (d) one definition of each Fetch/HTTP fact: the telltales of a second
//!   token table, forbidden-method list, glob options or loopback check are
//!   found only in their home in the grammar crate, and an adapter names
//!   the response headers the engine emits only through
//!   `cors-policy/src/slot.rs`;
//! - (e) no file cites documents outside the repository, and every
//!   `path::item` a doc cites exists.
//!
//! "Source files" are the `.rs` files under each workspace member's `src/`
//! and `examples/`. The allow-lists below hold the offenders that issue 17 is
//! removing; each entry must still be an offender (a fixed one must leave the
//! list), and the lists are meant to end empty.

#[path = "architecture/modgraph.rs"]
mod modgraph;
#[path = "architecture/synthetic.rs"]
mod synthetic;
#[path = "architecture/workspace.rs"]
mod workspace;

use std::collections::BTreeMap;
use std::path::Path;

use modgraph::Graph;
use workspace::{
    against_allow_list, all_files, crate_roots, is_tests_file, non_test_text, rel, root, sources,
};

/// The most lines a source file may have.
const MAX_LINES: usize = 600;

/// Source files over [`MAX_LINES`] today.
const KNOWN_OVERSIZE: &[&str] = &[];

/// Source files without a top `//!` doc today.
const KNOWN_UNDOCUMENTED: &[&str] = &[];

/// Module import cycles today, as `crate root: a -> b -> a`.
const KNOWN_CYCLES: &[&str] = &[];

/// Second definitions of a Fetch fact today, as `file: telltale`.
const KNOWN_SECOND_DEFINITIONS: &[&str] = &[];

#[test]
fn no_source_file_is_over_600_lines() {
    let mut found = BTreeMap::new();
    for file in sources() {
        if is_tests_file(&file) {
            continue;
        }
        let lines = std::fs::read_to_string(&file).unwrap().lines().count();
        if lines > MAX_LINES {
            let name = rel(&file);
            found.insert(name.clone(), format!("{name}: {lines} lines"));
        }
    }
    against_allow_list(
        &format!(
            "source files over {MAX_LINES} lines (move unit tests to a sibling `tests.rs`, split by job)"
        ),
        "KNOWN_OVERSIZE",
        &found,
        KNOWN_OVERSIZE,
    );
}

#[test]
fn every_source_file_starts_with_a_top_doc() {
    let roots = crate_roots();
    let mut found = BTreeMap::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap_or("");
        let is_root = roots.contains(&file);
        let documented = first.starts_with("//!") && top_doc(&text).split_whitespace().count() >= 4
            || is_root && first.starts_with("#![doc = include_str!(");
        if !documented {
            let name = rel(&file);
            found.insert(
                name.clone(),
                format!("{name}: starts with `{first}`, not a `//!` doc of what it owns"),
            );
        }
    }
    against_allow_list(
        "source files without a top `//!` doc",
        "KNOWN_UNDOCUMENTED",
        &found,
        KNOWN_UNDOCUMENTED,
    );
}

/// The leading `//!` lines of a file, joined.
fn top_doc(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn no_crate_has_a_module_import_cycle() {
    let roots = crate_roots();
    assert!(roots.len() >= 5, "{roots:?}");
    let mut found = BTreeMap::new();
    let mut modules = 0;
    for file in &roots {
        let graph = Graph::read(file, &|p: &Path| std::fs::read_to_string(p).ok());
        assert!(graph.missing.is_empty(), "{:?}", graph.missing);
        modules += graph.modules.len();
        let krate = rel(file);
        for cycle in graph.cycles() {
            let key = format!("{krate}: {}", cycle.text);
            let uses: Vec<String> = cycle
                .uses
                .iter()
                .map(|u| format!("      {}", u.replace(&format!("{}/", root().display()), "")))
                .collect();
            found.insert(key.clone(), format!("{key}\n{}", uses.join("\n")));
        }
    }
    // The workspace's crates have about a hundred modules between them:
    // a reader that found only the roots would pass vacuously.
    assert!(modules > 80, "read only {modules} modules");
    against_allow_list(
        "module import cycles (a child uses its parent's items while the parent uses the child's: move what both need to a leaf module)",
        "KNOWN_CYCLES",
        &found,
        KNOWN_CYCLES,
    );
}

/// A telltale of a Fetch/HTTP fact, the one file allowed to hold it, and
/// whether that file spells it so (then a stale pattern fails the test).
const TELLTALES: &[(&str, &str, bool)] = &[
    // The token (`tchar`) table, as a string or as match arms.
    ("\"!#$%&'*+-.^_`|~\"", "grammar/src/fetch.rs", false),
    ("b'^' | b'_'", "grammar/src/fetch.rs", true),
    ("fn is_tchar", "grammar/src/fetch.rs", true),
    // The safelisted and normalized methods.
    (
        "\"GET\" | \"HEAD\" | \"POST\"",
        "grammar/src/fetch.rs",
        false,
    ),
    (
        "b\"GET\" | b\"HEAD\" | b\"POST\"",
        "grammar/src/fetch.rs",
        true,
    ),
    (
        "[\"GET\", \"HEAD\", \"POST\"]",
        "grammar/src/fetch.rs",
        true,
    ),
    (
        "[b\"GET\", b\"HEAD\", b\"POST\"]",
        "grammar/src/fetch.rs",
        false,
    ),
    (
        "\"DELETE\", \"GET\", \"HEAD\", \"OPTIONS\"",
        "grammar/src/fetch.rs",
        true,
    ),
    // The forbidden methods and request headers.
    ("\"CONNECT\"", "grammar/src/fetch.rs", true),
    ("\"TRACK\"", "grammar/src/fetch.rs", true),
    ("\"accept-charset\"", "grammar/src/fetch.rs", true),
    // Loopback and the public suffix list.
    ("\"[::1]\"", "grammar/src/fetch.rs", true),
    ("\".localhost\"", "grammar/src/fetch.rs", true),
    ("fn is_loopback", "grammar/src/fetch.rs", true),
    ("psl::", "grammar/src/fetch.rs", true),
    // The `paths` glob options.
    ("GlobBuilder::new", "grammar/src/glob.rs", true),
    ("literal_separator(", "grammar/src/glob.rs", true),
    // The response headers the engine emits, by slot: an adapter derives
    // its header names from `HeaderSlot::name` instead of listing them
    // again (the browser model reads them independently, by name).
    (
        "header::ACCESS_CONTROL_ALLOW_",
        "cors-policy/src/slot.rs",
        false,
    ),
    (
        "header::ACCESS_CONTROL_EXPOSE_HEADERS",
        "cors-policy/src/slot.rs",
        false,
    ),
    (
        "header::ACCESS_CONTROL_MAX_AGE",
        "cors-policy/src/slot.rs",
        false,
    ),
];

#[test]
fn every_fetch_fact_has_one_definition() {
    let mut found = BTreeMap::new();
    let mut homes_seen = BTreeMap::new();
    for file in sources() {
        let name = rel(&file);
        // The tests crate's support code holds the independent oracles the
        // differential tests compare the engine with: test code.
        if name.starts_with("tests/") {
            continue;
        }
        let text = non_test_text(&file);
        for (line_no, line) in text.lines().enumerate() {
            for (telltale, home, _) in TELLTALES {
                if !line.contains(telltale) {
                    continue;
                }
                if name == *home {
                    *homes_seen.entry(*telltale).or_insert(0) += 1;
                    continue;
                }
                let key = format!("{name}: {telltale}");
                found.entry(key.clone()).or_insert_with(|| {
                    format!("{key} (line {}; the fact lives in {home})", line_no + 1)
                });
            }
        }
    }
    // Each telltale does find its home: the patterns are not stale.
    for (telltale, home, _) in TELLTALES.iter().filter(|t| t.2) {
        assert!(
            homes_seen.contains_key(telltale),
            "`{telltale}` is not in {home}: update TELLTALES"
        );
    }
    against_allow_list(
        "second definitions of a Fetch/HTTP fact (call cors_policy_grammar::fetch or ::glob)",
        "KNOWN_SECOND_DEFINITIONS",
        &found,
        KNOWN_SECOND_DEFINITIONS,
    );
}

#[test]
fn no_file_cites_documents_outside_the_repository() {
    // Spelled in pieces so that this file does not cite them itself.
    let outside = [
        concat!("LANGUAGE", ".md"),
        concat!("../", "shared"),
        concat!("/work/", "shared"),
        concat!("STYLE", ".md"),
        concat!("BROWSER-", "NOTES"),
    ];
    let mut bad = Vec::new();
    let mut read = 0;
    for file in all_files() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        read += 1;
        for (n, line) in text.lines().enumerate() {
            for doc in outside {
                if line.contains(doc) {
                    bad.push(format!("{}:{}: cites {doc}", rel(&file), n + 1));
                }
            }
        }
    }
    assert!(read > 200, "read only {read} files");
    assert!(
        bad.is_empty(),
        "cite docs/language.md, the project's own reference:\n{}",
        bad.join("\n")
    );
}

/// Every `` `path/to/file.rs::item::name` `` cited by the docs exists: the
/// file, and each name after it as an item, method, variant or module of
/// that file (a `tests::x` also in its sibling `tests.rs`); every cited
/// `` `path/file.ext` `` of the repository exists.
#[test]
fn the_docs_cite_files_and_items_that_exist() {
    let root = root();
    let mut checked = 0;
    let mut bad = Vec::new();
    for doc in ["docs/architecture.md", "docs/security.md"] {
        let Ok(text) = std::fs::read_to_string(root.join(doc)) else {
            // docs/architecture.md must exist.
            panic!("{doc} is missing");
        };
        for cited in backticked(&text) {
            let (path, items) = match cited.split_once("::") {
                Some((p, rest)) => (p, rest.split("::").collect::<Vec<_>>()),
                None => (cited, Vec::new()),
            };
            if !is_repo_path(path) {
                continue;
            }
            checked += 1;
            let file = root.join(path);
            if !file.exists() {
                bad.push(format!("{doc}: `{cited}`: no file {path}"));
                continue;
            }
            if items.is_empty() {
                continue;
            }
            let mut names = defined_names(&file);
            if let Some(stem) = file.file_stem() {
                let dir = file.parent().unwrap_or(root.as_path());
                for sibling in [dir.join(stem).join("tests.rs"), dir.join("tests.rs")] {
                    names.extend(defined_names(&sibling));
                }
            }
            for item in items {
                if !names.contains(item) {
                    bad.push(format!("{doc}: `{cited}`: {path} defines no `{item}`"));
                }
            }
        }
    }
    assert!(checked > 20, "checked only {checked} citations");
    assert!(bad.is_empty(), "\n{}", bad.join("\n"));
}

/// The `` `…` `` spans of a Markdown text.
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Whether `s` reads as a path to a file of the repository.
fn is_repo_path(s: &str) -> bool {
    let exts = [".rs", ".toml", ".md", ".cors", ".pest"];
    s.contains('/')
        && !s.contains(' ')
        && !s.starts_with('/')
        && !s.contains('*')
        && !s.contains('<')
        && !s.contains("://")
        && exts.iter().any(|e| s.ends_with(e))
}

/// Every name a Rust file defines, at any depth: items, methods, variants,
/// fields, modules, test functions.
fn defined_names(file: &Path) -> std::collections::BTreeSet<String> {
    use syn::visit::Visit;
    struct Names(std::collections::BTreeSet<String>);
    impl<'ast> Visit<'ast> for Names {
        fn visit_item(&mut self, i: &'ast syn::Item) {
            let ident = match i {
                syn::Item::Const(i) => Some(&i.ident),
                syn::Item::Enum(i) => Some(&i.ident),
                syn::Item::Fn(i) => Some(&i.sig.ident),
                syn::Item::Mod(i) => Some(&i.ident),
                syn::Item::Static(i) => Some(&i.ident),
                syn::Item::Struct(i) => Some(&i.ident),
                syn::Item::Trait(i) => Some(&i.ident),
                syn::Item::Type(i) => Some(&i.ident),
                syn::Item::Union(i) => Some(&i.ident),
                syn::Item::Macro(i) => i.ident.as_ref(),
                _ => None,
            };
            self.0.extend(ident.map(ToString::to_string));
            syn::visit::visit_item(self, i);
        }
        fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
            self.0.insert(i.sig.ident.to_string());
            syn::visit::visit_impl_item_fn(self, i);
        }
        fn visit_impl_item_const(&mut self, i: &'ast syn::ImplItemConst) {
            self.0.insert(i.ident.to_string());
        }
        fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
            self.0.insert(i.sig.ident.to_string());
            syn::visit::visit_trait_item_fn(self, i);
        }
        fn visit_variant(&mut self, i: &'ast syn::Variant) {
            self.0.insert(i.ident.to_string());
        }
        fn visit_field(&mut self, i: &'ast syn::Field) {
            self.0.extend(i.ident.as_ref().map(ToString::to_string));
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            // `proptest! { fn name(…) }`, `kinds! { pub enum Kind … }`: the
            // items a macro body defines.
            fn fns(tokens: proc_macro2::TokenStream, out: &mut std::collections::BTreeSet<String>) {
                let mut after_fn = false;
                for t in tokens {
                    match t {
                        proc_macro2::TokenTree::Ident(i) => {
                            if after_fn {
                                out.insert(i.to_string());
                            }
                            after_fn = ["fn", "enum", "struct", "trait", "mod", "const"]
                                .iter()
                                .any(|k| i == k);
                        }
                        proc_macro2::TokenTree::Group(g) => {
                            fns(g.stream(), out);
                            after_fn = false;
                        }
                        _ => after_fn = false,
                    }
                }
            }
            fns(m.tokens.clone(), &mut self.0);
        }
    }
    let mut names = Names(Default::default());
    if let Some(parsed) = std::fs::read_to_string(file)
        .ok()
        .and_then(|t| syn::parse_file(&t).ok())
    {
        names.visit_file(&parsed);
    }
    names.0
}

/// The items public at the root of each published library crate, by crate
/// name: `pub use` names (renamed ones by their new name), `pub mod`s and
/// items, leaving out `#[doc(hidden)]` ones.
fn published_root_items() -> BTreeMap<String, Vec<String>> {
    let root = root();
    let mut out = BTreeMap::new();
    for member in workspace::members() {
        let dir = root.join(&member);
        let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml"))
            .unwrap()
            .parse()
            .unwrap();
        let package = manifest["package"].as_table().unwrap();
        if package.get("publish").and_then(toml::Value::as_bool) == Some(false) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(dir.join("src/lib.rs")) else {
            continue;
        };
        let file = syn::parse_file(&text).unwrap();
        let mut names = Vec::new();
        for item in &file.items {
            let (vis, attrs, name): (&syn::Visibility, &[syn::Attribute], Option<String>) =
                match item {
                    syn::Item::Use(u) => {
                        if matches!(u.vis, syn::Visibility::Public(_)) && !hidden(&u.attrs) {
                            use_names(&u.tree, &mut names);
                        }
                        continue;
                    }
                    syn::Item::Mod(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    syn::Item::Fn(i) => (&i.vis, &i.attrs, Some(i.sig.ident.to_string())),
                    syn::Item::Struct(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    syn::Item::Enum(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    syn::Item::Const(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    syn::Item::Static(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    syn::Item::Trait(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    syn::Item::Type(i) => (&i.vis, &i.attrs, Some(i.ident.to_string())),
                    _ => continue,
                };
            if matches!(vis, syn::Visibility::Public(_)) && !hidden(attrs) {
                names.extend(name);
            }
        }
        let name = package["name"].as_str().unwrap().to_owned();
        out.insert(name, names);
    }
    out
}

fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("doc") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "hidden")
    })
}

fn use_names(tree: &syn::UseTree, out: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, out),
        syn::UseTree::Name(n) => out.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => out.push(r.rename.to_string()),
        syn::UseTree::Glob(_) => out.push("*".to_owned()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, out)),
    }
}

/// docs/architecture.md reviews every public item of each published crate:
/// each is named, in backticks, in the crate's `### `name`` part of "The
/// public API".
#[test]
fn the_api_review_names_every_public_item() {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let api = doc
        .split("\n## The public API")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a `## The public API` section");
    let crates = published_root_items();
    assert!(crates.len() >= 3, "{crates:?}");
    let mut missing = Vec::new();
    for (name, items) in &crates {
        let part = api
            .split(&format!("\n### `{name}`"))
            .nth(1)
            .and_then(|rest| rest.split("\n### ").next())
            .unwrap_or_else(|| panic!("no `### `{name}`` in the public API review"));
        let named: Vec<&str> = backticked(part)
            .into_iter()
            .flat_map(|span| span.split(|c: char| !(c.is_alphanumeric() || c == '_')))
            .collect();
        for item in items {
            if !named.contains(&item.as_str()) {
                missing.push(format!("{name}: `{item}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "public items not reviewed in docs/architecture.md (say why each is public):\n{}",
        missing.join("\n")
    );
}
