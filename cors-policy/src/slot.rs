//! The response headers the engine emits, as [`HeaderSlot`]s: their names
//! and their canonical order, defined once here for the decision and every
//! adapter (which address a header by slot, never by a position or a second
//! list of names).

use std::ops::Index;

/// One response header the engine may emit. The order of the variants is
/// the canonical order of a decision's headers, and a slot's
/// [`index`](Self::index) is its place in that order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub(crate) enum HeaderSlot {
    AllowOrigin,
    AllowCredentials,
    AllowMethods,
    AllowHeaders,
    MaxAge,
    AllowPrivateNetwork,
    ExposeHeaders,
    Vary,
}

impl HeaderSlot {
    /// How many slots there are.
    pub(crate) const COUNT: usize = 8;

    /// Every slot, in the canonical order.
    pub(crate) const ALL: [HeaderSlot; Self::COUNT] = [
        HeaderSlot::AllowOrigin,
        HeaderSlot::AllowCredentials,
        HeaderSlot::AllowMethods,
        HeaderSlot::AllowHeaders,
        HeaderSlot::MaxAge,
        HeaderSlot::AllowPrivateNetwork,
        HeaderSlot::ExposeHeaders,
        HeaderSlot::Vary,
    ];

    /// The slots a policy owns on the paths it covers: the application's
    /// lines of these names are removed before the decision's are added.
    /// Every slot but `vary`, which is merged instead.
    #[expect(
        clippy::indexing_slicing,
        reason = "evaluated at compile time, where an index out of bounds is a build error"
    )]
    pub(crate) const OWNED: [HeaderSlot; Self::COUNT - 1] = {
        let mut owned = [HeaderSlot::AllowOrigin; Self::COUNT - 1];
        let (mut at, mut kept) = (0, 0);
        while at < Self::COUNT {
            if Self::ALL[at].is_owned() {
                owned[kept] = Self::ALL[at];
                kept += 1;
            }
            at += 1;
        }
        owned
    };

    /// The lowercase header name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            HeaderSlot::AllowOrigin => "access-control-allow-origin",
            HeaderSlot::AllowCredentials => "access-control-allow-credentials",
            HeaderSlot::AllowMethods => "access-control-allow-methods",
            HeaderSlot::AllowHeaders => "access-control-allow-headers",
            HeaderSlot::MaxAge => "access-control-max-age",
            HeaderSlot::AllowPrivateNetwork => "access-control-allow-private-network",
            HeaderSlot::ExposeHeaders => "access-control-expose-headers",
            HeaderSlot::Vary => "vary",
        }
    }

    /// The slot's place in the canonical order, and in [`Slots`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// Whether a policy owns the header (see [`OWNED`](Self::OWNED)).
    pub(crate) const fn is_owned(self) -> bool {
        !matches!(self, HeaderSlot::Vary)
    }
}

// `ALL` lists every variant once, in the order of their indices.
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time, where an index out of bounds is a build error"
)]
const _: () = {
    let mut at = 0;
    while at < HeaderSlot::COUNT {
        assert!(HeaderSlot::ALL[at].index() == at);
        at += 1;
    }
};

/// One value per [`HeaderSlot`], addressed by slot.
// Used by the `http` adapter only.
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) struct Slots<T>([T; HeaderSlot::COUNT]);

#[cfg_attr(not(feature = "http"), allow(dead_code))]
impl<T> Slots<T> {
    /// The values of every slot, in the canonical order.
    pub(crate) const fn new(values: [T; HeaderSlot::COUNT]) -> Self {
        Slots(values)
    }
}

impl<T> Index<HeaderSlot> for Slots<T> {
    type Output = T;

    #[expect(
        clippy::indexing_slicing,
        reason = "a slot's index is below `HeaderSlot::COUNT`, the array's length"
    )]
    fn index(&self, slot: HeaderSlot) -> &T {
        &self.0[slot.index()]
    }
}
