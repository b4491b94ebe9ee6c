//! Health, readiness and metrics (AV-03).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "ops", responses((status = 200, body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers and its disk is not full.
#[utoipa::path(get, path = "/readyz", tag = "ops", responses((status = 200, body = String), (status = 503, body = String)))]
pub async fn readyz(State(st): State<AppState>) -> Response {
    if let Err(e) = st.app.db.ping().await {
        tracing::warn!(error = %e, "readiness: database not reachable");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    }
    if let Some(dir) = &st.config.data_dir {
        match fs4::available_space(dir) {
            Ok(free) if free < st.config.min_free_bytes => {
                tracing::warn!(free, "readiness: disk almost full");
                return (StatusCode::SERVICE_UNAVAILABLE, "disk almost full").into_response();
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "readiness: cannot read free disk space"),
        }
    }
    "ready".into_response()
}

/// Prometheus metrics (permission `metrics.read`).
#[utoipa::path(get, path = "/metrics", tag = "ops", responses((status = 200, body = String), (status = 403)))]
pub async fn metrics(State(st): State<AppState>) -> Response {
    let body = st.metrics.as_ref().map(|h| h.render()).unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}
