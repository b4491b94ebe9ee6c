//! Reading appeals: the queues and the list with filters, one appeal's whole story, and the
//! dashboard (open by department, late, average time per stage, satisfaction, categories by
//! month).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use yuanqu_domain::appeal::sla::Light;
use yuanqu_domain::appeal::state::allowed;
use yuanqu_domain::appeal::{Action, Party, State};
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_store::appeal::{self as q, AppealFilter, AppealRow, EventRow, ExtensionRow, HandlerRow};
use yuanqu_store::identity as idq;
use yuanqu_store::stats::dashboard::names_of;

use super::{load, parties};
use crate::{Actor, App, AppError, PageReq, Uuid};

/// An appeal with the names a list shows and its light now.
#[derive(Debug, Clone)]
pub struct AppealItem {
    pub row: AppealRow,
    pub category: String,
    pub enterprise: String,
    pub department: Option<String>,
    pub light: Light,
}

/// Names of the zone's categories, departments and (some) enterprises.
struct Names {
    categories: HashMap<Uuid, String>,
    departments: HashMap<Uuid, String>,
    enterprises: HashMap<Uuid, String>,
}

impl Names {
    async fn load(app: &App, zone_id: Uuid, enterprises: &[Uuid]) -> Result<Self, AppError> {
        let c = app.db.conn();
        let zone = yuanqu_domain::Scope::zone(zone_id);
        let mut ids = enterprises.to_vec();
        ids.sort();
        ids.dedup();
        let mut ents = HashMap::new();
        for chunk in ids.chunks(500) {
            ents.extend(names_of(&c, zone_id, chunk).await?.into_iter().map(|(id, n, _)| (id, n)));
        }
        Ok(Self {
            categories: q::categories(&c, zone_id).await?.into_iter().map(|k| (k.id, k.name)).collect(),
            departments: idq::departments(&c, &zone).await?.into_iter().map(|d| (d.id, d.name)).collect(),
            enterprises: ents,
        })
    }
    fn item(&self, row: AppealRow, now: DateTime<Utc>) -> AppealItem {
        let light = light_of(&row, now);
        AppealItem {
            category: self.categories.get(&row.category_id).cloned().unwrap_or_default(),
            enterprise: self.enterprises.get(&row.enterprise_id).cloned().unwrap_or_default(),
            department: row.department_id.and_then(|d| self.departments.get(&d).cloned()),
            light,
            row,
        }
    }
    fn department(&self, id: Uuid) -> String {
        self.departments.get(&id).cloned().unwrap_or_default()
    }
}

/// The light of an appeal at `now`.
pub fn light_of(r: &AppealRow, now: DateTime<Utc>) -> Light {
    Light::at(now, r.yellow_at, r.next_due_at, r.paused_at.is_some())
}

/// The list's query as the HTTP layer parsed it.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// `mine` (my department's queue, by deadline), `department` (lead or co-handled by my
    /// department), `all` (everything in my scope).
    pub view: Option<String>,
    pub states: Vec<String>,
    pub light: Option<String>,
    pub category_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub park_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
    pub q: Option<String>,
    pub sort: Option<String>,
}

/// A page of the list and the total: exact, or (`total_exact` false) a lower bound — the count
/// stops at [`q::COUNT_CAP`], and a text search counts only up to the next page.
#[derive(Debug, Clone)]
pub struct AppealList {
    pub items: Vec<AppealItem>,
    pub total: u64,
    pub total_exact: bool,
}

/// A page of appeals in the actor's scope under the filters.
pub async fn list(app: &App, actor: &Actor, lq: ListQuery, page: PageReq) -> Result<AppealList, AppError> {
    actor.require(Permission::AppealRead)?;
    let mut errors = Vec::new();
    for (i, s) in lq.states.iter().enumerate() {
        if State::parse(s).is_none() {
            errors.push(yuanqu_domain::FieldError::new(format!("state[{i}]"), "appeal.state_unknown"));
        }
    }
    if let Some(l) = &lq.light
        && !matches!(l.as_str(), "green" | "yellow" | "red" | "paused")
    {
        errors.push(yuanqu_domain::FieldError::new("light", "appeal.light_unknown"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let mut f = AppealFilter {
        states: lq.states,
        light: lq.light,
        now: Some(now),
        category_id: lq.category_id,
        department_id: lq.department_id,
        handled_by: None,
        park_id: lq.park_id,
        enterprise_id: lq.enterprise_id,
        received_from: lq.received_from,
        received_to: lq.received_to,
        q: lq.q,
        sort: lq.sort,
    };
    match lq.view.as_deref() {
        Some("mine") => {
            f.department_id = Some(actor.department_id.ok_or(AppError::field("view", "appeal.no_department"))?);
            if f.states.is_empty() {
                f.states = State::open().into_iter().map(|s| s.code().to_owned()).collect();
            }
            f.sort.get_or_insert_with(|| "due".into());
        }
        Some("department") => {
            f.handled_by = Some(actor.department_id.ok_or(AppError::field("view", "appeal.no_department"))?);
        }
        Some("all") | None => {}
        Some(_) => return Err(AppError::field("view", "appeal.view_unknown")),
    }
    let p = q::appeals(&app.db.conn(), &actor.scope(), &f, page).await?;
    let ents: Vec<Uuid> = p.items.iter().map(|r| r.enterprise_id).collect();
    let names = Names::load(app, actor.zone_id, &ents).await?;
    Ok(AppealList {
        total: p.total,
        total_exact: p.exact,
        items: p.items.into_iter().map(|r| names.item(r, now)).collect(),
    })
}

/// One step of the timeline with the actor's name (staff names are shown to the enterprise as
/// their department).
#[derive(Debug, Clone)]
pub struct TimelineEntry {
    pub event: EventRow,
    pub actor: Option<String>,
}

/// An appeal's whole story and what the actor may do next.
#[derive(Debug, Clone)]
pub struct AppealDetail {
    pub item: AppealItem,
    pub handlers: Vec<(HandlerRow, String)>,
    pub events: Vec<TimelineEntry>,
    pub files: Vec<yuanqu_store::appeal::AppealFileRow>,
    pub extensions: Vec<ExtensionRow>,
    pub parties: Vec<Party>,
    pub allowed: Vec<Action>,
    pub filed_by: Option<String>,
}

pub async fn detail(app: &App, actor: &Actor, id: Uuid) -> Result<AppealDetail, AppError> {
    let row = load(app, actor, id).await?;
    let c = app.db.conn();
    let names = Names::load(app, row.zone_id, &[row.enterprise_id]).await?;
    let handlers = q::handlers(&c, row.zone_id, id).await?;
    let events = q::events(&c, row.zone_id, id).await?;
    let zone = yuanqu_domain::Scope::zone(row.zone_id);
    let mut people: HashMap<Uuid, (String, Option<Uuid>)> = HashMap::new();
    for uid in events.iter().filter_map(|e| e.actor_id).chain(row.filed_by) {
        if let std::collections::hash_map::Entry::Vacant(v) = people.entry(uid)
            && let Some(u) = idq::user(&c, &zone, uid).await?
        {
            v.insert((u.display_name, u.department_id));
        }
    }
    // An enterprise sees who in its own company acted, and the department for staff.
    let enterprise_view = actor.role == Role::Enterprise;
    let name_of = |uid: Uuid| {
        people.get(&uid).map(|(n, d)| match (enterprise_view, d) {
            (true, Some(d)) => names.department(*d),
            (true, None) if Some(uid) != row.filed_by => "园区工作人员".to_owned(),
            _ => n.clone(),
        })
    };
    let events = events.into_iter().map(|e| TimelineEntry { actor: e.actor_id.and_then(name_of), event: e }).collect();
    let filed_by = row.filed_by.and_then(name_of);
    let who = parties(actor, &row);
    let state = State::parse(&row.state).unwrap_or(State::Closed);
    let handlers = handlers.into_iter().map(|h| (h.clone(), names.department(h.department_id))).collect();
    Ok(AppealDetail {
        files: q::files(&c, row.zone_id, id).await?,
        extensions: q::extensions(&c, row.zone_id, id).await?,
        allowed: allowed(state, &who),
        parties: who,
        handlers,
        events,
        filed_by,
        item: names.item(row, app.now()),
    })
}

/// An attachment of an appeal the actor may read.
pub async fn attachment(
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

/// The dashboard of a period.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub received: u64,
    pub open: u64,
    pub late: u64,
    pub closed: u64,
    /// Ratings given (each one, also before a reopening) and their average (×100).
    pub rated: u64,
    pub satisfaction_x100: Option<i64>,
    pub reopened: u64,
    /// Per department: open, late, yellow.
    pub by_department: Vec<(Uuid, String, u64, u64, u64)>,
    /// Average hours to accept, first answer, answer (appeals received in the period).
    pub avg_hours: [Option<f64>; 3],
    /// `YYYY-MM` → category name → count.
    pub by_month: BTreeMap<String, BTreeMap<String, u64>>,
}

pub async fn dashboard(
    app: &App,
    actor: &Actor,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Dashboard, AppError> {
    actor.require(Permission::AppealRead)?;
    if actor.role == Role::Enterprise {
        return Err(AppError::Forbidden);
    }
    if to <= from {
        return Err(AppError::field("to", "range"));
    }
    let now = app.now();
    let c = app.db.conn();
    let scope = actor.scope();
    let names = Names::load(app, actor.zone_id, &[]).await?;
    let open_states: Vec<&str> = State::open().into_iter().map(State::code).collect();
    let mut d = Dashboard::default();
    // Grouped in the database: a year at 100,000 appeals is a few dozen rows, not the year.
    for g in q::open_by_department(&c, &scope, &open_states, now).await? {
        let n = |x: i64| u64::try_from(x).unwrap_or(0);
        d.open += n(g.open);
        d.late += n(g.red);
        let id = g.department_id.unwrap_or_default();
        let name = if id.is_nil() { "未分拨".to_owned() } else { names.department(id) };
        d.by_department.push((id, name, n(g.open), n(g.red), n(g.yellow)));
    }
    d.by_department.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    let (bounds, months) = month_buckets(from, to);
    let final_states: Vec<&str> = State::ALL.into_iter().filter(|s| s.is_final()).map(State::code).collect();
    let mut sums = [(0f64, 0u64); 3];
    for g in q::received_groups(&c, &scope, from, to, &bounds, &final_states).await? {
        let n = u64::try_from(g.received).unwrap_or(0);
        d.received += n;
        d.closed += u64::try_from(g.closed).unwrap_or(0);
        for (i, (count, secs)) in g.stages.into_iter().enumerate() {
            sums[i].0 += secs / 3600.0;
            sums[i].1 += u64::try_from(count).unwrap_or(0);
        }
        let month = usize::try_from(g.bucket).ok().and_then(|b| months.get(b)).cloned().unwrap_or_default();
        let cat = names.categories.get(&g.category_id).cloned().unwrap_or_default();
        *d.by_month.entry(month).or_default().entry(cat).or_default() += n;
    }
    // Every rating counts (好差评), also one a reopened appeal was given before its final one.
    let (rated, rating_sum, reopened) = q::rating_summary(&c, &scope, from, to).await?;
    d.rated = u64::try_from(rated).unwrap_or(0);
    d.reopened = u64::try_from(reopened).unwrap_or(0);
    d.avg_hours = sums.map(|(s, n)| (n > 0).then(|| (s / n as f64 * 10.0).round() / 10.0));
    d.satisfaction_x100 = (d.rated > 0).then(|| rating_sum * 100 / rated.max(1));
    Ok(d)
}

/// The Beijing months `[from, to)` spans: the moments each month after the first begins, and
/// every month's `YYYY-MM` (one more than the moments).
fn month_buckets(from: DateTime<Utc>, to: DateTime<Utc>) -> (Vec<DateTime<Utc>>, Vec<String>) {
    use chrono::{Datelike, NaiveDate};
    use yuanqu_domain::appeal::sla::{end_of_day, local_day};
    let first = local_day(from);
    let mut months = vec![first.format("%Y-%m").to_string()];
    let mut bounds = Vec::new();
    let (mut y, mut m) = (first.year(), first.month());
    loop {
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        let Some(day) = NaiveDate::from_ymd_opt(y, m, 1) else { break };
        let start = end_of_day(day.pred_opt().unwrap_or(day));
        if start >= to {
            break;
        }
        bounds.push(start);
        months.push(day.format("%Y-%m").to_string());
    }
    (bounds, months)
}
