use sea_orm::entity::prelude::*;

/// A party-building alliance (党建联盟).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_alliance")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub name: String,
    pub kind: String,
    pub lead_org_id: Uuid,
    pub founded_on: Option<Date>,
    pub description: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
