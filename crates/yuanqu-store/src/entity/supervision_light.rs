use sea_orm::entity::prelude::*;

/// An item's light for one week (as of the week's Saturday), with its reasons: the history.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_light")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub week: Date,
    pub colour: String,
    pub reasons: String,
    pub progress_pct: i32,
    pub computed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
