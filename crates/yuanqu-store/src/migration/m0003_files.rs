//! Uploaded files (IV-02): content-addressed blobs per zone, and the file records that point at
//! them. A blob's `storage_name` is random (never the hash or the user's name).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid_col(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().take()
}
fn uuid_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().null().take()
}
fn fk(table: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().name(format!("fk_{table}_{col}")).from(table, col).to(to, "id").take()
}
fn index(table: &'static str, name: &str, cols: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table);
    for c in cols {
        i.col(*c);
    }
    if unique {
        i.unique();
    }
    i.take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("file_blob")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("sha256", 64))
                .col(string_len("storage_name", 32))
                .col(big_integer("size"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("file_blob", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("file_blob", "ux_file_blob_zone_sha256", &["zone_id", "sha256"], true)).await?;
        m.create_table(
            Table::create()
                .table("file")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("blob_id"))
                .col(uuid_col("uploader_id"))
                .col(uuid_null("enterprise_id"))
                .col(uuid_null("department_id"))
                .col(string_len("original_name", 255))
                .col(string_len("media_type", 128))
                .col(string_len("kind", 16))
                .col(integer_null("width"))
                .col(integer_null("height"))
                .col(string_len_null("thumbnail_name", 32))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("file", "zone_id", "zone"))
                .foreign_key(&mut fk("file", "blob_id", "file_blob"))
                .foreign_key(&mut fk("file", "uploader_id", "app_user"))
                .foreign_key(&mut fk("file", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("file", "department_id", "department"))
                .take(),
        )
        .await?;
        m.create_index(index("file", "ix_file_zone_uploader", &["zone_id", "uploader_id"], false)).await?;
        m.create_index(index("file", "ix_file_zone_enterprise", &["zone_id", "enterprise_id"], false)).await?;
        m.create_index(index("file", "ix_file_zone_department", &["zone_id", "department_id"], false)).await?;
        m.create_index(index("file", "ix_file_zone_blob", &["zone_id", "blob_id"], false)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("file").take()).await?;
        m.drop_table(Table::drop().table("file_blob").take()).await?;
        Ok(())
    }
}
