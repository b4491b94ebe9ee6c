//! Alliances (党建联盟), activities (theme activities, study sessions, the regular meetings of
//! 三会一课) with attendance and photos, and the compliance of the branches' meetings against the
//! zone's rules for any period.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::party::{self as dom, Colour, KindCompliance, MeetingKind, OrgType};
use yuanqu_store::party::{
    self as q, ActivityFileRow, ActivityFilter, ActivityRow, AllianceMemberRow, AllianceRow, AttendanceRow,
    MemberFilter, OrgRow,
};

use super::{load_rules, scope_of, subtree_in};
use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::form::text_field;
use crate::{Actor, App, AppError, Page, PageReq, RequestCtx, Uuid};

// ---------------------------------------------------------------- alliances

pub const ALLIANCE_KINDS: [(&str, &str); 4] = [
    ("neighbourhood", "地域相邻"),
    ("business", "业务相近"),
    ("strong_weak", "以强带弱"),
    ("industry_chain", "产业链"),
];

#[derive(Debug, Clone)]
pub struct AllianceView {
    pub row: AllianceRow,
    pub lead_org_name: String,
    pub members: Vec<(Uuid, String)>,
    pub activities: i64,
}

pub async fn alliances(app: &App, actor: &Actor) -> Result<Vec<AllianceView>, AppError> {
    actor.require(Permission::PartyRead)?;
    alliance_views(app, actor.zone_id).await
}

pub(crate) async fn alliance_views(app: &App, zone_id: Uuid) -> Result<Vec<AllianceView>, AppError> {
    let c = app.db.conn();
    let names: HashMap<Uuid, String> = q::zone_orgs(&c, zone_id).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let mut members: HashMap<Uuid, Vec<(Uuid, String)>> = HashMap::new();
    for m in q::alliance_members(&c, zone_id).await? {
        members.entry(m.alliance_id).or_default().push((m.org_id, names.get(&m.org_id).cloned().unwrap_or_default()));
    }
    let counts: HashMap<Uuid, i64> = q::alliance_activity_counts(&c, zone_id).await?.into_iter().collect();
    let mut out: Vec<AllianceView> = q::alliances(&c, zone_id)
        .await?
        .into_iter()
        .map(|row| {
            let mut m = members.remove(&row.id).unwrap_or_default();
            m.sort_by(|a, b| a.1.cmp(&b.1));
            AllianceView {
                lead_org_name: names.get(&row.lead_org_id).cloned().unwrap_or_default(),
                members: m,
                activities: counts.get(&row.id).copied().unwrap_or(0),
                row,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.row.kind, &a.row.name).cmp(&(&b.row.kind, &b.row.name)));
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct NewAlliance {
    pub name: String,
    pub kind: String,
    pub lead_org_id: Uuid,
    pub founded_on: Option<NaiveDate>,
    pub description: String,
    pub member_org_ids: Vec<Uuid>,
}

/// Founds an alliance (party-work staff): the lead organization is a member; audited.
pub async fn create_alliance(
    app: &App,
    actor: &Actor,
    n: NewAlliance,
    ctx: &RequestCtx,
) -> Result<AllianceView, AppError> {
    actor.require(Permission::PartyManage)?;
    let c = app.db.conn();
    let orgs: HashSet<Uuid> = q::zone_orgs(&c, actor.zone_id).await?.into_iter().map(|o| o.id).collect();
    let mut errors = Vec::new();
    let name = text_field(&mut errors, "name", &n.name, 100, true);
    let description = text_field(&mut errors, "description", &n.description, 5000, false);
    if !ALLIANCE_KINDS.iter().any(|(k, _)| *k == n.kind) {
        errors.push(FieldError::new("kind", "invalid"));
    }
    if !orgs.contains(&n.lead_org_id) {
        errors.push(FieldError::new("lead_org_id", "not_found"));
    }
    let mut member_ids = vec![n.lead_org_id];
    for (i, o) in n.member_org_ids.iter().enumerate() {
        if !orgs.contains(o) {
            errors.push(FieldError::new(format!("member_org_ids[{i}]"), "not_found"));
        } else if !member_ids.contains(o) {
            member_ids.push(*o);
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let row = AllianceRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        name,
        kind: n.kind,
        lead_org_id: n.lead_org_id,
        founded_on: n.founded_on,
        description,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let members: Vec<AllianceMemberRow> = member_ids
        .iter()
        .map(|o| AllianceMemberRow { zone_id: actor.zone_id, alliance_id: row.id, org_id: *o })
        .collect();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, members, by, ctx) = (row.clone(), members.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_alliance(c, row.clone(), &members).await?;
                let e = Entry::new("party.alliance.create", "party_alliance", Some(row.id))
                    .after(serde_json::json!({ "name": row.name, "kind": row.kind, "members": members.len() }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    alliance_views(app, actor.zone_id).await?.into_iter().find(|a| a.row.id == row.id).ok_or(AppError::NotFound)
}

// ---------------------------------------------------------------- activities

pub const KINDS: [&str; 3] = ["theme", "study", "meeting"];

#[derive(Debug, Clone)]
pub struct ActivityView {
    pub row: ActivityRow,
    pub org_name: String,
    pub alliance_name: Option<String>,
    pub present: i64,
    pub absent: i64,
    pub photos: i64,
}

async fn activity_views(app: &App, zone_id: Uuid, rows: Vec<ActivityRow>) -> Result<Vec<ActivityView>, AppError> {
    let c = app.db.conn();
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut present: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for a in q::attendance(&c, zone_id, &ids).await? {
        let e = present.entry(a.activity_id).or_default();
        if a.present {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let mut photos: HashMap<Uuid, i64> = HashMap::new();
    for f in q::activity_files(&c, zone_id, &ids).await? {
        *photos.entry(f.activity_id).or_default() += 1;
    }
    let orgs: HashMap<Uuid, String> = q::zone_orgs(&c, zone_id).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let alliances: HashMap<Uuid, String> =
        q::alliances(&c, zone_id).await?.into_iter().map(|a| (a.id, a.name)).collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let (p, a) = present.get(&row.id).copied().unwrap_or((0, 0));
            ActivityView {
                org_name: orgs.get(&row.org_id).cloned().unwrap_or_default(),
                alliance_name: row.alliance_id.and_then(|a| alliances.get(&a).cloned()),
                present: p,
                absent: a,
                photos: photos.get(&row.id).copied().unwrap_or(0),
                row,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub org_id: Option<Uuid>,
    pub kind: Option<String>,
    pub meeting_kind: Option<String>,
    pub alliance_id: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub async fn list(app: &App, actor: &Actor, f: Filter, page: PageReq) -> Result<Page<ActivityView>, AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let filter = ActivityFilter {
        org_ids: f.org_id.map(|o| subtree_in(&all, &scope, o)),
        kind: f.kind,
        meeting_kind: f.meeting_kind,
        alliance_id: f.alliance_id,
        from: f.from,
        to: f.to,
    };
    let p = q::activities(&c, &scope, &filter, page).await?;
    Ok(Page { items: activity_views(app, actor.zone_id, p.items).await?, total: p.total })
}

/// One activity with its attendance (member, name, present) and photos.
pub async fn get(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(ActivityView, Vec<(Uuid, String, bool)>, Vec<Uuid>), AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let row = q::activity(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let att = q::attendance(&c, actor.zone_id, &[id]).await?;
    let ids: Vec<Uuid> = att.iter().map(|a| a.member_id).collect();
    let names: HashMap<Uuid, String> =
        q::members_by_ids(&c, actor.zone_id, &ids).await?.into_iter().map(|m| (m.id, m.name)).collect();
    let mut attendance: Vec<(Uuid, String, bool)> = att
        .into_iter()
        .map(|a| (a.member_id, names.get(&a.member_id).cloned().unwrap_or_default(), a.present))
        .collect();
    attendance.sort_by(|a, b| (!a.2, &a.1).cmp(&(!b.2, &b.1)));
    let files = q::activity_files(&c, actor.zone_id, &[id]).await?.into_iter().map(|f| f.file_id).collect();
    let view = activity_views(app, actor.zone_id, vec![row]).await?.pop().ok_or(AppError::NotFound)?;
    Ok((view, attendance, files))
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub org_id: Uuid,
    pub alliance_id: Option<Uuid>,
    pub kind: String,
    pub meeting_kind: Option<String>,
    pub title: String,
    pub theme: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub agenda: String,
    pub summary: String,
    pub attendance: Vec<(Uuid, bool)>,
    pub file_ids: Vec<Uuid>,
}

/// Records an activity or a meeting of an organization in the actor's reach, with attendance
/// (members of the organization's subtree, or of the alliance's organizations for a joint
/// activity) and photos already uploaded; audited.
pub async fn create(app: &App, actor: &Actor, n: NewActivity, ctx: &RequestCtx) -> Result<Uuid, AppError> {
    actor.require(Permission::PartyRecord)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let mut errors = Vec::new();
    let title = text_field(&mut errors, "title", &n.title, 200, true);
    let theme = text_field(&mut errors, "theme", &n.theme, 100, false);
    let place = text_field(&mut errors, "place", &n.place, 200, false);
    let agenda = text_field(&mut errors, "agenda", &n.agenda, 10_000, false);
    let summary = text_field(&mut errors, "summary", &n.summary, 20_000, false);
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let org = q::org(&c, &scope, n.org_id).await?;
    if org.is_none() {
        errors.push(FieldError::new("org_id", "not_found"));
    }
    if !KINDS.contains(&n.kind.as_str()) {
        errors.push(FieldError::new("kind", "invalid"));
    }
    let meeting_kind = match (n.kind.as_str(), n.meeting_kind.as_deref().filter(|s| !s.is_empty())) {
        ("meeting", None) => {
            errors.push(FieldError::new("meeting_kind", "required"));
            None
        }
        ("meeting", Some(k)) => match MeetingKind::parse(k) {
            Some(k) => {
                if org.as_ref().is_some_and(|o| OrgType::parse(&o.org_type).is_some_and(|t| !t.is_branch())) {
                    errors.push(FieldError::new("org_id", "party.meeting_not_branch"));
                }
                Some(k.code().to_owned())
            }
            None => {
                errors.push(FieldError::new("meeting_kind", "invalid"));
                None
            }
        },
        (_, Some(_)) => {
            errors.push(FieldError::new("meeting_kind", "party.only_for_meetings"));
            None
        }
        (_, None) => None,
    };
    let now = app.now();
    if n.held_on > zone_today(now) {
        errors.push(FieldError::new("held_on", "date.future"));
    }
    let mut reach: Vec<Uuid> = subtree_in(&all, &yuanqu_domain::Scope::zone(actor.zone_id), n.org_id);
    if let Some(a) = n.alliance_id {
        let members: Vec<Uuid> = q::alliance_members(&c, actor.zone_id)
            .await?
            .into_iter()
            .filter(|m| m.alliance_id == a)
            .map(|m| m.org_id)
            .collect();
        if members.is_empty() {
            errors.push(FieldError::new("alliance_id", "not_found"));
        } else if !members.contains(&n.org_id) {
            errors.push(FieldError::new("alliance_id", "party.not_in_alliance"));
        }
        for m in members {
            reach.extend(subtree_in(&all, &yuanqu_domain::Scope::zone(actor.zone_id), m));
        }
    }
    let ids: Vec<Uuid> = n.attendance.iter().map(|a| a.0).collect();
    let found: HashMap<Uuid, Uuid> =
        q::members_by_ids(&c, actor.zone_id, &ids).await?.into_iter().map(|m| (m.id, m.org_id)).collect();
    let mut seen = HashSet::new();
    for (i, (m, _)) in n.attendance.iter().enumerate() {
        if !found.get(m).is_some_and(|o| reach.contains(o)) {
            errors.push(FieldError::new(format!("attendance[{i}].member_id"), "party.not_a_member"));
        } else if !seen.insert(*m) {
            errors.push(FieldError::new(format!("attendance[{i}].member_id"), "duplicate"));
        }
    }
    let mut seen_files = HashSet::new();
    for (i, f) in n.file_ids.iter().enumerate() {
        if !seen_files.insert(*f) {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "duplicate"));
        } else if crate::files::get(app, actor, *f).await.is_err() {
            errors.push(FieldError::new(format!("file_ids[{i}]"), "not_found"));
        }
    }
    if n.file_ids.len() > 20 {
        errors.push(FieldError::new("file_ids", "too_many"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let row = ActivityRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        org_id: n.org_id,
        alliance_id: n.alliance_id,
        kind: n.kind.clone(),
        meeting_kind,
        title,
        theme,
        held_on: n.held_on,
        place,
        agenda,
        summary,
        created_by: actor.user_id,
        created_at: now,
        version: 1,
    };
    let present: Vec<AttendanceRow> = n
        .attendance
        .iter()
        .map(|(m, p)| AttendanceRow { zone_id: actor.zone_id, activity_id: row.id, member_id: *m, present: *p })
        .collect();
    let files: Vec<ActivityFileRow> = n
        .file_ids
        .iter()
        .map(|f| ActivityFileRow { zone_id: actor.zone_id, activity_id: row.id, file_id: *f })
        .collect();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, present, files, by, ctx) = (row.clone(), present.clone(), files.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_activities(c, std::slice::from_ref(&row), &present, &files).await?;
                let e = Entry::new("party.activity.create", "party_activity", Some(row.id)).after(serde_json::json!({
                    "org_id": row.org_id, "kind": row.kind, "meeting_kind": row.meeting_kind,
                    "held_on": row.held_on, "present": present.iter().filter(|p| p.present).count(),
                }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    Ok(row.id)
}

/// A photo or document of an activity in the actor's reach.
pub async fn file(
    app: &App,
    actor: &Actor,
    id: Uuid,
    file_id: Uuid,
) -> Result<(crate::files::StoredFile, Vec<u8>), AppError> {
    actor.require(Permission::PartyRead)?;
    actor.require(Permission::FileRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    q::activity(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    if !q::activity_files(&c, actor.zone_id, &[id]).await?.iter().any(|f| f.file_id == file_id) {
        return Err(AppError::NotFound);
    }
    crate::files::content_for_record(app, actor.zone_id, file_id).await
}

// ---------------------------------------------------------------- compliance

/// A branch's compliance over a period.
#[derive(Debug, Clone)]
pub struct BranchCompliance {
    pub org: OrgRow,
    pub enterprise_name: Option<String>,
    pub colour: Colour,
    pub kinds: Vec<KindCompliance>,
}

/// Every branch in reach (or under `org_id`) over `[from, to]`: its meetings against the zone's
/// rules, windows before its founding not counted; red first.
pub async fn compliance(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    org_id: Option<Uuid>,
) -> Result<Vec<BranchCompliance>, AppError> {
    actor.require(Permission::PartyRead)?;
    if to < from {
        return Err(AppError::field("to", "range"));
    }
    if (to - from).num_days() > 366 * 5 {
        return Err(AppError::field("to", "party.period_too_long"));
    }
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let reach: HashSet<Uuid> = q::orgs(&c, &scope).await?.into_iter().map(|o| o.id).collect();
    let under: Option<HashSet<Uuid>> = org_id.map(|o| subtree_in(&all, &scope, o).into_iter().collect());
    let branches: Vec<OrgRow> = all
        .into_iter()
        .filter(|o| reach.contains(&o.id))
        .filter(|o| under.as_ref().is_none_or(|u| u.contains(&o.id)))
        .filter(|o| OrgType::parse(&o.org_type).is_some_and(OrgType::is_branch))
        .filter(|o| o.founded_on.is_none_or(|f| f <= to))
        .collect();
    let (rules, _) = load_rules(app, actor.zone_id).await?;
    let filter = ActivityFilter { kind: Some("meeting".into()), from: Some(from), to: Some(to), ..Default::default() };
    let mut held: HashMap<Uuid, Vec<(MeetingKind, NaiveDate)>> = HashMap::new();
    for (org, _, mk, day) in q::activity_days(&c, &scope, &filter).await? {
        if let Some(k) = mk.as_deref().and_then(MeetingKind::parse) {
            held.entry(org).or_default().push((k, day));
        }
    }
    let ent_ids: Vec<Uuid> = branches.iter().filter_map(|o| o.enterprise_id).collect();
    let ents: HashMap<Uuid, String> =
        q::enterprise_names(&c, actor.zone_id, &ent_ids).await?.into_iter().map(|(i, n, _)| (i, n)).collect();
    let today = zone_today(app.now());
    let mut out: Vec<BranchCompliance> = branches
        .into_iter()
        .map(|org| {
            let start = org.founded_on.map_or(from, |f| f.max(from));
            let h = held.get(&org.id).map(Vec::as_slice).unwrap_or(&[]);
            let (colour, kinds) = dom::compliance(&rules.requirements, h, start, to, today, rules.yellow_pct);
            BranchCompliance {
                enterprise_name: org.enterprise_id.and_then(|e| ents.get(&e).cloned()),
                org,
                colour,
                kinds,
            }
        })
        .collect();
    out.sort_by(|a, b| b.colour.cmp(&a.colour).then_with(|| a.org.name.cmp(&b.org.name)));
    Ok(out)
}

/// Counts by colour.
pub fn colour_counts(rows: &[BranchCompliance]) -> BTreeMap<&'static str, i64> {
    let mut m = BTreeMap::from([("green", 0), ("yellow", 0), ("red", 0)]);
    for r in rows {
        *m.entry(match r.colour {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        })
        .or_default() += 1;
    }
    m
}

/// The members of an organization's subtree who may attend (for the attendance checklist).
pub async fn attendable(app: &App, actor: &Actor, org_id: Uuid) -> Result<Vec<(Uuid, String)>, AppError> {
    actor.require(Permission::PartyRecord)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let f = MemberFilter { org_ids: Some(subtree_in(&all, &scope, org_id)), ..Default::default() };
    Ok(q::all_members(&c, &scope, &f).await?.into_iter().map(|m| (m.id, m.name)).collect())
}
