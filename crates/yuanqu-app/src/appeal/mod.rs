//! Enterprise appeals (issue 5, 马上就办): intake by the enterprise or by staff on its behalf,
//! routing by rules, deadlines on the working-day calendar, the lifecycle state machine,
//! extensions, the durable escalation sweep, notifications, and the views.

pub mod demo;
pub mod escalation;
pub mod flow;
pub mod intake;
pub mod rules;
pub mod timeline;
pub mod views;

use chrono::{DateTime, Duration, Utc};
use yuanqu_domain::appeal::sla::{self, Rules, Timing};
use yuanqu_domain::appeal::{Party, State};
use yuanqu_domain::calendar::WorkCalendar;
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_store::Conn;
use yuanqu_store::appeal::{self as q, AppealRow, CategoryRow, Recipients};

use crate::notify::{self, Notice};
use crate::{Actor, App, AppError, Uuid};

/// Duplicate suggestions look this far back.
pub const DUPLICATE_DAYS: i64 = 30;
/// Texts at least this similar (per cent of character pairs) are suggested as duplicates.
pub const DUPLICATE_PCT: u32 = 50;

/// The deadline rules of a category as stored (checked when they were saved).
pub fn rules_of(c: &CategoryRow) -> Result<Rules, AppError> {
    Rules::parse(&c.accept_limit, &c.answer_limit, &c.resolve_limit, i64::from(c.yellow_pct), c.pause_when_waiting)
        .map_err(|_| AppError::Internal(format!("appeal category {} has invalid limits", c.code)))
}

/// The zone's calendar around an appeal's life (from its receipt to well past any deadline).
pub async fn calendar_for(app: &App, zone_id: Uuid, received: DateTime<Utc>) -> Result<WorkCalendar, AppError> {
    let from = sla::local_day(received) - Duration::days(1);
    crate::calendar::work_calendar(app, zone_id, from, from + Duration::days(800)).await
}

/// The clock of a stored appeal.
pub fn timing(r: &AppealRow) -> Timing {
    Timing {
        received_at: r.received_at,
        accepted_at: r.accepted_at,
        first_answer_at: r.first_answer_at,
        answered_at: r.answered_at,
        paused_days: u32::try_from(r.paused_days).unwrap_or(0),
        paused_seconds: r.paused_seconds,
        paused_at: r.paused_at,
        extension_days: u32::try_from(r.extension_days).unwrap_or(0),
        open: State::parse(&r.state).is_some_and(|s| !s.is_final()),
    }
}

/// Writes the clock back and recomputes the deadlines, the pending stage's light moments and the
/// escalation schedule: a new pending stage starts over at level 0.
pub fn apply_timing(r: &mut AppealRow, t: &Timing, cal: &WorkCalendar, rules: &Rules) {
    r.accepted_at = t.accepted_at;
    r.first_answer_at = t.first_answer_at;
    r.answered_at = t.answered_at;
    r.paused_days = i32::try_from(t.paused_days).unwrap_or(i32::MAX);
    r.paused_seconds = t.paused_seconds;
    r.paused_at = t.paused_at;
    r.extension_days = i32::try_from(t.extension_days).unwrap_or(i32::MAX);
    let mut t = t.clone();
    t.open = State::parse(&r.state).is_some_and(|s| !s.is_final());
    let d = sla::deadlines(cal, rules, &t);
    r.accept_due = d.accept_due;
    r.answer_due = d.answer_due;
    r.resolve_due = d.resolve_due;
    let stage = d.pending.map(|p| p.stage.code().to_owned());
    if stage != r.next_stage {
        r.escalation_level = 0;
    }
    r.next_stage = stage;
    r.yellow_at = d.pending.map(|p| p.yellow_at);
    r.next_due_at = d.pending.map(|p| p.due);
    r.escalate_at = match d.pending {
        Some(p) if r.escalation_level == 0 => Some(p.due),
        Some(_) => r.escalate_at,
        None => None,
    };
}

/// How the actor stands to an appeal (empty: a reader at most).
pub fn parties(actor: &Actor, r: &AppealRow) -> Vec<Party> {
    let mut out = Vec::new();
    if actor.role == Role::Enterprise
        && actor.enterprise_id == Some(r.enterprise_id)
        && actor.can(Permission::AppealFile)
    {
        out.push(Party::Filer);
    }
    if actor.can(Permission::AppealHandle) && r.department_id.is_some_and(|d| actor.department_subtree.contains(&d)) {
        out.push(Party::Handler);
    }
    if actor.can(Permission::AppealLead) {
        out.push(Party::Leader);
    }
    out
}

/// An appeal the actor may read (404 otherwise).
pub async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<AppealRow, AppError> {
    actor.require(Permission::AppealRead)?;
    q::appeal(&app.db.conn(), &actor.scope(), id).await?.ok_or(AppError::NotFound)
}

/// The category of an appeal.
pub async fn category(app: &App, zone_id: Uuid, id: Uuid) -> Result<CategoryRow, AppError> {
    q::categories(&app.db.conn(), zone_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| AppError::Internal("appeal category missing".into()))
}

/// The UI path of an appeal.
pub fn link(id: Uuid) -> String {
    format!("/appeals/{id}")
}

/// Notifies `who` about an appeal, inside the caller's transaction.
pub async fn tell(
    c: &Conn<'_>,
    r: &AppealRow,
    now: DateTime<Utc>,
    who: Recipients<'_>,
    kind: &'static str,
    title: String,
    body: String,
) -> Result<(), AppError> {
    let to = q::recipients(c, r.zone_id, who).await?;
    let n = Notice { kind, title, body, link: link(r.id), ref_type: "appeal", ref_id: Some(r.id) };
    notify::send(c, r.zone_id, now, &to, &n).await
}

/// The departments handling an appeal (lead first).
pub fn handler_rows(zone_id: Uuid, appeal_id: Uuid, lead: Uuid, co: &[Uuid]) -> Vec<q::HandlerRow> {
    let mut out = vec![q::HandlerRow { zone_id, appeal_id, department_id: lead, lead: true }];
    for d in co {
        if *d != lead && !out.iter().any(|h| h.department_id == *d) {
            out.push(q::HandlerRow { zone_id, appeal_id, department_id: *d, lead: false });
        }
    }
    out
}
