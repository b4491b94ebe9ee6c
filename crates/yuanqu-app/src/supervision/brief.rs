//! The Saturday brief (周六督查简报): for a chosen week, the counts by colour and department,
//! what changed colour, the red and yellow items with their reasons, the items due next week,
//! the projects behind their investment plan, and — first — the follow-ups decided at earlier
//! meetings. Exported as .docx and .xlsx (`yuanqu-office`).
//!
//! The current week is assessed afresh (and stored); a past week is read from the stored
//! lights; next week is a preview assessed as of today and not stored.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::supervision::{self as sv, Colour, Reason};
use yuanqu_store::supervision::{self as q, FollowUpRow, ItemFilter, ItemRow};

use super::lights;
use crate::enterprise::zone_today;
use crate::{Actor, App, AppError, Uuid};

/// One item's line in the brief.
#[derive(Debug, Clone)]
pub struct BriefItem {
    pub id: Uuid,
    pub kind: String,
    pub code: String,
    pub title: String,
    pub department_id: Uuid,
    pub lead_user_id: Option<Uuid>,
    pub colour: Colour,
    pub previous: Option<Colour>,
    pub reasons: Vec<Reason>,
    pub due_on: NaiveDate,
    pub progress_pct: i32,
    /// Planned and actual investment to date (fen) of a project with a plan.
    pub investment: Option<(i64, i64)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

impl Counts {
    fn add(&mut self, c: Colour) {
        match c {
            Colour::Green => self.green += 1,
            Colour::Yellow => self.yellow += 1,
            Colour::Red => self.red += 1,
        }
    }
}

/// A week's brief.
#[derive(Debug, Clone)]
pub struct Brief {
    pub week: NaiveDate,
    /// Whether the lights are a preview (next week, assessed as of today).
    pub preview: bool,
    pub follow_ups: Vec<FollowUpRow>,
    pub totals: Counts,
    pub tasks: Counts,
    pub projects: Counts,
    pub by_department: Vec<(Uuid, Counts)>,
    pub changed: Vec<BriefItem>,
    pub red: Vec<BriefItem>,
    pub yellow: Vec<BriefItem>,
    pub due_next_week: Vec<BriefItem>,
    pub projects_behind: Vec<BriefItem>,
    /// Display names of the departments and leaders named above.
    pub names: HashMap<Uuid, String>,
    /// The day of each meeting the follow-ups come from.
    pub meetings: HashMap<Uuid, NaiveDate>,
}

fn bad_week() -> AppError {
    AppError::Validation(vec![FieldError::new("week", "supervision.not_saturday")])
}

/// The brief of the week whose Saturday is `week` (default: this week's).
pub async fn brief(app: &App, actor: &Actor, week: Option<NaiveDate>) -> Result<Brief, AppError> {
    actor.require(Permission::SupervisionRead)?;
    let now = app.now();
    let today = zone_today(now);
    let current = sv::review_saturday(today);
    let week = week.unwrap_or(current);
    if !sv::is_saturday(week) {
        return Err(bad_week());
    }
    if week > current + Duration::days(7) {
        return Err(AppError::Validation(vec![FieldError::new("week", "supervision.week_in_future")]));
    }
    let zone_id = actor.zone_id;
    if week == current {
        lights::evaluate_zone(app, zone_id).await?;
    }
    let c = app.db.conn();
    let scope = actor.scope();
    let items = q::all_items(&c, &scope, &ItemFilter::default()).await?;
    // Items open in that week: not closed before it began.
    let start = week - Duration::days(6);
    let items: Vec<ItemRow> = items
        .into_iter()
        .filter(|i| i.start_on <= week && i.closed_at.is_none_or(|t| crate::enterprise::zone_today(t) >= start))
        .collect();
    let (rules, _) = super::load_rules(app, zone_id).await?;
    let previous: HashMap<Uuid, Colour> =
        q::lights_between(&c, zone_id, week - Duration::days(7), week - Duration::days(7))
            .await?
            .into_iter()
            .filter_map(|l| Some((l.item_id, Colour::parse(&l.colour)?)))
            .collect();
    let preview = week > current;
    let mut lines: Vec<BriefItem> = Vec::with_capacity(items.len());
    if preview {
        let open: Vec<ItemRow> = items.iter().filter(|i| i.state == "open").cloned().collect();
        for a in lights::assess(&c, zone_id, &rules, week, today, open).await? {
            lines.push(line(&a.item, a.assessment.colour, a.assessment.reasons.clone(), a.investment));
        }
    } else {
        let stored = q::lights_between(&c, zone_id, week, week).await?;
        let by_item: HashMap<Uuid, _> = stored.into_iter().map(|l| (l.item_id, l)).collect();
        let money = investments(&c, zone_id, &items, week).await?;
        for i in &items {
            let Some(l) = by_item.get(&i.id) else { continue };
            let colour = Colour::parse(&l.colour).unwrap_or(Colour::Green);
            let reasons: Vec<Reason> = serde_json::from_str(&l.reasons).unwrap_or_default();
            let mut b = line(i, colour, reasons, money.get(&i.id).copied());
            b.progress_pct = l.progress_pct;
            lines.push(b);
        }
    }
    for l in &mut lines {
        l.previous = previous.get(&l.id).copied();
    }
    let mut totals = Counts::default();
    let (mut tasks, mut projects) = (Counts::default(), Counts::default());
    let mut by_department: BTreeMap<Uuid, Counts> = BTreeMap::new();
    for l in &lines {
        totals.add(l.colour);
        if l.kind == "project" {
            projects.add(l.colour)
        } else {
            tasks.add(l.colour)
        }
        by_department.entry(l.department_id).or_default().add(l.colour);
    }
    let changed: Vec<BriefItem> = lines.iter().filter(|l| l.previous.is_some_and(|p| p != l.colour)).cloned().collect();
    let red: Vec<BriefItem> = lines.iter().filter(|l| l.colour == Colour::Red).cloned().collect();
    let yellow: Vec<BriefItem> = lines.iter().filter(|l| l.colour == Colour::Yellow).cloned().collect();
    let due_next_week: Vec<BriefItem> = items
        .iter()
        .filter(|i| i.state == "open" && i.due_on > week && i.due_on <= week + Duration::days(7))
        .filter_map(|i| lines.iter().find(|l| l.id == i.id).cloned())
        .collect();
    let mut projects_behind: Vec<BriefItem> =
        lines.iter().filter(|l| l.investment.is_some_and(|(p, a)| p > 0 && a < p)).cloned().collect();
    projects_behind.sort_by_key(|l| l.investment.map(|(p, a)| -((p - a) * 1000 / p.max(1))).unwrap_or(0));
    // Follow-ups decided before this week's meeting: the open ones, and those done in the week.
    let all = q::follow_ups(&c, &scope, &q::FollowUpFilter::default()).await?;
    let follow_ups: Vec<FollowUpRow> = all
        .into_iter()
        .filter(|f| zone_today(f.created_at) < week)
        .filter(|f| f.state == "open" || f.done_at.is_some_and(|t| zone_today(t) >= start))
        .collect();
    let mut ids: Vec<Uuid> = by_department.keys().copied().collect();
    ids.extend(follow_ups.iter().map(|f| f.department_id));
    ids.extend(lines.iter().filter_map(|l| l.lead_user_id));
    let names = names(app, zone_id, &ids).await?;
    let mut meetings = HashMap::new();
    for m in follow_ups.iter().filter_map(|f| f.meeting_id) {
        if let std::collections::hash_map::Entry::Vacant(v) = meetings.entry(m)
            && let Some(row) = q::meeting(&c, zone_id, m).await?
        {
            v.insert(row.held_on);
        }
    }
    Ok(Brief {
        meetings,
        week,
        preview,
        follow_ups,
        totals,
        tasks,
        projects,
        by_department: by_department.into_iter().collect(),
        changed,
        red,
        yellow,
        due_next_week,
        projects_behind,
        names,
    })
}

fn line(i: &ItemRow, colour: Colour, reasons: Vec<Reason>, investment: Option<(i64, i64)>) -> BriefItem {
    BriefItem {
        id: i.id,
        kind: i.kind.clone(),
        code: i.code.clone(),
        title: i.title.clone(),
        department_id: i.department_id,
        lead_user_id: i.lead_user_id,
        colour,
        previous: None,
        reasons: reasons.into_iter().filter(|r| r.colour != Colour::Green).collect(),
        due_on: i.due_on,
        progress_pct: i.progress_pct,
        investment,
    }
}

/// Planned (as of the week) and actual investment to date of the projects among `items`.
async fn investments(
    c: &yuanqu_store::Conn<'_>,
    zone_id: Uuid,
    items: &[ItemRow],
    week: NaiveDate,
) -> Result<HashMap<Uuid, (i64, i64)>, AppError> {
    let ids: Vec<Uuid> = items.iter().filter(|i| i.kind == "project").map(|i| i.id).collect();
    let months = q::plan_months(c, zone_id, &ids).await?;
    let mut by: HashMap<Uuid, Vec<&q::PlanMonthRow>> = HashMap::new();
    for m in &months {
        by.entry(m.item_id).or_default().push(m);
    }
    let mut out = HashMap::new();
    for i in items.iter().filter(|i| i.kind == "project") {
        if let Some(plan) = lights::investment_of(i, by.get(&i.id).map(Vec::as_slice).unwrap_or(&[])) {
            out.insert(i.id, (plan.planned_to_date(week), i.investment_to_date_fen));
        }
    }
    Ok(out)
}

/// Names of departments and users of the zone, by id.
pub async fn names(app: &App, zone_id: Uuid, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, AppError> {
    let c = app.db.conn();
    let mut out: HashMap<Uuid, String> = yuanqu_store::identity::departments(&c, &yuanqu_domain::Scope::zone(zone_id))
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let users: Vec<Uuid> = ids.iter().filter(|i| !out.contains_key(i)).copied().collect();
    out.extend(yuanqu_store::visit::user_names(&c, zone_id, &users).await?);
    Ok(out)
}

fn yuan(fen: i64) -> String {
    format!("{:.2} 万元", fen as f64 / 1_000_000.0)
}

/// The brief as the office lays it out.
pub fn office(b: &Brief, zone_name: &str, now: chrono::DateTime<chrono::Utc>) -> yuanqu_office::brief::Brief {
    use yuanqu_office::brief as o;
    let name = |id: &Uuid| b.names.get(id).cloned().unwrap_or_default();
    let counts = |c: &Counts| o::Counts { green: c.green, yellow: c.yellow, red: c.red };
    let item = |l: &BriefItem| o::ItemLine {
        kind: if l.kind == "project" { "重点项目".into() } else { "重点工作".into() },
        title: l.title.clone(),
        department: name(&l.department_id),
        leader: l.lead_user_id.map(|u| name(&u)).unwrap_or_default(),
        colour: l.colour.code().into(),
        previous_colour: l.previous.filter(|p| *p != l.colour).map(|p| p.code().to_owned()).unwrap_or_default(),
        reasons: l.reasons.iter().map(Reason::text_zh).collect(),
        due_on: l.due_on.to_string(),
        progress_pct: u8::try_from(l.progress_pct).unwrap_or(0),
    };
    let week = b.week;
    o::Brief {
        zone_name: zone_name.to_owned(),
        week: week.to_string(),
        generated_at: (now + Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string(),
        follow_ups: b
            .follow_ups
            .iter()
            .map(|f| o::FollowUpLine {
                title: f.title.clone(),
                department: name(&f.department_id),
                due_on: f.due_on.to_string(),
                meeting: f.meeting_id.and_then(|m| b.meetings.get(&m)).map(ToString::to_string).unwrap_or_default(),
                state: if f.state == "done" {
                    "已完成".into()
                } else if f.due_on < week {
                    "已逾期".into()
                } else {
                    "未完成".into()
                },
            })
            .collect(),
        totals: counts(&b.totals),
        tasks: counts(&b.tasks),
        projects: counts(&b.projects),
        by_department: b
            .by_department
            .iter()
            .map(|(d, c)| o::DepartmentCounts { department: name(d), counts: counts(c) })
            .collect(),
        changed: b.changed.iter().map(item).collect(),
        red: b.red.iter().map(item).collect(),
        yellow: b.yellow.iter().map(item).collect(),
        due_next_week: b.due_next_week.iter().map(item).collect(),
        projects_behind: b
            .projects_behind
            .iter()
            .filter_map(|l| {
                let (p, a) = l.investment?;
                Some(o::ProjectLine {
                    name: l.title.clone(),
                    department: name(&l.department_id),
                    planned_to_date: yuan(p),
                    actual_to_date: yuan(a),
                    behind_pct: (p - a) * 100 / p.max(1),
                })
            })
            .collect(),
    }
}

/// The brief as a file: `docx` or `xlsx` (bytes, content type, file name).
pub async fn render(
    app: &App,
    actor: &Actor,
    week: Option<NaiveDate>,
    format: &str,
) -> Result<(Vec<u8>, &'static str, String), AppError> {
    let b = brief(app, actor, week).await?;
    let zone = yuanqu_store::identity::zone_by_id(&app.db.conn(), actor.zone_id).await?.ok_or(AppError::NotFound)?;
    let doc = office(&b, &zone.name, app.now());
    let err = |e: yuanqu_office::brief::BriefError| AppError::Internal(e.to_string());
    match format {
        "docx" => Ok((
            yuanqu_office::brief::docx(&doc).map_err(err)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            format!("supervision-brief-{}.docx", b.week),
        )),
        "xlsx" => Ok((
            yuanqu_office::brief::xlsx(&doc).map_err(err)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("supervision-brief-{}.xlsx", b.week),
        )),
        _ => Err(AppError::Validation(vec![FieldError::new("format", "invalid")])),
    }
}
