use sea_orm::entity::prelude::*;

/// A file attached to an appeal (through the platform file service).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_file")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub appeal_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: Uuid,
    pub added_by: Uuid,
    pub added_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
