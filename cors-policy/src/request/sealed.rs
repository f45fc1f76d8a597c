//! The sealed supertrait of [`HeaderLine`](crate::HeaderLine): how each
//! kind of line slice becomes [`Lines`], nameable only inside the crate.

use super::lines::Lines;

pub trait Sealed: Sized {
    fn lines(slice: &[Self]) -> Lines<'_>;
}

impl Sealed for &[u8] {
    fn lines(slice: &[Self]) -> Lines<'_> {
        Lines::Bytes(slice)
    }
}

impl Sealed for &str {
    fn lines(slice: &[Self]) -> Lines<'_> {
        Lines::Strs(slice)
    }
}

impl Sealed for Vec<u8> {
    fn lines(slice: &[Self]) -> Lines<'_> {
        Lines::Vecs(slice)
    }
}
