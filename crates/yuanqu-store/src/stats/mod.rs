//! Queries of the statistics module (issue 4): monthly reports, check and warning rules,
//! rollups, targets. Every report query takes a `Scope` (an enterprise account reaches only its
//! own reports); every state change is one conditional `UPDATE … WHERE state = ? [AND version = ?]`.

pub mod dashboard;
pub mod rollup;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;
use yuanqu_domain::stats::Values;
use yuanqu_domain::stats::checks::DEFAULT_CHECKS;
use yuanqu_domain::stats::warnings::DEFAULT_WARNINGS;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{enterprise, stat_report, stat_rule};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use stat_report::Model as ReportRow;
pub use stat_rule::Model as RuleRow;

pub const DRAFT: &str = "draft";
pub const SUBMITTED: &str = "submitted";
pub const RETURNED: &str = "returned";
pub const VERIFIED: &str = "verified";

/// A report's values as the domain sees them.
pub fn values_of(r: &ReportRow) -> Values {
    Values {
        output_fen: r.output_fen,
        revenue_fen: r.revenue_fen,
        profit_fen: r.profit_fen,
        tax_fen: r.tax_fen,
        electricity_kwh: r.electricity_kwh,
        employees: r.employees,
        rd_fen: r.rd_fen,
    }
}

fn report_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(stat_report::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Enterprise(id) => base.add(stat_report::Column::EnterpriseId.eq(*id)),
        DataScope::Own(_) | DataScope::PartyOrganizations(_) => base.add(Expr::val(1).eq(0)),
        DataScope::Zone | DataScope::Departments(_) => base,
    }
}

pub async fn report(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<ReportRow>> {
    Ok(stat_report::Entity::find_by_id(id).filter(report_scope(scope)).one(c.ex()).await?)
}

pub async fn report_of(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid, period: i32) -> Result<Option<ReportRow>> {
    Ok(stat_report::Entity::find()
        .filter(report_scope(scope))
        .filter(stat_report::Column::EnterpriseId.eq(enterprise_id))
        .filter(stat_report::Column::Period.eq(period))
        .one(c.ex())
        .await?)
}

/// The reports of some enterprises in some periods (an import's existing rows, a report's
/// year-ago and previous month).
pub async fn reports_at(
    c: &Conn<'_>,
    scope: &Scope,
    enterprise_ids: &[Uuid],
    periods: &[i32],
) -> Result<Vec<ReportRow>> {
    let mut out = Vec::new();
    for chunk in enterprise_ids.chunks(500) {
        out.extend(
            stat_report::Entity::find()
                .filter(report_scope(scope))
                .filter(stat_report::Column::EnterpriseId.is_in(chunk.to_vec()))
                .filter(stat_report::Column::Period.is_in(periods.to_vec()))
                .all(c.ex())
                .await?,
        );
    }
    Ok(out)
}

/// Reports of the scope from `from` to `to` in the given states, oldest first (warnings and an
/// enterprise's series read their history with this one query).
pub async fn reports_between(
    c: &Conn<'_>,
    scope: &Scope,
    enterprise_id: Option<Uuid>,
    from: i32,
    to: i32,
    states: &[&str],
) -> Result<Vec<ReportRow>> {
    let mut q = stat_report::Entity::find()
        .filter(report_scope(scope))
        .filter(stat_report::Column::Period.between(from, to))
        .filter(stat_report::Column::State.is_in(states.iter().map(|s| (*s).to_owned())));
    if let Some(e) = enterprise_id {
        q = q.filter(stat_report::Column::EnterpriseId.eq(e));
    }
    Ok(q.order_by_asc(stat_report::Column::Period).all(c.ex()).await?)
}

/// What the early warnings read of a report: enterprise, period, output, electricity, submitted at.
pub type HistoryRow = (Uuid, i32, Option<i64>, Option<i64>, Option<DateTime<Utc>>);

/// The submitted and verified reports of the zone from `from` to `to`, only the columns the
/// warnings need (one narrow query over every enterprise).
pub async fn history_between(c: &Conn<'_>, zone: &Scope, from: i32, to: i32) -> Result<Vec<HistoryRow>> {
    Ok(stat_report::Entity::find()
        .select_only()
        .column(stat_report::Column::EnterpriseId)
        .column(stat_report::Column::Period)
        .column(stat_report::Column::OutputFen)
        .column(stat_report::Column::ElectricityKwh)
        .column(stat_report::Column::SubmittedAt)
        .filter(stat_report::Column::ZoneId.eq(zone.zone_id()))
        .filter(stat_report::Column::Period.between(from, to))
        .filter(stat_report::Column::State.is_in([SUBMITTED, VERIFIED]))
        .into_tuple()
        .all(c.ex())
        .await?)
}

#[derive(Debug, Default, Clone)]
pub struct ReportFilter {
    pub period: Option<i32>,
    pub state: Option<String>,
    pub flagged: Option<bool>,
    pub park_id: Option<Uuid>,
    /// Enterprise name or USCC contains.
    pub q: Option<String>,
}

/// A report with its enterprise's name and USCC.
#[derive(Debug, Clone)]
pub struct ReportListItem {
    pub report: ReportRow,
    pub enterprise_name: String,
    pub uscc: String,
}

pub async fn reports(c: &Conn<'_>, scope: &Scope, f: &ReportFilter, page: PageReq) -> Result<Page<ReportListItem>> {
    let mut cond = report_scope(scope);
    if let Some(p) = f.period {
        cond = cond.add(stat_report::Column::Period.eq(p));
    }
    if let Some(s) = &f.state {
        cond = cond.add(stat_report::Column::State.eq(s.clone()));
    }
    match f.flagged {
        Some(true) => cond = cond.add(stat_report::Column::Flags.ne("[]")),
        Some(false) => cond = cond.add(stat_report::Column::Flags.eq("[]")),
        None => {}
    }
    if let Some(p) = f.park_id {
        cond = cond.add(stat_report::Column::ParkId.eq(p));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pat = like_pattern(q);
        let ids: Vec<Uuid> = enterprise::Entity::find()
            .select_only()
            .column(enterprise::Column::Id)
            .filter(enterprise::Column::ZoneId.eq(scope.zone_id()))
            .filter(
                Condition::any()
                    .add(enterprise::Column::Name.like(pat.clone()))
                    .add(enterprise::Column::Uscc.like(pat)),
            )
            .into_tuple()
            .all(c.ex())
            .await?;
        cond = cond.add(stat_report::Column::EnterpriseId.is_in(ids));
    }
    let query = stat_report::Entity::find().filter(cond);
    let total = query.clone().count(c.ex()).await?;
    let rows = query
        .order_by_desc(stat_report::Column::Period)
        .order_by_desc(stat_report::Column::UpdatedAt)
        .order_by_asc(stat_report::Column::Id)
        .offset((page.page - 1) * page.size)
        .limit(page.size)
        .all(c.ex())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.enterprise_id).collect();
    let names: std::collections::HashMap<Uuid, (String, String)> = enterprise::Entity::find()
        .filter(enterprise::Column::ZoneId.eq(scope.zone_id()))
        .filter(enterprise::Column::Id.is_in(ids))
        .all(c.ex())
        .await?
        .into_iter()
        .map(|e| (e.id, (e.name, e.uscc)))
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let (enterprise_name, uscc) = names.get(&r.enterprise_id).cloned().unwrap_or_default();
            ReportListItem { report: r, enterprise_name, uscc }
        })
        .collect();
    Ok(Page { items, total })
}

pub async fn insert_report(c: &Conn<'_>, scope: &Scope, row: ReportRow) -> Result<ReportRow> {
    let am: stat_report::ActiveModel = ReportRow { zone_id: scope.zone_id(), ..row }.into();
    Ok(am.reset_all().insert(c.ex()).await?)
}

/// Inserts many reports in chunks (an import).
pub async fn insert_reports(c: &Conn<'_>, scope: &Scope, rows: &[ReportRow]) -> Result<()> {
    for chunk in rows.chunks(100) {
        let models: Vec<stat_report::ActiveModel> = chunk
            .iter()
            .map(|r| stat_report::ActiveModel::from(ReportRow { zone_id: scope.zone_id(), ..r.clone() }).reset_all())
            .collect();
        stat_report::Entity::insert_many(models).exec_without_returning(c.ex()).await?;
    }
    Ok(())
}

/// Deletes reports that are not verified (an import replaces them); returns how many went.
pub async fn delete_unverified(c: &Conn<'_>, scope: &Scope, ids: &[Uuid]) -> Result<u64> {
    let mut n = 0;
    for chunk in ids.chunks(500) {
        n += stat_report::Entity::delete_many()
            .filter(report_scope(scope))
            .filter(stat_report::Column::Id.is_in(chunk.to_vec()))
            .filter(stat_report::Column::State.ne(VERIFIED))
            .exec(c.ex())
            .await?
            .rows_affected;
    }
    Ok(n)
}

fn set_values(u: sea_orm::UpdateMany<stat_report::Entity>, v: &Values) -> sea_orm::UpdateMany<stat_report::Entity> {
    u.col_expr(stat_report::Column::OutputFen, Expr::value(v.output_fen))
        .col_expr(stat_report::Column::RevenueFen, Expr::value(v.revenue_fen))
        .col_expr(stat_report::Column::ProfitFen, Expr::value(v.profit_fen))
        .col_expr(stat_report::Column::TaxFen, Expr::value(v.tax_fen))
        .col_expr(stat_report::Column::ElectricityKwh, Expr::value(v.electricity_kwh))
        .col_expr(stat_report::Column::Employees, Expr::value(v.employees))
        .col_expr(stat_report::Column::RdFen, Expr::value(v.rd_fen))
}

fn bump(u: sea_orm::UpdateMany<stat_report::Entity>, now: DateTime<Utc>) -> sea_orm::UpdateMany<stat_report::Entity> {
    u.col_expr(stat_report::Column::Version, Expr::col(stat_report::Column::Version).add(1))
        .col_expr(stat_report::Column::UpdatedAt, Expr::value(now))
}

fn states(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Changes a draft or returned report's values if `version` still matches.
pub async fn update_values(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    version: i64,
    v: &Values,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = bump(set_values(stat_report::Entity::update_many(), v), now)
        .filter(report_scope(scope))
        .filter(stat_report::Column::Id.eq(id))
        .filter(stat_report::Column::Version.eq(version))
        .filter(stat_report::Column::State.is_in(states(&[DRAFT, RETURNED])))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// draft/returned → submitted, with the flags the checks found, if `version` still matches.
pub async fn submit(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    version: i64,
    flags: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = bump(stat_report::Entity::update_many(), now)
        .col_expr(stat_report::Column::State, Expr::value(SUBMITTED))
        .col_expr(stat_report::Column::Flags, Expr::value(flags.to_owned()))
        .col_expr(stat_report::Column::SubmittedAt, Expr::value(Some(now)))
        .filter(report_scope(scope))
        .filter(stat_report::Column::Id.eq(id))
        .filter(stat_report::Column::Version.eq(version))
        .filter(stat_report::Column::State.is_in(states(&[DRAFT, RETURNED])))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// submitted → returned with the reason.
pub async fn return_report(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    version: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = bump(stat_report::Entity::update_many(), now)
        .col_expr(stat_report::Column::State, Expr::value(RETURNED))
        .col_expr(stat_report::Column::ReturnReason, Expr::value(Some(reason.to_owned())))
        .filter(report_scope(scope))
        .filter(stat_report::Column::Id.eq(id))
        .filter(stat_report::Column::Version.eq(version))
        .filter(stat_report::Column::State.eq(SUBMITTED))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// The enterprise's registry values a verified report keeps.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub park_id: Uuid,
    pub industry_code: Option<String>,
    pub above_scale: bool,
}

/// submitted → verified, copying the enterprise's park, industry and scale.
pub async fn verify(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    version: i64,
    snap: &Snapshot,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = bump(stat_report::Entity::update_many(), now)
        .col_expr(stat_report::Column::State, Expr::value(VERIFIED))
        .col_expr(stat_report::Column::ParkId, Expr::value(snap.park_id))
        .col_expr(stat_report::Column::IndustryCode, Expr::value(snap.industry_code.clone()))
        .col_expr(stat_report::Column::AboveScale, Expr::value(snap.above_scale))
        .col_expr(stat_report::Column::VerifiedAt, Expr::value(Some(now)))
        .col_expr(stat_report::Column::VerifiedBy, Expr::value(Some(by)))
        .filter(report_scope(scope))
        .filter(stat_report::Column::Id.eq(id))
        .filter(stat_report::Column::Version.eq(version))
        .filter(stat_report::Column::State.eq(SUBMITTED))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// A verified report's values corrected, if `version` still matches.
pub async fn correct(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    version: i64,
    v: &Values,
    flags: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = bump(set_values(stat_report::Entity::update_many(), v), now)
        .col_expr(stat_report::Column::Flags, Expr::value(flags.to_owned()))
        .filter(report_scope(scope))
        .filter(stat_report::Column::Id.eq(id))
        .filter(stat_report::Column::Version.eq(version))
        .filter(stat_report::Column::State.eq(VERIFIED))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- rules

/// The id a default rule has in a zone, the same whether it is stored yet or not (the zone's
/// id with the rule's position mixed into its last bits), so `PATCH /stats/rules/{id}` works on
/// a zone whose defaults were never written.
pub fn default_rule_id(zone_id: Uuid, index: usize) -> Uuid {
    Uuid::from_u128(zone_id.as_u128() ^ (0x5354_0000 + index as u128 + 1))
}

/// The zone's default rules as rows (check rules first, then warning rules).
pub fn default_rule_rows(zone_id: Uuid, now: DateTime<Utc>) -> Vec<RuleRow> {
    let checks = DEFAULT_CHECKS
        .iter()
        .map(|(code, kind, metric, t)| (*code, "check", kind.code(), metric.map(|m| m.code().to_owned()), *t, None));
    let warnings = DEFAULT_WARNINGS
        .iter()
        .map(|(code, kind, t, months)| (*code, "warning", kind.code(), None, Some(*t), Some(*months as i32)));
    checks
        .chain(warnings)
        .enumerate()
        .map(|(i, (code, purpose, kind, metric, threshold, months))| RuleRow {
            id: default_rule_id(zone_id, i),
            zone_id,
            code: code.to_owned(),
            purpose: purpose.to_owned(),
            kind: kind.to_owned(),
            metric,
            threshold,
            months,
            enabled: true,
            version: 1,
            created_at: now,
        })
        .collect()
}

/// Writes the default rules a zone lacks (by code); called when a zone is created and before
/// the first rule change.
pub async fn ensure_default_rules(c: &Conn<'_>, zone_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let models: Vec<stat_rule::ActiveModel> =
        default_rule_rows(zone_id, now).into_iter().map(|r| stat_rule::ActiveModel::from(r).reset_all()).collect();
    stat_rule::Entity::insert_many(models)
        .on_conflict_do_nothing_on([stat_rule::Column::ZoneId, stat_rule::Column::Code])
        .exec_without_returning(c.ex())
        .await?;
    Ok(())
}

/// The zone's stored rules, in code order within purpose.
pub async fn rules(c: &Conn<'_>, zone: &Scope) -> Result<Vec<RuleRow>> {
    Ok(stat_rule::Entity::find()
        .filter(stat_rule::Column::ZoneId.eq(zone.zone_id()))
        .order_by_asc(stat_rule::Column::Purpose)
        .order_by_asc(stat_rule::Column::Code)
        .all(c.ex())
        .await?)
}

/// Changes a rule if `version` still matches.
pub async fn update_rule(c: &Conn<'_>, zone: &Scope, row: &RuleRow) -> Result<bool> {
    let r = stat_rule::Entity::update_many()
        .col_expr(stat_rule::Column::Threshold, Expr::value(row.threshold))
        .col_expr(stat_rule::Column::Months, Expr::value(row.months))
        .col_expr(stat_rule::Column::Enabled, Expr::value(row.enabled))
        .col_expr(stat_rule::Column::Version, Expr::col(stat_rule::Column::Version).add(1))
        .filter(stat_rule::Column::ZoneId.eq(zone.zone_id()))
        .filter(stat_rule::Column::Id.eq(row.id))
        .filter(stat_rule::Column::Version.eq(row.version))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- enterprises for statistics

/// Every enterprise of the zone (id, name, uscc, park, industry, above scale, status): imports
/// resolve USCCs and warnings list non-reporters with it.
pub async fn zone_enterprises(c: &Conn<'_>, scope: &Scope) -> Result<Vec<crate::identity::EnterpriseRow>> {
    let mut q = enterprise::Entity::find().filter(enterprise::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Enterprise(id) => q = q.filter(enterprise::Column::Id.eq(*id)),
        DataScope::Own(_) | DataScope::PartyOrganizations(_) => q = q.filter(Expr::val(1).eq(0)),
        DataScope::Zone | DataScope::Departments(_) => {}
    }
    Ok(q.all(c.ex()).await?)
}

/// A quick set of a `ReportRow`'s defaults for a new report.
pub fn new_report(
    zone_id: Uuid,
    enterprise: &crate::identity::EnterpriseRow,
    period: i32,
    v: &Values,
    source: &str,
    now: DateTime<Utc>,
) -> ReportRow {
    ReportRow {
        id: Uuid::now_v7(),
        zone_id,
        enterprise_id: enterprise.id,
        period,
        park_id: enterprise.park_id,
        industry_code: enterprise.industry_code.clone(),
        above_scale: enterprise.above_scale,
        output_fen: v.output_fen,
        revenue_fen: v.revenue_fen,
        profit_fen: v.profit_fen,
        tax_fen: v.tax_fen,
        electricity_kwh: v.electricity_kwh,
        employees: v.employees,
        rd_fen: v.rd_fen,
        state: DRAFT.to_owned(),
        flags: "[]".to_owned(),
        return_reason: None,
        source: source.to_owned(),
        submitted_at: None,
        verified_at: None,
        verified_by: None,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}
