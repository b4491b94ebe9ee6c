//! Enterprise appeals (issue 5): an enterprise files, the rules route it, the department
//! accepts and answers, a low rating reopens it to a leader; an unrouted appeal is dispatched,
//! goes late and escalates through the durable sweep; deadlines count working days across the
//! Spring Festival; an extension moves them; bad input is named; scopes hold.

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_domain::calendar::china_2026_days;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::matrix::{TINY_PDF, appeal_rules, file_appeal};
use yuanqu_testkit::seed::{PASSWORD, Tenant, extra_user, two_tenants};
use yuanqu_testkit::{Req, Session, TestApp};

fn beijing(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&format!("{s}+08:00")).unwrap().with_timezone(&Utc)
}

async fn upload(t: &TestApp, s: &Session, name: &str, ct: &str, bytes: &[u8]) -> yuanqu_testkit::Res {
    t.send(Req::new(Method::POST, "/api/v1/files").as_(s).multipart("file", name, ct, bytes)).await
}

async fn act(t: &TestApp, s: &Session, id: Uuid, body: Value) -> yuanqu_testkit::Res {
    t.post(&format!("/api/v1/appeals/{id}/actions"), s, body).await
}

/// The kinds of notification a user has, newest first.
async fn inbox(t: &TestApp, z: &Tenant, user: Uuid) -> Vec<String> {
    yuanqu_store::notify::of_user(&t.app.db.conn(), z.zone_id, user)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.kind)
        .collect()
}

async fn set_calendar(t: &TestApp) {
    let admin = t.login("z1", "admin", PASSWORD).await;
    let days: Value =
        china_2026_days().iter().map(|(d, k, n)| json!({"day": d.to_string(), "kind": k.code(), "note": n})).collect();
    assert_eq!(t.post("/api/v1/calendar", &admin, json!({"year": 2026, "days": days})).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_enterprise_files_it_routes_the_department_answers_a_low_rating_reopens_it_to_a_leader() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let leader_id = extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let (land, _) = appeal_rules(&t, &leader, &z1).await.unwrap();
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;

    // Thursday 26 November 2026, 09:00: with a photo of the blocked sewer.
    let f = upload(&t, &ent, "现场.pdf", "application/pdf", TINY_PDF).await;
    assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
    let body = json!({"category_id": land, "title": "污水管网容量不足", "description": "二期投产后污水排放量增加，现有管网容量不足，申请扩容。", "file_ids": [f.body["id"]]});
    let r =
        t.send(Req::new(Method::POST, "/api/v1/appeals").as_(&ent).header("idempotency-key", "k-1").json(&body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id: Uuid = r.body["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(r.body["state"], "dispatched", "routed by rule at once");
    assert_eq!(r.body["department_id"], json!(z1.department_id));
    assert_eq!(r.body["accept_due"], "2026-11-27T16:00:00Z", "1 working day: the end of Friday 27th");
    assert_eq!(r.body["resolve_due"], "2026-12-17T16:00:00Z", "15 working days: the end of 17 December");
    assert!(r.body["code"].as_str().unwrap().starts_with("SQ261126-"));
    // A double click on submit files one appeal.
    let again =
        t.send(Req::new(Method::POST, "/api/v1/appeals").as_(&ent).header("idempotency-key", "k-1").json(&body)).await;
    assert_eq!((again.status, again.body["id"].clone()), (StatusCode::CREATED, r.body["id"].clone()));
    assert_eq!(t.get("/api/v1/appeals", &ent).await.body["total"], 1);
    // Writing a similar one, the enterprise is shown the first.
    let s = t.post("/api/v1/appeals/similar", &ent, json!({"text": "污水管网容量不够，请求扩容"})).await;
    assert_eq!(s.body[0]["id"], r.body["id"], "{}", s.text);
    assert_eq!(t.post("/api/v1/appeals/similar", &ent, json!({"text": "招工难"})).await.body, json!([]));

    // The department's queue has it; its staff read the enterprise's attachment.
    assert_eq!(inbox(&t, &z1, z1.staff_id).await, vec!["appeal.assigned"]);
    let q = t.get("/api/v1/appeals?view=mine", &staff).await;
    assert_eq!((q.body["total"].clone(), q.body["items"][0]["light"].clone()), (json!(1), json!("green")));
    let file = t
        .send_raw(
            Req::new(Method::GET, &format!("/api/v1/appeals/{id}/files/{}", f.body["id"].as_str().unwrap()))
                .as_(&staff),
        )
        .await;
    assert_eq!(file, TINY_PDF);

    // The enterprise cannot accept its own appeal: 409 with what it may do.
    let no = act(&t, &ent, id, json!({"action": "accept"})).await;
    assert_eq!((no.status, no.code()), (StatusCode::CONFLICT, "appeal.transition_not_allowed"));
    assert_eq!((no.body["state"].clone(), no.body["allowed"].clone()), (json!("dispatched"), json!(["withdraw"])));
    // Accept, then answer (an answer needs its text).
    let a = act(&t, &staff, id, json!({"action": "accept"})).await;
    assert_eq!((a.status, a.body["appeal"]["next_stage"].clone()), (StatusCode::OK, json!("answer")), "{}", a.text);
    t.clock.advance(Duration::minutes(20));
    let empty = act(&t, &staff, id, json!({"action": "answer"})).await;
    assert_eq!(empty.fields(), vec![("note".to_owned(), "required".to_owned())]);
    let a = act(&t, &staff, id, json!({"action": "answer", "note": "已协调水务公司，下周临时增设泵站。"})).await;
    assert_eq!(a.body["appeal"]["state"], "answered", "{}", a.text);
    assert_eq!(a.body["appeal"]["light"], "none");
    assert_eq!(inbox(&t, &z1, z1.ent_a_user).await, vec!["appeal.answered"]);
    // Rated 2: reopened for a leader's callback (好差评).
    let bad = act(&t, &ent, id, json!({"action": "rate", "rating": 2, "note": "泵站只是临时措施"})).await;
    assert_eq!(bad.body["appeal"]["state"], "reopened", "{}", bad.text);
    assert_eq!(inbox(&t, &z1, leader_id).await, vec!["appeal.reopened"]);
    let d = t.get(&format!("/api/v1/appeals/{id}"), &leader).await.body;
    assert_eq!(d["allowed"], json!(["restart", "answer", "close"]));
    assert_eq!(
        act(&t, &leader, id, json!({"action": "restart", "note": "请制定永久扩容方案"})).await.body["appeal"]["state"],
        "in_progress"
    );
    act(&t, &staff, id, json!({"action": "answer", "note": "管网扩容列入明年计划，三月开工。"})).await;
    let good = act(&t, &ent, id, json!({"action": "rate", "rating": 5, "note": "满意"})).await;
    assert_eq!(
        (good.body["appeal"]["state"].clone(), good.body["appeal"]["rating"].clone()),
        (json!("confirmed"), json!(5))
    );
    assert_eq!(act(&t, &ent, id, json!({"action": "rate", "rating": 5})).await.status, StatusCode::CONFLICT);
    // The enterprise's page lists the appeal on its timeline, for the enterprise and its
    // handlers alike; enterprise B (another enterprise) cannot open A's page at all.
    for s in [&ent, &staff, &leader] {
        let tl = t.get(&format!("/api/v1/enterprises/{}/timeline", z1.enterprise_a), s).await;
        let e = tl.body.as_array().unwrap().iter().find(|e| e["kind"] == "appeal.filed").cloned();
        let e = e.unwrap_or_else(|| panic!("no appeal on the timeline: {}", tl.text));
        assert_eq!(e["link"], json!(format!("/appeals/{id}")));
        assert!(e["title"].as_str().unwrap().contains("污水管网容量不足"), "{e}");
        assert_eq!(e["detail"], "当前状态：已确认");
    }
    // The whole story, in order; the enterprise sees departments, not staff names.
    let d = t.get(&format!("/api/v1/appeals/{id}"), &ent).await.body;
    let steps: Vec<&str> = d["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, ["submit", "route", "accept", "answer", "rate", "restart", "answer", "rate"]);
    assert_eq!(d["timeline"][2]["actor"], "经济发展局1");
    assert_eq!(d["allowed"], json!([]));
    // Audited, each transition.
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    for (action, n) in [("appeal.file", 1), ("appeal.answer", 2), ("appeal.rate", 2), ("appeal.restart", 1)] {
        assert_eq!(t.get(&format!("/api/v1/audit?action={action}"), &auditor).await.body["total"], n, "{action}");
    }
    // The dashboard counts it.
    let dash = t.get("/api/v1/dashboard/appeals?from=2026-11-01&to=2026-11-30", &leader).await.body;
    assert_eq!(
        (dash["received"].clone(), dash["closed"].clone(), dash["reopened"].clone()),
        (json!(1), json!(1), json!(1))
    );
    assert_eq!(dash["satisfaction"], 3.5);
}

#[tokio::test]
async fn an_unrouted_appeal_is_dispatched_goes_late_and_escalates_to_the_head_and_then_the_leaders() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    set_calendar(&t).await;
    let leader_id = extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let (land, labour) = appeal_rules(&t, &leader, &z1).await.unwrap();
    // Thursday 12 February 2026, 16:30, the day before the Spring Festival holiday.
    t.clock.set(beijing("2026-02-12T16:30:00"));
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    let id = file_appeal(&t, &ent, land, "用地指标", &[]).await.unwrap();
    let d = t.get(&format!("/api/v1/appeals/{id}"), &ent).await.body;
    // Accept by the end of the 13th; answer: 13th, the make-up Saturday 14th, then the 24th;
    // resolve on 11 March (15 working days, the holiday not counted).
    assert_eq!(
        (d["appeal"]["accept_due"].clone(), d["appeal"]["answer_due"].clone(), d["appeal"]["resolve_due"].clone()),
        (json!("2026-02-13T16:00:00Z"), json!("2026-02-24T16:00:00Z"), json!("2026-03-11T16:00:00Z"))
    );
    // The labour appeal has no route: it waits for a leader, who hears of it.
    let late = file_appeal(&t, &ent, labour, "招工难，缺熟练焊工", &[]).await.unwrap();
    let d = t.get(&format!("/api/v1/appeals/{late}"), &leader).await.body;
    assert_eq!((d["appeal"]["state"].clone(), d["allowed"][0].clone()), (json!("submitted"), json!("dispatch")));
    assert_eq!(inbox(&t, &z1, leader_id).await, vec!["appeal.unrouted"]);
    let r = act(&t, &leader, late, json!({"action": "dispatch", "department_id": z1.department_id})).await;
    assert_eq!(r.body["appeal"]["state"], "dispatched", "{}", r.text);
    assert_eq!(r.body["appeal"]["next_due_at"], "2026-02-12T12:30:00Z", "4 hours from receipt");
    // Nothing is due yet.
    assert_eq!(yuanqu_app::appeal::escalation::sweep(&t.app).await.unwrap(), 0);
    // Five hours later nobody has accepted: the sweep escalates it to the department (no head set).
    t.clock.advance(Duration::hours(5));
    assert_eq!(yuanqu_app::appeal::escalation::sweep(&t.app).await.unwrap(), 1);
    assert_eq!(yuanqu_app::appeal::escalation::sweep(&t.app).await.unwrap(), 0, "once per level");
    assert_eq!(inbox(&t, &z1, z1.staff_id).await, vec!["appeal.escalated", "appeal.assigned", "appeal.assigned"]);
    let staff = t.login("z1", "staff", PASSWORD).await;
    let red = t.get("/api/v1/appeals?light=red", &staff).await.body;
    assert_eq!((red["total"].clone(), red["items"][0]["escalation_level"].clone()), (json!(1), json!(1)));
    // By the end of the next working day (Friday 13th) the leaders hear.
    t.clock.set(beijing("2026-02-13T23:59:00"));
    assert_eq!(yuanqu_app::appeal::escalation::sweep(&t.app).await.unwrap(), 0);
    t.clock.set(beijing("2026-02-14T00:00:01"));
    // The land appeal's accept deadline (end of the 13th) has also passed by now.
    assert_eq!(yuanqu_app::appeal::escalation::sweep(&t.app).await.unwrap(), 2);
    assert_eq!(inbox(&t, &z1, leader_id).await[0], "appeal.escalated");
    let leader = t.login("z1", "leader", PASSWORD).await;
    let d = t.get(&format!("/api/v1/appeals/{late}"), &leader).await.body;
    assert_eq!(d["appeal"]["escalation_level"], 2);
    let steps: Vec<&str> = d["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, ["submit", "dispatch", "escalate", "escalate"]);
    // Accepting starts the next stage afresh.
    let staff = t.login("z1", "staff", PASSWORD).await;
    let a = act(&t, &staff, late, json!({"action": "accept"})).await;
    assert_eq!(
        (a.body["appeal"]["escalation_level"].clone(), a.body["appeal"]["next_stage"].clone()),
        (json!(0), json!("answer"))
    );

    // An extension: the department asks, a leader approves 5 working days, the deadline moves.
    let x = t
        .post(&format!("/api/v1/appeals/{id}/extensions"), &staff, json!({"days": 5, "reason": "需省厅批复用地指标"}))
        .await;
    assert_eq!(x.status, StatusCode::CREATED, "{}", x.text);
    let twice = t.post(&format!("/api/v1/appeals/{id}/extensions"), &staff, json!({"days": 5, "reason": "再次"})).await;
    assert_eq!(twice.code(), "appeal.extension_pending");
    let path = format!("/api/v1/appeals/{id}/extensions/{}/decision", x.body["id"].as_str().unwrap());
    assert_eq!(t.post(&path, &staff, json!({"approve": true})).await.status, StatusCode::FORBIDDEN);
    let ok = t.post(&path, &leader, json!({"approve": true, "note": "同意"})).await;
    assert_eq!(ok.body["appeal"]["resolve_due"], "2026-03-18T16:00:00Z", "{}", ok.text);
    assert_eq!(ok.body["extensions"][0]["state"], "approved");
    assert_eq!(t.post(&path, &leader, json!({"approve": false})).await.code(), "appeal.extension_decided");
}

#[tokio::test]
async fn bad_input_is_named_and_each_side_sees_only_its_own() {
    let t = TestApp::new().await.unwrap();
    let (z1, z2) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    // Rules that make no sense are refused, field by field, and nothing is saved.
    let bad = t
        .post(
            "/api/v1/appeal-rules",
            &leader,
            json!({"categories": [
                {"code": "land", "name": "用地", "accept_limit": "5wd", "answer_limit": "3wd", "resolve_limit": "1wd", "yellow_pct": 80, "pause_when_waiting": true},
                {"code": "land", "name": "", "accept_limit": "2d", "answer_limit": "3wd", "resolve_limit": "15wd", "yellow_pct": 100, "pause_when_waiting": true}
            ], "routes": [{"category_code": "power", "department_id": z2.department_id}]}),
        )
        .await;
    let want: Vec<(String, String)> = [
        ("categories[0].answer_limit", "appeal.limit_before_accept"),
        ("categories[0].resolve_limit", "appeal.limit_before_answer"),
        ("categories[1].code", "appeal.duplicate_code"),
        ("categories[1].name", "required"),
        ("categories[1].accept_limit", "appeal.limit_invalid"),
        ("categories[1].yellow_pct", "range"),
        ("routes[0].category_code", "not_found"),
        ("routes[0].department_id", "not_found"),
    ]
    .iter()
    .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!((bad.status, bad.fields()), (StatusCode::UNPROCESSABLE_ENTITY, want));
    assert_eq!(t.get("/api/v1/appeal-rules", &leader).await.body["categories"], json!([]));
    let (land, _) = appeal_rules(&t, &leader, &z1).await.unwrap();
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    let ent_b = t.login("z1", "ent-b", PASSWORD).await;
    // An executable is not an attachment.
    let exe = upload(&t, &ent, "fix.exe", "application/octet-stream", b"MZ\x90\x00\x03\x00\x00\x00").await;
    assert_eq!((exe.status, exe.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "file.type_not_allowed"));
    let b_file = upload(&t, &ent_b, "b.pdf", "application/pdf", TINY_PDF).await;
    let r = t
        .post(
            "/api/v1/appeals",
            &ent,
            json!({"enterprise_id": z1.enterprise_b, "category_id": Uuid::now_v7(), "title": "", "description": "x", "urgency": "soon", "file_ids": [b_file.body["id"]]}),
        )
        .await;
    let fields: Vec<String> = r.fields().into_iter().map(|(f, c)| format!("{f}:{c}")).collect();
    assert_eq!(
        fields,
        [
            "enterprise_id:not_allowed",
            "title:required",
            "urgency:appeal.urgency_unknown",
            "category_id:not_found",
            "file_ids[0]:not_found"
        ]
    );
    // Staff register one from a phone call: they must name the enterprise and the channel.
    let staff = t.login("z1", "staff", PASSWORD).await;
    let r = t
        .post("/api/v1/appeals", &staff, json!({"category_id": land, "title": "停电", "description": "频繁停电"}))
        .await;
    let fields: Vec<String> = r.fields().into_iter().map(|(f, c)| format!("{f}:{c}")).collect();
    assert_eq!(fields, ["enterprise_id:required", "channel:required"]);
    let r = t
        .post("/api/v1/appeals", &staff, json!({"enterprise_id": z1.enterprise_b, "channel": "phone", "category_id": land, "title": "停电", "description": "频繁停电"}))
        .await;
    assert_eq!((r.status, r.body["channel"].clone()), (StatusCode::CREATED, json!("phone")), "{}", r.text);
    let b_appeal = r.body["id"].as_str().unwrap().to_owned();
    // Enterprise A never sees B's appeal; Z2 never sees Z1's.
    assert_eq!(t.get(&format!("/api/v1/appeals/{b_appeal}"), &ent).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/appeals", &ent).await.body["total"], 0);
    let z2_staff = t.login("z2", "staff", PASSWORD).await;
    assert_eq!(t.get(&format!("/api/v1/appeals/{b_appeal}"), &z2_staff).await.status, StatusCode::NOT_FOUND);
    // B sees its own, filed by staff (named as the department) — and can withdraw it.
    let d = t.get(&format!("/api/v1/appeals/{b_appeal}"), &ent_b).await.body;
    assert_eq!((d["filed_by"].clone(), d["allowed"].clone()), (json!("经济发展局1"), json!(["withdraw"])));
    // Unknown actions, bad ratings, a stale If-Match.
    let id: Uuid = b_appeal.parse().unwrap();
    assert_eq!(act(&t, &staff, id, json!({"action": "approve"})).await.fields()[0].1, "appeal.action_unknown");
    let stale = t
        .send(
            Req::new(Method::POST, &format!("/api/v1/appeals/{id}/actions"))
                .as_(&staff)
                .header("if-match", "\"7\"")
                .json(&json!({"action": "accept"})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(act(&t, &ent_b, id, json!({"action": "withdraw"})).await.body["appeal"]["state"], "withdrawn");
    assert_eq!(t.get("/api/v1/appeals?state=bogus", &staff).await.fields()[0].1, "appeal.state_unknown");
    assert_eq!(
        t.get("/api/v1/dashboard/appeals?from=2026-01-01&to=2026-12-31", &ent).await.status,
        StatusCode::FORBIDDEN
    );
}
