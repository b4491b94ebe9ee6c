//! Notifications (issue 5): every assignment, escalation, answer and reopening lands in the
//! recipients' in-app inbox, written in the transaction of the change it tells of.

use chrono::{DateTime, Utc};
use yuanqu_store::Conn;
use yuanqu_store::notify::{self as q, NotificationRow};

use crate::{AppError, Uuid};

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

/// Notifies each recipient once (duplicates dropped), inside the caller's transaction.
pub async fn send(
    c: &Conn<'_>,
    zone_id: Uuid,
    now: DateTime<Utc>,
    recipients: &[Uuid],
    n: &Notice,
) -> Result<(), AppError> {
    let mut seen = std::collections::BTreeSet::new();
    let rows = recipients
        .iter()
        .filter(|u| seen.insert(**u))
        .map(|u| NotificationRow {
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
        })
        .collect();
    q::insert(c, rows).await?;
    Ok(())
}
