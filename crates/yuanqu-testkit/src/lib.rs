//! Test kit: a real database per test (a SQLite temp file, or a fresh PostgreSQL database when
//! `YUANQU_TEST_DATABASE_URL` is set), the real router driven in process, a manual clock,
//! and the two-tenant seeds and matrix of ID-taking operations (AZ-02).

pub mod matrix;
pub mod seed;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use yuanqu_app::{App, AppConfig, ManualClock};
use yuanqu_http::{AppState, HttpConfig};
use yuanqu_store::{Db, Engine};

/// A database for one test, removed (SQLite) or abandoned to the throwaway cluster (PostgreSQL)
/// afterwards.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new() -> anyhow::Result<Self> {
        match empty_postgres_database().await? {
            Some(url) => {
                let db = Db::connect(&url, 8).await?;
                db.migrate().await?;
                Ok(Self { db, url, _dir: None })
            }
            None => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                let db = Db::connect(&url, 8).await?;
                db.migrate().await?;
                Ok(Self { db, url, _dir: Some(dir) })
            }
        }
    }

    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    /// The SQLite file, when on SQLite.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        self._dir.as_ref().map(|d| d.path().join("test.db"))
    }
}

/// A new, empty (not migrated) PostgreSQL database on the test cluster, when
/// `YUANQU_TEST_DATABASE_URL` is set: its URL.
pub async fn empty_postgres_database() -> anyhow::Result<Option<String>> {
    match std::env::var("YUANQU_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("t_{}", uuid::Uuid::now_v7().simple());
            let admin = Db::connect(&admin_url, 1).await?;
            admin.execute_script(&format!("CREATE DATABASE {name}")).await?;
            admin.close().await?;
            Ok(Some(with_database(&admin_url, &name)))
        }
        _ => Ok(None),
    }
}

/// `postgres://u@h/db?x` with the database replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// The application on a test database, with a clock the test moves.
pub struct TestApp {
    pub tdb: TestDb,
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub router: Router,
    /// Where this app's uploaded files are stored.
    pub files_dir: tempfile::TempDir,
    /// The running-export slots of the router's state (to fill them in a test).
    pub exports: Arc<yuanqu_http::sheets::ExportSlots>,
}

/// A signed-in client: the session cookie and the CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub me: Value,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Res {
    pub fn code(&self) -> &str {
        self.body.get("code").and_then(Value::as_str).unwrap_or("")
    }
    /// `errors[].field` of a problem.
    pub fn fields(&self) -> Vec<(String, String)> {
        self.body
            .get("errors")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|e| {
                        (e["field"].as_str().unwrap_or("").to_owned(), e["code"].as_str().unwrap_or("").to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A request under construction.
pub struct Req {
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    peer: SocketAddr,
}

impl Req {
    pub fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
            peer: SocketAddr::from(([127, 0, 0, 1], 40000)),
        }
    }
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_owned(), v.to_owned()));
        self
    }
    pub fn json(mut self, v: &Value) -> Self {
        self.body = Some(v.to_string().into_bytes());
        self.header("content-type", "application/json")
    }
    /// A `multipart/form-data` body with one file part.
    pub fn multipart(self, field: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Self {
        let boundary = "yuanqu-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.raw(body, &format!("multipart/form-data; boundary={boundary}"))
    }
    pub fn raw(mut self, bytes: Vec<u8>, content_type: &str) -> Self {
        self.body = Some(bytes);
        self.header("content-type", content_type)
    }
    pub fn peer(mut self, ip: [u8; 4]) -> Self {
        self.peer = SocketAddr::from((ip, 40000));
        self
    }
    /// Signed in with a session: cookie, and the CSRF token on unsafe methods.
    pub fn as_(self, s: &Session) -> Self {
        let unsafe_ = !matches!(self.method, Method::GET | Method::HEAD);
        let r = self.header("cookie", &s.cookie);
        if unsafe_ { r.header("x-csrf-token", &s.csrf) } else { r }
    }
}

/// A `multipart/form-data` body with a `file` field (and `mode` if given), and its content type.
pub fn multipart(file_name: &str, bytes: &[u8], mode: Option<&str>) -> (Vec<u8>, String) {
    let b = "yuanqu-test-boundary-7d1f";
    let mut body = Vec::new();
    if let Some(m) = mode {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{m}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={b}"))
}

impl TestApp {
    /// Uploads a file to a multipart route as `s`.
    pub async fn upload(&self, path: &str, s: &Session, file_name: &str, bytes: &[u8], mode: Option<&str>) -> Res {
        let (body, ct) = multipart(file_name, bytes, mode);
        self.send(Req::new(Method::POST, path).as_(s).raw(body, &ct)).await
    }

    pub async fn new() -> anyhow::Result<Self> {
        Self::with_config(HttpConfig::default()).await
    }

    pub async fn with_config(http: HttpConfig) -> anyhow::Result<Self> {
        Self::build(http, yuanqu_app::personal::KeyRing::for_tests()).await
    }

    /// With the given data keys (for instance a key file the test rotates).
    pub async fn with_keys(keys: yuanqu_app::personal::KeyRing) -> anyhow::Result<Self> {
        Self::build(HttpConfig::default(), keys).await
    }

    async fn build(http: HttpConfig, keys: yuanqu_app::personal::KeyRing) -> anyhow::Result<Self> {
        let tdb = TestDb::new().await?;
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-26T09:00:00+08:00")?.with_timezone(&chrono::Utc);
        let clock = Arc::new(ManualClock::new(start));
        let files_dir = tempfile::tempdir()?;
        let mut config = AppConfig::default();
        config.files.dir = files_dir.path().join("files");
        let app = App::new(tdb.db.clone(), clock.clone(), config).with_keys(keys);
        let state = AppState::new(app.clone(), http, None);
        let exports = state.exports.clone();
        let router = yuanqu_http::router(state)?;
        Ok(Self { tdb, app, clock, router, files_dir, exports })
    }

    /// The response body's bytes (a download).
    pub async fn send_raw(&self, r: Req) -> Vec<u8> {
        let res = match self.router.clone().oneshot(self.request(r)).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        res.into_body().collect().await.map(|c| c.to_bytes().to_vec()).unwrap_or_default()
    }

    fn request(&self, r: Req) -> Request<Body> {
        let mut b = Request::builder().method(r.method).uri(&r.path).header(header::HOST, "yuanqu.test");
        for (k, v) in &r.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let mut req = b.body(r.body.map(Body::from).unwrap_or_else(Body::empty)).unwrap_or_default();
        req.extensions_mut().insert(ConnectInfo(r.peer));
        req
    }

    pub async fn send(&self, r: Req) -> Res {
        let req = self.request(r);
        let res = match self.router.clone().oneshot(req).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.map(|c| c.to_bytes()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Res { status, headers, body, text, bytes: bytes.to_vec() }
    }

    pub async fn get(&self, path: &str, s: &Session) -> Res {
        self.send(Req::new(Method::GET, path).as_(s)).await
    }

    pub async fn post(&self, path: &str, s: &Session, body: Value) -> Res {
        self.send(Req::new(Method::POST, path).as_(s).json(&body)).await
    }

    /// PATCH with `If-Match` of the given version.
    pub async fn patch(&self, path: &str, s: &Session, version: i64, body: Value) -> Res {
        self.send(Req::new(Method::PATCH, path).as_(s).header("if-match", &format!("\"{version}\"")).json(&body)).await
    }

    pub async fn delete(&self, path: &str, s: &Session) -> Res {
        self.send(Req::new(Method::DELETE, path).as_(s)).await
    }

    pub async fn try_login(&self, zone: &str, login: &str, password: &str) -> Res {
        self.send(
            Req::new(Method::POST, "/api/v1/auth/login")
                .json(&serde_json::json!({"zone": zone, "login": login, "password": password})),
        )
        .await
    }

    /// Signs in and returns the session; panics with the response if it fails.
    pub async fn login(&self, zone: &str, login: &str, password: &str) -> Session {
        let r = self.try_login(zone, login, password).await;
        assert_eq!(r.status, StatusCode::OK, "login {zone}/{login}: {}", r.text);
        let cookie = r
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
            .unwrap_or_default();
        Session { cookie, csrf: r.body["csrf_token"].as_str().unwrap_or("").to_owned(), me: r.body }
    }
}
