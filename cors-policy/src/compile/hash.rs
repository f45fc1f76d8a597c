//! The engine's hash tables: [`FastMap`] and [`FastSet`], keyed with
//! foldhash. A leaf: every matcher builds its lookups with them.

use std::collections::{HashMap, HashSet};

/// The engine's keyed hash for its lookup tables (origins, hosts, suffixes,
/// header names, methods): foldhash, several times cheaper than std's
/// SipHash-1-3 on short keys. `fast::RandomState` seeds every table from a
/// per-process random seed, so which request values collide is not
/// predictable from outside — hash-flooding resistance is kept (foldhash is
/// "minimally DoS-resistant", not a cryptographic PRF). The tables are built
/// from the policy, never from requests: a request can only look a key up,
/// never add one, so it cannot grow a collision chain either.
pub(crate) type FastHash = foldhash::fast::RandomState;

/// A [`HashMap`] with [`FastHash`].
pub(crate) type FastMap<K, V> = HashMap<K, V, FastHash>;

/// A [`HashSet`] with [`FastHash`].
pub(crate) type FastSet<T> = HashSet<T, FastHash>;
