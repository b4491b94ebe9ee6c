//! Zones, parks, departments, minimal enterprises, users, sessions, API tokens, login
//! throttling and the audit log.

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
fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}
fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
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
                .table("zone")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("park")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string("code"))
                .col(string("name"))
                .col(big_integer("version"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("park", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("park", "ux_park_zone_code", &["zone_id", "code"], true)).await?;
        m.create_table(
            Table::create()
                .table("department")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_null("parent_id"))
                .col(string("name"))
                .col(big_integer("version"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("department", "zone_id", "zone"))
                .foreign_key(&mut fk("department", "parent_id", "department"))
                .take(),
        )
        .await?;
        m.create_index(index("department", "ix_department_zone_parent", &["zone_id", "parent_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("enterprise")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("park_id"))
                .col(string("name"))
                .col(string("uscc"))
                .col(big_integer("version"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("enterprise", "zone_id", "zone"))
                .foreign_key(&mut fk("enterprise", "park_id", "park"))
                .take(),
        )
        .await?;
        m.create_index(index("enterprise", "ux_enterprise_zone_uscc", &["zone_id", "uscc"], true)).await?;
        m.create_table(
            Table::create()
                .table("app_user")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string("login"))
                .col(string("display_name"))
                .col(string("role"))
                .col(uuid_null("department_id"))
                .col(uuid_null("enterprise_id"))
                .col(string_null("phone"))
                .col(string("password_hash"))
                .col(ts("password_changed_at"))
                .col(ts_null("password_expires_at"))
                .col(boolean("must_change_password"))
                .col(boolean("active"))
                .col(big_integer("version"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("app_user", "zone_id", "zone"))
                .foreign_key(&mut fk("app_user", "department_id", "department"))
                .foreign_key(&mut fk("app_user", "enterprise_id", "enterprise"))
                .take(),
        )
        .await?;
        m.create_index(index("app_user", "ux_app_user_zone_login", &["zone_id", "login"], true)).await?;
        m.create_table(
            Table::create()
                .table("password_history")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("user_id"))
                .col(string("password_hash"))
                .col(ts("created_at"))
                .foreign_key(&mut fk("password_history", "user_id", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("password_history", "ix_password_history_user", &["zone_id", "user_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("login_throttle")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string("login"))
                .col(integer("failures"))
                .col(ts("window_start"))
                .col(ts_null("locked_until"))
                .foreign_key(&mut fk("login_throttle", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("login_throttle", "ux_login_throttle_zone_login", &["zone_id", "login"], true)).await?;
        m.create_table(
            Table::create()
                .table("session")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("user_id"))
                .col(string_uniq("token_hash"))
                .col(string("csrf_token"))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(ts("expires_at"))
                .col(big_integer("idle_secs"))
                .col(string_null("ip"))
                .foreign_key(&mut fk("session", "user_id", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("session", "ix_session_zone_user", &["zone_id", "user_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("api_token")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("user_id"))
                .col(string("name"))
                .col(string("prefix"))
                .col(string_uniq("token_hash"))
                .col(ts("created_at"))
                .col(ts_null("expires_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .foreign_key(&mut fk("api_token", "user_id", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("api_token", "ix_api_token_zone_user", &["zone_id", "user_id"], false)).await?;
        m.create_table(
            Table::create()
                .table("audit_chain")
                .col(pk_uuid("zone_id"))
                .col(big_integer("seq"))
                .col(string("head"))
                .foreign_key(&mut fk("audit_chain", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(big_integer("seq"))
                .col(ts("at"))
                .col(uuid_null("actor_id"))
                .col(string_null("actor_login"))
                .col(string("action"))
                .col(string("entity_type"))
                .col(uuid_null("entity_id"))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .col(string_null("ip"))
                .col(string_null("request_id"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .foreign_key(&mut fk("audit_log", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("audit_log", "ux_audit_log_zone_seq", &["zone_id", "seq"], true)).await?;
        m.create_index(index("audit_log", "ix_audit_log_zone_entity", &["zone_id", "entity_type", "entity_id"], false))
            .await?;
        m.create_index(index("audit_log", "ix_audit_log_zone_at", &["zone_id", "at"], false)).await?;
        Ok(())
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the foundation migration cannot be reverted".into()))
    }
}
