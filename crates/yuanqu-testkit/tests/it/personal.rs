//! PD-01..PD-03 and IV-01 for ID card numbers: encrypted at rest with a blind index, masked
//! everywhere, revealed only with a permission and a reason (audited), keys rotated while the
//! server serves, and a data dictionary that matches the live schema.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use yuanqu_app::personal::KeyRing;
use yuanqu_domain::identity::Role;
use yuanqu_store::personal::{ENCRYPTED_COLUMNS, encrypted_batch, replace_encrypted};
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};
use yuanqu_testkit::{Session, TestApp};

/// Well-formed numbers (GB 11643 check characters), one ending in X.
const ID_A: &str = "11010519491231002X";
const ID_B: &str = "350582200001010015";
const ID_C: &str = "440524188001010014";
const PHONE: &str = "13959581234";

async fn create_worker(t: &TestApp, s: &Session, login: &str, id_card: &str) -> (StatusCode, Value) {
    let r = t
        .post(
            "/api/v1/users",
            s,
            json!({"login": login, "display_name": "工人", "role": "worker", "password": PASSWORD,
                   "phone": PHONE, "id_card": id_card}),
        )
        .await;
    (r.status, r.body)
}

/// Every stored ID card ciphertext, as (id, value).
async fn stored_id_cards(t: &TestApp) -> Vec<(uuid::Uuid, String)> {
    let (table, column) = ENCRYPTED_COLUMNS[0];
    encrypted_batch(&t.tdb.db.conn(), table, column, None, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|v| (v.id, v.value))
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// PD-01: the ID card number is written encrypted: it is absent from the SQLite file, its WAL
/// (read while the database is open) and a `VACUUM INTO` backup, or from a `pg_dump` of the
/// PostgreSQL database; the plaintext phone number, written beside it, is found in the same
/// bytes (so the search can see what is there).
#[tokio::test]
async fn pd01_id_card_numbers_are_absent_from_the_database_file_wal_and_backup() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let (status, body) = create_worker(&t, &admin, "wang.fang", ID_B).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["id_card_masked"], "350582********0015");
    assert_eq!(body["phone_masked"], "139****1234");
    let stored = stored_id_cards(&t).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].1.starts_with("v1:") && !stored[0].1.contains(ID_B), "{stored:?}");

    let mut places: Vec<(String, Vec<u8>)> = Vec::new();
    if let Some(db) = t.tdb.sqlite_path() {
        // Before any checkpoint the new row lives in the WAL; read it while the pool is open.
        let wal = std::fs::read(db.with_extension("db-wal")).unwrap();
        assert!(!wal.is_empty(), "the write went to the WAL");
        places.push(("wal".into(), wal));
        places.push(("db".into(), std::fs::read(&db).unwrap()));
        let backup = db.with_file_name("backup.db");
        yuanqu_store::dialect::backup_sqlite(&t.tdb.db.conn(), backup.to_str().unwrap()).await.unwrap();
        places.push(("backup".into(), std::fs::read(&backup).unwrap()));
    } else {
        let pg_dump = std::fs::read_dir("/usr/lib/postgresql")
            .unwrap()
            .filter_map(|d| d.ok().map(|d| d.path().join("bin/pg_dump")))
            .filter(|p| p.exists())
            .max()
            .expect("pg_dump under /usr/lib/postgresql/*/bin");
        let out = std::process::Command::new(pg_dump).arg("--no-owner").arg(&t.tdb.url).output().unwrap();
        assert!(out.status.success(), "pg_dump: {}", String::from_utf8_lossy(&out.stderr));
        places.push(("pg_dump".into(), out.stdout));
    }
    // The WAL and the database file split the rows between them; the phone must be somewhere.
    assert!(places.iter().any(|(_, b)| contains(b, PHONE)), "the plaintext phone is readable in the bytes searched");
    for (name, bytes) in &places {
        assert!(!contains(bytes, ID_B), "the ID card number is in plaintext in the {name}");
        assert!(!contains(bytes, &ID_B[..14]), "the ID card number's first 14 digits are in the {name}");
    }
}

/// PD-01: equality search and uniqueness per zone through the blind index; IV-01: a bad
/// number is refused with its own code, naming the field, and nothing is written.
#[tokio::test]
async fn pd01_the_blind_index_finds_a_number_and_refuses_a_duplicate_in_the_zone() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let z1 = t.login("z1", "admin", PASSWORD).await;
    let z2 = t.login("z2", "admin", PASSWORD).await;
    assert_eq!(create_worker(&t, &z1, "li.lei", ID_A).await.0, StatusCode::CREATED);
    assert_eq!(create_worker(&t, &z1, "han.mei", ID_B).await.0, StatusCode::CREATED);
    // The same person may be registered in another zone.
    assert_eq!(create_worker(&t, &z2, "li.lei", ID_A).await.0, StatusCode::CREATED);

    // Search by the full number (typed with a lower-case x and spaces).
    let cases: &[(&Session, &str, &[&str])] = &[
        (&z1, " 11010519491231002x ", &["li.lei"]),
        (&z1, ID_B, &["han.mei"]),
        (&z1, ID_C, &[]),
        (&z2, ID_A, &["li.lei"]),
        (&z2, ID_B, &[]),
    ];
    for (s, number, expected) in cases {
        let r = t.get(&format!("/api/v1/users?id_card={}", number.replace(' ', "%20")), s).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let logins: Vec<&str> =
            r.body["items"].as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
        assert_eq!(logins, *expected, "{number}");
    }
    let r = t.get("/api/v1/users?id_card=123", &z1).await;
    assert_eq!(
        (r.status, r.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec![("id_card".into(), "id_card.format".into())])
    );

    // A duplicate in the zone: 409 naming the field, on create and on update.
    let (status, body) = create_worker(&t, &z1, "li.lei2", "11010519491231002x").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "user.id_card_taken");
    assert_eq!(body["errors"][0]["field"], "id_card");
    let han = t.get("/api/v1/users?q=han.mei", &z1).await.body["items"][0].clone();
    let r = t.patch(&format!("/api/v1/users/{}", han["id"].as_str().unwrap()), &z1, 1, json!({"id_card": ID_A})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "user.id_card_taken"), "{}", r.text);

    // IV-01: each kind of bad number has its own code, and nothing is written.
    let bad = [
        ("110105491231002", "id_card.legacy_15_digit"),
        ("110105194912310021", "id_card.check_char"),
        ("11010519491231002", "id_card.format"),
        ("350582203001010019", "id_card.birth_date"),
        ("990582200001010014", "id_card.region"),
    ];
    for (i, (number, code)) in bad.iter().enumerate() {
        let (status, body) = create_worker(&t, &z1, &format!("bad{i}"), number).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{number}: {body}");
        assert_eq!(body["errors"], json!([{"field": "id_card", "code": code}]), "{number}");
        let r = t.get(&format!("/api/v1/users?q=bad{i}"), &z1).await;
        assert_eq!(r.body["total"], 0, "{number} was written");
    }
    assert_eq!(stored_id_cards(&t).await.len(), 3);
    // Clearing the number removes the ciphertext and the index.
    let r = t.patch(&format!("/api/v1/users/{}", han["id"].as_str().unwrap()), &z1, 1, json!({"id_card": null})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["id_card_masked"], Value::Null);
    assert_eq!(stored_id_cards(&t).await.len(), 2);
}

/// PD-02: lists and details show only masked values; the full value needs `personal.reveal`
/// (system and security administrators) and a reason of 4 to 200 characters, is answered with
/// `no-store`, and is audited with the field and the reason but never the value.
#[tokio::test]
async fn pd02_full_values_need_the_reveal_permission_and_a_reason_and_are_audited() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    for (login, role) in
        [("security", Role::SecurityAdmin), ("auditor", Role::AuditAdmin), ("leader", Role::ZoneLeader)]
    {
        extra_user(&t.app, &z1, login, role).await.unwrap();
    }
    let admin = t.login("z1", "admin", PASSWORD).await;
    let (_, body) = create_worker(&t, &admin, "zhao.li", ID_B).await;
    let id = body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/users/{id}/reveal");

    // Masked everywhere the user is shown.
    for p in [format!("/api/v1/users/{id}"), "/api/v1/users?page_size=100".to_owned()] {
        let r = t.get(&p, &admin).await;
        assert!(r.text.contains("350582********0015") && r.text.contains("139****1234"), "{p}: {}", r.text);
        assert!(!r.text.contains(ID_B) && !r.text.contains(PHONE), "{p} shows a full value: {}", r.text);
    }

    let reason = "核对劳动合同 contract check";
    let by_role: &[(&str, StatusCode)] = &[
        ("admin", StatusCode::OK),
        ("security", StatusCode::OK),
        ("auditor", StatusCode::FORBIDDEN),
        ("leader", StatusCode::FORBIDDEN),
        ("staff", StatusCode::FORBIDDEN),
    ];
    for (login, expected) in by_role {
        let s = t.login("z1", login, PASSWORD).await;
        for (field, value) in [("id_card", ID_B), ("phone", PHONE)] {
            let r = t.post(&path, &s, json!({"field": field, "reason": reason})).await;
            assert_eq!(r.status, *expected, "{login} {field}: {}", r.text);
            if *expected == StatusCode::OK {
                assert_eq!(r.body, json!({"field": field, "value": value}));
                assert_eq!(r.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
            } else {
                assert!(!r.text.contains(value), "{login} sees {field}");
            }
        }
    }
    // A reason is required; a field must be one of the two.
    let cases = [
        (json!({"field": "id_card", "reason": ""}), "reason", "personal.reason_length"),
        (json!({"field": "id_card", "reason": "  看看 "}), "reason", "personal.reason_length"),
        (json!({"field": "id_card", "reason": "x".repeat(201)}), "reason", "personal.reason_length"),
        (json!({"field": "password_hash", "reason": reason}), "field", "personal.field_unknown"),
    ];
    for (body, field, code) in cases {
        let r = t.post(&path, &admin, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", r.text);
        assert_eq!(r.fields(), vec![(field.to_owned(), code.to_owned())], "{body}");
    }
    let r = t.post(&path, &admin, json!({"field": "id_card"})).await;
    assert_eq!(r.fields(), vec![("reason".to_owned(), "personal.reason_length".to_owned())], "{}", r.text);

    // Audited: one record per reveal by a permitted role, with field and reason, never the value.
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let r = t.get(&format!("/api/v1/audit?action=personal.reveal&entity_id={id}"), &auditor).await;
    assert_eq!(r.body["total"], 4, "{}", r.text);
    let actors: Vec<&str> =
        r.body["items"].as_array().unwrap().iter().map(|e| e["actor_login"].as_str().unwrap()).collect();
    assert_eq!(actors.iter().filter(|a| **a == "security").count(), 2, "{actors:?}");
    for e in r.body["items"].as_array().unwrap() {
        assert_eq!(e["after"]["reason"], reason);
        assert!(["id_card", "phone"].contains(&e["after"]["field"].as_str().unwrap()));
    }
    let all = t.get("/api/v1/audit?page_size=100", &auditor).await;
    assert!(!all.text.contains(ID_B) && !all.text.contains(PHONE), "a full value is in the audit log");
}

/// PD-01: `rotate-key` adds a key version and re-encrypts every value in small batches; a
/// server that loaded only the old key file still reads every value (it re-reads the file on
/// an unknown version) and then writes under the new one; no value is left under v1; the
/// rotation is audited per zone; a rewrite loses to a concurrent edit.
#[tokio::test]
async fn pd01_rotate_key_reencrypts_every_value_while_a_running_server_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("data-key");
    let t = TestApp::with_keys(KeyRing::from_file(&key_file).unwrap()).await.unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a new key file is private");
    }
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let z1s = t.login("z1", "admin", PASSWORD).await;
    let z2s = t.login("z2", "admin", PASSWORD).await;
    let numbers: Vec<String> = (0..7)
        .map(|i| {
            let head = format!("3505821990010{}{:03}", i + 1, i);
            format!("{head}{}", yuanqu_domain::id_card::check_char(&head).unwrap())
        })
        .collect();
    let mut ids = BTreeMap::new();
    for (i, n) in numbers.iter().enumerate() {
        let s = if i < 5 { &z1s } else { &z2s };
        let (status, body) = create_worker(&t, s, &format!("w{i}"), n).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.insert(body["id"].as_str().unwrap().to_owned(), (i, n.clone()));
    }
    assert!(stored_id_cards(&t).await.iter().all(|(_, v)| v.starts_with("v1:")));

    // The command line's process: its own key ring on the same file and database.
    let cli = yuanqu_app::App::new(t.tdb.db.clone(), t.clock.clone(), Default::default())
        .with_keys(KeyRing::from_file(&key_file).unwrap());
    assert_eq!(cli.keys.add_version().unwrap(), 2);
    let r = yuanqu_app::personal::reencrypt_all(&cli, 3).await.unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(r.per_zone.values().copied().collect::<Vec<_>>(), vec![5, 2]);
    let stored = stored_id_cards(&t).await;
    assert_eq!(stored.len(), 7);
    assert!(stored.iter().all(|(_, v)| v.starts_with("v2:")), "a value is left under v1: {stored:?}");

    // The running server never loaded v2, yet reads every value.
    for (id, (i, n)) in &ids {
        let s = if *i < 5 { &z1s } else { &z2s };
        let r =
            t.post(&format!("/api/v1/users/{id}/reveal"), s, json!({"field": "id_card", "reason": "轮换后核对"})).await;
        assert_eq!((r.status, r.body["value"].as_str()), (StatusCode::OK, Some(n.as_str())), "{}", r.text);
    }
    // And writes under the new version from now on.
    assert_eq!(create_worker(&t, &z1s, "after", ID_C).await.0, StatusCode::CREATED);
    assert_eq!(stored_id_cards(&t).await.iter().filter(|(_, v)| v.starts_with("v2:")).count(), 8);

    // Audited per zone with the count.
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let a = t.get("/api/v1/audit?action=personal.key_rotated", &auditor).await;
    assert_eq!(a.body["total"], 1, "{}", a.text);
    assert_eq!(a.body["items"][0]["after"], json!({"count": 5, "version": 2}));

    // The rewrite is conditional on the old ciphertext: a value changed meanwhile is kept.
    let (table, column) = ENCRYPTED_COLUMNS[0];
    let mut v = encrypted_batch(&t.tdb.db.conn(), table, column, None, 1).await.unwrap().remove(0);
    let current = v.value.clone();
    v.value = "v1:stale".into();
    let c = t.tdb.db.conn();
    assert!(!replace_encrypted(&c, table, column, &v, "v9:overwrite").await.unwrap());
    assert!(stored_id_cards(&t).await.iter().any(|(id, val)| *id == v.id && *val == current));
}

/// PD-01: the key file is refused when group or others may read it; a ciphertext moved to
/// another row does not decrypt.
#[tokio::test]
async fn pd01_a_shared_key_file_is_refused_and_a_moved_ciphertext_does_not_decrypt() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("data-key");
    KeyRing::from_file(&key_file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o640)).unwrap();
        let e = KeyRing::from_file(&key_file).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let t = TestApp::with_keys(KeyRing::from_file(&key_file).unwrap()).await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    let a = create_worker(&t, &s, "zhang.a", ID_A).await.1["id"].as_str().unwrap().to_owned();
    let b = create_worker(&t, &s, "zhang.b", ID_B).await.1["id"].as_str().unwrap().to_owned();
    // Copy a's ciphertext onto b's row, below the application.
    let (table, column) = ENCRYPTED_COLUMNS[0];
    let rows = encrypted_batch(&t.tdb.db.conn(), table, column, None, 10).await.unwrap();
    let of = |id: &str| rows.iter().find(|r| r.id.to_string() == id).unwrap().clone();
    assert!(replace_encrypted(&t.tdb.db.conn(), table, column, &of(&b), &of(&a).value).await.unwrap());
    let r = t.get(&format!("/api/v1/users/{b}"), &s).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "a moved ciphertext was read: {}", r.text);
    assert!(!r.text.contains(ID_A));
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    class: String,
    purpose: String,
    retention: String,
}

const CLASSES: [&str; 5] = ["public", "internal", "personal", "sensitive_personal", "secret"];

/// PD-03: `docs/data-dictionary.toml` lists exactly the columns of the live schema, each with
/// a class, a purpose and a retention; every `sensitive_personal` column is an `_enc` column.
/// On a mismatch the message is TOML to paste into the file.
#[tokio::test]
async fn pd03_the_data_dictionary_lists_every_column_of_the_live_schema() {
    let t = yuanqu_testkit::TestDb::new().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/data-dictionary.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let dict: BTreeMap<String, BTreeMap<String, Entry>> = toml::from_str(&text).unwrap();
    let live = yuanqu_store::personal::schema_columns(&t.db.conn()).await.unwrap();
    let mut problems = Vec::new();
    let mut stubs = String::new();
    for (table, column) in &live {
        if dict.get(table).and_then(|cols| cols.get(column)).is_none() {
            let class = if column.ends_with("_enc") { "sensitive_personal" } else { "internal" };
            stubs.push_str(&format!(
                "[{table}.{column}]\nclass = \"{class}\"\npurpose = \"TODO\"\nretention = \"TODO\"\n\n"
            ));
        }
    }
    for (table, cols) in &dict {
        for (column, e) in cols {
            if !live.iter().any(|(t, c)| t == table && c == column) {
                problems.push(format!("{table}.{column} is in the dictionary but not in the schema"));
            }
            if !CLASSES.contains(&e.class.as_str()) {
                problems.push(format!("{table}.{column}: class {:?} is not one of {CLASSES:?}", e.class));
            }
            if e.class == "sensitive_personal" && !column.ends_with("_enc") {
                problems.push(format!("{table}.{column} is sensitive_personal but not an encrypted `_enc` column"));
            }
            for (what, v) in [("purpose", &e.purpose), ("retention", &e.retention)] {
                if v.trim().is_empty() || v.contains("TODO") {
                    problems.push(format!("{table}.{column}: {what} is missing"));
                }
            }
        }
    }
    for (table, column) in ENCRYPTED_COLUMNS {
        let class = dict.get(*table).and_then(|c| c.get(*column)).map(|e| e.class.as_str());
        if class.is_some() && class != Some("sensitive_personal") && class != Some("secret") {
            problems.push(format!("{table}.{column} is encrypted; class it sensitive_personal or secret"));
        }
    }
    assert!(
        problems.is_empty() && stubs.is_empty(),
        "docs/data-dictionary.toml does not match the schema ({}):\n{}\n\nColumns missing from the dictionary — paste and fill in:\n\n{stubs}",
        t.engine().name(),
        problems.join("\n")
    );
}
