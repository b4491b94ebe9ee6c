//! The identity API as an administrator and an enterprise clerk use it, bad input included.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use yuanqu_testkit::seed::{PASSWORD, two_tenants, uscc};
use yuanqu_testkit::{Req, TestApp};

#[tokio::test]
async fn an_administrator_builds_the_department_tree_and_cannot_make_a_cycle() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    let top = t.post("/api/v1/departments", &s, json!({"name": "经济发展局"})).await;
    assert_eq!(top.status, StatusCode::CREATED, "{}", top.text);
    let top_id = top.body["id"].as_str().unwrap().to_owned();
    let mid = t.post("/api/v1/departments", &s, json!({"name": "统计科", "parent_id": top_id})).await;
    let mid_id = mid.body["id"].as_str().unwrap().to_owned();
    let leaf = t.post("/api/v1/departments", &s, json!({"name": "数据组", "parent_id": mid_id})).await;
    let leaf_id = leaf.body["id"].as_str().unwrap().to_owned();
    // Moving the top under its grandchild, or under itself, is a cycle; nothing changes.
    for parent in [&leaf_id, &top_id] {
        let r = t.patch(&format!("/api/v1/departments/{top_id}"), &s, 1, json!({"parent_id": parent})).await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "department.cycle"), "{}", r.text);
    }
    let all = t.get("/api/v1/departments", &s).await.body;
    let top_now = all.as_array().unwrap().iter().find(|d| d["id"] == top_id.as_str()).unwrap().clone();
    assert_eq!((top_now["parent_id"].clone(), top_now["version"].clone()), (Value::Null, json!(1)));
    // Renaming with the version works once; a stale version is 412, a missing one 428.
    let r = t.patch(&format!("/api/v1/departments/{top_id}"), &s, 1, json!({"name": "经济发展和科技局"})).await;
    assert_eq!((r.status, r.body["version"].clone()), (StatusCode::OK, json!(2)), "{}", r.text);
    let r = t.patch(&format!("/api/v1/departments/{top_id}"), &s, 1, json!({"name": "旧版本"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::PRECONDITION_FAILED, "precondition.failed"));
    let r = t
        .send(
            Req::new(Method::PATCH, &format!("/api/v1/departments/{top_id}")).as_(&s).json(&json!({"name": "无版本"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::PRECONDITION_REQUIRED, "precondition.required"));
    // A department with children cannot be deleted; a leaf can.
    let r = t.delete(&format!("/api/v1/departments/{mid_id}"), &s).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "department.not_empty"));
    assert_eq!(t.delete(&format!("/api/v1/departments/{leaf_id}"), &s).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.delete(&format!("/api/v1/departments/{leaf_id}"), &s).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_gets_its_own_status_and_code_and_nothing_is_written() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    let users_before = t.get("/api/v1/users?page_size=100", &s).await.body["total"].clone();
    let ents_before = t.get("/api/v1/enterprises?page_size=100", &s).await.body["total"].clone();
    let park = z1.park_id;
    // (what, path, body, status, code, field errors)
    let cases: Vec<(&str, &str, Value, StatusCode, &str, Vec<(&str, &str)>)> = vec![
        (
            "duplicate login, other case",
            "/api/v1/users",
            json!({"login": "STAFF", "display_name": "重复", "role": "worker", "password": "green tea leaves"}),
            StatusCode::CONFLICT,
            "user.login_taken",
            vec![],
        ),
        (
            "login with spaces inside",
            "/api/v1/users",
            json!({"login": "li si", "display_name": "李四", "role": "worker", "password": "green tea leaves"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            vec![("login", "login.format")],
        ),
        (
            "unknown role",
            "/api/v1/users",
            json!({"login": "lisi", "display_name": "李四", "role": "emperor", "password": "green tea leaves"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            vec![("role", "role.unknown")],
        ),
        (
            "enterprise account without its enterprise",
            "/api/v1/users",
            json!({"login": "lisi", "display_name": "李四", "role": "enterprise", "password": "green tea leaves"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            vec![("enterprise_id", "required")],
        ),
        (
            "bad phone and empty name",
            "/api/v1/users",
            json!({"login": "lisi", "display_name": " ", "role": "worker", "password": "green tea leaves", "phone": "12345"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            vec![("display_name", "required"), ("phone", "phone.format")],
        ),
        (
            "USCC with a wrong check character",
            "/api/v1/enterprises",
            json!({"name": "假企业", "uscc": "91440300708461136U", "park_id": park}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            vec![("uscc", "uscc.check_char")],
        ),
        (
            "USCC with a letter not in the alphabet",
            "/api/v1/enterprises",
            json!({"name": "假企业", "uscc": "9144030070846113OT", "park_id": park}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.failed",
            vec![("uscc", "uscc.format")],
        ),
        (
            "duplicate USCC",
            "/api/v1/enterprises",
            json!({"name": "重复企业", "uscc": uscc("91350582MA2Y0A101"), "park_id": park}),
            StatusCode::CONFLICT,
            "enterprise.uscc_taken",
            vec![],
        ),
        (
            "unknown field",
            "/api/v1/enterprises",
            json!({"name": "企业", "uscc": "91440300708461136T", "park_id": park, "status": "approved"}),
            StatusCode::BAD_REQUEST,
            "request.malformed",
            vec![("status", "unknown_field")],
        ),
        (
            "missing field",
            "/api/v1/enterprises",
            json!({"name": "企业"}),
            StatusCode::BAD_REQUEST,
            "request.malformed",
            vec![("uscc", "required")],
        ),
        (
            "duplicate park code",
            "/api/v1/parks",
            json!({"code": "P1", "name": "重复园"}),
            StatusCode::CONFLICT,
            "park.code_taken",
            vec![],
        ),
    ];
    for (what, path, body, status, code, fields) in cases {
        let r = t.post(path, &s, body).await;
        let want: Vec<(String, String)> = fields.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        assert_eq!((r.status, r.code(), r.fields()), (status, code, want), "{what}: {}", r.text);
    }
    assert_eq!(t.get("/api/v1/users?page_size=100", &s).await.body["total"], users_before);
    assert_eq!(t.get("/api/v1/enterprises?page_size=100", &s).await.body["total"], ents_before);
    // Paging is bounded (AV-01).
    let r = t.get("/api/v1/users?page_size=101", &s).await;
    assert_eq!(r.fields(), vec![("page_size".to_owned(), "range".to_owned())]);
    // Not JSON.
    let r = t
        .send(
            Req::new(Method::POST, "/api/v1/parks")
                .as_(&s)
                .raw(b"code=P9".to_vec(), "application/x-www-form-urlencoded"),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type"));
}

#[tokio::test]
async fn users_are_listed_searched_paged_and_masked() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    for i in 0..25 {
        let r = t.post("/api/v1/users", &s, json!({"login": format!("worker{i:02}"), "display_name": format!("职工{i}"), "role": "worker", "password": "green tea leaves", "phone": "13912345678"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let p1 = t.get("/api/v1/users?q=worker&page=1&page_size=10&sort=-login", &s).await.body;
    assert_eq!((p1["total"].clone(), p1["items"].as_array().unwrap().len()), (json!(25), 10));
    assert_eq!(p1["items"][0]["login"], "worker24");
    assert_eq!(p1["items"][0]["phone_masked"], "139****5678");
    assert!(!t.get("/api/v1/users?q=worker", &s).await.text.contains("13912345678"), "phone shown in full");
    let p3 = t.get("/api/v1/users?q=worker&page=3&page_size=10&sort=-login", &s).await.body;
    assert_eq!(p3["items"].as_array().unwrap().len(), 5);
    let past_end = t.get("/api/v1/users?q=worker&page=9&page_size=10", &s).await.body;
    assert_eq!((past_end["total"].clone(), past_end["items"].as_array().unwrap().len()), (json!(25), 0));
    let none = t.get("/api/v1/users?q=nobody-like-this", &s).await.body;
    assert_eq!(none["total"], 0);
    // `_` and `%` in a search are plain characters, on both engines.
    for login in ["tan_xin", "tanaxin"] {
        let r = t
            .post(
                "/api/v1/users",
                &s,
                json!({"login": login, "display_name": "谭欣", "role": "worker", "password": "green tea leaves"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    for (q, expected) in [("tan_", 1), ("tan", 2), ("tan%", 0)] {
        assert_eq!(
            t.get(&format!("/api/v1/users?q={}", q.replace('%', "%25")), &s).await.body["total"],
            expected,
            "q={q}"
        );
    }
    let by_role = t.get("/api/v1/users?role=enterprise", &s).await.body;
    assert_eq!(by_role["total"], 2);
    let by_dept = t.get(&format!("/api/v1/users?department_id={}", z1.department_id), &s).await.body;
    assert_eq!(by_dept["items"][0]["login"], "staff");
    assert_eq!(by_dept["items"][0]["department_name"], "经济发展局1");
}

#[tokio::test]
async fn an_api_token_signs_a_script_in_until_it_is_revoked() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    let r = t.post("/api/v1/tokens", &s, json!({"name": "统计导入脚本", "expires_in_days": 30})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("yq_"));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let list = t.get("/api/v1/tokens", &s).await;
    assert!(!list.text.contains(&secret), "the secret is shown once only");
    let bearer =
        |secret: &str| Req::new(Method::GET, "/api/v1/users").header("authorization", &format!("Bearer {secret}"));
    assert_eq!(t.send(bearer(&secret)).await.status, StatusCode::OK);
    assert_eq!(t.send(bearer("yq_not-a-token")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.delete(&format!("/api/v1/tokens/{id}"), &s).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.send(bearer(&secret)).await.status, StatusCode::UNAUTHORIZED);
    // Expiry.
    let r = t.post("/api/v1/tokens", &s, json!({"name": "短期", "expires_in_days": 1})).await;
    let secret = r.body["secret"].as_str().unwrap().to_owned();
    t.clock.advance(chrono::Duration::days(1));
    assert_eq!(t.send(bearer(&secret)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_enterprise_clerk_sees_only_their_own_enterprise() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "ent-a", PASSWORD).await;
    let list = t.get("/api/v1/enterprises", &s).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["name"], "甲企业1");
    assert_eq!(t.get(&format!("/api/v1/enterprises/{}", z1.enterprise_a), &s).await.status, StatusCode::OK);
    assert_eq!(t.get(&format!("/api/v1/enterprises/{}", z1.enterprise_b), &s).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/users", &s).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_simultaneous_moves_never_make_a_department_cycle() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    for round in 0..5 {
        let a = t.post("/api/v1/departments", &s, json!({"name": format!("甲{round}")})).await.body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let b = t.post("/api/v1/departments", &s, json!({"name": format!("乙{round}")})).await.body["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (pa, pb) = (format!("/api/v1/departments/{a}"), format!("/api/v1/departments/{b}"));
        let (ra, rb) =
            tokio::join!(t.patch(&pa, &s, 1, json!({"parent_id": b})), t.patch(&pb, &s, 1, json!({"parent_id": a})),);
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "round {round}: {} / {}", ra.text, rb.text);
    }
}
