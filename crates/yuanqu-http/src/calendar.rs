//! The zone's working-day calendar routes (issue 5).

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use yuanqu_app::calendar::{self as cal, ListedDay};

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, Me, RequestCtxX};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    pub year: i32,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayDto {
    pub day: NaiveDate,
    /// `off` (a public holiday) or `makeup` (a weekend day worked, 调休).
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarYearDto {
    pub year: i32,
    pub days: Vec<CalendarDayDto>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetCalendarYearDto {
    pub year: i32,
    pub days: Vec<CalendarDayDto>,
}

fn dto(year: i32, days: Vec<ListedDay>) -> CalendarYearDto {
    CalendarYearDto {
        year,
        days: days.into_iter().map(|d| CalendarDayDto { day: d.day, kind: d.kind, note: d.note }).collect(),
    }
}

/// A year's days off and make-up working days of my zone (weekends are implied).
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calendar", params(CalendarQuery),
    responses((status = 200, body = CalendarYearDto), (status = 422, body = Problem)))]
pub async fn get_year(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<CalendarQuery>,
) -> ApiResult<Json<CalendarYearDto>> {
    Ok(Json(dto(q.year, cal::year(&st.app, &actor, q.year).await?)))
}

/// Replace a year's days off and make-up working days (from the State Council's notice).
#[utoipa::path(post, path = "/api/v1/calendar", tag = "calendar", request_body = SetCalendarYearDto,
    responses((status = 200, body = CalendarYearDto), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn set_year(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<SetCalendarYearDto>,
) -> ApiResult<Json<CalendarYearDto>> {
    let days = b.days.into_iter().map(|d| ListedDay { day: d.day, kind: d.kind, note: d.note }).collect();
    Ok(Json(dto(b.year, cal::set_year(&st.app, &actor, b.year, days, &ctx).await?)))
}
