use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "file")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub zone_id: Uuid,
    pub blob_id: Uuid,
    pub uploader_id: Uuid,
    pub enterprise_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub original_name: String,
    pub media_type: String,
    pub kind: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub thumbnail_name: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
