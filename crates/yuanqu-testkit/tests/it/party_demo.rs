//! The party demo (issue 7) on a test zone with the demo's five parks and 200 enterprises: the
//! organization tree, 2,500 members whose ID card numbers the members' use case reads back and
//! recognises, the article's designations and alliances, and a year of meetings whose
//! compliance the live view computes exactly as the demo reports it.

use axum::http::StatusCode;
use serde_json::{Value, json};
use yuanqu_app::demo::{self, Named, ParkKind, Spec as EconomySpec};
use yuanqu_app::identity::org::{NewPark, create_park_as};
use yuanqu_app::party_demo::{self, Cast, ID_CARD, Spec};
use yuanqu_app::personal::Slot;
use yuanqu_app::{RequestCtx, identity::setup};
use yuanqu_domain::Scope;
use yuanqu_domain::identity::Role;
use yuanqu_domain::stats::Period;
use yuanqu_store::party as q;
use yuanqu_testkit::TestApp;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};

fn count(v: &Value, key: &str) -> i64 {
    v.as_array().and_then(|a| a.iter().find(|c| c["key"] == key)).and_then(|c| c["count"].as_i64()).unwrap_or(-1)
}

#[tokio::test]
async fn a_demo_year_of_party_building_that_the_views_agree_with() {
    let t = TestApp::new().await.unwrap();
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    let (zone, by, ctx) = (Scope::zone(z1.zone_id), setup::cli(z1.zone_id), RequestCtx::default());
    let mut parks = vec![(z1.park_id, ParkKind::Food)];
    for (code, kind) in [("AD", ParkKind::Textile), ("WL", ParkKind::Mixed), ("JX", ParkKind::Machinery)] {
        let p = create_park_as(&t.app, &zone, &by, NewPark { code: code.into(), name: format!("{code}园") }, &ctx)
            .await
            .unwrap();
        parks.push((p.id, kind));
    }
    let named = [
        Named { name: "恒安食品有限公司", uscc_body: "91350582MA2Y0HA01", park: 0, division: "14" },
        Named { name: "安东鞋服有限公司", uscc_body: "91350582MA2Y0AD02", park: 1, division: "19" },
        Named { name: "五里新材料科技有限公司", uscc_body: "91350582MA2Y0WL03", park: 2, division: "30" },
    ];
    let spec = EconomySpec {
        enterprises: 200,
        months: 2,
        last: Period::parse("2026-10").unwrap(),
        leave_last_open: vec![],
        seed: 3,
    };
    let enterprises = demo::load_economy(&t.app, z1.zone_id, &parks, &named, &spec, &by).await.unwrap().enterprises;
    let staff = extra_user(&t.app, &z1, "party", Role::PartyStaff).await.unwrap();
    let secretary = extra_user(&t.app, &z1, "secretary", Role::BranchSecretary).await.unwrap();
    let cast = Cast {
        staff,
        secretary: Some((secretary, "施建军".into())),
        parks: parks.iter().map(|p| p.0).collect(),
        enterprises,
    };
    let seeded = party_demo::load(&t.app, z1.zone_id, &cast, &Spec::default(), &by).await.unwrap();
    // The first named enterprise (the demo's enterprise account's) is left for the browser suite.
    let orgs = q::zone_orgs(&t.app.db.conn(), z1.zone_id).await.unwrap();
    assert!(!orgs.iter().any(|o| o.enterprise_id == Some(cast.enterprises[0].id)));
    assert!(orgs.iter().any(|o| o.enterprise_id == Some(cast.enterprises[1].id) && o.org_type == "workshop_branch"));
    assert!((110..=130).contains(&seeded.orgs), "{seeded:?}");
    assert_eq!(seeded.workshop_branches, 40);
    assert_eq!(seeded.members, 2_500);
    assert!(seeded.probationary > 50 && seeded.moves > 50, "{seeded:?}");
    assert_eq!((seeded.red_workshops, seeded.vanguard_posts, seeded.alliances), (26, 101, 6));
    assert_eq!(seeded.theme_activities_this_year, 30);
    let branches = (seeded.green + seeded.yellow + seeded.red) as f64;
    assert!(seeded.green as f64 / branches > 0.6 && seeded.yellow > 0 && seeded.red > 0, "{seeded:?}");
    assert!((seeded.red as f64) < branches * 0.15, "{seeded:?}");

    let s = t.login("z1", "party", PASSWORD).await;
    let r = t.get("/api/v1/party/orgs", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let orgs = r.body["items"].as_array().unwrap().clone();
    assert_eq!(orgs.len(), seeded.orgs);
    assert_eq!(orgs[0]["org_type"], "working_committee");
    assert_eq!(orgs[0]["members_total"], 2_500, "every member counts at the top");

    // The live compliance view of this year says what the demo reported.
    let r = t.get("/api/v1/party/compliance", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = &r.body["counts"];
    assert_eq!(
        (c["green"].as_u64(), c["yellow"].as_u64(), c["red"].as_u64()),
        (Some(seeded.green as u64), Some(seeded.yellow as u64), Some(seeded.red as u64)),
        "{seeded:?}"
    );

    // The dashboard's figures for this year are the article's.
    let r = t.get("/api/v1/party/dashboard", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = &r.body;
    assert_eq!(count(&d["designations_by_type"], "red_workshop"), 26, "{d}");
    assert_eq!(count(&d["designations_by_type"], "vanguard_post"), 101, "{d}");
    assert_eq!(count(&d["designations_by_type"], "red_site"), 1, "{d}");
    assert_eq!(count(&d["designations_by_type"], "red_medical"), 1, "{d}");
    assert_eq!(d["theme_activities"], 30, "{d}");
    let regional: i64 =
        ["neighbourhood", "business", "strong_weak"].iter().map(|k| count(&d["alliances_by_kind"], k)).sum();
    assert_eq!((regional, count(&d["alliances_by_kind"], "industry_chain")), (4, 2), "{d}");
    let r = t.get("/api/v1/party/honour-wall", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    // The ID card numbers decrypt under the members' slot, and the blind index is the one the
    // members' use case computes: the same person cannot be added again.
    let r = t.get("/api/v1/party/members?page=1&page_size=5", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["total"], 2_500);
    assert!(r.body["items"][0]["id_card_masked"].as_str().unwrap().contains('*'), "{}", r.text);
    let c = t.app.db.conn();
    let m = q::all_members(&c, &zone, &q::MemberFilter::default()).await.unwrap().swap_remove(7);
    let id_card = t
        .app
        .keys
        .decrypt(Slot { table: ID_CARD.0, column: ID_CARD.1, zone_id: z1.zone_id, row_id: m.id }, &m.id_card_enc)
        .unwrap();
    let r = t
        .post(
            "/api/v1/party/members",
            &s,
            json!({"org_id": m.org_id, "name": "重复录入", "id_card": id_card, "joined_on": "2020-07-01", "standing": "full"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("party.member_elsewhere"), "{}", r.text);

    // The `secretary` account leads one workshop branch and sees only it.
    let s = t.login("z1", "secretary", PASSWORD).await;
    let r = t.get("/api/v1/party/orgs", &s).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let mine = r.body["items"].as_array().unwrap();
    assert_eq!(mine.len(), 1, "{}", r.text);
    assert_eq!(mine[0]["id"], json!(seeded.secretary_org.unwrap()));
    assert_eq!(mine[0]["org_type"], "workshop_branch");
    let r = t.get("/api/v1/party/compliance", &s).await;
    assert_eq!(r.body["rows"].as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.body["rows"][0]["colour"], "yellow", "the demo's secretary has something to catch up: {}", r.text);
}
