//! `yuanqu`: serve, migrate, demo, user, backup, restore, verify-audit, openapi.

mod backup;
mod config;

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use config::Config;
use yuanqu_app::enterprise;
use yuanqu_app::identity::{setup, users};
use yuanqu_app::{App, RequestCtx, SystemClock};
use yuanqu_store::Db;

#[derive(Parser)]
#[command(name = "yuanqu", version, about = "园区 Yuanqu — the operating platform of an economic development zone")]
struct Cli {
    /// Configuration file (default: ./yuanqu.toml if it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve the API and the web UI.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Run the background jobs once (the appeal escalation sweep, the supervision lights) and print what they did; `serve`
    /// runs them every `jobs_interval_secs`.
    Jobs,
    /// Load the demo zone `demo` (5 parks, departments, 1,000 enterprises with monthly statistics, one account per role).
    Demo {
        /// The password of every demo account (default: a random one, printed).
        #[arg(long)]
        password: Option<String>,
        /// Months of monthly statistics to generate, ending last month (the benchmarks use 120).
        #[arg(long, default_value_t = 72, value_parser = clap::value_parser!(i32).range(1..=240))]
        months: i32,
        /// Appeals to generate over the last year (the benchmark loads 100,000).
        #[arg(long, default_value_t = 1500)]
        appeals: usize,
        /// Percent of the appeals to leave open (received in the last two days, not yet
        /// accepted); by default only the recent ones are (the escalation benchmark uses 20).
        #[arg(long, value_parser = clap::value_parser!(u8).range(0..=100))]
        open_share: Option<u8>,
        /// Years of key tasks and projects under supervision (about 285 a year, earlier years
        /// mostly closed), ending with this one; the benchmark loads 5.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=20))]
        supervision_years: u32,
        /// Party members of the demo's ~120 party organizations (the benchmark loads 5,000).
        #[arg(long, default_value_t = 2500, value_parser = clap::value_parser!(u32).range(0..=50_000))]
        party_members: u32,
        /// Years of party activities and regular meetings (三会一课), ending today; the
        /// benchmark loads 5 (0: no party demo).
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=20))]
        party_years: u32,
    },
    /// Manage users from scripts.
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Take an online, consistent copy of the database and the uploaded files into a new
    /// directory, with a SHA-256 manifest (SQLite: VACUUM INTO; PostgreSQL: pg_dump).
    Backup {
        /// The directory to create (it must not exist or be empty).
        #[arg(long)]
        to: PathBuf,
    },
    /// Verify a backup directory, then replace the database and the files with it (stop the
    /// server first; on PostgreSQL the target database must be new and empty).
    Restore {
        /// The backup directory.
        #[arg(long)]
        from: PathBuf,
    },
    /// Check the database: SQLite integrity and foreign keys, the schema version, every zone's
    /// audit chain; `--digest` also prints each table's row count and content hash.
    Check {
        #[arg(long)]
        digest: bool,
    },
    /// Walk every zone's audit hash chain; exit 1 if any is broken.
    VerifyAudit,
    /// Benchmark aid: assess every key task and project of a zone (open or closed) for this week
    /// without writing, `runs` times, printing each run's time.
    #[command(hide = true)]
    SupervisionAssess {
        #[arg(long, default_value = "demo")]
        zone: String,
        #[arg(long, default_value_t = 1)]
        runs: u32,
    },
    /// Add a data key version (key file) or take the newest one (`YUANQU_DATA_KEY`), then
    /// re-encrypt every encrypted value under it while the server keeps serving.
    RotateKey {
        /// Values re-encrypted per transaction.
        #[arg(long, default_value_t = 500)]
        batch: u64,
    },
    /// Print the OpenAPI document.
    Openapi,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create a user; the password is read from standard input.
    Create {
        #[arg(long)]
        zone: String,
        #[arg(long)]
        login: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// 统一社会信用代码 of the enterprise an enterprise account belongs to.
        #[arg(long)]
        enterprise: Option<String>,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input) that must be changed at next sign-in.
    ResetPassword {
        #[arg(long)]
        zone: String,
        #[arg(long)]
        login: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let cfg = Config::load(cli.config.as_deref())?;
    init_tracing(&cfg);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(run(cli.cmd, cfg))
}

fn init_tracing(cfg: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("YUANQU_LOG").unwrap_or_else(|_| EnvFilter::new(&cfg.log_level));
    let b = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if cfg.log_json {
        b.json().init();
    } else {
        b.init();
    }
}

async fn open(cfg: &Config) -> Result<App> {
    if let Some(path) = cfg.sqlite_path()
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let db = Db::connect(&cfg.database_url, cfg.max_connections)
        .await
        .with_context(|| format!("connecting to {}", cfg.redacted_url()))?;
    // CS-04: never touch a schema a newer Yuanqu wrote.
    db.migrate().await?;
    let clock: Arc<dyn yuanqu_app::Clock> = match &cfg.clock_file {
        Some(f) => {
            tracing::warn!(file = %f.display(), "clock_file set: time is moved by the file's offset (tests only)");
            Arc::new(yuanqu_app::OffsetFileClock::new(f))
        }
        None => Arc::new(SystemClock),
    };
    Ok(App::new(db, clock, cfg.app_config()).with_keys(load_keys(cfg)?))
}

/// PD-01: `YUANQU_DATA_KEY` if set, else the key file (created 0600 on first start).
fn load_keys(cfg: &Config) -> Result<yuanqu_app::personal::KeyRing> {
    let env = std::env::var("YUANQU_DATA_KEY").ok();
    let path = cfg.data_key_path();
    yuanqu_app::personal::KeyRing::load(env.as_deref(), &path).with_context(|| {
        if env.is_some() { "YUANQU_DATA_KEY".to_owned() } else { format!("data key file {}", path.display()) }
    })
}

fn read_password() -> Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let p = s.trim_end_matches(['\n', '\r']).to_owned();
    if p.is_empty() {
        bail!("no password on standard input");
    }
    Ok(p)
}

async fn run(cmd: Cmd, cfg: Config) -> Result<()> {
    match cmd {
        Cmd::Openapi => {
            println!("{}", yuanqu_http::openapi().to_pretty_json()?);
        }
        Cmd::Migrate => {
            open(&cfg).await?;
            println!("migrations applied");
        }
        Cmd::Serve => serve(cfg).await?,
        Cmd::Jobs => {
            let app = open(&cfg).await?;
            let started = std::time::Instant::now();
            let n = yuanqu_app::appeal::escalation::sweep(&app).await.map_err(err)?;
            println!("appeal escalation sweep: {n} escalated in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
            let started = std::time::Instant::now();
            let n = yuanqu_app::supervision::lights::sweep(&app).await.map_err(err)?;
            println!("supervision lights: {n} items assessed in {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
        }
        Cmd::Demo { password, months, appeals, open_share, supervision_years, party_members, party_years } => {
            let app = open(&cfg).await?;
            let password = password.unwrap_or_else(yuanqu_app::secret::random_password);
            let started = std::time::Instant::now();
            let party = yuanqu_app::party_demo::Spec {
                members: party_members as usize,
                years: party_years,
                ..Default::default()
            };
            let loaded = setup::load_demo(&app, &password, months, appeals, open_share, supervision_years, party)
                .await
                .map_err(err)?;
            if let Some(loaded) = loaded {
                let sv = &loaded.supervision;
                println!(
                    "({} months of statistics, {} appeals, {:.1} s)",
                    months,
                    appeals,
                    started.elapsed().as_secs_f64()
                );
                println!(
                    "(supervision: {} items over {} year(s), {} reports, {} weekly lights, {} meetings, {:.1} s; \
                     this year's {} open items: {} green, {} yellow, {} red)",
                    sv.items,
                    supervision_years,
                    sv.reports,
                    sv.lights,
                    sv.meetings,
                    loaded.supervision_secs,
                    sv.open,
                    sv.green,
                    sv.yellow,
                    sv.red
                );
                let p = &loaded.party;
                println!(
                    "(party: {} organizations ({} workshop branches), {} members ({} probationary, {} moved), \
                     {} red workshops, {} vanguard posts, {} alliances, {} theme activities this year, \
                     {} study sessions, {} meetings over {} year(s) with {} attendance rows, {:.1} s; \
                     this year's branches: {} green, {} yellow, {} red)",
                    p.orgs,
                    p.workshop_branches,
                    p.members,
                    p.probationary,
                    p.moves,
                    p.red_workshops,
                    p.vanguard_posts,
                    p.alliances,
                    p.theme_activities_this_year,
                    p.study_sessions,
                    p.meetings,
                    party_years,
                    p.attendance,
                    loaded.party_secs,
                    p.green,
                    p.yellow,
                    p.red
                );
                println!("演示园区 Demo zone `demo` loaded. Every demo account's password: {password}");
                println!("login        role");
                for (login, role, _) in setup::DEMO_ACCOUNTS {
                    println!("{:<12} {} {}", login, role.code(), role.name_zh());
                }
            } else {
                println!("The demo zone `demo` is already loaded; its password was printed when it was.");
            }
        }
        Cmd::User { cmd } => user(cfg, cmd).await?,
        Cmd::Backup { to } => backup::backup(&cfg, &to).await?,
        Cmd::Restore { from } => backup::restore(&cfg, &from).await?,
        Cmd::Check { digest } => check(&cfg, digest).await?,
        Cmd::RotateKey { batch } => {
            if batch == 0 || batch > 10_000 {
                bail!("--batch must be 1..=10000");
            }
            let app = open(&cfg).await?;
            let from_env = std::env::var("YUANQU_DATA_KEY").is_ok_and(|v| !v.trim().is_empty());
            let version = app.keys.add_version()?;
            if from_env {
                println!("data key version {version} (the newest in YUANQU_DATA_KEY) is current");
            } else {
                println!("data key version {version} added to {} and made current", cfg.data_key_path().display());
            }
            let r = yuanqu_app::personal::reencrypt_all(&app, batch).await.map_err(err)?;
            let total: u64 = r.per_zone.values().sum();
            println!("re-encrypted {total} values under version {} in {} zones", r.version, r.per_zone.len());
        }
        Cmd::SupervisionAssess { zone, runs } => {
            let app = open(&cfg).await?;
            let z = setup::zone(&app, &zone).await.map_err(err)?.ok_or_else(|| anyhow::anyhow!("no zone `{zone}`"))?;
            for _ in 0..runs {
                let started = std::time::Instant::now();
                let (n, open) = yuanqu_app::supervision::lights::assess_all(&app, z.id).await.map_err(err)?;
                println!(
                    "supervision assessment: {n} items ({open} open) in {:.2} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        Cmd::VerifyAudit => {
            let app = open(&cfg).await?;
            if !verify_audit(&app).await? {
                bail!("the audit log was altered");
            }
        }
    }
    Ok(())
}

fn err(e: yuanqu_app::AppError) -> anyhow::Error {
    match e {
        yuanqu_app::AppError::Validation(errs) => anyhow::anyhow!(
            "invalid: {}",
            errs.iter().map(|f| format!("{} ({})", f.field, f.code)).collect::<Vec<_>>().join(", ")
        ),
        other => anyhow::anyhow!("{} ({})", other, other.code()),
    }
}

async fn user(cfg: Config, cmd: UserCmd) -> Result<()> {
    let app = open(&cfg).await?;
    match cmd {
        UserCmd::Create { zone, login, role, display_name, enterprise, password_stdin: _ } => {
            let password = read_password()?;
            let z =
                setup::zone(&app, &zone).await.map_err(err)?.with_context(|| format!("no zone with code {zone}"))?;
            let scope = yuanqu_domain::Scope::zone(z.id);
            let enterprise_id = match enterprise {
                Some(u) => {
                    let uscc = yuanqu_domain::Uscc::parse(&u).map_err(|e| anyhow::anyhow!("--enterprise: {e}"))?;
                    let found = enterprise::by_uscc(&app, &scope, uscc.as_str()).await.map_err(err)?;
                    Some(found.map(|e| e.id).with_context(|| format!("no enterprise {uscc} in zone {zone}"))?)
                }
                None => None,
            };
            let n = users::NewUser {
                display_name: display_name.unwrap_or_else(|| login.clone()),
                login,
                role,
                password,
                department_id: None,
                enterprise_id,
                phone: None,
                id_card: None,
            };
            let u = users::insert(&app, &scope, &setup::cli(z.id), n, &RequestCtx::default()).await.map_err(err)?;
            println!("created {} ({}) in zone {zone}", u.login, u.role);
        }
        UserCmd::ResetPassword { zone, login, password_stdin: _ } => {
            let password = read_password()?;
            setup::reset_password(&app, &zone, &login, &password).await.map_err(err)?;
            println!("password reset; {login} must change it at next sign-in");
        }
    }
    Ok(())
}

async fn serve(cfg: Config) -> Result<()> {
    let app = open(&cfg).await?;
    if let Some(b) = setup::bootstrap_if_empty(&app, &cfg.zone_code, &cfg.zone_name).await.map_err(err)? {
        // AUTH-01: printed once to the console (not the log); it must be changed at first sign-in.
        println!("==================================================================");
        println!(" First start: zone `{}`, administrator `{}`", b.zone_code, b.login);
        println!(" One-time password (change it within 24 h): {}", b.password);
        println!("==================================================================");
    }
    let metrics = metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder().ok();
    tokio::spawn(jobs(app.clone(), std::time::Duration::from_secs(cfg.jobs_interval_secs)));
    // The webhook delivery worker (issue 5): claims due deliveries with a conditional UPDATE, so
    // several `yuanqu serve` nodes may run it at once. It ends with the process.
    let every = std::time::Duration::from_secs(cfg.webhook_interval_secs);
    tokio::spawn(yuanqu_app::notify::run_worker(app.clone(), every, 50));
    let state = yuanqu_http::AppState::new(app, cfg.http_config()?, metrics);
    let router = yuanqu_http::router(state)?;
    let addr: SocketAddr = cfg.listen.parse().with_context(|| format!("listen address {}", cfg.listen))?;
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    println!("Yuanqu 园区 is serving on http://{}/", listener.local_addr()?);
    tracing::info!(%addr, "serving");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}

/// The background jobs, run every `every` from the durable schedules in the database (a restart
/// loses nothing): the appeal escalation sweep; and once a (Beijing) day, the supervision
/// lights of every open item (idempotent: a restart only runs it again).
async fn jobs(app: App, every: std::time::Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut lights_day = None;
    loop {
        tick.tick().await;
        match yuanqu_app::appeal::escalation::sweep(&app).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(escalated = n, "appeal escalation sweep"),
            Err(e) => tracing::error!(error = %e, "appeal escalation sweep failed"),
        }
        let today = yuanqu_app::enterprise::zone_today(app.now());
        if lights_day != Some(today) {
            match yuanqu_app::supervision::lights::sweep(&app).await {
                Ok(n) => {
                    lights_day = Some(today);
                    tracing::info!(items = n, "supervision lights");
                }
                Err(e) => tracing::error!(error = %e, "supervision lights failed"),
            }
        }
    }
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

/// Prints each zone's audit chain state; false when any chain is broken.
async fn verify_audit(app: &App) -> Result<bool> {
    let mut sound = true;
    for (zone, v) in yuanqu_app::audit::verify_all(&app.db).await.map_err(err)? {
        if v.ok {
            println!("zone {zone}: ok, {} records", v.checked);
        } else {
            sound = false;
            println!("zone {zone}: BROKEN at record {}", v.broken_at.unwrap_or(0));
        }
    }
    Ok(sound)
}

/// `yuanqu check`: never migrates, never writes.
async fn check(cfg: &Config, digest: bool) -> Result<()> {
    let db =
        Db::connect(&cfg.database_url, 1).await.with_context(|| format!("connecting to {}", cfg.redacted_url()))?;
    db.check_schema_not_newer().await?;
    if !db.is_migrated().await? {
        bail!("the database is not fully migrated (run `yuanqu migrate`)");
    }
    let problems = yuanqu_store::dialect::integrity_problems(&db.conn()).await?;
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        println!("integrity: ok");
    }
    if digest {
        for t in yuanqu_store::dialect::table_digests(&db.conn()).await? {
            println!("table {} {} {}", t.table, t.rows, t.sha256);
        }
    }
    let app = App::new(db, Arc::new(SystemClock), cfg.app_config());
    let audit_ok = verify_audit(&app).await?;
    if !problems.is_empty() || !audit_ok {
        bail!("the database check failed");
    }
    Ok(())
}
