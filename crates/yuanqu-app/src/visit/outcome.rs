//! One-click outcomes of a finding: an appeal filed on the enterprise's behalf (channel
//! `visit`), or a rectification follow-up for a department; and marking a rectification done.
//!
//! Turning a finding into an appeal spans two transactions: the appeal is filed through
//! [`crate::appeal::intake::file`] (routing, deadlines, notifications, its own audit record) under
//! an idempotency key of the finding, then the finding is settled with one conditional statement
//! (`outcome = 'open'`). A retry after a failure between the two replays the same appeal instead
//! of filing another; a finding already settled is 409 `visit.finding_done`.

use std::sync::Arc;

use chrono::NaiveDate;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_store::appeal::AppealRow;
use yuanqu_store::visit::{self as q, FindingRow, RectificationRow};

use super::load;
use crate::appeal::intake::{self, NewAppeal};
use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::idempotency::{Created, Idem};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// The finding of a visit the actor may read, still open (404, or 409 once settled).
async fn open_finding(
    app: &App,
    actor: &Actor,
    visit_id: Uuid,
    finding_id: Uuid,
) -> Result<(yuanqu_store::visit::VisitRow, FindingRow), AppError> {
    let v = load(app, actor, visit_id).await?;
    let f = q::finding(&app.db.conn(), v.zone_id, v.id, finding_id).await?.ok_or(AppError::NotFound)?;
    if f.outcome != "open" {
        return Err(AppError::Conflict("visit.finding_done"));
    }
    Ok((v, f))
}

/// The appeal's title: the finding's first 30 characters.
pub fn appeal_title(text: &str) -> String {
    text.chars().take(30).collect::<String>().trim().to_owned()
}

/// Files an appeal for the finding's enterprise (channel `visit`) and links it to the finding.
/// Returns the appeal's id.
pub async fn to_appeal(
    app: &App,
    actor: &Actor,
    visit_id: Uuid,
    finding_id: Uuid,
    category_id: Uuid,
    ctx: &RequestCtx,
) -> Result<Uuid, AppError> {
    actor.require(Permission::VisitManage)?;
    let (v, f) = open_finding(app, actor, visit_id, finding_id).await?;
    let n = NewAppeal {
        enterprise_id: Some(f.enterprise_id),
        category_id,
        title: appeal_title(&f.text),
        description: format!("{}\n（{} 走访发现 found on the visit of {}）", f.text, v.visited_on, v.visited_on),
        urgency: "normal".into(),
        identity_shown: false,
        channel: Some("visit".into()),
        file_ids: Vec::new(),
    };
    // One key per finding: the same request, so a retry replays the first appeal.
    let key = format!("visit-finding:{}", f.id);
    let respond: crate::idempotency::Respond<AppealRow> = Arc::new(|r| serde_json::json!({"id": r.id}));
    let idem = Idem::new(key.clone(), key, 201, respond);
    let appeal_id = match intake::file(app, actor, n, ctx, Some(idem)).await? {
        Created::New(r) => r.id,
        Created::Replay(s) => s.body["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| AppError::Internal("stored appeal response without id".into()))?,
    };
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (by, ctx, f) = (by.clone(), ctx.clone(), f.clone());
            Box::pin(async move {
                if !q::settle_finding(c, f.zone_id, f.id, "appeal", Some(appeal_id)).await? {
                    return Err(AppError::Conflict("visit.finding_done"));
                }
                let e = Entry::new("visit.finding_appeal", "visit_finding", Some(f.id))
                    .before(serde_json::json!({"outcome": "open"}))
                    .after(serde_json::json!({"outcome": "appeal", "appeal_id": appeal_id, "visit_id": f.visit_id}));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(appeal_id)
            })
        })
        .await
}

/// A rectification follow-up as requested.
#[derive(Debug, Clone)]
pub struct NewRectification {
    pub department_id: Uuid,
    pub requirement: String,
    pub due_on: NaiveDate,
}

/// Turns a finding into a rectification follow-up for a department (one transaction).
pub async fn to_rectification(
    app: &App,
    actor: &Actor,
    visit_id: Uuid,
    finding_id: Uuid,
    n: NewRectification,
    ctx: &RequestCtx,
) -> Result<RectificationRow, AppError> {
    actor.require(Permission::VisitManage)?;
    let (_, f) = open_finding(app, actor, visit_id, finding_id).await?;
    let now = app.now();
    let mut errors = Vec::new();
    let c = app.db.conn();
    if yuanqu_store::identity::department(&c, &actor.zone_scope(), n.department_id).await?.is_none() {
        errors.push(FieldError::new("department_id", "not_found"));
    }
    let requirement = n.requirement.trim().to_owned();
    if requirement.is_empty() {
        errors.push(FieldError::new("requirement", "required"));
    } else if requirement.chars().count() > 2000 {
        errors.push(FieldError::new("requirement", "too_long"));
    }
    if n.due_on < zone_today(now) {
        errors.push(FieldError::new("due_on", "visit.due_past"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let row = RectificationRow {
        id: Uuid::now_v7(),
        zone_id: f.zone_id,
        finding_id: f.id,
        enterprise_id: f.enterprise_id,
        department_id: n.department_id,
        requirement,
        due_on: n.due_on,
        state: "open".into(),
        done_at: None,
        done_note: String::new(),
        done_by: None,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (by, ctx, row) = (by.clone(), ctx.clone(), row.clone());
            Box::pin(async move {
                if !q::settle_finding(c, row.zone_id, row.finding_id, "rectification", None).await? {
                    return Err(AppError::Conflict("visit.finding_done"));
                }
                q::insert_rectification(c, row.clone()).await?;
                let e = Entry::new("visit.rectification", "rectification", Some(row.id)).after(serde_json::json!({
                    "finding_id": row.finding_id, "enterprise_id": row.enterprise_id,
                    "department_id": row.department_id, "due_on": row.due_on,
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(row)
            })
        })
        .await
}

/// Marks a rectification done (its responsible department or a leader); 409
/// `visit.rectification_done` if it already is.
pub async fn finish_rectification(
    app: &App,
    actor: &Actor,
    id: Uuid,
    note: &str,
    ctx: &RequestCtx,
) -> Result<super::views::RectificationItem, AppError> {
    actor.require(Permission::VisitManage)?;
    let c = app.db.conn();
    let r = q::rectification(&c, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    if actor.role != Role::ZoneLeader && !actor.department_subtree.contains(&r.department_id) {
        return Err(AppError::ForbiddenCode("visit.not_responsible"));
    }
    let note = note.trim().to_owned();
    if note.is_empty() {
        return Err(AppError::field("note", "required"));
    }
    if note.chars().count() > 2000 {
        return Err(AppError::field("note", "too_long"));
    }
    let department = yuanqu_store::identity::department(&c, &actor.zone_scope(), r.department_id)
        .await?
        .map(|d| d.name)
        .unwrap_or_default();
    let now = app.now();
    let by = By::from(actor);
    let row = app
        .db
        .write(|c| {
            let (by, ctx, r, note) = (by.clone(), ctx.clone(), r.clone(), note.clone());
            Box::pin(async move {
                if !q::finish_rectification(c, r.zone_id, r.id, by.user_id.unwrap_or_default(), now, &note).await? {
                    return Err(AppError::Conflict("visit.rectification_done"));
                }
                let e = Entry::new("visit.rectification_done", "rectification", Some(r.id))
                    .before(serde_json::json!({"state": "open"}))
                    .after(serde_json::json!({"state": "done", "note": note}));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(RectificationRow {
                    state: "done".into(),
                    done_at: Some(now),
                    done_note: note,
                    done_by: by.user_id,
                    version: r.version + 1,
                    ..r
                })
            })
        })
        .await?;
    // Done: no longer overdue whatever its due day.
    Ok(super::views::RectificationItem { row, department, overdue: false })
}
