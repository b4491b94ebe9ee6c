//! `cargo xtask bench stats`: the economy's speed targets (issue 4) against a release
//! `yuanqu serve`, on SQLite and then on PostgreSQL, over HTTP on 127.0.0.1.
//!
//! The demo zone is loaded with 1,000 enterprises × 120 months of statistics. Each read is
//! timed `RUNS` times after a warm-up (round trip on 127.0.0.1, an upper bound of server time);
//! the table gives medians and the ratio to `GET /healthz` measured in the same run.

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};

use crate::server::{self, Server};
use crate::util::{self, header};

const RUNS: usize = 30;
const MONTHS: &str = "120";

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// A timed request: (what, method, path, target in ms).
struct Probe {
    what: &'static str,
    path: String,
    target_ms: Option<f64>,
}

fn time_get(base: &str, token: Option<&str>, path: &str) -> Result<f64> {
    let mut req = agent().get(format!("{base}{path}"));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    let start = Instant::now();
    let mut resp = req.call()?;
    let body = resp.body_mut().with_config().limit(64 << 20).read_to_vec()?;
    let took = start.elapsed().as_secs_f64() * 1000.0;
    ensure!(resp.status().as_u16() == 200, "GET {path} answered {}: {}", resp.status(), String::from_utf8_lossy(&body));
    Ok(took)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Medians (ms) of every probe, and of /healthz.
fn measure(base: &str, token: &str, probes: &[Probe]) -> Result<(f64, Vec<f64>)> {
    let run = |path: &str, auth: bool| -> Result<f64> {
        for _ in 0..3 {
            time_get(base, auth.then_some(token), path)?;
        }
        let mut v = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            util::check_interrupted()?;
            v.push(time_get(base, auth.then_some(token), path)?);
        }
        Ok(median(v))
    };
    let health = run("/healthz", false)?;
    let mut out = Vec::new();
    for p in probes {
        let m = run(&p.path, true)?;
        println!("{:<60} p50 {m:>8.2} ms", p.what);
        out.push(m);
    }
    Ok((health, out))
}

fn probes(base: &str, token: &str) -> Result<Vec<Probe>> {
    // The parks, for a filter.
    let mut resp =
        agent().get(format!("{base}/api/v1/parks")).header("Authorization", format!("Bearer {token}")).call()?;
    let parks: Vec<serde_json::Value> = resp.body_mut().read_json()?;
    let park = parks.first().and_then(|p| p["id"].as_str()).unwrap_or_default().to_owned();
    Ok(vec![
        Probe { what: "dashboard, newest month", path: "/api/v1/dashboard/economy".into(), target_ms: Some(50.0) },
        Probe {
            what: "dashboard, a month two years back",
            path: format!("/api/v1/dashboard/economy?period={}", two_years_back(base, token)?),
            target_ms: Some(50.0),
        },
        Probe {
            what: "enterprise list, park + text, page 1",
            path: format!("/api/v1/enterprises?park_id={park}&q=%E6%9C%89%E9%99%90&page=1&page_size=20"),
            target_ms: Some(20.0),
        },
    ])
}

/// The dashboard's newest month, two years earlier (`2024-10` from `2026-10`).
fn two_years_back(base: &str, token: &str) -> Result<String> {
    let mut resp = agent()
        .get(format!("{base}/api/v1/dashboard/economy"))
        .header("Authorization", format!("Bearer {token}"))
        .call()?;
    let d: serde_json::Value = resp.body_mut().with_config().limit(64 << 20).read_json()?;
    let p = d["period"].as_str().unwrap_or("2024-01");
    let year: i32 = p.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    Ok(format!("{:04}{}", year - 2, p.get(4..).unwrap_or("-01")))
}

struct EngineRun {
    engine: &'static str,
    health: f64,
    medians: Vec<f64>,
    load_s: f64,
}

fn run_engine(bin: &std::path::Path, engine: &'static str, db_url: &str) -> Result<(EngineRun, Vec<Probe>)> {
    let password = server::random_password();
    header(&format!("{engine}: yuanqu demo --months {MONTHS}"));
    let started = Instant::now();
    let out = util::Cmd::new(bin)
        .args(["demo", "--password", &password, "--months", MONTHS])
        .env("YUANQU_DATABASE_URL", db_url)
        .read()?;
    let load_s = started.elapsed().as_secs_f64();
    print!("{out}");
    let port = server::free_port()?;
    let log = util::target_dir()?.join("xtask").join(format!("bench-stats-{engine}.log"));
    let mut srv = Server::start(bin, db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();
    let token = crate::crash::api_token_as(&base, "staff", &password)?;
    let probes = probes(&base, &token)?;
    header(&format!("{engine}: {RUNS} timed runs of each read"));
    let (health, medians) = measure(&base, &token, &probes)?;
    drop(srv);
    Ok((EngineRun { engine, health, medians, load_s }, probes))
}

fn mark(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

pub fn cmd_bench_stats() -> Result<()> {
    crate::web::ensure_ui()?;
    header("cargo build --release -p yuanqu");
    util::cargo().args(["build", "--release", "-p", "yuanqu"]).run()?;
    let target = util::target_dir()?;
    let bin = target.join("release").join("yuanqu");
    let tmp = tempfile::Builder::new().prefix("yuanqu-bench-stats-").tempdir()?;
    let (sqlite, probes) = run_engine(&bin, "SQLite", &server::sqlite_url(&tmp.path().join("bench.db")))?;
    let mut cluster = crate::pg::Cluster::start()?;
    let pg = run_engine(&bin, "PostgreSQL", cluster.url());
    cluster.stop();
    let (pg, _) = pg?;

    println!();
    println!("1,000 enterprises × {MONTHS} months; medians of {RUNS} requests over HTTP on 127.0.0.1");
    println!("(demo load: SQLite {:.1} s, PostgreSQL {:.1} s)", sqlite.load_s, pg.load_s);
    println!();
    println!("| read | SQLite p50 | ×healthz | PostgreSQL p50 | ×healthz | target (SQLite) |");
    println!("|---|---:|---:|---:|---:|---|");
    println!("| GET /healthz (baseline) | {:.2} ms | 1.0 | {:.2} ms | 1.0 | |", sqlite.health, pg.health);
    for (i, p) in probes.iter().enumerate() {
        let (s, g) = (sqlite.medians[i], pg.medians[i]);
        let target = p.target_ms.map(|t| format!("< {t:.0} ms: {}", mark(s < t))).unwrap_or_default();
        println!("| {} | {s:.2} ms | {:.1} | {g:.2} ms | {:.1} | {target} |", p.what, s / sqlite.health, g / pg.health);
    }
    let _ = (sqlite.engine, pg.engine);
    Ok(())
}
