use sea_orm::entity::prelude::*;

/// A department handling an appeal: the lead one and the co-handling ones.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_handler")]
pub struct Model {
    pub zone_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub appeal_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_id: Uuid,
    pub lead: bool,
}

impl ActiveModelBehavior for ActiveModel {}
