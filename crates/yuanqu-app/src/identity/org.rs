//! The zone's organization: departments (a tree) and parks. Enterprises are the `enterprise`
//! module's.

use std::collections::HashMap;

use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_store::Uuid;
use yuanqu_store::identity::{self as q, DepartmentRow, ParkRow};

use super::{done, text};
use crate::audit::{self, By, Entry};
use crate::error::unique_as;
use crate::idempotency::{self, Created, Idem};
use crate::{Actor, App, AppError, RequestCtx};

/// `root` and every department below it.
pub fn subtree(all: &[DepartmentRow], root: Uuid) -> Vec<Uuid> {
    let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for d in all {
        if let Some(p) = d.parent_id {
            children.entry(p).or_default().push(d.id);
        }
    }
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        if let Some(c) = children.get(&out[i]) {
            for id in c {
                if !out.contains(id) {
                    out.push(*id);
                }
            }
        }
        i += 1;
    }
    out
}

/// Whether making `parent` the parent of `id` would put `id` among its own ancestors.
pub fn would_cycle(all: &[DepartmentRow], id: Uuid, parent: Uuid) -> bool {
    subtree(all, id).contains(&parent)
}

// ---------------------------------------------------------------- departments

pub async fn departments(app: &App, actor: &Actor) -> Result<Vec<DepartmentRow>, AppError> {
    actor.require(Permission::DepartmentRead)?;
    Ok(q::departments(&app.db.conn(), &actor.zone_scope()).await?)
}

#[derive(Debug, Clone)]
pub struct NewDepartment {
    pub name: String,
    pub parent_id: Option<Uuid>,
}

pub async fn create_department(
    app: &App,
    actor: &Actor,
    n: NewDepartment,
    ctx: &RequestCtx,
    idem: Option<Idem<DepartmentRow>>,
) -> Result<Created<DepartmentRow>, AppError> {
    actor.require(Permission::DepartmentWrite)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let (zone, by) = (actor.zone_scope(), By::from(actor));
    idempotency::guard(app, idem.as_ref(), create_department_in(app, &zone, &by, n, ctx, idem.clone())).await
}

pub async fn create_department_as(
    app: &App,
    zone: &yuanqu_domain::Scope,
    by: &By,
    n: NewDepartment,
    ctx: &RequestCtx,
) -> Result<DepartmentRow, AppError> {
    match create_department_in(app, zone, by, n, ctx, None).await? {
        Created::New(d) => Ok(d),
        Created::Replay(_) => Err(AppError::Internal("replay without a key".into())),
    }
}

async fn create_department_in(
    app: &App,
    zone: &yuanqu_domain::Scope,
    by: &By,
    n: NewDepartment,
    ctx: &RequestCtx,
    idem: Option<Idem<DepartmentRow>>,
) -> Result<Created<DepartmentRow>, AppError> {
    let mut errors = Vec::new();
    let name = text("name", &n.name, 64, &mut errors);
    if let Some(p) = n.parent_id
        && q::department(&app.db.conn(), zone, p).await?.is_none()
    {
        errors.push(FieldError::new("parent_id", "not_found"));
    }
    done(errors)?;
    let now = app.now();
    let row = DepartmentRow {
        id: Uuid::now_v7(),
        zone_id: zone.zone_id(),
        parent_id: n.parent_id,
        name,
        head_user_id: None,
        version: 1,
        created_at: now,
    };
    app.db
        .write(|c| {
            let (row, by, ctx, zone, idem) = (row.clone(), by.clone(), ctx.clone(), zone.clone(), idem.clone());
            Box::pin(async move {
                if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                    return Ok(Created::Replay(s));
                }
                let d = q::insert_department(c, &zone, row).await?;
                audit::record(
                    c,
                    now,
                    &by,
                    &ctx,
                    Entry::new("department.create", "department", Some(d.id)).after(dept_audit(&d)),
                )
                .await?;
                idempotency::finish(c, idem.as_ref(), &d).await?;
                Ok(Created::New(d))
            })
        })
        .await
}

fn dept_audit(d: &DepartmentRow) -> serde_json::Value {
    serde_json::json!({ "name": d.name, "parent_id": d.parent_id })
}

#[derive(Debug, Clone, Default)]
pub struct DepartmentPatch {
    pub name: Option<String>,
    pub parent_id: Option<Option<Uuid>>,
}

pub async fn update_department(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    p: DepartmentPatch,
    ctx: &RequestCtx,
) -> Result<DepartmentRow, AppError> {
    actor.require(Permission::DepartmentWrite)?;
    let zone = actor.zone_scope();
    let all = q::departments(&app.db.conn(), &zone).await?;
    let before = all.iter().find(|d| d.id == id).cloned().ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let mut d = before.clone();
    let mut errors = Vec::new();
    if let Some(n) = &p.name {
        d.name = text("name", n, 64, &mut errors);
    }
    if let Some(parent) = p.parent_id {
        if let Some(pid) = parent {
            if !all.iter().any(|x| x.id == pid) {
                errors.push(FieldError::new("parent_id", "not_found"));
            } else if would_cycle(&all, id, pid) {
                return Err(AppError::Conflict("department.cycle"));
            }
        }
        d.parent_id = parent;
    }
    done(errors)?;
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (d, before, by, ctx, zone) = (d.clone(), before.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                // Re-check the cycle inside the transaction: a concurrent move may have changed the tree.
                if let Some(pid) = d.parent_id {
                    yuanqu_store::audit::lock_zone(c, zone.zone_id()).await?;
                    let all = q::departments(c, &zone).await?;
                    if would_cycle(&all, d.id, pid) {
                        return Err(AppError::Conflict("department.cycle"));
                    }
                }
                if !q::update_department(c, &zone, &d).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("department.update", "department", Some(d.id))
                    .before(dept_audit(&before))
                    .after(dept_audit(&d));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(DepartmentRow { version: d.version + 1, ..d })
            })
        })
        .await
}

pub async fn delete_department(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<(), AppError> {
    actor.require(Permission::DepartmentWrite)?;
    let zone = actor.zone_scope();
    let before = q::department(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (before, by, ctx, zone) = (before.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                if q::department_has_dependents(c, &zone, id).await? {
                    return Err(AppError::Conflict("department.not_empty"));
                }
                if !q::delete_department(c, &zone, id).await? {
                    return Err(AppError::NotFound);
                }
                audit::record(
                    c,
                    now,
                    &by,
                    &ctx,
                    Entry::new("department.delete", "department", Some(id)).before(dept_audit(&before)),
                )
                .await
            })
        })
        .await
}

// ---------------------------------------------------------------- parks

pub async fn parks(app: &App, actor: &Actor) -> Result<Vec<ParkRow>, AppError> {
    actor.require(Permission::ParkRead)?;
    Ok(q::parks(&app.db.conn(), &actor.zone_scope()).await?)
}

fn park_code(code: &str, errors: &mut Vec<FieldError>) -> String {
    let c = text("code", code, 32, errors);
    if !c.is_empty() && !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_') {
        errors.push(FieldError::new("code", "code.format"));
    }
    c
}

#[derive(Debug, Clone)]
pub struct NewPark {
    pub code: String,
    pub name: String,
}

pub async fn create_park(
    app: &App,
    actor: &Actor,
    n: NewPark,
    ctx: &RequestCtx,
    idem: Option<Idem<ParkRow>>,
) -> Result<Created<ParkRow>, AppError> {
    actor.require(Permission::ParkWrite)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let (zone, by) = (actor.zone_scope(), By::from(actor));
    idempotency::guard(app, idem.as_ref(), create_park_in(app, &zone, &by, n, ctx, idem.clone())).await
}

pub async fn create_park_as(
    app: &App,
    zone: &yuanqu_domain::Scope,
    by: &By,
    n: NewPark,
    ctx: &RequestCtx,
) -> Result<ParkRow, AppError> {
    match create_park_in(app, zone, by, n, ctx, None).await? {
        Created::New(p) => Ok(p),
        Created::Replay(_) => Err(AppError::Internal("replay without a key".into())),
    }
}

async fn create_park_in(
    app: &App,
    zone: &yuanqu_domain::Scope,
    by: &By,
    n: NewPark,
    ctx: &RequestCtx,
    idem: Option<Idem<ParkRow>>,
) -> Result<Created<ParkRow>, AppError> {
    let mut errors = Vec::new();
    let code = park_code(&n.code, &mut errors);
    let name = text("name", &n.name, 64, &mut errors);
    done(errors)?;
    let now = app.now();
    let row = ParkRow { id: Uuid::now_v7(), zone_id: zone.zone_id(), code, name, version: 1, created_at: now };
    app.db
        .write(|c| {
            let (row, by, ctx, zone, idem) = (row.clone(), by.clone(), ctx.clone(), zone.clone(), idem.clone());
            Box::pin(async move {
                if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                    return Ok(Created::Replay(s));
                }
                let p = q::insert_park(c, &zone, row).await.map_err(unique_as("park.code_taken"))?;
                let e = Entry::new("park.create", "park", Some(p.id))
                    .after(serde_json::json!({"code": p.code, "name": p.name}));
                audit::record(c, now, &by, &ctx, e).await?;
                idempotency::finish(c, idem.as_ref(), &p).await?;
                Ok(Created::New(p))
            })
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct ParkPatch {
    pub code: Option<String>,
    pub name: Option<String>,
}

pub async fn update_park(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    p: ParkPatch,
    ctx: &RequestCtx,
) -> Result<ParkRow, AppError> {
    actor.require(Permission::ParkWrite)?;
    let zone = actor.zone_scope();
    let before = q::park(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let mut row = before.clone();
    let mut errors = Vec::new();
    if let Some(c) = &p.code {
        row.code = park_code(c, &mut errors);
    }
    if let Some(n) = &p.name {
        row.name = text("name", n, 64, &mut errors);
    }
    done(errors)?;
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, before, by, ctx, zone) = (row.clone(), before.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                if !q::update_park(c, &zone, &row).await.map_err(unique_as("park.code_taken"))? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("park.update", "park", Some(row.id))
                    .before(serde_json::json!({"code": before.code, "name": before.name}))
                    .after(serde_json::json!({"code": row.code, "name": row.name}));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(ParkRow { version: row.version + 1, ..row })
            })
        })
        .await
}
