//! Visits on the enterprise timeline: the day, who visited, how many findings.

use yuanqu_domain::{DataScope, Scope};
use yuanqu_store::visit::{self as q, VisitFilter};

use crate::enterprise::timeline::{TimelineEvent, TimelineSource};
use crate::{App, AppError, Uuid};

/// The enterprise's visits (an enterprise account sees its own, without the staff link).
pub struct Visits;

#[async_trait::async_trait]
impl TimelineSource for Visits {
    async fn events(&self, app: &App, scope: &Scope, enterprise_id: Uuid) -> Result<Vec<TimelineEvent>, AppError> {
        let c = app.db.conn();
        let f = VisitFilter { enterprise_id: Some(enterprise_id), ..VisitFilter::default() };
        let visits = q::all_visits(&c, scope, &f).await?;
        let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
        let findings = q::findings(&c, scope.zone_id(), &ids).await?;
        let staff = !matches!(scope.data(), DataScope::Enterprise(_));
        Ok(visits
            .into_iter()
            .map(|v| {
                let n = findings.iter().filter(|f| f.visit_id == v.id).count();
                TimelineEvent {
                    // Noon of the visit day in Beijing.
                    at: v.visited_on.and_hms_opt(4, 0, 0).unwrap_or_default().and_utc(),
                    kind: "visit".into(),
                    title: format!("走访：{}", v.visitors),
                    detail: format!("发现问题 {n} 个"),
                    link: staff.then(|| super::link(v.id)),
                }
            })
            .collect())
    }
}
