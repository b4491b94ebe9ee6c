//! The second factor (AUTH-04): enrolment, confirmation, turning off, the sign-in code step,
//! the security administrator's reset and the zone's switch.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use yuanqu_app::identity::totp;

use crate::AppState;
use crate::error::{ApiResult, Problem};
use crate::extract::{Body, IfMatch, Me, RequestCtxX, etag};
use crate::identity::{MeDto, me_dto, session_cookie};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeDto {
    /// The 6-digit code the authenticator app shows.
    pub code: String,
}

/// Shown once: scan the QR code (or type the secret) into an authenticator app, then confirm
/// with a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentDto {
    /// Base32 (RFC 4648), for typing in by hand.
    pub secret: String,
    pub otpauth_uri: String,
    /// The `otpauth://` URI as a QR code (SVG).
    pub qr_svg: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneSecurityDto {
    /// Staff and administrators must sign in with a second factor.
    pub require_second_factor: bool,
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ZoneSecurityPatchDto {
    pub require_second_factor: Option<bool>,
}

/// The sign-in's second step: the code upgrades the pending session to a full one, with a new
/// session cookie. Five wrong codes lock the factor for 60 s (429 `auth.totp_locked`).
#[utoipa::path(post, path = "/api/v1/auth/totp/verify", tag = "auth", operation_id = "verify_totp", request_body = CodeDto,
    responses((status = 200, body = MeDto), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn verify(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<CodeDto>,
) -> ApiResult<Response> {
    let signed = totp::verify(&st.app, &actor, &b.code, &ctx).await?;
    let max_age = (signed.session.expires_at - signed.session.created_at).num_seconds();
    let me = me_dto(&st, &signed.actor, Some(signed.session.expires_at), signed.session.csrf_token.clone()).await?;
    let mut res = Json(me).into_response();
    res.headers_mut().insert(header::SET_COOKIE, session_cookie(&st, &signed.token, max_age));
    Ok(res)
}

/// Start enrolling an authenticator app for myself (the secret is shown only here).
#[utoipa::path(post, path = "/api/v1/auth/totp/enrol", tag = "auth",
    responses((status = 200, body = EnrolmentDto), (status = 409, body = Problem)))]
pub async fn enrol(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
) -> ApiResult<Json<EnrolmentDto>> {
    let e = totp::enrol(&st.app, &actor, &ctx).await?;
    Ok(Json(EnrolmentDto { secret: e.secret, otpauth_uri: e.otpauth_uri, qr_svg: e.qr_svg }))
}

/// Turn the second factor on with a code from the app just enrolled.
#[utoipa::path(post, path = "/api/v1/auth/totp/confirm", tag = "auth", request_body = CodeDto,
    responses((status = 204), (status = 401, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem)))]
pub async fn confirm(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<CodeDto>,
) -> ApiResult<StatusCode> {
    totp::confirm(&st.app, &actor, &b.code, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turn my second factor off (needs a current code; refused where the zone requires it).
#[utoipa::path(delete, path = "/api/v1/auth/totp", tag = "auth", request_body = CodeDto,
    responses((status = 204), (status = 401, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem)))]
pub async fn disable(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Body(b): Body<CodeDto>,
) -> ApiResult<StatusCode> {
    totp::disable(&st.app, &actor, &b.code, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clear a user's second factor (a lost phone); their sessions end (security administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/totp/reset", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn reset(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    totp::reset(&st.app, &actor, id, &ctx).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The zone's security settings (security administrator).
#[utoipa::path(get, path = "/api/v1/zone/security", tag = "zone", responses((status = 200, body = ZoneSecurityDto)))]
pub async fn zone_security(State(st): State<AppState>, Me(actor): Me) -> ApiResult<Response> {
    let z = totp::zone_security(&st.app, &actor).await?;
    Ok((etag(z.version), Json(ZoneSecurityDto { require_second_factor: z.require_second_factor, version: z.version }))
        .into_response())
}

/// Change the zone's security settings (If-Match: the version).
#[utoipa::path(patch, path = "/api/v1/zone/security", tag = "zone", params(("If-Match" = String, Header)), request_body = ZoneSecurityPatchDto,
    responses((status = 200, body = ZoneSecurityDto), (status = 412, body = Problem), (status = 428, body = Problem)))]
pub async fn set_zone_security(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    IfMatch(v): IfMatch,
    Body(b): Body<ZoneSecurityPatchDto>,
) -> ApiResult<Response> {
    let z = totp::set_zone_security(&st.app, &actor, v, b.require_second_factor, &ctx).await?;
    Ok((etag(z.version), Json(ZoneSecurityDto { require_second_factor: z.require_second_factor, version: z.version }))
        .into_response())
}
