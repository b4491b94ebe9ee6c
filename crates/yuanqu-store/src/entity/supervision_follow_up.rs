use sea_orm::entity::prelude::*;

/// A follow-up item: a meeting's decision or a project's problem, with a department and a deadline.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_follow_up")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub item_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub origin: String,
    pub title: String,
    pub detail: String,
    pub department_id: Uuid,
    pub owner_user_id: Option<Uuid>,
    pub due_on: Date,
    pub state: String,
    pub done_at: Option<DateTimeUtc>,
    pub done_by: Option<Uuid>,
    pub done_note: String,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
