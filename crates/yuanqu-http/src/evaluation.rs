//! Routes of the per-mu efficiency evaluation (亩均效益评价): schemes per year, run, publish,
//! the results table and its export, and an enterprise's results by year.

use axum::Json;
use axum::body::Body as HttpBody;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::AppError;
use yuanqu_app::evaluation::{self as ev, EnterpriseResult, ResultView, SchemeView};
use yuanqu_app::idempotency::Respond;
use yuanqu_domain::evaluation::IndicatorScore;
use yuanqu_store::evaluation::{ResultFilter, SchemeRow};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Body, Idempotent, IfMatch, Me, RequestCtxX, created, etag};

// ---------------------------------------------------------------- DTOs

/// One indicator of a configuration.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct IndicatorConfigDto {
    /// `tax_per_mu` 亩均税收 (万元/亩), `revenue_per_mu` 亩均营业收入 (万元/亩), `output_per_kwh`
    /// 单位用电产出 (元/kWh), `rd_intensity` 研发投入强度 (%), `output_per_employee` 全员劳动生产率 (万元/人).
    pub code: String,
    /// Points; the weights sum to 100.
    pub weight: i64,
    /// Benchmark in thousandths of the unit (10.0 万元/亩 = 10000).
    pub benchmark_milli: i64,
    /// Largest multiple of the benchmark that scores, in thousandths (1.5 × = 1500); null: no cap.
    pub cap_milli: Option<i64>,
}

/// How classes are given: `{"kind":"thresholds","a":85,"b":70,"c":55}` (lowest total in points)
/// or `{"kind":"shares","a_pct":20,"b_pct":50,"c_pct":20}` (D the rest).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClassRuleDto {
    /// `thresholds` or `shares`.
    pub kind: String,
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub c: Option<i64>,
    pub a_pct: Option<i64>,
    pub b_pct: Option<i64>,
    pub c_pct: Option<i64>,
}

/// An evaluation configuration.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct EvalConfigDto {
    pub indicators: Vec<IndicatorConfigDto>,
    /// Enterprises with less land (hundredths of a mu) are not evaluated.
    pub min_land_centi_mu: i64,
    pub class_rule: ClassRuleDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassCountDto {
    pub class: String,
    pub count: i64,
}

fn counts(d: &[(String, i64)]) -> Vec<ClassCountDto> {
    d.iter().map(|(c, n)| ClassCountDto { class: c.clone(), count: *n }).collect()
}

/// A year's scheme in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeSummaryDto {
    pub id: Uuid,
    pub year: i32,
    /// `draft`, `run` or `published`.
    pub status: String,
    pub version: i64,
    pub run_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
}

impl From<SchemeRow> for SchemeSummaryDto {
    fn from(s: SchemeRow) -> Self {
        Self {
            id: s.id,
            year: s.year,
            status: s.status,
            version: s.version,
            run_at: s.run_at,
            published_at: s.published_at,
        }
    }
}

/// A year's scheme with its configuration and class distribution.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeDto {
    pub id: Uuid,
    pub year: i32,
    /// `draft`, `run` or `published` (frozen).
    pub status: String,
    #[schema(value_type = EvalConfigDto)]
    pub config: serde_json::Value,
    pub version: i64,
    pub run_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Results per class A–D (for the dashboard).
    pub distribution: Vec<ClassCountDto>,
}

impl From<&SchemeView> for SchemeDto {
    fn from(v: &SchemeView) -> Self {
        let s = &v.row;
        Self {
            id: s.id,
            year: s.year,
            status: s.status.clone(),
            config: serde_json::to_value(&v.config).unwrap_or_default(),
            version: s.version,
            run_at: s.run_at,
            published_at: s.published_at,
            created_at: s.created_at,
            updated_at: s.updated_at,
            distribution: counts(&v.distribution),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSchemeDto {
    pub year: i32,
    /// Omitted: the default configuration (five indicators 40/20/15/15/10, caps 1.5 ×, 5 亩,
    /// shares 20/50/20).
    #[schema(value_type = Option<EvalConfigDto>)]
    pub config: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemePatchDto {
    #[schema(value_type = Option<EvalConfigDto>)]
    pub config: Option<serde_json::Value>,
}

/// What a run did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunDto {
    pub evaluated: u64,
    /// Enterprises not evaluated (land unknown or below the minimum).
    pub excluded: u64,
    /// Results of an earlier run replaced.
    pub replaced: u64,
    pub distribution: Vec<ClassCountDto>,
}

/// One indicator's outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorScoreDto {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Thousandths of the unit; null: no data.
    pub value_milli: Option<i64>,
    pub benchmark_milli: i64,
    pub weight: i64,
    /// Thousandths of a point.
    pub score_milli: i64,
    /// `亩均税收 12.3 万元/亩，基准 10.0，得分 24.6 / 20`.
    pub explanation: String,
}

fn indicator_dtos(v: &[IndicatorScore]) -> Vec<IndicatorScoreDto> {
    v.iter()
        .map(|i| IndicatorScoreDto {
            code: i.code.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            value_milli: i.value_milli,
            benchmark_milli: i.benchmark_milli,
            weight: i.weight,
            score_milli: i.score_milli,
            explanation: i.explanation.clone(),
        })
        .collect()
}

/// One enterprise's result in a scheme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultDto {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub park_id: Uuid,
    pub park_name: Option<String>,
    pub year: i32,
    pub land_area_centi_mu: i64,
    pub indicators: Vec<IndicatorScoreDto>,
    pub total_milli: i64,
    pub class: String,
    /// 1 = best; equal totals share a rank.
    pub rank: i32,
    pub prev_class: Option<String>,
    pub prev_rank: Option<i32>,
}

impl From<ResultView> for ResultDto {
    fn from(v: ResultView) -> Self {
        let r = v.item.result;
        Self {
            id: r.id,
            enterprise_id: r.enterprise_id,
            enterprise_name: v.item.enterprise_name,
            park_id: v.item.park_id,
            park_name: v.item.park_name,
            year: r.year,
            land_area_centi_mu: r.land_area_centi_mu,
            indicators: indicator_dtos(&v.indicators),
            total_milli: r.total_milli,
            class: r.class,
            rank: r.rank,
            prev_class: r.prev_class,
            prev_rank: r.prev_rank,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultPage {
    pub items: Vec<ResultDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResultQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    /// `A`, `B`, `C` or `D`.
    pub class: Option<String>,
    pub park_id: Option<Uuid>,
    /// Part of the enterprise's name or USCC.
    pub q: Option<String>,
}

impl ResultQuery {
    fn filter(&self) -> ResultFilter {
        ResultFilter { class: self.class.clone(), park_id: self.park_id, q: self.q.clone() }
    }
}

/// One year's result of one enterprise.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseResultDto {
    pub scheme_id: Uuid,
    pub year: i32,
    /// The scheme's status: `run` or `published`.
    pub status: String,
    pub land_area_centi_mu: i64,
    pub indicators: Vec<IndicatorScoreDto>,
    pub total_milli: i64,
    pub class: String,
    pub rank: i32,
    pub prev_class: Option<String>,
    pub prev_rank: Option<i32>,
}

impl From<EnterpriseResult> for EnterpriseResultDto {
    fn from(e: EnterpriseResult) -> Self {
        let r = e.row;
        Self {
            scheme_id: r.scheme_id,
            year: r.year,
            status: e.status,
            land_area_centi_mu: r.land_area_centi_mu,
            indicators: indicator_dtos(&e.indicators),
            total_milli: r.total_milli,
            class: r.class,
            rank: r.rank,
            prev_class: r.prev_class,
            prev_rank: r.prev_rank,
        }
    }
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

// ---------------------------------------------------------------- routes

/// The zone's evaluation years with their status (an enterprise account: published ones).
#[utoipa::path(get, path = "/api/v1/evaluations", tag = "evaluations", responses((status = 200, body = Vec<SchemeSummaryDto>)))]
pub async fn list_evaluations(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<SchemeSummaryDto>>> {
    Ok(Json(ev::schemes(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Create the evaluation of a year (one per zone and year: 409 `evaluation.year_taken`).
#[utoipa::path(post, path = "/api/v1/evaluations", tag = "evaluations", request_body = NewSchemeDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = SchemeDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_evaluation(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewSchemeDto>,
) -> ApiResult<Response> {
    let respond: Respond<SchemeView> = std::sync::Arc::new(|v| to_json(SchemeDto::from(v)));
    let n = ev::NewScheme { year: b.year, config: b.config };
    let r = ev::create(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|v| respond(&v))))
}

/// One year's evaluation: configuration, status and class distribution.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}", tag = "evaluations", params(("id" = Uuid, Path)),
    responses((status = 200, body = SchemeDto), (status = 404, body = Problem)))]
pub async fn get_evaluation(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let v = ev::scheme(&st.app, &actor, id).await?;
    Ok((etag(v.row.version), Json(SchemeDto::from(&v))).into_response())
}

/// Change the configuration (If-Match); 409 `evaluation.published` once published.
#[utoipa::path(patch, path = "/api/v1/evaluations/{id}", tag = "evaluations", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = SchemePatchDto,
    responses((status = 200, body = SchemeDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem),
        (status = 422, body = Problem)))]
pub async fn update_evaluation(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(version): IfMatch,
    Body(b): Body<SchemePatchDto>,
) -> ApiResult<Response> {
    let v = ev::update(&st.app, &actor, id, version, b.config, &ctx).await?;
    Ok((etag(v.row.version), Json(SchemeDto::from(&v))).into_response())
}

/// Run the evaluation over the year's verified reports; replaces earlier results.
/// 409 `evaluation.published` once published.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/run", tag = "evaluations", params(("id" = Uuid, Path)),
    responses((status = 200, body = RunDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn run_evaluation(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RunDto>> {
    let r = ev::run(&st.app, &actor, id, &ctx).await?;
    Ok(Json(RunDto {
        evaluated: r.evaluated,
        excluded: r.excluded,
        replaced: r.replaced,
        distribution: counts(&r.distribution),
    }))
}

/// Publish a run evaluation (frozen afterwards); 409 `evaluation.not_run` / `evaluation.published`.
#[utoipa::path(post, path = "/api/v1/evaluations/{id}/publish", tag = "evaluations", params(("id" = Uuid, Path)),
    responses((status = 200, body = SchemeDto), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn publish_evaluation(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let v = ev::publish(&st.app, &actor, id, &ctx).await?;
    Ok((etag(v.row.version), Json(SchemeDto::from(&v))).into_response())
}

/// The results, best first (an enterprise account: its own row of a published year).
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results", tag = "evaluations", params(("id" = Uuid, Path), ResultQuery),
    responses((status = 200, body = ResultPage), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_results(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
    Query(q): Query<ResultQuery>,
) -> ApiResult<Json<ResultPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let p = ev::results(&st.app, &actor, id, &q.filter(), page).await?;
    Ok(Json(ResultPage {
        items: p.items.into_iter().map(Into::into).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }))
}

/// The whole results table as .xlsx (same filters as the list), streamed and audited.
#[utoipa::path(get, path = "/api/v1/evaluations/{id}/results/export", tag = "evaluations", params(("id" = Uuid, Path), ResultQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn export_results(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Query(q): Query<ResultQuery>,
) -> ApiResult<Response> {
    let slot = st.exports.try_acquire(actor.user_id).ok_or_else(|| {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "export.too_many", "Too many exports at once");
        e.retry_after = Some(10);
        e
    })?;
    let out = ev::export(&st.app, &actor, id, &q.filter(), &ctx).await?;
    let file =
        tokio::fs::File::open(out.file.path()).await.map_err(|e| ApiError::from(AppError::Internal(e.to_string())))?;
    let (rows, year) = (out.rows, out.year);
    let keep = (out.file, slot);
    let stream = tokio_util::io::ReaderStream::new(file).map(move |chunk| {
        let _ = &keep;
        chunk
    });
    let mut res = HttpBody::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"evaluation-{year}.xlsx\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&rows.to_string()) {
        h.insert("x-export-rows", v);
    }
    Ok(res)
}

/// An enterprise's results by year, latest first, with each indicator's explanation (an
/// enterprise account: only its own enterprise, only published years).
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/evaluations", tag = "evaluations", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EnterpriseResultDto>), (status = 404, body = Problem)))]
pub async fn enterprise_evaluations(
    State(st): State<AppState>,
    Me(actor): Me,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Vec<EnterpriseResultDto>>> {
    Ok(Json(ev::of_enterprise(&st.app, &actor, id).await?.into_iter().map(Into::into).collect()))
}
