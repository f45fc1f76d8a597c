//! The module import graph of one crate (docs/architecture.md, layout rule 4):
//! one node per module (a file or an inline `mod`, `#[cfg(test)]` code left
//! out), an edge A → B when A's code names an item *defined* in B.
//!
//! Read with `syn` from the crate root, following `mod` declarations to their
//! files. Names are resolved the way rustc does for the cases a crate uses:
//! `crate::`, `self::`, `super::`, a child module, an item of the module, a
//! name a `use` brings in (explicit first, then `*` globs), and `pub use`
//! re-exports followed to the defining module — so a re-export or a `mod`
//! declaration alone makes no edge. A private `use` of an item is an edge (the
//! module uses it); a `pub use` is not (it only forwards). Paths in code
//! (expressions, types, patterns, trait bounds, the arguments of macros that
//! parse as expressions) are edges when they resolve; a path whose first
//! segments resolve to a module and whose rest cannot (a macro-made item) is
//! an edge to that module. What it cannot see: method calls on values whose
//! type is never named, and macros' own paths.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// Reads a source file: from disk for the workspace, from a map in the
/// checker's own tests.
pub type Read<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// A module's index in [`Graph::modules`].
pub type ModId = usize;

/// Where a name was used: the file and its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    /// The file, as the reader was given it.
    pub file: PathBuf,
    /// The line, 1-based.
    pub line: usize,
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One `use` binding: `name` stands for `path` in its module.
#[derive(Debug)]
struct Import {
    name: String,
    path: Vec<String>,
    /// `pub`, `pub(crate)`…: a re-export, no edge by itself.
    public: bool,
    line: usize,
}

/// One module of the crate and what it defines, imports and names.
#[derive(Debug, Default)]
pub struct Module {
    /// The path from the crate root (empty for the root).
    pub path: Vec<String>,
    /// The file holding its code.
    pub file: PathBuf,
    parent: Option<ModId>,
    children: BTreeMap<String, ModId>,
    /// Items defined here (not modules): functions, types, traits, consts…
    items: BTreeSet<String>,
    /// Enums defined here and their variants (for `use Enum::*`).
    variants: BTreeMap<String, BTreeSet<String>>,
    imports: Vec<Import>,
    globs: Vec<Vec<String>>,
    /// Paths named in code, with their line.
    paths: Vec<(Vec<String>, usize)>,
}

impl Module {
    /// `a::b`, or `crate` for the root.
    pub fn name(&self) -> String {
        if self.path.is_empty() {
            "crate".to_owned()
        } else {
            self.path.join("::")
        }
    }
}

/// What a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Res {
    /// A module of the crate.
    Module(ModId),
    /// An item defined in this module.
    Item(ModId),
    /// Another crate, std, a local variable, a generic: no edge.
    Outside,
}

/// A crate's modules and the edges between them.
#[derive(Debug, Default)]
pub struct Graph {
    /// Every module; the root is 0.
    pub modules: Vec<Module>,
    /// (from, to) → the first use that makes the edge.
    pub edges: BTreeMap<(ModId, ModId), At>,
    /// Files that a `mod` declaration names but that could not be read or
    /// parsed (the checker must not pass by skipping them).
    pub missing: Vec<String>,
}

impl Graph {
    /// Reads the crate whose root file is `root`.
    pub fn read(root: &Path, read: Read<'_>) -> Graph {
        let mut graph = Graph::default();
        let root_dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
        graph.modules.push(Module {
            file: root.to_path_buf(),
            ..Module::default()
        });
        match read(root).map(|text| syn::parse_file(&text)) {
            Some(Ok(file)) => graph.collect(read, 0, &file.items, &root_dir, &root_dir),
            Some(Err(e)) => graph.missing.push(format!("{}: {e}", root.display())),
            None => graph
                .missing
                .push(format!("{}: cannot read", root.display())),
        }
        graph.link();
        graph
    }

    /// Records the items of module `id`, declared in a file whose directory
    /// is `file_dir`; its child modules' files are under `child_dir`.
    fn collect(
        &mut self,
        read: Read<'_>,
        id: ModId,
        items: &[syn::Item],
        file_dir: &Path,
        child_dir: &Path,
    ) {
        for item in items {
            if is_test(item_attrs(item)) {
                continue;
            }
            match item {
                syn::Item::Mod(m) => self.module(read, id, m, file_dir, child_dir),
                syn::Item::Use(u) => {
                    let public = !matches!(u.vis, syn::Visibility::Inherited);
                    let line = u.use_token.span.start().line;
                    let module = &mut self.modules[id];
                    imports(&u.tree, Vec::new(), public, line, module);
                }
                _ => {
                    let module = &mut self.modules[id];
                    if let Some(name) = item_name(item) {
                        module.items.insert(name);
                    }
                    if let syn::Item::Enum(e) = item {
                        let names = e.variants.iter().map(|v| v.ident.to_string()).collect();
                        module.variants.insert(e.ident.to_string(), names);
                    }
                    let mut code = Code { module, depth: 0 };
                    code.visit_item(item);
                }
            }
        }
    }

    /// Adds the module `m` declared in module `parent`.
    fn module(
        &mut self,
        read: Read<'_>,
        parent: ModId,
        m: &syn::ItemMod,
        file_dir: &Path,
        child_dir: &Path,
    ) {
        let name = m.ident.to_string();
        let id = self.modules.len();
        let mut path = self.modules[parent].path.clone();
        path.push(name.clone());
        self.modules[parent].children.insert(name.clone(), id);
        let explicit = path_attr(&m.attrs);
        if let Some((_, items)) = &m.content {
            let file = self.modules[parent].file.clone();
            self.modules.push(Module {
                path,
                file,
                parent: Some(parent),
                ..Module::default()
            });
            let dir = child_dir.join(&name);
            self.collect(read, id, items, file_dir, &dir);
            return;
        }
        let candidates = match explicit {
            Some(p) => vec![file_dir.join(p)],
            None => vec![
                child_dir.join(format!("{name}.rs")),
                child_dir.join(&name).join("mod.rs"),
            ],
        };
        let mut found = None;
        for candidate in &candidates {
            if let Some(text) = read(candidate) {
                found = Some((candidate.clone(), text));
                break;
            }
        }
        self.modules.push(Module {
            path,
            file: found
                .as_ref()
                .map_or_else(|| candidates[0].clone(), |(f, _)| f.clone()),
            parent: Some(parent),
            ..Module::default()
        });
        let Some((file, text)) = found else {
            self.missing
                .push(format!("{}: cannot read", candidates[0].display()));
            return;
        };
        match syn::parse_file(&text) {
            Ok(parsed) => {
                let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
                let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                let children = if stem == "mod" {
                    dir.clone()
                } else {
                    dir.join(stem)
                };
                self.collect(read, id, &parsed.items, &dir, &children);
            }
            Err(e) => self.missing.push(format!("{}: {e}", file.display())),
        }
    }

    /// Resolves every import and path into edges.
    fn link(&mut self) {
        let mut edges = BTreeMap::new();
        for (id, module) in self.modules.iter().enumerate() {
            let mut add = |to: ModId, line: usize| {
                if to != id {
                    let at = At {
                        file: module.file.clone(),
                        line,
                    };
                    edges
                        .entry((id, to))
                        .and_modify(|old: &mut At| {
                            if at < *old {
                                *old = at.clone();
                            }
                        })
                        .or_insert(at);
                }
            };
            for import in &module.imports {
                if import.public {
                    continue;
                }
                if let Res::Item(to) = self.resolve(id, &import.path, 0) {
                    add(to, import.line);
                }
            }
            for (path, line) in &module.paths {
                match self.resolve(id, path, 0) {
                    Res::Item(to) => add(to, *line),
                    Res::Module(to) if path.len() > 1 => add(to, *line),
                    _ => {}
                }
            }
        }
        self.edges = edges;
    }

    /// What `path`, written in module `from`, names.
    fn resolve(&self, from: ModId, path: &[String], depth: usize) -> Res {
        if depth > 16 {
            return Res::Outside;
        }
        let Some((first, rest)) = path.split_first() else {
            return Res::Module(from);
        };
        let mut at = match first.as_str() {
            "crate" => Res::Module(0),
            "self" => Res::Module(from),
            "Self" => Res::Item(from),
            "super" => match self.modules[from].parent {
                Some(p) => Res::Module(p),
                None => Res::Outside,
            },
            name => match self.lookup(from, name, depth) {
                Some(res) => res,
                None => Res::Outside,
            },
        };
        for segment in rest {
            let Res::Module(m) = at else { break };
            at = match segment.as_str() {
                "super" => match self.modules[m].parent {
                    Some(p) => Res::Module(p),
                    None => Res::Outside,
                },
                "self" => Res::Module(m),
                name => match self.lookup(m, name, depth) {
                    Some(res) => res,
                    // A module whose item is made by a macro: the module.
                    None => return Res::Module(m),
                },
            };
        }
        at
    }

    /// `name` in the namespace of module `m`: a child module, an item, an
    /// explicit import, then a glob import.
    fn lookup(&self, m: ModId, name: &str, depth: usize) -> Option<Res> {
        if depth > 16 {
            return None;
        }
        let module = &self.modules[m];
        if let Some(&child) = module.children.get(name) {
            return Some(Res::Module(child));
        }
        if module.items.contains(name) {
            return Some(Res::Item(m));
        }
        if let Some(import) = module.imports.iter().find(|i| i.name == name) {
            return Some(self.resolve(m, &import.path, depth + 1));
        }
        for glob in &module.globs {
            match self.resolve(m, glob, depth + 1) {
                Res::Module(g) if g != m => {
                    if let Some(res) = self.lookup(g, name, depth + 1) {
                        return Some(res);
                    }
                }
                Res::Item(d) => {
                    let last = glob.last().map(String::as_str).unwrap_or("");
                    let enum_has = self.modules[d]
                        .variants
                        .get(last)
                        .is_some_and(|v| v.contains(name));
                    if enum_has {
                        return Some(Res::Item(d));
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Every cycle through the graph, one a line: `a::b -> a -> a::b`, then
    /// the use that makes each edge. Each edge that lies on a cycle is shown
    /// on a shortest one; rotations are merged.
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut next: BTreeMap<ModId, Vec<ModId>> = BTreeMap::new();
        for &(a, b) in self.edges.keys() {
            next.entry(a).or_default().push(b);
        }
        let mut found: BTreeMap<String, Cycle> = BTreeMap::new();
        for &(a, b) in self.edges.keys() {
            // The shortest way back from b to a closes a cycle through a → b.
            let Some(back) = shortest(&next, b, a) else {
                continue;
            };
            let mut nodes = vec![a];
            nodes.extend(back);
            // nodes: a, b, …, a. Rotate so that the smallest name leads.
            let ring = &nodes[..nodes.len() - 1];
            let lead = (0..ring.len())
                .min_by_key(|&i| self.modules[ring[i]].name())
                .unwrap_or(0);
            let mut rotated: Vec<ModId> =
                ring[lead..].iter().chain(&ring[..lead]).copied().collect();
            rotated.push(rotated[0]);
            let text = rotated
                .iter()
                .map(|&m| self.modules[m].name())
                .collect::<Vec<_>>()
                .join(" -> ");
            let uses = rotated
                .windows(2)
                .map(|w| {
                    let at = &self.edges[&(w[0], w[1])];
                    format!(
                        "{} -> {} at {at}",
                        self.modules[w[0]].name(),
                        self.modules[w[1]].name()
                    )
                })
                .collect();
            found.insert(text.clone(), Cycle { text, uses });
        }
        found.into_values().collect()
    }

    /// The names of the modules with an edge from `from`, as `a::b`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn edges_from(&self, from: &str) -> Vec<String> {
        self.edges
            .keys()
            .filter(|(a, _)| self.modules[*a].name() == from)
            .map(|(_, b)| self.modules[*b].name())
            .collect()
    }
}

/// A cycle of the module graph.
#[derive(Debug, Clone)]
pub struct Cycle {
    /// `a::b -> a -> a::b`.
    pub text: String,
    /// One use per edge: `a::b -> a at src/a/b.rs:3`.
    pub uses: Vec<String>,
}

/// The nodes after `from` on a shortest path from `from` to `to` (ending with
/// `to`), `from` itself first.
fn shortest(next: &BTreeMap<ModId, Vec<ModId>>, from: ModId, to: ModId) -> Option<Vec<ModId>> {
    let mut before: BTreeMap<ModId, ModId> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = BTreeSet::from([from]);
    while let Some(n) = queue.pop_front() {
        if n == to {
            let mut path = vec![to];
            let mut at = to;
            while let Some(&p) = before.get(&at) {
                path.push(p);
                at = p;
            }
            path.reverse();
            return Some(path);
        }
        for &m in next.get(&n).into_iter().flatten() {
            if seen.insert(m) {
                before.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    None
}

/// Whether the attributes hold `#[cfg(test)]` (alone: `cfg(any(test, …))`
/// code is built outside tests too).
pub fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "test")
    })
}

/// The `#[path = "…"]` of a `mod`.
fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The attributes of an item.
pub fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The name an item defines in its module's type or value namespace.
fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::TraitAlias(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string())
}

/// Adds the bindings of a use tree under `prefix` to `module`.
fn imports(
    tree: &syn::UseTree,
    mut prefix: Vec<String>,
    public: bool,
    line: usize,
    module: &mut Module,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            imports(&p.tree, prefix, public, line, module);
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                // `use a::b::{self}` binds `b`.
                if let Some(last) = prefix.last().cloned() {
                    module.imports.push(Import {
                        name: last,
                        path: prefix,
                        public,
                        line,
                    });
                }
            } else {
                prefix.push(name.clone());
                module.imports.push(Import {
                    name,
                    path: prefix,
                    public,
                    line,
                });
            }
        }
        syn::UseTree::Rename(r) => {
            let name = r.rename.to_string();
            if r.ident != "self" {
                prefix.push(r.ident.to_string());
            }
            module.imports.push(Import {
                name,
                path: prefix,
                public,
                line,
            });
        }
        syn::UseTree::Glob(_) => module.globs.push(prefix),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                imports(t, prefix.clone(), public, line, module);
            }
        }
    }
}

/// Collects the paths that the code of one module names.
struct Code<'a> {
    module: &'a mut Module,
    /// Inside a function body (nested items are local names).
    depth: usize,
}

impl<'ast> Visit<'ast> for Code<'_> {
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test(item_attrs(item)) {
            return;
        }
        if self.depth > 0 {
            // An item inside a body: a `use` binds in the module (close
            // enough: a body's imports are the module's uses), a fn or type
            // is the module's own.
            match item {
                syn::Item::Use(u) => {
                    let line = u.use_token.span.start().line;
                    imports(&u.tree, Vec::new(), false, line, self.module);
                    return;
                }
                syn::Item::Mod(_) => return,
                _ => {
                    if let Some(name) = item_name(item) {
                        self.module.items.insert(name);
                    }
                }
            }
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => return syn::visit::visit_impl_item(self, item),
        };
        if !is_test(attrs) {
            syn::visit::visit_impl_item(self, item);
        }
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.depth += 1;
        syn::visit::visit_block(self, block);
        self.depth -= 1;
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let line = path
            .segments
            .first()
            .map_or(0, |s| s.ident.span().start().line);
        self.module.paths.push((segments, line));
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // The macro's own path is not followed; its arguments are, when they
        // read as expressions (`format!`, `assert_eq!`, `vec!`…) or items.
        use syn::parse::Parser;
        let exprs = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(list) = exprs.parse2(mac.tokens.clone()) {
            for e in &list {
                self.visit_expr(e);
            }
        } else if let Ok(block) = syn::Block::parse_within.parse2(mac.tokens.clone()) {
            for s in &block {
                self.visit_stmt(s);
            }
        }
    }
}
