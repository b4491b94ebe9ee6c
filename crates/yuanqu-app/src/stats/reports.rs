//! A monthly report's lifecycle. The enterprise account drafts, edits and submits its month; the
//! check rules then flag it (待核查) or not. Department staff return it with a reason or verify
//! it (the enterprise's park, industry and scale are copied, the rollups rebuilt). A verified
//! month is locked: only a correction by staff, with a reason, changes it.
//!
//! Every transition is one conditional `UPDATE` (state and version), audited in its transaction.
//! Invalid transitions are 409: `stats.locked` (the month is verified), `stats.not_submitted`
//! (return or verify of a report that is not submitted), `stats.not_editable` (edit or submit
//! of a submitted report), `stats.not_verified` (a correction of a report not verified).

use yuanqu_domain::identity::Permission;
use yuanqu_domain::stats::checks::{self, Flag};
use yuanqu_domain::stats::{Metric, Period, Values};
use yuanqu_domain::{FieldError, Scope};
use yuanqu_store::identity as iq;
use yuanqu_store::stats::rollup;
use yuanqu_store::stats::{self as q, ReportFilter, ReportListItem, ReportRow, values_of};
use yuanqu_store::{Page, PageReq, Uuid};

use super::{RawValues, input_key, merge_values, period_field, rules, this_month};
use crate::audit::{self, By, Entry};
use crate::idempotency::{self, Created, Idem};
use crate::identity::done;
use crate::{Actor, App, AppError, RequestCtx};

/// A report with what the reviewer compares it with.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub report: ReportRow,
    pub enterprise_name: String,
    pub uscc: String,
    pub flags: Vec<Flag>,
    /// The same month a year earlier (submitted or verified).
    pub year_ago: Option<Values>,
    /// The previous month (submitted or verified).
    pub prev: Option<Values>,
}

pub fn flags_of(r: &ReportRow) -> Vec<Flag> {
    serde_json::from_str(&r.flags).unwrap_or_default()
}

fn audit_values(r: &ReportRow) -> serde_json::Value {
    let v = values_of(r);
    let mut m = serde_json::Map::new();
    for metric in Metric::ALL {
        m.insert(metric.code().to_owned(), serde_json::json!(v.get(metric)));
    }
    m.insert("state".into(), serde_json::json!(r.state));
    m.insert("period".into(), serde_json::json!(r.period));
    m.insert("enterprise_id".into(), serde_json::json!(r.enterprise_id));
    serde_json::Value::Object(m)
}

/// The comparison months of a report (year ago, previous), submitted or verified.
async fn neighbours(app: &App, scope: &Scope, r: &ReportRow) -> Result<(Option<Values>, Option<Values>), AppError> {
    let Some(p) = Period::from_yyyymm(r.period) else { return Ok((None, None)) };
    let (ago, prev) = (p.year_ago().yyyymm(), p.prev().yyyymm());
    let rows = q::reports_at(&app.db.conn(), scope, &[r.enterprise_id], &[ago, prev]).await?;
    let pick = |period: i32| {
        rows.iter().find(|x| x.period == period && (x.state == q::SUBMITTED || x.state == q::VERIFIED)).map(values_of)
    };
    Ok((pick(ago), pick(prev)))
}

pub async fn view(app: &App, actor: &Actor, id: Uuid) -> Result<ReportView, AppError> {
    actor.require(Permission::StatsRead)?;
    let scope = actor.scope();
    let c = app.db.conn();
    let r = q::report(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let e = iq::enterprise(&c, &Scope::zone(actor.zone_id), r.enterprise_id).await?;
    let (year_ago, prev) = neighbours(app, &scope, &r).await?;
    Ok(ReportView {
        flags: flags_of(&r),
        enterprise_name: e.as_ref().map(|e| e.name.clone()).unwrap_or_default(),
        uscc: e.map(|e| e.uscc).unwrap_or_default(),
        report: r,
        year_ago,
        prev,
    })
}

pub async fn list(app: &App, actor: &Actor, f: &ReportFilter, page: PageReq) -> Result<Page<ReportListItem>, AppError> {
    actor.require(Permission::StatsRead)?;
    Ok(q::reports(&app.db.conn(), &actor.scope(), f, page).await?)
}

#[derive(Debug, Clone)]
pub struct NewReport {
    /// Optional for an enterprise account (its own enterprise).
    pub enterprise_id: Option<Uuid>,
    pub period: String,
    pub values: RawValues,
}

/// A draft created, or the month's existing report (creating is idempotent per month).
#[derive(Debug, Clone)]
pub enum Drafted {
    New(ReportRow),
    Existing(ReportRow),
}

impl Drafted {
    pub fn row(&self) -> &ReportRow {
        match self {
            Self::New(r) | Self::Existing(r) => r,
        }
    }
}

/// Creates the draft of a month. A second create for the same enterprise and month answers the
/// existing report unchanged.
pub async fn create(
    app: &App,
    actor: &Actor,
    n: NewReport,
    ctx: &RequestCtx,
    idem: Option<Idem<Drafted>>,
) -> Result<Created<Drafted>, AppError> {
    actor.require(Permission::StatsReport)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let scope = actor.scope();
    let mut errors = Vec::new();
    let period = period_field("period", &n.period, &mut errors);
    if let Some(p) = period
        && p > this_month(app)
    {
        errors.push(FieldError::new("period", "period.future"));
    }
    let values = merge_values(Values::default(), &n.values, &mut errors);
    let enterprise = match n.enterprise_id.or(actor.enterprise_id) {
        None => {
            errors.push(FieldError::new("enterprise_id", "required"));
            None
        }
        Some(id) => {
            let e = iq::enterprise(&app.db.conn(), &scope, id).await?;
            if e.is_none() {
                errors.push(FieldError::new("enterprise_id", "not_found"));
            }
            e
        }
    };
    done(errors)?;
    let (Some(period), Some(enterprise)) = (period, enterprise) else {
        return Err(AppError::Internal("validated".into()));
    };
    let now = app.now();
    let row = q::new_report(actor.zone_id, &enterprise, period.yyyymm(), &values, "online", now);
    let by = By::from(actor);
    let work = app.db.write(|c| {
        let (row, by, ctx, scope, idem) = (row.clone(), by.clone(), ctx.clone(), scope.clone(), idem.clone());
        Box::pin(async move {
            if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                return Ok(Created::Replay(s));
            }
            let out = match q::report_of(c, &scope, row.enterprise_id, row.period).await? {
                Some(existing) => Drafted::Existing(existing),
                None => {
                    let r = q::insert_report(c, &scope, row).await?;
                    let e = Entry::new("stats.report.create", "stat_report", Some(r.id)).after(audit_values(&r));
                    audit::record(c, now, &by, &ctx, e).await?;
                    Drafted::New(r)
                }
            };
            idempotency::finish(c, idem.as_ref(), &out).await?;
            Ok(Created::New(out))
        })
    });
    idempotency::guard(app, idem.as_ref(), work).await
}

fn editable(r: &ReportRow) -> Result<(), AppError> {
    match r.state.as_str() {
        q::VERIFIED => Err(AppError::Conflict("stats.locked")),
        q::SUBMITTED => Err(AppError::Conflict("stats.not_editable")),
        _ => Ok(()),
    }
}

/// Edits a draft or returned report (If-Match).
pub async fn update(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    raw: RawValues,
    ctx: &RequestCtx,
) -> Result<ReportRow, AppError> {
    actor.require(Permission::StatsReport)?;
    let scope = actor.scope();
    let before = q::report(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    editable(&before)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let mut errors = Vec::new();
    let values = merge_values(values_of(&before), &raw, &mut errors);
    done(errors)?;
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (before, by, ctx, scope) = (before.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::update_values(c, &scope, id, version, &values, now).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let after = q::report(c, &scope, id).await?.ok_or(AppError::NotFound)?;
                let e = Entry::new("stats.report.update", "stat_report", Some(id))
                    .before(audit_values(&before))
                    .after(audit_values(&after));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(after)
            })
        })
        .await
}

fn complete(v: &Values) -> Result<(), AppError> {
    let errors: Vec<FieldError> = v
        .problems_for_submit()
        .into_iter()
        .map(|(m, code)| FieldError::new(format!("values.{}", input_key(m)), code))
        .collect();
    done(errors)
}

/// Runs the zone's check rules over a report's values.
async fn flags_for(app: &App, actor: &Actor, r: &ReportRow, v: &Values) -> Result<Vec<Flag>, AppError> {
    let zone = actor.zone_scope();
    let rules = rules::checks(&rules::effective(&app.db.conn(), &zone, app.now()).await?);
    let (year_ago, prev) = neighbours(app, &zone, r).await?;
    Ok(checks::evaluate(&rules, v, year_ago.as_ref(), prev.as_ref()))
}

fn flags_json(f: &[Flag]) -> String {
    serde_json::to_string(f).unwrap_or_else(|_| "[]".into())
}

/// Submits a draft or returned report (If-Match): all seven values present, none negative but
/// profit, the month not in the future; the check rules' flags are stored with it.
pub async fn submit(app: &App, actor: &Actor, id: Uuid, version: i64, ctx: &RequestCtx) -> Result<ReportRow, AppError> {
    actor.require(Permission::StatsReport)?;
    let scope = actor.scope();
    let r = q::report(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    editable(&r)?;
    if r.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let v = values_of(&r);
    complete(&v)?;
    if Period::from_yyyymm(r.period).is_none_or(|p| p > this_month(app)) {
        return Err(AppError::field("period", "period.future"));
    }
    let flags = flags_for(app, actor, &r, &v).await?;
    let json = flags_json(&flags);
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (json, by, ctx, scope) = (json.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::submit(c, &scope, id, version, &json, now).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let after = q::report(c, &scope, id).await?.ok_or(AppError::NotFound)?;
                let e = Entry::new("stats.report.submit", "stat_report", Some(id))
                    .after(serde_json::json!({"period": after.period, "flags": serde_json::from_str::<serde_json::Value>(&json).unwrap_or_default()}));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(after)
            })
        })
        .await
}

fn reviewable(r: &ReportRow) -> Result<(), AppError> {
    match r.state.as_str() {
        q::SUBMITTED => Ok(()),
        q::VERIFIED => Err(AppError::Conflict("stats.locked")),
        _ => Err(AppError::Conflict("stats.not_submitted")),
    }
}

/// submitted → returned, with the reason the enterprise sees (2 to 200 characters).
pub async fn return_report(
    app: &App,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    ctx: &RequestCtx,
) -> Result<ReportRow, AppError> {
    actor.require(Permission::StatsReview)?;
    let scope = actor.scope();
    let r = q::report(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    let reason = reason.trim().to_owned();
    if !(2..=200).contains(&reason.chars().count()) {
        return Err(AppError::field("reason", "stats.reason_length"));
    }
    reviewable(&r)?;
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (reason, by, ctx, scope) = (reason.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::return_report(c, &scope, id, r.version, &reason, now).await? {
                    return Err(AppError::Conflict("stats.not_submitted"));
                }
                let e = Entry::new("stats.report.return", "stat_report", Some(id))
                    .after(serde_json::json!({"period": r.period, "reason": reason}));
                audit::record(c, now, &by, &ctx, e).await?;
                q::report(c, &scope, id).await?.ok_or(AppError::NotFound)
            })
        })
        .await
}

/// submitted → verified: the enterprise's park, industry and scale are copied, and the rollups
/// of the month (and of the month a year later) rebuilt in the same transaction.
pub async fn verify(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<ReportRow, AppError> {
    actor.require(Permission::StatsReview)?;
    let scope = actor.scope();
    let r = q::report(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    reviewable(&r)?;
    let now = app.now();
    let by = By::from(actor);
    let user = actor.user_id;
    app.db
        .write(|c| {
            let (by, ctx, scope) = (by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                let e = iq::enterprise(c, &Scope::zone(scope.zone_id()), r.enterprise_id).await?.ok_or(AppError::NotFound)?;
                let snap = q::Snapshot { park_id: e.park_id, industry_code: e.industry_code.clone(), above_scale: e.above_scale };
                if !q::verify(c, &scope, id, r.version, &snap, user, now).await? {
                    return Err(AppError::Conflict("stats.not_submitted"));
                }
                rollup::rebuild_with_next_year(c, scope.zone_id(), r.period).await?;
                let e = Entry::new("stats.report.verify", "stat_report", Some(id)).after(serde_json::json!({
                    "period": r.period, "park_id": snap.park_id, "industry_code": snap.industry_code, "above_scale": snap.above_scale
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                q::report(c, &scope, id).await?.ok_or(AppError::NotFound)
            })
        })
        .await
}

/// Corrects a verified report (staff, with a reason of 2 to 200 characters): audited with the
/// values before and after; flags recomputed; rollups rebuilt.
pub async fn correct(
    app: &App,
    actor: &Actor,
    id: Uuid,
    raw: RawValues,
    reason: &str,
    ctx: &RequestCtx,
) -> Result<ReportRow, AppError> {
    actor.require(Permission::StatsReview)?;
    let scope = actor.scope();
    let before = q::report(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let reason = reason.trim().to_owned();
    if !(2..=200).contains(&reason.chars().count()) {
        errors.push(FieldError::new("reason", "stats.reason_length"));
    }
    let values = merge_values(values_of(&before), &raw, &mut errors);
    done(errors)?;
    if before.state != q::VERIFIED {
        return Err(AppError::Conflict("stats.not_verified"));
    }
    complete(&values)?;
    let flags = flags_json(&flags_for(app, actor, &before, &values).await?);
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (before, flags, reason, by, ctx, scope) =
                (before.clone(), flags.clone(), reason.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::correct(c, &scope, id, before.version, &values, &flags, now).await? {
                    return Err(AppError::PreconditionFailed);
                }
                rollup::rebuild_with_next_year(c, scope.zone_id(), before.period).await?;
                let after = q::report(c, &scope, id).await?.ok_or(AppError::NotFound)?;
                let mut a = audit_values(&after);
                if let Some(o) = a.as_object_mut() {
                    o.insert("reason".into(), serde_json::json!(reason));
                }
                let e =
                    Entry::new("stats.report.correct", "stat_report", Some(id)).before(audit_values(&before)).after(a);
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(after)
            })
        })
        .await
}
