//! Limits shared by the front end and the engine, so that what `check`
//! accepts is exactly what the engine can match; and how much of a source
//! the front end reads and how many of its diagnostics it shows.

/// The longest DNS label, in bytes (RFC 1035): a host with a longer label is
/// never a page's origin, so `check` refuses it and the engine reads an
/// `Origin` holding one as malformed. A `*` label stands for 1 to this many
/// bytes.
pub const MAX_LABEL_LEN: usize = 63;

/// The longest DNS name, in bytes, without a final `.` (RFC 1035).
pub const MAX_HOST_LEN: usize = 253;

/// Whether a serialized DNS host (`a.example.com`, maybe with a final `.`)
/// is within [`MAX_LABEL_LEN`] and [`MAX_HOST_LEN`].
#[inline]
pub fn host_fits(host: &[u8]) -> bool {
    // A host no longer than a label fits whatever its dots (most do): no
    // need to split it.
    if host.len() <= MAX_LABEL_LEN {
        return true;
    }
    let name = host.strip_suffix(b".").unwrap_or(host);
    name.len() <= MAX_HOST_LEN && name.split(|&b| b == b'.').all(|l| l.len() <= MAX_LABEL_LEN)
}

/// The size limit of one compiled automaton of the engine's fallback regex
/// (10 MiB of NFA). The engine splits a set of `paths` globs into as many
/// automata as it takes, so only a single glob over this limit cannot
/// build; `check` compiles every long glob against it.
pub const NFA_SIZE_LIMIT: usize = 10 << 20;

/// The largest policy source the front end accepts, in bytes (16 MiB); a
/// larger one is a `syntax` error, not an unbounded allocation.
pub const MAX_SOURCE_LEN: usize = 16 << 20;

/// How many diagnostics of one file are shown, by [`render_all`](crate::render_all)
/// and by `cors-policy check --format json` (200); the rest are counted, not
/// shown. The first ones are the ones to fix first: a file with 200,000
/// problems is reported in the time of 200.
pub const MAX_SHOWN_DIAGNOSTICS: usize = 200;
