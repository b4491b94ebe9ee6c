//! Notification routes (issue 5): my inbox (every signed-in user, always only my own in my
//! zone), and the zone's outbound webhooks with their delivery log (`notify.manage`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::idempotency::Respond;
use yuanqu_app::notify::{self as n, NewWebhook, WebhookPatch};
use yuanqu_store::notify::{DeliveryRow, NotificationRow, WebhookRow};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, Idempotent, IfMatch, Me, RequestCtxX, created, etag};

// ---------------------------------------------------------------- DTOs

/// One message of my inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDto {
    pub id: Uuid,
    /// A stable code, e.g. `appeal.assigned`, `appeal.escalated`, `appeal.answered`, `appeal.reopened`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The web UI path of the record it tells of.
    pub link: String,
    pub ref_type: String,
    pub ref_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// Null while unread.
    pub read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for NotificationDto {
    fn from(r: NotificationRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            title: r.title,
            body: r.body,
            link: r.link,
            ref_type: r.ref_type,
            ref_id: r.ref_id,
            created_at: r.created_at,
            read_at: r.read_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
    /// All my unread notifications (not only this page's).
    pub unread: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// Only unread ones.
    pub unread: Option<bool>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadDto {
    pub unread: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAllDto {
    /// How many were marked read.
    pub marked: u64,
}

/// A webhook (its secret is never shown after creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDto {
    pub id: Uuid,
    pub name: String,
    pub url: String,
    /// Notification kinds it takes; empty: every kind.
    pub kinds: Vec<String>,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl From<WebhookRow> for WebhookDto {
    fn from(r: WebhookRow) -> Self {
        Self {
            kinds: n::kinds_of(&r),
            id: r.id,
            name: r.name,
            url: r.url,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
        }
    }
}

/// A new webhook and its secret, shown in this response only.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewWebhookDto {
    #[serde(flatten)]
    pub webhook: WebhookDto,
    /// The HMAC-SHA256 key of `X-Yuanqu-Signature: sha256=<hex>`; empty on a replay.
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookRequestDto {
    pub name: String,
    /// An http or https URL.
    pub url: String,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatchDto {
    pub name: Option<String>,
    pub url: Option<String>,
    pub kinds: Option<Vec<String>>,
    pub active: Option<bool>,
}

/// One delivery of a notice to a webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDto {
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub kind: String,
    /// The JSON body sent.
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    pub attempts: i32,
    /// When it is tried next (while pending).
    pub next_attempt_at: DateTime<Utc>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

impl From<DeliveryRow> for DeliveryDto {
    fn from(r: DeliveryRow) -> Self {
        Self {
            id: r.id,
            webhook_id: r.webhook_id,
            kind: r.kind,
            payload: r.payload,
            state: r.state,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_status: r.last_status,
            last_error: r.last_error,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryPage {
    pub items: Vec<DeliveryDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

// ---------------------------------------------------------------- the inbox

/// My notifications, newest first, with my unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(InboxQuery),
    responses((status = 200, body = NotificationPage), (status = 422, body = Problem)))]
pub async fn inbox(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<NotificationPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let (p, unread) = n::inbox(&st.app, &actor, q.unread.unwrap_or(false), page).await?;
    Ok(Json(NotificationPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
        unread,
    }))
}

/// How many of my notifications are unread.
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications",
    responses((status = 200, body = UnreadDto)))]
pub async fn unread_count(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<UnreadDto>> {
    Ok(Json(UnreadDto { unread: n::unread(&st.app, &actor).await? }))
}

/// Mark one of my notifications read (again: no change).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", params(("id" = Uuid, Path)),
    responses((status = 200, body = NotificationDto), (status = 404, body = Problem)))]
pub async fn mark_read(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<NotificationDto>> {
    Ok(Json(n::mark_read(&st.app, &actor, id).await?.into()))
}

/// Mark all my notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications",
    responses((status = 200, body = ReadAllDto)))]
pub async fn mark_all_read(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<ReadAllDto>> {
    Ok(Json(ReadAllDto { marked: n::mark_all_read(&st.app, &actor).await? }))
}

// ---------------------------------------------------------------- webhooks

/// The zone's webhooks.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", responses((status = 200, body = Vec<WebhookDto>)))]
pub async fn list_webhooks(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<WebhookDto>>> {
    Ok(Json(n::webhooks(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Create a webhook; its signing secret is in this response only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = NewWebhookRequestDto,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = NewWebhookDto), (status = 422, body = Problem)))]
pub async fn create_webhook(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewWebhookRequestDto>,
) -> ApiResult<Response> {
    let respond: Respond<WebhookRow> =
        std::sync::Arc::new(|w| to_json(NewWebhookDto { webhook: w.clone().into(), secret: String::new() }));
    let nw = NewWebhook { name: b.name, url: b.url, kinds: b.kinds, active: b.active };
    let r = n::create_webhook(&st.app, &actor, nw, &ctx, key.map(|k| k.with(respond))).await?;
    Ok(created(r.map(|(w, secret)| to_json(NewWebhookDto { webhook: w.into(), secret }))))
}

/// Change a webhook (`If-Match` with its version).
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", request_body = WebhookPatchDto,
    params(("id" = Uuid, Path), ("If-Match" = String, Header)),
    responses((status = 200, body = WebhookDto), (status = 404, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem), (status = 428, body = Problem)))]
pub async fn update_webhook(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<WebhookPatchDto>,
) -> ApiResult<Response> {
    let p = WebhookPatch { name: b.name, url: b.url, kinds: b.kinds, active: b.active };
    let w = n::update_webhook(&st.app, &actor, id, v, p, &ctx).await?;
    Ok((etag(w.version), Json(WebhookDto::from(w))).into_response())
}

/// Delete a webhook and its delivery log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_webhook(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    n::delete_webhook(&st.app, &actor, id, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A webhook's delivery log, newest first.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = DeliveryPage), (status = 404, body = Problem)))]
pub async fn deliveries(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<DeliveryPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let p = n::deliveries(&st.app, &actor, id, page).await?;
    Ok(Json(DeliveryPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

/// Queue a test delivery (kind `webhook.test`) to a webhook; the worker sends it.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks", params(("id" = Uuid, Path)),
    responses((status = 202, body = DeliveryDto), (status = 404, body = Problem)))]
pub async fn test_webhook(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, Json<DeliveryDto>)> {
    let d = n::test_webhook(&st.app, &actor, id, &ctx).await?;
    Ok((StatusCode::ACCEPTED, Json(d.into())))
}
