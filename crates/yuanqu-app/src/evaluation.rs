//! The per-mu efficiency evaluation (亩均效益评价): a scheme per zone and year (configuration,
//! status `draft` → `run` → `published`), its run over the year's verified statistics, the
//! results table and its export, and each enterprise's results by year.
//!
//! Visibility: holders of `evaluation.manage` and zone-wide readers (leaders, department staff)
//! see run and published schemes; an enterprise account sees only published ones, and of their
//! results only its own.

use std::collections::HashMap;

use yuanqu_domain::evaluation::{self as ev, EvalConfig, EvalInput, IndicatorScore};
use yuanqu_domain::identity::Permission;
use yuanqu_domain::{DataScope, FieldError};
use yuanqu_office::{ExportFormat, ExportWriter};
use yuanqu_store::evaluation::{self as q, ResultFilter, ResultItem, ResultRow, SchemeRow};
use yuanqu_store::{Page, PageReq, Uuid};

use crate::audit::{self, By, Entry};
use crate::error::unique_as;
use crate::idempotency::{self, Created, Idem};
use crate::{Actor, App, AppError, RequestCtx};

/// A scheme with its parsed configuration and its class distribution.
#[derive(Debug, Clone)]
pub struct SchemeView {
    pub row: SchemeRow,
    pub config: EvalConfig,
    /// Results per class, `A`..`D` (zeros included).
    pub distribution: Vec<(String, i64)>,
}

/// A result with its indicators parsed.
#[derive(Debug, Clone)]
pub struct ResultView {
    pub item: ResultItem,
    pub indicators: Vec<IndicatorScore>,
}

/// One enterprise's result of one year.
#[derive(Debug, Clone)]
pub struct EnterpriseResult {
    pub row: ResultRow,
    pub status: String,
    pub indicators: Vec<IndicatorScore>,
}

/// What a run did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    pub evaluated: u64,
    pub excluded: u64,
    pub replaced: u64,
    pub distribution: Vec<(String, i64)>,
}

/// Whether the actor sees schemes that are run but not yet published.
fn sees_unpublished(actor: &Actor) -> bool {
    actor.can(Permission::EvaluationManage)
        || matches!(actor.scope().data(), DataScope::Zone | DataScope::Departments(_))
}

fn visible(actor: &Actor, s: &SchemeRow) -> bool {
    s.status == q::PUBLISHED || sees_unpublished(actor)
}

fn parse_config(v: &serde_json::Value) -> Result<EvalConfig, AppError> {
    let cfg: EvalConfig = serde_json::from_value(v.clone()).map_err(|_| AppError::field("config", "invalid"))?;
    cfg.validate().map_err(|errs| {
        AppError::Validation(errs.into_iter().map(|e| FieldError::new(format!("config.{}", e.field), e.code)).collect())
    })?;
    Ok(cfg)
}

fn stored_config(s: &SchemeRow) -> Result<EvalConfig, AppError> {
    serde_json::from_str(&s.config).map_err(|e| AppError::Internal(format!("eval_scheme.config: {e}")))
}

fn full_distribution(rows: Vec<(String, i64)>) -> Vec<(String, i64)> {
    ["A", "B", "C", "D"]
        .iter()
        .map(|c| ((*c).to_owned(), rows.iter().find(|(k, _)| k == c).map(|(_, n)| *n).unwrap_or(0)))
        .collect()
}

async fn scheme_of(app: &App, actor: &Actor, id: Uuid) -> Result<SchemeRow, AppError> {
    let s = q::scheme(&app.db.conn(), &actor.zone_scope(), id).await?.ok_or(AppError::NotFound)?;
    if visible(actor, &s) { Ok(s) } else { Err(AppError::NotFound) }
}

async fn view(app: &App, actor: &Actor, row: SchemeRow) -> Result<SchemeView, AppError> {
    let config = stored_config(&row)?;
    let distribution = full_distribution(q::distribution(&app.db.conn(), &actor.zone_scope(), row.id).await?);
    Ok(SchemeView { row, config, distribution })
}

/// The zone's schemes, latest year first (an enterprise account: published ones).
pub async fn schemes(app: &App, actor: &Actor) -> Result<Vec<SchemeRow>, AppError> {
    actor.require(Permission::StatsRead)?;
    let all = q::schemes(&app.db.conn(), &actor.zone_scope()).await?;
    Ok(all.into_iter().filter(|s| visible(actor, s)).collect())
}

pub async fn scheme(app: &App, actor: &Actor, id: Uuid) -> Result<SchemeView, AppError> {
    actor.require(Permission::StatsRead)?;
    let s = scheme_of(app, actor, id).await?;
    view(app, actor, s).await
}

/// The configuration a new scheme starts from when none is given.
pub fn default_config() -> EvalConfig {
    EvalConfig::default_config()
}

fn audit_of(s: &SchemeRow) -> serde_json::Value {
    let config: serde_json::Value = serde_json::from_str(&s.config).unwrap_or_default();
    serde_json::json!({ "year": s.year, "status": s.status, "config": config })
}

#[derive(Debug, Clone)]
pub struct NewScheme {
    pub year: i32,
    /// The configuration as JSON; `None`: [`default_config`].
    pub config: Option<serde_json::Value>,
}

/// Creates the scheme of a year (one per zone and year: 409 `evaluation.year_taken`).
pub async fn create(
    app: &App,
    actor: &Actor,
    n: NewScheme,
    ctx: &RequestCtx,
    idem: Option<Idem<SchemeView>>,
) -> Result<Created<SchemeView>, AppError> {
    actor.require(Permission::EvaluationManage)?;
    let idem = idem.map(|i| i.owned_by(actor));
    let mut errors = Vec::new();
    if !(2000..=2099).contains(&n.year) {
        errors.push(FieldError::new("year", "range"));
    }
    let config = match &n.config {
        Some(v) => match parse_config(v) {
            Ok(c) => Some(c),
            Err(AppError::Validation(e)) => {
                errors.extend(e);
                None
            }
            Err(e) => return Err(e),
        },
        None => Some(default_config()),
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let config = config.ok_or_else(|| AppError::Internal("config".into()))?;
    let json = serde_json::to_string(&config).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = app.now();
    let zone = actor.zone_scope();
    let row = SchemeRow {
        id: Uuid::now_v7(),
        zone_id: zone.zone_id(),
        year: n.year,
        config: json,
        status: q::DRAFT.to_owned(),
        run_at: None,
        published_at: None,
        published_by: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let by = By::from(actor);
    let work = async {
        app.db
            .write(|c| {
                let (row, by, ctx, zone, idem, config) =
                    (row.clone(), by.clone(), ctx.clone(), zone.clone(), idem.clone(), config.clone());
                Box::pin(async move {
                    if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                        return Ok(Created::Replay(s));
                    }
                    let s = q::insert_scheme(c, &zone, row).await.map_err(unique_as("evaluation.year_taken"))?;
                    let e = Entry::new("evaluation.create", "eval_scheme", Some(s.id)).after(audit_of(&s));
                    audit::record(c, now, &by, &ctx, e).await?;
                    let v = SchemeView { row: s, config, distribution: full_distribution(Vec::new()) };
                    idempotency::finish(c, idem.as_ref(), &v).await?;
                    Ok(Created::New(v))
                })
            })
            .await
    };
    idempotency::guard(app, idem.as_ref(), work).await
}

/// Why a conditional write on a scheme changed nothing.
async fn refused(app: &App, actor: &Actor, id: Uuid) -> AppError {
    match q::scheme(&app.db.conn(), &actor.zone_scope(), id).await {
        Ok(Some(s)) if s.status == q::PUBLISHED => AppError::Conflict("evaluation.published"),
        Ok(Some(_)) => AppError::PreconditionFailed,
        Ok(None) => AppError::NotFound,
        Err(e) => e.into(),
    }
}

/// Changes the configuration (If-Match; 409 `evaluation.published` once published).
pub async fn update(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    config: Option<serde_json::Value>,
    ctx: &RequestCtx,
) -> Result<SchemeView, AppError> {
    actor.require(Permission::EvaluationManage)?;
    let zone = actor.zone_scope();
    let before = q::scheme(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    if before.status == q::PUBLISHED {
        return Err(AppError::Conflict("evaluation.published"));
    }
    let cfg = match &config {
        Some(v) => parse_config(v)?,
        None => stored_config(&before)?,
    };
    let json = serde_json::to_string(&cfg).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = app.now();
    let by = By::from(actor);
    let changed = app
        .db
        .write(|c| {
            let (json, before, by, ctx, zone) = (json.clone(), before.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                if !q::update_config(c, &zone, id, version, &json, now).await? {
                    return Ok(false);
                }
                let after = SchemeRow { config: json, ..before.clone() };
                let e = Entry::new("evaluation.update", "eval_scheme", Some(id))
                    .before(audit_of(&before))
                    .after(audit_of(&after));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !changed {
        return Err(refused(app, actor, id).await);
    }
    let row = q::scheme(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    view(app, actor, row).await
}

/// Enterprises that no longer operate in the zone: evaluated only for a year they reported in.
const GONE: [&str; 2] = ["closed", "moved_out"];

/// The candidates: every enterprise of the zone with the year's sums, except closed and
/// moved-out enterprises without a verified report that year.
fn inputs(sums: Vec<q::YearSums>, lands: Vec<(Uuid, Option<i64>, String)>) -> Vec<EvalInput> {
    let mut by_id: HashMap<Uuid, q::YearSums> = sums.into_iter().map(|s| (s.enterprise_id, s)).collect();
    lands
        .into_iter()
        .filter_map(|(id, land, status)| {
            let s = match by_id.remove(&id) {
                Some(s) => s,
                None if GONE.contains(&status.as_str()) => return None,
                None => q::YearSums::default(),
            };
            let employees = match (s.employees_sum, s.employee_months) {
                (Some(sum), m) if m > 0 => Some((sum + m / 2) / m),
                _ => None,
            };
            Some(EvalInput {
                enterprise_id: id,
                land_area_centi_mu: land,
                tax_fen: s.tax_fen,
                revenue_fen: s.revenue_fen,
                output_fen: s.output_fen,
                electricity_kwh: s.electricity_kwh,
                rd_fen: s.rd_fen,
                employees,
            })
        })
        .collect()
}

/// Runs the evaluation: the year's verified reports summed per enterprise (one grouped query),
/// every enterprise's land area (an enterprise with land but no report scores 0; a closed or
/// moved-out one without a report is left out), last year's classes; all results replaced in
/// one transaction.
/// Refused once published (409 `evaluation.published`).
pub async fn run(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<RunSummary, AppError> {
    actor.require(Permission::EvaluationManage)?;
    let zone = actor.zone_scope();
    let s = q::scheme(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    if s.status == q::PUBLISHED {
        return Err(AppError::Conflict("evaluation.published"));
    }
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (by, ctx, zone) = (by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                // Read inside the transaction: the configuration run is the one marked run.
                let s = q::scheme(c, &zone, id).await?.ok_or(AppError::NotFound)?;
                if s.status == q::PUBLISHED {
                    return Err(AppError::Conflict("evaluation.published"));
                }
                let config = stored_config(&s)?;
                let ins = inputs(q::year_sums(c, &zone, s.year).await?, q::lands(c, &zone).await?);
                let prev: HashMap<Uuid, (String, i32)> = q::classes_of_year(c, &zone, s.year - 1)
                    .await?
                    .into_iter()
                    .map(|(e, class, rank)| (e, (class, rank)))
                    .collect();
                let evaluation = ev::evaluate(&config, &ins, &prev);
                let rows = evaluation
                    .outcomes
                    .iter()
                    .map(|o| {
                        Ok(ResultRow {
                            id: Uuid::now_v7(),
                            zone_id: zone.zone_id(),
                            scheme_id: id,
                            year: s.year,
                            enterprise_id: o.enterprise_id,
                            land_area_centi_mu: o.land_area_centi_mu,
                            indicators: serde_json::to_string(&o.indicators)
                                .map_err(|e| AppError::Internal(e.to_string()))?,
                            total_milli: o.total_milli,
                            class: o.class.code().to_owned(),
                            rank: o.rank,
                            prev_class: o.prev_class.clone(),
                            prev_rank: o.prev_rank,
                            created_at: now,
                        })
                    })
                    .collect::<Result<Vec<_>, AppError>>()?;
                let replaced = q::replace_results(c, &zone, id, &rows).await?;
                if !q::mark_run(c, &zone, id, s.version, now).await? {
                    return Err(AppError::Conflict("evaluation.changed"));
                }
                let mut counts: Vec<(String, i64)> = full_distribution(Vec::new());
                for o in &evaluation.outcomes {
                    if let Some(e) = counts.iter_mut().find(|(k, _)| k == o.class.code()) {
                        e.1 += 1;
                    }
                }
                let summary = RunSummary {
                    evaluated: rows.len() as u64,
                    excluded: evaluation.excluded.len() as u64,
                    replaced,
                    distribution: counts,
                };
                let e = Entry::new("evaluation.run", "eval_scheme", Some(id)).after(serde_json::json!({
                    "year": s.year,
                    "evaluated": summary.evaluated,
                    "excluded": summary.excluded,
                    "replaced": summary.replaced,
                    "distribution": summary.distribution.iter().cloned().collect::<HashMap<_, _>>(),
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(summary)
            })
        })
        .await
}

/// Publishes a run scheme in one conditional statement (`run` → `published`); frozen after.
/// 409 `evaluation.not_run` before a run, `evaluation.published` when already published.
pub async fn publish(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<SchemeView, AppError> {
    actor.require(Permission::EvaluationManage)?;
    let zone = actor.zone_scope();
    let before = q::scheme(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    let now = app.now();
    let by = By::from(actor);
    let user = actor.user_id;
    let done = app
        .db
        .write(|c| {
            let (by, ctx, zone, before) = (by.clone(), ctx.clone(), zone.clone(), before.clone());
            Box::pin(async move {
                if !q::publish(c, &zone, id, user, now).await? {
                    return Ok(false);
                }
                let e = Entry::new("evaluation.publish", "eval_scheme", Some(id))
                    .after(serde_json::json!({ "year": before.year, "status": q::PUBLISHED }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !done {
        return Err(match q::scheme(&app.db.conn(), &zone, id).await? {
            Some(s) if s.status == q::PUBLISHED => AppError::Conflict("evaluation.published"),
            Some(_) => AppError::Conflict("evaluation.not_run"),
            None => AppError::NotFound,
        });
    }
    let row = q::scheme(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    view(app, actor, row).await
}

fn parse_indicators(s: &str) -> Vec<IndicatorScore> {
    serde_json::from_str(s).unwrap_or_default()
}

fn check_filter(f: &ResultFilter) -> Result<(), AppError> {
    if let Some(c) = f.class.as_deref().filter(|c| !c.is_empty())
        && ev::Class::parse(c).is_none()
    {
        return Err(AppError::field("class", "invalid"));
    }
    Ok(())
}

/// A page of a scheme's results, best first (an enterprise account: its own row).
pub async fn results(
    app: &App,
    actor: &Actor,
    id: Uuid,
    f: &ResultFilter,
    page: PageReq,
) -> Result<Page<ResultView>, AppError> {
    actor.require(Permission::StatsRead)?;
    check_filter(f)?;
    let s = scheme_of(app, actor, id).await?;
    let p = q::results(&app.db.conn(), &actor.scope(), s.id, f, page).await?;
    Ok(Page {
        items: p
            .items
            .into_iter()
            .map(|item| ResultView { indicators: parse_indicators(&item.result.indicators), item })
            .collect(),
        total: p.total,
    })
}

/// An export on its way out: the file (deleted when dropped) and how many rows it holds.
pub struct Exported {
    pub file: tempfile::NamedTempFile,
    pub rows: u64,
    pub year: i32,
}

fn mu(centi: i64) -> String {
    format!("{}.{:02}", centi / 100, (centi % 100).abs())
}

/// The whole results table as .xlsx (filters as the list), written to a temporary file;
/// audited `evaluation.export` with the row count.
pub async fn export(
    app: &App,
    actor: &Actor,
    id: Uuid,
    f: &ResultFilter,
    ctx: &RequestCtx,
) -> Result<Exported, AppError> {
    actor.require(Permission::StatsRead)?;
    check_filter(f)?;
    let s = scheme_of(app, actor, id).await?;
    let config = stored_config(&s)?;
    let items = q::all_results(&app.db.conn(), &actor.scope(), s.id, f).await?;
    let mut headers: Vec<String> = ["排名", "企业", "园区", "用地面积(亩)"].iter().map(|h| (*h).to_owned()).collect();
    let codes: Vec<String> = config.indicators.iter().map(|i| i.code.clone()).collect();
    for c in &config.indicators {
        if let Some(ind) = ev::Indicator::parse(&c.code) {
            headers.push(format!("{}({})", ind.name_zh(), ind.unit_zh()));
            headers.push(format!("{}得分", ind.name_zh()));
        }
    }
    headers.extend(["总分", "等级", "上年等级", "上年排名"].iter().map(|h| (*h).to_owned()));
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut w = ExportWriter::new(ExportFormat::Xlsx, &format!("{}年亩均评价", s.year), &refs)?;
    for i in &items {
        let r = &i.result;
        let inds = parse_indicators(&r.indicators);
        let mut cells: Vec<String> = vec![
            r.rank.to_string(),
            i.enterprise_name.clone(),
            i.park_name.clone().unwrap_or_default(),
            mu(r.land_area_centi_mu),
        ];
        for code in &codes {
            match inds.iter().find(|x| &x.code == code) {
                Some(x) => {
                    cells.push(x.value_milli.map(ev::milli_1dp).unwrap_or_default());
                    cells.push(ev::milli_1dp(x.score_milli));
                }
                None if ev::Indicator::parse(code).is_some() => {
                    cells.push(String::new());
                    cells.push(String::new());
                }
                None => {}
            }
        }
        cells.push(ev::milli_1dp(r.total_milli));
        cells.push(r.class.clone());
        cells.push(r.prev_class.clone().unwrap_or_default());
        cells.push(r.prev_rank.map(|n| n.to_string()).unwrap_or_default());
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        w.row(&refs)?;
    }
    let rows = w.rows;
    let file = w.finish()?;
    let now = app.now();
    let by = By::from(actor);
    let after = serde_json::json!({ "year": s.year, "rows": rows, "format": "xlsx",
        "filters": { "class": f.class, "park_id": f.park_id, "q": f.q } });
    app.db
        .write(|c| {
            let (by, ctx, after) = (by.clone(), ctx.clone(), after.clone());
            Box::pin(async move {
                audit::record(c, now, &by, &ctx, Entry::new("evaluation.export", "eval_scheme", Some(id)).after(after))
                    .await
            })
        })
        .await?;
    Ok(Exported { file, rows, year: s.year })
}

/// An enterprise's results by year, latest first: an enterprise account sees only its own
/// enterprise (404 for another) and only published years; staff also see run ones.
pub async fn of_enterprise(app: &App, actor: &Actor, enterprise_id: Uuid) -> Result<Vec<EnterpriseResult>, AppError> {
    actor.require(Permission::StatsRead)?;
    let scope = actor.scope();
    let c = app.db.conn();
    if yuanqu_store::identity::enterprise(&c, &scope, enterprise_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let schemes: HashMap<Uuid, SchemeRow> =
        q::schemes(&c, &actor.zone_scope()).await?.into_iter().map(|s| (s.id, s)).collect();
    let rows = q::results_of_enterprise(&c, &scope, enterprise_id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let s = schemes.get(&row.scheme_id)?;
            visible(actor, s).then(|| EnterpriseResult {
                indicators: parse_indicators(&row.indicators),
                status: s.status.clone(),
                row,
            })
        })
        .collect())
}
