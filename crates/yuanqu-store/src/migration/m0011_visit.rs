//! Visits (走访, issue 5): leaders' and departments' visit plans, the visit records with their
//! photos and findings, and the rectification follow-ups (整改督办) a finding turns into.

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
                .table("visit_plan")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("title", 100))
                .col(uuid_col("leader_user_id"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string_len("note", 500))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("visit_plan", "zone_id", "zone"))
                .foreign_key(&mut fk("visit_plan", "leader_user_id", "app_user"))
                .foreign_key(&mut fk("visit_plan", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("visit_plan", "ix_visit_plan_zone_starts", &["zone_id", "starts_on"])).await?;

        m.create_table(
            Table::create()
                .table("visit_plan_enterprise")
                .col(uuid_col("zone_id"))
                .col(uuid_col("plan_id"))
                .col(uuid_col("enterprise_id"))
                .primary_key(Index::create().col("plan_id").col("enterprise_id"))
                .foreign_key(&mut fk("visit_plan_enterprise", "zone_id", "zone"))
                .foreign_key(&mut fk("visit_plan_enterprise", "plan_id", "visit_plan"))
                .foreign_key(&mut fk("visit_plan_enterprise", "enterprise_id", "enterprise"))
                .take(),
        )
        .await?;
        m.create_index(index("visit_plan_enterprise", "ix_visit_plan_enterprise_zone_plan", &["zone_id", "plan_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("visit")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_null("plan_id"))
                .col(uuid_col("enterprise_id"))
                .col(date("visited_on"))
                .col(uuid_null("leader_user_id"))
                .col(text("visitors"))
                .col(text("summary"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("visit", "zone_id", "zone"))
                .foreign_key(&mut fk("visit", "plan_id", "visit_plan"))
                .foreign_key(&mut fk("visit", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("visit", "leader_user_id", "app_user"))
                .foreign_key(&mut fk("visit", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("visit", "ix_visit_zone_visited", &["zone_id", "visited_on"])).await?;
        m.create_index(index("visit", "ix_visit_zone_enterprise", &["zone_id", "enterprise_id", "visited_on"])).await?;
        m.create_index(index("visit", "ix_visit_zone_plan", &["zone_id", "plan_id"])).await?;

        m.create_table(
            Table::create()
                .table("visit_file")
                .col(uuid_col("zone_id"))
                .col(uuid_col("visit_id"))
                .col(uuid_col("file_id"))
                .primary_key(Index::create().col("visit_id").col("file_id"))
                .foreign_key(&mut fk("visit_file", "zone_id", "zone"))
                .foreign_key(&mut fk("visit_file", "visit_id", "visit"))
                .foreign_key(&mut fk("visit_file", "file_id", "file"))
                .take(),
        )
        .await?;
        m.create_index(index("visit_file", "ix_visit_file_zone_visit", &["zone_id", "visit_id"])).await?;

        m.create_table(
            Table::create()
                .table("visit_finding")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("visit_id"))
                .col(uuid_col("enterprise_id"))
                .col(integer("seq"))
                .col(text("text"))
                // `open`, `appeal`, `rectification` or `noted`.
                .col(string_len("outcome", 16))
                .col(uuid_null("appeal_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("visit_finding", "zone_id", "zone"))
                .foreign_key(&mut fk("visit_finding", "visit_id", "visit"))
                .foreign_key(&mut fk("visit_finding", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("visit_finding", "appeal_id", "appeal"))
                .take(),
        )
        .await?;
        m.create_index(index("visit_finding", "ix_visit_finding_zone_visit", &["zone_id", "visit_id", "seq"])).await?;

        m.create_table(
            Table::create()
                .table("rectification")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("finding_id"))
                .col(uuid_col("enterprise_id"))
                .col(uuid_col("department_id"))
                .col(text("requirement"))
                .col(date("due_on"))
                // `open` or `done`; overdue is computed from `due_on`, never stored.
                .col(string_len("state", 8))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(text("done_note"))
                .col(uuid_null("done_by"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("rectification", "zone_id", "zone"))
                .foreign_key(&mut fk("rectification", "finding_id", "visit_finding"))
                .foreign_key(&mut fk("rectification", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("rectification", "department_id", "department"))
                .foreign_key(&mut fk("rectification", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(
            index("rectification", "ux_rectification_zone_finding", &["zone_id", "finding_id"]).unique().take(),
        )
        .await?;
        m.create_index(index(
            "rectification",
            "ix_rectification_zone_dept_due",
            &["zone_id", "department_id", "due_on"],
        ))
        .await
    }
}
