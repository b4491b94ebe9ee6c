//! Key work and key projects supervised every week (重点工作/重点项目 督查督办, issue 6): the
//! items with their plans, the departments' weekly progress reports, the lights computed from
//! the zone's rules (`lights`), the Saturday brief (`brief`), the meetings and their follow-up
//! items (`meeting`), the scoreboard and dashboard (`views`), the year's import (`sheet`).
//!
//! Scope: a leader (and the supervision office, which works with the leader's role) sees and
//! keeps everything; a department sees the items it leads or co-handles and the follow-ups
//! assigned to it, and reports progress on them.

pub mod brief;
pub mod demo;
pub mod lights;
pub mod meeting;
pub mod sheet;
pub mod views;

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::supervision::{
    self as sv, InvestmentPlan, Kind, LightRules, Milestone, Plan, ProjectStage, ProjectType, Source,
};
use yuanqu_store::supervision::{
    self as q, FollowUpRow, ItemDepartmentRow, ItemFilter, ItemRow, LightRow, MilestoneRow, PlanMonthRow,
    ReportFileRow, ReportRow, RulesRow,
};

use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::form::text_field;
use crate::{Actor, App, AppError, Page, PageReq, RequestCtx, Uuid};

/// The UI path of an item.
pub fn link(id: Uuid) -> String {
    format!("/supervision/items/{id}")
}

// ---------------------------------------------------------------- rules

/// The zone's light rules and their version (0: the defaults, never saved).
pub async fn rules(app: &App, actor: &Actor) -> Result<(LightRules, i32), AppError> {
    actor.require(Permission::SupervisionRead)?;
    load_rules(app, actor.zone_id).await
}

pub(crate) async fn load_rules(app: &App, zone_id: Uuid) -> Result<(LightRules, i32), AppError> {
    match q::rules(&app.db.conn(), zone_id).await? {
        Some(r) => {
            let rules = serde_json::from_str(&r.document).map_err(|e| AppError::Internal(e.to_string()))?;
            Ok((rules, r.version))
        }
        None => Ok((LightRules::default(), 0)),
    }
}

/// Saves the light rules (checked field by field), on the version read; audited. The lights
/// follow at the next evaluation.
pub async fn put_rules(
    app: &App,
    actor: &Actor,
    rules: LightRules,
    version: i32,
    ctx: &RequestCtx,
) -> Result<(LightRules, i32), AppError> {
    actor.require(Permission::SupervisionManage)?;
    rules.check().map_err(AppError::Validation)?;
    let (before, _) = load_rules(app, actor.zone_id).await?;
    let now = app.now();
    let document = serde_json::to_string(&rules).map_err(|e| AppError::Internal(e.to_string()))?;
    let row = RulesRow { zone_id: actor.zone_id, document, updated_by: actor.user_id, updated_at: now, version: 1 };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, by, ctx, rules, before) = (row.clone(), by.clone(), ctx.clone(), rules.clone(), before.clone());
            Box::pin(async move {
                let expected = (version > 0).then_some(version);
                if !q::put_rules(c, row, expected).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("supervision.rules", "supervision_rules", Some(by.zone_id))
                    .before(&before)
                    .after(&rules);
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(())
            })
        })
        .await?;
    Ok((rules, version + 1))
}

// ---------------------------------------------------------------- items

#[derive(Debug, Clone)]
pub struct NewMilestone {
    pub title: String,
    pub due_on: NaiveDate,
    pub target_pct: i64,
}

#[derive(Debug, Clone)]
pub struct NewProject {
    pub enterprise_id: Option<Uuid>,
    pub owner: String,
    pub park_id: Option<Uuid>,
    pub project_type: String,
    pub total_investment_fen: i64,
    pub year_planned_fen: i64,
    pub planned_by_month: Vec<i64>,
    pub stage: String,
}

/// A key task or project as submitted (or read from a row of the import).
#[derive(Debug, Clone)]
pub struct NewItem {
    pub kind: String,
    pub title: String,
    pub category: String,
    pub year: i32,
    pub source: String,
    pub source_doc: String,
    pub source_deadline: Option<NaiveDate>,
    pub lead_user_id: Option<Uuid>,
    pub department_id: Uuid,
    pub co_department_ids: Vec<Uuid>,
    pub start_on: NaiveDate,
    pub due_on: NaiveDate,
    pub description: String,
    pub milestones: Vec<NewMilestone>,
    pub project: Option<NewProject>,
}

/// An item checked and ready to insert.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub item: ItemRow,
    pub departments: Vec<ItemDepartmentRow>,
    pub milestones: Vec<MilestoneRow>,
    pub months: Vec<PlanMonthRow>,
}

/// What the zone's reference data says about departments, leaders, enterprises and parks.
pub(crate) struct Refs {
    pub departments: BTreeSet<Uuid>,
    pub leaders: BTreeSet<Uuid>,
    pub enterprises: BTreeSet<Uuid>,
    pub parks: BTreeSet<Uuid>,
}

impl Refs {
    pub(crate) async fn load(app: &App, zone_id: Uuid) -> Result<Self, AppError> {
        let c = app.db.conn();
        let zone = yuanqu_domain::Scope::zone(zone_id);
        let departments = yuanqu_store::identity::departments(&c, &zone).await?.into_iter().map(|d| d.id).collect();
        let parks = yuanqu_store::identity::parks(&c, &zone).await?.into_iter().map(|p| p.id).collect();
        let leaders = q::staff_user_ids(&c, zone_id).await?.into_iter().collect();
        let enterprises = q::enterprise_ids(&c, zone_id).await?.into_iter().collect();
        Ok(Self { departments, leaders, enterprises, parks })
    }
}

/// Checks a new item against the rules of its plan and the zone's reference data. Errors name
/// the field; `code` is the item's number.
pub(crate) fn check(
    refs: &Refs,
    n: &NewItem,
    zone_id: Uuid,
    code: String,
    by: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Checked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = Kind::parse(&n.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "invalid"));
    }
    let title = text_field(&mut errors, "title", &n.title, 200, true);
    let category = text_field(&mut errors, "category", &n.category, 50, false);
    let description = text_field(&mut errors, "description", &n.description, 5000, false);
    let source_doc = text_field(&mut errors, "source_doc", &n.source_doc, 100, false);
    let source = Source::parse(&n.source);
    match source {
        None => errors.push(FieldError::new("source", "invalid")),
        Some(Source::Higher) if source_doc.is_empty() => {
            errors.push(FieldError::new("source_doc", "supervision.doc_required"));
        }
        _ => {}
    }
    if !(2000..=2100).contains(&n.year) {
        errors.push(FieldError::new("year", "range"));
    }
    if !refs.departments.contains(&n.department_id) {
        errors.push(FieldError::new("department_id", "not_found"));
    }
    let mut seen = BTreeSet::from([n.department_id]);
    for (i, d) in n.co_department_ids.iter().enumerate() {
        if !refs.departments.contains(d) {
            errors.push(FieldError::new(format!("co_department_ids[{i}]"), "not_found"));
        } else if !seen.insert(*d) {
            errors.push(FieldError::new(format!("co_department_ids[{i}]"), "duplicate"));
        }
    }
    if let Some(l) = n.lead_user_id
        && !refs.leaders.contains(&l)
    {
        errors.push(FieldError::new("lead_user_id", "not_found"));
    }
    if let Some(d) = n.source_deadline
        && n.due_on > d
    {
        errors.push(FieldError::new("due_on", "supervision.after_source_deadline"));
    }
    let milestones: Vec<Milestone> = n
        .milestones
        .iter()
        .map(|m| Milestone {
            title: m.title.trim().to_owned(),
            due_on: m.due_on,
            target_pct: u8::try_from(m.target_pct.clamp(0, 255)).unwrap_or(255),
            reached_on: None,
        })
        .collect();
    if milestones.len() > 24 {
        errors.push(FieldError::new("milestones", "too_many"));
    }
    if let Err(mut e) = Plan::parse(n.start_on, n.due_on, milestones.clone()) {
        errors.append(&mut e);
    }
    let mut project = (String::new(), String::new(), String::new(), 0, 0, None, None);
    let mut months = Vec::new();
    match (kind, &n.project) {
        (Some(Kind::Project), None) => errors.push(FieldError::new("project", "required")),
        (Some(Kind::Task), Some(_)) => errors.push(FieldError::new("project", "supervision.task_has_project")),
        (Some(Kind::Project), Some(p)) => {
            let owner = text_field(&mut errors, "project.owner", &p.owner, 100, false);
            if p.enterprise_id.is_none() && owner.is_empty() {
                errors.push(FieldError::new("project.owner", "required"));
            }
            if let Some(e) = p.enterprise_id
                && !refs.enterprises.contains(&e)
            {
                errors.push(FieldError::new("project.enterprise_id", "not_found"));
            }
            if let Some(pk) = p.park_id
                && !refs.parks.contains(&pk)
            {
                errors.push(FieldError::new("project.park_id", "not_found"));
            }
            if ProjectType::parse(&p.project_type).is_none() {
                errors.push(FieldError::new("project.project_type", "invalid"));
            }
            if ProjectStage::parse(&p.stage).is_none() {
                errors.push(FieldError::new("project.stage", "invalid"));
            }
            if p.total_investment_fen <= 0 {
                errors.push(FieldError::new("project.total_investment_fen", "range"));
            } else if p.year_planned_fen > p.total_investment_fen {
                errors.push(FieldError::new("project.year_planned_fen", "supervision.year_above_total"));
            }
            match InvestmentPlan::parse(n.year, p.year_planned_fen, &p.planned_by_month) {
                Ok(plan) => {
                    months = plan
                        .months()
                        .iter()
                        .enumerate()
                        .map(|(i, f)| PlanMonthRow {
                            zone_id,
                            item_id: Uuid::nil(),
                            month: format!("{}-{:02}", n.year, i + 1),
                            planned_fen: *f,
                        })
                        .collect();
                }
                Err(e) => errors.extend(e.into_iter().map(|e| FieldError::new(format!("project.{}", e.field), e.code))),
            }
            project = (
                owner,
                p.project_type.clone(),
                p.stage.clone(),
                p.total_investment_fen,
                p.year_planned_fen,
                p.enterprise_id,
                p.park_id,
            );
        }
        _ => {}
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let id = Uuid::now_v7();
    let (owner, project_type, stage, total, year_planned, enterprise_id, park_id) = project;
    let item = ItemRow {
        id,
        zone_id,
        kind: n.kind.clone(),
        code,
        title,
        category,
        year: n.year,
        source: n.source.clone(),
        source_doc,
        source_deadline: n.source_deadline,
        lead_user_id: n.lead_user_id,
        department_id: n.department_id,
        start_on: n.start_on,
        due_on: n.due_on,
        description,
        enterprise_id,
        owner,
        park_id,
        project_type,
        total_investment_fen: total,
        year_planned_fen: year_planned,
        stage,
        progress_pct: 0,
        last_report_on: None,
        investment_to_date_fen: 0,
        state: "open".into(),
        closed_at: None,
        closed_note: String::new(),
        colour: "green".into(),
        colour_reasons: "[]".into(),
        colour_week: None,
        created_by: by,
        created_at: now,
        version: 1,
    };
    let mut departments =
        vec![ItemDepartmentRow { zone_id, item_id: id, department_id: n.department_id, role: "lead".into() }];
    departments.extend(n.co_department_ids.iter().map(|d| ItemDepartmentRow {
        zone_id,
        item_id: id,
        department_id: *d,
        role: "co".into(),
    }));
    let milestones = milestones
        .into_iter()
        .enumerate()
        .map(|(i, m)| MilestoneRow {
            id: Uuid::now_v7(),
            zone_id,
            item_id: id,
            seq: i32::try_from(i).unwrap_or(0),
            title: m.title,
            due_on: m.due_on,
            target_pct: i32::from(m.target_pct),
            reached_on: None,
        })
        .collect();
    for m in &mut months {
        m.item_id = id;
    }
    Ok(Checked { item, departments, milestones, months })
}

/// The next free number of a kind in a year (`RW-2026-001`, `XM-2026-001`).
pub(crate) fn code_for(kind: &str, year: i32, n: u64) -> String {
    let prefix = if kind == "project" { "XM" } else { "RW" };
    format!("{prefix}-{year}-{n:03}")
}

/// Adds a key task or project; audited.
pub async fn create(app: &App, actor: &Actor, n: NewItem, ctx: &RequestCtx) -> Result<ItemRow, AppError> {
    actor.require(Permission::SupervisionManage)?;
    let refs = std::sync::Arc::new(Refs::load(app, actor.zone_id).await?);
    let now = app.now();
    // Checked once before numbering, so bad input never takes a number.
    check(&refs, &n, actor.zone_id, String::new(), actor.user_id, now).map_err(AppError::Validation)?;
    let by = By::from(actor);
    let user_id = actor.user_id;
    app.db
        .write(|c| {
            let (n, by, ctx) = (n.clone(), by.clone(), ctx.clone());
            let refs = refs.clone();
            Box::pin(async move {
                let count = q::count_items(c, by.zone_id, &n.kind, n.year).await?;
                let code = code_for(&n.kind, n.year, count + 1);
                let ch = check(&refs, &n, by.zone_id, code, user_id, now).map_err(AppError::Validation)?;
                let row = ch.item.clone();
                q::insert_item(c, ch.item, ch.departments, ch.milestones, ch.months).await?;
                let e =
                    Entry::new("supervision.item.create", "supervision_item", Some(row.id)).after(serde_json::json!({
                        "kind": row.kind, "code": row.code, "title": row.title, "department_id": row.department_id,
                        "co_department_ids": n.co_department_ids, "start_on": row.start_on, "due_on": row.due_on,
                        "source": row.source, "source_doc": row.source_doc, "milestones": n.milestones.len(),
                    }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(row)
            })
        })
        .await
}

/// A page of items in the actor's scope.
pub async fn list(app: &App, actor: &Actor, f: &ItemFilter, page: PageReq) -> Result<Page<ItemRow>, AppError> {
    actor.require(Permission::SupervisionRead)?;
    Ok(q::items(&app.db.conn(), &actor.scope(), f, page).await?)
}

/// An item with everything its page shows.
#[derive(Debug, Clone)]
pub struct ItemDetail {
    pub item: ItemRow,
    pub departments: Vec<ItemDepartmentRow>,
    pub milestones: Vec<MilestoneRow>,
    pub months: Vec<PlanMonthRow>,
    pub reports: Vec<ReportRow>,
    pub report_files: Vec<ReportFileRow>,
    pub lights: Vec<LightRow>,
    pub follow_ups: Vec<FollowUpRow>,
}

/// An item the actor may read (404 otherwise).
pub async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<ItemRow, AppError> {
    actor.require(Permission::SupervisionRead)?;
    q::item(&app.db.conn(), &actor.scope(), id).await?.ok_or(AppError::NotFound)
}

pub async fn detail(app: &App, actor: &Actor, id: Uuid) -> Result<ItemDetail, AppError> {
    let item = load(app, actor, id).await?;
    let c = app.db.conn();
    let z = item.zone_id;
    let reports = q::reports(&c, z, id).await?;
    let report_ids: Vec<Uuid> = reports.iter().map(|r| r.id).collect();
    let f = q::FollowUpFilter { item_id: Some(id), ..Default::default() };
    Ok(ItemDetail {
        departments: q::item_departments(&c, z, &[id]).await?,
        milestones: q::milestones(&c, z, &[id]).await?,
        months: q::plan_months(&c, z, &[id]).await?,
        report_files: q::report_files(&c, z, &report_ids).await?,
        reports,
        lights: q::item_lights(&c, z, id).await?,
        follow_ups: q::follow_ups(&c, &yuanqu_domain::Scope::zone(z), &f).await?,
        item,
    })
}

/// Closes an item as done (a leader's or the office's decision); audited.
pub async fn close(app: &App, actor: &Actor, id: Uuid, note: &str, ctx: &RequestCtx) -> Result<ItemRow, AppError> {
    actor.require(Permission::SupervisionManage)?;
    load(app, actor, id).await?;
    let mut errors = Vec::new();
    let note = text_field(&mut errors, "note", note, 500, true);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (by, ctx, note) = (by.clone(), ctx.clone(), note.clone());
            Box::pin(async move {
                if !q::close_item(c, by.zone_id, id, now, &note).await? {
                    return Err(AppError::Conflict("supervision.item_closed"));
                }
                let e = Entry::new("supervision.item.close", "supervision_item", Some(id))
                    .after(serde_json::json!({ "note": note }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(())
            })
        })
        .await?;
    load(app, actor, id).await
}

// ---------------------------------------------------------------- reports

/// A weekly progress report as submitted.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub text: String,
    pub progress_pct: i64,
    pub milestone_id: Option<Uuid>,
    /// A project's investment to date this year (fen).
    pub investment_to_date_fen: Option<i64>,
    /// A project's stage, when it moved.
    pub stage: Option<String>,
    pub decrease_reason: String,
    pub file_ids: Vec<Uuid>,
}

/// A department reports progress on one of its items: the report, the item's latest figures
/// and the week's light recomputed, in one transaction; audited.
pub async fn report(app: &App, actor: &Actor, id: Uuid, n: NewReport, ctx: &RequestCtx) -> Result<ReportRow, AppError> {
    actor.require(Permission::SupervisionReport)?;
    let item = load(app, actor, id).await?;
    if item.state != "open" {
        return Err(AppError::Conflict("supervision.item_closed"));
    }
    let c = app.db.conn();
    let departments = q::item_departments(&c, item.zone_id, &[id]).await?;
    let department_id = departments
        .iter()
        .find(|d| actor.department_subtree.contains(&d.department_id))
        .map_or(item.department_id, |d| d.department_id);
    let mut errors = Vec::new();
    let text = text_field(&mut errors, "text", &n.text, 5000, true);
    let reason = text_field(&mut errors, "decrease_reason", &n.decrease_reason, 500, false);
    let pct = u8::try_from(n.progress_pct).unwrap_or(u8::MAX);
    let previous = u8::try_from(item.progress_pct).ok().filter(|_| item.last_report_on.is_some());
    if let Err(e) = sv::check_progress(previous, pct, Some(&reason)) {
        errors.push(e);
    }
    let milestones = q::milestones(&c, item.zone_id, &[id]).await?;
    if let Some(m) = n.milestone_id
        && !milestones.iter().any(|x| x.id == m)
    {
        errors.push(FieldError::new("milestone_id", "not_found"));
    }
    let is_project = item.kind == "project";
    let investment = match n.investment_to_date_fen {
        Some(_) if !is_project => {
            errors.push(FieldError::new("investment_to_date_fen", "supervision.task_has_project"));
            item.investment_to_date_fen
        }
        Some(v) if v < 0 => {
            errors.push(FieldError::new("investment_to_date_fen", "range"));
            item.investment_to_date_fen
        }
        Some(v) => v,
        None => item.investment_to_date_fen,
    };
    let stage = match n.stage.as_deref() {
        Some(s) if !is_project || ProjectStage::parse(s).is_none() => {
            errors.push(FieldError::new("stage", "invalid"));
            item.stage.clone()
        }
        Some(s) => s.to_owned(),
        None => item.stage.clone(),
    };
    let mut seen = BTreeSet::new();
    for (i, f) in n.file_ids.iter().enumerate() {
        if !seen.insert(*f) {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "duplicate"));
        } else if crate::files::get(app, actor, *f).await.is_err() {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "not_found"));
        }
    }
    if n.file_ids.len() > 10 {
        errors.push(FieldError::new("file_ids", "too_many"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let today = zone_today(now);
    let row = ReportRow {
        id: Uuid::now_v7(),
        zone_id: item.zone_id,
        item_id: id,
        reported_on: today,
        week: sv::review_saturday(today),
        department_id,
        reported_by: actor.user_id,
        text,
        progress_pct: i32::from(pct),
        milestone_id: n.milestone_id,
        investment_to_date_fen: n.investment_to_date_fen,
        decrease_reason: reason,
        created_at: now,
    };
    let files: Vec<ReportFileRow> =
        n.file_ids.iter().map(|f| ReportFileRow { zone_id: item.zone_id, report_id: row.id, file_id: *f }).collect();
    let (rules, _) = load_rules(app, item.zone_id).await?;
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, files, by, ctx, item, stage, rules) =
                (row.clone(), files.clone(), by.clone(), ctx.clone(), item.clone(), stage.clone(), rules.clone());
            Box::pin(async move {
                let moved =
                    q::update_progress(c, item.zone_id, id, item.version, row.progress_pct, today, investment, &stage)
                        .await?;
                if !moved {
                    return Err(AppError::Conflict("supervision.report_conflict"));
                }
                if let Some(m) = row.milestone_id {
                    q::reach_milestone(c, item.zone_id, m, today).await?;
                }
                q::insert_report(c, row.clone(), files).await?;
                let e = Entry::new("supervision.report", "supervision_item", Some(id)).after(serde_json::json!({
                    "report_id": row.id, "progress_pct": row.progress_pct, "milestone_id": row.milestone_id,
                    "investment_to_date_fen": row.investment_to_date_fen, "stage": stage,
                    "decrease_reason": row.decrease_reason,
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                lights::evaluate_in(c, item.zone_id, &rules, today, now, Some(&[id])).await?;
                Ok(row)
            })
        })
        .await
}

/// The year of a day (for numbering and filters).
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}

/// An attachment of a report on an item the actor may read.
pub async fn report_file(
    app: &App,
    actor: &Actor,
    id: Uuid,
    file_id: Uuid,
) -> Result<(crate::files::StoredFile, Vec<u8>), AppError> {
    actor.require(Permission::SupervisionRead)?;
    actor.require(Permission::FileRead)?;
    if !q::report_file_of(&app.db.conn(), &actor.scope(), id, file_id).await? {
        return Err(AppError::NotFound);
    }
    crate::files::content_for_record(app, actor.zone_id, file_id).await
}

/// Evaluates the zone's lights now (the office, after changing the rules).
pub async fn evaluate(app: &App, actor: &Actor) -> Result<usize, AppError> {
    actor.require(Permission::SupervisionManage)?;
    lights::evaluate_zone(app, actor.zone_id).await
}
