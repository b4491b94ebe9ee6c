use sea_orm::entity::prelude::*;

/// An organization in an alliance.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_alliance_member")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub alliance_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub org_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
