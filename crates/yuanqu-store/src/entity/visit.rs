use sea_orm::entity::prelude::*;

/// A visit to an enterprise (走访记录): who went, when, what they found.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub plan_id: Option<Uuid>,
    pub enterprise_id: Uuid,
    pub visited_on: Date,
    pub leader_user_id: Option<Uuid>,
    pub visitors: String,
    pub summary: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
