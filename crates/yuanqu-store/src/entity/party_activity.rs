use sea_orm::entity::prelude::*;

/// An activity: a theme activity, a study session or a regular meeting (三会一课).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "party_activity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub org_id: Uuid,
    pub alliance_id: Option<Uuid>,
    pub kind: String,
    pub meeting_kind: Option<String>,
    pub title: String,
    pub theme: String,
    pub held_on: Date,
    pub place: String,
    pub agenda: String,
    pub summary: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
