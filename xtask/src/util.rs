//! Small helpers shared by the subcommands: running commands with readable errors,
//! locating the workspace and the cargo target dir, Ctrl-C handling, CI detection.

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, bail};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs a Ctrl-C handler that only records the interruption, so that the
/// guards (PostgreSQL cluster, servers) get dropped normally. A second Ctrl-C
/// exits immediately.
pub fn install_ctrlc_handler() -> Result<()> {
    ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            eprintln!("xtask: interrupted twice, exiting without cleanup");
            std::process::exit(130);
        }
        eprintln!("xtask: interrupted, cleaning up (press Ctrl-C again to force)");
    })
    .context("installing the Ctrl-C handler")
}

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

pub fn check_interrupted() -> Result<()> {
    if interrupted() {
        bail!("interrupted");
    }
    Ok(())
}

/// `CI=true` (or `1`) in the environment.
pub fn is_ci() -> bool {
    std::env::var("CI").map(|v| v.eq_ignore_ascii_case("true") || v == "1").unwrap_or(false)
}

/// The workspace root (the parent of `xtask/`).
/// The workspace root. Read at run time (`cargo run` sets `CARGO_MANIFEST_DIR` for the process):
/// several clones may share one target directory, and a binary built in another clone must
/// still work on the clone it was started from.
pub fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf());
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

pub fn web_dir() -> PathBuf {
    root().join("web")
}

pub fn e2e_dir() -> PathBuf {
    root().join("e2e")
}

/// Prints a section header, e.g. `==> clippy`.
pub fn header(title: &str) {
    println!("==> {title}");
    let _ = std::io::stdout().flush();
}

/// The effective euid, read without unsafe code.
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// Looks `name` up in `PATH`.
pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

/// The cargo that runs us (`$CARGO`), else `cargo` from PATH.
pub fn cargo() -> Cmd {
    Cmd::new(std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")))
}

/// The cargo target dir: `$CARGO_TARGET_DIR`, else `cargo metadata`'s `target_directory`.
pub fn target_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return Ok(if dir.is_absolute() { dir } else { root().join(dir) });
    }
    let json = cargo().args(["metadata", "--format-version", "1", "--no-deps"]).quiet().read()?;
    let meta: serde_json::Value = serde_json::from_str(&json).context("parsing `cargo metadata` output")?;
    meta.get("target_directory")
        .and_then(serde_json::Value::as_str)
        .map(PathBuf::from)
        .context("`cargo metadata` output has no target_directory")
}

/// A command with a printable form used in log lines and error messages.
pub struct Cmd {
    inner: Command,
    display: String,
    quiet: bool,
}

fn quote(arg: &OsStr) -> String {
    let s = arg.to_string_lossy();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c)) {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>) -> Self {
        let program = program.as_ref();
        // Show `cargo` rather than the full path from $CARGO.
        let shown = Path::new(program).file_name().filter(|n| *n == "cargo").unwrap_or(program);
        Self { inner: Command::new(program), display: quote(shown), quiet: false }
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        let _ = write!(self.display, " {}", quote(arg.as_ref()));
        self.inner.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.inner.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Self {
        self.inner.env_remove(key);
        self
    }

    pub fn dir(mut self, dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref();
        let shown = dir.strip_prefix(root()).unwrap_or(dir);
        if !shown.as_os_str().is_empty() {
            let _ = write!(self.display, " (in {})", shown.display());
        }
        self.inner.current_dir(dir);
        self
    }

    /// Don't echo the command line before running it.
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    pub fn stdout(mut self, cfg: Stdio) -> Self {
        self.inner.stdout(cfg);
        self
    }

    pub fn stderr(mut self, cfg: Stdio) -> Self {
        self.inner.stderr(cfg);
        self
    }

    fn echo(&self) {
        if !self.quiet {
            println!("$ {}", self.display);
            let _ = std::io::stdout().flush();
        }
    }

    /// Runs with inherited stdio; a non-zero exit is an error naming the command.
    pub fn run(self) -> Result<()> {
        let display = self.display.clone();
        let status = self.status()?;
        if !status.success() {
            bail!("command `{display}` failed: {status}");
        }
        Ok(())
    }

    /// Runs with inherited stdio and returns the exit status (an error only if it
    /// cannot be started).
    pub fn status(mut self) -> Result<ExitStatus> {
        self.echo();
        self.inner.status().with_context(|| format!("could not run `{}`", self.display))
    }

    /// Runs capturing stdout (stderr inherited) and returns it.
    pub fn read(mut self) -> Result<String> {
        self.echo();
        let output = self
            .inner
            .stderr(Stdio::inherit())
            .output()
            .with_context(|| format!("could not run `{}`", self.display))?;
        if !output.status.success() {
            bail!("command `{}` failed: {}", self.display, output.status);
        }
        String::from_utf8(output.stdout).with_context(|| format!("output of `{}` is not UTF-8", self.display))
    }

    /// True if the command runs and exits 0; all output discarded.
    pub fn succeeds(mut self) -> bool {
        self.inner
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    pub fn spawn(mut self) -> Result<Child> {
        self.echo();
        self.inner.spawn().with_context(|| format!("could not start `{}`", self.display))
    }

    /// Replaces the current process (Unix `exec`); only returns on failure.
    pub fn exec(mut self) -> anyhow::Error {
        use std::os::unix::process::CommandExt as _;
        self.echo();
        let err = self.inner.exec();
        anyhow::Error::new(err).context(format!("could not exec `{}`", self.display))
    }
}

/// Formats a duration as `12.3s` or `3m05s`.
pub fn fmt_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let whole = d.as_secs();
        format!("{}m{:02}s", whole / 60, whole % 60)
    }
}

/// The last `n` lines of a (log) file, for error reports.
pub fn tail(path: &Path, n: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(n)..].join("\n")
        }
        Err(e) => format!("(could not read {}: {e})", path.display()),
    }
}

/// Newest modification time of the files under `dir`, skipping `node_modules`
/// everywhere and the given top-level directory names.
pub fn newest_mtime(dir: &Path, skip_top: &[&str]) -> Result<Option<(std::time::SystemTime, PathBuf)>> {
    fn walk(dir: &Path, skip: &[&str], best: &mut Option<(std::time::SystemTime, PathBuf)>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name == "node_modules" || skip.contains(&name.as_ref()) {
                continue;
            }
            let meta = entry.metadata()?;
            if meta.is_dir() {
                walk(&entry.path(), &[], best)?;
            } else {
                let mtime = meta.modified()?;
                if best.as_ref().is_none_or(|(t, _)| mtime > *t) {
                    *best = Some((mtime, entry.path()));
                }
            }
        }
        Ok(())
    }
    let mut best = None;
    walk(dir, skip_top, &mut best)?;
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(OsStr::new("clippy")), "clippy");
        assert_eq!(quote(OsStr::new("not package(x)")), "'not package(x)'");
        assert_eq!(quote(OsStr::new("")), "''");
    }

    #[test]
    fn durations() {
        assert_eq!(fmt_duration(Duration::from_millis(1234)), "1.2s");
        assert_eq!(fmt_duration(Duration::from_secs(185)), "3m05s");
    }
}
