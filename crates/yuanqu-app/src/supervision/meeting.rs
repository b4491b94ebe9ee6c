//! The Saturday expanded meeting (周六扩大会议): its record (day, attendees, minutes) and the
//! decisions taken, each a follow-up item assigned to a department with a deadline; a
//! project's problems that need coordination are follow-ups too. Next week's brief opens with
//! the follow-ups still open.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::supervision as sv;
use yuanqu_store::supervision::{self as q, FollowUpFilter, FollowUpRow, MeetingRow};

use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::form::text_field;
use crate::{Actor, App, AppError, Page, PageReq, RequestCtx, Uuid};

/// A decision or a problem: what, who, by when.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub title: String,
    pub detail: String,
    pub department_id: Uuid,
    pub owner_user_id: Option<Uuid>,
    pub due_on: NaiveDate,
    pub item_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: String,
    pub notes: String,
    pub decisions: Vec<NewFollowUp>,
}

#[expect(clippy::too_many_arguments, reason = "a follow-up's checked fields and where they come from")]
async fn check_follow_up(
    app: &App,
    actor: &Actor,
    prefix: &str,
    f: &NewFollowUp,
    departments: &BTreeSet<Uuid>,
    today: NaiveDate,
    origin: &str,
    meeting_id: Option<Uuid>,
    errors: &mut Vec<FieldError>,
) -> Result<FollowUpRow, AppError> {
    let title = text_field(errors, &format!("{prefix}title"), &f.title, 200, true);
    let detail = text_field(errors, &format!("{prefix}detail"), &f.detail, 2000, false);
    if !departments.contains(&f.department_id) {
        errors.push(FieldError::new(format!("{prefix}department_id"), "not_found"));
    }
    if f.due_on < today {
        errors.push(FieldError::new(format!("{prefix}due_on"), "supervision.due_past"));
    }
    let c = app.db.conn();
    if let Some(u) = f.owner_user_id
        && !q::staff_user_ids(&c, actor.zone_id).await?.contains(&u)
    {
        errors.push(FieldError::new(format!("{prefix}owner_user_id"), "not_found"));
    }
    if let Some(i) = f.item_id
        && q::item(&c, &actor.scope(), i).await?.is_none()
    {
        errors.push(FieldError::new(format!("{prefix}item_id"), "not_found"));
    }
    Ok(FollowUpRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        item_id: f.item_id,
        meeting_id,
        origin: origin.into(),
        title,
        detail,
        department_id: f.department_id,
        owner_user_id: f.owner_user_id,
        due_on: f.due_on,
        state: "open".into(),
        done_at: None,
        done_by: None,
        done_note: String::new(),
        created_by: actor.user_id,
        created_at: app.now(),
        version: 1,
    })
}

async fn department_ids(app: &App, zone_id: Uuid) -> Result<BTreeSet<Uuid>, AppError> {
    let zone = yuanqu_domain::Scope::zone(zone_id);
    Ok(yuanqu_store::identity::departments(&app.db.conn(), &zone).await?.into_iter().map(|d| d.id).collect())
}

/// Records a meeting and its decisions (each a follow-up), in one transaction; audited.
pub async fn record(app: &App, actor: &Actor, n: NewMeeting, ctx: &RequestCtx) -> Result<MeetingRow, AppError> {
    actor.require(Permission::SupervisionManage)?;
    let now = app.now();
    let today = zone_today(now);
    let mut errors = Vec::new();
    let title = text_field(&mut errors, "title", &n.title, 200, true);
    let attendees = text_field(&mut errors, "attendees", &n.attendees, 2000, true);
    let notes = text_field(&mut errors, "notes", &n.notes, 20000, false);
    if n.held_on > today {
        errors.push(FieldError::new("held_on", "date.future"));
    }
    if n.decisions.len() > 50 {
        errors.push(FieldError::new("decisions", "too_many"));
    }
    let id = Uuid::now_v7();
    let departments = department_ids(app, actor.zone_id).await?;
    let mut follow_ups = Vec::new();
    for (i, d) in n.decisions.iter().enumerate() {
        let prefix = format!("decisions[{i}].");
        let f =
            check_follow_up(app, actor, &prefix, d, &departments, n.held_on, "decision", Some(id), &mut errors).await?;
        follow_ups.push(f);
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let row = MeetingRow {
        id,
        zone_id: actor.zone_id,
        held_on: n.held_on,
        week: sv::review_saturday(n.held_on),
        title,
        attendees,
        notes,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, follow_ups, by, ctx) = (row.clone(), follow_ups.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                let decisions: Vec<_> = follow_ups
                    .iter()
                    .map(|f| serde_json::json!({"id": f.id, "title": f.title, "department_id": f.department_id, "due_on": f.due_on}))
                    .collect();
                q::insert_meeting(c, row.clone(), follow_ups).await?;
                let e = Entry::new("supervision.meeting", "supervision_meeting", Some(row.id)).after(serde_json::json!({
                    "held_on": row.held_on, "title": row.title, "decisions": decisions,
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(row)
            })
        })
        .await
}

pub async fn meetings(app: &App, actor: &Actor, page: PageReq) -> Result<Page<MeetingRow>, AppError> {
    actor.require(Permission::SupervisionRead)?;
    Ok(q::meetings(&app.db.conn(), actor.zone_id, page).await?)
}

/// A meeting and its decisions (a department sees only those assigned to it).
pub async fn meeting(app: &App, actor: &Actor, id: Uuid) -> Result<(MeetingRow, Vec<FollowUpRow>), AppError> {
    actor.require(Permission::SupervisionRead)?;
    let c = app.db.conn();
    let m = q::meeting(&c, actor.zone_id, id).await?.ok_or(AppError::NotFound)?;
    let f = FollowUpFilter { meeting_id: Some(id), ..Default::default() };
    let decisions = q::follow_ups(&c, &actor.scope(), &f).await?;
    Ok((m, decisions))
}

/// A problem of an item that needs coordination, raised by its department or the office.
pub async fn raise_problem(
    app: &App,
    actor: &Actor,
    item_id: Uuid,
    mut n: NewFollowUp,
    ctx: &RequestCtx,
) -> Result<FollowUpRow, AppError> {
    if !actor.can(Permission::SupervisionManage) {
        actor.require(Permission::SupervisionReport)?;
    }
    super::load(app, actor, item_id).await?;
    n.item_id = Some(item_id);
    let departments = department_ids(app, actor.zone_id).await?;
    let mut errors = Vec::new();
    let today = zone_today(app.now());
    let row = check_follow_up(app, actor, "", &n, &departments, today, "problem", None, &mut errors).await?;
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, by, ctx) = (row.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_follow_up(c, row.clone()).await?;
                let e = Entry::new("supervision.problem", "supervision_follow_up", Some(row.id)).after(serde_json::json!({
                    "item_id": row.item_id, "title": row.title, "department_id": row.department_id, "due_on": row.due_on,
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(row)
            })
        })
        .await
}

pub async fn follow_ups(app: &App, actor: &Actor, f: &FollowUpFilter) -> Result<Vec<FollowUpRow>, AppError> {
    actor.require(Permission::SupervisionRead)?;
    Ok(q::follow_ups(&app.db.conn(), &actor.scope(), f).await?)
}

/// Marks a follow-up done (its department or the office); a second click is 409.
pub async fn finish(app: &App, actor: &Actor, id: Uuid, note: &str, ctx: &RequestCtx) -> Result<FollowUpRow, AppError> {
    if !actor.can(Permission::SupervisionManage) {
        actor.require(Permission::SupervisionReport)?;
    }
    let c = app.db.conn();
    q::follow_up(&c, &actor.scope(), id).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let note = text_field(&mut errors, "note", note, 500, true);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let by = By::from(actor);
    let user_id = actor.user_id;
    app.db
        .write(|c| {
            let (by, ctx, note) = (by.clone(), ctx.clone(), note.clone());
            Box::pin(async move {
                if !q::finish_follow_up(c, by.zone_id, id, user_id, now, &note).await? {
                    return Err(AppError::Conflict("supervision.follow_up_done"));
                }
                let e = Entry::new("supervision.follow_up.done", "supervision_follow_up", Some(id))
                    .after(serde_json::json!({ "note": note }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(())
            })
        })
        .await?;
    q::follow_up(&app.db.conn(), &actor.scope(), id).await?.ok_or(AppError::NotFound)
}
