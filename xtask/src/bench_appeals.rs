//! `cargo xtask bench appeals`: issue 5's speed targets against a release `yuanqu`, on SQLite,
//! over HTTP on 127.0.0.1.
//!
//! 1. `yuanqu demo --appeals 100000 --open-share 20 --months 12`: a year of 100,000 appeals of
//!    which 20,000 were received in the last two days and are still open (timed).
//! 2. The escalation sweep: `yuanqu jobs` with an offset clock file 30 days ahead, so that every
//!    open appeal is late (its own printed time, and the process's wall time); then once more
//!    (nothing due: the cost of an empty sweep over the same open appeals).
//! 3. Reads after a warm-up, `RUNS` times each: the department queue, the leader's lists and
//!    filters, the enterprise's own list, one appeal's detail and a year's dashboard; p50, p90 and
//!    the ratio to `GET /healthz` measured in the same run.
//! 4. Filing: `CLIENTS` threads each file `FILINGS_EACH` appeals at once (staff on behalf of
//!    demo enterprises, by phone); every latency kept; p50/p95/p99 and throughput. Any answer
//!    other than 201 fails the bench. (The only rate limit in the server is the sign-in throttle,
//!    30 a minute per address; the bench signs in three times.)

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::server::{self, Server};
use crate::util::{self, header};

const APPEALS: &str = "100000";
const OPEN_SHARE: &str = "20";
const MONTHS: &str = "12";
pub(crate) const RUNS: usize = 30;
const CLIENTS: usize = 32;
const FILINGS_EACH: usize = 30;
/// How far the sweep's clock is moved: every open appeal of the last two days is late by then.
const AHEAD_S: i64 = 30 * 86_400;

const LIST_TARGET_MS: f64 = 30.0;
const SWEEP_TARGET_MS: f64 = 200.0;
const FILE_TARGET_MS: f64 = 50.0;

pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// The value at quantile `q` (0..=1) of sorted samples (nearest rank).
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub(crate) fn sorted(mut v: Vec<f64>) -> Vec<f64> {
    v.sort_by(f64::total_cmp);
    v
}

pub(crate) fn time_get(a: &ureq::Agent, base: &str, token: Option<&str>, path: &str) -> Result<f64> {
    let mut req = a.get(format!("{base}{path}"));
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

pub(crate) fn get_json(base: &str, token: &str, path: &str) -> Result<serde_json::Value> {
    let mut resp = agent().get(format!("{base}{path}")).header("Authorization", format!("Bearer {token}")).call()?;
    ensure!(resp.status().as_u16() == 200, "GET {path} answered {}", resp.status());
    Ok(resp.body_mut().with_config().limit(64 << 20).read_json()?)
}

/// Three warm-ups, then `RUNS` timed requests; sorted milliseconds.
pub(crate) fn series(base: &str, token: Option<&str>, path: &str) -> Result<Vec<f64>> {
    let a = agent();
    for _ in 0..3 {
        time_get(&a, base, token, path)?;
    }
    let mut v = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        util::check_interrupted()?;
        v.push(time_get(&a, base, token, path)?);
    }
    Ok(sorted(v))
}

/// A timed read: who asks, what, the path, its target.
struct Probe {
    who: &'static str,
    what: String,
    path: String,
    target_ms: Option<f64>,
}

struct Sweep {
    escalated: usize,
    /// The sweep's own time, as `yuanqu jobs` prints it.
    ms: f64,
    /// The whole `yuanqu jobs` process (start, migrations check, sweep, exit).
    wall_ms: f64,
}

/// `yuanqu jobs` with the clock file; parses `appeal escalation sweep: N escalated in X ms`.
fn jobs(bin: &Path, db_url: &str, clock: &Path) -> Result<Sweep> {
    let started = Instant::now();
    let out = util::Cmd::new(bin)
        .arg("jobs")
        .env("YUANQU_DATABASE_URL", db_url)
        .env("YUANQU_CLOCK_FILE", clock)
        .env("RUST_LOG", "error")
        .read()?;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    print!("{out}");
    parse_sweep(&out).map(|(escalated, ms)| Sweep { escalated, ms, wall_ms })
}

fn parse_sweep(out: &str) -> Result<(usize, f64)> {
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix("appeal escalation sweep: "))
        .with_context(|| format!("no sweep line in:\n{out}"))?;
    let (n, rest) = line.split_once(" escalated in ").context("unexpected sweep line")?;
    let ms = rest.trim().strip_suffix("ms").context("unexpected sweep line")?.trim();
    Ok((n.trim().parse()?, ms.parse()?))
}

/// Ids of some demo enterprises and of the `finance` category.
fn filing_refs(base: &str, token: &str) -> Result<(Vec<String>, String)> {
    let page = get_json(base, token, "/api/v1/enterprises?status=operating&page=1&page_size=100")?;
    let ents: Vec<String> = page["items"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["id"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    ensure!(!ents.is_empty(), "no enterprises listed");
    let rules = get_json(base, token, "/api/v1/appeal-rules")?;
    let finance = rules["categories"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["code"] == "finance"))
        .and_then(|c| c["id"].as_str())
        .context("no finance category")?
        .to_owned();
    Ok((ents, finance))
}

struct Filing {
    sorted_ms: Vec<f64>,
    wall_s: f64,
}

/// `CLIENTS` threads × `FILINGS_EACH` filings, all at once.
fn file_load(base: &str, token: &str, ents: &[String], category: &str) -> Result<Filing> {
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(CLIENTS + 1));
    let threads: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (base, token, category, barrier) =
                (base.to_owned(), token.to_owned(), category.to_owned(), barrier.clone());
            let ents = ents.to_vec();
            std::thread::spawn(move || -> Result<Vec<f64>> {
                let a = agent();
                let mut out = Vec::with_capacity(FILINGS_EACH);
                barrier.wait();
                for i in 0..FILINGS_EACH {
                    let body = serde_json::json!({
                        "enterprise_id": ents[(c * FILINGS_EACH + i) % ents.len()],
                        "category_id": category,
                        "title": format!("贷款贴息申请 压测{c}-{i}"),
                        "description": "企业来电：设备更新贷款贴息申请材料已备齐，请协调办理。",
                        "channel": "phone",
                    });
                    let start = Instant::now();
                    let mut resp = a
                        .post(format!("{base}/api/v1/appeals"))
                        .header("Authorization", format!("Bearer {token}"))
                        .send_json(&body)?;
                    let text = resp.body_mut().read_to_string()?;
                    let took = start.elapsed().as_secs_f64() * 1000.0;
                    if resp.status().as_u16() != 201 {
                        bail!("filing {c}-{i} answered {}: {text}", resp.status());
                    }
                    out.push(took);
                }
                Ok(out)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut all = Vec::with_capacity(CLIENTS * FILINGS_EACH);
    for t in threads {
        all.extend(t.join().map_err(|_| anyhow::anyhow!("a filing thread panicked"))??);
    }
    Ok(Filing { sorted_ms: sorted(all), wall_s: started.elapsed().as_secs_f64() })
}

pub(crate) fn mark(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

pub fn cmd_bench_appeals() -> Result<()> {
    // `XTASK_BENCH_BIN`: a release `yuanqu` already built (skips the build).
    let bin = match std::env::var_os("XTASK_BENCH_BIN") {
        Some(b) => std::path::PathBuf::from(b),
        None => {
            header("cargo build --release -p yuanqu");
            util::cargo().args(["build", "--release", "-p", "yuanqu"]).run()?;
            util::target_dir()?.join("release").join("yuanqu")
        }
    };
    let tmp = tempfile::Builder::new().prefix("yuanqu-bench-appeals-").tempdir()?;
    let db_url = server::sqlite_url(&tmp.path().join("bench.db"));
    let password = server::random_password();

    header(&format!("yuanqu demo --months {MONTHS} --appeals {APPEALS} --open-share {OPEN_SHARE}"));
    let started = Instant::now();
    let out = util::Cmd::new(&bin)
        .args(["demo", "--password", &password, "--months", MONTHS, "--appeals", APPEALS])
        .args(["--open-share", OPEN_SHARE])
        .env("YUANQU_DATABASE_URL", &db_url)
        .read()?;
    let load_s = started.elapsed().as_secs_f64();
    print!("{out}");

    // The sweep, before any server runs: the clock 30 days ahead makes every open appeal late.
    header("escalation sweep (yuanqu jobs, clock 30 days ahead)");
    let clock = tmp.path().join("clock-offset");
    std::fs::write(&clock, AHEAD_S.to_string())?;
    let full = jobs(&bin, &db_url, &clock)?;
    let empty = jobs(&bin, &db_url, &clock)?;
    ensure!(full.escalated > 0, "the sweep escalated nothing");

    let port = server::free_port()?;
    let log = util::target_dir()?.join("xtask").join("bench-appeals.log");
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();
    let staff = crate::crash::api_token_as(&base, "staff", &password)?;
    let leader = crate::crash::api_token_as(&base, "leader", &password)?;
    let enterprise = crate::crash::api_token_as(&base, "enterprise", &password)?;

    let (ents, finance) = filing_refs(&base, &staff)?;
    let first = get_json(&base, &leader, "/api/v1/appeals?page=1&page_size=20")?;
    let total = first["total"].as_u64().unwrap_or(0);
    let one = first["items"][0]["id"].as_str().context("no appeal listed")?.to_owned();
    let today = chrono::Utc::now().date_naive();
    let year_ago = today - chrono::Days::new(365);
    let probes = vec![
        Probe {
            who: "staff",
            what: "queue: my department's open appeals (view=mine)".into(),
            path: "/api/v1/appeals?view=mine&page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "staff",
            what: "department: lead or co-handled (view=department)".into(),
            path: "/api/v1/appeals?view=department&page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "all appeals, newest first".into(),
            path: "/api/v1/appeals?page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "red light (late)".into(),
            path: "/api/v1/appeals?light=red&page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "state=dispatched,accepted,in_progress".into(),
            path: "/api/v1/appeals?state=dispatched,accepted,in_progress&page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "text q=污水".into(),
            path: "/api/v1/appeals?q=%E6%B1%A1%E6%B0%B4&page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "category_id=finance".into(),
            path: format!("/api/v1/appeals?category_id={finance}&page=1&page_size=20"),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "all, soonest deadline first (sort=due)".into(),
            path: "/api/v1/appeals?sort=due&page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "enterprise",
            what: "its own appeals".into(),
            path: "/api/v1/appeals?page=1&page_size=20".into(),
            target_ms: Some(LIST_TARGET_MS),
        },
        Probe {
            who: "leader",
            what: "one appeal's detail (timeline, allowed actions)".into(),
            path: format!("/api/v1/appeals/{one}"),
            target_ms: None,
        },
        Probe {
            who: "leader",
            what: format!("dashboard of a year ({year_ago} – {today})"),
            path: format!("/api/v1/dashboard/appeals?from={year_ago}&to={today}"),
            target_ms: None,
        },
    ];
    header(&format!("{RUNS} timed runs of each read ({total} appeals in the leader's list)"));
    let health = series(&base, None, "/healthz")?;
    let health_p50 = quantile(&health, 0.5);
    println!("{:<72} p50 {health_p50:>8.2} ms", "GET /healthz");
    let mut reads = Vec::new();
    for p in &probes {
        let token = match p.who {
            "staff" => &staff,
            "leader" => &leader,
            _ => &enterprise,
        };
        let v = series(&base, Some(token), &p.path)?;
        let (p50, p90) = (quantile(&v, 0.5), quantile(&v, 0.9));
        println!("{:<72} p50 {p50:>8.2} ms  p90 {p90:>8.2} ms", format!("{}: {}", p.who, p.what));
        reads.push((p50, p90));
    }

    header(&format!("filing: {CLIENTS} clients × {FILINGS_EACH} appeals (staff, by phone, finance)"));
    let filing = file_load(&base, &staff, &ents, &finance)?;
    let n = filing.sorted_ms.len();
    let (f50, f95, f99) =
        (quantile(&filing.sorted_ms, 0.5), quantile(&filing.sorted_ms, 0.95), quantile(&filing.sorted_ms, 0.99));
    let fmax = filing.sorted_ms.last().copied().unwrap_or(f64::NAN);
    drop(srv);

    println!();
    println!(
        "SQLite, {APPEALS} appeals over a year ({OPEN_SHARE}% received in the last two days and still open), \
         {MONTHS} months of statistics; {}",
        crate::bench::machine()
    );
    println!("demo load: {load_s:.1} s");
    println!();
    println!("| what | p50 | p90 / p99 | ×healthz (p50) | target | |");
    println!("|---|---:|---:|---:|---|---|");
    println!("| GET /healthz (baseline) | {health_p50:.2} ms | {:.2} ms | 1.0 | | |", quantile(&health, 0.9));
    for (p, (p50, p90)) in probes.iter().zip(&reads) {
        let (target, ok) = match p.target_ms {
            Some(t) => (format!("p50 < {t:.0} ms"), mark(*p50 < t)),
            None => (String::new(), ""),
        };
        println!(
            "| {}: {} | {p50:.2} ms | p90 {p90:.2} ms | {:.1} | {target} | {ok} |",
            p.who,
            p.what,
            p50 / health_p50
        );
    }
    println!(
        "| file an appeal, {CLIENTS} concurrent clients ({n} filings, {:.0}/s) | {f50:.1} ms | p95 {f95:.1} ms, p99 {f99:.1} ms, max {fmax:.1} ms | | p99 < {FILE_TARGET_MS:.0} ms | {} |",
        n as f64 / filing.wall_s,
        mark(f99 < FILE_TARGET_MS)
    );
    println!(
        "| escalation sweep: {} escalated (clock +30 days) | {:.0} ms ({:.0} ms wall, {:.3} ms each) | | | < {SWEEP_TARGET_MS:.0} ms | {} |",
        full.escalated,
        full.ms,
        full.wall_ms,
        full.ms / full.escalated.max(1) as f64,
        mark(full.ms < SWEEP_TARGET_MS)
    );
    println!(
        "| escalation sweep again, nothing due ({} escalated) | {:.1} ms ({:.0} ms wall) | | | < {SWEEP_TARGET_MS:.0} ms | {} |",
        empty.escalated,
        empty.ms,
        empty.wall_ms,
        mark(empty.ms < SWEEP_TARGET_MS)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sweep_line() -> Result<()> {
        let out = "something\nappeal escalation sweep: 20412 escalated in 1834.5 ms\n";
        assert_eq!(parse_sweep(out)?, (20412, 1834.5));
        assert!(parse_sweep("nothing here").is_err());
        Ok(())
    }

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 50.0);
        assert_eq!(quantile(&v, 0.99), 99.0);
        assert_eq!(quantile(&v, 1.0), 100.0);
        assert_eq!(quantile(&[3.0], 0.99), 3.0);
    }
}
