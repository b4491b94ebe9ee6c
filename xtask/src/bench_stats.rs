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

fn get_json(base: &str, token: &str, path: &str) -> Result<serde_json::Value> {
    let mut resp = agent().get(format!("{base}{path}")).header("Authorization", format!("Bearer {token}")).call()?;
    ensure!(resp.status().as_u16() == 200, "GET {path} answered {}", resp.status());
    Ok(resp.body_mut().with_config().limit(64 << 20).read_json()?)
}

fn post_json(base: &str, token: &str, path: &str, body: &serde_json::Value) -> Result<(f64, serde_json::Value)> {
    let start = Instant::now();
    let mut resp =
        agent().post(format!("{base}{path}")).header("Authorization", format!("Bearer {token}")).send_json(body)?;
    let took = start.elapsed().as_secs_f64() * 1000.0;
    let status = resp.status().as_u16();
    let v: serde_json::Value = resp.body_mut().with_config().limit(64 << 20).read_json()?;
    ensure!((200..300).contains(&status), "POST {path} answered {status}: {v}");
    Ok((took, v))
}

fn probes(base: &str, token: &str) -> Result<Vec<Probe>> {
    // A park, for a filter; the newest month.
    let parks = get_json(base, token, "/api/v1/parks")?;
    let park = parks.get(0).and_then(|p| p["id"].as_str()).unwrap_or_default().to_owned();
    let period = newest(base, token)?;
    Ok(vec![
        Probe { what: "dashboard, newest month", path: "/api/v1/dashboard/economy".into(), target_ms: Some(50.0) },
        Probe {
            what: "dashboard, a month two years back",
            path: format!("/api/v1/dashboard/economy?period={}", two_years_back(base, token)?),
            target_ms: Some(50.0),
        },
        Probe {
            what: "enterprise list: park + industry C + above-scale, page 1",
            path: format!("/api/v1/enterprises?park_id={park}&industry=C&scale=above&page=1&page_size=20"),
            target_ms: Some(20.0),
        },
        Probe {
            what: "enterprise list: park + text + status, sorted by employees",
            path: format!(
                "/api/v1/enterprises?park_id={park}&q=%E6%9C%89%E9%99%90&status=operating&sort=-employees&page=1&page_size=20"
            ),
            target_ms: Some(20.0),
        },
        Probe {
            what: "zone indicators of the newest month",
            path: format!("/api/v1/stats/indicators?period={period}"),
            target_ms: Some(50.0),
        },
        Probe {
            what: "early warnings of the newest month",
            path: format!("/api/v1/stats/warnings?period={period}"),
            target_ms: None,
        },
    ])
}

/// The dashboard's newest month (`2026-10`).
fn newest(base: &str, token: &str) -> Result<String> {
    let d = get_json(base, token, "/api/v1/dashboard/economy")?;
    Ok(d["period"].as_str().unwrap_or("2026-01").to_owned())
}

/// The month after `YYYY-MM`.
fn next_month(p: &str) -> String {
    let (y, m): (i32, i32) = (p[..4].parse().unwrap_or(2026), p[5..].parse().unwrap_or(1));
    if m == 12 { format!("{:04}-01", y + 1) } else { format!("{y:04}-{:02}", m + 1) }
}

/// A whole zone's month as the statistics template wants it: every enterprise's USCC, the
/// month, seven values (万元 with decimals).
fn month_xlsx(usccs: &[String], period: &str) -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "统一社会信用代码",
        "企业名称",
        "报告期",
        "工业总产值（万元）",
        "营业收入（万元）",
        "利润总额（万元）",
        "实缴税金（万元）",
        "用电量（千瓦时）",
        "平均用工人数",
        "研发费用（万元）",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (i, u) in usccs.iter().enumerate() {
        let r = (i + 1) as u32;
        let base = 300.0 + (i % 97) as f64 * 13.7;
        ws.write_string(r, 0, u)?;
        ws.write_string(r, 2, period)?;
        let cells = [
            format!("{base:.1}"),
            format!("{:.1}", base * 1.02),
            format!("{:.1}", base * 0.06),
            format!("{:.1}", base * 0.04),
            format!("{:.0}", base * 250.0),
            format!("{}", 40 + i % 60),
            format!("{:.1}", base * 0.02),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(r, (c + 3) as u16, v)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// Imports a month for every enterprise (one request); milliseconds and the import's report.
fn import_month(base: &str, token: &str, xlsx: &[u8]) -> Result<(f64, serde_json::Value)> {
    let boundary = "yuanqu-bench-stats-7c1e";
    let mut body = Vec::with_capacity(xlsx.len() + 512);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"month.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(xlsx);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let start = Instant::now();
    let mut resp = agent()
        .post(format!("{base}/api/v1/stats/import"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .send(&body[..])?;
    let took = start.elapsed().as_secs_f64() * 1000.0;
    let text = resp.body_mut().with_config().limit(64 << 20).read_to_string()?;
    ensure!(resp.status().as_u16() == 200, "import answered {}: {}", resp.status(), &text[..text.len().min(800)]);
    Ok((took, serde_json::from_str(&text)?))
}

/// Writes: a whole month imported (one run: an imported month is verified, hence locked), and
/// the evaluation of a year run three times (re-runs are allowed until it is published).
fn writes(base: &str, token: &str) -> Result<(f64, f64, usize)> {
    let mut usccs = Vec::new();
    for page in 1..=20 {
        let p = get_json(base, token, &format!("/api/v1/enterprises?status=operating&page={page}&page_size=100"))?;
        let items = p["items"].as_array().cloned().unwrap_or_default();
        usccs.extend(items.iter().filter_map(|e| e["uscc"].as_str().map(str::to_owned)));
        if items.len() < 100 {
            break;
        }
    }
    usccs.truncate(1000);
    let month = next_month(&newest(base, token)?);
    let xlsx = month_xlsx(&usccs, &month)?;
    let (import_ms, report) = import_month(base, token, &xlsx)?;
    println!("import of {} rows for {month}: {import_ms:.0} ms — {report}", usccs.len());
    let year: i32 = month[..4].parse::<i32>().unwrap_or(2026) - 3;
    let (_, scheme) = post_json(base, token, "/api/v1/evaluations", &serde_json::json!({"year": year}))?;
    let id = scheme["id"].as_str().unwrap_or_default().to_owned();
    let mut runs = Vec::new();
    for _ in 0..3 {
        let (ms, summary) = post_json(base, token, &format!("/api/v1/evaluations/{id}/run"), &serde_json::json!({}))?;
        println!("evaluation {year} run: {ms:.0} ms — {summary}");
        runs.push(ms);
    }
    Ok((import_ms, median(runs), usccs.len()))
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
    health: f64,
    medians: Vec<f64>,
    load_s: f64,
    import_ms: f64,
    import_rows: usize,
    eval_ms: f64,
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
    header(&format!("{engine}: import a month, run an evaluation"));
    let (import_ms, eval_ms, import_rows) = writes(&base, &token)?;
    drop(srv);
    Ok((EngineRun { health, medians, load_s, import_ms, import_rows, eval_ms }, probes))
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
    println!(
        "| import a month ({} rows, .xlsx, one run) | {:.0} ms | | {:.0} ms | | < 1000 ms: {} |",
        sqlite.import_rows,
        sqlite.import_ms,
        pg.import_ms,
        mark(sqlite.import_ms < 1000.0)
    );
    println!(
        "| run the evaluation of a year (median of 3) | {:.0} ms | | {:.0} ms | | < 2000 ms: {} |",
        sqlite.eval_ms,
        pg.eval_ms,
        mark(sqlite.eval_ms < 2000.0)
    );
    Ok(())
}
