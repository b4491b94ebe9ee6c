use sea_orm::entity::prelude::*;

/// A problem found on a visit and what became of it (`open`, `appeal`, `rectification`, `noted`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_finding")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub visit_id: Uuid,
    pub enterprise_id: Uuid,
    pub seq: i32,
    pub text: String,
    pub outcome: String,
    pub appeal_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
