use sea_orm::entity::prelude::*;

/// A kind of appeal with its deadline rules (limits as `<n>wd` or `<n>h`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_category")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub code: String,
    pub name: String,
    pub accept_limit: String,
    pub answer_limit: String,
    pub resolve_limit: String,
    pub yellow_pct: i32,
    pub pause_when_waiting: bool,
    pub sort: i32,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
