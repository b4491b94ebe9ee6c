//! Sign-in, sessions and API-token authentication (AUTH-01..03, SES-01..03).

use chrono::{DateTime, Duration, Utc};
use yuanqu_domain::Scope;
use yuanqu_domain::identity::{LoginId, Role};
use yuanqu_store::Uuid;
use yuanqu_store::identity::{self as q, SessionRow, ThrottleRow, UserRow};

use crate::audit::{self, By, Entry};
use crate::secret;
use crate::{Actor, App, AppError, Auth, RequestCtx, Stage};

/// Session lifetimes (SES-02): idle and absolute, shorter for administrators.
pub fn session_limits(role: Role) -> (Duration, Duration) {
    if role.is_admin() {
        (Duration::minutes(15), Duration::hours(8))
    } else {
        (Duration::minutes(30), Duration::hours(12))
    }
}

/// How often a session's last-seen time is written (a write per request would serialize reads).
const TOUCH_EVERY_SECS: i64 = 30;

pub struct LoginCmd {
    pub zone: String,
    pub login: String,
    pub password: String,
}

/// A new session: the secret for the cookie and what the UI needs.
pub struct SignedIn {
    pub token: String,
    pub actor: Actor,
    pub session: SessionRow,
}

fn locked_secs(t: &ThrottleRow, now: DateTime<Utc>) -> Option<i64> {
    t.locked_until.filter(|u| *u > now).map(|u| (u - now).num_seconds().max(1))
}

/// Signs in. Unknown zones, unknown logins, wrong passwords and disabled accounts all answer
/// `InvalidCredentials` after the same work; 5 failures in 15 minutes lock the login ID for
/// 15 minutes, known or not, and even the right password then gets `Locked`.
pub async fn login(app: &App, cmd: LoginCmd, ctx: &RequestCtx) -> Result<SignedIn, AppError> {
    let now = app.now();
    let conn = app.db.conn();
    let zone = q::zone_by_code(&conn, cmd.zone.trim()).await?;
    let login = LoginId::parse(&cmd.login).ok();
    let (Some(zone), Some(login)) = (zone, login) else {
        secret::dummy_verify(&cmd.password);
        return Err(AppError::InvalidCredentials);
    };
    let login = login.as_str().to_owned();
    if let Some(t) = q::throttle(&conn, zone.id, &login).await?
        && let Some(secs) = locked_secs(&t, now)
    {
        return Err(AppError::Locked { retry_after_secs: secs });
    }
    let user = q::user_by_login(&conn, zone.id, &login).await?;
    let verified = match &user {
        Some(u) => secret::verify_password(&cmd.password, &u.password_hash),
        None => {
            secret::dummy_verify(&cmd.password);
            false
        }
    };
    let expired_bootstrap = user.as_ref().and_then(|u| u.password_expires_at).is_some_and(|exp| exp <= now);
    let ok = verified && user.as_ref().is_some_and(|u| u.active) && !expired_bootstrap;
    if !ok {
        record_failure(app, zone.id, &login, user.as_ref().map(|u| u.id), ctx, now).await?;
        return Err(AppError::InvalidCredentials);
    }
    let Some(user) = user else { return Err(AppError::InvalidCredentials) };
    let role = Role::parse(&user.role).ok_or_else(|| AppError::Internal("unknown role".into()))?;
    let stage = if user.totp_enabled {
        Some(Stage::TotpPending)
    } else if zone.require_second_factor && super::totp::needs_second_factor(role) {
        Some(Stage::TotpEnrol)
    } else {
        None
    };
    let (idle, absolute) = match stage {
        Some(Stage::TotpPending) => (super::totp::PENDING_LIFETIME, super::totp::PENDING_LIFETIME),
        _ => session_limits(role),
    };
    let (token, session) =
        new_session(zone.id, user.id, now, (idle, absolute), ctx, stage.map(|s| s.code().to_owned()));
    let by = By { zone_id: zone.id, user_id: Some(user.id), login: Some(login.clone()) };
    let session = app
        .db
        .write(|c| {
            let (session, by, ctx, login) = (session.clone(), by.clone(), ctx.clone(), login.clone());
            Box::pin(async move {
                // Re-check the lock inside the transaction: a parallel failure may have set it.
                if let Some(t) = q::throttle(c, by.zone_id, &login).await? {
                    if let Some(secs) = locked_secs(&t, now) {
                        return Err(AppError::Locked { retry_after_secs: secs });
                    }
                    q::clear_throttle(c, by.zone_id, &login).await?;
                }
                let s = q::insert_session(c, session).await?;
                let mut e = Entry::new("auth.login", "session", Some(s.id));
                if let Some(stage) = &s.stage {
                    e = e.after(serde_json::json!({ "stage": stage }));
                }
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(s)
            })
        })
        .await?;
    let mut actor =
        actor_for(app, &user, Auth::Session { session_id: session.id, csrf_token: session.csrf_token.clone() }).await?;
    actor.stage = stage;
    Ok(SignedIn { token, actor, session })
}

/// Counts a failed sign-in. Two first failures of the same login at once may both try to insert
/// its throttle row; the loser sees a unique violation and counts again on the row that won.
async fn record_failure(
    app: &App,
    zone_id: Uuid,
    login: &str,
    user_id: Option<Uuid>,
    ctx: &RequestCtx,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match record_failure_once(app, zone_id, login, user_id, ctx, now).await {
        Err(AppError::Store(yuanqu_store::StoreError::Unique(_))) => {
            record_failure_once(app, zone_id, login, user_id, ctx, now).await
        }
        other => other,
    }
}

async fn record_failure_once(
    app: &App,
    zone_id: Uuid,
    login: &str,
    user_id: Option<Uuid>,
    ctx: &RequestCtx,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let cfg = app.config.clone();
    app.db
        .write(|c| {
            let (login, ctx, cfg) = (login.to_owned(), ctx.clone(), cfg.clone());
            Box::pin(async move {
                q::lock_throttle(c, zone_id, &login, now).await?;
                let existing = q::throttle(c, zone_id, &login).await?;
                let existed = existing.is_some();
                let mut t = existing.unwrap_or(ThrottleRow {
                    id: Uuid::now_v7(),
                    zone_id,
                    login: login.clone(),
                    failures: 0,
                    window_start: now,
                    locked_until: None,
                });
                if t.window_start + cfg.lock_window <= now {
                    t.failures = 0;
                    t.window_start = now;
                    t.locked_until = None;
                }
                t.failures += 1;
                let locks = t.failures >= cfg.lock_threshold;
                if locks {
                    t.locked_until = Some(now + cfg.lock_duration);
                }
                let failures = t.failures;
                q::save_throttle(c, t, existed).await?;
                let by = By { zone_id, user_id: None, login: Some(login.clone()) };
                let e = Entry::new("auth.login_failed", "user", user_id)
                    .after(serde_json::json!({ "login": login, "failures": failures }));
                audit::record(c, now, &by, &ctx, e).await?;
                if locks {
                    let e = Entry::new("auth.locked", "user", user_id).after(serde_json::json!({
                        "login": login,
                        "locked_until": (now + cfg.lock_duration).to_rfc3339(),
                    }));
                    audit::record(c, now, &by, &ctx, e).await?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// Builds the actor for a user row (resolving the department subtree for scoped roles).
pub async fn actor_for(app: &App, user: &UserRow, auth: Auth) -> Result<Actor, AppError> {
    let role = Role::parse(&user.role).ok_or_else(|| AppError::Internal("unknown role".into()))?;
    let now = app.now();
    let password_too_old = role
        .password_profile()
        .max_age()
        .and_then(|d| Duration::from_std(d).ok())
        .is_some_and(|d| user.password_changed_at + d <= now);
    let department_subtree = match (role.scope_kind(), user.department_id) {
        (yuanqu_domain::identity::role::ScopeKind::DepartmentSubtree, Some(d)) => {
            let all = q::departments(&app.db.conn(), &Scope::zone(user.zone_id)).await?;
            crate::identity::org::subtree(&all, d)
        }
        _ => Vec::new(),
    };
    Ok(Actor {
        user_id: user.id,
        zone_id: user.zone_id,
        login: user.login.clone(),
        role,
        department_id: user.department_id,
        enterprise_id: user.enterprise_id,
        must_change_password: user.must_change_password || password_too_old,
        auth,
        department_subtree,
        stage: None,
    })
}

/// The actor behind a session cookie, or `AuthRequired` if the session is unknown, idle too
/// long, past its absolute end, or its user was disabled (SES-02, SES-03).
pub async fn authenticate_session(app: &App, token: &str) -> Result<(Actor, SessionRow), AppError> {
    authenticate_session_as(app, token, true).await
}

/// As [`authenticate_session`]; with `touch` false the request does not count as activity (a
/// background poll such as the header's unread count must not keep an idle session alive).
pub async fn authenticate_session_as(app: &App, token: &str, touch: bool) -> Result<(Actor, SessionRow), AppError> {
    let now = app.now();
    let conn = app.db.conn();
    let Some((s, user)) = q::session_with_user(&conn, &secret::token_hash(token)).await? else {
        return Err(AppError::AuthRequired);
    };
    let idle_end = s.last_seen_at + Duration::seconds(s.idle_secs);
    if now >= s.expires_at || now >= idle_end {
        let id = s.id;
        app.db.write(|c| Box::pin(async move { q::delete_session(c, id).await.map_err(AppError::from) })).await?;
        return Err(AppError::AuthRequired);
    }
    if !user.active {
        return Err(AppError::AuthRequired);
    }
    let mut s = s;
    if touch && (now - s.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        let id = s.id;
        app.db.write(|c| Box::pin(async move { q::touch_session(c, id, now).await.map_err(AppError::from) })).await?;
        s.last_seen_at = now;
    }
    let mut actor = actor_for(app, &user, Auth::Session { session_id: s.id, csrf_token: s.csrf_token.clone() }).await?;
    actor.stage = s.stage.as_deref().and_then(Stage::parse);
    Ok((actor, s))
}

/// The actor behind an `Authorization: Bearer` API token.
pub async fn authenticate_token(app: &App, token: &str) -> Result<Actor, AppError> {
    let now = app.now();
    let conn = app.db.conn();
    let Some(t) = q::token_by_hash(&conn, &secret::token_hash(token)).await? else {
        return Err(AppError::AuthRequired);
    };
    if t.expires_at.is_some_and(|e| e <= now) {
        return Err(AppError::AuthRequired);
    }
    let Some(user) = q::user_by_id_in_zone(&conn, t.zone_id, t.user_id).await? else {
        return Err(AppError::AuthRequired);
    };
    if !user.active {
        return Err(AppError::AuthRequired);
    }
    if t.last_used_at.is_none_or(|u| (now - u).num_seconds() >= 60) {
        let id = t.id;
        app.db.write(|c| Box::pin(async move { q::touch_token(c, id, now).await.map_err(AppError::from) })).await?;
    }
    actor_for(app, &user, Auth::Token { token_id: t.id }).await
}

/// Ends the actor's session (SES-03: the next request with it is refused).
pub async fn logout(app: &App, actor: &Actor, ctx: &RequestCtx) -> Result<(), AppError> {
    let Auth::Session { session_id, .. } = actor.auth else { return Ok(()) };
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                q::delete_session(c, session_id).await?;
                audit::record(c, now, &by, &ctx, Entry::new("auth.logout", "session", Some(session_id))).await
            })
        })
        .await
}

pub struct ChangePasswordCmd {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the actor's own password: checks the current one, the role's profile and the
/// history; ends the user's other sessions.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    cmd: ChangePasswordCmd,
    ctx: &RequestCtx,
) -> Result<(), AppError> {
    let conn = app.db.conn();
    let user = q::user_by_id_in_zone(&conn, actor.zone_id, actor.user_id).await?.ok_or(AppError::AuthRequired)?;
    if !secret::verify_password(&cmd.current_password, &user.password_hash) {
        return Err(AppError::field("current_password", "password.wrong"));
    }
    let hash =
        crate::identity::users::checked_new_password(&conn, &user, actor.role, &cmd.new_password, "new_password")
            .await?;
    let now = app.now();
    let by = By::from(actor);
    let keep = match actor.auth {
        Auth::Session { session_id, .. } => Some(session_id),
        Auth::Token { .. } => None,
    };
    app.db
        .write(|c| {
            let (by, ctx, hash) = (by.clone(), ctx.clone(), hash.clone());
            let mut u = user.clone();
            Box::pin(async move {
                u.password_hash = hash.clone();
                u.password_changed_at = now;
                u.password_expires_at = None;
                u.must_change_password = false;
                if !q::update_user(c, &Scope::zone(u.zone_id), &u).await? {
                    return Err(AppError::PreconditionFailed);
                }
                q::insert_password_history(c, &u, &hash, now).await?;
                q::delete_user_sessions(c, u.zone_id, u.id, keep).await?;
                audit::record(c, now, &by, &ctx, Entry::new("user.password_change", "user", Some(u.id))).await
            })
        })
        .await
}

/// A new session for a user: a fresh random token (only its hash is kept, SES-01), a CSRF token,
/// and its idle and absolute limits. Returns the token for the cookie and the row to store.
pub(super) fn new_session(
    zone_id: Uuid,
    user_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
    (idle, absolute): (chrono::Duration, chrono::Duration),
    ctx: &RequestCtx,
    stage: Option<String>,
) -> (String, SessionRow) {
    let token = secret::random_token(32);
    let session = SessionRow {
        id: Uuid::now_v7(),
        zone_id,
        user_id,
        token_hash: secret::token_hash(&token),
        csrf_token: secret::random_token(24),
        created_at: now,
        last_seen_at: now,
        expires_at: now + absolute,
        idle_secs: idle.num_seconds(),
        ip: ctx.ip.clone(),
        stage,
    };
    (token, session)
}
