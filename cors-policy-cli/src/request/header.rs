//! One `-H 'Name: value'` argument, read as an HTTP parser reads a header
//! line.

use std::ffi::OsStr;

use cors_policy::browser::fields::trim_tab_or_space as trim;
use cors_policy_grammar::fetch::is_token;

/// `-H 'Name: value'`: the name lowercased, the value trimmed of spaces and
/// tabs as an HTTP parser does, its bytes otherwise kept as given (a CR or a
/// non-UTF-8 byte reaches the engine, which must refuse to echo it).
pub(crate) fn parse_header_arg(arg: &OsStr) -> Result<(String, Vec<u8>), String> {
    let bytes = os_bytes(arg);
    let shown = String::from_utf8_lossy(&bytes).into_owned();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return Err(format!("`-H {shown}` is not a header: write `Name: value`"));
    };
    let (name, value) = bytes.split_at(colon);
    let name = trim(name);
    if !is_token(name) {
        return Err(format!(
            "`-H {shown}`: `{}` is not a header name; write `Name: value`",
            String::from_utf8_lossy(name)
        ));
    }
    let value = trim(value.get(1..).unwrap_or(&[]));
    Ok((
        String::from_utf8_lossy(name).to_ascii_lowercase(),
        value.to_vec(),
    ))
}

#[cfg(unix)]
fn os_bytes(arg: &OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    arg.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(arg: &OsStr) -> Vec<u8> {
    arg.to_string_lossy().into_owned().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_args_are_trimmed_and_lowercased() {
        let (name, value) = parse_header_arg(OsStr::new("Origin: \t https://a.com \t")).unwrap();
        assert_eq!(name, "origin");
        assert_eq!(value, b"https://a.com");
        let (name, value) = parse_header_arg(OsStr::new("X-Empty:")).unwrap();
        assert_eq!((name.as_str(), value.as_slice()), ("x-empty", &b""[..]));
        // a CR inside the value is kept for the engine to refuse
        let (_, value) = parse_header_arg(OsStr::new("Origin: https://a.com\r")).unwrap();
        assert_eq!(value, b"https://a.com\r");
        assert!(parse_header_arg(OsStr::new("no colon here")).is_err());
        assert!(parse_header_arg(OsStr::new(": value")).is_err());
        assert!(parse_header_arg(OsStr::new("bad name: value")).is_err());
    }
}
