//! Outbound webhooks (issue 5): the zone's webhook endpoints (SMS or WeChat Work gateways) and the
//! delivery log, one row per notice and webhook, retried with backoff by the background worker.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid_col(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().take()
}
fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(format!("fk_{table}_{col}")).from(table, col).to(to, "id").take()
}
fn index(table: &'static str, name: &str, cols: &[&'static str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    i.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhook")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("name", 64))
                .col(string_len("url", 500))
                // AES-256-GCM under the data key (PD-01 key ring), shown once at creation.
                .col(text("secret"))
                // A JSON array of notification kinds; empty: every kind.
                .col(text("kinds"))
                .col(boolean("active"))
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("webhook", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("webhook", "ix_webhook_zone", &["zone_id", "created_at"])).await?;
        m.create_table(
            Table::create()
                .table("webhook_delivery")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("webhook_id"))
                .col(string_len("kind", 32))
                .col(text("payload"))
                .col(string_len("state", 16))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(integer_null("last_status"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .foreign_key(&mut fk("webhook_delivery", "zone_id", "zone"))
                .foreign_key(&mut fk("webhook_delivery", "webhook_id", "webhook"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "webhook_delivery",
            "ix_webhook_delivery_zone_webhook",
            &["zone_id", "webhook_id", "created_at"],
        ))
        .await?;
        // The worker's scan for due rows (across zones: it serves the whole installation).
        m.create_index(index("webhook_delivery", "ix_webhook_delivery_due", &["state", "next_attempt_at"])).await
    }
}
