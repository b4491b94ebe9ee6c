//! The escalation sweep: a durable schedule (`appeal.escalate_at`), not in-memory timers, so a
//! restart loses nothing. A late stage goes to the department head (level 1), one working day
//! later to the zone leaders (level 2). A batch of due appeals is one transaction: their row
//! locks, a fresh read of those still due, one `UPDATE` per zone and level (per 500 rows), the
//! timeline events and notifications as multi-row inserts, and one audit record per zone naming
//! the count and the appeals. A crash loses the whole batch or nothing; the next sweep finds what
//! is still due.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use yuanqu_domain::appeal::sla;
use yuanqu_domain::calendar::WorkCalendar;
use yuanqu_store::Conn;
use yuanqu_store::appeal::{self as q, AppealRow, EventRow, Recipients};
use yuanqu_store::identity as idq;

use super::calendar_for;
use crate::audit::{self, By, Entry};
use crate::notify::Notice;
use crate::{App, AppError, RequestCtx, Uuid};

/// Appeals escalated in one transaction.
const BATCH: u64 = 2000;

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
        // Calendars and department heads: read once per sweep, outside the transaction.
        for r in &due {
            if let std::collections::hash_map::Entry::Vacant(v) = calendars.entry(r.zone_id) {
                v.insert(calendar_for(app, r.zone_id, now).await?);
            }
            if let Some(d) = r.department_id
                && !heads.contains_key(&d)
            {
                let zone = yuanqu_domain::Scope::zone(r.zone_id);
                heads.insert(d, idq::department(&app.db.conn(), &zone, d).await?.and_then(|d| d.head_user_id));
            }
        }
        let ids: Arc<Vec<Uuid>> = Arc::new(due.iter().map(|r| r.id).collect());
        let (cals, hs) = (Arc::new(calendars.clone()), Arc::new(heads.clone()));
        let moved = app
            .db
            .write(|c| {
                let (ids, cals, hs) = (ids.clone(), cals.clone(), hs.clone());
                Box::pin(async move {
                    // Lock first (invariant 7), then read what is still due: an appeal accepted
                    // or answered meanwhile has a new schedule and is left alone.
                    q::lock_appeals(c, &ids).await?;
                    let rows = q::still_due(c, &ids, now).await?;
                    escalate_batch(c, rows, &cals, &hs, now).await
                })
            })
            .await?;
        done += moved;
        // A short batch was the last; a batch where nothing moved (all changed meanwhile) is
        // left to the next run rather than retried in a loop.
        if (due.len() as u64) < BATCH || moved == 0 {
            return Ok(done);
        }
    }
}

/// Escalates locked, due appeals: per zone one `UPDATE` per level reached, the timeline events,
/// the notices and one audit record.
async fn escalate_batch(
    c: &Conn<'_>,
    rows: Vec<AppealRow>,
    calendars: &HashMap<Uuid, WorkCalendar>,
    heads: &HashMap<Uuid, Option<Uuid>>,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut by_zone: BTreeMap<Uuid, Vec<AppealRow>> = BTreeMap::new();
    for r in rows {
        by_zone.entry(r.zone_id).or_default().push(r);
    }
    let mut moved = 0;
    for (zone_id, rows) in by_zone {
        let Some(cal) = calendars.get(&zone_id) else { continue };
        // The new level and the next look, the same for every appeal of a zone reaching it.
        let mut groups: BTreeMap<(i32, Option<DateTime<Utc>>), Vec<Uuid>> = BTreeMap::new();
        let mut escalated = Vec::with_capacity(rows.len());
        for r in rows {
            let level = r.escalation_level + 1;
            let next = sla::escalate_at(cal, u8::try_from(level).unwrap_or(2), r.next_due_at, now);
            groups.entry((level, next)).or_default().push(r.id);
            let mut row = r;
            row.escalation_level = level;
            row.escalate_at = next;
            row.version += 1;
            row.updated_at = now;
            escalated.push(row);
        }
        for ((level, next), ids) in &groups {
            q::escalate(c, zone_id, ids, *level, *next, now).await?;
        }
        q::insert_events(c, escalated.iter().map(|r| event_of(r, now)).collect()).await?;
        notify(c, zone_id, &escalated, heads, now).await?;
        let mut levels: BTreeMap<String, usize> = BTreeMap::new();
        for r in &escalated {
            *levels.entry(r.escalation_level.to_string()).or_default() += 1;
        }
        let by = By { zone_id, user_id: None, login: Some("system".into()) };
        let e = Entry::new("appeal.escalate", "appeal", None).after(serde_json::json!({
            "count": escalated.len(),
            "levels": levels,
            "codes": escalated.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        }));
        audit::record(c, now, &by, &RequestCtx::default(), e).await?;
        moved += escalated.len();
    }
    Ok(moved)
}

fn note_of(r: &AppealRow) -> (String, String) {
    let stage = r.next_stage.clone().unwrap_or_default();
    let note = format!("{stage} 逾期 overdue since {}", r.next_due_at.map(|d| d.to_rfc3339()).unwrap_or_default());
    (stage, note)
}

/// The timeline event of one escalation.
fn event_of(r: &AppealRow, now: DateTime<Utc>) -> EventRow {
    let (stage, note) = note_of(r);
    EventRow {
        id: Uuid::now_v7(),
        zone_id: r.zone_id,
        appeal_id: r.id,
        at: now,
        actor_id: None,
        action: "escalate".into(),
        from_state: Some(r.state.clone()),
        to_state: r.state.clone(),
        note,
        data: serde_json::json!({"level": r.escalation_level, "stage": stage}).to_string(),
    }
}

/// The notices of a zone's escalations: level 2 to the zone leaders, level 1 to the department
/// head (or, without one, the department's staff). Recipients are looked up once per batch.
async fn notify(
    c: &Conn<'_>,
    zone_id: Uuid,
    rows: &[AppealRow],
    heads: &HashMap<Uuid, Option<Uuid>>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut leaders: Option<Vec<Uuid>> = None;
    let mut staff: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut head_of: HashMap<Uuid, Option<Uuid>> = HashMap::new();
    let mut to: Vec<Vec<Uuid>> = Vec::with_capacity(rows.len());
    for r in rows {
        let who = if r.escalation_level >= 2 {
            if leaders.is_none() {
                leaders = Some(q::recipients(c, zone_id, Recipients::Role("zone_leader")).await?);
            }
            leaders.clone().unwrap_or_default()
        } else if let Some(d) = r.department_id {
            let head = match heads.get(&d) {
                Some(h) => *h,
                // Transferred to a department this sweep had not seen: look it up here.
                None => match head_of.get(&d) {
                    Some(h) => *h,
                    None => {
                        let zone = yuanqu_domain::Scope::zone(zone_id);
                        let h = idq::department(c, &zone, d).await?.and_then(|d| d.head_user_id);
                        head_of.insert(d, h);
                        h
                    }
                },
            };
            match head {
                Some(h) => vec![h],
                None => {
                    if let std::collections::hash_map::Entry::Vacant(v) = staff.entry(d) {
                        v.insert(q::recipients(c, zone_id, Recipients::Departments(&[d])).await?);
                    }
                    staff.get(&d).cloned().unwrap_or_default()
                }
            }
        } else {
            Vec::new()
        };
        to.push(who);
    }
    let notices: Vec<Notice> = rows
        .iter()
        .map(|r| Notice {
            kind: "appeal.escalated",
            title: format!("诉求逾期 {}：{}", r.code, r.title),
            body: note_of(r).1,
            link: super::link(r.id),
            ref_type: "appeal",
            ref_id: Some(r.id),
        })
        .collect();
    let pairs: Vec<(&[Uuid], &Notice)> = to.iter().map(Vec::as_slice).zip(notices.iter()).collect();
    crate::notify::send_many(c, zone_id, now, &pairs).await
}
