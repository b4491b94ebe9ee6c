use sea_orm::entity::prelude::*;

/// An outbound webhook of a zone (an SMS or WeChat Work gateway).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub name: String,
    pub url: String,
    /// The HMAC key, encrypted under the data key.
    pub secret: String,
    /// A JSON array of notification kinds; empty: every kind.
    pub kinds: String,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
