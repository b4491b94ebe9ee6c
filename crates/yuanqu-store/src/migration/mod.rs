//! The one migration set, for SQLite and PostgreSQL alike. Each migration runs in a
//! transaction (CS-04); no triggers, procedures or sequences (invariant 6).

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_personal_data;
mod m0003_files;
mod m0004_exports;
mod m0005_second_factor;
mod m0006_export_requests;
mod m0007_economy;
mod m0008_calendar;
mod m0009_appeal;
mod m0010_webhook;
mod m0011_visit;
mod m0012_appeal_indexes;
mod m0013_supervision;
mod m0014_party;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_personal_data::Migration),
            Box::new(m0003_files::Migration),
            Box::new(m0004_exports::Migration),
            Box::new(m0005_second_factor::Migration),
            Box::new(m0006_export_requests::Migration),
            Box::new(m0007_economy::Migration),
            Box::new(m0008_calendar::Migration),
            Box::new(m0009_appeal::Migration),
            Box::new(m0010_webhook::Migration),
            Box::new(m0011_visit::Migration),
            Box::new(m0012_appeal_indexes::Migration),
            Box::new(m0013_supervision::Migration),
            Box::new(m0014_party::Migration),
        ]
    }
}

/// Names of the migrations this binary knows, oldest first.
pub fn known() -> Vec<String> {
    Migrator::migrations().iter().map(|m| m.name().to_owned()).collect()
}
