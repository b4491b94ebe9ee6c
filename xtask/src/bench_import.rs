//! `cargo xtask bench import`: the spreadsheet import and export (issue 3's speed targets),
//! against a release `yuanqu serve` on SQLite, over HTTP on 127.0.0.1.
//!
//! 1. Three 10,000-row .xlsx files (generated here, new logins each) imported one after the
//!    other (`all_or_nothing`): time of each request, median.
//! 2. Seven more imports bring the zone to 100,000+ users; then the xlsx and csv exports of all
//!    of them, streamed: time of each, median of 3 xlsx.
//! 3. The server's peak RSS (`VmHWM`) after each phase.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

use crate::bench::parse_proc_status;
use crate::server::{self, Server};
use crate::util::{self, header};

const ROWS: usize = 10_000;
const IMPORT_TARGET_S: f64 = 3.0;
const EXPORT_TARGET_S: f64 = 5.0;
const RSS_TARGET_MB: f64 = 200.0;

/// A users sheet of `ROWS` new workers, `batch` making the logins unique.
fn users_xlsx(batch: usize) -> Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["登录名", "姓名", "角色", "部门", "企业统一社会信用代码", "手机号"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h)?;
    }
    for i in 0..ROWS {
        let r = (i + 1) as u32;
        ws.write_string(r, 0, format!("bench{batch}-{i}"))?;
        ws.write_string(r, 1, format!("职工{batch}-{i}"))?;
        ws.write_string(r, 2, "worker")?;
        ws.write_string(r, 5, format!("139{:08}", (batch * ROWS + i) % 100_000_000))?;
    }
    Ok(wb.save_to_buffer()?)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(300)))
        .http_status_as_error(false)
        .build()
        .into()
}

fn import(base: &str, token: &str, xlsx: &[u8]) -> Result<Duration> {
    let boundary = "yuanqu-bench-boundary-7c1e";
    let mut body = Vec::with_capacity(xlsx.len() + 512);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nall_or_nothing\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"users.xlsx\"\r\n\
             Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(xlsx);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let start = Instant::now();
    let mut resp = agent()
        .post(format!("{base}/api/v1/users/import"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", format!("multipart/form-data; boundary={boundary}"))
        .send(&body[..])?;
    let took = start.elapsed();
    let text = resp.body_mut().with_config().limit(64 << 20).read_to_string()?;
    ensure!(resp.status().as_u16() == 200, "import answered {}: {}", resp.status(), &text[..text.len().min(500)]);
    let report: serde_json::Value = serde_json::from_str(&text)?;
    ensure!(report["created"].as_u64() == Some(ROWS as u64), "import report: {report}");
    Ok(took)
}

fn export(base: &str, token: &str, format: &str) -> Result<(Duration, u64, u64)> {
    let start = Instant::now();
    let mut resp = agent()
        .get(format!("{base}/api/v1/users/export?format={format}"))
        .header("Authorization", format!("Bearer {token}"))
        .call()?;
    ensure!(resp.status().as_u16() == 200, "export answered {}", resp.status());
    let rows = resp.headers().get("x-export-rows").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(0);
    let mut bytes = 0u64;
    let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader();
    bytes += std::io::copy(&mut reader, &mut std::io::sink())?;
    Ok((start.elapsed(), rows, bytes))
}

fn peak_mb(pid: u32) -> Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).context("reading the server's status")?;
    let (rss, hwm) = parse_proc_status(&status);
    hwm.or(rss).map(|kb| kb as f64 / 1024.0).context("no VmHWM/VmRSS")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn mark(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

pub fn cmd_bench_import() -> Result<()> {
    crate::web::ensure_ui()?;
    header("cargo build --release -p yuanqu");
    util::cargo().args(["build", "--release", "-p", "yuanqu"]).run()?;
    let target = util::target_dir()?;
    let bin = target.join("release").join("yuanqu");
    let tmp = tempfile::Builder::new().prefix("yuanqu-bench-import-").tempdir()?;
    let db_url = server::sqlite_url(&tmp.path().join("bench.db"));
    let password = server::random_password();
    server::demo(&bin, &db_url, Some(&password))?;
    let port = server::free_port()?;
    let log = target.join("xtask").join("bench-import-server.log");
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();
    let token = crate::crash::api_token(&base, &password)?;

    header("generate 10 sheets of 10,000 rows");
    let started = Instant::now();
    let sheets: Vec<Vec<u8>> = (0..10).map(users_xlsx).collect::<Result<_>>()?;
    println!("generated in {} ({} bytes each)", util::fmt_duration(started.elapsed()), sheets[0].len());

    header("import 3 × 10,000 rows");
    let mut import_s = Vec::new();
    for (i, sheet) in sheets.iter().take(3).enumerate() {
        util::check_interrupted()?;
        let took = import(&base, &token, sheet)?.as_secs_f64();
        println!("import {}: {took:.2} s", i + 1);
        import_s.push(took);
    }
    let import_rss = peak_mb(srv.pid())?;
    header("7 more imports (to 100,000 users)");
    for sheet in sheets.iter().skip(3) {
        util::check_interrupted()?;
        import(&base, &token, sheet)?;
    }
    header("export all users: 3 × xlsx, 1 × csv");
    let mut export_s = Vec::new();
    let mut exported = 0;
    for _ in 0..3 {
        let (took, rows, bytes) = export(&base, &token, "xlsx")?;
        println!("xlsx: {rows} rows, {bytes} bytes, {:.2} s", took.as_secs_f64());
        export_s.push(took.as_secs_f64());
        exported = rows;
    }
    let (csv, csv_rows, _) = export(&base, &token, "csv")?;
    println!("csv: {csv_rows} rows, {:.2} s", csv.as_secs_f64());
    let export_rss = peak_mb(srv.pid())?;
    drop(srv);
    if exported < 100_000 {
        bail!("only {exported} rows exported; expected over 100,000");
    }

    let (mi, me) = (median(import_s), median(export_s));
    println!();
    println!("| what | median | target | peak RSS after |");
    println!("|---|---:|---|---:|");
    println!(
        "| import 10,000 rows (.xlsx) | {mi:.2} s | < {IMPORT_TARGET_S} s: {} | {import_rss:.0} MB |",
        mark(mi < IMPORT_TARGET_S)
    );
    println!(
        "| export {exported} rows (.xlsx, streamed) | {me:.2} s | < {EXPORT_TARGET_S} s: {} | {export_rss:.0} MB |",
        mark(me < EXPORT_TARGET_S)
    );
    println!("RSS target < {RSS_TARGET_MB} MB: {}", mark(import_rss.max(export_rss) < RSS_TARGET_MB));
    Ok(())
}
