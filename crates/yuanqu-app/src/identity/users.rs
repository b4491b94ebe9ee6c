//! Users of a zone: create, read, change (with If-Match), disable.

use yuanqu_domain::identity::{LoginId, Permission, Role};
use yuanqu_domain::{FieldError, Scope};
use yuanqu_store::identity::{self as q, UserFilter, UserRow};
use yuanqu_store::{Conn, Page, PageReq, Uuid};

use super::{done, text};
use crate::audit::{self, By, Entry};
use crate::error::unique_as;
use crate::idempotency::{self, Created, Idem};
use crate::personal::{KeyRing, Slot};
use crate::{Actor, App, AppError, RequestCtx, secret};

const ID_CARD: (&str, &str) = ("app_user", "id_card_enc");

fn id_card_slot(zone_id: Uuid, row_id: Uuid) -> Slot<'static> {
    Slot { table: ID_CARD.0, column: ID_CARD.1, zone_id, row_id }
}

/// The ID card number of a user row, decrypted (PD-01).
pub(crate) fn id_card_of(keys: &KeyRing, u: &UserRow) -> Result<Option<String>, AppError> {
    u.id_card_enc.as_deref().map(|e| keys.decrypt(id_card_slot(u.zone_id, u.id), e)).transpose()
}

pub(crate) fn id_card_masked(keys: &KeyRing, u: &UserRow) -> Result<Option<String>, AppError> {
    Ok(id_card_of(keys, u)?.as_deref().map(yuanqu_domain::id_card::mask))
}

/// The blind index an `id_card` filter searches by (PD-01); `Err` names the field.
pub fn id_card_filter(app: &App, actor: &Actor, input: &str) -> Result<String, AppError> {
    let n = yuanqu_domain::IdCardNo::parse(input, app.now().date_naive())
        .map_err(|e| AppError::field("id_card", e.code()))?;
    app.keys.blind_index(ID_CARD.0, ID_CARD.1, actor.zone_id, n.as_str())
}

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
    /// `350582********1234`; the full number only through `reveal` (PD-02).
    pub id_card_masked: Option<String>,
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
    id_card: Option<String>,
    active: bool,
}

pub(crate) fn audited<'a>(keys: &KeyRing, u: &'a UserRow) -> Result<Audited<'a>, AppError> {
    Ok(Audited {
        login: &u.login,
        display_name: &u.display_name,
        role: &u.role,
        department_id: u.department_id,
        enterprise_id: u.enterprise_id,
        phone: u.phone.as_deref().map(mask_phone),
        id_card: id_card_masked(keys, u)?,
        active: u.active,
    })
}

fn view(
    keys: &KeyRing,
    u: UserRow,
    department_name: Option<String>,
    enterprise_name: Option<String>,
    locked_until: Option<chrono::DateTime<chrono::Utc>>,
) -> Result<UserView, AppError> {
    Ok(UserView {
        id_card_masked: id_card_masked(keys, &u)?,
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
    })
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
                view(&app.keys, i.user, i.department_name, i.enterprise_name, locked)
            })
            .collect::<Result<_, _>>()?,
        total: p.total,
    })
}

pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<UserView, AppError> {
    actor.require(Permission::UserRead)?;
    let c = app.db.conn();
    let u = q::user(&c, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    view_in(&app.keys, &c, &actor.zone_scope(), u, app.now()).await
}

/// A user with its department and enterprise names and its lock.
async fn view_in(
    keys: &KeyRing,
    c: &Conn<'_>,
    zone: &Scope,
    u: UserRow,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<UserView, AppError> {
    let department_name = match u.department_id {
        Some(d) => q::department(c, zone, d).await?.map(|d| d.name),
        None => None,
    };
    let enterprise_name = match u.enterprise_id {
        Some(e) => q::enterprise(c, zone, e).await?.map(|e| e.name),
        None => None,
    };
    let locked_until = q::throttle(c, u.zone_id, &u.login).await?.and_then(|t| t.locked_until).filter(|t| *t > now);
    view(keys, u, department_name, enterprise_name, locked_until)
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
    /// 居民身份证号 (optional); stored encrypted with a blind index.
    pub id_card: Option<String>,
}

/// Parses an ID card number into (encrypted, blind index) for a row; blank clears it.
fn seal_id_card(
    app: &App,
    zone_id: Uuid,
    row_id: Uuid,
    input: &str,
    errors: &mut Vec<FieldError>,
) -> Result<(Option<String>, Option<String>), AppError> {
    if input.trim().is_empty() {
        return Ok((None, None));
    }
    match yuanqu_domain::IdCardNo::parse(input, app.now().date_naive()) {
        Ok(n) => Ok((
            Some(app.keys.encrypt(id_card_slot(zone_id, row_id), n.as_str())?),
            Some(app.keys.blind_index(ID_CARD.0, ID_CARD.1, zone_id, n.as_str())?),
        )),
        Err(e) => {
            errors.push(FieldError::new("id_card", e.code()));
            Ok((None, None))
        }
    }
}

/// A duplicate ID card number or login, told apart by the index that refused it.
fn user_unique(e: yuanqu_store::StoreError) -> AppError {
    match e {
        yuanqu_store::StoreError::Unique(m) if m.contains("id_card_bidx") => {
            AppError::ConflictField { field: "id_card", code: "user.id_card_taken" }
        }
        other => unique_as("user.login_taken")(other),
    }
}

/// Checks a new user's fields against the zone (department and enterprise must exist in the
/// scope; an enterprise account needs its enterprise) and builds the row.
async fn build_user(
    app: &App,
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
    let id = Uuid::now_v7();
    let (id_card_enc, id_card_bidx) = match n.id_card.as_deref() {
        Some(x) => seal_id_card(app, zone.zone_id(), id, x, &mut errors)?,
        None => (None, None),
    };
    if let Some(r) = role
        && let Err(e) = r.password_profile().check(&n.password, &login)
    {
        errors.push(FieldError::new("password", e.code()));
    }
    done(errors)?;
    Ok(UserRow {
        id,
        id_card_enc,
        id_card_bidx,
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
        totp_secret: None,
        totp_enabled: false,
        totp_last_step: None,
        totp_failures: 0,
        totp_locked_until: None,
    })
}

/// Creates a user in a zone on behalf of `by` (an actor, or the command line).
pub async fn insert(app: &App, zone: &Scope, by: &By, n: NewUser, ctx: &RequestCtx) -> Result<UserRow, AppError> {
    let now = app.now();
    let row = build_user(app, &app.db.conn(), zone, &n, now).await?;
    let after = serde_json::to_value(audited(&app.keys, &row)?).ok();
    app.db
        .write(|c| {
            let (row, by, ctx, zone, after) = (row.clone(), by.clone(), ctx.clone(), zone.clone(), after.clone());
            Box::pin(async move {
                let u = q::insert_user(c, &zone, row).await.map_err(user_unique)?;
                let mut e = Entry::new("user.create", "user", Some(u.id));
                e.after = after;
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(u)
            })
        })
        .await
}

pub async fn create(
    app: &App,
    actor: &Actor,
    n: NewUser,
    ctx: &RequestCtx,
    idem: Option<Idem<UserView>>,
) -> Result<Created<UserView>, AppError> {
    actor.require(Permission::UserWrite)?;
    let idem = idem.map(|i| i.owned_by(actor));
    idempotency::guard(app, idem.as_ref(), create_in(app, actor, n, ctx, idem.clone())).await
}

async fn create_in(
    app: &App,
    actor: &Actor,
    n: NewUser,
    ctx: &RequestCtx,
    idem: Option<Idem<UserView>>,
) -> Result<Created<UserView>, AppError> {
    let now = app.now();
    let scope = actor.scope();
    let row = build_user(app, &app.db.conn(), &scope, &n, now).await?;
    let after = serde_json::to_value(audited(&app.keys, &row)?).ok();
    let by = By::from(actor);
    let zone = actor.zone_scope();
    let keys = app.keys.clone();
    app.db
        .write(|c| {
            let (row, by, ctx, scope, zone, idem, after, keys) = (
                row.clone(),
                by.clone(),
                ctx.clone(),
                scope.clone(),
                zone.clone(),
                idem.clone(),
                after.clone(),
                keys.clone(),
            );
            Box::pin(async move {
                if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                    return Ok(Created::Replay(s));
                }
                let u = q::insert_user(c, &scope, row).await.map_err(user_unique)?;
                let mut e = Entry::new("user.create", "user", Some(u.id));
                e.after = after;
                audit::record(c, now, &by, &ctx, e).await?;
                let v = view_in(&keys, c, &zone, u, now).await?;
                idempotency::finish(c, idem.as_ref(), &v).await?;
                Ok(Created::New(v))
            })
        })
        .await
}

#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub display_name: Option<String>,
    pub role: Option<String>,
    /// `Some(None)` clears the department.
    pub department_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
    pub phone: Option<Option<String>>,
    /// `Some(None)` clears the ID card number.
    pub id_card: Option<Option<String>>,
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
    if let Some(ic) = &p.id_card {
        (u.id_card_enc, u.id_card_bidx) = match ic {
            Some(x) => seal_id_card(app, u.zone_id, u.id, x, &mut errors)?,
            None => (None, None),
        };
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
    let (audit_before, audit_after) =
        (serde_json::to_value(audited(&app.keys, &before)?).ok(), serde_json::to_value(audited(&app.keys, &u)?).ok());
    app.db
        .write(|c| {
            let (u, before, by, ctx, scope) = (u.clone(), before.clone(), by.clone(), ctx.clone(), scope.clone());
            let (audit_before, audit_after) = (audit_before.clone(), audit_after.clone());
            Box::pin(async move {
                if !q::update_user(c, &scope, &u).await.map_err(user_unique)? {
                    return Err(AppError::PreconditionFailed);
                }
                if reset {
                    q::insert_password_history(c, &u, &u.password_hash, now).await?;
                }
                if reset || !u.active || u.role != before.role {
                    // SES-03: disabling, a new role or a reset take effect at once.
                    q::delete_user_sessions(c, u.zone_id, u.id, None).await?;
                }
                let mut e = Entry::new("user.update", "user", Some(u.id));
                (e.before, e.after) = (audit_before, audit_after);
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

/// Which personal field a reveal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealField {
    IdCard,
    Phone,
}

impl RevealField {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "id_card" => Some(Self::IdCard),
            "phone" => Some(Self::Phone),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Self::IdCard => "id_card",
            Self::Phone => "phone",
        }
    }
}

/// PD-02: the full value of a masked field, for a holder of `personal.reveal` who gives a
/// reason (4 to 200 characters). Audited as `personal.reveal` with the field and the reason,
/// never the value, in the same transaction that reads it.
pub async fn reveal(
    app: &App,
    actor: &Actor,
    id: Uuid,
    field: &str,
    reason: &str,
    ctx: &RequestCtx,
) -> Result<String, AppError> {
    actor.require(Permission::PersonalReveal)?;
    let mut errors = Vec::new();
    let f = RevealField::parse(field);
    if f.is_none() {
        errors.push(FieldError::new("field", "personal.field_unknown"));
    }
    let reason = reason.trim().to_owned();
    if !(4..=200).contains(&reason.chars().count()) {
        errors.push(FieldError::new("reason", "personal.reason_length"));
    }
    done(errors)?;
    let f = f.ok_or(AppError::NotFound)?;
    let scope = actor.scope();
    let u = q::user(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    let value = match f {
        RevealField::IdCard => id_card_of(&app.keys, &u)?,
        RevealField::Phone => u.phone.clone(),
    }
    .ok_or_else(|| AppError::field("field", "personal.no_value"))?;
    let (by, now) = (By::from(actor), app.now());
    app.db
        .write(|c| {
            let (by, ctx, reason) = (by.clone(), ctx.clone(), reason.clone());
            Box::pin(async move {
                let e = Entry::new("personal.reveal", "user", Some(id))
                    .after(serde_json::json!({ "field": f.code(), "reason": reason }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    Ok(value)
}

/// The signed-in user's own row and zone (for "who am I").
pub async fn me(app: &App, actor: &Actor) -> Result<(UserRow, Option<yuanqu_store::identity::ZoneRow>), AppError> {
    let c = app.db.conn();
    let user = q::user_by_id_in_zone(&c, actor.zone_id, actor.user_id).await?.ok_or(AppError::AuthRequired)?;
    let zone = q::zone_by_id(&c, actor.zone_id).await?;
    Ok((user, zone))
}
