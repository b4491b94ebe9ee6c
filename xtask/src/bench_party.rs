//! `cargo xtask bench party`: issue 7's speed targets against a release `yuanqu`, on SQLite,
//! over HTTP on 127.0.0.1.
//!
//! 1. `yuanqu demo --party-members 5000 --party-years 5 --months 12 --supervision-years 0`:
//!    the demo zone's ~120 party organizations with 5,000 members and five years of activities
//!    and regular meetings (三会一课) with attendance.
//! 2. Over HTTP as `party` (party-work staff, the whole zone), after three warm-ups, `RUNS`
//!    times each: the compliance view of every branch for this year and for last (full) year,
//!    the organization tree with counts, the dashboard, the member list (first page, and one
//!    general branch's subtree); `GET /healthz` in the same run as the baseline.
//!
//! Targets (issue 7): the compliance view for all branches over a year p50 under 100 ms; the
//! organization tree with counts under 50 ms (judged on p50; p90 shown).

use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use chrono::Datelike;

use crate::bench_appeals::{RUNS, get_json, mark, quantile, series};
use crate::server::{self, Server};
use crate::util::{self, header};

const MEMBERS: &str = "5000";
const YEARS: &str = "5";
const MONTHS: &str = "12";
const COMPLIANCE_TARGET_MS: f64 = 100.0;
const TREE_TARGET_MS: f64 = 50.0;

/// `0.52 0.61 0.70 1/180 12345` → `load 0.52 / 0.61 / 0.70`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" / "))
        .map_or_else(|| "load ?".to_owned(), |l| format!("load {l} (1/5/15 min)"))
}

pub fn cmd_bench_party() -> Result<()> {
    // `XTASK_BENCH_BIN`: a release `yuanqu` already built (skips the build).
    let bin = match std::env::var_os("XTASK_BENCH_BIN") {
        Some(b) => std::path::PathBuf::from(b),
        None => {
            header("cargo build --release -p yuanqu");
            util::cargo().args(["build", "--release", "-p", "yuanqu"]).run()?;
            util::target_dir()?.join("release").join("yuanqu")
        }
    };
    let tmp = tempfile::Builder::new().prefix("yuanqu-bench-party-").tempdir()?;
    let db_url = server::sqlite_url(&tmp.path().join("bench.db"));
    let password = server::random_password();

    header(&format!("yuanqu demo --party-members {MEMBERS} --party-years {YEARS} --months {MONTHS}"));
    let started = Instant::now();
    let out = util::Cmd::new(&bin)
        .args([
            "demo",
            "--password",
            &password,
            "--months",
            MONTHS,
            "--supervision-years",
            "0",
            "--party-members",
            MEMBERS,
            "--party-years",
            YEARS,
        ])
        .env("YUANQU_DATABASE_URL", &db_url)
        .read()?;
    let load_s = started.elapsed().as_secs_f64();
    print!("{out}");

    let port = server::free_port()?;
    let log = util::target_dir()?.join("xtask").join("bench-party.log");
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();
    let party = crate::crash::api_token_as(&base, "party", &password)?;

    let orgs = get_json(&base, &party, "/api/v1/party/orgs")?;
    let items = orgs["items"].as_array().cloned().unwrap_or_default();
    let branches =
        items.iter().filter(|o| matches!(o["org_type"].as_str(), Some("branch" | "workshop_branch"))).count();
    let general = items.iter().find(|o| o["org_type"] == "general_branch").and_then(|o| o["id"].as_str());
    let members = get_json(&base, &party, "/api/v1/party/members?page=1&page_size=1")?;
    let members_total = members["total"].as_u64().unwrap_or(0);
    ensure!(items.len() > 50 && members_total > 0, "the party demo is not there: {} organizations", items.len());

    let today = chrono::Utc::now().date_naive();
    let last = today.year() - 1;
    let this_year = get_json(&base, &party, "/api/v1/party/compliance")?;
    let last_year = get_json(&base, &party, &format!("/api/v1/party/compliance?from={last}-01-01&to={last}-12-31"))?;
    let counts = |v: &serde_json::Value| {
        format!("{} green, {} yellow, {} red", v["counts"]["green"], v["counts"]["yellow"], v["counts"]["red"])
    };

    header(&format!(
        "{RUNS} timed runs of each ({} organizations, {branches} branches, {members_total} members)",
        items.len()
    ));
    let health = series(&base, None, "/healthz")?;
    let health_p50 = quantile(&health, 0.5);
    println!("{:<60} p50 {health_p50:>8.2} ms", "GET /healthz");
    let mut probes: Vec<(String, String, Option<f64>)> = vec![
        (
            format!("GET /compliance, this year ({})", counts(&this_year)),
            "/api/v1/party/compliance".into(),
            Some(COMPLIANCE_TARGET_MS),
        ),
        (
            format!("GET /compliance, {last} ({})", counts(&last_year)),
            format!("/api/v1/party/compliance?from={last}-01-01&to={last}-12-31"),
            Some(COMPLIANCE_TARGET_MS),
        ),
        ("GET /orgs (the tree with counts)".into(), "/api/v1/party/orgs".into(), Some(TREE_TARGET_MS)),
        ("GET /dashboard (this year)".into(), "/api/v1/party/dashboard".into(), None),
        ("GET /members?page_size=50".into(), "/api/v1/party/members?page=1&page_size=50".into(), None),
    ];
    if let Some(g) = general {
        probes.push((
            "GET /members?org_id=<a general branch>&page_size=50".into(),
            format!("/api/v1/party/members?org_id={g}&page=1&page_size=50"),
            None,
        ));
    }
    let mut reads = Vec::new();
    for (what, path, _) in &probes {
        let v = series(&base, Some(&party), path)?;
        let (p50, p90) = (quantile(&v, 0.5), quantile(&v, 0.9));
        println!("{what:<60} p50 {p50:>8.2} ms  p90 {p90:>8.2} ms");
        reads.push((p50, p90));
    }
    drop(srv);

    println!();
    println!(
        "SQLite, {} party organizations ({branches} branches), {members_total} members, {YEARS} years of activities \
         and meetings; {}; {}",
        items.len(),
        crate::bench::machine(),
        load_average()
    );
    println!("demo load: {load_s:.1} s (with {MONTHS} months of statistics and the appeals)");
    println!();
    println!("| what | p50 | p90 | ×healthz (p50) | target (p50) | |");
    println!("|---|---:|---:|---:|---|---|");
    println!("| GET /healthz (baseline) | {health_p50:.2} ms | {:.2} ms | 1.0 | | |", quantile(&health, 0.9));
    for ((what, _, target), (p50, p90)) in probes.iter().zip(&reads) {
        let (t, ok) = match target {
            Some(t) => (format!("< {t:.0} ms"), mark(*p50 < *t)),
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
    fn the_load_average_is_read_or_unknown() {
        let l = load_average();
        assert!(l.starts_with("load "), "{l}");
    }
}
