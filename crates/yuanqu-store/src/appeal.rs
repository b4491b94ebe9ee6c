//! Queries of enterprise appeals (issue 5): categories and routing rules, appeals under a
//! scope (an enterprise reaches its own; a department its lead and co-handled ones; a leader
//! the zone), their timeline, attachments, extensions, and the escalation sweep's due rows.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{
    appeal, appeal_category, appeal_event, appeal_extension, appeal_file, appeal_handler, appeal_route,
};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use appeal::Model as AppealRow;
pub use appeal_category::Model as CategoryRow;
pub use appeal_event::Model as EventRow;
pub use appeal_extension::Model as ExtensionRow;
pub use appeal_file::Model as AppealFileRow;
pub use appeal_handler::Model as HandlerRow;
pub use appeal_route::Model as RouteRow;

/// The appeals a scope reaches.
fn appeal_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(appeal::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Zone => base,
        DataScope::Enterprise(id) => base.add(appeal::Column::EnterpriseId.eq(*id)),
        DataScope::Departments(ids) => {
            let co = Query::select()
                .column(appeal_handler::Column::AppealId)
                .from(appeal_handler::Entity)
                .and_where(appeal_handler::Column::ZoneId.eq(scope.zone_id()))
                .and_where(appeal_handler::Column::DepartmentId.is_in(ids.clone()))
                .to_owned();
            base.add(
                Condition::any()
                    .add(appeal::Column::DepartmentId.is_in(ids.clone()))
                    .add(appeal::Column::Id.in_subquery(co)),
            )
        }
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
    let mut cond = appeal_scope(scope);
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
        let co = Query::select()
            .column(appeal_handler::Column::AppealId)
            .from(appeal_handler::Entity)
            .and_where(appeal_handler::Column::ZoneId.eq(scope.zone_id()))
            .and_where(appeal_handler::Column::DepartmentId.eq(d))
            .to_owned();
        cond = cond.add(Condition::any().add(A::DepartmentId.eq(d)).add(A::Id.in_subquery(co)));
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
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        cond = cond.add(
            Condition::any().add(A::Code.like(p.clone())).add(A::Title.like(p.clone())).add(A::Description.like(p)),
        );
    }
    cond
}

/// A page of appeals and the total, under the filters, in the scope.
pub async fn appeals(c: &Conn<'_>, scope: &Scope, f: &AppealFilter, page: PageReq) -> Result<Page<AppealRow>> {
    use sea_orm::Order;
    let query = appeal::Entity::find().filter(filter_cond(scope, f));
    let total = query.clone().count(c.ex()).await?;
    let sorted = if f.sort.as_deref() == Some("due") {
        // Nothing pending (answered, paused) last on both engines.
        query
            .order_by(Expr::col(appeal::Column::NextDueAt).is_null(), Order::Asc)
            .order_by_asc(appeal::Column::NextDueAt)
            .order_by_asc(appeal::Column::Id)
    } else {
        query.order_by_desc(appeal::Column::ReceivedAt).order_by_desc(appeal::Column::Id)
    };
    let items = sorted.offset((page.page - 1) * page.size).limit(page.size).all(c.ex()).await?;
    Ok(Page { items, total })
}

/// Every appeal received in `[from, to)` in the scope (the dashboard, the enterprise timeline).
pub async fn received_between(
    c: &Conn<'_>,
    scope: &Scope,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<AppealRow>> {
    let f = AppealFilter { received_from: Some(from), received_to: Some(to), ..AppealFilter::default() };
    Ok(appeal::Entity::find().filter(filter_cond(scope, &f)).all(c.ex()).await?)
}

/// Every open appeal in the scope (the dashboard's open-by-department view).
pub async fn open_appeals(c: &Conn<'_>, scope: &Scope, open: &[&str]) -> Result<Vec<AppealRow>> {
    let states: Vec<String> = open.iter().map(|s| (*s).to_owned()).collect();
    Ok(appeal::Entity::find()
        .filter(appeal_scope(scope))
        .filter(appeal::Column::State.is_in(states))
        .all(c.ex())
        .await?)
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

// ---------------------------------------------------------------- timeline, files, extensions

pub async fn insert_events(c: &Conn<'_>, rows: Vec<EventRow>) -> Result<()> {
    if !rows.is_empty() {
        let models: Vec<_> = rows.into_iter().map(|r| r.into_active_model().reset_all()).collect();
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

/// The timeline events of one action (e.g. every rating) of these appeals.
pub async fn events_with_action(
    c: &Conn<'_>,
    zone_id: Uuid,
    appeal_ids: &[Uuid],
    action: &str,
) -> Result<Vec<EventRow>> {
    let mut out = Vec::new();
    for chunk in appeal_ids.chunks(500) {
        out.extend(
            appeal_event::Entity::find()
                .filter(appeal_event::Column::ZoneId.eq(zone_id))
                .filter(appeal_event::Column::Action.eq(action))
                .filter(appeal_event::Column::AppealId.is_in(chunk.to_vec()))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}
