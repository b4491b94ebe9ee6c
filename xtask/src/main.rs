//! Yuanqu's task runner: `cargo xtask <command>` (see `cargo xtask --help`).

mod bench;
mod bench_appeals;
mod bench_import;
mod bench_party;
mod bench_stats;
mod bench_supervision;
mod crash;
mod e2e;
mod install;
mod pg;
mod run;
mod server;
mod test;
mod util;
mod web;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Yuanqu development tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the UI and the server, load the demo zone on first run, serve on :8080.
    Run {
        /// Extra arguments for `yuanqu serve` (after `--`).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Everything CI checks: tools, UI, fmt, clippy, tests on SQLite and PostgreSQL, e2e.
    Test {
        /// Skip the PostgreSQL test run (refused under CI=true).
        #[arg(long)]
        no_pg: bool,
        /// Skip the Playwright suite (refused under CI=true).
        #[arg(long)]
        no_e2e: bool,
        /// Skip fmt and clippy (refused under CI=true).
        #[arg(long)]
        no_lint: bool,
    },
    /// Start a throwaway PostgreSQL cluster, print its URL, stop it on Ctrl-C.
    Pg,
    /// Run only the Playwright suite against a fresh demo server.
    E2e,
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        what: Bench,
    },
    /// Regenerate web/openapi.json and the web client's types.
    Openapi,
    /// CS-01: SIGKILL a SQLite server under 32 HTTP writers, restart, check nothing acknowledged is lost.
    Crash {
        /// Kill-and-restart rounds (the test suite runs 20).
        #[arg(long, default_value_t = 20)]
        iterations: u32,
        /// Concurrent writers.
        #[arg(long, default_value_t = 32)]
        writers: u32,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// wrk against /healthz and an authenticated list endpoint (release build).
    Api,
    /// Spreadsheet import (10,000 rows) and export (100,000 rows) over HTTP (release build).
    Import,
    /// The economy: dashboard, enterprise list, month import, evaluation run on 1,000 enterprises
    /// × 120 months, SQLite and PostgreSQL (release build).
    Stats,
    /// Appeals (issue 5): lists and queues on 100,000 appeals, the escalation sweep over 20,000
    /// open ones, filing at 32 concurrent clients, on SQLite (release build).
    Appeals,
    /// Supervision (issue 6): every colour of ~1,500 key tasks and projects (5 years), the
    /// Saturday brief as JSON and .docx, the list, scoreboard and dashboard, on SQLite (release build).
    Supervision,
    /// Party building (issue 7): the compliance view of every branch over a year, the
    /// organization tree with counts, the dashboard and the member list on ~120 organizations
    /// with 5,000 members and 5 years of meetings, on SQLite (release build).
    Party,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(command: Command) -> Result<ExitCode> {
    std::env::set_current_dir(util::root())?;
    if !matches!(command, Command::Run { .. }) {
        util::install_ctrlc_handler()?;
    }
    match command {
        Command::Run { args } => run::cmd_run(args).map(|()| ExitCode::SUCCESS),
        Command::Test { no_pg, no_e2e, no_lint } => test::cmd_test(test::Opts { no_pg, no_e2e, no_lint }),
        Command::Pg => pg::cmd_pg().map(|()| ExitCode::SUCCESS),
        Command::E2e => e2e::cmd_e2e(),
        Command::Bench { what: Bench::Api } => bench::cmd_bench_api().map(|()| ExitCode::SUCCESS),
        Command::Bench { what: Bench::Import } => bench_import::cmd_bench_import().map(|()| ExitCode::SUCCESS),
        Command::Bench { what: Bench::Stats } => bench_stats::cmd_bench_stats().map(|()| ExitCode::SUCCESS),
        Command::Bench { what: Bench::Appeals } => bench_appeals::cmd_bench_appeals().map(|()| ExitCode::SUCCESS),
        Command::Bench { what: Bench::Supervision } => {
            bench_supervision::cmd_bench_supervision().map(|()| ExitCode::SUCCESS)
        }
        Command::Bench { what: Bench::Party } => bench_party::cmd_bench_party().map(|()| ExitCode::SUCCESS),
        Command::Openapi => web::cmd_openapi().map(|()| ExitCode::SUCCESS),
        Command::Crash { iterations, writers } => {
            crash::cmd_crash(crash::Opts { iterations, writers }).map(|()| ExitCode::SUCCESS)
        }
    }
}
