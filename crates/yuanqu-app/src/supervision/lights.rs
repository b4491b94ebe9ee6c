//! The weekly lights: every open item assessed as of the day against the zone's rules, with the
//! colours of the weeks before it, written as the week's row (history) and as the item's
//! current light. Run when a department reports (that item), by the background jobs once a
//! day (every item) and when a brief of the current week is opened.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use yuanqu_domain::supervision::{self as sv, Colour, Facts, InvestmentPlan, LightRules, Milestone, Plan, light};
use yuanqu_store::Conn;
use yuanqu_store::supervision::{self as q, ItemRow, LightRow, MilestoneRow, PlanMonthRow};

use crate::enterprise::zone_today;
use crate::{App, AppError, Uuid};

/// An item's plan from its stored rows.
pub(crate) fn plan_of(item: &ItemRow, milestones: &[&MilestoneRow]) -> Plan {
    let ms: Vec<Milestone> = milestones
        .iter()
        .map(|m| Milestone {
            title: m.title.clone(),
            due_on: m.due_on,
            target_pct: u8::try_from(m.target_pct).unwrap_or(100),
            reached_on: m.reached_on,
        })
        .collect();
    Plan::parse(item.start_on, item.due_on, ms).unwrap_or_else(|_| Plan::straight(item.start_on, item.due_on))
}

/// A project's investment plan from its stored months (none for a task or an incomplete plan).
pub(crate) fn investment_of(item: &ItemRow, months: &[&PlanMonthRow]) -> Option<InvestmentPlan> {
    if item.kind != "project" || months.len() != 12 {
        return None;
    }
    let v: Vec<i64> = months.iter().map(|m| m.planned_fen).collect();
    InvestmentPlan::parse(item.year, v.iter().sum(), &v).ok()
}

/// The colours of the weeks just before `week`, oldest first, as long as they run unbroken.
fn previous_run(history: &HashMap<NaiveDate, Colour>, week: NaiveDate, n: usize) -> Vec<Colour> {
    let mut out = Vec::new();
    for k in 1..=n.max(1) {
        match history.get(&(week - Duration::days(7 * k as i64))) {
            Some(c) => out.push(*c),
            None => break,
        }
    }
    out.reverse();
    out
}

/// An item assessed for a week.
#[derive(Debug, Clone)]
pub struct Assessed {
    pub item: ItemRow,
    pub assessment: sv::Assessment,
    /// Planned and actual investment to date (fen) of a project with a plan.
    pub investment: Option<(i64, i64)>,
}

/// Assesses open items of a zone as of `on` for the week of `week`, with the stored lights of
/// the weeks before. Reads only.
pub(crate) async fn assess(
    c: &Conn<'_>,
    zone_id: Uuid,
    rules: &LightRules,
    week: NaiveDate,
    on: NaiveDate,
    items: Vec<ItemRow>,
) -> Result<Vec<Assessed>, AppError> {
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let milestones = q::milestones(c, zone_id, &ids).await?;
    let months = q::plan_months(c, zone_id, &ids).await?;
    let n = (rules.yellows_to_red as usize).max(1);
    let from = week - Duration::days(7 * n as i64);
    let lights = if ids.len() <= 500 {
        q::item_lights_between(c, zone_id, &ids, from, week - Duration::days(1)).await?
    } else {
        q::lights_between(c, zone_id, from, week - Duration::days(1)).await?
    };
    let mut ms: HashMap<Uuid, Vec<&MilestoneRow>> = HashMap::new();
    for m in &milestones {
        ms.entry(m.item_id).or_default().push(m);
    }
    let mut mo: HashMap<Uuid, Vec<&PlanMonthRow>> = HashMap::new();
    for m in &months {
        mo.entry(m.item_id).or_default().push(m);
    }
    let mut hist: HashMap<Uuid, HashMap<NaiveDate, Colour>> = HashMap::new();
    for l in &lights {
        if let Some(colour) = Colour::parse(&l.colour) {
            hist.entry(l.item_id).or_default().insert(l.week, colour);
        }
    }
    let empty = HashMap::new();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let plan = plan_of(&item, ms.get(&item.id).map(Vec::as_slice).unwrap_or(&[]));
        let money = investment_of(&item, mo.get(&item.id).map(Vec::as_slice).unwrap_or(&[]));
        let reported = item.last_report_on.and_then(|_| u8::try_from(item.progress_pct).ok());
        let facts = Facts {
            plan: &plan,
            reported_pct: reported,
            last_report_on: item.last_report_on,
            investment: money.as_ref().map(|m| (m, item.investment_to_date_fen)),
            completed: item.state != "open",
        };
        let previous = previous_run(hist.get(&item.id).unwrap_or(&empty), week, n);
        let assessment = light::assess(rules, &facts, on, &previous);
        let investment = money.as_ref().map(|m| (m.planned_to_date(on), item.investment_to_date_fen));
        out.push(Assessed { item, assessment, investment });
    }
    Ok(out)
}

/// Evaluates the week of `today` for the zone's open items (or only `only`) and writes the
/// week's lights and the items' current lights. Returns how many items were assessed.
pub(crate) async fn evaluate_in(
    c: &Conn<'_>,
    zone_id: Uuid,
    rules: &LightRules,
    today: NaiveDate,
    now: DateTime<Utc>,
    only: Option<&[Uuid]>,
) -> Result<usize, AppError> {
    let week = sv::review_saturday(today);
    let on = today.min(week);
    let items = q::open_items(c, zone_id, only).await?;
    let assessed = assess(c, zone_id, rules, week, on, items).await?;
    let mut rows = Vec::with_capacity(assessed.len());
    for a in &assessed {
        let reasons = serde_json::to_string(&a.assessment.reasons).map_err(|e| AppError::Internal(e.to_string()))?;
        let colour = a.assessment.colour.code();
        if a.item.colour != colour || a.item.colour_reasons != reasons || a.item.colour_week != Some(week) {
            q::set_colour(c, zone_id, a.item.id, colour, &reasons, week).await?;
        }
        rows.push(LightRow {
            zone_id,
            item_id: a.item.id,
            week,
            colour: colour.to_owned(),
            reasons,
            progress_pct: a.item.progress_pct,
            computed_at: now,
        });
    }
    let n = rows.len();
    q::upsert_lights(c, rows).await?;
    Ok(n)
}

/// Evaluates one zone's week now, in one transaction.
pub async fn evaluate_zone(app: &App, zone_id: Uuid) -> Result<usize, AppError> {
    let (rules, _) = super::load_rules(app, zone_id).await?;
    let now = app.now();
    let today = zone_today(now);
    app.db
        .write(|c| {
            let rules = rules.clone();
            Box::pin(async move { evaluate_in(c, zone_id, &rules, today, now, None).await })
        })
        .await
}

/// The background job: every zone with open items, evaluated as of today.
pub async fn sweep(app: &App) -> Result<usize, AppError> {
    let mut n = 0;
    for zone_id in q::zones_with_open_items(&app.db.conn()).await? {
        n += evaluate_zone(app, zone_id).await?;
    }
    Ok(n)
}

/// Assesses every item of a zone, open or closed, as of today for this week, and writes
/// nothing: what computing every colour costs (`yuanqu supervision-assess`, the benchmark).
/// Returns the items and how many of them are open.
pub async fn assess_all(app: &App, zone_id: Uuid) -> Result<(usize, usize), AppError> {
    let (rules, _) = super::load_rules(app, zone_id).await?;
    let today = zone_today(app.now());
    let week = sv::review_saturday(today);
    let c = app.db.conn();
    let items = q::all_items(&c, &yuanqu_domain::Scope::zone(zone_id), &q::ItemFilter::default()).await?;
    let open = items.iter().filter(|i| i.state == "open").count();
    let assessed = assess(&c, zone_id, &rules, week, today.min(week), items).await?;
    Ok((assessed.len(), open))
}
