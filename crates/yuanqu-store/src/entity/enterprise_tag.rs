use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enterprise_tag")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub enterprise_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag: String,
}

impl ActiveModelBehavior for ActiveModel {}
