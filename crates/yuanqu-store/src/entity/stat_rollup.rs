use sea_orm::entity::prelude::*;

/// Sums of verified reports for one period along one dimension (`zone` with key `all`, `park`
/// with the park id, `section` with the GB/T 4754 section letter, `division` with the 2-digit
/// code), rebuilt for a period in the transaction that verifies or imports into it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_rollup")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dim: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub dim_key: String,
    pub reports: i32,
    pub above_count: i32,
    pub output_fen: i64,
    pub revenue_fen: i64,
    pub profit_fen: i64,
    pub tax_fen: i64,
    pub electricity_kwh: i64,
    pub employees: i64,
    pub rd_fen: i64,
    pub above_output_fen: i64,
    /// Output in the same month a year earlier of the enterprises reporting this period
    /// (same caliber, 同口径), for YoY growth.
    pub prev_output_fen: i64,
    pub above_prev_output_fen: i64,
}

impl ActiveModelBehavior for ActiveModel {}
