//! The enterprise registry (一企一档): one file per enterprise — its registry fields, tags,
//! contacts (phones masked in every answer), status with history — the zone's industry codes,
//! the registry by spreadsheet (`sheet`) and the enterprise's timeline (`timeline`), which
//! later modules extend.
//!
//! An enterprise account reads only its own enterprise (its scope) and edits nothing.

pub mod industry;
pub mod sheet;
pub mod timeline;

use chrono::NaiveDate;
use serde_json::json;
use yuanqu_domain::enterprise::{self as rules, FEN_PER_WAN, Status};
use yuanqu_domain::identity::Permission;
use yuanqu_domain::{FieldError, Scope, Uscc};
use yuanqu_store::enterprise::{self as q, ContactRow, EnterpriseFilter, EnterpriseRow, StatusChangeRow};
use yuanqu_store::identity as iq;
use yuanqu_store::{Conn, Page, PageReq, Uuid};

use crate::audit::{self, By, Entry};
use crate::error::unique_as;
use crate::idempotency::{self, Created, Idem};
use crate::identity::{done, text};
use crate::{Actor, App, AppError, RequestCtx};

/// The zone's calendar day (China Standard Time, UTC+8, no daylight saving): the day a status or
/// the scale changes, and the latest allowed founding or effective date.
pub fn zone_today(now: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(8)).date_naive()
}

/// An enterprise with its tags (and, for one enterprise, its contacts and status history).
#[derive(Debug, Clone)]
pub struct EnterpriseView {
    pub row: EnterpriseRow,
    pub tags: Vec<String>,
}

/// The list's filters as the caller gives them.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub park_id: Option<Uuid>,
    /// A section letter (`C`) or a code prefix (`13`, `131`).
    pub industry: Option<String>,
    /// `above` or `below`.
    pub scale: Option<String>,
    pub status: Option<String>,
    pub tags: Vec<String>,
    pub sort: Option<String>,
}

const SORTS: [&str; 5] = ["name", "founded_on", "employees", "land_area", "registered_capital"];

/// Checks the list's filters (422 naming the field).
pub fn filter_of(l: &ListQuery) -> Result<EnterpriseFilter, AppError> {
    let mut errors = Vec::new();
    let industry = match l.industry.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => match yuanqu_domain::industry::filter_range(s) {
            Ok(r) => Some(r),
            Err(c) => {
                errors.push(FieldError::new("industry", c));
                None
            }
        },
        None => None,
    };
    let above_scale = match l.scale.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some("above") => Some(true),
        Some("below") => Some(false),
        Some(_) => {
            errors.push(FieldError::new("scale", "invalid"));
            None
        }
    };
    let status = match l.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match Status::parse(s) {
            Ok(s) => Some(s.code().to_owned()),
            Err(c) => {
                errors.push(FieldError::new("status", c));
                None
            }
        },
    };
    if let Some(s) = l.sort.as_deref().filter(|s| !s.is_empty())
        && !SORTS.contains(&s.trim_start_matches('-'))
    {
        errors.push(FieldError::new("sort", "invalid"));
    }
    let tags: Vec<String> = l.tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    done(errors)?;
    Ok(EnterpriseFilter {
        q: l.q.clone().filter(|q| !q.trim().is_empty()),
        park_id: l.park_id,
        industry,
        above_scale,
        status,
        tags,
        sort: l.sort.clone().filter(|s| !s.is_empty()),
    })
}

async fn with_tags(c: &Conn<'_>, scope: &Scope, rows: Vec<EnterpriseRow>) -> Result<Vec<EnterpriseView>, AppError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut tags = q::tags_of(c, scope, &ids).await?;
    Ok(rows.into_iter().map(|row| EnterpriseView { tags: tags.remove(&row.id).unwrap_or_default(), row }).collect())
}

/// A page of enterprises in my scope (an enterprise account sees only its own), with their
/// tags loaded for the page in one query.
pub async fn list(app: &App, actor: &Actor, l: &ListQuery, page: PageReq) -> Result<Page<EnterpriseView>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    let f = filter_of(l)?;
    let c = app.db.conn();
    let scope = actor.scope();
    let p = q::enterprises(&c, &scope, &f, page).await?;
    Ok(Page { items: with_tags(&c, &scope, p.items).await?, total: p.total })
}

/// One enterprise in my scope, with its tags.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<EnterpriseView, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    let c = app.db.conn();
    let scope = actor.scope();
    let row = q::enterprise(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    with_tags(&c, &scope, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// The contacts of an enterprise in my scope (phones are masked by the caller's DTO).
pub async fn contacts(app: &App, actor: &Actor, id: Uuid) -> Result<Vec<ContactRow>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    Ok(q::contacts(&app.db.conn(), &actor.scope(), id).await?)
}

/// The status history of an enterprise in my scope, oldest first.
pub async fn status_history(app: &App, actor: &Actor, id: Uuid) -> Result<Vec<StatusChangeRow>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    Ok(q::status_changes(&app.db.conn(), &actor.scope(), id).await?)
}

/// Every tag used in my scope (the filter's choices).
pub async fn tags(app: &App, actor: &Actor) -> Result<Vec<String>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    Ok(q::all_tags(&app.db.conn(), &actor.scope()).await?)
}

/// The registry fields besides name, USCC and park. For a create, `None` means empty; for a
/// change, `None` means unchanged and `Some(None)` clears.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub industry_code: Option<Option<String>>,
    pub above_scale: Option<bool>,
    /// 万元, up to 6 decimals (fen).
    pub registered_capital_wan: Option<Option<f64>>,
    pub founded_on: Option<Option<NaiveDate>>,
    pub address: Option<Option<String>>,
    pub longitude: Option<Option<f64>>,
    pub latitude: Option<Option<f64>>,
    /// 亩, up to 2 decimals.
    pub land_area_mu: Option<Option<f64>>,
    pub floor_area_m2: Option<Option<i64>>,
    pub employees: Option<Option<i64>>,
    pub tags: Option<Vec<String>>,
}

/// `v × factor` rounded, if finite and within `[min, max]`.
fn scaled(field: &str, v: Option<f64>, factor: f64, min: f64, max: f64, errors: &mut Vec<FieldError>) -> Option<i64> {
    let v = v?;
    if !v.is_finite() {
        errors.push(FieldError::new(field, "number.format"));
        return None;
    }
    if v < min {
        errors.push(FieldError::new(field, if min == 0.0 { "number.negative" } else { "range" }));
        return None;
    }
    if v > max {
        errors.push(FieldError::new(field, "range"));
        return None;
    }
    #[expect(clippy::cast_possible_truncation, reason = "bounded by max above")]
    Some((v * factor).round() as i64)
}

fn count(field: &str, v: Option<i64>, max: i64, errors: &mut Vec<FieldError>) -> Option<i64> {
    let v = v?;
    if v < 0 {
        errors.push(FieldError::new(field, "number.negative"));
        None
    } else if v > max {
        errors.push(FieldError::new(field, "range"));
        None
    } else {
        Some(v)
    }
}

/// Checks an industry code: a shipped division, or a 3/4-digit code the zone added.
pub async fn check_industry(c: &Conn<'_>, zone: &Scope, code: &str) -> Result<Result<String, &'static str>, AppError> {
    let code = match yuanqu_domain::industry::IndustryCode::parse(code) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    if code.is_division() || q::industry_code(c, zone, code.as_str()).await?.is_some() {
        Ok(Ok(code.as_str().to_owned()))
    } else {
        Ok(Err("industry.unknown"))
    }
}

/// Applies `f` to `row` (and returns the tags, if given), collecting field errors.
async fn apply(
    c: &Conn<'_>,
    zone: &Scope,
    row: &mut EnterpriseRow,
    f: &Fields,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Vec<String>>, AppError> {
    if let Some(code) = &f.industry_code {
        row.industry_code = match code.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(code) => match check_industry(c, zone, code).await? {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(FieldError::new("industry_code", e));
                    None
                }
            },
        };
    }
    if let Some(a) = f.above_scale
        && a != row.above_scale
    {
        row.above_scale = a;
        row.above_scale_since = Some(today);
    }
    if let Some(v) = f.registered_capital_wan {
        row.registered_capital_fen = scaled("registered_capital_wan", v, FEN_PER_WAN as f64, 0.0, 1e10, errors);
    }
    if let Some(v) = f.founded_on {
        if v.is_some_and(|d| d > today) {
            errors.push(FieldError::new("founded_on", "date.future"));
        }
        row.founded_on = v;
    }
    if let Some(a) = &f.address {
        row.address = a.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        if row.address.as_deref().is_some_and(|a| a.chars().count() > 200) {
            errors.push(FieldError::new("address", "too_long"));
        }
    }
    if let Some(v) = f.longitude {
        row.longitude_e6 = scaled("longitude", v, 1e6, -180.0, 180.0, errors);
    }
    if let Some(v) = f.latitude {
        row.latitude_e6 = scaled("latitude", v, 1e6, -90.0, 90.0, errors);
    }
    if let Some(v) = f.land_area_mu {
        row.land_area_centi_mu = scaled("land_area_mu", v, 100.0, 0.0, 1e9, errors);
    }
    if let Some(v) = f.floor_area_m2 {
        row.floor_area_m2 = count("floor_area_m2", v, 1_000_000_000, errors);
    }
    if let Some(v) = f.employees {
        row.employees = count("employees", v, 10_000_000, errors).and_then(|v| i32::try_from(v).ok());
    }
    let tags = match &f.tags {
        None => None,
        Some(t) => match rules::tags(t) {
            Ok(t) => Some(t),
            Err(e) => {
                errors.push(FieldError::new("tags", e));
                None
            }
        },
    };
    Ok(tags)
}

/// What the audit log keeps of an enterprise.
pub(crate) fn audited(e: &EnterpriseRow, tags: &[String]) -> serde_json::Value {
    json!({
        "name": e.name, "uscc": e.uscc, "park_id": e.park_id, "industry_code": e.industry_code,
        "above_scale": e.above_scale, "above_scale_since": e.above_scale_since,
        "registered_capital_fen": e.registered_capital_fen, "founded_on": e.founded_on, "address": e.address,
        "longitude_e6": e.longitude_e6, "latitude_e6": e.latitude_e6, "land_area_centi_mu": e.land_area_centi_mu,
        "floor_area_m2": e.floor_area_m2, "employees": e.employees, "status": e.status, "tags": tags,
    })
}

fn uscc_of(v: &str, errors: &mut Vec<FieldError>) -> String {
    match Uscc::parse(v) {
        Ok(u) => u.as_str().to_owned(),
        Err(e) => {
            errors.push(FieldError::new("uscc", e.code()));
            String::new()
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewEnterprise {
    pub name: String,
    pub uscc: String,
    pub park_id: Uuid,
    pub fields: Fields,
}

pub async fn create(
    app: &App,
    actor: &Actor,
    n: NewEnterprise,
    ctx: &RequestCtx,
    idem: Option<Idem<EnterpriseView>>,
) -> Result<Created<EnterpriseView>, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let (zone, by) = (actor.zone_scope(), By::from(actor));
    idempotency::guard(app, idem.as_ref(), create_in(app, &zone, &by, n, ctx, idem.clone())).await
}

/// Creates an enterprise for the command line, the demo and the test seed.
pub async fn create_as(
    app: &App,
    zone: &Scope,
    by: &By,
    n: NewEnterprise,
    ctx: &RequestCtx,
) -> Result<EnterpriseRow, AppError> {
    match create_in(app, zone, by, n, ctx, None).await? {
        Created::New(e) => Ok(e.row),
        Created::Replay(_) => Err(AppError::Internal("replay without a key".into())),
    }
}

/// The first row of an enterprise's status history (written with the enterprise).
fn first_status(e: &EnterpriseRow, by: &By, today: NaiveDate) -> StatusChangeRow {
    StatusChangeRow {
        id: Uuid::now_v7(),
        zone_id: e.zone_id,
        enterprise_id: e.id,
        from_status: None,
        to_status: e.status.clone(),
        effective_on: e.status_since.unwrap_or(today),
        reason: "登记入库".to_owned(),
        by_user_id: by.user_id,
        created_at: e.created_at,
    }
}

async fn create_in(
    app: &App,
    zone: &Scope,
    by: &By,
    n: NewEnterprise,
    ctx: &RequestCtx,
    idem: Option<Idem<EnterpriseView>>,
) -> Result<Created<EnterpriseView>, AppError> {
    let c = app.db.conn();
    let now = app.now();
    let today = zone_today(now);
    let mut errors = Vec::new();
    let name = text("name", &n.name, 128, &mut errors);
    let uscc = uscc_of(&n.uscc, &mut errors);
    if iq::park(&c, zone, n.park_id).await?.is_none() {
        errors.push(FieldError::new("park_id", "not_found"));
    }
    let mut row = EnterpriseRow {
        id: Uuid::now_v7(),
        zone_id: zone.zone_id(),
        park_id: n.park_id,
        name,
        uscc,
        version: 1,
        created_at: now,
        industry_code: None,
        above_scale: false,
        above_scale_since: None,
        registered_capital_fen: None,
        founded_on: None,
        address: None,
        longitude_e6: None,
        latitude_e6: None,
        land_area_centi_mu: None,
        floor_area_m2: None,
        employees: None,
        status: Status::Operating.code().into(),
        status_since: Some(today),
        updated_at: None,
    };
    let tags = apply(&c, zone, &mut row, &n.fields, today, &mut errors).await?.unwrap_or_default();
    // A new enterprise's scale is as it has always been.
    row.above_scale_since = None;
    done(errors)?;
    app.db
        .write(|c| {
            let (row, tags, by, ctx, zone, idem) =
                (row.clone(), tags.clone(), by.clone(), ctx.clone(), zone.clone(), idem.clone());
            Box::pin(async move {
                if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                    return Ok(Created::Replay(s));
                }
                let e = q::insert_enterprise(c, &zone, row).await.map_err(uscc_taken)?;
                q::set_tags(c, &zone, e.id, &tags).await?;
                q::insert_status_change(c, &zone, first_status(&e, &by, today)).await?;
                let a = Entry::new("enterprise.create", "enterprise", Some(e.id)).after(audited(&e, &tags));
                audit::record(c, now, &by, &ctx, a).await?;
                let v = EnterpriseView { row: e, tags };
                idempotency::finish(c, idem.as_ref(), &v).await?;
                Ok(Created::New(v))
            })
        })
        .await
}

/// A taken USCC is 409 `enterprise.uscc_taken` (the UI puts it on the field).
fn uscc_taken(e: yuanqu_store::StoreError) -> AppError {
    unique_as("enterprise.uscc_taken")(e)
}

/// A change of the registry fields (not the status).
#[derive(Debug, Clone, Default)]
pub struct Patch {
    pub name: Option<String>,
    pub uscc: Option<String>,
    pub park_id: Option<Uuid>,
    pub fields: Fields,
}

/// Changes the registry fields if `version` is still current (412 otherwise): one conditional
/// UPDATE, the tags replaced, audited with before and after, in one transaction.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    p: Patch,
    ctx: &RequestCtx,
) -> Result<EnterpriseView, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    let zone = actor.zone_scope();
    let c = app.db.conn();
    let before = get(app, actor, id).await?;
    if before.row.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let now = app.now();
    let today = zone_today(now);
    let mut row = before.row.clone();
    let mut errors = Vec::new();
    if let Some(n) = &p.name {
        row.name = text("name", n, 128, &mut errors);
    }
    if let Some(u) = &p.uscc {
        row.uscc = uscc_of(u, &mut errors);
    }
    if let Some(pk) = p.park_id {
        if iq::park(&c, &zone, pk).await?.is_none() {
            errors.push(FieldError::new("park_id", "not_found"));
        }
        row.park_id = pk;
    }
    let tags = apply(&c, &zone, &mut row, &p.fields, today, &mut errors).await?;
    done(errors)?;
    let by = By::from(actor);
    let scope = actor.scope();
    app.db
        .write(|c| {
            let (row, tags, before, by, ctx, scope) =
                (row.clone(), tags.clone(), before.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::update_enterprise(c, &scope, &row, now).await.map_err(uscc_taken)? {
                    return Err(AppError::PreconditionFailed);
                }
                if let Some(t) = &tags {
                    q::set_tags(c, &scope, row.id, t).await?;
                }
                let tags = tags.unwrap_or_else(|| before.tags.clone());
                let e = Entry::new("enterprise.update", "enterprise", Some(row.id))
                    .before(audited(&before.row, &before.tags))
                    .after(audited(&row, &tags));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(EnterpriseView {
                    row: EnterpriseRow { version: row.version + 1, updated_at: Some(now), ..row },
                    tags,
                })
            })
        })
        .await
}

/// A status change as asked.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: String,
    pub effective_on: Option<NaiveDate>,
    pub reason: String,
}

/// Changes the status if `version` is still current: one conditional UPDATE (version and old
/// status), a history row, the audit record, in one transaction.
pub async fn change_status(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    s: StatusChange,
    ctx: &RequestCtx,
) -> Result<(EnterpriseView, StatusChangeRow), AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    let before = get(app, actor, id).await?;
    if before.row.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let now = app.now();
    let mut errors = Vec::new();
    let to = match Status::parse(&s.status) {
        Ok(t) => Some(t),
        Err(e) => {
            errors.push(FieldError::new("status", e));
            None
        }
    };
    let effective_on = match s.effective_on {
        Some(d) if d > zone_today(now) => {
            errors.push(FieldError::new("effective_on", "date.future"));
            d
        }
        Some(d) => d,
        None => zone_today(now),
    };
    let reason = text("reason", &s.reason, 200, &mut errors);
    done(errors)?;
    let to = to.ok_or_else(|| AppError::field("status", "invalid"))?;
    if to.code() == before.row.status {
        return Err(AppError::Conflict("enterprise.status_unchanged"));
    }
    let change = StatusChangeRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        enterprise_id: id,
        from_status: Some(before.row.status.clone()),
        to_status: to.code().to_owned(),
        effective_on,
        reason,
        by_user_id: Some(actor.user_id),
        created_at: now,
    };
    let by = By::from(actor);
    let scope = actor.scope();
    app.db
        .write(|c| {
            let (change, before, by, ctx, scope) =
                (change.clone(), before.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::set_status(c, &scope, version, &change, now).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let h = q::insert_status_change(c, &scope, change).await?;
                let e = Entry::new("enterprise.status", "enterprise", Some(id))
                    .before(json!({"status": before.row.status, "status_since": before.row.status_since}))
                    .after(json!({"status": h.to_status, "status_since": h.effective_on, "reason": h.reason}));
                audit::record(c, now, &by, &ctx, e).await?;
                let row = EnterpriseRow {
                    status: h.to_status.clone(),
                    status_since: Some(effective_on),
                    version: before.row.version + 1,
                    updated_at: Some(now),
                    ..before.row
                };
                Ok((EnterpriseView { row, tags: before.tags }, h))
            })
        })
        .await
}

/// A contact as typed.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub is_primary: bool,
}

fn contact_audit(c: &ContactRow) -> serde_json::Value {
    json!({"name": c.name, "title": c.title, "phone": yuanqu_domain::phone::mask(&c.phone), "is_primary": c.is_primary})
}

/// Adds a contact (the phone checked as a mainland mobile number), audited with the phone masked.
pub async fn add_contact(
    app: &App,
    actor: &Actor,
    enterprise_id: Uuid,
    n: NewContact,
    ctx: &RequestCtx,
) -> Result<ContactRow, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    get(app, actor, enterprise_id).await?;
    let mut errors = Vec::new();
    let name = text("name", &n.name, 64, &mut errors);
    let title = n.title.trim().to_owned();
    if title.chars().count() > 64 {
        errors.push(FieldError::new("title", "too_long"));
    }
    let phone = match yuanqu_domain::phone::parse_mobile(&n.phone) {
        Ok(p) => p,
        Err(e) => {
            errors.push(FieldError::new("phone", e));
            String::new()
        }
    };
    done(errors)?;
    let now = app.now();
    let row = ContactRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        enterprise_id,
        name,
        title,
        phone,
        is_primary: n.is_primary,
        created_at: now,
    };
    let (by, scope) = (By::from(actor), actor.scope());
    app.db
        .write(|c| {
            let (row, by, ctx, scope) = (row.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if row.is_primary {
                    q::clear_primary(c, &scope, enterprise_id).await?;
                }
                let r = q::insert_contact(c, &scope, row).await?;
                let e =
                    Entry::new("enterprise.contact_add", "enterprise", Some(enterprise_id)).after(contact_audit(&r));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(r)
            })
        })
        .await
}

/// Removes a contact of an enterprise in my scope (404 if it is not that enterprise's).
pub async fn delete_contact(
    app: &App,
    actor: &Actor,
    enterprise_id: Uuid,
    contact_id: Uuid,
    ctx: &RequestCtx,
) -> Result<(), AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    get(app, actor, enterprise_id).await?;
    let (by, scope, now) = (By::from(actor), actor.scope(), app.now());
    app.db
        .write(|c| {
            let (by, ctx, scope) = (by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                let r = q::delete_contact(c, &scope, enterprise_id, contact_id).await?.ok_or(AppError::NotFound)?;
                let e = Entry::new("enterprise.contact_delete", "enterprise", Some(enterprise_id))
                    .before(contact_audit(&r));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await
}

/// The enterprise a USCC names in a zone (the command line binds enterprise accounts by it).
pub async fn by_uscc(app: &App, zone: &Scope, uscc: &str) -> Result<Option<EnterpriseRow>, AppError> {
    let uscc = Uscc::parse(uscc).map_err(|e| AppError::field("uscc", e.code()))?;
    Ok(q::enterprise_by_uscc(&app.db.conn(), zone, uscc.as_str()).await?)
}

/// Park id → name, for showing enterprises (an enterprise account holds no `park.read`).
pub async fn park_names(app: &App, actor: &Actor) -> Result<std::collections::HashMap<Uuid, String>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    Ok(iq::parks(&app.db.conn(), &actor.zone_scope()).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_day_is_china_standard_time() {
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc);
        assert_eq!(zone_today(at("2026-11-26T15:59:59Z")).to_string(), "2026-11-26");
        assert_eq!(zone_today(at("2026-11-26T16:00:00Z")).to_string(), "2026-11-27");
    }
}
