use sea_orm::entity::prelude::*;

/// The zone's required meeting frequencies (三会一课) and the yellow threshold, as JSON.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_rules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub zone_id: Uuid,
    pub document: String,
    pub updated_by: Uuid,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
