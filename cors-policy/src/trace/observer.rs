//! [`Observer`]: what [`Engine::decide`](crate::Engine::decide) reports as
//! it checks, and [`Silent`], its own observer that does nothing. The
//! engine is generic over it; [`Engine::trace`](crate::Engine::trace)'s
//! observer records.

use super::checks::{HeaderOutcome, ListOutcome, MethodOutcome};
use crate::compile::Found;

/// What [`Engine::decide`](crate::Engine::decide) reports as it checks, in
/// order. `decide`'s own observer ([`Silent`]) does nothing;
/// [`Engine::trace`](crate::Engine::trace)'s records.
pub(crate) trait Observer<'a> {
    /// The origin check's outcome, and whether `Origin` came twice.
    fn origin(&mut self, found: Found, duplicated: bool);
    /// The requested method.
    fn method(&mut self, method: &'a [u8], outcome: MethodOutcome);
    /// One requested header name, in request order.
    fn header(&mut self, name: &'a [u8], outcome: HeaderOutcome);
    /// The whole `Access-Control-Request-Headers` list.
    fn header_list(&mut self, outcome: ListOutcome<'a>);
    /// `Access-Control-Request-Private-Network`.
    fn private_network(&mut self, value: Option<&'a [u8]>, requested: bool);
}

/// The observer of [`Engine::decide`](crate::Engine::decide): every call is empty and inlined away.
pub(crate) struct Silent;

impl<'a> Observer<'a> for Silent {
    #[inline(always)]
    fn origin(&mut self, _: Found, _: bool) {}
    #[inline(always)]
    fn method(&mut self, _: &'a [u8], _: MethodOutcome) {}
    #[inline(always)]
    fn header(&mut self, _: &'a [u8], _: HeaderOutcome) {}
    #[inline(always)]
    fn header_list(&mut self, _: ListOutcome<'a>) {}
    #[inline(always)]
    fn private_network(&mut self, _: Option<&'a [u8]>, _: bool) {}
}
