//! The `yuanqu` command as an operator uses it: scripts create users without a prompt, the
//! audit chain is verified, backups restore, and a newer schema is refused.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("yuanqu.db")
    }
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_yuanqu"));
        c.args(args)
            .current_dir(self.dir.path())
            .env("YUANQU_DATABASE_URL", format!("sqlite://{}?mode=rwc", self.db().display()))
            .env("YUANQU_LOG_JSON", "false")
            .env_remove("YUANQU_TEST_DATABASE_URL")
            .env_remove("YUANQU_DATA_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        if let Some(s) = stdin {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }
    fn ok(&self, args: &[&str], stdin: Option<&str>) -> String {
        let o = self.run(args, stdin);
        assert!(
            o.status.success(),
            "yuanqu {args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
    fn fails(&self, args: &[&str], stdin: Option<&str>) -> String {
        let o = self.run(args, stdin);
        assert!(!o.status.success(), "yuanqu {args:?} should fail");
        String::from_utf8_lossy(&o.stderr).into_owned()
    }
}

#[test]
fn a_script_creates_users_and_resets_passwords_without_a_prompt() {
    let e = Env::new();
    let out = e.ok(&["demo", "--password", "Demo-Pass-2026!x"], None);
    assert!(out.contains("admin") && out.contains("observer"), "{out}");
    let out = e.ok(
        &["user", "create", "--zone", "demo", "--login", "Chen.Jing", "--role", "department_staff", "--password-stdin"],
        Some("Chen-Jing-2026!ok\n"),
    );
    assert!(out.contains("chen.jing"), "{out}");
    // Case-insensitive duplicate, weak password, unknown enterprise: each named.
    let err = e.fails(
        &["user", "create", "--zone", "demo", "--login", "CHEN.JING", "--role", "worker", "--password-stdin"],
        Some("green tea leaves"),
    );
    assert!(err.contains("user.login_taken"), "{err}");
    let err = e.fails(
        &["user", "create", "--zone", "demo", "--login", "weak", "--role", "department_staff", "--password-stdin"],
        Some("short"),
    );
    assert!(err.contains("password") && err.contains("password.too_short"), "{err}");
    let err = e.fails(
        &[
            "user",
            "create",
            "--zone",
            "demo",
            "--login",
            "ent2",
            "--role",
            "enterprise",
            "--enterprise",
            "91440300708461136U",
            "--password-stdin",
        ],
        Some("green tea leaves"),
    );
    assert!(err.contains("check character"), "{err}");
    // An enterprise account is bound by its enterprise's USCC.
    let body = "91350582MA2Y0HA01";
    let uscc = format!("{body}{}", yuanqu_domain::uscc::check_char(body).unwrap());
    let args = [
        "user",
        "create",
        "--zone",
        "demo",
        "--login",
        "clerk2",
        "--role",
        "enterprise",
        "--enterprise",
        &uscc,
        "--password-stdin",
    ];
    assert!(e.ok(&args, Some("green tea leaves")).contains("clerk2"));
    let args = [
        "user",
        "create",
        "--zone",
        "demo",
        "--login",
        "clerk3",
        "--role",
        "enterprise",
        "--enterprise",
        "91440300708461136T",
        "--password-stdin",
    ];
    let err = e.fails(&args, Some("green tea leaves"));
    assert!(err.contains("no enterprise"), "{err}");
    e.ok(
        &["user", "reset-password", "--zone", "demo", "--login", "chen.jing", "--password-stdin"],
        Some("Reset-Pass-2026!ok"),
    );
    assert!(e.ok(&["verify-audit"], None).contains("ok"));
}

#[test]
fn verify_audit_exits_non_zero_on_a_tampered_log() {
    let e = Env::new();
    e.ok(&["demo", "--password", "Demo-Pass-2026!x"], None);
    e.ok(&["verify-audit"], None);
    let status =
        Command::new("sqlite3").arg(e.db()).arg("UPDATE audit_log SET action = 'nothing' WHERE seq = 5").status();
    if status.is_err() {
        // No sqlite3 CLI: tamper through the application's own connection instead.
        tamper(&e.db());
    }
    let err = e.fails(&["verify-audit"], None);
    assert!(err.contains("altered"), "{err}");
}

fn tamper(db: &Path) {
    let rt = tokio_rt();
    rt.block_on(async {
        let d = yuanqu_store::Db::connect(&format!("sqlite://{}", db.display()), 1).await.unwrap();
        d.execute_script("UPDATE audit_log SET action = 'nothing' WHERE seq = 5").await.unwrap();
    });
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn a_backup_restores_and_a_corrupted_backup_is_refused() {
    let e = Env::new();
    e.ok(&["demo", "--password", "Demo-Pass-2026!x"], None);
    let backup = e.dir.path().join("b1.db");
    let out = e.ok(&["backup", "--out", backup.to_str().unwrap()], None);
    assert!(out.contains("sha256"), "{out}");
    // Changes after the backup are gone after the restore.
    e.ok(
        &["user", "create", "--zone", "demo", "--login", "later", "--role", "worker", "--password-stdin"],
        Some("green tea leaves"),
    );
    e.ok(&["restore", "--from", backup.to_str().unwrap()], None);
    let err = e.fails(
        &["user", "reset-password", "--zone", "demo", "--login", "later", "--password-stdin"],
        Some("green tea leaves 2"),
    );
    assert!(err.contains("login"), "{err}");
    assert!(e.ok(&["verify-audit"], None).contains("ok"));
    // A backup whose bytes changed is refused before anything is replaced.
    let mut bytes = std::fs::read(&backup).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0xff;
    std::fs::write(&backup, bytes).unwrap();
    let err = e.fails(&["restore", "--from", backup.to_str().unwrap()], None);
    assert!(err.contains("does not match its manifest"), "{err}");
}

#[test]
fn the_server_refuses_a_schema_newer_than_itself() {
    let e = Env::new();
    e.ok(&["migrate"], None);
    tokio_rt().block_on(async {
        let d = yuanqu_store::Db::connect(&format!("sqlite://{}", e.db().display()), 1).await.unwrap();
        d.execute_script("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_future', 0)")
            .await
            .unwrap();
    });
    let err = e.fails(&["serve"], None);
    assert!(err.contains("newer than this program"), "{err}");
}

#[test]
fn audit_retention_below_the_floor_is_refused_at_start() {
    let e = Env::new();
    let o = Command::new(env!("CARGO_BIN_EXE_yuanqu"))
        .arg("migrate")
        .current_dir(e.dir.path())
        .env("YUANQU_AUDIT_RETENTION_DAYS", "30")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("180"));
}

/// Every stored ID card ciphertext of the database.
fn id_card_values(db: &Path) -> Vec<String> {
    tokio_rt().block_on(async {
        let d = yuanqu_store::Db::connect(&format!("sqlite://{}", db.display()), 1).await.unwrap();
        let v =
            yuanqu_store::personal::encrypted_batch(&d.conn(), "app_user", "id_card_enc", None, 1000).await.unwrap();
        d.close().await.unwrap();
        v.into_iter().map(|v| v.value).collect()
    })
}

/// PD-01: the first start creates a private key file beside the database; `rotate-key` adds
/// version 2 to it and re-encrypts every value in batches; a key file others may read is
/// refused at start.
#[test]
fn rotate_key_adds_a_version_and_reencrypts_every_value() {
    use std::os::unix::fs::PermissionsExt;
    let e = Env::new();
    e.ok(&["demo", "--password", "Demo-Pass-2026!x"], None);
    let key_file = e.dir.path().join("data-key");
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    let before = id_card_values(&e.db());
    assert_eq!(before.len(), 11, "every demo account has an ID card number");
    assert!(before.iter().all(|v| v.starts_with("v1:")));
    let out = e.ok(&["rotate-key", "--batch", "4"], None);
    assert!(out.contains("version 2") && out.contains("re-encrypted 11 values"), "{out}");
    let keys = std::fs::read_to_string(&key_file).unwrap();
    assert!(keys.lines().any(|l| l.starts_with("1:")) && keys.lines().any(|l| l.starts_with("2:")), "{keys}");
    assert!(id_card_values(&e.db()).iter().all(|v| v.starts_with("v2:")));
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    e.ok(&["verify-audit"], None);

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = e.fails(&["migrate"], None);
    assert!(err.contains("chmod 600"), "{err}");
}
