//! Configuration: defaults → `yuanqu.toml` → `YUANQU_*` environment (figment); unknown keys are
//! an error.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `sqlite://./data/yuanqu.db?mode=rwc` or `postgres://user@host/db`.
    pub database_url: String,
    pub listen: String,
    pub max_connections: u32,
    /// The zone a fresh install creates with its bootstrap administrator.
    pub zone_code: String,
    pub zone_name: String,
    pub secure_cookies: bool,
    pub trusted_proxy: Option<IpAddr>,
    /// Audit records are kept at least this long; below 180 is refused (AU-04).
    pub audit_retention_days: u32,
    pub login_per_minute: u32,
    pub body_limit_bytes: usize,
    /// Where uploaded files live. Unset: `files/` beside the SQLite file, or `./data/files` on
    /// PostgreSQL.
    pub files_dir: Option<PathBuf>,
    /// Largest file upload (IV-02).
    pub upload_limit_bytes: usize,
    /// Requests served at once; more get 503 + `Retry-After` (AV-02).
    pub max_in_flight: usize,
    pub log_level: String,
    pub log_json: bool,
    /// The data key file (PD-01); default `<data dir>/data-key`, the data dir being the SQLite
    /// file's directory (or `./data`). Ignored when `YUANQU_DATA_KEY` is set.
    pub data_key_file: Option<PathBuf>,
    /// Seconds between runs of the background jobs (the appeal escalation sweep).
    pub jobs_interval_secs: u64,
    /// End-to-end tests only: the clock reads system time plus the whole seconds written in this
    /// file (missing or empty = 0), so a test can move time forward on a running server.
    pub clock_file: Option<PathBuf>,
    /// Seconds between two rounds of the webhook delivery worker `yuanqu serve` runs (1..=3600).
    pub webhook_interval_secs: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: "sqlite://./data/yuanqu.db?mode=rwc".into(),
            listen: "127.0.0.1:8080".into(),
            max_connections: 8,
            zone_code: "main".into(),
            zone_name: "经济开发区".into(),
            secure_cookies: false,
            trusted_proxy: None,
            audit_retention_days: 180,
            login_per_minute: 30,
            body_limit_bytes: 1024 * 1024,
            files_dir: None,
            upload_limit_bytes: 20 * 1024 * 1024,
            max_in_flight: 512,
            log_level: "info,sea_orm_migration=warn,sqlx=warn".into(),
            log_json: true,
            data_key_file: None,
            jobs_interval_secs: 30,
            clock_file: None,
            webhook_interval_secs: 5,
        }
    }
}

impl Config {
    pub fn load(file: Option<&Path>) -> Result<Self> {
        let mut f = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(p) => {
                if !p.exists() {
                    bail!("configuration file {} not found", p.display());
                }
                f = f.merge(Toml::file(p));
            }
            None => f = f.merge(Toml::file("yuanqu.toml")),
        }
        let cfg: Config =
            f.merge(Env::prefixed("YUANQU_").ignore(&["log", "test_database_url", "data_key"])).extract()?;
        cfg.check()?;
        Ok(cfg)
    }

    pub fn check(&self) -> Result<()> {
        if self.audit_retention_days < 180 {
            bail!(
                "audit_retention_days = {}: audit records must be kept at least 180 days (AU-04)",
                self.audit_retention_days
            );
        }
        if !(1..=3600).contains(&self.jobs_interval_secs) {
            bail!("jobs_interval_secs must be 1..=3600");
        }
        if !(1..=1000).contains(&self.max_connections) {
            bail!("max_connections must be 1..=1000");
        }
        if !(1..=3600).contains(&self.webhook_interval_secs) {
            bail!("webhook_interval_secs must be 1..=3600");
        }
        Ok(())
    }

    pub fn sqlite_path(&self) -> Option<PathBuf> {
        let rest = self.database_url.strip_prefix("sqlite://").or_else(|| self.database_url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        Some(PathBuf::from(path))
    }

    /// Where the data keys are kept when `YUANQU_DATA_KEY` is not set: `data_key_file`, else
    /// `<data dir>/data-key`.
    pub fn data_key_path(&self) -> PathBuf {
        self.data_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir().unwrap_or_else(|| PathBuf::from("./data")).join("data-key"))
    }

    pub fn redacted_url(&self) -> String {
        match self.database_url.split_once('@') {
            Some((head, tail)) if head.contains("://") => {
                let scheme = head.split("://").next().unwrap_or("");
                format!("{scheme}://…@{tail}")
            }
            _ => self.database_url.clone(),
        }
    }

    /// The folder the SQLite file is in (`.` for a bare file name); `None` on PostgreSQL.
    pub fn data_dir(&self) -> Option<PathBuf> {
        self.sqlite_path().map(|p| match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        })
    }

    /// Where uploaded files live: `files_dir` if set, else `<data dir>/files` on SQLite, else
    /// `./data/files`. Backups must include this folder.
    pub fn files_dir(&self) -> PathBuf {
        match (&self.files_dir, self.data_dir()) {
            (Some(d), _) => d.clone(),
            (None, Some(data)) => data.join("files"),
            (None, None) => PathBuf::from("./data/files"),
        }
    }

    pub fn app_config(&self) -> yuanqu_app::AppConfig {
        yuanqu_app::AppConfig {
            audit_retention_days: self.audit_retention_days,
            files: yuanqu_app::files::FilesConfig {
                dir: self.files_dir(),
                max_bytes: self.upload_limit_bytes,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    pub fn http_config(&self) -> Result<yuanqu_http::HttpConfig> {
        Ok(yuanqu_http::HttpConfig {
            secure_cookies: self.secure_cookies,
            trusted_proxy: self.trusted_proxy,
            body_limit: self.body_limit_bytes,
            login_per_minute: self.login_per_minute,
            max_in_flight: self.max_in_flight,
            request_timeout: Duration::from_secs(30),
            data_dir: self.data_dir(),
            ..yuanqu_http::HttpConfig::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_retention_below_180_days_is_refused() {
        let cfg = Config { audit_retention_days: 90, ..Config::default() };
        assert!(cfg.check().unwrap_err().to_string().contains("180"));
        assert!(Config::default().check().is_ok());
    }

    #[test]
    fn files_live_beside_the_sqlite_file_unless_configured() {
        let cases = [
            ("sqlite:///var/lib/yuanqu/yuanqu.db?mode=rwc", None, "/var/lib/yuanqu/files"),
            ("sqlite://yuanqu.db", None, "./files"),
            ("postgres://yq@db/yuanqu", None, "./data/files"),
            ("postgres://yq@db/yuanqu", Some("/srv/files"), "/srv/files"),
            ("sqlite://./data/yuanqu.db", Some("/srv/files"), "/srv/files"),
        ];
        for (url, set, want) in cases {
            let cfg = Config { database_url: url.into(), files_dir: set.map(PathBuf::from), ..Config::default() };
            assert_eq!(cfg.files_dir(), PathBuf::from(want), "{url}");
        }
    }

    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail API returns its own large error")]
    fn unknown_keys_are_an_error() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("yuanqu.toml", "listen = \"127.0.0.1:9\"\nlisen = \"typo\"\n")?;
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("lisen"), "{err}");
            Ok(())
        });
    }

    /// PD-01: `YUANQU_DATA_KEY` is the key itself, never a configuration key (and never an
    /// "unknown key" error); the key file sits beside the SQLite database unless configured.
    #[test]
    #[expect(clippy::result_large_err, reason = "figment's Jail API returns its own large error")]
    fn the_data_key_comes_from_its_variable_or_a_file_beside_the_database() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("YUANQU_DATA_KEY", "index:AAAA,1:AAAA");
            jail.set_env("YUANQU_DATABASE_URL", "sqlite:///srv/yq/yuanqu.db?mode=rwc");
            let cfg = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(cfg.data_key_path(), PathBuf::from("/srv/yq/data-key"));
            jail.set_env("YUANQU_DATABASE_URL", "postgres://u@h/db");
            assert_eq!(
                Config::load(None).map_err(|e| e.to_string())?.data_key_path(),
                PathBuf::from("./data/data-key")
            );
            jail.set_env("YUANQU_DATA_KEY_FILE", "/etc/yuanqu/data-key");
            assert_eq!(
                Config::load(None).map_err(|e| e.to_string())?.data_key_path(),
                PathBuf::from("/etc/yuanqu/data-key")
            );
            Ok(())
        });
    }
}
