use sea_orm::entity::prelude::*;

/// A visit plan (走访计划): a leader, the enterprises to visit and the dates.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_plan")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub title: String,
    pub leader_user_id: Uuid,
    pub starts_on: Date,
    pub ends_on: Date,
    pub note: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
