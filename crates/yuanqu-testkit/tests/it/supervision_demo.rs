//! The supervision demo (issue 6) on a test zone: a year of 187 key tasks and 98 key projects,
//! and lights that the live weekly evaluation leaves as they are — the demo walked the weeks
//! with the same rules the evaluation applies.

use axum::http::StatusCode;
use yuanqu_app::supervision::demo::{self, Cast, Spec};
use yuanqu_domain::Scope;
use yuanqu_domain::identity::Role;
use yuanqu_store::supervision::{self as q, ItemFilter};
use yuanqu_testkit::TestApp;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};

#[tokio::test]
async fn a_demo_year_of_key_work_and_the_evaluation_agrees_with_its_lights() {
    let t = TestApp::new().await.unwrap();
    let (z1, z2) = two_tenants(&t.app).await.unwrap();
    let leader = extra_user(&t.app, &z1, "leader", Role::ZoneLeader).await.unwrap();
    let cast = Cast {
        leader,
        reporters: [(z1.department_id, z1.staff_id)].into_iter().collect(),
        default_reporter: z1.staff_id,
    };
    let by = yuanqu_app::identity::setup::cli(z1.zone_id);
    let seeded = demo::load(&t.app, z1.zone_id, &cast, &Spec::default(), &by).await.unwrap();
    assert_eq!(seeded.items, 285);
    assert_eq!(seeded.meetings, 3);
    assert!(seeded.reports > 5_000 && seeded.lights > 5_000, "{seeded:?}");
    let open = seeded.open as f64;
    assert!(open > 100.0, "{seeded:?}");
    let green = seeded.green as f64 / open;
    let red = seeded.red as f64 / open;
    assert!((0.6..0.92).contains(&green) && red < 0.2, "{seeded:?}");

    let s = t.login("z1", "leader", PASSWORD).await;
    for (kind, n) in [("task", 187), ("project", 98)] {
        let r = t.get(&format!("/api/v1/supervision/items?kind={kind}&page=1&page_size=10"), &s).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["total"], n, "{kind}");
    }
    // Nothing of it in the other zone.
    let s2 = t.login("z2", "admin", PASSWORD).await;
    let r = t.get("/api/v1/supervision/items?page=1&page_size=10", &s2).await;
    assert!(r.status != StatusCode::OK || r.body["total"] == 0, "{}", r.text);
    let _ = z2;

    // The week's evaluation over the demo's open items changes no colour and no reason.
    let c = t.app.db.conn();
    let zone = Scope::zone(z1.zone_id);
    let snapshot = |items: Vec<q::ItemRow>| {
        items.into_iter().map(|i| (i.code, i.colour, i.colour_reasons, i.colour_week)).collect::<Vec<_>>()
    };
    let before = snapshot(q::all_items(&c, &zone, &ItemFilter::default()).await.unwrap());
    let r = t.post("/api/v1/supervision/evaluate", &s, serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["items"], seeded.open);
    let after = snapshot(q::all_items(&c, &zone, &ItemFilter::default()).await.unwrap());
    assert_eq!(before, after);

    // Three meetings; of their decisions one is overdue.
    let r = t.get("/api/v1/supervision/dashboard", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["overdue_follow_ups"], 1, "{}", r.text);
}
