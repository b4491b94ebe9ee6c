//! What the statistics and the per-mu evaluation add to an enterprise's timeline: the reports
//! of the last twelve months that are not yet verified (submitted, returned, with the reason),
//! the newest verified month, and each published evaluation's class and rank.

use chrono::{DateTime, Utc};
use yuanqu_domain::Scope;
use yuanqu_domain::stats::Period;
use yuanqu_store::{Uuid, evaluation as eq, stats as q};

use crate::enterprise::timeline::{TimelineEvent, TimelineSource};
use crate::{App, AppError};

/// Monthly reports on the timeline.
pub struct Reports;

#[async_trait::async_trait]
impl TimelineSource for Reports {
    async fn events(&self, app: &App, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError> {
        let c = app.db.conn();
        let now = Period::of(app.now().date_naive());
        let (from, to) = (now.plus(-12).yyyymm(), now.yyyymm());
        let states = [q::SUBMITTED, q::RETURNED, q::VERIFIED];
        let rows = q::reports_between(&c, scope, Some(enterprise_id), from, to, &states).await?;
        let newest_verified = rows.iter().filter(|r| r.state == q::VERIFIED).map(|r| r.period).max();
        let mut out = Vec::new();
        for r in rows {
            let Some(p) = Period::from_yyyymm(r.period) else { continue };
            let (kind, title, at): (&str, String, DateTime<Utc>) = match r.state.as_str() {
                q::VERIFIED if Some(r.period) == newest_verified => {
                    ("stats.verified", format!("{p} 统计月报已核定"), r.verified_at.unwrap_or(r.updated_at))
                }
                q::SUBMITTED => {
                    ("stats.submitted", format!("{p} 统计月报已提交，待审核"), r.submitted_at.unwrap_or(r.updated_at))
                }
                q::RETURNED => ("stats.returned", format!("{p} 统计月报被退回"), r.updated_at),
                _ => continue,
            };
            out.push(TimelineEvent {
                at,
                kind: kind.into(),
                title,
                detail: r.return_reason.clone().filter(|_| r.state == q::RETURNED).unwrap_or_default(),
                link: None,
            });
        }
        Ok(out)
    }
}

/// Published per-mu evaluations on the timeline.
pub struct Evaluations;

#[async_trait::async_trait]
impl TimelineSource for Evaluations {
    async fn events(&self, app: &App, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError> {
        let c = app.db.conn();
        let zone = Scope::zone(scope.zone_id());
        let published: std::collections::HashMap<Uuid, DateTime<Utc>> = eq::schemes(&c, &zone)
            .await?
            .into_iter()
            .filter(|s| s.status == eq::PUBLISHED)
            .filter_map(|s| Some((s.id, s.published_at?)))
            .collect();
        Ok(eq::results_of_enterprise(&c, scope, enterprise_id)
            .await?
            .into_iter()
            .filter_map(|r| {
                let at = *published.get(&r.scheme_id)?;
                Some(TimelineEvent {
                    at,
                    kind: "evaluation.published".into(),
                    title: format!("{} 年度亩均效益评价：{} 类", r.year, r.class),
                    detail: match (r.prev_class.as_deref(), r.prev_rank) {
                        (Some(pc), Some(pr)) => format!("第 {} 名（上年 {pc} 类，第 {pr} 名）", r.rank),
                        _ => format!("第 {} 名", r.rank),
                    },
                    link: Some(format!("/evaluations?year={}", r.year)),
                })
            })
            .collect())
    }
}
