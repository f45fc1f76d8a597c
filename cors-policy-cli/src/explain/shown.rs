//! What every string from the policy file or the request goes through
//! before it is printed: escaped for the terminal and cut when long, lists
//! cut after a dozen items, so that the output stays bounded whatever the
//! input; and the `FILE:LINE` a policy line is shown as ([`Source`]).

/// At most this many items of a list are shown; the rest is counted.
pub(crate) const MAX_ITEMS: usize = 12;
/// At most this many characters of one value are shown.
pub(crate) const MAX_CHARS: usize = 160;

/// At most this many characters of a whole message (the console line) are
/// shown.
pub(crate) const MAX_MESSAGE_CHARS: usize = 2000;

/// `bytes` as text safe for a terminal, cut after [`MAX_CHARS`].
pub(crate) fn shown(bytes: &[u8]) -> String {
    shown_up_to(bytes, MAX_CHARS)
}

/// A whole message (made of bounded parts and the request's URL) safe for
/// a terminal, cut after [`MAX_MESSAGE_CHARS`].
pub(crate) fn shown_message(text: &str) -> String {
    shown_up_to(text.as_bytes(), MAX_MESSAGE_CHARS)
}

fn shown_up_to(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let cut: String = text.chars().take(max).collect();
    let mut out = cors_policy_grammar::escape_for_terminal(&cut).into_owned();
    if cut.len() < text.len() {
        out.push_str(&format!("… ({} bytes)", bytes.len()));
    }
    out
}

/// [`shown`] for text.
pub(crate) fn shown_str(text: &str) -> String {
    shown(text.as_bytes())
}

/// The first [`MAX_ITEMS`] of `items`, and "… and N more" for the rest.
pub(crate) fn capped(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut more = 0usize;
    for item in items {
        if out.len() < MAX_ITEMS {
            out.push(item);
        } else {
            more += 1;
        }
    }
    if more > 0 {
        out.push(format!("… and {more} more"));
    }
    out
}

/// Where the policies are written, for `file:line`.
pub(crate) struct Source<'a> {
    /// The file name as shown.
    pub(crate) file: &'a str,
    /// Its text.
    pub(crate) text: &'a str,
}

impl Source<'_> {
    /// `FILE:LINE` of byte `offset`.
    pub(crate) fn at(&self, offset: usize) -> String {
        let line = cors_policy_grammar::span::line_col(self.text, offset).0;
        format!("{}:{line}", shown_str(self.file))
    }
}
