//! Exports in the national party-member system's collection set (全国党员管理信息系统: 10 fields
//! of an organization and its unit, 16 of a member) as .xlsx, and a branch's regular meetings
//! of a year as .docx. The collection set carries full ID card numbers (the national system
//! keys members by them): party-work staff only, audited with the count.

use std::collections::HashMap;

use chrono::NaiveDate;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::party::OrgType;
use yuanqu_office::party::{MeetingKind, MeetingRecord, NationalMember, NationalOrg};
use yuanqu_store::party::{self as q, ActivityFilter, MemberFilter};

use super::members::id_card_of;
use super::{scope_of, subtree_in};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, PageReq, RequestCtx, Uuid};

fn err(e: yuanqu_office::party::PartyExportError) -> AppError {
    AppError::Internal(e.to_string())
}

/// A short, stable code of an organization for the sheets (its id's first 8 hex digits).
fn code(id: Uuid) -> String {
    id.simple().to_string()[..8].to_uppercase()
}

/// The collection set of the actor's organizations and members.
pub async fn national(app: &App, actor: &Actor, ctx: &RequestCtx) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::PartyManage)?;
    actor.require(Permission::PartyReveal)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let views = super::org_views(app, &all, q::orgs(&c, &scope).await?).await?;
    let ent_ids: Vec<Uuid> = all.iter().filter_map(|o| o.enterprise_id).collect();
    let ents: HashMap<Uuid, (String, String)> =
        q::enterprise_names(&c, actor.zone_id, &ent_ids).await?.into_iter().map(|(i, n, u)| (i, (n, u))).collect();
    let by_id: HashMap<Uuid, &yuanqu_store::party::OrgRow> = all.iter().map(|o| (o.id, o)).collect();
    let orgs: Vec<NationalOrg> = views
        .iter()
        .map(|v| {
            let o = &v.row;
            let unit = o.enterprise_id.and_then(|e| ents.get(&e).cloned()).unwrap_or_default();
            NationalOrg {
                name: o.name.clone(),
                code: code(o.id),
                category: OrgType::parse(&o.org_type).map(|t| t.name_zh().to_owned()).unwrap_or_default(),
                parent: o.parent_id.and_then(|p| by_id.get(&p)).map(|p| p.name.clone()).unwrap_or_default(),
                founded_on: o.founded_on,
                secretary: o.secretary_name.clone(),
                members: v.members as u32,
                unit_name: unit.0,
                unit_uscc: unit.1,
                workshop: o.workshop.clone(),
            }
        })
        .collect();
    let rows = q::all_members(&c, &scope, &MemberFilter::default()).await?;
    let mut members = Vec::with_capacity(rows.len());
    for m in &rows {
        let org = by_id.get(&m.org_id);
        members.push(NationalMember {
            org_code: code(m.org_id),
            name: m.name.clone(),
            gender: if m.gender == "m" { "男" } else { "女" }.to_owned(),
            ethnicity: m.ethnicity.clone(),
            birth_on: m.birth_on,
            id_card: id_card_of(app, m)?,
            education: m.education.clone(),
            joined_on: Some(m.joined_on),
            full_on: m.full_on,
            standing: if m.standing == "full" { "正式党员" } else { "预备党员" }.to_owned(),
            probation_ends_on: m.probation_ends_on,
            post: m.post.clone(),
            phone: m.phone.clone().unwrap_or_default(),
            branch: org.map(|o| o.name.clone()).unwrap_or_default(),
            entered_branch_on: None,
            personnel_category: "在岗职工".to_owned(),
            household: String::new(),
        });
    }
    let bytes = yuanqu_office::party::national_xlsx(&orgs, &members).map_err(err)?;
    let (by, now) = (By::from(actor), app.now());
    let summary = serde_json::json!({ "organizations": orgs.len(), "members": members.len(), "unmasked": true });
    app.db
        .write(|c| {
            let (by, ctx, summary) = (by.clone(), ctx.clone(), summary.clone());
            Box::pin(async move {
                audit::record(c, now, &by, &ctx, Entry::new("party.export", "party_member", None).after(summary)).await
            })
        })
        .await?;
    Ok(bytes)
}

/// A branch's regular meetings (三会一课) of a year as .docx, with attendance by name.
pub async fn meetings_docx(app: &App, actor: &Actor, org_id: Uuid, year: i32) -> Result<(Vec<u8>, String), AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let org = q::org(&c, &scope, org_id).await?.ok_or(AppError::NotFound)?;
    let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) else {
        return Err(AppError::field("year", "range"));
    };
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let f = ActivityFilter {
        org_ids: Some(subtree_in(&all, &scope, org_id).into_iter().filter(|o| *o == org_id).collect()),
        kind: Some("meeting".into()),
        from: Some(from),
        to: Some(to),
        ..Default::default()
    };
    let acts = q::activities(&c, &scope, &f, PageReq { page: 1, size: 1000 }).await?.items;
    let ids: Vec<Uuid> = acts.iter().map(|a| a.id).collect();
    let att = q::attendance(&c, actor.zone_id, &ids).await?;
    let member_ids: Vec<Uuid> = att.iter().map(|a| a.member_id).collect();
    let names: HashMap<Uuid, String> =
        q::members_by_ids(&c, actor.zone_id, &member_ids).await?.into_iter().map(|m| (m.id, m.name)).collect();
    let mut meetings: Vec<MeetingRecord> = acts
        .into_iter()
        .filter_map(|a| {
            let kind = a.meeting_kind.as_deref().and_then(MeetingKind::from_code)?;
            let mut present = Vec::new();
            let mut absent = Vec::new();
            for x in att.iter().filter(|x| x.activity_id == a.id) {
                let n = names.get(&x.member_id).cloned().unwrap_or_default();
                if x.present { present.push(n) } else { absent.push(n) }
            }
            present.sort();
            absent.sort();
            Some(MeetingRecord {
                kind,
                held_on: a.held_on,
                place: a.place,
                title: a.title,
                theme: a.theme,
                present,
                absent,
                agenda: a.agenda,
                minutes: a.summary,
            })
        })
        .collect();
    meetings.sort_by_key(|m| m.held_on);
    let zone = yuanqu_store::identity::zone_by_id(&c, actor.zone_id).await?.map(|z| z.name).unwrap_or_default();
    let bytes = yuanqu_office::party::meetings_docx(&zone, &org.name, year, &meetings).map_err(err)?;
    Ok((bytes, format!("meetings-{year}.docx")))
}
