use sea_orm::entity::prelude::*;

/// The zone's supervision light rules: one JSON document (督查亮灯规则).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub zone_id: Uuid,
    pub document: String,
    pub updated_by: Uuid,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
