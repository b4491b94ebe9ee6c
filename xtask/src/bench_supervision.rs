//! `cargo xtask bench supervision`: issue 6's speed targets against a release `yuanqu`, on
//! SQLite, over HTTP on 127.0.0.1.
//!
//! 1. `yuanqu demo --supervision-years 5 --months 12`: five years of key tasks and projects
//!    (about 1,400 items, the earlier years mostly closed) with their weekly reports and lights.
//! 2. Every colour of every item, open or closed: the hidden `yuanqu supervision-assess` (reads
//!    and assesses all items as of today, writes nothing), timed in-process, `RUNS` runs after
//!    three warm-ups.
//! 3. Over HTTP as `leader`, after a warm-up, `RUNS` times each: `POST /evaluate` (every open
//!    item's colour for the week, written), the Saturday brief as JSON and as .docx, the item
//!    list, the scoreboard and the dashboard; `GET /healthz` in the same run as the baseline.
//!
//! Targets (issue 6): computing every colour under 200 ms; the Saturday brief (.docx) under 1 s.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};

use crate::bench_appeals::{RUNS, agent, get_json, mark, quantile, series, sorted};
use crate::server::{self, Server};
use crate::util::{self, header};

const YEARS: &str = "5";
const MONTHS: &str = "12";
const COLOURS_TARGET_MS: f64 = 200.0;
const DOCX_TARGET_MS: f64 = 1000.0;

/// `yuanqu supervision-assess --runs N`: each run's (items, open, ms).
fn assess_all(bin: &Path, db_url: &str, runs: usize) -> Result<Vec<(usize, usize, f64)>> {
    let out = util::Cmd::new(bin)
        .args(["supervision-assess", "--zone", "demo", "--runs", &runs.to_string()])
        .env("YUANQU_DATABASE_URL", db_url)
        .env("RUST_LOG", "error")
        .read()?;
    let v: Vec<(usize, usize, f64)> = out.lines().filter_map(parse_assess).collect();
    ensure!(v.len() == runs, "expected {runs} assessment lines in:\n{out}");
    Ok(v)
}

/// `supervision assessment: 1425 items (230 open) in 41.20 ms`
fn parse_assess(line: &str) -> Option<(usize, usize, f64)> {
    let rest = line.strip_prefix("supervision assessment: ")?;
    let (n, rest) = rest.split_once(" items (")?;
    let (open, rest) = rest.split_once(" open) in ")?;
    let ms = rest.trim().strip_suffix("ms")?.trim();
    Some((n.trim().parse().ok()?, open.trim().parse().ok()?, ms.parse().ok()?))
}

/// Three warm-ups, then `RUNS` timed `POST`s (no body); sorted milliseconds and the last answer.
fn post_series(base: &str, token: &str, path: &str) -> Result<(Vec<f64>, serde_json::Value)> {
    let a = agent();
    let mut last = serde_json::Value::Null;
    let mut v = Vec::with_capacity(RUNS);
    for i in 0..RUNS + 3 {
        util::check_interrupted()?;
        let start = Instant::now();
        let mut resp =
            a.post(format!("{base}{path}")).header("Authorization", format!("Bearer {token}")).send_empty()?;
        let body = resp.body_mut().read_to_string()?;
        let took = start.elapsed().as_secs_f64() * 1000.0;
        ensure!(resp.status().as_u16() == 200, "POST {path} answered {}: {body}", resp.status());
        last = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
        if i >= 3 {
            v.push(took);
        }
    }
    Ok((sorted(v), last))
}

pub fn cmd_bench_supervision() -> Result<()> {
    // `XTASK_BENCH_BIN`: a release `yuanqu` already built (skips the build).
    let bin = match std::env::var_os("XTASK_BENCH_BIN") {
        Some(b) => std::path::PathBuf::from(b),
        None => {
            header("cargo build --release -p yuanqu");
            util::cargo().args(["build", "--release", "-p", "yuanqu"]).run()?;
            util::target_dir()?.join("release").join("yuanqu")
        }
    };
    let tmp = tempfile::Builder::new().prefix("yuanqu-bench-supervision-").tempdir()?;
    let db_url = server::sqlite_url(&tmp.path().join("bench.db"));
    let password = server::random_password();

    header(&format!("yuanqu demo --months {MONTHS} --supervision-years {YEARS}"));
    let started = Instant::now();
    let out = util::Cmd::new(&bin)
        .args(["demo", "--password", &password, "--months", MONTHS, "--supervision-years", YEARS])
        .env("YUANQU_DATABASE_URL", &db_url)
        .read()?;
    let load_s = started.elapsed().as_secs_f64();
    print!("{out}");

    header(&format!("every colour of every item (yuanqu supervision-assess, 3 warm-ups + {RUNS} runs)"));
    let runs = assess_all(&bin, &db_url, RUNS + 3)?;
    let (all_items, all_open, _) = runs[0];
    let colours = sorted(runs[3..].iter().map(|r| r.2).collect());

    let port = server::free_port()?;
    let log = util::target_dir()?.join("xtask").join("bench-supervision.log");
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();
    let leader = crate::crash::api_token_as(&base, "leader", &password)?;

    let items = get_json(&base, &leader, "/api/v1/supervision/items?page=1&page_size=1")?;
    let open = get_json(&base, &leader, "/api/v1/supervision/items?state=open&page=1&page_size=1")?;
    let (total, open) = (items["total"].as_u64().unwrap_or(0), open["total"].as_u64().unwrap_or(0));
    ensure!(total > 0, "no supervision items listed");

    header(&format!("{RUNS} timed runs of each ({total} items, {open} open)"));
    let health = series(&base, None, "/healthz")?;
    let health_p50 = quantile(&health, 0.5);
    println!("{:<60} p50 {health_p50:>8.2} ms", "GET /healthz");
    let (evaluate, answer) = post_series(&base, &leader, "/api/v1/supervision/evaluate")?;
    let evaluated = answer["items"].as_u64().context("no `items` in the evaluation's answer")?;
    println!(
        "{:<60} p50 {:>8.2} ms  p90 {:>8.2} ms",
        format!("POST /evaluate ({evaluated} open items)"),
        quantile(&evaluate, 0.5),
        quantile(&evaluate, 0.9)
    );
    let probes: [(&str, &str, Option<f64>); 5] = [
        ("GET /brief (JSON, this week)", "/api/v1/supervision/brief", None),
        ("GET /brief/docx (this week)", "/api/v1/supervision/brief/docx", Some(DOCX_TARGET_MS)),
        ("GET /items?page_size=50", "/api/v1/supervision/items?page=1&page_size=50", None),
        ("GET /scoreboard (this year)", "/api/v1/supervision/scoreboard", None),
        ("GET /dashboard (this year)", "/api/v1/supervision/dashboard", None),
    ];
    let mut reads = Vec::new();
    for (what, path, _) in &probes {
        let v = series(&base, Some(&leader), path)?;
        let (p50, p90) = (quantile(&v, 0.5), quantile(&v, 0.9));
        println!("{what:<60} p50 {p50:>8.2} ms  p90 {p90:>8.2} ms");
        reads.push((p50, p90));
    }
    drop(srv);

    println!();
    println!(
        "SQLite, {YEARS} years of key work: {total} items ({open} open), {MONTHS} months of statistics; {}",
        crate::bench::machine()
    );
    println!("demo load: {load_s:.1} s");
    println!();
    println!("| what | p50 | p90 | ×healthz (p50) | target | |");
    println!("|---|---:|---:|---:|---|---|");
    println!("| GET /healthz (baseline) | {health_p50:.2} ms | {:.2} ms | 1.0 | | |", quantile(&health, 0.9));
    let (c50, c90) = (quantile(&colours, 0.5), quantile(&colours, 0.9));
    println!(
        "| every colour, all {all_items} items ({all_open} open), in-process, nothing written | {c50:.2} ms | {c90:.2} ms | | < {COLOURS_TARGET_MS:.0} ms | {} |",
        mark(c90 < COLOURS_TARGET_MS)
    );
    let (e50, e90) = (quantile(&evaluate, 0.5), quantile(&evaluate, 0.9));
    println!(
        "| POST /evaluate: {evaluated} open items assessed and written | {e50:.2} ms | {e90:.2} ms | {:.1} | < {COLOURS_TARGET_MS:.0} ms | {} |",
        e50 / health_p50,
        mark(e90 < COLOURS_TARGET_MS)
    );
    for ((what, _, target), (p50, p90)) in probes.iter().zip(&reads) {
        let (t, ok) = match target {
            Some(t) => (format!("< {t:.0} ms"), mark(*p90 < *t)),
            None => (String::new(), ""),
        };
        println!("| {what} | {p50:.2} ms | {p90:.2} ms | {:.1} | {t} | {ok} |", p50 / health_p50);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_assessment_line() {
        assert_eq!(parse_assess("supervision assessment: 1425 items (230 open) in 41.20 ms"), Some((1425, 230, 41.2)));
        assert_eq!(parse_assess("something else"), None);
    }
}
