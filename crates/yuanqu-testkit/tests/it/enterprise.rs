//! The enterprise registry (一企一档): staff register, edit with ETags, change status with
//! history and timeline, filter and sort the list, import (bad rows refused with row + column +
//! code, nothing written; good rows upserted by USCC) and export; an enterprise account sees
//! only its own enterprise and edits nothing.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use yuanqu_domain::identity::Role;
use yuanqu_testkit::seed::{PASSWORD, Tenant, extra_user, two_tenants, uscc};
use yuanqu_testkit::{Req, Res, Session, TestApp};

const LIST: &str = "/api/v1/enterprises";

struct World {
    t: TestApp,
    z1: Tenant,
    admin: Session,
    staff: Session,
    ent_a: Session,
    auditor: Session,
}

async fn world() -> World {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let ent_a = t.login("z1", "ent-a", PASSWORD).await;
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    World { t, z1, admin, staff, ent_a, auditor }
}

fn id(r: &Res) -> String {
    r.body["id"].as_str().unwrap().to_owned()
}

fn names(r: &Res) -> Vec<String> {
    r.body["items"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap().to_owned()).collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn audit(w: &World, action: &str) -> Vec<Value> {
    let r = w.t.get(&format!("/api/v1/audit?action={action}&page_size=100"), &w.auditor).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"].as_array().unwrap().clone()
}

async fn status(w: &World, path: &str, version: Option<i64>, body: Value) -> Res {
    let mut r = Req::new(Method::POST, path).as_(&w.staff).json(&body);
    if let Some(v) = version {
        r = r.header("if-match", &format!("\"{v}\""));
    }
    w.t.send(r).await
}

#[tokio::test]
async fn enterprise_registry_story_create_edit_status_contacts_filters_and_the_enterprise_account() {
    let w = world().await;
    let (t, s) = (&w.t, &w.staff);
    let p1 = w.z1.park_id.to_string();
    let full = json!({
        "name": "丙食品有限公司", "uscc": uscc("91350582MA2Y0C103"), "park_id": p1, "industry_code": "13",
        "above_scale": true, "registered_capital_wan": 500.5, "founded_on": "2018-06-01", "address": "园区大道 1 号",
        "longitude": 118.5, "latitude": 24.8, "land_area_mu": 35.25, "floor_area_m2": 12000, "employees": 120,
        "tags": ["专精特新", "高新"],
    });

    // Bad input: 422 naming the field, or 409 for a taken USCC.
    let with = |k: &str, v: Value| {
        let mut b = full.clone();
        b[k] = v;
        b
    };
    let bad_uscc = {
        let u = uscc("91350582MA2Y0C103");
        let last = if u.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &u[..17])
    };
    for (body, field, code) in [
        (with("uscc", json!(bad_uscc)), "uscc", "uscc.check_char"),
        (with("industry_code", json!("98")), "industry_code", "industry.unknown"),
        (with("industry_code", json!("1311")), "industry_code", "industry.unknown"),
        (with("industry_code", json!("1x")), "industry_code", "industry.format"),
        (with("employees", json!(-1)), "employees", "number.negative"),
        (with("land_area_mu", json!(-0.5)), "land_area_mu", "number.negative"),
        (with("longitude", json!(181)), "longitude", "range"),
        (with("founded_on", json!("2027-01-01")), "founded_on", "date.future"),
        (with("tags", json!((0..11).map(|i| format!("t{i}")).collect::<Vec<_>>())), "tags", "enterprise.too_many_tags"),
        (with("tags", json!(["长".repeat(33)])), "tags", "enterprise.tag_too_long"),
        (with("park_id", json!(uuid::Uuid::now_v7())), "park_id", "not_found"),
        (with("name", json!(" ")), "name", "required"),
    ] {
        let r = t.post(LIST, s, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {}", r.text);
        assert!(r.fields().contains(&(field.to_owned(), code.to_owned())), "{field} {code}: {:?}", r.fields());
    }
    assert_eq!(t.get(LIST, s).await.body["total"], 2, "nothing written");

    let r = t.post(LIST, s, full.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = id(&r);
    for (k, v) in [
        ("registered_capital_wan", json!(500.5)),
        ("land_area_mu", json!(35.25)),
        ("longitude", json!(118.5)),
        ("employees", json!(120)),
        ("status", json!("operating")),
        ("industry_name", json!("农副食品加工业")),
        ("industry_section", json!("C")),
        ("park_name", json!("食品园1")),
        ("above_scale_since", Value::Null),
        ("version", json!(1)),
    ] {
        assert_eq!(r.body[k], v, "{k}");
    }
    assert_eq!(sorted(serde_json::from_value(r.body["tags"].clone()).unwrap()), vec!["专精特新", "高新"]);
    let r = t.post(LIST, s, with("name", json!("重复"))).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "enterprise.uscc_taken"), "{}", r.text);

    // Industry codes: a zone adds 1311 under 13 (idempotent), then uses it.
    for (body, st, code) in [
        (json!({"code": "1311", "name": "稻谷加工"}), StatusCode::CREATED, ""),
        (json!({"code": "1311", "name": "稻谷加工"}), StatusCode::OK, ""),
        (json!({"code": "1311", "name": "别的名字"}), StatusCode::CONFLICT, "industry.code_taken"),
        (json!({"code": "13", "name": "农副食品加工业"}), StatusCode::UNPROCESSABLE_ENTITY, "validation.failed"),
        (json!({"code": "9901", "name": "无"}), StatusCode::UNPROCESSABLE_ENTITY, "validation.failed"),
    ] {
        let r = t.post("/api/v1/industries", s, body.clone()).await;
        let got = if r.status.is_success() { "" } else { r.code() };
        assert_eq!((r.status, got), (st, code), "{body}: {}", r.text);
    }
    let r = t.post("/api/v1/industries", &w.ent_a, json!({"code": "1312", "name": "x"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t.get("/api/v1/industries", &w.ent_a).await;
    let sections = r.body.as_array().unwrap();
    assert_eq!(sections.len(), 20);
    assert_eq!(sections.iter().map(|s| s["divisions"].as_array().unwrap().len()).sum::<usize>(), 97);
    let d13 = &sections[2]["divisions"][0];
    assert_eq!((d13["code"].as_str(), d13["added"][0]["code"].as_str()), (Some("13"), Some("1311")));
    assert_eq!(audit(&w, "industry.create").await.len(), 1, "the idempotent repeat writes nothing");

    // Edit with ETag: 428 without, 412 stale, 200 with the current version.
    t.clock.advance(chrono::Duration::minutes(2));
    let path = format!("{LIST}/{c}");
    let r = t.get(&path, s).await;
    assert_eq!(r.headers["etag"], "\"1\"");
    let r = t.send(Req::new(Method::PATCH, &path).as_(s).json(&json!({"employees": 150}))).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let change =
        json!({"employees": 150, "above_scale": false, "industry_code": "1311", "tags": ["高新"], "address": null});
    let r = t.patch(&path, s, 1, change.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["etag"], "\"2\"");
    for (k, v) in [
        ("employees", json!(150)),
        ("above_scale", json!(false)),
        ("above_scale_since", json!("2026-11-26")),
        ("industry_code", json!("1311")),
        ("industry_name", json!("稻谷加工")),
        ("address", Value::Null),
        ("tags", json!(["高新"])),
        ("land_area_mu", json!(35.25)),
    ] {
        assert_eq!(r.body[k], v, "{k}");
    }
    let r = t.patch(&path, s, 1, json!({"employees": 1})).await;
    assert_eq!((r.status, r.code()), (StatusCode::PRECONDITION_FAILED, "precondition.failed"));
    let r = t.patch(&path, s, 2, json!({"status": "closed"})).await;
    assert_eq!(r.fields(), [("status".to_owned(), "unknown_field".to_owned())], "status is not a registry field");
    let upd = audit(&w, "enterprise.update").await;
    assert_eq!(upd.len(), 1);
    assert_eq!((upd[0]["before"]["employees"].clone(), upd[0]["after"]["employees"].clone()), (json!(120), json!(150)));

    // Status with history (conditional on the version).
    assert_eq!(
        status(&w, &format!("{path}/status"), None, json!({"status": "suspended"})).await.status,
        StatusCode::PRECONDITION_REQUIRED
    );
    let r = status(&w, &format!("{path}/status"), Some(1), json!({"status": "suspended", "reason": "停产检修"})).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = status(&w, &format!("{path}/status"), Some(2), json!({"status": "gone", "reason": "x"})).await;
    assert!(r.fields().contains(&("status".into(), "enterprise.status_unknown".into())), "{}", r.text);
    let r = status(&w, &format!("{path}/status"), Some(2), json!({"status": "operating", "reason": "x"})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "enterprise.status_unchanged"));
    let r = status(
        &w,
        &format!("{path}/status"),
        Some(2),
        json!({"status": "suspended", "reason": "停产检修", "effective_on": "2026-11-20"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["enterprise"]["status"].as_str(), r.body["enterprise"]["version"].as_i64()),
        (Some("suspended"), Some(3))
    );
    let r = t.get(&path, s).await;
    let h = r.body["status_history"].as_array().unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!((h[0]["from_status"].clone(), h[0]["to_status"].as_str()), (Value::Null, Some("operating")));
    assert_eq!((h[1]["from_status"].as_str(), h[1]["to_status"].as_str()), (Some("operating"), Some("suspended")));
    assert_eq!((h[1]["effective_on"].as_str(), h[1]["reason"].as_str()), (Some("2026-11-20"), Some("停产检修")));
    assert_eq!(r.body["status_since"], "2026-11-20");
    let r = t.get(&format!("{path}/timeline"), s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let kinds: Vec<&str> = r.body.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["enterprise.scale", "enterprise.registered", "enterprise.status"], "newest first");
    let ats: Vec<&str> = r.body.as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(ats.windows(2).all(|p| p[0] >= p[1]), "{ats:?}");
    assert_eq!(audit(&w, "enterprise.status").await.len(), 1);

    // Contacts: phones checked, masked in every answer.
    let contacts = format!("{path}/contacts");
    let r = t.post(&contacts, s, json!({"name": "王五", "title": "经理", "phone": "1391234567"})).await;
    assert!(r.fields().contains(&("phone".into(), "phone.format".into())), "{}", r.text);
    let r = t
        .post(&contacts, s, json!({"name": "王五", "title": "经理", "phone": "13912345678", "is_primary": true}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["phone_masked"], "139****5678");
    let contact = id(&r);
    let r = t.get(&path, s).await;
    assert_eq!(r.body["contacts"][0]["phone_masked"], "139****5678");
    assert!(!r.text.contains("13912345678"), "the full number is in no answer");
    let a = audit(&w, "enterprise.contact_add").await;
    assert_eq!(a[0]["after"]["phone"], "139****5678");
    assert_eq!(t.delete(&format!("{contacts}/{contact}"), s).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.delete(&format!("{contacts}/{contact}"), s).await.status, StatusCode::NOT_FOUND);

    // More enterprises for the filters; a second park.
    let r = t.post("/api/v1/parks", &w.admin, json!({"code": "P9", "name": "装备园"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let p9 = id(&r);
    for (name, body17, park, industry, above, employees, land, tags) in [
        ("丁纺织有限公司", "91350582MA2Y0D104", &p1, "17", false, 10, 5.0, vec!["纺织"]),
        ("戊装备有限公司", "91350582MA2Y0E105", &p9, "34", true, 300, 80.0, vec!["高新", "装备"]),
        ("己物流有限公司", "91350582MA2Y0F106", &p9, "59", false, 40, 12.0, vec![]),
    ] {
        let body = json!({"name": name, "uscc": uscc(body17), "park_id": park, "industry_code": industry,
            "above_scale": above, "employees": employees, "land_area_mu": land, "tags": tags});
        let r = t.post(LIST, s, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let (c_, d, e, f, a_, b) =
        ("丙食品有限公司", "丁纺织有限公司", "戊装备有限公司", "己物流有限公司", "甲企业1", "乙企业1");
    for (query, expected) in [
        ("industry=C".to_owned(), vec![c_, d, e]),
        ("industry=c".to_owned(), vec![c_, d, e]),
        ("industry=G".to_owned(), vec![f]),
        ("industry=13".to_owned(), vec![c_]),
        ("industry=131".to_owned(), vec![c_]),
        ("industry=1311".to_owned(), vec![c_]),
        ("industry=17".to_owned(), vec![d]),
        ("scale=above".to_owned(), vec![e]),
        ("scale=below&industry=C".to_owned(), vec![c_, d]),
        ("status=suspended".to_owned(), vec![c_]),
        ("status=operating&industry=C".to_owned(), vec![d, e]),
        ("tag=高新".to_owned(), vec![c_, e]),
        ("tag=高新,装备".to_owned(), vec![e]),
        (format!("park_id={p9}"), vec![e, f]),
        ("q=丙".to_owned(), vec![c_]),
        ("q=91350582MA2Y0E".to_owned(), vec![e]),
        (format!("park_id={p1}&industry=C&scale=below"), vec![c_, d]),
        (String::new(), vec![a_, b, c_, d, e, f]),
    ] {
        let r = t.get(&format!("{LIST}?{query}&page_size=100"), s).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
        let mut want: Vec<String> = expected.iter().map(|x| (*x).to_owned()).collect();
        want.sort();
        assert_eq!(sorted(names(&r)), want, "{query}");
        assert_eq!(r.body["total"].as_u64(), Some(want.len() as u64), "{query}");
    }
    for (query, expected) in [
        ("industry=C&sort=-employees", vec![e, c_, d]),
        ("industry=C&sort=employees", vec![d, c_, e]),
        ("industry=C&sort=-land_area", vec![e, c_, d]),
        ("scale=below&sort=-registered_capital&industry=C", vec![c_, d]),
        ("industry=C&sort=-employees&page_size=2&page=2", vec![d]),
    ] {
        let r = t.get(&format!("{LIST}?{query}"), s).await;
        assert_eq!(names(&r), expected, "{query}");
    }
    for (query, field) in
        [("industry=Z", "industry"), ("sort=bogus", "sort"), ("scale=x", "scale"), ("status=x", "status")]
    {
        let r = t.get(&format!("{LIST}?{query}"), s).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(r.fields()[0].0, field, "{query}");
    }
    let r = t.get("/api/v1/enterprises/tags", s).await;
    assert_eq!(sorted(serde_json::from_value(r.body.clone()).unwrap()), vec!["纺织", "装备", "高新"]);

    // The enterprise account: its own enterprise only, read only.
    let own = w.z1.enterprise_a;
    let other = format!("{LIST}/{}", w.z1.enterprise_b);
    let r = t.get(&format!("{LIST}?page_size=100"), &w.ent_a).await;
    assert_eq!((names(&r), r.body["total"].as_u64()), (vec![a_.to_owned()], Some(1)));
    assert_eq!(t.get(&format!("{LIST}?industry=C"), &w.ent_a).await.body["total"], 0);
    let r = t.get(&format!("{LIST}/{own}"), &w.ent_a).await;
    assert_eq!((r.status, r.body["park_name"].as_str()), (StatusCode::OK, Some("食品园1")));
    for p in [other.clone(), format!("{other}/timeline"), format!("{LIST}/{c}")] {
        assert_eq!(t.get(&p, &w.ent_a).await.status, StatusCode::NOT_FOUND, "{p}");
    }
    assert_eq!(t.get(&format!("{LIST}/{own}/timeline"), &w.ent_a).await.status, StatusCode::OK);
    let own_path = format!("{LIST}/{own}");
    for r in [
        t.patch(&own_path, &w.ent_a, 1, json!({"employees": 5})).await,
        t.send(
            Req::new(Method::POST, &format!("{own_path}/status"))
                .as_(&w.ent_a)
                .header("if-match", "\"1\"")
                .json(&json!({"status": "closed", "reason": "x"})),
        )
        .await,
        t.post(&format!("{own_path}/contacts"), &w.ent_a, json!({"name": "x", "phone": "13912345678"})).await,
        t.post(LIST, &w.ent_a, full.clone()).await,
    ] {
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    }
}

const HEADER: &str = "统一社会信用代码,企业名称,园区代码,行业代码,规上企业,注册资本（万元）,成立日期,地址,经度,纬度,用地面积（亩）,建筑面积（平方米）,从业人数,标签";

fn csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

fn cells(r: &Res) -> Vec<(u64, String, String)> {
    r.body["cells"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["row"].as_u64().unwrap(),
                        c["column"].as_str().unwrap().to_owned(),
                        c["code"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn enterprise_import_refuses_bad_rows_with_row_column_and_code_upserts_good_ones_and_export_masks_phones() {
    let w = world().await;
    let (t, s) = (&w.t, &w.staff);
    const IMPORT: &str = "/api/v1/enterprises/import";
    let r = t.get("/api/v1/enterprises/import/template", s).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert_eq!(t.get("/api/v1/enterprises/import/template", &w.ent_a).await.status, StatusCode::FORBIDDEN);

    let a = uscc("91350582MA2Y0A101");
    let x = uscc("91350582MA2Y0X107");
    let bad_check = {
        let u = uscc("91350582MA2Y0D104");
        format!("{}{}", &u[..17], if u.ends_with('0') { '1' } else { '0' })
    };
    let bad = csv(&[
        format!("{bad_check},坏校验位,P1,13,否,,,,,,,,,"),
        format!("{x},未知园区,P77,13,否,,,,,,,,,"),
        format!("{},未知行业,P1,98,否,,,,,,,,,", uscc("91350582MA2Y0Y108")),
        format!("{},负资本,P1,13,否,-5,,,,,,,,", uscc("91350582MA2Y0H109")),
        format!("{},人数非数字,P1,13,否,,,,,,,,abc,", uscc("91350582MA2Y0W110")),
        format!("{x},重复,P1,13,否,,,,,,,,,"),
        format!("{},未添加的小类,P1,1399,否,,,,,,,,,", uscc("91350582MA2Y0J111")),
        format!("{},负面积,P1,13,否,,,,,,-1,,,", uscc("91350582MA2Y0U112")),
    ]);
    let r = t.upload(IMPORT, s, "bad.csv", &bad, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.invalid_cells"), "{}", r.text);
    let want: Vec<(u64, String, String)> = [
        (2, "A", "uscc.check_char"),
        (3, "C", "park.not_found"),
        (4, "D", "industry.unknown"),
        (5, "F", "number.negative"),
        (6, "M", "number.format"),
        (7, "A", "sheet.duplicate_key"),
        (8, "D", "industry.unknown"),
        (9, "K", "number.negative"),
    ]
    .iter()
    .map(|(r, c, k)| (*r, (*c).to_owned(), (*k).to_owned()))
    .collect();
    assert_eq!(cells(&r), want);
    assert_eq!(t.get(LIST, s).await.body["total"], 2, "nothing written");
    assert!(audit(&w, "enterprise.import").await.is_empty());
    let r = t.upload("/api/v1/enterprises/import/report", s, "bad.csv", &bad, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(b"PK"), "an .xlsx report");

    let r = t.upload(IMPORT, s, "h.csv", "统一社会信用代码,名称\nx,y\n".as_bytes(), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.header_mismatch"), "{}", r.text);

    // Good rows: 甲 updated (by its USCC), 庚 registered.
    let g = uscc("91350582MA2Y0G113");
    let good = csv(&[
        format!("{a},甲企业1（更名）,P1,14,是,1000,2015-01-01,园区大道 9 号,118.1,24.1,50.5,20000,200,龙头、出口"),
        format!("{g},庚电子有限公司,P1,39,否,12.5,2020/5/1,,,,3,,30,"),
    ]);
    let r = t.upload(IMPORT, s, "good.csv", &good, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body["created"].as_u64(), r.body["updated"].as_u64()), (Some(1), Some(1)), "{}", r.text);
    let r = t.upload(IMPORT, s, "good.csv", &good, None).await;
    assert_eq!(r.body["unchanged"].as_u64(), Some(2), "re-importing changes nothing: {}", r.text);
    let r = t.get(&format!("{LIST}/{}", w.z1.enterprise_a), s).await;
    for (k, v) in [
        ("name", json!("甲企业1（更名）")),
        ("industry_code", json!("14")),
        ("above_scale", json!(true)),
        ("registered_capital_wan", json!(1000.0)),
        ("founded_on", json!("2015-01-01")),
        ("land_area_mu", json!(50.5)),
        ("floor_area_m2", json!(20000)),
        ("employees", json!(200)),
        ("latitude", json!(24.1)),
    ] {
        assert_eq!(r.body[k], v, "{k}");
    }
    assert_eq!(
        sorted(serde_json::from_value(r.body["tags"].clone()).unwrap()),
        sorted(vec!["龙头".into(), "出口".into()])
    );
    let r = t.get(&format!("{LIST}?q=庚"), s).await;
    let gid = r.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = t.get(&format!("{LIST}/{gid}"), s).await;
    assert_eq!(
        (r.body["founded_on"].as_str(), r.body["registered_capital_wan"].as_f64()),
        (Some("2020-05-01"), Some(12.5))
    );
    assert_eq!(r.body["status_history"].as_array().unwrap().len(), 1, "registered with its first status row");
    assert_eq!(audit(&w, "enterprise.import").await.len(), 2);

    // Export: the list's filters, phones masked, audited with the row count.
    let r = t
        .post(
            &format!("{LIST}/{}/contacts", w.z1.enterprise_a),
            s,
            json!({"name": "李四", "title": "总经理", "phone": "13912345678"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let r = t.get(&format!("{LIST}/export?format=csv&industry=C"), s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers["x-export-rows"], "2");
    assert!(r.text.contains("甲企业1（更名）") && r.text.contains("庚电子有限公司") && !r.text.contains("乙企业1"));
    assert!(r.text.contains("139****5678") && !r.text.contains("13912345678"), "{}", r.text);
    assert!(r.text.contains("食品制造业"));
    let r = t.get(&format!("{LIST}/export"), s).await;
    assert_eq!((r.status, r.headers["x-export-rows"].to_str().unwrap()), (StatusCode::OK, "3"));
    assert!(r.bytes.starts_with(b"PK"));
    let e = audit(&w, "enterprise.export").await;
    assert_eq!(e.len(), 2);
    assert!(e.iter().any(|x| x["after"]["rows"] == 2));
    let r = t.get(&format!("{LIST}/export?format=csv"), &w.ent_a).await;
    assert_eq!(r.headers["x-export-rows"], "1", "an enterprise account exports its own");
    assert_eq!(t.get(&format!("{LIST}/export?industry=Z"), s).await.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// 1,000 enterprises (as the zone has): the list with three filters, a sort and the page's tags
/// (its speed is measured by `cargo xtask bench stats`, not here).
#[tokio::test]
async fn enterprise_list_of_a_thousand_with_three_filters_sorts_pages_and_tags() {
    use yuanqu_store::enterprise::{self as q, EnterpriseRow};
    let w = world().await;
    let zone = yuanqu_domain::Scope::zone(w.z1.zone_id);
    let now = chrono::Utc::now();
    let codes = ["13", "14", "17", "34", "35", "39", "58", "59", "65", "72"];
    let rows: Vec<(EnterpriseRow, Vec<String>)> = (0..1000u32)
        .map(|i| {
            let row = EnterpriseRow {
                id: uuid::Uuid::now_v7(),
                zone_id: w.z1.zone_id,
                park_id: w.z1.park_id,
                name: format!("企业{i:04}"),
                uscc: uscc(&format!("91350582MA{:07}", 1_000_000 + i)),
                version: 1,
                created_at: now,
                industry_code: Some(codes[i as usize % codes.len()].to_owned()),
                above_scale: i % 3 == 0,
                above_scale_since: None,
                registered_capital_fen: Some(i64::from(i) * 1_000_000),
                founded_on: None,
                address: None,
                longitude_e6: None,
                latitude_e6: None,
                land_area_centi_mu: Some(i64::from(i) * 100),
                floor_area_m2: None,
                employees: Some(i as i32),
                status: "operating".into(),
                status_since: None,
                updated_at: None,
            };
            let tags = if i % 4 == 0 { vec!["高新".to_owned(), format!("t{}", i % 7)] } else { vec![] };
            (row, tags)
        })
        .collect();
    let rows = std::sync::Arc::new(rows);
    w.t.app
        .db
        .write(|c| {
            let (rows, zone) = (rows.clone(), zone.clone());
            Box::pin(async move {
                for (r, tags) in rows.iter() {
                    q::insert_enterprise(c, &zone, r.clone()).await?;
                    q::set_tags(c, &zone, r.id, tags).await?;
                }
                Ok::<_, yuanqu_store::StoreError>(())
            })
        })
        .await
        .unwrap();
    let path = format!("{LIST}?park_id={}&industry=C&scale=above&sort=-employees&page_size=20", w.z1.park_id);
    let r = w.t.get(&path, &w.staff).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 20);
    // The page is the 20 above-scale manufacturers (section C: the first six codes) with the
    // most employees, in order.
    let employees: Vec<i64> =
        r.body["items"].as_array().unwrap().iter().map(|e| e["employees"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = (0..1000i64).rev().filter(|i| i % 3 == 0 && i % 10 < 6).take(20).collect();
    assert_eq!(employees, expected);
    let tagged = w.t.get(&format!("{LIST}?tag=高新&industry=C&scale=above"), &w.staff).await;
    assert!(tagged.body["total"].as_u64().unwrap() > 0);
}
