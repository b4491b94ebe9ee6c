//! Queries of the identity module: zones, parks, departments, enterprises, users, sessions,
//! API tokens and login throttling. Every query of tenant data takes a `Scope`, except the
//! pre-authentication lookups (zone by code, user by login, session and token by hash), which
//! are keyed by secrets or the zone the caller named.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{api_token, department, enterprise, login_throttle, park, password_history, session, user, zone};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use crate::enterprise::EnterpriseRow;
pub use api_token::Model as ApiTokenRow;
pub use department::Model as DepartmentRow;
pub use login_throttle::Model as ThrottleRow;
pub use park::Model as ParkRow;
pub use session::Model as SessionRow;
pub use user::Model as UserRow;
pub use zone::Model as ZoneRow;

// ---------------------------------------------------------------- zones

pub async fn zone_by_code(c: &Conn<'_>, code: &str) -> Result<Option<ZoneRow>> {
    Ok(zone::Entity::find().filter(zone::Column::Code.eq(code)).one(c.ex()).await?)
}

pub async fn zone_by_id(c: &Conn<'_>, id: Uuid) -> Result<Option<ZoneRow>> {
    Ok(zone::Entity::find_by_id(id).one(c.ex()).await?)
}

pub async fn insert_zone(c: &Conn<'_>, row: ZoneRow) -> Result<ZoneRow> {
    let z = zone::ActiveModel {
        id: Set(row.id),
        code: Set(row.code),
        name: Set(row.name),
        created_at: Set(row.created_at),
        require_second_factor: Set(row.require_second_factor),
        version: Set(1),
    }
    .insert(c.ex())
    .await?;
    crate::audit::start_chain(c, z.id).await?;
    Ok(z)
}

// ---------------------------------------------------------------- parks

pub async fn parks(c: &Conn<'_>, scope: &Scope) -> Result<Vec<ParkRow>> {
    Ok(park::Entity::find()
        .filter(park::Column::ZoneId.eq(scope.zone_id()))
        .order_by_asc(park::Column::Code)
        .all(c.ex())
        .await?)
}

pub async fn park(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<ParkRow>> {
    Ok(park::Entity::find_by_id(id).filter(park::Column::ZoneId.eq(scope.zone_id())).one(c.ex()).await?)
}

pub async fn insert_park(c: &Conn<'_>, scope: &Scope, row: ParkRow) -> Result<ParkRow> {
    Ok(park::ActiveModel {
        id: Set(row.id),
        zone_id: Set(scope.zone_id()),
        code: Set(row.code),
        name: Set(row.name),
        version: Set(1),
        created_at: Set(row.created_at),
    }
    .insert(c.ex())
    .await?)
}

/// Updates a park if `version` still matches; returns whether a row changed.
pub async fn update_park(c: &Conn<'_>, scope: &Scope, row: &ParkRow) -> Result<bool> {
    let r = park::Entity::update_many()
        .col_expr(park::Column::Code, Expr::value(row.code.clone()))
        .col_expr(park::Column::Name, Expr::value(row.name.clone()))
        .col_expr(park::Column::Version, Expr::col(park::Column::Version).add(1))
        .filter(park::Column::Id.eq(row.id))
        .filter(park::Column::ZoneId.eq(scope.zone_id()))
        .filter(park::Column::Version.eq(row.version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- departments

pub async fn departments(c: &Conn<'_>, scope: &Scope) -> Result<Vec<DepartmentRow>> {
    Ok(department::Entity::find()
        .filter(department::Column::ZoneId.eq(scope.zone_id()))
        .order_by_asc(department::Column::CreatedAt)
        .all(c.ex())
        .await?)
}

pub async fn department(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<DepartmentRow>> {
    Ok(department::Entity::find_by_id(id).filter(department::Column::ZoneId.eq(scope.zone_id())).one(c.ex()).await?)
}

pub async fn insert_department(c: &Conn<'_>, scope: &Scope, row: DepartmentRow) -> Result<DepartmentRow> {
    Ok(department::ActiveModel {
        id: Set(row.id),
        zone_id: Set(scope.zone_id()),
        parent_id: Set(row.parent_id),
        name: Set(row.name),
        head_user_id: Set(row.head_user_id),
        version: Set(1),
        created_at: Set(row.created_at),
    }
    .insert(c.ex())
    .await?)
}

pub async fn update_department(c: &Conn<'_>, scope: &Scope, row: &DepartmentRow) -> Result<bool> {
    let r = department::Entity::update_many()
        .col_expr(department::Column::Name, Expr::value(row.name.clone()))
        .col_expr(department::Column::ParentId, Expr::value(row.parent_id))
        .col_expr(department::Column::HeadUserId, Expr::value(row.head_user_id))
        .col_expr(department::Column::Version, Expr::col(department::Column::Version).add(1))
        .filter(department::Column::Id.eq(row.id))
        .filter(department::Column::ZoneId.eq(scope.zone_id()))
        .filter(department::Column::Version.eq(row.version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deletes a department with no children and no users; returns whether it was deleted.
pub async fn delete_department(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<bool> {
    let r = department::Entity::delete_many()
        .filter(department::Column::Id.eq(id))
        .filter(department::Column::ZoneId.eq(scope.zone_id()))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn department_has_dependents(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<bool> {
    let children = department::Entity::find()
        .filter(department::Column::ZoneId.eq(scope.zone_id()))
        .filter(department::Column::ParentId.eq(id))
        .count(c.ex())
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::ZoneId.eq(scope.zone_id()))
        .filter(user::Column::DepartmentId.eq(id))
        .count(c.ex())
        .await?;
    Ok(children + users > 0)
}

// ---------------------------------------------------------------- enterprises

/// The enterprise queries live in [`crate::enterprise`]; these are the ones identity uses.
pub use crate::enterprise::{all_enterprises, enterprise, enterprise_by_uscc};

// ---------------------------------------------------------------- users

fn user_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(user::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Zone => base,
        DataScope::Departments(ids) => base.add(user::Column::DepartmentId.is_in(ids.clone())),
        DataScope::Enterprise(id) => base.add(user::Column::EnterpriseId.eq(*id)),
        DataScope::Own(id) => base.add(user::Column::Id.eq(*id)),
        DataScope::PartyOrganizations(_) => base.add(Expr::val(1).eq(0)),
    }
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub q: Option<String>,
    pub role: Option<String>,
    pub department_id: Option<Uuid>,
    /// The blind index of an ID card number: equality search without the number (PD-01).
    pub id_card_bidx: Option<String>,
    /// `login`, `-login`, `created_at`, `-created_at`, `display_name`, `-display_name`.
    pub sort: Option<String>,
}

/// A user with the names a list shows beside it.
#[derive(Debug, Clone)]
pub struct UserListItem {
    pub user: UserRow,
    pub department_name: Option<String>,
    pub enterprise_name: Option<String>,
    /// Until when the login ID is locked, if it ever was (may lie in the past).
    pub locked_until: Option<DateTime<Utc>>,
}

/// One row of the user list query: the user's columns, the joined names and the total.
#[derive(Debug, sea_orm::FromQueryResult)]
struct UserListRow {
    id: Uuid,
    zone_id: Uuid,
    login: String,
    display_name: String,
    role: String,
    department_id: Option<Uuid>,
    enterprise_id: Option<Uuid>,
    phone: Option<String>,
    id_card_enc: Option<String>,
    id_card_bidx: Option<String>,
    password_hash: String,
    password_changed_at: DateTime<Utc>,
    password_expires_at: Option<DateTime<Utc>>,
    must_change_password: bool,
    active: bool,
    version: i64,
    created_at: DateTime<Utc>,
    totp_secret: Option<String>,
    totp_enabled: bool,
    totp_last_step: Option<i64>,
    totp_failures: i32,
    totp_locked_until: Option<DateTime<Utc>>,
    department_name: Option<String>,
    enterprise_name: Option<String>,
    locked_until: Option<DateTime<Utc>>,
    total: i64,
}

/// A page of users with their department and enterprise names, and the total, in one query
/// (`COUNT(*) OVER ()`; a separate count only for a page past the end).
pub async fn users(c: &Conn<'_>, scope: &Scope, f: &UserFilter, page: PageReq) -> Result<Page<UserListItem>> {
    let cond = user_filter(scope, f);
    let (col, desc) = user_sort(f);
    let query = user_list_query(cond.clone()).column_as(Expr::cust("COUNT(*) OVER ()"), "total");
    let query = if desc { query.order_by_desc(col) } else { query.order_by_asc(col) };
    let rows: Vec<UserListRow> = query
        .order_by_asc(user::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .into_model()
        .all(c.ex())
        .await?;
    let total = match rows.first() {
        Some(r) => u64::try_from(r.total).unwrap_or(0),
        None if page.page > 1 => user::Entity::find().filter(cond).count(c.ex()).await?,
        None => 0,
    };
    Ok(Page { items: rows.into_iter().map(list_item).collect(), total })
}

/// The user list's joins and names (department, enterprise, lock) under a condition.
fn user_list_query(cond: Condition) -> sea_orm::Select<user::Entity> {
    use sea_orm::JoinType;
    let dept: sea_orm::RelationDef =
        user::Entity::belongs_to(department::Entity).from(user::Column::DepartmentId).to(department::Column::Id).into();
    let ent: sea_orm::RelationDef =
        user::Entity::belongs_to(enterprise::Entity).from(user::Column::EnterpriseId).to(enterprise::Column::Id).into();
    let lock: sea_orm::RelationDef = user::Entity::belongs_to(login_throttle::Entity)
        .from((user::Column::ZoneId, user::Column::Login))
        .to((login_throttle::Column::ZoneId, login_throttle::Column::Login))
        .into();
    user::Entity::find()
        .join(JoinType::LeftJoin, dept)
        .join(JoinType::LeftJoin, ent)
        .join(JoinType::LeftJoin, lock)
        .column_as(Expr::col((department::Entity, department::Column::Name)), "department_name")
        .column_as(Expr::col((enterprise::Entity, enterprise::Column::Name)), "enterprise_name")
        .column_as(Expr::col((login_throttle::Entity, login_throttle::Column::LockedUntil)), "locked_until")
        .filter(cond)
}

/// The list's users (same filters and scope) in creation order (UUIDv7), `limit` after the id
/// `after`: an export reads them batch by batch without OFFSET or a count.
pub async fn users_after(
    c: &Conn<'_>,
    scope: &Scope,
    f: &UserFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<UserListItem>> {
    let mut cond = user_filter(scope, f);
    if let Some(a) = after {
        cond = cond.add(user::Column::Id.gt(a));
    }
    let rows: Vec<UserListRow> = user_list_query(cond)
        .column_as(Expr::cust("CAST(0 AS BIGINT)"), "total")
        .order_by_asc(user::Column::Id)
        .limit(limit)
        .into_model()
        .all(c.ex())
        .await?;
    Ok(rows.into_iter().map(list_item).collect())
}

/// How many users an export with these filters would hold, in the scope.
pub async fn count_users(c: &Conn<'_>, scope: &Scope, f: &UserFilter) -> Result<u64> {
    Ok(user::Entity::find().filter(user_filter(scope, f)).count(c.ex()).await?)
}

fn list_item(r: UserListRow) -> UserListItem {
    UserListItem {
        department_name: r.department_name,
        enterprise_name: r.enterprise_name,
        locked_until: r.locked_until,
        user: UserRow {
            id: r.id,
            zone_id: r.zone_id,
            login: r.login,
            display_name: r.display_name,
            role: r.role,
            department_id: r.department_id,
            enterprise_id: r.enterprise_id,
            phone: r.phone,
            id_card_enc: r.id_card_enc,
            id_card_bidx: r.id_card_bidx,
            password_hash: r.password_hash,
            password_changed_at: r.password_changed_at,
            password_expires_at: r.password_expires_at,
            must_change_password: r.must_change_password,
            active: r.active,
            version: r.version,
            created_at: r.created_at,
            totp_secret: r.totp_secret,
            totp_enabled: r.totp_enabled,
            totp_last_step: r.totp_last_step,
            totp_failures: r.totp_failures,
            totp_locked_until: r.totp_locked_until,
        },
    }
}

fn user_sort(f: &UserFilter) -> (user::Column, bool) {
    match f.sort.as_deref() {
        Some("-login") => (user::Column::Login, true),
        Some("display_name") => (user::Column::DisplayName, false),
        Some("-display_name") => (user::Column::DisplayName, true),
        Some("created_at") => (user::Column::CreatedAt, false),
        Some("-created_at") => (user::Column::CreatedAt, true),
        _ => (user::Column::Login, false),
    }
}

fn user_filter(scope: &Scope, f: &UserFilter) -> Condition {
    let mut cond = user_scope(scope);
    if let Some(q) = f.q.as_deref().filter(|q| !q.is_empty()) {
        let p = like_pattern(&q.to_lowercase());
        cond = cond.add(
            Condition::any()
                .add(user::Column::Login.like(p.clone()))
                .add(user::Column::DisplayName.like(like_pattern(q))),
        );
    }
    if let Some(r) = &f.role {
        cond = cond.add(user::Column::Role.eq(r.clone()));
    }
    if let Some(d) = f.department_id {
        cond = cond.add(user::Column::DepartmentId.eq(d));
    }
    if let Some(b) = &f.id_card_bidx {
        cond = cond.add(user::Column::IdCardBidx.eq(b.clone()));
    }
    cond
}

pub async fn user(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<UserRow>> {
    Ok(user::Entity::find_by_id(id).filter(user_scope(scope)).one(c.ex()).await?)
}

/// The users of the scope's zone with these (lower-cased) logins, whatever the scope's data
/// part: the natural-key lookup of an import, which must see a login taken anywhere in the zone.
pub async fn zone_users_by_login(c: &Conn<'_>, zone: &Scope, logins: &[String]) -> Result<Vec<UserRow>> {
    let mut out = Vec::new();
    for chunk in logins.chunks(500) {
        let mut rows = user::Entity::find()
            .filter(user::Column::ZoneId.eq(zone.zone_id()))
            .filter(user::Column::Login.is_in(chunk.iter().cloned()))
            .all(c.ex())
            .await?;
        out.append(&mut rows);
    }
    Ok(out)
}

/// Pre-authentication lookup by the zone the caller named and the (lower-cased) login.
pub async fn user_by_login(c: &Conn<'_>, zone_id: Uuid, login: &str) -> Result<Option<UserRow>> {
    Ok(user::Entity::find()
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Login.eq(login))
        .one(c.ex())
        .await?)
}

/// The user behind a validated session or token.
pub async fn user_by_id_in_zone(c: &Conn<'_>, zone_id: Uuid, id: Uuid) -> Result<Option<UserRow>> {
    Ok(user::Entity::find_by_id(id).filter(user::Column::ZoneId.eq(zone_id)).one(c.ex()).await?)
}

pub async fn count_users_with_role(c: &Conn<'_>, zone_id: Uuid, role: &str) -> Result<u64> {
    Ok(user::Entity::find()
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Role.eq(role))
        .count(c.ex())
        .await?)
}

pub async fn insert_user(c: &Conn<'_>, scope: &Scope, row: UserRow) -> Result<UserRow> {
    let am = user::ActiveModel {
        id: Set(row.id),
        zone_id: Set(scope.zone_id()),
        login: Set(row.login),
        display_name: Set(row.display_name),
        role: Set(row.role),
        department_id: Set(row.department_id),
        enterprise_id: Set(row.enterprise_id),
        phone: Set(row.phone),
        id_card_enc: Set(row.id_card_enc),
        id_card_bidx: Set(row.id_card_bidx),
        password_hash: Set(row.password_hash.clone()),
        password_changed_at: Set(row.password_changed_at),
        password_expires_at: Set(row.password_expires_at),
        must_change_password: Set(row.must_change_password),
        active: Set(row.active),
        version: Set(1),
        created_at: Set(row.created_at),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        totp_failures: Set(0),
        totp_locked_until: Set(None),
    };
    let u = am.insert(c.ex()).await?;
    insert_password_history(c, &u, &row.password_hash, row.created_at).await?;
    Ok(u)
}

/// Writes a user's editable fields if `version` still matches (CC-02).
pub async fn update_user(c: &Conn<'_>, scope: &Scope, row: &UserRow) -> Result<bool> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(row.display_name.clone()))
        .col_expr(user::Column::Role, Expr::value(row.role.clone()))
        .col_expr(user::Column::DepartmentId, Expr::value(row.department_id))
        .col_expr(user::Column::EnterpriseId, Expr::value(row.enterprise_id))
        .col_expr(user::Column::Phone, Expr::value(row.phone.clone()))
        .col_expr(user::Column::IdCardEnc, Expr::value(row.id_card_enc.clone()))
        .col_expr(user::Column::IdCardBidx, Expr::value(row.id_card_bidx.clone()))
        .col_expr(user::Column::Active, Expr::value(row.active))
        .col_expr(user::Column::PasswordHash, Expr::value(row.password_hash.clone()))
        .col_expr(user::Column::PasswordChangedAt, Expr::value(row.password_changed_at))
        .col_expr(user::Column::PasswordExpiresAt, Expr::value(row.password_expires_at))
        .col_expr(user::Column::MustChangePassword, Expr::value(row.must_change_password))
        .col_expr(user::Column::Version, Expr::col(user::Column::Version).add(1))
        .filter(user_scope(scope))
        .filter(user::Column::Id.eq(row.id))
        .filter(user::Column::Version.eq(row.version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn insert_password_history(c: &Conn<'_>, u: &UserRow, hash: &str, at: DateTime<Utc>) -> Result<()> {
    password_history::ActiveModel {
        id: Set(Uuid::now_v7()),
        zone_id: Set(u.zone_id),
        user_id: Set(u.id),
        password_hash: Set(hash.to_owned()),
        created_at: Set(at),
    }
    .insert(c.ex())
    .await?;
    Ok(())
}

/// The user's most recent password hashes, newest first.
pub async fn recent_password_hashes(c: &Conn<'_>, u: &UserRow, n: u64) -> Result<Vec<String>> {
    Ok(password_history::Entity::find()
        .filter(password_history::Column::ZoneId.eq(u.zone_id))
        .filter(password_history::Column::UserId.eq(u.id))
        .order_by_desc(password_history::Column::CreatedAt)
        .order_by_desc(password_history::Column::Id)
        .limit(n)
        .all(c.ex())
        .await?
        .into_iter()
        .map(|r| r.password_hash)
        .collect())
}

// ---------------------------------------------------------------- login throttling

pub async fn throttle(c: &Conn<'_>, zone_id: Uuid, login: &str) -> Result<Option<ThrottleRow>> {
    Ok(login_throttle::Entity::find()
        .filter(login_throttle::Column::ZoneId.eq(zone_id))
        .filter(login_throttle::Column::Login.eq(login))
        .one(c.ex())
        .await?)
}

/// Makes sure a login's throttle row exists (a conditional insert: simultaneous first failures
/// never collide on the unique index) and takes its write lock (a no-op UPDATE; on PostgreSQL it
/// waits for a concurrent counter and makes the next read see its result).
pub async fn lock_throttle(c: &Conn<'_>, zone_id: Uuid, login: &str, now: DateTime<Utc>) -> Result<()> {
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        id: Set(Uuid::now_v7()),
        zone_id: Set(zone_id),
        login: Set(login.to_owned()),
        failures: Set(0),
        window_start: Set(now),
        locked_until: Set(None),
    })
    .on_conflict_do_nothing_on([login_throttle::Column::ZoneId, login_throttle::Column::Login])
    .exec_without_returning(c.ex())
    .await?;
    login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::Failures, Expr::col(login_throttle::Column::Failures))
        .filter(login_throttle::Column::ZoneId.eq(zone_id))
        .filter(login_throttle::Column::Login.eq(login))
        .exec(c.ex())
        .await?;
    Ok(())
}

pub async fn save_throttle(c: &Conn<'_>, row: ThrottleRow, existed: bool) -> Result<()> {
    let am = login_throttle::ActiveModel {
        id: Set(row.id),
        zone_id: Set(row.zone_id),
        login: Set(row.login),
        failures: Set(row.failures),
        window_start: Set(row.window_start),
        locked_until: Set(row.locked_until),
    };
    if existed {
        am.update(c.ex()).await?;
    } else {
        am.insert(c.ex()).await?;
    }
    Ok(())
}

pub async fn clear_throttle(c: &Conn<'_>, zone_id: Uuid, login: &str) -> Result<()> {
    login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::ZoneId.eq(zone_id))
        .filter(login_throttle::Column::Login.eq(login))
        .exec(c.ex())
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- sessions

pub async fn insert_session(c: &Conn<'_>, row: SessionRow) -> Result<SessionRow> {
    Ok(session::ActiveModel {
        id: Set(row.id),
        zone_id: Set(row.zone_id),
        user_id: Set(row.user_id),
        token_hash: Set(row.token_hash),
        csrf_token: Set(row.csrf_token),
        created_at: Set(row.created_at),
        last_seen_at: Set(row.last_seen_at),
        expires_at: Set(row.expires_at),
        idle_secs: Set(row.idle_secs),
        ip: Set(row.ip),
        stage: Set(row.stage),
    }
    .insert(c.ex())
    .await?)
}

pub async fn session_by_hash(c: &Conn<'_>, token_hash: &str) -> Result<Option<SessionRow>> {
    Ok(session::Entity::find().filter(session::Column::TokenHash.eq(token_hash)).one(c.ex()).await?)
}

/// A session and its user in one query (the check every signed-in request makes).
pub async fn session_with_user(c: &Conn<'_>, token_hash: &str) -> Result<Option<(SessionRow, UserRow)>> {
    use sea_orm::JoinType;
    let rel: sea_orm::RelationDef =
        session::Entity::belongs_to(user::Entity).from(session::Column::UserId).to(user::Column::Id).into();
    let row = session::Entity::find()
        .join(JoinType::InnerJoin, rel)
        .filter(session::Column::TokenHash.eq(token_hash))
        .filter(Expr::col((user::Entity, user::Column::ZoneId)).equals((session::Entity, session::Column::ZoneId)))
        .select_also(user::Entity)
        .one(c.ex())
        .await?;
    Ok(row.and_then(|(s, u)| u.map(|u| (s, u))))
}

pub async fn touch_session(c: &Conn<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::LastSeenAt, Expr::value(at))
        .filter(session::Column::Id.eq(id))
        .exec(c.ex())
        .await?;
    Ok(())
}

pub async fn delete_session(c: &Conn<'_>, id: Uuid) -> Result<()> {
    session::Entity::delete_by_id(id).exec(c.ex()).await?;
    Ok(())
}

/// Ends every session of a user, except `keep` (the one changing its own password).
pub async fn delete_user_sessions(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, keep: Option<Uuid>) -> Result<u64> {
    let mut q = session::Entity::delete_many()
        .filter(session::Column::ZoneId.eq(zone_id))
        .filter(session::Column::UserId.eq(user_id));
    if let Some(k) = keep {
        q = q.filter(session::Column::Id.ne(k));
    }
    Ok(q.exec(c.ex()).await?.rows_affected)
}

// ---------------------------------------------------------------- API tokens

pub async fn insert_token(c: &Conn<'_>, row: ApiTokenRow) -> Result<ApiTokenRow> {
    Ok(api_token::ActiveModel {
        id: Set(row.id),
        zone_id: Set(row.zone_id),
        user_id: Set(row.user_id),
        name: Set(row.name),
        prefix: Set(row.prefix),
        token_hash: Set(row.token_hash),
        created_at: Set(row.created_at),
        expires_at: Set(row.expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(c.ex())
    .await?)
}

/// The caller's own live tokens (the scope is always the owner).
pub async fn tokens_of(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid) -> Result<Vec<ApiTokenRow>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::ZoneId.eq(zone_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .order_by_desc(api_token::Column::CreatedAt)
        .all(c.ex())
        .await?)
}

pub async fn token_of(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, id: Uuid) -> Result<Option<ApiTokenRow>> {
    Ok(api_token::Entity::find_by_id(id)
        .filter(api_token::Column::ZoneId.eq(zone_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(c.ex())
        .await?)
}

pub async fn revoke_token(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let r = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(Some(at)))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::ZoneId.eq(zone_id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

pub async fn token_by_hash(c: &Conn<'_>, token_hash: &str) -> Result<Option<ApiTokenRow>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(token_hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(c.ex())
        .await?)
}

pub async fn touch_token(c: &Conn<'_>, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(at)))
        .filter(api_token::Column::Id.eq(id))
        .exec(c.ex())
        .await?;
    Ok(())
}

// ---------------------------------------------------------------- second factor (AUTH-04)

/// Sets (enrolment) or clears (turned off, reset) a user's TOTP secret; either way the factor
/// is off until confirmed and its replay and lock state start afresh.
pub async fn set_totp_secret(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, secret: Option<String>) -> Result<bool> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::TotpSecret, Expr::value(secret))
        .col_expr(user::Column::TotpEnabled, Expr::value(false))
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .col_expr(user::Column::TotpFailures, Expr::value(0))
        .col_expr(user::Column::TotpLockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Id.eq(user_id))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Turns the enrolled factor on.
pub async fn enable_totp(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid) -> Result<bool> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::TotpEnabled, Expr::value(true))
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::TotpSecret.is_not_null())
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Accepts a code's time step only if it is later than the last accepted one: a single
/// conditional UPDATE, so two requests with the same code cannot both pass.
pub async fn accept_totp_step(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, step: i64) -> Result<bool> {
    let r = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .col_expr(user::Column::TotpFailures, Expr::value(0))
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Id.eq(user_id))
        .filter(Condition::any().add(user::Column::TotpLastStep.is_null()).add(user::Column::TotpLastStep.lt(step)))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Counts a wrong code (an atomic increment) and returns the count.
pub async fn count_totp_failure(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid) -> Result<i32> {
    user::Entity::update_many()
        .col_expr(user::Column::TotpFailures, Expr::col(user::Column::TotpFailures).add(1))
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Id.eq(user_id))
        .exec(c.ex())
        .await?;
    Ok(user_by_id_in_zone(c, zone_id, user_id).await?.map_or(0, |u| u.totp_failures))
}

/// Locks the second factor until `until` and restarts the failure count.
pub async fn lock_totp(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, until: DateTime<Utc>) -> Result<()> {
    user::Entity::update_many()
        .col_expr(user::Column::TotpLockedUntil, Expr::value(until))
        .col_expr(user::Column::TotpFailures, Expr::value(0))
        .filter(user::Column::ZoneId.eq(zone_id))
        .filter(user::Column::Id.eq(user_id))
        .exec(c.ex())
        .await?;
    Ok(())
}

/// Sets the zone's second-factor switch if `version` still matches (CC-02).
pub async fn update_zone_security(c: &Conn<'_>, zone_id: Uuid, require: bool, version: i64) -> Result<bool> {
    let r = zone::Entity::update_many()
        .col_expr(zone::Column::RequireSecondFactor, Expr::value(require))
        .col_expr(zone::Column::Version, Expr::col(zone::Column::Version).add(1))
        .filter(zone::Column::Id.eq(zone_id))
        .filter(zone::Column::Version.eq(version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets a session's sign-in stage (`None`: a full session).
pub async fn set_session_stage(c: &Conn<'_>, id: Uuid, stage: Option<String>) -> Result<()> {
    session::Entity::update_many()
        .col_expr(session::Column::Stage, Expr::value(stage))
        .filter(session::Column::Id.eq(id))
        .exec(c.ex())
        .await?;
    Ok(())
}
