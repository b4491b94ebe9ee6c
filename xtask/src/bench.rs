//! `cargo xtask bench api`: wrk against a release build with the demo data.

use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::install;
use crate::server::{self, Server};
use crate::util::{self, Cmd, header};

const TARGET_RATIO: f64 = 0.50;
const TARGET_P99_MS: f64 = 20.0;
const TARGET_RSS_MB: f64 = 150.0;
const USERS_PATH: &str = "/api/v1/users?page=1&page_size=20";

/// What we read from wrk's output.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Wrk {
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub non_2xx: u64,
    pub socket_errors: u64,
}

/// `430.00us` / `1.27ms` / `2.00s` / `1.00m` → milliseconds.
fn parse_latency_ms(token: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = token.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = token.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = token.strip_suffix('s') {
        (n, 1000.0)
    } else if let Some(n) = token.strip_suffix('m') {
        (n, 60_000.0)
    } else if let Some(n) = token.strip_suffix('h') {
        (n, 3_600_000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// Parses `wrk --latency` output.
pub fn parse_wrk(out: &str) -> Result<Wrk> {
    let mut wrk = Wrk::default();
    let mut saw_rps = false;
    for line in out.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Requests/sec:") {
            wrk.rps = rest.trim().parse().with_context(|| format!("bad wrk line: {line}"))?;
            saw_rps = true;
        } else if let Some(rest) = line.strip_prefix("50%") {
            wrk.p50_ms = parse_latency_ms(rest.trim());
        } else if let Some(rest) = line.strip_prefix("99%") {
            wrk.p99_ms = parse_latency_ms(rest.trim());
        } else if let Some(rest) = line.strip_prefix("Non-2xx or 3xx responses:") {
            wrk.non_2xx = rest.trim().parse().unwrap_or(0);
        } else if let Some(rest) = line.strip_prefix("Socket errors:") {
            wrk.socket_errors =
                rest.split(',').filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok()).sum();
        } else if line.contains(" requests in ")
            && let Some(n) = line.split_whitespace().next().and_then(|n| n.parse().ok())
        {
            wrk.requests = n;
        }
    }
    if !saw_rps {
        bail!("no `Requests/sec:` line in wrk output:\n{out}");
    }
    Ok(wrk)
}

/// VmRSS and VmHWM (kB) from /proc/<pid>/status.
pub fn parse_proc_status(status: &str) -> (Option<u64>, Option<u64>) {
    let field = |name: &str| {
        status.lines().find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse().ok()
        })
    };
    (field("VmRSS"), field("VmHWM"))
}

/// The `yq_session` value from Set-Cookie header values.
pub fn session_cookie<'a>(set_cookies: impl IntoIterator<Item = &'a str>) -> Option<String> {
    set_cookies.into_iter().find_map(|header| {
        let pair = header.split(';').next()?.trim();
        let value = pair.strip_prefix("yq_session=")?;
        (!value.is_empty()).then(|| value.to_owned())
    })
}

fn login(base: &str, password: &str) -> Result<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let url = format!("{base}/api/v1/auth/login");
    let mut resp = agent
        .post(&url)
        .header("Origin", base)
        .send_json(serde_json::json!({"zone": "demo", "login": "admin", "password": password}))
        .with_context(|| format!("POST {url}"))?;
    if resp.status().as_u16() != 200 {
        let body = resp.body_mut().read_to_string().unwrap_or_default();
        bail!("POST {url} answered {}: {body}", resp.status());
    }
    let cookies = resp.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok());
    let cookie = session_cookie(cookies).context("login response has no yq_session cookie")?;

    // One authenticated request up front, so a broken session fails loudly here
    // rather than as a table full of 401s.
    let users = format!("{base}{USERS_PATH}");
    let mut check = agent
        .get(&users)
        .header("Cookie", format!("yq_session={cookie}"))
        .call()
        .with_context(|| format!("GET {users}"))?;
    if check.status().as_u16() != 200 {
        let body = check.body_mut().read_to_string().unwrap_or_default();
        bail!("GET {users} with the session answered {}: {body}", check.status());
    }
    Ok(cookie)
}

fn wrk(url: &str, cookie: Option<&str>, duration: &str, latency: bool) -> Result<String> {
    let mut cmd = Cmd::new("wrk").args(["-t2", "-c64", &format!("-d{duration}")]);
    if latency {
        cmd = cmd.arg("--latency");
    }
    if let Some(cookie) = cookie {
        cmd = cmd.args(["-H", &format!("Cookie: yq_session={cookie}")]);
    }
    cmd.arg(url).read()
}

pub(crate) fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                let (key, value) = l.split_once(':')?;
                (key.trim() == "model name").then(|| value.trim().to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let mem_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines().find_map(|l| {
                let rest = l.strip_prefix("MemTotal:")?;
                rest.split_whitespace().next()?.parse::<f64>().ok()
            })
        })
        .map_or_else(|| "?".to_owned(), |kb| format!("{:.1}", kb / 1024.0 / 1024.0));
    format!("nproc {cpus}, {model}, {mem_gib} GiB RAM")
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "?".to_owned(), |v| format!("{v:.2} ms"))
}

fn mark(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

pub fn cmd_bench_api() -> Result<()> {
    install::ensure_wrk()?;
    crate::web::ensure_ui()?;
    header("cargo build --release -p yuanqu");
    util::cargo().args(["build", "--release", "-p", "yuanqu"]).run()?;
    let target = util::target_dir()?;
    let bin = target.join("release").join("yuanqu");

    let tmp = tempfile::Builder::new().prefix("yuanqu-bench-").tempdir()?;
    let db_url = server::sqlite_url(&tmp.path().join("bench.db"));
    let password = server::random_password();
    server::demo(&bin, &db_url, Some(&password))?;
    let port = server::free_port()?;
    let log = target.join("xtask").join("bench-server.log");
    let mut srv = Server::start(&bin, &db_url, port, &log)?;
    srv.wait_healthy(Duration::from_secs(60))?;
    let base = srv.base_url();

    header("login as demo/admin");
    let cookie = login(&base, &password)?;

    let endpoints = [
        ("GET /healthz", format!("{base}/healthz"), None),
        ("GET /api/v1/users?page=1&page_size=20 (session)", format!("{base}{USERS_PATH}"), Some(cookie.as_str())),
    ];
    let mut results = Vec::new();
    for (name, url, cookie) in &endpoints {
        util::check_interrupted()?;
        header(&format!("wrk warm-up: {name}"));
        wrk(url, *cookie, "3s", false)?;
        header(&format!("wrk: {name}"));
        let out = wrk(url, *cookie, "20s", true)?;
        print!("{out}");
        results.push((*name, parse_wrk(&out)?));
    }

    let status = std::fs::read_to_string(format!("/proc/{}/status", srv.pid()))
        .context("reading the server's /proc/<pid>/status")?;
    let (rss, hwm) = parse_proc_status(&status);
    drop(srv);

    println!();
    println!("| endpoint | req/s | p50 | p99 | non-2xx |");
    println!("|---|---:|---:|---:|---:|");
    for (name, r) in &results {
        println!("| {name} | {:.0} | {} | {} | {} |", r.rps, ms(r.p50_ms), ms(r.p99_ms), r.non_2xx);
    }
    println!();
    if let [(_, health), (_, users)] = results.as_slice() {
        let ratio = if health.rps > 0.0 { users.rps / health.rps } else { 0.0 };
        println!(
            "authenticated / healthz: {:.1} % (target ≥ {:.0} %: {})",
            ratio * 100.0,
            TARGET_RATIO * 100.0,
            mark(ratio >= TARGET_RATIO)
        );
        for (name, r) in &results {
            println!(
                "p99 {name}: {} (target < {TARGET_P99_MS:.0} ms: {})",
                ms(r.p99_ms),
                mark(r.p99_ms.is_some_and(|p| p < TARGET_P99_MS))
            );
        }
    }
    let mb = |kb: Option<u64>| kb.map(|kb| kb as f64 / 1024.0);
    let peak = mb(hwm).or(mb(rss));
    println!(
        "RSS: {} MB now, {} MB peak (target < {TARGET_RSS_MB:.0} MB: {})",
        mb(rss).map_or_else(|| "?".to_owned(), |v| format!("{v:.1}")),
        peak.map_or_else(|| "?".to_owned(), |v| format!("{v:.1}")),
        mark(peak.is_some_and(|p| p < TARGET_RSS_MB))
    );
    println!("machine: {}", machine());

    let bad: u64 = results.iter().map(|(_, r)| r.non_2xx + r.socket_errors).sum();
    if bad > 0 {
        bail!("{bad} non-2xx responses or socket errors during the runs; the numbers are not valid");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEALTHZ: &str = "Running 20s test @ http://127.0.0.1:8080/healthz
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   476.23us  224.01us   8.39ms   87.65%
    Req/Sec    65.71k     3.94k   74.90k    72.50%
  Latency Distribution
     50%  430.00us
     75%  545.00us
     90%  695.00us
     99%    1.27ms
  2614897 requests in 20.00s, 299.25MB read
Requests/sec: 130736.12
Transfer/sec:     14.96MB
";

    const USERS: &str = "Running 20s test @ http://127.0.0.1:8080/api/v1/users?page=1&page_size=20
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    3.01ms  51.22ms   70.00%
    Req/Sec     2.66k   150.00     3.01k    68.00%
  Latency Distribution
     50%   11.80ms
     75%   13.90ms
     90%   16.02ms
     99%    1.02s
  106000 requests in 20.01s, 120.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 17
Requests/sec:   5297.35
Transfer/sec:      6.00MB
";

    #[test]
    fn parses_wrk_output() -> Result<()> {
        let h = parse_wrk(HEALTHZ)?;
        assert_eq!(h.requests, 2_614_897);
        assert!((h.rps - 130_736.12).abs() < 1e-6);
        assert_eq!(h.p50_ms, Some(0.43));
        assert_eq!(h.p99_ms, Some(1.27));
        assert_eq!((h.non_2xx, h.socket_errors), (0, 0));

        let u = parse_wrk(USERS)?;
        assert!((u.rps - 5297.35).abs() < 1e-6);
        assert_eq!(u.p50_ms, Some(11.8));
        assert_eq!(u.p99_ms, Some(1020.0));
        assert_eq!(u.non_2xx, 17);
        assert_eq!(u.socket_errors, 5);
        Ok(())
    }

    #[test]
    fn wrk_output_without_rps_is_an_error() {
        assert!(parse_wrk("unable to connect to 127.0.0.1:1 Connection refused").is_err());
    }

    #[test]
    fn latency_units() {
        assert_eq!(parse_latency_ms("250.00us"), Some(0.25));
        assert_eq!(parse_latency_ms("3.00ms"), Some(3.0));
        assert_eq!(parse_latency_ms("1.50s"), Some(1500.0));
        assert_eq!(parse_latency_ms("2.00m"), Some(120_000.0));
        assert_eq!(parse_latency_ms("12"), None);
    }

    #[test]
    fn proc_status_fields() {
        let status = "Name:\tyuanqu\nVmPeak:\t  900000 kB\nVmHWM:\t   61234 kB\nVmRSS:\t   45678 kB\n";
        assert_eq!(parse_proc_status(status), (Some(45_678), Some(61_234)));
    }

    #[test]
    fn session_cookie_from_set_cookie() {
        let headers = ["other=1; Path=/", "yq_session=abc.def; Path=/; HttpOnly; SameSite=Lax"];
        assert_eq!(session_cookie(headers), Some("abc.def".to_owned()));
        assert_eq!(session_cookie(["yq_session=; Max-Age=0"]), None);
    }
}
