//! Reading visits: plans with their enterprises (visited or not yet), the visit list with
//! filters, one visit's page (photos, findings with their appeal's or rectification's state),
//! and the period's figures.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use yuanqu_domain::identity::Permission;
use yuanqu_store::stats::dashboard::names_of;
use yuanqu_store::visit::{self as q, FindingRow, PlanRow, RectificationRow, VisitFilter, VisitRow};

use super::load;
use crate::enterprise::zone_today;
use crate::{Actor, App, AppError, Page, PageReq, Uuid};

/// Names of enterprises, users and departments of the zone.
#[derive(Default)]
struct Names {
    enterprises: HashMap<Uuid, String>,
    users: HashMap<Uuid, String>,
    departments: HashMap<Uuid, String>,
}

impl Names {
    async fn load(app: &App, zone_id: Uuid, enterprises: &[Uuid], users: &[Uuid]) -> Result<Self, AppError> {
        let c = app.db.conn();
        let (mut e, mut u) = (enterprises.to_vec(), users.to_vec());
        e.sort();
        e.dedup();
        u.sort();
        u.dedup();
        let mut ents = HashMap::new();
        for chunk in e.chunks(500) {
            ents.extend(names_of(&c, zone_id, chunk).await?.into_iter().map(|(id, n, _)| (id, n)));
        }
        let zone = yuanqu_domain::Scope::zone(zone_id);
        Ok(Self {
            enterprises: ents,
            users: q::user_names(&c, zone_id, &u).await?.into_iter().collect(),
            departments: yuanqu_store::identity::departments(&c, &zone)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
        })
    }
    fn enterprise(&self, id: Uuid) -> String {
        self.enterprises.get(&id).cloned().unwrap_or_default()
    }
    fn user(&self, id: Option<Uuid>) -> Option<String> {
        id.and_then(|id| self.users.get(&id).cloned())
    }
}

// ---------------------------------------------------------------- plans

/// A plan with its leader and enterprises (and whether each was visited under the plan).
#[derive(Debug, Clone)]
pub struct PlanItem {
    pub row: PlanRow,
    pub leader: String,
    pub enterprises: Vec<(Uuid, String, bool)>,
}

pub async fn plans(
    app: &App,
    actor: &Actor,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    page: PageReq,
) -> Result<Page<PlanItem>, AppError> {
    actor.require(Permission::VisitRead)?;
    let c = app.db.conn();
    let p = q::plans(&c, &actor.scope(), from, to, page).await?;
    let ids: Vec<Uuid> = p.items.iter().map(|r| r.id).collect();
    let ents = q::plan_enterprises(&c, actor.zone_id, &ids).await?;
    let visited: BTreeSet<(Uuid, Uuid)> = q::visited_of_plans(&c, actor.zone_id, &ids).await?.into_iter().collect();
    let ent_ids: Vec<Uuid> = ents.iter().map(|e| e.enterprise_id).collect();
    let leaders: Vec<Uuid> = p.items.iter().map(|r| r.leader_user_id).collect();
    let names = Names::load(app, actor.zone_id, &ent_ids, &leaders).await?;
    let items = p
        .items
        .into_iter()
        .map(|row| {
            let mut enterprises: Vec<(Uuid, String, bool)> = ents
                .iter()
                .filter(|e| e.plan_id == row.id)
                .map(|e| {
                    (e.enterprise_id, names.enterprise(e.enterprise_id), visited.contains(&(row.id, e.enterprise_id)))
                })
                .collect();
            enterprises.sort_by(|a, b| a.1.cmp(&b.1));
            PlanItem { leader: names.user(Some(row.leader_user_id)).unwrap_or_default(), enterprises, row }
        })
        .collect();
    Ok(Page { items, total: p.total })
}

// ---------------------------------------------------------------- visits

/// A visit with the names a list shows.
#[derive(Debug, Clone)]
pub struct VisitItem {
    pub row: VisitRow,
    pub enterprise: String,
    pub leader: Option<String>,
    pub recorded_by: Option<String>,
    pub plan: Option<String>,
    pub findings: u64,
}

async fn items(app: &App, zone_id: Uuid, rows: Vec<VisitRow>) -> Result<Vec<VisitItem>, AppError> {
    let c = app.db.conn();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let findings = q::findings(&c, zone_id, &ids).await?;
    let ents: Vec<Uuid> = rows.iter().map(|r| r.enterprise_id).collect();
    let users: Vec<Uuid> = rows.iter().flat_map(|r| [r.leader_user_id, Some(r.created_by)]).flatten().collect();
    let names = Names::load(app, zone_id, &ents, &users).await?;
    let zone = yuanqu_domain::Scope::zone(zone_id);
    let mut plans: HashMap<Uuid, String> = HashMap::new();
    for p in rows.iter().filter_map(|r| r.plan_id).collect::<BTreeSet<_>>() {
        if let Some(p) = q::plan(&c, &zone, p).await? {
            plans.insert(p.id, p.title);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| VisitItem {
            enterprise: names.enterprise(row.enterprise_id),
            leader: names.user(row.leader_user_id),
            recorded_by: names.user(Some(row.created_by)),
            plan: row.plan_id.and_then(|p| plans.get(&p).cloned()),
            findings: findings.iter().filter(|f| f.visit_id == row.id).count() as u64,
            row,
        })
        .collect())
}

/// Visits of the zone under the filters, newest first.
pub async fn list(app: &App, actor: &Actor, f: VisitFilter, page: PageReq) -> Result<Page<VisitItem>, AppError> {
    actor.require(Permission::VisitRead)?;
    let p = q::visits(&app.db.conn(), &actor.scope(), &f, page).await?;
    Ok(Page { items: items(app, actor.zone_id, p.items).await?, total: p.total })
}

/// The appeal a finding became: id, number, state, solved.
#[derive(Debug, Clone)]
pub struct LinkedAppeal {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    pub solved: bool,
}

/// A rectification with its department's name and whether it is overdue today.
#[derive(Debug, Clone)]
pub struct RectificationItem {
    pub row: RectificationRow,
    pub department: String,
    pub overdue: bool,
}

#[derive(Debug, Clone)]
pub struct FindingItem {
    pub row: FindingRow,
    pub appeal: Option<LinkedAppeal>,
    pub rectification: Option<RectificationItem>,
}

/// One visit's page.
#[derive(Debug, Clone)]
pub struct VisitDetail {
    pub item: VisitItem,
    pub photo_ids: Vec<Uuid>,
    pub findings: Vec<FindingItem>,
}

/// Solved: confirmed by the enterprise, or closed after an answer.
pub fn solved(state: &str, answered: bool) -> bool {
    state == "confirmed" || (state == "closed" && answered)
}

pub async fn detail(app: &App, actor: &Actor, id: Uuid) -> Result<VisitDetail, AppError> {
    let row = load(app, actor, id).await?;
    let c = app.db.conn();
    let zone_id = row.zone_id;
    let photo_ids = q::files(&c, zone_id, id).await?.into_iter().map(|f| f.file_id).collect();
    let findings = q::findings(&c, zone_id, &[id]).await?;
    let appeal_ids: Vec<Uuid> = findings.iter().filter_map(|f| f.appeal_id).collect();
    let appeals: HashMap<Uuid, LinkedAppeal> = q::appeal_states(&c, zone_id, &appeal_ids)
        .await?
        .into_iter()
        .map(|(id, code, state, answered)| {
            let solved = solved(&state, answered.is_some());
            (id, LinkedAppeal { id, code, state, solved })
        })
        .collect();
    let finding_ids: Vec<Uuid> = findings.iter().map(|f| f.id).collect();
    let rects = q::rectifications_of(&c, zone_id, &finding_ids).await?;
    let item = items(app, zone_id, vec![row]).await?.into_iter().next().ok_or(AppError::NotFound)?;
    let names = Names::load(app, zone_id, &[], &[]).await?;
    let today = zone_today(app.now());
    let findings = findings
        .into_iter()
        .map(|f| FindingItem {
            appeal: f.appeal_id.and_then(|a| appeals.get(&a).cloned()),
            rectification: rects.iter().find(|r| r.finding_id == f.id).map(|r| RectificationItem {
                department: names.departments.get(&r.department_id).cloned().unwrap_or_default(),
                overdue: r.state == "open" && r.due_on < today,
                row: r.clone(),
            }),
            row: f,
        })
        .collect();
    Ok(VisitDetail { item, photo_ids, findings })
}

/// A photo of a visit the actor may read (whoever uploaded it).
pub async fn photo(
    app: &App,
    actor: &Actor,
    id: Uuid,
    file_id: Uuid,
) -> Result<(crate::files::StoredFile, Vec<u8>), AppError> {
    let row = load(app, actor, id).await?;
    actor.require(Permission::FileRead)?;
    if !q::files(&app.db.conn(), row.zone_id, id).await?.iter().any(|f| f.file_id == file_id) {
        return Err(AppError::NotFound);
    }
    crate::files::content_for_record(app, row.zone_id, file_id).await
}

// ---------------------------------------------------------------- summary

/// The figures of a period (visit dates `[from, to]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Distinct enterprises visited.
    pub enterprises: u64,
    pub visits: u64,
    pub findings: u64,
    /// Findings turned into appeals, and how many of those are solved.
    pub appeals: u64,
    pub appeals_solved: u64,
    /// Rectifications supervised, done, and open past their due day.
    pub rectifications: u64,
    pub rectifications_done: u64,
    pub rectifications_overdue: u64,
    /// Findings still open.
    pub open_findings: u64,
}

pub async fn summary(
    app: &App,
    actor: &Actor,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Summary, AppError> {
    actor.require(Permission::VisitRead)?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(AppError::field("to", "visit.ends_before_start"));
    }
    let c = app.db.conn();
    let f = VisitFilter { from, to, ..VisitFilter::default() };
    let visits = q::all_visits(&c, &actor.scope(), &f).await?;
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
    let findings = q::findings(&c, actor.zone_id, &ids).await?;
    let appeal_ids: Vec<Uuid> = findings.iter().filter_map(|f| f.appeal_id).collect();
    let appeals = q::appeal_states(&c, actor.zone_id, &appeal_ids).await?;
    let finding_ids: Vec<Uuid> = findings.iter().map(|f| f.id).collect();
    let rects = q::rectifications_of(&c, actor.zone_id, &finding_ids).await?;
    let today = zone_today(app.now());
    let count = |n: usize| n as u64;
    Ok(Summary {
        from,
        to,
        enterprises: count(visits.iter().map(|v| v.enterprise_id).collect::<BTreeSet<_>>().len()),
        visits: count(visits.len()),
        findings: count(findings.len()),
        appeals: count(appeal_ids.len()),
        appeals_solved: count(appeals.iter().filter(|(_, _, s, a)| solved(s, a.is_some())).count()),
        rectifications: count(rects.len()),
        rectifications_done: count(rects.iter().filter(|r| r.state == "done").count()),
        rectifications_overdue: count(rects.iter().filter(|r| r.state == "open" && r.due_on < today).count()),
        open_findings: count(findings.iter().filter(|f| f.outcome == "open").count()),
    })
}
