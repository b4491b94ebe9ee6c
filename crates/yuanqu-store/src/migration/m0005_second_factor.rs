//! Idempotency keys of creating POSTs (CC-03) and the TOTP second factor (AUTH-04): the user's
//! secret and replay/lock state, the zone switch, and the session's sign-in stage.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite takes one `ADD COLUMN` per `ALTER TABLE`.
async fn add(m: &SchemaManager<'_>, table: &'static str, col: ColumnDef) -> Result<(), DbErr> {
    let mut col = col;
    m.alter_table(Table::alter().table(table).add_column(&mut col).take()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_key")
                .col(pk_uuid("id"))
                .col(ColumnDef::new("zone_id").uuid().not_null())
                .col(ColumnDef::new("user_id").uuid().not_null())
                .col(string("key"))
                .col(string("request_hash"))
                .col(integer_null("response_status"))
                .col(text_null("response_body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_idempotency_key_zone_id")
                        .from("idempotency_key", "zone_id")
                        .to("zone", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_idempotency_key_zone_user_key")
                .table("idempotency_key")
                .col("zone_id")
                .col("user_id")
                .col("key")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_idempotency_key_zone_created")
                .table("idempotency_key")
                .col("zone_id")
                .col("created_at")
                .take(),
        )
        .await?;
        add(m, "app_user", string_null("totp_secret")).await?;
        add(m, "app_user", boolean("totp_enabled").default(false).take()).await?;
        add(m, "app_user", big_integer_null("totp_last_step")).await?;
        add(m, "app_user", integer("totp_failures").default(0).take()).await?;
        add(m, "app_user", timestamp_with_time_zone_null("totp_locked_until")).await?;
        add(m, "zone", boolean("require_second_factor").default(false).take()).await?;
        add(m, "zone", big_integer("version").default(1).take()).await?;
        add(m, "session", string_null("stage")).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("m0005 cannot be reverted".into()))
    }
}
