//! Queries of visits (走访, issue 5): plans with their enterprises, visits with photos and
//! findings, rectification follow-ups, and the period's figures. Visits are the zone's (not
//! confidential within the committee): a zone or department scope reaches all of the zone's, an
//! enterprise scope only its own (the enterprise timeline), any other scope none.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{appeal, rectification, user, visit, visit_file, visit_finding, visit_plan, visit_plan_enterprise};
use crate::{Conn, Page, PageReq, Result};

pub use rectification::Model as RectificationRow;
pub use visit::Model as VisitRow;
pub use visit_file::Model as VisitFileRow;
pub use visit_finding::Model as FindingRow;
pub use visit_plan::Model as PlanRow;
pub use visit_plan_enterprise::Model as PlanEnterpriseRow;

/// The rows of a visit-module table a scope reaches, by the table's zone and enterprise columns.
fn reach<C: ColumnTrait>(scope: &Scope, zone: C, enterprise: Option<C>) -> Condition {
    let base = Condition::all().add(zone.eq(scope.zone_id()));
    match (scope.data(), enterprise) {
        (DataScope::Zone | DataScope::Departments(_), _) => base,
        (DataScope::Enterprise(id), Some(e)) => base.add(e.eq(*id)),
        _ => base.add(Expr::val(1).eq(0)),
    }
}

fn visit_scope(scope: &Scope) -> Condition {
    reach(scope, visit::Column::ZoneId, Some(visit::Column::EnterpriseId))
}

// ---------------------------------------------------------------- plans

pub async fn insert_plan(c: &Conn<'_>, row: PlanRow, enterprises: Vec<PlanEnterpriseRow>) -> Result<()> {
    visit_plan::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    if !enterprises.is_empty() {
        let models: Vec<_> = enterprises.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        visit_plan_enterprise::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// A page of plans, newest start first, optionally those overlapping `[from, to]`.
pub async fn plans(
    c: &Conn<'_>,
    scope: &Scope,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: PageReq,
) -> Result<Page<PlanRow>> {
    let mut cond = reach(scope, visit_plan::Column::ZoneId, None);
    if let Some(f) = from {
        cond = cond.add(visit_plan::Column::EndsOn.gte(f));
    }
    if let Some(t) = to {
        cond = cond.add(visit_plan::Column::StartsOn.lte(t));
    }
    let q = visit_plan::Entity::find().filter(cond);
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(visit_plan::Column::StartsOn)
        .order_by_desc(visit_plan::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

pub async fn plan(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<PlanRow>> {
    Ok(visit_plan::Entity::find_by_id(id).filter(reach(scope, visit_plan::Column::ZoneId, None)).one(c.ex()).await?)
}

/// The enterprises of these plans.
pub async fn plan_enterprises(c: &Conn<'_>, zone_id: Uuid, plan_ids: &[Uuid]) -> Result<Vec<PlanEnterpriseRow>> {
    let mut out = Vec::new();
    for chunk in plan_ids.chunks(500) {
        out.extend(
            visit_plan_enterprise::Entity::find()
                .filter(visit_plan_enterprise::Column::ZoneId.eq(zone_id))
                .filter(visit_plan_enterprise::Column::PlanId.is_in(chunk.to_vec()))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

/// The visits recorded under these plans: (plan, enterprise) pairs.
pub async fn visited_of_plans(c: &Conn<'_>, zone_id: Uuid, plan_ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>> {
    let mut out = Vec::new();
    for chunk in plan_ids.chunks(500) {
        let rows: Vec<(Option<Uuid>, Uuid)> = visit::Entity::find()
            .select_only()
            .column(visit::Column::PlanId)
            .column(visit::Column::EnterpriseId)
            .filter(visit::Column::ZoneId.eq(zone_id))
            .filter(visit::Column::PlanId.is_in(chunk.to_vec()))
            .into_tuple()
            .all(c.ex())
            .await?;
        out.extend(rows.into_iter().filter_map(|(p, e)| p.map(|p| (p, e))));
    }
    Ok(out)
}

// ---------------------------------------------------------------- visits

pub async fn insert_visit(
    c: &Conn<'_>,
    row: VisitRow,
    files: Vec<VisitFileRow>,
    findings: Vec<FindingRow>,
) -> Result<()> {
    visit::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    if !files.is_empty() {
        let models: Vec<_> = files.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        visit_file::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    if !findings.is_empty() {
        let models: Vec<_> = findings.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        visit_finding::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub enterprise_id: Option<Uuid>,
    pub plan_id: Option<Uuid>,
    pub leader_user_id: Option<Uuid>,
}

fn filter_cond(scope: &Scope, f: &VisitFilter) -> Condition {
    use visit::Column as V;
    let mut cond = visit_scope(scope);
    if let Some(v) = f.from {
        cond = cond.add(V::VisitedOn.gte(v));
    }
    if let Some(v) = f.to {
        cond = cond.add(V::VisitedOn.lte(v));
    }
    if let Some(v) = f.enterprise_id {
        cond = cond.add(V::EnterpriseId.eq(v));
    }
    if let Some(v) = f.plan_id {
        cond = cond.add(V::PlanId.eq(v));
    }
    if let Some(v) = f.leader_user_id {
        cond = cond.add(V::LeaderUserId.eq(v));
    }
    cond
}

/// A page of visits, newest first.
pub async fn visits(c: &Conn<'_>, scope: &Scope, f: &VisitFilter, page: PageReq) -> Result<Page<VisitRow>> {
    let q = visit::Entity::find().filter(filter_cond(scope, f));
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(visit::Column::VisitedOn)
        .order_by_desc(visit::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// Every visit under the filters (the period's figures, the enterprise timeline).
pub async fn all_visits(c: &Conn<'_>, scope: &Scope, f: &VisitFilter) -> Result<Vec<VisitRow>> {
    Ok(visit::Entity::find()
        .filter(filter_cond(scope, f))
        .order_by_desc(visit::Column::VisitedOn)
        .order_by_desc(visit::Column::Id)
        .all(c.ex())
        .await?)
}

pub async fn visit(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<VisitRow>> {
    Ok(visit::Entity::find_by_id(id).filter(visit_scope(scope)).one(c.ex()).await?)
}

pub async fn files(c: &Conn<'_>, zone_id: Uuid, visit_id: Uuid) -> Result<Vec<VisitFileRow>> {
    Ok(visit_file::Entity::find()
        .filter(visit_file::Column::ZoneId.eq(zone_id))
        .filter(visit_file::Column::VisitId.eq(visit_id))
        .order_by_asc(visit_file::Column::FileId)
        .all(c.ex())
        .await?)
}

// ---------------------------------------------------------------- findings

/// The findings of these visits, in their order.
pub async fn findings(c: &Conn<'_>, zone_id: Uuid, visit_ids: &[Uuid]) -> Result<Vec<FindingRow>> {
    let mut out = Vec::new();
    for chunk in visit_ids.chunks(500) {
        out.extend(
            visit_finding::Entity::find()
                .filter(visit_finding::Column::ZoneId.eq(zone_id))
                .filter(visit_finding::Column::VisitId.is_in(chunk.to_vec()))
                .order_by_asc(visit_finding::Column::VisitId)
                .order_by_asc(visit_finding::Column::Seq)
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

pub async fn finding(c: &Conn<'_>, zone_id: Uuid, visit_id: Uuid, id: Uuid) -> Result<Option<FindingRow>> {
    Ok(visit_finding::Entity::find_by_id(id)
        .filter(visit_finding::Column::ZoneId.eq(zone_id))
        .filter(visit_finding::Column::VisitId.eq(visit_id))
        .one(c.ex())
        .await?)
}

/// Settles an open finding (`appeal` with its appeal, `rectification`, `noted`): one conditional
/// statement, so only the first of two racing clicks wins (false for the second).
pub async fn settle_finding(
    c: &Conn<'_>,
    zone_id: Uuid,
    id: Uuid,
    outcome: &str,
    appeal_id: Option<Uuid>,
) -> Result<bool> {
    use visit_finding::Column as F;
    let r = visit_finding::Entity::update_many()
        .col_expr(F::Outcome, Expr::value(outcome))
        .col_expr(F::AppealId, Expr::value(appeal_id))
        .col_expr(F::Version, Expr::col(F::Version).add(1))
        .filter(F::Id.eq(id))
        .filter(F::ZoneId.eq(zone_id))
        .filter(F::Outcome.eq("open"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- rectifications

pub async fn insert_rectification(c: &Conn<'_>, row: RectificationRow) -> Result<()> {
    rectification::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    Ok(())
}

/// The rectifications of these findings.
pub async fn rectifications_of(c: &Conn<'_>, zone_id: Uuid, finding_ids: &[Uuid]) -> Result<Vec<RectificationRow>> {
    let mut out = Vec::new();
    for chunk in finding_ids.chunks(500) {
        out.extend(
            rectification::Entity::find()
                .filter(rectification::Column::ZoneId.eq(zone_id))
                .filter(rectification::Column::FindingId.is_in(chunk.to_vec()))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

pub async fn rectification(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<RectificationRow>> {
    let cond = reach(scope, rectification::Column::ZoneId, Some(rectification::Column::EnterpriseId));
    Ok(rectification::Entity::find_by_id(id).filter(cond).one(c.ex()).await?)
}

/// Marks an open rectification done: one conditional statement (false if it already was).
pub async fn finish_rectification(
    c: &Conn<'_>,
    zone_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
    note: &str,
) -> Result<bool> {
    use rectification::Column as R;
    let r = rectification::Entity::update_many()
        .col_expr(R::State, Expr::value("done"))
        .col_expr(R::DoneAt, Expr::value(Some(at)))
        .col_expr(R::DoneBy, Expr::value(Some(by)))
        .col_expr(R::DoneNote, Expr::value(note))
        .col_expr(R::Version, Expr::col(R::Version).add(1))
        .filter(R::Id.eq(id))
        .filter(R::ZoneId.eq(zone_id))
        .filter(R::State.eq("open"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- names

/// (state, answered) of these appeals of the zone.
pub async fn appeal_states(
    c: &Conn<'_>,
    zone_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, String, Option<DateTime<Utc>>)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            appeal::Entity::find()
                .select_only()
                .column(appeal::Column::Id)
                .column(appeal::Column::Code)
                .column(appeal::Column::State)
                .column(appeal::Column::AnsweredAt)
                .filter(appeal::Column::ZoneId.eq(zone_id))
                .filter(appeal::Column::Id.is_in(chunk.to_vec()))
                .into_tuple::<(Uuid, String, String, Option<DateTime<Utc>>)>()
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

/// Display names of these users of the zone.
pub async fn user_names(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(
            user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .column(user::Column::DisplayName)
                .filter(user::Column::ZoneId.eq(zone_id))
                .filter(user::Column::Id.is_in(chunk.to_vec()))
                .into_tuple::<(Uuid, String)>()
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}
