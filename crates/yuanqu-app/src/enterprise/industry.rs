//! Industry codes (GB/T 4754-2017): the shipped sections and divisions, and the 3/4-digit codes
//! a zone adds under a shipped division.

use std::collections::HashMap;

use serde_json::json;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::industry::{DIVISIONS, IndustryCode};
use yuanqu_store::Uuid;
use yuanqu_store::enterprise::{self as q, IndustryCodeRow};

use crate::audit::{self, By, Entry};
use crate::error::unique_as;
use crate::identity::{done, text};
use crate::{Actor, App, AppError, RequestCtx};

/// The zone's added codes.
pub async fn added(app: &App, actor: &Actor) -> Result<Vec<IndustryCodeRow>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    Ok(q::industry_codes(&app.db.conn(), &actor.zone_scope()).await?)
}

/// Code → Chinese name: the shipped divisions and the zone's added codes.
pub async fn names(app: &App, actor: &Actor) -> Result<HashMap<String, String>, AppError> {
    let mut m: HashMap<String, String> = DIVISIONS.iter().map(|(c, n)| ((*c).to_owned(), (*n).to_owned())).collect();
    for r in q::industry_codes(&app.db.conn(), &actor.zone_scope()).await? {
        m.insert(r.code, r.name);
    }
    Ok(m)
}

/// Whether the code was added now or was there already (with the same name).
pub enum Added {
    New(IndustryCodeRow),
    Existing(IndustryCodeRow),
}

/// Adds a 3/4-digit code under a shipped division. Idempotent: the same code with the same
/// name answers the existing row; with another name 409 `industry.code_taken`.
pub async fn add(app: &App, actor: &Actor, code: &str, name: &str, ctx: &RequestCtx) -> Result<Added, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    let mut errors = Vec::new();
    let code = match IndustryCode::parse(code) {
        Ok(c) if c.is_division() => {
            errors.push(FieldError::new("code", "industry.shipped"));
            None
        }
        Ok(c) => Some(c.as_str().to_owned()),
        Err(e) => {
            errors.push(FieldError::new("code", e));
            None
        }
    };
    let name = text("name", name, 100, &mut errors);
    done(errors)?;
    let code = code.ok_or_else(|| AppError::field("code", "industry.format"))?;
    let zone = actor.zone_scope();
    if let Some(existing) = q::industry_code(&app.db.conn(), &zone, &code).await? {
        return if existing.name == name {
            Ok(Added::Existing(existing))
        } else {
            Err(AppError::Conflict("industry.code_taken"))
        };
    }
    let now = app.now();
    let row = IndustryCodeRow { id: Uuid::now_v7(), zone_id: zone.zone_id(), code, name, created_at: now };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, by, ctx, zone) = (row.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                let r = q::insert_industry_code(c, &zone, row).await.map_err(unique_as("industry.code_taken"))?;
                let e = Entry::new("industry.create", "industry_code", Some(r.id))
                    .after(json!({"code": r.code, "name": r.name}));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(Added::New(r))
            })
        })
        .await
}
