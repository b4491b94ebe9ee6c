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
