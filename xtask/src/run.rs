//! `cargo xtask run`: build the UI and the server, load the demo zone once, serve.

use anyhow::{Context, Result};

use crate::server;
use crate::util::{self, Cmd, header};

pub fn cmd_run(extra: Vec<String>) -> Result<()> {
    crate::web::ensure_ui()?;
    header("cargo build -p yuanqu");
    util::cargo().args(["build", "-p", "yuanqu"]).run()?;
    let bin = util::target_dir()?.join("debug").join("yuanqu");

    let data = util::root().join("data");
    let db = data.join("yuanqu.db");
    let accounts = data.join("demo-accounts.txt");
    let db_url = server::sqlite_url(&db);

    if db.exists() {
        if accounts.is_file() {
            let text = std::fs::read_to_string(&accounts).with_context(|| format!("reading {}", accounts.display()))?;
            println!("demo accounts (from data/demo-accounts.txt):");
            print!("{text}");
        }
    } else {
        std::fs::create_dir_all(&data).with_context(|| format!("creating {}", data.display()))?;
        match server::demo(&bin, &db_url, None) {
            Ok(out) => {
                std::fs::write(&accounts, &out).with_context(|| format!("writing {}", accounts.display()))?;
                print!("{out}");
                println!("(saved to data/demo-accounts.txt)");
            }
            Err(e) => {
                // Don't leave a half-initialised database that the next run would trust.
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(data.join(format!("yuanqu.db{suffix}")));
                }
                return Err(e);
            }
        }
    }

    let listen = std::env::var("YUANQU_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    header(&format!("yuanqu serve: http://{listen}/"));
    Err(Cmd::new(&bin)
        .arg("serve")
        .args(extra)
        .env("YUANQU_DATABASE_URL", &db_url)
        .env("YUANQU_LISTEN", &listen)
        .exec())
}
