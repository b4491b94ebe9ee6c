//! Party building (党建, issue 7): party-work staff set up a workshop branch of an enterprise with
//! a branch secretary; the branch is red for a month without its committee meeting; the secretary
//! records the meeting with attendance and the branch turns green; the branch applies for a red
//! workshop, staff award it, it is on the honour wall and the enterprise's page, and a revocation
//! takes it off. Bad input is named per field (or row and column for the import) and nothing is
//! half written.

use axum::http::StatusCode;
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::matrix::id_card;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};
use yuanqu_testkit::{Session, TestApp};

fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

/// 09:00 Beijing on a day.
fn at(day: &str) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.parse::<NaiveDate>().unwrap().and_hms_opt(1, 0, 0).unwrap())
}

/// The text of a .docx.
fn docx_text(bytes: &[u8]) -> String {
    crate::docx_text(bytes).unwrap()
}

fn fields(r: &yuanqu_testkit::Res) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .map(|a| a.iter().map(|e| (e["field"].as_str().unwrap().into(), e["code"].as_str().unwrap().into())).collect())
        .unwrap_or_default()
}

async fn org(t: &TestApp, s: &Session, body: Value) -> Uuid {
    let r = t.post("/api/v1/party/orgs", s, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    id(&r.body)
}

async fn member(t: &TestApp, s: &Session, org: Uuid, name: &str, n: u32) -> Uuid {
    let r = t
        .post(
            "/api/v1/party/members",
            s,
            json!({"org_id": org, "name": name, "id_card": id_card(n), "joined_on": "2012-07-01", "standing": "full"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    id(&r.body)
}

async fn colour_of(t: &TestApp, s: &Session, branch: Uuid, from: &str, to: &str) -> (String, Value) {
    let r = t.get(&format!("/api/v1/party/compliance?from={from}&to={to}"), s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let row = r.body["rows"].as_array().unwrap().iter().find(|x| x["org_id"] == branch.to_string()).cloned().unwrap();
    (row["colour"].as_str().unwrap().to_owned(), row)
}

#[tokio::test]
async fn a_workshop_branch_meets_wins_a_red_workshop_and_turns_green() {
    let t = TestApp::new().await.unwrap();
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    t.clock.set(at("2026-06-15"));
    extra_user(&t.app, &z1, "party", Role::PartyStaff).await.unwrap();
    let secretary_id = extra_user(&t.app, &z1, "secretary", Role::BranchSecretary).await.unwrap();
    let party = t.login("z1", "party", PASSWORD).await;
    let secretary = t.login("z1", "secretary", PASSWORD).await;
    let ent_a = t.login("z1", "ent-a", PASSWORD).await;
    let ent_b = t.login("z1", "ent-b", PASSWORD).await;

    // Staff see the secretary accounts to choose from.
    let s = t.get("/api/v1/party/secretaries", &party).await;
    assert!(s.text.contains(&secretary_id.to_string()), "{}", s.text);
    let root = org(&t, &party, json!({"parent_id": null, "org_type": "working_committee", "name": "园区党工委"})).await;
    let branch = org(
        &t,
        &party,
        json!({"parent_id": root, "org_type": "workshop_branch", "name": "甲公司一车间党支部", "enterprise_id": z1.enterprise_a,
               "workshop": "一车间", "secretary_name": "李红", "secretary_user_id": secretary_id, "founded_on": "2026-01-01",
               "last_election_on": "2026-01-01", "next_election_due": "2029-01-01"}),
    )
    .await;
    let li = member(&t, &party, branch, "李红", 1).await;
    let zhao = member(&t, &party, branch, "赵强", 2).await;

    // The tree shows counts; the secretary sees only the branch.
    let tree = t.get("/api/v1/party/orgs", &party).await;
    let items = tree.body["items"].as_array().unwrap();
    assert_eq!(items[0]["id"], root.to_string(), "parents first");
    assert_eq!((items[0]["members"].as_i64(), items[0]["members_total"].as_i64()), (Some(0), Some(2)));
    let mine = t.get("/api/v1/party/orgs", &secretary).await;
    let names: Vec<&str> = mine.body["items"].as_array().unwrap().iter().map(|o| o["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["甲公司一车间党支部"]);

    // The rules say a committee meeting a month; May passed without one: red, May missing.
    let r = t
        .post(
            "/api/v1/party/rules",
            &party,
            json!({"requirements": [{"kind": "branch_committee", "every": "month", "times": 1}], "yellow_pct": 75, "version": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (colour, row) = colour_of(&t, &secretary, branch, "2026-05-01", "2026-05-31").await;
    assert_eq!(colour, "red");
    assert_eq!(row["kinds"][0]["missing"], json!([{"from": "2026-05-01", "to": "2026-05-31"}]));
    // June is still running: not missing yet.
    assert_eq!(colour_of(&t, &secretary, branch, "2026-06-01", "2026-06-30").await.0, "green");

    // The secretary records the committee meeting of 20 May with attendance.
    let r = t
        .post(
            "/api/v1/party/activities",
            &secretary,
            json!({"org_id": branch, "kind": "meeting", "meeting_kind": "branch_committee", "title": "5月支委会",
                   "held_on": "2026-05-20", "place": "一车间会议室", "agenda": "研究红色车间创建", "summary": "同意申报",
                   "attendance": [{"member_id": li, "present": true}, {"member_id": zhao, "present": false}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!((r.body["activity"]["present"].as_i64(), r.body["activity"]["absent"].as_i64()), (Some(1), Some(1)));
    assert_eq!(r.body["attendance"][0]["name"], "李红");
    assert_eq!(colour_of(&t, &party, branch, "2026-05-01", "2026-05-31").await.0, "green");

    // The branch applies for a red workshop; only staff award it.
    let types = t.get("/api/v1/party/designation-types", &secretary).await;
    let codes: Vec<&str> = types.body.as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["red_workshop", "vanguard_post", "red_site", "red_medical"]);
    let red = types.body[0]["id"].clone();
    let vanguard = types.body[1]["id"].clone();
    let r = t
        .post(
            "/api/v1/party/designations",
            &secretary,
            json!({"type_id": vanguard, "org_id": branch, "title": "装配岗", "workshop": "一车间", "materials": "岗位事迹"}),
        )
        .await;
    assert_eq!(fields(&r), [("leader_member_id".into(), "required".into())], "a vanguard post is led by a member");
    let r = t
        .post(
            "/api/v1/party/designations",
            &secretary,
            json!({"type_id": red, "org_id": branch, "title": "甲公司一车间", "workshop": "一车间", "materials": "党员占比 32%"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let app = id(&r.body);
    let award = json!({"action": "award", "awarded_on": "2026-04-21", "ceremony": "七一表彰大会", "certificate_no": "HSCJ-2026-001", "version": 1});
    let r = t.post(&format!("/api/v1/party/designations/{app}/act"), &secretary, award.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.post(&format!("/api/v1/party/designations/{app}/act"), &party, award.clone()).await;
    assert_eq!((r.status, r.body["state"].as_str()), (StatusCode::OK, Some("awarded")), "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/party/designations/{app}/act"),
            &party,
            json!({"action": "award", "awarded_on": "2026-04-21", "certificate_no": "X", "version": 2}),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "party.designation_state"));

    // On the honour wall (anyone in the zone with party.public) and the enterprise's page.
    let wall = t.get("/api/v1/party/honour-wall", &ent_b).await;
    assert_eq!(wall.body["items"][0]["certificate_no"], "HSCJ-2026-001", "{}", wall.text);
    let page = t.get(&format!("/api/v1/party/enterprises/{}", z1.enterprise_a), &ent_a).await;
    assert_eq!(page.body["orgs"][0]["name"], "甲公司一车间党支部", "{}", page.text);
    assert_eq!(page.body["designations"][0]["type_name"], "红色车间");
    assert_eq!(page.body["activities"][0]["title"], "5月支委会");
    let other = t.get(&format!("/api/v1/party/enterprises/{}", z1.enterprise_a), &ent_b).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND, "B does not see A's party section");
    assert_eq!(t.get("/api/v1/party/members", &ent_a).await.status, StatusCode::FORBIDDEN);

    // The year's meeting records as Word, the collection set as a workbook (full ID numbers, staff only).
    let r = t.get(&format!("/api/v1/party/orgs/{branch}/meetings/docx?year=2026"), &secretary).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = docx_text(&r.bytes);
    assert!(text.contains("5月支委会") && text.contains("李红") && text.contains("赵强"), "{text}");
    assert_eq!(t.get("/api/v1/party/export/national", &secretary).await.status, StatusCode::FORBIDDEN);
    let r = t.get("/api/v1/party/export/national", &party).await;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes.clone())).unwrap();
    use calamine::Reader;
    let members = book.worksheet_range("党员").unwrap();
    let header: Vec<String> = members.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header.len(), 17, "the organization's code and 16 member fields: {header:?}");
    assert!(members.rows().any(|r| r.iter().any(|c| c.to_string() == id_card(1))), "full ID numbers");
    let orgs = book.worksheet_range("党组织").unwrap();
    assert_eq!(orgs.rows().next().unwrap().len(), 10);

    // The dashboard counts what was recorded.
    let d = t.get("/api/v1/party/dashboard?from=2026-01-01&to=2026-12-31", &party).await;
    assert_eq!(d.body["members_total"], 2, "{}", d.text);
    let red_count = d.body["designations_by_type"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["key"] == "red_workshop")
        .unwrap()["count"]
        .clone();
    assert_eq!(red_count, 1);
    let may =
        d.body["activities_by_month"].as_array().unwrap().iter().find(|m| m["month"] == "2026-05").unwrap().clone();
    assert_eq!(may["meeting"], 1);

    // A yearly review keeps it; a revocation with a reason takes it off the wall.
    let r = t
        .post(
            &format!("/api/v1/party/designations/{app}/act"),
            &party,
            json!({"action": "review", "year": 2026, "note": "复核合格", "version": 2}),
        )
        .await;
    assert_eq!((r.status, r.body["reviewed_year"].as_i64()), (StatusCode::OK, Some(2026)), "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/party/designations/{app}/act"),
            &party,
            json!({"action": "revoke", "revoked_on": "2026-06-10", "version": 3}),
        )
        .await;
    assert_eq!(fields(&r), [("reason".into(), "required".into())]);
    let r = t
        .post(
            &format!("/api/v1/party/designations/{app}/act"),
            &party,
            json!({"action": "revoke", "revoked_on": "2026-06-10", "note": "发生安全事故", "version": 3}),
        )
        .await;
    assert_eq!(r.body["state"], "revoked", "{}", r.text);
    assert_eq!(t.get("/api/v1/party/honour-wall", &party).await.body["items"], json!([]));
}

#[tokio::test]
async fn bad_party_input_is_named_and_nothing_is_half_written() {
    let t = TestApp::new().await.unwrap();
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    t.clock.set(at("2026-06-15"));
    extra_user(&t.app, &z1, "party", Role::PartyStaff).await.unwrap();
    let secretary_id = extra_user(&t.app, &z1, "secretary", Role::BranchSecretary).await.unwrap();
    let party = t.login("z1", "party", PASSWORD).await;
    let secretary = t.login("z1", "secretary", PASSWORD).await;
    let root = org(&t, &party, json!({"parent_id": null, "org_type": "working_committee", "name": "园区党工委"})).await;
    let general =
        org(&t, &party, json!({"parent_id": root, "org_type": "general_branch", "name": "甲公司党总支", "enterprise_id": z1.enterprise_a}))
            .await;
    let a = org(
        &t,
        &party,
        json!({"parent_id": general, "org_type": "workshop_branch", "name": "一车间党支部", "enterprise_id": z1.enterprise_a,
               "workshop": "一车间", "secretary_user_id": secretary_id}),
    )
    .await;
    let b = org(&t, &party, json!({"parent_id": root, "org_type": "branch", "name": "机关党支部"})).await;
    let in_a = member(&t, &party, a, "王芳", 3).await;
    let in_b = member(&t, &party, b, "陈刚", 4).await;

    // Organizations: a cycle, a workshop branch without its workshop and enterprise, a branch at the top.
    let r = t.patch(&format!("/api/v1/party/orgs/{general}"), &party, 1, json!({"parent_id": a})).await;
    assert_eq!(fields(&r), [("parent_id".into(), "party.org_cycle".into())], "{}", r.text);
    let r = t
        .post(
            "/api/v1/party/orgs",
            &party,
            json!({"parent_id": root, "org_type": "workshop_branch", "name": "二车间党支部"}),
        )
        .await;
    assert_eq!(
        fields(&r),
        [("workshop".into(), "required".into()), ("enterprise_id".into(), "required".into())],
        "{}",
        r.text
    );
    let r = t
        .post("/api/v1/party/orgs", &party, json!({"parent_id": null, "org_type": "branch", "name": "游离支部"}))
        .await;
    assert_eq!(fields(&r), [("parent_id".into(), "required".into())]);
    let r =
        t.post("/api/v1/party/orgs", &party, json!({"parent_id": a, "org_type": "branch", "name": "车间下支部"})).await;
    assert_eq!(fields(&r), [("org_type".into(), "party.type_under_parent".into())]);
    let r = t
        .post(
            "/api/v1/party/orgs",
            &party,
            json!({"parent_id": root, "org_type": "branch", "name": "X", "secretary_user_id": z1.staff_id}),
        )
        .await;
    assert_eq!(fields(&r), [("secretary_user_id".into(), "party.not_secretary".into())]);
    assert_eq!(t.get("/api/v1/party/orgs", &party).await.body["items"].as_array().unwrap().len(), 4);

    // Members: a wrong check character, the same person in a second organization, probation
    // ending before joining.
    let mut wrong = id_card(5);
    let last = if wrong.ends_with('1') { '2' } else { '1' };
    wrong.pop();
    wrong.push(last);
    let base = json!({"org_id": b, "name": "孙丽", "joined_on": "2025-07-01", "standing": "full"});
    let with = |k: &str, v: Value| {
        let mut x = base.clone();
        x[k] = v;
        x
    };
    let r = t.post("/api/v1/party/members", &party, with("id_card", json!(wrong))).await;
    assert_eq!(fields(&r), [("id_card".into(), "id_card.check_char".into())], "{}", r.text);
    let r = t.post("/api/v1/party/members", &party, with("id_card", json!(id_card(3)))).await;
    assert_eq!(fields(&r), [("id_card".into(), "party.member_elsewhere".into())], "{}", r.text);
    let mut p = with("id_card", json!(id_card(6)));
    p["standing"] = json!("probationary");
    p["probation_ends_on"] = json!("2025-06-01");
    let r = t.post("/api/v1/party/members", &party, p).await;
    assert_eq!(fields(&r), [("probation_ends_on".into(), "party.probation_before_joining".into())], "{}", r.text);
    assert_eq!(t.get("/api/v1/party/members", &party).await.body["total"], 2);

    // A meeting whose attendee is not a member of the branch: named, nothing written.
    let r = t
        .post(
            "/api/v1/party/activities",
            &secretary,
            json!({"org_id": a, "kind": "meeting", "meeting_kind": "group_meeting", "title": "党小组会", "held_on": "2026-06-01",
                   "attendance": [{"member_id": in_a, "present": true}, {"member_id": in_b, "present": true}]}),
        )
        .await;
    assert_eq!(fields(&r), [("attendance[1].member_id".into(), "party.not_a_member".into())], "{}", r.text);
    let r = t
        .post(
            "/api/v1/party/activities",
            &secretary,
            json!({"org_id": b, "kind": "theme", "title": "主题党日", "held_on": "2026-06-01"}),
        )
        .await;
    assert_eq!(fields(&r), [("org_id".into(), "not_found".into())], "another subtree is not the secretary's");
    assert_eq!(t.get("/api/v1/party/activities", &party).await.body["total"], 0);

    // The full ID number: party staff with a reason, audited; never the secretary.
    let r = t.post(&format!("/api/v1/party/members/{in_a}/reveal"), &secretary, json!({"reason": "核对"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.post(&format!("/api/v1/party/members/{in_a}/reveal"), &party, json!({"reason": "核对组织关系"})).await;
    assert_eq!(r.body["id_card"], id_card(3), "{}", r.text);
    let listed = t.get("/api/v1/party/members", &party).await;
    assert!(!listed.text.contains(&id_card(3)), "lists are masked");

    // A move keeps its history.
    let r = t
        .post(
            &format!("/api/v1/party/members/{in_b}/move"),
            &party,
            json!({"to_org_id": a, "moved_on": "2026-06-01", "reason": "调入一车间", "version": 1}),
        )
        .await;
    assert_eq!(r.body["org_id"], a.to_string(), "{}", r.text);
    let m = t.get(&format!("/api/v1/party/members/{in_b}"), &secretary).await;
    assert_eq!(m.body["moves"][0]["from_org_name"], "机关党支部", "{}", m.text);

    // The import: row + column errors and nothing written; then the good file.
    let header = "所在党组织,姓名,性别,民族,公民身份号码,联系电话,学历,入党日期,党员类别,预备期满日期,工作岗位";
    let bad = format!(
        "{header}\n一车间党支部,周一,男,汉族,{},13900000001,高中,2020-07-01,正式党员,,装配工\n\
         不存在支部,周二,男,汉族,{},,,2020-07-01,正式党员,,\n\
         机关党支部,周三,女,汉族,{wrong},,,2020-07-01,正式党员,,\n\
         机关党支部,周四,,汉族,{},,,2026-03-01,预备党员,2026-02-01,\n",
        id_card(7),
        id_card(8),
        id_card(9)
    );
    let r = t.upload("/api/v1/party/members/import", &party, "members.csv", bad.as_bytes(), None).await;
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
            (3, "A".into(), "not_found".into()),
            (4, "E".into(), "id_card.check_char".into()),
            (5, "J".into(), "party.probation_before_joining".into()),
        ]
    );
    assert_eq!(t.get("/api/v1/party/members", &party).await.body["total"], 2);
    let good = format!(
        "{header}\n一车间党支部,周一,男,汉族,{},13900000001,高中,2020-07-01,正式党员,,装配工\n\
         机关党支部,周四,,汉族,{},,,2026-03-01,预备党员,2027-03-01,\n",
        id_card(7),
        id_card(9)
    );
    let r = t.upload("/api/v1/party/members/import", &party, "members.csv", good.as_bytes(), None).await;
    assert_eq!((r.status, r.body["created"].as_u64()), (StatusCode::OK, Some(2)), "{}", r.text);
    let p = t.get("/api/v1/party/members?standing=probationary", &party).await;
    assert_eq!(p.body["total"], 1);

    // 转正: the probationary member becomes a full member; not before joining; not twice.
    let zhou = p.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = t
        .post(&format!("/api/v1/party/members/{zhou}/confirm"), &party, json!({"full_on": "2026-02-01", "version": 1}))
        .await;
    assert_eq!(fields(&r), [("full_on".into(), "party.full_before_joining".into())], "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/party/members/{zhou}/confirm"),
            &secretary,
            json!({"full_on": "2026-06-10", "version": 1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .post(&format!("/api/v1/party/members/{zhou}/confirm"), &party, json!({"full_on": "2026-06-10", "version": 1}))
        .await;
    assert_eq!(
        (r.body["standing"].as_str(), r.body["full_on"].as_str()),
        (Some("full"), Some("2026-06-10")),
        "{}",
        r.text
    );
    let r = t
        .post(&format!("/api/v1/party/members/{zhou}/confirm"), &party, json!({"full_on": "2026-06-10", "version": 2}))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "party.not_probationary"));
    assert_eq!(t.get("/api/v1/party/members?standing=probationary", &party).await.body["total"], 0);
}
