//! An enterprise's timeline: one list of events, newest first, merged from every module that
//! knows something about the enterprise.
//!
//! **Extension point.** A module contributes by implementing [`TimelineSource`] (an async
//! method taking the app, the caller's scope and the enterprise id) and adding one line to
//! [`SOURCES`]. The enterprise module knows none of them; the registry itself is the first
//! source (registered, status changes, above-scale changes).

use chrono::{DateTime, NaiveDate, Utc};
use yuanqu_domain::Scope;
use yuanqu_domain::enterprise::Status;
use yuanqu_domain::identity::Permission;
use yuanqu_store::audit::AuditFilter;
use yuanqu_store::enterprise as q;
use yuanqu_store::{PageReq, Uuid};

use crate::{Actor, App, AppError};

/// One event on an enterprise's timeline.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    /// A stable kind the UI may style (`enterprise.registered`, `enterprise.status`, …).
    pub kind: String,
    /// Chinese title.
    pub title: String,
    pub detail: String,
    /// A path in the web UI with more, if any.
    pub link: Option<String>,
}

/// A module that has events about enterprises.
#[async_trait::async_trait]
pub trait TimelineSource: Send + Sync {
    /// The events about `enterprise_id` that `scope` may see (the enterprise itself is
    /// already known to be in the scope).
    async fn events(&self, app: &App, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError>;
    /// The permission a reader needs besides `enterprise.read` to see this source (none: the
    /// enterprise page's readers all may).
    fn permission(&self) -> Option<Permission> {
        None
    }
}

/// Every source of timeline events. Later modules (stats, evaluation, appeals, visits, party,
/// hazards, jobs) add a line here.
pub static SOURCES: &[&dyn TimelineSource] = &[
    &Registry,
    &crate::stats::timeline::Reports,
    &crate::stats::timeline::Evaluations,
    &crate::visit::timeline::Visits,
    &crate::appeal::timeline::Appeals,
];

/// The timeline of an enterprise in my scope, newest first (404 outside it).
pub async fn timeline(app: &App, actor: &Actor, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError> {
    actor.require(Permission::EnterpriseRead)?;
    let scope = actor.scope();
    q::enterprise(&app.db.conn(), &scope, enterprise_id).await?.ok_or(AppError::NotFound)?;
    let mut out = Vec::new();
    for s in SOURCES.iter().filter(|s| s.permission().is_none_or(|p| actor.can(p))) {
        out.extend(s.events(app, &scope, enterprise_id).await?);
    }
    out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.kind.cmp(&b.kind)));
    Ok(out)
}

/// Midnight of a zone day (UTC+8), as a UTC instant.
fn day(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(8)
}

fn status_zh(code: &str) -> &str {
    Status::parse(code).map(Status::name_zh).unwrap_or(code)
}

/// The registry's own events: registered, status changes, above-scale changes.
pub struct Registry;

#[async_trait::async_trait]
impl TimelineSource for Registry {
    async fn events(&self, app: &App, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError> {
        let c = app.db.conn();
        let mut out = Vec::new();
        if let Some(e) = q::enterprise(&c, scope, enterprise_id).await? {
            out.push(TimelineEvent {
                at: e.created_at,
                kind: "enterprise.registered".into(),
                title: "登记入库".into(),
                detail: format!("{}（{}）", e.name, e.uscc),
                link: None,
            });
        }
        for h in q::status_changes(&c, scope, enterprise_id).await? {
            let Some(from) = &h.from_status else { continue };
            // A change effective on the day it was recorded is placed at its moment.
            let at = if super::zone_today(h.created_at) == h.effective_on { h.created_at } else { day(h.effective_on) };
            out.push(TimelineEvent {
                at,
                kind: "enterprise.status".into(),
                title: format!("状态变更：{} → {}", status_zh(from), status_zh(&h.to_status)),
                detail: h.reason,
                link: None,
            });
        }
        // Above-scale changes: from the audit records of the registry's changes.
        let f = AuditFilter {
            entity_type: Some("enterprise".into()),
            entity_id: Some(enterprise_id),
            action: Some("enterprise.update".into()),
            ..AuditFilter::default()
        };
        let zone = Scope::zone(scope.zone_id());
        let rows = yuanqu_store::audit::search(&c, &zone, &f, PageReq { page: 1, size: 100 }).await?;
        for r in rows.items {
            let v = |s: &Option<String>| -> Option<bool> {
                let j: serde_json::Value = serde_json::from_str(s.as_deref()?).ok()?;
                j["above_scale"].as_bool()
            };
            if let (Some(b), Some(a)) = (v(&r.before_json), v(&r.after_json))
                && a != b
            {
                out.push(TimelineEvent {
                    at: r.at,
                    kind: "enterprise.scale".into(),
                    title: if a { "进入规模以上".into() } else { "退出规模以上".into() },
                    detail: String::new(),
                    link: None,
                });
            }
        }
        Ok(out)
    }
}
