//! Queries of the per-mu efficiency evaluation (亩均效益评价): schemes (one per zone and year)
//! and their results. Every query takes a `Scope`; an enterprise account's scope reaches only its
//! own results.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, Set,
};
use uuid::Uuid;
use yuanqu_domain::{DataScope, Scope};

use crate::entity::{enterprise, eval_result, eval_scheme, park, stat_report};
use crate::{Conn, Page, PageReq, Result, like_pattern};

pub use eval_result::Model as ResultRow;
pub use eval_scheme::Model as SchemeRow;

pub const DRAFT: &str = "draft";
pub const RUN: &str = "run";
pub const PUBLISHED: &str = "published";

/// Results are written in chunks of this many rows (13 columns each: well under SQLite's and
/// PostgreSQL's bind-parameter limits).
const CHUNK: usize = 500;

fn result_scope(scope: &Scope) -> Condition {
    let base = Condition::all().add(eval_result::Column::ZoneId.eq(scope.zone_id()));
    match scope.data() {
        DataScope::Enterprise(id) => base.add(eval_result::Column::EnterpriseId.eq(*id)),
        DataScope::Own(_) | DataScope::PartyOrganizations(_) => base.add(Expr::val(1).eq(0)),
        DataScope::Zone | DataScope::Departments(_) => base,
    }
}

// ---------------------------------------------------------------- schemes

/// The zone's schemes, latest year first.
pub async fn schemes(c: &Conn<'_>, scope: &Scope) -> Result<Vec<SchemeRow>> {
    Ok(eval_scheme::Entity::find()
        .filter(eval_scheme::Column::ZoneId.eq(scope.zone_id()))
        .order_by_desc(eval_scheme::Column::Year)
        .all(c.ex())
        .await?)
}

pub async fn scheme(c: &Conn<'_>, scope: &Scope, id: Uuid) -> Result<Option<SchemeRow>> {
    Ok(eval_scheme::Entity::find_by_id(id).filter(eval_scheme::Column::ZoneId.eq(scope.zone_id())).one(c.ex()).await?)
}

pub async fn insert_scheme(c: &Conn<'_>, scope: &Scope, row: SchemeRow) -> Result<SchemeRow> {
    let row = SchemeRow { zone_id: scope.zone_id(), version: 1, ..row };
    eval_scheme::Entity::insert(eval_scheme::ActiveModel::from(row.clone())).exec(c.ex()).await?;
    Ok(row)
}

/// Changes the configuration if `version` matches and the scheme is not published; returns
/// whether a row changed.
pub async fn update_config(
    c: &Conn<'_>,
    scope: &Scope,
    id: Uuid,
    version: i64,
    config: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let r = eval_scheme::Entity::update_many()
        .col_expr(eval_scheme::Column::Config, Expr::value(config.to_owned()))
        .col_expr(eval_scheme::Column::UpdatedAt, Expr::value(now))
        .col_expr(eval_scheme::Column::Version, Expr::col(eval_scheme::Column::Version).add(1))
        .filter(eval_scheme::Column::Id.eq(id))
        .filter(eval_scheme::Column::ZoneId.eq(scope.zone_id()))
        .filter(eval_scheme::Column::Version.eq(version))
        .filter(eval_scheme::Column::Status.ne(PUBLISHED))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Marks a scheme run, if it is not published and its configuration is still the one that was
/// evaluated (`version`); returns whether a row changed.
pub async fn mark_run(c: &Conn<'_>, scope: &Scope, id: Uuid, version: i64, now: DateTime<Utc>) -> Result<bool> {
    let r = eval_scheme::Entity::update_many()
        .col_expr(eval_scheme::Column::Status, Expr::value(RUN))
        .col_expr(eval_scheme::Column::RunAt, Expr::value(Some(now)))
        .col_expr(eval_scheme::Column::UpdatedAt, Expr::value(now))
        .col_expr(eval_scheme::Column::Version, Expr::col(eval_scheme::Column::Version).add(1))
        .filter(eval_scheme::Column::Id.eq(id))
        .filter(eval_scheme::Column::ZoneId.eq(scope.zone_id()))
        .filter(eval_scheme::Column::Version.eq(version))
        .filter(eval_scheme::Column::Status.ne(PUBLISHED))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// `run` → `published` in one conditional statement; returns whether a row changed.
pub async fn publish(c: &Conn<'_>, scope: &Scope, id: Uuid, by: Uuid, now: DateTime<Utc>) -> Result<bool> {
    let r = eval_scheme::Entity::update_many()
        .col_expr(eval_scheme::Column::Status, Expr::value(PUBLISHED))
        .col_expr(eval_scheme::Column::PublishedAt, Expr::value(Some(now)))
        .col_expr(eval_scheme::Column::PublishedBy, Expr::value(Some(by)))
        .col_expr(eval_scheme::Column::UpdatedAt, Expr::value(now))
        .col_expr(eval_scheme::Column::Version, Expr::col(eval_scheme::Column::Version).add(1))
        .filter(eval_scheme::Column::Id.eq(id))
        .filter(eval_scheme::Column::ZoneId.eq(scope.zone_id()))
        .filter(eval_scheme::Column::Status.eq(RUN))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

// ---------------------------------------------------------------- inputs

/// One enterprise's sums of a year's verified reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, FromQueryResult)]
pub struct YearSums {
    pub enterprise_id: Uuid,
    pub tax_fen: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub output_fen: Option<i64>,
    pub electricity_kwh: Option<i64>,
    pub rd_fen: Option<i64>,
    pub employees_sum: Option<i64>,
    /// Months that reported employees (for the average).
    pub employee_months: i64,
}

fn sum(col: stat_report::Column) -> Expr {
    Func::cast_as(Func::sum(Expr::col(col)), "BIGINT").into()
}

/// The year's VERIFIED reports summed per enterprise, in one grouped query.
pub async fn year_sums(c: &Conn<'_>, scope: &Scope, year: i32) -> Result<Vec<YearSums>> {
    use stat_report::Column as R;
    Ok(stat_report::Entity::find()
        .select_only()
        .column(R::EnterpriseId)
        .column_as(sum(R::TaxFen), "tax_fen")
        .column_as(sum(R::RevenueFen), "revenue_fen")
        .column_as(sum(R::OutputFen), "output_fen")
        .column_as(sum(R::ElectricityKwh), "electricity_kwh")
        .column_as(sum(R::RdFen), "rd_fen")
        .column_as(sum(R::Employees), "employees_sum")
        .column_as(Expr::expr(Func::cast_as(Func::count(Expr::col(R::Employees)), "BIGINT")), "employee_months")
        .filter(R::ZoneId.eq(scope.zone_id()))
        .filter(R::Period.between(year * 100 + 1, year * 100 + 12))
        .filter(R::State.eq(crate::stats::rollup::VERIFIED))
        .group_by(R::EnterpriseId)
        .into_model::<YearSums>()
        .all(c.ex())
        .await?)
}

/// Every enterprise of the zone with its land area and its status (`operating`, `suspended`,
/// `closed`, `moved_out`).
pub async fn lands(c: &Conn<'_>, scope: &Scope) -> Result<Vec<(Uuid, Option<i64>, String)>> {
    Ok(enterprise::Entity::find()
        .select_only()
        .column(enterprise::Column::Id)
        .column(enterprise::Column::LandAreaCentiMu)
        .column(enterprise::Column::Status)
        .filter(enterprise::Column::ZoneId.eq(scope.zone_id()))
        .into_tuple::<(Uuid, Option<i64>, String)>()
        .all(c.ex())
        .await?)
}

/// Last year's class and rank per enterprise.
pub async fn classes_of_year(c: &Conn<'_>, scope: &Scope, year: i32) -> Result<Vec<(Uuid, String, i32)>> {
    Ok(eval_result::Entity::find()
        .select_only()
        .column(eval_result::Column::EnterpriseId)
        .column(eval_result::Column::Class)
        .column(eval_result::Column::Rank)
        .filter(eval_result::Column::ZoneId.eq(scope.zone_id()))
        .filter(eval_result::Column::Year.eq(year))
        .into_tuple::<(Uuid, String, i32)>()
        .all(c.ex())
        .await?)
}

/// Replaces a scheme's results (call inside the writing transaction): one delete, then batch
/// inserts.
pub async fn replace_results(c: &Conn<'_>, scope: &Scope, scheme_id: Uuid, rows: &[ResultRow]) -> Result<u64> {
    let deleted = eval_result::Entity::delete_many()
        .filter(eval_result::Column::ZoneId.eq(scope.zone_id()))
        .filter(eval_result::Column::SchemeId.eq(scheme_id))
        .exec(c.ex())
        .await?
        .rows_affected;
    for chunk in rows.chunks(CHUNK) {
        let models: Vec<eval_result::ActiveModel> = chunk
            .iter()
            .map(|r| eval_result::ActiveModel { zone_id: Set(scope.zone_id()), ..r.clone().into() })
            .collect();
        eval_result::Entity::insert_many(models).exec(c.ex()).await?;
    }
    Ok(deleted)
}

// ---------------------------------------------------------------- results

/// A result with its enterprise's name and park.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct ResultItem {
    #[sea_orm(nested)]
    pub result: ResultRow,
    pub enterprise_name: String,
    pub park_id: Uuid,
    pub park_name: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ResultFilter {
    pub class: Option<String>,
    pub park_id: Option<Uuid>,
    pub q: Option<String>,
}

fn results_query(scope: &Scope, scheme_id: Uuid, f: &ResultFilter) -> sea_orm::Select<eval_result::Entity> {
    let ent: RelationDef = eval_result::Entity::belongs_to(enterprise::Entity)
        .from(eval_result::Column::EnterpriseId)
        .to(enterprise::Column::Id)
        .into();
    let pk: RelationDef =
        enterprise::Entity::belongs_to(park::Entity).from(enterprise::Column::ParkId).to(park::Column::Id).into();
    let mut cond = result_scope(scope).add(eval_result::Column::SchemeId.eq(scheme_id));
    if let Some(class) = f.class.as_deref().filter(|c| !c.is_empty()) {
        cond = cond.add(eval_result::Column::Class.eq(class));
    }
    if let Some(p) = f.park_id {
        cond = cond.add(Expr::col((enterprise::Entity, enterprise::Column::ParkId)).eq(p));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let p = like_pattern(q);
        cond = cond.add(
            Condition::any()
                .add(Expr::col((enterprise::Entity, enterprise::Column::Name)).like(p.clone()))
                .add(Expr::col((enterprise::Entity, enterprise::Column::Uscc)).like(p)),
        );
    }
    eval_result::Entity::find()
        .join(JoinType::InnerJoin, ent)
        .join(JoinType::LeftJoin, pk)
        .column_as(Expr::col((enterprise::Entity, enterprise::Column::Name)), "enterprise_name")
        .column_as(Expr::col((enterprise::Entity, enterprise::Column::ParkId)), "park_id")
        .column_as(Expr::col((park::Entity, park::Column::Name)), "park_name")
        .filter(cond)
        .order_by_asc(eval_result::Column::Rank)
        .order_by_asc(eval_result::Column::EnterpriseId)
}

/// A page of a scheme's results, best first.
pub async fn results(
    c: &Conn<'_>,
    scope: &Scope,
    scheme_id: Uuid,
    f: &ResultFilter,
    page: PageReq,
) -> Result<Page<ResultItem>> {
    let q = results_query(scope, scheme_id, f);
    let total = q.clone().count(c.ex()).await?;
    let items = q.offset((page.page - 1) * page.size).limit(page.size).into_model::<ResultItem>().all(c.ex()).await?;
    Ok(Page { items, total })
}

/// Every result of a scheme under the filters, best first (the export).
pub async fn all_results(c: &Conn<'_>, scope: &Scope, scheme_id: Uuid, f: &ResultFilter) -> Result<Vec<ResultItem>> {
    Ok(results_query(scope, scheme_id, f).into_model::<ResultItem>().all(c.ex()).await?)
}

/// How many results a scheme has per class (within the scope).
pub async fn distribution(c: &Conn<'_>, scope: &Scope, scheme_id: Uuid) -> Result<Vec<(String, i64)>> {
    Ok(eval_result::Entity::find()
        .select_only()
        .column(eval_result::Column::Class)
        .column_as(Expr::expr(Func::cast_as(Func::count(Expr::col(eval_result::Column::Id)), "BIGINT")), "n")
        .filter(result_scope(scope).add(eval_result::Column::SchemeId.eq(scheme_id)))
        .group_by(eval_result::Column::Class)
        .order_by_asc(eval_result::Column::Class)
        .into_tuple::<(String, i64)>()
        .all(c.ex())
        .await?)
}

/// One enterprise's results of every year (within the scope), latest first.
pub async fn results_of_enterprise(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<ResultRow>> {
    Ok(eval_result::Entity::find()
        .filter(result_scope(scope).add(eval_result::Column::EnterpriseId.eq(enterprise_id)))
        .order_by_desc(eval_result::Column::Year)
        .all(c.ex())
        .await?)
}

// ---------------------------------------------------------------- test support

/// One verified monthly report, written directly (tests and demo data; the report workflow
/// belongs to the statistics module).
#[derive(Debug, Clone, Default)]
pub struct VerifiedReport {
    pub enterprise_id: Uuid,
    pub park_id: Uuid,
    /// `YYYYMM`.
    pub period: i32,
    pub output_fen: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub tax_fen: Option<i64>,
    pub electricity_kwh: Option<i64>,
    pub employees: Option<i64>,
    pub rd_fen: Option<i64>,
}

/// Inserts verified reports in batches (no rollups rebuilt: callers needing them rebuild).
pub async fn insert_verified_reports(
    c: &Conn<'_>,
    scope: &Scope,
    reports: &[VerifiedReport],
    now: DateTime<Utc>,
) -> Result<()> {
    for chunk in reports.chunks(200) {
        let models: Vec<stat_report::ActiveModel> = chunk
            .iter()
            .map(|r| {
                stat_report::ActiveModel::from(stat_report::Model {
                    id: Uuid::now_v7(),
                    zone_id: scope.zone_id(),
                    enterprise_id: r.enterprise_id,
                    period: r.period,
                    park_id: r.park_id,
                    industry_code: None,
                    above_scale: false,
                    output_fen: r.output_fen,
                    revenue_fen: r.revenue_fen,
                    profit_fen: None,
                    tax_fen: r.tax_fen,
                    electricity_kwh: r.electricity_kwh,
                    employees: r.employees,
                    rd_fen: r.rd_fen,
                    state: crate::stats::rollup::VERIFIED.to_owned(),
                    flags: "[]".to_owned(),
                    return_reason: None,
                    source: "import".to_owned(),
                    submitted_at: Some(now),
                    verified_at: Some(now),
                    verified_by: None,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                })
            })
            .collect();
        stat_report::Entity::insert_many(models).exec(c.ex()).await?;
    }
    Ok(())
}

/// Sets an enterprise's status (tests and demo data; the registry module owns the workflow).
pub async fn set_status(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid, status: &str) -> Result<bool> {
    let r = enterprise::Entity::update_many()
        .col_expr(enterprise::Column::Status, Expr::value(status.to_owned()))
        .filter(enterprise::Column::Id.eq(enterprise_id))
        .filter(enterprise::Column::ZoneId.eq(scope.zone_id()))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}

/// Sets enterprises' land areas (tests and demo data).
pub async fn set_land_area(c: &Conn<'_>, scope: &Scope, enterprise_id: Uuid, centi_mu: Option<i64>) -> Result<bool> {
    let r = enterprise::Entity::update_many()
        .col_expr(enterprise::Column::LandAreaCentiMu, Expr::value(centi_mu))
        .filter(enterprise::Column::Id.eq(enterprise_id))
        .filter(enterprise::Column::ZoneId.eq(scope.zone_id()))
        .exec(c.ex())
        .await?;
    Ok(r.rows_affected == 1)
}
