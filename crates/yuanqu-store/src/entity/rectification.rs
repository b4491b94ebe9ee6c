use sea_orm::entity::prelude::*;

/// A rectification follow-up (整改督办) of a visit finding, for a responsible department.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectification")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub finding_id: Uuid,
    pub enterprise_id: Uuid,
    pub department_id: Uuid,
    pub requirement: String,
    pub due_on: Date,
    /// `open` or `done` (overdue is computed from `due_on`).
    pub state: String,
    pub done_at: Option<DateTimeUtc>,
    pub done_note: String,
    pub done_by: Option<Uuid>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
