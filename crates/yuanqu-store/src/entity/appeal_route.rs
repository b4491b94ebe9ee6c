use sea_orm::entity::prelude::*;

/// A routing rule: category × park (either may be any) → lead and co-handling departments.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_route")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub category_id: Option<Uuid>,
    pub park_id: Option<Uuid>,
    pub department_id: Uuid,
    pub co_department_ids: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
