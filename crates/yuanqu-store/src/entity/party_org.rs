use sea_orm::entity::prelude::*;

/// A party organization: the working committee down to a workshop branch.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_org")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub org_type: String,
    pub name: String,
    pub enterprise_id: Option<Uuid>,
    pub workshop: String,
    pub secretary_name: String,
    pub secretary_user_id: Option<Uuid>,
    pub founded_on: Option<Date>,
    pub last_election_on: Option<Date>,
    pub next_election_due: Option<Date>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
