//! Filing an appeal: by the enterprise in the browser, or by staff on its behalf from a phone
//! call, a walk-in or a visit. The appeal is routed by the rules at once; without a matching
//! rule it waits for a leader to dispatch it.

use chrono::Duration;
use yuanqu_domain::FieldError;
use yuanqu_domain::appeal::{self as dom, Channel, State};
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_store::appeal::{self as q, AppealFileRow, AppealRow, EventRow, Recipients};
use yuanqu_store::enterprise as eq;

use super::rules::{co_ids, route_for};
use super::{apply_timing, calendar_for, handler_rows, rules_of, tell, timing};
use crate::audit::{self, By, Entry};
use crate::idempotency::{self, Created, Idem};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// A new appeal as submitted.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    /// Staff name the enterprise; an enterprise account files for itself and may not.
    pub enterprise_id: Option<Uuid>,
    pub category_id: Uuid,
    pub title: String,
    pub description: String,
    /// `normal` or `urgent`.
    pub urgency: String,
    pub identity_shown: bool,
    /// Staff: `phone`, `walk_in` or `visit`; an enterprise files `online`.
    pub channel: Option<String>,
    pub file_ids: Vec<Uuid>,
}

/// A possible duplicate of a text being written.
#[derive(Debug, Clone)]
pub struct Similar {
    pub appeal: AppealRow,
    pub similarity_pct: u32,
}

/// The appeal number: `SQ` + the Beijing date + seven hex digits of the id's random part.
pub fn code_of(id: Uuid, received: chrono::DateTime<chrono::Utc>) -> String {
    let hex = id.simple().to_string();
    let tail = hex.get(hex.len() - 7..).unwrap_or("0000000").to_uppercase();
    format!("SQ{}-{tail}", dom::sla::local_day(received).format("%y%m%d"))
}

/// The enterprise an appeal is for: the account's own, or the one staff named.
fn enterprise_of(actor: &Actor, named: Option<Uuid>) -> Result<Uuid, AppError> {
    match (actor.role, actor.enterprise_id, named) {
        (Role::Enterprise, Some(own), None) => Ok(own),
        (Role::Enterprise, Some(own), Some(n)) if n == own => Ok(own),
        (Role::Enterprise, _, _) => Err(AppError::field("enterprise_id", "not_allowed")),
        (_, _, Some(n)) => Ok(n),
        (_, _, None) => Err(AppError::field("enterprise_id", "required")),
    }
}

/// Appeals of the same enterprise within 30 days with similar text (before submitting; staff
/// also use it to find one to merge into).
pub async fn similar(
    app: &App,
    actor: &Actor,
    enterprise_id: Option<Uuid>,
    text: &str,
) -> Result<Vec<Similar>, AppError> {
    actor.require(Permission::AppealFile)?;
    let ent = enterprise_of(actor, enterprise_id)?;
    let since = app.now() - Duration::days(super::DUPLICATE_DAYS);
    let mut out: Vec<Similar> = q::recent_of_enterprise(&app.db.conn(), actor.zone_id, ent, since)
        .await?
        .into_iter()
        .filter(|a| State::parse(&a.state) != Some(State::Merged))
        .map(|a| {
            let pct = dom::similarity_pct(text, &format!("{}{}", a.title, a.description));
            Similar { appeal: a, similarity_pct: pct }
        })
        .filter(|s| s.similarity_pct >= super::DUPLICATE_PCT)
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.similarity_pct));
    out.truncate(5);
    Ok(out)
}

/// Files an appeal (Idempotency-Key: a retried submit gets the first response).
pub async fn file(
    app: &App,
    actor: &Actor,
    n: NewAppeal,
    ctx: &RequestCtx,
    idem: Option<Idem<AppealRow>>,
) -> Result<Created<AppealRow>, AppError> {
    actor.require(Permission::AppealFile)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let zone = actor.zone_scope();
    let c = app.db.conn();
    let mut errors = Vec::new();
    let enterprise = match enterprise_of(actor, n.enterprise_id) {
        Ok(id) => eq::enterprise(&c, &zone, id).await?,
        Err(AppError::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    if enterprise.is_none() && n.enterprise_id.is_some() && errors.is_empty() {
        errors.push(FieldError::new("enterprise_id", "not_found"));
    }
    let channel = match (actor.role, n.channel.as_deref()) {
        (Role::Enterprise, None | Some("online")) => Some(Channel::Online),
        (Role::Enterprise, Some(_)) => {
            errors.push(FieldError::new("channel", "not_allowed"));
            None
        }
        (_, Some(c)) => match Channel::parse(c).filter(|c| *c != Channel::Online) {
            Some(c) => Some(c),
            None => {
                errors.push(FieldError::new("channel", "appeal.channel_unknown"));
                None
            }
        },
        (_, None) => {
            errors.push(FieldError::new("channel", "required"));
            None
        }
    };
    let title = n.title.trim().to_owned();
    if title.is_empty() {
        errors.push(FieldError::new("title", "required"));
    } else if title.chars().count() > 100 {
        errors.push(FieldError::new("title", "too_long"));
    }
    let description = n.description.trim().to_owned();
    if description.is_empty() {
        errors.push(FieldError::new("description", "required"));
    } else if description.chars().count() > 5000 {
        errors.push(FieldError::new("description", "too_long"));
    }
    if !matches!(n.urgency.as_str(), "normal" | "urgent") {
        errors.push(FieldError::new("urgency", "appeal.urgency_unknown"));
    }
    let categories = q::categories(&c, actor.zone_id).await?;
    let category = categories.iter().find(|k| k.id == n.category_id && k.active).cloned();
    if category.is_none() {
        errors.push(FieldError::new("category_id", "not_found"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, f) in n.file_ids.iter().enumerate() {
        if !seen.insert(*f) {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "duplicate"));
        } else if crate::files::get(app, actor, *f).await.is_err() {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "not_found"));
        }
    }
    if n.file_ids.len() > 20 {
        errors.push(FieldError::new("file_ids", "too_many"));
    }
    let (Some(enterprise), Some(category), Some(channel), true) = (enterprise, category, channel, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let rules = rules_of(&category)?;
    let now = app.now();
    let cal = calendar_for(app, actor.zone_id, now).await?;
    let routes = q::routes(&c, actor.zone_id).await?;
    let route = route_for(&routes, category.id, Some(enterprise.park_id)).cloned();
    let id = Uuid::now_v7();
    let state = if route.is_some() { State::Dispatched } else { State::Submitted };
    let mut row = AppealRow {
        id,
        zone_id: actor.zone_id,
        code: code_of(id, now),
        enterprise_id: enterprise.id,
        park_id: Some(enterprise.park_id),
        category_id: category.id,
        title,
        description,
        urgency: n.urgency.clone(),
        identity_shown: n.identity_shown,
        channel: channel.code().to_owned(),
        filed_by: Some(actor.user_id),
        state: state.code().to_owned(),
        department_id: route.as_ref().map(|r| r.department_id),
        received_at: now,
        dispatched_at: route.as_ref().map(|_| now),
        accepted_at: None,
        first_answer_at: None,
        answered_at: None,
        closed_at: None,
        accept_due: now,
        answer_due: now,
        resolve_due: now,
        yellow_at: None,
        next_due_at: None,
        next_stage: None,
        paused_days: 0,
        paused_seconds: 0,
        paused_at: None,
        extension_days: 0,
        escalate_at: None,
        escalation_level: 0,
        rating: None,
        rating_comment: None,
        merged_into: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let t = timing(&row);
    apply_timing(&mut row, &t, &cal, &rules);
    let handlers =
        route.as_ref().map(|r| handler_rows(row.zone_id, id, r.department_id, &co_ids(r))).unwrap_or_default();
    let mut events = vec![EventRow {
        id: Uuid::now_v7(),
        zone_id: row.zone_id,
        appeal_id: id,
        at: now,
        actor_id: Some(actor.user_id),
        action: "submit".into(),
        from_state: None,
        to_state: State::Submitted.code().into(),
        note: String::new(),
        data: serde_json::json!({"channel": row.channel}).to_string(),
    }];
    if let Some(r) = &route {
        events.push(EventRow {
            id: Uuid::now_v7(),
            zone_id: row.zone_id,
            appeal_id: id,
            at: now,
            actor_id: None,
            action: "route".into(),
            from_state: Some(State::Submitted.code().into()),
            to_state: State::Dispatched.code().into(),
            note: String::new(),
            data: serde_json::json!({"department_id": r.department_id, "co_department_ids": co_ids(r)}).to_string(),
        });
    }
    let files: Vec<AppealFileRow> = n
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
    let work = async {
        app.db
            .write(|c| {
                let (row, handlers, events, files, by, ctx, idem) = (
                    row.clone(),
                    handlers.clone(),
                    events.clone(),
                    files.clone(),
                    by.clone(),
                    ctx.clone(),
                    idem.clone(),
                );
                Box::pin(async move {
                    if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                        return Ok(Created::Replay(s));
                    }
                    let handler_ids: Vec<Uuid> = handlers.iter().map(|h| h.department_id).collect();
                    q::insert_appeal(c, row.clone(), handlers).await?;
                    q::insert_events(c, events).await?;
                    q::insert_files(c, files).await?;
                    let e = Entry::new("appeal.file", "appeal", Some(row.id)).after(serde_json::json!({
                        "code": row.code, "enterprise_id": row.enterprise_id, "category_id": row.category_id,
                        "channel": row.channel, "state": row.state, "department_id": row.department_id,
                    }));
                    audit::record(c, now, &by, &ctx, e).await?;
                    let title = format!("新诉求 {}：{}", row.code, row.title);
                    if handler_ids.is_empty() {
                        let body = "未匹配分拨规则，请分拨。No routing rule matched: please dispatch.".to_owned();
                        tell(c, &row, now, Recipients::Role("zone_leader"), "appeal.unrouted", title, body).await?;
                    } else {
                        let body = format!("受理期限 accept by {}", row.accept_due.to_rfc3339());
                        tell(c, &row, now, Recipients::Departments(&handler_ids), "appeal.assigned", title, body)
                            .await?;
                    }
                    idempotency::finish(c, idem.as_ref(), &row).await?;
                    Ok(Created::New(row))
                })
            })
            .await
    };
    idempotency::guard(app, idem.as_ref(), work).await
}
