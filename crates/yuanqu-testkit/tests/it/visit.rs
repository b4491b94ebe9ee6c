//! Visits (走访, issue 5): a leader plans visits to three enterprises, the visits are recorded
//! with a photo and findings, one finding becomes an appeal (routed to the department's queue,
//! channel `visit`), two become rectifications and one of those is done; the period's figures
//! are the article's kind; bad input is named; other zones see nothing.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::matrix::{TINY_PDF, appeal_rules};
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants, uscc};
use yuanqu_testkit::{Req, Session, TestApp};

fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

async fn summary(t: &TestApp, s: &Session) -> Value {
    let v = t.get("/api/v1/visits/summary?from=2026-11-01&to=2026-11-30", s).await.body;
    json!([
        v["enterprises"],
        v["visits"],
        v["findings"],
        v["appeals"],
        v["appeals_solved"],
        v["rectifications"],
        v["rectifications_done"],
        v["rectifications_overdue"],
        v["open_findings"]
    ])
}

#[tokio::test]
async fn a_leader_plans_visits_findings_become_an_appeal_and_rectifications_and_the_figures_add_up() {
    // Thursday 26 November 2026, 09:00 Beijing.
    let t = TestApp::new().await.unwrap();
    let (z1, z2) = two_tenants(&t.app).await.unwrap();
    let leader_id = extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let (land, _) = appeal_rules(&t, &leader, &z1).await.unwrap();
    let c = t
        .post(
            "/api/v1/enterprises",
            &staff,
            json!({"name": "晋江新材料有限公司", "uscc": uscc("91350582MA2Y0C301"), "park_id": z1.park_id}),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
    let (a, b, ent_c) = (z1.enterprise_a, z1.enterprise_b, id(&c.body));

    // The plan: three enterprises in November and December.
    let p = t
        .post(
            "/api/v1/visit-plans",
            &leader,
            json!({"title": "四季度领导走访企业", "leader_user_id": leader_id, "starts_on": "2026-11-01", "ends_on": "2026-12-31",
                   "enterprise_ids": [a, b, ent_c]}),
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.text);
    let plan = id(&p.body);
    assert_eq!(p.body["leader"], "leader 测试");
    assert_eq!(p.body["enterprises"].as_array().unwrap().len(), 3);

    // Three visits: a photo, findings.
    let f = t
        .send(Req::new(Method::POST, "/api/v1/files").as_(&staff).multipart(
            "file",
            "现场.pdf",
            "application/pdf",
            TINY_PDF,
        ))
        .await;
    assert_eq!(f.status, StatusCode::CREATED, "{}", f.text);
    let photo = id(&f.body);
    let power = "企业反映二期厂房用电增容审批进度慢，影响新生产线投产，希望协调供电公司加快办理。";
    let mut visits = Vec::new();
    for (ent, day, leader_of, files, findings) in [
        (a, "2026-11-20", Some(leader_id), vec![photo], vec![power, "员工宿舍用电线路私拉乱接"]),
        (b, "2026-11-24", Some(leader_id), vec![], vec!["消防通道堆放原材料"]),
        (ent_c, "2026-11-25", None, vec![], vec!["企业招工难，一线普工缺口约 50 人"]),
    ] {
        let r = t
            .post(
                "/api/v1/visits",
                &staff,
                json!({"plan_id": plan, "enterprise_id": ent, "visited_on": day, "leader_user_id": leader_of,
                       "visitors": "园区领导、经济发展局", "summary": "了解生产经营情况和发展需求", "file_ids": files, "findings": findings}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        visits.push(id(&r.body));
    }
    let d = t.get(&format!("/api/v1/visits/{}", visits[0]), &leader).await.body;
    assert_eq!(d["visit"]["enterprise"], "甲企业1");
    assert_eq!(d["visit"]["plan"], "四季度领导走访企业");
    assert_eq!(d["photo_ids"], json!([photo]));
    let outcomes: Vec<&str> =
        d["findings"].as_array().unwrap().iter().map(|f| f["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["open", "open"]);
    let (power_finding, wiring) = (id(&d["findings"][0]), id(&d["findings"][1]));
    let fire = id(&t.get(&format!("/api/v1/visits/{}", visits[1]), &leader).await.body["findings"][0]);
    // Its photo, read by the leader whoever uploaded it.
    let bytes =
        t.send_raw(Req::new(Method::GET, &format!("/api/v1/visits/{}/photos/{photo}", visits[0])).as_(&leader)).await;
    assert_eq!(bytes, TINY_PDF);

    // One click: the power finding becomes an appeal, routed to the department's queue.
    let r = t
        .post(
            &format!("/api/v1/visits/{}/findings/{power_finding}/appeal", visits[0]),
            &leader,
            json!({"category_id": land}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["findings"][0]["outcome"], "appeal");
    assert_eq!(r.body["findings"][0]["appeal"]["state"], "dispatched");
    let appeal = id(&r.body["findings"][0]["appeal"]);
    let q = t.get("/api/v1/appeals?view=mine", &staff).await.body;
    assert_eq!((q["total"].clone(), q["items"][0]["id"].clone()), (json!(1), json!(appeal)));
    let ap = t.get(&format!("/api/v1/appeals/{appeal}"), &staff).await.body;
    assert_eq!(ap["appeal"]["channel"], "visit");
    assert_eq!(ap["appeal"]["enterprise_id"], json!(a));
    assert_eq!(ap["appeal"]["department_id"], json!(z1.department_id));
    assert_eq!(ap["appeal"]["title"], power.chars().take(30).collect::<String>());
    assert!(ap["appeal"]["description"].as_str().unwrap().contains("2026-11-20"));
    // A second click (or another user's) is refused, and files nothing.
    let again = t
        .post(
            &format!("/api/v1/visits/{}/findings/{power_finding}/appeal", visits[0]),
            &staff,
            json!({"category_id": land}),
        )
        .await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "visit.finding_done"));
    assert_eq!(t.get("/api/v1/appeals", &leader).await.body["total"], 1);

    // Two rectifications for the department.
    for (v, finding, due) in [(visits[0], wiring, "2026-12-10"), (visits[1], fire, "2026-12-03")] {
        let r = t
            .post(
                &format!("/api/v1/visits/{v}/findings/{finding}/rectification"),
                &leader,
                json!({"department_id": z1.department_id, "requirement": "限期整改并报送整改情况", "due_on": due}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let d = t.get(&format!("/api/v1/visits/{}", visits[0]), &staff).await.body;
    let rect = &d["findings"][1]["rectification"];
    assert_eq!((rect["state"].clone(), rect["department"].clone()), (json!("open"), json!("经济发展局1")), "{d}");
    let rect_wiring = id(rect);
    // The department marks one done; twice is a conflict; an enterprise account may not.
    let done =
        t.post(&format!("/api/v1/rectifications/{rect_wiring}/done"), &staff, json!({"note": "已重新布线"})).await;
    assert_eq!((done.status, done.body["state"].clone()), (StatusCode::OK, json!("done")), "{}", done.text);
    let twice = t.post(&format!("/api/v1/rectifications/{rect_wiring}/done"), &leader, json!({"note": "再次"})).await;
    assert_eq!((twice.status, twice.code()), (StatusCode::CONFLICT, "visit.rectification_done"));
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    let no = t.post(&format!("/api/v1/rectifications/{rect_wiring}/done"), &ent, json!({"note": "x"})).await;
    assert_eq!(no.status, StatusCode::FORBIDDEN);
    assert_eq!(t.get("/api/v1/visits", &ent).await.status, StatusCode::FORBIDDEN);

    // The figures: 3 enterprises, 3 visits, 4 findings, 1 appeal (0 solved), 2 rectifications
    // (1 done), 0 overdue, 1 finding open.
    assert_eq!(summary(&t, &leader).await, json!([3, 3, 4, 1, 0, 2, 1, 0, 1]));
    // The department solves the appeal; the enterprise is satisfied.
    for body in [json!({"action": "accept"}), json!({"action": "answer", "note": "已协调供电公司，下周完成增容。"})]
    {
        let r = t.post(&format!("/api/v1/appeals/{appeal}/actions"), &staff, body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = t.post(&format!("/api/v1/appeals/{appeal}/actions"), &ent, json!({"action": "rate", "rating": 5})).await;
    assert_eq!(r.body["appeal"]["state"], "confirmed", "{}", r.text);
    // A week later the fire-lane rectification is overdue.
    t.clock.advance(Duration::days(8));
    // (Sessions idle that long have ended: sign in again.)
    let staff = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(summary(&t, &staff).await, json!([3, 3, 4, 1, 1, 2, 1, 1, 1]));
    let d = t.get(&format!("/api/v1/visits/{}", visits[0]), &staff).await.body;
    assert_eq!(
        (d["findings"][0]["appeal"]["solved"].clone(), d["findings"][0]["appeal"]["state"].clone()),
        (json!(true), json!("confirmed"))
    );

    // Lists and filters; the plan knows who was visited.
    for (q, n) in [
        ("".to_owned(), 3),
        (format!("enterprise_id={a}"), 1),
        ("from=2026-11-24".to_owned(), 2),
        (format!("plan_id={plan}"), 3),
        (format!("leader_user_id={leader_id}"), 2),
        ("from=2026-12-01&to=2026-12-31".to_owned(), 0),
    ] {
        assert_eq!(t.get(&format!("/api/v1/visits?{q}"), &staff).await.body["total"], n, "{q}");
    }
    let plans = t.get("/api/v1/visit-plans", &staff).await.body;
    let visited: Vec<bool> =
        plans["items"][0]["enterprises"].as_array().unwrap().iter().map(|e| e["visited"].as_bool().unwrap()).collect();
    assert_eq!(visited, [true, true, true]);
    let items = t.get("/api/v1/visits", &staff).await.body;
    assert_eq!(items["items"][2]["findings"], 2);

    // The enterprise timeline shows the visit, linked.
    let tl = t.get(&format!("/api/v1/enterprises/{a}/timeline"), &staff).await.body;
    let v = tl.as_array().unwrap().iter().find(|e| e["kind"] == "visit").unwrap().clone();
    assert_eq!(v["link"], json!(format!("/visits/{}", visits[0])));
    assert_eq!(v["detail"], "发现问题 2 个");

    // Audited, each mutation.
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    for (action, n) in [
        ("visit.plan", 1),
        ("visit.record", 3),
        ("visit.finding_appeal", 1),
        ("visit.rectification", 2),
        ("visit.rectification_done", 1),
        ("appeal.file", 1),
    ] {
        assert_eq!(t.get(&format!("/api/v1/audit?action={action}"), &auditor).await.body["total"], n, "{action}");
    }

    // Another zone sees none of it.
    let z2_staff = t.login("z2", "staff", PASSWORD).await;
    assert_eq!(t.get(&format!("/api/v1/visits/{}", visits[0]), &z2_staff).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/visits", &z2_staff).await.body["total"], 0);
    assert_eq!(summary(&t, &z2_staff).await, json!([0, 0, 0, 0, 0, 0, 0, 0, 0]));
    let r = t
        .post(
            &format!("/api/v1/visits/{}/findings/{}/rectification", visits[2], power_finding),
            &z2_staff,
            json!({"department_id": z2.department_id, "requirement": "x", "due_on": "2026-12-31"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_plans_visits_and_outcomes_name_their_fields() {
    let t = TestApp::new().await.unwrap();
    let (z1, z2) = two_tenants(&t.app).await.unwrap();
    let leader_id = extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let (a, nobody) = (z1.enterprise_a, Uuid::now_v7());
    let r = t
        .post(
            "/api/v1/visits",
            &staff,
            json!({"enterprise_id": a, "visited_on": "2026-11-20", "visitors": "经济发展局", "summary": "走访", "findings": ["问题"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let visit = id(&r.body);
    let finding = id(&t.get(&format!("/api/v1/visits/{visit}"), &staff).await.body["findings"][0]);
    let plan = |over: Value| {
        let mut b = json!({"title": "走访", "leader_user_id": leader_id, "starts_on": "2026-11-01", "ends_on": "2026-11-30", "enterprise_ids": [a]});
        b.as_object_mut().unwrap().extend(over.as_object().unwrap().clone());
        b
    };
    let visit_body = |over: Value| {
        let mut b =
            json!({"enterprise_id": a, "visited_on": "2026-11-20", "visitors": "经济发展局", "summary": "走访"});
        b.as_object_mut().unwrap().extend(over.as_object().unwrap().clone());
        b
    };
    let rect_path = format!("/api/v1/visits/{visit}/findings/{finding}/rectification");
    let rect = |over: Value| {
        let mut b = json!({"department_id": z1.department_id, "requirement": "整改", "due_on": "2026-12-01"});
        b.as_object_mut().unwrap().extend(over.as_object().unwrap().clone());
        b
    };
    let cases: Vec<(&str, &str, Value, Vec<(&str, &str)>)> = vec![
        (
            "plan ends before it starts",
            "/api/v1/visit-plans",
            plan(json!({"ends_on": "2026-10-31"})),
            vec![("ends_on", "visit.ends_before_start")],
        ),
        ("plan without a title", "/api/v1/visit-plans", plan(json!({"title": " "})), vec![("title", "required")]),
        (
            "plan without enterprises",
            "/api/v1/visit-plans",
            plan(json!({"enterprise_ids": []})),
            vec![("enterprise_ids", "required")],
        ),
        (
            "plan with another zone's enterprise and a duplicate",
            "/api/v1/visit-plans",
            plan(json!({"enterprise_ids": [a, z2.enterprise_a, a]})),
            vec![("enterprise_ids[1]", "not_found"), ("enterprise_ids[2]", "duplicate")],
        ),
        (
            "plan led by an unknown user",
            "/api/v1/visit-plans",
            plan(json!({"leader_user_id": nobody})),
            vec![("leader_user_id", "not_found")],
        ),
        (
            "visit tomorrow",
            "/api/v1/visits",
            visit_body(json!({"visited_on": "2026-11-27"})),
            vec![("visited_on", "date.future")],
        ),
        (
            "visit of another zone's enterprise",
            "/api/v1/visits",
            visit_body(json!({"enterprise_id": z2.enterprise_a})),
            vec![("enterprise_id", "not_found")],
        ),
        (
            "visit under an unknown plan",
            "/api/v1/visits",
            visit_body(json!({"plan_id": nobody})),
            vec![("plan_id", "not_found")],
        ),
        (
            "visit without visitors",
            "/api/v1/visits",
            visit_body(json!({"visitors": ""})),
            vec![("visitors", "required")],
        ),
        (
            "visit with an unknown photo",
            "/api/v1/visits",
            visit_body(json!({"file_ids": [nobody]})),
            vec![("file_ids[0]", "not_found")],
        ),
        (
            "visit with an empty finding",
            "/api/v1/visits",
            visit_body(json!({"findings": ["问题", " "]})),
            vec![("findings[1]", "required")],
        ),
        (
            "rectification due yesterday",
            &rect_path,
            rect(json!({"due_on": "2026-11-25"})),
            vec![("due_on", "visit.due_past")],
        ),
        (
            "rectification without a requirement",
            &rect_path,
            rect(json!({"requirement": ""})),
            vec![("requirement", "required")],
        ),
        (
            "rectification for another zone's department",
            &rect_path,
            rect(json!({"department_id": z2.department_id})),
            vec![("department_id", "not_found")],
        ),
    ];
    for (name, path, body, fields) in cases {
        let r = t.post(path, &leader, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.text);
        let want: Vec<(String, String)> = fields.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        assert_eq!(r.fields(), want, "{name}");
    }
    // An appeal needs a category of the zone; the finding stays open.
    let r = t
        .post(&format!("/api/v1/visits/{visit}/findings/{finding}/appeal"), &leader, json!({"category_id": nobody}))
        .await;
    assert_eq!(r.fields(), vec![("category_id".to_owned(), "not_found".to_owned())], "{}", r.text);
    assert_eq!(t.get(&format!("/api/v1/visits/{visit}"), &staff).await.body["findings"][0]["outcome"], "open");
    assert_eq!(
        t.get("/api/v1/visits/summary?from=2026-11-30&to=2026-11-01", &staff).await.fields(),
        vec![("to".to_owned(), "visit.ends_before_start".to_owned())]
    );
}
