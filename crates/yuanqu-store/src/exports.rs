//! Export requests (PD-04): a large unmasked export waits for a second person. Every state change
//! is one conditional UPDATE, so two approvers racing give one decision and a file goes out once.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;
use yuanqu_domain::Scope;

use crate::entity::export_request;
use crate::{Conn, Result};

pub use export_request::Model as ExportRequestRow;

pub async fn insert(c: &Conn<'_>, scope: &Scope, row: ExportRequestRow) -> Result<ExportRequestRow> {
    Ok(export_request::ActiveModel {
        id: Set(row.id),
        zone_id: Set(scope.zone_id()),
        requester_id: Set(row.requester_id),
        kind: Set(row.kind),
        filters: Set(row.filters),
        reason: Set(row.reason),
        row_count: Set(row.row_count),
        status: Set(row.status),
        approver_id: Set(row.approver_id),
        decided_at: Set(row.decided_at),
        created_at: Set(row.created_at),
        expires_at: Set(row.expires_at),
        version: Set(row.version),
    }
    .insert(c.ex())
    .await?)
}

/// A request of the zone.
pub async fn get(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<ExportRequestRow>> {
    Ok(export_request::Entity::find_by_id(id)
        .filter(export_request::Column::ZoneId.eq(scope.zone_id()))
        .one(c.ex())
        .await?)
}

/// The requests `user` made, and with `pending` also the zone's pending ones; newest first.
pub async fn list(c: &Conn<'_>, scope: &Scope, user: Uuid, pending: bool) -> Result<Vec<ExportRequestRow>> {
    let mut who = Condition::any().add(export_request::Column::RequesterId.eq(user));
    if pending {
        who = who.add(export_request::Column::Status.eq("pending"));
    }
    Ok(export_request::Entity::find()
        .filter(export_request::Column::ZoneId.eq(scope.zone_id()))
        .filter(who)
        .order_by_desc(export_request::Column::Id)
        .limit(200)
        .all(c.ex())
        .await?)
}

/// Approves or refuses a pending request: true only for the one caller whose UPDATE found it pending.
pub async fn decide(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    approver: Uuid,
    status: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let r = export_request::Entity::update_many()
        .col_expr(export_request::Column::Status, Expr::value(status))
        .col_expr(export_request::Column::ApproverId, Expr::value(approver))
        .col_expr(export_request::Column::DecidedAt, Expr::value(at))
        .col_expr(export_request::Column::Version, Expr::col(export_request::Column::Version).add(1))
        .filter(export_request::Column::ZoneId.eq(scope.zone_id()))
        .filter(export_request::Column::Id.eq(id))
        .filter(export_request::Column::Status.eq("pending"))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks an approved, unexpired request of `requester` downloaded: true only once.
pub async fn mark_downloaded(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    requester: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let r = export_request::Entity::update_many()
        .col_expr(export_request::Column::Status, Expr::value("downloaded"))
        .col_expr(export_request::Column::Version, Expr::col(export_request::Column::Version).add(1))
        .filter(export_request::Column::ZoneId.eq(scope.zone_id()))
        .filter(export_request::Column::Id.eq(id))
        .filter(export_request::Column::RequesterId.eq(requester))
        .filter(export_request::Column::Status.eq("approved"))
        .filter(export_request::Column::ExpiresAt.gt(at))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}
