//! Party building in the zone's enterprises (党建, issue 7): the organization tree down to the
//! workshop (`orgs`, here), members with moves and the import (`members`), the double-red
//! creation (`designations`), alliances, activities and the regular meetings with their
//! compliance (`activities`), the dashboard and the enterprise page (`views`), the exports
//! (`export`).
//!
//! Scope: party-work staff and the zone's leaders reach the whole zone; a branch secretary the
//! subtree of the organizations whose secretary they are; an enterprise account its own
//! organizations' public information; other roles only the public honour wall.

pub mod activities;
pub mod designations;
pub mod export;
pub mod members;
pub mod views;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::identity::role::ScopeKind;
pub use yuanqu_domain::party::Rules;
use yuanqu_domain::party::{self as dom, OrgType};
use yuanqu_domain::{DataScope, FieldError, Scope};
use yuanqu_store::party::{self as q, OrgRow, RulesRow};

use crate::audit::{self, By, Entry};
use crate::form::text_field;
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// The scope of an actor's party queries: the zone, a branch secretary's subtrees, or an
/// enterprise's own organizations.
pub(crate) async fn scope_of(app: &App, actor: &Actor) -> Result<Scope, AppError> {
    if actor.role.scope_kind() != ScopeKind::PartySubtree {
        return Ok(actor.scope());
    }
    let c = app.db.conn();
    let roots = q::orgs_of_secretary(&c, actor.zone_id, actor.user_id).await?;
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let ids = dom::subtree(&parents(&all), &roots);
    Ok(Scope::new(actor.zone_id, DataScope::PartyOrganizations(ids)))
}

pub(crate) fn parents(orgs: &[OrgRow]) -> HashMap<Uuid, Option<Uuid>> {
    orgs.iter().map(|o| (o.id, o.parent_id)).collect()
}

/// An organization and its whole subtree, within what the scope reaches.
pub(crate) fn subtree_in(all: &[OrgRow], scope: &Scope, root: Uuid) -> Vec<Uuid> {
    let ids = dom::subtree(&parents(all), &[root]);
    match scope.data() {
        DataScope::PartyOrganizations(mine) => ids.into_iter().filter(|i| mine.contains(i)).collect(),
        _ => ids,
    }
}

// ---------------------------------------------------------------- rules

pub(crate) async fn load_rules(app: &App, zone_id: Uuid) -> Result<(Rules, i32), AppError> {
    match q::rules(&app.db.conn(), zone_id).await? {
        Some(r) => Ok((serde_json::from_str(&r.document).map_err(|e| AppError::Internal(e.to_string()))?, r.version)),
        None => Ok((Rules::default(), 0)),
    }
}

pub async fn rules(app: &App, actor: &Actor) -> Result<(Rules, i32), AppError> {
    actor.require(Permission::PartyRead)?;
    load_rules(app, actor.zone_id).await
}

/// Saves the meeting rules on the version read (0: the defaults, never saved); audited.
pub async fn put_rules(
    app: &App,
    actor: &Actor,
    rules: Rules,
    version: i32,
    ctx: &RequestCtx,
) -> Result<(Rules, i32), AppError> {
    actor.require(Permission::PartyManage)?;
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
                if !q::put_rules(c, row, (version > 0).then_some(version)).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("party.rules", "party_rules", Some(by.zone_id)).before(&before).after(&rules);
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    Ok((rules, version + 1))
}

// ---------------------------------------------------------------- organizations

/// An organization as submitted.
#[derive(Debug, Clone, Serialize)]
pub struct NewOrg {
    pub parent_id: Option<Uuid>,
    pub org_type: String,
    pub name: String,
    pub enterprise_id: Option<Uuid>,
    pub workshop: String,
    pub secretary_name: String,
    pub secretary_user_id: Option<Uuid>,
    pub founded_on: Option<NaiveDate>,
    pub last_election_on: Option<NaiveDate>,
    pub next_election_due: Option<NaiveDate>,
}

/// An organization with its figures (direct and subtree members, probationary, designations).
#[derive(Debug, Clone)]
pub struct OrgView {
    pub row: OrgRow,
    pub enterprise_name: Option<String>,
    pub members: i64,
    pub members_total: i64,
    pub probationary: i64,
    pub designations: i64,
    pub election_overdue: bool,
}

/// The tree of the actor's organizations with counts, parents before children.
pub async fn orgs(app: &App, actor: &Actor) -> Result<Vec<OrgView>, AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let mine = q::orgs(&c, &scope).await?;
    org_views(app, &all, mine).await
}

pub(crate) async fn org_views(app: &App, all: &[OrgRow], mine: Vec<OrgRow>) -> Result<Vec<OrgView>, AppError> {
    let Some(zone_id) = all.first().map(|o| o.zone_id) else { return Ok(Vec::new()) };
    let c = app.db.conn();
    let counts: HashMap<Uuid, (i64, i64)> =
        q::member_counts(&c, zone_id).await?.into_iter().map(|(o, n, p)| (o, (n, p))).collect();
    let designations: HashMap<Uuid, i64> = q::designation_counts(&c, zone_id).await?.into_iter().collect();
    let ent_ids: Vec<Uuid> = mine.iter().filter_map(|o| o.enterprise_id).collect();
    let names: HashMap<Uuid, String> =
        q::enterprise_names(&c, zone_id, &ent_ids).await?.into_iter().map(|(i, n, _)| (i, n)).collect();
    // Subtree totals: add each organization's members to it and every ancestor.
    let parent = parents(all);
    let mut total: HashMap<Uuid, i64> = HashMap::new();
    for (&o, &(n, _)) in &counts {
        let mut at = Some(o);
        let mut guard = 0;
        while let Some(x) = at {
            *total.entry(x).or_default() += n;
            at = parent.get(&x).copied().flatten();
            guard += 1;
            if guard > all.len() {
                break;
            }
        }
    }
    let today = crate::enterprise::zone_today(app.now());
    let by_id: BTreeMap<Uuid, OrgRow> = mine.into_iter().map(|o| (o.id, o)).collect();
    let mut out = Vec::with_capacity(by_id.len());
    // Parents before children: roots (no parent in reach) first, then breadth-first; siblings
    // by name.
    let mut children: BTreeMap<Option<Uuid>, Vec<&OrgRow>> = BTreeMap::new();
    for o in by_id.values() {
        let parent = o.parent_id.filter(|p| by_id.contains_key(p));
        children.entry(parent).or_default().push(o);
    }
    for v in children.values_mut() {
        v.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    }
    let mut ordered: Vec<Uuid> = Vec::with_capacity(by_id.len());
    let mut seen = std::collections::HashSet::new();
    let mut queue: std::collections::VecDeque<Option<Uuid>> = std::collections::VecDeque::from([None]);
    while let Some(p) = queue.pop_front() {
        for o in children.get(&p).into_iter().flatten() {
            if seen.insert(o.id) {
                ordered.push(o.id);
                queue.push_back(Some(o.id));
            }
        }
    }
    for id in ordered {
        let Some(row) = by_id.get(&id).cloned() else { continue };
        let (members, probationary) = counts.get(&id).copied().unwrap_or((0, 0));
        out.push(OrgView {
            enterprise_name: row.enterprise_id.and_then(|e| names.get(&e).cloned()),
            members,
            members_total: total.get(&id).copied().unwrap_or(0),
            probationary,
            designations: designations.get(&id).copied().unwrap_or(0),
            election_overdue: row.next_election_due.is_some_and(|d| d < today),
            row,
        });
    }
    Ok(out)
}

/// One organization in the actor's reach.
pub async fn org(app: &App, actor: &Actor, id: Uuid) -> Result<OrgView, AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let row = q::org(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    org_views(app, &all, vec![row]).await?.into_iter().next().ok_or(AppError::NotFound)
}

/// The organization's path from the top (names), its children.
pub async fn org_path_and_children(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(Vec<(Uuid, String)>, Vec<OrgView>), AppError> {
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let by_id: HashMap<Uuid, &OrgRow> = all.iter().map(|o| (o.id, o)).collect();
    let mut path = Vec::new();
    let mut at = by_id.get(&id).copied();
    while let Some(o) = at {
        path.push((o.id, o.name.clone()));
        at = o.parent_id.and_then(|p| by_id.get(&p).copied());
        if path.len() > all.len() {
            break;
        }
    }
    path.reverse();
    let reach = q::orgs(&c, &scope).await?;
    let children: Vec<OrgRow> = reach.into_iter().filter(|o| o.parent_id == Some(id)).collect();
    Ok((path, org_views(app, &all, children).await?))
}

fn check_org(
    n: &NewOrg,
    all: &[OrgRow],
    enterprises: &[Uuid],
    secretaries: &[Uuid],
    itself: Option<Uuid>,
) -> Result<(OrgType, String, String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = text_field(&mut errors, "name", &n.name, 100, true);
    let workshop = text_field(&mut errors, "workshop", &n.workshop, 100, false);
    let secretary_name = text_field(&mut errors, "secretary_name", &n.secretary_name, 50, false);
    let ty = OrgType::parse(&n.org_type);
    let cycle = matches!((itself, n.parent_id), (Some(me), Some(p)) if dom::would_cycle(&parents(all), me, p));
    let parent = match n.parent_id {
        Some(p) => match all.iter().find(|o| o.id == p) {
            Some(o) => Some(OrgType::parse(&o.org_type)),
            None => {
                errors.push(FieldError::new("parent_id", "not_found"));
                None
            }
        },
        None => None,
    };
    match ty {
        None => errors.push(FieldError::new("org_type", "invalid")),
        Some(t) => {
            let parent_known = n.parent_id.is_none() || parent.is_some();
            if parent_known && !cycle && !dom::may_sit_under(t, parent.flatten()) {
                errors.push(FieldError::new(
                    if n.parent_id.is_none() { "parent_id" } else { "org_type" },
                    if n.parent_id.is_none() { "required" } else { "party.type_under_parent" },
                ));
            }
            if t == OrgType::WorkshopBranch {
                if workshop.is_empty() {
                    errors.push(FieldError::new("workshop", "required"));
                }
                if n.enterprise_id.is_none() {
                    errors.push(FieldError::new("enterprise_id", "required"));
                }
            }
        }
    }
    if let Some(e) = n.enterprise_id
        && !enterprises.contains(&e)
    {
        errors.push(FieldError::new("enterprise_id", "not_found"));
    }
    if let Some(u) = n.secretary_user_id
        && !secretaries.contains(&u)
    {
        errors.push(FieldError::new("secretary_user_id", "party.not_secretary"));
    }
    if let (Some(a), Some(b)) = (n.last_election_on, n.next_election_due)
        && b <= a
    {
        errors.push(FieldError::new("next_election_due", "party.election_order"));
    }
    if cycle {
        errors.push(FieldError::new("parent_id", "party.org_cycle"));
    }
    match (ty, errors.is_empty()) {
        (Some(t), true) => Ok((t, name, workshop, secretary_name)),
        _ => Err(errors),
    }
}

async fn org_refs(app: &App, zone_id: Uuid) -> Result<(Vec<OrgRow>, Vec<Uuid>, Vec<Uuid>), AppError> {
    let c = app.db.conn();
    let all = q::zone_orgs(&c, zone_id).await?;
    let enterprises = yuanqu_store::supervision::enterprise_ids(&c, zone_id).await?;
    let secretaries = q::secretary_accounts(&c, zone_id).await?.into_iter().map(|(i, _)| i).collect();
    Ok((all, enterprises, secretaries))
}

/// Creates an organization (party-work staff); audited.
pub async fn create_org(app: &App, actor: &Actor, n: NewOrg, ctx: &RequestCtx) -> Result<OrgView, AppError> {
    actor.require(Permission::PartyManage)?;
    let (all, enterprises, secretaries) = org_refs(app, actor.zone_id).await?;
    let (ty, name, workshop, secretary_name) =
        check_org(&n, &all, &enterprises, &secretaries, None).map_err(AppError::Validation)?;
    let now = app.now();
    let row = OrgRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        parent_id: n.parent_id,
        org_type: ty.code().to_owned(),
        name,
        enterprise_id: n.enterprise_id,
        workshop,
        secretary_name,
        secretary_user_id: n.secretary_user_id,
        founded_on: n.founded_on,
        last_election_on: n.last_election_on,
        next_election_due: n.next_election_due,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, by, ctx) = (row.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_org(c, row.clone()).await?;
                let e = Entry::new("party.org.create", "party_org", Some(row.id)).after(
                    serde_json::json!({ "name": row.name, "org_type": row.org_type, "parent_id": row.parent_id }),
                );
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    let all = q::zone_orgs(&app.db.conn(), actor.zone_id).await?;
    org_views(app, &all, vec![row]).await?.into_iter().next().ok_or(AppError::NotFound)
}

/// Changes an organization (a new parent: no cycle) on the version read; audited.
pub async fn update_org(
    app: &App,
    actor: &Actor,
    id: Uuid,
    n: NewOrg,
    version: i32,
    ctx: &RequestCtx,
) -> Result<OrgView, AppError> {
    actor.require(Permission::PartyManage)?;
    let (all, enterprises, secretaries) = org_refs(app, actor.zone_id).await?;
    let before = all.iter().find(|o| o.id == id).cloned().ok_or(AppError::NotFound)?;
    let (ty, name, workshop, secretary_name) =
        check_org(&n, &all, &enterprises, &secretaries, Some(id)).map_err(AppError::Validation)?;
    let row = OrgRow {
        parent_id: n.parent_id,
        org_type: ty.code().to_owned(),
        name,
        enterprise_id: n.enterprise_id,
        workshop,
        secretary_name,
        secretary_user_id: n.secretary_user_id,
        founded_on: n.founded_on,
        last_election_on: n.last_election_on,
        next_election_due: n.next_election_due,
        version: version + 1,
        ..before.clone()
    };
    let (by, now) = (By::from(actor), app.now());
    app.db
        .write(|c| {
            let (row, by, ctx, before) = (row.clone(), by.clone(), ctx.clone(), before.clone());
            Box::pin(async move {
                if !q::update_org(c, row.clone(), version).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("party.org.update", "party_org", Some(row.id))
                    .before(serde_json::json!({ "name": before.name, "parent_id": before.parent_id, "secretary_user_id": before.secretary_user_id }))
                    .after(serde_json::json!({ "name": row.name, "parent_id": row.parent_id, "secretary_user_id": row.secretary_user_id }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    let all = q::zone_orgs(&app.db.conn(), actor.zone_id).await?;
    org_views(app, &all, vec![row]).await?.into_iter().next().ok_or(AppError::NotFound)
}

/// The zone's branch-secretary accounts (id, name), for the secretary of an organization.
pub async fn secretary_accounts(app: &App, actor: &Actor) -> Result<Vec<(Uuid, String)>, AppError> {
    actor.require(Permission::PartyManage)?;
    Ok(q::secretary_accounts(&app.db.conn(), actor.zone_id).await?)
}
