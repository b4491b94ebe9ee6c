//! The economic dashboard's reads that rollups cannot answer: each enterprise's year-to-date
//! output against the same span a year earlier (for the top 20 and the decliners), the latest
//! published evaluation's class distribution, and the annual targets.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::entity::{eval_result, eval_scheme, stat_report, stat_target};
use crate::{Conn, Result};

use super::rollup::VERIFIED;

/// One enterprise's output summed over `[from, to]` and over `[prev_from, prev_to]`.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct EnterpriseSpan {
    pub enterprise_id: Uuid,
    pub current: i64,
    pub previous: i64,
}

/// Verified output per enterprise over two disjoint spans (`prev_to < from`), one grouped query.
pub async fn output_spans(
    c: &Conn<'_>,
    zone_id: Uuid,
    (from, to): (i32, i32),
    (prev_from, prev_to): (i32, i32),
) -> Result<Vec<EnterpriseSpan>> {
    let period = || Expr::col((stat_report::Entity, stat_report::Column::Period));
    let output = || Expr::col((stat_report::Entity, stat_report::Column::OutputFen));
    let sum_when = |cond: sea_orm::sea_query::Expr| {
        Func::cast_as(
            Func::coalesce([Expr::from(Func::sum(Expr::case(cond, output()).finally(0))), Expr::val(0)]),
            Alias::new("BIGINT"),
        )
    };
    let mut q = Query::select();
    q.column((stat_report::Entity, stat_report::Column::EnterpriseId))
        .expr_as(sum_when(period().gte(from)), Alias::new("current"))
        .expr_as(sum_when(period().lte(prev_to)), Alias::new("previous"))
        .from(stat_report::Entity)
        .and_where(Expr::col(stat_report::Column::ZoneId).eq(zone_id))
        .and_where(Expr::col(stat_report::Column::State).eq(VERIFIED))
        .and_where(period().between(from, to).or(period().between(prev_from, prev_to)))
        .group_by_col(stat_report::Column::EnterpriseId);
    let stmt = c.ex().get_database_backend().build(&q);
    let rows = c.ex().query_all_raw(stmt).await?;
    Ok(rows.iter().map(|r| EnterpriseSpan::from_query_result(r, "")).collect::<Result<_, _>>()?)
}

/// The newest published evaluation of a zone: its year and the number of results per class.
pub async fn latest_class_counts(c: &Conn<'_>, zone_id: Uuid) -> Result<Option<(i32, Vec<(String, i64)>)>> {
    let Some(scheme) = eval_scheme::Entity::find()
        .filter(eval_scheme::Column::ZoneId.eq(zone_id))
        .filter(eval_scheme::Column::Status.eq("published"))
        .order_by_desc(eval_scheme::Column::Year)
        .one(c.ex())
        .await?
    else {
        return Ok(None);
    };
    let counts = eval_result::Entity::find()
        .select_only()
        .column(eval_result::Column::Class)
        .column_as(eval_result::Column::Id.count(), "n")
        .filter(eval_result::Column::ZoneId.eq(zone_id))
        .filter(eval_result::Column::SchemeId.eq(scheme.id))
        .group_by(eval_result::Column::Class)
        .order_by_asc(eval_result::Column::Class)
        .into_tuple::<(String, i64)>()
        .all(c.ex())
        .await?;
    Ok(Some((scheme.year, counts)))
}

/// A zone's target for a year and metric.
pub async fn target(c: &Conn<'_>, zone_id: Uuid, year: i32, metric: &str) -> Result<Option<i64>> {
    Ok(stat_target::Entity::find()
        .filter(stat_target::Column::ZoneId.eq(zone_id))
        .filter(stat_target::Column::Year.eq(year))
        .filter(stat_target::Column::Metric.eq(metric))
        .one(c.ex())
        .await?
        .map(|t| t.target))
}

/// The newest period with verified data at or before `at_most`, if any.
pub async fn latest_period(c: &Conn<'_>, zone_id: Uuid, at_most: i32) -> Result<Option<i32>> {
    use crate::entity::stat_rollup;
    Ok(stat_rollup::Entity::find()
        .select_only()
        .column(stat_rollup::Column::Period)
        .filter(stat_rollup::Column::ZoneId.eq(zone_id))
        .filter(stat_rollup::Column::Dim.eq("zone"))
        .filter(stat_rollup::Column::Period.lte(at_most))
        .order_by_desc(stat_rollup::Column::Period)
        .into_tuple::<i32>()
        .one(c.ex())
        .await?)
}

/// Names and parks of a few enterprises of a zone (the dashboard's lists).
pub async fn names_of(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, String, Uuid)>> {
    use crate::entity::enterprise;
    Ok(enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::Id)
        .column(enterprise::Column::Name)
        .column(enterprise::Column::ParkId)
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .filter(enterprise::Column::Id.is_in(ids.to_vec()))
        .into_tuple::<(Uuid, String, Uuid)>()
        .all(c.ex())
        .await?)
}

/// A zone's targets, newest year first.
pub async fn targets(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<stat_target::Model>> {
    Ok(stat_target::Entity::find()
        .filter(stat_target::Column::ZoneId.eq(zone_id))
        .order_by_desc(stat_target::Column::Year)
        .order_by_asc(stat_target::Column::Metric)
        .all(c.ex())
        .await?)
}

/// Sets a zone's target for a year and metric: one INSERT … ON CONFLICT DO UPDATE (two people
/// setting it at once leave one of their values, never an error), version bumped.
pub async fn set_target(c: &Conn<'_>, row: stat_target::Model) -> Result<stat_target::Model> {
    use sea_orm::sea_query::OnConflict;
    use sea_orm::{ActiveModelTrait, IntoActiveModel};
    let (zone_id, year, metric) = (row.zone_id, row.year, row.metric.clone());
    stat_target::Entity::insert(row.into_active_model().reset_all())
        .on_conflict(
            OnConflict::columns([stat_target::Column::ZoneId, stat_target::Column::Year, stat_target::Column::Metric])
                .update_column(stat_target::Column::Target)
                .value(
                    stat_target::Column::Version,
                    Expr::col((stat_target::Entity, stat_target::Column::Version)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(c.ex())
        .await?;
    stat_target::Entity::find()
        .filter(stat_target::Column::ZoneId.eq(zone_id))
        .filter(stat_target::Column::Year.eq(year))
        .filter(stat_target::Column::Metric.eq(metric))
        .one(c.ex())
        .await?
        .ok_or_else(|| crate::StoreError::Db(sea_orm::DbErr::RecordNotFound("stat_target".into())))
}
