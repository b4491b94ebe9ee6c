//! Identity routes: sign-in, users, departments, roles, parks, API tokens.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::idempotency::Respond;
use yuanqu_app::identity::{auth, org, tokens, users};
use yuanqu_app::{Actor, Page};
use yuanqu_domain::identity::{Permission, Role};
use yuanqu_store::identity::{ApiTokenRow, DepartmentRow, ParkRow, UserFilter};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Body, Idempotent, IfMatch, Me, RequestCtxX, created, etag};
use crate::security::SESSION_COOKIE;

// ---------------------------------------------------------------- DTOs

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginDto {
    /// Zone code, e.g. `demo`.
    pub zone: String,
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    pub id: Uuid,
    pub zone_code: String,
    pub zone_name: String,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub role_name_zh: String,
    pub permissions: Vec<String>,
    pub enterprise_id: Option<Uuid>,
    pub department_id: Option<Uuid>,
    pub must_change_password: bool,
    /// The authenticator-app second factor is on (AUTH-04).
    pub totp_enabled: bool,
    /// The zone requires a second factor this account has not set up: only enrolment is open.
    pub second_factor_enrolment_required: bool,
    /// Send it as `X-CSRF-Token` on every unsafe request.
    pub csrf_token: String,
    pub idle_timeout_secs: i64,
    /// The session's absolute end.
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordDto {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: Uuid,
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub department_id: Option<Uuid>,
    pub department_name: Option<String>,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    /// `138****5678`; the full number only through `POST /users/{id}/reveal` (PD-02).
    pub phone_masked: Option<String>,
    /// `350582********1234`; the full number only through `POST /users/{id}/reveal` (PD-02).
    pub id_card_masked: Option<String>,
    pub active: bool,
    /// Set while the login ID is locked after failed sign-ins.
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
    pub version: i64,
}

impl From<users::UserView> for UserDto {
    fn from(u: users::UserView) -> Self {
        Self {
            id: u.id,
            login: u.login,
            display_name: u.display_name,
            role: u.role,
            department_id: u.department_id,
            department_name: u.department_name,
            enterprise_id: u.enterprise_id,
            enterprise_name: u.enterprise_name,
            phone_masked: u.phone_masked,
            id_card_masked: u.id_card_masked,
            active: u.active,
            locked_until: u.locked_until,
            must_change_password: u.must_change_password,
            created_at: u.created_at,
            version: u.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserPage {
    pub items: Vec<UserDto>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserDto {
    pub login: String,
    pub display_name: String,
    pub role: String,
    pub password: String,
    pub department_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    pub phone: Option<String>,
    /// 居民身份证号 (18 characters, GB 11643); stored encrypted.
    pub id_card: Option<String>,
}

/// Absent fields stay as they are; `department_id: null` clears the department.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatchDto {
    pub display_name: Option<String>,
    pub role: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub department_id: Option<Option<Uuid>>,
    pub active: Option<bool>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    /// `null` clears the ID card number.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub id_card: Option<Option<String>>,
    /// A reset by an administrator; the user must change it at next sign-in.
    pub password: Option<String>,
}

pub(crate) mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub page: Option<u64>,
    pub page_size: Option<u64>,
    pub q: Option<String>,
    pub role: Option<String>,
    pub department_id: Option<Uuid>,
    /// A full ID card number: exact match through its blind index.
    pub id_card: Option<String>,
    /// `login`, `-login`, `display_name`, `-display_name`, `created_at`, `-created_at`
    pub sort: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentDto {
    pub id: Uuid,
    pub name: String,
    pub parent_id: Option<Uuid>,
    pub version: i64,
}

impl From<DepartmentRow> for DepartmentDto {
    fn from(d: DepartmentRow) -> Self {
        Self { id: d.id, name: d.name, parent_id: d.parent_id, version: d.version }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartmentDto {
    pub name: String,
    pub parent_id: Option<Uuid>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentPatchDto {
    pub name: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<Uuid>)]
    pub parent_id: Option<Option<Uuid>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDto {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub admin: bool,
    pub permissions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RolesDto {
    pub roles: Vec<RoleDto>,
    pub permissions: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParkDto {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub version: i64,
}

impl From<ParkRow> for ParkDto {
    fn from(p: ParkRow) -> Self {
        Self { id: p.id, code: p.code, name: p.name, version: p.version }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewParkDto {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParkPatchDto {
    pub code: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenDto {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiTokenRow> for ApiTokenDto {
    fn from(t: ApiTokenRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewApiTokenDto {
    #[serde(flatten)]
    pub token: ApiTokenDto,
    /// Shown once: `Authorization: Bearer <secret>`.
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApiTokenRequestDto {
    pub name: String,
    pub expires_in_days: Option<u32>,
}

// ---------------------------------------------------------------- sign-in

fn permissions_of(role: Role) -> Vec<String> {
    role.permissions().iter().map(|p| p.code().to_owned()).collect()
}

pub(crate) async fn me_dto(
    st: &AppState,
    actor: &Actor,
    expires_at: Option<DateTime<Utc>>,
    csrf: String,
) -> ApiResult<MeDto> {
    let (user, zone) = users::me(&st.app, actor).await?;
    let (idle, _) = auth::session_limits(actor.role);
    Ok(MeDto {
        id: actor.user_id,
        zone_code: zone.as_ref().map(|z| z.code.clone()).unwrap_or_default(),
        zone_name: zone.map(|z| z.name).unwrap_or_default(),
        login: actor.login.clone(),
        display_name: user.display_name,
        role: actor.role.code().to_owned(),
        role_name_zh: actor.role.name_zh().to_owned(),
        permissions: permissions_of(actor.role),
        enterprise_id: actor.enterprise_id,
        department_id: actor.department_id,
        must_change_password: actor.must_change_password,
        totp_enabled: user.totp_enabled,
        second_factor_enrolment_required: actor.stage == Some(yuanqu_app::Stage::TotpEnrol),
        csrf_token: csrf,
        idle_timeout_secs: idle.num_seconds(),
        expires_at,
    })
}

pub(crate) fn session_cookie(st: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if st.config.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A sign-in that needs the authenticator code next (`POST /api/v1/auth/totp/verify` within
/// 5 minutes, with this CSRF token).
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorDto {
    /// `totp`
    pub second_factor: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signed in, or half-way: the password was right and a second factor is due.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginAnswerDto {
    SignedIn(Box<MeDto>),
    SecondFactor(SecondFactorDto),
}

/// Sign in with zone, login ID and password; sets the session cookie. With a second factor on,
/// the answer is `{"second_factor": "totp", …}` and the session can only send the code.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginDto,
    responses((status = 200, body = LoginAnswerDto), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    State(st): State<AppState>,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<LoginDto>,
) -> ApiResult<Response> {
    if let Some(ip) = ctx.ip.as_deref().and_then(|i| i.parse().ok())
        && let Err(wait) = st.login_limiter.check_key(&ip)
    {
        let secs = wait
            .wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()))
            .as_secs()
            .max(1);
        let mut e =
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "Too many sign-in attempts from this address");
        e.retry_after = u32::try_from(secs).ok();
        return Err(e);
    }
    let signed =
        auth::login(&st.app, auth::LoginCmd { zone: b.zone, login: b.login, password: b.password }, &ctx).await?;
    let max_age = (signed.session.expires_at - signed.session.created_at).num_seconds();
    let mut res = if signed.actor.stage == Some(yuanqu_app::Stage::TotpPending) {
        Json(LoginAnswerDto::SecondFactor(SecondFactorDto {
            second_factor: "totp".into(),
            csrf_token: signed.session.csrf_token.clone(),
            expires_at: signed.session.expires_at,
        }))
        .into_response()
    } else {
        let me = me_dto(&st, &signed.actor, Some(signed.session.expires_at), signed.session.csrf_token.clone()).await?;
        Json(LoginAnswerDto::SignedIn(Box::new(me))).into_response()
    };
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, &signed.token, max_age));
    Ok(res)
}

/// End this session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(State(st): State<AppState>, Me(actor): Me, RequestCtxX(ctx): RequestCtxX) -> ApiResult<Response> {
    auth::logout(&st.app, &actor, &ctx).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, "", 0));
    Ok(res)
}

/// Who am I; also keeps the session alive.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = MeDto), (status = 401, body = Problem)))]
pub async fn me(State(st): State<AppState>, Me(actor): Me, headers: HeaderMap) -> ApiResult<Json<MeDto>> {
    let (csrf, expires) = match &actor.auth {
        yuanqu_app::Auth::Session { csrf_token, .. } => {
            let token = crate::security::session_token(&headers).unwrap_or_default();
            let exp = auth::authenticate_session(&st.app, &token).await.ok().map(|(_, s)| s.expires_at);
            (csrf_token.clone(), exp)
        }
        yuanqu_app::Auth::Token { .. } => (String::new(), None),
    };
    Ok(Json(me_dto(&st, &actor, expires, csrf).await?))
}

/// Change my password (also the first step of an account that must change it).
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = ChangePasswordDto,
    responses((status = 204), (status = 422, body = Problem)))]
pub async fn change_password(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<ChangePasswordDto>,
) -> ApiResult<StatusCode> {
    auth::change_password(
        &st.app,
        &actor,
        auth::ChangePasswordCmd { current_password: b.current_password, new_password: b.new_password },
        &ctx,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- users

fn user_page(p: Page<users::UserView>, page: yuanqu_app::PageReq) -> UserPage {
    UserPage {
        items: p.items.into_iter().map(UserDto::from).collect(),
        total: p.total,
        page: page.page,
        page_size: page.size,
    }
}

/// Users of my zone (within my scope).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery), responses((status = 200, body = UserPage)))]
pub async fn list_users(
    State(st): State<AppState>,
    Me(actor): Me,
    Query(q): Query<UserQuery>,
) -> ApiResult<Json<UserPage>> {
    let page = yuanqu_app::page_req(q.page, q.page_size)?;
    let id_card_bidx = match q.id_card.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(n) => Some(users::id_card_filter(&st.app, &actor, n)?),
        None => None,
    };
    let f = UserFilter { q: q.q, role: q.role, department_id: q.department_id, id_card_bidx, sort: q.sort };
    Ok(Json(user_page(users::list(&st.app, &actor, &f, page).await?, page)))
}

fn to_json<T: Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// Create a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = UserDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_user(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewUserDto>,
) -> ApiResult<Response> {
    let n = users::NewUser {
        login: b.login,
        display_name: b.display_name,
        role: b.role,
        password: b.password,
        department_id: b.department_id,
        enterprise_id: b.enterprise_id,
        phone: b.phone,
        id_card: b.id_card,
    };
    let respond: Respond<users::UserView> = std::sync::Arc::new(|u| to_json(UserDto::from(u.clone())));
    let r = users::create(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|u| respond(&u))))
}

/// One user.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserDto), (status = 404, body = Problem)))]
pub async fn get_user(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let u = users::get(&st.app, &actor, id).await?;
    Ok((etag(u.version), Json(UserDto::from(u))).into_response())
}

/// Change a user (If-Match: the version).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = UserPatchDto,
    responses((status = 200, body = UserDto), (status = 404, body = Problem), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn update_user(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<UserPatchDto>,
) -> ApiResult<Response> {
    let p = users::UserPatch {
        display_name: b.display_name,
        role: b.role,
        department_id: b.department_id,
        active: b.active,
        phone: b.phone,
        id_card: b.id_card,
        password: b.password,
    };
    let u = users::update(&st.app, &actor, id, v, p, &ctx).await?;
    Ok((etag(u.version), Json(UserDto::from(u))).into_response())
}

/// Lift a user's sign-in lock now (security administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn unlock_user(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    users::unlock(&st.app, &actor, id, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealDto {
    /// `id_card` or `phone`.
    pub field: String,
    /// Why the full value is needed (4 to 200 characters); kept in the audit log.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedDto {
    pub field: String,
    pub value: String,
}

/// Show a user's full ID card number or phone number (PD-02): needs `personal.reveal` and a
/// reason, writes an audit record `personal.reveal`, answered with `Cache-Control: no-store`.
#[utoipa::path(post, path = "/api/v1/users/{id}/reveal", tag = "users", params(("id" = Uuid, Path)), request_body = RevealDto,
    responses((status = 200, body = RevealedDto), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn reveal_user_field(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    Body(b): Body<RevealDto>,
) -> ApiResult<Response> {
    let value = users::reveal(&st.app, &actor, id, &b.field, &b.reason, &ctx).await?;
    let no_store = [(axum::http::header::CACHE_CONTROL, "no-store"), (axum::http::header::PRAGMA, "no-cache")];
    Ok((no_store, Json(RevealedDto { field: b.field, value })).into_response())
}

// ---------------------------------------------------------------- departments

/// The department tree, flat (each with its parent).
#[utoipa::path(get, path = "/api/v1/departments", tag = "departments", responses((status = 200, body = Vec<DepartmentDto>)))]
pub async fn list_departments(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<DepartmentDto>>> {
    Ok(Json(org::departments(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Create a department.
#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = NewDepartmentDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = DepartmentDto), (status = 422, body = Problem)))]
pub async fn create_department(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewDepartmentDto>,
) -> ApiResult<Response> {
    let respond: Respond<DepartmentRow> = std::sync::Arc::new(|d| to_json(DepartmentDto::from(d.clone())));
    let n = org::NewDepartment { name: b.name, parent_id: b.parent_id };
    let r = org::create_department(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|d| respond(&d))))
}

/// Rename or move a department (If-Match); a move under its own subtree is 409 `department.cycle`.
#[utoipa::path(patch, path = "/api/v1/departments/{id}", tag = "departments", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = DepartmentPatchDto,
    responses((status = 200, body = DepartmentDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 412, body = Problem)))]
pub async fn update_department(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<DepartmentPatchDto>,
) -> ApiResult<Response> {
    let d = org::update_department(
        &st.app,
        &actor,
        id,
        v,
        org::DepartmentPatch { name: b.name, parent_id: b.parent_id },
        &ctx,
    )
    .await?;
    Ok((etag(d.version), Json(DepartmentDto::from(d))).into_response())
}

/// Delete an empty department.
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "departments", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn delete_department(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    org::delete_department(&st.app, &actor, id, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- roles

/// The built-in roles and their permissions (read only).
#[utoipa::path(get, path = "/api/v1/roles", tag = "roles", responses((status = 200, body = RolesDto)))]
pub async fn list_roles(Me(_actor): Me) -> Json<RolesDto> {
    Json(RolesDto {
        roles: Role::ALL
            .into_iter()
            .map(|r| RoleDto {
                code: r.code().into(),
                name_zh: r.name_zh().into(),
                name_en: r.name_en().into(),
                admin: r.is_admin(),
                permissions: permissions_of(r),
            })
            .collect(),
        permissions: Permission::ALL.iter().map(|p| p.code().to_owned()).collect(),
    })
}

// ---------------------------------------------------------------- parks

/// Parks of the zone.
#[utoipa::path(get, path = "/api/v1/parks", tag = "parks", responses((status = 200, body = Vec<ParkDto>)))]
pub async fn list_parks(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<ParkDto>>> {
    Ok(Json(org::parks(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Create a park.
#[utoipa::path(post, path = "/api/v1/parks", tag = "parks", request_body = NewParkDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = ParkDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_park(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewParkDto>,
) -> ApiResult<Response> {
    let respond: Respond<ParkRow> = std::sync::Arc::new(|p| to_json(ParkDto::from(p.clone())));
    let n = org::NewPark { code: b.code, name: b.name };
    let r = org::create_park(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond.clone()))).await?;
    Ok(created(r.map(|p| respond(&p))))
}

/// Change a park (If-Match).
#[utoipa::path(patch, path = "/api/v1/parks/{id}", tag = "parks", params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = ParkPatchDto,
    responses((status = 200, body = ParkDto), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update_park(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
    IfMatch(v): IfMatch,
    Body(b): Body<ParkPatchDto>,
) -> ApiResult<Response> {
    let p = org::update_park(&st.app, &actor, id, v, org::ParkPatch { code: b.code, name: b.name }, &ctx).await?;
    Ok((etag(p.version), Json(ParkDto::from(p))).into_response())
}

// ---------------------------------------------------------------- API tokens

/// My API tokens.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, body = Vec<ApiTokenDto>)))]
pub async fn list_tokens(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Json<Vec<ApiTokenDto>>> {
    Ok(Json(tokens::list(&st.app, &actor).await?.into_iter().map(Into::into).collect()))
}

/// Create an API token; its secret is in this response only (a replay under the same
/// `Idempotency-Key` answers with an empty `secret`: only the token's hash is kept).
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = NewApiTokenRequestDto, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = NewApiTokenDto), (status = 422, body = Problem)))]
pub async fn create_token(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Idempotent { key, body: b }: Idempotent<NewApiTokenRequestDto>,
) -> ApiResult<Response> {
    let respond: Respond<ApiTokenRow> =
        std::sync::Arc::new(|t| to_json(NewApiTokenDto { token: t.clone().into(), secret: String::new() }));
    let n = tokens::NewToken { name: b.name, expires_in_days: b.expires_in_days };
    let r = tokens::create(&st.app, &actor, n, &ctx, key.map(|k| k.with(respond))).await?;
    Ok(created(r.map(|(t, secret)| to_json(NewApiTokenDto { token: t.into(), secret }))))
}

/// Revoke one of my API tokens.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_token(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    tokens::revoke(&st.app, &actor, id, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}
