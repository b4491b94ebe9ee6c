use sea_orm::entity::prelude::*;

/// A milestone of an item: a date and the share of the work done by then.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_milestone")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub item_id: Uuid,
    pub seq: i32,
    pub title: String,
    pub due_on: Date,
    pub target_pct: i32,
    pub reached_on: Option<Date>,
}

impl ActiveModelBehavior for ActiveModel {}
