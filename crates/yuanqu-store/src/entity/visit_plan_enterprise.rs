use sea_orm::entity::prelude::*;

/// An enterprise a visit plan names.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit_plan_enterprise")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub plan_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub enterprise_id: Uuid,
}

impl ActiveModelBehavior for ActiveModel {}
