//! Queries of enterprise appeals (issue 5): categories and routing rules, appeals under a
//! scope (an enterprise reaches its own; a department its lead and co-handled ones; a leader
//! the zone), their timeline, attachments, extensions, and the escalation sweep's due rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{
    appeal, appeal_category, appeal_event, appeal_extension, appeal_file, appeal_handler, appeal_route,
};
use crate::{Conn, PageReq, Result, like_pattern};

pub use appeal::Model as AppealRow;
pub use appeal_category::Model as CategoryRow;
pub use appeal_event::Model as EventRow;
pub use appeal_extension::Model as ExtensionRow;
pub use appeal_file::Model as AppealFileRow;
pub use appeal_handler::Model as HandlerRow;
pub use appeal_route::Model as RouteRow;

/// The appeals handled by one of `departments` (lead or co-handling: the lead department always
/// has a handler row too), as one `id IN (SELECT appeal_id …)` the covering index
/// `ix_appeal_handler_zone_dept_appeal` answers.
fn handled_by_any(zone_id: Uuid, departments: Vec<Uuid>) -> Condition {
    let q = Query::select()
        .column(appeal_handler::Column::AppealId)
        .from(appeal_handler::Entity)
        .and_where(appeal_handler::Column::ZoneId.eq(zone_id))
        .and_where(appeal_handler::Column::DepartmentId.is_in(departments))
        .to_owned();
    Condition::all().add(appeal::Column::Id.in_subquery(q))
}

/// The appeals a scope reaches.
fn appeal_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(appeal::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Zone => base,
        DataScope::Enterprise(id) => base.add(appeal::Column::EnterpriseId.eq(*id)),
        DataScope::Departments(ids) => base.add(handled_by_any(scope.zone_id(), ids.clone())),
        DataScope::Own(_) | DataScope::PartyOrganizations(_) => base.add(Expr::val(1).eq(0)),
    }
}

// ---------------------------------------------------------------- rules

pub async fn categories(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<CategoryRow>> {
    Ok(appeal_category::Entity::find()
        .filter(appeal_category::Column::ZoneId.eq(zone_id))
        .order_by_asc(appeal_category::Column::Sort)
        .order_by_asc(appeal_category::Column::Code)
        .all(c.ex())
        .await?)
}

pub async fn routes(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<RouteRow>> {
    Ok(appeal_route::Entity::find()
        .filter(appeal_route::Column::ZoneId.eq(zone_id))
        .order_by_asc(appeal_route::Column::CreatedAt)
        .order_by_asc(appeal_route::Column::Id)
        .all(c.ex())
        .await?)
}

/// Inserts new categories and rewrites changed ones (by id), inside the caller's transaction.
pub async fn save_categories(
    c: &Conn<'_>,
    zone_id: Uuid,
    insert: Vec<CategoryRow>,
    update: Vec<CategoryRow>,
) -> Result<()> {
    for row in update {
        let am = CategoryRow { zone_id, ..row }.into_active_model().reset_all();
        appeal_category::Entity::update_many()
            .set(am)
            .filter(appeal_category::Column::ZoneId.eq(zone_id))
            .exec(c.ex())
            .await?;
    }
    if !insert.is_empty() {
        let models: Vec<_> =
            insert.into_iter().map(|r| CategoryRow { zone_id, ..r }.into_active_model().reset_all()).collect();
        appeal_category::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// Replaces the zone's routing rules.
pub async fn replace_routes(c: &Conn<'_>, zone_id: Uuid, rows: Vec<RouteRow>) -> Result<()> {
    appeal_route::Entity::delete_many().filter(appeal_route::Column::ZoneId.eq(zone_id)).exec(c.ex()).await?;
    if !rows.is_empty() {
        let models: Vec<_> =
            rows.into_iter().map(|r| RouteRow { zone_id, ..r }.into_active_model().reset_all()).collect();
        appeal_route::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

// ---------------------------------------------------------------- appeals

pub async fn insert_appeal(c: &Conn<'_>, row: AppealRow, handlers: Vec<HandlerRow>) -> Result<()> {
    appeal::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    replace_handlers(c, None, handlers).await
}

/// Replaces an appeal's handling departments (after a dispatch or transfer).
pub async fn replace_handlers(c: &Conn<'_>, appeal_id: Option<(Uuid, Uuid)>, rows: Vec<HandlerRow>) -> Result<()> {
    if let Some((zone_id, id)) = appeal_id {
        appeal_handler::Entity::delete_many()
            .filter(appeal_handler::Column::ZoneId.eq(zone_id))
            .filter(appeal_handler::Column::AppealId.eq(id))
            .exec(c.ex())
            .await?;
    }
    if !rows.is_empty() {
        let models: Vec<_> = rows.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        appeal_handler::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// Inserts many appeals at once (the demo and the benchmark).
pub async fn insert_appeals(
    c: &Conn<'_>,
    rows: Vec<AppealRow>,
    handlers: Vec<HandlerRow>,
    events: Vec<EventRow>,
) -> Result<()> {
    for chunk in rows.chunks(200) {
        let models: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        appeal::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    for chunk in handlers.chunks(500) {
        let models: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        appeal_handler::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    for chunk in events.chunks(300) {
        let models: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        appeal_event::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// One appeal within the scope.
pub async fn appeal(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<AppealRow>> {
    Ok(appeal::Entity::find_by_id(id).filter(appeal_scope(scope)).one(c.ex()).await?)
}

/// Writes every field of `row` if the stored version is still `row.version - 1`: one conditional
/// statement (invariant 7); false when someone else changed it first.
pub async fn update_appeal(c: &Conn<'_>, row: &AppealRow) -> Result<bool> {
    let mut am = row.clone().into_active_model().reset_all();
    // Never SET the key: rewriting a parent key (even to itself) makes SQLite check every child
    // table for rows referring to it, a scan of the whole timeline per update.
    am.id = sea_orm::ActiveValue::NotSet;
    am.zone_id = sea_orm::ActiveValue::NotSet;
    let r = appeal::Entity::update_many()
        .set(am)
        .filter(appeal::Column::Id.eq(row.id))
        .filter(appeal::Column::ZoneId.eq(row.zone_id))
        .filter(appeal::Column::Version.eq(row.version - 1))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// The lead and co-handling departments of an appeal.
pub async fn handlers(c: &Conn<'_>, zone_id: Uuid, appeal_id: Uuid) -> Result<Vec<HandlerRow>> {
    Ok(appeal_handler::Entity::find()
        .filter(appeal_handler::Column::ZoneId.eq(zone_id))
        .filter(appeal_handler::Column::AppealId.eq(appeal_id))
        .all(c.ex())
        .await?)
}

/// The list's filters (already parsed by the application).
#[derive(Debug, Clone, Default)]
pub struct AppealFilter {
    pub states: Vec<String>,
    /// `green`, `yellow`, `red` (open, timed appeals) at `now`.
    pub light: Option<String>,
    pub now: Option<DateTime<Utc>>,
    pub category_id: Option<Uuid>,
    /// Lead department (a queue) …
    pub department_id: Option<Uuid>,
    /// … or lead or co-handling.
    pub handled_by: Option<Uuid>,
    pub park_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
    /// Part of the number, title or text.
    pub q: Option<String>,
    /// `due` (soonest deadline first, the queues), `received` (newest first, default).
    pub sort: Option<String>,
}

fn filter_cond(scope: &Scope, f: &AppealFilter) -> Condition {
    use appeal::Column as A;
    // A department filter inside the scope's departments implies the scope (the lead department
    // has a handler row): the zone alone lets the filter's index drive the query.
    let implied = match scope.data() {
        DataScope::Departments(ids) => {
            f.department_id.is_some_and(|d| ids.contains(&d)) || f.handled_by.is_some_and(|d| ids.contains(&d))
        }
        _ => false,
    };
    let mut cond = if implied { Condition::all().add(A::ZoneId.eq(scope.zone_id())) } else { appeal_scope(scope) };
    if !f.states.is_empty() {
        cond = cond.add(A::State.is_in(f.states.clone()));
    }
    if let (Some(light), Some(now)) = (f.light.as_deref(), f.now) {
        cond = match light {
            "red" => cond.add(A::NextDueAt.lte(now)),
            "yellow" => cond.add(A::NextDueAt.gt(now)).add(A::YellowAt.lte(now)),
            "green" => cond.add(A::YellowAt.gt(now)),
            "paused" => cond.add(A::PausedAt.is_not_null()),
            _ => cond,
        };
    }
    if let Some(v) = f.category_id {
        cond = cond.add(A::CategoryId.eq(v));
    }
    if let Some(v) = f.department_id {
        cond = cond.add(A::DepartmentId.eq(v));
    }
    if let Some(d) = f.handled_by {
        cond = cond.add(handled_by_any(scope.zone_id(), vec![d]));
    }
    if let Some(v) = f.park_id {
        cond = cond.add(A::ParkId.eq(v));
    }
    if let Some(v) = f.enterprise_id {
        cond = cond.add(A::EnterpriseId.eq(v));
    }
    if let Some(v) = f.received_from {
        cond = cond.add(A::ReceivedAt.gte(v));
    }
    if let Some(v) = f.received_to {
        cond = cond.add(A::ReceivedAt.lt(v));
    }
    if let Some(q) = text_of(f) {
        let p = like_pattern(q);
        cond = cond.add(
            Condition::any().add(A::Code.like(p.clone())).add(A::Title.like(p.clone())).add(A::Description.like(p)),
        );
    }
    cond
}

fn text_of(f: &AppealFilter) -> Option<&str> {
    f.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
}

/// Lists count matching rows up to here; beyond it the total is "10,000 or more".
pub const COUNT_CAP: u64 = 10_000;

/// A page of appeals and how many match: exactly, or (`exact` false) at least `total`.
#[derive(Debug, Clone)]
pub struct AppealPage {
    pub items: Vec<AppealRow>,
    pub total: u64,
    pub exact: bool,
}

/// `COUNT(*)` of at most `cap + 1` rows matching `cond`: (count up to `cap`, whether exact).
async fn capped_count(c: &Conn<'_>, cond: Condition, cap: u64) -> Result<(u64, bool)> {
    use sea_orm::sea_query::{Alias, Func};
    let inner = appeal::Entity::find().select_only().expr(Expr::val(1)).filter(cond).limit(cap + 1).into_query();
    let mut q = Query::select();
    q.expr_as(Func::count(Expr::val(1)), Alias::new("n")).from_subquery(inner, Alias::new("t"));
    let stmt = c.ex().get_database_backend().build(&q);
    let n: i64 = match c.ex().query_one_raw(stmt).await? {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    let n = u64::try_from(n).unwrap_or(0);
    Ok(if n > cap { (cap, false) } else { (n, true) })
}

/// The rows matching `cond` that have a deadline, soonest first: (`offset`, `limit`).
async fn due_rows(c: &Conn<'_>, cond: Condition, pending: bool, offset: u64, limit: u64) -> Result<Vec<AppealRow>> {
    let q = appeal::Entity::find().filter(cond);
    let q = if pending {
        q.filter(appeal::Column::NextDueAt.is_not_null()).order_by_asc(appeal::Column::NextDueAt)
    } else {
        q.filter(appeal::Column::NextDueAt.is_null())
    };
    Ok(q.order_by_asc(appeal::Column::Id).offset(offset).limit(limit).all(c.ex()).await?)
}

/// A page of appeals and the total, under the filters, in the scope. The total is counted up to
/// [`COUNT_CAP`]; a text search (`q`, a scan no index serves) counts only as far as the page and
/// the one after it, so that it stops at the page's last match instead of reading every row.
pub async fn appeals(c: &Conn<'_>, scope: &Scope, f: &AppealFilter, page: PageReq) -> Result<AppealPage> {
    let cond = filter_cond(scope, f);
    let offset = (page.page - 1) * page.size;
    let text = text_of(f).is_some();
    // Text search: one row more than the page says whether another page follows.
    let want = if text { page.size + 1 } else { page.size };
    let mut items = if f.sort.as_deref() == Some("due") {
        // Soonest deadline first; nothing pending (answered, paused, final) last. Two queries,
        // each served by an index in order, instead of ordering by `next_due_at IS NULL`.
        let mut items = due_rows(c, cond.clone(), true, offset, want).await?;
        if (items.len() as u64) < want {
            let pending = if items.is_empty() && offset > 0 {
                count_pending(c, cond.clone()).await?
            } else {
                offset + items.len() as u64
            };
            let rest = due_rows(c, cond.clone(), false, offset.saturating_sub(pending), want - items.len() as u64);
            items.extend(rest.await?);
        }
        items
    } else {
        appeal::Entity::find()
            .filter(cond.clone())
            .order_by_desc(appeal::Column::ReceivedAt)
            .order_by_desc(appeal::Column::Id)
            .offset(offset)
            .limit(want)
            .all(c.ex())
            .await?
    };
    let (total, exact) = if let Some(d) = only_handled_by(scope, f) {
        // The department view unfiltered: its handler rows, one per appeal, from the index.
        items.truncate(usize::try_from(page.size).unwrap_or(usize::MAX));
        handler_count(c, scope.zone_id(), d, COUNT_CAP).await?
    } else if text && !(items.is_empty() && offset > 0) {
        let more = items.len() as u64 > page.size;
        items.truncate(usize::try_from(page.size).unwrap_or(usize::MAX));
        (offset + items.len() as u64 + u64::from(more), !more)
    } else {
        items.truncate(usize::try_from(page.size).unwrap_or(usize::MAX));
        capped_count(c, cond, COUNT_CAP).await?
    };
    Ok(AppealPage { items, total, exact })
}

/// The department a list is "everything handled by" when nothing else filters it (the department
/// view as it opens): its count is that of the department's handler rows.
fn only_handled_by(scope: &Scope, f: &AppealFilter) -> Option<Uuid> {
    let d = f.handled_by?;
    let in_scope = match scope.data() {
        DataScope::Zone => true,
        DataScope::Departments(ids) => ids.contains(&d),
        _ => false,
    };
    let unfiltered = f.states.is_empty()
        && f.light.is_none()
        && f.category_id.is_none()
        && f.department_id.is_none()
        && f.park_id.is_none()
        && f.enterprise_id.is_none()
        && f.received_from.is_none()
        && f.received_to.is_none()
        && text_of(f).is_none();
    (in_scope && unfiltered).then_some(d)
}

/// A department's handler rows (one per appeal it leads or co-handles), counted up to `cap`.
async fn handler_count(c: &Conn<'_>, zone_id: Uuid, department_id: Uuid, cap: u64) -> Result<(u64, bool)> {
    use sea_orm::sea_query::{Alias, Func};
    let inner = Query::select()
        .expr(Expr::val(1))
        .from(appeal_handler::Entity)
        .and_where(appeal_handler::Column::ZoneId.eq(zone_id))
        .and_where(appeal_handler::Column::DepartmentId.eq(department_id))
        .limit(cap + 1)
        .to_owned();
    let mut q = Query::select();
    q.expr_as(Func::count(Expr::val(1)), Alias::new("n")).from_subquery(inner, Alias::new("t"));
    let stmt = c.ex().get_database_backend().build(&q);
    let n: i64 = match c.ex().query_one_raw(stmt).await? {
        Some(r) => r.try_get("", "n")?,
        None => 0,
    };
    let n = u64::try_from(n).unwrap_or(0);
    Ok(if n > cap { (cap, false) } else { (n, true) })
}

/// How many rows matching `cond` have a deadline (a `sort=due` page past all of them).
async fn count_pending(c: &Conn<'_>, cond: Condition) -> Result<u64> {
    Ok(appeal::Entity::find().filter(cond).filter(appeal::Column::NextDueAt.is_not_null()).count(c.ex()).await?)
}

/// Open appeals of one lead department (`None`: not dispatched yet) and how many of them are
/// late (red) and yellow at `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenByDepartment {
    pub department_id: Option<Uuid>,
    pub open: i64,
    pub red: i64,
    pub yellow: i64,
}

/// `CAST(COALESCE(SUM(CASE WHEN cond THEN 1 ELSE 0 END), 0) AS BIGINT)`: the same integer type
/// on both engines (PostgreSQL sums a bigint as numeric).
pub(crate) fn count_when(cond: Condition) -> Expr {
    use sea_orm::sea_query::{Alias, Func};
    Func::cast_as(
        Func::coalesce([Expr::from(Func::sum(Expr::case(cond, 1).finally(0))), Expr::val(0)]),
        Alias::new("BIGINT"),
    )
    .into()
}

/// The dashboard's open appeals per lead department, grouped in the database (the same lights
/// as `Light::at`: paused is neither; red from the deadline on; yellow from the yellow moment).
pub async fn open_by_department(
    c: &Conn<'_>,
    scope: &Scope,
    open: &[&str],
    now: DateTime<Utc>,
) -> Result<Vec<OpenByDepartment>> {
    use appeal::Column as A;
    let states: Vec<String> = open.iter().map(|s| (*s).to_owned()).collect();
    let red = Condition::all().add(A::PausedAt.is_null()).add(A::NextDueAt.is_not_null()).add(A::NextDueAt.lte(now));
    let yellow = Condition::all()
        .add(A::PausedAt.is_null())
        .add(A::NextDueAt.gt(now))
        .add(A::YellowAt.is_not_null())
        .add(A::YellowAt.lte(now));
    let rows = appeal::Entity::find()
        .select_only()
        .column(A::DepartmentId)
        .expr(Expr::col(A::Id).count())
        .expr(count_when(red))
        .expr(count_when(yellow))
        .filter(appeal_scope(scope))
        .filter(A::State.is_in(states))
        .group_by(A::DepartmentId)
        .into_tuple::<(Option<Uuid>, i64, i64, i64)>()
        .all(c.ex())
        .await?;
    Ok(rows
        .into_iter()
        .map(|(department_id, open, red, yellow)| OpenByDepartment { department_id, open, red, yellow })
        .collect())
}

/// Appeals received in one month bucket of one category: how many, how many final, and per
/// stage (accept, first answer, answer) how many reached it and their seconds from receipt.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedGroup {
    pub category_id: Uuid,
    /// Index into the month boundaries: 0 before the first, `i` from boundary `i - 1` on.
    pub bucket: i64,
    pub received: i64,
    pub closed: i64,
    pub stages: [(i64, f64); 3],
}

/// The appeals received in `[from, to)` in the scope, grouped by category and by the month
/// `bounds` (ascending moments: each opens a bucket) in one grouped query.
pub async fn received_groups(
    c: &Conn<'_>,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    bounds: &[DateTime<Utc>],
    final_states: &[&str],
) -> Result<Vec<ReceivedGroup>> {
    use appeal::Column as A;
    use sea_orm::sea_query::{Alias, Func};
    let engine = c.engine();
    let f = AppealFilter { received_from: Some(from), received_to: Some(to), ..AppealFilter::default() };
    let bucket: Expr = match bounds.split_first() {
        None => Expr::val(0),
        Some((first, rest)) => {
            let mut case = Expr::case(Expr::col(A::ReceivedAt).lt(*first), 0);
            for (i, b) in rest.iter().enumerate() {
                case = case.case(Expr::col(A::ReceivedAt).lt(*b), i64::try_from(i + 1).unwrap_or(i64::MAX));
            }
            case.finally(i64::try_from(bounds.len()).unwrap_or(i64::MAX)).into()
        }
    };
    let finals: Vec<String> = final_states.iter().map(|s| (*s).to_owned()).collect();
    let since = |col: A| crate::dialect::seconds_between(engine, Expr::col(col), Expr::col(A::ReceivedAt));
    let inner = appeal::Entity::find()
        .select_only()
        .column(A::CategoryId)
        .expr_as(bucket, "b")
        .expr_as(Expr::case(A::State.is_in(finals), 1).finally(0), "cl")
        .expr_as(since(A::AcceptedAt), "s0")
        .expr_as(since(A::FirstAnswerAt), "s1")
        .expr_as(since(A::AnsweredAt), "s2")
        .filter(filter_cond(scope, &f))
        .into_query();
    let col = |n: &str| Expr::col(Alias::new(n));
    let fsum = |n: &str| {
        Expr::from(Func::cast_as(
            Func::coalesce([Expr::from(Func::sum(col(n))), Expr::val(0.0)]),
            Alias::new("DOUBLE PRECISION"),
        ))
    };
    let isum = |n: &str| {
        Expr::from(Func::cast_as(Func::coalesce([Expr::from(Func::sum(col(n))), Expr::val(0)]), Alias::new("BIGINT")))
    };
    let mut q = Query::select();
    q.expr_as(col("category_id"), Alias::new("category_id"))
        // BIGINT on both engines (PostgreSQL types the CASE as the integer parameters' int4).
        .expr_as(Func::cast_as(col("b"), Alias::new("BIGINT")), Alias::new("bucket"))
        .expr_as(Func::count(Expr::val(1)), Alias::new("n"))
        .expr_as(isum("cl"), Alias::new("closed"))
        .expr_as(Func::count(col("s0")), Alias::new("n0"))
        .expr_as(fsum("s0"), Alias::new("t0"))
        .expr_as(Func::count(col("s1")), Alias::new("n1"))
        .expr_as(fsum("s1"), Alias::new("t1"))
        .expr_as(Func::count(col("s2")), Alias::new("n2"))
        .expr_as(fsum("s2"), Alias::new("t2"))
        .from_subquery(inner, Alias::new("t"))
        .add_group_by([col("category_id"), col("b")]);
    let stmt = c.ex().get_database_backend().build(&q);
    let rows = c.ex().query_all_raw(stmt).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(ReceivedGroup {
            category_id: r.try_get("", "category_id")?,
            bucket: r.try_get("", "bucket")?,
            received: r.try_get("", "n")?,
            closed: r.try_get("", "closed")?,
            stages: [
                (r.try_get("", "n0")?, r.try_get("", "t0")?),
                (r.try_get("", "n1")?, r.try_get("", "t1")?),
                (r.try_get("", "n2")?, r.try_get("", "t2")?),
            ],
        });
    }
    Ok(out)
}

/// Every rating (好差评) given to the appeals received in `[from, to)` in the scope, also one a
/// reopened appeal was given before its final one: (how many, their sum, how many reopened).
pub async fn rating_summary(
    c: &Conn<'_>,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<(i64, i64, i64)> {
    use appeal_event::Column as E;
    use sea_orm::sea_query::{Alias, Func};
    let f = AppealFilter { received_from: Some(from), received_to: Some(to), ..AppealFilter::default() };
    let ids =
        appeal::Entity::find().select_only().column(appeal::Column::Id).filter(filter_cond(scope, &f)).into_query();
    let rating = crate::dialect::json_int(c.engine(), Expr::col(E::Data), "rating");
    let sum =
        Expr::from(Func::cast_as(Func::coalesce([Expr::from(Func::sum(rating)), Expr::val(0)]), Alias::new("BIGINT")));
    let reopened = Condition::all().add(E::ToState.eq("reopened"));
    let row = appeal_event::Entity::find()
        .select_only()
        .expr(Expr::col(E::Id).count())
        .expr(sum)
        .expr(Expr::from(Func::cast_as(
            Func::coalesce([Expr::from(Func::sum(Expr::case(reopened, 1).finally(0))), Expr::val(0)]),
            Alias::new("BIGINT"),
        )))
        .filter(E::ZoneId.eq(scope.zone_id()))
        .filter(E::Action.eq("rate"))
        .filter(E::AppealId.in_subquery(ids))
        .into_tuple::<(i64, i64, i64)>()
        .one(c.ex())
        .await?;
    Ok(row.unwrap_or((0, 0, 0)))
}

/// An enterprise's appeals received since `since` (duplicate suggestions).
pub async fn recent_of_enterprise(
    c: &Conn<'_>,
    zone_id: Uuid,
    enterprise_id: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<AppealRow>> {
    Ok(appeal::Entity::find()
        .filter(appeal::Column::ZoneId.eq(zone_id))
        .filter(appeal::Column::EnterpriseId.eq(enterprise_id))
        .filter(appeal::Column::ReceivedAt.gte(since))
        .order_by_desc(appeal::Column::ReceivedAt)
        .limit(200)
        .all(c.ex())
        .await?)
}

/// Open appeals of any zone whose escalation is due at `now` (the durable sweep), soonest first.
pub async fn due_for_escalation(c: &Conn<'_>, now: DateTime<Utc>, limit: u64) -> Result<Vec<AppealRow>> {
    Ok(appeal::Entity::find()
        .filter(appeal::Column::EscalateAt.lte(now))
        .order_by_asc(appeal::Column::EscalateAt)
        .limit(limit)
        .all(c.ex())
        .await?)
}

/// Takes the row locks of these appeals (a no-op `UPDATE`, invariant 7) so that what the sweep
/// reads next cannot change under it before it commits.
pub async fn lock_appeals(c: &Conn<'_>, ids: &[Uuid]) -> Result<()> {
    for chunk in ids.chunks(500) {
        appeal::Entity::update_many()
            .col_expr(appeal::Column::Version, Expr::col(appeal::Column::Version))
            .filter(appeal::Column::Id.is_in(chunk.to_vec()))
            .exec(c.ex())
            .await?;
    }
    Ok(())
}

/// Those of these appeals whose escalation is still due at `now` (read after `lock_appeals`).
pub async fn still_due(c: &Conn<'_>, ids: &[Uuid], now: DateTime<Utc>) -> Result<Vec<AppealRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        out.extend(
            appeal::Entity::find()
                .filter(appeal::Column::Id.is_in(chunk.to_vec()))
                .filter(appeal::Column::EscalateAt.lte(now))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

/// Moves these appeals of one zone to escalation `level` with the next look at `next`: one
/// `UPDATE` per 500 (the rows are locked and were read due by the caller); how many moved.
pub async fn escalate(
    c: &Conn<'_>,
    zone_id: Uuid,
    ids: &[Uuid],
    level: i32,
    next: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<u64> {
    use appeal::Column as A;
    let mut n = 0;
    for chunk in ids.chunks(500) {
        let r = appeal::Entity::update_many()
            .col_expr(A::EscalationLevel, Expr::value(level))
            .col_expr(A::EscalateAt, Expr::value(next))
            .col_expr(A::Version, Expr::col(A::Version).add(1))
            .col_expr(A::UpdatedAt, Expr::value(now))
            .filter(A::ZoneId.eq(zone_id))
            .filter(A::Id.is_in(chunk.to_vec()))
            .exec(c.ex())
            .await?;
        n += r.rows_affected;
    }
    Ok(n)
}

// ---------------------------------------------------------------- timeline, files, extensions

/// Inserts timeline events, 500 rows a statement.
pub async fn insert_events(c: &Conn<'_>, rows: Vec<EventRow>) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models: Vec<_> = chunk.iter().cloned().map(|r| r.into_active_model().reset_all()).collect();
        appeal_event::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

pub async fn events(c: &Conn<'_>, zone_id: Uuid, appeal_id: Uuid) -> Result<Vec<EventRow>> {
    Ok(appeal_event::Entity::find()
        .filter(appeal_event::Column::ZoneId.eq(zone_id))
        .filter(appeal_event::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_event::Column::At)
        .order_by_asc(appeal_event::Column::Id)
        .all(c.ex())
        .await?)
}

pub async fn insert_files(c: &Conn<'_>, rows: Vec<AppealFileRow>) -> Result<()> {
    if !rows.is_empty() {
        let models: Vec<_> = rows.into_iter().map(|r| r.into_active_model().reset_all()).collect();
        appeal_file::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

pub async fn files(c: &Conn<'_>, zone_id: Uuid, appeal_id: Uuid) -> Result<Vec<AppealFileRow>> {
    Ok(appeal_file::Entity::find()
        .filter(appeal_file::Column::ZoneId.eq(zone_id))
        .filter(appeal_file::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_file::Column::AddedAt)
        .all(c.ex())
        .await?)
}

pub async fn insert_extension(c: &Conn<'_>, row: ExtensionRow) -> Result<()> {
    appeal_extension::Entity::insert(row.into_active_model().reset_all()).exec_without_returning(c.ex()).await?;
    Ok(())
}

pub async fn extensions(c: &Conn<'_>, zone_id: Uuid, appeal_id: Uuid) -> Result<Vec<ExtensionRow>> {
    Ok(appeal_extension::Entity::find()
        .filter(appeal_extension::Column::ZoneId.eq(zone_id))
        .filter(appeal_extension::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_extension::Column::RequestedAt)
        .all(c.ex())
        .await?)
}

/// Decides a pending extension: one conditional statement (only a pending one changes).
pub async fn decide_extension(
    c: &Conn<'_>,
    zone_id: Uuid,
    id: Uuid,
    state: &str,
    by: Uuid,
    at: DateTime<Utc>,
    note: &str,
) -> Result<bool> {
    use appeal_extension::Column as X;
    let r = appeal_extension::Entity::update_many()
        .col_expr(X::State, Expr::value(state))
        .col_expr(X::DecidedBy, Expr::value(Some(by)))
        .col_expr(X::DecidedAt, Expr::value(Some(at)))
        .col_expr(X::DecisionNote, Expr::value(note))
        .filter(X::Id.eq(id))
        .filter(X::ZoneId.eq(zone_id))
        .filter(X::State.eq("pending"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- recipients

/// Whom a notice about an appeal goes to.
#[derive(Debug, Clone, Copy)]
pub enum Recipients<'a> {
    /// Active department staff of these departments.
    Departments(&'a [Uuid]),
    /// Active users of a role in the zone (e.g. `zone_leader`).
    Role(&'a str),
    /// Active accounts of an enterprise.
    Enterprise(Uuid),
}

/// The active users a notice goes to.
pub async fn recipients(c: &Conn<'_>, zone_id: Uuid, who: Recipients<'_>) -> Result<Vec<Uuid>> {
    use crate::entity::user;
    let mut q = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Active.eq(true));
    q = match who {
        Recipients::Departments(ids) => {
            q.filter(user::Column::Role.eq("department_staff")).filter(user::Column::DepartmentId.is_in(ids.to_vec()))
        }
        Recipients::Role(r) => q.filter(user::Column::Role.eq(r)),
        Recipients::Enterprise(id) => q.filter(user::Column::EnterpriseId.eq(id)),
    };
    Ok(q.order_by_asc(user::Column::Id).into_tuple::<Uuid>().all(c.ex()).await?)
}
