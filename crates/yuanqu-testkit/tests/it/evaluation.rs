//! The per-mu efficiency evaluation (亩均效益评价) as department staff and an enterprise use it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;
use yuanqu_domain::Scope;
use yuanqu_store::evaluation::{VerifiedReport, insert_verified_reports, set_land_area, set_status};
use yuanqu_testkit::seed::{PASSWORD, Tenant, two_tenants, uscc};
use yuanqu_testkit::{Req, TestApp};

const WAN: i64 = 1_000_000; // fen in 1 万元

/// A year's figures of one enterprise (万元, kWh, people), written as two verified monthly
/// reports (March and September, half each) so the run has to sum them.
struct Year {
    tax: i64,
    revenue: i64,
    output: i64,
    kwh: i64,
    rd: Option<i64>,
    employees: i64,
}

async fn reports(t: &TestApp, z: &Tenant, enterprise: Uuid, year: i32, y: &Year) {
    let half = |v: i64| v * WAN / 2;
    let rows: Vec<VerifiedReport> = [3, 9]
        .iter()
        .map(|m| VerifiedReport {
            enterprise_id: enterprise,
            park_id: z.park_id,
            period: year * 100 + m,
            output_fen: Some(half(y.output)),
            revenue_fen: Some(half(y.revenue)),
            tax_fen: Some(half(y.tax)),
            electricity_kwh: Some(y.kwh / 2),
            employees: Some(y.employees),
            rd_fen: y.rd.map(half),
        })
        .collect();
    insert_verified_reports(&t.app.db.conn(), &Scope::zone(z.zone_id), &rows, chrono::Utc::now()).await.unwrap();
}

async fn land(t: &TestApp, z: &Tenant, enterprise: Uuid, mu: i64) {
    assert!(set_land_area(&t.app.db.conn(), &Scope::zone(z.zone_id), enterprise, Some(mu * 100)).await.unwrap());
}

fn thresholds() -> Value {
    json!({
        "indicators": [
            {"code": "tax_per_mu", "weight": 40, "benchmark_milli": 10000, "cap_milli": 1500},
            {"code": "revenue_per_mu", "weight": 20, "benchmark_milli": 300000, "cap_milli": 1500},
            {"code": "output_per_kwh", "weight": 15, "benchmark_milli": 20000, "cap_milli": 1500},
            {"code": "rd_intensity", "weight": 15, "benchmark_milli": 3000, "cap_milli": 1500},
            {"code": "output_per_employee", "weight": 10, "benchmark_milli": 100000, "cap_milli": 1500}
        ],
        "min_land_centi_mu": 500,
        "class_rule": {"kind": "thresholds", "a": 85, "b": 60, "c": 30}
    })
}

async fn enterprise(t: &TestApp, admin: &yuanqu_testkit::Session, z: &Tenant, name: &str, body17: &str) -> Uuid {
    let r =
        t.post("/api/v1/enterprises", admin, json!({"name": name, "uscc": uscc(body17), "park_id": z.park_id})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap().parse().unwrap()
}

fn summary(page: &Value) -> Vec<(String, i64, i64, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["enterprise_name"].as_str().unwrap().to_owned(),
                r["total_milli"].as_i64().unwrap(),
                r["rank"].as_i64().unwrap(),
                r["class"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn evaluation_configure_run_publish_and_the_enterprise_sees_its_own_result() {
    let t = TestApp::new().await.unwrap();
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let ent_a = t.login("z1", "ent-a", PASSWORD).await;
    let c = enterprise(&t, &admin, &z1, "丙企业", "91350582MA2Y0C103").await;
    let d = enterprise(&t, &admin, &z1, "丁企业", "91350582MA2Y0D104").await;
    // The hand-computed example of yuanqu_domain::evaluation's tests:
    // 甲 20 亩 → 140.667, 乙 10 亩 → 78.667, 丙 8 亩 (no R&D) → 24.500, 丁 3 亩 < 5 亩: not evaluated;
    // 戊 6 亩, no report → 0.000.
    let (a, b) = (z1.enterprise_a, z1.enterprise_b);
    land(&t, &z1, a, 20).await;
    land(&t, &z1, b, 10).await;
    land(&t, &z1, c, 8).await;
    land(&t, &z1, d, 3).await;
    let ya = Year { tax: 300, revenue: 8000, output: 7000, kwh: 3_000_000, rd: Some(400), employees: 50 };
    let yb = Year { tax: 80, revenue: 2500, output: 2000, kwh: 1_000_000, rd: Some(50), employees: 40 };
    let yc = Year { tax: 20, revenue: 600, output: 500, kwh: 500_000, rd: None, employees: 25 };
    reports(&t, &z1, a, 2025, &ya).await;
    reports(&t, &z1, b, 2025, &yb).await;
    reports(&t, &z1, c, 2025, &yc).await;
    reports(&t, &z1, d, 2025, &ya).await;
    // Another year's reports do not count.
    reports(&t, &z1, c, 2024, &ya).await;
    // A closed enterprise without a report that year is no candidate; an operating one without
    // reports scores 0 (戊 below); a closed one that did report is evaluated (丙 closes later).
    let e = enterprise(&t, &admin, &z1, "戊企业", "91350582MA2Y0E105").await;
    let gone = enterprise(&t, &admin, &z1, "己企业", "91350582MA2Y0F106").await;
    land(&t, &z1, e, 6).await;
    land(&t, &z1, gone, 50).await;
    let zone = Scope::zone(z1.zone_id);
    assert!(set_status(&t.app.db.conn(), &zone, gone, "closed").await.unwrap());
    assert!(set_status(&t.app.db.conn(), &zone, c, "closed").await.unwrap());

    // A bad configuration: 422 naming each field.
    let mut bad = thresholds();
    bad["indicators"][0]["code"] = json!("land_tax");
    bad["indicators"][1]["benchmark_milli"] = json!(0);
    bad["indicators"][2]["weight"] = json!(20);
    bad["class_rule"]["b"] = json!(90);
    let r = t.post("/api/v1/evaluations", &staff, json!({"year": 2025, "config": bad})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let fields: Vec<(String, String)> = r.fields();
    for (f, code) in [
        ("config.indicators[0].code", "evaluation.indicator_unknown"),
        ("config.indicators[1].benchmark_milli", "evaluation.benchmark_positive"),
        ("config.indicators", "evaluation.weights_sum"),
        ("config.class_rule.b", "evaluation.thresholds_order"),
    ] {
        assert!(fields.contains(&(f.to_owned(), code.to_owned())), "{f} {code} in {fields:?}");
    }
    let r = t.post("/api/v1/evaluations", &staff, json!({"year": 1999, "config": {"indicators": 3}})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.fields(), vec![("year".to_owned(), "range".to_owned()), ("config".to_owned(), "invalid".to_owned())]);
    // The administrator holds neither evaluation.manage nor stats.read.
    let r = t.post("/api/v1/evaluations", &admin, json!({"year": 2025})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // Create; one per year.
    let r = t.post("/api/v1/evaluations", &staff, json!({"year": 2025, "config": thresholds()})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!((r.body["status"].as_str(), r.body["version"].as_i64()), (Some("draft"), Some(1)));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r = t.post("/api/v1/evaluations", &staff, json!({"year": 2025})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "evaluation.year_taken"), "{}", r.text);

    // Run.
    let r = t.post(&format!("/api/v1/evaluations/{id}/run"), &staff, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body["evaluated"].as_i64(), r.body["excluded"].as_i64()), (Some(4), Some(1)));
    let page = t.get(&format!("/api/v1/evaluations/{id}/results"), &staff).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert_eq!(
        summary(&page.body),
        vec![
            ("甲企业1".to_owned(), 140_667, 1, "A".to_owned()),
            ("乙企业1".to_owned(), 78_667, 2, "B".to_owned()),
            ("丙企业".to_owned(), 24_500, 3, "D".to_owned()),
            ("戊企业".to_owned(), 0, 4, "D".to_owned()),
        ]
    );
    let first = &page.body["items"][0];
    let scores: Vec<i64> =
        first["indicators"].as_array().unwrap().iter().map(|i| i["score_milli"].as_i64().unwrap()).collect();
    assert_eq!(scores, vec![60_000, 26_667, 17_500, 22_500, 14_000]);
    assert_eq!(first["indicators"][0]["explanation"], "亩均税收 15.0 万元/亩，基准 10.0，得分 60.0 / 40");
    assert_eq!(first["park_name"], "食品园1");
    assert_eq!(first["land_area_centi_mu"], 2000);
    // Filters: class, q, park.
    let r = t.get(&format!("/api/v1/evaluations/{id}/results?class=B"), &staff).await;
    assert_eq!(summary(&r.body).len(), 1);
    let r = t.get(&format!("/api/v1/evaluations/{id}/results?q=丙"), &staff).await;
    assert_eq!(summary(&r.body)[0].0, "丙企业");
    let r = t.get(&format!("/api/v1/evaluations/{id}/results?park_id={}", Uuid::now_v7()), &staff).await;
    assert_eq!(r.body["total"], 0);
    let r = t.get(&format!("/api/v1/evaluations/{id}/results?class=E"), &staff).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t.get(&format!("/api/v1/evaluations/{id}"), &staff).await;
    let dist: Vec<i64> =
        r.body["distribution"].as_array().unwrap().iter().map(|d| d["count"].as_i64().unwrap()).collect();
    assert_eq!(dist, vec![1, 1, 0, 2]);
    assert_eq!(r.body["status"], "run");

    // Before publishing the enterprise sees nothing.
    assert_eq!(t.get(&format!("/api/v1/enterprises/{a}/evaluations"), &ent_a).await.body, json!([]));
    assert_eq!(t.get("/api/v1/evaluations", &ent_a).await.body, json!([]));
    assert_eq!(t.get(&format!("/api/v1/evaluations/{id}"), &ent_a).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&format!("/api/v1/evaluations/{id}/results"), &ent_a).await.status, StatusCode::NOT_FOUND);
    // Staff see the run result.
    let r = t.get(&format!("/api/v1/enterprises/{a}/evaluations"), &staff).await;
    assert_eq!((r.body[0]["status"].as_str(), r.body[0]["class"].as_str()), (Some("run"), Some("A")));

    // A new configuration (shares 25/25/25 of 4: A 1, B 1, C 1, D 1) and a re-run replace the results.
    let version = t.get(&format!("/api/v1/evaluations/{id}"), &staff).await.body["version"].as_i64().unwrap();
    let mut shares = thresholds();
    shares["class_rule"] = json!({"kind": "shares", "a_pct": 25, "b_pct": 25, "c_pct": 25});
    let r = t.patch(&format!("/api/v1/evaluations/{id}"), &staff, version - 1, json!({"config": shares})).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);
    let r = t.patch(&format!("/api/v1/evaluations/{id}"), &staff, version, json!({"config": shares})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["config"]["class_rule"]["kind"], "shares");
    let r = t.post(&format!("/api/v1/evaluations/{id}/run"), &staff, json!({})).await;
    assert_eq!((r.status, r.body["replaced"].as_i64()), (StatusCode::OK, Some(4)), "{}", r.text);
    let page = t.get(&format!("/api/v1/evaluations/{id}/results"), &staff).await;
    let classes: Vec<String> = summary(&page.body).into_iter().map(|s| s.3).collect();
    assert_eq!(classes, vec!["A", "B", "C", "D"]);

    // Publish: once; then frozen.
    let r = t.post(&format!("/api/v1/evaluations/{id}/publish"), &staff, json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("published")), "{}", r.text);
    let version = r.body["version"].as_i64().unwrap();
    let r = t.post(&format!("/api/v1/evaluations/{id}/publish"), &staff, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "evaluation.published"));
    let r = t.patch(&format!("/api/v1/evaluations/{id}"), &staff, version, json!({"config": thresholds()})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "evaluation.published"), "{}", r.text);
    let r = t.post(&format!("/api/v1/evaluations/{id}/run"), &staff, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "evaluation.published"));

    // The enterprise sees its own published result with the explanation, nobody else's.
    let r = t.get(&format!("/api/v1/enterprises/{a}/evaluations"), &ent_a).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.body[0]["year"].as_i64(), r.body[0]["class"].as_str()), (Some(2025), Some("A")));
    assert_eq!(r.body[0]["indicators"][3]["explanation"], "研发投入强度 5.0 %，基准 3.0，得分 22.5 / 15");
    assert_eq!(t.get(&format!("/api/v1/enterprises/{b}/evaluations"), &ent_a).await.status, StatusCode::NOT_FOUND);
    let mine = t.get(&format!("/api/v1/evaluations/{id}/results"), &ent_a).await;
    assert_eq!(summary(&mine.body).into_iter().map(|s| s.0).collect::<Vec<_>>(), vec!["甲企业1"]);
    assert_eq!(t.get("/api/v1/evaluations", &ent_a).await.body.as_array().unwrap().len(), 1);
    // An enterprise cannot manage.
    let r = t.post("/api/v1/evaluations", &ent_a, json!({"year": 2026})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // The export: the whole table, audited.
    let r = t.send(Req::new(Method::GET, &format!("/api/v1/evaluations/{id}/results/export")).as_(&staff)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.headers.get("x-export-rows").unwrap(), "4");
    assert_eq!(&r.bytes[..2], b"PK");

    // The next year compares with this one. Creating is idempotent under a key.
    let create = || Req::new(Method::POST, "/api/v1/evaluations").as_(&staff).header("idempotency-key", "ev-2026");
    let r = t.send(create().json(&json!({"year": 2026}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let again = t.send(create().json(&json!({"year": 2026}))).await;
    assert_eq!((again.status, &again.body), (StatusCode::CREATED, &r.body));
    assert_eq!(again.headers.get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    let next = r.body["id"].as_str().unwrap().to_owned();
    let r = t.post(&format!("/api/v1/evaluations/{next}/run"), &staff, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let page = t.get(&format!("/api/v1/evaluations/{next}/results?q=甲"), &staff).await;
    let row = &page.body["items"][0];
    assert_eq!((row["prev_class"].as_str(), row["prev_rank"].as_i64()), (Some("A"), Some(1)), "{row}");
    assert_eq!(row["indicators"][0]["explanation"], "亩均税收 无数据，基准 10.0，得分 0.0 / 40");

    // Every change was audited (the run with its counts).
    yuanqu_testkit::seed::extra_user(&t.app, &z1, "auditor", yuanqu_domain::identity::Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let log = t.get("/api/v1/audit?entity_type=eval_scheme&page_size=100", &auditor).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let items = log.body["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().map(|i| i["action"].as_str().unwrap()).collect();
    for a in ["evaluation.create", "evaluation.update", "evaluation.run", "evaluation.publish", "evaluation.export"] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    let run = items.iter().find(|i| i["action"] == "evaluation.run").unwrap();
    assert!(run["after"]["evaluated"].is_number(), "{run}");
}

#[tokio::test]
async fn evaluation_of_1000_enterprises_runs_twice_and_classes_them_by_the_default_shares() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let staff = t.login("z1", "staff", PASSWORD).await;
    let scope = Scope::zone(z1.zone_id);
    let now = chrono::Utc::now();
    let ids: Vec<Uuid> = (0..1000).map(|_| Uuid::now_v7()).collect();
    let c = t.app.db.conn();
    for (n, id) in ids.iter().enumerate() {
        let row = yuanqu_store::identity::EnterpriseRow {
            id: *id,
            zone_id: z1.zone_id,
            park_id: z1.park_id,
            name: format!("企业{n:04}"),
            uscc: format!("X{n:017}"),
            version: 1,
            created_at: now,
            industry_code: None,
            above_scale: false,
            above_scale_since: None,
            registered_capital_fen: None,
            founded_on: None,
            address: None,
            longitude_e6: None,
            latitude_e6: None,
            land_area_centi_mu: Some(500 + n as i64 * 10),
            floor_area_m2: None,
            employees: None,
            status: "operating".into(),
            status_since: None,
            updated_at: None,
        };
        yuanqu_store::enterprise::insert_enterprise(&c, &scope, row).await.unwrap();
    }
    let reports: Vec<VerifiedReport> = ids
        .iter()
        .enumerate()
        .flat_map(|(n, id)| {
            (1..=12).map(move |m| VerifiedReport {
                enterprise_id: *id,
                park_id: z1.park_id,
                period: 2025 * 100 + m,
                output_fen: Some((n as i64 + 1) * 3 * WAN),
                revenue_fen: Some((n as i64 + 1) * 4 * WAN),
                tax_fen: Some((n as i64 % 97) * WAN / 10),
                electricity_kwh: Some(10_000 + n as i64),
                employees: Some(20 + n as i64 % 30),
                rd_fen: Some(n as i64 * 1000),
            })
        })
        .collect();
    insert_verified_reports(&c, &scope, &reports, now).await.unwrap();
    let r = t.post("/api/v1/evaluations", &staff, json!({"year": 2025})).await;
    let id = r.body["id"].as_str().unwrap().to_owned();
    // Run twice: the second run replaces the first one's 1,000 results (its speed is measured by
    // `cargo xtask bench stats`, not here).
    for _ in 0..2 {
        let r = t.post(&format!("/api/v1/evaluations/{id}/run"), &staff, json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["evaluated"], 1000);
    }
    let page = t.get(&format!("/api/v1/evaluations/{id}/results?page_size=100"), &staff).await;
    assert_eq!(page.body["total"], 1000);
    let dist: Vec<i64> = t.get(&format!("/api/v1/evaluations/{id}"), &staff).await.body["distribution"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["count"].as_i64().unwrap())
        .collect();
    assert_eq!(dist, vec![200, 500, 200, 100]); // the default shares 20/50/20
}
