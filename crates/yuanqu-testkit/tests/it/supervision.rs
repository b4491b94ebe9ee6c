//! Key work supervised every week (督查督办, issue 6): a department reports progress that turns
//! its task yellow; two yellow weeks make it red; red holds while a gap remains and returns only
//! to yellow once the gap is made up; the Saturday brief counts it (JSON and .docx parsed back);
//! a meeting's decision becomes a follow-up that next week's brief opens with. Bad input is
//! named per field (or row and column for the import) and nothing is half written; another
//! department and the other zone see nothing.

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::seed::{PASSWORD, extra_user, staff_of, two_tenants};
use yuanqu_testkit::{Session, TestApp};

fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// 09:00 Beijing on a day.
fn at(day: &str) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(1, 0, 0).unwrap())
}

fn reasons(v: &Value) -> Vec<String> {
    v["reasons"].as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap().to_owned()).collect()
}

/// The text of a .docx.
fn docx_text(bytes: &[u8]) -> String {
    crate::docx_text(bytes).unwrap()
}

async fn report(t: &TestApp, s: &Session, item: Uuid, pct: i64, reason: &str) -> yuanqu_testkit::Res {
    t.post(
        &format!("/api/v1/supervision/items/{item}/reports"),
        s,
        json!({"text": format!("本周完成{pct}%"), "progress_pct": pct, "decrease_reason": reason}),
    )
    .await
}

#[tokio::test]
async fn a_report_turns_a_task_yellow_yellows_become_red_red_holds_until_the_gap_is_made_up_and_the_brief_follows() {
    // Thursday 26 November 2026; the week's Saturday is 28 November.
    let t = TestApp::new().await.unwrap();
    t.clock.set(at("2026-11-26"));
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;

    // 60 days in of 360: planned-to-date progress 16.7 %.
    let r = t
        .post(
            "/api/v1/supervision/items",
            &leader,
            json!({"kind": "task", "title": "推进标准厂房二期建设", "category": "项目建设", "year": 2026, "source": "plan",
                   "department_id": z1.department_id, "start_on": "2026-09-27", "due_on": "2027-09-22"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["code"], "RW-2026-001");
    let item = id(&r.body);

    let r = report(&t, &staff, item, 2, "").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let i = &r.body["item"];
    assert_eq!((i["colour"].as_str(), i["progress_pct"].as_i64()), (Some("yellow"), Some(2)), "{i}");
    assert_eq!(i["reasons"][0]["text"], "落后序时进度15个百分点");

    // The brief of the week counts it, in JSON and in the Word document.
    let b = t.get("/api/v1/supervision/brief", &leader).await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text);
    assert_eq!((b.body["week"].as_str(), b.body["tasks"]["yellow"].as_u64()), (Some("2026-11-28"), Some(1)));
    assert_eq!(b.body["yellow"][0]["title"], "推进标准厂房二期建设");
    let doc = t.get("/api/v1/supervision/brief/docx", &leader).await;
    assert_eq!(doc.status, StatusCode::OK);
    let text = docx_text(&doc.bytes);
    assert!(text.contains("本周共督查重点工作1项、重点项目0项，其中绿灯0项、黄灯1项、红灯0项。"), "{text}");
    assert!(text.contains("落后序时进度15个百分点"), "{text}");

    // The meeting decides; next week's brief (a preview) opens with the decision.
    let m = t
        .post(
            "/api/v1/supervision/meetings",
            &leader,
            json!({"held_on": "2026-11-26", "title": "党工委扩大会议", "attendees": "党工委委员、各部门负责人",
                   "decisions": [{"title": "协调标准厂房用电指标", "department_id": z1.department_id, "due_on": "2026-12-04", "item_id": item}]}),
        )
        .await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.text);
    let next = t.get("/api/v1/supervision/brief?week=2026-12-05", &leader).await;
    assert_eq!(
        (next.body["preview"].as_bool(), next.body["follow_ups"][0]["title"].as_str()),
        (Some(true), Some("协调标准厂房用电指标"))
    );
    let far = t.get("/api/v1/supervision/brief?week=2026-12-12", &leader).await;
    assert_eq!(
        (far.status, far.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec![("week".into(), "supervision.week_in_future".into())])
    );
    let friday = t.get("/api/v1/supervision/brief?week=2026-11-27", &leader).await;
    assert_eq!(friday.fields(), vec![("week".into(), "supervision.not_saturday".into())]);

    // Week by week (Thursdays): (progress reported, expected colour, first reason).
    let weeks = [
        ("2026-12-03", 5, "red", "consecutive_yellow"), // 14 behind, the second yellow week
        ("2026-12-10", 15, "red", "gap_not_closed"),    // 6 behind: would be green, the gap remains
        ("2026-12-17", 30, "yellow", "gap_closed"),     // ahead of 22.5 %: back to yellow only
        ("2026-12-24", 35, "green", "on_track"),
    ];
    for (day, pct, colour, first) in weeks {
        t.clock.set(at(day));
        let staff = t.login("z1", "staff", PASSWORD).await;
        let r = report(&t, &staff, item, pct, "").await;
        assert_eq!(r.status, StatusCode::CREATED, "{day}: {}", r.text);
        let i = &r.body["item"];
        assert_eq!(
            (i["colour"].as_str(), reasons(i).first().map(String::as_str)),
            (Some(colour), Some(first)),
            "{day}: {i}"
        );
    }
    let leader = t.login("z1", "leader", PASSWORD).await;
    let detail = t.get(&format!("/api/v1/supervision/items/{item}"), &leader).await;
    let history: Vec<(&str, &str)> = detail.body["lights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["week"].as_str().unwrap(), l["colour"].as_str().unwrap()))
        .collect();
    assert_eq!(
        history,
        vec![
            ("2026-11-28", "yellow"),
            ("2026-12-05", "red"),
            ("2026-12-12", "red"),
            ("2026-12-19", "yellow"),
            ("2026-12-26", "green")
        ]
    );
    assert_eq!(detail.body["follow_ups"][0]["title"], "协调标准厂房用电指标");
    // The brief of 5 December shows the change from yellow to red.
    let b = t.get("/api/v1/supervision/brief?week=2026-12-05", &leader).await;
    assert_eq!(
        (b.body["changed"][0]["previous"].as_str(), b.body["changed"][0]["colour"].as_str()),
        (Some("yellow"), Some("red"))
    );

    // Progress may go back only with a reason; a closed item takes no report.
    let staff = t.login("z1", "staff", PASSWORD).await;
    let r = report(&t, &staff, item, 20, "").await;
    assert_eq!(r.fields(), vec![("decrease_reason".into(), "supervision.progress_backwards".into())]);
    assert_eq!(report(&t, &staff, item, 20, "设计变更，工程量重估").await.status, StatusCode::CREATED);
    let c = t.post(&format!("/api/v1/supervision/items/{item}/close"), &leader, json!({"note": "提前完成"})).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.text);
    let r = report(&t, &staff, item, 100, "").await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "supervision.item_closed"));
    // Each mutation is audited.
    let f = t.get("/api/v1/supervision/follow-ups?state=open", &staff).await;
    let fu = id(&f.body[0]);
    assert_eq!(
        t.post(&format!("/api/v1/supervision/follow-ups/{fu}/done"), &staff, json!({"note": "已落实"})).await.status,
        StatusCode::OK
    );
    let again = t.post(&format!("/api/v1/supervision/follow-ups/{fu}/done"), &staff, json!({"note": "已落实"})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "supervision.follow_up_done"));
}

#[tokio::test]
async fn bad_items_reports_and_imports_are_named_and_nothing_is_half_written() {
    let t = TestApp::new().await.unwrap();
    t.clock.set(at("2026-11-26"));
    let (z1, z2) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let base = json!({"kind": "task", "title": "事项", "year": 2026, "source": "plan", "department_id": z1.department_id,
                      "start_on": "2026-01-01", "due_on": "2026-06-30"});
    let with = |patch: Value| {
        let mut v = base.clone();
        for (k, x) in patch.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    let cases: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (
            with(json!({"milestones": [{"title": "封顶", "due_on": "2026-07-15", "target_pct": 80}]})),
            vec![("milestones[0].due_on", "supervision.milestone_after_due")],
        ),
        (with(json!({"due_on": "2025-12-01"})), vec![("due_on", "supervision.due_before_start")]),
        (with(json!({"source": "higher"})), vec![("source_doc", "supervision.doc_required")]),
        (with(json!({"department_id": z2.department_id})), vec![("department_id", "not_found")]),
        (
            with(
                json!({"kind": "project", "project": {"owner": "某公司", "project_type": "industrial", "total_investment_fen": 100_000,
                        "year_planned_fen": 12_000, "planned_by_month": [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 999], "stage": "construction"}}),
            ),
            vec![("project.planned_by_month", "supervision.plan_sum_mismatch")],
        ),
        (
            with(
                json!({"project": {"owner": "x", "project_type": "industrial", "total_investment_fen": 1, "year_planned_fen": 0,
                        "planned_by_month": [0,0,0,0,0,0,0,0,0,0,0,0], "stage": "construction"}}),
            ),
            vec![("project", "supervision.task_has_project")],
        ),
    ];
    for (body, want) in cases {
        let r = t.post("/api/v1/supervision/items", &leader, body.clone()).await;
        let want: Vec<(String, String)> = want.iter().map(|(f, c)| ((*f).into(), (*c).into())).collect();
        assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, want), "{body}");
    }
    assert_eq!(t.get("/api/v1/supervision/items", &leader).await.body["total"], 0, "nothing written");

    // The import: a department that does not exist and a milestone after the due date, each
    // located by row and column; nothing written. Then the good file.
    let dept = t.get("/api/v1/departments", &leader).await.body[0]["name"].as_str().unwrap().to_owned();
    let header = "任务名称,类别,年度,来源,交办文号,上级时限,牵头领导,责任单位,配合单位,开始日期,完成时限,节点,工作内容";
    let bad = format!(
        "{header}\n招商引资签约项目10个,产业发展,2026,年度计划,,,,不存在局,,2026-01-01,2026-12-31,,\n\
         老旧小区改造,民生保障,2026,年度计划,,,,{dept},,2026-01-01,2026-06-30,2026-07-31 竣工 100%,\n\
         落实省委巡视整改,党的建设,2026,上级交办,,2026-05-31,,{dept},,2026-01-01,2026-06-30,,\n"
    );
    let r = t.upload("/api/v1/supervision/import", &leader, "tasks.csv", bad.as_bytes(), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.invalid_cells"), "{}", r.text);
    let mut cells: Vec<(u64, String, String)> = r.body["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["row"].as_u64().unwrap(), c["column"].as_str().unwrap().into(), c["code"].as_str().unwrap().into()))
        .collect();
    cells.sort();
    assert_eq!(
        cells,
        vec![
            (2, "H".into(), "not_found".into()),
            (3, "L".into(), "supervision.milestone_after_due".into()),
            (4, "E".into(), "supervision.doc_required".into()),
            (4, "K".into(), "supervision.after_source_deadline".into()),
        ]
    );
    assert_eq!(t.get("/api/v1/supervision/items", &leader).await.body["total"], 0, "nothing written");
    let good = format!(
        "{header}\n招商引资签约项目10个,产业发展,2026,年度计划,,,leader,{dept},,2026-01-01,2026-12-31,2026-06-30 签约5个 50%；2026-10-31 签约8个 80%,\n\
         落实省委巡视整改,党的建设,2026,上级交办,园发〔2026〕12号,2026-06-30,,{dept},,2026-01-01,2026-06-30,,\n"
    );
    let r = t.upload("/api/v1/supervision/import", &leader, "tasks.csv", good.as_bytes(), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["codes"], json!(["RW-2026-001", "RW-2026-002"]));
    let list = t.get("/api/v1/supervision/items?source=higher", &leader).await;
    assert_eq!(
        (list.body["total"].as_u64(), list.body["items"][0]["source_doc"].as_str()),
        (Some(1), Some("园发〔2026〕12号"))
    );

    // Rules that make no sense are refused per field.
    let r = t.get("/api/v1/supervision/rules", &leader).await;
    let mut rules = r.body.clone();
    rules["red_behind_points"] = json!(5);
    let r = t.post("/api/v1/supervision/rules", &leader, rules).await;
    assert_eq!(r.fields(), vec![("red_behind_points".into(), "supervision.red_not_above_yellow".into())]);
}

#[tokio::test]
async fn a_department_sees_and_reports_only_its_own_items() {
    let t = TestApp::new().await.unwrap();
    t.clock.set(at("2026-11-26"));
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let leader = t.login("z1", "leader", PASSWORD).await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    let other = t.post("/api/v1/departments", &admin, json!({"name": "住建局"})).await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
    let other_dept = id(&other.body);
    staff_of(&t.app, &z1, "builder", other_dept).await.unwrap();
    let builder = t.login("z1", "builder", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let mk = |dept: Uuid, co: Vec<Uuid>, title: &str| {
        json!({"kind": "task", "title": title, "year": 2026, "source": "plan", "department_id": dept,
               "co_department_ids": co, "start_on": "2026-01-01", "due_on": "2026-12-31"})
    };
    let mine = id(&t.post("/api/v1/supervision/items", &leader, mk(z1.department_id, vec![], "经发局牵头")).await.body);
    let co = id(&t
        .post("/api/v1/supervision/items", &leader, mk(other_dept, vec![z1.department_id], "住建局牵头经发局配合"))
        .await
        .body);
    let theirs = id(&t.post("/api/v1/supervision/items", &leader, mk(other_dept, vec![], "住建局独办")).await.body);

    let list = t.get("/api/v1/supervision/items?page_size=100", &staff).await;
    let mut seen: Vec<Uuid> = list.body["items"].as_array().unwrap().iter().map(id).collect();
    seen.sort();
    let mut want = vec![mine, co];
    want.sort();
    assert_eq!(seen, want);
    assert_eq!(t.get(&format!("/api/v1/supervision/items/{theirs}"), &staff).await.status, StatusCode::NOT_FOUND);
    assert_eq!(report(&t, &staff, theirs, 10, "").await.status, StatusCode::NOT_FOUND);
    assert_eq!(report(&t, &staff, co, 10, "").await.status, StatusCode::CREATED);
    assert_eq!(t.get("/api/v1/supervision/items", &builder).await.body["total"], 2);
    // Only the office creates items; an enterprise account sees nothing of supervision.
    assert_eq!(
        t.post("/api/v1/supervision/items", &staff, mk(z1.department_id, vec![], "x")).await.status,
        StatusCode::FORBIDDEN
    );
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    assert_eq!(t.get("/api/v1/supervision/items", &ent).await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.get("/api/v1/supervision/brief", &ent).await.status, StatusCode::FORBIDDEN);
    // The scoreboard counts each department's own items.
    let s = t.get("/api/v1/supervision/scoreboard?year=2026", &leader).await;
    let totals: Vec<u64> = s.body.as_array().unwrap().iter().map(|l| l["total"].as_u64().unwrap()).collect();
    assert_eq!(totals.iter().sum::<u64>(), 3);
}
