//! The department scoreboard (on time / late / completion rate) and the dashboard (colours by
//! kind and category, the projects' investment against plan, the colours over the last weeks).

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use yuanqu_domain::identity::Permission;
use yuanqu_domain::supervision as sv;
use yuanqu_store::supervision::{self as q, ItemFilter};

use super::lights;
use crate::enterprise::zone_today;
use crate::{Actor, App, AppError, Uuid};

/// One department's line on the scoreboard (the items it leads in the year).
#[derive(Debug, Clone, Default)]
pub struct ScoreLine {
    pub department_id: Uuid,
    pub department: String,
    pub total: u32,
    pub closed_on_time: u32,
    pub closed_late: u32,
    pub open_on_time: u32,
    pub open_overdue: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    /// Closed / total, per cent.
    pub completion_pct: u32,
    /// Of the items closed or past due: closed on time, per cent.
    pub on_time_pct: u32,
}

pub async fn scoreboard(app: &App, actor: &Actor, year: i32) -> Result<Vec<ScoreLine>, AppError> {
    actor.require(Permission::SupervisionRead)?;
    let c = app.db.conn();
    let today = zone_today(app.now());
    let items = q::all_items(&c, &actor.scope(), &ItemFilter { year: Some(year), ..Default::default() }).await?;
    let mut by: BTreeMap<Uuid, ScoreLine> = BTreeMap::new();
    for i in &items {
        let l = by.entry(i.department_id).or_default();
        l.department_id = i.department_id;
        l.total += 1;
        match i.closed_at {
            Some(t) if zone_today(t) <= i.due_on => l.closed_on_time += 1,
            Some(_) => l.closed_late += 1,
            None if i.due_on < today => l.open_overdue += 1,
            None => l.open_on_time += 1,
        }
        if i.state == "open" {
            match i.colour.as_str() {
                "red" => l.red += 1,
                "yellow" => l.yellow += 1,
                _ => l.green += 1,
            }
        }
    }
    let ids: Vec<Uuid> = by.keys().copied().collect();
    let names = super::brief::names(app, actor.zone_id, &ids).await?;
    let mut out: Vec<ScoreLine> = by
        .into_values()
        .map(|mut l| {
            let closed = l.closed_on_time + l.closed_late;
            l.completion_pct = closed * 100 / l.total.max(1);
            let judged = closed + l.open_overdue;
            l.on_time_pct = (l.closed_on_time * 100).checked_div(judged).unwrap_or(100);
            l.department = names.get(&l.department_id).cloned().unwrap_or_default();
            l
        })
        .collect();
    out.sort_by(|a, b| b.on_time_pct.cmp(&a.on_time_pct).then(b.completion_pct.cmp(&a.completion_pct)));
    Ok(out)
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ColourCount {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

impl ColourCount {
    fn add(&mut self, c: &str) {
        match c {
            "red" => self.red += 1,
            "yellow" => self.yellow += 1,
            _ => self.green += 1,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub year: i32,
    pub tasks: ColourCount,
    pub projects: ColourCount,
    pub closed: u32,
    pub by_category: Vec<(String, ColourCount)>,
    pub by_source: Vec<(String, ColourCount)>,
    /// The projects' year plan, plan to date and actual to date (fen).
    pub investment_planned_year: i64,
    pub investment_planned_to_date: i64,
    pub investment_actual: i64,
    /// The last twelve weeks: (Saturday, counts).
    pub weeks: Vec<(NaiveDate, ColourCount)>,
    pub open_follow_ups: u32,
    pub overdue_follow_ups: u32,
}

pub async fn dashboard(app: &App, actor: &Actor, year: i32) -> Result<Dashboard, AppError> {
    actor.require(Permission::SupervisionRead)?;
    let c = app.db.conn();
    let today = zone_today(app.now());
    let scope = actor.scope();
    let items = q::all_items(&c, &scope, &ItemFilter { year: Some(year), ..Default::default() }).await?;
    let mut d = Dashboard { year, ..Default::default() };
    let mut cats: BTreeMap<String, ColourCount> = BTreeMap::new();
    let mut sources: BTreeMap<String, ColourCount> = BTreeMap::new();
    for i in items.iter() {
        if i.state != "open" {
            d.closed += 1;
            continue;
        }
        if i.kind == "project" {
            d.projects.add(&i.colour)
        } else {
            d.tasks.add(&i.colour)
        }
        cats.entry(if i.category.is_empty() { "—".into() } else { i.category.clone() }).or_default().add(&i.colour);
        sources.entry(i.source.clone()).or_default().add(&i.colour);
    }
    d.by_category = cats.into_iter().collect();
    d.by_source = sources.into_iter().collect();
    let projects: Vec<Uuid> = items.iter().filter(|i| i.kind == "project").map(|i| i.id).collect();
    let months = q::plan_months(&c, actor.zone_id, &projects).await?;
    let mut by: BTreeMap<Uuid, Vec<&q::PlanMonthRow>> = BTreeMap::new();
    for m in &months {
        by.entry(m.item_id).or_default().push(m);
    }
    for i in items.iter().filter(|i| i.kind == "project") {
        d.investment_planned_year += i.year_planned_fen;
        d.investment_actual += i.investment_to_date_fen;
        if let Some(p) = lights::investment_of(i, by.get(&i.id).map(Vec::as_slice).unwrap_or(&[])) {
            d.investment_planned_to_date += p.planned_to_date(today);
        }
    }
    let week = sv::review_saturday(today);
    let in_scope: std::collections::HashSet<Uuid> = items.iter().map(|i| i.id).collect();
    let mut weeks: BTreeMap<NaiveDate, ColourCount> = BTreeMap::new();
    for l in q::lights_between(&c, actor.zone_id, week - Duration::days(7 * 11), week).await? {
        if in_scope.contains(&l.item_id) {
            weeks.entry(l.week).or_default().add(&l.colour);
        }
    }
    d.weeks = weeks.into_iter().collect();
    for f in q::follow_ups(&c, &scope, &q::FollowUpFilter { state: Some("open".into()), ..Default::default() }).await? {
        d.open_follow_ups += 1;
        if f.due_on < today {
            d.overdue_follow_ups += 1;
        }
    }
    Ok(d)
}
