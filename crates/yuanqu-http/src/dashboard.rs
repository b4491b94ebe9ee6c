//! The economic dashboard (issue 4).

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::dashboard as d;
use yuanqu_domain::stats::Period;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Body, Me, RequestCtxX};
use yuanqu_app::stats::targets;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EconomyQuery {
    /// `YYYY-MM`; default: the newest month with verified reports.
    pub period: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthPointDto {
    /// `YYYY-MM`
    pub period: String,
    /// 规上工业总产值, fen.
    pub above_output_fen: i64,
    /// Same-caliber (同口径) YoY growth, %.
    pub yoy_pct: Option<f64>,
    pub reports: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SliceDto {
    /// A park id or a GB/T 4754 division code: the list behind the slice is
    /// `/enterprises?park_id=` or `?industry=`.
    pub key: String,
    pub name: String,
    /// Year-to-date output, fen.
    pub output_fen: i64,
    pub yoy_pct: Option<f64>,
    /// Year-to-date operating revenue, fen.
    pub revenue_fen: i64,
    /// Enterprises reporting in the month shown.
    pub enterprises: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnterpriseYtdDto {
    pub id: Uuid,
    pub name: String,
    pub park_name: String,
    pub output_fen: i64,
    pub yoy_pct: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClassCountDto {
    pub class: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EconomyDto {
    /// The month shown (`YYYY-MM`); null when the zone has no verified report yet.
    pub period: Option<String>,
    /// Up to 24 months ending at `period`.
    pub months: Vec<MonthPointDto>,
    pub above_count: i32,
    pub reports: i32,
    pub ytd_above_output_fen: i64,
    pub ytd_yoy_pct: Option<f64>,
    /// The year's target of above-scale output, fen.
    pub target_fen: Option<i64>,
    pub ytd_revenue_fen: i64,
    pub ytd_tax_fen: i64,
    pub ytd_profit_fen: i64,
    pub ytd_electricity_kwh: i64,
    pub by_park: Vec<SliceDto>,
    pub by_industry: Vec<SliceDto>,
    pub top: Vec<EnterpriseYtdDto>,
    pub decliners: Vec<EnterpriseYtdDto>,
    /// Year of the latest published per-mu evaluation.
    pub class_year: Option<i32>,
    pub classes: Vec<ClassCountDto>,
}

fn slice(s: d::Slice) -> SliceDto {
    SliceDto {
        key: s.key,
        name: s.name,
        output_fen: s.output_fen,
        yoy_pct: s.yoy_pct,
        revenue_fen: s.revenue_fen,
        enterprises: s.enterprises,
    }
}
fn ent(e: d::EnterpriseYtd) -> EnterpriseYtdDto {
    EnterpriseYtdDto { id: e.id, name: e.name, park_name: e.park_name, output_fen: e.output_fen, yoy_pct: e.yoy_pct }
}

impl From<d::Economy> for EconomyDto {
    fn from(e: d::Economy) -> Self {
        let (class_year, classes) = match e.classes {
            Some((y, c)) => (Some(y), c.into_iter().map(|(class, count)| ClassCountDto { class, count }).collect()),
            None => (None, vec![]),
        };
        Self {
            period: e.period.map(|p| p.to_string()),
            months: e
                .months
                .into_iter()
                .map(|m| MonthPointDto {
                    period: m.period.to_string(),
                    above_output_fen: m.above_output_fen,
                    yoy_pct: m.yoy_pct,
                    reports: m.reports,
                })
                .collect(),
            above_count: e.above_count,
            reports: e.reports,
            ytd_above_output_fen: e.ytd_above_output_fen,
            ytd_yoy_pct: e.ytd_yoy_pct,
            target_fen: e.target_fen,
            ytd_revenue_fen: e.ytd_revenue_fen,
            ytd_tax_fen: e.ytd_tax_fen,
            ytd_profit_fen: e.ytd_profit_fen,
            ytd_electricity_kwh: e.ytd_electricity_kwh,
            by_park: e.by_park.into_iter().map(slice).collect(),
            by_industry: e.by_industry.into_iter().map(slice).collect(),
            top: e.top.into_iter().map(ent).collect(),
            decliners: e.decliners.into_iter().map(ent).collect(),
            class_year,
            classes,
        }
    }
}

/// The zone's economy for a month: above-scale output by month with its YoY, year to date
/// against the target, by park and industry, top 20 and decliners, the evaluation's classes.
#[utoipa::path(get, path = "/api/v1/dashboard/economy", tag = "stats", params(EconomyQuery),
    responses((status = 200, body = EconomyDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn economy(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<EconomyQuery>,
) -> ApiResult<Json<EconomyDto>> {
    let period = match q.period.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(Period::parse(p).map_err(|c| ApiError::from(yuanqu_app::AppError::field("period", c)))?),
        None => None,
    };
    Ok(Json(d::economy(&st.app, &actor, period).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    pub year: i32,
    /// `above_output_fen`: 规上工业总产值.
    pub metric: String,
    pub target_fen: i64,
    pub version: i64,
}

impl From<targets::TargetRow> for TargetDto {
    fn from(t: targets::TargetRow) -> Self {
        Self { year: t.year, metric: t.metric, target_fen: t.target, version: t.version }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTargetDto {
    pub year: i32,
    /// The year's above-scale output target in 万元, a decimal string (`10800000` = 1,080 亿元).
    pub target_wan: String,
}

/// The zone's annual targets, newest year first.
#[utoipa::path(get, path = "/api/v1/stats/targets", tag = "stats",
    responses((status = 200, body = Vec<TargetDto>), (status = 403, body = Problem)))]
pub async fn list_targets(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<TargetDto>>> {
    Ok(Json(targets::targets(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Set the year's above-scale output target (replaces the year's value; audited before/after).
#[utoipa::path(post, path = "/api/v1/stats/targets", tag = "stats", request_body = SetTargetDto,
    responses((status = 200, body = TargetDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_target(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<SetTargetDto>,
) -> ApiResult<Json<TargetDto>> {
    Ok(Json(targets::set_target(&st.app, &actor, b.year, &b.target_wan, &ctx).await?.into()))
}
