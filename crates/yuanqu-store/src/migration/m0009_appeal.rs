//! Enterprise appeals (issue 5, 马上就办): categories with their deadline rules, routing rules,
//! the appeals with their deadlines, escalation schedule and timeline, attachments, co-handling
//! departments and extensions; and the in-app inbox every module notifies through.

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
        // The department head escalations go to first.
        m.alter_table(Table::alter().table("department").add_column(uuid_null("head_user_id")).take()).await?;

        m.create_table(
            Table::create()
                .table("appeal_category")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("code", 32))
                .col(string_len("name", 64))
                // Limits as `<n>wd` (working days) or `<n>h` (hours), counted from receipt.
                .col(string_len("accept_limit", 8))
                .col(string_len("answer_limit", 8))
                .col(string_len("resolve_limit", 8))
                // Share (per cent) of a stage's time after which its light turns yellow.
                .col(integer("yellow_pct"))
                // Whether the clock stops while the department waits for the enterprise.
                .col(boolean("pause_when_waiting"))
                .col(integer("sort"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("appeal_category", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("appeal_category", "ux_appeal_category_zone_code", &["zone_id", "code"], true)).await?;

        m.create_table(
            Table::create()
                .table("appeal_route")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_null("category_id"))
                .col(uuid_null("park_id"))
                .col(uuid_col("department_id"))
                // JSON array of co-handling department ids.
                .col(text("co_department_ids"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("appeal_route", "zone_id", "zone"))
                .foreign_key(&mut fk("appeal_route", "category_id", "appeal_category"))
                .foreign_key(&mut fk("appeal_route", "park_id", "park"))
                .foreign_key(&mut fk("appeal_route", "department_id", "department"))
                .take(),
        )
        .await?;
        m.create_index(index("appeal_route", "ix_appeal_route_zone", &["zone_id", "category_id", "park_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("appeal")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("code", 16))
                .col(uuid_col("enterprise_id"))
                .col(uuid_null("park_id"))
                .col(uuid_col("category_id"))
                .col(string_len("title", 100))
                .col(text("description"))
                .col(string_len("urgency", 8))
                .col(boolean("identity_shown"))
                .col(string_len("channel", 12))
                .col(uuid_null("filed_by"))
                .col(string_len("state", 20))
                .col(uuid_null("department_id"))
                .col(timestamp_with_time_zone("received_at"))
                .col(timestamp_with_time_zone_null("dispatched_at"))
                .col(timestamp_with_time_zone_null("accepted_at"))
                .col(timestamp_with_time_zone_null("first_answer_at"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .col(timestamp_with_time_zone_null("closed_at"))
                // The current deadlines (after pauses and approved extensions).
                .col(timestamp_with_time_zone("accept_due"))
                .col(timestamp_with_time_zone("answer_due"))
                .col(timestamp_with_time_zone("resolve_due"))
                // The pending stage's yellow and red moments; null when nothing is pending.
                .col(timestamp_with_time_zone_null("yellow_at"))
                .col(timestamp_with_time_zone_null("next_due_at"))
                .col(string_len_null("next_stage", 8))
                // Working days and seconds the clock stood still, and approved extension days.
                .col(integer("paused_days"))
                .col(big_integer("paused_seconds"))
                .col(timestamp_with_time_zone_null("paused_at"))
                .col(integer("extension_days"))
                // The durable escalation schedule the sweep reads.
                .col(timestamp_with_time_zone_null("escalate_at"))
                .col(integer("escalation_level"))
                .col(integer_null("rating"))
                .col(string_len_null("rating_comment", 500))
                .col(uuid_null("merged_into"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("appeal", "zone_id", "zone"))
                .foreign_key(&mut fk("appeal", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("appeal", "category_id", "appeal_category"))
                .foreign_key(&mut fk("appeal", "department_id", "department"))
                .foreign_key(&mut fk("appeal", "filed_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("appeal", "ux_appeal_zone_code", &["zone_id", "code"], true)).await?;
        m.create_index(index("appeal", "ix_appeal_zone_received", &["zone_id", "received_at"], false)).await?;
        m.create_index(index("appeal", "ix_appeal_zone_state_due", &["zone_id", "state", "next_due_at"], false))
            .await?;
        m.create_index(index("appeal", "ix_appeal_zone_dept_due", &["zone_id", "department_id", "next_due_at"], false))
            .await?;
        m.create_index(index(
            "appeal",
            "ix_appeal_zone_enterprise",
            &["zone_id", "enterprise_id", "received_at"],
            false,
        ))
        .await?;
        m.create_index(index("appeal", "ix_appeal_escalate_at", &["escalate_at"], false)).await?;

        m.create_table(
            Table::create()
                .table("appeal_handler")
                .col(uuid_col("zone_id"))
                .col(uuid_col("appeal_id"))
                .col(uuid_col("department_id"))
                .col(boolean("lead"))
                .primary_key(Index::create().col("appeal_id").col("department_id"))
                .foreign_key(&mut fk("appeal_handler", "zone_id", "zone"))
                .foreign_key(&mut fk("appeal_handler", "appeal_id", "appeal"))
                .foreign_key(&mut fk("appeal_handler", "department_id", "department"))
                .take(),
        )
        .await?;
        m.create_index(index("appeal_handler", "ix_appeal_handler_zone_dept", &["zone_id", "department_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("appeal_event")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("appeal_id"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid_null("actor_id"))
                .col(string_len("action", 20))
                .col(string_len_null("from_state", 20))
                .col(string_len("to_state", 20))
                .col(text("note"))
                .col(text("data"))
                .foreign_key(&mut fk("appeal_event", "zone_id", "zone"))
                .foreign_key(&mut fk("appeal_event", "appeal_id", "appeal"))
                .take(),
        )
        .await?;
        m.create_index(index("appeal_event", "ix_appeal_event_zone_appeal", &["zone_id", "appeal_id", "at"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("appeal_file")
                .col(uuid_col("zone_id"))
                .col(uuid_col("appeal_id"))
                .col(uuid_col("file_id"))
                .col(uuid_col("added_by"))
                .col(timestamp_with_time_zone("added_at"))
                .primary_key(Index::create().col("appeal_id").col("file_id"))
                .foreign_key(&mut fk("appeal_file", "zone_id", "zone"))
                .foreign_key(&mut fk("appeal_file", "appeal_id", "appeal"))
                .foreign_key(&mut fk("appeal_file", "file_id", "file"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("appeal_extension")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("appeal_id"))
                .col(integer("days"))
                .col(string_len("reason", 500))
                .col(uuid_col("requested_by"))
                .col(timestamp_with_time_zone("requested_at"))
                .col(string_len("state", 10))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(string_len("decision_note", 500))
                .foreign_key(&mut fk("appeal_extension", "zone_id", "zone"))
                .foreign_key(&mut fk("appeal_extension", "appeal_id", "appeal"))
                .take(),
        )
        .await?;
        m.create_index(index("appeal_extension", "ix_appeal_extension_zone_appeal", &["zone_id", "appeal_id"], false))
            .await?;

        m.create_table(
            Table::create()
                .table("notification")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("user_id"))
                .col(string_len("kind", 32))
                .col(string_len("title", 200))
                .col(text("body"))
                .col(string_len("link", 200))
                .col(string_len("ref_type", 32))
                .col(uuid_null("ref_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk("notification", "zone_id", "zone"))
                .foreign_key(&mut fk("notification", "user_id", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "notification",
            "ix_notification_zone_user",
            &["zone_id", "user_id", "read_at", "created_at"],
            false,
        ))
        .await
    }
}
