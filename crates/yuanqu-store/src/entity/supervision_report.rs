use sea_orm::entity::prelude::*;

/// A department's weekly progress report on an item.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub item_id: Uuid,
    pub reported_on: Date,
    pub week: Date,
    pub department_id: Uuid,
    pub reported_by: Uuid,
    pub text: String,
    pub progress_pct: i32,
    pub milestone_id: Option<Uuid>,
    pub investment_to_date_fen: Option<i64>,
    pub decrease_reason: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
