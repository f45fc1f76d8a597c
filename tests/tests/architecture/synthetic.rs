//! The module-graph checker on small crates written here, so that the
//! workspace check cannot pass by finding nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::modgraph::Graph;
use crate::workspace::{against_allow_list, without_tests};

/// The graph of a crate given as `(path, text)` files, `lib.rs` its root.
fn graph(files: &[(&str, &str)]) -> Graph {
    let files: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(p, t)| (Path::new("src").join(p), (*t).to_owned()))
        .collect();
    let graph = Graph::read(Path::new("src/lib.rs"), &|p: &Path| files.get(p).cloned());
    assert!(graph.missing.is_empty(), "{:?}", graph.missing);
    graph
}

fn cycles(files: &[(&str, &str)]) -> Vec<String> {
    graph(files).cycles().into_iter().map(|c| c.text).collect()
}

#[test]
fn a_cycle_between_siblings_is_found_with_its_uses() {
    let g = graph(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A(B);\n"),
        (
            "b.rs",
            "pub struct B;\n\npub fn f() -> super::a::A { todo!() }\n",
        ),
    ]);
    let found = g.cycles();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].text, "a -> b -> a");
    assert_eq!(
        found[0].uses,
        ["a -> b at src/a.rs:1", "b -> a at src/b.rs:3"],
    );
}

#[test]
fn a_one_way_dependency_is_no_cycle() {
    let found = cycles(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        ("a.rs", "use crate::b::B;\npub struct A(B);\n"),
        ("b.rs", "pub struct B;\n"),
    ]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_child_using_its_parents_type_while_the_parent_calls_it_is_a_cycle() {
    // The file layout of `validate.rs` + `validate/origin.rs`.
    let found = cycles(&[
        ("lib.rs", "mod validate;\n"),
        (
            "validate.rs",
            "mod origin;\npub struct Ctx;\npub fn run(c: &Ctx) { origin::check(c) }\n",
        ),
        (
            "validate/origin.rs",
            "use super::Ctx;\npub fn check(_: &Ctx) {}\n",
        ),
    ]);
    assert_eq!(found, ["validate -> validate::origin -> validate"]);
    // Moving the shared type to a leaf module breaks it.
    let found = cycles(&[
        ("lib.rs", "mod validate;\n"),
        (
            "validate.rs",
            "mod context;\nmod origin;\nuse context::Ctx;\npub fn run(c: &Ctx) { origin::check(c) }\n",
        ),
        ("validate/context.rs", "pub struct Ctx;\n"),
        (
            "validate/origin.rs",
            "use super::context::Ctx;\npub fn check(_: &Ctx) {}\n",
        ),
    ]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_re_export_makes_no_edge_and_is_followed_to_the_definition() {
    let g = graph(&[
        (
            "lib.rs",
            "mod engine;\nmod model;\npub use engine::Engine;\npub use model::Policy;\n",
        ),
        ("engine.rs", "pub struct Engine(crate::Policy);\n"),
        ("model.rs", "pub struct Policy;\n"),
    ]);
    // `crate::Policy` is `model::Policy`: the edge goes to model, not to the
    // root that re-exports it, and the root's `pub use`s make none.
    assert_eq!(g.edges_from("engine"), ["model"]);
    assert!(
        g.edges_from("crate").is_empty(),
        "{:?}",
        g.edges_from("crate")
    );
    assert!(g.cycles().is_empty());
}

#[test]
fn a_re_export_through_a_glob_and_a_rename_is_followed() {
    let g = graph(&[
        ("lib.rs", "pub mod facade;\nmod inner;\n"),
        (
            "facade.rs",
            "pub use crate::inner::*;\npub use crate::inner::Thing as Renamed;\n",
        ),
        ("inner.rs", "pub struct Thing;\npub enum Kind { A, B }\n"),
        ("user.rs", ""),
    ]);
    assert!(g.edges_from("facade").is_empty());
    let g2 = graph(&[
        ("lib.rs", "pub mod facade;\nmod inner;\nmod user;\n"),
        (
            "facade.rs",
            "pub use crate::inner::*;\npub use crate::inner::Thing as Renamed;\n",
        ),
        ("inner.rs", "pub struct Thing;\npub enum Kind { A, B }\n"),
        (
            "user.rs",
            "use crate::facade::Renamed;\nfn f() -> crate::facade::Kind { crate::facade::Kind::A }\n",
        ),
    ]);
    assert_eq!(g2.edges_from("user"), ["inner"]);
    assert!(g.cycles().is_empty() && g2.cycles().is_empty());
}

#[test]
fn test_code_is_ignored() {
    let found = cycles(&[
        ("lib.rs", "mod a;\nmod b;\n"),
        (
            "a.rs",
            "pub struct A;\n#[cfg(test)]\nmod tests {\n    use crate::b::B;\n}\n#[cfg(test)]\nfn helper() -> crate::b::B { todo!() }\n",
        ),
        ("b.rs", "pub struct B(crate::a::A);\n"),
    ]);
    assert!(found.is_empty(), "{found:?}");
    // A test module in its own file is not read at all.
    let g = graph(&[
        ("lib.rs", "mod a;\n"),
        ("a.rs", "pub struct A;\n#[cfg(test)]\nmod tests;\n"),
    ]);
    assert_eq!(g.modules.len(), 2);
}

#[test]
fn paths_in_code_make_edges_and_external_ones_do_not() {
    let g = graph(&[
        (
            "lib.rs",
            "mod a;\nmod b;\nmod c;\nmod d;\npub use serde as ser;\n",
        ),
        (
            "a.rs",
            concat!(
                "use std::fmt;\n",
                "fn f(x: impl crate::b::Tr) -> Vec<super::c::C> {\n",
                "    let _ = format!(\"{}\", crate::d::NAME);\n",
                "    let _ = crate::ser::Serialize;\n",
                "    vec![]\n",
                "}\n",
            ),
        ),
        ("b.rs", "pub trait Tr {}\n"),
        ("c.rs", "pub struct C;\n"),
        ("d.rs", "pub const NAME: &str = \"d\";\n"),
    ]);
    assert_eq!(g.edges_from("a"), ["b", "c", "d"]);
}

#[test]
fn a_longer_cycle_and_inline_modules_are_found() {
    let found = cycles(&[
        (
            "lib.rs",
            "mod a;\nmod b;\nmod c { pub fn g() { crate::a::f() } }\n",
        ),
        ("a.rs", "pub fn f() { crate::b::h() }\n"),
        ("b.rs", "pub fn h() { crate::c::g() }\n"),
    ]);
    assert_eq!(found, ["a -> b -> c -> a"]);
}

#[test]
fn test_items_are_blanked_for_the_greps_and_the_rest_kept() {
    let text = concat!(
        "const A: &str = \"CONNECT\";\n",
        "#[cfg(test)]\n",
        "mod tests {\n",
        "    const B: &str = \"TRACK\";\n",
        "}\n",
        "fn f() { let _ = \"[::1]\"; }\n",
    );
    let kept = without_tests(text);
    assert_eq!(kept.lines().count(), 6);
    assert!(kept.contains("CONNECT") && kept.contains("[::1]"));
    assert!(!kept.contains("TRACK") && !kept.contains("mod tests"));
}

fn found(keys: &[&str]) -> BTreeMap<String, String> {
    keys.iter()
        .map(|k| ((*k).to_owned(), format!("{k}: detail")))
        .collect()
}

#[test]
fn an_allow_list_passes_only_when_it_is_exactly_the_offenders() {
    against_allow_list("offenders", "LIST", &found(&["a", "b"]), &["a", "b"]);
    let new = std::panic::catch_unwind(|| {
        against_allow_list("offenders", "LIST", &found(&["a", "b"]), &["a"]);
    });
    let stale = std::panic::catch_unwind(|| {
        against_allow_list("offenders", "LIST", &found(&["a"]), &["a", "b"]);
    });
    assert!(new.is_err(), "an offender missing from the list must fail");
    assert!(stale.is_err(), "a fixed entry left on the list must fail");
}
