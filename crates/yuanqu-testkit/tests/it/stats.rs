//! Monthly statistics (issue 4): an enterprise drafts, submits, is returned, resubmits; staff
//! verify and correct; the department imports whole months; indicators and early warnings.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::matrix::full_values;
use yuanqu_testkit::seed::{PASSWORD, Tenant, extra_user, two_tenants, uscc};
use yuanqu_testkit::{Req, Res, Session, TestApp};

struct W {
    t: TestApp,
    z1: Tenant,
    ent_a: Session,
    ent_b: Session,
    staff: Session,
    auditor: Session,
}

async fn world() -> W {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    W {
        ent_a: t.login("z1", "ent-a", PASSWORD).await,
        ent_b: t.login("z1", "ent-b", PASSWORD).await,
        staff: t.login("z1", "staff", PASSWORD).await,
        auditor: t.login("z1", "auditor", PASSWORD).await,
        t,
        z1,
    }
}

fn id(r: &Res) -> String {
    r.body["id"].as_str().unwrap().to_owned()
}

fn version(r: &Res) -> i64 {
    r.body["version"].as_i64().unwrap()
}

async fn post_if(t: &TestApp, s: &Session, path: &str, v: i64) -> Res {
    t.send(Req::new(Method::POST, path).as_(s).header("if-match", &format!("\"{v}\""))).await
}

async fn audit(t: &TestApp, auditor: &Session, action: &str) -> Vec<Value> {
    let r = t.get(&format!("/api/v1/audit?action={action}&page_size=100"), auditor).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["items"].as_array().unwrap().clone()
}

fn metric<'a>(ind: &'a Value, code: &str) -> &'a Value {
    ind["metrics"].as_array().unwrap().iter().find(|m| m["metric"] == code).unwrap()
}

#[tokio::test]
async fn stats_the_monthly_report_story_draft_submit_return_resubmit_verify_lock_correct() {
    let W { t, z1, ent_a, ent_b, staff, auditor } = world().await;
    // Profit above revenue trips a check rule.
    let mut values = full_values();
    values["profit"] = json!("200.5");
    let r = t.post("/api/v1/stats/reports", &ent_a, json!({"period": "2026-10", "values": values})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!((r.body["state"].as_str(), r.body["values"]["profit_fen"].as_i64()), (Some("draft"), Some(200_500_000)));
    let rid = id(&r);
    // Creating the month again answers the same report (idempotent).
    let again = t.post("/api/v1/stats/reports", &ent_a, json!({"period": "2026-10"})).await;
    assert_eq!((again.status, id(&again)), (StatusCode::OK, rid.clone()));
    // Bad input: a future month, a non-number, too many decimals, a negative tax.
    let r = t
        .post(
            "/api/v1/stats/reports",
            &ent_a,
            json!({"period": "2026-12", "values": {"output": "abc", "revenue": "1.0000001", "tax": "-1"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let mut f = r.fields();
    f.sort();
    assert_eq!(
        f,
        [
            ("period".to_owned(), "period.future".to_owned()),
            ("values.output".to_owned(), "number.invalid".to_owned()),
            ("values.revenue".to_owned(), "number.too_precise".to_owned()),
            ("values.tax".to_owned(), "number.negative".to_owned()),
        ]
    );
    // An incomplete month cannot be submitted.
    let part = t.post("/api/v1/stats/reports", &ent_a, json!({"period": "2026-09", "values": {"output": "5"}})).await;
    let r = post_if(&t, &ent_a, &format!("/api/v1/stats/reports/{}/submit", id(&part)), version(&part)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.fields().contains(&("values.revenue".into(), "required".into())), "{:?}", r.fields());

    // Another enterprise cannot see it; the enterprise cannot verify it.
    let path = format!("/api/v1/stats/reports/{rid}");
    assert_eq!(t.get(&path, &ent_b).await.status, StatusCode::NOT_FOUND);
    let listed = t.get("/api/v1/stats/reports", &ent_b).await;
    assert!(!listed.text.contains(&rid), "B's list shows A's report");
    assert_eq!(t.post(&format!("{path}/verify"), &ent_a, json!(null)).await.status, StatusCode::FORBIDDEN);

    // Edit, then submit: flagged (待核查).
    let r = t.patch(&path, &ent_a, 1, json!({"values": {"employees": "52"}})).await;
    assert_eq!((r.status, r.body["values"]["employees"].as_i64()), (StatusCode::OK, Some(52)), "{}", r.text);
    let r = post_if(&t, &ent_a, &format!("{path}/submit"), version(&r)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body["state"].as_str(), r.body["flagged"].as_bool()), (Some("submitted"), Some(true)));
    assert_eq!(r.body["flags"][0]["kind"], "profit_over_revenue");
    assert_eq!(r.body["flags"][0]["message"], "利润总额（200.5 万元）大于营业收入（120.0 万元）");
    let r = t.patch(&path, &ent_a, version(&r), json!({"values": {"employees": "53"}})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "stats.not_editable"));

    // The staff's queue shows it as flagged; staff return it with a reason.
    let q = t.get("/api/v1/stats/reports?period=2026-10&state=submitted&flagged=true", &staff).await;
    assert_eq!(q.body["total"], 1, "{}", q.text);
    let r = t.post(&format!("{path}/return"), &staff, json!({"reason": "利润大于营业收入，请核对"})).await;
    assert_eq!((r.status, r.body["state"].as_str()), (StatusCode::OK, Some("returned")), "{}", r.text);
    let r = t.get(&path, &ent_a).await;
    assert_eq!(r.body["return_reason"], "利润大于营业收入，请核对");
    // Returning again is an invalid transition.
    let again = t.post(&format!("{path}/return"), &staff, json!({"reason": "再次退回"})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "stats.not_submitted"));

    // The enterprise corrects and resubmits: no flags now.
    let r = t.patch(&path, &ent_a, version(&r), json!({"values": {"profit": "10"}})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = post_if(&t, &ent_a, &format!("{path}/submit"), version(&r)).await;
    assert_eq!((r.body["state"].as_str(), r.body["flagged"].as_bool()), (Some("submitted"), Some(false)), "{}", r.text);

    // Staff verify: the month shows in the indicators.
    let r = t.post(&format!("{path}/verify"), &staff, json!(null)).await;
    assert_eq!((r.status, r.body["state"].as_str()), (StatusCode::OK, Some("verified")), "{}", r.text);
    assert_eq!(r.body["park_id"], z1.park_id.to_string());
    let ind = t.get("/api/v1/stats/indicators?period=2026-10", &staff).await;
    assert_eq!(ind.status, StatusCode::OK, "{}", ind.text);
    assert_eq!(ind.body["reporting"], 1);
    assert_eq!(metric(&ind.body, "output_fen")["month"], 100_000_000);
    assert_eq!(metric(&ind.body, "output_fen")["ytd"], 100_000_000);
    let park = t.get(&format!("/api/v1/stats/indicators?period=2026-10&park_id={}", z1.park_id), &staff).await;
    assert_eq!(park.body["reporting"], 1);
    // Indicators of the zone are for staff.
    assert_eq!(t.get("/api/v1/stats/indicators?period=2026-10", &ent_a).await.status, StatusCode::FORBIDDEN);

    // Locked: the enterprise can neither edit nor resubmit.
    let v = version(&r);
    let r = t.patch(&path, &ent_a, v, json!({"values": {"profit": "11"}})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "stats.locked"));
    let r = post_if(&t, &ent_a, &format!("{path}/submit"), v).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "stats.locked"));

    // A correction needs a reason, changes the verified month, and is audited before/after.
    let r = t.post(&format!("{path}/correct"), &staff, json!({"values": {"output": "150"}, "reason": ""})).await;
    assert_eq!(r.fields(), [("reason".to_owned(), "stats.reason_length".to_owned())]);
    let r = t
        .post(&format!("{path}/correct"), &staff, json!({"values": {"output": "150"}, "reason": "企业更正产值"}))
        .await;
    assert_eq!((r.status, r.body["values"]["output_fen"].as_i64()), (StatusCode::OK, Some(150_000_000)), "{}", r.text);
    let ind = t.get("/api/v1/stats/indicators?period=2026-10", &staff).await;
    assert_eq!(metric(&ind.body, "output_fen")["month"], 150_000_000);
    let a = audit(&t, &auditor, "stats.report.correct").await;
    assert_eq!(a.len(), 1);
    assert_eq!(
        (a[0]["before"]["output_fen"].as_i64(), a[0]["after"]["output_fen"].as_i64()),
        (Some(100_000_000), Some(150_000_000))
    );
    assert_eq!(a[0]["after"]["reason"], "企业更正产值");
    for action in [
        "stats.report.create",
        "stats.report.update",
        "stats.report.submit",
        "stats.report.return",
        "stats.report.verify",
    ] {
        assert!(!audit(&t, &auditor, action).await.is_empty(), "{action} audited");
    }
    // The enterprise's own series: verified values with its standing.
    let s = t.get(&format!("/api/v1/enterprises/{}/stats?from=2026-01&to=2026-10", z1.enterprise_a), &ent_a).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.body["months"].as_array().unwrap().len(), 10);
    assert_eq!(s.body["latest"]["zone_share_bp"], 10000);
    assert_eq!(s.body["latest"]["park_rank"], 1);
    let other = t.get(&format!("/api/v1/enterprises/{}/stats", z1.enterprise_b), &ent_a).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

const HEADER: &str = "统一社会信用代码,企业名称,报告期,工业总产值（万元）,营业收入（万元）,利润总额（万元）,实缴税金（万元）,用电量（千瓦时）,平均用工人数,研发费用（万元）";

fn csv(rows: &[String]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

fn row(uscc: &str, period: &str, output: &str, electricity: &str) -> String {
    format!("{uscc},,{period},{output},120,10,5,{electricity},50,3")
}

fn cells(r: &Res) -> Vec<(u64, String, String)> {
    let mut v: Vec<(u64, String, String)> = r.body["cells"]
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
        .unwrap_or_default();
    v.sort();
    v
}

async fn total(t: &TestApp, s: &Session) -> u64 {
    t.get("/api/v1/stats/reports?page_size=100", s).await.body["total"].as_u64().unwrap()
}

#[tokio::test]
async fn stats_an_import_with_bad_rows_writes_nothing_and_a_good_one_verifies_and_rolls_up() {
    let W { t, staff, auditor, ent_a, .. } = world().await;
    let (a, b) = (uscc("91350582MA2Y0A101"), uscc("91350582MA2Y0B102"));
    let tpl = t.get("/api/v1/stats/import/template", &staff).await;
    assert_eq!(tpl.status, StatusCode::OK);
    assert!(tpl.bytes.starts_with(b"PK"));
    // Lock A's 2026-08 first (a good import without flags verifies).
    let r = t.upload("/api/v1/stats/import", &staff, "m.csv", &csv(&[row(&a, "2026-08", "100", "1000")]), None).await;
    assert_eq!((r.status, r.body["verified"].as_u64()), (StatusCode::OK, Some(1)), "{}", r.text);
    let before = total(&t, &staff).await;

    let mut wrong_check = a.clone();
    wrong_check.replace_range(17..18, if a.ends_with('0') { "1" } else { "0" });
    let unknown = uscc("91350582MA2Y0C999");
    let bad = csv(&[
        row(&wrong_check, "2026-09", "100", "1000"),    // 2: check character
        row(&unknown, "2026-09", "100", "1000"),        // 3: unknown enterprise
        row(&a, "2026-09", "-5", "1000"),               // 4: negative output
        format!("{b},,2026-09,100,abc,10,5,1000,50,3"), // 5: non-numeric revenue
        row(&b, "2027-01", "100", "1000"),              // 6: month in the future
        row(&b, "2026-09", "100", "1000"),              // 7: first of a duplicate
        row(&b, "2026-09", "90", "1000"),               // 8: duplicate
        row(&a, "2026-08", "100", "1000"),              // 9: a verified (locked) month
    ]);
    let r = t.upload("/api/v1/stats/import", &staff, "bad.csv", &bad, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.invalid_cells"), "{}", r.text);
    let got = cells(&r);
    let want: Vec<(u64, String, String)> = vec![
        (2, "A".into(), yuanqu_domain::uscc::UsccError::CheckChar.code().into()),
        (3, "A".into(), "enterprise.not_found".into()),
        (4, "D".into(), "number.negative".into()),
        (5, "E".into(), "number.invalid".into()),
        (6, "C".into(), "period.future".into()),
        (8, "C".into(), "sheet.duplicate_key".into()),
        (9, "C".into(), "stats.locked".into()),
    ];
    assert_eq!(got, want, "{}", r.text);
    assert_eq!(total(&t, &staff).await, before, "nothing written");
    // A whole zone's month with every row wrong: every located error comes back (a problem
    // body of hundreds of KB, once an empty 500), request ID included, nothing written.
    let all_bad: Vec<String> = (0..1000).map(|i| row(&a, "2026-09", "100", &format!("{i}.5"))).collect();
    let r = t.upload("/api/v1/stats/import", &staff, "all-bad.csv", &csv(&all_bad), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.invalid_cells"), "{}", r.text.len());
    assert!(r.text.len() > 64 * 1024, "{}", r.text.len());
    assert_eq!(cells(&r).iter().filter(|c| c.1 == "H" && c.2 == "number.invalid").count(), 1000);
    assert!(r.body["request_id"].is_string());
    assert_eq!(total(&t, &staff).await, before, "nothing written");
    // The error report annotates the same file.
    let rep = t.upload("/api/v1/stats/import/report", &staff, "bad.csv", &bad, None).await;
    assert_eq!(rep.status, StatusCode::OK);
    // A wrong header is refused as a whole.
    let r = t.upload("/api/v1/stats/import", &staff, "h.csv", "统一社会信用代码,报告期\n".as_bytes(), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "sheet.header_mismatch"), "{}", r.text);
    // Only staff import.
    let r = t.upload("/api/v1/stats/import", &ent_a, "m.csv", &csv(&[row(&a, "2026-09", "1", "1")]), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A good import: a year ago and this year for A and B; B's output jumps 80 % (flagged).
    let good = csv(&[
        row(&a, "2025-09", "100", "1000"),
        row(&b, "2025-09", "50", "500"),
        row(&a, "2026-09", "120", "1100"),
        row(&b, "2026-09", "90", "520"),
    ]);
    let r = t.upload("/api/v1/stats/import", &staff, "good.csv", &good, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["rows"].as_u64(), r.body["verified"].as_u64(), r.body["flagged"].as_u64()),
        (Some(4), Some(3), Some(1))
    );
    let q = t.get("/api/v1/stats/reports?period=2026-09&state=submitted&flagged=true", &staff).await;
    assert_eq!(q.body["total"], 1);
    assert_eq!(q.body["items"][0]["flags"][0]["message"], "产值同比 +80.0%，超过 ±50%");
    let ind = t.get("/api/v1/stats/indicators?period=2026-09", &staff).await;
    assert_eq!(ind.body["reporting"], 1, "only verified reports count: {}", ind.text);
    assert_eq!(metric(&ind.body, "output_fen")["month"], 120_000_000);
    assert_eq!(metric(&ind.body, "output_fen")["yoy_bp"], -2000, "120 against 150 a year ago");
    // Verifying B's flagged month rolls it up too.
    let bid = q.body["items"][0]["id"].as_str().unwrap().to_owned();
    let r = t.post(&format!("/api/v1/stats/reports/{bid}/verify"), &staff, json!(null)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ind = t.get("/api/v1/stats/indicators?period=2026-09", &staff).await;
    assert_eq!(
        (ind.body["reporting"].as_i64(), metric(&ind.body, "output_fen")["yoy_bp"].as_i64()),
        (Some(2), Some(4000))
    );
    let imports = audit(&t, &auditor, "stats.import").await;
    assert_eq!(imports.len(), 2, "one record per import that wrote");
}

#[tokio::test]
async fn stats_warnings_on_a_hand_made_history_with_rules_that_staff_change() {
    let W { t, staff, auditor, ent_a, z1, .. } = world().await;
    let a = uscc("91350582MA2Y0A101");
    // A: 100 a month in 2025, 50 a month in 2026 with the same electricity: YTD −50 % for
    // months, electricity flat against output −50 %. B has not reported October.
    let mut rows = Vec::new();
    for m in 1..=10 {
        rows.push(row(&a, &format!("2025-{m:02}"), "100", "1000"));
        rows.push(row(&a, &format!("2026-{m:02}"), "50", "1000"));
    }
    let r = t.upload("/api/v1/stats/import", &staff, "h.csv", &csv(&rows), None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let w = t.get("/api/v1/stats/warnings?period=2026-10", &staff).await;
    assert_eq!(w.status, StatusCode::OK, "{}", w.text);
    let items = w.body.as_array().unwrap();
    let of = |e: Uuid| items.iter().find(|i| i["enterprise_id"] == e.to_string()).cloned().unwrap_or(Value::Null);
    let kinds = |v: &Value| -> Vec<String> {
        v["reasons"]
            .as_array()
            .map(|a| a.iter().map(|r| r["kind"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    // Imported on 2026-11-26: after the 15th, so late too.
    assert_eq!(kinds(&of(z1.enterprise_a)), ["divergence", "late", "ytd_decline"], "{}", w.text);
    assert_eq!(kinds(&of(z1.enterprise_b)), ["late"]);
    let decline = &of(z1.enterprise_a)["reasons"][2];
    assert_eq!(decline["message"], "累计产值同比连续 3 个月下降超过 20%（本月累计 -50.0%）");
    assert_eq!(decline["values"]["ytd_yoy_bp"], -5000);
    let late = t.get("/api/v1/stats/warnings?period=2026-10&kind=late", &staff).await;
    assert_eq!(late.body.as_array().unwrap().len(), 2);
    // Rules: the stored defaults; staff raise the divergence threshold to 60 points.
    let rules = t.get("/api/v1/stats/rules", &staff).await;
    assert_eq!(rules.status, StatusCode::OK);
    let div = rules.body.as_array().unwrap().iter().find(|r| r["code"] == "divergence").unwrap().clone();
    let path = format!("/api/v1/stats/rules/{}", div["id"].as_str().unwrap());
    let r = t.patch(&path, &staff, 1, json!({"threshold": 6000})).await;
    assert_eq!((r.status, r.body["threshold"].as_i64()), (StatusCode::OK, Some(6000)), "{}", r.text);
    let r = t.patch(&path, &staff, 1, json!({"threshold": 6000})).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = t.patch(&path, &staff, 2, json!({"months": 3})).await;
    assert_eq!(r.fields(), [("months".to_owned(), "not_applicable".to_owned())]);
    assert_eq!(audit(&t, &auditor, "stats.rule.update").await.len(), 1);
    let w = t.get("/api/v1/stats/warnings?period=2026-10", &staff).await;
    let a_now: Vec<&str> = w
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["enterprise_id"] == z1.enterprise_a.to_string())
        .flat_map(|i| i["reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(a_now, ["late", "ytd_decline"]);
    // Export (audited); an enterprise account sees no warnings.
    let x = t.get("/api/v1/stats/warnings/export?period=2026-10", &staff).await;
    assert_eq!(x.status, StatusCode::OK);
    assert!(x.bytes.starts_with(b"PK"));
    assert_eq!(audit(&t, &auditor, "stats.warnings.export").await.len(), 1);
    assert_eq!(t.get("/api/v1/stats/warnings?period=2026-10", &ent_a).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn stats_a_thousand_row_import_verifies_the_month_and_the_warnings_cover_every_enterprise() {
    let W { t, staff, z1, .. } = world().await;
    // 1,000 enterprises in one transaction.
    let now = t.app.now();
    let mut usccs = Vec::new();
    let rows: Vec<_> = (0..1000)
        .map(|i| {
            let u = uscc(&format!("91350582MA3{i:06}"));
            usccs.push(u.clone());
            yuanqu_store::identity::EnterpriseRow {
                id: Uuid::now_v7(),
                zone_id: z1.zone_id,
                park_id: z1.park_id,
                name: format!("企业{i:04}"),
                uscc: u,
                version: 1,
                created_at: now,
                industry_code: Some("13".into()),
                above_scale: i % 3 == 0,
                above_scale_since: None,
                registered_capital_fen: None,
                founded_on: None,
                address: None,
                longitude_e6: None,
                latitude_e6: None,
                land_area_centi_mu: None,
                floor_area_m2: None,
                employees: None,
                status: "operating".into(),
                status_since: None,
                updated_at: None,
            }
        })
        .collect();
    let scope = yuanqu_domain::Scope::zone(z1.zone_id);
    t.app
        .db
        .write(|c| {
            let (rows, scope) = (rows.clone(), scope.clone());
            Box::pin(async move {
                for r in rows {
                    yuanqu_store::enterprise::insert_enterprise(c, &scope, r).await?;
                }
                Ok::<_, yuanqu_store::StoreError>(())
            })
        })
        .await
        .unwrap();
    // Eleven months of verified history for each (the warnings read back to January a year ago).
    let mut history = Vec::new();
    for (i, e) in rows.iter().enumerate() {
        for m in 1..=11 {
            let p = yuanqu_domain::stats::Period::parse("2025-10").unwrap().plus(m);
            let v = yuanqu_domain::stats::Values {
                output_fen: Some((100 + i as i64) * 1_000_000),
                revenue_fen: Some(1),
                profit_fen: Some(0),
                tax_fen: Some(0),
                electricity_kwh: Some(1000),
                employees: Some(10),
                rd_fen: Some(0),
            };
            let mut r = yuanqu_store::stats::new_report(z1.zone_id, e, p.yyyymm(), &v, "import", now);
            r.state = "verified".into();
            r.submitted_at = Some(now);
            history.push(r);
        }
    }
    t.app
        .db
        .write(|c| {
            let (history, scope) = (history.clone(), scope.clone());
            Box::pin(async move { yuanqu_store::stats::insert_reports(c, &scope, &history).await })
        })
        .await
        .unwrap();
    let lines: Vec<String> =
        usccs.iter().enumerate().map(|(i, u)| row(u, "2026-10", &format!("{}", 100 + i), "1000")).collect();
    let file = csv(&lines);
    // (Speeds are measured by `cargo xtask bench stats`, not here.)
    let r = t.upload("/api/v1/stats/import", &staff, "big.csv", &file, None).await;
    assert_eq!((r.status, r.body["rows"].as_u64()), (StatusCode::OK, Some(1000)), "{}", r.text);
    let w = t.get("/api/v1/stats/warnings?period=2026-10", &staff).await;
    assert_eq!(w.status, StatusCode::OK);
    let ind = t.get("/api/v1/stats/indicators?period=2026-10", &staff).await;
    assert_eq!(ind.body["reporting"], 1000);
    assert_eq!(ind.body["above_scale"], 334);
}
