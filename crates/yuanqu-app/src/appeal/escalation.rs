//! The escalation sweep: a durable schedule (`appeal.escalate_at`), not in-memory timers, so a
//! restart loses nothing. A late stage goes to the department head (level 1), one working day
//! later to the zone leaders (level 2). Each escalation is one conditional update on the
//! appeal's version with its timeline event, audit record and notifications, in a transaction
//! per batch.

use std::collections::HashMap;

use yuanqu_domain::appeal::sla;
use yuanqu_domain::calendar::WorkCalendar;
use yuanqu_store::appeal::{self as q, AppealRow, EventRow, Recipients};
use yuanqu_store::identity as idq;

use super::{calendar_for, tell};
use crate::audit::{self, By, Entry};
use crate::{App, AppError, RequestCtx, Uuid};

/// Appeals escalated in one transaction.
const BATCH: u64 = 200;

/// Escalates every appeal whose escalation is due now, in batches; returns how many moved.
pub async fn sweep(app: &App) -> Result<usize, AppError> {
    let mut done = 0;
    let mut calendars: HashMap<Uuid, WorkCalendar> = HashMap::new();
    let mut heads: HashMap<Uuid, Option<Uuid>> = HashMap::new();
    loop {
        let now = app.now();
        let due = q::due_for_escalation(&app.db.conn(), now, BATCH).await?;
        if due.is_empty() {
            return Ok(done);
        }
        let mut plan = Vec::with_capacity(due.len());
        for r in due {
            let cal = match calendars.entry(r.zone_id) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert(calendar_for(app, r.zone_id, now).await?),
            };
            let level = r.escalation_level + 1;
            let mut row = r.clone();
            row.escalation_level = level;
            row.escalate_at = sla::escalate_at(cal, u8::try_from(level).unwrap_or(2), r.next_due_at, now);
            row.version = r.version + 1;
            row.updated_at = now;
            // One look-up per department per sweep, not one per appeal.
            let head = match r.department_id {
                Some(d) => match heads.get(&d) {
                    Some(h) => *h,
                    None => {
                        let h = idq::department(&app.db.conn(), &yuanqu_domain::Scope::zone(r.zone_id), d)
                            .await?
                            .and_then(|d| d.head_user_id);
                        heads.insert(d, h);
                        h
                    }
                },
                None => None,
            };
            plan.push((r, row, head));
        }
        let n = plan.len();
        let moved = app
            .db
            .write(|c| {
                let plan = plan.clone();
                Box::pin(async move {
                    let mut moved = 0;
                    for (before, row, head) in plan {
                        if !q::update_appeal(c, &row).await? {
                            continue; // changed meanwhile: the next sweep sees its new schedule
                        }
                        moved += 1;
                        escalated(c, &before, &row, head, now).await?;
                    }
                    Ok::<_, AppError>(moved)
                })
            })
            .await?;
        done += moved;
        // A short batch was the last; a batch where nothing moved (all changed meanwhile) is
        // left to the next run rather than retried in a loop.
        if (n as u64) < BATCH || moved == 0 {
            return Ok(done);
        }
    }
}

/// The timeline event, audit record and notices of one escalation.
async fn escalated(
    c: &yuanqu_store::Conn<'_>,
    before: &AppealRow,
    row: &AppealRow,
    head: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let stage = row.next_stage.clone().unwrap_or_default();
    let note = format!("{stage} 逾期 overdue since {}", row.next_due_at.map(|d| d.to_rfc3339()).unwrap_or_default());
    let ev = EventRow {
        id: Uuid::now_v7(),
        zone_id: row.zone_id,
        appeal_id: row.id,
        at: now,
        actor_id: None,
        action: "escalate".into(),
        from_state: Some(row.state.clone()),
        to_state: row.state.clone(),
        note: note.clone(),
        data: serde_json::json!({"level": row.escalation_level, "stage": stage}).to_string(),
    };
    q::insert_events(c, vec![ev]).await?;
    let by = By { zone_id: row.zone_id, user_id: None, login: Some("system".into()) };
    let e = Entry::new("appeal.escalate", "appeal", Some(row.id))
        .before(serde_json::json!({"escalation_level": before.escalation_level}))
        .after(serde_json::json!({"escalation_level": row.escalation_level, "stage": stage}));
    audit::record(c, now, &by, &RequestCtx::default(), e).await?;
    let title = format!("诉求逾期 {}：{}", row.code, row.title);
    if row.escalation_level >= 2 {
        return tell(c, row, now, Recipients::Role("zone_leader"), "appeal.escalated", title, note).await;
    }
    match head {
        Some(h) => {
            let n = crate::notify::Notice {
                kind: "appeal.escalated",
                title,
                body: note,
                link: super::link(row.id),
                ref_type: "appeal",
                ref_id: Some(row.id),
            };
            crate::notify::send(c, row.zone_id, now, &[h], &n).await
        }
        None => {
            let ids: Vec<Uuid> = row.department_id.into_iter().collect();
            tell(c, row, now, Recipients::Departments(&ids), "appeal.escalated", title, note).await
        }
    }
}
