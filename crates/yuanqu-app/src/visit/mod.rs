//! Visits (走访, issue 5): leaders and departments plan visits to enterprises, record what they
//! saw (visitors, summary, photos, findings), and turn each finding into an appeal or a
//! rectification follow-up (整改督办) with one click; the period's figures are the kind the
//! committee reports ("走访企业 16 家，解决问题 2 个，督促整改 2 项").
//!
//! Scope: visits are the zone's and not confidential within the committee, so every holder of
//! `visit.read` (leaders, department staff) reads all of the zone's plans, visits, findings and
//! rectifications; enterprise accounts see nothing here (only their own visits on the
//! enterprise timeline). A rectification is marked done by its responsible department or a
//! leader.

pub mod demo;
pub mod outcome;
pub mod timeline;
pub mod views;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_store::enterprise as eq;
use yuanqu_store::visit::{self as q, FindingRow, PlanEnterpriseRow, PlanRow, VisitFileRow, VisitRow};

use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::form::text_field;
use crate::idempotency::{self, Created, Idem};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// At most this many enterprises in a plan, photos and findings in a visit.
pub const MAX_ENTERPRISES: usize = 200;
pub const MAX_PHOTOS: usize = 20;
pub const MAX_FINDINGS: usize = 30;

/// The UI path of a visit.
pub fn link(id: Uuid) -> String {
    format!("/visits/{id}")
}

/// A user of the zone who may lead a visit (any active account of the zone's staff).
async fn check_leader(
    app: &App,
    actor: &Actor,
    id: Uuid,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Result<(), AppError> {
    let u = yuanqu_store::identity::user_by_id_in_zone(&app.db.conn(), actor.zone_id, id).await?;
    if !u.is_some_and(|u| u.active && u.enterprise_id.is_none()) {
        errors.push(FieldError::new(field, "not_found"));
    }
    Ok(())
}

// ---------------------------------------------------------------- plans

/// A new visit plan as submitted.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub title: String,
    pub leader_user_id: Uuid,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub note: String,
    pub enterprise_ids: Vec<Uuid>,
}

/// Plans visits: a leader, the enterprises (of the zone) and the dates.
pub async fn create_plan(app: &App, actor: &Actor, n: NewPlan, ctx: &RequestCtx) -> Result<PlanRow, AppError> {
    actor.require(Permission::VisitManage)?;
    let mut errors = Vec::new();
    let title = text_field(&mut errors, "title", &n.title, 100, true);
    let note = text_field(&mut errors, "note", &n.note, 500, false);
    check_leader(app, actor, n.leader_user_id, "leader_user_id", &mut errors).await?;
    if n.ends_on < n.starts_on {
        errors.push(FieldError::new("ends_on", "visit.ends_before_start"));
    }
    if n.enterprise_ids.is_empty() {
        errors.push(FieldError::new("enterprise_ids", "required"));
    } else if n.enterprise_ids.len() > MAX_ENTERPRISES {
        errors.push(FieldError::new("enterprise_ids", "too_many"));
    }
    let c = app.db.conn();
    let zone = actor.zone_scope();
    let mut seen = BTreeSet::new();
    for (i, e) in n.enterprise_ids.iter().enumerate() {
        if !seen.insert(*e) {
            errors.push(FieldError::new(format!("enterprise_ids[{i}]"), "duplicate"));
        } else if eq::enterprise(&c, &zone, *e).await?.is_none() {
            errors.push(FieldError::new(format!("enterprise_ids[{i}]"), "not_found"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let row = PlanRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        title,
        leader_user_id: n.leader_user_id,
        starts_on: n.starts_on,
        ends_on: n.ends_on,
        note,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let ents: Vec<PlanEnterpriseRow> = n
        .enterprise_ids
        .iter()
        .map(|e| PlanEnterpriseRow { zone_id: row.zone_id, plan_id: row.id, enterprise_id: *e })
        .collect();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, ents, by, ctx) = (row.clone(), ents.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                let ids: Vec<Uuid> = ents.iter().map(|e| e.enterprise_id).collect();
                q::insert_plan(c, row.clone(), ents).await?;
                let e = Entry::new("visit.plan", "visit_plan", Some(row.id)).after(serde_json::json!({
                    "title": row.title, "leader_user_id": row.leader_user_id, "starts_on": row.starts_on,
                    "ends_on": row.ends_on, "enterprise_ids": ids,
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(row)
            })
        })
        .await
}

// ---------------------------------------------------------------- visits

/// A visit as recorded.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub plan_id: Option<Uuid>,
    pub enterprise_id: Uuid,
    pub visited_on: NaiveDate,
    pub leader_user_id: Option<Uuid>,
    pub visitors: String,
    pub summary: String,
    pub file_ids: Vec<Uuid>,
    pub findings: Vec<String>,
}

/// Records a visit with its photos and findings (Idempotency-Key: a retried submit from the
/// field gets the first response).
pub async fn record(
    app: &App,
    actor: &Actor,
    n: NewVisit,
    ctx: &RequestCtx,
    idem: Option<Idem<VisitRow>>,
) -> Result<Created<VisitRow>, AppError> {
    actor.require(Permission::VisitManage)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let c = app.db.conn();
    let zone = actor.zone_scope();
    let now = app.now();
    let mut errors = Vec::new();
    if eq::enterprise(&c, &zone, n.enterprise_id).await?.is_none() {
        errors.push(FieldError::new("enterprise_id", "not_found"));
    }
    if let Some(p) = n.plan_id
        && q::plan(&c, &zone, p).await?.is_none()
    {
        errors.push(FieldError::new("plan_id", "not_found"));
    }
    if n.visited_on > zone_today(now) {
        errors.push(FieldError::new("visited_on", "date.future"));
    }
    if let Some(l) = n.leader_user_id {
        check_leader(app, actor, l, "leader_user_id", &mut errors).await?;
    }
    let visitors = text_field(&mut errors, "visitors", &n.visitors, 500, true);
    let summary = text_field(&mut errors, "summary", &n.summary, 5000, true);
    let mut seen = BTreeSet::new();
    for (i, f) in n.file_ids.iter().enumerate() {
        if !seen.insert(*f) {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "duplicate"));
        } else if crate::files::get(app, actor, *f).await.is_err() {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "not_found"));
        }
    }
    if n.file_ids.len() > MAX_PHOTOS {
        errors.push(FieldError::new("file_ids", "too_many"));
    }
    if n.findings.len() > MAX_FINDINGS {
        errors.push(FieldError::new("findings", "too_many"));
    }
    let findings: Vec<String> = n
        .findings
        .iter()
        .enumerate()
        .map(|(i, t)| text_field(&mut errors, &format!("findings[{i}]"), t, 2000, true))
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = Uuid::now_v7();
    let row = VisitRow {
        id,
        zone_id: actor.zone_id,
        plan_id: n.plan_id,
        enterprise_id: n.enterprise_id,
        visited_on: n.visited_on,
        leader_user_id: n.leader_user_id,
        visitors,
        summary,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let files: Vec<VisitFileRow> =
        n.file_ids.iter().map(|f| VisitFileRow { zone_id: row.zone_id, visit_id: id, file_id: *f }).collect();
    let findings: Vec<FindingRow> = findings
        .into_iter()
        .enumerate()
        .map(|(i, text)| FindingRow {
            id: Uuid::now_v7(),
            zone_id: row.zone_id,
            visit_id: id,
            enterprise_id: row.enterprise_id,
            seq: i32::try_from(i).unwrap_or(i32::MAX),
            text,
            outcome: "open".into(),
            appeal_id: None,
            created_at: now,
            version: 1,
        })
        .collect();
    let by = By::from(actor);
    let work = async {
        app.db
            .write(|c| {
                let (row, files, findings, by, ctx, idem) =
                    (row.clone(), files.clone(), findings.clone(), by.clone(), ctx.clone(), idem.clone());
                Box::pin(async move {
                    if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                        return Ok(Created::Replay(s));
                    }
                    let (photos, found) = (files.len(), findings.len());
                    q::insert_visit(c, row.clone(), files, findings).await?;
                    let e = Entry::new("visit.record", "visit", Some(row.id)).after(serde_json::json!({
                        "enterprise_id": row.enterprise_id, "plan_id": row.plan_id, "visited_on": row.visited_on,
                        "leader_user_id": row.leader_user_id, "photos": photos, "findings": found,
                    }));
                    audit::record(c, now, &by, &ctx, e).await?;
                    idempotency::finish(c, idem.as_ref(), &row).await?;
                    Ok(Created::New(row))
                })
            })
            .await
    };
    idempotency::guard(app, idem.as_ref(), work).await
}

/// A visit the actor may read (404 otherwise).
pub async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<VisitRow, AppError> {
    actor.require(Permission::VisitRead)?;
    q::visit(&app.db.conn(), &actor.scope(), id).await?.ok_or(AppError::NotFound)
}
