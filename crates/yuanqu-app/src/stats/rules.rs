//! The zone's check and warning rules: stored rows, or the defaults while none are stored.

use yuanqu_domain::identity::Permission;
use yuanqu_domain::stats::Metric;
use yuanqu_domain::stats::checks::{CheckKind, CheckRule};
use yuanqu_domain::stats::warnings::{WarningKind, WarningRule};
use yuanqu_domain::{FieldError, Scope};
use yuanqu_store::stats::{self as q, RuleRow};
use yuanqu_store::{Conn, Uuid};

use crate::audit::{self, By, Entry};
use crate::identity::done;
use crate::{Actor, App, AppError, RequestCtx};

/// The zone's rules: the stored rows, or the defaults (with the ids they will be stored under).
pub async fn effective(
    c: &Conn<'_>,
    zone: &Scope,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<RuleRow>, AppError> {
    let stored = q::rules(c, zone).await?;
    if stored.is_empty() { Ok(q::default_rule_rows(zone.zone_id(), now)) } else { Ok(stored) }
}

/// The enabled check rules among `rows`.
pub fn checks(rows: &[RuleRow]) -> Vec<CheckRule> {
    rows.iter()
        .filter(|r| r.enabled && r.purpose == "check")
        .filter_map(|r| {
            Some(CheckRule {
                code: r.code.clone(),
                kind: CheckKind::parse(&r.kind)?,
                metric: r.metric.as_deref().and_then(Metric::parse),
                threshold_bp: r.threshold,
            })
        })
        .collect()
}

/// The enabled warning rules among `rows`.
pub fn warnings(rows: &[RuleRow]) -> Vec<WarningRule> {
    rows.iter()
        .filter(|r| r.enabled && r.purpose == "warning")
        .filter_map(|r| {
            Some(WarningRule {
                code: r.code.clone(),
                kind: WarningKind::parse(&r.kind)?,
                threshold: r.threshold.unwrap_or(0),
                months: r.months.unwrap_or(1).max(1) as u32,
            })
        })
        .collect()
}

pub async fn list(app: &App, actor: &Actor) -> Result<Vec<RuleRow>, AppError> {
    actor.require(Permission::StatsRead)?;
    super::require_zone_view(actor)?;
    effective(&app.db.conn(), &actor.zone_scope(), app.now()).await
}

#[derive(Debug, Clone, Default)]
pub struct RulePatch {
    pub threshold: Option<i64>,
    pub months: Option<i32>,
    pub enabled: Option<bool>,
}

fn audit_value(r: &RuleRow) -> serde_json::Value {
    serde_json::json!({"code": r.code, "threshold": r.threshold, "months": r.months, "enabled": r.enabled})
}

/// Changes a rule's threshold, months or enabled flag (If-Match). Writes the zone's defaults
/// first when none are stored.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    p: RulePatch,
    ctx: &RequestCtx,
) -> Result<RuleRow, AppError> {
    actor.require(Permission::StatsReview)?;
    let zone = actor.zone_scope();
    let now = app.now();
    let before =
        effective(&app.db.conn(), &zone, now).await?.into_iter().find(|r| r.id == id).ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let mut row = before.clone();
    let mut errors = Vec::new();
    if let Some(t) = p.threshold {
        let ok = if row.kind == "late" { (1..=28).contains(&t) } else { (1..=100_000).contains(&t) };
        if !ok {
            errors.push(FieldError::new("threshold", "range"));
        }
        if row.threshold.is_none() {
            errors.push(FieldError::new("threshold", "not_applicable"));
        }
        row.threshold = Some(t);
    }
    if let Some(m) = p.months {
        if row.kind != "ytd_decline" {
            errors.push(FieldError::new("months", "not_applicable"));
        } else if !(1..=12).contains(&m) {
            errors.push(FieldError::new("months", "range"));
        }
        row.months = Some(m);
    }
    if let Some(e) = p.enabled {
        row.enabled = e;
    }
    done(errors)?;
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, before, by, ctx, zone) = (row.clone(), before.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                q::ensure_default_rules(c, zone.zone_id(), now).await?;
                if !q::update_rule(c, &zone, &row).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("stats.rule.update", "stat_rule", Some(row.id))
                    .before(audit_value(&before))
                    .after(audit_value(&row));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(RuleRow { version: row.version + 1, ..row })
            })
        })
        .await
}
