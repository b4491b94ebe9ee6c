//! Users by spreadsheet (IV-03, PD-04): the import template, the import (natural key = login,
//! per zone, case-insensitive; idempotent), its annotated error report, and the export.
//!
//! Imported accounts get no usable password: `password_hash` holds [`NO_PASSWORD`], which is
//! not a PHC string and so never verifies, and `must_change_password` is set. The administrator
//! then issues a one-time password with the ordinary reset (`PATCH /users/{id}` `password`).
//! Hashing 10,000 passwords with Argon2id (m = 19 MiB) would take minutes.

use std::collections::HashMap;
use std::sync::Arc;

use yuanqu_domain::identity::{LoginId, Permission, Role};
use yuanqu_domain::{Scope, Uscc};
use yuanqu_office::{CellError, Column, ExportFormat, ExportWriter, Limits, Parsed, Sheet, SheetError};
use yuanqu_store::Uuid;
use yuanqu_store::exports::{self as xq, ExportRequestRow};
use yuanqu_store::identity::{self as q, UserFilter, UserRow};

use super::users::{audited, id_card_masked, id_card_of, mask_phone};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx};

/// The `password_hash` of an imported account: not a PHC string, so no password matches it.
pub const NO_PASSWORD: &str = "!imported:no-password";

fn parse_login(v: &str) -> Result<String, (&'static str, String)> {
    LoginId::parse(v).map(|l| l.as_str().to_owned()).map_err(|c| (c, "登录名为 2–64 个字母、数字或 . _ - @".to_owned()))
}

fn parse_phone(v: &str) -> Result<String, (&'static str, String)> {
    yuanqu_domain::phone::parse_mobile(v).map_err(|c| (c, "手机号应为 11 位数字，以 1 开头".to_owned()))
}

fn parse_uscc(v: &str) -> Result<String, (&'static str, String)> {
    Uscc::parse(v)
        .map(|u| u.as_str().to_owned())
        .map_err(|e| (e.code(), "统一社会信用代码格式或校验位不正确".to_owned()))
}

const COLUMNS: &[Column] = &[
    Column::text("login", "登录名", 64)
        .required()
        .example("zhangsan")
        .help("2–64 个字母、数字或 . _ - @，不区分大小写；已存在的登录名会更新该用户")
        .parse(parse_login),
    Column::text("display_name", "姓名", 64).required().example("张三").help("用户的姓名"),
    Column::text("role", "角色", 32)
        .required()
        .example("职工")
        .help("角色名称（如 职工、科室工作人员、企业账号）或角色代码（如 worker）；不能导入三类管理员"),
    Column::text("department", "部门", 200).example("招商局").help("部门名称；有同名部门时写路径，如 管委会/招商局"),
    Column::text("enterprise_uscc", "企业统一社会信用代码", 18)
        .digits()
        .help("企业账号必填（18 位），其它角色留空")
        .parse(parse_uscc),
    Column::text("phone", "手机号", 11).digits().example("13912345678").help("选填，11 位手机号").parse(parse_phone),
];

/// The users sheet: its columns, declared once.
pub const SHEET: Sheet = Sheet { name: "用户", columns: COLUMNS };

const LOGIN: usize = 0;
const NAME: usize = 1;
const ROLE: usize = 2;
const DEPT: usize = 3;
const USCC: usize = 4;
const PHONE: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Any error: nothing is written (422 with every error).
    AllOrNothing,
    /// The valid rows are written; the others are reported.
    ValidRows,
}

impl ImportMode {
    pub fn code(self) -> &'static str {
        match self {
            Self::AllOrNothing => "all_or_nothing",
            Self::ValidRows => "valid_rows",
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImportReport {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Rows not written because of an error.
    pub rejected: u64,
    pub errors: Vec<CellError>,
}

/// The template to download.
pub fn template(actor: &Actor) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::UserWrite)?;
    Ok(yuanqu_office::template(&SHEET)?)
}

struct Plan {
    creates: Vec<UserRow>,
    updates: Vec<(UserRow, UserRow)>,
    unchanged: u64,
    rejected: u64,
    errors: Vec<CellError>,
}

fn role_of(v: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.name_zh() == v || r.code().eq_ignore_ascii_case(v))
}

/// Department name → ids, and full path (`A/B`) → id.
fn department_maps(deps: &[q::DepartmentRow]) -> (HashMap<String, Vec<Uuid>>, HashMap<String, Uuid>) {
    let by_id: HashMap<Uuid, &q::DepartmentRow> = deps.iter().map(|d| (d.id, d)).collect();
    let mut names: HashMap<String, Vec<Uuid>> = HashMap::new();
    let mut paths = HashMap::new();
    for d in deps {
        names.entry(d.name.clone()).or_default().push(d.id);
        let mut parts = vec![d.name.as_str()];
        let mut cur = d.parent_id;
        let mut guard = 0;
        while let Some(p) = cur.and_then(|p| by_id.get(&p)) {
            parts.push(p.name.as_str());
            cur = p.parent_id;
            guard += 1;
            if guard > 64 {
                break;
            }
        }
        parts.reverse();
        paths.insert(parts.join("/"), d.id);
    }
    (names, paths)
}

fn same(a: &UserRow, b: &UserRow) -> bool {
    a.display_name == b.display_name
        && a.role == b.role
        && a.department_id == b.department_id
        && a.enterprise_id == b.enterprise_id
        && a.phone == b.phone
}

async fn plan(app: &App, actor: &Actor, parsed: &Parsed) -> Result<Plan, AppError> {
    let c = app.db.conn();
    let zone = actor.zone_scope();
    let scope = actor.scope();
    let logins: Vec<String> = parsed.rows.iter().map(|r| r.values[LOGIN].to_lowercase()).collect();
    let existing: HashMap<String, UserRow> =
        q::zone_users_by_login(&c, &zone, &logins).await?.into_iter().map(|u| (u.login.to_lowercase(), u)).collect();
    let deps = q::departments(&c, &zone).await?;
    let (dep_names, dep_paths) = department_maps(&deps);
    let enterprises: HashMap<String, Uuid> =
        q::all_enterprises(&c, &scope).await?.into_iter().map(|e| (e.uscc, e.id)).collect();
    let now = app.now();
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
        let login = v[LOGIN].to_lowercase();
        if let Some(first) = seen.get(&login) {
            err(LOGIN, "sheet.duplicate_key", format!("与第 {first} 行的登录名重复"));
        } else if !login.is_empty() {
            seen.insert(login.clone(), line);
        }
        let role = if v[ROLE].is_empty() {
            None
        } else {
            match role_of(&v[ROLE]) {
                None => {
                    err(ROLE, "role.unknown", format!("未知角色「{}」", v[ROLE]));
                    None
                }
                Some(r) if r.is_admin() => {
                    err(ROLE, "role.not_grantable", "不能通过导入授予管理员角色".to_owned());
                    None
                }
                Some(r) => Some(r),
            }
        };
        let department_id = if v[DEPT].is_empty() {
            None
        } else if v[DEPT].contains('/') {
            let path = v[DEPT].split('/').map(str::trim).collect::<Vec<_>>().join("/");
            let d = dep_paths.get(&path).copied();
            if d.is_none() {
                err(DEPT, "department.not_found", format!("找不到部门「{}」", v[DEPT]));
            }
            d
        } else {
            match dep_names.get(&v[DEPT]).map(Vec::as_slice) {
                Some([one]) => Some(*one),
                Some([_, _, ..]) => {
                    err(DEPT, "department.ambiguous", "有多个同名部门，请写路径，如 上级部门/部门".to_owned());
                    None
                }
                _ => {
                    err(DEPT, "department.not_found", format!("找不到部门「{}」", v[DEPT]));
                    None
                }
            }
        };
        let enterprise_id = match (role, v[USCC].is_empty()) {
            (Some(Role::Enterprise), true) => {
                err(USCC, "enterprise.required", "企业账号必须填写企业统一社会信用代码".to_owned());
                None
            }
            (Some(Role::Enterprise), false) => {
                let e = enterprises.get(&v[USCC]).copied();
                if e.is_none() {
                    err(USCC, "enterprise.not_found", "本园区没有该统一社会信用代码的企业".to_owned());
                }
                e
            }
            (Some(_), false) => {
                err(USCC, "enterprise.not_allowed", "只有企业账号填写统一社会信用代码".to_owned());
                None
            }
            _ => None,
        };
        let phone = Some(v[PHONE].clone()).filter(|p| !p.is_empty());
        let before = existing.get(&login);
        if let Some(b) = before {
            let old_role = Role::parse(&b.role);
            if old_role.is_some_and(Role::is_admin) {
                err(ROLE, "role.not_grantable", "管理员账号不能通过导入修改".to_owned());
            } else if b.id == actor.user_id && Some(b.role.as_str()) != role.map(Role::code) {
                err(ROLE, "user.self_change", "不能修改自己的角色".to_owned());
            } else if let Some(r) = role
                && (r == Role::Enterprise) != (old_role == Some(Role::Enterprise))
            {
                err(ROLE, "role.enterprise_binding", "企业账号与其它角色之间不能互相转换".to_owned());
            }
        }
        let bad = !errs.is_empty() || errors.iter().any(|e| e.row == line);
        errors.append(&mut errs);
        if bad {
            plan.rejected += 1;
            continue;
        }
        let Some(role) = role else {
            plan.rejected += 1;
            continue;
        };
        match before {
            Some(b) => {
                let mut after = b.clone();
                after.display_name = v[NAME].clone();
                after.role = role.code().to_owned();
                after.department_id = department_id;
                after.enterprise_id = enterprise_id;
                after.phone = phone;
                if same(b, &after) {
                    plan.unchanged += 1;
                } else {
                    plan.updates.push((b.clone(), after));
                }
            }
            None => plan.creates.push(UserRow {
                id: Uuid::now_v7(),
                zone_id: zone.zone_id(),
                login,
                display_name: v[NAME].clone(),
                role: role.code().to_owned(),
                department_id,
                enterprise_id,
                phone,
                id_card_enc: None,
                id_card_bidx: None,
                password_hash: NO_PASSWORD.to_owned(),
                password_changed_at: now,
                password_expires_at: None,
                must_change_password: true,
                active: true,
                version: 1,
                created_at: now,
                totp_secret: None,
                totp_enabled: false,
                totp_last_step: None,
                totp_failures: 0,
                totp_locked_until: None,
            }),
        }
    }
    errors.sort_by(|a, b| (a.row, a.column.len(), &a.column).cmp(&(b.row, b.column.len(), &b.column)));
    plan.errors = errors;
    Ok(plan)
}

fn read(file_name: &str, bytes: &[u8]) -> Result<Parsed, AppError> {
    Ok(yuanqu_office::read(&SHEET, file_name, bytes, &Limits::default())?)
}

/// Imports users from an uploaded .xlsx or .csv, in one transaction.
pub async fn import(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    mode: ImportMode,
    ctx: &RequestCtx,
) -> Result<ImportReport, AppError> {
    actor.require(Permission::UserWrite)?;
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
        "file": file_name,
        "mode": mode.code(),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
    });
    // What the audit records show (personal values masked), computed before the transaction.
    let audit_value = |u: &UserRow| -> Result<Option<serde_json::Value>, AppError> {
        Ok(serde_json::to_value(audited(&app.keys, u)?).ok())
    };
    let creates_audit = plan.creates.iter().map(&audit_value).collect::<Result<Vec<_>, _>>()?;
    let updates_audit = plan
        .updates
        .iter()
        .map(|(b, a)| Ok((audit_value(b)?, audit_value(a)?)))
        .collect::<Result<Vec<_>, AppError>>()?;
    let work = Arc::new((plan.creates, plan.updates, creates_audit, updates_audit));
    let by = By::from(actor);
    let scope = actor.scope();
    let now = app.now();
    app.db
        .write(|c| {
            let (work, by, ctx, scope, summary) =
                (work.clone(), by.clone(), ctx.clone(), scope.clone(), summary.clone());
            Box::pin(async move {
                for (row, after_audit) in work.0.iter().zip(&work.2) {
                    let u = q::insert_user(c, &scope, row.clone())
                        .await
                        .map_err(crate::error::unique_as("user.login_taken"))?;
                    let mut e = Entry::new("user.create", "user", Some(u.id));
                    e.after = after_audit.clone();
                    audit::record(c, now, &by, &ctx, e).await?;
                }
                for ((before, after), (before_audit, after_audit)) in work.1.iter().zip(&work.3) {
                    if !q::update_user(c, &scope, after).await? {
                        return Err(AppError::PreconditionFailed);
                    }
                    if after.role != before.role {
                        // SES-03: a new role takes effect at once.
                        q::delete_user_sessions(c, after.zone_id, after.id, None).await?;
                    }
                    let mut e = Entry::new("user.update", "user", Some(after.id));
                    e.before = before_audit.clone();
                    e.after = after_audit.clone();
                    audit::record(c, now, &by, &ctx, e).await?;
                }
                audit::record(c, now, &by, &ctx, Entry::new("user.import", "user", None).after(summary)).await
            })
        })
        .await?;
    Ok(report)
}

/// The upload annotated with its errors (the same checks as the import, nothing written).
pub async fn error_report(app: &App, actor: &Actor, file_name: &str, bytes: &[u8]) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::UserWrite)?;
    let parsed = read(file_name, bytes)?;
    let plan = plan(app, actor, &parsed).await?;
    Ok(yuanqu_office::error_report(&SHEET, &parsed, &plan.errors)?)
}

/// An export on its way out: the file (deleted when dropped) and how many rows it holds.
pub struct Exported {
    pub file: tempfile::NamedTempFile,
    pub rows: u64,
    pub format: ExportFormat,
}

/// What an export request answered: the file at once, or a request awaiting a second person.
pub enum ExportOutcome {
    File(Exported),
    Requested(ExportRequestRow),
}

const EXPORT_HEADERS: [&str; 9] = ["登录名", "姓名", "角色", "部门", "企业", "手机号", "身份证号", "状态", "创建时间"];
const EXPORT_PAGE: u64 = 1000;
/// PD-04: an unmasked export of more rows than this waits for a second person's approval.
pub const UNMASKED_WITHOUT_APPROVAL: u64 = 1000;
/// How long an export request stays valid.
const REQUEST_HOURS: i64 = 24;

/// Checks the reason of an unmasked export (4 to 200 characters), as the reveal does.
fn reason_of(reason: &str) -> Result<String, AppError> {
    let reason = reason.trim().to_owned();
    if !(4..=200).contains(&reason.chars().count()) {
        return Err(AppError::field("reason", "personal.reason_length"));
    }
    Ok(reason)
}

fn filters_json(f: &UserFilter) -> serde_json::Value {
    serde_json::json!({ "q": f.q, "role": f.role, "department_id": f.department_id, "sort": f.sort,
        "id_card_bidx": f.id_card_bidx })
}

fn filters_of(v: &str) -> UserFilter {
    let v: serde_json::Value = serde_json::from_str(v).unwrap_or_default();
    let s = |k: &str| v[k].as_str().map(str::to_owned);
    UserFilter {
        q: s("q"),
        role: s("role"),
        department_id: s("department_id").and_then(|d| d.parse().ok()),
        id_card_bidx: s("id_card_bidx"),
        sort: s("sort"),
    }
}

/// The users the list would show with the same filters, in the actor's scope, in creation order
/// (the list's `sort` is not applied), written batch by batch (keyset on the id, no OFFSET) to a
/// temporary file; phones and ID card numbers masked unless `unmasked`.
async fn write_users(
    app: &App,
    actor: &Actor,
    f: &UserFilter,
    format: ExportFormat,
    unmasked: bool,
) -> Result<(tempfile::NamedTempFile, u64), AppError> {
    let scope: Scope = actor.scope();
    let c = app.db.conn();
    let mut w = ExportWriter::new(format, SHEET.name, &EXPORT_HEADERS)?;
    let mut after = None;
    loop {
        let batch = q::users_after(&c, &scope, f, after, EXPORT_PAGE).await?;
        let n = batch.len() as u64;
        after = batch.last().map(|i| i.user.id);
        for i in batch {
            let u = &i.user;
            let role = Role::parse(&u.role).map(Role::name_zh).unwrap_or(u.role.as_str());
            let (phone, id_card) = if unmasked {
                (u.phone.clone().unwrap_or_default(), id_card_of(&app.keys, u)?.unwrap_or_default())
            } else {
                (
                    u.phone.as_deref().map(mask_phone).unwrap_or_default(),
                    id_card_masked(&app.keys, u)?.unwrap_or_default(),
                )
            };
            let created = u.created_at.format("%Y-%m-%d %H:%M").to_string();
            let cells = [
                u.login.as_str(),
                u.display_name.as_str(),
                role,
                i.department_name.as_deref().unwrap_or(""),
                i.enterprise_name.as_deref().unwrap_or(""),
                phone.as_str(),
                id_card.as_str(),
                if u.active { "启用" } else { "停用" },
                created.as_str(),
            ];
            w.row(&cells)?;
        }
        if n < EXPORT_PAGE {
            break;
        }
    }
    let rows = w.rows;
    Ok((w.finish()?, rows))
}

/// The users export (PD-04): masked by default; with `unmask = Some(reason)` the full phone and
/// ID card numbers, for a holder of `personal.reveal`, unless it would hold more than
/// [`UNMASKED_WITHOUT_APPROVAL`] rows: then an export request waits for a second person.
/// Audited `user.export` with the count, the filters and, unmasked, the reason.
pub async fn export(
    app: &App,
    actor: &Actor,
    f: &UserFilter,
    format: ExportFormat,
    unmask: Option<&str>,
    ctx: &RequestCtx,
) -> Result<ExportOutcome, AppError> {
    actor.require(Permission::UserRead)?;
    let reason = match unmask {
        Some(r) => {
            actor.require(Permission::PersonalReveal)?;
            Some(reason_of(r)?)
        }
        None => None,
    };
    let by = By::from(actor);
    let now = app.now();
    if let Some(reason) = &reason {
        let count = q::count_users(&app.db.conn(), &actor.scope(), f).await?;
        if count > UNMASKED_WITHOUT_APPROVAL {
            let row = ExportRequestRow {
                id: Uuid::now_v7(),
                zone_id: actor.zone_id,
                requester_id: actor.user_id,
                kind: "users".to_owned(),
                filters: filters_json(f).to_string(),
                reason: reason.clone(),
                row_count: i64::try_from(count).unwrap_or(i64::MAX),
                status: "pending".to_owned(),
                approver_id: None,
                decided_at: None,
                created_at: now,
                expires_at: now + chrono::Duration::hours(REQUEST_HOURS),
                version: 1,
            };
            let zone = actor.zone_scope();
            let summary = serde_json::json!({ "kind": "users", "rows": count, "reason": reason,
                "format": format.extension(), "filters": filters_json(f) });
            return app
                .db
                .write(|c| {
                    let (row, by, ctx, zone, summary) =
                        (row.clone(), by.clone(), ctx.clone(), zone.clone(), summary.clone());
                    Box::pin(async move {
                        let r = xq::insert(c, &zone, row).await?;
                        let e = Entry::new("export.request", "export_request", Some(r.id)).after(summary);
                        audit::record(c, now, &by, &ctx, e).await?;
                        Ok(ExportOutcome::Requested(r))
                    })
                })
                .await;
        }
    }
    let (file, rows) = write_users(app, actor, f, format, reason.is_some()).await?;
    let mut after = serde_json::json!({
        "rows": rows,
        "format": format.extension(),
        "filters": { "q": f.q, "role": f.role, "department_id": f.department_id, "sort": f.sort },
        "unmasked": reason.is_some(),
    });
    if let Some(r) = &reason {
        after["reason"] = serde_json::Value::String(r.clone());
    }
    app.db
        .write(|c| {
            let (by, ctx, after) = (by.clone(), ctx.clone(), after.clone());
            Box::pin(async move {
                audit::record(c, now, &by, &ctx, Entry::new("user.export", "user", None).after(after)).await
            })
        })
        .await?;
    Ok(ExportOutcome::File(Exported { file, rows, format }))
}

/// My export requests, and for a holder of `export.approve` the zone's pending ones.
pub async fn requests(app: &App, actor: &Actor) -> Result<Vec<ExportRequestRow>, AppError> {
    actor.require(Permission::PersonalReveal)?;
    let approver = actor.require(Permission::ExportApprove).is_ok();
    Ok(xq::list(&app.db.conn(), &actor.zone_scope(), actor.user_id, approver).await?)
}

/// Approves (or refuses) another person's pending request: one conditional UPDATE, audited in
/// its transaction; the requester may not decide their own (403 `export.self_approval`).
pub async fn decide(
    app: &App,
    actor: &Actor,
    id: Uuid,
    approve: bool,
    ctx: &RequestCtx,
) -> Result<ExportRequestRow, AppError> {
    actor.require(Permission::ExportApprove)?;
    let zone = actor.zone_scope();
    let r = xq::get(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    if r.requester_id == actor.user_id {
        return Err(AppError::ForbiddenCode("export.self_approval"));
    }
    let (status, action) = if approve { ("approved", "export.approve") } else { ("refused", "export.refuse") };
    let (by, now, me) = (By::from(actor), app.now(), actor.user_id);
    app.db
        .write(|c| {
            let (by, ctx, zone) = (by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                if !xq::decide(c, &zone, id, me, status, now).await? {
                    return Err(AppError::Conflict("export.not_pending"));
                }
                let e = Entry::new(action, "export_request", Some(id)).after(serde_json::json!({ "status": status }));
                audit::record(c, now, &by, &ctx, e).await?;
                xq::get(c, &zone, id).await?.ok_or(AppError::NotFound)
            })
        })
        .await
}

/// The approved export's file, for its requester, once, within 24 hours: the file is written
/// first, then one conditional UPDATE marks the request downloaded (only one caller wins) and
/// the unmasked export is audited in the same transaction.
pub async fn download(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<Exported, AppError> {
    actor.require(Permission::PersonalReveal)?;
    let zone = actor.zone_scope();
    let r = xq::get(&app.db.conn(), &zone, id).await?.ok_or(AppError::NotFound)?;
    let now = app.now();
    let state = |r: &ExportRequestRow| -> Result<(), AppError> {
        if r.requester_id != actor.user_id {
            return Err(AppError::ForbiddenCode("export.not_requester"));
        }
        match r.status.as_str() {
            "approved" if r.expires_at <= now => Err(AppError::Gone("export.expired")),
            "approved" => Ok(()),
            "downloaded" => Err(AppError::Gone("export.downloaded")),
            _ if r.expires_at <= now => Err(AppError::Gone("export.expired")),
            _ => Err(AppError::Conflict("export.not_approved")),
        }
    };
    state(&r)?;
    let f = filters_of(&r.filters);
    let format = ExportFormat::Csv;
    let (file, rows) = write_users(app, actor, &f, format, true).await?;
    let after = serde_json::json!({
        "rows": rows, "format": format.extension(), "unmasked": true, "reason": r.reason,
        "export_request": id, "approver": r.approver_id,
    });
    let (by, me) = (By::from(actor), actor.user_id);
    app.db
        .write(|c| {
            let (by, ctx, zone, after) = (by.clone(), ctx.clone(), zone.clone(), after.clone());
            Box::pin(async move {
                if !xq::mark_downloaded(c, &zone, id, me, now).await? {
                    return Err(AppError::Gone("export.downloaded"));
                }
                audit::record(c, now, &by, &ctx, Entry::new("user.export", "user", None).after(after.clone())).await?;
                let e = Entry::new("export.download", "export_request", Some(id)).after(after);
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    Ok(Exported { file, rows, format })
}
