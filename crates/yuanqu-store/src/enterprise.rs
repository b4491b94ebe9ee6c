//! Queries of the enterprise registry (一企一档): enterprises with their registry fields, tags,
//! contacts, status history, and the zone's added industry codes. Every query takes a `Scope`;
//! an enterprise account (`DataScope::Enterprise`) reaches only its own enterprise.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{enterprise, enterprise_contact, enterprise_status_change, enterprise_tag, industry_code};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use enterprise::Model as EnterpriseRow;
pub use enterprise_contact::Model as ContactRow;
pub use enterprise_status_change::Model as StatusChangeRow;
pub use industry_code::Model as IndustryCodeRow;

fn enterprise_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(enterprise::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Enterprise(id) => base.add(enterprise::Column::Id.eq(*id)),
        DataScope::Own(_) | DataScope::PartyOrganizations(_) => base.add(Expr::val(1).eq(0)),
        DataScope::Zone | DataScope::Departments(_) => base,
    }
}

/// The scope of rows that belong to an enterprise (tags, contacts, status changes).
fn child_scope<C: ColumnTrait>(scope: &Scope, zone: C, ent: C) -> Condition {
    let base = Condition::all().add(zone.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Enterprise(id) => base.add(ent.eq(*id)),
        DataScope::Own(_) | DataScope::PartyOrganizations(_) => base.add(Expr::val(1).eq(0)),
        DataScope::Zone | DataScope::Departments(_) => base,
    }
}

/// The list's filters (already parsed by the application).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnterpriseFilter {
    /// Part of the name or USCC.
    pub q: Option<String>,
    pub park_id: Option<Uuid>,
    /// Industry codes in `[from, to)` (a section or a code prefix).
    pub industry: Option<(String, String)>,
    pub above_scale: Option<bool>,
    pub status: Option<String>,
    /// Each tag narrows the set (an enterprise has all of them).
    pub tags: Vec<String>,
    /// `name`, `founded_on`, `employees`, `land_area`, `registered_capital`; `-` for descending.
    pub sort: Option<String>,
}

fn filter_cond(scope: &Scope, f: &EnterpriseFilter) -> Condition {
    let mut cond = enterprise_scope(scope);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        cond = cond
            .add(Condition::any().add(enterprise::Column::Name.like(p.clone())).add(enterprise::Column::Uscc.like(p)));
    }
    if let Some(p) = f.park_id {
        cond = cond.add(enterprise::Column::ParkId.eq(p));
    }
    if let Some((from, to)) = &f.industry {
        cond = cond
            .add(enterprise::Column::IndustryCode.gte(from.clone()))
            .add(enterprise::Column::IndustryCode.lt(to.clone()));
    }
    if let Some(a) = f.above_scale {
        cond = cond.add(enterprise::Column::AboveScale.eq(a));
    }
    if let Some(s) = &f.status {
        cond = cond.add(enterprise::Column::Status.eq(s.clone()));
    }
    for t in &f.tags {
        let sub = Query::select()
            .column(enterprise_tag::Column::EnterpriseId)
            .from(enterprise_tag::Entity)
            .and_where(enterprise_tag::Column::ZoneId.eq(scope.zone_id()))
            .and_where(enterprise_tag::Column::Tag.eq(t.clone()))
            .to_owned();
        cond = cond.add(enterprise::Column::Id.in_subquery(sub));
    }
    cond
}

fn sorted(query: sea_orm::Select<enterprise::Entity>, sort: Option<&str>) -> sea_orm::Select<enterprise::Entity> {
    use sea_orm::Order;
    let s = sort.unwrap_or("name");
    let (key, order) = match s.strip_prefix('-') {
        Some(k) => (k, Order::Desc),
        None => (s, Order::Asc),
    };
    let col = match key {
        "founded_on" => enterprise::Column::FoundedOn,
        "employees" => enterprise::Column::Employees,
        "land_area" => enterprise::Column::LandAreaCentiMu,
        "registered_capital" => enterprise::Column::RegisteredCapitalFen,
        _ => enterprise::Column::Name,
    };
    // Empty values last in both directions, the same on both engines (PostgreSQL puts NULLs
    // first when descending, SQLite when ascending).
    query
        .order_by(Expr::col(col).is_null(), Order::Asc)
        .order_by(col, order)
        .order_by_asc(enterprise::Column::Name)
        .order_by_asc(enterprise::Column::Id)
}

/// A page of enterprises and the total, under the filters, in the scope.
pub async fn enterprises(
    c: &Conn<'_>,
    scope: &Scope,
    f: &EnterpriseFilter,
    page: PageReq,
) -> Result<Page<EnterpriseRow>> {
    let query = enterprise::Entity::find().filter(filter_cond(scope, f));
    let total = query.clone().count(c.ex()).await?;
    let items =
        sorted(query, f.sort.as_deref()).offset((page.page - 1) * page.size).limit(page.size).all(c.ex()).await?;
    Ok(Page { items, total })
}

/// The next `limit` enterprises after `after` (by id) under the filters: the export's batches.
pub async fn enterprises_after(
    c: &Conn<'_>,
    scope: &Scope,
    f: &EnterpriseFilter,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<EnterpriseRow>> {
    let mut cond = filter_cond(scope, f);
    if let Some(a) = after {
        cond = cond.add(enterprise::Column::Id.gt(a));
    }
    Ok(enterprise::Entity::find().filter(cond).order_by_asc(enterprise::Column::Id).limit(limit).all(c.ex()).await?)
}

/// Every enterprise in scope (an import resolves USCCs against them).
pub async fn all_enterprises(c: &Conn<'_>, scope: &Scope) -> Result<Vec<EnterpriseRow>> {
    Ok(enterprise::Entity::find().filter(enterprise_scope(scope)).all(c.ex()).await?)
}

pub async fn enterprise(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<EnterpriseRow>> {
    Ok(enterprise::Entity::find_by_id(id).filter(enterprise_scope(scope)).one(c.ex()).await?)
}

/// The enterprise with this (normalized) USCC in scope.
pub async fn enterprise_by_uscc(c: &Conn<'_>, scope: &Scope, uscc: &str) -> Result<Option<EnterpriseRow>> {
    Ok(enterprise::Entity::find()
        .filter(enterprise_scope(scope))
        .filter(enterprise::Column::Uscc.eq(uscc))
        .one(c.ex())
        .await?)
}

/// The enterprises with these USCCs in scope (an import's upserts).
pub async fn enterprises_by_uscc(c: &Conn<'_>, scope: &Scope, usccs: &[String]) -> Result<Vec<EnterpriseRow>> {
    let mut out = Vec::new();
    for chunk in usccs.chunks(500) {
        out.extend(
            enterprise::Entity::find()
                .filter(enterprise_scope(scope))
                .filter(enterprise::Column::Uscc.is_in(chunk.iter().cloned()))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

pub async fn insert_enterprise(c: &Conn<'_>, scope: &Scope, row: EnterpriseRow) -> Result<EnterpriseRow> {
    let mut am: enterprise::ActiveModel = EnterpriseRow { zone_id: scope.zone_id(), version: 1, ..row }.into();
    am = am.reset_all();
    Ok(am.insert(c.ex()).await?)
}

/// Writes the registry fields (not the status) if the version is still `row.version`; bumps it.
pub async fn update_enterprise(c: &Conn<'_>, scope: &Scope, row: &EnterpriseRow, now: DateTime<Utc>) -> Result<bool> {
    use enterprise::Column as E;
    let r = enterprise::Entity::update_many()
        .col_expr(E::Name, Expr::value(row.name.clone()))
        .col_expr(E::Uscc, Expr::value(row.uscc.clone()))
        .col_expr(E::ParkId, Expr::value(row.park_id))
        .col_expr(E::IndustryCode, Expr::value(row.industry_code.clone()))
        .col_expr(E::AboveScale, Expr::value(row.above_scale))
        .col_expr(E::AboveScaleSince, Expr::value(row.above_scale_since))
        .col_expr(E::RegisteredCapitalFen, Expr::value(row.registered_capital_fen))
        .col_expr(E::FoundedOn, Expr::value(row.founded_on))
        .col_expr(E::Address, Expr::value(row.address.clone()))
        .col_expr(E::LongitudeE6, Expr::value(row.longitude_e6))
        .col_expr(E::LatitudeE6, Expr::value(row.latitude_e6))
        .col_expr(E::LandAreaCentiMu, Expr::value(row.land_area_centi_mu))
        .col_expr(E::FloorAreaM2, Expr::value(row.floor_area_m2))
        .col_expr(E::Employees, Expr::value(row.employees))
        .col_expr(E::UpdatedAt, Expr::value(Some(now)))
        .col_expr(E::Version, Expr::col(E::Version).add(1))
        .filter(E::Id.eq(row.id))
        .filter(enterprise_scope(scope))
        .filter(E::Version.eq(row.version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Applies a status change to its enterprise if the version is still `version` (and the status
/// still the change's `from_status`); bumps the version.
pub async fn set_status(
    c: &Conn<'_>,
    scope: &Scope,
    version: i64,
    change: &StatusChangeRow,
    now: DateTime<Utc>,
) -> Result<bool> {
    use enterprise::Column as E;
    let r = enterprise::Entity::update_many()
        .col_expr(E::Status, Expr::value(change.to_status.clone()))
        .col_expr(E::StatusSince, Expr::value(Some(change.effective_on)))
        .col_expr(E::UpdatedAt, Expr::value(Some(now)))
        .col_expr(E::Version, Expr::col(E::Version).add(1))
        .filter(E::Id.eq(change.enterprise_id))
        .filter(enterprise_scope(scope))
        .filter(E::Version.eq(version))
        .filter(E::Status.eq(change.from_status.clone().unwrap_or_default()))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- tags

/// The tags of these enterprises, in one query per 500 ids.
pub async fn tags_of(c: &Conn<'_>, scope: &Scope, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<String>>> {
    let mut out: HashMap<Uuid, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = enterprise_tag::Entity::find()
            .filter(child_scope(scope, enterprise_tag::Column::ZoneId, enterprise_tag::Column::EnterpriseId))
            .filter(enterprise_tag::Column::EnterpriseId.is_in(chunk.iter().copied()))
            .order_by_asc(enterprise_tag::Column::Tag)
            .all(c.ex())
            .await?;
        for r in rows {
            out.entry(r.enterprise_id).or_default().push(r.tag);
        }
    }
    Ok(out)
}

/// Every distinct tag in the scope (the filter's choices).
pub async fn all_tags(c: &Conn<'_>, scope: &Scope) -> Result<Vec<String>> {
    let rows: Vec<String> = enterprise_tag::Entity::find()
        .select_only()
        .column(enterprise_tag::Column::Tag)
        .distinct()
        .filter(child_scope(scope, enterprise_tag::Column::ZoneId, enterprise_tag::Column::EnterpriseId))
        .order_by_asc(enterprise_tag::Column::Tag)
        .into_tuple()
        .all(c.ex())
        .await?;
    Ok(rows)
}

/// Replaces an enterprise's tags.
pub async fn set_tags(c: &Conn<'_>, scope: &Scope, id: Uuid, tags: &[String]) -> Result<()> {
    enterprise_tag::Entity::delete_many()
        .filter(enterprise_tag::Column::ZoneId.eq(scope.zone_id()))
        .filter(enterprise_tag::Column::EnterpriseId.eq(id))
        .exec(c.ex())
        .await?;
    if tags.is_empty() {
        return Ok(());
    }
    let rows = tags.iter().map(|t| enterprise_tag::ActiveModel {
        zone_id: Set(scope.zone_id()),
        enterprise_id: Set(id),
        tag: Set(t.clone()),
    });
    enterprise_tag::Entity::insert_many(rows).exec(c.ex()).await?;
    Ok(())
}

// ---------------------------------------------------------------- contacts

pub async fn contacts(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<ContactRow>> {
    Ok(enterprise_contact::Entity::find()
        .filter(child_scope(scope, enterprise_contact::Column::ZoneId, enterprise_contact::Column::EnterpriseId))
        .filter(enterprise_contact::Column::EnterpriseId.eq(enterprise_id))
        .order_by_desc(enterprise_contact::Column::IsPrimary)
        .order_by_asc(enterprise_contact::Column::CreatedAt)
        .order_by_asc(enterprise_contact::Column::Id)
        .all(c.ex())
        .await?)
}

/// The primary (else first) contact of each of these enterprises (the export's column).
pub async fn first_contacts(c: &Conn<'_>, scope: &Scope, ids: &[Uuid]) -> Result<HashMap<Uuid, ContactRow>> {
    let mut out: HashMap<Uuid, ContactRow> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = enterprise_contact::Entity::find()
            .filter(child_scope(scope, enterprise_contact::Column::ZoneId, enterprise_contact::Column::EnterpriseId))
            .filter(enterprise_contact::Column::EnterpriseId.is_in(chunk.iter().copied()))
            .order_by_desc(enterprise_contact::Column::IsPrimary)
            .order_by_asc(enterprise_contact::Column::CreatedAt)
            .all(c.ex())
            .await?;
        for r in rows {
            out.entry(r.enterprise_id).or_insert(r);
        }
    }
    Ok(out)
}

pub async fn insert_contact(c: &Conn<'_>, scope: &Scope, row: ContactRow) -> Result<ContactRow> {
    let mut am: enterprise_contact::ActiveModel = ContactRow { zone_id: scope.zone_id(), ..row }.into();
    am = am.reset_all();
    Ok(am.insert(c.ex()).await?)
}

/// Makes every other contact of the enterprise not primary.
pub async fn clear_primary(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid) -> Result<()> {
    enterprise_contact::Entity::update_many()
        .col_expr(enterprise_contact::Column::IsPrimary, Expr::value(false))
        .filter(enterprise_contact::Column::ZoneId.eq(scope.zone_id()))
        .filter(enterprise_contact::Column::EnterpriseId.eq(enterprise_id))
        .exec(c.ex())
        .await?;
    Ok(())
}

/// Deletes one contact of one enterprise; returns the deleted row.
pub async fn delete_contact(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid, id: Uuid) -> Result<Option<ContactRow>> {
    let cond = child_scope(scope, enterprise_contact::Column::ZoneId, enterprise_contact::Column::EnterpriseId)
        .add(enterprise_contact::Column::EnterpriseId.eq(enterprise_id))
        .add(enterprise_contact::Column::Id.eq(id));
    let Some(row) = enterprise_contact::Entity::find().filter(cond.clone()).one(c.ex()).await? else {
        return Ok(None);
    };
    let r = enterprise_contact::Entity::delete_many().filter(cond).exec(c.ex()).await?;
    Ok((r.rows_affected == 1).then_some(row))
}

// ---------------------------------------------------------------- status history

pub async fn insert_status_change(c: &Conn<'_>, scope: &Scope, row: StatusChangeRow) -> Result<StatusChangeRow> {
    let mut am: enterprise_status_change::ActiveModel = StatusChangeRow { zone_id: scope.zone_id(), ..row }.into();
    am = am.reset_all();
    Ok(am.insert(c.ex()).await?)
}

/// An enterprise's status history in the order it was recorded.
pub async fn status_changes(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<StatusChangeRow>> {
    Ok(enterprise_status_change::Entity::find()
        .filter(child_scope(
            scope,
            enterprise_status_change::Column::ZoneId,
            enterprise_status_change::Column::EnterpriseId,
        ))
        .filter(enterprise_status_change::Column::EnterpriseId.eq(enterprise_id))
        .order_by_asc(enterprise_status_change::Column::CreatedAt)
        .order_by_asc(enterprise_status_change::Column::Id)
        .all(c.ex())
        .await?)
}

// ---------------------------------------------------------------- industry codes

/// The zone's added 3/4-digit codes, by code.
pub async fn industry_codes(c: &Conn<'_>, scope: &Scope) -> Result<Vec<IndustryCodeRow>> {
    Ok(industry_code::Entity::find()
        .filter(industry_code::Column::ZoneId.eq(scope.zone_id()))
        .order_by_asc(industry_code::Column::Code)
        .all(c.ex())
        .await?)
}

pub async fn industry_code(c: &Conn<'_>, scope: &Scope, code: &str) -> Result<Option<IndustryCodeRow>> {
    Ok(industry_code::Entity::find()
        .filter(industry_code::Column::ZoneId.eq(scope.zone_id()))
        .filter(industry_code::Column::Code.eq(code))
        .one(c.ex())
        .await?)
}

pub async fn insert_industry_code(c: &Conn<'_>, scope: &Scope, row: IndustryCodeRow) -> Result<IndustryCodeRow> {
    let mut am: industry_code::ActiveModel = IndustryCodeRow { zone_id: scope.zone_id(), ..row }.into();
    am = am.reset_all();
    Ok(am.insert(c.ex()).await?)
}
