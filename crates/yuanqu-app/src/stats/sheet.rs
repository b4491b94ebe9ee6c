//! The department's whole-zone month by spreadsheet (IV-03): template, all-or-nothing import
//! with row + column errors, and the annotated error report. Imported rows without flags are
//! verified at once; flagged rows wait in the review queue as submitted. Rows replace the
//! enterprise's unverified report of the month; a verified month is locked (`stats.locked`).
//! Everything is written in one transaction: bulk inserts in chunks, one summary audit record,
//! and the rollups of every touched month rebuilt.

use std::collections::{BTreeSet, HashMap};

use yuanqu_domain::identity::Permission;
use yuanqu_domain::stats::checks::{self, Flag};
use yuanqu_domain::stats::{Metric, Period, Values};
use yuanqu_domain::{Scope, Uscc};
use yuanqu_office::{CellError, Column, Limits, Parsed, Sheet, SheetError};
use yuanqu_store::Uuid;
use yuanqu_store::identity::EnterpriseRow;
use yuanqu_store::stats::{self as q, ReportRow, rollup, values_of};

use super::{parse_metric, rules, this_month};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx};

fn parse_uscc(v: &str) -> Result<String, (&'static str, String)> {
    Uscc::parse(v)
        .map(|u| u.as_str().to_owned())
        .map_err(|e| (e.code(), "统一社会信用代码格式或校验位不正确".to_owned()))
}

fn parse_period(v: &str) -> Result<String, (&'static str, String)> {
    Period::parse(v).map(|p| p.to_string()).map_err(|c| (c, "报告期应为 YYYY-MM，如 2026-03".to_owned()))
}

fn number(m: Metric, v: &str) -> Result<String, (&'static str, String)> {
    parse_metric(m, v).map(|x| x.to_string()).map_err(|c| {
        let msg = match c {
            "number.negative" => format!("{}不能为负数", m.name_zh()),
            "number.too_precise" => "万元最多 6 位小数".to_owned(),
            "number.too_large" => "数值过大".to_owned(),
            _ if m.is_money() => "应为数字（万元），如 123.45".to_owned(),
            _ => "应为整数".to_owned(),
        };
        (c, msg)
    })
}

fn output(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Output, v)
}
fn revenue(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Revenue, v)
}
fn profit(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Profit, v)
}
fn tax(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Tax, v)
}
fn electricity(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Electricity, v)
}
fn employees(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Employees, v)
}
fn rd(v: &str) -> Result<String, (&'static str, String)> {
    number(Metric::Rd, v)
}

const COLUMNS: &[Column] = &[
    Column::text("uscc", "统一社会信用代码", 18)
        .required()
        .example("91350582MA2Y0A0101")
        .help("18 位，含校验位；须为本园区已登记的企业")
        .parse(parse_uscc),
    Column::text("name", "企业名称", 128).example("甲企业").help("仅供核对，不导入"),
    Column::text("period", "报告期", 7).required().example("2026-03").help("YYYY-MM，不能晚于本月").parse(parse_period),
    Column::text("output", "工业总产值（万元）", 24)
        .required()
        .example("1234.5")
        .help("当年价，万元，最多 6 位小数")
        .parse(output),
    Column::text("revenue", "营业收入（万元）", 24).required().example("1500").help("万元").parse(revenue),
    Column::text("profit", "利润总额（万元）", 24).required().example("-12.3").help("万元，亏损填负数").parse(profit),
    Column::text("tax", "实缴税金（万元）", 24).required().example("45.6").help("万元").parse(tax),
    Column::text("electricity", "用电量（千瓦时）", 24)
        .required()
        .example("120000")
        .help("千瓦时，整数")
        .parse(electricity),
    Column::text("employees", "平均用工人数", 12).required().example("85").help("人，整数").parse(employees),
    Column::text("rd", "研发费用（万元）", 24).required().example("30").help("万元").parse(rd),
];

/// The statistics sheet: its columns, declared once.
pub const SHEET: Sheet = Sheet { name: "统计月报", columns: COLUMNS };

const USCC: usize = 0;
const PERIOD: usize = 2;
const FIRST_METRIC: usize = 3;

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub rows: u64,
    /// Rows without flags, verified at once.
    pub verified: u64,
    /// Flagged rows, submitted for review.
    pub flagged: u64,
    /// Unverified reports the import replaced.
    pub replaced: u64,
    pub periods: Vec<String>,
}

pub fn template(actor: &Actor) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::StatsReview)?;
    Ok(yuanqu_office::template(&SHEET)?)
}

struct Planned {
    enterprise: EnterpriseRow,
    period: Period,
    values: Values,
}

struct Plan {
    rows: Vec<Planned>,
    /// Existing reports of the enterprises in the months the rows and their checks touch.
    existing: Vec<ReportRow>,
    errors: Vec<CellError>,
}

async fn plan(app: &App, actor: &Actor, parsed: &Parsed) -> Result<Plan, AppError> {
    let c = app.db.conn();
    let zone = Scope::zone(actor.zone_id);
    let enterprises: HashMap<String, EnterpriseRow> =
        q::zone_enterprises(&c, &zone).await?.into_iter().map(|e| (e.uscc.clone(), e)).collect();
    let now_month = this_month(app);
    let mut errors = parsed.errors.clone();
    let mut seen: HashMap<(Uuid, Period), u32> = HashMap::new();
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    for r in &parsed.rows {
        let line = r.line;
        let v = &r.values;
        let bad_already = errors.iter().any(|e| e.row == line);
        let mut errs = Vec::new();
        let mut err = |col: usize, code: &str, msg: String| {
            errs.push(CellError::new(line, Some(col), COLUMNS[col].header, code, msg));
        };
        let enterprise = enterprises.get(&v[USCC]).cloned();
        if enterprise.is_none()
            && !v[USCC].is_empty()
            && !errors.iter().any(|e| e.row == line && e.header == COLUMNS[USCC].header)
        {
            err(USCC, "enterprise.not_found", "本园区没有该统一社会信用代码的企业".to_owned());
        }
        let period = Period::parse(&v[PERIOD]).ok();
        if let Some(p) = period
            && p > now_month
        {
            err(PERIOD, "period.future", format!("报告期 {p} 晚于本月"));
        }
        let mut bad = bad_already || !errs.is_empty();
        errors.append(&mut errs);
        if let (Some(e), Some(p)) = (&enterprise, period)
            && !bad
        {
            if let Some(first) = seen.get(&(e.id, p)) {
                let msg = format!("与第 {first} 行是同一企业同一报告期");
                errors.push(CellError::new(line, Some(PERIOD), COLUMNS[PERIOD].header, "sheet.duplicate_key", msg));
                bad = true;
            } else {
                seen.insert((e.id, p), line);
            }
        }
        if bad {
            continue;
        }
        let (Some(enterprise), Some(period)) = (enterprise, period) else { continue };
        let mut values = Values::default();
        for (i, m) in Metric::ALL.into_iter().enumerate() {
            values.set(m, v[FIRST_METRIC + i].parse::<i64>().ok());
        }
        lines.push(line);
        rows.push(Planned { enterprise, period, values });
    }
    // The months the rows land in, and those their checks compare with.
    let ids: Vec<Uuid> = rows.iter().map(|r| r.enterprise.id).collect::<BTreeSet<_>>().into_iter().collect();
    let periods: Vec<i32> = rows
        .iter()
        .flat_map(|r| [r.period, r.period.year_ago(), r.period.prev()])
        .map(Period::yyyymm)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let existing = if rows.is_empty() { Vec::new() } else { q::reports_at(&c, &zone, &ids, &periods).await? };
    let verified: BTreeSet<(Uuid, i32)> =
        existing.iter().filter(|r| r.state == q::VERIFIED).map(|r| (r.enterprise_id, r.period)).collect();
    for (r, line) in rows.iter().zip(&lines) {
        if verified.contains(&(r.enterprise.id, r.period.yyyymm())) {
            errors.push(CellError::new(
                *line,
                Some(PERIOD),
                COLUMNS[PERIOD].header,
                "stats.locked",
                format!("{} 的月报已核定，不能导入覆盖（请用更正）", r.period),
            ));
        }
    }
    errors.sort_by(|a, b| (a.row, a.column.len(), &a.column).cmp(&(b.row, b.column.len(), &b.column)));
    Ok(Plan { rows, existing, errors })
}

fn read(file_name: &str, bytes: &[u8]) -> Result<Parsed, AppError> {
    Ok(yuanqu_office::read(&SHEET, file_name, bytes, &Limits::default())?)
}

/// Imports a whole-zone month (or several) from an .xlsx or .csv: all or nothing.
pub async fn import(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    ctx: &RequestCtx,
) -> Result<ImportReport, AppError> {
    actor.require(Permission::StatsReview)?;
    super::require_zone_view(actor)?;
    let parsed = read(file_name, bytes)?;
    let plan = plan(app, actor, &parsed).await?;
    if !plan.errors.is_empty() {
        return Err(SheetError::InvalidCells(plan.errors).into());
    }
    let zone = Scope::zone(actor.zone_id);
    let now = app.now();
    let rules = rules::checks(&rules::effective(&app.db.conn(), &zone, now).await?);
    // Comparison values: the file's own rows first, then stored submitted or verified reports.
    let mut known: HashMap<(Uuid, Period), Values> = plan
        .existing
        .iter()
        .filter(|r| r.state == q::SUBMITTED || r.state == q::VERIFIED)
        .filter_map(|r| Some(((r.enterprise_id, Period::from_yyyymm(r.period)?), values_of(r))))
        .collect();
    for r in &plan.rows {
        known.insert((r.enterprise.id, r.period), r.values);
    }
    let keys: BTreeSet<(Uuid, i32)> = plan.rows.iter().map(|r| (r.enterprise.id, r.period.yyyymm())).collect();
    let replace: Vec<Uuid> = plan
        .existing
        .iter()
        .filter(|r| r.state != q::VERIFIED && keys.contains(&(r.enterprise_id, r.period)))
        .map(|r| r.id)
        .collect();
    let (mut verified, mut flagged) = (0u64, 0u64);
    let mut periods = BTreeSet::new();
    let rows: Vec<ReportRow> = plan
        .rows
        .iter()
        .map(|r| {
            let e = r.enterprise.id;
            let flags: Vec<Flag> = checks::evaluate(
                &rules,
                &r.values,
                known.get(&(e, r.period.year_ago())),
                known.get(&(e, r.period.prev())),
            );
            periods.insert(r.period.yyyymm());
            let mut row = q::new_report(actor.zone_id, &r.enterprise, r.period.yyyymm(), &r.values, "import", now);
            if flags.is_empty() {
                verified += 1;
                row.state = q::VERIFIED.to_owned();
                row.verified_at = Some(now);
                row.verified_by = Some(actor.user_id);
            } else {
                flagged += 1;
                row.state = q::SUBMITTED.to_owned();
                row.flags = serde_json::to_string(&flags).unwrap_or_else(|_| "[]".into());
            }
            row.submitted_at = Some(now);
            row
        })
        .collect();
    let report = ImportReport {
        rows: rows.len() as u64,
        verified,
        flagged,
        replaced: replace.len() as u64,
        periods: periods.iter().filter_map(|p| Period::from_yyyymm(*p)).map(|p| p.to_string()).collect(),
    };
    let summary = serde_json::json!({
        "file": file_name, "rows": report.rows, "verified": verified, "flagged": flagged,
        "replaced": report.replaced, "periods": report.periods,
    });
    let work = std::sync::Arc::new((rows, replace, periods));
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (work, by, ctx, zone, summary) = (work.clone(), by.clone(), ctx.clone(), zone.clone(), summary.clone());
            Box::pin(async move {
                q::delete_unverified(c, &zone, &work.1).await?;
                // A verified report that appeared meanwhile makes the insert collide: locked.
                q::insert_reports(c, &zone, &work.0).await.map_err(crate::error::unique_as("stats.locked"))?;
                for p in &work.2 {
                    rollup::rebuild_with_next_year(c, zone.zone_id(), *p).await?;
                }
                audit::record(c, now, &by, &ctx, Entry::new("stats.import", "stat_report", None).after(summary)).await
            })
        })
        .await?;
    Ok(report)
}

/// The upload annotated with its errors (the same checks as the import, nothing written).
pub async fn error_report(app: &App, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::StatsReview)?;
    super::require_zone_view(actor)?;
    let parsed = read(file_name, bytes)?;
    let plan = plan(app, actor, &parsed).await?;
    Ok(yuanqu_office::error_report(&SHEET, &parsed, &plan.errors)?)
}
