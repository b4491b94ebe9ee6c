use sea_orm::entity::prelude::*;

/// A photo of a visit (through the platform file service).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_file")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub visit_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
