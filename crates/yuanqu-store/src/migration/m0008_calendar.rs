//! The zone's working-day calendar (issue 5): the days off and the 调休 make-up working days
//! the administrators keep each year from the State Council's notice (weekends are implied).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_day")
                .col(ColumnDef::new("zone_id").uuid().not_null())
                .col(date("day"))
                .col(string_len("kind", 8))
                .col(string_len("note", 64))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("zone_id").col("day"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_calendar_day_zone_id")
                        .from("calendar_day", "zone_id")
                        .to("zone", "id"),
                )
                .take(),
        )
        .await
    }
}
