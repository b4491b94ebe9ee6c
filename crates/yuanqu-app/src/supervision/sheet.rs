//! The year's key-task list from a spreadsheet (a list of 187 rows is the normal case): the
//! template, and an all-or-nothing import whose every problem names its row and column — a
//! department that does not exist, a milestone after the due date, a deadline from above
//! before the due date. Milestones sit in one cell: `2026-03-31 完成设计 20%；2026-06-30 主体封顶 60%`.

use std::collections::HashMap;

use chrono::NaiveDate;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::supervision::Source;
use yuanqu_office::{CellError, Column, Limits, Sheet, SheetError};
use yuanqu_store::supervision as q;

use super::{Checked, NewItem, NewMilestone, Refs, check, code_for};
use crate::audit::{self, By, Entry};
use crate::enterprise::sheet::date_of;
use crate::{Actor, App, AppError, RequestCtx, Uuid};

fn parse_date(v: &str) -> Result<String, (&'static str, String)> {
    date_of(v).map(|d| d.to_string()).ok_or(("date.format", "日期格式应为 2026-05-01".to_owned()))
}

fn parse_year(v: &str) -> Result<String, (&'static str, String)> {
    v.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .map(|y| y.to_string())
        .ok_or(("range", "年度应为四位年份，如 2026".to_owned()))
}

fn source_of(v: &str) -> Option<Source> {
    Source::parse(v).or_else(|| Source::ALL.into_iter().find(|s| s.name_zh() == v.trim()))
}

fn parse_source(v: &str) -> Result<String, (&'static str, String)> {
    source_of(v).map(|s| s.code().to_owned()).ok_or(("invalid", "来源应为 年度计划、会议决定 或 上级交办".to_owned()))
}

/// `2026-03-31 完成设计 20%` separated by `；` or `;`.
fn milestones_of(v: &str) -> Result<Vec<NewMilestone>, String> {
    let mut out = Vec::new();
    for part in v.split(['；', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let (Some(d), Some(rest)) = (words.next(), Some(words.collect::<Vec<_>>())) else {
            return Err(format!("节点“{part}”应写成 日期 名称 目标%"));
        };
        let due_on = date_of(d).ok_or_else(|| format!("节点“{part}”的日期不对"))?;
        let (pct, title): (Option<i64>, Vec<&str>) = match rest.split_last() {
            Some((last, init)) if last.ends_with('%') || last.ends_with('％') => {
                (last.trim_end_matches(['%', '％']).parse().ok(), init.to_vec())
            }
            _ => (None, rest.clone()),
        };
        let Some(target_pct) = pct.filter(|p| (0..=100).contains(p)) else {
            return Err(format!("节点“{part}”缺少 0–100 的目标%"));
        };
        if title.is_empty() {
            return Err(format!("节点“{part}”缺少名称"));
        }
        out.push(NewMilestone { title: title.join(" "), due_on, target_pct });
    }
    Ok(out)
}

fn parse_milestones(v: &str) -> Result<String, (&'static str, String)> {
    milestones_of(v).map(|_| v.to_owned()).map_err(|m| ("supervision.milestone_format", m))
}

const COLUMNS: &[Column] = &[
    Column::text("title", "任务名称", 200).required().example("推进智能装备产业园二期建设"),
    Column::text("category", "类别", 50).example("产业发展"),
    Column::text("year", "年度", 4).required().example("2026").parse(parse_year),
    Column::text("source", "来源", 8)
        .required()
        .example("年度计划")
        .help("年度计划、会议决定 或 上级交办")
        .parse(parse_source),
    Column::text("source_doc", "交办文号", 100).example("").help("上级交办时必填"),
    Column::text("source_deadline", "上级时限", 10).example("").parse(parse_date),
    Column::text("leader", "牵头领导", 100).example("").help("填写领导的登录名或姓名"),
    Column::text("department", "责任单位", 100).required().example("经济发展局"),
    Column::text("co_departments", "配合单位", 500).example("企业服务中心").help("多个用「、」分隔"),
    Column::text("start_on", "开始日期", 10).required().example("2026-01-01").parse(parse_date),
    Column::text("due_on", "完成时限", 10).required().example("2026-12-31").parse(parse_date),
    Column::text("milestones", "节点", 1000)
        .example("2026-06-30 完成主体工程 50%；2026-10-31 竣工验收 90%")
        .help("日期 名称 目标%，多个用「；」分隔")
        .parse(parse_milestones),
    Column::text("description", "工作内容", 5000).example(""),
];

/// The key-task sheet.
pub const SHEET: Sheet = Sheet { name: "重点工作", columns: COLUMNS };

const TITLE: usize = 0;
const YEAR: usize = 2;
const SOURCE_DOC: usize = 4;
const LEADER: usize = 6;
const DEPARTMENT: usize = 7;
const CO: usize = 8;
const START: usize = 9;
const DUE: usize = 10;
const MILESTONES: usize = 11;

pub fn template(actor: &Actor) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::SupervisionManage)?;
    Ok(yuanqu_office::template(&SHEET)?)
}

/// Which column a field error of `check` belongs to.
fn column_of(field: &str) -> usize {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    match head {
        "category" => 1,
        "year" => YEAR,
        "source" => 3,
        "source_doc" => SOURCE_DOC,
        "lead_user_id" => LEADER,
        "department_id" => DEPARTMENT,
        "co_department_ids" => CO,
        "start_on" => START,
        "due_on" => DUE,
        "milestones" => MILESTONES,
        "description" => 12,
        _ => TITLE,
    }
}

fn message(code: &str) -> String {
    match code {
        "supervision.milestone_after_due" => "节点时间晚于完成时限".into(),
        "supervision.milestone_before_start" => "节点时间早于开始日期".into(),
        "supervision.target_falls" => "节点目标应随时间递增".into(),
        "supervision.due_before_start" => "完成时限早于开始日期".into(),
        "supervision.after_source_deadline" => "完成时限晚于上级时限".into(),
        "supervision.doc_required" => "上级交办的任务须填写交办文号".into(),
        "duplicate" => "重复的单位".into(),
        "not_found" => "不存在".into(),
        "too_long" => "内容过长".into(),
        "required" => "必填".into(),
        _ => "不符合要求".into(),
    }
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub codes: Vec<String>,
}

/// Imports key tasks: all or nothing, one transaction, one summary audit record.
pub async fn import(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    ctx: &RequestCtx,
) -> Result<ImportReport, AppError> {
    actor.require(Permission::SupervisionManage)?;
    let parsed = yuanqu_office::read(&SHEET, file_name, bytes, &Limits::default())?;
    let zone_id = actor.zone_id;
    let c = app.db.conn();
    let zone = yuanqu_domain::Scope::zone(zone_id);
    let departments: HashMap<String, Uuid> =
        yuanqu_store::identity::departments(&c, &zone).await?.into_iter().map(|d| (d.name.clone(), d.id)).collect();
    let staff = q::staff_user_ids(&c, zone_id).await?;
    let mut leaders: HashMap<String, Uuid> = HashMap::new();
    for u in yuanqu_store::visit::user_names(&c, zone_id, &staff).await? {
        leaders.insert(u.1, u.0);
    }
    for id in &staff {
        if let Some(u) = yuanqu_store::identity::user_by_id_in_zone(&c, zone_id, *id).await? {
            leaders.insert(u.login, u.id);
        }
    }
    let refs = std::sync::Arc::new(Refs::load(app, zone_id).await?);
    let now = app.now();
    let mut errors = parsed.errors.clone();
    let mut planned: Vec<(NewItem, u32)> = Vec::new();
    for r in &parsed.rows {
        let v = &r.values;
        let line = r.line;
        if errors.iter().any(|e| e.row == line) {
            continue;
        }
        let mut err = |col: usize, code: &str, msg: String| {
            errors.push(CellError::new(line, Some(col), COLUMNS[col].header, code, msg));
        };
        let department_id = departments.get(v[DEPARTMENT].trim()).copied();
        if department_id.is_none() {
            err(DEPARTMENT, "not_found", format!("本园区没有名为“{}”的单位", v[DEPARTMENT].trim()));
        }
        let mut co = Vec::new();
        for name in v[CO].split(['、', ',', '，']).map(str::trim).filter(|n| !n.is_empty()) {
            match departments.get(name) {
                Some(d) => co.push(*d),
                None => err(CO, "not_found", format!("本园区没有名为“{name}”的单位")),
            }
        }
        let lead = v[LEADER].trim();
        let lead_user_id = if lead.is_empty() { None } else { leaders.get(lead).copied() };
        if !lead.is_empty() && lead_user_id.is_none() {
            err(LEADER, "not_found", format!("找不到领导“{lead}”"));
        }
        let milestones = milestones_of(&v[MILESTONES]).unwrap_or_default();
        let (Some(department_id), Some(start_on), Some(due_on)) = (department_id, date_of(&v[START]), date_of(&v[DUE]))
        else {
            continue;
        };
        let n = NewItem {
            kind: "task".into(),
            title: v[TITLE].clone(),
            category: v[1].clone(),
            year: v[YEAR].parse().unwrap_or(0),
            source: source_of(&v[3]).map(|s| s.code().to_owned()).unwrap_or_default(),
            source_doc: v[SOURCE_DOC].clone(),
            source_deadline: date_of(&v[5]),
            lead_user_id,
            department_id,
            co_department_ids: co,
            start_on,
            due_on,
            description: v[12].clone(),
            milestones,
            project: None,
        };
        if errors.iter().any(|e| e.row == line) {
            continue;
        }
        if let Err(es) = check(&refs, &n, zone_id, String::new(), actor.user_id, now) {
            for e in es {
                let col = column_of(&e.field);
                errors.push(CellError::new(line, Some(col), COLUMNS[col].header, e.code, message(e.code)));
            }
            continue;
        }
        planned.push((n, line));
    }
    if !errors.is_empty() {
        return Err(SheetError::InvalidCells(errors).into());
    }
    let by = By::from(actor);
    let user_id = actor.user_id;
    let rows = planned.len() as u64;
    let codes = app
        .db
        .write(|c| {
            let (planned, by, ctx) = (planned.clone(), by.clone(), ctx.clone());
            let refs = refs.clone();
            Box::pin(async move {
                let mut next: HashMap<i32, u64> = HashMap::new();
                let mut codes = Vec::new();
                for (n, _) in planned {
                    let counter = match next.get_mut(&n.year) {
                        Some(c) => c,
                        None => next.entry(n.year).or_insert(q::count_items(c, zone_id, "task", n.year).await?),
                    };
                    *counter += 1;
                    let code = code_for("task", n.year, *counter);
                    let Checked { item, departments, milestones, months } =
                        check(&refs, &n, zone_id, code.clone(), user_id, now).map_err(AppError::Validation)?;
                    q::insert_item(c, item, departments, milestones, months).await?;
                    codes.push(code);
                }
                let e = Entry::new("supervision.import", "supervision_item", None)
                    .after(serde_json::json!({ "rows": codes.len(), "first": codes.first(), "last": codes.last() }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok::<_, AppError>(codes)
            })
        })
        .await?;
    Ok(ImportReport { rows, codes })
}

/// A day parsed as the sheet does (for the demo and tests).
pub fn day(v: &str) -> Option<NaiveDate> {
    date_of(v)
}
