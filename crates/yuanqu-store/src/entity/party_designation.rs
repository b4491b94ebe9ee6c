use sea_orm::entity::prelude::*;

/// An application for a designation and, once awarded, the designation.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_designation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub type_id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    pub workshop: String,
    pub leader_member_id: Option<Uuid>,
    pub materials: String,
    pub state: String,
    pub applied_by: Uuid,
    pub applied_at: DateTimeUtc,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub review_note: String,
    pub awarded_on: Option<Date>,
    pub ceremony: String,
    pub certificate_no: String,
    pub reviewed_year: Option<i32>,
    pub revoked_on: Option<Date>,
    pub revoke_reason: String,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
