//! `yuanqu backup --to DIR` and `yuanqu restore --from DIR` (CS-02).
//!
//! A backup is a directory:
//!
//! ```text
//! DIR/backup.json    engine, time, migrations, program version
//! DIR/yuanqu.db      SQLite: an online, consistent copy (VACUUM INTO)
//! DIR/yuanqu.pgdump  PostgreSQL: pg_dump --format=custom
//! DIR/files/…        the uploaded files, copied after the database (a file is always written
//!                    before the row that refers to it, so every referenced file is included)
//! DIR/SHA256SUMS     `sha256  path` for every other file (`sha256sum -c SHA256SUMS` checks it)
//! ```
//!
//! It is written as `DIR.partial` and renamed when complete, so a half-made backup never looks
//! like a backup. Restore verifies every checksum, that nothing is missing or extra, and that the
//! database is a complete Yuanqu schema this program understands, before it replaces anything.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use yuanqu_store::Db;
use yuanqu_store::dialect::Engine;

use crate::config::Config;

const SUMS: &str = "SHA256SUMS";
const INFO: &str = "backup.json";
const SQLITE_FILE: &str = "yuanqu.db";
const PG_FILE: &str = "yuanqu.pgdump";
const FILES: &str = "files";

#[derive(Debug, Serialize, Deserialize)]
struct Info {
    format: u32,
    engine: String,
    created_at: chrono::DateTime<chrono::Utc>,
    yuanqu_version: String,
    migrations: Vec<String>,
}

pub async fn backup(cfg: &Config, to: &Path) -> Result<()> {
    if to.exists() && std::fs::read_dir(to).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} exists and is not empty; choose a new directory", to.display());
    }
    let partial = with_suffix(to, ".partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial).with_context(|| format!("removing a stale {}", partial.display()))?;
    }
    std::fs::create_dir_all(&partial).with_context(|| format!("creating {}", partial.display()))?;

    let engine = Engine::from_url(&cfg.database_url);
    let db =
        Db::connect(&cfg.database_url, 1).await.with_context(|| format!("connecting to {}", cfg.redacted_url()))?;
    let migrations = db.applied_migrations().await?;
    match engine {
        Engine::Sqlite => {
            let dest = partial.join(SQLITE_FILE);
            let dest = dest.to_str().context("backup path is not UTF-8")?;
            yuanqu_store::dialect::backup_sqlite(&db.conn(), dest).await?;
        }
        Engine::Postgres => {
            let out = partial.join(PG_FILE);
            let status = Command::new(pg_tool("pg_dump")?)
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(&out)
                .arg(&cfg.database_url)
                .status()
                .context("running pg_dump")?;
            if !status.success() {
                bail!("pg_dump failed ({status}); nothing was kept");
            }
        }
    }
    db.close().await?;

    // Files after the database: every row in the copy refers to a file that already existed.
    let files_dir = cfg.files_dir();
    let copied = if files_dir.is_dir() { copy_tree(&files_dir, &partial.join(FILES))? } else { 0 };

    let info = Info {
        format: 1,
        engine: engine.name().to_owned(),
        created_at: chrono::Utc::now(),
        yuanqu_version: env!("CARGO_PKG_VERSION").to_owned(),
        migrations,
    };
    std::fs::write(partial.join(INFO), serde_json::to_vec_pretty(&info)?)?;
    write_sums(&partial)?;
    sync_tree(&partial)?;
    std::fs::rename(&partial, to).with_context(|| format!("renaming {} to {}", partial.display(), to.display()))?;
    if let Some(parent) = to.parent() {
        sync_dir(parent);
    }
    println!("backup written: {} ({} database, {copied} file(s))", to.display(), engine.name());
    Ok(())
}

pub async fn restore(cfg: &Config, from: &Path) -> Result<()> {
    verify_sums(from).with_context(|| format!("{} is not a usable backup; nothing was replaced", from.display()))?;
    let info: Info = serde_json::from_slice(&std::fs::read(from.join(INFO))?)
        .with_context(|| format!("reading {}", from.join(INFO).display()))?;
    let engine = Engine::from_url(&cfg.database_url);
    if info.engine != engine.name() {
        bail!(
            "{} is a {} backup but this Yuanqu is configured for {}; nothing was replaced",
            from.display(),
            info.engine,
            engine.name()
        );
    }
    // Stage the files next to their destination before touching the database.
    let files_dir = cfg.files_dir();
    let staged_files = with_suffix(&files_dir, ".restoring");
    if staged_files.exists() {
        std::fs::remove_dir_all(&staged_files)?;
    }
    let backup_files = from.join(FILES);
    if backup_files.is_dir() {
        copy_tree(&backup_files, &staged_files)?;
    } else {
        std::fs::create_dir_all(&staged_files)?;
    }
    let restored = match engine {
        Engine::Sqlite => restore_sqlite(cfg, from).await,
        Engine::Postgres => restore_postgres(cfg, from).await,
    };
    if let Err(e) = restored {
        let _ = std::fs::remove_dir_all(&staged_files);
        return Err(e);
    }
    let old = with_suffix(&files_dir, ".old");
    if files_dir.exists() {
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        std::fs::rename(&files_dir, &old)?;
    }
    std::fs::rename(&staged_files, &files_dir)?;
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    println!("restored from {} ({} database of {})", from.display(), info.engine, info.created_at);
    Ok(())
}

async fn restore_sqlite(cfg: &Config, from: &Path) -> Result<()> {
    let Some(target) = cfg.sqlite_path() else { bail!("no SQLite path in database_url") };
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // Check the very copy that will be installed: it opens, and it is a complete Yuanqu
    // database this program understands. Until the rename nothing of the live database changes.
    let tmp = target.with_extension("restoring");
    std::fs::copy(from.join(SQLITE_FILE), &tmp).with_context(|| format!("copying into {}", tmp.display()))?;
    let checked = async {
        let probe = Db::connect(&format!("sqlite://{}", tmp.display()), 1).await?;
        probe.check_schema_not_newer().await?;
        let complete = probe.is_migrated().await?;
        let problems = yuanqu_store::dialect::integrity_problems(&probe.conn()).await?;
        probe.close().await?;
        anyhow::Ok((complete, problems))
    }
    .await;
    for ext in ["restoring-wal", "restoring-shm"] {
        let _ = std::fs::remove_file(target.with_extension(ext));
    }
    match checked {
        Ok((true, problems)) if problems.is_empty() => {}
        Ok((true, problems)) => {
            let _ = std::fs::remove_file(&tmp);
            bail!("{} fails its integrity check ({}); nothing was replaced", from.display(), problems.join("; "));
        }
        Ok((false, _)) => {
            let _ = std::fs::remove_file(&tmp);
            bail!("{} is not a complete Yuanqu database; nothing was replaced", from.display());
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e.context(format!("{} is not a usable backup; nothing was replaced", from.display())));
        }
    }
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(target.with_extension(ext));
    }
    std::fs::rename(&tmp, &target)?;
    Ok(())
}

/// PostgreSQL restores into an empty database (create it first), in one transaction.
async fn restore_postgres(cfg: &Config, from: &Path) -> Result<()> {
    let db =
        Db::connect(&cfg.database_url, 1).await.with_context(|| format!("connecting to {}", cfg.redacted_url()))?;
    let in_use = !db.applied_migrations().await?.is_empty();
    db.close().await?;
    if in_use {
        bail!("{} already holds a Yuanqu schema; restore into a new, empty database", cfg.redacted_url());
    }
    let status = Command::new(pg_tool("pg_restore")?)
        .args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname"])
        .arg(&cfg.database_url)
        .arg(from.join(PG_FILE))
        .status()
        .context("running pg_restore")?;
    if !status.success() {
        bail!("pg_restore failed ({status}); the transaction was rolled back, nothing was restored");
    }
    let db = Db::connect(&cfg.database_url, 1).await?;
    db.check_schema_not_newer().await?;
    db.close().await?;
    Ok(())
}

/// `pg_dump` / `pg_restore`: `YUANQU_PG_BIN_DIR`, else `PATH`, else Debian's newest
/// `/usr/lib/postgresql/<version>/bin`.
fn pg_tool(name: &str) -> Result<PathBuf> {
    if let Ok(dir) = std::env::var("YUANQU_PG_BIN_DIR") {
        return Ok(Path::new(&dir).join(name));
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin").join(name))))
        .filter(|(_, p)| p.is_file())
        .collect();
    versions.sort();
    versions.pop().map(|(_, p)| p).with_context(|| format!("{name} not found (set YUANQU_PG_BIN_DIR)"))
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Copies a directory tree, skipping temporary files (`.tmp*`) a writer has not renamed yet.
fn copy_tree(from: &Path, to: &Path) -> Result<u64> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let mut n = 0;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(".tmp") {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            n += copy_tree(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))
                .with_context(|| format!("copying {}", entry.path().display()))?;
            n += 1;
        }
    }
    Ok(n)
}

/// Every regular file under `dir`, as `/`-separated paths relative to it, sorted.
fn list_files(dir: &Path) -> Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                walk(root, &entry.path(), out)?;
            } else {
                let rel = entry.path().strip_prefix(root)?.to_str().context("a file name is not UTF-8")?.to_owned();
                out.push(rel);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    out.sort();
    Ok(out)
}

pub fn sha256_file(p: &Path) -> Result<String> {
    let mut f = std::fs::File::open(p).with_context(|| format!("opening {}", p.display()))?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)?;
    Ok(hex::encode(h.finalize()))
}

fn write_sums(dir: &Path) -> Result<()> {
    let mut out = std::fs::File::create(dir.join(SUMS))?;
    for rel in list_files(dir)?.into_iter().filter(|r| r != SUMS) {
        writeln!(out, "{}  {rel}", sha256_file(&dir.join(&rel))?)?;
    }
    out.sync_all()?;
    Ok(())
}

fn verify_sums(dir: &Path) -> Result<()> {
    let sums =
        std::fs::read_to_string(dir.join(SUMS)).with_context(|| format!("reading {}", dir.join(SUMS).display()))?;
    let mut listed = Vec::new();
    for (i, line) in sums.lines().enumerate() {
        let Some((sum, rel)) = line.split_once("  ") else { bail!("{SUMS} line {}: not `sha256  path`", i + 1) };
        if rel.split('/').any(|part| part == ".." || part.is_empty()) {
            bail!("{SUMS} line {}: path {rel:?} leaves the backup", i + 1);
        }
        let path = dir.join(rel);
        if !path.is_file() {
            bail!("{rel} is listed in {SUMS} but missing");
        }
        let actual = sha256_file(&path)?;
        if actual != sum {
            bail!("{rel} does not match its checksum (sha256 {actual}, expected {sum})");
        }
        listed.push(rel.to_owned());
    }
    listed.sort();
    let present: Vec<String> = list_files(dir)?.into_iter().filter(|r| r != SUMS).collect();
    if let Some(extra) = present.iter().find(|p| listed.binary_search(p).is_err()) {
        bail!("{extra} is in the backup but not in {SUMS}");
    }
    if !listed.iter().any(|r| r == INFO) {
        bail!("{INFO} is missing");
    }
    Ok(())
}

fn sync_tree(dir: &Path) -> Result<()> {
    for rel in list_files(dir)? {
        std::fs::File::open(dir.join(rel))?.sync_all()?;
    }
    sync_dir(dir);
    Ok(())
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
