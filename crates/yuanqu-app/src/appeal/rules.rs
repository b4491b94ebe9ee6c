//! The zone's appeal rules as data: categories with their deadline limits, and routing rules
//! (category × park → lead and co-handling departments). Saved as one document, validated per
//! field, in one audited transaction.

use std::collections::{BTreeSet, HashMap};

use yuanqu_domain::FieldError;
use yuanqu_domain::appeal::Rules;
use yuanqu_domain::identity::Permission;
use yuanqu_store::appeal::{self as q, CategoryRow, RouteRow};
use yuanqu_store::identity as idq;

use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// A category as submitted (an `id` of an existing one changes it; without, a new one).
#[derive(Debug, Clone)]
pub struct CategorySpec {
    pub id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub accept_limit: String,
    pub answer_limit: String,
    pub resolve_limit: String,
    pub yellow_pct: i64,
    pub pause_when_waiting: bool,
    pub active: bool,
}

/// A routing rule as submitted; `category_code` and `park_id` empty mean any.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub category_code: Option<String>,
    pub park_id: Option<Uuid>,
    pub department_id: Uuid,
    pub co_department_ids: Vec<Uuid>,
}

/// The zone's rules.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub categories: Vec<CategoryRow>,
    pub routes: Vec<RouteRow>,
}

pub fn co_ids(r: &RouteRow) -> Vec<Uuid> {
    serde_json::from_str(&r.co_department_ids).unwrap_or_default()
}

/// The zone's rules (everyone who files or reads appeals sees the categories and limits).
pub async fn get(app: &App, actor: &Actor) -> Result<RuleSet, AppError> {
    if !actor.can(Permission::AppealConfigure) {
        actor.require(Permission::AppealRead)?;
    }
    let c = app.db.conn();
    Ok(RuleSet { categories: q::categories(&c, actor.zone_id).await?, routes: q::routes(&c, actor.zone_id).await? })
}

/// The route for a category in a park: the most specific rule wins (category and park, then
/// category, then park, then the catch-all).
pub fn route_for(routes: &[RouteRow], category_id: Uuid, park_id: Option<Uuid>) -> Option<&RouteRow> {
    let rank = |r: &RouteRow| match (r.category_id, r.park_id) {
        (Some(c), Some(p)) if c == category_id && Some(p) == park_id => Some(0),
        (Some(c), None) if c == category_id => Some(1),
        (None, Some(p)) if Some(p) == park_id => Some(2),
        (None, None) => Some(3),
        _ => None,
    };
    routes.iter().filter_map(|r| rank(r).map(|k| (k, r))).min_by_key(|(k, _)| *k).map(|(_, r)| r)
}

/// Replaces the zone's rules. Categories missing from the list are kept but set inactive
/// (appeals refer to them); errors name `categories[i].field` or `routes[i].field`.
pub async fn set(
    app: &App,
    actor: &Actor,
    cats: Vec<CategorySpec>,
    routes: Vec<RouteSpec>,
    ctx: &RequestCtx,
) -> Result<RuleSet, AppError> {
    actor.require(Permission::AppealConfigure)?;
    let zone_id = actor.zone_id;
    let c = app.db.conn();
    let existing = q::categories(&c, zone_id).await?;
    let departments: BTreeSet<Uuid> =
        idq::departments(&c, &actor.zone_scope()).await?.into_iter().map(|d| d.id).collect();
    let parks: BTreeSet<Uuid> = idq::parks(&c, &actor.zone_scope()).await?.into_iter().map(|p| p.id).collect();
    let now = app.now();
    let mut errors = Vec::new();
    let mut codes = HashMap::new();
    let (mut insert, mut update) = (Vec::new(), Vec::new());
    for (i, s) in cats.iter().enumerate() {
        let f = |name: &str| format!("categories[{i}].{name}");
        let code = s.code.trim().to_owned();
        if code.is_empty() || code.chars().count() > 32 {
            errors.push(FieldError::new(f("code"), "required"));
        } else if codes.insert(code.clone(), i).is_some() {
            errors.push(FieldError::new(f("code"), "appeal.duplicate_code"));
        }
        let name = s.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 64 {
            errors.push(FieldError::new(f("name"), "required"));
        }
        if let Err(es) =
            Rules::parse(&s.accept_limit, &s.answer_limit, &s.resolve_limit, s.yellow_pct, s.pause_when_waiting)
        {
            errors.extend(es.into_iter().map(|e| FieldError::new(f(&e.field), e.code)));
        }
        let row = |id: Uuid, created_at| CategoryRow {
            id,
            zone_id,
            code: code.clone(),
            name: name.clone(),
            accept_limit: s.accept_limit.trim().to_owned(),
            answer_limit: s.answer_limit.trim().to_owned(),
            resolve_limit: s.resolve_limit.trim().to_owned(),
            yellow_pct: i32::try_from(s.yellow_pct).unwrap_or(80),
            pause_when_waiting: s.pause_when_waiting,
            sort: i32::try_from(i).unwrap_or(0),
            active: s.active,
            created_at,
        };
        match s.id {
            Some(id) => match existing.iter().find(|e| e.id == id) {
                Some(e) => update.push(row(id, e.created_at)),
                None => errors.push(FieldError::new(f("id"), "not_found")),
            },
            None => insert.push(row(Uuid::now_v7(), now)),
        }
    }
    // An existing code reused by a new category.
    for (i, r) in insert.iter().enumerate() {
        if existing.iter().any(|e| e.code == r.code && !update.iter().any(|u| u.id == e.id && u.code != r.code)) {
            let at = cats.iter().position(|s| s.id.is_none() && s.code.trim() == r.code).unwrap_or(i);
            errors.push(FieldError::new(format!("categories[{at}].code"), "appeal.duplicate_code"));
        }
    }
    for e in &existing {
        if !cats.iter().any(|s| s.id == Some(e.id)) {
            update.push(CategoryRow { active: false, ..e.clone() });
        }
    }
    let id_of_code: HashMap<String, Uuid> =
        insert.iter().chain(update.iter()).map(|r| (r.code.clone(), r.id)).collect();
    let mut pairs = BTreeSet::new();
    let mut route_rows = Vec::new();
    for (i, s) in routes.iter().enumerate() {
        let f = |name: &str| format!("routes[{i}].{name}");
        let category_id = match s.category_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => match id_of_code.get(code) {
                Some(id) => Some(*id),
                None => {
                    errors.push(FieldError::new(f("category_code"), "not_found"));
                    None
                }
            },
            None => None,
        };
        if let Some(p) = s.park_id
            && !parks.contains(&p)
        {
            errors.push(FieldError::new(f("park_id"), "not_found"));
        }
        if !departments.contains(&s.department_id) {
            errors.push(FieldError::new(f("department_id"), "not_found"));
        }
        for (j, d) in s.co_department_ids.iter().enumerate() {
            if !departments.contains(d) {
                errors.push(FieldError::new(format!("routes[{i}].co_department_ids[{j}]"), "not_found"));
            } else if *d == s.department_id {
                errors.push(FieldError::new(format!("routes[{i}].co_department_ids[{j}]"), "appeal.co_is_lead"));
            }
        }
        if !pairs.insert((s.category_code.clone().unwrap_or_default(), s.park_id)) {
            errors.push(FieldError::new(f("category_code"), "appeal.duplicate_route"));
        }
        let co = serde_json::to_string(&s.co_department_ids).map_err(|e| AppError::Internal(e.to_string()))?;
        route_rows.push(RouteRow {
            id: Uuid::now_v7(),
            zone_id,
            category_id,
            park_id: s.park_id,
            department_id: s.department_id,
            co_department_ids: co,
            created_at: now,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let summary = |cs: &[CategoryRow], rs: &[RouteRow]| {
        serde_json::json!({
            "categories": cs.iter().map(|c| serde_json::json!([c.code, c.name, c.accept_limit, c.answer_limit, c.resolve_limit, c.yellow_pct, c.pause_when_waiting, c.active])).collect::<Vec<_>>(),
            "routes": rs.iter().map(|r| serde_json::json!([r.category_id, r.park_id, r.department_id, r.co_department_ids])).collect::<Vec<_>>(),
        })
    };
    let before = summary(&existing, &q::routes(&c, zone_id).await?);
    let mut all: Vec<CategoryRow> = insert.iter().chain(update.iter()).cloned().collect();
    all.sort_by_key(|r| (r.sort, r.code.clone()));
    let after = summary(&all, &route_rows);
    let (by, ctx) = (By::from(actor), ctx.clone());
    app.db
        .write(|c| {
            let (insert, update, route_rows, by, ctx, before, after) = (
                insert.clone(),
                update.clone(),
                route_rows.clone(),
                by.clone(),
                ctx.clone(),
                before.clone(),
                after.clone(),
            );
            Box::pin(async move {
                q::save_categories(c, zone_id, insert, update).await?;
                q::replace_routes(c, zone_id, route_rows).await?;
                let e = Entry::new("appeal.set_rules", "zone", Some(zone_id)).before(before).after(after);
                audit::record(c, now, &by, &ctx, e).await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    get(app, actor).await
}
