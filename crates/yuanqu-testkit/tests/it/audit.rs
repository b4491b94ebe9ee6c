//! AU-01..AU-04: every change and security event audited in its transaction, searchable,
//! hash-chained and verifiable.

use axum::http::StatusCode;
use serde_json::json;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};
use yuanqu_testkit::{Req, TestApp};

#[tokio::test]
async fn au01_a_change_is_audited_with_actor_before_after_ip_and_request_id() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let r = t
        .send(
            Req::new(axum::http::Method::PATCH, &format!("/api/v1/parks/{}", z1.park_id))
                .as_(&admin)
                .header("if-match", "\"1\"")
                .header("x-request-id", "req-42")
                .peer([192, 0, 2, 7])
                .json(&json!({"name": "食品产业园"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let r =
        t.get(&format!("/api/v1/audit?entity_type=park&entity_id={}&action=park.update", z1.park_id), &auditor).await;
    assert_eq!(r.body["total"], 1, "{}", r.text);
    let e = &r.body["items"][0];
    assert_eq!(e["actor_login"], "admin");
    assert_eq!(e["before"]["name"], "食品园1");
    assert_eq!(e["after"]["name"], "食品产业园");
    assert_eq!(e["ip"], "192.0.2.7");
    assert_eq!(e["request_id"], "req-42");
    // Security events too: sign-in and a failed one.
    t.try_login("z1", "staff", "wrong-password-1").await;
    for action in ["auth.login", "auth.login_failed", "user.create", "enterprise.create", "department.create"] {
        let r = t.get(&format!("/api/v1/audit?action={action}"), &auditor).await;
        assert!(r.body["total"].as_u64().unwrap_or(0) >= 1, "{action}: {}", r.text);
    }
}

#[tokio::test]
async fn au01_if_the_audit_write_fails_the_change_fails_and_nothing_is_written() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    // Break the zone's audit chain record so the next audit write fails.
    t.tdb.db.execute_script("DELETE FROM audit_chain").await.unwrap();
    let r = t.post("/api/v1/departments", &admin, json!({"name": "不该存在的部门"})).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", r.text);
    assert_eq!(r.code(), "internal");
    let depts =
        yuanqu_store::identity::departments(&t.tdb.db.conn(), &yuanqu_domain::Scope::zone(z1.zone_id)).await.unwrap();
    assert!(depts.iter().all(|d| d.name != "不该存在的部门"), "the department was written without its audit record");
}

#[tokio::test]
async fn au02_audit_search_by_actor_action_entity_and_time_for_the_auditor_only() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    assert_eq!(
        t.get("/api/v1/audit", &admin).await.status,
        StatusCode::FORBIDDEN,
        "the system administrator cannot read the audit log"
    );
    let all = t.get("/api/v1/audit?page_size=100", &auditor).await;
    let total = all.body["total"].as_u64().unwrap();
    assert!(total >= 8);
    // (query, predicate on every item)
    let cases: [(&str, fn(&serde_json::Value) -> bool); 3] = [
        ("actor=admin", |e| e["actor_login"] == "admin"),
        ("action=user.create", |e| e["action"] == "user.create"),
        ("entity_type=enterprise", |e| e["entity_type"] == "enterprise"),
    ];
    for (q, pred) in cases {
        let r = t.get(&format!("/api/v1/audit?page_size=100&{q}"), &auditor).await;
        let items = r.body["items"].as_array().unwrap();
        assert!(!items.is_empty() && items.iter().all(pred), "{q}: {}", r.text);
    }
    let r = t.get("/api/v1/audit?from=2030-01-01T00:00:00Z", &auditor).await;
    assert_eq!(r.body["total"], 0);
    let r = t.get("/api/v1/audit?to=2030-01-01T00:00:00Z", &auditor).await;
    assert_eq!(r.body["total"].as_u64(), Some(total), "everything so far");
}

#[tokio::test]
async fn au03_the_hash_chain_detects_an_altered_or_missing_record() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let r = t.get("/api/v1/audit/verify", &auditor).await;
    assert_eq!(r.body["ok"], true, "{}", r.text);
    let checked = r.body["checked"].as_u64().unwrap();
    assert!(checked >= 8);
    let scope = yuanqu_domain::Scope::zone(z1.zone_id);
    // Alter one record's content.
    t.tdb.db.execute_script("UPDATE audit_log SET action = 'user.nothing' WHERE seq = 3").await.unwrap();
    let v = yuanqu_app::audit::verify_zone(&t.app.db, &scope).await.unwrap();
    assert_eq!((v.ok, v.broken_at), (false, Some(3)));
    let r = t.get("/api/v1/audit/verify", &auditor).await;
    assert_eq!((r.body["ok"].clone(), r.body["broken_at"].clone()), (json!(false), json!(3)));
}

#[tokio::test]
async fn au03_a_deleted_record_breaks_the_chain() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let scope = yuanqu_domain::Scope::zone(z1.zone_id);
    assert!(yuanqu_app::audit::verify_zone(&t.app.db, &scope).await.unwrap().ok);
    t.tdb.db.execute_script("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    let v = yuanqu_app::audit::verify_zone(&t.app.db, &scope).await.unwrap();
    assert_eq!((v.ok, v.broken_at), (false, Some(2)));
    // Dropping the newest record is caught by the chain head.
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let scope = yuanqu_domain::Scope::zone(z1.zone_id);
    let n = yuanqu_app::audit::verify_zone(&t.app.db, &scope).await.unwrap().checked;
    t.tdb.db.execute_script(&format!("DELETE FROM audit_log WHERE seq = {n}")).await.unwrap();
    assert!(!yuanqu_app::audit::verify_zone(&t.app.db, &scope).await.unwrap().ok);
}
