//! Key work and key projects under weekly supervision (督查督办, issue 6): the items with their
//! departments, milestones and monthly investment plans, the weekly progress reports, the light
//! of every week (history), the light rules, the Saturday meetings and their follow-up items.

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
                .table("supervision_rules")
                .col(pk_uuid("zone_id"))
                .col(text("document"))
                .col(uuid_col("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("supervision_rules", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_rules", "updated_by", "app_user"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("supervision_item")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                // `task` or `project`.
                .col(string_len("kind", 16))
                .col(string_len("code", 32))
                .col(string_len("title", 200))
                .col(string_len("category", 50))
                .col(integer("year"))
                // `plan`, `meeting` or `higher`.
                .col(string_len("source", 16))
                .col(string_len("source_doc", 100))
                .col(date_null("source_deadline"))
                .col(uuid_null("lead_user_id"))
                .col(uuid_col("department_id"))
                .col(date("start_on"))
                .col(date("due_on"))
                .col(text("description"))
                .col(uuid_null("enterprise_id"))
                .col(string_len("owner", 100))
                .col(uuid_null("park_id"))
                .col(string_len("project_type", 20))
                .col(big_integer("total_investment_fen"))
                .col(big_integer("year_planned_fen"))
                .col(string_len("stage", 16))
                .col(integer("progress_pct"))
                .col(date_null("last_report_on"))
                .col(big_integer("investment_to_date_fen"))
                // `open` or `closed`.
                .col(string_len("state", 16))
                .col(timestamp_with_time_zone_null("closed_at"))
                .col(string_len("closed_note", 500))
                .col(string_len("colour", 8))
                .col(text("colour_reasons"))
                .col(date_null("colour_week"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("supervision_item", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_item", "lead_user_id", "app_user"))
                .foreign_key(&mut fk("supervision_item", "department_id", "department"))
                .foreign_key(&mut fk("supervision_item", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("supervision_item", "park_id", "park"))
                .foreign_key(&mut fk("supervision_item", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(
            index("supervision_item", "ux_supervision_item_zone_code", &["zone_id", "code"]).unique().take(),
        )
        .await?;
        m.create_index(index(
            "supervision_item",
            "ix_supervision_item_zone_kind_colour",
            &["zone_id", "kind", "colour"],
        ))
        .await?;
        m.create_index(index("supervision_item", "ix_supervision_item_zone_due", &["zone_id", "state", "due_on"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_item_department")
                .col(uuid_col("zone_id"))
                .col(uuid_col("item_id"))
                .col(uuid_col("department_id"))
                // `lead` or `co`.
                .col(string_len("role", 8))
                .primary_key(Index::create().col("item_id").col("department_id"))
                .foreign_key(&mut fk("supervision_item_department", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_item_department", "item_id", "supervision_item"))
                .foreign_key(&mut fk("supervision_item_department", "department_id", "department"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "supervision_item_department",
            "ix_supervision_item_department_zone_dept",
            &["zone_id", "department_id", "item_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("supervision_milestone")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("item_id"))
                .col(integer("seq"))
                .col(string_len("title", 200))
                .col(date("due_on"))
                .col(integer("target_pct"))
                .col(date_null("reached_on"))
                .foreign_key(&mut fk("supervision_milestone", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_milestone", "item_id", "supervision_item"))
                .take(),
        )
        .await?;
        m.create_index(index("supervision_milestone", "ix_supervision_milestone_item", &["item_id", "seq"])).await?;
        m.create_index(index("supervision_milestone", "ix_supervision_milestone_zone", &["zone_id", "item_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_plan_month")
                .col(uuid_col("zone_id"))
                .col(uuid_col("item_id"))
                .col(string_len("month", 7))
                .col(big_integer("planned_fen"))
                .primary_key(Index::create().col("item_id").col("month"))
                .foreign_key(&mut fk("supervision_plan_month", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_plan_month", "item_id", "supervision_item"))
                .take(),
        )
        .await?;
        m.create_index(index("supervision_plan_month", "ix_supervision_plan_month_zone", &["zone_id", "item_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_report")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("item_id"))
                .col(date("reported_on"))
                .col(date("week"))
                .col(uuid_col("department_id"))
                .col(uuid_col("reported_by"))
                .col(text("text"))
                .col(integer("progress_pct"))
                .col(uuid_null("milestone_id"))
                .col(big_integer_null("investment_to_date_fen"))
                .col(string_len("decrease_reason", 500))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("supervision_report", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_report", "item_id", "supervision_item"))
                .foreign_key(&mut fk("supervision_report", "department_id", "department"))
                .foreign_key(&mut fk("supervision_report", "reported_by", "app_user"))
                .foreign_key(&mut fk("supervision_report", "milestone_id", "supervision_milestone"))
                .take(),
        )
        .await?;
        m.create_index(index("supervision_report", "ix_supervision_report_item", &["item_id", "reported_on"])).await?;
        m.create_index(index("supervision_report", "ix_supervision_report_zone_week", &["zone_id", "week"])).await?;

        m.create_table(
            Table::create()
                .table("supervision_report_file")
                .col(uuid_col("zone_id"))
                .col(uuid_col("report_id"))
                .col(uuid_col("file_id"))
                .primary_key(Index::create().col("report_id").col("file_id"))
                .foreign_key(&mut fk("supervision_report_file", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_report_file", "report_id", "supervision_report"))
                .foreign_key(&mut fk("supervision_report_file", "file_id", "file"))
                .take(),
        )
        .await?;
        m.create_index(index("supervision_report_file", "ix_supervision_report_file_zone", &["zone_id", "report_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_light")
                .col(uuid_col("zone_id"))
                .col(uuid_col("item_id"))
                .col(date("week"))
                .col(string_len("colour", 8))
                .col(text("reasons"))
                .col(integer("progress_pct"))
                .col(timestamp_with_time_zone("computed_at"))
                .primary_key(Index::create().col("item_id").col("week"))
                .foreign_key(&mut fk("supervision_light", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_light", "item_id", "supervision_item"))
                .take(),
        )
        .await?;
        m.create_index(index("supervision_light", "ix_supervision_light_zone_week", &["zone_id", "week", "colour"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_meeting")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(date("held_on"))
                .col(date("week"))
                .col(string_len("title", 200))
                .col(text("attendees"))
                .col(text("notes"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("supervision_meeting", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_meeting", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("supervision_meeting", "ix_supervision_meeting_zone_held", &["zone_id", "held_on"]))
            .await?;

        m.create_table(
            Table::create()
                .table("supervision_follow_up")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_null("item_id"))
                .col(uuid_null("meeting_id"))
                // `decision` (a meeting's) or `problem` (a project's, to coordinate).
                .col(string_len("origin", 16))
                .col(string_len("title", 200))
                .col(text("detail"))
                .col(uuid_col("department_id"))
                .col(uuid_null("owner_user_id"))
                .col(date("due_on"))
                // `open` or `done`.
                .col(string_len("state", 8))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(uuid_null("done_by"))
                .col(string_len("done_note", 500))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("supervision_follow_up", "zone_id", "zone"))
                .foreign_key(&mut fk("supervision_follow_up", "item_id", "supervision_item"))
                .foreign_key(&mut fk("supervision_follow_up", "meeting_id", "supervision_meeting"))
                .foreign_key(&mut fk("supervision_follow_up", "department_id", "department"))
                .foreign_key(&mut fk("supervision_follow_up", "owner_user_id", "app_user"))
                .foreign_key(&mut fk("supervision_follow_up", "done_by", "app_user"))
                .foreign_key(&mut fk("supervision_follow_up", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "supervision_follow_up",
            "ix_supervision_follow_up_zone_state",
            &["zone_id", "state", "due_on"],
        ))
        .await?;
        m.create_index(index("supervision_follow_up", "ix_supervision_follow_up_zone_item", &["zone_id", "item_id"]))
            .await?;
        m.create_index(index(
            "supervision_follow_up",
            "ix_supervision_follow_up_zone_dept",
            &["zone_id", "department_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "supervision_follow_up",
            "supervision_meeting",
            "supervision_light",
            "supervision_report_file",
            "supervision_report",
            "supervision_plan_month",
            "supervision_milestone",
            "supervision_item_department",
            "supervision_item",
            "supervision_rules",
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
