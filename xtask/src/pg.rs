//! A throwaway PostgreSQL cluster listening only on a Unix socket in a temp dir.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::install;
use crate::util::{self, Cmd, header};

/// A running cluster; stopped (`pg_ctl stop -m immediate`) and deleted on drop.
pub struct Cluster {
    base: PathBuf,
    bindir: PathBuf,
    as_postgres: bool,
    started: bool,
    url: String,
}

impl Cluster {
    pub fn start() -> Result<Cluster> {
        let bindir = install::pg_bindir().context(
            "PostgreSQL not found (no /usr/lib/postgresql/<ver>/bin/initdb); \
             install it: apt-get install -y postgresql",
        )?;
        let as_postgres = util::is_root();
        // Always /tmp (not $TMPDIR): the socket path must stay under ~100 bytes.
        let base = PathBuf::from(format!("/tmp/yuanqu-pg-{}", std::process::id()));
        if base.exists() {
            std::fs::remove_dir_all(&base).with_context(|| format!("removing stale {}", base.display()))?;
        }
        std::fs::create_dir(&base).with_context(|| format!("creating {}", base.display()))?;
        let mut cluster = Cluster {
            url: format!("postgres://postgres@localhost/postgres?host={}", base.display()),
            base,
            bindir,
            as_postgres,
            started: false,
        };
        if as_postgres {
            // initdb refuses to run as root: hand the directory to `postgres`.
            let (uid, gid) = postgres_ids()?;
            std::os::unix::fs::chown(&cluster.base, Some(uid), Some(gid))
                .with_context(|| format!("chown postgres {}", cluster.base.display()))?;
        }
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&cluster.base, std::fs::Permissions::from_mode(0o700))?;

        let data = cluster.data_dir();
        cluster
            .tool("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
            .stdout(std::process::Stdio::null())
            .run()?;

        let socket = cluster.base.display().to_string();
        let log = cluster.log_file();
        cluster.started = true;
        let options = format!(
            "-c listen_addresses='' -c unix_socket_directories='{socket}' -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        );
        let started = cluster
            .tool("pg_ctl")
            .arg("start")
            .arg("-D")
            .arg(&data)
            .args(["-w", "-t", "60", "-l"])
            .arg(&log)
            .arg("-o")
            .arg(options)
            .run();
        if let Err(e) = started {
            eprintln!("--- postgres log ---\n{}", util::tail(&log, 30));
            return Err(e);
        }
        cluster.check_connect()?;
        Ok(cluster)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn socket_dir(&self) -> &Path {
        &self.base
    }

    fn data_dir(&self) -> PathBuf {
        self.base.join("data")
    }

    fn log_file(&self) -> PathBuf {
        self.base.join("postgres.log")
    }

    /// A PostgreSQL tool, run as `postgres` when we are root.
    fn tool(&self, name: &str) -> Cmd {
        let program = self.bindir.join(name);
        let cmd = if self.as_postgres {
            Cmd::new("runuser").args(["-u", "postgres", "--"]).arg(program)
        } else {
            Cmd::new(program)
        };
        cmd.dir(&self.base)
    }

    fn check_connect(&self) -> Result<()> {
        let psql = util::which("psql").unwrap_or_else(|| self.bindir.join("psql"));
        let out = Cmd::new(psql)
            .arg("-h")
            .arg(&self.base)
            .args(["-U", "postgres", "-d", "postgres", "-XAtc", "SHOW server_version"])
            .quiet()
            .read()
            .context("connecting to the throwaway cluster")?;
        println!("PostgreSQL {} running on socket dir {}", out.trim(), self.base.display());
        Ok(())
    }

    /// Stops the cluster and deletes its directory. Idempotent.
    pub fn stop(&mut self) {
        if self.started {
            self.started = false;
            header("stop PostgreSQL");
            let data = self.data_dir();
            if let Err(e) =
                self.tool("pg_ctl").arg("stop").arg("-D").arg(&data).args(["-m", "immediate", "-w", "-t", "30"]).run()
            {
                eprintln!("warning: {e:#}");
            }
        }
        if self.base.exists()
            && let Err(e) = std::fs::remove_dir_all(&self.base)
        {
            eprintln!("warning: could not remove {}: {e}", self.base.display());
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}

/// uid and gid of the `postgres` user, from /etc/passwd.
fn postgres_ids() -> Result<(u32, u32)> {
    let passwd = std::fs::read_to_string("/etc/passwd").context("reading /etc/passwd")?;
    parse_passwd(&passwd, "postgres")
        .context("no `postgres` user in /etc/passwd (is the postgresql package installed?)")
}

fn parse_passwd(passwd: &str, user: &str) -> Option<(u32, u32)> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        if fields.next()? != user {
            return None;
        }
        let _password = fields.next()?;
        let uid = fields.next()?.parse().ok()?;
        let gid = fields.next()?.parse().ok()?;
        Some((uid, gid))
    })
}

/// `cargo xtask pg`: start a cluster, print its URL, wait for Ctrl-C, stop it.
pub fn cmd_pg() -> Result<()> {
    crate::install::ensure(crate::install::Needs { postgres: true, ..Default::default() })?;
    header("start PostgreSQL");
    let cluster = Cluster::start()?;
    println!();
    println!("YUANQU_TEST_DATABASE_URL={}", cluster.url());
    println!();
    println!("  export YUANQU_TEST_DATABASE_URL='{}'", cluster.url());
    println!("  psql -h {} -U postgres postgres", cluster.socket_dir().display());
    println!();
    println!("Press Ctrl-C to stop the cluster.");
    while !util::interrupted() {
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(cluster);
    println!("cluster stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lookup() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      postgres:x:104:110:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n";
        assert_eq!(parse_passwd(passwd, "postgres"), Some((104, 110)));
        assert_eq!(parse_passwd(passwd, "nobody"), None);
    }
}
