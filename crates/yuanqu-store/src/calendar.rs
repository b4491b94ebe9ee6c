//! The zone's calendar days (issue 5).

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::calendar_day;
use crate::{Conn, Result};

pub use calendar_day::Model as CalendarDayRow;

/// A zone's listed days from `from` to `to`, in order.
pub async fn days(c: &Conn<'_>, zone_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<CalendarDayRow>> {
    Ok(calendar_day::Entity::find()
        .filter(calendar_day::Column::ZoneId.eq(zone_id))
        .filter(calendar_day::Column::Day.between(from, to))
        .order_by_asc(calendar_day::Column::Day)
        .all(c.ex())
        .await?)
}

/// Replaces a zone's listed days from `from` to `to` with `rows` (inside the caller's transaction).
pub async fn replace(
    c: &Conn<'_>,
    zone_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<CalendarDayRow>,
) -> Result<()> {
    calendar_day::Entity::delete_many()
        .filter(calendar_day::Column::ZoneId.eq(zone_id))
        .filter(calendar_day::Column::Day.between(from, to))
        .exec(c.ex())
        .await?;
    if !rows.is_empty() {
        let models: Vec<calendar_day::ActiveModel> = rows
            .into_iter()
            .map(|r| sea_orm::ActiveModelTrait::reset_all(calendar_day::ActiveModel::from(r)))
            .collect();
        calendar_day::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}
