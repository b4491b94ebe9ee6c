//! The in-app inbox: notifications to users, written in the transaction of the change they tell of;
//! the zone's outbound webhooks and their delivery log (the worker's queue).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;
use yuanqu_domain::Scope;

use crate::entity::{notification, webhook, webhook_delivery};
use crate::{Conn, Page, PageReq, Result};

pub use notification::Model as NotificationRow;
pub use webhook::Model as WebhookRow;
pub use webhook_delivery::Model as DeliveryRow;

/// Inserts notifications (inside the caller's transaction).
pub async fn insert(c: &Conn<'_>, rows: Vec<NotificationRow>) -> Result<()> {
    // 500 rows a statement: within both engines' bound-parameter limits.
    for chunk in rows.chunks(500) {
        let models: Vec<notification::ActiveModel> =
            chunk.iter().cloned().map(|r| notification::ActiveModel::from(r).reset_all()).collect();
        notification::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// A user's notifications, newest first.
pub async fn of_user(c: &Conn<'_>, zone_id: uuid::Uuid, user_id: uuid::Uuid) -> Result<Vec<NotificationRow>> {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    Ok(notification::Entity::find()
        .filter(notification::Column::ZoneId.eq(zone_id))
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .all(c.ex())
        .await?)
}
// ---------------------------------------------------------------- the inbox

/// A page of one user's notifications in a zone, newest first; `unread_only` leaves out read ones.
pub async fn inbox(
    c: &Conn<'_>,
    zone_id: Uuid,
    user_id: Uuid,
    unread_only: bool,
    page: PageReq,
) -> Result<Page<NotificationRow>> {
    let mut q = notification::Entity::find()
        .filter(notification::Column::ZoneId.eq(zone_id))
        .filter(notification::Column::UserId.eq(user_id));
    if unread_only {
        q = q.filter(notification::Column::ReadAt.is_null());
    }
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// How many of one user's notifications in a zone are unread.
pub async fn unread_count(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid) -> Result<u64> {
    Ok(notification::Entity::find()
        .filter(notification::Column::ZoneId.eq(zone_id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(c.ex())
        .await?)
}

/// One of the user's own notifications in the zone.
pub async fn notification_of(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, id: Uuid) -> Result<Option<NotificationRow>> {
    Ok(notification::Entity::find_by_id(id)
        .filter(notification::Column::ZoneId.eq(zone_id))
        .filter(notification::Column::UserId.eq(user_id))
        .one(c.ex())
        .await?)
}

/// Marks one of the user's own unread notifications read: one conditional UPDATE; whether it
/// changed a row (false: not the user's, not in the zone, or already read).
pub async fn mark_read(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let r = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(at)))
        .filter(notification::Column::Id.eq(id))
        .filter(notification::Column::ZoneId.eq(zone_id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks every unread notification of the user in the zone read (one UPDATE); how many.
pub async fn mark_all_read(c: &Conn<'_>, zone_id: Uuid, user_id: Uuid, at: DateTime<Utc>) -> Result<u64> {
    let r = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(at)))
        .filter(notification::Column::ZoneId.eq(zone_id))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected)
}

// ---------------------------------------------------------------- webhooks

pub async fn insert_webhook(c: &Conn<'_>, scope: &Scope, row: WebhookRow) -> Result<WebhookRow> {
    let row = WebhookRow { zone_id: scope.zone_id(), ..row };
    webhook::ActiveModel::from(row.clone()).reset_all().insert(c.ex()).await?;
    Ok(row)
}

/// The zone's webhooks, oldest first.
pub async fn webhooks(c: &Conn<'_>, scope: &Scope) -> Result<Vec<WebhookRow>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::ZoneId.eq(scope.zone_id()))
        .order_by_asc(webhook::Column::CreatedAt)
        .order_by_asc(webhook::Column::Id)
        .limit(500)
        .all(c.ex())
        .await?)
}

pub async fn webhook(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<WebhookRow>> {
    Ok(webhook::Entity::find_by_id(id).filter(webhook::Column::ZoneId.eq(scope.zone_id())).one(c.ex()).await?)
}

/// The zone's active webhooks (notify::send filters them by kind).
pub async fn active_webhooks(c: &Conn<'_>, zone_id: Uuid) -> Result<Vec<WebhookRow>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::ZoneId.eq(zone_id))
        .filter(webhook::Column::Active.eq(true))
        .all(c.ex())
        .await?)
}

/// Writes name, url, kinds and active if the stored version is still `row.version`
/// (`UPDATE … WHERE version = ?`, CC-02); whether it did.
pub async fn update_webhook(c: &Conn<'_>, scope: &Scope, row: &WebhookRow) -> Result<bool> {
    let r = webhook::Entity::update_many()
        .col_expr(webhook::Column::Name, Expr::value(row.name.clone()))
        .col_expr(webhook::Column::Url, Expr::value(row.url.clone()))
        .col_expr(webhook::Column::Kinds, Expr::value(row.kinds.clone()))
        .col_expr(webhook::Column::Active, Expr::value(row.active))
        .col_expr(webhook::Column::Version, Expr::col(webhook::Column::Version).add(1))
        .filter(webhook::Column::Id.eq(row.id))
        .filter(webhook::Column::ZoneId.eq(scope.zone_id()))
        .filter(webhook::Column::Version.eq(row.version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Deletes a webhook with its delivery log; whether it existed in the scope.
pub async fn delete_webhook(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<bool> {
    webhook_delivery::Entity::delete_many()
        .filter(webhook_delivery::Column::ZoneId.eq(scope.zone_id()))
        .filter(webhook_delivery::Column::WebhookId.eq(id))
        .exec(c.ex())
        .await?;
    let r = webhook::Entity::delete_many()
        .filter(webhook::Column::Id.eq(id))
        .filter(webhook::Column::ZoneId.eq(scope.zone_id()))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- deliveries

/// Enqueues deliveries (inside the caller's transaction).
pub async fn insert_deliveries(c: &Conn<'_>, rows: Vec<DeliveryRow>) -> Result<()> {
    for chunk in rows.chunks(500) {
        let models: Vec<webhook_delivery::ActiveModel> =
            chunk.iter().cloned().map(|r| webhook_delivery::ActiveModel::from(r).reset_all()).collect();
        webhook_delivery::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// A page of one webhook's deliveries, newest first.
pub async fn deliveries(c: &Conn<'_>, scope: &Scope, webhook_id: Uuid, page: PageReq) -> Result<Page<DeliveryRow>> {
    let q = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::ZoneId.eq(scope.zone_id()))
        .filter(webhook_delivery::Column::WebhookId.eq(webhook_id));
    let total = q.clone().count(c.ex()).await?;
    let items = q
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    Ok(Page { items, total })
}

/// Up to `limit` pending deliveries due at `now`, of every zone (the worker serves the whole
/// installation; each row is then claimed by [`claim`] and handled in its own zone), oldest first.
pub async fn due(c: &Conn<'_>, now: DateTime<Utc>, limit: u64) -> Result<Vec<DeliveryRow>> {
    Ok(webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq("pending"))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(limit)
        .all(c.ex())
        .await?)
}

/// Claims a due delivery for one attempt: moves `next_attempt_at` from the value read (`seen`)
/// to the end of the lease, in one conditional UPDATE (invariant 7). Only one worker wins; a
/// worker that dies mid-attempt leaves the row due again when the lease ends.
pub async fn claim(c: &Conn<'_>, id: Uuid, seen: DateTime<Utc>, lease_until: DateTime<Utc>) -> Result<bool> {
    let r = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(lease_until))
        .filter(webhook_delivery::Column::Id.eq(id))
        .filter(webhook_delivery::Column::State.eq("pending"))
        .filter(webhook_delivery::Column::NextAttemptAt.eq(seen))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// `pending` (to retry at `next_attempt_at`), `delivered` or `failed`.
    pub state: &'static str,
    pub next_attempt_at: DateTime<Utc>,
    pub status: Option<i32>,
    pub error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// Records an attempt of a claimed delivery, only if the claim still holds (`next_attempt_at`
/// is the lease this worker set); whether it did.
pub async fn finish(c: &Conn<'_>, id: Uuid, lease_until: DateTime<Utc>, a: Attempt) -> Result<bool> {
    let r = webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(a.state))
        .col_expr(webhook_delivery::Column::Attempts, Expr::col(webhook_delivery::Column::Attempts).add(1))
        .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(a.next_attempt_at))
        .col_expr(webhook_delivery::Column::LastStatus, Expr::value(a.status))
        .col_expr(webhook_delivery::Column::LastError, Expr::value(a.error))
        .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(a.delivered_at))
        .filter(webhook_delivery::Column::Id.eq(id))
        .filter(webhook_delivery::Column::State.eq("pending"))
        .filter(webhook_delivery::Column::NextAttemptAt.eq(lease_until))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}
