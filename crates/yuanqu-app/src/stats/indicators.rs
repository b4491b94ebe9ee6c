//! Indicators: the zone's (or a park's) month from the rollups, and one enterprise's series
//! with its share of the zone and its rank in its park and industry division.

use std::collections::BTreeMap;

use yuanqu_domain::Scope;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::industry;
use yuanqu_domain::stats::indicators::{self as ind, Series};
use yuanqu_domain::stats::{Metric, Period};
use yuanqu_store::Uuid;
use yuanqu_store::identity as iq;
use yuanqu_store::stats::{self as q, rollup, values_of};

use super::require_zone_view;
use crate::{Actor, App, AppError};

/// One metric's indicators for a month.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MetricIndicators {
    pub metric: &'static str,
    pub month: Option<i64>,
    pub ytd: Option<i64>,
    pub yoy_bp: Option<i64>,
    pub ytd_yoy_bp: Option<i64>,
    pub mom_bp: Option<i64>,
}

fn metric_indicators(m: Metric, s: &Series, p: Period) -> MetricIndicators {
    MetricIndicators {
        metric: m.code(),
        month: ind::month(s, p),
        ytd: ind::ytd(s, p),
        yoy_bp: ind::yoy(s, p),
        ytd_yoy_bp: ind::ytd_yoy(s, p),
        mom_bp: ind::mom(s, p),
    }
}

#[derive(Debug, Clone)]
pub struct ZoneIndicators {
    pub period: Period,
    pub park_id: Option<Uuid>,
    pub metrics: Vec<MetricIndicators>,
    /// Verified reports of the month.
    pub reporting: i64,
    pub above_scale: i64,
    pub above_output: i64,
    /// Same caliber (同口径): the same above-scale enterprises' output a year earlier.
    pub above_output_base: i64,
    pub above_output_yoy_bp: Option<i64>,
    pub above_output_ytd: i64,
    pub above_output_ytd_base: i64,
    pub above_output_ytd_yoy_bp: Option<i64>,
}

fn rollup_value(r: &rollup::RollupRow, m: Metric) -> i64 {
    match m {
        Metric::Output => r.output_fen,
        Metric::Revenue => r.revenue_fen,
        Metric::Profit => r.profit_fen,
        Metric::Tax => r.tax_fen,
        Metric::Electricity => r.electricity_kwh,
        Metric::Employees => r.employees,
        Metric::Rd => r.rd_fen,
    }
}

/// The zone's (or one park's) indicators for a month, from the rollups (verified reports).
pub async fn zone(app: &App, actor: &Actor, period: Period, park_id: Option<Uuid>) -> Result<ZoneIndicators, AppError> {
    actor.require(Permission::StatsRead)?;
    require_zone_view(actor)?;
    let (dim, key) = match park_id {
        Some(p) => ("park", p.to_string()),
        None => ("zone", "all".to_owned()),
    };
    let from = period.year_ago().january().yyyymm();
    let rows: Vec<rollup::RollupRow> = rollup::rows(&app.db.conn(), actor.zone_id, dim, from, period.yyyymm())
        .await?
        .into_iter()
        .filter(|r| r.dim_key == key)
        .collect();
    let by_period: BTreeMap<Period, &rollup::RollupRow> =
        rows.iter().filter_map(|r| Some((Period::from_yyyymm(r.period)?, r))).collect();
    let metrics = Metric::ALL
        .into_iter()
        .map(|m| {
            let s: Series = by_period.iter().map(|(p, r)| (*p, rollup_value(r, m))).collect();
            metric_indicators(m, &s, period)
        })
        .collect();
    let this = by_period.get(&period);
    let (mut ytd, mut ytd_base) = (0i64, 0i64);
    for (_, r) in by_period.range(period.january()..=period) {
        ytd += r.above_output_fen;
        ytd_base += r.above_prev_output_fen;
    }
    let above_output = this.map(|r| r.above_output_fen).unwrap_or(0);
    let above_output_base = this.map(|r| r.above_prev_output_fen).unwrap_or(0);
    Ok(ZoneIndicators {
        period,
        park_id,
        metrics,
        reporting: this.map(|r| i64::from(r.reports)).unwrap_or(0),
        above_scale: this.map(|r| i64::from(r.above_count)).unwrap_or(0),
        above_output,
        above_output_base,
        above_output_yoy_bp: ind::growth_bp(above_output, above_output_base),
        above_output_ytd: ytd,
        above_output_ytd_base: ytd_base,
        above_output_ytd_yoy_bp: ind::growth_bp(ytd, ytd_base),
    })
}

/// One month of an enterprise's series.
#[derive(Debug, Clone)]
pub struct SeriesMonth {
    pub period: Period,
    /// The report's state (`None`: no report).
    pub state: Option<String>,
    pub metrics: Vec<MetricIndicators>,
}

#[derive(Debug, Clone)]
pub struct EnterpriseStats {
    pub enterprise_id: Uuid,
    pub months: Vec<SeriesMonth>,
    /// The latest verified month in the range, with the enterprise's standing in it.
    pub latest: Option<Standing>,
}

#[derive(Debug, Clone)]
pub struct Standing {
    pub period: Period,
    pub output: i64,
    /// Share of the zone's output (verified), basis points.
    pub zone_share_bp: Option<i64>,
    pub park_rank: Option<u32>,
    pub park_count: u32,
    /// GB/T 4754 division (2 digits) of the month's report.
    pub division: Option<String>,
    pub division_rank: Option<u32>,
    pub division_count: u32,
}

/// An enterprise's monthly series (verified values) from `from` to `to` (at most 36 months;
/// default: the 12 months before this one), with YoY per month and YTD.
pub async fn enterprise(
    app: &App,
    actor: &Actor,
    id: Uuid,
    from: Option<Period>,
    to: Option<Period>,
) -> Result<EnterpriseStats, AppError> {
    actor.require(Permission::StatsRead)?;
    let scope = actor.scope();
    let c = app.db.conn();
    iq::enterprise(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let to = to.unwrap_or_else(|| super::this_month(app).prev());
    let from = from.unwrap_or_else(|| to.plus(-11));
    if from > to || from.months_until(to) >= 36 {
        return Err(AppError::field("from", "range"));
    }
    let rows = q::reports_between(
        &c,
        &scope,
        Some(id),
        from.year_ago().january().yyyymm(),
        to.yyyymm(),
        &[q::DRAFT, q::SUBMITTED, q::RETURNED, q::VERIFIED],
    )
    .await?;
    let verified: Vec<_> = rows.iter().filter(|r| r.state == q::VERIFIED).collect();
    let series: Vec<(Metric, Series)> = Metric::ALL
        .into_iter()
        .map(|m| {
            let s =
                verified.iter().filter_map(|r| Some((Period::from_yyyymm(r.period)?, values_of(r).get(m)?))).collect();
            (m, s)
        })
        .collect();
    let mut months = Vec::new();
    let mut p = from;
    loop {
        months.push(SeriesMonth {
            period: p,
            state: rows.iter().find(|r| r.period == p.yyyymm()).map(|r| r.state.clone()),
            metrics: series.iter().map(|(m, s)| metric_indicators(*m, s, p)).collect(),
        });
        if p >= to {
            break;
        }
        p = p.next();
    }
    let latest = match verified.iter().rev().find(|r| r.period >= from.yyyymm()) {
        None => None,
        Some(r) => Some(standing(app, actor.zone_id, r).await?),
    };
    Ok(EnterpriseStats { enterprise_id: id, months, latest })
}

async fn standing(app: &App, zone_id: Uuid, r: &q::ReportRow) -> Result<Standing, AppError> {
    // Ranks compare with every verified report of the month: read zone-wide, shown as numbers only.
    let zone = Scope::zone(zone_id);
    let all = q::reports_between(&app.db.conn(), &zone, None, r.period, r.period, &[q::VERIFIED]).await?;
    let output = r.output_fen.unwrap_or(0);
    let total: i64 = all.iter().map(|x| x.output_fen.unwrap_or(0)).sum();
    let park: Vec<(Uuid, i64)> =
        all.iter().filter(|x| x.park_id == r.park_id).map(|x| (x.enterprise_id, x.output_fen.unwrap_or(0))).collect();
    let division = r.industry_code.as_deref().and_then(industry::division_of).map(str::to_owned);
    let div: Vec<(Uuid, i64)> = match &division {
        None => Vec::new(),
        Some(d) => all
            .iter()
            .filter(|x| x.industry_code.as_deref().and_then(industry::division_of) == Some(d.as_str()))
            .map(|x| (x.enterprise_id, x.output_fen.unwrap_or(0)))
            .collect(),
    };
    Ok(Standing {
        period: Period::from_yyyymm(r.period).unwrap_or(Period::of(chrono::NaiveDate::MIN)),
        output,
        zone_share_bp: ind::share_bp(output, total),
        park_rank: ind::rank_of(&park, &r.enterprise_id),
        park_count: park.len() as u32,
        division_rank: if division.is_some() { ind::rank_of(&div, &r.enterprise_id) } else { None },
        division_count: div.len() as u32,
        division,
    })
}
