//! Notifications (issue 5): every assignment, escalation, answer and reopening lands in the
//! recipients' in-app inbox, written in the transaction of the change it tells of, and is
//! queued in the same transaction for the zone's outbound webhooks (SMS or WeChat Work
//! gateways), which a background worker delivers with retries and a delivery log.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use yuanqu_domain::FieldError;
use yuanqu_domain::identity::Permission;
use yuanqu_store::notify::{self as q, Attempt, DeliveryRow, NotificationRow, WebhookRow};
use yuanqu_store::{Conn, Page, PageReq};

use crate::audit::{self, By, Entry};
use crate::idempotency::{self, Created, Idem};
use crate::personal::Slot;
use crate::{Actor, App, AppError, RequestCtx, Uuid, secret};

/// What to tell: `kind` is a stable code (`appeal.assigned`, `appeal.escalated`, …), `link` the
/// web UI path of the record.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
    pub ref_type: &'static str,
    pub ref_id: Option<Uuid>,
}

/// Stored times keep microseconds (PostgreSQL's precision), so a value written and compared
/// again in a conditional UPDATE (the worker's lease) is equal on both engines.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// Notifies each recipient once (duplicates dropped), inside the caller's transaction, and
/// enqueues one webhook delivery per active webhook of the zone that takes this kind (one per
/// notice, not per recipient).
pub async fn send(
    c: &Conn<'_>,
    zone_id: Uuid,
    now: DateTime<Utc>,
    recipients: &[Uuid],
    n: &Notice,
) -> Result<(), AppError> {
    send_many(c, zone_id, now, &[(recipients, n)]).await
}

/// `send` for many notices of one zone at once (the escalation sweep's batch): the inbox rows
/// and the deliveries as multi-row inserts, the zone's webhooks read once.
pub async fn send_many(
    c: &Conn<'_>,
    zone_id: Uuid,
    now: DateTime<Utc>,
    notices: &[(&[Uuid], &Notice)],
) -> Result<(), AppError> {
    let mut rows: Vec<NotificationRow> = Vec::new();
    let mut told: Vec<(std::collections::BTreeSet<Uuid>, &Notice)> = Vec::new();
    for (recipients, n) in notices {
        let mut seen = std::collections::BTreeSet::new();
        rows.extend(recipients.iter().filter(|u| seen.insert(**u)).map(|u| NotificationRow {
            id: Uuid::now_v7(),
            zone_id,
            user_id: *u,
            kind: n.kind.to_owned(),
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            ref_type: n.ref_type.to_owned(),
            ref_id: n.ref_id,
            created_at: now,
            read_at: None,
        }));
        if !seen.is_empty() {
            told.push((seen, n));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    q::insert(c, rows).await?;
    let hooks = q::active_webhooks(c, zone_id).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let now = micros(now);
    let mut deliveries: Vec<DeliveryRow> = Vec::new();
    for (seen, n) in told {
        deliveries.extend(hooks.iter().filter(|h| takes(h, n.kind)).map(|h| {
            let id = Uuid::now_v7();
            let payload = serde_json::json!({
                "id": id,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "link": n.link,
                "ref_type": n.ref_type,
                "ref_id": n.ref_id,
                "recipients": seen.iter().collect::<Vec<_>>(),
                "created_at": now,
            });
            delivery_row(id, zone_id, h.id, n.kind, &payload, now)
        }));
    }
    q::insert_deliveries(c, deliveries).await?;
    Ok(())
}

fn delivery_row(
    id: Uuid,
    zone_id: Uuid,
    webhook_id: Uuid,
    kind: &str,
    payload: &serde_json::Value,
    now: DateTime<Utc>,
) -> DeliveryRow {
    DeliveryRow {
        id,
        zone_id,
        webhook_id,
        kind: kind.to_owned(),
        payload: payload.to_string(),
        state: "pending".into(),
        attempts: 0,
        next_attempt_at: now,
        last_status: None,
        last_error: None,
        created_at: now,
        delivered_at: None,
    }
}

/// The kinds a webhook takes (empty: every kind).
pub fn kinds_of(h: &WebhookRow) -> Vec<String> {
    serde_json::from_str(&h.kinds).unwrap_or_default()
}

fn takes(h: &WebhookRow, kind: &str) -> bool {
    let kinds = kinds_of(h);
    kinds.is_empty() || kinds.iter().any(|k| k == kind)
}

// ---------------------------------------------------------------- the inbox
//
// Marking read is not audited. It changes only the reader's own view of a message addressed to
// them, no business record, like the session's `last_seen_at` and the token's `last_used_at`
// (`identity::auth` writes both without an audit record); auditing every click of every user
// would also serialise the whole zone on its audit chain lock. The notification's `read_at`
// itself is the record of it.

/// A page of my notifications and my unread count.
pub async fn inbox(
    app: &App,
    actor: &Actor,
    unread_only: bool,
    page: PageReq,
) -> Result<(Page<NotificationRow>, u64), AppError> {
    let conn = app.db.conn();
    let items = q::inbox(&conn, actor.zone_id, actor.user_id, unread_only, page).await?;
    let unread = q::unread_count(&conn, actor.zone_id, actor.user_id).await?;
    Ok((items, unread))
}

/// How many of my notifications are unread (the bell in the header).
pub async fn unread(app: &App, actor: &Actor) -> Result<u64, AppError> {
    Ok(q::unread_count(&app.db.conn(), actor.zone_id, actor.user_id).await?)
}

/// Marks one of my notifications read (one conditional UPDATE; reading it again changes
/// nothing); someone else's or another zone's is 404.
pub async fn mark_read(app: &App, actor: &Actor, id: Uuid) -> Result<NotificationRow, AppError> {
    let now = micros(app.now());
    let (zone_id, user_id) = (actor.zone_id, actor.user_id);
    app.db
        .write(|c| {
            Box::pin(async move {
                q::mark_read(c, zone_id, user_id, id, now).await?;
                q::notification_of(c, zone_id, user_id, id).await?.ok_or(AppError::NotFound)
            })
        })
        .await
}

/// Marks all my notifications read (one UPDATE); how many were unread.
pub async fn mark_all_read(app: &App, actor: &Actor) -> Result<u64, AppError> {
    let now = micros(app.now());
    let (zone_id, user_id) = (actor.zone_id, actor.user_id);
    app.db
        .write(|c| Box::pin(async move { Ok::<_, AppError>(q::mark_all_read(c, zone_id, user_id, now).await?) }))
        .await
}

// ---------------------------------------------------------------- webhooks

/// Retry delays after the 1st, 2nd, … failed attempt; after the last, the delivery is `failed`.
pub const BACKOFF_SECS: [i64; 5] = [30, 120, 600, 3_600, 21_600];
/// Attempts in all: the first and one per backoff step.
pub const MAX_ATTEMPTS: i32 = BACKOFF_SECS.len() as i32 + 1;
/// How long a claimed delivery stays with its worker (longer than the request timeout).
pub const LEASE_SECS: i64 = 60;
/// The request timeout of one delivery.
pub const TIMEOUT_SECS: u64 = 10;
/// The signature header: `sha256=<hex HMAC-SHA256 of the body under the webhook's secret>`.
pub const SIGNATURE_HEADER: &str = "X-Yuanqu-Signature";

fn secret_slot(zone_id: Uuid, row_id: Uuid) -> Slot<'static> {
    Slot { table: "webhook", column: "secret", zone_id, row_id }
}

/// The signature header value of a body.
pub fn signature(secret: &str, body: &[u8]) -> Result<String, AppError> {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).map_err(|_| AppError::Internal("hmac key".into()))?;
    mac.update(body);
    Ok(format!("sha256={}", hex::encode(mac.finalize().into_bytes())))
}

/// A new webhook.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub name: String,
    pub url: String,
    pub kinds: Vec<String>,
    pub active: bool,
}

/// Changes to a webhook (absent: unchanged).
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub kinds: Option<Vec<String>>,
    pub active: Option<bool>,
}

fn check_name(v: &str, errors: &mut Vec<FieldError>) -> String {
    let v = v.trim().to_owned();
    if v.is_empty() {
        errors.push(FieldError::new("name", "required"));
    } else if v.chars().count() > 64 {
        errors.push(FieldError::new("name", "too_long"));
    }
    v
}

/// An http(s) URL with a host and no user name or password in it, at most 500 characters.
fn check_url(v: &str, errors: &mut Vec<FieldError>) -> String {
    let v = v.trim().to_owned();
    if v.is_empty() {
        errors.push(FieldError::new("url", "required"));
        return v;
    }
    if v.len() > 500 {
        errors.push(FieldError::new("url", "too_long"));
        return v;
    }
    match reqwest::Url::parse(&v) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty())
                && u.username().is_empty()
                && u.password().is_none() => {}
        _ => errors.push(FieldError::new("url", "webhook.url_invalid")),
    }
    v
}

fn check_kinds(kinds: &[String], errors: &mut Vec<FieldError>) -> String {
    if kinds.len() > 50 {
        errors.push(FieldError::new("kinds", "too_long"));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        let k = k.trim();
        let ok = !k.is_empty()
            && k.len() <= 32
            && k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_');
        if !ok {
            errors.push(FieldError::new(format!("kinds[{i}]"), "webhook.kind_invalid"));
        } else if !out.iter().any(|o| o == k) {
            out.push(k.to_owned());
        }
    }
    serde_json::to_string(&out).unwrap_or_else(|_| "[]".into())
}

fn summary(h: &WebhookRow) -> serde_json::Value {
    serde_json::json!({"name": h.name, "url": h.url, "kinds": kinds_of(h), "active": h.active})
}

/// The zone's webhooks (never their secrets).
pub async fn webhooks(app: &App, actor: &Actor) -> Result<Vec<WebhookRow>, AppError> {
    actor.require(Permission::NotifyManage)?;
    Ok(q::webhooks(&app.db.conn(), &actor.zone_scope()).await?)
}

/// Creates a webhook with a new random secret, returned here once (stored encrypted under the
/// data key; the replay of an `Idempotency-Key` shows the webhook without it).
pub async fn create_webhook(
    app: &App,
    actor: &Actor,
    n: NewWebhook,
    ctx: &RequestCtx,
    idem: Option<Idem<WebhookRow>>,
) -> Result<Created<(WebhookRow, String)>, AppError> {
    actor.require(Permission::NotifyManage)?;
    let idem = idem.map(|i| i.owned_by(actor));
    idempotency::guard(app, idem.as_ref(), create_in(app, actor, n, ctx, idem.clone())).await
}

async fn create_in(
    app: &App,
    actor: &Actor,
    n: NewWebhook,
    ctx: &RequestCtx,
    idem: Option<Idem<WebhookRow>>,
) -> Result<Created<(WebhookRow, String)>, AppError> {
    let mut errors = Vec::new();
    let name = check_name(&n.name, &mut errors);
    let url = check_url(&n.url, &mut errors);
    let kinds = check_kinds(&n.kinds, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = micros(app.now());
    let id = Uuid::now_v7();
    let secret_text = format!("whsec_{}", secret::random_token(32));
    let row = WebhookRow {
        id,
        zone_id: actor.zone_id,
        name,
        url,
        secret: app.keys.encrypt(secret_slot(actor.zone_id, id), &secret_text)?,
        kinds,
        active: n.active,
        version: 1,
        created_at: now,
    };
    let (by, scope) = (By::from(actor), actor.zone_scope());
    let w = app
        .db
        .write(|c| {
            let (row, by, ctx, idem, scope) = (row.clone(), by.clone(), ctx.clone(), idem.clone(), scope.clone());
            Box::pin(async move {
                if let Some(s) = idempotency::claim(c, idem.as_ref(), now).await? {
                    return Ok(Created::Replay(s));
                }
                let w = q::insert_webhook(c, &scope, row).await?;
                audit::record(
                    c,
                    now,
                    &by,
                    &ctx,
                    Entry::new("webhook.create", "webhook", Some(w.id)).after(summary(&w)),
                )
                .await?;
                idempotency::finish(c, idem.as_ref(), &w).await?;
                Ok::<_, AppError>(Created::New(w))
            })
        })
        .await?;
    Ok(w.map(|w| (w, secret_text)))
}

/// Changes a webhook if its version is still `version` (CC-02), audited with before and after.
pub async fn update_webhook(
    app: &App,
    actor: &Actor,
    id: Uuid,
    version: i64,
    p: WebhookPatch,
    ctx: &RequestCtx,
) -> Result<WebhookRow, AppError> {
    actor.require(Permission::NotifyManage)?;
    let scope = actor.zone_scope();
    let before = q::webhook(&app.db.conn(), &scope, id).await?.ok_or(AppError::NotFound)?;
    if before.version != version {
        return Err(AppError::PreconditionFailed);
    }
    let mut row = before.clone();
    let mut errors = Vec::new();
    if let Some(v) = &p.name {
        row.name = check_name(v, &mut errors);
    }
    if let Some(v) = &p.url {
        row.url = check_url(v, &mut errors);
    }
    if let Some(v) = &p.kinds {
        row.kinds = check_kinds(v, &mut errors);
    }
    if let Some(v) = p.active {
        row.active = v;
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let now = app.now();
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (row, before, by, ctx, scope) = (row.clone(), before.clone(), by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                if !q::update_webhook(c, &scope, &row).await? {
                    return Err(AppError::PreconditionFailed);
                }
                let e =
                    Entry::new("webhook.update", "webhook", Some(row.id)).before(summary(&before)).after(summary(&row));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(WebhookRow { version: row.version + 1, ..row })
            })
        })
        .await
}

/// Deletes a webhook and its delivery log, audited.
pub async fn delete_webhook(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<(), AppError> {
    actor.require(Permission::NotifyManage)?;
    let (scope, by, now) = (actor.zone_scope(), By::from(actor), app.now());
    app.db
        .write(|c| {
            let (by, ctx, scope) = (by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                let before = q::webhook(c, &scope, id).await?.ok_or(AppError::NotFound)?;
                if !q::delete_webhook(c, &scope, id).await? {
                    return Err(AppError::NotFound);
                }
                let e = Entry::new("webhook.delete", "webhook", Some(id)).before(summary(&before));
                audit::record(c, now, &by, &ctx, e).await
            })
        })
        .await
}

/// A page of a webhook's delivery log, newest first.
pub async fn deliveries(app: &App, actor: &Actor, id: Uuid, page: PageReq) -> Result<Page<DeliveryRow>, AppError> {
    actor.require(Permission::NotifyManage)?;
    let scope = actor.zone_scope();
    let conn = app.db.conn();
    q::webhook(&conn, &scope, id).await?.ok_or(AppError::NotFound)?;
    Ok(q::deliveries(&conn, &scope, id, page).await?)
}

/// Enqueues a test delivery (kind `webhook.test`) to a webhook, active or not; audited.
pub async fn test_webhook(app: &App, actor: &Actor, id: Uuid, ctx: &RequestCtx) -> Result<DeliveryRow, AppError> {
    actor.require(Permission::NotifyManage)?;
    let (scope, by, now) = (actor.zone_scope(), By::from(actor), micros(app.now()));
    app.db
        .write(|c| {
            let (by, ctx, scope) = (by.clone(), ctx.clone(), scope.clone());
            Box::pin(async move {
                let h = q::webhook(c, &scope, id).await?.ok_or(AppError::NotFound)?;
                let did = Uuid::now_v7();
                let payload = serde_json::json!({
                    "id": did,
                    "kind": "webhook.test",
                    "title": "测试推送 Test delivery",
                    "body": format!("{} ({})", h.name, h.url),
                    "link": "",
                    "ref_type": "webhook",
                    "ref_id": h.id,
                    "recipients": [],
                    "created_at": now,
                });
                let row = delivery_row(did, h.zone_id, h.id, "webhook.test", &payload, now);
                q::insert_deliveries(c, vec![row.clone()]).await?;
                audit::record(c, now, &by, &ctx, Entry::new("webhook.test", "webhook", Some(h.id))).await?;
                Ok::<_, AppError>(row)
            })
        })
        .await
}

// ---------------------------------------------------------------- the worker

/// What one round of the worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Deliveries this worker claimed and tried.
    pub attempted: usize,
    pub delivered: usize,
    /// Failed attempts that will be retried.
    pub retrying: usize,
    /// Deliveries that failed their last attempt (or whose webhook is gone or inactive).
    pub failed: usize,
}

/// Delivers up to `limit` due deliveries of every zone, at once: each is claimed by one
/// conditional UPDATE (a lease of [`LEASE_SECS`]), POSTed as JSON with the
/// [`SIGNATURE_HEADER`] and a [`TIMEOUT_SECS`] timeout, and its outcome recorded: 2xx is
/// `delivered`; anything else is retried after [`BACKOFF_SECS`], and `failed` after
/// [`MAX_ATTEMPTS`]. The worker's own bookkeeping is the delivery log, not audited (no person
/// acts). Safe to run on several nodes at once.
pub async fn deliver_due(app: &App, limit: u64) -> Result<DeliveryRound, AppError> {
    let now = micros(app.now());
    let due = q::due(&app.db.conn(), now, limit).await?;
    let mut round = DeliveryRound::default();
    if due.is_empty() {
        return Ok(round);
    }
    let client = reqwest::Client::builder()
        .timeout(StdDuration::from_secs(TIMEOUT_SECS))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("Yuanqu-Webhook/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AppError::Internal(format!("http client: {e}")))?;
    let mut tasks = tokio::task::JoinSet::new();
    for d in due {
        let lease = now + Duration::seconds(LEASE_SECS);
        let (id, seen) = (d.id, d.next_attempt_at);
        let claimed = app.db.write(|c| Box::pin(async move { q::claim(c, id, seen, lease).await })).await?;
        if !claimed {
            continue;
        }
        let (app, client) = (app.clone(), client.clone());
        tasks.spawn(async move { attempt(&app, &client, d, lease).await });
    }
    while let Some(r) = tasks.join_next().await {
        round.attempted += 1;
        match r {
            Ok(Ok("delivered")) => round.delivered += 1,
            Ok(Ok("pending")) => round.retrying += 1,
            Ok(Ok(_)) => round.failed += 1,
            Ok(Err(e)) => tracing::error!(error = %e, "webhook delivery bookkeeping failed"),
            Err(e) => tracing::error!(error = %e, "webhook delivery task failed"),
        }
    }
    Ok(round)
}

/// One attempt of a claimed delivery; the state it was left in.
async fn attempt(
    app: &App,
    client: &reqwest::Client,
    d: DeliveryRow,
    lease: DateTime<Utc>,
) -> Result<&'static str, AppError> {
    let scope = yuanqu_domain::Scope::zone(d.zone_id);
    let hook = q::webhook(&app.db.conn(), &scope, d.webhook_id).await?;
    let (status, error) = match hook {
        Some(h) if h.active || d.kind == "webhook.test" => post(app, client, &h, &d).await,
        _ => (None, Some("webhook.inactive".to_owned())),
    };
    let now = micros(app.now());
    let ok = status.is_some_and(|s| (200..300).contains(&s));
    let tries = d.attempts + 1;
    let a = if ok {
        Attempt { state: "delivered", next_attempt_at: now, status, error: None, delivered_at: Some(now) }
    } else if tries >= MAX_ATTEMPTS || error.as_deref() == Some("webhook.inactive") {
        Attempt { state: "failed", next_attempt_at: now, status, error, delivered_at: None }
    } else {
        let wait = BACKOFF_SECS.get(usize::try_from(tries - 1).unwrap_or(0)).copied().unwrap_or(21_600);
        Attempt { state: "pending", next_attempt_at: now + Duration::seconds(wait), status, error, delivered_at: None }
    };
    let state = a.state;
    let id = d.id;
    let kept = app
        .db
        .write(|c| {
            let a = a.clone();
            Box::pin(async move { q::finish(c, id, lease, a).await })
        })
        .await?;
    if !kept {
        tracing::warn!(delivery = %id, "webhook delivery lease lost; another worker has it");
    }
    Ok(state)
}

/// POSTs the payload; the HTTP status, or the error (truncated) when there is none or it is not 2xx.
async fn post(app: &App, client: &reqwest::Client, h: &WebhookRow, d: &DeliveryRow) -> (Option<i32>, Option<String>) {
    let secret = match app.keys.decrypt(secret_slot(h.zone_id, h.id), &h.secret) {
        Ok(s) => s,
        Err(e) => return (None, Some(format!("secret: {e}"))),
    };
    let sig = match signature(&secret, d.payload.as_bytes()) {
        Ok(s) => s,
        Err(e) => return (None, Some(e.to_string())),
    };
    let res = client
        .post(&h.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, sig)
        .header("X-Yuanqu-Delivery", d.id.to_string())
        .header("X-Yuanqu-Event", d.kind.as_str())
        .body(d.payload.clone())
        .send()
        .await;
    let cut = |s: String| s.chars().take(500).collect::<String>();
    match res {
        Ok(r) => {
            let status = i32::from(r.status().as_u16());
            if r.status().is_success() {
                (Some(status), None)
            } else {
                let text = r.text().await.unwrap_or_default();
                (Some(status), Some(cut(format!("HTTP {status}: {text}"))))
            }
        }
        Err(e) => (None, Some(cut(e.to_string()))),
    }
}

/// The worker loop `yuanqu serve` starts: a round of [`deliver_due`] every `every`, until
/// the process ends.
pub async fn run_worker(app: App, every: StdDuration, batch: u64) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match deliver_due(&app, batch).await {
            Ok(r) if r.attempted > 0 => tracing::info!(?r, "webhook deliveries"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "webhook delivery round failed"),
        }
    }
}
