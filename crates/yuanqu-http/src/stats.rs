//! Statistics routes (issue 4): monthly reports and their review, the whole-zone import,
//! indicators, an enterprise's series, early warnings and their export, check/warning rules.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::idempotency::{Created, Respond};
use yuanqu_app::stats::reports::{self, Drafted, ReportView};
use yuanqu_app::stats::{RawValues, indicators, rules, sheet, warnings};
use yuanqu_domain::stats::checks::Flag;
use yuanqu_domain::stats::{Metric, Period, Values};
use yuanqu_store::stats::{ReportFilter, ReportListItem, ReportRow, RuleRow, values_of};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, Idempotent, IfMatch, Me, RequestCtxX, created, etag};
use crate::sheets::{XLSX, attachment, upload};

// ---------------------------------------------------------------- DTOs

/// Values as typed: money in 万元 (up to 6 decimals, e.g. `"1234.56"`), electricity in kWh and
/// employees in persons as whole numbers. An absent key keeps the value; `""` clears it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ValuesInput {
    /// 工业总产值, 万元.
    pub output: Option<String>,
    /// 营业收入, 万元.
    pub revenue: Option<String>,
    /// 利润总额, 万元 (may be negative).
    pub profit: Option<String>,
    /// 实缴税金, 万元.
    pub tax: Option<String>,
    /// 用电量, kWh.
    pub electricity: Option<String>,
    /// 平均用工人数.
    pub employees: Option<String>,
    /// 研发费用, 万元.
    pub rd: Option<String>,
}

impl From<ValuesInput> for RawValues {
    fn from(v: ValuesInput) -> Self {
        let mut m = BTreeMap::new();
        for (metric, s) in [
            (Metric::Output, v.output),
            (Metric::Revenue, v.revenue),
            (Metric::Profit, v.profit),
            (Metric::Tax, v.tax),
            (Metric::Electricity, v.electricity),
            (Metric::Employees, v.employees),
            (Metric::Rd, v.rd),
        ] {
            if let Some(s) = s {
                m.insert(metric, s);
            }
        }
        m
    }
}

/// Stored values: money in fen, electricity in kWh, employees in persons.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValuesDto {
    pub output_fen: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub profit_fen: Option<i64>,
    pub tax_fen: Option<i64>,
    pub electricity_kwh: Option<i64>,
    pub employees: Option<i64>,
    pub rd_fen: Option<i64>,
}

impl From<Values> for ValuesDto {
    fn from(v: Values) -> Self {
        Self {
            output_fen: v.output_fen,
            revenue_fen: v.revenue_fen,
            profit_fen: v.profit_fen,
            tax_fen: v.tax_fen,
            electricity_kwh: v.electricity_kwh,
            employees: v.employees,
            rd_fen: v.rd_fen,
        }
    }
}

/// A check rule the report tripped.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagDto {
    pub rule: String,
    /// `yoy_abs`, `mom_abs`, `output_without_power`, `profit_over_revenue`.
    pub kind: String,
    pub metric: Option<String>,
    pub value: Option<i64>,
    pub base: Option<i64>,
    /// Change in basis points (10000 = 100 %).
    pub change_bp: Option<i64>,
    pub threshold_bp: Option<i64>,
    /// 产值同比 +63.2%，超过 ±50%
    pub message: String,
}

impl From<Flag> for FlagDto {
    fn from(f: Flag) -> Self {
        Self {
            rule: f.rule,
            kind: f.kind,
            metric: f.metric,
            value: f.value,
            base: f.base,
            change_bp: f.change_bp,
            threshold_bp: f.threshold_bp,
            message: f.message,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub enterprise_name: Option<String>,
    pub uscc: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    pub park_id: Uuid,
    pub industry_code: Option<String>,
    pub above_scale: bool,
    pub values: ValuesDto,
    /// `draft`, `submitted`, `returned` or `verified`.
    pub state: String,
    /// Submitted with flags: 待核查.
    pub flagged: bool,
    pub flags: Vec<FlagDto>,
    pub return_reason: Option<String>,
    /// `online` or `import`.
    pub source: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// The same month a year earlier (submitted or verified); only on `GET /stats/reports/{id}`.
    pub year_ago: Option<ValuesDto>,
    /// The previous month (submitted or verified); only on `GET /stats/reports/{id}`.
    pub previous: Option<ValuesDto>,
}

fn report_dto(r: ReportRow, name: Option<String>, uscc: Option<String>) -> ReportDto {
    let flags: Vec<FlagDto> = reports::flags_of(&r).into_iter().map(Into::into).collect();
    ReportDto {
        id: r.id,
        enterprise_id: r.enterprise_id,
        enterprise_name: name,
        uscc,
        period: Period::from_yyyymm(r.period).map(|p| p.to_string()).unwrap_or_default(),
        park_id: r.park_id,
        industry_code: r.industry_code.clone(),
        above_scale: r.above_scale,
        values: values_of(&r).into(),
        flagged: !flags.is_empty(),
        flags,
        state: r.state,
        return_reason: r.return_reason,
        source: r.source,
        submitted_at: r.submitted_at,
        verified_at: r.verified_at,
        created_at: r.created_at,
        updated_at: r.updated_at,
        version: r.version,
        year_ago: None,
        previous: None,
    }
}

impl From<ReportView> for ReportDto {
    fn from(v: ReportView) -> Self {
        let mut d = report_dto(v.report, Some(v.enterprise_name), Some(v.uscc));
        d.year_ago = v.year_ago.map(Into::into);
        d.previous = v.prev.map(Into::into);
        d
    }
}

impl From<ReportListItem> for ReportDto {
    fn from(i: ReportListItem) -> Self {
        report_dto(i.report, Some(i.enterprise_name), Some(i.uscc))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportPage {
    pub items: Vec<ReportDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    /// `YYYY-MM`.
    pub period: Option<String>,
    /// `draft`, `submitted`, `returned`, `verified`.
    pub state: Option<String>,
    /// Only reports with (true) or without (false) flags.
    pub flagged: Option<bool>,
    pub park_id: Option<Uuid>,
    /// Enterprise name or USCC contains.
    pub q: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReportDto {
    /// Optional for an enterprise account (its own enterprise).
    pub enterprise_id: Option<Uuid>,
    /// `YYYY-MM`, not in the future.
    pub period: String,
    #[serde(default)]
    pub values: ValuesInput,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportPatchDto {
    #[serde(default)]
    pub values: ValuesInput,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnDto {
    /// 2 to 200 characters; the enterprise sees it.
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionDto {
    pub values: ValuesInput,
    /// Why the verified month changes (2 to 200 characters); audited.
    pub reason: String,
}

fn period_param(field: &str, s: Option<&str>) -> ApiResult<Option<Period>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Period::parse(s).map(Some).map_err(|c| yuanqu_app::AppError::field(field, c).into()),
    }
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

// ---------------------------------------------------------------- reports

/// Reports: the staff's review queue, or an enterprise account's own months.
#[utoipa::path(get, path = "/api/v1/stats/reports", tag = "stats", params(ReportQuery), responses((status = 200, body = ReportPage)))]
pub async fn list_reports(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Json<ReportPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let f = ReportFilter {
        period: period_param("period", q.period.as_deref())?.map(Period::yyyymm),
        state: q.state.filter(|s| !s.is_empty()),
        flagged: q.flagged,
        park_id: q.park_id,
        q: q.q,
    };
    let p = reports::list(&st.app, &actor, &f, page).await?;
    Ok(Json(ReportPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

/// Draft a month (idempotent: the month's existing report is answered with 200, unchanged).
#[utoipa::path(post, path = "/api/v1/stats/reports", tag = "stats", request_body = NewReportDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ReportDto), (status = 200, body = ReportDto), (status = 422, body = Problem)))]
pub async fn create_report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewReportDto>,
) -> ApiResult<Response> {
    let respond: Respond<Drafted> = std::sync::Arc::new(|d| to_json(report_dto(d.row().clone(), None, None)));
    let n = reports::NewReport { enterprise_id: b.enterprise_id, period: b.period, values: b.values.into() };
    let r = reports::create(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(match r {
        Created::New(Drafted::Existing(row)) => {
            (StatusCode::OK, etag(row.version), Json(report_dto(row, None, None))).into_response()
        }
        other => created(other.map(|d| respond(&d))),
    })
}

/// One report with its flags and the year-ago and previous month for comparison.
#[utoipa::path(get, path = "/api/v1/stats/reports/{id}", tag = "stats", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReportDto), (status = 404, body = Problem)))]
pub async fn get_report(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let v = reports::view(&st.app, &actor, id).await?;
    Ok((etag(v.report.version), Json(ReportDto::from(v))).into_response())
}

async fn answer(st: &AppState, actor: &yuanqu_app::Actor, r: ReportRow) -> ApiResult<Response> {
    let v = reports::view(&st.app, actor, r.id).await?;
    Ok((etag(v.report.version), Json(ReportDto::from(v))).into_response())
}

/// Edit a draft or returned report (If-Match). A verified month is locked: 409 `stats.locked`.
#[utoipa::path(patch, path = "/api/v1/stats/reports/{id}", tag = "stats", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = ReportPatchDto,
    responses((status = 200, body = ReportDto), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<ReportPatchDto>,
) -> ApiResult<Response> {
    let r = reports::update(&st.app, &actor, id, v, b.values.into(), &ctx).await?;
    answer(&st, &actor, r).await
}

/// Submit (If-Match): all seven values, none negative but profit, the month not in the future;
/// the check rules' flags are stored (a flagged report is 待核查).
#[utoipa::path(post, path = "/api/v1/stats/reports/{id}/submit", tag = "stats", params(("id" = Uuid, Path), ("If-Match" = String, Header)),
    responses((status = 200, body = ReportDto), (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn submit_report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
) -> ApiResult<Response> {
    let r = reports::submit(&st.app, &actor, id, v, &ctx).await?;
    answer(&st, &actor, r).await
}

/// Return a submitted report to the enterprise with a reason.
#[utoipa::path(post, path = "/api/v1/stats/reports/{id}/return", tag = "stats", params(("id" = Uuid, Path)), request_body = ReturnDto,
    responses((status = 200, body = ReportDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn return_report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<ReturnDto>,
) -> ApiResult<Response> {
    let r = reports::return_report(&st.app, &actor, id, &b.reason, &ctx).await?;
    answer(&st, &actor, r).await
}

/// Verify a submitted report: it counts in the rollups from now on and is locked.
#[utoipa::path(post, path = "/api/v1/stats/reports/{id}/verify", tag = "stats", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReportDto), (status = 409, body = Problem)))]
pub async fn verify_report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let r = reports::verify(&st.app, &actor, id, &ctx).await?;
    answer(&st, &actor, r).await
}

/// Correct a verified report, with a reason (audited before/after; rollups rebuilt).
#[utoipa::path(post, path = "/api/v1/stats/reports/{id}/correct", tag = "stats", params(("id" = Uuid, Path)), request_body = CorrectionDto,
    responses((status = 200, body = ReportDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct_report(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<CorrectionDto>,
) -> ApiResult<Response> {
    let r = reports::correct(&st.app, &actor, id, b.values.into(), &b.reason, &ctx).await?;
    answer(&st, &actor, r).await
}

// ---------------------------------------------------------------- import

/// The multipart upload.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the multipart form for OpenAPI")]
pub struct StatsUpload {
    /// The .xlsx or .csv file (≤ 10 MB, ≤ 10,000 rows).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsImportDto {
    pub rows: u64,
    /// Rows without flags: verified at once.
    pub verified: u64,
    /// Flagged rows: submitted, waiting for review.
    pub flagged: u64,
    /// Unverified reports replaced.
    pub replaced: u64,
    /// The months touched (`YYYY-MM`), whose rollups were rebuilt.
    pub periods: Vec<String>,
}

/// The statistics import template (.xlsx).
#[utoipa::path(get, path = "/api/v1/stats/import/template", tag = "stats",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn import_template(Me(actor): Me) -> ApiResult<Response> {
    Ok(attachment(sheet::template(&actor)?, XLSX, "stats-template.xlsx"))
}

/// Import monthly reports (all or nothing; errors located by row and column).
#[utoipa::path(post, path = "/api/v1/stats/import", tag = "stats",
    request_body(content = StatsUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = StatsImportDto), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn import(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    mp: Multipart,
) -> ApiResult<Json<StatsImportDto>> {
    let (name, bytes, _) = upload(mp).await?;
    let r = sheet::import(&st.app, &actor, &name, &bytes, &ctx).await?;
    Ok(Json(StatsImportDto {
        rows: r.rows,
        verified: r.verified,
        flagged: r.flagged,
        replaced: r.replaced,
        periods: r.periods,
    }))
}

/// The same upload annotated with its errors.
#[utoipa::path(post, path = "/api/v1/stats/import/report", tag = "stats",
    request_body(content = StatsUpload, content_type = "multipart/form-data"),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 422, body = Problem)))]
pub async fn import_report(State(st): State<AppState>, Me(actor): Me, mp: Multipart) -> ApiResult<Response> {
    let (name, bytes, _) = upload(mp).await?;
    Ok(attachment(sheet::error_report(&st.app, &actor, &name, &bytes).await?, XLSX, "stats-errors.xlsx"))
}

// ---------------------------------------------------------------- indicators

#[derive(Debug, Serialize, ToSchema)]
pub struct MetricIndicatorsDto {
    /// `output_fen`, `revenue_fen`, … (money in fen).
    pub metric: String,
    pub month: Option<i64>,
    /// Year to date (months present from January).
    pub ytd: Option<i64>,
    /// Basis points; absent when the base is missing or zero.
    pub yoy_bp: Option<i64>,
    pub ytd_yoy_bp: Option<i64>,
    pub mom_bp: Option<i64>,
}

impl From<indicators::MetricIndicators> for MetricIndicatorsDto {
    fn from(m: indicators::MetricIndicators) -> Self {
        Self {
            metric: m.metric.to_owned(),
            month: m.month,
            ytd: m.ytd,
            yoy_bp: m.yoy_bp,
            ytd_yoy_bp: m.ytd_yoy_bp,
            mom_bp: m.mom_bp,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorsDto {
    pub period: String,
    pub park_id: Option<Uuid>,
    pub metrics: Vec<MetricIndicatorsDto>,
    /// Verified reports of the month.
    pub reporting: i64,
    pub above_scale: i64,
    /// Above-scale output, fen.
    pub above_output_fen: i64,
    /// The same enterprises a year earlier (同口径), fen.
    pub above_output_base_fen: i64,
    pub above_output_yoy_bp: Option<i64>,
    pub above_output_ytd_fen: i64,
    pub above_output_ytd_base_fen: i64,
    pub above_output_ytd_yoy_bp: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorQuery {
    /// `YYYY-MM`.
    pub period: String,
    pub park_id: Option<Uuid>,
}

/// The zone's (or a park's) month: value, YTD, YoY, MoM per metric; above-scale same-caliber YoY.
#[utoipa::path(get, path = "/api/v1/stats/indicators", tag = "stats", params(IndicatorQuery), responses((status = 200, body = IndicatorsDto)))]
pub async fn zone_indicators(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<IndicatorQuery>,
) -> ApiResult<Json<IndicatorsDto>> {
    let period =
        period_param("period", Some(&q.period))?.ok_or_else(|| yuanqu_app::AppError::field("period", "required"))?;
    let z = indicators::zone(&st.app, &actor, period, q.park_id).await?;
    Ok(Json(IndicatorsDto {
        period: z.period.to_string(),
        park_id: z.park_id,
        metrics: z.metrics.into_iter().map(Into::into).collect(),
        reporting: z.reporting,
        above_scale: z.above_scale,
        above_output_fen: z.above_output,
        above_output_base_fen: z.above_output_base,
        above_output_yoy_bp: z.above_output_yoy_bp,
        above_output_ytd_fen: z.above_output_ytd,
        above_output_ytd_base_fen: z.above_output_ytd_base,
        above_output_ytd_yoy_bp: z.above_output_ytd_yoy_bp,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesMonthDto {
    pub period: String,
    /// The month's report state; absent when there is no report.
    pub state: Option<String>,
    /// Verified values only.
    pub metrics: Vec<MetricIndicatorsDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandingDto {
    pub period: String,
    pub output_fen: i64,
    /// Share of the zone's verified output, basis points.
    pub zone_share_bp: Option<i64>,
    pub park_rank: Option<u32>,
    pub park_count: u32,
    pub division: Option<String>,
    pub division_rank: Option<u32>,
    pub division_count: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseStatsDto {
    pub enterprise_id: Uuid,
    pub months: Vec<SeriesMonthDto>,
    /// The latest verified month in the range.
    pub latest: Option<StandingDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// `YYYY-MM` (default: 11 months before `to`).
    pub from: Option<String>,
    /// `YYYY-MM` (default: last month); at most 36 months.
    pub to: Option<String>,
}

/// One enterprise's monthly series with YoY and YTD, and its standing in the latest month.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/stats", tag = "stats", params(("id" = Uuid, Path), SeriesQuery),
    responses((status = 200, body = EnterpriseStatsDto), (status = 404, body = Problem)))]
pub async fn enterprise_stats(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
    Query(q): Query<SeriesQuery>,
) -> ApiResult<Json<EnterpriseStatsDto>> {
    let from = period_param("from", q.from.as_deref())?;
    let to = period_param("to", q.to.as_deref())?;
    let s = indicators::enterprise(&st.app, &actor, id, from, to).await?;
    Ok(Json(EnterpriseStatsDto {
        enterprise_id: s.enterprise_id,
        months: s
            .months
            .into_iter()
            .map(|m| SeriesMonthDto {
                period: m.period.to_string(),
                state: m.state,
                metrics: m.metrics.into_iter().map(Into::into).collect(),
            })
            .collect(),
        latest: s.latest.map(|l| StandingDto {
            period: l.period.to_string(),
            output_fen: l.output,
            zone_share_bp: l.zone_share_bp,
            park_rank: l.park_rank,
            park_count: l.park_count,
            division: l.division,
            division_rank: l.division_rank,
            division_count: l.division_count,
        }),
    }))
}

// ---------------------------------------------------------------- warnings

#[derive(Debug, Serialize, ToSchema)]
pub struct WarningReasonDto {
    pub rule: String,
    /// `ytd_decline`, `late`, `divergence`.
    pub kind: String,
    pub message: String,
    /// Named numbers (basis points for growth, days for lateness).
    pub values: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WarningDto {
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub uscc: String,
    pub park_id: Uuid,
    pub reasons: Vec<WarningReasonDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WarningQuery {
    /// `YYYY-MM`.
    pub period: String,
    /// `ytd_decline`, `late`, `divergence`.
    pub kind: Option<String>,
    pub park_id: Option<Uuid>,
}

fn warning_args(q: &WarningQuery) -> ApiResult<(Period, warnings::WarningFilter)> {
    let period =
        period_param("period", Some(&q.period))?.ok_or_else(|| yuanqu_app::AppError::field("period", "required"))?;
    Ok((period, warnings::WarningFilter { kind: q.kind.clone().filter(|k| !k.is_empty()), park_id: q.park_id }))
}

/// Enterprises with early warnings for a month, each with its reasons.
#[utoipa::path(get, path = "/api/v1/stats/warnings", tag = "stats", params(WarningQuery), responses((status = 200, body = Vec<WarningDto>)))]
pub async fn list_warnings(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<WarningQuery>,
) -> ApiResult<Json<Vec<WarningDto>>> {
    let (period, f) = warning_args(&q)?;
    let items = warnings::list(&st.app, &actor, period, &f).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| WarningDto {
                enterprise_id: i.enterprise_id,
                enterprise_name: i.enterprise_name,
                uscc: i.uscc,
                park_id: i.park_id,
                reasons: i
                    .reasons
                    .into_iter()
                    .map(|r| WarningReasonDto {
                        rule: r.rule,
                        kind: r.kind.to_owned(),
                        message: r.message,
                        values: r.values.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}

/// The warnings as .xlsx (one row per reason); audited.
#[utoipa::path(get, path = "/api/v1/stats/warnings/export", tag = "stats", params(WarningQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn export_warnings(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Query(q): Query<WarningQuery>,
) -> ApiResult<Response> {
    let (period, f) = warning_args(&q)?;
    let (file, _) = warnings::export(&st.app, &actor, period, &f, &ctx).await?;
    let bytes = tokio::fs::read(file.path()).await.map_err(|e| yuanqu_app::AppError::Internal(e.to_string()))?;
    Ok(attachment(bytes, XLSX, &format!("warnings-{period}.xlsx")))
}

// ---------------------------------------------------------------- rules

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleDto {
    pub id: Uuid,
    pub code: String,
    /// `check` (flags a report) or `warning` (early warning).
    pub purpose: String,
    pub kind: String,
    pub metric: Option<String>,
    /// Basis points for ratios (5000 = 50 %); a day of the month for `late`.
    pub threshold: Option<i64>,
    /// Consecutive months, for `ytd_decline`.
    pub months: Option<i32>,
    pub enabled: bool,
    pub version: i64,
}

impl From<RuleRow> for RuleDto {
    fn from(r: RuleRow) -> Self {
        Self {
            id: r.id,
            code: r.code,
            purpose: r.purpose,
            kind: r.kind,
            metric: r.metric,
            threshold: r.threshold,
            months: r.months,
            enabled: r.enabled,
            version: r.version,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePatchDto {
    pub threshold: Option<i64>,
    pub months: Option<i32>,
    pub enabled: Option<bool>,
}

/// The zone's check and warning rules (the defaults while none are stored).
#[utoipa::path(get, path = "/api/v1/stats/rules", tag = "stats", responses((status = 200, body = Vec<RuleDto>)))]
pub async fn list_rules(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<RuleDto>>> {
    Ok(Json(rules::list(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Change a rule's threshold, months or enabled flag (If-Match).
#[utoipa::path(patch, path = "/api/v1/stats/rules/{id}", tag = "stats", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = RulePatchDto,
    responses((status = 200, body = RuleDto), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn update_rule(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<RulePatchDto>,
) -> ApiResult<Response> {
    let p = rules::RulePatch { threshold: b.threshold, months: b.months, enabled: b.enabled };
    let r = rules::update(&st.app, &actor, id, v, p, &ctx).await?;
    Ok((etag(r.version), Json(RuleDto::from(r))).into_response())
}
