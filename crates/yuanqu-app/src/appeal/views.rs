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
use crate::{Actor, App, AppError, Page, PageReq, Uuid};

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

/// A page of appeals in the actor's scope under the filters.
pub async fn list(app: &App, actor: &Actor, lq: ListQuery, page: PageReq) -> Result<Page<AppealItem>, AppError> {
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
    Ok(Page { total: p.total, items: p.items.into_iter().map(|r| names.item(r, now)).collect() })
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
    let open = q::open_appeals(&c, &scope, &open_states).await?;
    let mut d = Dashboard { open: open.len() as u64, ..Dashboard::default() };
    let mut by_dept: BTreeMap<Uuid, (u64, u64, u64)> = BTreeMap::new();
    for r in &open {
        let light = light_of(r, now);
        let e = by_dept.entry(r.department_id.unwrap_or_default()).or_default();
        e.0 += 1;
        if light == Light::Red {
            e.1 += 1;
            d.late += 1;
        }
        if light == Light::Yellow {
            e.2 += 1;
        }
    }
    d.by_department = by_dept
        .into_iter()
        .map(|(id, (o, l, y))| (id, if id.is_nil() { "未分拨".to_owned() } else { names.department(id) }, o, l, y))
        .collect();
    d.by_department.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    let rows = q::received_between(&c, &scope, from, to).await?;
    d.received = rows.len() as u64;
    let mut sums = [(0f64, 0u64); 3];
    let mut rating_sum = 0i64;
    for r in &rows {
        if State::parse(&r.state).is_some_and(State::is_final) {
            d.closed += 1;
        }
        for (i, at) in [r.accepted_at, r.first_answer_at, r.answered_at].into_iter().enumerate() {
            if let Some(at) = at {
                sums[i].0 += (at - r.received_at).num_seconds() as f64 / 3600.0;
                sums[i].1 += 1;
            }
        }
        let month = yuanqu_domain::appeal::sla::local_day(r.received_at).format("%Y-%m").to_string();
        let cat = names.categories.get(&r.category_id).cloned().unwrap_or_default();
        *d.by_month.entry(month).or_default().entry(cat).or_default() += 1;
    }
    // Every rating counts (好差评), also one a reopened appeal was given before its final one.
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    for e in q::events_with_action(&c, actor.zone_id, &ids, "rate").await? {
        let x: i64 = serde_json::from_str::<serde_json::Value>(&e.data)
            .ok()
            .and_then(|v| v["rating"].as_i64())
            .unwrap_or_default();
        d.rated += 1;
        rating_sum += x;
        if e.to_state == State::Reopened.code() {
            d.reopened += 1;
        }
    }
    d.avg_hours = sums.map(|(s, n)| (n > 0).then(|| (s / n as f64 * 10.0).round() / 10.0));
    d.satisfaction_x100 = (d.rated > 0).then(|| rating_sum * 100 / i64::try_from(d.rated).unwrap_or(1));
    Ok(d)
}
