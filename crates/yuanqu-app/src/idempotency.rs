//! `Idempotency-Key` on creating requests (CC-03). The key is claimed in the creating
//! transaction, before the creation, and the response is stored in the same transaction, so a
//! retry either finds the stored response or owns the key; never two records. Keys live 24 hours
//! (an expired key is reclaimed on its next use; a sweep of old rows can come later).

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use yuanqu_store::Conn;
use yuanqu_store::idempotency::{self as q, Claim, KeyUse};

use crate::{Actor, App, AppError};

/// How long a key is remembered.
pub const KEY_LIFETIME_HOURS: i64 = 24;

/// A stored response.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub status: u16,
    pub body: serde_json::Value,
}

/// Turns the created record into the response body that is stored for replays.
pub type Respond<T> = Arc<dyn Fn(&T) -> serde_json::Value + Send + Sync>;

/// A request's key: the key text (checked by the caller: 1..=200 visible ASCII characters), the
/// SHA-256 of method, path and body, and how to store the response.
pub struct Idem<T> {
    /// The key's owner, set from the actor by [`Idem::owned_by`].
    pub zone_id: yuanqu_store::Uuid,
    pub user_id: yuanqu_store::Uuid,
    pub key: String,
    pub request_hash: String,
    pub status: u16,
    pub respond: Respond<T>,
}

impl<T> Clone for Idem<T> {
    fn clone(&self) -> Self {
        Self {
            zone_id: self.zone_id,
            user_id: self.user_id,
            key: self.key.clone(),
            request_hash: self.request_hash.clone(),
            status: self.status,
            respond: self.respond.clone(),
        }
    }
}

impl<T> Idem<T> {
    pub fn new(key: String, request_hash: String, status: u16, respond: Respond<T>) -> Self {
        Self { zone_id: Default::default(), user_id: Default::default(), key, request_hash, status, respond }
    }
    /// Keys are per user: another user's identical key is another key.
    pub fn owned_by(mut self, actor: &Actor) -> Self {
        self.zone_id = actor.zone_id;
        self.user_id = actor.user_id;
        self
    }
}

/// The outcome of a creating request.
#[derive(Debug)]
pub enum Created<T> {
    New(T),
    /// The key was used before with the same request: its stored response.
    Replay(Stored),
}

impl<T> Created<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Created<U> {
        match self {
            Self::New(t) => Created::New(f(t)),
            Self::Replay(s) => Created::Replay(s),
        }
    }
}

fn key_use<T>(idem: &Idem<T>) -> KeyUse {
    KeyUse {
        zone_id: idem.zone_id,
        user_id: idem.user_id,
        key: idem.key.clone(),
        request_hash: idem.request_hash.clone(),
    }
}

fn replay(row: q::IdempotencyRow, request_hash: &str) -> Result<Option<Stored>, AppError> {
    if row.request_hash != request_hash {
        return Err(AppError::IdempotencyKeyReused);
    }
    match (row.response_status, row.response_body) {
        (Some(s), Some(b)) => Ok(Some(Stored {
            status: u16::try_from(s).unwrap_or(200),
            body: serde_json::from_str(&b).map_err(|e| AppError::Internal(e.to_string()))?,
        })),
        // Claimed by a transaction that has not stored its response: it cannot be seen
        // committed without one, so this is a retry-worthy race.
        _ => Err(AppError::Store(yuanqu_store::StoreError::Busy)),
    }
}

/// Inside the creating transaction, before the creation: claims the key, or returns the stored
/// response of an earlier identical request, or refuses a reuse with another request.
pub async fn claim<T>(c: &Conn<'_>, idem: Option<&Idem<T>>, now: DateTime<Utc>) -> Result<Option<Stored>, AppError> {
    let Some(idem) = idem else { return Ok(None) };
    match q::claim(c, &key_use(idem), now, now - Duration::hours(KEY_LIFETIME_HOURS)).await? {
        Claim::Claimed => Ok(None),
        Claim::Existing(row) => replay(row, &idem.request_hash),
    }
}

/// Inside the creating transaction, after the creation: stores the response.
pub async fn finish<T>(c: &Conn<'_>, idem: Option<&Idem<T>>, created: &T) -> Result<(), AppError> {
    let Some(idem) = idem else { return Ok(()) };
    let body = (idem.respond)(created).to_string();
    Ok(q::store_response(c, &key_use(idem), idem.status, &body).await?)
}

/// Runs a creating use case under a key. Before it (and again if it fails, for a request whose
/// twin committed meanwhile) the key is looked up, so a retry gets the stored response even
/// when the request would no longer validate (say, a code now taken by its own first attempt).
pub async fn guard<T, U, F>(app: &App, idem: Option<&Idem<T>>, work: F) -> Result<Created<U>, AppError>
where
    F: std::future::Future<Output = Result<Created<U>, AppError>>,
{
    let Some(i) = idem else { return work.await };
    if let Some(s) = lookup(app, i).await? {
        return Ok(Created::Replay(s));
    }
    match work.await {
        Err(e) => match lookup(app, i).await {
            Ok(Some(s)) => Ok(Created::Replay(s)),
            Err(AppError::IdempotencyKeyReused) => Err(AppError::IdempotencyKeyReused),
            _ => Err(e),
        },
        ok => ok,
    }
}

async fn lookup<T>(app: &App, idem: &Idem<T>) -> Result<Option<Stored>, AppError> {
    let now = app.now();
    let expired_before = now - Duration::hours(KEY_LIFETIME_HOURS);
    match q::find(&app.db.conn(), &key_use(idem)).await? {
        Some(row) if row.created_at >= expired_before && row.response_status.is_some() => {
            replay(row, &idem.request_hash)
        }
        _ => Ok(None),
    }
}
