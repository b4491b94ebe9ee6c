//! Extractors: the signed-in actor, the request context, JSON bodies with clear errors, and
//! `If-Match` versions.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use yuanqu_app::{Actor, RequestCtx};

use crate::AppState;
use crate::error::ApiError;

/// The signed-in actor, put in place by the policy layer.
pub struct Me(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(Me)
            .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "auth.required", "Sign-in required"))
    }
}

/// The client address: the peer, or `X-Forwarded-For`'s last hop when the peer is the
/// configured proxy (AUTH-03).
pub fn client_ip(parts: &Parts, trusted_proxy: Option<IpAddr>) -> Option<IpAddr> {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    match (peer, trusted_proxy) {
        (Some(p), Some(t)) if p == t => parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next_back())
            .and_then(|s| s.trim().parse().ok())
            .or(Some(p)),
        (p, _) => p,
    }
}

impl FromRequestParts<AppState> for RequestCtxX {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(RequestCtxX(RequestCtx {
            ip: client_ip(parts, state.config.trusted_proxy).map(|i| i.to_string()),
            request_id: parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned),
        }))
    }
}

/// The audit context of this request.
pub struct RequestCtxX(pub RequestCtx);

/// A JSON body; a syntax error, a wrong type or an unknown field is 400 `request.malformed`
/// naming the field, a body over the limit 413, a missing content type 415.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(e) => Err(json_error(e)),
        }
    }
}

fn json_error(e: JsonRejection) -> ApiError {
    match e {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type", "Send JSON")
        }
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large", "The request body is too large")
        }
        other => {
            let text = other.body_text();
            let mut err = ApiError::new(StatusCode::BAD_REQUEST, "request.malformed", "The request body is not valid");
            if let Some(f) = text.split("unknown field `").nth(1).and_then(|s| s.split('`').next()) {
                err = err.field(f, "unknown_field");
            } else if let Some(f) = text.split("missing field `").nth(1).and_then(|s| s.split('`').next()) {
                err = err.field(f, "required");
            } else if let Some(f) = text.split(": ").next().filter(|p| !p.contains(' ') && !p.is_empty()) {
                err = err.field(f, "invalid");
            }
            err
        }
    }
}

/// The record version from `If-Match: "<n>"` (CC-02): missing is 428, unreadable 412.
pub struct IfMatch(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Err(yuanqu_app::AppError::PreconditionRequired.into());
        };
        v.to_str()
            .ok()
            .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|s| s.parse().ok())
            .map(IfMatch)
            .ok_or_else(|| yuanqu_app::AppError::PreconditionFailed.into())
    }
}

/// An `ETag` header value for a version.
pub fn etag(version: i64) -> [(axum::http::HeaderName, String); 1] {
    [(axum::http::header::ETAG, format!("\"{version}\""))]
}
