use sea_orm::entity::prelude::*;

/// One enterprise's statistics for one month. Park, industry and above-scale flag are copied
/// from the enterprise when the report is verified, so rollups never need recomputing when the
/// registry changes later.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stat_report")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub enterprise_id: Uuid,
    /// `YYYYMM`, e.g. 202603.
    pub period: i32,
    pub park_id: Uuid,
    pub industry_code: Option<String>,
    pub above_scale: bool,
    /// 工业总产值 (current prices), fen.
    pub output_fen: Option<i64>,
    /// 营业收入, fen.
    pub revenue_fen: Option<i64>,
    /// 利润总额, fen (may be negative).
    pub profit_fen: Option<i64>,
    /// 实缴税金, fen.
    pub tax_fen: Option<i64>,
    /// 用电量, kWh.
    pub electricity_kwh: Option<i64>,
    /// 平均用工人数.
    pub employees: Option<i64>,
    /// 研发费用, fen.
    pub rd_fen: Option<i64>,
    /// `draft`, `submitted`, `returned` or `verified`.
    pub state: String,
    /// JSON array of the check rules the values hit: `[{"rule":"yoy_abs","metric":"output_fen",…}]`.
    pub flags: String,
    pub return_reason: Option<String>,
    /// `online` (the enterprise's own report) or `import` (department staff).
    pub source: String,
    pub submitted_at: Option<DateTimeUtc>,
    pub verified_at: Option<DateTimeUtc>,
    pub verified_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i64,
}

impl ActiveModelBehavior for ActiveModel {}
