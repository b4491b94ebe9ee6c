use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enterprise")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub park_id: Uuid,
    pub name: String,
    pub uscc: String,
    pub version: i64,
    pub created_at: DateTimeUtc,
    /// GB/T 4754-2017 code: a 2-digit division, or a zone-added 3/4-digit group or class.
    pub industry_code: Option<String>,
    /// 规模以上 (above designated size).
    pub above_scale: bool,
    /// The day `above_scale` last changed (None: as it has always been).
    pub above_scale_since: Option<Date>,
    pub registered_capital_fen: Option<i64>,
    pub founded_on: Option<Date>,
    pub address: Option<String>,
    /// Longitude and latitude in millionths of a degree (GCJ-02 as the map gives it).
    pub longitude_e6: Option<i64>,
    pub latitude_e6: Option<i64>,
    /// Land area in hundredths of a mu (亩).
    pub land_area_centi_mu: Option<i64>,
    pub floor_area_m2: Option<i64>,
    pub employees: Option<i32>,
    /// `operating`, `suspended`, `closed` or `moved_out`.
    pub status: String,
    pub status_since: Option<Date>,
    pub updated_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
