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
        match OptionalIfMatch::from_request_parts(parts, &()).await? {
            OptionalIfMatch(Some(v)) => Ok(IfMatch(v)),
            OptionalIfMatch(None) => Err(yuanqu_app::AppError::PreconditionRequired.into()),
        }
    }
}

/// `If-Match: "<n>"` where it is optional (an action that otherwise guards itself with the
/// version it read): missing is `None`, unreadable 412.
pub struct OptionalIfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalIfMatch {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(v) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(OptionalIfMatch(None));
        };
        v.to_str()
            .ok()
            .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
            .and_then(|s| s.parse().ok())
            .map(|v| OptionalIfMatch(Some(v)))
            .ok_or_else(|| yuanqu_app::AppError::PreconditionFailed.into())
    }
}

/// An `ETag` header value for a version.
pub fn etag(version: i64) -> [(axum::http::HeaderName, String); 1] {
    [(axum::http::header::ETAG, format!("\"{version}\""))]
}

/// The header of CC-03.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// An `Idempotency-Key` (1..=200 visible ASCII characters) and the SHA-256 of the request's
/// method, path and body, which a replay must match.
#[derive(Debug, Clone)]
pub struct IdemKey {
    pub key: String,
    pub request_hash: String,
}

impl IdemKey {
    /// What the creating use case needs: the key, and how to turn the record into the stored
    /// (and sent) response body.
    pub fn with<T>(self, respond: yuanqu_app::idempotency::Respond<T>) -> yuanqu_app::idempotency::Idem<T> {
        yuanqu_app::idempotency::Idem::new(self.key, self.request_hash, 201, respond)
    }
}

/// A JSON body (as [`Body`]) with the optional `Idempotency-Key` of a creating POST (CC-03).
/// Without the header the request behaves as usual; an invalid key is 400
/// `idempotency.key_invalid`.
pub struct Idempotent<T> {
    pub key: Option<IdemKey>,
    pub body: T,
}

fn key_invalid() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "idempotency.key_invalid",
        "Idempotency-Key must be 1 to 200 visible ASCII characters",
    )
    .field("Idempotency-Key", "invalid")
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Idempotent<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let key = match req.headers().get(IDEMPOTENCY_KEY) {
            None => None,
            Some(v) => {
                let b = v.as_bytes();
                if b.is_empty() || b.len() > 200 || !b.iter().all(|c| (0x21..=0x7e).contains(c)) {
                    return Err(key_invalid());
                }
                Some(String::from_utf8_lossy(b).into_owned())
            }
        };
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let headers = req.headers().clone();
        let bytes =
            axum::body::Bytes::from_request(req, state).await.map_err(|e| json_error(JsonRejection::from(e)))?;
        let key = key.map(|key| {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            h.update(method.as_str().as_bytes());
            h.update(b"\n");
            h.update(path.as_bytes());
            h.update(b"\n");
            h.update(&bytes);
            IdemKey { key, request_hash: hex::encode(h.finalize()) }
        });
        let mut again = Request::new(axum::body::Body::from(bytes));
        *again.headers_mut() = headers;
        let Body(body) = Body::<T>::from_request(again, state).await?;
        Ok(Idempotent { key, body })
    }
}

/// The answer of a creating request: the new record's response, or the stored one of an earlier
/// identical request, marked `Idempotent-Replayed: true`. Both carry the `ETag` of a body that
/// has a `version`.
pub fn created(c: yuanqu_app::idempotency::Created<serde_json::Value>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (status, body, replayed) = match c {
        yuanqu_app::idempotency::Created::New(v) => (StatusCode::CREATED, v, false),
        yuanqu_app::idempotency::Created::Replay(s) => {
            (StatusCode::from_u16(s.status).unwrap_or(StatusCode::OK), s.body, true)
        }
    };
    let version = body.get("version").and_then(serde_json::Value::as_i64);
    let mut res = (status, axum::Json(body)).into_response();
    if let Some(v) = version
        && let Ok(h) = axum::http::HeaderValue::from_str(&format!("\"{v}\""))
    {
        res.headers_mut().insert(axum::http::header::ETAG, h);
    }
    if replayed {
        res.headers_mut().insert("idempotent-replayed", axum::http::HeaderValue::from_static("true"));
    }
    res
}
