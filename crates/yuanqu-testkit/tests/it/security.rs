//! Security requirements of docs/SECURITY.md, each proven against the real router and database.

use axum::http::{Method, StatusCode, header};
use chrono::Duration;
use serde_json::json;
use yuanqu_app::identity::setup;
use yuanqu_domain::identity::Role;
use yuanqu_http::HttpConfig;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};
use yuanqu_testkit::{Req, TestApp};

async fn world() -> (TestApp, yuanqu_testkit::seed::Tenant) {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    (t, z1)
}

// ------------------------------------------------------------------ AUTH-01

#[tokio::test]
async fn auth01_fresh_install_has_no_default_account_only_a_one_time_bootstrap_password() {
    let t = TestApp::new().await.unwrap();
    let b = setup::bootstrap_if_empty(&t.app, "main", "开发区").await.unwrap().expect("bootstrapped");
    assert!(b.password.chars().count() >= 16, "one-time password too short");
    assert!(setup::bootstrap_if_empty(&t.app, "main", "开发区").await.unwrap().is_none(), "bootstraps only once");
    for guess in ["admin", "123456", "admin123", "password"] {
        assert_eq!(t.try_login("main", "admin", guess).await.status, StatusCode::UNAUTHORIZED, "{guess}");
    }
    let s = t.login("main", "admin", &b.password).await;
    assert_eq!(s.me["must_change_password"], true);
    // Everything but the password change (and me, logout) is refused.
    let r = t.get("/api/v1/users", &s).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "auth.password_change_required"));
    assert_eq!(t.get("/api/v1/departments", &s).await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::OK);
    let r = t
        .post(
            "/api/v1/auth/password",
            &s,
            json!({"current_password": b.password, "new_password": "Zone-Chief-2026!ok"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(t.get("/api/v1/users", &s).await.status, StatusCode::OK);
}

#[tokio::test]
async fn auth01_bootstrap_password_expires_after_24_hours() {
    let t = TestApp::new().await.unwrap();
    let b = setup::bootstrap_if_empty(&t.app, "main", "开发区").await.unwrap().unwrap();
    t.clock.advance(Duration::hours(24) + Duration::seconds(1));
    assert_eq!(t.try_login("main", "admin", &b.password).await.status, StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------------ AUTH-02

#[tokio::test]
async fn auth02_passwords_are_argon2id_m19mib_t2_and_never_in_the_audit_log() {
    let (t, z1) = world().await;
    let u = yuanqu_store::identity::user_by_login(&t.tdb.db.conn(), z1.zone_id, "staff").await.unwrap().unwrap();
    assert!(u.password_hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", u.password_hash);
    let auditor = {
        extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
        t.login("z1", "auditor", PASSWORD).await
    };
    let log = t.get("/api/v1/audit?page_size=100", &auditor).await.text;
    assert!(!log.contains(PASSWORD) && !log.contains("argon2"), "audit log holds a password or hash");
}

#[tokio::test]
async fn auth02_password_profiles_mlps_for_staff_asvs_for_enterprises_and_no_reuse() {
    let (t, z1) = world().await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    // (role, password, expected field error code or None)
    let cases = [
        ("department_staff", "Short-1a", Some("password.too_short")),
        ("department_staff", "onlylowercaseletters", Some("password.classes")),
        ("department_staff", "Staff-Pass-2026!", None),
        ("worker", "qwerty123", Some("password.common")),
        ("worker", "green tea leaves", None),
    ];
    for (i, (role, pw, expected)) in cases.into_iter().enumerate() {
        let r = t.post("/api/v1/users", &admin, json!({"login": format!("p{i}"), "display_name": "测试", "role": role, "password": pw, "department_id": z1.department_id})).await;
        match expected {
            Some(code) => {
                assert_eq!(r.fields(), vec![("password".to_owned(), code.to_owned())], "{role} {pw}: {}", r.text)
            }
            None => assert_eq!(r.status, StatusCode::CREATED, "{role} {pw}: {}", r.text),
        }
    }
    // mlps: none of the last 5 passwords again.
    let s = t.login("z1", "staff", PASSWORD).await;
    let r = t
        .post("/api/v1/auth/password", &s, json!({"current_password": PASSWORD, "new_password": "Second-Pass-2026!"}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = t
        .post("/api/v1/auth/password", &s, json!({"current_password": "Second-Pass-2026!", "new_password": PASSWORD}))
        .await;
    assert_eq!(r.fields(), vec![("new_password".to_owned(), "password.reused".to_owned())], "{}", r.text);
}

// ------------------------------------------------------------------ AUTH-03

#[tokio::test]
async fn auth03_five_failures_in_15_minutes_lock_the_login_even_for_the_right_password() {
    let (t, z1) = world().await;
    for _ in 0..5 {
        assert_eq!(t.try_login("z1", "staff", "wrong-password-1").await.status, StatusCode::UNAUTHORIZED);
    }
    let r = t.try_login("z1", "staff", PASSWORD).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "auth.locked"));
    let retry: i64 =
        r.headers.get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    // An unknown login locks the same way, so locking does not reveal who exists.
    for _ in 0..5 {
        t.try_login("z1", "nobody", "wrong-password-1").await;
    }
    assert_eq!(t.try_login("z1", "nobody", "wrong-password-1").await.code(), "auth.locked");
    t.clock.advance(Duration::minutes(15));
    assert_eq!(t.try_login("z1", "staff", PASSWORD).await.status, StatusCode::OK);
    // The lock is in the audit log.
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let r = t.get("/api/v1/audit?action=auth.locked", &auditor).await;
    assert_eq!(r.body["total"], 2, "{}", r.text);
}

#[tokio::test]
async fn auth03_unknown_and_known_login_ids_answer_identically() {
    let (t, _) = world().await;
    let known = t.try_login("z1", "staff", "wrong-password-1").await;
    let unknown = t.try_login("z1", "no-such-user", "wrong-password-1").await;
    let no_zone = t.try_login("zz", "staff", "wrong-password-1").await;
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().map(|o| o.remove("request_id"));
        v
    };
    assert_eq!(known.status, StatusCode::UNAUTHORIZED);
    assert_eq!((known.status, strip(known.body.clone())), (unknown.status, strip(unknown.body)));
    assert_eq!((known.status, strip(known.body)), (no_zone.status, strip(no_zone.body)));
}

#[tokio::test]
async fn auth03_per_ip_token_bucket_on_login_and_ip_from_the_peer() {
    let t = TestApp::with_config(HttpConfig { login_per_minute: 3, ..HttpConfig::default() }).await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let attempt = |ip: [u8; 4]| {
        Req::new(Method::POST, "/api/v1/auth/login")
            .peer(ip)
            .header("x-forwarded-for", "203.0.113.9")
            .json(&json!({"zone": "z1", "login": "ghost", "password": "x-wrong-x"}))
    };
    for _ in 0..3 {
        assert_eq!(t.send(attempt([10, 0, 0, 1])).await.status, StatusCode::UNAUTHORIZED);
    }
    let r = t.send(attempt([10, 0, 0, 1])).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    // Another peer is not limited: the forwarded header from an untrusted peer is ignored.
    assert_eq!(t.send(attempt([10, 0, 0, 2])).await.status, StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------------ SES-01

#[tokio::test]
async fn ses01_session_cookie_is_random_httponly_samesite_and_only_its_hash_is_stored() {
    let (t, _) = world().await;
    let r = t.try_login("z1", "staff", PASSWORD).await;
    let cookie = r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "not Secure without TLS");
    let token = cookie.split(';').next().unwrap().trim_start_matches("yq_session=").to_owned();
    assert!(token.len() >= 22, "at least 128 bits");
    let c = t.tdb.db.conn();
    assert!(yuanqu_store::identity::session_by_hash(&c, &token).await.unwrap().is_none(), "token stored in clear");
    let hashed = yuanqu_app::secret::token_hash(&token);
    assert!(yuanqu_store::identity::session_by_hash(&c, &hashed).await.unwrap().is_some());
    // A new token at each login.
    let again = t.login("z1", "staff", PASSWORD).await;
    assert_ne!(again.cookie, format!("yq_session={token}"));
    // Never from a URL.
    let r = t.send(Req::new(Method::GET, &format!("/api/v1/auth/me?yq_session={token}"))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn ses01_cookie_is_secure_when_served_over_tls() {
    let t = TestApp::with_config(HttpConfig { secure_cookies: true, ..HttpConfig::default() }).await.unwrap();
    two_tenants(&t.app).await.unwrap();
    let r = t.try_login("z1", "staff", PASSWORD).await;
    assert!(r.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("; Secure"));
}

// ------------------------------------------------------------------ SES-02

#[tokio::test]
async fn ses02_idle_and_absolute_timeouts_shorter_for_administrators() {
    let (t, _) = world().await;
    // (login, idle limit in minutes, absolute limit in hours)
    for (login, idle, absolute) in [("staff", 30, 12), ("admin", 15, 8)] {
        let s = t.login("z1", login, PASSWORD).await;
        assert_eq!(s.me["idle_timeout_secs"], idle * 60);
        t.clock.advance(Duration::minutes(idle - 1));
        assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::OK, "{login} still active");
        t.clock.advance(Duration::minutes(idle) + Duration::seconds(1));
        assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::UNAUTHORIZED, "{login} idle");
        // Kept busy, it still ends at the absolute limit.
        let s = t.login("z1", login, PASSWORD).await;
        let mut elapsed = 0;
        while elapsed + idle / 2 < absolute * 60 {
            t.clock.advance(Duration::minutes(idle / 2));
            elapsed += idle / 2;
            assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::OK, "{login} at {elapsed} min");
        }
        t.clock.advance(Duration::minutes(absolute * 60 - elapsed));
        assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::UNAUTHORIZED, "{login} absolute");
    }
}

// ------------------------------------------------------------------ SES-03

#[tokio::test]
async fn ses03_logout_disabling_and_a_new_role_take_effect_on_the_next_request() {
    let (t, z1) = world().await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    let s = t.login("z1", "staff", PASSWORD).await;
    let r = t.post("/api/v1/auth/logout", &s, json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::UNAUTHORIZED, "after logout");

    let s = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(t.get("/api/v1/departments", &s).await.status, StatusCode::OK);
    let r = t.patch(&format!("/api/v1/users/{}", z1.staff_id), &admin, 1, json!({"role": "worker"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(t.get("/api/v1/departments", &s).await.status, StatusCode::UNAUTHORIZED, "after role change");
    let s = t.login("z1", "staff", PASSWORD).await;
    assert_eq!(t.get("/api/v1/departments", &s).await.status, StatusCode::FORBIDDEN, "worker has no department.read");

    let r = t.patch(&format!("/api/v1/users/{}", z1.staff_id), &admin, 2, json!({"active": false})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(t.get("/api/v1/auth/me", &s).await.status, StatusCode::UNAUTHORIZED, "after disabling");
    assert_eq!(t.try_login("z1", "staff", PASSWORD).await.status, StatusCode::UNAUTHORIZED);
}

// ------------------------------------------------------------------ SES-04

#[tokio::test]
async fn ses04_unsafe_requests_need_same_origin_and_the_csrf_token() {
    let (t, _) = world().await;
    let s = t.login("z1", "admin", PASSWORD).await;
    let dept = |r: Req| r.json(&json!({"name": "新部门"}));
    let post = || Req::new(Method::POST, "/api/v1/departments").header("cookie", &s.cookie);
    let cases: Vec<(&str, Req, StatusCode, &str)> = vec![
        ("no token", dept(post()), StatusCode::FORBIDDEN, "csrf.token"),
        ("wrong token", dept(post().header("x-csrf-token", "guess")), StatusCode::FORBIDDEN, "csrf.token"),
        (
            "foreign origin",
            dept(post().header("x-csrf-token", &s.csrf).header("origin", "https://evil.example")),
            StatusCode::FORBIDDEN,
            "csrf.cross_site",
        ),
        (
            "cross-site fetch",
            dept(post().header("x-csrf-token", &s.csrf).header("sec-fetch-site", "cross-site")),
            StatusCode::FORBIDDEN,
            "csrf.cross_site",
        ),
        (
            "same origin",
            dept(
                post()
                    .header("x-csrf-token", &s.csrf)
                    .header("origin", "http://yuanqu.test")
                    .header("sec-fetch-site", "same-origin"),
            ),
            StatusCode::CREATED,
            "",
        ),
    ];
    for (name, req, status, code) in cases {
        let r = t.send(req).await;
        assert_eq!((r.status, r.code()), (status, code), "{name}: {}", r.text);
    }
    // Login from another site is refused too (login CSRF).
    let r = t
        .send(
            Req::new(Method::POST, "/api/v1/auth/login")
                .header("origin", "https://evil.example")
                .json(&json!({"zone": "z1", "login": "staff", "password": PASSWORD})),
        )
        .await;
    assert_eq!(r.code(), "csrf.cross_site");
    // No CORS grant for other origins.
    let r = t
        .send(
            Req::new(Method::GET, "/api/v1/auth/me")
                .header("cookie", &s.cookie)
                .header("origin", "https://evil.example"),
        )
        .await;
    assert!(!r.headers.contains_key("access-control-allow-origin"));
    // An API token needs no CSRF token (no ambient credential).
    let tok = t.post("/api/v1/tokens", &s, json!({"name": "script"})).await;
    let bearer = format!("Bearer {}", tok.body["secret"].as_str().unwrap());
    let r = t
        .send(
            Req::new(Method::POST, "/api/v1/departments")
                .header("authorization", &bearer)
                .json(&json!({"name": "脚本部门"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

// ------------------------------------------------------------------ IV-04

#[tokio::test]
async fn iv04_security_headers_body_limit_and_no_leaks_in_errors() {
    let (t, _) = world().await;
    let s = t.login("z1", "admin", PASSWORD).await;
    for path in ["/", "/api/v1/auth/me", "/healthz", "/api/v1/nothing-here"] {
        let r = t.send(Req::new(Method::GET, path).as_(&s)).await;
        let h = |k: &str| r.headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        assert!(h("content-security-policy").contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
        assert!(!h("x-request-id").is_empty(), "{path}");
    }
    assert_eq!(t.get("/api/v1/auth/me", &s).await.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let big = vec![b' '; 2 * 1024 * 1024];
    let r = t.send(Req::new(Method::POST, "/api/v1/departments").as_(&s).raw(big, "application/json")).await;
    assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "request.too_large"));
    let r = t
        .send(Req::new(Method::POST, "/api/v1/departments").as_(&s).raw(b"{\"name\": ".to_vec(), "application/json"))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "request.malformed"));
    assert!(r.body["request_id"].as_str().is_some_and(|s| !s.is_empty()), "problem carries the request id");
    assert!(!r.text.contains("sqlx") && !r.text.contains("panicked") && !r.text.contains("src/"), "{}", r.text);
}

// ------------------------------------------------------------------ AZ-01, AZ-03

#[test]
fn az01_the_router_refuses_a_route_missing_from_the_policy_table() {
    let err = yuanqu_http::Routes::check_declared(&Method::GET, "/api/v1/secret-admin-thing").unwrap_err();
    assert!(err.to_string().contains("/api/v1/secret-admin-thing"));
    assert!(yuanqu_http::routes().is_ok());
}

#[tokio::test]
async fn az01_every_role_gets_exactly_its_permissions_deny_by_default() {
    let (t, z1) = world().await;
    // (role, path, permission needed)
    let probes = [
        ("/api/v1/users", "user.read"),
        ("/api/v1/departments", "department.read"),
        ("/api/v1/roles", "role.read"),
        ("/api/v1/parks", "park.read"),
        ("/api/v1/enterprises", "enterprise.read"),
        ("/api/v1/tokens", "token.own"),
        ("/api/v1/audit", "audit.read"),
        ("/metrics", "metrics.read"),
    ];
    for role in Role::ALL {
        let login = format!("r-{}", role.code().replace('_', "-"));
        let ent = (role == Role::Enterprise).then_some(z1.enterprise_a);
        let n = yuanqu_app::identity::users::NewUser {
            login: login.clone(),
            display_name: "角色".into(),
            role: role.code().into(),
            password: PASSWORD.into(),
            department_id: None,
            enterprise_id: ent,
            phone: None,
            id_card: None,
        };
        yuanqu_app::identity::users::insert(
            &t.app,
            &yuanqu_domain::Scope::zone(z1.zone_id),
            &setup::cli(z1.zone_id),
            n,
            &Default::default(),
        )
        .await
        .unwrap();
        let s = t.login("z1", &login, PASSWORD).await;
        for (path, perm) in probes {
            let allowed = role.permissions().iter().any(|p| p.code() == perm);
            let status = t.get(path, &s).await.status;
            assert_eq!(status == StatusCode::OK, allowed, "{role:?} {path}: {status}");
            if !allowed {
                assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {path}");
            }
        }
    }
    // Anonymous: only the public routes.
    assert_eq!(t.send(Req::new(Method::GET, "/api/v1/users")).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.send(Req::new(Method::GET, "/healthz")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn az03_no_mass_assignment_zone_role_status_fields_are_refused() {
    let (t, z1) = world().await;
    let admin = t.login("z1", "admin", PASSWORD).await;
    for (field, value) in [
        ("zone_id", json!(z1.zone_id)),
        ("id", json!(z1.staff_id)),
        ("version", json!(9)),
        ("must_change_password", json!(false)),
    ] {
        let mut body = json!({"login": "mass", "display_name": "x", "role": "worker", "password": "green tea leaves"});
        body[field] = value;
        let r = t.post("/api/v1/users", &admin, body).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "request.malformed"), "{field}");
        assert_eq!(r.fields(), vec![(field.to_owned(), "unknown_field".to_owned())], "{field}");
    }
    // An enterprise account cannot widen itself to another enterprise.
    let ent = t.login("z1", "ent-a", PASSWORD).await;
    let r = t.patch(&format!("/api/v1/users/{}", z1.ent_a_user), &ent, 1, json!({"role": "system_admin"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[test]
fn az04_separation_of_duties_no_role_combines_administrators_powers() {
    use yuanqu_domain::identity::Permission;
    for r in Role::ALL {
        let p = r.permissions();
        let powers = [p.contains(&Permission::UserWrite), p.contains(&Permission::AuditRead)];
        assert!(powers.iter().filter(|b| **b).count() <= 1, "{r:?} holds two administrators' powers");
    }
    assert!(
        yuanqu_http::policy::POLICY.iter().all(|r| !(r.path.starts_with("/api/v1/audit") && r.method != "GET")),
        "audit records are read-only"
    );
}

// ------------------------------------------------------------------ AV-03

#[tokio::test]
async fn av03_health_readiness_and_metrics_for_administrators_only() {
    let dir = tempfile::tempdir().unwrap();
    let ready = |min_free_bytes| HttpConfig {
        data_dir: Some(dir.path().to_path_buf()),
        min_free_bytes,
        ..HttpConfig::default()
    };
    let t = TestApp::with_config(ready(1)).await.unwrap();
    assert_eq!(t.send(Req::new(Method::GET, "/healthz")).await.status, StatusCode::OK);
    assert_eq!(t.send(Req::new(Method::GET, "/readyz")).await.status, StatusCode::OK);
    let full = TestApp::with_config(ready(u64::MAX)).await.unwrap();
    assert_eq!(
        full.send(Req::new(Method::GET, "/readyz")).await.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "a full disk is not ready"
    );
    assert_eq!(t.send(Req::new(Method::GET, "/metrics")).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth03_simultaneous_failures_are_all_counted_and_never_a_500() {
    let (t, _) = world().await;
    let attempts = (0..8).map(|_| t.try_login("z1", "staff", "wrong-password-1"));
    let results = futures::future::join_all(attempts).await;
    for r in &results {
        assert!(matches!(r.status.as_u16(), 401 | 429), "{} {}", r.status, r.text);
    }
    assert_eq!(t.try_login("z1", "staff", PASSWORD).await.code(), "auth.locked");
}

#[tokio::test]
async fn auth03_the_security_administrator_lifts_a_lock_and_it_is_audited() {
    let (t, z1) = world().await;
    extra_user(&t.app, &z1, "security", Role::SecurityAdmin).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    for _ in 0..5 {
        t.try_login("z1", "staff", "wrong-password-1").await;
    }
    assert_eq!(t.try_login("z1", "staff", PASSWORD).await.code(), "auth.locked");
    let admin = t.login("z1", "admin", PASSWORD).await;
    let unlock = format!("/api/v1/users/{}/unlock", z1.staff_id);
    assert_eq!(
        t.post(&unlock, &admin, json!({})).await.status,
        StatusCode::FORBIDDEN,
        "not the system administrator's"
    );
    let security = t.login("z1", "security", PASSWORD).await;
    // The lock shows in the list and on the user.
    let listed = t.get("/api/v1/users?q=staff", &security).await.body;
    assert!(listed["items"][0]["locked_until"].is_string(), "{listed}");
    let one = t.get(&format!("/api/v1/users/{}", z1.staff_id), &security).await.body;
    assert!(one["locked_until"].is_string(), "{one}");
    assert_eq!(t.post(&unlock, &security, json!({})).await.status, StatusCode::NO_CONTENT);
    let listed = t.get("/api/v1/users?q=staff", &security).await.body;
    assert!(listed["items"][0]["locked_until"].is_null(), "{listed}");
    assert_eq!(t.try_login("z1", "staff", PASSWORD).await.status, StatusCode::OK);
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let r = t.get("/api/v1/audit?action=auth.unlock", &auditor).await;
    assert_eq!((r.body["total"].clone(), r.body["items"][0]["actor_login"].clone()), (json!(1), json!("security")));
}
