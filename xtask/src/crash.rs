//! `cargo xtask crash`: CS-01's kill -9 harness.
//!
//! A real `yuanqu serve` on SQLite takes writes from 32 writers over HTTP (each creates
//! departments, one row plus its audit record per request, in one transaction). At a random
//! moment the server gets SIGKILL. It is restarted on the same files, and then:
//! - every write it acknowledged (201) is present;
//! - nothing is half written: each department has its audit record (the two tables grow by the
//!   same count) and every zone's audit hash chain verifies;
//! - `PRAGMA integrity_check` and `foreign_key_check` find nothing (`yuanqu check`).
//!
//! Only 127.0.0.1; bounded by the iteration count; stops by itself.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use rand::Rng as _;

use crate::server::{self, Server};
use crate::util::{self, Cmd, header};

pub struct Opts {
    pub iterations: u32,
    pub writers: u32,
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder().timeout_global(Some(timeout)).http_status_as_error(false).build().into()
}

/// Signs in as the demo administrator and makes an API token for the writers.
pub(crate) fn api_token(base: &str, password: &str) -> Result<String> {
    api_token_as(base, "admin", password)
}

/// An API token of the demo account `login`.
pub(crate) fn api_token_as(base: &str, login: &str, password: &str) -> Result<String> {
    let a = agent(Duration::from_secs(30));
    let mut resp = a
        .post(format!("{base}/api/v1/auth/login"))
        .header("Origin", base)
        .send_json(serde_json::json!({"zone": "demo", "login": login, "password": password}))?;
    ensure!(resp.status().as_u16() == 200, "login answered {}", resp.status());
    let cookies = resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    let cookie = crate::bench::session_cookie(cookies).context("no session cookie")?;
    let me: serde_json::Value = resp.body_mut().read_json()?;
    let csrf = me["csrf_token"].as_str().context("no csrf_token")?.to_owned();
    let mut resp = a
        .post(format!("{base}/api/v1/tokens"))
        .header("Origin", base)
        .header("Cookie", format!("yq_session={cookie}"))
        .header("X-CSRF-Token", csrf)
        .send_json(serde_json::json!({"name": "harness"}))?;
    ensure!(resp.status().as_u16() == 201, "creating a token answered {}", resp.status());
    let body: serde_json::Value = resp.body_mut().read_json()?;
    Ok(body["secret"].as_str().context("no secret")?.to_owned())
}

fn department_names(base: &str, token: &str) -> Result<std::collections::HashSet<String>> {
    let mut resp = agent(Duration::from_secs(60))
        .get(format!("{base}/api/v1/departments"))
        .header("Authorization", format!("Bearer {token}"))
        .call()?;
    ensure!(resp.status().as_u16() == 200, "listing departments answered {}", resp.status());
    let list: Vec<serde_json::Value> = resp.body_mut().with_config().limit(256 << 20).read_json()?;
    Ok(list.iter().filter_map(|d| d["name"].as_str().map(str::to_owned)).collect())
}

/// `yuanqu check --digest`: fails on integrity, foreign-key or audit-chain problems; returns
/// the row counts of `department` and `audit_log`.
fn check(bin: &Path, db_url: &str) -> Result<(u64, u64)> {
    let out = Cmd::new(bin).args(["check", "--digest"]).env("YUANQU_DATABASE_URL", db_url).quiet().read()?;
    let rows = |table: &str| -> Result<u64> {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("table {table} ")))
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
            .with_context(|| format!("no row count for {table} in:\n{out}"))
    };
    Ok((rows("department")?, rows("audit_log")?))
}

struct Round {
    acked: usize,
    killed_after: Duration,
    restart: Duration,
}

pub fn cmd_crash(opts: Opts) -> Result<()> {
    ensure!(opts.iterations > 0 && opts.writers > 0, "--iterations and --writers must be at least 1");
    let target = util::target_dir()?;
    header("cargo build -p yuanqu");
    util::cargo().args(["build", "-p", "yuanqu"]).run()?;
    let bin = target.join("debug").join("yuanqu");
    let tmp = tempfile::Builder::new().prefix("yuanqu-crash-").tempdir().context("creating a temp dir")?;
    let db_url = server::sqlite_url(&tmp.path().join("crash.db"));
    let log: PathBuf = target.join("xtask").join("crash-server.log");
    let password = server::random_password();
    server::demo(&bin, &db_url, Some(&password))?;

    let port = server::free_port()?;
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();
    let token = api_token(&base, &password)?;
    drop(srv);
    let (dept0, audit0) = check(&bin, &db_url)?;

    let started = Instant::now();
    let mut rounds = Vec::new();
    let mut all_acked: Vec<String> = Vec::new();
    for round in 1..=opts.iterations {
        util::check_interrupted()?;
        let restart = Instant::now();
        let mut srv = Server::start(&bin, &db_url, port, &log)?;
        srv.wait_healthy(Duration::from_secs(60))?;
        let restart = restart.elapsed();

        // Everything acknowledged so far survived the last kill, and nothing is half written.
        verify(&bin, &db_url, &base, &token, &all_acked, dept0, audit0)
            .with_context(|| format!("after the kill of round {}", round - 1))?;

        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let writers: Vec<_> = (0..opts.writers)
            .map(|w| {
                let (stop, acked, base, token) = (stop.clone(), acked.clone(), base.clone(), token.clone());
                std::thread::spawn(move || write_until_refused(&base, &token, round, w, &stop, &acked))
            })
            .collect();
        let kill_at = Duration::from_millis(rand::thread_rng().gen_range(300..1500));
        std::thread::sleep(kill_at);
        srv.kill9();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.join().map_err(|_| anyhow::anyhow!("a writer thread panicked"))??;
        }
        let acked = std::mem::take(&mut *acked.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
        println!(
            "round {round}/{}: SIGKILL after {} ms, {} writes acknowledged",
            opts.iterations,
            kill_at.as_millis(),
            acked.len()
        );
        rounds.push(Round { acked: acked.len(), killed_after: kill_at, restart });
        all_acked.extend(acked);
    }
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    verify(&bin, &db_url, &base, &token, &all_acked, dept0, audit0)
        .with_context(|| format!("after the kill of round {}", opts.iterations))?;
    drop(srv);

    let mut restarts: Vec<Duration> = rounds.iter().map(|r| r.restart).collect();
    restarts.sort();
    let median_restart = restarts[restarts.len() / 2];
    let killed: Duration = rounds.iter().map(|r| r.killed_after).sum();
    println!(
        "crash: {} rounds, {} writers, {} acknowledged writes all present after SIGKILL, nothing half written, \
         integrity ok; median restart to healthy {} ms; {} ms of writing; total {}",
        rounds.len(),
        opts.writers,
        rounds.iter().map(|r| r.acked).sum::<usize>(),
        median_restart.as_millis(),
        killed.as_millis(),
        util::fmt_duration(started.elapsed())
    );
    Ok(())
}

/// One writer: create departments until the server stops answering.
fn write_until_refused(
    base: &str,
    token: &str,
    round: u32,
    writer: u32,
    stop: &AtomicBool,
    acked: &Mutex<Vec<String>>,
) -> Result<()> {
    let a = agent(Duration::from_secs(10));
    for i in 0.. {
        let name = format!("crash-{round}-{writer}-{i}");
        let resp = a
            .post(format!("{base}/api/v1/departments"))
            .header("Authorization", format!("Bearer {token}"))
            .send_json(serde_json::json!({"name": name}));
        match resp {
            Ok(r) if r.status().as_u16() == 201 => {
                acked.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(name);
            }
            Ok(r) => bail!("creating {name} answered {} (expected 201)", r.status()),
            // The server died under us: that write is unacknowledged, and may or may not be there.
            Err(_) => return Ok(()),
        }
        if stop.load(Ordering::Relaxed) {
            // The kill has happened; anything still answering 201 would be a bug in the harness.
            return Ok(());
        }
    }
    Ok(())
}

fn verify(bin: &Path, db_url: &str, base: &str, token: &str, acked: &[String], dept0: u64, audit0: u64) -> Result<()> {
    let names = department_names(base, token)?;
    let missing: Vec<&String> = acked.iter().filter(|n| !names.contains(*n)).collect();
    ensure!(
        missing.is_empty(),
        "{} acknowledged write(s) lost, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(5)]
    );
    let (dept, audit) = check(bin, db_url)?;
    ensure!(
        dept - dept0 == audit - audit0,
        "half-written transactions: {} new departments but {} new audit records",
        dept - dept0,
        audit - audit0
    );
    ensure!(dept - dept0 >= acked.len() as u64, "fewer departments than acknowledged writes");
    Ok(())
}
