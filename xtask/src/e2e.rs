//! Stage (f): the Playwright end-to-end suite against a fresh demo server.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::install::{self, CHROMIUM};
use crate::server::{self, Server};
use crate::util::{self, Cmd, header};

/// Tests by final status, from Playwright's JSON reporter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Top-level errors (e.g. a failing global setup or a spec that does not load).
    pub errors: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.skipped
    }

    /// `e2e: 7 passed, 0 failed` (+ `, N skipped` when N > 0).
    pub fn line(&self) -> String {
        let mut line = format!("e2e: {} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            line.push_str(&format!(", {} skipped", self.skipped));
        }
        line
    }
}

/// Counts the tests in a Playwright JSON report (`--reporter=json`).
///
/// Each test's final `status` decides: `expected` → passed; `unexpected` and
/// `flaky` → failed; `skipped` → skipped. Without a `status`, the last result's
/// status is used (`passed`/`failed`/`timedOut`/`interrupted`/`skipped`).
pub fn parse_results(json: &str) -> Result<Counts> {
    let report: Value = serde_json::from_str(json).context("results.json is not JSON")?;
    let suites = report
        .get("suites")
        .and_then(Value::as_array)
        .context("results.json has no `suites` array (not a Playwright JSON report?)")?;
    let mut counts = Counts::default();
    for suite in suites {
        walk_suite(suite, &mut counts);
    }
    counts.errors = report.get("errors").and_then(Value::as_array).map_or(0, Vec::len);
    Ok(counts)
}

fn walk_suite(suite: &Value, counts: &mut Counts) {
    for spec in suite.get("specs").and_then(Value::as_array).into_iter().flatten() {
        for test in spec.get("tests").and_then(Value::as_array).into_iter().flatten() {
            classify(test, counts);
        }
    }
    for child in suite.get("suites").and_then(Value::as_array).into_iter().flatten() {
        walk_suite(child, counts);
    }
}

fn classify(test: &Value, counts: &mut Counts) {
    let status = test.get("status").and_then(Value::as_str).or_else(|| {
        test.get("results")
            .and_then(Value::as_array)
            .and_then(|r| r.last())
            .and_then(|r| r.get("status"))
            .and_then(Value::as_str)
    });
    match status {
        Some("expected" | "passed") => counts.passed += 1,
        Some("skipped") => counts.skipped += 1,
        // unexpected, flaky, failed, timedOut, interrupted, or no status at all
        _ => counts.failed += 1,
    }
}

/// Decides whether a finished run is a failure.
pub fn verdict(counts: &Counts, exit_ok: bool, ci: bool) -> Result<()> {
    let mut problems = Vec::new();
    if !exit_ok {
        problems.push("playwright exited non-zero".to_owned());
    }
    if counts.failed > 0 {
        problems.push(format!("{} test(s) failed", counts.failed));
    }
    if counts.errors > 0 {
        problems.push(format!("{} top-level error(s) in the report", counts.errors));
    }
    if counts.total() == 0 {
        if ci {
            problems.push("no e2e tests ran (CI=true)".to_owned());
        } else {
            eprintln!("warning: no e2e tests ran");
        }
    }
    if counts.skipped > 0 {
        if ci {
            problems.push(format!("{} test(s) skipped; under CI=true nothing may be skipped", counts.skipped));
        } else {
            eprintln!("warning: {} e2e test(s) skipped", counts.skipped);
        }
    }
    if problems.is_empty() { Ok(()) } else { bail!("{}", problems.join("; ")) }
}

/// Builds `yuanqu` (debug), starts a demo server on a free port and runs
/// `npx playwright test` against it. `counts` is filled in whenever a report
/// could be read, also when the run failed.
pub fn run(counts: &mut Option<Counts>) -> Result<()> {
    let e2e = util::e2e_dir();
    if !Path::new(CHROMIUM).is_file() {
        bail!("{CHROMIUM} missing (apt-get install -y chromium)");
    }
    let target = util::target_dir()?;
    header("cargo build -p yuanqu");
    util::cargo().args(["build", "-p", "yuanqu"]).run()?;
    let bin = target.join("debug").join("yuanqu");

    let tmp = tempfile::Builder::new().prefix("yuanqu-e2e-").tempdir().context("creating a temp dir")?;
    let db_url = server::sqlite_url(&tmp.path().join("e2e.db"));
    let password = server::random_password();
    let demo_out = server::demo(&bin, &db_url, Some(&password))?;
    print!("{demo_out}");

    // Time travel for the appeal escalation spec: the server's clock is the system time plus
    // the seconds written in this file (0 = none), and the escalation sweep runs every second.
    let clock_file = tmp.path().join("clock-offset");
    std::fs::write(&clock_file, "0").with_context(|| format!("writing {}", clock_file.display()))?;
    let port = server::free_port()?;
    let log = target.join("xtask").join("e2e-server.log");
    let env = [("YUANQU_CLOCK_FILE", clock_file.display().to_string()), ("YUANQU_JOBS_INTERVAL_SECS", "1".to_owned())];
    let mut srv = Server::start_with_env(&bin, &db_url, port, &log, &env)?;
    srv.wait_healthy(Duration::from_secs(60))?;

    let results = e2e.join("output").join("results.json");
    if results.exists() {
        std::fs::remove_file(&results).with_context(|| format!("removing stale {}", results.display()))?;
    }
    header("playwright");
    let status = Cmd::new("npx")
        .args(["playwright", "test"])
        .env("BASE_URL", srv.base_url())
        .env("DEMO_PASSWORD", &password)
        .env("CHROMIUM_PATH", CHROMIUM)
        .env("CLOCK_FILE", &clock_file)
        // Fallback for a config whose json reporter names no outputFile.
        .env("PLAYWRIGHT_JSON_OUTPUT_FILE", &results)
        .dir(&e2e)
        .status()?;
    let log_tail = srv.log_tail(40);
    drop(srv);

    let parsed = std::fs::read_to_string(&results)
        .with_context(|| {
            format!(
                "{} missing after `npx playwright test` ({status}); \
                 the JSON reporter must write it",
                results.display()
            )
        })
        .and_then(|json| parse_results(&json));
    let outcome = parsed.and_then(|c| {
        *counts = Some(c);
        verdict(&c, status.success(), util::is_ci())
    });
    if outcome.is_err() {
        eprintln!("--- yuanqu serve log (last 40 lines, full log: {}) ---", log.display());
        eprintln!("{log_tail}");
    }
    outcome
}

/// `cargo xtask e2e`: npm deps and the UI if needed, then stage (f). The
/// `e2e: …` line is the last line printed.
pub fn cmd_e2e() -> Result<std::process::ExitCode> {
    let prepared = install::ensure(install::Needs { chromium: true, npm: true, ..Default::default() })
        .and_then(|()| crate::web::ensure_ui())
        .and_then(|()| crate::web::npm_ci_if_needed(&util::e2e_dir()));
    let mut counts = None;
    let result = prepared.and_then(|()| run(&mut counts));
    if let Err(e) = &result {
        eprintln!("error: {e:#}");
    }
    use std::io::Write as _;
    let _ = std::io::stderr().flush();
    println!("{}", final_line(counts.as_ref(), result.as_ref().err().map(|e| e.to_string())));
    Ok(if result.is_ok() { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE })
}

/// The e2e summary line; `not run (…)` when no report was produced.
pub fn final_line(counts: Option<&Counts>, why_not: Option<String>) -> String {
    match counts {
        Some(c) => c.line(),
        None => format!("e2e: not run ({})", why_not.unwrap_or_else(|| "no report".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "config": {"version": "1.49.0"},
      "suites": [
        {
          "title": "login.spec.ts",
          "file": "login.spec.ts",
          "specs": [
            {"title": "logs in", "ok": true, "tests": [
              {"projectName": "chromium", "expectedStatus": "passed", "status": "expected",
               "results": [{"status": "passed", "retry": 0}]}
            ]},
            {"title": "wrong password", "ok": false, "tests": [
              {"projectName": "chromium", "expectedStatus": "passed", "status": "unexpected",
               "results": [{"status": "failed"}, {"status": "failed"}]}
            ]}
          ],
          "suites": [
            {"title": "nested", "specs": [
              {"title": "flaky one", "ok": true, "tests": [
                {"expectedStatus": "passed", "status": "flaky",
                 "results": [{"status": "failed"}, {"status": "passed"}]}
              ]},
              {"title": "skipped one", "ok": true, "tests": [
                {"expectedStatus": "skipped", "status": "skipped", "results": []}
              ]},
              {"title": "old format", "ok": true, "tests": [
                {"expectedStatus": "passed", "results": [{"status": "timedOut"}]}
              ]}
            ]}
          ]
        },
        {"title": "users.spec.ts", "specs": [
          {"title": "lists users", "ok": true, "tests": [
            {"status": "expected", "results": [{"status": "passed"}]},
            {"status": "expected", "results": [{"status": "passed"}]}
          ]}
        ]}
      ],
      "errors": [],
      "stats": {"expected": 3, "unexpected": 2, "flaky": 1, "skipped": 1}
    }"#;

    #[test]
    fn counts_tests_by_final_status() -> Result<()> {
        let c = parse_results(SAMPLE)?;
        assert_eq!(c, Counts { passed: 3, failed: 3, skipped: 1, errors: 0 });
        assert_eq!(c.line(), "e2e: 3 passed, 3 failed, 1 skipped");
        Ok(())
    }

    #[test]
    fn line_omits_zero_skipped() {
        let c = Counts { passed: 7, ..Counts::default() };
        assert_eq!(c.line(), "e2e: 7 passed, 0 failed");
    }

    #[test]
    fn top_level_errors_and_bad_json() -> Result<()> {
        let c = parse_results(r#"{"suites": [], "errors": [{"message": "boom"}]}"#)?;
        assert_eq!(c.errors, 1);
        assert!(verdict(&c, true, false).is_err());
        assert!(parse_results("{}").is_err());
        assert!(parse_results("not json").is_err());
        Ok(())
    }

    #[test]
    fn verdict_under_ci() {
        let ok = Counts { passed: 2, ..Counts::default() };
        assert!(verdict(&ok, true, true).is_ok());
        assert!(verdict(&ok, false, false).is_err(), "non-zero exit fails");
        let skipped = Counts { passed: 2, skipped: 1, ..Counts::default() };
        assert!(verdict(&skipped, true, false).is_ok());
        assert!(verdict(&skipped, true, true).is_err());
        let empty = Counts::default();
        assert!(verdict(&empty, true, false).is_ok());
        assert!(verdict(&empty, true, true).is_err());
    }

    #[test]
    fn final_line_when_not_run() {
        assert_eq!(final_line(None, Some("--no-e2e".to_owned())), "e2e: not run (--no-e2e)");
    }
}
