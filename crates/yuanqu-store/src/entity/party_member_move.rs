use sea_orm::entity::prelude::*;

/// A member's move between two organizations of the zone.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_member_move")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub member_id: Uuid,
    pub from_org_id: Uuid,
    pub to_org_id: Uuid,
    pub moved_on: Date,
    pub reason: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
