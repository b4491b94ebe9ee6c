//! Users of a zone: create, read, change (with If-Match), disable.

use yuanqu_domain::identity::{LoginId, Permission, Role};
use yuanqu_domain::{FieldError, Scope};
use yuanqu_store::identity::{self as q, UserFilter, UserRow};
use yuanqu_store::{Conn, Page, PageReq, Uuid};

use super::{done, text};
use crate::audit::{self, By, Entry};
use crate::error::unique_as;
use crate::{Actor, App, AppError, RequestCtx, secret};

/// A user as others see it: never the password hash; the phone masked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserView {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub phone_masked: Option<String>,
    pub active: bool,
    /// Set while the login ID is locked after failed sign-ins.
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    pub must_change_password: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub version: i64,
}

/// `138****5678` (PD-02).
pub fn mask_phone(p: &str) -> String {
    yuanqu_domain::phone::mask(p)
}

/// What the audit log keeps of a user (no hash, masked phone).
#[derive(serde::Serialize)]
pub(crate) struct Audited<'a> {
    login: &'a str,
    display_name: &'a str,
    role: &'a str,
    department_id: Option<Uuid>,
    enterprise_id: Option<Uuid>,
    phone: Option<String>,
    active: bool,
}

pub(crate) fn audited(u: &UserRow) -> Audited<'_> {
    Audited {
        login: &u.login,
        display_name: &u.display_name,
        role: &u.role,
        department_id: u.department_id,
        enterprise_id: u.enterprise_id,
        phone: u.phone.as_deref().map(mask_phone),
        active: u.active,
    }
}

fn view(
    u: UserRow,
    department_name: Option<String>,
    enterprise_name: Option<String>,
    locked_until: Option<chrono::DateTime<chrono::Utc>>,
) -> UserView {
    UserView {
        locked_until,
        department_name,
        enterprise_name,
        phone_masked: u.phone.as_deref().map(mask_phone),
        id: u.id,
        login: u.login,
        display_name: u.display_name,
        role: u.role,
        department_id: u.department_id,
        enterprise_id: u.enterprise_id,
        active: u.active,
        must_change_password: u.must_change_password,
        created_at: u.created_at,
        version: u.version,
    }
}

pub async fn list(app: &App, actor: &Actor, f: &UserFilter, page: PageReq) -> Result<Page<UserView>, AppError> {
    actor.require(Permission::UserRead)?;
    let p = q::users(&app.db.conn(), &actor.scope(), f, page).await?;
    let now = app.now();
    Ok(Page {
        items: p
            .items
            .into_iter()
            .map(|i| {
                let locked = i.locked_until.filter(|t| *t > now);
                view(i.user, i.department_name, i.enterprise_name, locked)
            })
            .collect(),
        total: p.total,
    })
}

pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<UserView, AppError> {
    actor.require(Permission::UserRead)?;
    let c = app.db.conn();
    let u = q::user(&c, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let zone = actor.zone_scope();
    let department_name = match u.department_id {
        Some(d) => q::department(&c, &zone, d).await?.map(|d| d.name),
        None => None,
    };
    let enterprise_name = match u.enterprise_id {
        Some(e) => q::enterprise(&c, &zone, e).await?.map(|e| e.name),
        None => None,
    };
    let now = app.now();
    let locked_until = q::throttle(&c, u.zone_id, &u.login).await?.and_then(|t| t.locked_until).filter(|t| *t > now);
    Ok(view(u, department_name, enterprise_name, locked_until))
}

/// Checks a new password against the role's profile and the user's recent passwords, and
/// returns its hash.
pub async fn checked_new_password(
    c: &Conn<'_>,
    u: &UserRow,
    role: Role,
    password: &str,
    field: &str,
) -> Result<String, AppError> {
    let profile = role.password_profile();
    profile.check(password, &u.login).map_err(|e| AppError::field(field, e.code()))?;
    let history = profile.history();
    if history > 0 {
        for old in q::recent_password_hashes(c, u, history as u64).await? {
            if secret::verify_password(password, &old) {
                return Err(AppError::field(field, "password.reused"));
            }
        }
    }
    secret::hash_password(password)
}

fn parse_phone(p: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    if p.trim().is_empty() {
        return None;
    }
    match yuanqu_domain::phone::parse_mobile(p) {
        Ok(v) => Some(v),
        Err(code) => {
            errors.push(FieldError::new("phone", code));
            Some(p.trim().to_owned())
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
    pub department_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub phone: Option<String>,
}

/// Checks a new user's fields against the zone (department and enterprise must exist in the
/// scope; an enterprise account needs its enterprise) and builds the row.
async fn build_user(
    c: &Conn<'_>,
    zone: &Scope,
    n: &NewUser,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<UserRow, AppError> {
    let mut errors = Vec::new();
    let login = match LoginId::parse(&n.login) {
        Ok(l) => l.as_str().to_owned(),
        Err(code) => {
            errors.push(FieldError::new("login", code));
            String::new()
        }
    };
    let display_name = text("display_name", &n.display_name, 64, &mut errors);
    let role = Role::parse(&n.role);
    if role.is_none() {
        errors.push(FieldError::new("role", "role.unknown"));
    }
    if let Some(d) = n.department_id
        && q::department(c, zone, d).await?.is_none()
    {
        errors.push(FieldError::new("department_id", "not_found"));
    }
    match (role, n.enterprise_id) {
        (Some(Role::Enterprise), None) => errors.push(FieldError::new("enterprise_id", "required")),
        (Some(Role::Enterprise), Some(e)) if q::enterprise(c, zone, e).await?.is_none() => {
            errors.push(FieldError::new("enterprise_id", "not_found"));
        }
        (Some(Role::Enterprise), Some(_)) => {}
        (_, Some(_)) => errors.push(FieldError::new("enterprise_id", "not_allowed")),
        _ => {}
    }
    let phone = n.phone.as_deref().and_then(|p| parse_phone(p, &mut errors));
    if let Some(r) = role
        && let Err(e) = r.password_profile().check(&n.password, &login)
    {
        errors.push(FieldError::new("password", e.code()));
    }
    done(errors)?;
    Ok(UserRow {
        id: Uuid::now_v7(),
        zone_id: zone.zone_id(),
        login,
        display_name,
        role: n.role.clone(),
        department_id: n.department_id,
        enterprise_id: n.enterprise_id,
        phone,
        password_hash: secret::hash_password(&n.password)?,
        password_changed_at: now,
        password_expires_at: None,
        must_change_password: false,
        active: true,
        version: 1,
        created_at: now,
    })
}

/// Creates a user in a zone on behalf of `by` (an actor, or the command line).
pub async fn insert(app: &App, zone: &Scope, by: &By, n: NewUser, ctx: &RequestCtx) -> Result<UserRow, AppError> {
    let now = app.now();
    let row = build_user(&app.db.conn(), zone, &n, now).await?;
    app.db
        .write(|c| {
            let (row, by, ctx, zone) = (row.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                let u = q::insert_user(c, &zone, row).await.map_err(unique_as("user.login_taken"))?;
                let e = Entry::new("user.create", "user", Some(u.id)).after(audited(&u));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(u)
            })
        })
        .await
}

pub async fn create(app: &App, actor: &Actor, n: NewUser, ctx: &RequestCtx) -> Result<UserView, AppError> {
    actor.require(Permission::UserWrite)?;
    let u = insert(app, &actor.scope(), &By::from(actor), n, ctx).await?;
    get(app, actor, u.id).await
}

#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// `Some(None)` clears the department.
    pub department_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
    pub phone: Option<Option<String>>,
    /// An administrator's reset: the user must change it at next sign-in.
    pub password: Option<String>,
}

pub async fn update(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    p: UserPatch,
    ctx: &RequestCtx,
) -> Result<UserView, AppError> {
    actor.require(Permission::UserWrite)?;
    let scope = actor.scope();
    let c = app.db.conn();
    let before = q::user(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let mut u = before.clone();
    let mut errors = Vec::new();
    if let Some(n) = &p.display_name {
        u.display_name = text("display_name", n, 64, &mut errors);
    }
    if let Some(r) = &p.role {
        match Role::parse(r) {
            Some(role) if (role == Role::Enterprise) != before.enterprise_id.is_some() => {
                errors.push(FieldError::new("role", "role.enterprise_binding"));
            }
            Some(_) => u.role = r.clone(),
            None => errors.push(FieldError::new("role", "role.unknown")),
        }
        if id == actor.user_id && *r != before.role {
            errors.push(FieldError::new("role", "user.self_change"));
        }
    }
    if let Some(d) = p.department_id {
        if let Some(d) = d
            && q::department(&c, &actor.zone_scope(), d).await?.is_none()
        {
            errors.push(FieldError::new("department_id", "not_found"));
        }
        u.department_id = d;
    }
    if let Some(a) = p.active {
        if id == actor.user_id && !a {
            errors.push(FieldError::new("active", "user.self_change"));
        }
        u.active = a;
    }
    if let Some(ph) = &p.phone {
        u.phone = ph.as_deref().and_then(|x| parse_phone(x, &mut errors));
    }
    let now = app.now();
    let mut reset = false;
    if let Some(pw) = &p.password {
        let role = Role::parse(&u.role).unwrap_or(Role::Worker);
        match checked_new_password(&c, &u, role, pw, "password").await {
            Ok(h) => {
                u.password_hash = h;
                u.password_changed_at = now;
                u.must_change_password = true;
                reset = true;
            }
            Err(AppError::Validation(mut v)) => errors.append(&mut v),
            Err(e) => return Err(e),
        }
    }
    done(errors)?;
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (u, before, by, ctx, scope) = (u.clone(), before.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::update_user(c, &scope, &u).await? {
                    return Err(AppError::PreconditionFailed);
                }
                if reset {
                    q::insert_password_history(c, &u, &u.password_hash, now).await?;
                }
                if reset || !u.active || u.role != before.role {
                    // SES-03: disabling, a new role or a reset take effect at once.
                    q::delete_user_sessions(c, u.zone_id, u.id, None).await?;
                }
                let mut e = Entry::new("user.update", "user", Some(u.id)).before(audited(&before)).after(audited(&u));
                if reset {
                    e.action = "user.password_reset";
                }
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    get(app, actor, id).await
}

/// Lifts a sign-in lock before it expires (the security administrator's action, AUTH-03).
pub async fn unlock(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<(), AppError> {
    actor.require(Permission::UserUnlock)?;
    let u = q::user(&app.db.conn(), &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (u, by, ctx) = (u.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::clear_throttle(c, u.zone_id, &u.login).await?;
                let e = Entry::new("auth.unlock", "user", Some(u.id)).after(serde_json::json!({ "login": u.login }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await
}

/// The signed-in user's own row and zone (for "who am I").
pub async fn me(app: &App, actor: &Actor) -> Result<(UserRow, Option<yuanqu_store::identity::ZoneRow>), AppError> {
    let c = app.db.conn();
    let user = q::user_by_id_in_zone(&c, actor.zone_id, actor.user_id).await?.ok_or(AppError::AuthRequired)?;
    let zone = q::zone_by_id(&c, actor.zone_id).await?;
    Ok((user, zone))
}
