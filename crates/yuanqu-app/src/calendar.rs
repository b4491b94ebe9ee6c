//! The zone's working-day calendar (issue 5): the system administrator keeps each year's days
//! off and 调休 make-up days from the State Council's notice; deadlines count working days on it.

use chrono::{Datelike, NaiveDate};
use yuanqu_domain::FieldError;
use yuanqu_domain::calendar::WorkCalendar;
use yuanqu_domain::identity::Permission;
use yuanqu_store::calendar::{self as q, CalendarDayRow};

use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// One listed day of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedDay {
    pub day: NaiveDate,
    /// `off` or `makeup`.
    pub kind: String,
    pub note: String,
}

fn year_span(year: i32) -> Result<(NaiveDate, NaiveDate), AppError> {
    match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
        (Some(a), Some(b)) if (2000..=2099).contains(&year) => Ok((a, b)),
        _ => Err(AppError::field("year", "range")),
    }
}

/// A year's listed days of my zone (any signed-in user: deadlines are shown on it).
pub async fn year(app: &App, actor: &Actor, year: i32) -> Result<Vec<ListedDay>, AppError> {
    let (from, to) = year_span(year)?;
    Ok(q::days(&app.db.conn(), actor.zone_id, from, to)
        .await?
        .into_iter()
        .map(|r| ListedDay { day: r.day, kind: r.kind, note: r.note })
        .collect())
}

/// Replaces a year's listed days (one transaction, audited with before and after). Each day
/// must lie in the year, be `off` or `makeup`, appear once, and a make-up day must be a weekend
/// day (a weekday is worked anyway); errors name `days[i].field`.
pub async fn set_year(
    app: &App,
    actor: &Actor,
    year: i32,
    days: Vec<ListedDay>,
    ctx: &RequestCtx,
) -> Result<Vec<ListedDay>, AppError> {
    actor.require(Permission::CalendarManage)?;
    let (from, to) = year_span(year)?;
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (i, d) in days.iter().enumerate() {
        if d.day < from || d.day > to {
            errors.push(FieldError::new(format!("days[{i}].day"), "calendar.other_year"));
        }
        if !seen.insert(d.day) {
            errors.push(FieldError::new(format!("days[{i}].day"), "calendar.duplicate_day"));
        }
        match d.kind.as_str() {
            "off" => {}
            "makeup" if d.day.weekday().number_from_monday() >= 6 => {}
            "makeup" => errors.push(FieldError::new(format!("days[{i}].kind"), "calendar.makeup_on_weekday")),
            _ => errors.push(FieldError::new(format!("days[{i}].kind"), "calendar.kind_unknown")),
        }
        if d.note.chars().count() > 64 {
            errors.push(FieldError::new(format!("days[{i}].note"), "too_long"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let zone_id = actor.zone_id;
    let rows: Vec<CalendarDayRow> = days
        .iter()
        .map(|d| CalendarDayRow { zone_id, day: d.day, kind: d.kind.clone(), note: d.note.clone(), created_at: now })
        .collect();
    let summary = |v: &[CalendarDayRow]| -> serde_json::Value {
        v.iter().map(|r| serde_json::json!([r.day.to_string(), r.kind, r.note])).collect()
    };
    let (by, ctx) = (By::from(actor), ctx.clone());
    app.db
        .write(|c| {
            let (rows, by, ctx) = (rows.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                let before = q::days(c, zone_id, from, to).await?;
                let after = summary(&rows);
                q::replace(c, zone_id, from, to, rows).await?;
                let a = Entry::new("calendar.set_year", "zone", Some(zone_id))
                    .before(serde_json::json!({"year": year, "days": summary(&before)}))
                    .after(serde_json::json!({"year": year, "days": after}));
                audit::record(c, now, &by, &ctx, a).await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(days)
}

/// The zone's calendar over a span of days, for counting deadlines.
pub async fn work_calendar(app: &App, zone_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<WorkCalendar, AppError> {
    let rows = q::days(&app.db.conn(), zone_id, from, to).await?;
    let off = rows.iter().filter(|r| r.kind == "off").map(|r| r.day);
    let makeup = rows.iter().filter(|r| r.kind == "makeup").map(|r| r.day);
    WorkCalendar::new(off, makeup).map_err(|e| AppError::Internal(e.code().into()))
}
