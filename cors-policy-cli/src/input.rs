//! Reading policy files (and `-`, standard input), with the reasons an I/O
//! error gives in words.

use std::io::Read;
use std::path::{Path, PathBuf};

/// A file read from disk or stdin.
#[derive(Debug)]
pub(crate) struct Source {
    /// The path as the user gave it (`<stdin>` for `-`), for messages and JSON.
    pub(crate) name: String,
    /// The raw bytes.
    pub(crate) bytes: Vec<u8>,
}

impl Source {
    /// The text for rendering diagnostics: lossy only past the first bad byte,
    /// where a UTF-8 error diagnostic already points.
    pub(crate) fn text_lossy(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// Reads `path` as [`read`] does; on failure prints the message as an
/// `error:` and returns `None` (a usage error for the caller's status).
pub(crate) fn read_or_report(path: &Path) -> Option<Source> {
    read(path)
        .map_err(|message| crate::output::error(&message, None))
        .ok()
}

/// Whether `path` means standard input.
pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The path as it is shown to the user: escaped for the terminal (a file
/// name may hold any byte but `/` and NUL).
pub(crate) fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_owned()
    } else {
        cors_policy_grammar::escape_for_terminal(&path.display().to_string()).into_owned()
    }
}

/// Reads `path` (`-` is stdin). The error is a complete message naming the
/// file and the operating system's reason.
pub(crate) fn read(path: &Path) -> Result<Source, String> {
    let name = display_name(path);
    let bytes = if is_stdin(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {}", os_reason(&e)))?;
        bytes
    } else {
        std::fs::read(path).map_err(|e| format!("cannot read `{name}`: {}", os_reason(&e)))?
    };
    Ok(Source { name, bytes })
}

/// An I/O error as the OS words it, starting lowercase (`no such file or
/// directory (os error 2)`).
pub(crate) fn os_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// Whether `fmt --write` may rewrite `path`: a regular file (through any
/// symlink) that is not read-only. Checked before the file is read, so that a
/// FIFO is never opened (which would wait for a writer) and nothing is
/// touched. The error is the message and its help line.
pub(crate) fn check_rewritable(path: &Path) -> Result<(), (String, &'static str)> {
    let name = display_name(path);
    let meta = std::fs::metadata(path).map_err(|e| {
        (
            format!("cannot read `{name}`: {}", os_reason(&e)),
            "pass the path of a policy file",
        )
    })?;
    if !meta.is_file() {
        return Err((
            format!(
                "cannot rewrite `{name}`: it is {}, not a regular file",
                kind(&meta)
            ),
            "`--write` rewrites policy files in place; pass a file, or drop `--write` to print the canonical form",
        ));
    }
    if read_only(&meta) {
        return Err((
            format!("cannot rewrite `{name}`: the file is read-only"),
            "make it writable (`chmod u+w`) to rewrite it, or drop `--write` to print the canonical form; the file was left as it is",
        ));
    }
    Ok(())
}

/// What kind of file `meta` describes, in words, for one that is not regular.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// Whether the owner may not write the file: on Unix the owner's write bit,
/// which is what the user set (even root, who could write anyway, is told).
#[cfg(unix)]
fn read_only(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o200 == 0
}

#[cfg(not(unix))]
fn read_only(meta: &std::fs::Metadata) -> bool {
    meta.permissions().readonly()
}

/// Replaces `path` with `contents` atomically: a temporary file next to it,
/// with the same permissions, renamed over it, so that a crash or a full disk
/// never leaves a half-written policy behind.
pub(crate) fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), String> {
    let name = display_name(path);
    let fail = |what: &str, e: &std::io::Error| format!("cannot {what} `{name}`: {}", os_reason(e));
    // Rewrite what a symlink points to, not the link itself.
    let resolved;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        resolved = std::fs::canonicalize(path).map_err(|e| fail("resolve", &e))?;
        resolved.as_path()
    } else {
        path
    };
    let permissions = std::fs::metadata(path)
        .map_err(|e| fail("read", &e))?
        .permissions();
    let tmp = temp_path(path);
    let result = (|| {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| fail("create a temporary file to rewrite", &e))?;
        file.write_all(contents).map_err(|e| fail("write", &e))?;
        file.sync_all().map_err(|e| fail("write", &e))?;
        drop(file);
        std::fs::set_permissions(&tmp, permissions).map_err(|e| fail("write", &e))?;
        std::fs::rename(&tmp, path).map_err(|e| fail("replace", &e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn temp_path(path: &Path) -> PathBuf {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp_name = format!(".{file_name}.{}.cors-policy-fmt.tmp", std::process::id());
    path.with_file_name(tmp_name)
}
