//! Zones from the command line: the bootstrap administrator of a fresh install (AUTH-01) and
//! the demo zone (`yuanqu demo`).

use chrono::Duration;
use yuanqu_domain::Scope;
use yuanqu_domain::identity::Role;
use yuanqu_store::Uuid;
use yuanqu_store::identity::{self as q, ZoneRow};

use super::org::{self, NewDepartment, NewPark};
use super::users::{self, NewUser};
use crate::audit::{self, By, Entry};
use crate::demo::{Named, Spec};
use crate::{App, AppError, RequestCtx, secret};
use yuanqu_domain::stats::Period;

/// Who the command line acts as in the audit log.
pub fn cli(zone_id: Uuid) -> By {
    By { zone_id, user_id: None, login: Some("system".into()) }
}

pub async fn zone(app: &App, code: &str) -> Result<Option<ZoneRow>, AppError> {
    Ok(q::zone_by_code(&app.db.conn(), code).await?)
}

pub async fn create_zone(app: &App, code: &str, name: &str) -> Result<ZoneRow, AppError> {
    let now = app.now();
    let row = ZoneRow {
        id: Uuid::now_v7(),
        code: code.to_owned(),
        name: name.to_owned(),
        created_at: now,
        require_second_factor: false,
        version: 1,
    };
    app.db
        .write(|c| {
            let row = row.clone();
            Box::pin(async move {
                let z = q::insert_zone(c, row).await.map_err(crate::error::unique_as("zone.code_taken"))?;
                // The zone's statistics check and warning rules start as the defaults.
                yuanqu_store::stats::ensure_default_rules(c, z.id, now).await?;
                let e = Entry::new("zone.create", "zone", Some(z.id))
                    .after(serde_json::json!({"code": z.code, "name": z.name}));
                audit::record(c, now, &cli(z.id), &RequestCtx::default(), e).await?;
                Ok(z)
            })
        })
        .await
}

/// What a fresh install prints once.
pub struct Bootstrap {
    pub zone_code: String,
    pub login: String,
    pub password: String,
}

/// On a database with no zone: creates the zone and its only account, a system administrator
/// with a random one-time password that must be changed at first sign-in and expires in 24 h.
pub async fn bootstrap_if_empty(app: &App, zone_code: &str, zone_name: &str) -> Result<Option<Bootstrap>, AppError> {
    if q::zone_by_code(&app.db.conn(), zone_code).await?.is_some() || any_zone(app).await? {
        return Ok(None);
    }
    let z = create_zone(app, zone_code, zone_name).await?;
    let password = secret::random_password();
    let mut u = users::insert(
        app,
        &Scope::zone(z.id),
        &cli(z.id),
        NewUser {
            login: "admin".into(),
            display_name: "系统管理员".into(),
            role: Role::SystemAdmin.code().into(),
            password: password.clone(),
            department_id: None,
            enterprise_id: None,
            phone: None,
            id_card: None,
        },
        &RequestCtx::default(),
    )
    .await?;
    let now = app.now();
    u.must_change_password = true;
    u.password_expires_at = Some(now + Duration::hours(24));
    app.db
        .write(|c| {
            let u = u.clone();
            Box::pin(async move {
                if !q::update_user(c, &Scope::zone(u.zone_id), &u).await? {
                    return Err(AppError::PreconditionFailed);
                }
                Ok(())
            })
        })
        .await?;
    Ok(Some(Bootstrap { zone_code: zone_code.to_owned(), login: "admin".into(), password }))
}

async fn any_zone(app: &App) -> Result<bool, AppError> {
    Ok(!yuanqu_store::audit::zones_with_chains(&app.db.conn()).await?.is_empty())
}

/// The demo accounts: login, role, display name.
pub const DEMO_ACCOUNTS: [(&str, Role, &str); 11] = [
    ("admin", Role::SystemAdmin, "系统管理员 王强"),
    ("security", Role::SecurityAdmin, "安全管理员 林芳"),
    ("auditor", Role::AuditAdmin, "审计管理员 陈静"),
    ("leader", Role::ZoneLeader, "管委会主任 许国华"),
    ("staff", Role::DepartmentStaff, "经发局 吴晓明"),
    ("party", Role::PartyStaff, "党群工作部 黄丽"),
    ("secretary", Role::BranchSecretary, "支部书记 施建军"),
    ("inspector", Role::Inspector, "安全巡查员 蔡志勇"),
    ("enterprise", Role::Enterprise, "恒安食品 企业联络员"),
    ("worker", Role::Worker, "职工 李娜"),
    ("observer", Role::ProvinceObserver, "省商务厅 观察员"),
];

/// What the demo loaded, beyond the accounts.
#[derive(Debug, Clone, Default)]
pub struct DemoLoaded {
    /// The key work under supervision, and how long it took to generate and insert.
    pub supervision: crate::supervision::demo::Seeded,
    pub supervision_secs: f64,
    /// The party building, and how long it took.
    pub party: crate::party_demo::Seeded,
    pub party_secs: f64,
}

/// Loads the demo zone `demo` if it is not there yet (with `supervision_years` years of key
/// tasks and projects, and the party building of `party`). Returns `None` if it already was.
pub async fn load_demo(
    app: &App,
    password: &str,
    months: i32,
    appeals: usize,
    open_pct: Option<u8>,
    supervision_years: u32,
    party: crate::party_demo::Spec,
) -> Result<Option<DemoLoaded>, AppError> {
    if zone(app, "demo").await?.is_some() {
        return Ok(None);
    }
    let z = create_zone(app, "demo", "晋江经济开发区（演示）").await?;
    let scope = Scope::zone(z.id);
    let by = cli(z.id);
    let ctx = RequestCtx::default();
    let mut parks = Vec::new();
    use crate::demo::ParkKind;
    for (code, name, kind) in [
        ("SP", "食品园", ParkKind::Food),
        ("AD", "安东园", ParkKind::Textile),
        ("WL", "五里园", ParkKind::Mixed),
        ("JX", "机械装备园", ParkKind::Machinery),
        ("LG", "现代物流园", ParkKind::Logistics),
    ] {
        let p = org::create_park_as(app, &scope, &by, NewPark { code: code.into(), name: name.into() }, &ctx).await?;
        parks.push((p.id, kind));
    }
    let mut depts = Vec::new();
    for name in [
        "党政办公室",
        "经济发展局",
        "安全生产监督管理局",
        "企业服务中心",
        "党群工作部",
        "自然资源和规划局",
        "人力资源和社会保障局",
        "行政审批局",
        "住建和环保局",
    ] {
        depts.push(
            org::create_department_as(app, &scope, &by, NewDepartment { name: name.into(), parent_id: None }, &ctx)
                .await?,
        );
    }
    let economy = depts[1].id;
    org::create_department_as(
        app,
        &scope,
        &by,
        NewDepartment { name: "统计科".into(), parent_id: Some(economy) },
        &ctx,
    )
    .await?;
    let named = [
        Named { name: "恒安食品有限公司", uscc_body: "91350582MA2Y0HA01", park: 0, division: "14" },
        Named { name: "安东鞋服有限公司", uscc_body: "91350582MA2Y0AD02", park: 1, division: "19" },
        Named { name: "五里新材料科技有限公司", uscc_body: "91350582MA2Y0WL03", park: 2, division: "30" },
    ];
    let spec = Spec {
        enterprises: 1000,
        months,
        // The month before this one: its reports are due now; the demo enterprise has not filed yet.
        last: Period::of(app.now().date_naive()).prev(),
        leave_last_open: vec![named[0].name.to_owned()],
        seed: 20_260_421,
    };
    let enterprises = crate::demo::load_economy(app, z.id, &parks, &named, &spec, &by).await?.enterprises;
    let (mut staff, mut admin, mut leader, mut ent_user) = (None, None, None, None);
    let (mut party_user, mut secretary_user) = (None, None);
    let mut reporters = std::collections::HashMap::new();
    for (login, role, display) in DEMO_ACCOUNTS {
        let department_id = match role {
            Role::DepartmentStaff => Some(economy),
            Role::Inspector => Some(depts[2].id),
            Role::PartyStaff | Role::BranchSecretary => Some(depts[4].id),
            Role::ZoneLeader | Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => Some(depts[0].id),
            _ => None,
        };
        let enterprise_id = (role == Role::Enterprise).then(|| enterprises[0].id);
        let u = users::insert(
            app,
            &scope,
            &by,
            NewUser {
                login: login.into(),
                display_name: display.into(),
                role: role.code().into(),
                password: password.to_owned(),
                department_id,
                enterprise_id,
                phone: Some(format!("1385958{:04}", DEMO_ACCOUNTS.iter().position(|a| a.0 == login).unwrap_or(0))),
                id_card: demo_id_card(DEMO_ACCOUNTS.iter().position(|a| a.0 == login).unwrap_or(0)),
            },
            &ctx,
        )
        .await?;
        // Each department's key-work reports are filed by its own account where it has one.
        if matches!(role, Role::DepartmentStaff | Role::Inspector | Role::PartyStaff)
            && let Some(d) = department_id
        {
            reporters.entry(d).or_insert(u.id);
        }
        match role {
            Role::DepartmentStaff => staff = Some(u),
            Role::SystemAdmin => admin = Some(u),
            Role::ZoneLeader => leader = Some(u),
            Role::Enterprise => ent_user = Some(u),
            Role::PartyStaff => party_user = Some(u),
            Role::BranchSecretary => {
                secretary_user = Some((u.id, display.rsplit(' ').next().unwrap_or(display).to_owned()))
            }
            _ => {}
        }
    }
    // The administrator has entered 2026's days off and make-up days from the State Council's notice.
    if let Some(u) = admin {
        let days = yuanqu_domain::calendar::china_2026_days()
            .into_iter()
            .map(|(day, kind, note)| crate::calendar::ListedDay { day, kind: kind.code().into(), note: note.into() })
            .collect();
        crate::calendar::set_year(app, &crate::demo::acting_as(&u), 2026, days, &ctx).await?;
    }
    // Appeals: the leader has entered the categories and routing rules; the economic
    // development department's staff account is its head; a year of appeals.
    if let (Some(l), Some(s)) = (&leader, &staff) {
        let by_name: std::collections::HashMap<String, Uuid> = depts.iter().map(|d| (d.name.clone(), d.id)).collect();
        if let Some(mut head) = depts.iter().find(|d| d.id == economy).cloned() {
            head.head_user_id = Some(s.id);
            let (scope, by, now) = (scope.clone(), by.clone(), app.now());
            app.db
                .write(|c| {
                    let (head, scope, by) = (head.clone(), scope.clone(), by.clone());
                    Box::pin(async move {
                        q::update_department(c, &scope, &head).await?;
                        let e = Entry::new("department.update", "department", Some(head.id))
                            .after(serde_json::json!({"head_user_id": head.head_user_id}));
                        audit::record(c, now, &by, &RequestCtx::default(), e).await
                    })
                })
                .await?;
        }
        crate::appeal::demo::set_rules(app, &crate::demo::acting_as(l), &by_name).await?;
        let cast = crate::appeal::demo::Cast {
            staff: [(economy, s.id)].into_iter().collect(),
            leader: Some(l.id),
            enterprise_users: ent_user.iter().map(|u| (enterprises[0].id, u.id)).collect(),
        };
        let ents: Vec<(Uuid, Option<Uuid>)> = enterprises.iter().map(|e| (e.id, Some(e.park_id))).collect();
        let volume = crate::appeal::demo::Volume { count: appeals, days: 365, seed: 20_261_127, open_pct };
        crate::appeal::demo::load(app, z.id, &ents, &cast, volume, &by).await?;
    }
    // The economic development department has evaluated and published the last two full years.
    if let Some(u) = staff {
        let years = [spec.last.year() - 2, spec.last.year() - 1];
        crate::demo::publish_evaluations(app, &crate::demo::acting_as(&u), &years).await?;
    }
    crate::visit::demo::load(app, z.id).await?;
    // Key work under supervision: the leader leads it; departments without an account of their
    // own have the economic development department's staff account file for them.
    let mut loaded = DemoLoaded::default();
    if let (Some(l), Some(s)) = (&leader, reporters.get(&economy).copied()) {
        let started = std::time::Instant::now();
        let cast = crate::supervision::demo::Cast { leader: l.id, reporters, default_reporter: s };
        let spec = crate::supervision::demo::Spec { years: supervision_years, ..Default::default() };
        loaded.supervision = crate::supervision::demo::load(app, z.id, &cast, &spec, &by).await?;
        loaded.supervision_secs = started.elapsed().as_secs_f64();
    }
    // Party building: the party-work staff account has recorded it; the `secretary` account
    // leads a workshop branch.
    if let Some(p) = party_user.filter(|_| party.years > 0 && party.members > 0) {
        let started = std::time::Instant::now();
        let cast = crate::party_demo::Cast {
            staff: p.id,
            secretary: secretary_user,
            parks: parks.iter().map(|p| p.0).collect(),
            enterprises: enterprises.clone(),
        };
        loaded.party = crate::party_demo::load(app, z.id, &cast, &party, &by).await?;
        loaded.party_secs = started.elapsed().as_secs_f64();
    }
    Ok(Some(loaded))
}

/// A made-up but well-formed ID card number for the n-th demo account (region 350582).
fn demo_id_card(n: usize) -> Option<String> {
    let head = format!("35058219{:02}0101{:03}", 80 + n % 20, n % 1000);
    yuanqu_domain::id_card::check_char(&head).map(|c| format!("{head}{c}"))
}

/// Sets a new password from the command line (`yuanqu user reset-password`); the user must
/// change it at next sign-in, and every session ends.
pub async fn reset_password(app: &App, zone_code: &str, login: &str, password: &str) -> Result<(), AppError> {
    let z = zone(app, zone_code).await?.ok_or_else(|| AppError::field("zone", "not_found"))?;
    let c = app.db.conn();
    let login = login.trim().to_lowercase();
    let mut u = q::user_by_login(&c, z.id, &login).await?.ok_or_else(|| AppError::field("login", "not_found"))?;
    let role = Role::parse(&u.role).unwrap_or(Role::Worker);
    let hash = users::checked_new_password(&c, &u, role, password, "password").await?;
    let now = app.now();
    u.password_hash = hash;
    u.password_changed_at = now;
    u.password_expires_at = None;
    u.must_change_password = true;
    app.db
        .write(|c| {
            let u = u.clone();
            Box::pin(async move {
                if !q::update_user(c, &Scope::zone(u.zone_id), &u).await? {
                    return Err(AppError::PreconditionFailed);
                }
                q::clear_throttle(c, u.zone_id, &u.login).await?;
                q::insert_password_history(c, &u, &u.password_hash, now).await?;
                q::delete_user_sessions(c, u.zone_id, u.id, None).await?;
                audit::record(
                    c,
                    now,
                    &cli(u.zone_id),
                    &RequestCtx::default(),
                    Entry::new("user.password_reset", "user", Some(u.id)),
                )
                .await
            })
        })
        .await
}
