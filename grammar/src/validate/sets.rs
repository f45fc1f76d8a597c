//! `set "NAME"`: the rules of a set's name. The entries an application puts
//! in a set at run time are checked by `set_entry`.

use crate::{Diagnostic, Kind, Span};

/// The longest set name, in bytes.
const MAX_NAME_LEN: usize = 64;

/// Whether `name` can name an origin set: 1–64 ASCII letters, digits, `-`,
/// `_` and `.` (it is written on command lines as `--set NAME=FILE`).
pub fn is_set_name(name: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `invalid-origin` for a `set "NAME"` whose name breaks [`is_set_name`].
pub(super) fn check_name(name: &str, span: Span) -> Option<Diagnostic> {
    if is_set_name(name) {
        return None;
    }
    let message = if name.is_empty() {
        "a set needs a name".to_owned()
    } else if name.len() > MAX_NAME_LEN {
        format!("the set name `{name}` is longer than {MAX_NAME_LEN} bytes")
    } else {
        format!("`{name}` is not a valid set name")
    };
    Some(
        Diagnostic::new(Kind::InvalidOrigin, span, message).with_help(
            "a set name is made of letters, digits, `-`, `_` and `.`, e.g. `set \"tenants\"`",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_names() {
        for good in ["tenants", "a", "eu-west.tenants_2"] {
            assert!(is_set_name(good), "{good}");
        }
        for bad in ["", "a b", "a=b", "ü", &"x".repeat(65)] {
            assert!(!is_set_name(bad), "{bad}");
        }
    }
}
