use sea_orm::entity::prelude::*;

/// A photo or document of an activity.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_activity_file")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub activity_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
