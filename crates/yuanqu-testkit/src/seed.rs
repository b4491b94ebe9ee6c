//! Two tenants: zones Z1 (`z1`) and Z2 (`z2`), each with a park, a department, enterprises A
//! and B, and accounts: a system administrator, an audit administrator, a department staff
//! member, and an enterprise account for A and for B.

use uuid::Uuid;
use yuanqu_app::enterprise::{self, NewEnterprise};
use yuanqu_app::identity::org::{self, NewDepartment, NewPark};
use yuanqu_app::identity::setup;
use yuanqu_app::identity::users::{self, NewUser};
use yuanqu_app::{App, RequestCtx};
use yuanqu_domain::Scope;
use yuanqu_domain::identity::Role;
use yuanqu_domain::uscc::check_char;

/// Every seeded account's password (meets both password profiles).
pub const PASSWORD: &str = "Seed-Pass-2026!x";

#[derive(Debug, Clone)]
pub struct Tenant {
    pub code: String,
    pub zone_id: Uuid,
    pub park_id: Uuid,
    pub department_id: Uuid,
    pub enterprise_a: Uuid,
    pub enterprise_b: Uuid,
    pub admin_id: Uuid,
    pub staff_id: Uuid,
    pub ent_a_user: Uuid,
    pub ent_b_user: Uuid,
}

pub fn uscc(body17: &str) -> String {
    format!("{body17}{}", check_char(body17).unwrap_or('0'))
}

async fn user(
    app: &App,
    scope: &Scope,
    by: &yuanqu_app::audit::By,
    login: &str,
    role: Role,
    dept: Option<Uuid>,
    ent: Option<Uuid>,
) -> anyhow::Result<Uuid> {
    let n = NewUser {
        login: login.into(),
        display_name: format!("{login} 测试"),
        role: role.code().into(),
        password: PASSWORD.into(),
        department_id: dept,
        enterprise_id: ent,
        phone: Some("13800138000".into()),
        id_card: None,
    };
    Ok(users::insert(app, scope, by, n, &RequestCtx::default()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?.id)
}

pub async fn tenant(app: &App, code: &str, n: u8) -> anyhow::Result<Tenant> {
    let err = |e: yuanqu_app::AppError| anyhow::anyhow!("{e:?}");
    let z = setup::create_zone(app, code, &format!("测试园区 {code}")).await.map_err(err)?;
    let scope = Scope::zone(z.id);
    let by = setup::cli(z.id);
    let ctx = RequestCtx::default();
    let park =
        org::create_park_as(app, &scope, &by, NewPark { code: format!("P{n}"), name: format!("食品园{n}") }, &ctx)
            .await
            .map_err(err)?;
    let dept = org::create_department_as(
        app,
        &scope,
        &by,
        NewDepartment { name: format!("经济发展局{n}"), parent_id: None },
        &ctx,
    )
    .await
    .map_err(err)?;
    let a = enterprise::create_as(
        app,
        &scope,
        &by,
        NewEnterprise {
            name: format!("甲企业{n}"),
            uscc: uscc(&format!("91350582MA2Y0A{n}01")),
            park_id: park.id,
            ..Default::default()
        },
        &ctx,
    )
    .await
    .map_err(err)?;
    let b = enterprise::create_as(
        app,
        &scope,
        &by,
        NewEnterprise {
            name: format!("乙企业{n}"),
            uscc: uscc(&format!("91350582MA2Y0B{n}02")),
            park_id: park.id,
            ..Default::default()
        },
        &ctx,
    )
    .await
    .map_err(err)?;
    Ok(Tenant {
        code: code.into(),
        zone_id: z.id,
        park_id: park.id,
        department_id: dept.id,
        enterprise_a: a.id,
        enterprise_b: b.id,
        admin_id: user(app, &scope, &by, "admin", Role::SystemAdmin, None, None).await?,
        staff_id: user(app, &scope, &by, "staff", Role::DepartmentStaff, Some(dept.id), None).await?,
        ent_a_user: user(app, &scope, &by, "ent-a", Role::Enterprise, None, Some(a.id)).await?,
        ent_b_user: user(app, &scope, &by, "ent-b", Role::Enterprise, None, Some(b.id)).await?,
    })
}

/// Accounts of other roles, created on demand: `auditor`, `security`, `leader`, `worker`.
pub async fn extra_user(app: &App, t: &Tenant, login: &str, role: Role) -> anyhow::Result<Uuid> {
    user(
        app,
        &Scope::zone(t.zone_id),
        &setup::cli(t.zone_id),
        login,
        role,
        Some(t.department_id).filter(|_| role != Role::Worker),
        None,
    )
    .await
}

/// A department staff account of another department of the tenant.
pub async fn staff_of(app: &App, t: &Tenant, login: &str, department_id: Uuid) -> anyhow::Result<Uuid> {
    user(app, &Scope::zone(t.zone_id), &setup::cli(t.zone_id), login, Role::DepartmentStaff, Some(department_id), None)
        .await
}

/// Both tenants.
pub async fn two_tenants(app: &App) -> anyhow::Result<(Tenant, Tenant)> {
    Ok((tenant(app, "z1", 1).await?, tenant(app, "z2", 2).await?))
}
