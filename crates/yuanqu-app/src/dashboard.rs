//! The economic dashboard (issue 4): above-scale output by month with its same-caliber YoY,
//! year to date against the annual target, by park, by industry, the top 20 and the decliners,
//! and the latest evaluation's A/B/C/D distribution. Read from the rollups (a few dozen rows a
//! period) plus one grouped query over the year's reports for the per-enterprise lists.

use std::collections::HashMap;

use yuanqu_domain::identity::Permission;
use yuanqu_domain::stats::{Period, indicators};
use yuanqu_domain::{DataScope, industry};
use yuanqu_store::identity as iq;
use yuanqu_store::stats::{dashboard as q, rollup};

use crate::{Actor, App, AppError, Uuid};

/// Growth in percent with one decimal (None when there is no positive base).
pub fn growth_pct(current: i64, base: i64) -> Option<f64> {
    indicators::growth_scaled(current, base, 1000).filter(|_| base > 0).map(|permille| permille as f64 / 10.0)
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthPoint {
    pub period: Period,
    /// 规上工业总产值 this month, fen.
    pub above_output_fen: i64,
    /// Same-caliber YoY, %.
    pub yoy_pct: Option<f64>,
    pub reports: i32,
}

/// One slice (a park, an industry) of the year to date.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub key: String,
    pub name: String,
    pub output_fen: i64,
    pub yoy_pct: Option<f64>,
    /// Year-to-date operating revenue, fen (a logistics park has revenue but no industrial output).
    pub revenue_fen: i64,
    pub enterprises: i32,
}

/// One enterprise's year to date.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseYtd {
    pub id: Uuid,
    pub name: String,
    pub park_name: String,
    pub output_fen: i64,
    pub yoy_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Economy {
    /// The month shown: the newest with verified data at or before the one asked for.
    pub period: Option<Period>,
    pub months: Vec<MonthPoint>,
    /// Above-scale enterprises reporting this month, and all reporting.
    pub above_count: i32,
    pub reports: i32,
    /// Year to date (Jan..period) of above-scale output, its same-caliber YoY and the target.
    pub ytd_above_output_fen: i64,
    pub ytd_yoy_pct: Option<f64>,
    pub target_fen: Option<i64>,
    pub ytd_revenue_fen: i64,
    pub ytd_tax_fen: i64,
    pub ytd_profit_fen: i64,
    pub ytd_electricity_kwh: i64,
    pub by_park: Vec<Slice>,
    pub by_industry: Vec<Slice>,
    pub top: Vec<EnterpriseYtd>,
    pub decliners: Vec<EnterpriseYtd>,
    /// The latest published evaluation: its year and count per class.
    pub classes: Option<(i32, Vec<(String, i64)>)>,
}

/// The zone's economy for `period` (default: the newest verified month).
pub async fn economy(app: &App, actor: &Actor, period: Option<Period>) -> Result<Economy, AppError> {
    actor.require(Permission::EconomyRead)?;
    let scope = actor.scope();
    if !matches!(scope.data(), DataScope::Zone | DataScope::Departments(_)) {
        // The zone's aggregates are not an enterprise's to see.
        return Err(AppError::Forbidden);
    }
    let zone_id = scope.zone_id();
    let c = app.db.conn();
    let asked = period.unwrap_or_else(|| Period::of(app.now().date_naive()));
    let Some(p) = q::latest_period(&c, zone_id, asked.yyyymm()).await?.and_then(Period::from_yyyymm) else {
        return Ok(empty());
    };
    let zone_rows = rollup::rows(&c, zone_id, "zone", p.plus(-23).yyyymm(), p.yyyymm()).await?;
    let months = zone_rows
        .iter()
        .filter_map(|r| {
            Some(MonthPoint {
                period: Period::from_yyyymm(r.period)?,
                above_output_fen: r.above_output_fen,
                yoy_pct: growth_pct(r.above_output_fen, r.above_prev_output_fen),
                reports: r.reports,
            })
        })
        .collect();
    let ytd = |rows: &[rollup::RollupRow]| {
        rows.iter()
            .filter(|r| r.period >= p.january().yyyymm() && r.period <= p.yyyymm())
            .fold(Sums::default(), |acc, r| acc.plus(r))
    };
    let year = ytd(&zone_rows);
    let current = zone_rows.iter().find(|r| r.period == p.yyyymm());

    let parks: HashMap<Uuid, String> =
        iq::parks(&c, &yuanqu_domain::Scope::zone(zone_id)).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let slices = |rows: Vec<rollup::RollupRow>, name: &dyn Fn(&str) -> String| {
        let mut by: HashMap<String, Vec<rollup::RollupRow>> = HashMap::new();
        for r in rows {
            by.entry(r.dim_key.clone()).or_default().push(r);
        }
        let mut out: Vec<Slice> = by
            .into_iter()
            .map(|(key, rows)| {
                let y = ytd(&rows);
                let last = rows.iter().find(|r| r.period == p.yyyymm()).map(|r| r.reports).unwrap_or(0);
                Slice {
                    name: name(&key),
                    output_fen: y.output_fen,
                    yoy_pct: growth_pct(y.output_fen, y.prev_output_fen),
                    revenue_fen: y.revenue_fen,
                    enterprises: last,
                    key,
                }
            })
            .collect();
        out.sort_by(|a, b| (b.output_fen, b.revenue_fen).cmp(&(a.output_fen, a.revenue_fen)).then(a.key.cmp(&b.key)));
        out
    };
    let from = p.january().yyyymm();
    let by_park = slices(rollup::rows(&c, zone_id, "park", from, p.yyyymm()).await?, &|k: &str| {
        k.parse::<Uuid>().ok().and_then(|id| parks.get(&id).cloned()).unwrap_or_else(|| k.to_owned())
    });
    let by_industry = slices(rollup::rows(&c, zone_id, "division", from, p.yyyymm()).await?, &industry_name);

    let spans =
        q::output_spans(&c, zone_id, (from, p.yyyymm()), (p.january().year_ago().yyyymm(), p.year_ago().yyyymm()))
            .await?;
    let mut top: Vec<&q::EnterpriseSpan> = spans.iter().filter(|s| s.current > 0).collect();
    top.sort_by(|a, b| b.current.cmp(&a.current).then(a.enterprise_id.cmp(&b.enterprise_id)));
    // Decliners: the largest falls in YTD output against a base of some size (≥ 1,000 万元 a year
    // earlier), so a workshop's tiny swing does not top the list; enterprises that stopped
    // reporting (closed, moved out) are not decliners.
    let mut decliners: Vec<(f64, &q::EnterpriseSpan)> = spans
        .iter()
        .filter(|s| s.previous >= 1_000_000_000 && s.current > 0)
        .filter_map(|s| growth_pct(s.current, s.previous).filter(|g| *g < 0.0).map(|g| (g, s)))
        .collect();
    decliners.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.enterprise_id.cmp(&b.1.enterprise_id)));

    top.truncate(20);
    decliners.truncate(20);
    let wanted: Vec<Uuid> =
        top.iter().map(|s| s.enterprise_id).chain(decliners.iter().map(|d| d.1.enterprise_id)).collect();
    let names: HashMap<Uuid, (String, Uuid)> =
        q::names_of(&c, zone_id, &wanted).await?.into_iter().map(|(id, name, park)| (id, (name, park))).collect();
    let row = |s: &q::EnterpriseSpan| {
        let (name, park) = names.get(&s.enterprise_id).cloned().unwrap_or_default();
        EnterpriseYtd {
            id: s.enterprise_id,
            name,
            park_name: parks.get(&park).cloned().unwrap_or_default(),
            output_fen: s.current,
            yoy_pct: growth_pct(s.current, s.previous),
        }
    };
    Ok(Economy {
        period: Some(p),
        months,
        above_count: current.map(|r| r.above_count).unwrap_or(0),
        reports: current.map(|r| r.reports).unwrap_or(0),
        ytd_above_output_fen: year.above_output_fen,
        ytd_yoy_pct: growth_pct(year.above_output_fen, year.above_prev_output_fen),
        target_fen: q::target(&c, zone_id, p.year(), "above_output_fen").await?,
        ytd_revenue_fen: year.revenue_fen,
        ytd_tax_fen: year.tax_fen,
        ytd_profit_fen: year.profit_fen,
        ytd_electricity_kwh: year.electricity_kwh,
        by_park,
        by_industry,
        top: top.into_iter().map(row).collect(),
        decliners: decliners.into_iter().map(|(_, s)| row(s)).collect(),
        classes: q::latest_class_counts(&c, zone_id).await?,
    })
}

fn industry_name(code: &str) -> String {
    industry::division_name(code).map(|n| format!("{code} {n}")).unwrap_or_else(|| code.to_owned())
}

/// Year-to-date sums of rollup rows.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    output_fen: i64,
    prev_output_fen: i64,
    above_output_fen: i64,
    above_prev_output_fen: i64,
    revenue_fen: i64,
    tax_fen: i64,
    profit_fen: i64,
    electricity_kwh: i64,
}

impl Sums {
    fn plus(self, r: &rollup::RollupRow) -> Self {
        Self {
            output_fen: self.output_fen + r.output_fen,
            prev_output_fen: self.prev_output_fen + r.prev_output_fen,
            above_output_fen: self.above_output_fen + r.above_output_fen,
            above_prev_output_fen: self.above_prev_output_fen + r.above_prev_output_fen,
            revenue_fen: self.revenue_fen + r.revenue_fen,
            tax_fen: self.tax_fen + r.tax_fen,
            profit_fen: self.profit_fen + r.profit_fen,
            electricity_kwh: self.electricity_kwh + r.electricity_kwh,
        }
    }
}

fn empty() -> Economy {
    Economy {
        period: None,
        months: vec![],
        above_count: 0,
        reports: 0,
        ytd_above_output_fen: 0,
        ytd_yoy_pct: None,
        target_fen: None,
        ytd_revenue_fen: 0,
        ytd_tax_fen: 0,
        ytd_profit_fen: 0,
        ytd_electricity_kwh: 0,
        by_park: vec![],
        by_industry: vec![],
        top: vec![],
        decliners: vec![],
        classes: None,
    }
}
