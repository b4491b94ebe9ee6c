//! Party members: the list (ID card and phone masked), one member with the history of moves,
//! a new member (the ID card number checked, encrypted and blind-indexed: one person is a member
//! of one organization of the zone), a move between organizations, the audited full view of an
//! ID card number, and the import from a spreadsheet (all or nothing, errors by row and column).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use yuanqu_domain::identity::Permission;
use yuanqu_domain::party::{self as dom, Standing};
use yuanqu_domain::{FieldError, IdCardNo};
use yuanqu_office::{CellError, Column, Limits, Sheet, SheetError};
use yuanqu_store::party::{self as q, MemberFilter, MemberRow, MoveRow, OrgRow};

use super::{scope_of, subtree_in};
use crate::audit::{self, By, Entry};
use crate::enterprise::sheet::date_of;
use crate::enterprise::zone_today;
use crate::form::text_field;
use crate::personal::Slot;
use crate::{Actor, App, AppError, Page, PageReq, RequestCtx, Uuid};

const ID_CARD: (&str, &str) = ("party_member", "id_card_enc");

fn slot(zone_id: Uuid, row_id: Uuid) -> Slot<'static> {
    Slot { table: ID_CARD.0, column: ID_CARD.1, zone_id, row_id }
}

/// A member as shown: the ID card number and phone masked.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub row: MemberRow,
    pub org_name: String,
    pub id_card_masked: String,
    pub phone_masked: Option<String>,
}

pub(crate) fn id_card_of(app: &App, m: &MemberRow) -> Result<String, AppError> {
    app.keys.decrypt(slot(m.zone_id, m.id), &m.id_card_enc)
}

pub(crate) fn views(app: &App, rows: Vec<MemberRow>, orgs: &[OrgRow]) -> Result<Vec<MemberView>, AppError> {
    let names: HashMap<Uuid, &str> = orgs.iter().map(|o| (o.id, o.name.as_str())).collect();
    rows.into_iter()
        .map(|row| {
            Ok(MemberView {
                org_name: names.get(&row.org_id).map(|s| (*s).to_owned()).unwrap_or_default(),
                id_card_masked: yuanqu_domain::id_card::mask(&id_card_of(app, &row)?),
                phone_masked: row.phone.as_deref().map(yuanqu_domain::phone::mask),
                row,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub org_id: Option<Uuid>,
    pub q: Option<String>,
    pub standing: Option<String>,
}

/// Members in the actor's reach; `org_id` takes the organization's whole subtree.
pub async fn list(app: &App, actor: &Actor, f: Filter, page: PageReq) -> Result<Page<MemberView>, AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let filter = MemberFilter { org_ids: f.org_id.map(|o| subtree_in(&all, &scope, o)), q: f.q, standing: f.standing };
    let p = q::members(&c, &scope, &filter, page).await?;
    Ok(Page { items: views(app, p.items, &all)?, total: p.total })
}

/// One member and the moves between organizations, oldest first: (from, to, on, reason).
pub async fn get(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(MemberView, Vec<(String, String, NaiveDate, String)>), AppError> {
    actor.require(Permission::PartyRead)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let row = q::member(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let names: HashMap<Uuid, String> = all.iter().map(|o| (o.id, o.name.clone())).collect();
    let name = |i: &Uuid| names.get(i).cloned().unwrap_or_default();
    let moves = q::moves(&c, actor.zone_id, id)
        .await?
        .into_iter()
        .map(|m| (name(&m.from_org_id), name(&m.to_org_id), m.moved_on, m.reason))
        .collect();
    let view = views(app, vec![row], &all)?.pop().ok_or(AppError::NotFound)?;
    Ok((view, moves))
}

/// A member as submitted (or read from a row of the import).
#[derive(Debug, Clone)]
pub struct NewMember {
    pub org_id: Uuid,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_on: Option<NaiveDate>,
    pub id_card: String,
    pub phone: Option<String>,
    pub education: String,
    pub joined_on: NaiveDate,
    pub standing: String,
    pub probation_ends_on: Option<NaiveDate>,
    pub post: String,
}

/// Checks a member; the blind index of the ID card number with it. Errors name the field.
fn check(
    app: &App,
    zone_id: Uuid,
    n: &NewMember,
    orgs: &[Uuid],
    today: NaiveDate,
) -> Result<(MemberRow, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = text_field(&mut errors, "name", &n.name, 50, true);
    let ethnicity = text_field(&mut errors, "ethnicity", &n.ethnicity, 20, false);
    let education = text_field(&mut errors, "education", &n.education, 20, false);
    let post = text_field(&mut errors, "post", &n.post, 100, false);
    if !orgs.contains(&n.org_id) {
        errors.push(FieldError::new("org_id", "not_found"));
    }
    let id_card = match IdCardNo::parse(&n.id_card, today) {
        Ok(i) => Some(i),
        Err(e) => {
            errors.push(FieldError::new("id_card", e.code()));
            None
        }
    };
    // Birth date and gender are in the number (digits 7–14; the 17th odd for men).
    let from_card = id_card.as_ref().and_then(|i| Some((i.birth_date()?, if i.is_male() { "m" } else { "f" })));
    let birth_on = match (n.birth_on, from_card) {
        (Some(b), Some((c, _))) if b != c => {
            errors.push(FieldError::new("birth_on", "party.birth_not_id_card"));
            Some(b)
        }
        (b, c) => b.or(c.map(|c| c.0)),
    };
    let gender = match (n.gender.trim(), from_card) {
        ("", Some((_, g))) => g.to_owned(),
        (g @ ("m" | "f"), Some((_, c))) if g != c => {
            errors.push(FieldError::new("gender", "party.gender_not_id_card"));
            g.to_owned()
        }
        (g @ ("m" | "f"), _) => g.to_owned(),
        // No valid number to read it from: the number's own error says enough.
        ("", None) => String::new(),
        _ => {
            errors.push(FieldError::new("gender", "invalid"));
            String::new()
        }
    };
    let phone = match n.phone.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match yuanqu_domain::phone::parse_mobile(p) {
            Ok(p) => Some(p),
            Err(c) => {
                errors.push(FieldError::new("phone", c));
                None
            }
        },
    };
    let standing = match (n.standing.as_str(), n.probation_ends_on) {
        ("full", _) => Some(Standing::Full),
        ("probationary", Some(ends_on)) => Some(Standing::Probationary { ends_on }),
        ("probationary", None) => {
            errors.push(FieldError::new("probation_ends_on", "required"));
            None
        }
        _ => {
            errors.push(FieldError::new("standing", "invalid"));
            None
        }
    };
    if let Some(s) = standing
        && let Err(mut e) = dom::check_member_dates(n.joined_on, s, birth_on, today)
    {
        errors.append(&mut e);
    }
    let Some(id_card) = id_card.filter(|_| errors.is_empty()) else { return Err(errors) };
    let id = Uuid::now_v7();
    let enc = app
        .keys
        .encrypt(slot(zone_id, id), id_card.as_str())
        .map_err(|_| vec![FieldError::new("id_card", "internal")])?;
    let bidx = app
        .keys
        .blind_index(ID_CARD.0, ID_CARD.1, zone_id, id_card.as_str())
        .map_err(|_| vec![FieldError::new("id_card", "internal")])?;
    let row = MemberRow {
        id,
        zone_id,
        org_id: n.org_id,
        name,
        gender,
        ethnicity,
        birth_on,
        id_card_enc: enc,
        id_card_bidx: bidx.clone(),
        phone,
        education,
        joined_on: n.joined_on,
        standing: n.standing.clone(),
        probation_ends_on: if n.standing == "probationary" { n.probation_ends_on } else { None },
        full_on: None,
        post,
        created_at: chrono::DateTime::<chrono::Utc>::MIN_UTC,
        version: 1,
    };
    Ok((row, bidx))
}

/// Adds a member (party-work staff). A person already a member of another organization of the
/// zone is refused (`id_card` `party.member_elsewhere`): a move is how they change organization.
pub async fn create(app: &App, actor: &Actor, n: NewMember, ctx: &RequestCtx) -> Result<MemberView, AppError> {
    actor.require(Permission::PartyManage)?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let org_ids: Vec<Uuid> = all.iter().map(|o| o.id).collect();
    let now = app.now();
    let (mut row, bidx) = check(app, actor.zone_id, &n, &org_ids, zone_today(now)).map_err(AppError::Validation)?;
    row.created_at = now;
    if q::member_by_id_card(&c, actor.zone_id, &bidx).await?.is_some() {
        return Err(AppError::field("id_card", "party.member_elsewhere"));
    }
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, by, ctx) = (row.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                q::insert_members(c, std::slice::from_ref(&row)).await.map_err(|e| match e {
                    yuanqu_store::StoreError::Unique(_) => AppError::field("id_card", "party.member_elsewhere"),
                    e => e.into(),
                })?;
                let e = Entry::new("party.member.create", "party_member", Some(row.id))
                    .after(serde_json::json!({ "org_id": row.org_id, "standing": row.standing }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    views(app, vec![row], &all)?.pop().ok_or(AppError::NotFound)
}

/// Moves a member to another organization of the zone on the version read; the move is kept.
/// A move as submitted: where to, on which day, why, on the version read.
#[derive(Debug, Clone)]
pub struct Move {
    pub to_org_id: Uuid,
    pub moved_on: NaiveDate,
    pub reason: String,
    pub version: i32,
}

pub async fn move_to(app: &App, actor: &Actor, id: Uuid, mv: Move, ctx: &RequestCtx) -> Result<MemberView, AppError> {
    actor.require(Permission::PartyManage)?;
    let Move { to_org_id, moved_on, reason, version } = mv;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let m = q::member(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let mut errors = Vec::new();
    let reason = text_field(&mut errors, "reason", &reason, 200, false);
    if !all.iter().any(|o| o.id == to_org_id) {
        errors.push(FieldError::new("to_org_id", "not_found"));
    } else if to_org_id == m.org_id {
        errors.push(FieldError::new("to_org_id", "party.same_org"));
    }
    let now = app.now();
    if moved_on > zone_today(now) {
        errors.push(FieldError::new("moved_on", "date.future"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mv = MoveRow {
        id: Uuid::now_v7(),
        zone_id: actor.zone_id,
        member_id: id,
        from_org_id: m.org_id,
        to_org_id,
        moved_on,
        reason,
        created_by: actor.user_id,
        created_at: now,
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (mv, by, ctx) = (mv.clone(), by.clone(), ctx.clone());
            Box::pin(async move {
                if !q::move_member(c, mv.zone_id, mv.member_id, mv.to_org_id, version).await? {
                    return Err(AppError::PreconditionFailed);
                }
                q::insert_moves(c, std::slice::from_ref(&mv)).await?;
                let e = Entry::new("party.member.move", "party_member", Some(mv.member_id))
                    .before(serde_json::json!({ "org_id": mv.from_org_id }))
                    .after(serde_json::json!({ "org_id": mv.to_org_id, "moved_on": mv.moved_on }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    let row = MemberRow { org_id: to_org_id, version: version + 1, ..m };
    views(app, vec![row], &all)?.pop().ok_or(AppError::NotFound)
}

/// A probationary member becomes a full member (转正) on a day: not before joining, not in the
/// future; on the version read; audited. A full member → 409 `party.not_probationary`.
pub async fn confirm(
    app: &App,
    actor: &Actor,
    id: Uuid,
    full_on: NaiveDate,
    version: i32,
    ctx: &RequestCtx,
) -> Result<MemberView, AppError> {
    actor.require(Permission::PartyManage)?;
    let scope = scope_of(app, actor).await?;
    let c = app.db.conn();
    let m = q::member(&c, &scope, id).await?.ok_or(AppError::NotFound)?;
    if m.standing != "probationary" {
        return Err(AppError::Conflict("party.not_probationary"));
    }
    let now = app.now();
    if full_on > zone_today(now) {
        return Err(AppError::field("full_on", "date.future"));
    }
    if full_on <= m.joined_on {
        return Err(AppError::field("full_on", "party.full_before_joining"));
    }
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (by, ctx) = (by.clone(), ctx.clone());
            Box::pin(async move {
                if !q::confirm_member(c, by.zone_id, id, full_on, version).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e = Entry::new("party.member.confirm", "party_member", Some(id))
                    .before(serde_json::json!({ "standing": "probationary" }))
                    .after(serde_json::json!({ "standing": "full", "full_on": full_on }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let row = MemberRow { standing: "full".to_owned(), full_on: Some(full_on), version: version + 1, ..m };
    views(app, vec![row], &all)?.pop().ok_or(AppError::NotFound)
}

/// The full ID card number and phone of a member, for party-work staff with a reason (4 to 200
/// characters); audited (the reason, never the value) in the same transaction.
pub async fn reveal(
    app: &App,
    actor: &Actor,
    id: Uuid,
    reason: &str,
    ctx: &RequestCtx,
) -> Result<(String, Option<String>), AppError> {
    actor.require(Permission::PartyReveal)?;
    let reason = reason.trim().to_owned();
    if !(4..=200).contains(&reason.chars().count()) {
        return Err(AppError::field("reason", "personal.reason_length"));
    }
    let scope = scope_of(app, actor).await?;
    let m = q::member(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    let id_card = id_card_of(app, &m)?;
    let (by, now) = (By::from(actor), app.now());
    app.db
        .write(|c| {
            let (by, ctx, reason) = (by.clone(), ctx.clone(), reason.clone());
            Box::pin(async move {
                let e = Entry::new("personal.reveal", "party_member", Some(id))
                    .after(serde_json::json!({ "field": "id_card", "reason": reason }));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await?;
    Ok((id_card, m.phone))
}

// ---------------------------------------------------------------- import

fn parse_date(v: &str) -> Result<String, (&'static str, String)> {
    date_of(v).map(|d| d.to_string()).ok_or(("date.format", "日期格式应为 2026-05-01".to_owned()))
}

const COLUMNS: &[Column] = &[
    Column::text("org", "所在党组织", 100)
        .required()
        .example("示例公司一车间党支部")
        .help("党组织全称，须已在系统中建立"),
    Column::text("name", "姓名", 50).required().example("李明"),
    Column::text("gender", "性别", 2).example("男").help("男/女；留空按身份证号"),
    Column::text("ethnicity", "民族", 20).example("汉族"),
    Column::text("id_card", "公民身份号码", 18).required().example("350582199003121234").help("18 位，末位可为 X"),
    Column::text("phone", "联系电话", 11).digits().example("13912345678"),
    Column::text("education", "学历", 20).example("大学本科"),
    Column::text("joined_on", "入党日期", 10).required().example("2015-07-01").parse(parse_date),
    Column::text("standing", "党员类别", 4).required().example("正式党员").help("正式党员 / 预备党员"),
    Column::text("probation_ends_on", "预备期满日期", 10).example("").help("预备党员必填").parse(parse_date),
    Column::text("post", "工作岗位", 100).example("装配工"),
];

/// The members sheet.
pub const SHEET: Sheet = Sheet { name: "党员", columns: COLUMNS };

/// The import template.
pub fn template(actor: &Actor) -> Result<Vec<u8>, AppError> {
    actor.require(Permission::PartyManage)?;
    Ok(yuanqu_office::template(&SHEET)?)
}

/// Where each field of a member sits in the sheet (for errors by row and column).
fn column_of(field: &str) -> usize {
    match field {
        "org_id" => 0,
        "name" => 1,
        "gender" => 2,
        "ethnicity" => 3,
        "id_card" => 4,
        "phone" => 5,
        "education" => 6,
        "joined_on" => 7,
        "standing" => 8,
        "probation_ends_on" => 9,
        _ => 10,
    }
}

fn message(code: &str) -> String {
    match code {
        "id_card.check_char" => "公民身份号码校验位不正确".to_owned(),
        "party.member_elsewhere" => "此人已是园区内其它党组织的党员（请办理转接）".to_owned(),
        "party.probation_before_joining" => "预备期满日期早于入党日期".to_owned(),
        "party.probation_too_long" => "预备期不能超过两年".to_owned(),
        "party.joined_under_18" => "入党时未满 18 岁".to_owned(),
        "not_found" => "找不到该党组织".to_owned(),
        "required" => "必填".to_owned(),
        c => format!("不正确（{c}）"),
    }
}

/// Imports members from an uploaded .xlsx or .csv: all or nothing, every error with its row and
/// column. Returns how many were created.
pub async fn import(
    app: &App,
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    ctx: &RequestCtx,
) -> Result<u64, AppError> {
    actor.require(Permission::PartyManage)?;
    let parsed = yuanqu_office::read(&SHEET, file_name, bytes, &Limits::default())?;
    let c = app.db.conn();
    let all = q::zone_orgs(&c, actor.zone_id).await?;
    let org_ids: Vec<Uuid> = all.iter().map(|o| o.id).collect();
    let by_name: HashMap<&str, Uuid> = all.iter().map(|o| (o.name.as_str(), o.id)).collect();
    let now = app.now();
    let today = zone_today(now);
    let mut errors: Vec<CellError> = parsed.errors.clone();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for r in &parsed.rows {
        if errors.iter().any(|e| e.row == r.line) {
            continue;
        }
        let v = &r.values;
        let err = |errors: &mut Vec<CellError>, col: usize, code: &str, msg: String| {
            errors.push(CellError::new(r.line, Some(col), COLUMNS[col].header, code, msg));
        };
        let Some(&org_id) = by_name.get(v[0].as_str()) else {
            err(&mut errors, 0, "not_found", format!("找不到党组织「{}」", v[0]));
            continue;
        };
        let gender = match v[2].as_str() {
            "男" | "m" => "m",
            "女" | "f" => "f",
            _ => "",
        };
        let standing = match v[8].as_str() {
            "正式党员" | "正式" | "full" => "full",
            "预备党员" | "预备" | "probationary" => "probationary",
            _ => "",
        };
        let n = NewMember {
            org_id,
            name: v[1].clone(),
            gender: gender.to_owned(),
            ethnicity: v[3].clone(),
            birth_on: None,
            id_card: v[4].clone(),
            phone: Some(v[5].clone()),
            education: v[6].clone(),
            joined_on: date_of(&v[7]).unwrap_or(today),
            standing: standing.to_owned(),
            probation_ends_on: date_of(&v[9]),
            post: v[10].clone(),
        };
        match check(app, actor.zone_id, &n, &org_ids, today) {
            Err(fields) => {
                for f in fields {
                    err(&mut errors, column_of(&f.field), f.code, message(f.code));
                }
            }
            Ok((mut row, bidx)) => {
                if let Some(first) = seen.get(&bidx) {
                    err(&mut errors, 4, "sheet.duplicate_key", format!("与第 {first} 行的公民身份号码重复"));
                    continue;
                }
                seen.insert(bidx.clone(), r.line);
                if q::member_by_id_card(&c, actor.zone_id, &bidx).await?.is_some() {
                    err(&mut errors, 4, "party.member_elsewhere", message("party.member_elsewhere"));
                    continue;
                }
                row.created_at = now;
                rows.push(row);
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(SheetError::InvalidCells(errors).into());
    }
    let by = By::from(actor);
    let n = rows.len() as u64;
    let summary = serde_json::json!({ "file": file_name, "created": n, "year": today.year() });
    app.db
        .write(|c| {
            let (rows, by, ctx, summary) = (rows.clone(), by.clone(), ctx.clone(), summary.clone());
            Box::pin(async move {
                q::insert_members(c, &rows).await.map_err(|e| match e {
                    yuanqu_store::StoreError::Unique(_) => AppError::field("id_card", "party.member_elsewhere"),
                    e => e.into(),
                })?;
                audit::record(c, now, &by, &ctx, Entry::new("party.member.import", "party_member", None).after(summary))
                    .await
            })
        })
        .await?;
    Ok(n)
}
