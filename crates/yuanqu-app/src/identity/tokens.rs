//! API tokens for scripts and integrations: the secret is shown once, only its hash is kept.

use chrono::Duration;
use yuanqu_domain::identity::Permission;
use yuanqu_store::Uuid;
use yuanqu_store::identity::{self as q, ApiTokenRow};

use super::{done, text};
use crate::audit::{self, By, Entry};
use crate::idempotency::{self, Created, Idem};
use crate::{Actor, App, AppError, RequestCtx, secret};

pub async fn list(app: &App, actor: &Actor) -> Result<Vec<ApiTokenRow>, AppError> {
    actor.require(Permission::TokenOwn)?;
    Ok(q::tokens_of(&app.db.conn(), actor.zone_id, actor.user_id).await?)
}

#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub expires_in_days: Option<u32>,
}

pub async fn create(
    app: &App,
    actor: &Actor,
    n: NewToken,
    ctx: &RequestCtx,
    idem: Option<Idem<ApiTokenRow>>,
) -> Result<Created<(ApiTokenRow, String)>, AppError> {
    actor.require(Permission::TokenOwn)?;
    let idem = idem.map(|i| i.owned_by(actor));
    idempotency::guard(app, idem.as_ref(), create_in(app, actor, n, ctx, idem.clone())).await
}

/// The stored response of a token creation never holds its secret (only its hash is kept):
/// a replay shows the token without it.
async fn create_in(
    app: &App,
    actor: &Actor,
    n: NewToken,
    ctx: &RequestCtx,
    idem: Option<Idem<ApiTokenRow>>,
) -> Result<Created<(ApiTokenRow, String)>, AppError> {
    let mut errors = Vec::new();
    let name = text("name", &n.name, 64, &mut errors);
    if n.expires_in_days.is_some_and(|d| d == 0 || d > 366) {
        errors.push(yuanqu_domain::FieldError::new("expires_in_days", "range"));
    }
    done(errors)?;
    let now = app.now();
    let secret_text = format!("yq_{}", secret::random_token(32));
    let row = ApiTokenRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        user_id: actor.user_id,
        name,
        prefix: secret_text.chars().take(10).collect(),
        token_hash: secret::token_hash(&secret_text),
        created_at: now,
        expires_at: n.expires_in_days.map(|d| now + Duration::days(i64::from(d))),
        last_used_at: None,
        revoked_at: None,
    };
    let by = By::from(actor);
    let t = app
        .db
        .write(|c| {
            let (row, by, ctx, idem) = (row.clone(), by.clone(), ctx.clone(), idem.clone());
            Box::pin(async move {
                if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                    return Ok(Created::Replay(s));
                }
                let t = q::insert_token(c, row).await?;
                let e = Entry::new("token.create", "api_token", Some(t.id))
                    .after(serde_json::json!({"name": t.name, "prefix": t.prefix}));
                audit::record(c, now, &by, &ctx, e).await?;
                idempotency::finish(c, idem.as_ref(), &t).await?;
                Ok::<_, AppError>(Created::New(t))
            })
        })
        .await?;
    Ok(match t {
        Created::New(t) => Created::New((t, secret_text)),
        Created::Replay(s) => Created::Replay(s),
    })
}

pub async fn revoke(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<(), AppError> {
    actor.require(Permission::TokenOwn)?;
    let now = app.now();
    let by = By::from(actor);
    let (zone_id, user_id) = (actor.zone_id, actor.user_id);
    app.db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                if !q::revoke_token(c, zone_id, user_id, id, now).await? {
                    return Err(AppError::NotFound);
                }
                audit::record(c, now, &by, &ctx, Entry::new("token.revoke", "api_token", Some(id))).await
            })
        })
        .await
}
