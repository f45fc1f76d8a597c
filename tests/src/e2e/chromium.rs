//! Launching headless Chromium once on one page and collecting the page's DOM and console.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use std::{env, fmt, fs};

/// The environment variable that names the browser binary, overriding the search.
pub const BINARY_VAR: &str = "CORS_POLICY_CHROMIUM";

/// The environment variable that makes a browser that cannot be started a failure instead
/// of a skip (CI sets it to `1`).
pub const REQUIRE_VAR: &str = "CORS_POLICY_REQUIRE_BROWSER";

/// Whether [`REQUIRE_VAR`] is set (to anything but an empty string or `0`).
pub fn browser_required() -> bool {
    env::var_os(REQUIRE_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Where Chromium is: [`BINARY_VAR`] when set, else the first of `chromium`,
/// `chromium-browser`, `google-chrome`, `google-chrome-stable` found on `PATH` (and
/// `/usr/bin/chromium`).
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = env::var_os(BINARY_VAR).filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ];
    let dirs: Vec<PathBuf> = env::var_os("PATH")
        .map(|p| env::split_paths(&p).collect())
        .unwrap_or_default();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .chain(std::iter::once(PathBuf::from("/usr/bin/chromium")))
        .find(|candidate| candidate.is_file())
}

/// Why a browser run gave no page.
#[derive(Debug)]
pub enum LaunchError {
    /// No browser binary was found.
    NotFound,
    /// The binary could not be started, or exited without printing a DOM: the browser
    /// cannot run on this machine.
    CannotStart(String),
    /// The browser ran past the hard timeout and was killed.
    TimedOut(Duration),
    /// Anything else (temp dir, pipes).
    Io(String),
}

impl LaunchError {
    /// Whether this means "there is no working browser here" (a skip on a developer
    /// machine) rather than "the browser misbehaved" (always a failure).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, LaunchError::NotFound | LaunchError::CannotStart(_))
    }
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LaunchError::NotFound => write!(
                f,
                "no chromium found (looked at `${BINARY_VAR}`, `chromium`, `chromium-browser`, \
                 `google-chrome` on PATH and `/usr/bin/chromium`)"
            ),
            LaunchError::CannotStart(why) => write!(f, "chromium could not be started: {why}"),
            LaunchError::TimedOut(after) => {
                write!(f, "chromium was killed after {} s", after.as_secs())
            }
            LaunchError::Io(why) => write!(f, "browser run failed: {why}"),
        }
    }
}

/// What one browser run produced.
#[derive(Debug, Clone)]
pub struct BrowserRun {
    /// The page's DOM after the virtual-time budget (`--dump-dom`).
    pub dom: String,
    /// The page's console messages, in order (from Chromium's log on stderr).
    pub console: Vec<String>,
    /// The whole stderr, for diagnostics.
    pub stderr: String,
    /// Wall-clock time of the run.
    pub elapsed: Duration,
}

/// The flags of every run: headless, no sandbox (CI runs as root), nothing but loopback
/// (no proxy, every host name but `localhost` and `127.0.0.1` unresolvable, no QUIC, no
/// background or component traffic), console messages logged to stderr.
pub fn flags(user_data_dir: &Path) -> Vec<String> {
    vec![
        "--headless".to_owned(),
        "--no-sandbox".to_owned(),
        "--disable-gpu".to_owned(),
        "--disable-quic".to_owned(),
        "--no-first-run".to_owned(),
        "--disable-background-networking".to_owned(),
        "--disable-component-update".to_owned(),
        "--disable-sync".to_owned(),
        "--disable-extensions".to_owned(),
        "--no-default-browser-check".to_owned(),
        "--no-proxy-server".to_owned(),
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1".to_owned(),
        format!("--user-data-dir={}", user_data_dir.display()),
        "--enable-logging=stderr".to_owned(),
        "--v=0".to_owned(),
        "--virtual-time-budget=15000".to_owned(),
        "--dump-dom".to_owned(),
    ]
}

/// Loads `url` in a fresh headless Chromium profile and returns its DOM once the page's
/// work is done (`--virtual-time-budget` + `--dump-dom`). The browser runs in its own
/// process group, which is killed whole when `timeout` passes.
pub async fn dump_dom(
    binary: &Path,
    url: &str,
    timeout: Duration,
) -> Result<BrowserRun, LaunchError> {
    let profile = TempDir::new().map_err(|e| LaunchError::Io(e.to_string()))?;
    let started = Instant::now();
    let mut command = tokio::process::Command::new(binary);
    command
        .args(flags(profile.path()))
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    let child = command
        .spawn()
        .map_err(|e| LaunchError::CannotStart(format!("`{}`: {e}", binary.display())))?;
    let group = child.id();
    let output = match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => return Err(LaunchError::Io(e.to_string())),
        Err(_) => {
            // Dropping the future killed the main process; its helpers share its group.
            if let Some(group) = group {
                kill_group(group);
            }
            return Err(LaunchError::TimedOut(timeout));
        }
    };
    let dom = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !dom.contains("<html") {
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(LaunchError::CannotStart(format!(
            "it exited with {} and printed no page; last lines of its stderr:\n{}",
            output.status,
            tail.join("\n")
        )));
    }
    Ok(BrowserRun {
        console: console_messages(&stderr),
        dom,
        stderr,
        elapsed: started.elapsed(),
    })
}

/// Kills the process group `group` (the browser and its helpers, all started here).
fn kill_group(group: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The console messages in Chromium's stderr log, whose lines look like
/// `[pid:tid:date:INFO:CONSOLE:0] "message", source: http://… (12)`.
pub fn console_messages(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .filter_map(|line| {
            let start = line.find("] \"")? + 3;
            let end = line.rfind("\", source: ")?;
            line.get(start..end).map(str::to_owned)
        })
        .collect()
}

/// A fresh directory under the system's temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `cors-policy-e2e-<pid>-<nanos>-<n>` under the temp dir.
    pub fn new() -> std::io::Result<TempDir> {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let base = env::temp_dir();
        let mut last = None;
        for n in 0..16 {
            let path = base.join(format!(
                "cors-policy-e2e-{}-{nanos}-{n}",
                std::process::id()
            ));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no temp dir")))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_lines_are_extracted() {
        let stderr = "noise\n[1:1:1127/012804.529315:INFO:CONSOLE:0] \"Access to fetch at 'x' \
                      blocked.\", source: http://127.0.0.1:1/page (0)\n[2:2:ERROR:dbus] other";
        assert_eq!(
            console_messages(stderr),
            ["Access to fetch at 'x' blocked."]
        );
    }

    #[test]
    fn a_hanging_browser_is_killed_with_its_children() {
        let dir = TempDir::new().unwrap();
        let script = dir.path().join("fake-chromium");
        let marker = dir.path().join("child-alive");
        // The fake browser starts a child that would touch the marker after 3 s, then hangs.
        fs::write(
            &script,
            format!(
                "#!/bin/sh\n(sleep 3; touch '{}') &\nsleep 30\n",
                marker.display()
            ),
        )
        .unwrap();
        let status = std::process::Command::new("chmod")
            .arg("+x")
            .arg(&script)
            .status()
            .unwrap();
        assert!(status.success());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let started = Instant::now();
        let result = runtime.block_on(dump_dom(&script, "about:blank", Duration::from_secs(1)));
        assert!(
            matches!(result, Err(LaunchError::TimedOut(_))),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
        std::thread::sleep(Duration::from_millis(3500));
        assert!(!marker.exists(), "the browser's child outlived the timeout");
    }

    #[test]
    fn a_binary_that_prints_no_page_cannot_start() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let result = runtime.block_on(dump_dom(
            Path::new("/bin/true"),
            "about:blank",
            Duration::from_secs(5),
        ));
        let error = result.unwrap_err();
        assert!(error.is_unavailable(), "{error}");
        let missing = runtime.block_on(dump_dom(
            Path::new("/nonexistent/chromium"),
            "about:blank",
            Duration::from_secs(5),
        ));
        assert!(missing.unwrap_err().is_unavailable());
    }
}
