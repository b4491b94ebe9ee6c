use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "export_request")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub requester_id: Uuid,
    pub kind: String,
    /// The export's filters as JSON text.
    pub filters: String,
    pub reason: String,
    pub row_count: i64,
    /// `pending`, `approved`, `refused` or `downloaded`.
    pub status: String,
    pub approver_id: Option<Uuid>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub version: i64,
}

impl ActiveModelBehavior for ActiveModel {}
