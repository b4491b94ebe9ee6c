//! The audit trail (AU-01..AU-04): every mutation and security event, written in the same
//! transaction as the change, hash-chained per zone.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use yuanqu_domain::Scope;
use yuanqu_store::audit::{self as q, AuditFilter, AuditRow, GENESIS};
use yuanqu_store::{Conn, Db, Page, PageReq, Uuid};

use crate::{Actor, AppError, RequestCtx};

/// One thing that happened.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: Option<Uuid>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Entry {
    pub fn new(action: &'static str, entity_type: &'static str, entity_id: Option<Uuid>) -> Self {
        Self { action, entity_type, entity_id, before: None, after: None }
    }
    pub fn before(mut self, v: impl serde::Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }
    pub fn after(mut self, v: impl serde::Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// Who did it: a signed-in actor, or a named login (failed logins, the command line).
#[derive(Debug, Clone)]
pub struct By {
    pub zone_id: Uuid,
    pub user_id: Option<Uuid>,
    pub login: Option<String>,
}

impl From<&Actor> for By {
    fn from(a: &Actor) -> Self {
        Self { zone_id: a.zone_id, user_id: Some(a.user_id), login: Some(a.login.clone()) }
    }
}

fn canonical(v: &Option<Value>) -> String {
    // serde_json's Map keeps keys sorted (no preserve_order feature), so this is canonical.
    v.as_ref().map(Value::to_string).unwrap_or_default()
}

/// The record's hash over its content and the previous hash.
pub fn record_hash(r: &AuditRow) -> String {
    let mut h = Sha256::new();
    let at = r.at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let fields: [&str; 12] = [
        &r.zone_id.to_string(),
        &r.seq.to_string(),
        &at,
        &r.actor_id.map(|u| u.to_string()).unwrap_or_default(),
        r.actor_login.as_deref().unwrap_or(""),
        &r.action,
        &r.entity_type,
        &r.entity_id.map(|u| u.to_string()).unwrap_or_default(),
        r.before_json.as_deref().unwrap_or(""),
        r.after_json.as_deref().unwrap_or(""),
        r.ip.as_deref().unwrap_or(""),
        &r.prev_hash,
    ];
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Writes an audit record inside the caller's transaction. If it fails, so does the change.
pub async fn record(c: &Conn<'_>, at: DateTime<Utc>, by: &By, ctx: &RequestCtx, e: Entry) -> Result<(), AppError> {
    let (seq, prev_hash) = q::advance_chain(c, by.zone_id).await?;
    // Microsecond precision, so the stored time hashes the same after a round trip.
    let at = DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
    let mut row = AuditRow {
        id: Uuid::now_v7(),
        zone_id: by.zone_id,
        seq,
        at,
        actor_id: by.user_id,
        actor_login: by.login.clone(),
        action: e.action.to_owned(),
        entity_type: e.entity_type.to_owned(),
        entity_id: e.entity_id,
        before_json: e.before.as_ref().map(|_| canonical(&e.before)),
        after_json: e.after.as_ref().map(|_| canonical(&e.after)),
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = record_hash(&row);
    q::append(c, row).await?;
    Ok(())
}

pub async fn search(db: &Db, actor: &Actor, f: &AuditFilter, page: PageReq) -> Result<Page<AuditRow>, AppError> {
    actor.require(yuanqu_domain::identity::Permission::AuditRead)?;
    Ok(q::search(&db.conn(), &actor.zone_scope(), f, page).await?)
}

/// The outcome of walking a zone's chain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    pub ok: bool,
    pub checked: u64,
    /// The first sequence number at which the chain breaks.
    pub broken_at: Option<i64>,
}

/// Recomputes every hash of a zone's chain in order: an altered, inserted or missing record,
/// or a head that does not match the last record, is reported.
pub async fn verify_zone(db: &Db, scope: &Scope) -> Result<Verification, AppError> {
    let conn = db.conn();
    let zone_id = scope.zone_id();
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut checked = 0u64;
    loop {
        let rows = q::chain_slice(&conn, zone_id, expected_seq - 1, 500).await?;
        if rows.is_empty() {
            break;
        }
        for r in rows {
            if r.seq != expected_seq || r.prev_hash != prev || record_hash(&r) != r.hash {
                return Ok(Verification { ok: false, checked, broken_at: Some(expected_seq) });
            }
            prev = r.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    let head = q::chain_head(&conn, zone_id).await?;
    let ok = match head {
        Some((seq, hash)) => seq == expected_seq - 1 && hash == prev,
        None => checked == 0,
    };
    Ok(Verification { ok, checked, broken_at: if ok { None } else { Some(expected_seq) } })
}

/// Verifies every zone's chain (the `verify-audit` command).
pub async fn verify_all(db: &Db) -> Result<Vec<(Uuid, Verification)>, AppError> {
    let mut out = Vec::new();
    for z in q::zones_with_chains(&db.conn()).await? {
        out.push((z, verify_zone(db, &Scope::zone(z)).await?));
    }
    Ok(out)
}
