//! CS-03, the restore drill: a backup taken while writers are busy restores into a fresh data
//! directory, the restored database holds exactly what the backup holds (row counts and content
//! hashes of every table), every write acknowledged before the backup began is there, and a
//! server started from it serves.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Env;

const PASSWORD: &str = "Demo-Pass-2026!x";

struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(env: &Env) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(env!("CARGO_BIN_EXE_yuanqu"))
        .arg("serve")
        .current_dir(env.dir.path())
        .env("YUANQU_DATABASE_URL", format!("sqlite://{}?mode=rwc", env.db().display()))
        .env("YUANQU_LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("YUANQU_TEST_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let served = Served { child, base: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(30);
    while agent().get(format!("{}/healthz", served.base)).call().map(|r| r.status().as_u16()).unwrap_or(0) != 200 {
        assert!(Instant::now() < deadline, "the server did not become healthy");
        std::thread::sleep(Duration::from_millis(100));
    }
    served
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into()
}

/// Signs in as the demo administrator and makes an API token (bearer: no cookie, no CSRF token).
fn api_token(base: &str) -> String {
    let a = agent();
    let mut resp = a
        .post(format!("{base}/api/v1/auth/login"))
        .header("Origin", base)
        .send_json(serde_json::json!({"zone": "demo", "login": "admin", "password": PASSWORD}))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .find(|c| c.starts_with("yq_session="))
        .unwrap();
    let me: serde_json::Value = resp.body_mut().read_json().unwrap();
    let csrf = me["csrf_token"].as_str().unwrap().to_owned();
    let mut resp = a
        .post(format!("{base}/api/v1/tokens"))
        .header("Origin", base)
        .header("Cookie", &cookie)
        .header("X-CSRF-Token", &csrf)
        .send_json(serde_json::json!({"name": "restore drill"}))
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let body: serde_json::Value = resp.body_mut().read_json().unwrap();
    body["secret"].as_str().unwrap().to_owned()
}

fn department_names(base: &str, token: &str) -> Vec<String> {
    let mut resp = agent()
        .get(format!("{base}/api/v1/departments"))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let list: Vec<serde_json::Value> = resp.body_mut().read_json().unwrap();
    list.iter().map(|d| d["name"].as_str().unwrap().to_owned()).collect()
}

/// `yuanqu check --digest` on a database file: its `table name rows sha256` lines.
fn digest(env: &Env) -> Vec<String> {
    let out = env.ok(&["check", "--digest"], None);
    out.lines().filter(|l| l.starts_with("table ")).map(str::to_owned).collect()
}

#[test]
fn cs03_restore_drill_a_backup_taken_under_write_load_restores_and_serves() {
    let live = Env::new();
    live.ok(&["demo", "--password", PASSWORD], None);
    let photo = live.dir.path().join("files/7c/e1d0");
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    std::fs::write(&photo, b"\xff\xd8\xff a photo").unwrap();

    let server = serve(&live);
    let token = api_token(&server.base);
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (stop, acked, base, token) = (stop.clone(), acked.clone(), server.base.clone(), token.clone());
            std::thread::spawn(move || {
                let a = agent();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let name = format!("演练-{w}-{i}");
                    let status = a
                        .post(format!("{base}/api/v1/departments"))
                        .header("Authorization", format!("Bearer {token}"))
                        .send_json(serde_json::json!({"name": name}))
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0);
                    assert_eq!(status, 201, "{name}");
                    acked.lock().unwrap().push(name);
                    i += 1;
                }
            })
        })
        .collect();

    // Back up while the writers are busy.
    while acked.lock().unwrap().len() < 20 {
        std::thread::sleep(Duration::from_millis(20));
    }
    let acked_before: Vec<String> = acked.lock().unwrap().clone();
    let backup = live.dir.path().join("drill-backup");
    live.ok(&["backup", "--to", backup.to_str().unwrap()], None);
    let acked_during = acked.lock().unwrap().len();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let written = acked.lock().unwrap().len();
    assert!(written > acked_during, "the writers kept writing after the backup ({written} vs {acked_during})");
    drop(server);

    // Restore into a fresh data directory.
    let fresh = Env::new();
    fresh.ok(&["restore", "--from", backup.to_str().unwrap()], None);
    assert_eq!(std::fs::read(fresh.dir.path().join("files/7c/e1d0")).unwrap(), b"\xff\xd8\xff a photo");

    // The restored database holds exactly what the backup holds.
    let copy = Env::new();
    std::fs::copy(backup.join("yuanqu.db"), copy.db()).unwrap();
    let (restored, backed_up) = (digest(&fresh), digest(&copy));
    assert!(restored.iter().any(|l| l.starts_with("table department ")), "{restored:?}");
    assert_eq!(restored, backed_up);
    assert!(fresh.ok(&["check"], None).contains("integrity: ok"));

    // A server started from it serves, with every write acknowledged before the backup began,
    // and none written after the backup ended.
    let server = serve(&fresh);
    let token = api_token(&server.base);
    let names = department_names(&server.base, &token);
    let missing: Vec<_> = acked_before.iter().filter(|n| !names.contains(n)).collect();
    assert!(missing.is_empty(), "acknowledged before the backup but not restored: {missing:?}");
    let after = acked.lock().unwrap()[acked_during..].to_vec();
    let leaked: Vec<_> = after.iter().filter(|n| names.contains(n)).collect();
    assert!(leaked.is_empty(), "written after the backup ended, yet restored: {leaked:?}");
}
