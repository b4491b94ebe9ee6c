//! Indexes for the appeal lists at scale (issue 5's speed targets, `cargo xtask bench appeals`):
//! the category filter, the zone's soonest-deadline order, the queue's count, newest first with the
//! id, the departments' handler rows as a
//! covering index (the staff scope is one `id IN (SELECT appeal_id …)`), and the timeline and
//! extensions led by `appeal_id` (what a foreign-key check on `appeal` looks up).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

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
        m.create_index(index("appeal", "ix_appeal_zone_category_received", &["zone_id", "category_id", "received_at"]))
            .await?;
        m.create_index(index("appeal", "ix_appeal_zone_due", &["zone_id", "next_due_at"])).await?;
        // The queue's count (department, open states) from the index alone.
        m.create_index(index(
            "appeal",
            "ix_appeal_zone_dept_state_due",
            &["zone_id", "department_id", "state", "next_due_at"],
        ))
        .await?;
        // Newest first with the id in the index: a scope or `id IN (…)` test (and the dashboard's
        // appeals of a period) reads no table row for the appeals it skips.
        m.drop_index(Index::drop().name("ix_appeal_zone_received").table("appeal").to_owned()).await?;
        m.create_index(index("appeal", "ix_appeal_zone_received_id", &["zone_id", "received_at", "id"])).await?;
        // Superseded by the covering one: the scope reads appeal_id from the index alone.
        m.drop_index(Index::drop().name("ix_appeal_handler_zone_dept").table("appeal_handler").to_owned()).await?;
        m.create_index(index(
            "appeal_handler",
            "ix_appeal_handler_zone_dept_appeal",
            &["zone_id", "department_id", "appeal_id"],
        ))
        .await?;
        m.create_index(index("appeal_event", "ix_appeal_event_appeal", &["appeal_id"])).await?;
        m.create_index(index("appeal_event", "ix_appeal_event_zone_action", &["zone_id", "action", "appeal_id"]))
            .await?;
        m.create_index(index("appeal_extension", "ix_appeal_extension_appeal", &["appeal_id"])).await
    }
}
