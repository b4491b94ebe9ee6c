//! Starting a `yuanqu` server for e2e tests and benchmarks.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use rand::Rng as _;

use crate::util::{self, Cmd, header};

/// A strong throwaway password: `Demo-` + 12 alphanumerics + `!9a`.
pub fn random_password() -> String {
    let middle: String =
        rand::thread_rng().sample_iter(&rand::distributions::Alphanumeric).take(12).map(char::from).collect();
    format!("Demo-{middle}!9a")
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// `sqlite://<dir>/<file>?mode=rwc`
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Runs `yuanqu demo [--password P]` against `db_url` and returns its stdout.
pub fn demo(bin: &Path, db_url: &str, password: Option<&str>) -> Result<String> {
    header("yuanqu demo");
    let mut cmd = Cmd::new(bin).arg("demo");
    if let Some(password) = password {
        cmd = cmd.args(["--password", password]);
    }
    cmd.env("YUANQU_DATABASE_URL", db_url).read()
}

/// A running `yuanqu serve`; terminated on drop (SIGTERM, then SIGKILL after 5 s).
pub struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    /// Starts `yuanqu serve` on 127.0.0.1:`port`, logging to `log`.
    pub fn start(bin: &Path, db_url: &str, port: u16, log: &Path) -> Result<Server> {
        Self::start_with_env(bin, db_url, port, log, &[])
    }

    /// [`Server::start`] with extra environment variables (e.g. `YUANQU_CLOCK_FILE`).
    pub fn start_with_env(bin: &Path, db_url: &str, port: u16, log: &Path, env: &[(&str, String)]) -> Result<Server> {
        if let Some(dir) = log.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let out = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let err = out.try_clone()?;
        header(&format!("yuanqu serve on 127.0.0.1:{port} (log: {})", log.display()));
        let mut cmd = Cmd::new(bin)
            .arg("serve")
            .env("YUANQU_DATABASE_URL", db_url)
            .env("YUANQU_LISTEN", format!("127.0.0.1:{port}"));
        for (k, v) in env {
            cmd = cmd.env(k, v);
        }
        let child = cmd.stdout(Stdio::from(out)).stderr(Stdio::from(err)).spawn()?;
        Ok(Server { child, port, log: log.to_path_buf() })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_tail(&self, lines: usize) -> String {
        util::tail(&self.log, lines)
    }

    /// Waits until `GET /healthz` answers 200.
    pub fn wait_healthy(&mut self, timeout: Duration) -> Result<()> {
        let url = format!("{}/healthz", self.base_url());
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(2)))
            .http_status_as_error(false)
            .build()
            .into();
        let start = Instant::now();
        loop {
            util::check_interrupted()?;
            if let Some(status) = self.child.try_wait()? {
                bail!("yuanqu serve exited with {status} before becoming healthy; log tail:\n{}", self.log_tail(30));
            }
            let last = match agent.get(&url).call() {
                Ok(resp) if resp.status().as_u16() == 200 => {
                    println!("server healthy after {}", util::fmt_duration(start.elapsed()));
                    return Ok(());
                }
                Ok(resp) => format!("HTTP {}", resp.status()),
                Err(e) => e.to_string(),
            };
            if start.elapsed() > timeout {
                bail!(
                    "{url} not healthy after {} s (last: {last}); log tail:\n{}",
                    timeout.as_secs(),
                    self.log_tail(30)
                );
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// SIGKILL, no warning (the crash harness).
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn stop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).stderr(Stdio::null()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("warning: yuanqu serve (pid {pid}) ignored SIGTERM; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_shape() {
        let pw = random_password();
        assert_eq!(pw.len(), 5 + 12 + 3);
        assert!(pw.starts_with("Demo-") && pw.ends_with("!9a"));
        assert!(pw[5..17].chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn sqlite_url_is_absolute() {
        assert_eq!(sqlite_url(Path::new("/tmp/x/e2e.db")), "sqlite:///tmp/x/e2e.db?mode=rwc");
    }

    #[test]
    fn free_port_is_nonzero() -> Result<()> {
        assert_ne!(free_port()?, 0);
        Ok(())
    }
}
