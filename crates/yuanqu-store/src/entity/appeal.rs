use sea_orm::entity::prelude::*;

/// An enterprise's appeal (诉求) with its deadlines, light moments and escalation schedule.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub code: String,
    pub enterprise_id: Uuid,
    pub park_id: Option<Uuid>,
    pub category_id: Uuid,
    pub title: String,
    pub description: String,
    pub urgency: String,
    pub identity_shown: bool,
    pub channel: String,
    pub filed_by: Option<Uuid>,
    pub state: String,
    pub department_id: Option<Uuid>,
    pub received_at: DateTimeUtc,
    pub dispatched_at: Option<DateTimeUtc>,
    pub accepted_at: Option<DateTimeUtc>,
    pub first_answer_at: Option<DateTimeUtc>,
    pub answered_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub accept_due: DateTimeUtc,
    pub answer_due: DateTimeUtc,
    pub resolve_due: DateTimeUtc,
    pub yellow_at: Option<DateTimeUtc>,
    pub next_due_at: Option<DateTimeUtc>,
    pub next_stage: Option<String>,
    pub paused_days: i32,
    pub paused_seconds: i64,
    pub paused_at: Option<DateTimeUtc>,
    pub extension_days: i32,
    pub escalate_at: Option<DateTimeUtc>,
    pub escalation_level: i32,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub merged_into: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
