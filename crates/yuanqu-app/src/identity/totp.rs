//! The TOTP second factor (AUTH-04): RFC 6238 with SHA-1, 6 digits, 30-second steps, one step
//! of skew either way. Enrolment gives a secret (base32), an `otpauth://` URI and its QR code as
//! SVG; confirmation with a code turns the factor on. A code is accepted once: the last accepted
//! step is stored and only a later step passes, by one conditional UPDATE. Five wrong codes lock
//! the factor for 60 seconds. Every step is audited; the secret never is.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_store::Uuid;
use yuanqu_store::identity::{self as q, UserRow, ZoneRow};

use super::auth::{SignedIn, actor_for, new_session, session_limits};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, Auth, RequestCtx, Stage};

/// How long a session that owes its code lives.
pub const PENDING_LIFETIME: Duration = Duration::minutes(5);
/// Wrong codes that lock the factor, and for how long.
pub const LOCK_THRESHOLD: i32 = 5;
pub const LOCK_DURATION: Duration = Duration::seconds(60);
const STEP_SECS: i64 = 30;
const ISSUER: &str = "Yuanqu";

/// Staff and administrators need a second factor when the zone requires one; enterprise and
/// worker accounts do not.
pub fn needs_second_factor(role: Role) -> bool {
    !matches!(role, Role::Enterprise | Role::Worker)
}

fn totp(secret_b32: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret_b32).map_err(|e| AppError::Internal(format!("totp secret: {e:?}")))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .map_err(|e| AppError::Internal(format!("totp: {e:?}")))
}

/// The time step (of the current one and its neighbours) whose code `code` is.
fn matching_step(secret_b32: &str, code: &str, now: DateTime<Utc>) -> Result<Option<i64>, AppError> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret_b32)?;
    let step = now.timestamp().div_euclid(STEP_SECS);
    for s in [step - 1, step, step + 1] {
        let at = u64::try_from(s * STEP_SECS).unwrap_or(0);
        let expected = t.generate(at).to_string();
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            return Ok(Some(s));
        }
    }
    Ok(None)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The code of a secret at a time (tests and the command line).
pub fn code_at(secret_b32: &str, at: DateTime<Utc>) -> Result<String, AppError> {
    Ok(totp(secret_b32)?.generate(u64::try_from(at.timestamp()).unwrap_or(0)).to_string())
}

fn locked_secs(u: &UserRow, now: DateTime<Utc>) -> Option<i64> {
    u.totp_locked_until.filter(|t| *t > now).map(|t| (t - now).num_seconds().max(1))
}

async fn user_of(app: &App, actor: &Actor) -> Result<UserRow, AppError> {
    q::user_by_id_in_zone(&app.db.conn(), actor.zone_id, actor.user_id).await?.ok_or(AppError::AuthRequired)
}

/// Counts a wrong (or replayed) code, locking the factor at the fifth; audited. Returns the
/// error to answer with.
async fn wrong_code(app: &App, u: &UserRow, by: &By, ctx: &RequestCtx, now: DateTime<Utc>) -> AppError {
    let (zone_id, user_id) = (u.zone_id, u.id);
    let r = app
        .db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                let failures = q::count_totp_failure(c, zone_id, user_id).await?;
                let e = Entry::new("auth.totp_failed", "user", Some(user_id))
                    .after(serde_json::json!({ "failures": failures }));
                audit::record(c, now, &by, &ctx, e).await?;
                if failures >= LOCK_THRESHOLD {
                    let until = now + LOCK_DURATION;
                    q::lock_totp(c, zone_id, user_id, until).await?;
                    let e = Entry::new("auth.totp_locked", "user", Some(user_id))
                        .after(serde_json::json!({ "locked_until": until.to_rfc3339() }));
                    audit::record(c, now, &by, &ctx, e).await?;
                    return Ok::<_, AppError>(true);
                }
                Ok(false)
            })
        })
        .await;
    match r {
        Ok(true) => AppError::CodeLocked { retry_after_secs: LOCK_DURATION.num_seconds() },
        Ok(false) => AppError::InvalidCode,
        Err(e) => e,
    }
}

/// Where a user's TOTP secret is encrypted (the associated data binds it to its row).
fn secret_slot(zone_id: Uuid, row_id: Uuid) -> crate::personal::Slot<'static> {
    crate::personal::Slot { table: "app_user", column: "totp_secret", zone_id, row_id }
}

/// Checks a code before the use case's transaction: a locked factor is refused, a wrong code
/// counted. Returns the code's step, which the transaction must then accept with
/// [`q::accept_totp_step`] (refusing a replay).
async fn check(app: &App, u: &UserRow, code: &str, by: &By, ctx: &RequestCtx) -> Result<i64, AppError> {
    let now = app.now();
    if let Some(secs) = locked_secs(u, now) {
        return Err(AppError::CodeLocked { retry_after_secs: secs });
    }
    let Some(stored) = u.totp_secret.as_deref() else { return Err(AppError::Conflict("auth.totp_not_enrolled")) };
    let secret = app.keys.decrypt(secret_slot(u.zone_id, u.id), stored)?;
    match matching_step(&secret, code, now)? {
        Some(step) => Ok(step),
        None => Err(wrong_code(app, u, by, ctx, now).await),
    }
}

/// Runs a transaction that accepts `step`; a replayed code (the step was already used) is
/// counted as a wrong code.
async fn with_step<T: Send>(
    app: &App,
    u: &UserRow,
    by: &By,
    ctx: &RequestCtx,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    match result {
        Err(AppError::InvalidCode) => Err(wrong_code(app, u, by, ctx, app.now()).await),
        other => other,
    }
}

/// What enrolment shows once.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

fn uri_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Starts (or restarts) enrolment for the signed-in user: a new secret, off until confirmed.
pub async fn enrol(app: &App, actor: &Actor, ctx: &RequestCtx) -> Result<Enrolment, AppError> {
    let u = user_of(app, actor).await?;
    if u.totp_enabled {
        return Err(AppError::Conflict("auth.totp_already_enabled"));
    }
    let zone = q::zone_by_id(&app.db.conn(), actor.zone_id).await?;
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let secret_b32 = Secret::from(bytes.to_vec()).to_base32();
    let label = format!("{}:{}", zone.map(|z| z.code).unwrap_or_default(), u.login);
    let otpauth_uri = format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret_b32}&issuer={ISSUER}&algorithm=SHA1&digits=6&period=30",
        uri_escape(&label)
    );
    let qr_svg = qrcode::QrCode::new(otpauth_uri.as_bytes())
        .map_err(|e| AppError::Internal(e.to_string()))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let now = app.now();
    let by = By::from(actor);
    let (zone_id, user_id) = (u.zone_id, u.id);
    // Kept encrypted under the data key, like every secret a database copy must not give away.
    let stored = app.keys.encrypt(secret_slot(zone_id, user_id), &secret_b32)?;
    app.db
        .write(|c| {
            let (by, ctx, s) = (by.clone(), ctx.clone(), stored.clone());
            Box::pin(async move {
                q::set_totp_secret(c, zone_id, user_id, Some(s)).await?;
                audit::record(c, now, &by, &ctx, Entry::new("user.totp_enrol", "user", Some(user_id))).await
            })
        })
        .await?;
    Ok(Enrolment { secret: secret_b32, otpauth_uri, qr_svg })
}

/// Confirms enrolment with a code from the authenticator: the factor is on, and a session that
/// could only enrol becomes a full one.
pub async fn confirm(app: &App, actor: &Actor, code: &str, ctx: &RequestCtx) -> Result<(), AppError> {
    let u = user_of(app, actor).await?;
    if u.totp_enabled || u.totp_secret.is_none() {
        return Err(AppError::Conflict(if u.totp_enabled {
            "auth.totp_already_enabled"
        } else {
            "auth.totp_not_enrolled"
        }));
    }
    let by = By::from(actor);
    let step = check(app, &u, code, &by, ctx).await?;
    let now = app.now();
    let session = match (&actor.auth, actor.stage) {
        (Auth::Session { session_id, .. }, Some(Stage::TotpEnrol)) => Some(*session_id),
        _ => None,
    };
    let (zone_id, user_id) = (u.zone_id, u.id);
    let r = app
        .db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                if !q::accept_totp_step(c, zone_id, user_id, step).await? {
                    return Err(AppError::InvalidCode);
                }
                q::enable_totp(c, zone_id, user_id).await?;
                if let Some(s) = session {
                    q::set_session_stage(c, s, None).await?;
                }
                audit::record(c, now, &by, &ctx, Entry::new("user.totp_enable", "user", Some(user_id))).await
            })
        })
        .await;
    with_step(app, &u, &by, ctx, r).await
}

/// Turns the factor off (needs a current code); refused where the zone requires it.
pub async fn disable(app: &App, actor: &Actor, code: &str, ctx: &RequestCtx) -> Result<(), AppError> {
    let u = user_of(app, actor).await?;
    if !u.totp_enabled {
        return Err(AppError::Conflict("auth.totp_not_enabled"));
    }
    let zone = q::zone_by_id(&app.db.conn(), actor.zone_id).await?;
    if zone.is_some_and(|z| z.require_second_factor) && needs_second_factor(actor.role) {
        return Err(AppError::Conflict("auth.totp_required_by_zone"));
    }
    let by = By::from(actor);
    let step = check(app, &u, code, &by, ctx).await?;
    let now = app.now();
    let (zone_id, user_id) = (u.zone_id, u.id);
    let r = app
        .db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                if !q::accept_totp_step(c, zone_id, user_id, step).await? {
                    return Err(AppError::InvalidCode);
                }
                q::set_totp_secret(c, zone_id, user_id, None).await?;
                audit::record(c, now, &by, &ctx, Entry::new("user.totp_disable", "user", Some(user_id))).await
            })
        })
        .await;
    with_step(app, &u, &by, ctx, r).await
}

/// The second step of a sign-in: the code upgrades the pending session to a full one with a
/// new token (SES-01); the pending session ends.
pub async fn verify(app: &App, actor: &Actor, code: &str, ctx: &RequestCtx) -> Result<SignedIn, AppError> {
    let (Auth::Session { session_id, .. }, Some(Stage::TotpPending)) = (&actor.auth, actor.stage) else {
        return Err(AppError::Conflict("auth.second_factor_not_pending"));
    };
    let pending = *session_id;
    let u = user_of(app, actor).await?;
    let by = By::from(actor);
    let step = check(app, &u, code, &by, ctx).await?;
    let now = app.now();
    let (token, session) = new_session(u.zone_id, u.id, now, session_limits(actor.role), ctx, None);
    let (zone_id, user_id) = (u.zone_id, u.id);
    let r = app
        .db
        .write(|c| {
            let (by, ctx, session) = (by.clone(), ctx.clone(), session.clone());
            Box::pin(async move {
                if !q::accept_totp_step(c, zone_id, user_id, step).await? {
                    return Err(AppError::InvalidCode);
                }
                q::delete_session(c, pending).await?;
                let s = q::insert_session(c, session).await?;
                audit::record(c, now, &by, &ctx, Entry::new("auth.totp_verified", "session", Some(s.id))).await?;
                Ok(s)
            })
        })
        .await;
    let session = with_step(app, &u, &by, ctx, r).await?;
    let actor =
        actor_for(app, &u, Auth::Session { session_id: session.id, csrf_token: session.csrf_token.clone() }).await?;
    Ok(SignedIn { token, actor, session })
}

/// The security administrator clears a user's second factor (a lost phone): the user enrols
/// again at next sign-in where the zone requires it; their sessions end.
pub async fn reset(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<(), AppError> {
    actor.require(Permission::UserUnlock)?;
    let u = q::user(&app.db.conn(), &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let now = app.now();
    let by = By::from(actor);
    let (zone_id, user_id, was_on) = (u.zone_id, u.id, u.totp_enabled);
    app.db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                q::set_totp_secret(c, zone_id, user_id, None).await?;
                q::delete_user_sessions(c, zone_id, user_id, None).await?;
                let e = Entry::new("user.totp_reset", "user", Some(user_id))
                    .before(serde_json::json!({ "totp_enabled": was_on }))
                    .after(serde_json::json!({ "totp_enabled": false }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await
}

/// Whether the signed-in user has the factor on (the profile page shows it).
pub async fn status(app: &App, actor: &Actor) -> Result<bool, AppError> {
    Ok(user_of(app, actor).await?.totp_enabled)
}

/// The zone's security settings.
pub async fn zone_security(app: &App, actor: &Actor) -> Result<ZoneRow, AppError> {
    actor.require(Permission::ZoneSecurity)?;
    q::zone_by_id(&app.db.conn(), actor.zone_id).await?.ok_or(AppError::NotFound)
}

/// Switches the zone's second-factor requirement (If-Match: the zone's version).
pub async fn set_zone_security(
    app: &App,
    actor: &Actor,
    version: i64,
    require_second_factor: Option<bool>,
    ctx: &RequestCtx,
) -> Result<ZoneRow, AppError> {
    actor.require(Permission::ZoneSecurity)?;
    let before = q::zone_by_id(&app.db.conn(), actor.zone_id).await?.ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let require = require_second_factor.unwrap_or(before.require_second_factor);
    let now = app.now();
    let by = By::from(actor);
    let zone_id = actor.zone_id;
    app.db
        .write(|c| {
            let (by, ctx, before) = (by.clone(), ctx.clone(), before.clone());
            Box::pin(async move {
                if !q::update_zone_security(c, zone_id, require, version).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("zone.security_update", "zone", Some(zone_id))
                    .before(serde_json::json!({ "require_second_factor": before.require_second_factor }))
                    .after(serde_json::json!({ "require_second_factor": require }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(ZoneRow { require_second_factor: require, version: version + 1, ..before })
            })
        })
        .await
}
