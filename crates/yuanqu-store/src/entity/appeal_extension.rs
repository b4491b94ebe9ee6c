use sea_orm::entity::prelude::*;

/// A request for more working days on an appeal, and the leader's decision.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_extension")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub appeal_id: Uuid,
    pub days: i32,
    pub reason: String,
    pub requested_by: Uuid,
    pub requested_at: DateTimeUtc,
    pub state: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: String,
}

impl ActiveModelBehavior for ActiveModel {}
