//! The store on both engines: migrations, the schema guard (CS-04) and contended writes.

use yuanqu_store::StoreError;
use yuanqu_testkit::TestDb;

#[tokio::test]
async fn cs04_the_server_refuses_a_schema_newer_than_itself() {
    let t = TestDb::new().await.unwrap();
    assert!(t.db.is_migrated().await.unwrap());
    t.db.migrate().await.unwrap(); // idempotent
    t.db.execute_script("INSERT INTO seaql_migrations (version, applied_at) VALUES ('m9999_from_the_future', 0)")
        .await
        .unwrap();
    match t.db.migrate().await {
        Err(StoreError::SchemaTooNew { applied }) => assert_eq!(applied, "m9999_from_the_future"),
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[tokio::test]
async fn sqlite_runs_wal_with_full_sync_and_foreign_keys() {
    let t = TestDb::new().await.unwrap();
    if t.engine() != yuanqu_store::Engine::Sqlite {
        return; // PostgreSQL: durability is the server's configuration.
    }
    let path = t.sqlite_path().unwrap();
    let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
    // A write creates the WAL file beside the database.
    yuanqu_testkit::seed::two_tenants(&yuanqu_app::App::new(
        t.db.clone(),
        std::sync::Arc::new(yuanqu_app::SystemClock),
        Default::default(),
    ))
    .await
    .unwrap();
    assert!(wal.exists(), "no WAL file at {}", wal.display());
    // Foreign keys are enforced.
    let err = t.db.execute_script("INSERT INTO park (id, zone_id, code, name, version, created_at) VALUES (x'00', x'01', 'X', 'x', 1, '2026-01-01')").await;
    assert!(err.is_err(), "a park in a zone that does not exist was accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contended_writes_all_land_without_errors() {
    use futures::future::join_all;
    let t = TestDb::new().await.unwrap();
    let app = yuanqu_app::App::new(t.db.clone(), std::sync::Arc::new(yuanqu_app::SystemClock), Default::default());
    let (z1, _) = yuanqu_testkit::seed::two_tenants(&app).await.unwrap();
    let scope = yuanqu_domain::Scope::zone(z1.zone_id);
    let by = yuanqu_app::identity::setup::cli(z1.zone_id);
    // 40 departments created at once: every one lands, the audit chain stays whole.
    let results = join_all((0..40).map(|i| {
        let (app, scope, by) = (app.clone(), scope.clone(), by.clone());
        async move {
            yuanqu_app::identity::org::create_department_as(
                &app,
                &scope,
                &by,
                yuanqu_app::identity::org::NewDepartment { name: format!("并发{i}"), parent_id: None },
                &Default::default(),
            )
            .await
        }
    }))
    .await;
    let failed: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let depts = yuanqu_store::identity::departments(&t.db.conn(), &scope).await.unwrap();
    assert_eq!(depts.iter().filter(|d| d.name.starts_with("并发")).count(), 40);
    assert!(yuanqu_app::audit::verify_zone(&t.db, &scope).await.unwrap().ok);
}
