//! Rollups (issue 4): per period, the sums of verified reports for the zone, each park, each
//! GB/T 4754 section and each division, with the same enterprises' output a year earlier
//! (same caliber, 同口径) for YoY. Rebuilt for a period inside the transaction that verifies,
//! imports or corrects a report of it (and of the period a year later, whose YoY it feeds), so
//! dashboards read a few dozen rows instead of grouping millions.

use std::collections::{BTreeMap, HashMap};

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;
use yuanqu_domain::industry;

use crate::entity::{stat_report, stat_rollup};
use crate::{Conn, Result};

pub use stat_rollup::Model as RollupRow;

pub use super::VERIFIED;

fn empty(zone_id: Uuid, period: i32, dim: &str, key: String) -> RollupRow {
    RollupRow {
        zone_id,
        period,
        dim: dim.to_owned(),
        dim_key: key,
        reports: 0,
        above_count: 0,
        output_fen: 0,
        revenue_fen: 0,
        profit_fen: 0,
        tax_fen: 0,
        electricity_kwh: 0,
        employees: 0,
        rd_fen: 0,
        above_output_fen: 0,
        prev_output_fen: 0,
        above_prev_output_fen: 0,
    }
}

/// The dimensions a report counts in.
fn keys(r: &stat_report::Model) -> Vec<(&'static str, String)> {
    let mut k = vec![("zone", "all".to_owned()), ("park", r.park_id.to_string())];
    if let Some(code) = &r.industry_code {
        if let Some(s) = industry::section_of(code) {
            k.push(("section", s.to_string()));
        }
        if let Some(d) = industry::division_of(code) {
            k.push(("division", d.to_owned()));
        }
    }
    k
}

/// Recomputes the rollup rows of one period from the verified reports (call inside the writing
/// transaction, after the reports changed).
pub async fn rebuild(c: &Conn<'_>, zone_id: Uuid, period: i32) -> Result<()> {
    let reports = stat_report::Entity::find()
        .filter(stat_report::Column::ZoneId.eq(zone_id))
        .filter(stat_report::Column::Period.eq(period))
        .filter(stat_report::Column::State.eq(VERIFIED))
        .all(c.ex())
        .await?;
    let year_ago = yuanqu_domain::stats::Period::from_yyyymm(period).map(|p| p.year_ago().yyyymm()).unwrap_or(0);
    let prev: HashMap<Uuid, i64> = stat_report::Entity::find()
        .select_only()
        .column(stat_report::Column::EnterpriseId)
        .column(stat_report::Column::OutputFen)
        .filter(stat_report::Column::ZoneId.eq(zone_id))
        .filter(stat_report::Column::Period.eq(year_ago))
        .filter(stat_report::Column::State.eq(VERIFIED))
        .into_tuple::<(Uuid, Option<i64>)>()
        .all(c.ex())
        .await?
        .into_iter()
        .map(|(id, v)| (id, v.unwrap_or(0)))
        .collect();
    let mut rows: BTreeMap<(&'static str, String), RollupRow> = BTreeMap::new();
    for r in &reports {
        let before = prev.get(&r.enterprise_id).copied().unwrap_or(0);
        for (dim, key) in keys(r) {
            let row = rows.entry((dim, key.clone())).or_insert_with(|| empty(zone_id, period, dim, key));
            row.reports += 1;
            row.output_fen += r.output_fen.unwrap_or(0);
            row.revenue_fen += r.revenue_fen.unwrap_or(0);
            row.profit_fen += r.profit_fen.unwrap_or(0);
            row.tax_fen += r.tax_fen.unwrap_or(0);
            row.electricity_kwh += r.electricity_kwh.unwrap_or(0);
            row.employees += r.employees.unwrap_or(0);
            row.rd_fen += r.rd_fen.unwrap_or(0);
            row.prev_output_fen += before;
            if r.above_scale {
                row.above_count += 1;
                row.above_output_fen += r.output_fen.unwrap_or(0);
                row.above_prev_output_fen += before;
            }
        }
    }
    stat_rollup::Entity::delete_many()
        .filter(stat_rollup::Column::ZoneId.eq(zone_id))
        .filter(stat_rollup::Column::Period.eq(period))
        .exec(c.ex())
        .await?;
    let models: Vec<stat_rollup::ActiveModel> = rows.into_values().map(Into::into).collect();
    for chunk in models.chunks(200) {
        stat_rollup::Entity::insert_many(chunk.to_vec()).exec(c.ex()).await?;
    }
    Ok(())
}

/// Rebuilds a period and the period a year later (whose YoY reads it).
pub async fn rebuild_with_next_year(c: &Conn<'_>, zone_id: Uuid, period: i32) -> Result<()> {
    rebuild(c, zone_id, period).await?;
    if let Some(p) = yuanqu_domain::stats::Period::from_yyyymm(period) {
        let next = p.plus(12).yyyymm();
        if next != period {
            rebuild(c, zone_id, next).await?;
        }
    }
    Ok(())
}

/// Rollup rows of one dimension over a range of periods, oldest first.
pub async fn rows(c: &Conn<'_>, zone_id: Uuid, dim: &str, from: i32, to: i32) -> Result<Vec<RollupRow>> {
    Ok(stat_rollup::Entity::find()
        .filter(stat_rollup::Column::ZoneId.eq(zone_id))
        .filter(stat_rollup::Column::Dim.eq(dim))
        .filter(stat_rollup::Column::Period.between(from, to))
        .order_by_asc(stat_rollup::Column::Period)
        .order_by_asc(stat_rollup::Column::DimKey)
        .all(c.ex())
        .await?)
}
