//! The registry by spreadsheet (IV-03): the template, the import (natural key = USCC, per zone;
//! upsert; all-or-nothing by default), its annotated error report, and the streamed export
//! (the list's filters; contact phones masked).
//!
//! The file sets every field it has a column for: an empty cell clears the field (tags too).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use yuanqu_domain::enterprise::{self as rules, Status, format_scaled, parse_scaled};
use yuanqu_domain::identity::Permission;
use yuanqu_domain::industry::IndustryCode;
use yuanqu_domain::{Scope, Uscc};
use yuanqu_office::{CellError, Column, ExportFormat, ExportWriter, Limits, Parsed, Sheet, SheetError};
use yuanqu_store::Uuid;
use yuanqu_store::enterprise::{self as q, EnterpriseFilter, EnterpriseRow};
use yuanqu_store::identity as iq;

use super::{audited, first_status};
use crate::audit::{self, By, Entry};
use crate::identity::user_sheet::{Exported, ImportMode, ImportReport};
use crate::{Actor, App, AppError, RequestCtx};

fn parse_uscc(v: &str) -> Result<String, (&'static str, String)> {
    Uscc::parse(v)
        .map(|u| u.as_str().to_owned())
        .map_err(|e| (e.code(), "统一社会信用代码格式或校验位不正确".to_owned()))
}

fn number_message(code: &str) -> String {
    match code {
        "number.negative" => "不能为负数".to_owned(),
        "number.too_precise" => "小数位数过多".to_owned(),
        "number.too_large" => "数值过大".to_owned(),
        _ => "应为数字".to_owned(),
    }
}

fn decimals(v: &str, d: u32) -> Result<String, (&'static str, String)> {
    parse_scaled(v, d).map(|_| v.to_owned()).map_err(|c| (c, number_message(c)))
}

fn wan(v: &str) -> Result<String, (&'static str, String)> {
    decimals(v, 6)
}
fn mu(v: &str) -> Result<String, (&'static str, String)> {
    decimals(v, 2)
}
fn whole(v: &str) -> Result<String, (&'static str, String)> {
    decimals(v, 0)
}

/// A coordinate: a signed decimal with up to 6 places.
fn coordinate(v: &str) -> Result<String, (&'static str, String)> {
    let magnitude = v.strip_prefix('-').unwrap_or(v);
    parse_scaled(magnitude, 6).map(|_| v.to_owned()).map_err(|c| (c, number_message(c)))
}

fn coordinate_e6(v: &str) -> Option<i64> {
    match v.strip_prefix('-') {
        Some(r) => parse_scaled(r, 6).ok().map(|x| -x),
        None => parse_scaled(v, 6).ok(),
    }
}

fn parse_industry(v: &str) -> Result<String, (&'static str, String)> {
    IndustryCode::parse(v)
        .map(|c| c.as_str().to_owned())
        .map_err(|c| (c, "行业代码应为 GB/T 4754-2017 的 2–4 位代码".to_owned()))
}

fn parse_yes_no(v: &str) -> Result<String, (&'static str, String)> {
    yes_no(v).map(|b| if b { "是" } else { "否" }.to_owned()).ok_or(("invalid", "请填写「是」或「否」".to_owned()))
}

fn yes_no(v: &str) -> Option<bool> {
    match v.trim() {
        "是" | "Y" | "y" | "yes" | "1" | "true" | "规上" => Some(true),
        "否" | "N" | "n" | "no" | "0" | "false" | "规下" => Some(false),
        _ => None,
    }
}

/// `2020-05-01`, `2020/5/1`, `2020.5.1`, or an Excel date serial.
pub(crate) fn date_of(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(d) = NaiveDate::parse_from_str(v, f) {
            return Some(d);
        }
    }
    let serial: i64 = v.parse().ok().filter(|n| (1..=80_000).contains(n))?;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(serial))
}

fn parse_date(v: &str) -> Result<String, (&'static str, String)> {
    date_of(v).map(|d| d.to_string()).ok_or(("date.format", "日期格式应为 2020-05-01".to_owned()))
}

fn split_tags(v: &str) -> Vec<String> {
    v.split(['、', ',', '，', ';', '；']).map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect()
}

fn parse_tags(v: &str) -> Result<String, (&'static str, String)> {
    rules::tags(&split_tags(v)).map(|t| t.join("、")).map_err(|c| {
        (c, format!("最多 {} 个标签，每个不超过 {} 个字，用「、」分隔", rules::MAX_TAGS, rules::MAX_TAG_LEN))
    })
}

const COLUMNS: &[Column] = &[
    Column::text("uscc", "统一社会信用代码", 18)
        .required()
        .example("91350582MA2Y0A1015")
        .help("18 位，含校验位；本园区已有该代码的企业会被更新")
        .parse(parse_uscc),
    Column::text("name", "企业名称", 128).required().example("示例食品有限公司").help("企业全称"),
    Column::text("park_code", "园区代码", 32).required().example("P1").help("园区管理中的园区代码"),
    Column::text("industry_code", "行业代码", 4)
        .digits()
        .example("1311")
        .help("GB/T 4754-2017 大类（2 位），或本园区已添加的 3–4 位代码")
        .parse(parse_industry),
    Column::text("above_scale", "规上企业", 4).example("是").help("是 或 否").parse(parse_yes_no),
    Column::text("registered_capital_wan", "注册资本（万元）", 20).example("500").help("万元，非负数").parse(wan),
    Column::text("founded_on", "成立日期", 20).example("2018-06-01").help("如 2018-06-01").parse(parse_date),
    Column::text("address", "地址", 200).example("园区大道 1 号").help("选填"),
    Column::text("longitude", "经度", 20).example("118.5").help("选填，-180 至 180").parse(coordinate),
    Column::text("latitude", "纬度", 20).example("24.8").help("选填，-90 至 90").parse(coordinate),
    Column::text("land_area_mu", "用地面积（亩）", 20).example("35.5").help("亩，最多两位小数").parse(mu),
    Column::text("floor_area_m2", "建筑面积（平方米）", 20).example("12000").help("平方米，整数").parse(whole),
    Column::text("employees", "从业人数", 10).example("120").help("整数").parse(whole),
    Column::text("tags", "标签", 400)
        .example("专精特新、高新技术企业")
        .help("最多 10 个，用「、」分隔")
        .parse(parse_tags),
];

/// The enterprises sheet: its columns, declared once.
pub const SHEET: Sheet = Sheet { name: "企业", columns: COLUMNS };

const USCC: usize = 0;
const NAME: usize = 1;
const PARK: usize = 2;
const INDUSTRY: usize = 3;
const SCALE: usize = 4;
const CAPITAL: usize = 5;
const FOUNDED: usize = 6;
const ADDRESS: usize = 7;
const LNG: usize = 8;
const LAT: usize = 9;
const LAND: usize = 10;
const FLOOR: usize = 11;
const EMPLOYEES: usize = 12;
const TAGS: usize = 13;

/// The template to download.
pub fn template(actor: &Actor) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    Ok(yuanqu_office::template(&SHEET)?)
}

type Upsert = (EnterpriseRow, Vec<String>);

struct Plan {
    creates: Vec<Upsert>,
    /// (before, after)
    updates: Vec<(Upsert, Upsert)>,
    unchanged: u64,
    rejected: u64,
    errors: Vec<CellError>,
}

fn opt(v: &str) -> Option<String> {
    Some(v.to_owned()).filter(|s| !s.is_empty())
}

async fn plan(app: &App, actor: &Actor, parsed: &Parsed) -> Result<Plan, AppError> {
    let c = app.db.conn();
    let zone = actor.zone_scope();
    let now = app.now();
    let today = super::zone_today(now);
    let parks: HashMap<String, Uuid> = iq::parks(&c, &zone).await?.into_iter().map(|p| (p.code, p.id)).collect();
    let added: HashSet<String> = q::industry_codes(&c, &zone).await?.into_iter().map(|r| r.code).collect();
    let usccs: Vec<String> = parsed.rows.iter().map(|r| r.values[USCC].clone()).collect();
    let existing: HashMap<String, EnterpriseRow> =
        q::enterprises_by_uscc(&c, &zone, &usccs).await?.into_iter().map(|e| (e.uscc.clone(), e)).collect();
    let ids: Vec<Uuid> = existing.values().map(|e| e.id).collect();
    let mut tags_before = q::tags_of(&c, &zone, &ids).await?;
    let mut errors = parsed.errors.clone();
    let mut seen: HashMap<String, u32> = HashMap::new();
    let mut plan = Plan { creates: Vec::new(), updates: Vec::new(), unchanged: 0, rejected: 0, errors: Vec::new() };
    for r in &parsed.rows {
        let line = r.line;
        let v = &r.values;
        let mut errs: Vec<CellError> = Vec::new();
        let mut err = |col: usize, code: &str, msg: String| {
            errs.push(CellError::new(line, Some(col), COLUMNS[col].header, code, msg));
        };
        let uscc = v[USCC].clone();
        if let Some(first) = seen.get(&uscc) {
            err(USCC, "sheet.duplicate_key", format!("与第 {first} 行的统一社会信用代码重复"));
        } else if !uscc.is_empty() {
            seen.insert(uscc.clone(), line);
        }
        let park_id = parks.get(&v[PARK]).copied();
        if park_id.is_none() && !v[PARK].is_empty() {
            err(PARK, "park.not_found", format!("找不到园区代码「{}」", v[PARK]));
        }
        let industry = opt(&v[INDUSTRY]);
        if let Some(code) = &industry
            && code.len() > 2
            && !added.contains(code)
            && IndustryCode::parse(code).is_ok()
        {
            err(INDUSTRY, "industry.unknown", format!("本园区没有行业代码「{code}」，请先在行业代码中添加"));
        }
        let lng = opt(&v[LNG]).and_then(|s| coordinate_e6(&s));
        if lng.is_some_and(|x| x.abs() > 180_000_000) {
            err(LNG, "range", "经度应在 -180 至 180 之间".to_owned());
        }
        let lat = opt(&v[LAT]).and_then(|s| coordinate_e6(&s));
        if lat.is_some_and(|x| x.abs() > 90_000_000) {
            err(LAT, "range", "纬度应在 -90 至 90 之间".to_owned());
        }
        let founded = opt(&v[FOUNDED]).and_then(|s| date_of(&s));
        if founded.is_some_and(|d| d > today) {
            err(FOUNDED, "date.future", "成立日期不能晚于今天".to_owned());
        }
        let employees = opt(&v[EMPLOYEES]).and_then(|s| parse_scaled(&s, 0).ok());
        let employees = match employees.map(i32::try_from) {
            Some(Ok(n)) => Some(n),
            Some(Err(_)) => {
                err(EMPLOYEES, "number.too_large", number_message("number.too_large"));
                None
            }
            None => None,
        };
        let bad = !errs.is_empty() || errors.iter().any(|e| e.row == line);
        errors.append(&mut errs);
        let Some(park_id) = park_id.filter(|_| !bad) else {
            plan.rejected += 1;
            continue;
        };
        let tags = split_tags(&v[TAGS]);
        let apply = |row: &mut EnterpriseRow| {
            row.name = v[NAME].clone();
            row.park_id = park_id;
            row.industry_code = industry.clone();
            let above = yes_no(&v[SCALE]).unwrap_or(false);
            if above != row.above_scale {
                row.above_scale = above;
                row.above_scale_since = Some(today);
            }
            row.registered_capital_fen = opt(&v[CAPITAL]).and_then(|s| parse_scaled(&s, 6).ok());
            row.founded_on = founded;
            row.address = opt(&v[ADDRESS]);
            row.longitude_e6 = lng;
            row.latitude_e6 = lat;
            row.land_area_centi_mu = opt(&v[LAND]).and_then(|s| parse_scaled(&s, 2).ok());
            row.floor_area_m2 = opt(&v[FLOOR]).and_then(|s| parse_scaled(&s, 0).ok());
            row.employees = employees;
        };
        match existing.get(&uscc) {
            Some(b) => {
                let mut after = b.clone();
                apply(&mut after);
                let before_tags = tags_before.remove(&b.id).unwrap_or_default();
                let (mut sorted_old, mut sorted_new) = (before_tags.clone(), tags.clone());
                sorted_old.sort();
                sorted_new.sort();
                if after == *b && sorted_new == sorted_old {
                    plan.unchanged += 1;
                } else {
                    plan.updates.push(((b.clone(), before_tags), (after, tags)));
                }
            }
            None => {
                let mut row = EnterpriseRow {
                    id: Uuid::now_v7(),
                    zone_id: zone.zone_id(),
                    park_id,
                    name: String::new(),
                    uscc: uscc.clone(),
                    version: 1,
                    created_at: now,
                    industry_code: None,
                    above_scale: false,
                    above_scale_since: None,
                    registered_capital_fen: None,
                    founded_on: None,
                    address: None,
                    longitude_e6: None,
                    latitude_e6: None,
                    land_area_centi_mu: None,
                    floor_area_m2: None,
                    employees: None,
                    status: Status::Operating.code().into(),
                    status_since: Some(today),
                    updated_at: None,
                };
                apply(&mut row);
                row.above_scale_since = None;
                plan.creates.push((row, tags));
            }
        }
    }
    errors.sort_by(|a, b| (a.row, a.column.len(), &a.column).cmp(&(b.row, b.column.len(), &b.column)));
    plan.errors = errors;
    Ok(plan)
}

fn read(file_name: &str, bytes: &[u8]) -> Result<Parsed, AppError> {
    Ok(yuanqu_office::read(&SHEET, file_name, bytes, &Limits::default())?)
}

/// Imports enterprises from an uploaded .xlsx or .csv in one transaction: new USCCs are
/// registered (with the first status row), known ones updated; each audited, and a summary.
pub async fn import(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    mode: ImportMode,
    ctx: &RequestCtx,
) -> Result<ImportReport, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    let parsed = read(file_name, bytes)?;
    let plan = plan(app, actor, &parsed).await?;
    if mode == ImportMode::AllOrNothing && !plan.errors.is_empty() {
        return Err(SheetError::InvalidCells(plan.errors).into());
    }
    let report = ImportReport {
        created: plan.creates.len() as u64,
        updated: plan.updates.len() as u64,
        unchanged: plan.unchanged,
        rejected: plan.rejected,
        errors: plan.errors,
    };
    let summary = serde_json::json!({
        "file": file_name, "mode": mode.code(), "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged, "rejected": report.rejected,
    });
    let work = Arc::new((plan.creates, plan.updates));
    let by = By::from(actor);
    let zone = actor.zone_scope();
    let now = app.now();
    let today = super::zone_today(now);
    app.db
        .write(|c| {
            let (work, by, ctx, zone, summary) = (work.clone(), by.clone(), ctx.clone(), zone.clone(), summary.clone());
            Box::pin(async move {
                for (row, tags) in &work.0 {
                    let e = q::insert_enterprise(c, &zone, row.clone())
                        .await
                        .map_err(crate::error::unique_as("enterprise.uscc_taken"))?;
                    q::set_tags(c, &zone, e.id, tags).await?;
                    q::insert_status_change(c, &zone, first_status(&e, &by, today)).await?;
                    let a = Entry::new("enterprise.create", "enterprise", Some(e.id)).after(audited(&e, tags));
                    audit::record(c, now, &by, &ctx, a).await?;
                }
                for ((before, before_tags), (after, tags)) in &work.1 {
                    if !q::update_enterprise(c, &zone, after, now).await? {
                        return Err(AppError::PreconditionFailed);
                    }
                    q::set_tags(c, &zone, after.id, tags).await?;
                    let a = Entry::new("enterprise.update", "enterprise", Some(after.id))
                        .before(audited(before, before_tags))
                        .after(audited(after, tags));
                    audit::record(c, now, &by, &ctx, a).await?;
                }
                audit::record(c, now, &by, &ctx, Entry::new("enterprise.import", "enterprise", None).after(summary))
                    .await
            })
        })
        .await?;
    Ok(report)
}

/// The upload annotated with its errors (the same checks as the import, nothing written).
pub async fn error_report(app: &App, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::EnterpriseWrite)?;
    let parsed = read(file_name, bytes)?;
    let plan = plan(app, actor, &parsed).await?;
    Ok(yuanqu_office::error_report(&SHEET, &parsed, &plan.errors)?)
}

const EXPORT_HEADERS: [&str; 19] = [
    "统一社会信用代码",
    "企业名称",
    "园区代码",
    "园区",
    "行业代码",
    "行业",
    "规上企业",
    "注册资本（万元）",
    "成立日期",
    "地址",
    "经度",
    "纬度",
    "用地面积（亩）",
    "建筑面积（平方米）",
    "从业人数",
    "标签",
    "状态",
    "联系人",
    "联系电话",
];
const EXPORT_PAGE: u64 = 500;

/// The enterprises the list would show with the same filters, in my scope, written batch by
/// batch (keyset on the id) with their tags and first contact (phone masked); audited
/// `enterprise.export` with the row count and the filters.
pub async fn export(
    app: &App,
    actor: &Actor,
    f: &EnterpriseFilter,
    format: ExportFormat,
    ctx: &RequestCtx,
) -> Result<Exported, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    let scope: Scope = actor.scope();
    let c = app.db.conn();
    let parks: HashMap<Uuid, (String, String)> =
        iq::parks(&c, &actor.zone_scope()).await?.into_iter().map(|p| (p.id, (p.code, p.name))).collect();
    let names = super::industry::names(app, actor).await?;
    let mut w = ExportWriter::new(format, SHEET.name, &EXPORT_HEADERS)?;
    let mut after = None;
    loop {
        let batch = q::enterprises_after(&c, &scope, f, after, EXPORT_PAGE).await?;
        let n = batch.len() as u64;
        after = batch.last().map(|e| e.id);
        let ids: Vec<Uuid> = batch.iter().map(|e| e.id).collect();
        let tags = q::tags_of(&c, &scope, &ids).await?;
        let contacts = q::first_contacts(&c, &scope, &ids).await?;
        for e in &batch {
            let (pcode, pname) = parks.get(&e.park_id).cloned().unwrap_or_default();
            let industry = e.industry_code.clone().unwrap_or_default();
            let industry_name = names.get(&industry).cloned().unwrap_or_default();
            let n = |v: Option<i64>, d: u32| v.map(|v| format_scaled(v, d)).unwrap_or_default();
            // 1 万元 = 10^6 fen.
            let capital = n(e.registered_capital_fen, 6);
            let status = Status::parse(&e.status).map(Status::name_zh).unwrap_or(e.status.as_str());
            let contact = contacts.get(&e.id);
            let cells = [
                e.uscc.clone(),
                e.name.clone(),
                pcode,
                pname,
                industry,
                industry_name,
                if e.above_scale { "是" } else { "否" }.to_owned(),
                capital,
                e.founded_on.map(|d| d.to_string()).unwrap_or_default(),
                e.address.clone().unwrap_or_default(),
                n(e.longitude_e6, 6),
                n(e.latitude_e6, 6),
                n(e.land_area_centi_mu, 2),
                n(e.floor_area_m2, 0),
                e.employees.map(|v| v.to_string()).unwrap_or_default(),
                tags.get(&e.id).map(|t| t.join("、")).unwrap_or_default(),
                status.to_owned(),
                contact.map(|c| c.name.clone()).unwrap_or_default(),
                contact.map(|c| yuanqu_domain::phone::mask(&c.phone)).unwrap_or_default(),
            ];
            let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
            w.row(&refs)?;
        }
        if n < EXPORT_PAGE {
            break;
        }
    }
    let rows = w.rows;
    let file = w.finish()?;
    let after = serde_json::json!({
        "rows": rows, "format": format.extension(),
        "filters": { "q": f.q, "park_id": f.park_id, "industry": f.industry.as_ref().map(|r| &r.0),
            "above_scale": f.above_scale, "status": f.status, "tags": f.tags },
    });
    let (by, now) = (By::from(actor), app.now());
    app.db
        .write(|c| {
            let (by, ctx, after) = (by.clone(), ctx.clone(), after.clone());
            Box::pin(async move {
                audit::record(c, now, &by, &ctx, Entry::new("enterprise.export", "enterprise", None).after(after)).await
            })
        })
        .await?;
    Ok(Exported { file, rows, format })
}
