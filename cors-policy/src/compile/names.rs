//! Name lists: [`NameSet`], header names compared case-insensitively
//! without allocating (a `headers` list of a policy), and [`MethodSet`],
//! methods compared byte for byte (a `methods` list).

use super::hash::FastSet;
use crate::swar::pack;

/// Header names compared case-insensitively, without allocating. A few
/// names (the usual policy) are compared one by one, which costs less than
/// hashing; more are looked up by hash, the request's name lowercased into
/// a stack buffer first if it is not lowercase already.
#[derive(Debug)]
pub(crate) struct NameSet {
    names: Names,
    max_len: usize,
}

/// A [`NameSet`]'s names, lowercase.
#[derive(Debug)]
enum Names {
    /// At most [`LINEAR_NAMES`], compared one by one: length and first
    /// word, then the rest (two names of one length usually differ in
    /// their first eight bytes: no `memcmp` for them).
    List(Vec<(u64, Box<[u8]>)>),
    /// More, looked up by hash.
    Hashed(FastSet<Box<[u8]>>),
}

/// Names up to this long are looked up by hash; longer ones are compared
/// one by one (only policies listing such names pay for it).
const STACK_NAME: usize = 128;

/// Up to this many names are compared one by one rather than hashed.
const LINEAR_NAMES: usize = 8;

impl NameSet {
    pub(crate) fn new(names: &[String]) -> NameSet {
        // Each name once, in order; seen through a hash set, so that a
        // list of many names still compiles in linear time.
        let mut seen = FastSet::default();
        let mut list: Vec<Box<[u8]>> = Vec::new();
        for name in names {
            let name: Box<[u8]> = name.to_ascii_lowercase().into_bytes().into();
            if seen.insert(name.clone()) {
                list.push(name);
            }
        }
        let max_len = list.iter().map(|n| n.len()).max().unwrap_or(0);
        let names = if list.len() > LINEAR_NAMES {
            Names::Hashed(list.into_iter().collect())
        } else {
            Names::List(list.into_iter().map(|n| (pack(&n), n)).collect())
        };
        NameSet { names, max_len }
    }

    pub(crate) fn contains(&self, name: &[u8]) -> bool {
        if name.len() > self.max_len {
            return false;
        }
        // Browsers send the names lowercase (Fetch lowercases them): those
        // are compared as they are, without a copy; only a name that is not
        // found so is compared again ignoring case, if it has uppercase.
        let names = match &self.names {
            Names::List(list) => {
                let first = pack(name);
                // The first word is equal: up to 16 bytes, the last word
                // (overlapping it) holds the rest.
                let same = |n: &[u8]| {
                    n.len() == name.len()
                        && match (n.last_chunk::<8>(), name.last_chunk::<8>()) {
                            _ if name.len() <= 8 => true,
                            (Some(a), Some(b)) if name.len() <= 16 => a == b,
                            _ => n.get(8..) == name.get(8..),
                        }
                };
                return list.iter().any(|(h, n)| *h == first && same(n))
                    || (has_uppercase(name)
                        && list.iter().any(|(_, n)| n.eq_ignore_ascii_case(name)));
            }
            Names::Hashed(names) => names,
        };
        if !has_uppercase(name) {
            return names.contains(name);
        }
        let mut buf = [0u8; STACK_NAME];
        if let Some(lower) = buf.get_mut(..name.len()) {
            for (to, from) in lower.iter_mut().zip(name) {
                *to = from.to_ascii_lowercase();
            }
            return names.contains(&*lower);
        }
        names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// Methods compared byte for byte (methods are case-sensitive). A few
/// short ones (the usual policy) are compared as words, which costs less
/// than hashing or calling `memcmp`; more, or a long one, by hash.
#[derive(Debug)]
pub(crate) enum MethodSet {
    /// At most [`LINEAR_NAMES`], each of at most 7 bytes, as [`word`]s.
    Words(Box<[u64]>),
    /// The others, looked up by hash.
    Hashed(FastSet<Box<[u8]>>),
}

impl MethodSet {
    pub(crate) fn new(methods: &[String]) -> MethodSet {
        let words = methods.iter().map(|m| word(m.as_bytes()));
        match words.collect::<Option<Box<[u64]>>>() {
            Some(words) if words.len() <= LINEAR_NAMES => MethodSet::Words(words),
            _ => MethodSet::Hashed(methods.iter().map(|m| m.as_bytes().into()).collect()),
        }
    }

    #[inline]
    pub(crate) fn contains(&self, method: &[u8]) -> bool {
        match self {
            MethodSet::Words(words) => word(method).is_some_and(|w| words.contains(&w)),
            MethodSet::Hashed(methods) => methods.contains(method),
        }
    }
}

/// `bytes` of at most 7 as one word: the bytes, then zeros, then the length
/// in the last byte (so that no two such strings share a word).
#[inline]
fn word(bytes: &[u8]) -> Option<u64> {
    let len = u8::try_from(bytes.len()).ok().filter(|&len| len < 8)?;
    Some(pack(bytes) | (u64::from(len) << 56))
}

/// Whether any byte is `A-Z`: without short-circuit, so that it vectorizes.
fn has_uppercase(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(false, |up, &b| up | (b.wrapping_sub(b'A') < 26))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_sets_small_and_large_answer_alike() {
        let few: Vec<String> = ["Content-Type", "x-request-id", "content-type"]
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        let many: Vec<String> = few
            .iter()
            .cloned()
            .chain((0..LINEAR_NAMES).map(|i| format!("x-h{i}")))
            .chain(std::iter::once("x-".repeat(STACK_NAME)))
            .collect();
        let small = NameSet::new(&few);
        let large = NameSet::new(&many);
        assert!(
            matches!(&small.names, Names::List(list) if list.len() == 2),
            "duplicates are dropped"
        );
        assert!(matches!(large.names, Names::Hashed(_)));
        let long = "X-".repeat(STACK_NAME);
        for (name, in_few, in_many) in [
            ("content-type", true, true),
            ("Content-Type", true, true),
            ("CONTENT-TYPE", true, true),
            ("x-Request-ID", true, true),
            ("content-typ", false, false),
            ("content-typex", false, false),
            ("x-h3", false, true),
            ("X-H7", false, true),
            ("x-h8", false, false),
            (long.as_str(), false, true),
            ("", false, false),
        ] {
            assert_eq!(small.contains(name.as_bytes()), in_few, "{name}");
            assert_eq!(large.contains(name.as_bytes()), in_many, "{name}");
        }
    }

    #[test]
    fn listed_names_compare_by_word_as_by_bytes() {
        // Names of every length around the two words, and names that
        // differ from them in one byte at every place.
        let names: Vec<String> = (1..=20)
            .map(|n| "abcdefghijklmnopqrst"[..n].to_owned())
            .collect();
        let set = NameSet::new(&names);
        assert!(matches!(&set.names, Names::Hashed(_)));
        for chunk in names.chunks(LINEAR_NAMES) {
            let set = NameSet::new(chunk);
            assert!(matches!(&set.names, Names::List(_)));
            for candidate in &names {
                let listed = chunk.contains(candidate);
                assert_eq!(set.contains(candidate.as_bytes()), listed, "{candidate}");
                for at in 0..candidate.len() {
                    let mut other = candidate.clone().into_bytes();
                    other[at] = b'-';
                    assert!(!set.contains(&other), "{candidate} at {at}");
                }
            }
        }
    }

    #[test]
    fn method_sets_small_and_large_answer_alike() {
        let few: Vec<String> = ["GET", "PUT", "PATCH"].map(str::to_owned).to_vec();
        let many: Vec<String> = few
            .iter()
            .cloned()
            .chain((0..LINEAR_NAMES).map(|i| format!("M{i}")))
            .collect();
        let small = MethodSet::new(&few);
        let large = MethodSet::new(&many);
        let long: Vec<String> = ["GET", "PROPFIND"].map(str::to_owned).to_vec();
        let long = MethodSet::new(&long);
        assert!(matches!(small, MethodSet::Words(_)));
        assert!(matches!(long, MethodSet::Hashed(_)));
        assert!(matches!(large, MethodSet::Hashed(_)));
        for (method, expected) in [
            ("GET", true),
            ("PROPFIND", true),
            ("PROPFINDS", false),
            ("GET\0", false),
            ("", false),
        ] {
            assert_eq!(long.contains(method.as_bytes()), expected, "{method}");
        }
        for (method, in_few, in_many) in [
            ("PUT", true, true),
            ("PATCH", true, true),
            ("put", false, false),
            ("Patch", false, false),
            ("PUTS", false, false),
            ("M0", false, true),
            ("M7", false, true),
            ("M8", false, false),
            ("PUT\0", false, false),
            ("PATCH\0\0\0", false, false),
            ("", false, false),
        ] {
            assert_eq!(small.contains(method.as_bytes()), in_few, "{method}");
            assert_eq!(large.contains(method.as_bytes()), in_many, "{method}");
        }
    }
}
