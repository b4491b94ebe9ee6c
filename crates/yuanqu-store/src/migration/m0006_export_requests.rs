//! PD-04: an unmasked export of more than 1,000 users waits for a second person's approval.
//! One row per request; its status moves pending → approved/refused → downloaded by single
//! conditional UPDATEs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(format!("fk_export_request_{col}")).from("export_request", col).to(to, "id").take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("export_request")
                .col(pk_uuid("id"))
                .col(ColumnDef::new("zone_id").uuid().not_null())
                .col(ColumnDef::new("requester_id").uuid().not_null())
                .col(string_len("kind", 32))
                .col(text("filters"))
                .col(string_len("reason", 200))
                .col(big_integer("row_count"))
                .col(string_len("status", 16))
                .col(ColumnDef::new("approver_id").uuid().null())
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(big_integer("version"))
                .foreign_key(&mut fk("zone_id", "zone"))
                .foreign_key(&mut fk("requester_id", "app_user"))
                .foreign_key(&mut fk("approver_id", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_export_request_zone_status")
                .table("export_request")
                .col("zone_id")
                .col("status")
                .col("id")
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_export_request_zone_requester")
                .table("export_request")
                .col("zone_id")
                .col("requester_id")
                .col("id")
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("export_request").take()).await
    }
}
