//! The in-app inbox: notifications to users, written in the transaction of the change they tell of.

use sea_orm::{ActiveModelTrait, EntityTrait};

use crate::entity::notification;
use crate::{Conn, Result};

pub use notification::Model as NotificationRow;

/// Inserts notifications (inside the caller's transaction).
pub async fn insert(c: &Conn<'_>, rows: Vec<NotificationRow>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let models: Vec<notification::ActiveModel> =
        rows.into_iter().map(|r| notification::ActiveModel::from(r).reset_all()).collect();
    notification::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
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
