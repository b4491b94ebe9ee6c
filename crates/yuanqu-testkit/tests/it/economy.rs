//! The economic dashboard (issue 4) recomputed by hand from the reports the demo generator
//! wrote: rollups kept by the server must give the same year-to-date totals, same-caliber YoY,
//! park slices and top list as a plain fold over the rows.

use std::collections::HashMap;

use axum::http::StatusCode;
use yuanqu_app::demo::{self, Named, ParkKind, Spec};
use yuanqu_domain::stats::Period;
use yuanqu_store::Uuid;
use yuanqu_store::entity::stat_report;
use yuanqu_testkit::TestApp;
use yuanqu_testkit::seed::{PASSWORD, two_tenants};

fn growth(cur: i64, base: i64) -> Option<f64> {
    yuanqu_app::dashboard::growth_pct(cur, base)
}

#[tokio::test]
async fn the_dashboard_equals_a_fold_over_the_verified_reports() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let last = Period::parse("2026-10").unwrap();
    let spec = Spec { enterprises: 40, months: 26, last, leave_last_open: vec![], seed: 7 };
    let by = yuanqu_app::identity::setup::cli(z1.zone_id);
    let named: [Named; 0] = [];
    let loaded =
        demo::load_economy(&t.app, z1.zone_id, &[(z1.park_id, ParkKind::Textile)], &named, &spec, &by).await.unwrap();
    let verified: Vec<&stat_report::Model> = loaded.reports.iter().filter(|r| r.state == "verified").collect();
    let output = |r: &stat_report::Model| r.output_fen.unwrap_or(0);
    let at: HashMap<(Uuid, i32), i64> = verified.iter().map(|r| ((r.enterprise_id, r.period), output(r))).collect();
    let ytd: Vec<&&stat_report::Model> =
        verified.iter().filter(|r| r.period >= last.january().yyyymm() && r.period <= last.yyyymm()).collect();
    let above: Vec<&&&stat_report::Model> = ytd.iter().filter(|r| r.above_scale).collect();
    let above_now: i64 = above.iter().map(|r| output(r)).sum();
    let above_before: i64 = above
        .iter()
        .map(|r| {
            at.get(&(r.enterprise_id, Period::from_yyyymm(r.period).unwrap().year_ago().yyyymm())).copied().unwrap_or(0)
        })
        .sum();
    let mut per_enterprise: HashMap<Uuid, i64> = HashMap::new();
    for r in &ytd {
        *per_enterprise.entry(r.enterprise_id).or_default() += output(r);
    }
    let best = per_enterprise.iter().max_by_key(|(id, v)| (**v, std::cmp::Reverse(**id))).map(|(id, _)| *id).unwrap();

    let s = t.login("z1", "staff", PASSWORD).await;
    let d = t.get("/api/v1/dashboard/economy", &s).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let b = &d.body;
    assert_eq!(b["period"], "2026-10");
    assert_eq!(b["ytd_above_output_fen"].as_i64().unwrap(), above_now);
    assert_eq!(b["ytd_yoy_pct"].as_f64(), growth(above_now, above_before));
    assert_eq!(b["by_park"][0]["output_fen"].as_i64().unwrap(), per_enterprise.values().sum::<i64>());
    assert_eq!(b["top"][0]["id"], best.to_string());
    assert_eq!(b["months"].as_array().unwrap().len(), 24);
    // The month asked for is the one shown; a month before any data shows nothing.
    let d = t.get("/api/v1/dashboard/economy?period=2026-03", &s).await;
    assert_eq!(d.body["period"], "2026-03");
    assert_eq!(t.get("/api/v1/dashboard/economy?period=2001-01", &s).await.body["period"], serde_json::Value::Null);
    let bad = t.get("/api/v1/dashboard/economy?period=2026-13", &s).await;
    assert_eq!(
        (bad.status, bad.fields()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec![("period".into(), "period.invalid".into())])
    );
    // The enterprise's timeline carries its newest verified month and, once published, its
    // evaluation class (the stats and evaluation modules plug into the registry's timeline).
    let ev = t.post("/api/v1/evaluations", &s, serde_json::json!({"year": 2025})).await;
    assert_eq!(ev.status, StatusCode::CREATED, "{}", ev.text);
    let id = ev.body["id"].as_str().unwrap().to_owned();
    let timeline = |e: Uuid| format!("/api/v1/enterprises/{e}/timeline");
    let titles = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        t.post(&format!("/api/v1/evaluations/{id}/run"), &s, serde_json::json!({})).await.status,
        StatusCode::OK
    );
    let before = titles(&t.get(&timeline(best), &s).await.body);
    assert!(before.iter().any(|x| x == "2026-10 统计月报已核定" || x == "2026-09 统计月报已核定"), "{before:?}");
    assert!(!before.iter().any(|x| x.contains("亩均效益评价")), "run but not published: {before:?}");
    assert_eq!(
        t.post(&format!("/api/v1/evaluations/{id}/publish"), &s, serde_json::json!({})).await.status,
        StatusCode::OK
    );
    let after = titles(&t.get(&timeline(best), &s).await.body);
    assert!(after.iter().any(|x| x.starts_with("2025 年度亩均效益评价：")), "{after:?}");
    // The zone's aggregates are not an enterprise's; the other zone sees none of these reports.
    let e = t.login("z1", "ent-a", PASSWORD).await;
    assert_eq!(t.get("/api/v1/dashboard/economy", &e).await.status, StatusCode::FORBIDDEN);
    let other = t.login("z2", "staff", PASSWORD).await;
    assert_eq!(t.get("/api/v1/dashboard/economy", &other).await.body["period"], serde_json::Value::Null);
}

#[tokio::test]
async fn staff_set_the_years_target_and_the_dashboard_measures_against_it() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let spec =
        Spec { enterprises: 10, months: 3, last: Period::parse("2026-10").unwrap(), leave_last_open: vec![], seed: 3 };
    let by = yuanqu_app::identity::setup::cli(z1.zone_id);
    let named: [Named; 0] = [];
    demo::load_economy(&t.app, z1.zone_id, &[(z1.park_id, ParkKind::Machinery)], &named, &spec, &by).await.unwrap();
    let s = t.login("z1", "staff", PASSWORD).await;
    // (body, status, field errors)
    let cases: Vec<(serde_json::Value, StatusCode, Vec<(&str, &str)>)> = vec![
        (
            serde_json::json!({"year": 2026, "target_wan": "abc"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("target_wan", "number.invalid")],
        ),
        (
            serde_json::json!({"year": 2026, "target_wan": "0"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("target_wan", "number.negative")],
        ),
        (
            serde_json::json!({"year": 1999, "target_wan": "100"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![("year", "range")],
        ),
        (serde_json::json!({"year": 2026, "target_wan": "12000000"}), StatusCode::OK, vec![]),
        (serde_json::json!({"year": 2026, "target_wan": "12500000.5"}), StatusCode::OK, vec![]),
    ];
    for (body, status, fields) in cases {
        let r = t.post("/api/v1/stats/targets", &s, body.clone()).await;
        let want: Vec<(String, String)> = fields.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        assert_eq!((r.status, r.fields()), (status, want), "{body}: {}", r.text);
    }
    // The second value replaced the first: 1,250 亿元 and a half 万元, in fen; version 2.
    let list = t.get("/api/v1/stats/targets", &s).await.body;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!((list[0]["target_fen"].as_i64(), list[0]["version"].as_i64()), (Some(12_500_000_500_000), Some(2)));
    let d = t.get("/api/v1/dashboard/economy", &s).await.body;
    assert_eq!(d["target_fen"], list[0]["target_fen"]);
    // Only the economic department sets targets; an enterprise account sees none of it.
    let leader_like = t.login("z1", "ent-a", PASSWORD).await;
    assert_eq!(
        t.post("/api/v1/stats/targets", &leader_like, serde_json::json!({"year": 2026, "target_wan": "1"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(t.get("/api/v1/stats/targets", &leader_like).await.status, StatusCode::FORBIDDEN);
}
