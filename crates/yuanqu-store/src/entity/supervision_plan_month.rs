use sea_orm::entity::prelude::*;

/// A project's planned investment for one month of its year (fen).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_plan_month")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: String,
    pub planned_fen: i64,
}

impl ActiveModelBehavior for ActiveModel {}
