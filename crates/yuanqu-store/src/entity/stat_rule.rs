use sea_orm::entity::prelude::*;

/// A check rule (flags a report for review) or a warning rule (early warning), as data.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_rule")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub code: String,
    /// `check` or `warning`.
    pub purpose: String,
    pub kind: String,
    pub metric: Option<String>,
    /// In basis points for ratios (5000 = 50 %), a day of month for lateness.
    pub threshold: Option<i64>,
    pub months: Option<i32>,
    pub enabled: bool,
    pub version: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
