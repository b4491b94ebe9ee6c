//! Enterprises and the economy (issue 4): the registry's fields (一企一档), tags, contacts,
//! status history and zone-added industry codes; monthly statistics reports, their check and
//! warning rules, per-period rollups kept current on every verified write, annual targets; and
//! the per-mu efficiency evaluation (亩均效益评价): a scheme per zone and year, one result per
//! enterprise.

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

/// The registry's new columns; one per statement (SQLite adds one at a time).
fn enterprise_columns() -> Vec<ColumnDef> {
    vec![
        string_len_null("industry_code", 4),
        boolean("above_scale").default(false).take(),
        date_null("above_scale_since"),
        big_integer_null("registered_capital_fen"),
        date_null("founded_on"),
        string_len_null("address", 200),
        big_integer_null("longitude_e6"),
        big_integer_null("latitude_e6"),
        big_integer_null("land_area_centi_mu"),
        big_integer_null("floor_area_m2"),
        integer_null("employees"),
        string_len("status", 16).default("operating").take(),
        date_null("status_since"),
        timestamp_with_time_zone_null("updated_at"),
    ]
}

/// The seven monthly metrics, all nullable while a report is a draft.
const METRICS: [&str; 7] =
    ["output_fen", "revenue_fen", "profit_fen", "tax_fen", "electricity_kwh", "employees", "rd_fen"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in enterprise_columns() {
            m.alter_table(Table::alter().table("enterprise").add_column(col).take()).await?;
        }
        m.create_index(index("enterprise", "ix_enterprise_zone_industry", &["zone_id", "industry_code"], false))
            .await?;
        m.create_index(index("enterprise", "ix_enterprise_zone_park", &["zone_id", "park_id", "name"], false)).await?;

        m.create_table(
            Table::create()
                .table("enterprise_tag")
                .col(uuid_col("zone_id"))
                .col(uuid_col("enterprise_id"))
                .col(string_len("tag", 32))
                .primary_key(Index::create().col("enterprise_id").col("tag"))
                .foreign_key(&mut fk("enterprise_tag", "zone_id", "zone"))
                .foreign_key(&mut fk("enterprise_tag", "enterprise_id", "enterprise"))
                .take(),
        )
        .await?;
        m.create_index(index("enterprise_tag", "ix_enterprise_tag_zone_tag", &["zone_id", "tag"], false)).await?;

        m.create_table(
            Table::create()
                .table("enterprise_contact")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("enterprise_id"))
                .col(string_len("name", 64))
                .col(string_len("title", 64))
                .col(string_len("phone", 20))
                .col(boolean("is_primary"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("enterprise_contact", "zone_id", "zone"))
                .foreign_key(&mut fk("enterprise_contact", "enterprise_id", "enterprise"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "enterprise_contact",
            "ix_enterprise_contact_zone_enterprise",
            &["zone_id", "enterprise_id"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("enterprise_status_change")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("enterprise_id"))
                .col(string_len_null("from_status", 16))
                .col(string_len("to_status", 16))
                .col(date("effective_on"))
                .col(string_len("reason", 200))
                .col(uuid_null("by_user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("enterprise_status_change", "zone_id", "zone"))
                .foreign_key(&mut fk("enterprise_status_change", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("enterprise_status_change", "by_user_id", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "enterprise_status_change",
            "ix_enterprise_status_change_zone_enterprise",
            &["zone_id", "enterprise_id", "effective_on"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("industry_code")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("code", 4))
                .col(string_len("name", 100))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("industry_code", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("industry_code", "ux_industry_code_zone_code", &["zone_id", "code"], true)).await?;

        let mut report = Table::create();
        report
            .table("stat_report")
            .col(pk_uuid("id"))
            .col(uuid_col("zone_id"))
            .col(uuid_col("enterprise_id"))
            .col(integer("period"))
            .col(uuid_col("park_id"))
            .col(string_len_null("industry_code", 4))
            .col(boolean("above_scale"));
        for metric in METRICS {
            report.col(big_integer_null(metric));
        }
        report
            .col(string_len("state", 16))
            .col(text("flags"))
            .col(string_len_null("return_reason", 200))
            .col(string_len("source", 16))
            .col(timestamp_with_time_zone_null("submitted_at"))
            .col(timestamp_with_time_zone_null("verified_at"))
            .col(uuid_null("verified_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(big_integer("version"))
            .foreign_key(&mut fk("stat_report", "zone_id", "zone"))
            .foreign_key(&mut fk("stat_report", "enterprise_id", "enterprise"))
            .foreign_key(&mut fk("stat_report", "park_id", "park"))
            .foreign_key(&mut fk("stat_report", "verified_by", "app_user"));
        m.create_table(report.take()).await?;
        m.create_index(index(
            "stat_report",
            "ux_stat_report_zone_enterprise_period",
            &["zone_id", "enterprise_id", "period"],
            true,
        ))
        .await?;
        m.create_index(index(
            "stat_report",
            "ix_stat_report_zone_period_state",
            &["zone_id", "period", "state"],
            false,
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("stat_rule")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("code", 32))
                .col(string_len("purpose", 16))
                .col(string_len("kind", 32))
                .col(string_len_null("metric", 32))
                .col(big_integer_null("threshold"))
                .col(integer_null("months"))
                .col(boolean("enabled"))
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("stat_rule", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("stat_rule", "ux_stat_rule_zone_code", &["zone_id", "code"], true)).await?;

        let mut rollup = Table::create();
        rollup
            .table("stat_rollup")
            .col(uuid_col("zone_id"))
            .col(integer("period"))
            .col(string_len("dim", 16))
            .col(string_len("dim_key", 40))
            .col(integer("reports"))
            .col(integer("above_count"));
        for metric in METRICS {
            rollup.col(big_integer(metric));
        }
        rollup
            .col(big_integer("above_output_fen"))
            .col(big_integer("prev_output_fen"))
            .col(big_integer("above_prev_output_fen"))
            .primary_key(Index::create().col("zone_id").col("period").col("dim").col("dim_key"))
            .foreign_key(&mut fk("stat_rollup", "zone_id", "zone"));
        m.create_table(rollup.take()).await?;

        m.create_table(
            Table::create()
                .table("stat_target")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(integer("year"))
                .col(string_len("metric", 32))
                .col(big_integer("target"))
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("stat_target", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(index("stat_target", "ux_stat_target_zone_year_metric", &["zone_id", "year", "metric"], true))
            .await?;

        m.create_table(
            Table::create()
                .table("eval_scheme")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(integer("year"))
                .col(text("config"))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone_null("run_at"))
                .col(timestamp_with_time_zone_null("published_at"))
                .col(uuid_null("published_by"))
                .col(big_integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("eval_scheme", "zone_id", "zone"))
                .foreign_key(&mut fk("eval_scheme", "published_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("eval_scheme", "ux_eval_scheme_zone_year", &["zone_id", "year"], true)).await?;

        m.create_table(
            Table::create()
                .table("eval_result")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("scheme_id"))
                .col(integer("year"))
                .col(uuid_col("enterprise_id"))
                .col(big_integer("land_area_centi_mu"))
                .col(text("indicators"))
                .col(big_integer("total_milli"))
                .col(string_len("class", 1))
                .col(integer("rank"))
                .col(string_len_null("prev_class", 1))
                .col(integer_null("prev_rank"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("eval_result", "zone_id", "zone"))
                .foreign_key(&mut fk("eval_result", "scheme_id", "eval_scheme"))
                .foreign_key(&mut fk("eval_result", "enterprise_id", "enterprise"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "eval_result",
            "ux_eval_result_zone_year_enterprise",
            &["zone_id", "year", "enterprise_id"],
            true,
        ))
        .await?;
        m.create_index(index(
            "eval_result",
            "ix_eval_result_zone_scheme_rank",
            &["zone_id", "scheme_id", "rank"],
            false,
        ))
        .await
    }
}
