//! Visit routes (走访, issue 5): plans, visits with photos and findings, the one-click outcomes
//! of a finding (an appeal or a rectification follow-up), rectifications done, the period's
//! figures.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::idempotency::Respond;
use yuanqu_app::visit::outcome::{self, NewRectification};
use yuanqu_app::visit::views::{self, PlanItem, RectificationItem, Summary, VisitDetail, VisitItem};
use yuanqu_app::visit::{self, NewPlan, NewVisit};
use yuanqu_store::visit::{RectificationRow, VisitFilter, VisitRow};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, Idempotent, Me, RequestCtxX, created};

// ---------------------------------------------------------------- plans

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanEnterpriseDto {
    pub enterprise_id: Uuid,
    pub enterprise: String,
    /// Visited under this plan.
    pub visited: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitPlanDto {
    pub id: Uuid,
    pub title: String,
    pub leader_user_id: Uuid,
    pub leader: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub note: String,
    pub enterprises: Vec<PlanEnterpriseDto>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

impl From<PlanItem> for VisitPlanDto {
    fn from(p: PlanItem) -> Self {
        let r = p.row;
        Self {
            id: r.id,
            title: r.title,
            leader_user_id: r.leader_user_id,
            leader: p.leader,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            note: r.note,
            enterprises: p
                .enterprises
                .into_iter()
                .map(|(enterprise_id, enterprise, visited)| PlanEnterpriseDto { enterprise_id, enterprise, visited })
                .collect(),
            created_at: r.created_at,
            version: r.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitPlanPage {
    pub items: Vec<VisitPlanDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Plans overlapping the days from … (Beijing)
    pub from: Option<NaiveDate>,
    /// … to.
    pub to: Option<NaiveDate>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// The zone's visit plans, newest first, with their enterprises (visited or not yet).
#[utoipa::path(get, path = "/api/v1/visit-plans", tag = "visits", params(PlanQuery),
    responses((status = 200, body = VisitPlanPage), (status = 403, body = Problem)))]
pub async fn list_plans(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<PlanQuery>,
) -> ApiResult<Json<VisitPlanPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let p = views::plans(&st.app, &actor, q.from, q.to, page).await?;
    Ok(Json(VisitPlanPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlanDto {
    pub title: String,
    pub leader_user_id: Uuid,
    pub starts_on: NaiveDate,
    /// On or after `starts_on`.
    pub ends_on: NaiveDate,
    #[serde(default)]
    pub note: String,
    /// Enterprises of the zone (errors name `enterprise_ids[i]`).
    pub enterprise_ids: Vec<Uuid>,
}

/// Plan visits: a leader, the enterprises, the dates.
#[utoipa::path(post, path = "/api/v1/visit-plans", tag = "visits", request_body = NewPlanDto,
    responses((status = 201, body = VisitPlanDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_plan(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewPlanDto>,
) -> ApiResult<Response> {
    let n = NewPlan {
        title: b.title,
        leader_user_id: b.leader_user_id,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        note: b.note,
        enterprise_ids: b.enterprise_ids,
    };
    let row = visit::create_plan(&st.app, &actor, n, &ctx).await?;
    let from = Some(row.starts_on);
    let p = views::plans(&st.app, &actor, from, from, yuanqu_app::PageReq { page: 1, size: 100 }).await?;
    let dto = p
        .items
        .into_iter()
        .find(|p| p.row.id == row.id)
        .map(VisitPlanDto::from)
        .ok_or(yuanqu_app::AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

// ---------------------------------------------------------------- visits

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDto {
    pub id: Uuid,
    pub plan_id: Option<Uuid>,
    pub plan: Option<String>,
    pub enterprise_id: Uuid,
    pub enterprise: String,
    pub visited_on: NaiveDate,
    pub leader_user_id: Option<Uuid>,
    pub leader: Option<String>,
    pub visitors: String,
    pub summary: String,
    pub recorded_by: Option<String>,
    pub findings: u64,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

impl From<VisitItem> for VisitDto {
    fn from(v: VisitItem) -> Self {
        let r = v.row;
        Self {
            id: r.id,
            plan_id: r.plan_id,
            plan: v.plan,
            enterprise_id: r.enterprise_id,
            enterprise: v.enterprise,
            visited_on: r.visited_on,
            leader_user_id: r.leader_user_id,
            leader: v.leader,
            visitors: r.visitors,
            summary: r.summary,
            recorded_by: v.recorded_by,
            findings: v.findings,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

fn created_dto(r: &VisitRow, findings: u64) -> VisitDto {
    VisitDto::from(VisitItem {
        row: r.clone(),
        enterprise: String::new(),
        leader: None,
        recorded_by: None,
        plan: None,
        findings,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitPage {
    pub items: Vec<VisitDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// Visited on or after this day.
    pub from: Option<NaiveDate>,
    /// Visited on or before this day.
    pub to: Option<NaiveDate>,
    pub enterprise_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub leader_user_id: Option<Uuid>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// The zone's visits under the filters, newest first.
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", params(VisitQuery),
    responses((status = 200, body = VisitPage), (status = 403, body = Problem)))]
pub async fn list_visits(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<VisitQuery>,
) -> ApiResult<Json<VisitPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let f = VisitFilter {
        from: q.from,
        to: q.to,
        enterprise_id: q.enterprise_id,
        plan_id: q.plan_id,
        leader_user_id: q.leader_user_id,
    };
    let p = views::list(&st.app, &actor, f, page).await?;
    Ok(Json(VisitPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVisitDto {
    #[serde(default)]
    pub plan_id: Option<Uuid>,
    pub enterprise_id: Uuid,
    /// Not in the future.
    pub visited_on: NaiveDate,
    #[serde(default)]
    pub leader_user_id: Option<Uuid>,
    /// Who went (names, departments).
    pub visitors: String,
    pub summary: String,
    /// Photos uploaded first through `POST /files` (errors name `file_ids[i]`).
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// The problems found, one text each (errors name `findings[i]`).
    #[serde(default)]
    pub findings: Vec<String>,
}

/// Record a visit with its photos and findings. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", request_body = NewVisitDto,
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = VisitDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_visit(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewVisitDto>,
) -> ApiResult<Response> {
    let n_findings = b.findings.len() as u64;
    let respond: Respond<VisitRow> =
        std::sync::Arc::new(move |r| serde_json::to_value(created_dto(r, n_findings)).unwrap_or_default());
    let n = NewVisit {
        plan_id: b.plan_id,
        enterprise_id: b.enterprise_id,
        visited_on: b.visited_on,
        leader_user_id: b.leader_user_id,
        visitors: b.visitors,
        summary: b.summary,
        file_ids: b.file_ids,
        findings: b.findings,
    };
    let r = visit::record(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|v| respond(&v))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedAppealDto {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    /// Confirmed by the enterprise, or closed after an answer.
    pub solved: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationDto {
    pub id: Uuid,
    pub finding_id: Uuid,
    pub enterprise_id: Uuid,
    pub department_id: Uuid,
    pub department: String,
    pub requirement: String,
    pub due_on: NaiveDate,
    /// `open` or `done`.
    pub state: String,
    /// Open past its due day (computed, not stored).
    pub overdue: bool,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: String,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

fn rect_dto(r: RectificationRow, department: String, overdue: bool) -> RectificationDto {
    RectificationDto {
        id: r.id,
        finding_id: r.finding_id,
        enterprise_id: r.enterprise_id,
        department_id: r.department_id,
        department,
        requirement: r.requirement,
        due_on: r.due_on,
        state: r.state,
        overdue,
        done_at: r.done_at,
        done_note: r.done_note,
        created_at: r.created_at,
        version: r.version,
    }
}

impl From<RectificationItem> for RectificationDto {
    fn from(r: RectificationItem) -> Self {
        rect_dto(r.row, r.department, r.overdue)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingDto {
    pub id: Uuid,
    pub text: String,
    /// `open`, `appeal`, `rectification` or `noted`.
    pub outcome: String,
    pub appeal: Option<LinkedAppealDto>,
    pub rectification: Option<RectificationDto>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDetailDto {
    pub visit: VisitDto,
    /// Photos: read through `GET /visits/{id}/photos/{file_id}`.
    pub photo_ids: Vec<Uuid>,
    pub findings: Vec<FindingDto>,
}

impl From<VisitDetail> for VisitDetailDto {
    fn from(d: VisitDetail) -> Self {
        Self {
            visit: d.item.into(),
            photo_ids: d.photo_ids,
            findings: d
                .findings
                .into_iter()
                .map(|f| FindingDto {
                    id: f.row.id,
                    text: f.row.text,
                    outcome: f.row.outcome,
                    appeal: f.appeal.map(|a| LinkedAppealDto {
                        id: a.id,
                        code: a.code,
                        state: a.state,
                        solved: a.solved,
                    }),
                    rectification: f.rectification.map(Into::into),
                    created_at: f.row.created_at,
                })
                .collect(),
        }
    }
}

/// One visit's page: the record, its photos, its findings with their appeal's or
/// rectification's state.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits", params(("id" = Uuid, Path)),
    responses((status = 200, body = VisitDetailDto), (status = 404, body = Problem)))]
pub async fn get_visit(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<VisitDetailDto>> {
    Ok(Json(views::detail(&st.app, &actor, id).await?.into()))
}

/// A photo of a visit I may read (whoever uploaded it).
#[utoipa::path(get, path = "/api/v1/visits/{id}/photos/{file_id}", tag = "visits",
    params(("id" = Uuid, Path), ("file_id" = Uuid, Path)),
    responses((status = 200, description = "the stored bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem)))]
pub async fn photo(
    State(st): State<AppState>,
    Me(actor): Me,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (f, bytes) = views::photo(&st.app, &actor, id, file_id).await?;
    Ok(crate::files::serve_stored(&f, bytes))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingAppealDto {
    /// An appeal category (`GET /appeal-rules`).
    pub category_id: Uuid,
}

/// Turn a finding into an appeal for the visited enterprise (channel `visit`; routed by the
/// appeal rules). A finding already settled is 409 `visit.finding_done`.
#[utoipa::path(post, path = "/api/v1/visits/{id}/findings/{finding_id}/appeal", tag = "visits",
    request_body = FindingAppealDto, params(("id" = Uuid, Path), ("finding_id" = Uuid, Path)),
    responses((status = 200, body = VisitDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn finding_appeal(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path((id, finding_id)): Path<(Uuid, Uuid)>,
    Body(b): Body<FindingAppealDto>,
) -> ApiResult<Json<VisitDetailDto>> {
    outcome::to_appeal(&st.app, &actor, id, finding_id, b.category_id, &ctx).await?;
    get_visit(State(st), Me(actor), Path(id)).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingRectificationDto {
    /// The responsible department.
    pub department_id: Uuid,
    pub requirement: String,
    /// Not before today.
    pub due_on: NaiveDate,
}

/// Turn a finding into a rectification follow-up (整改督办) for a department. A finding
/// already settled is 409 `visit.finding_done`.
#[utoipa::path(post, path = "/api/v1/visits/{id}/findings/{finding_id}/rectification", tag = "visits",
    request_body = FindingRectificationDto, params(("id" = Uuid, Path), ("finding_id" = Uuid, Path)),
    responses((status = 200, body = VisitDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn finding_rectification(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path((id, finding_id)): Path<(Uuid, Uuid)>,
    Body(b): Body<FindingRectificationDto>,
) -> ApiResult<Json<VisitDetailDto>> {
    let n = NewRectification { department_id: b.department_id, requirement: b.requirement, due_on: b.due_on };
    outcome::to_rectification(&st.app, &actor, id, finding_id, n, &ctx).await?;
    get_visit(State(st), Me(actor), Path(id)).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RectificationDoneDto {
    /// What was done.
    pub note: String,
}

/// Mark a rectification done (its responsible department or a leader; 403
/// `visit.not_responsible` otherwise; 409 `visit.rectification_done` if it already is).
#[utoipa::path(post, path = "/api/v1/rectifications/{id}/done", tag = "visits", request_body = RectificationDoneDto,
    params(("id" = Uuid, Path)),
    responses((status = 200, body = RectificationDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn rectification_done(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<RectificationDoneDto>,
) -> ApiResult<Json<RectificationDto>> {
    Ok(Json(outcome::finish_rectification(&st.app, &actor, id, &b.note, &ctx).await?.into()))
}

// ---------------------------------------------------------------- summary

#[derive(Debug, Serialize, ToSchema)]
pub struct VisitSummaryDto {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// 走访企业: distinct enterprises visited.
    pub enterprises: u64,
    pub visits: u64,
    /// 发现问题.
    pub findings: u64,
    /// 转诉求, and 已解决 of those (confirmed, or closed after an answer).
    pub appeals: u64,
    pub appeals_solved: u64,
    /// 整改督办, 已整改, and open past the due day.
    pub rectifications: u64,
    pub rectifications_done: u64,
    pub rectifications_overdue: u64,
    /// Findings not yet turned into anything.
    pub open_findings: u64,
}

impl From<Summary> for VisitSummaryDto {
    fn from(s: Summary) -> Self {
        Self {
            from: s.from,
            to: s.to,
            enterprises: s.enterprises,
            visits: s.visits,
            findings: s.findings,
            appeals: s.appeals,
            appeals_solved: s.appeals_solved,
            rectifications: s.rectifications,
            rectifications_done: s.rectifications_done,
            rectifications_overdue: s.rectifications_overdue,
            open_findings: s.open_findings,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Visits on or after this day …
    pub from: Option<NaiveDate>,
    /// … and on or before this one.
    pub to: Option<NaiveDate>,
}

/// The period's figures: enterprises visited, findings, turned into appeals and solved,
/// rectifications supervised and done.
#[utoipa::path(get, path = "/api/v1/visits/summary", tag = "visits", params(SummaryQuery),
    responses((status = 200, body = VisitSummaryDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn summary(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Json<VisitSummaryDto>> {
    Ok(Json(views::summary(&st.app, &actor, q.from, q.to).await?.into()))
}
