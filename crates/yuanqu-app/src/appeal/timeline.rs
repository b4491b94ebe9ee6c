//! What appeals add to an enterprise's timeline: each appeal filed (its number, title and where
//! it stands now), linked to its page. Read in the caller's scope: the enterprise sees its own,
//! a department those it handles, a leader all.

use yuanqu_domain::Scope;
use yuanqu_store::appeal::{self as q, AppealFilter};
use yuanqu_store::{PageReq, Uuid};

use crate::enterprise::timeline::{TimelineEvent, TimelineSource};
use crate::{App, AppError};

/// The newest appeals an enterprise timeline shows.
const LIMIT: u64 = 50;

/// The Chinese name of an appeal state (the timeline's titles are Chinese).
pub fn state_zh(code: &str) -> &str {
    match code {
        "submitted" => "待分拨",
        "dispatched" => "已分拨",
        "accepted" => "已受理",
        "in_progress" => "办理中",
        "waiting" => "待企业补充",
        "answered" => "已答复",
        "reopened" => "已退回",
        "confirmed" => "已确认",
        "closed" => "已办结",
        "merged" => "已合并",
        "withdrawn" => "已撤回",
        other => other,
    }
}

/// Appeals filed by (or for) the enterprise.
pub struct Appeals;

#[async_trait::async_trait]
impl TimelineSource for Appeals {
    fn permission(&self) -> Option<yuanqu_domain::identity::Permission> {
        Some(yuanqu_domain::identity::Permission::AppealRead)
    }
    async fn events(&self, app: &App, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError> {
        let f = AppealFilter { enterprise_id: Some(enterprise_id), ..AppealFilter::default() };
        let rows = q::appeals(&app.db.conn(), scope, &f, PageReq { page: 1, size: LIMIT }).await?;
        Ok(rows
            .items
            .into_iter()
            .map(|r| TimelineEvent {
                at: r.received_at,
                kind: "appeal.filed".into(),
                title: format!("诉求 {}：{}", r.code, r.title),
                detail: format!("当前状态：{}", state_zh(&r.state)),
                link: Some(format!("/appeals/{}", r.id)),
            })
            .collect())
    }
}
