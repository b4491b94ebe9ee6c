//! Exports read a zone's users in id order, batch by batch (`identity::users_after`): an index
//! on `(zone_id, id)` lets each batch start where the last ended instead of sorting the zone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create().name("ix_app_user_zone_id").table("app_user").col("zone_id").col("id").to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_app_user_zone_id").table("app_user").to_owned()).await
    }
}
