//! Platform services: Idempotency-Key on creating POSTs (CC-03), If-Match on every update
//! (CC-02) and overload shedding (AV-02).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use yuanqu_testkit::seed::{PASSWORD, Tenant, two_tenants, uscc};
use yuanqu_testkit::{Req, Res, Session, TestApp};

async fn world() -> (TestApp, Tenant, Session) {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    (t, z1, s)
}

async fn post_with_key(t: &TestApp, s: &Session, path: &str, key: &str, body: &Value) -> Res {
    t.send(Req::new(Method::POST, path).as_(s).header("idempotency-key", key).json(body)).await
}

/// How many records a list shows (the count a duplicate would raise).
async fn count(t: &TestApp, s: &Session, list: &str) -> usize {
    let b = t.get(list, s).await.body;
    let items = b.get("items").cloned().unwrap_or(b);
    items.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn cc03_a_retried_create_with_the_same_key_makes_one_record_and_gets_the_same_answer() {
    let (t, z1, s) = world().await;
    // (creating route, the list that shows its records, a body, another body)
    let cases: Vec<(&str, &str, Value, Value)> = vec![
        ("/api/v1/departments", "/api/v1/departments", json!({"name": "招商局"}), json!({"name": "商务局"})),
        (
            "/api/v1/parks",
            "/api/v1/parks",
            json!({"code": "P9", "name": "物流园"}),
            json!({"code": "P8", "name": "港区"}),
        ),
        (
            "/api/v1/enterprises",
            "/api/v1/enterprises?page_size=100",
            json!({"name": "丙企业", "uscc": uscc("91350582MA2Y0C1C3"), "park_id": z1.park_id}),
            json!({"name": "丁企业", "uscc": uscc("91350582MA2Y0D1D4"), "park_id": z1.park_id}),
        ),
        (
            "/api/v1/users",
            "/api/v1/users?page_size=100",
            json!({"login": "clerk", "display_name": "办事员", "role": "department_staff", "password": "Grass-Field-2026!", "department_id": z1.department_id}),
            json!({"login": "clerk2", "display_name": "办事员二", "role": "department_staff", "password": "Grass-Field-2026!", "department_id": z1.department_id}),
        ),
        ("/api/v1/tokens", "/api/v1/tokens", json!({"name": "导入脚本"}), json!({"name": "另一个脚本"})),
    ];
    for (path, list, body, other) in cases {
        let before = count(&t, &s, list).await;
        let key = format!("retry-{path}");
        let first = post_with_key(&t, &s, path, &key, &body).await;
        assert_eq!(first.status, StatusCode::CREATED, "{path}: {}", first.text);
        assert!(first.headers.get("idempotent-replayed").is_none(), "{path}");
        let again = post_with_key(&t, &s, path, &key, &body).await;
        assert_eq!(again.status, StatusCode::CREATED, "{path}: {}", again.text);
        assert_eq!(again.headers.get("idempotent-replayed").map(|v| v.as_bytes()), Some(&b"true"[..]), "{path}");
        if path == "/api/v1/tokens" {
            // The secret is shown once; the replay is the same token without it.
            assert_eq!(again.body["id"], first.body["id"]);
            assert_eq!(again.body["secret"], "");
        } else {
            assert_eq!(again.body, first.body, "{path}");
            assert_eq!(again.headers.get("etag"), first.headers.get("etag"), "{path}");
        }
        let reused = post_with_key(&t, &s, path, &key, &other).await;
        assert_eq!(
            (reused.status, reused.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, "idempotency.key_reused"),
            "{path}"
        );
        assert_eq!(count(&t, &s, list).await, before + 1, "{path}: one record for three requests");
        // Without a key, the same body is a new request (and a duplicate code or name is refused
        // as usual, or makes a second record).
        let plain = t.post(path, &s, other.clone()).await;
        assert_eq!(plain.status, StatusCode::CREATED, "{path}: {}", plain.text);
    }
}

#[tokio::test]
async fn cc03_an_invalid_key_is_refused_and_nothing_is_written() {
    let (t, _z1, s) = world().await;
    let before = count(&t, &s, "/api/v1/departments").await;
    let long = "k".repeat(201);
    for key in ["", "two words", "键", long.as_str(), "tab\tkey"] {
        let r = post_with_key(&t, &s, "/api/v1/departments", key, &json!({"name": "新部门"})).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "idempotency.key_invalid"), "{key:?}: {}", r.text);
    }
    assert_eq!(count(&t, &s, "/api/v1/departments").await, before);
    let ok = "k".repeat(200);
    let r = post_with_key(&t, &s, "/api/v1/departments", &ok, &json!({"name": "新部门"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn cc03_a_key_is_per_user_and_expires_after_24_hours() {
    let (t, _z1, s) = world().await;
    let body = json!({"name": "园区办"});
    let first = post_with_key(&t, &s, "/api/v1/departments", "k-1", &body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    t.clock.advance(chrono::Duration::hours(24) + chrono::Duration::seconds(1));
    let s = t.login("z1", "admin", PASSWORD).await;
    let later = post_with_key(&t, &s, "/api/v1/departments", "k-1", &body).await;
    assert_eq!(later.status, StatusCode::CREATED);
    assert!(later.headers.get("idempotent-replayed").is_none(), "an expired key is a new request");
    assert_ne!(later.body["id"], first.body["id"]);
}

#[tokio::test]
async fn cc03_ten_concurrent_retries_make_exactly_one_record_and_ten_identical_answers() {
    let (t, z1, s) = world().await;
    let cases = [
        ("/api/v1/departments", json!({"name": "并发局"}), "/api/v1/departments"),
        ("/api/v1/parks", json!({"code": "PX", "name": "并发园"}), "/api/v1/parks"),
        (
            "/api/v1/enterprises",
            json!({"name": "并发企业", "uscc": uscc("91350582MA2Y0E1E5"), "park_id": z1.park_id}),
            "/api/v1/enterprises?page_size=100",
        ),
    ];
    for (path, body, list) in cases {
        let before = count(&t, &s, list).await;
        let key = format!("ten-times-{path}");
        let answers = futures::future::join_all((0..10).map(|_| post_with_key(&t, &s, path, &key, &body))).await;
        for a in &answers {
            assert_eq!(a.status, StatusCode::CREATED, "{path}: {}", a.text);
            assert_eq!(a.body, answers[0].body, "{path}: all ten answers identical");
        }
        let replayed = answers.iter().filter(|a| a.headers.get("idempotent-replayed").is_some()).count();
        assert_eq!(replayed, 9, "{path}: one created, nine replayed");
        assert_eq!(count(&t, &s, list).await, before + 1, "{path}: exactly one record");
    }
    let _ = z1;
}

// ------------------------------------------------------------------ CC-02

/// One's own record for an ID-taking update route: a new update route over another kind of
/// record must be added here, or this test fails.
fn own_id(
    path: &str,
    z1: &Tenant,
    evaluation: uuid::Uuid,
    report: uuid::Uuid,
    webhook: uuid::Uuid,
    party_org: uuid::Uuid,
) -> Option<uuid::Uuid> {
    let kind = path.trim_start_matches("/api/v1/").split('/').next().unwrap_or("");
    match kind {
        "webhooks" => Some(webhook),
        "party" if path.starts_with("/api/v1/party/orgs/") => Some(party_org),
        "evaluations" => Some(evaluation),
        "stats" if path.starts_with("/api/v1/stats/reports/") => Some(report),
        "stats" if path.starts_with("/api/v1/stats/rules/") => {
            Some(yuanqu_store::stats::default_rule_id(z1.zone_id, 0))
        }
        "users" => Some(z1.staff_id),
        "departments" => Some(z1.department_id),
        "parks" => Some(z1.park_id),
        "enterprises" => Some(z1.enterprise_a),
        _ => None,
    }
}

#[tokio::test]
async fn cc02_every_patch_and_put_route_needs_if_match_428_missing_412_stale() {
    use yuanqu_http::policy::{Access, POLICY};
    let (t, z1, admin) = world().await;
    yuanqu_testkit::seed::extra_user(&t.app, &z1, "security", yuanqu_domain::identity::Role::SecurityAdmin)
        .await
        .unwrap();
    let security = t.login("z1", "security", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let ev = t.post("/api/v1/evaluations", &staff, json!({"year": 2025})).await;
    assert_eq!(ev.status, StatusCode::CREATED, "{}", ev.text);
    let evaluation: uuid::Uuid = ev.body["id"].as_str().unwrap().parse().unwrap();
    let ent_a = t.login("z1", "ent-a", PASSWORD).await;
    let report = yuanqu_testkit::matrix::draft_report(&t, &ent_a, "2026-10").await.unwrap();
    let w = t.post("/api/v1/webhooks", &admin, json!({"name": "网关", "url": "http://127.0.0.1:9/"})).await;
    assert_eq!(w.status, StatusCode::CREATED, "{}", w.text);
    let webhook: uuid::Uuid = w.body["id"].as_str().unwrap().parse().unwrap();
    yuanqu_testkit::seed::extra_user(&t.app, &z1, "party", yuanqu_domain::identity::Role::PartyStaff).await.unwrap();
    let party = t.login("z1", "party", PASSWORD).await;
    let o = t
        .post(
            "/api/v1/party/orgs",
            &party,
            json!({"parent_id": null, "org_type": "working_committee", "name": "园区党工委"}),
        )
        .await;
    assert_eq!(o.status, StatusCode::CREATED, "{}", o.text);
    let party_org: uuid::Uuid = o.body["id"].as_str().unwrap().parse().unwrap();
    let updates: Vec<_> = POLICY.iter().filter(|r| matches!(r.method, "PATCH" | "PUT")).collect();
    assert!(updates.len() >= 3, "the policy table has update routes");
    for rule in updates {
        let s = match rule.access {
            Access::Perm(p) if admin.me["permissions"].as_array().unwrap().iter().any(|x| x == p.code()) => &admin,
            Access::Perm(p) if security.me["permissions"].as_array().unwrap().iter().any(|x| x == p.code()) => {
                &security
            }
            Access::Perm(p) if staff.me["permissions"].as_array().unwrap().iter().any(|x| x == p.code()) => &staff,
            Access::Perm(p) if ent_a.me["permissions"].as_array().unwrap().iter().any(|x| x == p.code()) => &ent_a,
            Access::Perm(p) if party.me["permissions"].as_array().unwrap().iter().any(|x| x == p.code()) => &party,
            Access::Perm(p) => panic!("{} {}: no seeded account holds {}", rule.method, rule.path, p.code()),
            _ => &admin,
        };
        let path = if rule.path.contains("{id}") {
            let id = own_id(rule.path, &z1, evaluation, report, webhook, party_org)
                .unwrap_or_else(|| panic!("{}: add its record kind to own_id", rule.path));
            rule.path.replace("{id}", &id.to_string())
        } else {
            rule.path.to_owned()
        };
        let method = Method::from_bytes(rule.method.as_bytes()).unwrap();
        let before = t.get(&path, s).await;
        let r = t.send(Req::new(method.clone(), &path).as_(s).json(&json!({}))).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::PRECONDITION_REQUIRED, "precondition.required"),
            "{} {path} without If-Match: {}",
            rule.method,
            r.text
        );
        for stale in ["\"999\"", "\"0\"", "W/\"999\"", "not-a-version"] {
            let r = t.send(Req::new(method.clone(), &path).as_(s).header("if-match", stale).json(&json!({}))).await;
            assert_eq!(
                (r.status, r.code()),
                (StatusCode::PRECONDITION_FAILED, "precondition.failed"),
                "{} {path} with If-Match {stale}: {}",
                rule.method,
                r.text
            );
        }
        let after = t.get(&path, s).await;
        if before.status == StatusCode::OK {
            assert_eq!(after.body, before.body, "{path}: nothing changed");
        }
    }
}

// ------------------------------------------------------------------ AV-02

#[tokio::test]
async fn av02_over_max_in_flight_a_request_gets_503_with_retry_after_and_the_first_still_completes() {
    use axum::body::{Body, Bytes};
    use futures::SinkExt;
    use tower::ServiceExt;
    let t = TestApp::with_config(yuanqu_http::HttpConfig { max_in_flight: 1, ..Default::default() }).await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    // The first request's body arrives slowly: the handler waits for it, holding its place.
    let (mut tx, rx) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let mut req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/departments")
        .header("host", "yuanqu.test")
        .header("cookie", &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header("content-type", "application/json")
        .body(Body::from_stream(rx))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 40000))));
    let first = tokio::spawn(t.router.clone().oneshot(req));
    tx.send(Ok(Bytes::from_static(b"{\"name\": "))).await.unwrap();
    // Let the first request take its place (sign-in check done, waiting for the rest of its body)
    // before the second one comes.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!first.is_finished(), "the first request waits for its body");
    let mut shed = None;
    for _ in 0..100 {
        let r = t.get("/api/v1/parks", &s).await;
        if r.status == StatusCode::SERVICE_UNAVAILABLE {
            shed = Some(r);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let shed = shed.expect("a second request while one is in flight is shed");
    assert_eq!(shed.code(), "overload");
    assert_eq!(shed.headers.get("retry-after").map(|v| v.as_bytes()), Some(&b"1"[..]));
    assert!(shed.headers.get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json")));
    // Health is always answered.
    let h = t.send(Req::new(Method::GET, "/healthz")).await;
    assert_eq!(h.status, StatusCode::OK);
    tx.send(Ok(Bytes::from_static("\"慢速部门\"}".as_bytes()))).await.unwrap();
    drop(tx);
    let res = first.await.unwrap().unwrap();
    assert_eq!(res.status(), StatusCode::CREATED, "the request in flight completes");
    // And with the place free again, the next request is served.
    assert_eq!(t.get("/api/v1/parks", &s).await.status, StatusCode::OK);
}
