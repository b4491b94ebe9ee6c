use sea_orm::entity::prelude::*;

/// A kind of double-red designation (红色车间, 红色先锋岗, …), as data.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_designation_type")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub code: String,
    pub name: String,
    pub criteria: String,
    pub needs_leader: bool,
    pub needs_workshop: bool,
    pub sort: i32,
}

impl ActiveModelBehavior for ActiveModel {}
