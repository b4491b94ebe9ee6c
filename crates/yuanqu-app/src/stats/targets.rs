//! The zone's annual targets (年度目标), against which the dashboard shows the year to date.
//! Today one metric: above-scale industrial output (`above_output_fen`).

use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::stats::parse_wan_yuan;
use yuanqu_store::entity::stat_target;
use yuanqu_store::stats::dashboard as q;

use crate::audit::{self, By, Entry};
use crate::identity::done;
use crate::{Actor, App, AppError, RequestCtx, Uuid};

pub use stat_target::Model as TargetRow;

/// The metric a target is set for.
pub const ABOVE_OUTPUT: &str = "above_output_fen";

/// The zone's targets, newest year first (zone-wide figures: not for enterprise accounts).
pub async fn targets(app: &App, actor: &Actor) -> Result<Vec<TargetRow>, AppError> {
    actor.require(Permission::EconomyRead)?;
    Ok(q::targets(&app.db.conn(), actor.scope().zone_id()).await?)
}

/// Sets the year's target of above-scale output, given in 万元 (e.g. `10800000` for 1,080 亿元).
pub async fn set_target(
    app: &App,
    actor: &Actor,
    year: i32,
    target_wan: &str,
    ctx: &RequestCtx,
) -> Result<TargetRow, AppError> {
    actor.require(Permission::StatsReview)?;
    super::require_zone_view(actor)?;
    let mut errors = Vec::new();
    if !(2000..=2099).contains(&year) {
        errors.push(FieldError::new("year", "range"));
    }
    let target = match parse_wan_yuan(target_wan) {
        Ok(v) if v > 0 => v,
        Ok(_) => {
            errors.push(FieldError::new("target_wan", "number.negative"));
            0
        }
        Err(code) => {
            errors.push(FieldError::new("target_wan", code));
            0
        }
    };
    done(errors)?;
    let now = app.now();
    let zone_id = actor.scope().zone_id();
    let (by, ctx) = (By::from(actor), ctx.clone());
    app.db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                let before = q::target(c, zone_id, year, ABOVE_OUTPUT).await?;
                let row = TargetRow {
                    id: Uuid::now_v7(),
                    zone_id,
                    year,
                    metric: ABOVE_OUTPUT.to_owned(),
                    target,
                    version: 1,
                    created_at: now,
                };
                let t = q::set_target(c, row).await?;
                let a = Entry::new("stats.target", "stat_target", Some(t.id))
                    .before(before.map(|v| serde_json::json!({"year": year, "metric": ABOVE_OUTPUT, "target": v})))
                    .after(serde_json::json!({"year": year, "metric": ABOVE_OUTPUT, "target": t.target}));
                audit::record(c, now, &by, &ctx, a).await?;
                Ok::<_, AppError>(t)
            })
        })
        .await
}
