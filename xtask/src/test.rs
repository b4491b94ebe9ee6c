//! `cargo xtask test`: everything CI checks, in stages, with a timed summary.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::e2e;
use crate::install::{self, Needs};
use crate::pg::Cluster;
use crate::util::{self, header};
use crate::web;

#[derive(Clone, Copy, Debug, Default)]
pub struct Opts {
    pub no_pg: bool,
    pub no_e2e: bool,
    pub no_lint: bool,
}

enum Status {
    Ok,
    Failed(String),
    /// Left out on request (`--no-…`); not a failure.
    Skipped(String),
    /// Could not run because an earlier stage failed; counts as a failure.
    Blocked(String),
}

struct Stage {
    name: &'static str,
    took: Duration,
    status: Status,
}

#[derive(Default)]
struct Stages {
    done: Vec<Stage>,
}

impl Stages {
    /// Runs a stage under a `==> name` header; returns whether it succeeded.
    fn run(&mut self, name: &'static str, f: impl FnOnce() -> Result<()>) -> bool {
        if util::interrupted() {
            self.block(name, "interrupted");
            return false;
        }
        header(name);
        let start = Instant::now();
        let result = f();
        let took = start.elapsed();
        let status = match result {
            Ok(()) => Status::Ok,
            Err(e) => {
                eprintln!("error: {name}: {e:#}");
                Status::Failed(first_line(&e.to_string()))
            }
        };
        let ok = matches!(status, Status::Ok);
        self.done.push(Stage { name, took, status });
        ok
    }

    fn skip(&mut self, name: &'static str, why: &str) {
        self.done.push(Stage { name, took: Duration::ZERO, status: Status::Skipped(why.to_owned()) });
    }

    fn block(&mut self, name: &'static str, why: &str) {
        self.done.push(Stage { name, took: Duration::ZERO, status: Status::Blocked(why.to_owned()) });
    }

    fn failed(&self) -> bool {
        self.done.iter().any(|s| matches!(s.status, Status::Failed(_) | Status::Blocked(_)))
    }

    fn status_of(&self, name: &str) -> Option<&Status> {
        self.done.iter().find(|s| s.name == name).map(|s| &s.status)
    }

    fn print_summary(&self, total: Duration) {
        let width = self.done.iter().map(|s| s.name.len()).max().unwrap_or(5).max(5);
        println!("==> summary");
        for stage in &self.done {
            let (word, note) = match &stage.status {
                Status::Ok => ("ok", String::new()),
                Status::Failed(why) => ("FAILED", format!("  {why}")),
                Status::Skipped(why) => ("skipped", format!("  ({why})")),
                Status::Blocked(why) => ("NOT RUN", format!("  ({why})")),
            };
            println!("  {:<width$}  {:<7}  {:>7}{note}", stage.name, word, util::fmt_duration(stage.took));
        }
        println!(
            "  {:<width$}  {:<7}  {:>7}",
            "total",
            if self.failed() { "FAILED" } else { "ok" },
            util::fmt_duration(total)
        );
    }
}

fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or_default();
    if line.chars().count() > 160 {
        let cut: String = line.chars().take(157).collect();
        format!("{cut}...")
    } else {
        line.to_owned()
    }
}

/// Kill -9 rounds in every test run (`cargo xtask crash --iterations 200` on demand).
const CRASH_ROUNDS: u32 = 20;

const NOT_PACKAGE_DOMAIN: &str = "not package(yuanqu-domain)";

fn nextest(filter: Option<&str>) -> util::Cmd {
    let mut cmd = util::cargo().args(["nextest", "run", "--workspace", "--no-fail-fast"]);
    if util::is_ci() {
        cmd = cmd.arg("--no-tests=fail");
    }
    if let Some(filter) = filter {
        cmd = cmd.args(["-E", filter]);
    }
    cmd
}

pub fn cmd_test(opts: Opts) -> Result<ExitCode> {
    let ci = util::is_ci();
    if ci && (opts.no_pg || opts.no_e2e || opts.no_lint) {
        bail!("--no-pg, --no-e2e and --no-lint are refused under CI=true");
    }
    let started = Instant::now();
    let mut stages = Stages::default();
    let mut e2e_counts = None;

    let installed = stages.run("install", || {
        install::ensure(Needs { postgres: !opts.no_pg, chromium: !opts.no_e2e, nextest: true, npm: true, wrk: false })
    });

    if installed {
        // The UI must exist before anything compiles `yuanqu` (it embeds web/dist).
        let ui = stages.run("ui", web::ensure_ui);
        let e2e_npm = if opts.no_e2e {
            stages.skip("npm e2e", "--no-e2e");
            false
        } else {
            stages.run("npm e2e", || web::npm_ci_if_needed(&util::e2e_dir()))
        };

        if opts.no_lint {
            stages.skip("fmt", "--no-lint");
            stages.skip("clippy", "--no-lint");
        } else {
            stages.run("fmt", || util::cargo().args(["fmt", "--all", "--check"]).run());
            if ui {
                stages.run("clippy", || {
                    util::cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]).run()
                });
            } else {
                stages.block("clippy", "ui failed");
            }
        }

        if ui {
            stages.run("tests (sqlite)", || nextest(None).env_remove("YUANQU_TEST_DATABASE_URL").run());
        } else {
            stages.block("tests (sqlite)", "ui failed");
        }

        if ui {
            stages.run("crash (sqlite)", || {
                crate::crash::cmd_crash(crate::crash::Opts { iterations: CRASH_ROUNDS, writers: 32 })
            });
        } else {
            stages.block("crash (sqlite)", "ui failed");
        }

        if opts.no_pg {
            stages.skip("tests (postgres)", "--no-pg");
        } else if ui {
            stages.run("tests (postgres)", || {
                header("start PostgreSQL");
                let mut cluster = Cluster::start()?;
                let result = nextest(Some(NOT_PACKAGE_DOMAIN)).env("YUANQU_TEST_DATABASE_URL", cluster.url()).run();
                cluster.stop();
                result
            });
        } else {
            stages.block("tests (postgres)", "ui failed");
        }

        if opts.no_e2e {
            stages.skip("e2e", "--no-e2e");
        } else if !ui {
            stages.block("e2e", "ui failed");
        } else if !e2e_npm {
            stages.block("e2e", "npm e2e failed");
        } else {
            stages.run("e2e", || e2e::run(&mut e2e_counts));
        }
    } else {
        let stages_after = [
            ("ui", false),
            ("fmt", opts.no_lint),
            ("clippy", opts.no_lint),
            ("tests (sqlite)", false),
            ("crash (sqlite)", false),
            ("tests (postgres)", opts.no_pg),
            ("e2e", opts.no_e2e),
        ];
        for (name, skipped) in stages_after {
            if skipped {
                stages.skip(name, "skipped on request");
            } else {
                stages.block(name, "install failed");
            }
        }
    }

    let _ = std::io::stderr().flush();
    stages.print_summary(started.elapsed());
    let why_not = match stages.status_of("e2e") {
        Some(Status::Skipped(why) | Status::Blocked(why) | Status::Failed(why)) => Some(why.clone()),
        _ => None,
    };
    println!("{}", e2e::final_line(e2e_counts.as_ref(), why_not));
    let _ = std::io::stdout().flush();
    Ok(if stages.failed() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_record_failures() {
        let mut st = Stages::default();
        assert!(st.run("a", || Ok(())));
        assert!(!st.failed());
        st.skip("b", "--no-b");
        assert!(!st.failed(), "skipping on request is not a failure");
        assert!(!st.run("c", || bail!("boom\nmore")));
        assert!(st.failed());
        assert!(matches!(st.status_of("c"), Some(Status::Failed(w)) if w == "boom"));
        let mut st = Stages::default();
        st.block("d", "x failed");
        assert!(st.failed());
    }

    #[test]
    fn first_line_truncates() {
        assert_eq!(first_line("a\nb"), "a");
        assert_eq!(first_line(&"x".repeat(200)).chars().count(), 160);
    }
}
