//! Checks (and, as root with apt-get, installs) the system tools the checks need.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::util::{self, header};

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Which tools a command needs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Needs {
    pub postgres: bool,
    pub chromium: bool,
    pub nextest: bool,
    pub npm: bool,
    pub wrk: bool,
}

/// The newest `/usr/lib/postgresql/<ver>/bin` that has `initdb`.
pub fn pg_bindir() -> Option<PathBuf> {
    let mut found: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version: Vec<u32> = name.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn has_postgres() -> bool {
    pg_bindir().is_some_and(|bin| bin.join("pg_ctl").is_file())
        && (util::which("psql").is_some() || pg_bindir().is_some_and(|b| b.join("psql").is_file()))
}

fn has_chromium() -> bool {
    std::path::Path::new(CHROMIUM).is_file()
}

/// A CJK font, so Chinese text in the browser suite's screenshots is readable.
fn has_cjk_font() -> bool {
    std::path::Path::new("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").is_file()
}

fn has_nextest() -> bool {
    util::cargo().args(["nextest", "--version"]).succeeds()
}

fn has_wrk() -> bool {
    util::which("wrk").is_some()
}

fn has_npm() -> bool {
    util::which("npm").is_some() && util::which("node").is_some()
}

/// What is missing: (description, apt package if any).
fn missing(needs: Needs) -> Vec<(&'static str, Option<&'static str>)> {
    let mut out = Vec::new();
    if needs.postgres && !has_postgres() {
        out.push(("PostgreSQL server and client (/usr/lib/postgresql/<ver>/bin/initdb, psql)", Some("postgresql")));
    }
    if needs.chromium && !has_chromium() {
        out.push(("Chromium at /usr/bin/chromium", Some("chromium")));
    }
    if needs.chromium && !has_cjk_font() {
        out.push(("a CJK font for screenshots (fonts-wqy-microhei)", Some("fonts-wqy-microhei")));
    }
    if needs.wrk && !has_wrk() {
        out.push(("wrk (HTTP benchmark tool)", Some("wrk")));
    }
    if needs.nextest && !has_nextest() {
        out.push(("cargo-nextest", None));
    }
    if needs.npm && !has_npm() {
        out.push(("Node.js 20+ with npm", None));
    }
    out
}

fn names(missing: &[(&str, Option<&str>)]) -> String {
    missing.iter().map(|(what, _)| *what).collect::<Vec<_>>().join("; ")
}

fn instructions(missing: &[(&str, Option<&str>)]) -> String {
    let mut lines: Vec<String> = missing.iter().map(|(what, _)| format!("  - {what}")).collect();
    let apt: Vec<&str> = missing.iter().filter_map(|(_, pkg)| *pkg).collect();
    lines.push("install with:".to_owned());
    if !apt.is_empty() {
        lines.push(format!(
            "  sudo apt-get update && sudo apt-get install -y --no-install-recommends {}",
            apt.join(" ")
        ));
    }
    if missing.iter().any(|(what, _)| *what == "cargo-nextest") {
        lines.push("  cargo install cargo-nextest --locked".to_owned());
    }
    if missing.iter().any(|(what, _)| what.starts_with("Node.js")) {
        lines.push("  Node.js 20 or newer with npm (https://nodejs.org/ or your distribution)".to_owned());
    }
    lines.join("\n")
}

/// Makes sure the needed tools are there; installs them with apt-get / cargo when
/// running as root, else fails saying exactly what to install.
pub fn ensure(needs: Needs) -> Result<()> {
    let missing_now = missing(needs);
    if missing_now.is_empty() {
        println!("all required tools present");
        return Ok(());
    }
    let can_install = util::is_root() && util::which("apt-get").is_some();
    let installable_by_us = missing_now.iter().all(|(what, pkg)| pkg.is_some() || *what == "cargo-nextest");
    if !can_install || !installable_by_us {
        bail!("missing {}\n{}", names(&missing_now), instructions(&missing_now));
    }

    let apt: Vec<&str> = missing_now.iter().filter_map(|(_, pkg)| *pkg).collect();
    if !apt.is_empty() {
        header(&format!("apt-get install {}", apt.join(" ")));
        apt_get(&["update"])?;
        let mut args = vec!["install", "-y", "--no-install-recommends"];
        args.extend(&apt);
        apt_get(&args)?;
    }
    if missing_now.iter().any(|(what, _)| *what == "cargo-nextest") {
        header("cargo install cargo-nextest");
        util::cargo().args(["install", "cargo-nextest", "--locked"]).run()?;
    }

    let still = missing(needs);
    if !still.is_empty() {
        bail!("still missing after installing:\n{}", instructions(&still));
    }
    Ok(())
}

/// Runs apt-get non-interactively, waiting for the dpkg / lists locks held by
/// another apt process instead of failing on them (up to ~10 minutes).
pub fn apt_get(args: &[&str]) -> Result<()> {
    let display = format!("apt-get {}", args.join(" "));
    for attempt in 0..60 {
        util::check_interrupted()?;
        println!("$ {display}");
        let mut child = Command::new("apt-get")
            .args(["-o", "DPkg::Lock::Timeout=600", "-q"])
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not run `{display}`"))?;
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            pipe.read_to_string(&mut stderr).with_context(|| format!("reading stderr of `{display}`"))?;
        }
        let status = child.wait()?;
        eprint!("{stderr}");
        if status.success() {
            return Ok(());
        }
        let locked = stderr.contains("Could not get lock") || stderr.contains("Unable to lock");
        if !locked || attempt == 59 {
            bail!("command `{display}` failed: {status}");
        }
        println!("apt is locked by another process; waiting 10 s");
        std::thread::sleep(Duration::from_secs(10));
    }
    bail!("command `{display}` failed: apt stayed locked")
}

/// Convenience for checks that only need one tool at a time.
pub fn ensure_wrk() -> Result<()> {
    ensure(Needs { wrk: true, ..Needs::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_name_packages() {
        let text = instructions(&[
            ("PostgreSQL", Some("postgresql")),
            ("Chromium", Some("chromium")),
            ("cargo-nextest", None),
        ]);
        assert!(text.contains("apt-get install -y --no-install-recommends postgresql chromium"));
        assert!(text.contains("cargo install cargo-nextest --locked"));
    }
}
