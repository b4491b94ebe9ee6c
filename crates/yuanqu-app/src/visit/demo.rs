//! The demo zone's visits: this quarter's plan of the zone leader, about sixteen visits over
//! the last months across the demo enterprises with their findings, two findings turned into
//! appeals (when the zone has a `finance` or `policy` appeal category), two into
//! rectifications (one done). Recorded through the use cases, so audited like any other.

use chrono::{Datelike, Duration, NaiveDate};
use yuanqu_domain::Scope;
use yuanqu_store::enterprise::{self as eq, EnterpriseFilter};
use yuanqu_store::{PageReq, Uuid};

use super::outcome::{self, NewRectification};
use super::{NewPlan, NewVisit, create_plan, record};
use crate::enterprise::zone_today;
use crate::idempotency::Created;
use crate::{App, AppError, RequestCtx};

const FINDINGS: [&str; 8] = [
    "企业反映二期厂房用电增容审批进度慢，影响新生产线投产。",
    "企业希望协调银行增加流动资金贷款额度，缓解原材料采购资金压力。",
    "消防通道堆放原材料，存在安全隐患。",
    "员工宿舍用电线路私拉乱接。",
    "企业招工难，一线普工缺口约 50 人。",
    "企业咨询高新技术企业认定的研发费用归集政策。",
    "厂区雨污管网未分流，雨天污水外溢。",
    "危化品仓库台账登记不完整。",
];

/// Loads the demo zone's visits (acting as its `leader` and `staff` accounts).
pub async fn load(app: &App, zone_id: Uuid) -> Result<(), AppError> {
    let c = app.db.conn();
    let user = |login: &'static str| async move {
        yuanqu_store::identity::user_by_login(&app.db.conn(), zone_id, login)
            .await
            .map(|u| u.map(|u| crate::demo::acting_as(&u)))
    };
    let (Some(leader), Some(staff)) = (user("leader").await?, user("staff").await?) else {
        return Ok(());
    };
    let zone = Scope::zone(zone_id);
    let ents = eq::enterprises(&c, &zone, &EnterpriseFilter::default(), PageReq { page: 1, size: 40 }).await?.items;
    if ents.len() < 16 {
        return Ok(());
    }
    let ctx = RequestCtx::default();
    let today = zone_today(app.now());
    let quarter_start = NaiveDate::from_ymd_opt(today.year(), (today.month0() / 3) * 3 + 1, 1).unwrap_or(today);
    let quarter_end = NaiveDate::from_ymd_opt(
        quarter_start.year() + i32::from(quarter_start.month() == 10),
        if quarter_start.month() == 10 { 1 } else { quarter_start.month() + 3 },
        1,
    )
    .map_or(today, |d| d - Duration::days(1));
    let plan = create_plan(
        app,
        &leader,
        NewPlan {
            title: format!("{}年第{}季度领导走访企业", today.year(), today.month0() / 3 + 1),
            leader_user_id: leader.user_id,
            starts_on: quarter_start,
            ends_on: quarter_end,
            note: "深入企业一线，听取意见建议，帮助解决实际困难。".into(),
            enterprise_ids: ents.iter().take(10).map(|e| e.id).collect(),
        },
        &ctx,
    )
    .await?;
    let category = yuanqu_store::appeal::categories(&c, zone_id)
        .await?
        .into_iter()
        .find(|k| k.active && (k.code == "finance" || k.code == "policy"))
        .map(|k| k.id);
    let mut rectified = 0;
    let mut appealed = 0;
    for i in 0..16usize {
        let e = &ents[i];
        // Spread over the last four months, the plan's enterprises within the quarter.
        let back = if i < 10 { i64::try_from(i).unwrap_or(0) * 3 % 40 } else { 40 + i64::try_from(i).unwrap_or(0) * 6 };
        let day = (today - Duration::days(back)).max(if i < 10 { quarter_start } else { today - Duration::days(130) });
        let day = day.min(today);
        let findings: Vec<String> = match i % 4 {
            0 => vec![FINDINGS[i % 8].into(), FINDINGS[(i + 3) % 8].into()],
            1 | 2 => vec![FINDINGS[(i + 1) % 8].into()],
            _ => Vec::new(),
        };
        let (by, leader_id) = if i % 3 == 0 { (&staff, None) } else { (&leader, Some(leader.user_id)) };
        let v = record(
            app,
            by,
            NewVisit {
                plan_id: (i < 10 && day >= quarter_start).then_some(plan.id),
                enterprise_id: e.id,
                visited_on: day,
                leader_user_id: leader_id,
                visitors: if leader_id.is_some() {
                    "园区领导、经济发展局".into()
                } else {
                    "经济发展局、企业服务中心".into()
                },
                summary: format!("走访{}，了解企业生产经营情况和发展需求。", e.name),
                file_ids: Vec::new(),
                findings,
            },
            &ctx,
            None,
        )
        .await?;
        let Created::New(v) = v else { continue };
        for f in yuanqu_store::visit::findings(&c, zone_id, &[v.id]).await? {
            let appealable = f.text.contains("贷款") || f.text.contains("用电增容") || f.text.contains("政策");
            if appealable
                && appealed < 2
                && let Some(cat) = category
            {
                outcome::to_appeal(app, &leader, v.id, f.id, cat, &ctx).await?;
                appealed += 1;
            } else if rectified < 2
                && (f.text.contains("隐患") || f.text.contains("私拉乱接") || f.text.contains("台账"))
            {
                let r = outcome::to_rectification(
                    app,
                    &leader,
                    v.id,
                    f.id,
                    NewRectification {
                        department_id: staff.department_id.unwrap_or_default(),
                        requirement: "限期整改并报送整改情况。".into(),
                        due_on: today + Duration::days(15),
                    },
                    &ctx,
                )
                .await?;
                if rectified == 0 {
                    outcome::finish_rectification(app, &leader, r.id, "已现场复查，整改到位。", &ctx).await?;
                }
                rectified += 1;
            }
        }
    }
    Ok(())
}
