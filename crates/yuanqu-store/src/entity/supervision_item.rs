use sea_orm::entity::prelude::*;

/// A key task or key project under weekly supervision (重点工作/重点项目).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "supervision_item")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub kind: String,
    pub code: String,
    pub title: String,
    pub category: String,
    pub year: i32,
    pub source: String,
    pub source_doc: String,
    pub source_deadline: Option<Date>,
    pub lead_user_id: Option<Uuid>,
    pub department_id: Uuid,
    pub start_on: Date,
    pub due_on: Date,
    pub description: String,
    pub enterprise_id: Option<Uuid>,
    pub owner: String,
    pub park_id: Option<Uuid>,
    pub project_type: String,
    pub total_investment_fen: i64,
    pub year_planned_fen: i64,
    pub stage: String,
    pub progress_pct: i32,
    pub last_report_on: Option<Date>,
    pub investment_to_date_fen: i64,
    pub state: String,
    pub closed_at: Option<DateTimeUtc>,
    pub closed_note: String,
    pub colour: String,
    pub colour_reasons: String,
    pub colour_week: Option<Date>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

impl ActiveModelBehavior for ActiveModel {}
