//! The conformance corpus (`tests/data/*.toml`): loading the cases and
//! comparing answers.
//!
//! The corpus is engine-independent data; every driver (the engine's
//! `decide`, the http adapter, `cors-policy eval`) turns a [`Case`] into an
//! [`Answer`] and [`compare`]s it with the case's expectation. The file format
//! is described in `tests/data/README.md`.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The largest header value a `generate` entry may build (1 MiB): the corpus
/// needs a little over 64 KiB; anything far larger is a typo.
const MAX_GENERATED_LEN: usize = 1 << 20;

/// The directory holding the corpus.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// One conformance case: a policy, a request and the expected answer.
#[derive(Clone, Debug)]
pub struct Case {
    /// The file it came from, e.g. `origins.toml`.
    pub file: String,
    /// Its name, unique across the corpus.
    pub name: String,
    /// Why the expectation is what it is, where the specification leaves a
    /// choice open.
    pub note: Option<String>,
    /// The policy text.
    pub policy: String,
    /// The request.
    pub request: Request,
    /// The expected answer; its `reason` is always `None` (reasons are not
    /// compared verbatim).
    pub expect: Answer,
}

/// A request of the corpus, with raw header values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The method, e.g. `OPTIONS`.
    pub method: String,
    /// The path, query string included.
    pub path: String,
    /// The header lines in order: name as written, value as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
}

impl Request {
    /// The values of every line named `name` (case-insensitively), in order.
    pub fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }
}

/// An answer in the shape of `cors-policy eval`'s JSON (docs/language.md#the-command-line-contract): what
/// every driver produces and what a case expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// `preflight`, `actual`, `not-cors` or `unhandled`.
    pub kind: String,
    /// Whether the CORS request is allowed.
    pub allowed: bool,
    /// The selected policy's name.
    pub policy: Option<String>,
    /// The status of a preflight.
    pub status: Option<u16>,
    /// Whether the application handler runs.
    pub forward: bool,
    /// The response headers in send order: lowercase names, values as text
    /// (bytes that are not printable ASCII shown as `\xNN`).
    pub headers: Vec<(String, String)>,
    /// Why, when not allowed.
    pub reason: Option<String>,
}

impl Answer {
    /// Reads the JSON object printed by `cors-policy eval`.
    pub fn from_eval_json(text: &str) -> Result<Answer, String> {
        #[derive(Deserialize)]
        struct Json {
            kind: String,
            allowed: bool,
            policy: Option<String>,
            status: Option<u16>,
            forward: bool,
            headers: Vec<(String, String)>,
            reason: Option<String>,
        }
        let json: Json = serde_json::from_str(text).map_err(|e| format!("bad eval JSON: {e}"))?;
        Ok(Answer {
            kind: json.kind,
            allowed: json.allowed,
            policy: json.policy,
            status: json.status,
            forward: json.forward,
            headers: json.headers,
            reason: json.reason,
        })
    }
}

/// Shows header bytes as text: printable ASCII as is, anything else as
/// `\xNN`, so that a stray byte is visible in a diff.
pub fn show_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (b' '..=b'~').contains(&b) && b != b'\\' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    out
}

/// The differences between what a case expects and what a driver answered,
/// one readable line each; empty when they agree. `reason` is only checked to
/// be present and non-empty when the answer is not allowed.
pub fn compare(expect: &Answer, got: &Answer) -> Vec<String> {
    let mut diffs = Vec::new();
    if expect.kind != got.kind {
        diffs.push(format!("kind: expected {}, got {}", expect.kind, got.kind));
    }
    if expect.allowed != got.allowed {
        diffs.push(format!(
            "allowed: expected {}, got {}",
            expect.allowed, got.allowed
        ));
    }
    if expect.policy != got.policy {
        diffs.push(format!(
            "policy: expected {:?}, got {:?}",
            expect.policy, got.policy
        ));
    }
    if expect.status != got.status {
        diffs.push(format!(
            "status: expected {:?}, got {:?}",
            expect.status, got.status
        ));
    }
    if expect.forward != got.forward {
        diffs.push(format!(
            "forward: expected {}, got {}",
            expect.forward, got.forward
        ));
    }
    if expect.headers != got.headers {
        diffs.push(format!(
            "headers:\n{}",
            header_diff(&expect.headers, &got.headers)
        ));
    }
    if !got.allowed && got.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        diffs.push("reason: missing although the answer is not allowed".to_owned());
    }
    diffs
}

/// A line diff of two header lists (longest common subsequence): `-` only
/// expected, `+` only got, unmarked in both.
fn header_diff(expect: &[(String, String)], got: &[(String, String)]) -> String {
    // lcs[i][j]: length of the LCS of expect[i..] and got[j..].
    let mut lcs = vec![vec![0usize; got.len() + 1]; expect.len() + 1];
    for (i, e) in expect.iter().enumerate().rev() {
        for (j, g) in got.iter().enumerate().rev() {
            let value = if e == g {
                lcs_at(&lcs, i + 1, j + 1) + 1
            } else {
                lcs_at(&lcs, i + 1, j).max(lcs_at(&lcs, i, j + 1))
            };
            if let Some(cell) = lcs.get_mut(i).and_then(|row| row.get_mut(j)) {
                *cell = value;
            }
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    loop {
        match (expect.get(i), got.get(j)) {
            (Some(e), Some(g)) if e == g => {
                let _ = writeln!(out, "        {}: {}", e.0, e.1);
                i += 1;
                j += 1;
            }
            (Some(e), Some(_)) if lcs_at(&lcs, i + 1, j) >= lcs_at(&lcs, i, j + 1) => {
                let _ = writeln!(out, "      - {}: {}", e.0, e.1);
                i += 1;
            }
            (Some(e), None) => {
                let _ = writeln!(out, "      - {}: {}", e.0, e.1);
                i += 1;
            }
            (_, Some(g)) => {
                let _ = writeln!(out, "      + {}: {}", g.0, g.1);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

fn lcs_at(lcs: &[Vec<usize>], i: usize, j: usize) -> usize {
    lcs.get(i).and_then(|row| row.get(j)).copied().unwrap_or(0)
}

/// Every case of the corpus, file by file in name order.
pub fn load() -> Result<Vec<Case>, String> {
    load_dir(&data_dir())
}

/// Every case of the `*.toml` files of `dir`, file by file in name order;
/// case names must be unique across the files.
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    let mut names = HashSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for case in parse_file(&file, &text)? {
            if !names.insert(case.name.clone()) {
                return Err(format!(
                    "{file}: case `{}` is defined twice in the corpus",
                    case.name
                ));
            }
            cases.push(case);
        }
    }
    Ok(cases)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    policies: BTreeMap<String, String>,
    #[serde(default)]
    case: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    policy: Option<String>,
    policy_ref: Option<String>,
    note: Option<String>,
    request: RawRequest,
    expect: RawExpect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    method: String,
    #[serde(default = "root_path")]
    path: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    pct: bool,
    #[serde(default)]
    generate: Vec<RawGenerate>,
}

fn root_path() -> String {
    "/".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGenerate {
    name: String,
    item: String,
    count: usize,
    #[serde(default)]
    sep: String,
    #[serde(default)]
    prefix: String,
    #[serde(default)]
    suffix: String,
    #[serde(default = "one")]
    lines: usize,
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    kind: String,
    allowed: bool,
    policy: Option<String>,
    status: Option<u16>,
    forward: bool,
    headers: Vec<(String, String)>,
}

/// The cases of one corpus file, `file` naming it in errors.
pub fn parse_file(file: &str, text: &str) -> Result<Vec<Case>, String> {
    let raw: RawFile = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let mut cases = Vec::with_capacity(raw.case.len());
    for rc in raw.case {
        let at = |msg: String| format!("{file}: case `{}`: {msg}", rc.name);
        let policy = match (&rc.policy, &rc.policy_ref) {
            (Some(text), None) => text.clone(),
            (None, Some(key)) => raw
                .policies
                .get(key)
                .cloned()
                .ok_or_else(|| at(format!("no `{key}` in [policies]")))?,
            _ => {
                return Err(at(
                    "give exactly one of `policy` and `policy_ref`".to_owned()
                ));
            }
        };
        let request = request(&rc.request).map_err(at)?;
        let expect = expect(rc.expect).map_err(at)?;
        cases.push(Case {
            file: file.to_owned(),
            name: rc.name,
            note: rc.note,
            policy,
            request,
            expect,
        });
    }
    Ok(cases)
}

fn request(raw: &RawRequest) -> Result<Request, String> {
    let mut headers = Vec::new();
    for (name, value) in &raw.headers {
        let value = if raw.pct {
            percent_decode(value)?
        } else {
            value.clone().into_bytes()
        };
        headers.push((name.clone(), value));
    }
    for generate in &raw.generate {
        let mut value = generate.prefix.clone();
        for i in 1..=generate.count {
            if i > 1 {
                value.push_str(&generate.sep);
            }
            value.push_str(&generate.item.replace("{}", &i.to_string()));
            if value.len() > MAX_GENERATED_LEN {
                return Err(format!(
                    "generated `{}` is over {MAX_GENERATED_LEN} bytes",
                    generate.name
                ));
            }
        }
        value.push_str(&generate.suffix);
        for _ in 0..generate.lines {
            headers.push((generate.name.clone(), value.clone().into_bytes()));
        }
    }
    Ok(Request {
        method: raw.method.clone(),
        path: raw.path.clone(),
        headers,
    })
}

fn expect(raw: RawExpect) -> Result<Answer, String> {
    if !matches!(
        raw.kind.as_str(),
        "preflight" | "actual" | "not-cors" | "unhandled"
    ) {
        return Err(format!("unknown kind `{}`", raw.kind));
    }
    if let Some((name, _)) = raw
        .headers
        .iter()
        .find(|(n, _)| *n != n.to_ascii_lowercase())
    {
        return Err(format!("expected header name `{name}` is not lowercase"));
    }
    if (raw.kind == "preflight") != raw.status.is_some() {
        return Err("`status` is given for preflights and only for them".to_owned());
    }
    if (raw.kind == "unhandled") != raw.policy.is_none() {
        return Err("`policy` is absent for unhandled requests and only for them".to_owned());
    }
    Ok(Answer {
        kind: raw.kind,
        allowed: raw.allowed,
        policy: raw.policy,
        status: raw.status,
        forward: raw.forward,
        headers: raw.headers,
        reason: None,
    })
}

/// `%XX` to the byte `XX`; every other character stays as its UTF-8 bytes.
fn percent_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent escape in `{text}`"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%FFb%25").unwrap(), b"a\xFFb%");
        assert!(percent_decode("a%F").is_err());
        assert!(percent_decode("a%GG").is_err());
    }

    #[test]
    fn show_bytes_escapes_what_is_not_printable() {
        assert_eq!(show_bytes(b"a b\r\n\xFF\\"), "a b\\x0D\\x0A\\xFF\\x5C");
    }

    #[test]
    fn compare_reports_every_field() {
        let expect = Answer {
            kind: "actual".into(),
            allowed: true,
            policy: Some("p".into()),
            status: None,
            forward: true,
            headers: vec![("vary".into(), "Origin".into())],
            reason: None,
        };
        assert!(compare(&expect, &expect).is_empty());
        let got = Answer {
            kind: "preflight".into(),
            allowed: false,
            policy: None,
            status: Some(403),
            forward: false,
            headers: vec![],
            reason: None,
        };
        assert_eq!(compare(&expect, &got).len(), 7);
    }

    #[test]
    fn header_diff_aligns_common_lines() {
        let h = |n: &str, v: &str| (n.to_owned(), v.to_owned());
        let expect = [h("a", "1"), h("b", "2"), h("vary", "Origin")];
        let got = [h("vary", "Origin")];
        assert_eq!(
            header_diff(&expect, &got),
            "      - a: 1\n      - b: 2\n        vary: Origin\n"
        );
        let got = [h("a", "1"), h("x", "9"), h("vary", "Origin")];
        assert_eq!(
            header_diff(&expect, &got),
            "        a: 1\n      - b: 2\n      + x: 9\n        vary: Origin\n"
        );
    }

    #[test]
    fn parse_file_resolves_refs_and_generates() {
        let text = r#"
[policies]
p = "policy \"a\" { origins * }"
[[case]]
name = "x"
policy_ref = "p"
request = { method = "GET", pct = true, headers = [["Origin", "%FF"]], generate = [{ name = "H", item = "n{}", count = 3, sep = ",", lines = 2 }] }
expect = { kind = "actual", allowed = true, policy = "a", forward = true, headers = [] }
"#;
        let cases = parse_file("t.toml", text).unwrap();
        let case = &cases[0];
        assert_eq!(case.policy, "policy \"a\" { origins * }");
        assert_eq!(case.request.path, "/");
        assert_eq!(case.request.headers[0].1, b"\xFF");
        assert_eq!(
            case.request.values("h").collect::<Vec<_>>(),
            vec![&b"n1,n2,n3"[..]; 2]
        );
    }

    #[test]
    fn parse_file_rejects_inconsistent_expectations() {
        let bad = r#"
[[case]]
name = "x"
policy = "p"
request = { method = "GET" }
expect = { kind = "actual", allowed = true, policy = "a", status = 204, forward = true, headers = [] }
"#;
        assert!(parse_file("t.toml", bad).is_err());
    }
}
