//! The `yuanqu` command as an operator uses it: scripts create users without a prompt, the
//! audit chain is verified, backups restore, and a newer schema is refused.
#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod drill;

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
        self.run_on(&format!("sqlite://{}?mode=rwc", self.db().display()), args, stdin)
    }
    fn run_on(&self, database_url: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_yuanqu"));
        c.args(args)
            .current_dir(self.dir.path())
            .env("YUANQU_DATABASE_URL", database_url)
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
    let photo = e.dir.path().join("files/3f/9a2c7e");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    std::fs::write(&photo, b"a site photo").unwrap();
    let backup = e.dir.path().join("b1");
    let out = e.ok(&["backup", "--to", backup.to_str().unwrap()], None);
    assert!(out.contains("1 file(s)"), "{out}");
    let sums = std::fs::read_to_string(backup.join("SHA256SUMS")).unwrap();
    for listed in ["backup.json", "yuanqu.db", "files/3f/9a2c7e"] {
        assert!(sums.lines().any(|l| l.ends_with(&format!("  {listed}"))), "{listed} not in {sums}");
    }
    // A second backup into the same, now non-empty directory is refused.
    let err = e.fails(&["backup", "--to", backup.to_str().unwrap()], None);
    assert!(err.contains("not empty"), "{err}");
    // Changes after the backup are gone after the restore, the files included.
    e.ok(
        &["user", "create", "--zone", "demo", "--login", "later", "--role", "worker", "--password-stdin"],
        Some("green tea leaves"),
    );
    std::fs::write(&photo, b"overwritten").unwrap();
    std::fs::write(e.dir.path().join("files/later"), b"uploaded later").unwrap();
    e.ok(&["restore", "--from", backup.to_str().unwrap()], None);
    let err = e.fails(
        &["user", "reset-password", "--zone", "demo", "--login", "later", "--password-stdin"],
        Some("green tea leaves 2"),
    );
    assert!(err.contains("login"), "{err}");
    assert_eq!(std::fs::read(&photo).unwrap(), b"a site photo");
    assert!(!e.dir.path().join("files/later").exists());
    assert!(e.ok(&["check"], None).contains("integrity: ok"));

    // Each way a backup can be damaged is found before anything is replaced.
    type Damage = fn(&Path);
    let damages: [(&str, Damage, &str); 4] = [
        ("a flipped byte", |b| flip_byte(&b.join("yuanqu.db")), "does not match its checksum"),
        ("a missing file", |b| std::fs::remove_file(b.join("files/3f/9a2c7e")).unwrap(), "missing"),
        ("an extra file", |b| std::fs::write(b.join("files/extra"), b"x").unwrap(), "not in SHA256SUMS"),
        ("no manifest", |b| std::fs::remove_file(b.join("SHA256SUMS")).unwrap(), "SHA256SUMS"),
    ];
    for (what, damage, expected) in damages {
        let copy = e.dir.path().join("damaged");
        let _ = std::fs::remove_dir_all(&copy);
        copy_dir(&backup, &copy);
        damage(&copy);
        e.ok(
            &["user", "create", "--zone", "demo", "--login", "marker", "--role", "worker", "--password-stdin"],
            Some("green tea leaves"),
        );
        let err = e.fails(&["restore", "--from", copy.to_str().unwrap()], None);
        assert!(err.contains(expected) && err.contains("nothing was replaced"), "{what}: {err}");
        // Nothing was replaced: the user created after the backup is still there.
        e.ok(
            &["user", "reset-password", "--zone", "demo", "--login", "marker", "--password-stdin"],
            Some("Pw-2026-tea-leaf!"),
        );
        e.ok(&["restore", "--from", backup.to_str().unwrap()], None);
    }
}

/// On PostgreSQL `yuanqu backup` wraps pg_dump and `yuanqu restore` pg_restore, into a new
/// empty database only. Runs in the PostgreSQL pass of `cargo xtask test`.
#[test]
fn pg_a_backup_restores_into_an_empty_database_and_never_over_a_live_one() {
    let rt = tokio_rt();
    let Some(source) = rt.block_on(yuanqu_testkit::empty_postgres_database()).unwrap() else {
        return; // the SQLite pass: this test is about PostgreSQL
    };
    let target = rt.block_on(yuanqu_testkit::empty_postgres_database()).unwrap().unwrap();
    let e = Env::new();
    let ok = |url: &str, args: &[&str]| {
        let o = e.run_on(url, args, None);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "yuanqu {args:?}: {out}{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    ok(&source, &["demo", "--password", "Demo-Pass-2026!x"]);
    let backup = e.dir.path().join("pg-backup");
    ok(&source, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(backup.join("yuanqu.pgdump").is_file());
    ok(&target, &["restore", "--from", backup.to_str().unwrap()]);
    let digest = |url: &str| -> Vec<String> {
        ok(url, &["check", "--digest"]).lines().filter(|l| l.starts_with("table ")).map(str::to_owned).collect()
    };
    let restored = digest(&target);
    assert!(restored.iter().any(|l| l.starts_with("table app_user ")), "{restored:?}");
    assert_eq!(restored, digest(&source));
    let o = e.run_on(&target, &["restore", "--from", backup.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("already holds a Yuanqu schema"));
}

fn flip_byte(p: &Path) {
    let mut bytes = std::fs::read(p).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0xff;
    std::fs::write(p, bytes).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
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
    encrypted_values(db, "app_user")
}

/// Every stored `id_card_enc` ciphertext of a table.
fn encrypted_values(db: &Path, table: &str) -> Vec<String> {
    tokio_rt().block_on(async {
        let d = yuanqu_store::Db::connect(&format!("sqlite://{}", db.display()), 1).await.unwrap();
        let v = yuanqu_store::personal::encrypted_batch(&d.conn(), table, "id_card_enc", None, 10_000).await.unwrap();
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
    // The accounts' 11 and the demo's 2,500 party members.
    assert_eq!(encrypted_values(&e.db(), "party_member").len(), 2_500);
    assert!(out.contains("version 2") && out.contains("re-encrypted 2511 values"), "{out}");
    let keys = std::fs::read_to_string(&key_file).unwrap();
    assert!(keys.lines().any(|l| l.starts_with("1:")) && keys.lines().any(|l| l.starts_with("2:")), "{keys}");
    assert!(id_card_values(&e.db()).iter().all(|v| v.starts_with("v2:")));
    assert!(encrypted_values(&e.db(), "party_member").iter().all(|v| v.starts_with("v2:")));
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    e.ok(&["verify-audit"], None);

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = e.fails(&["migrate"], None);
    assert!(err.contains("chmod 600"), "{err}");
}
