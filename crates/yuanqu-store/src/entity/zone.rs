use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "zone")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub created_at: DateTimeUtc,
    /// Staff and administrators must sign in with a second factor (AUTH-04).
    pub require_second_factor: bool,
    pub version: i64,
}

impl ActiveModelBehavior for ActiveModel {}
