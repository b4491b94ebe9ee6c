//! Audit routes for the audit administrator (AU-02).

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::audit;
use yuanqu_store::audit::AuditFilter;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::Me;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditDto {
    pub id: Uuid,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_login: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerifyDto {
    pub ok: bool,
    pub checked: u64,
    pub broken_at: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    /// Login ID of the actor.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn parse_json(s: Option<String>) -> Option<serde_json::Value> {
    s.and_then(|s| serde_json::from_str(&s).ok())
}

/// Search the audit log.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses((status = 200, body = AuditPage), (status = 403, body = Problem)))]
pub async fn search(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let f = AuditFilter {
        actor: q.actor,
        action: q.action,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        from: q.from,
        to: q.to,
    };
    let p = audit::search(&st.app.db, &actor, &f, page).await?;
    Ok(Json(AuditPage {
        items: p
            .items
            .into_iter()
            .map(|r| AuditDto {
                id: r.id,
                seq: r.seq,
                at: r.at,
                actor_login: r.actor_login,
                action: r.action,
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                before: parse_json(r.before_json),
                after: parse_json(r.after_json),
                ip: r.ip,
                request_id: r.request_id,
            })
            .collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

/// Walk the zone's hash chain and report the first break.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses((status = 200, body = AuditVerifyDto)))]
pub async fn verify(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<AuditVerifyDto>> {
    actor.require(yuanqu_domain::identity::Permission::AuditRead)?;
    let v = audit::verify_zone(&st.app.db, &actor.zone_scope()).await?;
    Ok(Json(AuditVerifyDto { ok: v.ok, checked: v.checked, broken_at: v.broken_at }))
}
