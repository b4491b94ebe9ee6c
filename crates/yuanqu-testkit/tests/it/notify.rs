//! Notifications (issue 5): the in-app inbox is one's own (another user's or zone's is 404),
//! with unread counts; webhooks take one signed delivery per notice, retried with backoff until
//! delivered, or failed after the last attempt.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use uuid::Uuid;
use yuanqu_app::notify::{DeliveryRound, Notice, deliver_due};
use yuanqu_testkit::TestApp;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};

fn notice(kind: &'static str, title: &str) -> Notice {
    Notice {
        kind,
        title: title.to_owned(),
        body: format!("{title}：请及时处理"),
        link: "/appeals/1".into(),
        ref_type: "appeal",
        ref_id: Some(Uuid::now_v7()),
    }
}

async fn send(t: &TestApp, zone_id: Uuid, to: &[Uuid], n: Notice) {
    let now = t.app.now();
    let to = to.to_vec();
    t.app
        .db
        .write(|c| {
            let (to, n) = (to.clone(), n.clone());
            Box::pin(async move { yuanqu_app::notify::send(c, zone_id, now, &to, &n).await })
        })
        .await
        .unwrap();
}

fn ids(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_inbox_is_ones_own_with_unread_counts_and_marking_read() {
    let t = TestApp::new().await.unwrap();
    let (z1, z2) = two_tenants(&t.app).await.unwrap();
    for title in ["诉求已分派", "诉求已升级", "诉求已答复"] {
        send(&t, z1.zone_id, &[z1.admin_id, z1.admin_id], notice("appeal.assigned", title)).await;
        t.clock.advance(chrono::Duration::seconds(1));
    }
    send(&t, z1.zone_id, &[z1.staff_id], notice("appeal.reopened", "诉求已重办")).await;
    send(&t, z2.zone_id, &[z2.admin_id], notice("appeal.assigned", "另一园区")).await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    let other = t.login("z2", "admin", PASSWORD).await;

    let mine = t.get("/api/v1/notifications", &admin).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!((mine.body["total"].clone(), mine.body["unread"].clone()), (json!(3), json!(3)), "duplicates dropped");
    let titles: Vec<&str> =
        mine.body["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["诉求已答复", "诉求已升级", "诉求已分派"], "newest first");
    assert_eq!(t.get("/api/v1/notifications/unread-count", &admin).await.body, json!({"unread": 3}));
    let admins = ids(&mine.body);
    let staffs = ids(&t.get("/api/v1/notifications", &staff).await.body);
    assert_eq!(staffs.len(), 1);
    assert!(staffs.iter().all(|s| !admins.contains(s)), "another user's never shows");
    let others = ids(&t.get("/api/v1/notifications", &other).await.body);
    assert_eq!(others.len(), 1);

    // Someone else's, or another zone's, is 404 and stays unread.
    for (who, id) in [(&staff, &admins[0]), (&other, &admins[0]), (&admin, &others[0]), (&admin, &staffs[0])] {
        let r = t.post(&format!("/api/v1/notifications/{id}/read"), who, json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    }
    let r = t.post(&format!("/api/v1/notifications/{}/read", Uuid::now_v7()), &admin, json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/notifications/unread-count", &admin).await.body["unread"], 3);
    assert_eq!(t.get("/api/v1/notifications/unread-count", &staff).await.body["unread"], 1);
    assert_eq!(t.get("/api/v1/notifications/unread-count", &other).await.body["unread"], 1);

    // Mine: read once; reading again changes nothing.
    let r = t.post(&format!("/api/v1/notifications/{}/read", admins[1]), &admin, json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let read_at = r.body["read_at"].clone();
    assert!(read_at.is_string());
    t.clock.advance(chrono::Duration::minutes(5));
    let again = t.post(&format!("/api/v1/notifications/{}/read", admins[1]), &admin, json!({})).await;
    assert_eq!((again.status, again.body["read_at"].clone()), (StatusCode::OK, read_at));
    let unread = t.get("/api/v1/notifications?unread=true", &admin).await.body;
    assert_eq!((unread["total"].clone(), unread["unread"].clone()), (json!(2), json!(2)));
    assert!(!ids(&unread).contains(&admins[1]));
    let paged = t.get("/api/v1/notifications?page=2&page_size=2", &admin).await.body;
    assert_eq!((ids(&paged).len(), paged["total"].clone(), paged["page"].clone()), (1, json!(3), json!(2)));
    assert_eq!(t.get("/api/v1/notifications?page_size=101", &admin).await.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Read all: only mine, only in my zone.
    let all = t.post("/api/v1/notifications/read-all", &admin, json!({})).await;
    assert_eq!((all.status, all.body.clone()), (StatusCode::OK, json!({"marked": 2})));
    assert_eq!(t.get("/api/v1/notifications/unread-count", &admin).await.body["unread"], 0);
    assert_eq!(t.get("/api/v1/notifications/unread-count", &staff).await.body["unread"], 1);
    assert_eq!(t.get("/api/v1/notifications/unread-count", &other).await.body["unread"], 1);
    assert_eq!(t.post("/api/v1/notifications/read-all", &admin, json!({})).await.body["marked"], 0);
    // An enterprise account has an inbox too.
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    assert_eq!(t.get("/api/v1/notifications", &ent).await.body["total"], 0);
}

/// What the receiver saw: path, headers, body.
type Seen = Arc<Mutex<Vec<(String, HeaderMap, String)>>>;

/// A webhook receiver on 127.0.0.1: `/flaky` answers 500 twice, then 200; `/down` always 503.
async fn receiver() -> (String, Seen) {
    use axum::routing::post;
    let seen: Seen = Arc::default();
    let flaky_calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let record = |path: &'static str, seen: Seen| {
        move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                seen.lock().unwrap().push((path.to_owned(), headers, body));
            }
        }
    };
    let (s1, s2) = (seen.clone(), seen.clone());
    let app = axum::Router::new()
        .route(
            "/flaky",
            post(move |h: HeaderMap, b: String| {
                let (calls, rec) = (flaky_calls.clone(), record("/flaky", s1.clone()));
                async move {
                    rec(h, b).await;
                    if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < 2 {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        )
        .route(
            "/down",
            post(move |h: HeaderMap, b: String| {
                let rec = record("/down", s2.clone());
                async move {
                    rec(h, b).await;
                    (StatusCode::SERVICE_UNAVAILABLE, "maintenance")
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), seen)
}

fn sign(secret: &str, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn webhooks_get_one_signed_delivery_per_notice_retried_with_backoff_until_delivered_or_failed() {
    let t = TestApp::new().await.unwrap();
    let (z1, _z2) = two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let (base, seen) = receiver().await;

    // Only http(s) URLs without credentials; the field and the code are named.
    for bad in ["ftp://127.0.0.1/x", "not a url", "http://user:pw@127.0.0.1/x", "javascript:alert(1)", ""] {
        let r = t.post("/api/v1/webhooks", &admin, json!({"name": "网关", "url": bad})).await;
        let code = if bad.is_empty() { "required" } else { "webhook.url_invalid" };
        assert_eq!(
            (r.status, r.fields()),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![("url".to_owned(), code.to_owned())]),
            "{bad}: {}",
            r.text
        );
    }
    let r = t
        .post("/api/v1/webhooks", &admin, json!({"name": "x", "url": "http://127.0.0.1/", "kinds": ["Bad Kind"]}))
        .await;
    assert_eq!(r.fields(), vec![("kinds[0]".to_owned(), "webhook.kind_invalid".to_owned())]);
    let staff = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(t.get("/api/v1/webhooks", &staff).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.post("/api/v1/webhooks", &staff, json!({"name": "x", "url": "http://127.0.0.1/"})).await.status,
        StatusCode::FORBIDDEN
    );

    let create = |name: &str, url: String, kinds: Value, active: bool| json!({"name": name, "url": url, "kinds": kinds, "active": active});
    let sms = t
        .post("/api/v1/webhooks", &admin, create("短信网关", format!("{base}/flaky"), json!(["appeal.assigned"]), true))
        .await;
    assert_eq!(sms.status, StatusCode::CREATED, "{}", sms.text);
    let secret = sms.body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 30, "{secret}");
    let sms_id = sms.body["id"].as_str().unwrap().to_owned();
    let wx = t.post("/api/v1/webhooks", &admin, create("企业微信", format!("{base}/down"), json!([]), true)).await;
    let wx_id = wx.body["id"].as_str().unwrap().to_owned();
    let off = t.post("/api/v1/webhooks", &admin, create("停用", format!("{base}/flaky"), json!([]), false)).await;
    let off_id = off.body["id"].as_str().unwrap().to_owned();
    // The secret is never shown again, nor stored in the clear.
    let list = t.get("/api/v1/webhooks", &admin).await;
    assert_eq!(list.body.as_array().unwrap().len(), 3);
    assert!(!list.text.contains(&secret) && !list.text.contains("secret"), "{}", list.text);
    let stored: Vec<String> = yuanqu_store::notify::webhooks(&t.app.db.conn(), &yuanqu_domain::Scope::zone(z1.zone_id))
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.secret)
        .collect();
    assert!(stored.iter().all(|s| s.starts_with("v1:") && !s.contains(&secret)), "{stored:?}");

    // One notice to two people: one delivery per matching active webhook; the kind filter holds.
    send(&t, z1.zone_id, &[z1.admin_id, z1.staff_id], notice("appeal.assigned", "诉求已分派")).await;
    send(&t, z1.zone_id, &[z1.staff_id], notice("appeal.answered", "诉求已答复")).await;
    // Read as the store has it (the administrator's session would idle out over the hours the clock moves).
    let log = |id: String| {
        let t = &t;
        async move {
            let p = yuanqu_store::notify::deliveries(
                &t.app.db.conn(),
                &yuanqu_domain::Scope::zone(z1.zone_id),
                id.parse().unwrap(),
                yuanqu_store::PageReq { page: 1, size: 100 },
            )
            .await
            .unwrap();
            let items: Vec<Value> = p
                .items
                .into_iter()
                .map(|d| {
                    json!({"kind": d.kind, "state": d.state, "attempts": d.attempts, "last_status": d.last_status,
                        "last_error": d.last_error, "next_attempt_at": d.next_attempt_at.to_rfc3339(),
                        "delivered_at": d.delivered_at.map(|t| t.to_rfc3339())})
                })
                .collect();
            json!({"total": p.total, "items": items})
        }
    };
    assert_eq!(log(sms_id.clone()).await["total"], 1);
    assert_eq!(log(wx_id.clone()).await["total"], 2);
    assert_eq!(log(off_id.clone()).await["total"], 0);

    let start = t.app.now();
    let at = |secs: i64| (start + chrono::Duration::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let next_of = |v: &Value| {
        let s = v["items"][0]["next_attempt_at"].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let round = |n: usize, delivered: usize, retrying: usize, failed: usize| DeliveryRound {
        attempted: n,
        delivered,
        retrying,
        failed,
    };
    // Attempt 1 at once: all three fail (500, 503, 503) and wait 30 s.
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(3, 0, 3, 0));
    let s = log(sms_id.clone()).await;
    assert_eq!((s["items"][0]["attempts"].clone(), s["items"][0]["last_status"].clone()), (json!(1), json!(500)));
    assert_eq!(s["items"][0]["state"], "pending");
    assert_eq!(next_of(&s), at(30));
    t.clock.advance(chrono::Duration::seconds(29));
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(0, 0, 0, 0), "not yet due");
    t.clock.advance(chrono::Duration::seconds(1));
    // Attempt 2, by two workers at once: each delivery is claimed by one of them.
    let (a, b) = tokio::join!(deliver_due(&t.app, 10), deliver_due(&t.app, 10));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.attempted + b.attempted, 3, "{a:?} {b:?}");
    assert_eq!(next_of(&log(sms_id.clone()).await), at(30 + 120));
    // Attempt 3 two minutes later: accepted.
    t.clock.advance(chrono::Duration::seconds(120));
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(3, 1, 2, 0));
    let s = log(sms_id.clone()).await;
    let d = &s["items"][0];
    assert_eq!(
        (d["state"].clone(), d["attempts"].clone(), d["last_status"].clone()),
        (json!("delivered"), json!(3), json!(200))
    );
    assert_eq!(d["last_error"], Value::Null);
    assert!(d["delivered_at"].is_string());

    // What the gateway got: three identical signed JSON posts of the notice (not per recipient).
    let flaky: Vec<(HeaderMap, String)> =
        seen.lock().unwrap().iter().filter(|(p, _, _)| p == "/flaky").map(|(_, h, b)| (h.clone(), b.clone())).collect();
    assert_eq!(flaky.len(), 3);
    for (h, body) in &flaky {
        assert_eq!(h.get("x-yuanqu-signature").unwrap().to_str().unwrap(), sign(&secret, body));
        assert_eq!(h.get("content-type").unwrap(), "application/json");
        assert_eq!(h.get("x-yuanqu-event").unwrap(), "appeal.assigned");
        assert_eq!(body, &flaky[0].1);
    }
    let payload: Value = serde_json::from_str(&flaky[0].1).unwrap();
    assert_eq!((payload["kind"].clone(), payload["title"].clone()), (json!("appeal.assigned"), json!("诉求已分派")));
    assert_eq!(payload["recipients"].as_array().unwrap().len(), 2);
    assert_ne!(sign("another secret", &flaky[0].1), sign(&secret, &flaky[0].1));

    // The endpoint that is always down: 10 min, 1 h, 6 h more, then failed after the 6th attempt.
    for (wait, attempts) in [(600, 4), (3_600, 5)] {
        t.clock.advance(chrono::Duration::seconds(wait));
        assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(2, 0, 2, 0));
        let w = log(wx_id.clone()).await;
        assert_eq!(w["items"][0]["attempts"], attempts);
    }
    let w = log(wx_id.clone()).await;
    assert_eq!(next_of(&w), at(30 + 120 + 600 + 3_600 + 21_600));
    t.clock.advance(chrono::Duration::seconds(21_599));
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(0, 0, 0, 0));
    t.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(2, 0, 0, 2));
    let w = log(wx_id.clone()).await;
    for d in w["items"].as_array().unwrap() {
        assert_eq!(
            (d["state"].clone(), d["attempts"].clone(), d["last_status"].clone()),
            (json!("failed"), json!(6), json!(503))
        );
        assert!(d["last_error"].as_str().unwrap().contains("maintenance"), "{d}");
    }
    t.clock.advance(chrono::Duration::days(2));
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(0, 0, 0, 0), "failed is final");
    assert_eq!(seen.lock().unwrap().iter().filter(|(p, _, _)| p == "/down").count(), 12, "6 attempts × 2 notices");

    // The log over the API (the session idled out while the clock moved).
    let admin = t.login("z1", "admin", PASSWORD).await;
    let api_log = t.get(&format!("/api/v1/webhooks/{wx_id}/deliveries?page_size=1"), &admin).await;
    assert_eq!(api_log.status, StatusCode::OK, "{}", api_log.text);
    assert_eq!((api_log.body["total"].clone(), api_log.body["items"][0]["state"].clone()), (json!(2), json!("failed")));
    // A test delivery, even to an inactive webhook; the log shows it.
    let r = t.post(&format!("/api/v1/webhooks/{off_id}/test"), &admin, json!({})).await;
    assert_eq!(
        (r.status, r.body["kind"].clone(), r.body["state"].clone()),
        (StatusCode::ACCEPTED, json!("webhook.test"), json!("pending"))
    );
    assert_eq!(deliver_due(&t.app, 10).await.unwrap(), round(1, 1, 0, 0));
    assert_eq!(log(off_id.clone()).await["items"][0]["state"], "delivered");

    // Edit with If-Match; a stale version is 412; a bad URL names the field.
    let p = t.patch(&format!("/api/v1/webhooks/{sms_id}"), &admin, 1, json!({"active": false, "kinds": []})).await;
    assert_eq!(
        (p.status, p.body["active"].clone(), p.body["version"].clone()),
        (StatusCode::OK, json!(false), json!(2))
    );
    assert_eq!(p.headers.get("etag").unwrap(), "\"2\"");
    let stale = t.patch(&format!("/api/v1/webhooks/{sms_id}"), &admin, 1, json!({"name": "旧"})).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let bad = t.patch(&format!("/api/v1/webhooks/{sms_id}"), &admin, 2, json!({"url": "file:///etc/passwd"})).await;
    assert_eq!(bad.fields(), vec![("url".to_owned(), "webhook.url_invalid".to_owned())]);
    send(&t, z1.zone_id, &[z1.staff_id], notice("appeal.assigned", "停用后")).await;
    assert_eq!(log(sms_id.clone()).await["total"], 1, "an inactive webhook takes nothing");

    // The other zone sees none of it.
    let z2 = t.login("z2", "admin", PASSWORD).await;
    assert_eq!(t.get("/api/v1/webhooks", &z2).await.body, json!([]));
    assert_eq!(t.get(&format!("/api/v1/webhooks/{sms_id}/deliveries"), &z2).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.delete(&format!("/api/v1/webhooks/{sms_id}"), &z2).await.status, StatusCode::NOT_FOUND);

    // Delete: the webhook and its log go.
    assert_eq!(t.delete(&format!("/api/v1/webhooks/{wx_id}"), &admin).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.get(&format!("/api/v1/webhooks/{wx_id}/deliveries"), &admin).await.status, StatusCode::NOT_FOUND);
    assert_eq!(t.get("/api/v1/webhooks", &admin).await.body.as_array().unwrap().len(), 2);

    // Every change is audited.
    extra_user(&t.app, &z1, "auditor", yuanqu_domain::identity::Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    for (action, n) in [("webhook.create", 3), ("webhook.update", 1), ("webhook.delete", 1), ("webhook.test", 1)] {
        let a = t.get(&format!("/api/v1/audit?action={action}"), &auditor).await.body;
        assert_eq!(a["total"], n, "{action}: {a}");
    }
    let created = t.get("/api/v1/audit?action=webhook.create", &auditor).await.text;
    assert!(!created.contains(&secret), "the secret is not in the audit log");
}

#[tokio::test]
async fn a_replayed_webhook_creation_does_not_show_the_secret_again() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let body = json!({"name": "网关", "url": "http://127.0.0.1:9/"});
    let send = || {
        t.send(
            yuanqu_testkit::Req::new(axum::http::Method::POST, "/api/v1/webhooks")
                .as_(&admin)
                .header("idempotency-key", "hook-1")
                .json(&body),
        )
    };
    let first = send().await;
    let again = send().await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(again.body["id"], first.body["id"]);
    assert!(first.body["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(again.body["secret"], "");
    assert_eq!(t.get("/api/v1/webhooks", &admin).await.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn polling_the_unread_count_does_not_keep_an_idle_session_alive() {
    let t = TestApp::new().await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let admin = t.login("z1", "admin", PASSWORD).await;
    let idle = admin.me["idle_timeout_secs"].as_i64().unwrap();
    assert!(idle > 120, "{idle}");
    // The bell polls every 30 s while nobody touches the page: the session still idles out.
    let mut waited = 0;
    while waited + 30 < idle {
        t.clock.advance(chrono::Duration::seconds(30));
        waited += 30;
        let r = t.get("/api/v1/notifications/unread-count", &admin).await;
        assert_eq!(r.status, StatusCode::OK, "after {waited} s: {}", r.text);
    }
    t.clock.advance(chrono::Duration::seconds(idle - waited));
    assert_eq!(t.get("/api/v1/notifications/unread-count", &admin).await.status, StatusCode::UNAUTHORIZED);
    // Any other request is activity.
    let admin = t.login("z1", "admin", PASSWORD).await;
    t.clock.advance(chrono::Duration::seconds(idle - 10));
    assert_eq!(t.get("/api/v1/notifications", &admin).await.status, StatusCode::OK);
    t.clock.advance(chrono::Duration::seconds(idle - 10));
    assert_eq!(t.get("/api/v1/notifications/unread-count", &admin).await.status, StatusCode::OK);
}
