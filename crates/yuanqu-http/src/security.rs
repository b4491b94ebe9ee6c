//! The policy layer (authentication, deny-by-default authorization, CSRF and same-origin
//! checks) and the security headers.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use yuanqu_app::identity::auth;
use yuanqu_app::{Actor, Auth, Stage};

use crate::AppState;
use crate::error::ApiError;
use crate::policy::{self, Access};

pub const SESSION_COOKIE: &str = "yq_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
const LOGOUT: &str = "/api/v1/auth/logout";

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// SES-04: a state-changing request must come from this origin.
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let bare = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
        return !host.is_empty() && bare == host;
    }
    true
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn authenticate(st: &AppState, headers: &HeaderMap, passive: bool) -> Result<Actor, ApiError> {
    if let Some(t) = bearer(headers) {
        return Ok(auth::authenticate_token(&st.app, &t).await?);
    }
    let Some(t) = session_token(headers) else {
        return Err(yuanqu_app::AppError::AuthRequired.into());
    };
    Ok(auth::authenticate_session_as(&st.app, &t, !passive).await?.0)
}

/// Looks up the matched route in the policy table and enforces it. A route missing from the
/// table is refused at start-up (see `router`), so `None` here only means no route matched.
pub async fn enforce(
    State(st): State<AppState>,
    matched: Option<MatchedPath>,
    mut req: Request,
    next: Next,
) -> Response {
    let Some(rule) = matched.as_ref().and_then(|m| policy::lookup(req.method(), m.as_str())) else {
        return ApiError::not_found().into_response();
    };
    let unsafe_method = is_unsafe(req.method());
    if unsafe_method && !same_origin(req.headers()) {
        return ApiError::new(StatusCode::FORBIDDEN, "csrf.cross_site", "Cross-site request refused").into_response();
    }
    if rule.access == Access::Public {
        return next.run(req).await;
    }
    let passive = req.method() == axum::http::Method::GET && policy::PASSIVE.contains(&rule.path);
    let actor = match authenticate(&st, req.headers(), passive).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    if let (true, Auth::Session { csrf_token, .. }) = (unsafe_method, &actor.auth) {
        let sent = req.headers().get(CSRF_HEADER).map(|v| v.as_bytes()).unwrap_or_default();
        if !constant_time_eq(sent, csrf_token.as_bytes()) {
            return ApiError::new(StatusCode::FORBIDDEN, "csrf.token", "Missing or wrong CSRF token").into_response();
        }
    }
    // AUTH-04: a session that owes its second factor reaches only the code step and logout.
    if actor.stage == Some(Stage::TotpPending) && rule.access != Access::Pending && rule.path != LOGOUT {
        return ApiError::from(yuanqu_app::AppError::SecondFactorRequired).into_response();
    }
    if let Access::Perm(p) = rule.access
        && let Err(e) = actor.require(p)
    {
        return ApiError::from(e).into_response();
    }
    req.extensions_mut().insert(actor);
    next.run(req).await
}

/// AV-02: at most `max_in_flight` requests at once; one more is refused at once with 503,
/// `Retry-After: 1` and the code `overload` rather than queued without bound. `/healthz` is
/// always answered, so an orchestrator does not restart a busy server.
pub async fn shed_overload(
    State(permits): State<std::sync::Arc<tokio::sync::Semaphore>>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path() == "/healthz" {
        return next.run(req).await;
    }
    let Ok(_permit) = permits.try_acquire_owned() else {
        metrics::counter!("http_requests_shed_total").increment(1);
        let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "overload", "The server is busy, try again");
        e.retry_after = Some(1);
        return e.into_response();
    };
    next.run(req).await
}

/// IV-04: security headers on every response; `no-store` on the API (PD-02).
pub async fn headers(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let docs = req.uri().path().starts_with("/api/docs");
    let request_id = req.headers().get("x-request-id").cloned();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = if docs {
        // Swagger UI's bundle sets inline styles.
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    } else {
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if api && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(id) = request_id {
        h.insert("x-request-id", id);
    }
    res
}

/// The largest problem body the request ID is added to: an import of 10,000 rows can list
/// tens of thousands of located cell errors (several MB). Anything larger passes unchanged.
const PROBLEM_LIMIT: usize = 64 * 1024 * 1024;

/// Adds the request ID into problem+json bodies, so a user can quote it.
pub async fn problem_request_id(req: Request, next: Next) -> Response {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let res = next.run(req).await;
    let is_problem =
        res.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    let (Some(id), true) = (id, is_problem) else { return res };
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, PROBLEM_LIMIT).await else {
        tracing::error!("a problem body over {PROBLEM_LIMIT} bytes");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("request_id".into(), serde_json::Value::String(id));
    }
    let out = serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(out))
}
