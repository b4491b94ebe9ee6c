//! The double-red creation (双红创建): designation types as data (the zone's defaults filled in
//! on first use), applications by an organization with its materials, the staff's award or
//! return, the yearly review and the revocation with a reason — each one conditional UPDATE on
//! the state and version, audited — and the public honour wall.

use std::collections::HashMap;

use chrono::NaiveDate;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::party::designation::{Action, DEFAULT_TYPES, State};
use yuanqu_store::party::{self as q, DesignationFilter, DesignationRow, DesignationTypeRow, OrgRow};

use super::scope_of;
use crate::audit::{self, By, Entry};
use crate::enterprise::zone_today;
use crate::form::text_field;
use crate::{Actor, App, AppError, RequestCtx, Uuid};

/// The zone's designation types, the defaults inserted the first time.
pub(crate) async fn types_of(app: &App, zone_id: Uuid) -> Result<Vec<DesignationTypeRow>, AppError> {
    let rows = q::designation_types(&app.db.conn(), zone_id).await?;
    if !rows.is_empty() {
        return Ok(rows);
    }
    let defaults: Vec<DesignationTypeRow> = DEFAULT_TYPES
        .iter()
        .enumerate()
        .map(|(i, (code, name, criteria, needs_leader, needs_workshop))| DesignationTypeRow {
            id: Uuid::now_v7(),
            zone_id,
            code: (*code).to_owned(),
            name: (*name).to_owned(),
            criteria: (*criteria).to_owned(),
            needs_leader: *needs_leader,
            needs_workshop: *needs_workshop,
            sort: i as i32 + 1,
        })
        .collect();
    app.db
        .write(|c| {
            let defaults = defaults.clone();
            Box::pin(async move { Ok::<_, AppError>(q::insert_designation_types(c, &defaults).await?) })
        })
        .await?;
    Ok(q::designation_types(&app.db.conn(), zone_id).await?)
}

pub async fn types(app: &App, actor: &Actor) -> Result<Vec<DesignationTypeRow>, AppError> {
    actor.require(Permission::PartyPublic)?;
    types_of(app, actor.zone_id).await
}

/// Adds a designation type the zone names (a code of its own); audited.
/// A designation type as submitted.
#[derive(Debug, Clone, Default)]
pub struct NewType {
    pub code: String,
    pub name: String,
    pub criteria: String,
    pub needs_leader: bool,
    pub needs_workshop: bool,
}

pub async fn create_type(
    app: &App,
    actor: &Actor,
    t: NewType,
    ctx: &RequestCtx,
) -> Result<DesignationTypeRow, AppError> {
    actor.require(Permission::PartyManage)?;
    let NewType { code, name, criteria, needs_leader, needs_workshop } = t;
    let mut errors = Vec::new();
    let code = text_field(&mut errors, "code", &code, 32, true);
    if !code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        errors.push(FieldError::new("code", "invalid"));
    }
    let name = text_field(&mut errors, "name", &name, 50, true);
    let criteria = text_field(&mut errors, "criteria", &criteria, 2000, false);
    let existing = types_of(app, actor.zone_id).await?;
    if existing.iter().any(|t| t.code == code) {
        errors.push(FieldError::new("code", "duplicate"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let row = DesignationTypeRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        code,
        name,
        criteria,
        needs_leader,
        needs_workshop,
        sort: existing.iter().map(|t| t.sort).max().unwrap_or(0) + 1,
    };
    let (by, now) = (By::from(actor), app.now());
    app.db
        .write(|c| {
            let (row, by, ctx) = (row.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                if q::insert_designation_types(c, std::slice::from_ref(&row)).await? == 0 {
                    return Err(AppError::field("code", "duplicate"));
                }
                let e = Entry::new("party.designation_type.create", "party_designation_type", Some(row.id))
                    .after(serde_json::json!({ "code": row.code, "name": row.name }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    Ok(row)
}

/// A designation with the names it points to.
#[derive(Debug, Clone)]
pub struct DesignationView {
    pub row: DesignationRow,
    pub type_code: String,
    pub type_name: String,
    pub org_name: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub leader_name: Option<String>,
}

pub(crate) async fn views(
    app: &App,
    zone_id: Uuid,
    rows: Vec<DesignationRow>,
) -> Result<Vec<DesignationView>, AppError> {
    let c = app.db.conn();
    let types: HashMap<Uuid, DesignationTypeRow> =
        types_of(app, zone_id).await?.into_iter().map(|t| (t.id, t)).collect();
    let orgs: HashMap<Uuid, OrgRow> = q::zone_orgs(&c, zone_id).await?.into_iter().map(|o| (o.id, o)).collect();
    let ent_ids: Vec<Uuid> = orgs.values().filter_map(|o| o.enterprise_id).collect();
    let ents: HashMap<Uuid, String> =
        q::enterprise_names(&c, zone_id, &ent_ids).await?.into_iter().map(|(i, n, _)| (i, n)).collect();
    let leader_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.leader_member_id).collect();
    let leaders: HashMap<Uuid, String> =
        q::members_by_ids(&c, zone_id, &leader_ids).await?.into_iter().map(|m| (m.id, m.name)).collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let t = types.get(&row.type_id);
            let o = orgs.get(&row.org_id);
            let enterprise_id = o.and_then(|o| o.enterprise_id);
            DesignationView {
                type_code: t.map(|t| t.code.clone()).unwrap_or_default(),
                type_name: t.map(|t| t.name.clone()).unwrap_or_default(),
                org_name: o.map(|o| o.name.clone()).unwrap_or_default(),
                enterprise_id,
                enterprise_name: enterprise_id.and_then(|e| ents.get(&e).cloned()),
                leader_name: row.leader_member_id.and_then(|m| leaders.get(&m).cloned()),
                row,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub state: Option<String>,
    pub type_id: Option<Uuid>,
    pub org_id: Option<Uuid>,
}

pub async fn list(app: &App, actor: &Actor, f: Filter) -> Result<Vec<DesignationView>, AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let filter = DesignationFilter {
        states: f.state.into_iter().collect(),
        type_id: f.type_id,
        org_ids: f.org_id.map(|o| vec![o]),
    };
    let rows = q::designations(&app.db.conn(), &scope, &filter).await?;
    views(app, actor.zone_id, rows).await
}

/// The honour wall: every current designation of the zone (awarded, not revoked), by type.
pub async fn honour_wall(app: &App, actor: &Actor) -> Result<Vec<DesignationView>, AppError> {
    actor.require(Permission::PartyPublic)?;
    let zone = actor.zone_scope();
    let filter = DesignationFilter { states: vec![State::Awarded.code().to_owned()], ..Default::default() };
    let mut v = views(app, actor.zone_id, q::designations(&app.db.conn(), &zone, &filter).await?).await?;
    v.sort_by(|a, b| {
        (&a.type_code, a.row.awarded_on, &a.row.certificate_no).cmp(&(
            &b.type_code,
            b.row.awarded_on,
            &b.row.certificate_no,
        ))
    });
    Ok(v)
}

/// An application as submitted.
#[derive(Debug, Clone)]
pub struct Application {
    pub type_id: Uuid,
    pub org_id: Uuid,
    pub title: String,
    pub workshop: String,
    pub leader_member_id: Option<Uuid>,
    pub materials: String,
}

/// An organization in the actor's reach applies for a designation; audited.
pub async fn apply(app: &App, actor: &Actor, a: Application, ctx: &RequestCtx) -> Result<DesignationView, AppError> {
    actor.require(Permission::PartyRecord)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let mut errors = Vec::new();
    let title = text_field(&mut errors, "title", &a.title, 100, true);
    let workshop = text_field(&mut errors, "workshop", &a.workshop, 100, false);
    let materials = text_field(&mut errors, "materials", &a.materials, 10_000, true);
    let types = types_of(app, actor.zone_id).await?;
    let ty = types.iter().find(|t| t.id == a.type_id);
    if ty.is_none() {
        errors.push(FieldError::new("type_id", "not_found"));
    }
    let org = q::org(&c, &scope, a.org_id).await?;
    if org.is_none() {
        errors.push(FieldError::new("org_id", "not_found"));
    }
    if let Some(t) = ty {
        if t.needs_workshop && workshop.is_empty() {
            errors.push(FieldError::new("workshop", "required"));
        }
        match a.leader_member_id {
            None if t.needs_leader => errors.push(FieldError::new("leader_member_id", "required")),
            Some(m) => {
                let ok =
                    q::members_by_ids(&c, actor.zone_id, &[m]).await?.first().is_some_and(|m| m.org_id == a.org_id);
                if !ok {
                    errors.push(FieldError::new("leader_member_id", "party.not_a_member"));
                }
            }
            None => {}
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let row = DesignationRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        type_id: a.type_id,
        org_id: a.org_id,
        title,
        workshop,
        leader_member_id: a.leader_member_id,
        materials,
        state: State::Applied.code().to_owned(),
        applied_by: actor.user_id,
        applied_at: now,
        reviewed_by: None,
        reviewed_at: None,
        review_note: String::new(),
        awarded_on: None,
        ceremony: String::new(),
        certificate_no: String::new(),
        reviewed_year: None,
        revoked_on: None,
        revoke_reason: String::new(),
        version: 1,
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, by, ctx) = (row.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_designations(c, std::slice::from_ref(&row)).await?;
                let e = Entry::new("party.designation.apply", "party_designation", Some(row.id))
                    .after(serde_json::json!({ "type_id": row.type_id, "org_id": row.org_id, "title": row.title }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    views(app, actor.zone_id, vec![row]).await?.pop().ok_or(AppError::NotFound)
}

/// What a reviewer submits with an action.
#[derive(Debug, Clone, Default)]
pub struct Review {
    pub note: String,
    pub awarded_on: Option<NaiveDate>,
    pub ceremony: String,
    pub certificate_no: String,
    pub year: Option<i32>,
    pub revoked_on: Option<NaiveDate>,
}

/// Award, return, review or revoke (party-work staff) on the version read: one conditional
/// UPDATE on the state and version; audited. From the wrong state → 409 `party.designation_state`.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    action: Action,
    r: Review,
    version: i32,
    ctx: &RequestCtx,
) -> Result<DesignationView, AppError> {
    actor.require(Permission::PartyManage)?;
    let scope = scope_of(app, actor).await?;
    let before = q::designation(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    let (from, to) = action.from_to();
    let state = State::parse(&before.state).ok_or_else(|| AppError::Internal("designation state".into()))?;
    if !from.contains(&state) {
        return Err(AppError::Transition {
            code: "party.designation_state",
            state: state.code(),
            allowed: from.iter().map(|s| s.code()).collect(),
        });
    }
    let now = app.now();
    let today = zone_today(now);
    let mut errors = Vec::new();
    let note = text_field(
        &mut errors,
        if action == Action::Revoke { "reason" } else { "note" },
        &r.note,
        500,
        action != Action::Award,
    );
    let mut row = DesignationRow {
        state: to.code().to_owned(),
        reviewed_by: Some(actor.user_id),
        reviewed_at: Some(now),
        version: version + 1,
        ..before.clone()
    };
    match action {
        Action::Award => {
            let ceremony = text_field(&mut errors, "ceremony", &r.ceremony, 200, false);
            let certificate_no = text_field(&mut errors, "certificate_no", &r.certificate_no, 50, true);
            match r.awarded_on {
                None => errors.push(FieldError::new("awarded_on", "required")),
                Some(d) if d > today => errors.push(FieldError::new("awarded_on", "date.future")),
                Some(_) => {}
            }
            row.awarded_on = r.awarded_on;
            row.ceremony = ceremony;
            row.certificate_no = certificate_no;
            row.review_note = note;
        }
        Action::Return => row.review_note = note,
        Action::Review => {
            match r.year {
                Some(y)
                    if before.awarded_on.is_some_and(|a| chrono::Datelike::year(&a) <= y)
                        && y <= chrono::Datelike::year(&today) => {}
                _ => errors.push(FieldError::new("year", "range")),
            }
            row.reviewed_year = r.year;
            row.review_note = note;
        }
        Action::Revoke => {
            match r.revoked_on {
                None => errors.push(FieldError::new("revoked_on", "required")),
                Some(d) if d > today || before.awarded_on.is_some_and(|a| d < a) => {
                    errors.push(FieldError::new("revoked_on", "range"))
                }
                Some(_) => {}
            }
            row.revoked_on = r.revoked_on;
            row.revoke_reason = note;
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let by = By::from(actor);
    let from_codes: Vec<&'static str> = from.iter().map(|s| s.code()).collect();
    app.db
        .write(|c| {
            let (row, by, ctx, before, from_codes) = (row.clone(), by.clone(), ctx.clone(), before.clone(), from_codes.clone());
            Box::pin(async move {
                if !q::review_designation(c, row.clone(), &from_codes, version).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new(
                    match action {
                        Action::Award => "party.designation.award",
                        Action::Return => "party.designation.return",
                        Action::Review => "party.designation.review",
                        Action::Revoke => "party.designation.revoke",
                    },
                    "party_designation",
                    Some(row.id),
                )
                .before(serde_json::json!({ "state": before.state }))
                .after(serde_json::json!({ "state": row.state, "certificate_no": row.certificate_no, "note": row.review_note, "revoke_reason": row.revoke_reason }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    views(app, actor.zone_id, vec![row]).await?.pop().ok_or(AppError::NotFound)
}
