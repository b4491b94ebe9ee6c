//! The party-building dashboard for a period (organizations by type, members, designations by
//! type, alliances, activities per month, meeting compliance) and the party section of an
//! enterprise's page. Every figure is counted from the records.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use yuanqu_domain::DataScope;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::party::designation::State;
use yuanqu_store::party::{self as q, ActivityFilter, DesignationFilter};

use super::activities::{self, BranchCompliance};
use super::designations::{self, DesignationView};
use super::{OrgView, org_views, scope_of};
use crate::{Actor, App, AppError, Uuid};

#[derive(Debug, Clone, Default)]
pub struct MonthCount {
    pub month: String,
    pub theme: i64,
    pub study: i64,
    pub meeting: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    pub orgs_by_type: Vec<(String, i64)>,
    pub members_total: i64,
    pub members_probationary: i64,
    /// (type code, type name, designations awarded in the period and current).
    pub designations_by_type: Vec<(String, String, i64)>,
    pub alliances: Vec<(String, i64)>,
    pub activities_by_month: Vec<MonthCount>,
    pub theme_activities: i64,
    pub study_sessions: i64,
    pub compliance: BTreeMap<&'static str, i64>,
}

/// The dashboard of the actor's reach for `[from, to]`.
pub async fn dashboard(app: &App, actor: &Actor, from: NaiveDate, to: NaiveDate) -> Result<Dashboard, AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let mine = q::orgs(&c, &scope).await?;
    let views = org_views(app, &all, mine).await?;
    let mut by_type: BTreeMap<String, i64> = BTreeMap::new();
    let (mut total, mut probationary) = (0, 0);
    for v in &views {
        *by_type.entry(v.row.org_type.clone()).or_default() += 1;
        total += v.members;
        probationary += v.probationary;
    }
    let filter = DesignationFilter { states: vec![State::Awarded.code().to_owned()], ..Default::default() };
    let current = q::designations(&c, &scope, &filter).await?;
    let types = designations::types_of(app, actor.zone_id).await?;
    let designations_by_type = types
        .iter()
        .map(|t| {
            let n = current
                .iter()
                .filter(|d| d.type_id == t.id && d.awarded_on.is_some_and(|a| a >= from && a <= to))
                .count() as i64;
            (t.code.clone(), t.name.clone(), n)
        })
        .collect();
    let alliances = match scope.data() {
        DataScope::Zone => activities::alliance_views(app, actor.zone_id).await?,
        _ => Vec::new(),
    };
    let mut by_kind: BTreeMap<String, i64> = BTreeMap::new();
    for a in &alliances {
        *by_kind.entry(a.row.kind.clone()).or_default() += 1;
    }
    let af = ActivityFilter { from: Some(from), to: Some(to), ..Default::default() };
    let mut months: BTreeMap<String, MonthCount> = BTreeMap::new();
    let mut d = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    while d <= to {
        let m = format!("{:04}-{:02}", d.year(), d.month());
        months.insert(m.clone(), MonthCount { month: m, ..Default::default() });
        d = d.checked_add_months(chrono::Months::new(1)).unwrap_or(to.succ_opt().unwrap_or(to));
        if months.len() > 120 {
            break;
        }
    }
    let (mut theme, mut study) = (0, 0);
    for (_, kind, _, day) in q::activity_days(&c, &scope, &af).await? {
        let m = months.entry(format!("{:04}-{:02}", day.year(), day.month())).or_default();
        m.month = format!("{:04}-{:02}", day.year(), day.month());
        match kind.as_str() {
            "theme" => {
                m.theme += 1;
                theme += 1;
            }
            "study" => {
                m.study += 1;
                study += 1;
            }
            _ => m.meeting += 1,
        }
    }
    let rows: Vec<BranchCompliance> = activities::compliance(app, actor, from, to, None).await?;
    Ok(Dashboard {
        orgs_by_type: by_type.into_iter().collect(),
        members_total: total,
        members_probationary: probationary,
        designations_by_type,
        alliances: by_kind.into_iter().collect(),
        activities_by_month: months.into_values().collect(),
        theme_activities: theme,
        study_sessions: study,
        compliance: activities::colour_counts(&rows),
    })
}

/// The party section of an enterprise's page: its organizations (public fields), current
/// designations and latest activities (title, kind, day). An enterprise account: its own only.
pub async fn enterprise_section(
    app: &App,
    actor: &Actor,
    enterprise_id: Uuid,
) -> Result<(Vec<OrgView>, Vec<DesignationView>, Vec<(Uuid, String, String, NaiveDate)>), AppError> {
    actor.require(Permission::PartyPublic)?;
    if actor.enterprise_id.is_some_and(|e| e != enterprise_id) {
        return Err(AppError::NotFound);
    }
    let c = app.db.conn();
    if actor.enterprise_id.is_none() {
        // Staff: the enterprise must be one they can read.
        let scope = actor.zone_scope();
        yuanqu_store::enterprise::enterprise(&c, &scope, enterprise_id).await?.ok_or(AppError::NotFound)?;
    }
    let scope = yuanqu_domain::Scope::new(actor.zone_id, DataScope::Enterprise(enterprise_id));
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let mine = q::orgs(&c, &scope).await?;
    let ids: Vec<Uuid> = mine.iter().map(|o| o.id).collect();
    let orgs = org_views(app, &all, mine).await?;
    let filter = DesignationFilter {
        states: vec![State::Awarded.code().to_owned()],
        org_ids: Some(ids.clone()),
        ..Default::default()
    };
    let designations = designations::views(app, actor.zone_id, q::designations(&c, &scope, &filter).await?).await?;
    let af = ActivityFilter { org_ids: Some(ids), ..Default::default() };
    let recent = q::activities(&c, &scope, &af, crate::PageReq { page: 1, size: 5 })
        .await?
        .items
        .into_iter()
        .map(|a| (a.id, a.title, a.kind, a.held_on))
        .collect();
    Ok((orgs, designations, recent))
}
