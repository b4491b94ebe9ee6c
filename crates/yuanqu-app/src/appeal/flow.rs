//! Transitions of an appeal (the state machine in `yuanqu-domain`), and extensions. Each
//! transition checks who the actor is to the appeal, writes the appeal with one conditional
//! statement on its version, its timeline event, the audit record and the notifications in one
//! transaction; an invalid one is 409 with the actions the actor may take.

use yuanqu_domain::FieldError;
use yuanqu_domain::appeal::sla::{self};
use yuanqu_domain::appeal::state::{allowed, next};
use yuanqu_domain::appeal::{Action, Party, State};
use yuanqu_domain::identity::Permission;
use yuanqu_store::appeal::{self as q, AppealFileRow, AppealRow, EventRow, ExtensionRow, Recipients};
use yuanqu_store::identity as idq;

use super::{apply_timing, calendar_for, category, handler_rows, load, parties, rules_of, tell, timing};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// What the actor does.
#[derive(Debug, Clone, Default)]
pub struct Act {
    pub action: String,
    pub note: String,
    /// `rate`: 1–5.
    pub rating: Option<i64>,
    /// `dispatch` and `transfer`: the new lead department and its co-handlers.
    pub department_id: Option<Uuid>,
    pub co_department_ids: Vec<Uuid>,
    /// `merge`: the appeal this one joins.
    pub merge_into: Option<Uuid>,
    pub file_ids: Vec<Uuid>,
}

fn refused(state: State, who: &[Party]) -> AppError {
    AppError::Transition {
        code: "appeal.transition_not_allowed",
        state: state.code(),
        allowed: allowed(state, who).into_iter().map(Action::code).collect(),
    }
}

/// Takes an action on an appeal. `version` (If-Match) is optional: without it the version read
/// here guards the write.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: Option<i64>,
    a: Act,
    ctx: &RequestCtx,
) -> Result<AppealRow, AppError> {
    let before = load(app, actor, id).await?;
    if version.is_some_and(|v| v != i64::from(before.version)) {
        return Err(AppError::PreconditionFailed);
    }
    let Some(action) = Action::parse(&a.action) else {
        return Err(AppError::field("action", "appeal.action_unknown"));
    };
    let from = State::parse(&before.state).ok_or_else(|| AppError::Internal("appeal state".into()))?;
    let who = parties(actor, &before);
    if who.is_empty() {
        return Err(AppError::Forbidden);
    }
    let rating = a.rating.and_then(|r| u8::try_from(r).ok());
    if action == Action::Rate && !rating.is_some_and(|r| (1..=5).contains(&r)) {
        return Err(AppError::field("rating", "range"));
    }
    let Some(to) = next(from, action, &who, rating) else {
        return Err(refused(from, &who));
    };
    let note = a.note.trim().to_owned();
    let mut errors = Vec::new();
    if action.needs_note() && note.is_empty() {
        errors.push(FieldError::new("note", "required"));
    }
    if note.chars().count() > 2000 {
        errors.push(FieldError::new("note", "too_long"));
    }
    let c = app.db.conn();
    let zone = actor.zone_scope();
    let mut new_lead = None;
    if matches!(action, Action::Dispatch | Action::Transfer) {
        match a.department_id {
            None => errors.push(FieldError::new("department_id", "required")),
            Some(d) if idq::department(&c, &zone, d).await?.is_none() => {
                errors.push(FieldError::new("department_id", "not_found"))
            }
            Some(d) if action == Action::Transfer && Some(d) == before.department_id => {
                errors.push(FieldError::new("department_id", "appeal.same_department"))
            }
            Some(d) => new_lead = Some(d),
        }
        for (i, d) in a.co_department_ids.iter().enumerate() {
            if idq::department(&c, &zone, *d).await?.is_none() {
                errors.push(FieldError::new(format!("co_department_ids[{i}]"), "not_found"));
            }
        }
    }
    let mut target = None;
    if action == Action::Merge {
        match a.merge_into {
            None => errors.push(FieldError::new("merge_into", "required")),
            Some(t) if t == id => errors.push(FieldError::new("merge_into", "appeal.merge_self")),
            Some(t) => match q::appeal(&c, &actor.scope(), t).await? {
                Some(t) if t.enterprise_id != before.enterprise_id => {
                    errors.push(FieldError::new("merge_into", "appeal.merge_other_enterprise"))
                }
                Some(t) if State::parse(&t.state).is_none_or(State::is_final) => {
                    errors.push(FieldError::new("merge_into", "appeal.merge_final"))
                }
                Some(t) => target = Some(t),
                None => errors.push(FieldError::new("merge_into", "not_found")),
            },
        }
    }
    for (i, f) in a.file_ids.iter().enumerate() {
        if crate::files::get(app, actor, *f).await.is_err() {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "not_found"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }

    let now = app.now();
    let cat = category(app, before.zone_id, before.category_id).await?;
    let rules = rules_of(&cat)?;
    let cal = calendar_for(app, before.zone_id, before.received_at).await?;
    let mut row = before.clone();
    let mut t = timing(&row);
    row.state = to.code().to_owned();
    match action {
        Action::Dispatch | Action::Transfer => {
            row.department_id = new_lead;
            if action == Action::Dispatch {
                row.dispatched_at = Some(now);
            }
        }
        Action::Accept => {
            t.accepted_at.get_or_insert(now);
        }
        Action::Reply => {
            t.first_answer_at.get_or_insert(now);
        }
        Action::Wait if rules.pause_when_waiting => sla::pause(&mut t, now),
        Action::Resume => sla::resume(&cal, &mut t, now),
        Action::Answer => {
            sla::resume(&cal, &mut t, now);
            t.first_answer_at.get_or_insert(now);
            t.answered_at = Some(now);
        }
        Action::Rate => {
            row.rating = rating.map(i32::from);
            row.rating_comment = Some(note.clone()).filter(|n| !n.is_empty());
            if to == State::Reopened {
                t.answered_at = None;
            }
        }
        Action::Merge => row.merged_into = target.as_ref().map(|t| t.id),
        _ => {}
    }
    if to.is_final() {
        sla::resume(&cal, &mut t, now);
        row.closed_at = Some(now);
    }
    apply_timing(&mut row, &t, &cal, &rules);
    row.version = before.version + 1;
    row.updated_at = now;
    let handlers = new_lead.map(|d| handler_rows(row.zone_id, id, d, &a.co_department_ids));
    let event = EventRow {
        id: Uuid::now_v7(),
        zone_id: row.zone_id,
        appeal_id: id,
        at: now,
        actor_id: Some(actor.user_id),
        action: action.code().into(),
        from_state: Some(from.code().into()),
        to_state: to.code().into(),
        note: note.clone(),
        data: serde_json::json!({
            "rating": rating, "department_id": new_lead, "co_department_ids": a.co_department_ids,
            "merge_into": a.merge_into, "file_ids": a.file_ids,
        })
        .to_string(),
    };
    let files: Vec<AppealFileRow> = a
        .file_ids
        .iter()
        .map(|f| AppealFileRow {
            zone_id: row.zone_id,
            appeal_id: id,
            file_id: *f,
            added_by: actor.user_id,
            added_at: now,
        })
        .collect();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, before, handlers, event, files, by, ctx, target, note) = (
                row.clone(),
                before.clone(),
                handlers.clone(),
                event.clone(),
                files.clone(),
                by.clone(),
                ctx.clone(),
                target.clone(),
                note.clone(),
            );
            Box::pin(async move {
                if !q::update_appeal(c, &row).await? {
                    return Err(AppError::PreconditionFailed);
                }
                if let Some(h) = handlers.clone() {
                    q::replace_handlers(c, Some((row.zone_id, row.id)), h).await?;
                }
                let mut events = vec![event];
                if let Some(t) = &target {
                    events.push(EventRow {
                        id: Uuid::now_v7(),
                        zone_id: row.zone_id,
                        appeal_id: t.id,
                        at: now,
                        actor_id: Some(by.user_id.unwrap_or_default()),
                        action: "merged_from".into(),
                        from_state: Some(t.state.clone()),
                        to_state: t.state.clone(),
                        note: format!("{} {}", row.code, row.title),
                        data: serde_json::json!({"appeal_id": row.id}).to_string(),
                    });
                }
                q::insert_events(c, events).await?;
                q::insert_files(c, files).await?;
                let e = Entry::new(audit_action(action), "appeal", Some(row.id))
                    .before(serde_json::json!({"state": before.state, "department_id": before.department_id, "version": before.version}))
                    .after(serde_json::json!({"state": row.state, "department_id": row.department_id, "version": row.version, "note": note, "rating": row.rating}));
                audit::record(c, now, &by, &ctx, e).await?;
                notify_after(c, &row, action, &note, handlers.as_deref(), now).await?;
                Ok::<_, AppError>(row)
            })
        })
        .await
}

fn audit_action(a: Action) -> &'static str {
    match a {
        Action::Dispatch => "appeal.dispatch",
        Action::Transfer => "appeal.transfer",
        Action::Accept => "appeal.accept",
        Action::Reply => "appeal.reply",
        Action::Wait => "appeal.wait",
        Action::Resume => "appeal.resume",
        Action::Answer => "appeal.answer",
        Action::Rate => "appeal.rate",
        Action::Close => "appeal.close",
        Action::Restart => "appeal.restart",
        Action::Merge => "appeal.merge",
        Action::Withdraw => "appeal.withdraw",
    }
}

/// Who hears of a transition: a new department of its assignment; the enterprise of a reply,
/// a question or the answer; the leaders of a reopening.
async fn notify_after(
    c: &yuanqu_store::Conn<'_>,
    row: &AppealRow,
    action: Action,
    note: &str,
    handlers: Option<&[q::HandlerRow]>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let title = |what: &str| format!("{what} {}：{}", row.code, row.title);
    match (action, State::parse(&row.state)) {
        (Action::Dispatch | Action::Transfer, _) => {
            let ids: Vec<Uuid> = handlers.unwrap_or_default().iter().map(|h| h.department_id).collect();
            tell(c, row, now, Recipients::Departments(&ids), "appeal.assigned", title("新诉求"), note.to_owned()).await
        }
        (Action::Reply | Action::Wait | Action::Answer, _) => {
            let (kind, what) = match action {
                Action::Answer => ("appeal.answered", "诉求已答复"),
                Action::Wait => ("appeal.waiting", "请补充材料"),
                _ => ("appeal.replied", "诉求有新进展"),
            };
            tell(c, row, now, Recipients::Enterprise(row.enterprise_id), kind, title(what), note.to_owned()).await
        }
        (Action::Rate, Some(State::Reopened)) => {
            let body = format!("企业评价 {} 分：{}", row.rating.unwrap_or_default(), note);
            tell(c, row, now, Recipients::Role("zone_leader"), "appeal.reopened", title("诉求被退回，请回访"), body)
                .await
        }
        (Action::Restart, _) => {
            let ids: Vec<Uuid> = row.department_id.into_iter().collect();
            tell(c, row, now, Recipients::Departments(&ids), "appeal.restarted", title("诉求重新办理"), note.to_owned())
                .await
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- extensions

/// Asks for more working days (the lead department, an open appeal, one request at a time).
pub async fn request_extension(
    app: &App,
    actor: &Actor,
    id: Uuid,
    days: i64,
    reason: &str,
    ctx: &RequestCtx,
) -> Result<ExtensionRow, AppError> {
    let r = load(app, actor, id).await?;
    if !parties(actor, &r).contains(&Party::Handler) {
        return Err(AppError::Forbidden);
    }
    let state = State::parse(&r.state).unwrap_or(State::Closed);
    if state.is_final() || state == State::Answered {
        return Err(AppError::Conflict("appeal.extension_closed"));
    }
    let mut errors = Vec::new();
    if !(1..=30).contains(&days) {
        errors.push(FieldError::new("days", "range"));
    }
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        errors.push(FieldError::new("reason", "required"));
    } else if reason.chars().count() > 500 {
        errors.push(FieldError::new("reason", "too_long"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if q::extensions(&app.db.conn(), r.zone_id, id).await?.iter().any(|x| x.state == "pending") {
        return Err(AppError::Conflict("appeal.extension_pending"));
    }
    let now = app.now();
    let x = ExtensionRow {
        id: Uuid::now_v7(),
        zone_id: r.zone_id,
        appeal_id: id,
        days: i32::try_from(days).unwrap_or(1),
        reason,
        requested_by: actor.user_id,
        requested_at: now,
        state: "pending".into(),
        decided_by: None,
        decided_at: None,
        decision_note: String::new(),
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (x, r, by, ctx) = (x.clone(), r.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_extension(c, x.clone()).await?;
                q::insert_events(c, vec![event(&r, &by, now, "extension_request", &x.reason, &x)]).await?;
                let e = Entry::new("appeal.extension_request", "appeal", Some(r.id))
                    .after(serde_json::json!({"extension_id": x.id, "days": x.days, "reason": x.reason}));
                audit::record(c, now, &by, &ctx, e).await?;
                let body = format!("申请延期 {} 个工作日：{}", x.days, x.reason);
                let title = format!("延期申请 {}：{}", r.code, r.title);
                tell(c, &r, now, Recipients::Role("zone_leader"), "appeal.extension_requested", title, body).await?;
                Ok::<_, AppError>(x)
            })
        })
        .await
}

fn event(
    r: &AppealRow,
    by: &By,
    now: chrono::DateTime<chrono::Utc>,
    action: &str,
    note: &str,
    x: &ExtensionRow,
) -> EventRow {
    EventRow {
        id: Uuid::now_v7(),
        zone_id: r.zone_id,
        appeal_id: r.id,
        at: now,
        actor_id: by.user_id,
        action: action.into(),
        from_state: Some(r.state.clone()),
        to_state: r.state.clone(),
        note: note.to_owned(),
        data: serde_json::json!({"extension_id": x.id, "days": x.days}).to_string(),
    }
}

/// A leader approves or refuses a pending extension; an approval pushes the deadlines out.
pub async fn decide_extension(
    app: &App,
    actor: &Actor,
    id: Uuid,
    extension_id: Uuid,
    approve: bool,
    note: &str,
    ctx: &RequestCtx,
) -> Result<AppealRow, AppError> {
    actor.require(Permission::AppealLead)?;
    let before = load(app, actor, id).await?;
    let x = q::extensions(&app.db.conn(), before.zone_id, id)
        .await?
        .into_iter()
        .find(|x| x.id == extension_id)
        .ok_or(AppError::NotFound)?;
    if x.state != "pending" {
        return Err(AppError::Conflict("appeal.extension_decided"));
    }
    let note = note.trim().to_owned();
    if note.chars().count() > 500 {
        return Err(AppError::field("note", "too_long"));
    }
    let now = app.now();
    let mut row = before.clone();
    if approve {
        let rules = rules_of(&category(app, row.zone_id, row.category_id).await?)?;
        let cal = calendar_for(app, row.zone_id, row.received_at).await?;
        let mut t = timing(&row);
        t.extension_days += u32::try_from(x.days).unwrap_or(0);
        apply_timing(&mut row, &t, &cal, &rules);
        // The pushed deadline starts the escalation over.
        row.escalation_level = 0;
        row.escalate_at = row.next_due_at;
    }
    row.version = before.version + 1;
    row.updated_at = now;
    let state = if approve { "approved" } else { "refused" };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, before, x, by, ctx, note) = (row.clone(), before.clone(), x.clone(), by.clone(), ctx.clone(), note.clone());
            Box::pin(async move {
                let by_id = by.user_id.unwrap_or_default();
                if !q::decide_extension(c, row.zone_id, x.id, state, by_id, now, &note).await? {
                    return Err(AppError::Conflict("appeal.extension_decided"));
                }
                if !q::update_appeal(c, &row).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let action = if approve { "extension_approve" } else { "extension_refuse" };
                q::insert_events(c, vec![event(&row, &by, now, action, &note, &x)]).await?;
                let e = Entry::new(if approve { "appeal.extension_approve" } else { "appeal.extension_refuse" }, "appeal", Some(row.id))
                    .before(serde_json::json!({"resolve_due": before.resolve_due, "extension_days": before.extension_days}))
                    .after(serde_json::json!({"resolve_due": row.resolve_due, "extension_days": row.extension_days, "note": note}));
                audit::record(c, now, &by, &ctx, e).await?;
                let ids: Vec<Uuid> = row.department_id.into_iter().collect();
                let title = format!("延期{} {}：{}", if approve { "已批准" } else { "未批准" }, row.code, row.title);
                tell(c, &row, now, Recipients::Departments(&ids), "appeal.extension_decided", title, note.clone()).await?;
                Ok::<_, AppError>(row)
            })
        })
        .await
}
