//! [`EngineBuilder`]: an engine whose policies read runtime origin sets.

use crate::grammar::{self, model};
use crate::{Engine, Error, OriginSet, OriginSets};

/// Builds an [`Engine`] together with the origin sets its policies read
/// (`origins set "NAME"`): [`Engine::builder`] from text,
/// [`Engine::builder_from_policies`] from a validated policy set.
///
/// Every set a policy names must be supplied — by
/// [`origin_set`](Self::origin_set) or from an [`OriginSets`] registry by
/// [`origin_sets`](Self::origin_sets) — or [`build`](Self::build) fails with
/// an error that names the set and points at the entry. The engine keeps the
/// sets' handles: replacing a set's contents later changes its answers at
/// once, without rebuilding it.
///
/// ```
/// use cors_policy::{Engine, OriginSets};
///
/// let sets = OriginSets::new();
/// let engine = Engine::builder(r#"policy "api" { origins set "tenants" }"#).build();
/// let error = engine.unwrap_err().to_string();
/// assert!(error.contains("no origin set named `tenants`"), "{error}");
///
/// let _ = sets.replace("tenants", ["https://acme.example.com"]);
/// let engine = Engine::builder(r#"policy "api" { origins set "tenants" }"#)
///     .origin_sets(&sets)
///     .build()?;
/// # Ok::<(), cors_policy::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "call `build` to get the engine"]
pub struct EngineBuilder<'s> {
    source: Source<'s>,
    sets: Vec<(String, OriginSet)>,
    registries: Vec<OriginSets>,
}

#[derive(Debug)]
enum Source<'s> {
    Text(&'s str),
    Policies(&'s model::PolicySet),
}

impl Engine {
    /// A builder for an engine of the policy text `src`, whose origin sets
    /// are supplied before [`build`](EngineBuilder::build).
    pub fn builder(src: &str) -> EngineBuilder<'_> {
        EngineBuilder::new(Source::Text(src))
    }

    /// A builder for an engine of a validated policy set (as
    /// [`Engine::from_policies`]), whose origin sets are supplied before
    /// [`build`](EngineBuilder::build).
    pub fn builder_from_policies(set: &model::PolicySet) -> EngineBuilder<'_> {
        EngineBuilder::new(Source::Policies(set))
    }
}

impl<'s> EngineBuilder<'s> {
    fn new(source: Source<'s>) -> Self {
        EngineBuilder {
            source,
            sets: Vec::new(),
            registries: Vec::new(),
        }
    }

    /// Supplies the set `set "name"` reads (a later call for the same name
    /// wins). A set no policy names is not an error: it is unused.
    pub fn origin_set(mut self, name: &str, set: &OriginSet) -> Self {
        self.sets.retain(|(n, _)| n != name);
        self.sets.push((name.to_owned(), set.clone()));
        self
    }

    /// Supplies every set the policies name that `sets` holds (at build
    /// time; [`origin_set`](Self::origin_set) takes precedence).
    pub fn origin_sets(mut self, sets: &OriginSets) -> Self {
        self.registries.push(sets.clone());
        self
    }

    /// Compiles the policies and binds their sets: an error for every
    /// problem of the text, and for each set no one supplied.
    pub fn build(self) -> Result<Engine, Error> {
        let EngineBuilder {
            source,
            sets,
            registries,
        } = self;
        let mut supply = |name: &str| {
            sets.iter()
                .find(|(n, _)| n == name)
                .map(|(_, set)| set.clone())
                .or_else(|| registries.iter().find_map(|r| r.get(name)))
        };
        match source {
            Source::Policies(set) => Engine::compile(set, &mut supply),
            Source::Text(src) => {
                let checked = grammar::check(src);
                match checked.policies {
                    Some(set) if !checked.has_errors() => Engine::compile(&set, &mut supply)
                        .map_err(|e| Error::new(e.diagnostics().to_vec(), Some(src))),
                    _ => Err(Error::new(checked.diagnostics, Some(src))),
                }
            }
        }
    }
}
