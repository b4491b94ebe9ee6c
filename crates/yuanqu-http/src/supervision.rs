//! Supervision routes (督查督办, issue 6): key tasks and projects, weekly progress reports, the
//! light rules and the lights, the Saturday brief (JSON, .docx, .xlsx), meetings and their
//! follow-up items, the scoreboard and the dashboard, the year's key-task import.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::supervision::brief::{self, BriefItem, Counts};
use yuanqu_app::supervision::meeting::{self, NewFollowUp, NewMeeting};
use yuanqu_app::supervision::views::{self, ColourCount};
use yuanqu_app::supervision::{self as sv, NewItem, NewMilestone, NewProject, NewReport};
use yuanqu_domain::supervision::{Colour, LightRules, Reason};
use yuanqu_store::supervision::{FollowUpFilter, FollowUpRow, ItemFilter, ItemRow, MeetingRow};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, Me, RequestCtxX};
use crate::sheets::{XLSX, attachment, upload};

// ---------------------------------------------------------------- rules

/// The light rules (thresholds in points, days and per cent).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LightRulesDto {
    /// Yellow from this many points behind planned-to-date progress (序时进度).
    pub yellow_behind_points: u32,
    /// Red from this many points behind.
    pub red_behind_points: u32,
    pub report_every_days: u32,
    pub report_grace_days: u32,
    /// `yellow` or `red`: the colour of a milestone passed unreached.
    pub milestone_missed: String,
    /// So many yellow weeks in a row become red (0: never).
    pub yellows_to_red: u32,
    /// Red returns only to yellow, and only once the gap is made up.
    pub red_until_gap_closed: bool,
    pub investment_yellow_pct: u32,
    pub investment_red_pct: u32,
    /// The version read (0 for the defaults); saving with an older one is 412.
    pub version: i32,
}

fn rules_dto(r: LightRules, version: i32) -> LightRulesDto {
    LightRulesDto {
        yellow_behind_points: r.yellow_behind_points,
        red_behind_points: r.red_behind_points,
        report_every_days: r.report_every_days,
        report_grace_days: r.report_grace_days,
        milestone_missed: r.milestone_missed.code().into(),
        yellows_to_red: r.yellows_to_red,
        red_until_gap_closed: r.red_until_gap_closed,
        investment_yellow_pct: r.investment_yellow_pct,
        investment_red_pct: r.investment_red_pct,
        version,
    }
}

/// The zone's light rules.
#[utoipa::path(get, path = "/api/v1/supervision/rules", operation_id = "supervision_get_rules", tag = "supervision",
    responses((status = 200, body = LightRulesDto), (status = 403, body = Problem)))]
pub async fn get_rules(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<LightRulesDto>> {
    let (r, v) = sv::rules(&st.app, &actor).await?;
    Ok(Json(rules_dto(r, v)))
}

/// Save the light rules (checked per field; 412 when someone saved in between).
#[utoipa::path(post, path = "/api/v1/supervision/rules", operation_id = "supervision_put_rules", tag = "supervision", request_body = LightRulesDto,
    responses((status = 200, body = LightRulesDto), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put_rules(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<LightRulesDto>,
) -> ApiResult<Json<LightRulesDto>> {
    let Some(missed) = Colour::parse(&b.milestone_missed) else {
        return Err(yuanqu_app::AppError::Validation(vec![yuanqu_domain::FieldError::new(
            "milestone_missed",
            "invalid",
        )])
        .into());
    };
    let rules = LightRules {
        yellow_behind_points: b.yellow_behind_points,
        red_behind_points: b.red_behind_points,
        report_every_days: b.report_every_days,
        report_grace_days: b.report_grace_days,
        milestone_missed: missed,
        yellows_to_red: b.yellows_to_red,
        red_until_gap_closed: b.red_until_gap_closed,
        investment_yellow_pct: b.investment_yellow_pct,
        investment_red_pct: b.investment_red_pct,
    };
    let (r, v) = sv::put_rules(&st.app, &actor, rules, b.version, &ctx).await?;
    Ok(Json(rules_dto(r, v)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvaluatedDto {
    /// Items assessed.
    pub items: u64,
}

/// Evaluate this week's lights now (e.g. after changing the rules).
#[utoipa::path(post, path = "/api/v1/supervision/evaluate", operation_id = "supervision_evaluate", tag = "supervision",
    responses((status = 200, body = EvaluatedDto), (status = 403, body = Problem)))]
pub async fn evaluate(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<EvaluatedDto>> {
    let n = sv::evaluate(&st.app, &actor).await?;
    Ok(Json(EvaluatedDto { items: n as u64 }))
}

// ---------------------------------------------------------------- items

/// Why an item has its colour.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonDto {
    /// `behind_plan`, `milestone_missed`, `overdue`, `report_missing`, `investment_behind`,
    /// `consecutive_yellow`, `gap_not_closed`, `gap_closed`, `completed`, `on_track`.
    pub code: String,
    pub colour: String,
    /// Points, days or per cent, as the code says.
    pub value: Option<i64>,
    /// A milestone's title.
    pub label: Option<String>,
    /// As the office writes it (Chinese).
    pub text: String,
}

fn reason_dto(r: &Reason) -> ReasonDto {
    ReasonDto {
        code: r.code.clone(),
        colour: r.colour.code().into(),
        value: r.value,
        label: r.label.clone(),
        text: r.text_zh(),
    }
}

fn reasons_of(json: &str) -> Vec<ReasonDto> {
    serde_json::from_str::<Vec<Reason>>(json).unwrap_or_default().iter().map(reason_dto).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDto {
    pub id: Uuid,
    /// `task` or `project`.
    pub kind: String,
    pub code: String,
    pub title: String,
    pub category: String,
    pub year: i32,
    /// `plan`, `meeting` or `higher`.
    pub source: String,
    pub source_doc: String,
    pub source_deadline: Option<NaiveDate>,
    pub lead_user_id: Option<Uuid>,
    pub leader: String,
    pub department_id: Uuid,
    pub department: String,
    pub start_on: NaiveDate,
    pub due_on: NaiveDate,
    pub description: String,
    pub progress_pct: i32,
    pub last_report_on: Option<NaiveDate>,
    /// `green`, `yellow` or `red`.
    pub colour: String,
    pub reasons: Vec<ReasonDto>,
    pub colour_week: Option<NaiveDate>,
    /// `open` or `closed`.
    pub state: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_note: String,
    pub enterprise_id: Option<Uuid>,
    pub owner: String,
    pub park_id: Option<Uuid>,
    pub project_type: String,
    pub stage: String,
    pub total_investment_fen: i64,
    pub year_planned_fen: i64,
    pub investment_to_date_fen: i64,
    pub version: i32,
}

fn item_dto(r: ItemRow, names: &HashMap<Uuid, String>) -> ItemDto {
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    ItemDto {
        reasons: reasons_of(&r.colour_reasons),
        leader: r.lead_user_id.map(|u| name(&u)).unwrap_or_default(),
        department: name(&r.department_id),
        id: r.id,
        kind: r.kind,
        code: r.code,
        title: r.title,
        category: r.category,
        year: r.year,
        source: r.source,
        source_doc: r.source_doc,
        source_deadline: r.source_deadline,
        lead_user_id: r.lead_user_id,
        department_id: r.department_id,
        start_on: r.start_on,
        due_on: r.due_on,
        description: r.description,
        progress_pct: r.progress_pct,
        last_report_on: r.last_report_on,
        colour: r.colour,
        colour_week: r.colour_week,
        state: r.state,
        closed_at: r.closed_at,
        closed_note: r.closed_note,
        enterprise_id: r.enterprise_id,
        owner: r.owner,
        park_id: r.park_id,
        project_type: r.project_type,
        stage: r.stage,
        total_investment_fen: r.total_investment_fen,
        year_planned_fen: r.year_planned_fen,
        investment_to_date_fen: r.investment_to_date_fen,
        version: r.version,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemPage {
    pub items: Vec<ItemDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    /// `task` or `project`.
    pub kind: Option<String>,
    /// Comma-separated: `red,yellow`.
    pub colour: Option<String>,
    /// Led or co-handled by this department.
    pub department_id: Option<Uuid>,
    pub lead_user_id: Option<Uuid>,
    pub category: Option<String>,
    /// `plan`, `meeting` or `higher`.
    pub source: Option<String>,
    /// `open` or `closed`.
    pub state: Option<String>,
    pub year: Option<i32>,
    /// Part of the title or number.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

async fn names_of(st: &AppState, zone_id: Uuid, ids: Vec<Uuid>) -> ApiResult<HashMap<Uuid, String>> {
    Ok(brief::names(&st.app, zone_id, &ids).await?)
}

/// Key tasks and projects in one's scope: red first, then yellow, then by due date.
#[utoipa::path(get, path = "/api/v1/supervision/items", operation_id = "supervision_list_items", tag = "supervision", params(ItemQuery),
    responses((status = 200, body = ItemPage), (status = 403, body = Problem)))]
pub async fn list_items(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<ItemQuery>,
) -> ApiResult<Json<ItemPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let f = ItemFilter {
        kind: q.kind,
        colour: q
            .colour
            .map(|c| c.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default(),
        department_id: q.department_id,
        lead_user_id: q.lead_user_id,
        category: q.category,
        source: q.source,
        state: q.state,
        year: q.year,
        q: q.q,
    };
    let p = sv::list(&st.app, &actor, &f, page).await?;
    let ids = p.items.iter().flat_map(|i| [Some(i.department_id), i.lead_user_id]).flatten().collect();
    let names = names_of(&st, actor.zone_id, ids).await?;
    Ok(Json(ItemPage {
        items: p.items.into_iter().map(|i| item_dto(i, &names)).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMilestoneDto {
    pub title: String,
    pub due_on: NaiveDate,
    /// Share of the work done by then, 0–100, rising with the dates.
    pub target_pct: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProjectDto {
    pub enterprise_id: Option<Uuid>,
    /// The owner, when not an enterprise of the zone.
    #[serde(default)]
    pub owner: String,
    pub park_id: Option<Uuid>,
    /// `industrial`, `infrastructure`, `livelihood`, `tourism`, `real_estate`.
    pub project_type: String,
    pub total_investment_fen: i64,
    pub year_planned_fen: i64,
    /// Twelve months, adding up to `year_planned_fen`.
    pub planned_by_month: Vec<i64>,
    /// `preparation`, `construction`, `completed`, `production`.
    pub stage: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItemDto {
    /// `task` or `project`.
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub category: String,
    pub year: i32,
    /// `plan`, `meeting` or `higher` (then `source_doc` is required).
    pub source: String,
    #[serde(default)]
    pub source_doc: String,
    pub source_deadline: Option<NaiveDate>,
    pub lead_user_id: Option<Uuid>,
    pub department_id: Uuid,
    #[serde(default)]
    pub co_department_ids: Vec<Uuid>,
    pub start_on: NaiveDate,
    pub due_on: NaiveDate,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub milestones: Vec<NewMilestoneDto>,
    /// Required for a project, refused for a task.
    pub project: Option<NewProjectDto>,
}

/// Add a key task or project.
#[utoipa::path(post, path = "/api/v1/supervision/items", operation_id = "supervision_create_item", tag = "supervision", request_body = NewItemDto,
    responses((status = 201, body = ItemDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_item(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewItemDto>,
) -> ApiResult<Response> {
    let n = NewItem {
        kind: b.kind,
        title: b.title,
        category: b.category,
        year: b.year,
        source: b.source,
        source_doc: b.source_doc,
        source_deadline: b.source_deadline,
        lead_user_id: b.lead_user_id,
        department_id: b.department_id,
        co_department_ids: b.co_department_ids,
        start_on: b.start_on,
        due_on: b.due_on,
        description: b.description,
        milestones: b
            .milestones
            .into_iter()
            .map(|m| NewMilestone { title: m.title, due_on: m.due_on, target_pct: m.target_pct })
            .collect(),
        project: b.project.map(|p| NewProject {
            enterprise_id: p.enterprise_id,
            owner: p.owner,
            park_id: p.park_id,
            project_type: p.project_type,
            total_investment_fen: p.total_investment_fen,
            year_planned_fen: p.year_planned_fen,
            planned_by_month: p.planned_by_month,
            stage: p.stage,
        }),
    };
    let row = sv::create(&st.app, &actor, n, &ctx).await?;
    let names =
        names_of(&st, actor.zone_id, [Some(row.department_id), row.lead_user_id].into_iter().flatten().collect())
            .await?;
    Ok((StatusCode::CREATED, Json(item_dto(row, &names))).into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDepartmentDto {
    pub department_id: Uuid,
    pub department: String,
    /// `lead` or `co`.
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneDto {
    pub id: Uuid,
    pub title: String,
    pub due_on: NaiveDate,
    pub target_pct: i32,
    pub reached_on: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanMonthDto {
    /// `YYYY-MM`.
    pub month: String,
    pub planned_fen: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressReportDto {
    pub id: Uuid,
    pub reported_on: NaiveDate,
    /// The Saturday of the report's week.
    pub week: NaiveDate,
    pub department_id: Uuid,
    pub department: String,
    pub reported_by: Uuid,
    pub reporter: String,
    pub text: String,
    pub progress_pct: i32,
    pub milestone_id: Option<Uuid>,
    pub investment_to_date_fen: Option<i64>,
    pub decrease_reason: String,
    pub file_ids: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LightDto {
    /// The week's Saturday.
    pub week: NaiveDate,
    pub colour: String,
    pub reasons: Vec<ReasonDto>,
    pub progress_pct: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDto {
    pub id: Uuid,
    pub item_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    /// `decision` (a meeting's) or `problem` (an item's).
    pub origin: String,
    pub title: String,
    pub detail: String,
    pub department_id: Uuid,
    pub department: String,
    pub owner_user_id: Option<Uuid>,
    pub owner: String,
    pub due_on: NaiveDate,
    /// `open` or `done`.
    pub state: String,
    pub done_at: Option<DateTime<Utc>>,
    pub done_note: String,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

fn follow_up_dto(f: FollowUpRow, names: &HashMap<Uuid, String>) -> FollowUpDto {
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    FollowUpDto {
        department: name(&f.department_id),
        owner: f.owner_user_id.map(|u| name(&u)).unwrap_or_default(),
        id: f.id,
        item_id: f.item_id,
        meeting_id: f.meeting_id,
        origin: f.origin,
        title: f.title,
        detail: f.detail,
        department_id: f.department_id,
        owner_user_id: f.owner_user_id,
        due_on: f.due_on,
        state: f.state,
        done_at: f.done_at,
        done_note: f.done_note,
        created_at: f.created_at,
        version: f.version,
    }
}

fn follow_up_names(v: &[FollowUpRow]) -> Vec<Uuid> {
    v.iter().flat_map(|f| [Some(f.department_id), f.owner_user_id]).flatten().collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ItemDetailDto {
    pub item: ItemDto,
    pub departments: Vec<ItemDepartmentDto>,
    pub milestones: Vec<MilestoneDto>,
    pub planned_by_month: Vec<PlanMonthDto>,
    /// Newest first.
    pub reports: Vec<ProgressReportDto>,
    /// Every week's light, oldest first.
    pub lights: Vec<LightDto>,
    pub follow_ups: Vec<FollowUpDto>,
}

/// One item's page: departments, milestones, plan, reports, the light of every week, follow-ups.
#[utoipa::path(get, path = "/api/v1/supervision/items/{id}", operation_id = "supervision_get_item", tag = "supervision", params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemDetailDto), (status = 404, body = Problem)))]
pub async fn get_item(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ItemDetailDto>> {
    Ok(Json(detail_dto(&st, &actor, id).await?))
}

async fn detail_dto(st: &AppState, actor: &yuanqu_app::Actor, id: Uuid) -> ApiResult<ItemDetailDto> {
    let d = sv::detail(&st.app, actor, id).await?;
    let mut ids: Vec<Uuid> = d.departments.iter().map(|x| x.department_id).collect();
    ids.extend([Some(d.item.department_id), d.item.lead_user_id].into_iter().flatten());
    ids.extend(d.reports.iter().flat_map(|r| [r.department_id, r.reported_by]));
    ids.extend(follow_up_names(&d.follow_ups));
    let names = names_of(st, actor.zone_id, ids).await?;
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    let mut files: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for f in &d.report_files {
        files.entry(f.report_id).or_default().push(f.file_id);
    }
    Ok(ItemDetailDto {
        departments: d
            .departments
            .iter()
            .map(|x| ItemDepartmentDto {
                department_id: x.department_id,
                department: name(&x.department_id),
                role: x.role.clone(),
            })
            .collect(),
        milestones: d
            .milestones
            .into_iter()
            .map(|m| MilestoneDto {
                id: m.id,
                title: m.title,
                due_on: m.due_on,
                target_pct: m.target_pct,
                reached_on: m.reached_on,
            })
            .collect(),
        planned_by_month: d
            .months
            .into_iter()
            .map(|m| PlanMonthDto { month: m.month, planned_fen: m.planned_fen })
            .collect(),
        reports: d
            .reports
            .into_iter()
            .map(|r| ProgressReportDto {
                department: name(&r.department_id),
                reporter: name(&r.reported_by),
                file_ids: files.remove(&r.id).unwrap_or_default(),
                id: r.id,
                reported_on: r.reported_on,
                week: r.week,
                department_id: r.department_id,
                reported_by: r.reported_by,
                text: r.text,
                progress_pct: r.progress_pct,
                milestone_id: r.milestone_id,
                investment_to_date_fen: r.investment_to_date_fen,
                decrease_reason: r.decrease_reason,
                created_at: r.created_at,
            })
            .collect(),
        lights: d
            .lights
            .into_iter()
            .map(|l| LightDto {
                week: l.week,
                colour: l.colour,
                reasons: reasons_of(&l.reasons),
                progress_pct: l.progress_pct,
            })
            .collect(),
        follow_ups: d.follow_ups.into_iter().map(|f| follow_up_dto(f, &names)).collect(),
        item: item_dto(d.item, &names),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProgressReportDto {
    pub text: String,
    /// 0–100; lower than the last report only with `decrease_reason`.
    pub progress_pct: i64,
    /// A milestone of the item reached with this report.
    pub milestone_id: Option<Uuid>,
    /// A project's investment to date this year (fen).
    pub investment_to_date_fen: Option<i64>,
    /// A project's new stage.
    pub stage: Option<String>,
    #[serde(default)]
    pub decrease_reason: String,
    /// Uploaded files (`POST /files`).
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
}

/// Report progress on one of the department's items; the week's light follows at once.
#[utoipa::path(post, path = "/api/v1/supervision/items/{id}/reports", operation_id = "supervision_report", tag = "supervision",
    params(("id" = Uuid, Path)), request_body = NewProgressReportDto,
    responses((status = 201, body = ItemDetailDto), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)))]
pub async fn report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<NewProgressReportDto>,
) -> ApiResult<Response> {
    let n = NewReport {
        text: b.text,
        progress_pct: b.progress_pct,
        milestone_id: b.milestone_id,
        investment_to_date_fen: b.investment_to_date_fen,
        stage: b.stage,
        decrease_reason: b.decrease_reason,
        file_ids: b.file_ids,
    };
    sv::report(&st.app, &actor, id, n, &ctx).await?;
    Ok((StatusCode::CREATED, Json(detail_dto(&st, &actor, id).await?)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteDto {
    pub note: String,
}

/// Close an item as done.
#[utoipa::path(post, path = "/api/v1/supervision/items/{id}/close", operation_id = "supervision_close_item", tag = "supervision",
    params(("id" = Uuid, Path)), request_body = NoteDto,
    responses((status = 200, body = ItemDetailDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn close_item(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<NoteDto>,
) -> ApiResult<Json<ItemDetailDto>> {
    sv::close(&st.app, &actor, id, &b.note, &ctx).await?;
    Ok(Json(detail_dto(&st, &actor, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollowUpDto {
    pub title: String,
    #[serde(default)]
    pub detail: String,
    pub department_id: Uuid,
    pub owner_user_id: Option<Uuid>,
    pub due_on: NaiveDate,
    /// The item it concerns (a meeting's decision may name one).
    pub item_id: Option<Uuid>,
}

fn follow_up_of(b: NewFollowUpDto) -> NewFollowUp {
    NewFollowUp {
        title: b.title,
        detail: b.detail,
        department_id: b.department_id,
        owner_user_id: b.owner_user_id,
        due_on: b.due_on,
        item_id: b.item_id,
    }
}

/// Raise a problem of an item that needs coordination: a follow-up with an owner and a deadline.
#[utoipa::path(post, path = "/api/v1/supervision/items/{id}/problems", operation_id = "supervision_raise_problem", tag = "supervision",
    params(("id" = Uuid, Path)), request_body = NewFollowUpDto,
    responses((status = 201, body = FollowUpDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn raise_problem(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<NewFollowUpDto>,
) -> ApiResult<Response> {
    let row = meeting::raise_problem(&st.app, &actor, id, follow_up_of(b), &ctx).await?;
    let names = names_of(&st, actor.zone_id, follow_up_names(std::slice::from_ref(&row))).await?;
    Ok((StatusCode::CREATED, Json(follow_up_dto(row, &names))).into_response())
}

/// An attachment of a report.
#[utoipa::path(get, path = "/api/v1/supervision/items/{id}/files/{file_id}", operation_id = "supervision_report_file", tag = "supervision",
    params(("id" = Uuid, Path), ("file_id" = Uuid, Path)),
    responses((status = 200, description = "the stored bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem)))]
pub async fn report_file(
    State(st): State<AppState>,
    Me(actor): Me,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (f, bytes) = sv::report_file(&st.app, &actor, id, file_id).await?;
    Ok(crate::files::serve_stored(&f, bytes))
}

// ---------------------------------------------------------------- import

/// The key-task template (.xlsx).
#[utoipa::path(get, path = "/api/v1/supervision/import/template", operation_id = "supervision_import_template", tag = "supervision",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn import_template(Me(actor): Me) -> ApiResult<Response> {
    Ok(attachment(sv::sheet::template(&actor)?, XLSX, "key-tasks-template.xlsx"))
}

#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the multipart form for OpenAPI")]
pub struct TaskUpload {
    /// The .xlsx or .csv file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaskImportDto {
    pub rows: u64,
    /// The numbers given, in row order.
    pub codes: Vec<String>,
}

/// Import the year's key tasks (all or nothing; errors located by row and column).
#[utoipa::path(post, path = "/api/v1/supervision/import", operation_id = "supervision_import", tag = "supervision",
    request_body(content = TaskUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = TaskImportDto), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn import(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    mp: Multipart,
) -> ApiResult<Json<TaskImportDto>> {
    let (name, bytes, _) = upload(mp).await?;
    let r = sv::sheet::import(&st.app, &actor, &name, &bytes, &ctx).await?;
    Ok(Json(TaskImportDto { rows: r.rows, codes: r.codes }))
}

// ---------------------------------------------------------------- brief

#[derive(Debug, Serialize, ToSchema)]
pub struct CountsDto {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub total: u32,
}

fn counts(c: &Counts) -> CountsDto {
    CountsDto { green: c.green, yellow: c.yellow, red: c.red, total: c.green + c.yellow + c.red }
}

fn colour_counts(c: &ColourCount) -> CountsDto {
    CountsDto { green: c.green, yellow: c.yellow, red: c.red, total: c.green + c.yellow + c.red }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentCountsDto {
    pub department_id: Uuid,
    pub department: String,
    pub counts: CountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BriefItemDto {
    pub id: Uuid,
    pub kind: String,
    pub code: String,
    pub title: String,
    pub department: String,
    pub leader: String,
    pub colour: String,
    /// Last week's colour, if known.
    pub previous: Option<String>,
    pub reasons: Vec<ReasonDto>,
    pub due_on: NaiveDate,
    pub progress_pct: i32,
    pub planned_to_date_fen: Option<i64>,
    pub actual_to_date_fen: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BriefDto {
    /// The Saturday reviewed.
    pub week: NaiveDate,
    /// Next week's preview: assessed as of today, not stored.
    pub preview: bool,
    /// Follow-ups of earlier meetings: open, or done during the week (the brief opens with them).
    pub follow_ups: Vec<FollowUpDto>,
    pub totals: CountsDto,
    pub tasks: CountsDto,
    pub projects: CountsDto,
    pub by_department: Vec<DepartmentCountsDto>,
    pub changed: Vec<BriefItemDto>,
    pub red: Vec<BriefItemDto>,
    pub yellow: Vec<BriefItemDto>,
    pub due_next_week: Vec<BriefItemDto>,
    pub projects_behind: Vec<BriefItemDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BriefQuery {
    /// A Saturday (default: this week's); at most next week's.
    pub week: Option<NaiveDate>,
}

/// The Saturday brief of a week.
#[utoipa::path(get, path = "/api/v1/supervision/brief", operation_id = "supervision_get_brief", tag = "supervision", params(BriefQuery),
    responses((status = 200, body = BriefDto), (status = 422, body = Problem)))]
pub async fn get_brief(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<BriefQuery>,
) -> ApiResult<Json<BriefDto>> {
    let b = brief::brief(&st.app, &actor, q.week).await?;
    let name = |id: &Uuid| b.names.get(id).cloned().unwrap_or_default();
    let line = |l: &BriefItem| BriefItemDto {
        id: l.id,
        kind: l.kind.clone(),
        code: l.code.clone(),
        title: l.title.clone(),
        department: name(&l.department_id),
        leader: l.lead_user_id.map(|u| name(&u)).unwrap_or_default(),
        colour: l.colour.code().into(),
        previous: l.previous.map(|p| p.code().to_owned()),
        reasons: l.reasons.iter().map(reason_dto).collect(),
        due_on: l.due_on,
        progress_pct: l.progress_pct,
        planned_to_date_fen: l.investment.map(|x| x.0),
        actual_to_date_fen: l.investment.map(|x| x.1),
    };
    Ok(Json(BriefDto {
        week: b.week,
        preview: b.preview,
        follow_ups: b.follow_ups.iter().cloned().map(|f| follow_up_dto(f, &b.names)).collect(),
        totals: counts(&b.totals),
        tasks: counts(&b.tasks),
        projects: counts(&b.projects),
        by_department: b
            .by_department
            .iter()
            .map(|(d, c)| DepartmentCountsDto { department_id: *d, department: name(d), counts: counts(c) })
            .collect(),
        changed: b.changed.iter().map(line).collect(),
        red: b.red.iter().map(line).collect(),
        yellow: b.yellow.iter().map(line).collect(),
        due_next_week: b.due_next_week.iter().map(line).collect(),
        projects_behind: b.projects_behind.iter().map(line).collect(),
    }))
}

/// The brief as a Word document (the format the office circulates).
#[utoipa::path(get, path = "/api/v1/supervision/brief/docx", operation_id = "supervision_brief_docx", tag = "supervision", params(BriefQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>),
        (status = 422, body = Problem)))]
pub async fn brief_docx(State(st): State<AppState>, Me(actor): Me, Query(q): Query<BriefQuery>) -> ApiResult<Response> {
    let (bytes, ct, name) = brief::render(&st.app, &actor, q.week, "docx").await?;
    Ok(attachment(bytes, ct, &name))
}

/// The brief as a workbook.
#[utoipa::path(get, path = "/api/v1/supervision/brief/xlsx", operation_id = "supervision_brief_xlsx", tag = "supervision", params(BriefQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = Problem)))]
pub async fn brief_xlsx(State(st): State<AppState>, Me(actor): Me, Query(q): Query<BriefQuery>) -> ApiResult<Response> {
    let (bytes, ct, name) = brief::render(&st.app, &actor, q.week, "xlsx").await?;
    Ok(attachment(bytes, ct, &name))
}

// ---------------------------------------------------------------- meetings and follow-ups

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDto {
    pub id: Uuid,
    pub held_on: NaiveDate,
    /// The Saturday of the week reviewed.
    pub week: NaiveDate,
    pub title: String,
    pub attendees: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

fn meeting_dto(m: MeetingRow) -> MeetingDto {
    MeetingDto {
        id: m.id,
        held_on: m.held_on,
        week: m.week,
        title: m.title,
        attendees: m.attendees,
        notes: m.notes,
        created_at: m.created_at,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingPage {
    pub items: Vec<MeetingDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingPageQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// The Saturday meetings, newest first.
#[utoipa::path(get, path = "/api/v1/supervision/meetings", operation_id = "supervision_list_meetings", tag = "supervision", params(MeetingPageQuery),
    responses((status = 200, body = MeetingPage)))]
pub async fn list_meetings(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<MeetingPageQuery>,
) -> ApiResult<Json<MeetingPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let p = meeting::meetings(&st.app, &actor, page).await?;
    Ok(Json(MeetingPage {
        items: p.items.into_iter().map(meeting_dto).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingDto {
    pub held_on: NaiveDate,
    pub title: String,
    /// Names, as the minutes list them.
    pub attendees: String,
    #[serde(default)]
    pub notes: String,
    /// Each decision becomes a follow-up (errors name `decisions[i].field`).
    #[serde(default)]
    pub decisions: Vec<NewFollowUpDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeetingDetailDto {
    pub meeting: MeetingDto,
    pub decisions: Vec<FollowUpDto>,
}

/// Record a Saturday meeting and its decisions.
#[utoipa::path(post, path = "/api/v1/supervision/meetings", operation_id = "supervision_create_meeting", tag = "supervision", request_body = NewMeetingDto,
    responses((status = 201, body = MeetingDetailDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_meeting(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<NewMeetingDto>,
) -> ApiResult<Response> {
    let n = NewMeeting {
        held_on: b.held_on,
        title: b.title,
        attendees: b.attendees,
        notes: b.notes,
        decisions: b.decisions.into_iter().map(follow_up_of).collect(),
    };
    let m = meeting::record(&st.app, &actor, n, &ctx).await?;
    Ok((StatusCode::CREATED, Json(meeting_detail(&st, &actor, m.id).await?)).into_response())
}

async fn meeting_detail(st: &AppState, actor: &yuanqu_app::Actor, id: Uuid) -> ApiResult<MeetingDetailDto> {
    let (m, decisions) = meeting::meeting(&st.app, actor, id).await?;
    let names = names_of(st, actor.zone_id, follow_up_names(&decisions)).await?;
    Ok(MeetingDetailDto {
        meeting: meeting_dto(m),
        decisions: decisions.into_iter().map(|f| follow_up_dto(f, &names)).collect(),
    })
}

/// A meeting with its decisions.
#[utoipa::path(get, path = "/api/v1/supervision/meetings/{id}", operation_id = "supervision_get_meeting", tag = "supervision", params(("id" = Uuid, Path)),
    responses((status = 200, body = MeetingDetailDto), (status = 404, body = Problem)))]
pub async fn get_meeting(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<MeetingDetailDto>> {
    Ok(Json(meeting_detail(&st, &actor, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// `open` or `done`.
    pub state: Option<String>,
    pub item_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

/// Follow-up items in one's scope, by deadline.
#[utoipa::path(get, path = "/api/v1/supervision/follow-ups", operation_id = "supervision_list_follow_ups", tag = "supervision", params(FollowUpQuery),
    responses((status = 200, body = Vec<FollowUpDto>)))]
pub async fn list_follow_ups(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<FollowUpQuery>,
) -> ApiResult<Json<Vec<FollowUpDto>>> {
    let f =
        FollowUpFilter { state: q.state, item_id: q.item_id, meeting_id: q.meeting_id, department_id: q.department_id };
    let rows = meeting::follow_ups(&st.app, &actor, &f).await?;
    let names = names_of(&st, actor.zone_id, follow_up_names(&rows)).await?;
    Ok(Json(rows.into_iter().map(|f| follow_up_dto(f, &names)).collect()))
}

/// Mark a follow-up done (its department or the office); a second time is 409.
#[utoipa::path(post, path = "/api/v1/supervision/follow-ups/{id}/done", operation_id = "supervision_follow_up_done", tag = "supervision",
    params(("id" = Uuid, Path)), request_body = NoteDto,
    responses((status = 200, body = FollowUpDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn follow_up_done(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<NoteDto>,
) -> ApiResult<Json<FollowUpDto>> {
    let row = meeting::finish(&st.app, &actor, id, &b.note, &ctx).await?;
    let names = names_of(&st, actor.zone_id, follow_up_names(std::slice::from_ref(&row))).await?;
    Ok(Json(follow_up_dto(row, &names)))
}

// ---------------------------------------------------------------- views

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Default: this year.
    pub year: Option<i32>,
}

fn year_or_now(st: &AppState, y: Option<i32>) -> i32 {
    y.unwrap_or_else(|| sv::year_of(yuanqu_app::enterprise::zone_today(st.app.now())))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreLineDto {
    pub department_id: Uuid,
    pub department: String,
    pub total: u32,
    pub closed_on_time: u32,
    pub closed_late: u32,
    pub open_on_time: u32,
    pub open_overdue: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub completion_pct: u32,
    pub on_time_pct: u32,
}

/// The department scoreboard of a year: on time, late, completion rate.
#[utoipa::path(get, path = "/api/v1/supervision/scoreboard", operation_id = "supervision_scoreboard", tag = "supervision", params(YearQuery),
    responses((status = 200, body = Vec<ScoreLineDto>)))]
pub async fn scoreboard(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<Vec<ScoreLineDto>>> {
    let year = year_or_now(&st, q.year);
    let v = views::scoreboard(&st.app, &actor, year).await?;
    Ok(Json(
        v.into_iter()
            .map(|l| ScoreLineDto {
                department_id: l.department_id,
                department: l.department,
                total: l.total,
                closed_on_time: l.closed_on_time,
                closed_late: l.closed_late,
                open_on_time: l.open_on_time,
                open_overdue: l.open_overdue,
                green: l.green,
                yellow: l.yellow,
                red: l.red,
                completion_pct: l.completion_pct,
                on_time_pct: l.on_time_pct,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NamedCountsDto {
    pub name: String,
    pub counts: CountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeekCountsDto {
    pub week: NaiveDate,
    pub counts: CountsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisionDashboardDto {
    pub year: i32,
    pub tasks: CountsDto,
    pub projects: CountsDto,
    pub closed: u32,
    pub by_category: Vec<NamedCountsDto>,
    pub by_source: Vec<NamedCountsDto>,
    pub investment_planned_year_fen: i64,
    pub investment_planned_to_date_fen: i64,
    pub investment_actual_fen: i64,
    /// The last twelve weeks.
    pub weeks: Vec<WeekCountsDto>,
    pub open_follow_ups: u32,
    pub overdue_follow_ups: u32,
}

/// The supervision dashboard of a year.
#[utoipa::path(get, path = "/api/v1/supervision/dashboard", operation_id = "supervision_dashboard", tag = "supervision", params(YearQuery),
    responses((status = 200, body = SupervisionDashboardDto)))]
pub async fn dashboard(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<YearQuery>,
) -> ApiResult<Json<SupervisionDashboardDto>> {
    let year = year_or_now(&st, q.year);
    let d = views::dashboard(&st.app, &actor, year).await?;
    let named = |v: &[(String, ColourCount)]| {
        v.iter().map(|(n, c)| NamedCountsDto { name: n.clone(), counts: colour_counts(c) }).collect()
    };
    Ok(Json(SupervisionDashboardDto {
        year: d.year,
        tasks: colour_counts(&d.tasks),
        projects: colour_counts(&d.projects),
        closed: d.closed,
        by_category: named(&d.by_category),
        by_source: named(&d.by_source),
        investment_planned_year_fen: d.investment_planned_year,
        investment_planned_to_date_fen: d.investment_planned_to_date,
        investment_actual_fen: d.investment_actual,
        weeks: d.weeks.iter().map(|(w, c)| WeekCountsDto { week: *w, counts: colour_counts(c) }).collect(),
        open_follow_ups: d.open_follow_ups,
        overdue_follow_ups: d.overdue_follow_ups,
    }))
}
