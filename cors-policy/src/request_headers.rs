//! `Access-Control-Request-Headers`: one linear pass over the raw lines,
//! capped, with nothing allocated.
//!
//! The list is read as RFC 9110 §5.6.1 says: elements separated by commas,
//! optional whitespace (spaces, tabs) around each, empty elements ignored, the
//! lines of a repeated header joined as if by commas. Names compare
//! case-insensitively. Every element must be an HTTP token.

use crate::request::{
    Lines, MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADER_NAMES, MAX_REQUEST_HEADERS_LEN,
};

use crate::grammar::fetch::is_tchar_fast as tchar;
pub(crate) use crate::grammar::fetch::is_token;

/// Optional whitespace.
const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `bytes` without leading and trailing spaces and tabs.
pub(crate) fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Why a list was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListError<'a> {
    /// Over a cap (lines, bytes or names).
    TooLarge,
    /// An element that is not a token.
    Invalid(&'a [u8]),
}

/// The outcome of a successful pass. (The lines are the caller's: an echo
/// sends those that hold a name, [`holds_name`], trimmed. They are not
/// handed back: a copy returned through memory and read back at once
/// stalls the processor.)
#[derive(Clone, Copy)]
pub(crate) struct Requested {
    /// How many names were requested.
    pub(crate) names: usize,
}

/// Whether the lines are over the line or byte cap, from their lengths
/// alone: the engine asks this of a preflight before anything else, so
/// that an oversized list costs no more than a real one whatever else the
/// request holds.
#[inline]
pub(crate) fn over_size_caps(lines: &Lines<'_>) -> bool {
    lines.over(MAX_REQUEST_HEADER_LINES, MAX_REQUEST_HEADERS_LEN)
}

/// Reads every line in one pass and shows each name to `visit`, in order,
/// with what `judge` made of it; the first element that is not a token, or
/// the first name over the cap, ends the pass. Over the line or byte cap
/// nothing is read.
///
/// With a `vouch`, an element is judged before it is checked as a token,
/// and checked only when its judgement does not vouch for it: a name the
/// policy lists is a token, so a request whose names are all listed (the
/// usual preflight) pays for the lookup alone; `judge` must then be pure (an
/// element that is not a token is judged, and its judgement dropped).
/// Without one (nothing would be vouched for: `headers *`), the token check
/// is made in the same pass as the split.
///
/// The engine checks the size caps before anything else and calls
/// [`scan_within_size_caps`]; this whole pass is what the tests read.
#[cfg(test)]
pub(crate) fn scan<'a, T>(
    lines: &Lines<'a>,
    judge: impl FnMut(&'a [u8]) -> T,
    vouch: Option<impl Fn(&T) -> bool>,
    visit: impl FnMut(&'a [u8], T),
) -> Result<Requested, ListError<'a>> {
    if over_size_caps(lines) {
        return Err(ListError::TooLarge);
    }
    scan_within_size_caps(lines, judge, vouch, visit)
}

/// The pass of `scan` over lines known to be within the line and byte
/// caps ([`over_size_caps`] is false): the engine checks those first.
#[inline]
pub(crate) fn scan_within_size_caps<'a, T>(
    lines: &Lines<'a>,
    mut judge: impl FnMut(&'a [u8]) -> T,
    vouch: Option<impl Fn(&T) -> bool>,
    mut visit: impl FnMut(&'a [u8], T),
) -> Result<Requested, ListError<'a>> {
    let mut names = 0usize;
    for line in lines.iter() {
        let mut rest = line;
        loop {
            let (element, token, after) = match &vouch {
                Some(_) => match next_split(rest) {
                    Some((element, after)) => (element, None, after),
                    None => break,
                },
                None => match next_element(rest) {
                    Some((element, token, after)) => (element, Some(token), after),
                    None => break,
                },
            };
            rest = after;
            names += 1;
            if names > MAX_REQUEST_HEADER_NAMES {
                return Err(ListError::TooLarge);
            }
            if token == Some(false) {
                return Err(ListError::Invalid(element));
            }
            let judged = judge(element);
            if token.is_none() && !vouch.as_ref().is_some_and(|v| v(&judged)) && !is_token(element)
            {
                return Err(ListError::Invalid(element));
            }
            visit(element, judged);
        }
    }
    Ok(Requested { names })
}

/// The next non-empty element of a list line, trimmed, and the rest of the
/// line after its comma; `None` when only commas and whitespace are left.
/// [`next_element`] without the token check: the element runs to the next
/// comma.
#[inline]
fn next_split(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = line.iter().position(|&b| !is_filler(b))?;
    let rest = line.get(start..).unwrap_or_default();
    let end = crate::swar::find_either(rest, b',', b',');
    let (element, after) = rest.split_at(end);
    // `element` starts with neither whitespace nor a comma: only its end
    // needs trimming.
    let last = element
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(0, |i| i + 1);
    Some((
        element.get(..last).unwrap_or(element),
        after.get(1..).unwrap_or_default(),
    ))
}

/// The next non-empty element of a list line, trimmed, whether it is a
/// token, and the rest of the line after its comma; `None` when only commas
/// and whitespace are left. The same as splitting at commas, trimming and
/// checking [`is_token`], in one pass over a valid element's bytes: its run
/// of `tchar` must end at whitespace then a comma (or the end).
pub(crate) fn next_element(line: &[u8]) -> Option<(&[u8], bool, &[u8])> {
    let start = line.iter().position(|&b| !is_filler(b))?;
    let rest = line.get(start..).unwrap_or_default();
    let run = rest.iter().position(|&b| !tchar(b)).unwrap_or(rest.len());
    let (token, after) = rest.split_at(run);
    let ows = after
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(after.len());
    match after.get(ows) {
        None => Some((token, true, &[])),
        Some(b',') => Some((token, true, after.get(ows + 1..).unwrap_or_default())),
        Some(_) => {
            // Not a token: the element runs to the next comma.
            let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
            let (element, after) = rest.split_at(end);
            Some((trim_ows(element), false, after.get(1..).unwrap_or_default()))
        }
    }
}

/// Whether a line holds at least one name: anything but commas, spaces and
/// tabs. The lines an echo sends are those, trimmed.
pub(crate) fn holds_name(line: &[u8]) -> bool {
    line.iter().any(|&b| !is_filler(b))
}

/// What separates the names of a list: a comma or whitespace.
fn is_filler(b: u8) -> bool {
    b == b',' || is_ows(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Request;

    fn lines<'a>(values: &'a [&'a str]) -> Lines<'a> {
        Request::new("OPTIONS", "/")
            .request_header_lines(values)
            .request_headers
    }

    /// Both ways of reading: the token checked with the split, and after a
    /// judgement that vouches for nothing.
    type Vouch = Option<fn(&()) -> bool>;
    const WAYS: [Vouch; 2] = [None, Some(|_| false)];

    fn names<'a>(values: &'a [&'a str]) -> Result<Vec<&'a [u8]>, ListError<'a>> {
        let [first, second] = WAYS.map(|vouch| {
            let mut seen = Vec::new();
            scan(&lines(values), |_| (), vouch, |n, ()| seen.push(n)).map(|_| seen)
        });
        assert_eq!(first, second);
        first
    }

    #[test]
    fn rule_8_ows_empty_elements_and_several_lines() {
        let got = names(&["  a ,\tB,, ", "", ",c"]).unwrap();
        assert_eq!(got, vec![&b"a"[..], b"B", b"c"]);
        let given = lines(&["  a ,\tB,, ", "", ",c"]);
        let requested = scan(&given, |_| (), WAYS[0], |_, ()| {}).unwrap();
        let echoed: Vec<&[u8]> = given
            .iter()
            .filter(|l| holds_name(l))
            .map(trim_ows)
            .collect();
        assert_eq!(echoed, [&b"a ,\tB,,"[..], b",c"]);
        assert_eq!(requested.names, 3);
    }

    #[test]
    fn rule_9_element_must_be_token() {
        assert_eq!(names(&["a, b c"]), Err(ListError::Invalid(b"b c")));
        assert_eq!(names(&["a, x\r\ny"]), Err(ListError::Invalid(b"x\r\ny")));
        assert_eq!(
            names(&["caf\u{e9}"]),
            Err(ListError::Invalid("caf\u{e9}".as_bytes()))
        );
    }

    #[test]
    fn rule_9_caps() {
        let at_cap = vec!["x"; MAX_REQUEST_HEADER_NAMES].join(",");
        assert_eq!(names(&[&at_cap]).unwrap().len(), MAX_REQUEST_HEADER_NAMES);
        let over = vec!["x"; MAX_REQUEST_HEADER_NAMES + 1].join(",");
        assert_eq!(names(&[&over]), Err(ListError::TooLarge));
        let commas = ",".repeat(MAX_REQUEST_HEADERS_LEN);
        assert_eq!(names(&[&commas]).unwrap().len(), 0);
        let commas = ",".repeat(MAX_REQUEST_HEADERS_LEN + 1);
        assert_eq!(names(&[&commas]), Err(ListError::TooLarge));
        let at_cap = vec!["a"; crate::MAX_REQUEST_HEADER_LINES];
        assert_eq!(
            names(&at_cap).unwrap().len(),
            crate::MAX_REQUEST_HEADER_LINES
        );
        let many = vec!["a"; crate::MAX_REQUEST_HEADER_LINES + 1];
        assert_eq!(names(&many), Err(ListError::TooLarge));
    }

    #[test]
    fn the_first_invalid_element_ends_the_pass() {
        for vouch in WAYS {
            let mut seen = Vec::new();
            let result = scan(&lines(&["a, b c, d"]), |_| (), vouch, |n, ()| seen.push(n));
            assert_eq!(result.map(|r| r.names), Err(ListError::Invalid(b"b c")));
            assert_eq!(seen, [&b"a"[..]]);
            let mut seen = 0;
            let result = scan(&lines(&["a, b, c"]), |_| (), vouch, |_, ()| seen += 1);
            assert_eq!(result.map(|r| r.names), Ok(3));
            assert_eq!(seen, 3);
        }
    }

    /// The list read as the specification says it: split at commas, trim,
    /// skip empty elements, check each is a token.
    fn split_elements(line: &[u8]) -> Vec<(&[u8], bool)> {
        line.split(|&b| b == b',')
            .map(trim_ows)
            .filter(|e| !e.is_empty())
            .map(|e| (e, is_token(e)))
            .collect()
    }

    fn one_pass_elements(line: &[u8]) -> Vec<(&[u8], bool)> {
        let mut out = Vec::new();
        let mut rest = line;
        while let Some((element, token, after)) = next_element(rest) {
            out.push((element, token));
            rest = after;
        }
        out
    }

    #[test]
    fn the_one_pass_reader_splits_trims_and_checks_as_the_rules_say() {
        // Every line of up to 4 bytes over an alphabet with each class
        // (tchar, comma, space, tab, a byte that is none), and some longer.
        let alphabet = [b'a', b'-', b',', b' ', b'\t', b'"', 0xff];
        let mut lines: Vec<Vec<u8>> = vec![vec![]];
        for len in 1..=4 {
            let mut at = vec![0usize; len];
            loop {
                lines.push(at.iter().map(|&i| alphabet[i]).collect());
                let Some(i) = at.iter().rposition(|&i| i + 1 < alphabet.len()) else {
                    break;
                };
                at[i] += 1;
                for j in &mut at[i + 1..] {
                    *j = 0;
                }
            }
        }
        for line in [
            &b"authorization,content-type,x-request-id"[..],
            b" a , b\tc ,, d ",
            b"a b, c",
            b"x\r\ny, z",
            b",,, \t ,",
            b"a,\"b\",c",
            b"caf\xc3\xa9, x",
        ] {
            lines.push(line.to_vec());
        }
        for line in &lines {
            let expected = split_elements(line);
            // Reading stops at the first element that is not a token.
            let upto = expected
                .iter()
                .position(|(_, token)| !token)
                .map_or(expected.len(), |i| i + 1);
            let got = one_pass_elements(line);
            assert_eq!(
                got[..upto.min(got.len())],
                expected[..upto],
                "{:?}",
                String::from_utf8_lossy(line)
            );
            // The split the scan reads with gives every element, each
            // checked as a token afterwards.
            let mut split = Vec::new();
            let mut rest = &line[..];
            while let Some((element, after)) = next_split(rest) {
                split.push((element, is_token(element)));
                rest = after;
            }
            assert_eq!(split, expected, "{:?}", String::from_utf8_lossy(line));
        }
    }

    #[test]
    fn trim_ows_edges() {
        assert_eq!(trim_ows(b""), b"");
        assert_eq!(trim_ows(b" \t "), b"");
        assert_eq!(trim_ows(b" a b\t"), b"a b");
    }
}
