//! Personal data (PD-01): a user's ID card number, encrypted (`id_card_enc`, AES-256-GCM, the
//! key outside the database) and its keyed blind index (`id_card_bidx`, HMAC-SHA256) for
//! equality search and uniqueness per zone.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for col in ["id_card_enc", "id_card_bidx"] {
            m.alter_table(
                Table::alter().table("app_user").add_column(ColumnDef::new(col).string().null().take()).take(),
            )
            .await?;
        }
        m.create_index(
            Index::create()
                .name("ux_app_user_zone_id_card_bidx")
                .table("app_user")
                .col("zone_id")
                .col("id_card_bidx")
                .unique()
                .take(),
        )
        .await
    }
}
