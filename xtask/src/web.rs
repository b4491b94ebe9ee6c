//! The web UI (`web/`) and the e2e suite's npm dependencies.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::util::{self, Cmd, header};

/// Why `npm ci` is needed in `dir`, if it is.
fn npm_ci_reason(dir: &Path) -> Result<Option<&'static str>> {
    let lock = dir.join("package-lock.json");
    if !lock.is_file() {
        bail!("{} is missing; `npm ci` needs a lockfile (run `npm install` there and commit it)", lock.display());
    }
    let node_modules = dir.join("node_modules");
    if !node_modules.is_dir() {
        return Ok(Some("node_modules missing"));
    }
    let installed = node_modules.join(".package-lock.json");
    let Ok(installed_mtime) = std::fs::metadata(&installed).and_then(|m| m.modified()) else {
        return Ok(Some("node_modules/.package-lock.json missing"));
    };
    let lock_mtime = std::fs::metadata(&lock)?.modified()?;
    Ok((lock_mtime > installed_mtime).then_some("package-lock.json is newer than node_modules"))
}

/// Runs `npm ci` in `dir` when node_modules is missing or older than the lockfile.
pub fn npm_ci_if_needed(dir: &Path) -> Result<()> {
    if !dir.join("package.json").is_file() {
        bail!("{} has no package.json", dir.display());
    }
    match npm_ci_reason(dir)? {
        Some(reason) => {
            header(&format!("npm ci in {} ({reason})", shown(dir)));
            Cmd::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
                .dir(dir)
                .run()
        }
        None => {
            println!("{}/node_modules is up to date", shown(dir));
            Ok(())
        }
    }
}

fn shown(dir: &Path) -> String {
    let root = util::root();
    dir.strip_prefix(&root).unwrap_or(dir).display().to_string()
}

/// Why the UI needs (re)building, if it does.
fn ui_build_reason(web: &Path) -> Result<Option<String>> {
    let index = web.join("dist").join("index.html");
    let Ok(built) = std::fs::metadata(&index).and_then(|m| m.modified()) else {
        return Ok(Some("web/dist/index.html missing".to_owned()));
    };
    let newest = util::newest_mtime(web, &["dist"])?;
    Ok(newest.filter(|(mtime, _)| *mtime > built).map(|(_, path)| format!("{} changed", shown(&path))))
}

/// Installs the UI's npm dependencies if needed and builds `web/dist` if it is
/// missing or older than any source file. Must run before cargo builds `yuanqu`,
/// which embeds web/dist.
pub fn ensure_ui() -> Result<()> {
    let web = util::web_dir();
    if !web.is_dir() {
        bail!("{} not found", web.display());
    }
    npm_ci_if_needed(&web)?;
    match ui_build_reason(&web)? {
        Some(reason) => {
            header(&format!("build web UI ({reason})"));
            Cmd::new("npm").args(["run", "build"]).dir(&web).run()?;
            let index = web.join("dist").join("index.html");
            if !index.is_file() {
                bail!("`npm run build` succeeded but {} is missing", index.display());
            }
            Ok(())
        }
        None => {
            println!("web/dist is up to date");
            Ok(())
        }
    }
}

/// `cargo xtask openapi`: regenerate web/openapi.json and the typed client.
pub fn cmd_openapi() -> Result<()> {
    ensure_ui()?;
    header("cargo build -p yuanqu");
    util::cargo().args(["build", "-p", "yuanqu"]).run()?;
    let bin = util::target_dir()?.join("debug").join("yuanqu");
    header("yuanqu openapi");
    let mut json = Cmd::new(&bin).arg("openapi").read()?;
    let doc: serde_json::Value =
        serde_json::from_str(&json).with_context(|| format!("`{} openapi` did not print JSON", bin.display()))?;
    if doc.get("openapi").is_none() {
        bail!("`yuanqu openapi` printed JSON without an `openapi` field");
    }
    if !json.ends_with('\n') {
        json.push('\n');
    }
    let out = util::web_dir().join("openapi.json");
    std::fs::write(&out, json).with_context(|| format!("writing {}", out.display()))?;
    println!("wrote {}", shown(&out));
    header("npm run gen:api");
    Cmd::new("npm").args(["run", "gen:api"]).dir(util::web_dir()).run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_reason_detects_missing_and_stale_dist() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let web = tmp.path();
        std::fs::create_dir_all(web.join("src"))?;
        std::fs::write(web.join("src/main.ts"), "x")?;
        assert!(ui_build_reason(web)?.is_some());

        std::fs::create_dir_all(web.join("dist"))?;
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(web.join("dist/index.html"), "<html>")?;
        assert_eq!(ui_build_reason(web)?, None);

        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::create_dir_all(web.join("node_modules/x"))?;
        std::fs::write(web.join("node_modules/x/y.js"), "y")?;
        assert_eq!(ui_build_reason(web)?, None, "node_modules is ignored");

        std::fs::write(web.join("src/main.ts"), "changed")?;
        assert!(ui_build_reason(web)?.is_some_and(|r| r.contains("main.ts")));
        Ok(())
    }

    #[test]
    fn npm_ci_reason_checks_lock() -> Result<()> {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path();
        assert!(npm_ci_reason(dir).is_err(), "no lockfile");
        std::fs::write(dir.join("package-lock.json"), "{}")?;
        assert!(npm_ci_reason(dir)?.is_some());
        std::fs::create_dir_all(dir.join("node_modules"))?;
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("node_modules/.package-lock.json"), "{}")?;
        assert_eq!(npm_ci_reason(dir)?, None);
        Ok(())
    }
}
