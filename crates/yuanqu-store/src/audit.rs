//! The audit log: append-only, one hash chain per zone. There is no update or delete here by
//! design (AU-03, AZ-04); retention is a floor, never a purge below 180 days (AU-04).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;
use yuanqu_domain::Scope;

use crate::entity::{audit_chain, audit_log};
use crate::{Conn, Page, PageReq, Result, StoreError};

pub use audit_log::Model as AuditRow;

/// The hash the first record of a zone chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub(crate) async fn start_chain(c: &Conn<'_>, zone_id: Uuid) -> Result<()> {
    audit_chain::ActiveModel { zone_id: Set(zone_id), seq: Set(0), head: Set(GENESIS.to_owned()) }
        .insert(c.ex())
        .await?;
    Ok(())
}

/// Takes the zone's write lock (a no-op UPDATE of its chain row; every audited change takes it
/// anyway before it commits). For checks that read more than the rows they change, such as
/// "this move makes no department cycle", so that two such changes cannot pass the check
/// side by side on PostgreSQL.
pub async fn lock_zone(c: &Conn<'_>, zone_id: Uuid) -> Result<()> {
    audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::Seq, Expr::col(audit_chain::Column::Seq))
        .filter(audit_chain::Column::ZoneId.eq(zone_id))
        .exec(c.ex())
        .await?;
    Ok(())
}

/// Claims the next sequence number of the zone's chain with one conditional UPDATE (which also
/// serializes appenders on PostgreSQL) and returns it with the previous record's hash.
pub async fn advance_chain(c: &Conn<'_>, zone_id: Uuid) -> Result<(i64, String)> {
    let r = audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::Seq, Expr::col(audit_chain::Column::Seq).add(1))
        .filter(audit_chain::Column::ZoneId.eq(zone_id))
        .exec(c.ex())
        .await?;
    if r.rows_affected != 1 {
        return Err(StoreError::Db(sea_orm::DbErr::RecordNotFound(format!("audit chain of zone {zone_id}"))));
    }
    let chain = audit_chain::Entity::find_by_id(zone_id)
        .one(c.ex())
        .await?
        .ok_or_else(|| StoreError::Db(sea_orm::DbErr::RecordNotFound("audit chain".into())))?;
    Ok((chain.seq, chain.head))
}

/// Appends a record whose `seq` and `prev_hash` came from [`advance_chain`] in the same
/// transaction, and moves the chain's head to its hash.
pub async fn append(c: &Conn<'_>, row: AuditRow) -> Result<()> {
    let zone_id = row.zone_id;
    let hash = row.hash.clone();
    audit_log::ActiveModel {
        id: Set(row.id),
        zone_id: Set(row.zone_id),
        seq: Set(row.seq),
        at: Set(row.at),
        actor_id: Set(row.actor_id),
        actor_login: Set(row.actor_login),
        action: Set(row.action),
        entity_type: Set(row.entity_type),
        entity_id: Set(row.entity_id),
        before_json: Set(row.before_json),
        after_json: Set(row.after_json),
        ip: Set(row.ip),
        request_id: Set(row.request_id),
        prev_hash: Set(row.prev_hash),
        hash: Set(row.hash),
    }
    .insert(c.ex())
    .await?;
    audit_chain::Entity::update_many()
        .col_expr(audit_chain::Column::Head, Expr::value(hash))
        .filter(audit_chain::Column::ZoneId.eq(zone_id))
        .exec(c.ex())
        .await?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn search(c: &Conn<'_>, scope: &Scope, f: &AuditFilter, page: PageReq) -> Result<Page<AuditRow>> {
    let mut cond = Condition::all().add(audit_log::Column::ZoneId.eq(scope.zone_id()));
    if let Some(a) = &f.actor {
        cond = cond.add(audit_log::Column::ActorLogin.eq(a.to_lowercase()));
    }
    if let Some(a) = &f.action {
        cond = cond.add(audit_log::Column::Action.eq(a.clone()));
    }
    if let Some(t) = &f.entity_type {
        cond = cond.add(audit_log::Column::EntityType.eq(t.clone()));
    }
    if let Some(id) = f.entity_id {
        cond = cond.add(audit_log::Column::EntityId.eq(id));
    }
    if let Some(from) = f.from {
        cond = cond.add(audit_log::Column::At.gte(from));
    }
    if let Some(to) = f.to {
        cond = cond.add(audit_log::Column::At.lt(to));
    }
    let q = audit_log::Entity::find().filter(cond);
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(audit_log::Column::Seq)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// Records of a zone with `seq > after`, in order, at most `limit` (for chain verification).
pub async fn chain_slice(c: &Conn<'_>, zone_id: Uuid, after: i64, limit: u64) -> Result<Vec<AuditRow>> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::ZoneId.eq(zone_id))
        .filter(audit_log::Column::Seq.gt(after))
        .order_by_asc(audit_log::Column::Seq)
        .limit(limit)
        .all(c.ex())
        .await?)
}

/// The chain's claimed length and head hash.
pub async fn chain_head(c: &Conn<'_>, zone_id: Uuid) -> Result<Option<(i64, String)>> {
    Ok(audit_chain::Entity::find_by_id(zone_id).one(c.ex()).await?.map(|r| (r.seq, r.head)))
}

pub async fn zones_with_chains(c: &Conn<'_>) -> Result<Vec<Uuid>> {
    Ok(audit_chain::Entity::find().all(c.ex()).await?.into_iter().map(|r| r.zone_id).collect())
}
