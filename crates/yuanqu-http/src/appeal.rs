//! Enterprise appeal routes (issue 5): rules, intake, duplicates, the lists and queues, one
//! appeal's story, transitions, extensions, attachments, the dashboard.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::appeal::views::{AppealDetail, AppealItem, Dashboard, ListQuery};
use yuanqu_app::appeal::{flow, intake, rules, views};
use yuanqu_app::idempotency::Respond;
use yuanqu_store::appeal::{AppealRow, CategoryRow, ExtensionRow, RouteRow};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, Idempotent, Me, OptionalIfMatch, RequestCtxX, created, etag};

// ---------------------------------------------------------------- rules

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryDto {
    /// Absent for a new category.
    #[serde(default)]
    pub id: Option<Uuid>,
    pub code: String,
    pub name: String,
    /// `<n>wd` (working days) or `<n>h` (hours), counted from receipt.
    pub accept_limit: String,
    pub answer_limit: String,
    pub resolve_limit: String,
    /// Per cent of a stage's time after which its light turns yellow (1–99).
    pub yellow_pct: i64,
    pub pause_when_waiting: bool,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteDto {
    /// Empty for any category.
    #[serde(default)]
    pub category_code: Option<String>,
    /// Empty for any park.
    #[serde(default)]
    pub park_id: Option<Uuid>,
    pub department_id: Uuid,
    #[serde(default)]
    pub co_department_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealRulesDto {
    pub categories: Vec<CategoryDto>,
    pub routes: Vec<RouteDto>,
}

fn category_dto(c: CategoryRow) -> CategoryDto {
    CategoryDto {
        id: Some(c.id),
        code: c.code,
        name: c.name,
        accept_limit: c.accept_limit,
        answer_limit: c.answer_limit,
        resolve_limit: c.resolve_limit,
        yellow_pct: i64::from(c.yellow_pct),
        pause_when_waiting: c.pause_when_waiting,
        active: c.active,
    }
}

fn rules_dto(r: rules::RuleSet) -> AppealRulesDto {
    let code_of = |id: Option<Uuid>| id.and_then(|id| r.categories.iter().find(|c| c.id == id).map(|c| c.code.clone()));
    let routes = r
        .routes
        .iter()
        .map(|x: &RouteRow| RouteDto {
            category_code: code_of(x.category_id),
            park_id: x.park_id,
            department_id: x.department_id,
            co_department_ids: rules::co_ids(x),
        })
        .collect();
    AppealRulesDto { categories: r.categories.into_iter().map(category_dto).collect(), routes }
}

/// The zone's appeal categories (with their deadline limits) and routing rules.
#[utoipa::path(get, path = "/api/v1/appeal-rules", tag = "appeals",
    responses((status = 200, body = AppealRulesDto), (status = 403, body = Problem)))]
pub async fn get_rules(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<AppealRulesDto>> {
    Ok(Json(rules_dto(rules::get(&st.app, &actor).await?)))
}

/// Replace the zone's appeal rules (one audited transaction). Categories left out are kept
/// inactive; errors name `categories[i].field` or `routes[i].field`.
#[utoipa::path(post, path = "/api/v1/appeal-rules", tag = "appeals", request_body = AppealRulesDto,
    responses((status = 200, body = AppealRulesDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_rules(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<AppealRulesDto>,
) -> ApiResult<Json<AppealRulesDto>> {
    let cats = b
        .categories
        .into_iter()
        .map(|c| rules::CategorySpec {
            id: c.id,
            code: c.code,
            name: c.name,
            accept_limit: c.accept_limit,
            answer_limit: c.answer_limit,
            resolve_limit: c.resolve_limit,
            yellow_pct: c.yellow_pct,
            pause_when_waiting: c.pause_when_waiting,
            active: c.active,
        })
        .collect();
    let routes = b
        .routes
        .into_iter()
        .map(|r| rules::RouteSpec {
            category_code: r.category_code,
            park_id: r.park_id,
            department_id: r.department_id,
            co_department_ids: r.co_department_ids,
        })
        .collect();
    Ok(Json(rules_dto(rules::set(&st.app, &actor, cats, routes, &ctx).await?)))
}

// ---------------------------------------------------------------- appeals

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealDto {
    pub id: Uuid,
    pub code: String,
    pub enterprise_id: Uuid,
    pub enterprise: String,
    pub park_id: Option<Uuid>,
    pub category_id: Uuid,
    pub category: String,
    pub title: String,
    pub description: String,
    /// `normal` or `urgent`.
    pub urgency: String,
    pub identity_shown: bool,
    /// `online`, `phone`, `walk_in` or `visit`.
    pub channel: String,
    /// `submitted`, `dispatched`, `accepted`, `in_progress`, `waiting`, `answered`, `reopened`,
    /// `confirmed`, `closed`, `merged`, `withdrawn`.
    pub state: String,
    pub department_id: Option<Uuid>,
    pub department: Option<String>,
    pub received_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub first_answer_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub accept_due: DateTime<Utc>,
    pub answer_due: DateTime<Utc>,
    pub resolve_due: DateTime<Utc>,
    /// The stage still to be met (`accept`, `answer`, `resolve`) and its deadline.
    pub next_stage: Option<String>,
    pub next_due_at: Option<DateTime<Utc>>,
    /// `green`, `yellow`, `red`, `paused` or `none`.
    pub light: String,
    pub escalation_level: i32,
    pub extension_days: i32,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub merged_into: Option<Uuid>,
    pub version: i32,
}

impl From<AppealItem> for AppealDto {
    fn from(v: AppealItem) -> Self {
        let r = v.row;
        Self {
            id: r.id,
            code: r.code,
            enterprise_id: r.enterprise_id,
            enterprise: v.enterprise,
            park_id: r.park_id,
            category_id: r.category_id,
            category: v.category,
            title: r.title,
            description: r.description,
            urgency: r.urgency,
            identity_shown: r.identity_shown,
            channel: r.channel,
            state: r.state,
            department_id: r.department_id,
            department: v.department,
            received_at: r.received_at,
            accepted_at: r.accepted_at,
            first_answer_at: r.first_answer_at,
            answered_at: r.answered_at,
            closed_at: r.closed_at,
            accept_due: r.accept_due,
            answer_due: r.answer_due,
            resolve_due: r.resolve_due,
            next_stage: r.next_stage,
            next_due_at: r.next_due_at,
            light: v.light.code().to_owned(),
            escalation_level: r.escalation_level,
            extension_days: r.extension_days,
            rating: r.rating,
            rating_comment: r.rating_comment,
            merged_into: r.merged_into,
            version: r.version,
        }
    }
}

/// A new appeal's row as the filer sees it right after filing (names are filled on reading).
fn created_dto(r: AppealRow) -> AppealDto {
    let light = views::light_of(&r, r.received_at);
    AppealDto::from(AppealItem { row: r, category: String::new(), enterprise: String::new(), department: None, light })
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealPage {
    pub items: Vec<AppealDto>,
    /// How many appeals match; when `total_exact` is false, at least this many: the count stops
    /// at 10,000 ("10,000+"), and a text search (`q`) counts only up to the next page.
    pub total: u64,
    pub total_exact: bool,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppealQuery {
    /// `mine` (my department's open queue, soonest deadline first), `department` (lead or
    /// co-handled by my department) or `all` (default: everything in my scope).
    pub view: Option<String>,
    /// One or more states, comma-separated.
    pub state: Option<String>,
    /// `green`, `yellow`, `red` or `paused`.
    pub light: Option<String>,
    pub category_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub park_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    /// Received on or after this day (Beijing).
    pub from: Option<NaiveDate>,
    /// Received on or before this day (Beijing).
    pub to: Option<NaiveDate>,
    /// Part of the number, title or text.
    pub q: Option<String>,
    /// `due` (soonest deadline first) or `received` (newest first).
    pub sort: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    yuanqu_domain::appeal::sla::end_of_day(d.pred_opt().unwrap_or(d))
}

/// Appeals in my scope: an enterprise its own; a department its lead and co-handled ones; a
/// leader all of them.
#[utoipa::path(get, path = "/api/v1/appeals", tag = "appeals", params(AppealQuery),
    responses((status = 200, body = AppealPage), (status = 422, body = Problem)))]
pub async fn list_appeals(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<AppealQuery>,
) -> ApiResult<Json<AppealPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let lq = ListQuery {
        view: q.view,
        states: q
            .state
            .map(|s| s.split(',').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default(),
        light: q.light,
        category_id: q.category_id,
        department_id: q.department_id,
        park_id: q.park_id,
        enterprise_id: q.enterprise_id,
        received_from: q.from.map(day_start),
        received_to: q.to.map(yuanqu_domain::appeal::sla::end_of_day),
        q: q.q,
        sort: q.sort,
    };
    let p = views::list(&st.app, &actor, lq, page).await?;
    Ok(Json(AppealPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        total_exact: p.total_exact,
        page: page.page,
        page_size: page.size,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAppealDto {
    /// Staff only: the enterprise the appeal is for (an enterprise account files for itself).
    #[serde(default)]
    pub enterprise_id: Option<Uuid>,
    pub category_id: Uuid,
    pub title: String,
    pub description: String,
    /// `normal` (default) or `urgent`.
    #[serde(default = "normal")]
    pub urgency: String,
    /// Whether other enterprises may see who appealed (never by default).
    #[serde(default)]
    pub identity_shown: bool,
    /// Staff: `phone`, `walk_in` or `visit`.
    #[serde(default)]
    pub channel: Option<String>,
    /// Files uploaded first through `POST /files`.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
}

fn normal() -> String {
    "normal".into()
}

/// File an appeal (an enterprise for itself; staff on an enterprise's behalf). Routed by the
/// rules at once. Accepts `Idempotency-Key`.
#[utoipa::path(post, path = "/api/v1/appeals", tag = "appeals", request_body = NewAppealDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = AppealDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_appeal(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewAppealDto>,
) -> ApiResult<Response> {
    let respond: Respond<AppealRow> = std::sync::Arc::new(|r| to_json(created_dto(r.clone())));
    let n = intake::NewAppeal {
        enterprise_id: b.enterprise_id,
        category_id: b.category_id,
        title: b.title,
        description: b.description,
        urgency: b.urgency,
        identity_shown: b.identity_shown,
        channel: b.channel,
        file_ids: b.file_ids,
    };
    let r = intake::file(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|v| respond(&v))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimilarQueryDto {
    #[serde(default)]
    pub enterprise_id: Option<Uuid>,
    pub text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarDto {
    pub id: Uuid,
    pub code: String,
    pub title: String,
    pub state: String,
    pub received_at: DateTime<Utc>,
    pub similarity_pct: u32,
}

/// Possible duplicates: the same enterprise's appeals of the last 30 days with similar text.
#[utoipa::path(post, path = "/api/v1/appeals/similar", tag = "appeals", request_body = SimilarQueryDto,
    responses((status = 200, body = Vec<SimilarDto>), (status = 422, body = Problem)))]
pub async fn similar(
    State(st): State<AppState>,
    Me(actor): Me,
    Body(b): Body<SimilarQueryDto>,
) -> ApiResult<Json<Vec<SimilarDto>>> {
    let v = intake::similar(&st.app, &actor, b.enterprise_id, &b.text).await?;
    Ok(Json(
        v.into_iter()
            .map(|s| SimilarDto {
                id: s.appeal.id,
                code: s.appeal.code,
                title: s.appeal.title,
                state: s.appeal.state,
                received_at: s.appeal.received_at,
                similarity_pct: s.similarity_pct,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandlerDto {
    pub department_id: Uuid,
    pub department: String,
    pub lead: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealEventDto {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: String,
    pub data: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExtensionDto {
    pub id: Uuid,
    pub days: i32,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    /// `pending`, `approved` or `refused`.
    pub state: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

impl From<ExtensionRow> for ExtensionDto {
    fn from(x: ExtensionRow) -> Self {
        Self {
            id: x.id,
            days: x.days,
            reason: x.reason,
            requested_at: x.requested_at,
            state: x.state,
            decided_at: x.decided_at,
            decision_note: x.decision_note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealDetailDto {
    pub appeal: AppealDto,
    pub filed_by: Option<String>,
    pub handlers: Vec<HandlerDto>,
    pub timeline: Vec<AppealEventDto>,
    pub file_ids: Vec<Uuid>,
    pub extensions: Vec<ExtensionDto>,
    /// How I stand to it: `filer`, `handler`, `leader`.
    pub my_parts: Vec<String>,
    /// The actions I may take now.
    pub allowed: Vec<String>,
}

impl From<AppealDetail> for AppealDetailDto {
    fn from(d: AppealDetail) -> Self {
        use yuanqu_domain::appeal::Party;
        Self {
            appeal: d.item.into(),
            filed_by: d.filed_by,
            handlers: d
                .handlers
                .into_iter()
                .map(|(h, name)| HandlerDto { department_id: h.department_id, department: name, lead: h.lead })
                .collect(),
            timeline: d
                .events
                .into_iter()
                .map(|e| AppealEventDto {
                    at: e.event.at,
                    actor: e.actor,
                    action: e.event.action,
                    from_state: e.event.from_state,
                    to_state: e.event.to_state,
                    note: e.event.note,
                    data: serde_json::from_str(&e.event.data).unwrap_or_default(),
                })
                .collect(),
            file_ids: d.files.into_iter().map(|f| f.file_id).collect(),
            extensions: d.extensions.into_iter().map(Into::into).collect(),
            my_parts: d
                .parties
                .into_iter()
                .map(|p| match p {
                    Party::Filer => "filer",
                    Party::Handler => "handler",
                    Party::Leader => "leader",
                })
                .map(str::to_owned)
                .collect(),
            allowed: d.allowed.into_iter().map(|a| a.code().to_owned()).collect(),
        }
    }
}

/// One appeal's whole story: deadlines and light, departments, timeline, files, extensions, and
/// what I may do next.
#[utoipa::path(get, path = "/api/v1/appeals/{id}", tag = "appeals", params(("id" = Uuid, Path)),
    responses((status = 200, body = AppealDetailDto), (status = 404, body = Problem)))]
pub async fn get_appeal(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let d = views::detail(&st.app, &actor, id).await?;
    let v = i64::from(d.item.row.version);
    Ok((etag(v), Json(AppealDetailDto::from(d))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealActionDto {
    /// `dispatch`, `transfer`, `accept`, `reply`, `wait`, `resume`, `answer`, `rate`, `close`,
    /// `restart`, `merge` or `withdraw`.
    pub action: String,
    /// The reason, the reply, the question, the answer or the comment.
    #[serde(default)]
    pub note: String,
    /// `rate`: 1–5 (2 or less reopens the appeal for a leader's callback).
    #[serde(default)]
    pub rating: Option<i64>,
    /// `dispatch`, `transfer`: the new lead department …
    #[serde(default)]
    pub department_id: Option<Uuid>,
    /// … and its co-handling departments.
    #[serde(default)]
    pub co_department_ids: Vec<Uuid>,
    /// `merge`: the appeal this one joins.
    #[serde(default)]
    pub merge_into: Option<Uuid>,
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
}

/// Take an action on an appeal (the state machine decides: 409 `appeal.transition_not_allowed`
/// with `state` and `allowed`). `If-Match` is optional here: a stale one is 412.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/actions", tag = "appeals", request_body = AppealActionDto,
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = AppealDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn act(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    OptionalIfMatch(version): OptionalIfMatch,
    Body(b): Body<AppealActionDto>,
) -> ApiResult<Response> {
    let a = flow::Act {
        action: b.action,
        note: b.note,
        rating: b.rating,
        department_id: b.department_id,
        co_department_ids: b.co_department_ids,
        merge_into: b.merge_into,
        file_ids: b.file_ids,
    };
    flow::act(&st.app, &actor, id, version, a, &ctx).await?;
    get_appeal(State(st), Me(actor), Path(id)).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionRequestDto {
    /// Working days, 1–30.
    pub days: i64,
    pub reason: String,
}

/// Ask for more working days (the lead department; a leader decides).
#[utoipa::path(post, path = "/api/v1/appeals/{id}/extensions", tag = "appeals", request_body = ExtensionRequestDto,
    params(("id" = Uuid, Path)),
    responses((status = 201, body = ExtensionDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn request_extension(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<ExtensionRequestDto>,
) -> ApiResult<Response> {
    let x = flow::request_extension(&st.app, &actor, id, b.days, &b.reason, &ctx).await?;
    Ok((axum::http::StatusCode::CREATED, Json(ExtensionDto::from(x))).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionDto {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// A leader approves (the deadlines move out) or refuses a pending extension.
#[utoipa::path(post, path = "/api/v1/appeals/{id}/extensions/{extension_id}/decision", tag = "appeals",
    request_body = ExtensionDecisionDto, params(("id" = Uuid, Path), ("extension_id" = Uuid, Path)),
    responses((status = 200, body = AppealDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn decide_extension(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path((id, extension_id)): Path<(Uuid, Uuid)>,
    Body(b): Body<ExtensionDecisionDto>,
) -> ApiResult<Response> {
    flow::decide_extension(&st.app, &actor, id, extension_id, b.approve, &b.note, &ctx).await?;
    get_appeal(State(st), Me(actor), Path(id)).await
}

/// An attachment of an appeal I may read (whoever uploaded it).
#[utoipa::path(get, path = "/api/v1/appeals/{id}/files/{file_id}", tag = "appeals",
    params(("id" = Uuid, Path), ("file_id" = Uuid, Path)),
    responses((status = 200, description = "the stored bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem)))]
pub async fn attachment(
    State(st): State<AppState>,
    Me(actor): Me,
    Path((id, file_id)): Path<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let (f, bytes) = views::attachment(&st.app, &actor, id, file_id).await?;
    Ok(crate::files::serve_stored(&f, bytes))
}

// ---------------------------------------------------------------- dashboard

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day (Beijing), inclusive.
    pub from: NaiveDate,
    /// Last day (Beijing), inclusive.
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentLoadDto {
    pub department_id: Option<Uuid>,
    pub department: String,
    pub open: u64,
    pub late: u64,
    pub yellow: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthCategoryDto {
    pub month: String,
    pub category: String,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppealDashboardDto {
    pub received: u64,
    pub open: u64,
    pub late: u64,
    pub closed: u64,
    pub rated: u64,
    /// Average rating (1–5) with two decimals.
    pub satisfaction: Option<f64>,
    pub reopened: u64,
    pub by_department: Vec<DepartmentLoadDto>,
    pub avg_hours_to_accept: Option<f64>,
    pub avg_hours_to_first_answer: Option<f64>,
    pub avg_hours_to_answer: Option<f64>,
    pub by_month: Vec<MonthCategoryDto>,
}

impl From<Dashboard> for AppealDashboardDto {
    fn from(d: Dashboard) -> Self {
        Self {
            received: d.received,
            open: d.open,
            late: d.late,
            closed: d.closed,
            rated: d.rated,
            satisfaction: d.satisfaction_x100.map(|x| x as f64 / 100.0),
            reopened: d.reopened,
            by_department: d
                .by_department
                .into_iter()
                .map(|(id, name, open, late, yellow)| DepartmentLoadDto {
                    department_id: (!id.is_nil()).then_some(id),
                    department: name,
                    open,
                    late,
                    yellow,
                })
                .collect(),
            avg_hours_to_accept: d.avg_hours[0],
            avg_hours_to_first_answer: d.avg_hours[1],
            avg_hours_to_answer: d.avg_hours[2],
            by_month: d
                .by_month
                .into_iter()
                .flat_map(|(m, cats)| {
                    cats.into_iter().map(move |(c, n)| MonthCategoryDto { month: m.clone(), category: c, count: n })
                })
                .collect(),
        }
    }
}

/// The appeals dashboard of a period: open by department (late, yellow), average hours per
/// stage, satisfaction, categories by month. Staff and leaders.
#[utoipa::path(get, path = "/api/v1/dashboard/appeals", tag = "appeals", params(PeriodQuery),
    responses((status = 200, body = AppealDashboardDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn dashboard(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<AppealDashboardDto>> {
    let (from, to) = (day_start(q.from), yuanqu_domain::appeal::sla::end_of_day(q.to));
    Ok(Json(views::dashboard(&st.app, &actor, from, to).await?.into()))
}
