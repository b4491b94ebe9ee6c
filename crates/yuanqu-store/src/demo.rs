//! Bulk loading for the demo zone and the benchmarks: many rows per statement, in the caller's
//! transaction. Not for user input (the use cases validate and audit row by row).

use sea_orm::{ActiveModelTrait, EntityTrait};

use crate::entity::{enterprise, enterprise_status_change, enterprise_tag, stat_report, stat_target};
use crate::{Conn, Result};

/// Rows per INSERT: under SQLite's 32,766 bound variables for the widest table here.
const CHUNK: usize = 500;

pub(crate) async fn insert_all<E, A>(c: &Conn<'_>, rows: Vec<A>) -> Result<()>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Clone + Send,
{
    for chunk in rows.chunks(CHUNK) {
        E::insert_many(chunk.to_vec()).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

pub async fn insert_enterprises(c: &Conn<'_>, rows: Vec<enterprise::Model>) -> Result<()> {
    insert_all(c, rows.into_iter().map(|r| enterprise::ActiveModel::from(r).reset_all()).collect()).await
}

pub async fn insert_tags(c: &Conn<'_>, rows: Vec<enterprise_tag::Model>) -> Result<()> {
    insert_all(c, rows.into_iter().map(|r| enterprise_tag::ActiveModel::from(r).reset_all()).collect()).await
}

pub async fn insert_status_changes(c: &Conn<'_>, rows: Vec<enterprise_status_change::Model>) -> Result<()> {
    insert_all(c, rows.into_iter().map(|r| enterprise_status_change::ActiveModel::from(r).reset_all()).collect()).await
}

pub async fn insert_reports(c: &Conn<'_>, rows: Vec<stat_report::Model>) -> Result<()> {
    insert_all(c, rows.into_iter().map(|r| stat_report::ActiveModel::from(r).reset_all()).collect()).await
}

pub async fn insert_targets(c: &Conn<'_>, rows: Vec<stat_target::Model>) -> Result<()> {
    insert_all(c, rows.into_iter().map(|r| stat_target::ActiveModel::from(r).reset_all()).collect()).await
}
