//! Idempotency keys of creating requests (CC-03). A key is claimed by a conditional insert in
//! the creating transaction; the response is stored in the same transaction. A concurrent claim
//! of the same key waits on the unique index (PostgreSQL) or on the write lock (SQLite) and then
//! finds the committed row.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, TryInsertResult};
use uuid::Uuid;

use crate::entity::idempotency_key as k;
use crate::{Conn, Result};

pub use k::Model as IdempotencyRow;

/// Who used the key, and for what request.
#[derive(Debug, Clone)]
pub struct KeyUse {
    pub zone_id: Uuid,
    pub user_id: Uuid,
    pub key: String,
    pub request_hash: String,
}

/// The outcome of a claim.
#[derive(Debug, Clone)]
pub enum Claim {
    /// This request owns the key now.
    Claimed,
    /// The key was used before (by this user, within the retention window).
    Existing(IdempotencyRow),
}

/// Claims `u.key` for this request. A row older than `expired_before` is removed first (keys
/// live 24 hours).
pub async fn claim(c: &Conn<'_>, u: &KeyUse, now: DateTime<Utc>, expired_before: DateTime<Utc>) -> Result<Claim> {
    k::Entity::delete_many()
        .filter(k::Column::ZoneId.eq(u.zone_id))
        .filter(k::Column::UserId.eq(u.user_id))
        .filter(k::Column::Key.eq(u.key.clone()))
        .filter(k::Column::CreatedAt.lt(expired_before))
        .exec(c.ex())
        .await?;
    let am = k::ActiveModel {
        id: Set(Uuid::now_v7()),
        zone_id: Set(u.zone_id),
        user_id: Set(u.user_id),
        key: Set(u.key.clone()),
        request_hash: Set(u.request_hash.clone()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(now),
    };
    let r = k::Entity::insert(am)
        .on_conflict_do_nothing_on([k::Column::ZoneId, k::Column::UserId, k::Column::Key])
        .exec_without_returning(c.ex())
        .await?;
    if matches!(r, TryInsertResult::Inserted(1)) {
        return Ok(Claim::Claimed);
    }
    let row = k::Entity::find()
        .filter(k::Column::ZoneId.eq(u.zone_id))
        .filter(k::Column::UserId.eq(u.user_id))
        .filter(k::Column::Key.eq(u.key.clone()))
        .one(c.ex())
        .await?;
    match row {
        Some(r) => Ok(Claim::Existing(r)),
        // The other claim rolled back between our insert and our read: the caller retries.
        None => Err(crate::StoreError::Busy),
    }
}

/// Stores the response of the request that claimed the key.
pub async fn store_response(c: &Conn<'_>, u: &KeyUse, status: u16, body: &str) -> Result<()> {
    k::Entity::update_many()
        .col_expr(k::Column::ResponseStatus, sea_orm::sea_query::Expr::value(i32::from(status)))
        .col_expr(k::Column::ResponseBody, sea_orm::sea_query::Expr::value(body.to_owned()))
        .filter(k::Column::ZoneId.eq(u.zone_id))
        .filter(k::Column::UserId.eq(u.user_id))
        .filter(k::Column::Key.eq(u.key.clone()))
        .exec(c.ex())
        .await?;
    Ok(())
}

/// Keys recorded for a zone (tests and support).
pub async fn count(c: &Conn<'_>, zone_id: Uuid) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(k::Entity::find().filter(k::Column::ZoneId.eq(zone_id)).count(c.ex()).await?)
}

/// The row of a key, if any.
pub async fn find(c: &Conn<'_>, u: &KeyUse) -> Result<Option<IdempotencyRow>> {
    Ok(k::Entity::find()
        .filter(k::Column::ZoneId.eq(u.zone_id))
        .filter(k::Column::UserId.eq(u.user_id))
        .filter(k::Column::Key.eq(u.key.clone()))
        .one(c.ex())
        .await?)
}
