use sea_orm::entity::prelude::*;

/// One enterprise's result in a year's evaluation.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "eval_result")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub scheme_id: Uuid,
    pub year: i32,
    pub enterprise_id: Uuid,
    pub land_area_centi_mu: i64,
    /// JSON array: each indicator's code, value, benchmark, weight and score.
    pub indicators: String,
    /// Total score in thousandths of a point.
    pub total_milli: i64,
    /// `A`, `B`, `C` or `D`.
    pub class: String,
    pub rank: i32,
    pub prev_class: Option<String>,
    pub prev_rank: Option<i32>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
