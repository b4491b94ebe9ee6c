//! Queries of key-work supervision (督查督办, issue 6): items with their departments,
//! milestones and investment plans, progress reports, the weekly lights, meetings and follow-up
//! items. A zone scope reaches all of the zone's; a department scope the items its departments
//! lead or co-handle and the follow-ups assigned to them; any other scope none.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{
    supervision_follow_up as follow_up, supervision_item as item, supervision_item_department as item_dept,
    supervision_light as light, supervision_meeting as meeting, supervision_milestone as milestone,
    supervision_plan_month as plan_month, supervision_report as report, supervision_report_file as report_file,
    supervision_rules as rules,
};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use follow_up::Model as FollowUpRow;
pub use item::Model as ItemRow;
pub use item_dept::Model as ItemDepartmentRow;
pub use light::Model as LightRow;
pub use meeting::Model as MeetingRow;
pub use milestone::Model as MilestoneRow;
pub use plan_month::Model as PlanMonthRow;
pub use report::Model as ReportRow;
pub use report_file::Model as ReportFileRow;
pub use rules::Model as RulesRow;

fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// The items a scope reaches: the zone's, or those its departments lead or co-handle.
fn item_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(item::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Zone => base,
        DataScope::Departments(ids) => {
            let mine = Query::select()
                .column(item_dept::Column::ItemId)
                .from(item_dept::Entity)
                .and_where(item_dept::Column::ZoneId.eq(scope.zone_id()))
                .and_where(item_dept::Column::DepartmentId.is_in(ids.clone()))
                .to_owned();
            base.add(item::Column::Id.in_subquery(mine))
        }
        _ => nothing(),
    }
}

/// The follow-ups a scope reaches: the zone's, or those assigned to its departments.
fn follow_up_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(follow_up::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Zone => base,
        DataScope::Departments(ids) => base.add(follow_up::Column::DepartmentId.is_in(ids.clone())),
        _ => nothing(),
    }
}

// ---------------------------------------------------------------- rules

pub async fn rules(c: &Conn<'_>, zone_id: Uuid) -> Result<Option<RulesRow>> {
    Ok(rules::Entity::find_by_id(zone_id).one(c.ex()).await?)
}

/// Stores the rules document: inserts the first one, else one conditional UPDATE on the
/// version read (false when someone else saved in between).
pub async fn put_rules(c: &Conn<'_>, row: RulesRow, expected: Option<i32>) -> Result<bool> {
    use rules::Column as R;
    match expected {
        None => {
            let r = rules::Entity::insert(row.into_active_model().reset_all())
                .on_conflict_do_nothing_on([R::ZoneId])
                .exec_without_returning(c.ex())
                .await?;
            Ok(matches!(r, sea_orm::TryInsertResult::Inserted(1)))
        }
        Some(v) => {
            let r = rules::Entity::update_many()
                .col_expr(R::Document, Expr::value(row.document))
                .col_expr(R::UpdatedBy, Expr::value(row.updated_by))
                .col_expr(R::UpdatedAt, Expr::value(row.updated_at))
                .col_expr(R::Version, Expr::value(v + 1))
                .filter(R::ZoneId.eq(row.zone_id))
                .filter(R::Version.eq(v))
                .exec(c.ex())
                .await?;
            Ok(r.rows_affected == 1)
        }
    }
}

// ---------------------------------------------------------------- items

pub async fn insert_item(
    c: &Conn<'_>,
    row: ItemRow,
    departments: Vec<ItemDepartmentRow>,
    milestones: Vec<MilestoneRow>,
    months: Vec<PlanMonthRow>,
) -> Result<()> {
    item::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    if !departments.is_empty() {
        let m: Vec<_> = departments.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        item_dept::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    if !milestones.is_empty() {
        let m: Vec<_> = milestones.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        milestone::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    if !months.is_empty() {
        let m: Vec<_> = months.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        plan_month::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// Bulk loading (the demo and the benchmark): items with their departments, milestones and
/// monthly plans, many rows per statement, in the caller's transaction. Not for user input.
pub async fn insert_items_bulk(
    c: &Conn<'_>,
    items: &[ItemRow],
    departments: &[ItemDepartmentRow],
    milestones: &[MilestoneRow],
    months: &[PlanMonthRow],
) -> Result<()> {
    // Rows per INSERT: under SQLite's 32,766 bound variables for the widest table (36 columns).
    for chunk in items.chunks(500) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        item::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    for chunk in departments.chunks(1000) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        item_dept::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    for chunk in milestones.chunks(1000) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        milestone::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    for chunk in months.chunks(1000) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        plan_month::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// Bulk loading of progress reports (without attachments), in the caller's transaction.
pub async fn insert_reports_bulk(c: &Conn<'_>, rows: &[ReportRow]) -> Result<()> {
    for chunk in rows.chunks(1000) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        report::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// How many items of a kind the zone has for a year (numbering the next one).
pub async fn count_items(c: &Conn<'_>, zone_id: Uuid, kind: &str, year: i32) -> Result<u64> {
    Ok(item::Entity::find()
        .filter(item::Column::ZoneId.eq(zone_id))
        .filter(item::Column::Kind.eq(kind))
        .filter(item::Column::Year.eq(year))
        .count(c.ex())
        .await?)
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter {
    pub kind: Option<String>,
    pub colour: Vec<String>,
    pub department_id: Option<Uuid>,
    pub lead_user_id: Option<Uuid>,
    pub category: Option<String>,
    pub source: Option<String>,
    pub state: Option<String>,
    pub year: Option<i32>,
    pub q: Option<String>,
}

fn item_cond(scope: &Scope, f: &ItemFilter) -> Condition {
    use item::Column as I;
    let mut cond = item_scope(scope);
    if let Some(v) = &f.kind {
        cond = cond.add(I::Kind.eq(v.clone()));
    }
    if !f.colour.is_empty() {
        cond = cond.add(I::Colour.is_in(f.colour.clone()));
    }
    if let Some(d) = f.department_id {
        let co = Query::select()
            .column(item_dept::Column::ItemId)
            .from(item_dept::Entity)
            .and_where(item_dept::Column::ZoneId.eq(scope.zone_id()))
            .and_where(item_dept::Column::DepartmentId.eq(d))
            .to_owned();
        cond = cond.add(I::Id.in_subquery(co));
    }
    if let Some(v) = f.lead_user_id {
        cond = cond.add(I::LeadUserId.eq(v));
    }
    if let Some(v) = &f.category {
        cond = cond.add(I::Category.eq(v.clone()));
    }
    if let Some(v) = &f.source {
        cond = cond.add(I::Source.eq(v.clone()));
    }
    if let Some(v) = &f.state {
        cond = cond.add(I::State.eq(v.clone()));
    }
    if let Some(v) = f.year {
        cond = cond.add(I::Year.eq(v));
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let p = like_pattern(q.trim());
        cond = cond.add(Condition::any().add(I::Title.like(p.clone())).add(I::Code.like(p)));
    }
    cond
}

/// A page of items: red first, then yellow, then by due date.
pub async fn items(c: &Conn<'_>, scope: &Scope, f: &ItemFilter, page: PageReq) -> Result<Page<ItemRow>> {
    let q = item::Entity::find().filter(item_cond(scope, f));
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(Expr::cust("CASE colour WHEN 'red' THEN 2 WHEN 'yellow' THEN 1 ELSE 0 END"))
        .order_by_asc(item::Column::DueOn)
        .order_by_asc(item::Column::Code)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// Every item under the filters (the scoreboard, the dashboard, the brief).
pub async fn all_items(c: &Conn<'_>, scope: &Scope, f: &ItemFilter) -> Result<Vec<ItemRow>> {
    Ok(item::Entity::find().filter(item_cond(scope, f)).order_by_asc(item::Column::Code).all(c.ex()).await?)
}

pub async fn item(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<ItemRow>> {
    Ok(item::Entity::find_by_id(id).filter(item_scope(scope)).one(c.ex()).await?)
}

async fn by_items<E, C>(c: &Conn<'_>, zone: C, col: C, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<E::Model>>
where
    E: EntityTrait<Column = C>,
    C: ColumnTrait,
{
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        out.extend(E::find().filter(zone.eq(zone_id)).filter(col.is_in(chunk.to_vec())).all(c.ex()).await?);
    }
    Ok(out)
}

pub async fn item_departments(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<ItemDepartmentRow>> {
    by_items::<item_dept::Entity, _>(c, item_dept::Column::ZoneId, item_dept::Column::ItemId, zone_id, ids).await
}

pub async fn milestones(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<MilestoneRow>> {
    let mut v =
        by_items::<milestone::Entity, _>(c, milestone::Column::ZoneId, milestone::Column::ItemId, zone_id, ids).await?;
    v.sort_by_key(|m| (m.item_id, m.seq));
    Ok(v)
}

pub async fn plan_months(c: &Conn<'_>, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<PlanMonthRow>> {
    let mut v =
        by_items::<plan_month::Entity, _>(c, plan_month::Column::ZoneId, plan_month::Column::ItemId, zone_id, ids)
            .await?;
    v.sort_by(|a, b| (a.item_id, &a.month).cmp(&(b.item_id, &b.month)));
    Ok(v)
}

/// Records an item's latest report on the item: one conditional UPDATE on the version read
/// (false when another report landed in between).
#[expect(clippy::too_many_arguments, reason = "the columns one report moves")]
pub async fn update_progress(
    c: &Conn<'_>,
    zone_id: Uuid,
    id: Uuid,
    version: i32,
    progress_pct: i32,
    reported_on: NaiveDate,
    investment_to_date_fen: i64,
    stage: &str,
) -> Result<bool> {
    use item::Column as I;
    let r = item::Entity::update_many()
        .col_expr(I::ProgressPct, Expr::value(progress_pct))
        .col_expr(I::LastReportOn, Expr::value(Some(reported_on)))
        .col_expr(I::InvestmentToDateFen, Expr::value(investment_to_date_fen))
        .col_expr(I::Stage, Expr::value(stage))
        .col_expr(I::Version, Expr::value(version + 1))
        .filter(I::Id.eq(id))
        .filter(I::ZoneId.eq(zone_id))
        .filter(I::Version.eq(version))
        .filter(I::State.eq("open"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets an item's current light (the week's evaluation).
pub async fn set_colour(
    c: &Conn<'_>,
    zone_id: Uuid,
    id: Uuid,
    colour: &str,
    reasons: &str,
    week: NaiveDate,
) -> Result<()> {
    use item::Column as I;
    item::Entity::update_many()
        .col_expr(I::Colour, Expr::value(colour))
        .col_expr(I::ColourReasons, Expr::value(reasons))
        .col_expr(I::ColourWeek, Expr::value(Some(week)))
        .filter(I::Id.eq(id))
        .filter(I::ZoneId.eq(zone_id))
        .exec(c.ex())
        .await?;
    Ok(())
}

/// Closes an open item as done: one conditional statement (false if it was not open).
pub async fn close_item(c: &Conn<'_>, zone_id: Uuid, id: Uuid, at: DateTime<Utc>, note: &str) -> Result<bool> {
    use item::Column as I;
    let r = item::Entity::update_many()
        .col_expr(I::State, Expr::value("closed"))
        .col_expr(I::ClosedAt, Expr::value(Some(at)))
        .col_expr(I::ClosedNote, Expr::value(note))
        .col_expr(I::Version, Expr::col(I::Version).add(1))
        .filter(I::Id.eq(id))
        .filter(I::ZoneId.eq(zone_id))
        .filter(I::State.eq("open"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a milestone reached on a day, if it was not yet.
pub async fn reach_milestone(c: &Conn<'_>, zone_id: Uuid, id: Uuid, on: NaiveDate) -> Result<()> {
    use milestone::Column as M;
    milestone::Entity::update_many()
        .col_expr(M::ReachedOn, Expr::value(Some(on)))
        .filter(M::Id.eq(id))
        .filter(M::ZoneId.eq(zone_id))
        .filter(M::ReachedOn.is_null())
        .exec(c.ex())
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- reports

pub async fn insert_report(c: &Conn<'_>, row: ReportRow, files: Vec<ReportFileRow>) -> Result<()> {
    report::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    if !files.is_empty() {
        let m: Vec<_> = files.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        report_file::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// An item's reports, newest first.
pub async fn reports(c: &Conn<'_>, zone_id: Uuid, item_id: Uuid) -> Result<Vec<ReportRow>> {
    Ok(report::Entity::find()
        .filter(report::Column::ZoneId.eq(zone_id))
        .filter(report::Column::ItemId.eq(item_id))
        .order_by_desc(report::Column::ReportedOn)
        .order_by_desc(report::Column::CreatedAt)
        .all(c.ex())
        .await?)
}

pub async fn report_files(c: &Conn<'_>, zone_id: Uuid, report_ids: &[Uuid]) -> Result<Vec<ReportFileRow>> {
    by_items::<report_file::Entity, _>(
        c,
        report_file::Column::ZoneId,
        report_file::Column::ReportId,
        zone_id,
        report_ids,
    )
    .await
}

/// Whether a file is attached to a report of an item the scope reaches (attachment download).
pub async fn report_file_of(c: &Conn<'_>, scope: &Scope, item_id: Uuid, file_id: Uuid) -> Result<bool> {
    if item(c, scope, item_id).await?.is_none() {
        return Ok(false);
    }
    let reports = Query::select()
        .column(report::Column::Id)
        .from(report::Entity)
        .and_where(report::Column::ZoneId.eq(scope.zone_id()))
        .and_where(report::Column::ItemId.eq(item_id))
        .to_owned();
    let n = report_file::Entity::find()
        .filter(report_file::Column::ZoneId.eq(scope.zone_id()))
        .filter(report_file::Column::FileId.eq(file_id))
        .filter(report_file::Column::ReportId.in_subquery(reports))
        .count(c.ex())
        .await?;
    Ok(n > 0)
}

// ---------------------------------------------------------------- lights

/// Writes the week's lights: one INSERT … ON CONFLICT DO UPDATE per batch of 500.
pub async fn upsert_lights(c: &Conn<'_>, rows: Vec<LightRow>) -> Result<()> {
    use light::Column as L;
    for chunk in rows.chunks(500) {
        let m: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        light::Entity::insert_many(m)
            .on_conflict(
                OnConflict::columns([L::ItemId, L::Week])
                    .update_columns([L::Colour, L::Reasons, L::ProgressPct, L::ComputedAt])
                    .to_owned(),
            )
            .exec_without_returning(c.ex())
            .await?;
    }
    Ok(())
}

/// The zone's lights of the weeks in `[from, to]`.
pub async fn lights_between(c: &Conn<'_>, zone_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<LightRow>> {
    Ok(light::Entity::find()
        .filter(light::Column::ZoneId.eq(zone_id))
        .filter(light::Column::Week.gte(from))
        .filter(light::Column::Week.lte(to))
        .order_by_asc(light::Column::Week)
        .all(c.ex())
        .await?)
}

/// An item's lights, oldest first.
pub async fn item_lights(c: &Conn<'_>, zone_id: Uuid, item_id: Uuid) -> Result<Vec<LightRow>> {
    Ok(light::Entity::find()
        .filter(light::Column::ZoneId.eq(zone_id))
        .filter(light::Column::ItemId.eq(item_id))
        .order_by_asc(light::Column::Week)
        .all(c.ex())
        .await?)
}

// ---------------------------------------------------------------- meetings and follow-ups

pub async fn insert_meeting(c: &Conn<'_>, row: MeetingRow, follow_ups: Vec<FollowUpRow>) -> Result<()> {
    meeting::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    if !follow_ups.is_empty() {
        let m: Vec<_> = follow_ups.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        follow_up::Entity::insert_many(m).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

pub async fn meetings(c: &Conn<'_>, zone_id: Uuid, page: PageReq) -> Result<Page<MeetingRow>> {
    let q = meeting::Entity::find().filter(meeting::Column::ZoneId.eq(zone_id));
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(meeting::Column::HeldOn)
        .order_by_desc(meeting::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

pub async fn meeting(c: &Conn<'_>, zone_id: Uuid, id: Uuid) -> Result<Option<MeetingRow>> {
    Ok(meeting::Entity::find_by_id(id).filter(meeting::Column::ZoneId.eq(zone_id)).one(c.ex()).await?)
}

/// The last meeting held before a day.
pub async fn meeting_before(c: &Conn<'_>, zone_id: Uuid, before: NaiveDate) -> Result<Option<MeetingRow>> {
    Ok(meeting::Entity::find()
        .filter(meeting::Column::ZoneId.eq(zone_id))
        .filter(meeting::Column::HeldOn.lt(before))
        .order_by_desc(meeting::Column::HeldOn)
        .one(c.ex())
        .await?)
}

pub async fn insert_follow_up(c: &Conn<'_>, row: FollowUpRow) -> Result<()> {
    follow_up::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub state: Option<String>,
    pub item_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
}

pub async fn follow_ups(c: &Conn<'_>, scope: &Scope, f: &FollowUpFilter) -> Result<Vec<FollowUpRow>> {
    use follow_up::Column as F;
    let mut cond = follow_up_scope(scope);
    if let Some(v) = &f.state {
        cond = cond.add(F::State.eq(v.clone()));
    }
    if let Some(v) = f.item_id {
        cond = cond.add(F::ItemId.eq(v));
    }
    if let Some(v) = f.meeting_id {
        cond = cond.add(F::MeetingId.eq(v));
    }
    if let Some(v) = f.department_id {
        cond = cond.add(F::DepartmentId.eq(v));
    }
    Ok(follow_up::Entity::find()
        .filter(cond)
        .order_by_asc(F::DueOn)
        .order_by_asc(F::CreatedAt)
        .limit(2000)
        .all(c.ex())
        .await?)
}

pub async fn follow_up(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<FollowUpRow>> {
    Ok(follow_up::Entity::find_by_id(id).filter(follow_up_scope(scope)).one(c.ex()).await?)
}

/// Marks an open follow-up done: one conditional statement (false if it already was).
pub async fn finish_follow_up(
    c: &Conn<'_>,
    zone_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
    note: &str,
) -> Result<bool> {
    use follow_up::Column as F;
    let r = follow_up::Entity::update_many()
        .col_expr(F::State, Expr::value("done"))
        .col_expr(F::DoneAt, Expr::value(Some(at)))
        .col_expr(F::DoneBy, Expr::value(Some(by)))
        .col_expr(F::DoneNote, Expr::value(note))
        .col_expr(F::Version, Expr::col(F::Version).add(1))
        .filter(F::Id.eq(id))
        .filter(F::ZoneId.eq(zone_id))
        .filter(F::State.eq("open"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- for the lights and the checks

/// The zone's open items (or those of `only` that are open).
pub async fn open_items(c: &Conn<'_>, zone_id: Uuid, only: Option<&[Uuid]>) -> Result<Vec<ItemRow>> {
    let mut q = item::Entity::find().filter(item::Column::ZoneId.eq(zone_id)).filter(item::Column::State.eq("open"));
    if let Some(ids) = only {
        q = q.filter(item::Column::Id.is_in(ids.to_vec()));
    }
    Ok(q.order_by_asc(item::Column::Code).all(c.ex()).await?)
}

/// Zones that have open items (the background evaluation).
pub async fn zones_with_open_items(c: &Conn<'_>) -> Result<Vec<Uuid>> {
    Ok(item::Entity::find()
        .select_only()
        .column(item::Column::ZoneId)
        .distinct()
        .filter(item::Column::State.eq("open"))
        .into_tuple::<Uuid>()
        .all(c.ex())
        .await?)
}

/// The lights of some items in the weeks `[from, to]`.
pub async fn item_lights_between(
    c: &Conn<'_>,
    zone_id: Uuid,
    ids: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<LightRow>> {
    Ok(light::Entity::find()
        .filter(light::Column::ZoneId.eq(zone_id))
        .filter(light::Column::ItemId.is_in(ids.to_vec()))
        .filter(light::Column::Week.gte(from))
        .filter(light::Column::Week.lte(to))
        .all(c.ex())
        .await?)
}

/// Active staff accounts of the zone (not enterprise or worker accounts): who may lead an item.
pub async fn staff_user_ids(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<Uuid>> {
    use crate::entity::user;
    Ok(user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::EnterpriseId.is_null())
        .into_tuple::<Uuid>()
        .all(c.ex())
        .await?)
}

/// The zone's enterprise ids.
pub async fn enterprise_ids(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<Uuid>> {
    use crate::entity::enterprise;
    Ok(enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::Id)
        .filter(enterprise::Column::ZoneId.eq(zone_id))
        .into_tuple::<Uuid>()
        .all(c.ex())
        .await?)
}
