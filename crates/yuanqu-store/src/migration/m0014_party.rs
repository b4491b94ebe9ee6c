//! Party building in the zone's enterprises (党建, issue 7): the organization tree down to the
//! workshop, members (ID card encrypted, moves between organizations), the double-red creation
//! (designation types as data, applications, awards, yearly reviews, revocations), alliances,
//! activities and the regular meetings (三会一课) with attendance and photos, and the zone's
//! required meeting frequencies.

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
                .table("party_rules")
                .col(pk_uuid("zone_id"))
                .col(text("document"))
                .col(uuid_col("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("party_rules", "zone_id", "zone"))
                .foreign_key(&mut fk("party_rules", "updated_by", "app_user"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("party_org")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_null("parent_id"))
                // `working_committee`, `committee`, `general_branch`, `branch`, `workshop_branch`.
                .col(string_len("org_type", 24))
                .col(string_len("name", 100))
                .col(uuid_null("enterprise_id"))
                .col(string_len("workshop", 100))
                .col(string_len("secretary_name", 50))
                .col(uuid_null("secretary_user_id"))
                .col(date_null("founded_on"))
                .col(date_null("last_election_on"))
                .col(date_null("next_election_due"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("party_org", "zone_id", "zone"))
                .foreign_key(&mut fk("party_org", "parent_id", "party_org"))
                .foreign_key(&mut fk("party_org", "enterprise_id", "enterprise"))
                .foreign_key(&mut fk("party_org", "secretary_user_id", "app_user"))
                .foreign_key(&mut fk("party_org", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("party_org", "ix_party_org_zone_parent", &["zone_id", "parent_id"])).await?;
        m.create_index(index("party_org", "ix_party_org_zone_enterprise", &["zone_id", "enterprise_id"])).await?;
        m.create_index(index("party_org", "ix_party_org_zone_secretary", &["zone_id", "secretary_user_id"])).await?;

        m.create_table(
            Table::create()
                .table("party_member")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("org_id"))
                .col(string_len("name", 50))
                // `m` or `f`.
                .col(string_len("gender", 1))
                .col(string_len("ethnicity", 20))
                .col(date_null("birth_on"))
                .col(string("id_card_enc"))
                .col(string_len("id_card_bidx", 64))
                .col(string_len_null("phone", 11))
                .col(string_len("education", 20))
                .col(date("joined_on"))
                // `full` or `probationary`.
                .col(string_len("standing", 16))
                .col(date_null("probation_ends_on"))
                // 转正日期: the day a probationary member became a full member here.
                .col(date_null("full_on"))
                .col(string_len("post", 100))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("party_member", "zone_id", "zone"))
                .foreign_key(&mut fk("party_member", "org_id", "party_org"))
                .take(),
        )
        .await?;
        // One person is a member of one organization in the zone at a time.
        m.create_index(
            index("party_member", "ux_party_member_zone_id_card", &["zone_id", "id_card_bidx"]).unique().take(),
        )
        .await?;
        m.create_index(index("party_member", "ix_party_member_zone_org", &["zone_id", "org_id"])).await?;

        m.create_table(
            Table::create()
                .table("party_member_move")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("member_id"))
                .col(uuid_col("from_org_id"))
                .col(uuid_col("to_org_id"))
                .col(date("moved_on"))
                .col(string_len("reason", 200))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("party_member_move", "zone_id", "zone"))
                .foreign_key(&mut fk("party_member_move", "member_id", "party_member"))
                .foreign_key(&mut fk("party_member_move", "from_org_id", "party_org"))
                .foreign_key(&mut fk("party_member_move", "to_org_id", "party_org"))
                .foreign_key(&mut fk("party_member_move", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("party_member_move", "ix_party_member_move_member", &["member_id", "moved_on"])).await?;

        m.create_table(
            Table::create()
                .table("party_designation_type")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("code", 32))
                .col(string_len("name", 50))
                .col(text("criteria"))
                // A vanguard post is led by a named member and tied to a workshop.
                .col(boolean("needs_leader"))
                .col(boolean("needs_workshop"))
                .col(integer("sort"))
                .foreign_key(&mut fk("party_designation_type", "zone_id", "zone"))
                .take(),
        )
        .await?;
        m.create_index(
            index("party_designation_type", "ux_party_designation_type_zone_code", &["zone_id", "code"])
                .unique()
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("party_designation")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("type_id"))
                .col(uuid_col("org_id"))
                .col(string_len("title", 100))
                .col(string_len("workshop", 100))
                .col(uuid_null("leader_member_id"))
                .col(text("materials"))
                // `applied`, `awarded`, `returned`, `revoked`.
                .col(string_len("state", 16))
                .col(uuid_col("applied_by"))
                .col(timestamp_with_time_zone("applied_at"))
                .col(uuid_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .col(string_len("review_note", 500))
                .col(date_null("awarded_on"))
                .col(string_len("ceremony", 200))
                .col(string_len("certificate_no", 50))
                .col(integer_null("reviewed_year"))
                .col(date_null("revoked_on"))
                .col(string_len("revoke_reason", 500))
                .col(integer("version"))
                .foreign_key(&mut fk("party_designation", "zone_id", "zone"))
                .foreign_key(&mut fk("party_designation", "type_id", "party_designation_type"))
                .foreign_key(&mut fk("party_designation", "org_id", "party_org"))
                .foreign_key(&mut fk("party_designation", "leader_member_id", "party_member"))
                .foreign_key(&mut fk("party_designation", "applied_by", "app_user"))
                .foreign_key(&mut fk("party_designation", "reviewed_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("party_designation", "ix_party_designation_zone_state", &["zone_id", "state"])).await?;
        m.create_index(index("party_designation", "ix_party_designation_org", &["org_id"])).await?;

        m.create_table(
            Table::create()
                .table("party_alliance")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(string_len("name", 100))
                // `neighbourhood`, `business`, `strong_weak`, `industry_chain`.
                .col(string_len("kind", 20))
                .col(uuid_col("lead_org_id"))
                .col(date_null("founded_on"))
                .col(text("description"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("party_alliance", "zone_id", "zone"))
                .foreign_key(&mut fk("party_alliance", "lead_org_id", "party_org"))
                .foreign_key(&mut fk("party_alliance", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("party_alliance_member")
                .col(uuid_col("zone_id"))
                .col(uuid_col("alliance_id"))
                .col(uuid_col("org_id"))
                .primary_key(Index::create().col("alliance_id").col("org_id"))
                .foreign_key(&mut fk("party_alliance_member", "zone_id", "zone"))
                .foreign_key(&mut fk("party_alliance_member", "alliance_id", "party_alliance"))
                .foreign_key(&mut fk("party_alliance_member", "org_id", "party_org"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("party_activity")
                .col(pk_uuid("id"))
                .col(uuid_col("zone_id"))
                .col(uuid_col("org_id"))
                .col(uuid_null("alliance_id"))
                // `theme`, `study` or `meeting` (then `meeting_kind` says which of 三会一课).
                .col(string_len("kind", 16))
                .col(string_len_null("meeting_kind", 24))
                .col(string_len("title", 200))
                .col(string_len("theme", 100))
                .col(date("held_on"))
                .col(string_len("place", 200))
                .col(text("agenda"))
                .col(text("summary"))
                .col(uuid_col("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .foreign_key(&mut fk("party_activity", "zone_id", "zone"))
                .foreign_key(&mut fk("party_activity", "org_id", "party_org"))
                .foreign_key(&mut fk("party_activity", "alliance_id", "party_alliance"))
                .foreign_key(&mut fk("party_activity", "created_by", "app_user"))
                .take(),
        )
        .await?;
        m.create_index(index("party_activity", "ix_party_activity_zone_held", &["zone_id", "held_on"])).await?;
        m.create_index(index("party_activity", "ix_party_activity_org_kind_held", &["org_id", "kind", "held_on"]))
            .await?;
        m.create_index(index("party_activity", "ix_party_activity_alliance", &["alliance_id"])).await?;

        m.create_table(
            Table::create()
                .table("party_attendance")
                .col(uuid_col("zone_id"))
                .col(uuid_col("activity_id"))
                .col(uuid_col("member_id"))
                .col(boolean("present"))
                .primary_key(Index::create().col("activity_id").col("member_id"))
                .foreign_key(&mut fk("party_attendance", "zone_id", "zone"))
                .foreign_key(&mut fk("party_attendance", "activity_id", "party_activity"))
                .foreign_key(&mut fk("party_attendance", "member_id", "party_member"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("party_activity_file")
                .col(uuid_col("zone_id"))
                .col(uuid_col("activity_id"))
                .col(uuid_col("file_id"))
                .primary_key(Index::create().col("activity_id").col("file_id"))
                .foreign_key(&mut fk("party_activity_file", "zone_id", "zone"))
                .foreign_key(&mut fk("party_activity_file", "activity_id", "party_activity"))
                .foreign_key(&mut fk("party_activity_file", "file_id", "file"))
                .take(),
        )
        .await?;
        Ok(())
    }
}
