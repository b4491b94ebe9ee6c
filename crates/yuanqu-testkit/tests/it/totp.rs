//! AUTH-04: the TOTP second factor, proven against the real router and database.

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use serde_json::json;
use yuanqu_app::Clock;
use yuanqu_app::identity::totp::code_at;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::seed::{PASSWORD, Tenant, extra_user, two_tenants};
use yuanqu_testkit::{Req, Res, Session, TestApp};

async fn world() -> (TestApp, Tenant) {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    (t, z1)
}

fn code(t: &TestApp, secret: &str) -> String {
    code_at(secret, t.clock.now()).unwrap()
}

/// A 6-digit code that is none of the codes accepted now (the current step and its neighbours).
fn wrong_code(t: &TestApp, secret: &str) -> String {
    let near: Vec<String> =
        [-30, 0, 30].iter().map(|s| code_at(secret, t.clock.now() + Duration::seconds(*s)).unwrap()).collect();
    (0..1000).map(|n| format!("{:06}", 123_456 + n)).find(|c| !near.contains(c)).unwrap()
}

/// Enrols and confirms the session's user; returns the secret. The clock then moves a step on,
/// so the next code is a new one.
async fn enrol(t: &TestApp, s: &Session) -> String {
    let e = t.post("/api/v1/auth/totp/enrol", s, json!({})).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    let r = t.post("/api/v1/auth/totp/confirm", s, json!({"code": code(t, &secret)})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.clock.advance(Duration::seconds(30));
    secret
}

fn cookie_of(r: &Res) -> String {
    r.headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or_default()
        .to_owned()
}

/// Password step: the pending session.
async fn pending(t: &TestApp, login: &str) -> (Session, Res) {
    let r = t.try_login("z1", login, PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = Session {
        cookie: cookie_of(&r),
        csrf: r.body["csrf_token"].as_str().unwrap_or("").to_owned(),
        me: r.body.clone(),
    };
    (s, r)
}

async fn verify(t: &TestApp, s: &Session, code: &str) -> Res {
    t.post("/api/v1/auth/totp/verify", s, json!({"code": code})).await
}

#[test]
fn auth04_codes_follow_rfc6238_sha1_test_vectors() {
    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890", last 6 of the 8 digits.
    let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    for (unix, expected) in
        [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")]
    {
        let at = chrono::DateTime::from_timestamp(unix, 0).unwrap();
        assert_eq!(code_at(secret, at).unwrap(), expected, "T = {unix}");
    }
}

#[tokio::test]
async fn auth04_enrol_then_sign_in_with_a_code_that_works_only_once() {
    let (t, z1) = world().await;
    let s = t.login("z1", "admin", PASSWORD).await;
    let e = t.post("/api/v1/auth/totp/enrol", &s, json!({})).await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.text);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    assert!(e.body["otpauth_uri"].as_str().unwrap().starts_with("otpauth://totp/Yuanqu:z1%3Aadmin?secret="));
    assert!(e.body["qr_svg"].as_str().unwrap().contains("<svg"));
    // The secret is stored encrypted under the data key, never as it was shown.
    let row = yuanqu_store::identity::user_by_login(&t.tdb.db.conn(), z1.zone_id, "admin").await.unwrap().unwrap();
    let stored = row.totp_secret.unwrap();
    assert!(stored.starts_with('v') && !stored.contains(&secret), "TOTP secret stored in clear: {stored}");
    // Not on before it is confirmed; a wrong code does not confirm it.
    assert_eq!(t.get("/api/v1/auth/me", &s).await.body["totp_enabled"], false);
    let r = t.post("/api/v1/auth/totp/confirm", &s, json!({"code": wrong_code(&t, &secret)})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "auth.totp_invalid"));
    let confirm_code = code(&t, &secret);
    let r = t.post("/api/v1/auth/totp/confirm", &s, json!({"code": confirm_code})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(t.get("/api/v1/auth/me", &s).await.body["totp_enabled"], true);
    // The secret is never shown again.
    let r = t.post("/api/v1/auth/totp/enrol", &s, json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "auth.totp_already_enabled"));
    assert_eq!(t.post("/api/v1/auth/logout", &s, json!({})).await.status, StatusCode::NO_CONTENT);

    // Password first: a pending session that only sends the code.
    let (p, r) = pending(&t, "admin").await;
    assert_eq!(r.body["second_factor"], "totp");
    assert!(r.body.get("permissions").is_none(), "nothing about the account before the code");
    for (m, path) in
        [(Method::GET, "/api/v1/users"), (Method::GET, "/api/v1/auth/me"), (Method::POST, "/api/v1/tokens")]
    {
        let r = t.send(Req::new(m, path).as_(&p).json(&json!({"name": "x"}))).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "auth.second_factor_required"), "{path}");
    }
    // The code used to confirm is spent: the same time step is refused.
    let r = verify(&t, &p, &confirm_code).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "auth.totp_invalid"), "replayed code");
    t.clock.advance(Duration::seconds(30));
    let fresh = code(&t, &secret);
    let r = verify(&t, &p, &fresh).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let full = Session { cookie: cookie_of(&r), csrf: r.body["csrf_token"].as_str().unwrap().to_owned(), me: r.body };
    assert_ne!(full.cookie, p.cookie, "a new session token after the second factor (SES-01)");
    assert_eq!(t.get("/api/v1/users", &full).await.status, StatusCode::OK);
    assert_eq!(t.get("/api/v1/auth/me", &p).await.status, StatusCode::UNAUTHORIZED, "the pending session ended");
    // The same code cannot sign in a second time.
    let (p2, _) = pending(&t, "admin").await;
    let r = verify(&t, &p2, &fresh).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "auth.totp_invalid"), "replayed code");
    // The pending session lives 5 minutes.
    t.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    let r = verify(&t, &p2, &code(&t, &secret)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    // Turning it off needs a current code.
    t.clock.advance(Duration::seconds(30));
    let off = |c: String| Req::new(Method::DELETE, "/api/v1/auth/totp").as_(&full).json(&json!({"code": c}));
    let r = t.send(off(wrong_code(&t, &secret))).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "auth.totp_invalid"));
    let r = t.send(off(code(&t, &secret))).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(t.try_login("z1", "admin", PASSWORD).await.body["second_factor"], serde_json::Value::Null);
    // Audited, without the secret.
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let a = t.login("z1", "auditor", PASSWORD).await;
    let log = t.get("/api/v1/audit?page_size=100", &a).await.text;
    for action in ["user.totp_enrol", "user.totp_enable", "auth.totp_failed", "auth.totp_verified", "user.totp_disable"]
    {
        assert!(log.contains(action), "{action} audited");
    }
    assert!(!log.contains(&secret), "the secret is never in the audit log");
}

#[tokio::test]
async fn auth04_five_wrong_codes_lock_the_second_factor_for_60_seconds() {
    let (t, _z1) = world().await;
    let s = t.login("z1", "staff", PASSWORD).await;
    let secret = enrol(&t, &s).await;
    let (p, _) = pending(&t, "staff").await;
    for n in 1..=4 {
        let r = verify(&t, &p, &wrong_code(&t, &secret)).await;
        assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "auth.totp_invalid"), "wrong code {n}");
    }
    let r = verify(&t, &p, &wrong_code(&t, &secret)).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "auth.totp_locked"));
    assert_eq!(r.headers.get("retry-after").map(|v| v.as_bytes()), Some(&b"60"[..]));
    // Even the right code waits out the lock.
    let r = verify(&t, &p, &code(&t, &secret)).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "auth.totp_locked"));
    t.clock.advance(Duration::seconds(61));
    let r = verify(&t, &p, &code(&t, &secret)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn auth04_the_zone_switch_makes_staff_enrol_before_anything_else_but_not_enterprise_accounts() {
    let (t, z1) = world().await;
    extra_user(&t.app, &z1, "security", Role::SecurityAdmin).await.unwrap();
    let sec = t.login("z1", "security", PASSWORD).await;
    let g = t.get("/api/v1/zone/security", &sec).await;
    assert_eq!((g.status, g.body["require_second_factor"].clone()), (StatusCode::OK, json!(false)));
    let admin = t.login("z1", "admin", PASSWORD).await;
    assert_eq!(t.get("/api/v1/zone/security", &admin).await.status, StatusCode::FORBIDDEN, "the security admin's");
    let r = t
        .send(Req::new(Method::PATCH, "/api/v1/zone/security").as_(&sec).json(&json!({"require_second_factor": true})))
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_REQUIRED);
    let v = g.body["version"].as_i64().unwrap();
    let r = t.patch("/api/v1/zone/security", &sec, v, json!({"require_second_factor": true})).await;
    assert_eq!((r.status, r.body["require_second_factor"].clone()), (StatusCode::OK, json!(true)), "{}", r.text);
    let r = t.patch("/api/v1/zone/security", &sec, v, json!({"require_second_factor": false})).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "stale version");

    // Staff and administrators without a second factor may only enrol.
    for login in ["staff", "admin"] {
        let s = t.login("z1", login, PASSWORD).await;
        assert_eq!(s.me["second_factor_enrolment_required"], true, "{login}");
        let r = t.get("/api/v1/departments", &s).await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "auth.second_factor_enrolment_required"), "{login}");
        let secret = enrol(&t, &s).await;
        assert_eq!(t.get("/api/v1/departments", &s).await.status, StatusCode::OK, "{login}: enrolled, full session");
        // And it cannot be turned off while the zone requires it.
        let r = t
            .send(Req::new(Method::DELETE, "/api/v1/auth/totp").as_(&s).json(&json!({"code": code(&t, &secret)})))
            .await;
        assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "auth.totp_required_by_zone"), "{login}");
    }
    // Enterprise accounts are not asked.
    let e = t.login("z1", "ent-a", PASSWORD).await;
    assert_eq!(e.me["second_factor_enrolment_required"], false);
    assert_eq!(t.get("/api/v1/enterprises", &e).await.status, StatusCode::OK);
}

#[tokio::test]
async fn auth04_the_security_administrator_resets_a_lost_second_factor() {
    let (t, z1) = world().await;
    let staff = t.login("z1", "staff", PASSWORD).await;
    enrol(&t, &staff).await;
    extra_user(&t.app, &z1, "security", Role::SecurityAdmin).await.unwrap();
    let sec = t.login("z1", "security", PASSWORD).await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    let path = format!("/api/v1/users/{}/totp/reset", z1.staff_id);
    assert_eq!(t.post(&path, &admin, json!({})).await.status, StatusCode::FORBIDDEN, "not the system admin's");
    assert_eq!(t.post(&path, &sec, json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.get("/api/v1/auth/me", &staff).await.status, StatusCode::UNAUTHORIZED, "their sessions ended");
    let s = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(s.me["totp_enabled"], false, "signs in with the password alone again");
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let a = t.login("z1", "auditor", PASSWORD).await;
    let log = t.get("/api/v1/audit?action=user.totp_reset", &a).await;
    assert!(log.text.contains("user.totp_reset"), "{}", log.text);
}
