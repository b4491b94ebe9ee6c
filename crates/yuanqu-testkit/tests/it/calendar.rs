//! The zone's working-day calendar (issue 5): the administrator enters a year from the State
//! Council's notice; bad days are named; the other zone keeps its own; deadlines count on it.

use axum::http::StatusCode;
use serde_json::{Value, json};
use yuanqu_domain::calendar::china_2026_days;
use yuanqu_testkit::TestApp;
use yuanqu_testkit::seed::{PASSWORD, two_tenants};

fn notice_2026() -> Value {
    china_2026_days().iter().map(|(d, k, n)| json!({"day": d.to_string(), "kind": k.code(), "note": n})).collect()
}

#[tokio::test]
async fn the_administrator_enters_2026_and_deadlines_count_on_the_zones_calendar() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    // (days, field errors)
    let bad: Vec<(Value, Vec<(&str, &str)>)> = vec![
        (json!([{"day": "2025-12-31", "kind": "off"}]), vec![("days[0].day", "calendar.other_year")]),
        (
            json!([{"day": "2026-02-16", "kind": "off"}, {"day": "2026-02-16", "kind": "off"}]),
            vec![("days[1].day", "calendar.duplicate_day")],
        ),
        (json!([{"day": "2026-02-16", "kind": "makeup"}]), vec![("days[0].kind", "calendar.makeup_on_weekday")]),
        (json!([{"day": "2026-02-16", "kind": "holiday"}]), vec![("days[0].kind", "calendar.kind_unknown")]),
    ];
    for (days, fields) in bad {
        let r = t.post("/api/v1/calendar", &admin, json!({"year": 2026, "days": days})).await;
        let want: Vec<(String, String)> = fields.iter().map(|(f, c)| ((*f).to_owned(), (*c).to_owned())).collect();
        assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, want), "{}", r.text);
    }
    let staff = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(t.get("/api/v1/calendar?year=2026", &staff).await.body["days"], json!([]), "nothing half written");
    let r = t.post("/api/v1/calendar", &admin, json!({"year": 2026, "days": notice_2026()})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Every signed-in user reads it; only the administrator writes it; the other zone has none.
    let got = t.get("/api/v1/calendar?year=2026", &staff).await.body;
    assert_eq!(got["days"], notice_2026());
    assert_eq!(
        t.post("/api/v1/calendar", &staff, json!({"year": 2026, "days": []})).await.status,
        StatusCode::FORBIDDEN
    );
    let other = t.login("z2", "staff", PASSWORD).await;
    assert_eq!(t.get("/api/v1/calendar?year=2026", &other).await.body["days"], json!([]));
    // Deadlines count on what is stored: 2 working days from Friday 13 February end on the 24th.
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let cal =
        yuanqu_app::calendar::work_calendar(&t.app, z1.zone_id, day("2026-01-01"), day("2026-12-31")).await.unwrap();
    assert_eq!(cal.add_working_days(day("2026-02-13"), 2), day("2026-02-24"));
    // Replacing the year keeps only the new list, audited with before and after.
    let r = t
        .post(
            "/api/v1/calendar",
            &admin,
            json!({"year": 2026, "days": [{"day": "2026-10-01", "kind": "off", "note": "国庆节"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(t.get("/api/v1/calendar?year=2026", &staff).await.body["days"].as_array().unwrap().len(), 1);
    yuanqu_testkit::seed::extra_user(&t.app, &z1, "auditor", yuanqu_domain::identity::Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let a = t.get("/api/v1/audit?action=calendar.set_year", &auditor).await.body;
    assert_eq!(a["total"], 2, "{a}");
}
