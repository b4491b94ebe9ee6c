use sea_orm::entity::prelude::*;

/// The per-mu evaluation (亩均效益评价) of one zone and year: its configuration as JSON and
/// its status `draft` → `run` → `published` (frozen).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "eval_scheme")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub year: i32,
    pub config: String,
    pub status: String,
    pub run_at: Option<DateTimeUtc>,
    pub published_at: Option<DateTimeUtc>,
    pub published_by: Option<Uuid>,
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
