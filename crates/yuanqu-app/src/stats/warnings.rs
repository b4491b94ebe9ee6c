//! Early warnings (经济预警) of a period over every operating enterprise of the zone, computed
//! from two queries (the enterprises, and their submitted or verified reports over the span the
//! rules need), and their export.

use std::collections::HashMap;

use yuanqu_domain::Scope;
use yuanqu_domain::identity::Permission;
use yuanqu_domain::stats::Period;
use yuanqu_domain::stats::warnings::{self as w, History, WarningKind};
use yuanqu_office::{ExportFormat, ExportWriter};
use yuanqu_store::Uuid;
use yuanqu_store::stats as q;

use super::{require_zone_view, rules, today};
use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx};

#[derive(Debug, Clone, serde::Serialize)]
pub struct Reason {
    pub rule: String,
    pub kind: &'static str,
    pub message: String,
    pub values: std::collections::BTreeMap<&'static str, i64>,
}

#[derive(Debug, Clone)]
pub struct WarningItem {
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub uscc: String,
    pub park_id: Uuid,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Default)]
pub struct WarningFilter {
    pub kind: Option<String>,
    pub park_id: Option<Uuid>,
}

/// The warnings of `period`, enterprises by name.
pub async fn list(app: &App, actor: &Actor, period: Period, f: &WarningFilter) -> Result<Vec<WarningItem>, AppError> {
    actor.require(Permission::StatsRead)?;
    require_zone_view(actor)?;
    let kind = match &f.kind {
        None => None,
        Some(k) => Some(WarningKind::parse(k).ok_or_else(|| AppError::field("kind", "invalid"))?),
    };
    let zone = Scope::zone(actor.zone_id);
    let c = app.db.conn();
    let mut rules = rules::warnings(&rules::effective(&c, &zone, app.now()).await?);
    rules.retain(|r| kind.is_none_or(|k| r.kind == k));
    let months_back =
        rules.iter().map(|r| if r.kind == WarningKind::YtdDecline { r.months } else { 1 }).max().unwrap_or(1);
    let from = period.plus(1 - months_back as i32).january().year_ago();
    let reports = q::history_between(&c, &zone, from.yyyymm(), period.yyyymm()).await?;
    let mut histories: HashMap<Uuid, History> = HashMap::new();
    for (enterprise_id, p, output, electricity, submitted_at) in reports {
        let Some(p) = Period::from_yyyymm(p) else { continue };
        let h = histories.entry(enterprise_id).or_default();
        if let Some(o) = output {
            h.output.insert(p, o);
        }
        if let Some(e) = electricity {
            h.electricity.insert(p, e);
        }
        if p == period {
            h.submitted_on = submitted_at.map(|t| (t + chrono::Duration::hours(8)).date_naive());
        }
    }
    let today = today(app);
    let mut enterprises = q::zone_enterprises(&c, &zone).await?;
    enterprises.retain(|e| e.status == "operating" && f.park_id.is_none_or(|p| p == e.park_id));
    enterprises.sort_by(|a, b| a.name.cmp(&b.name));
    let empty = History::default();
    let mut out = Vec::new();
    for e in enterprises {
        let h = histories.get(&e.id).unwrap_or(&empty);
        let hits = w::evaluate(&rules, h, period, today);
        if hits.is_empty() {
            continue;
        }
        out.push(WarningItem {
            enterprise_id: e.id,
            enterprise_name: e.name,
            uscc: e.uscc,
            park_id: e.park_id,
            reasons: hits
                .into_iter()
                .map(|h| Reason {
                    rule: h.rule,
                    kind: h.kind.code(),
                    message: h.message,
                    values: h.values.into_iter().collect(),
                })
                .collect(),
        });
    }
    Ok(out)
}

fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "ytd_decline" => "累计产值持续下降",
        "late" => "月报逾期",
        "divergence" => "用电与产值背离",
        _ => "其它",
    }
}

/// The warnings as an xlsx file (one row per reason), audited.
pub async fn export(
    app: &App,
    actor: &Actor,
    period: Period,
    f: &WarningFilter,
    ctx: &RequestCtx,
) -> Result<(tempfile::NamedTempFile, u64), AppError> {
    let items = list(app, actor, period, f).await?;
    let parks: HashMap<Uuid, String> = yuanqu_store::identity::parks(&app.db.conn(), &actor.zone_scope())
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut wtr = ExportWriter::new(
        ExportFormat::Xlsx,
        "经济预警",
        &["报告期", "企业名称", "统一社会信用代码", "园区", "预警类型", "原因"],
    )?;
    let mut rows = 0u64;
    let period_s = period.to_string();
    for i in &items {
        let park = parks.get(&i.park_id).map(String::as_str).unwrap_or("");
        for r in &i.reasons {
            wtr.row(&[&period_s, &i.enterprise_name, &i.uscc, park, kind_zh(r.kind), &r.message])?;
            rows += 1;
        }
    }
    let file = wtr.finish()?;
    let now = app.now();
    let by = By::from(actor);
    let summary = serde_json::json!({"period": period_s, "kind": f.kind, "park_id": f.park_id, "rows": rows});
    app.db
        .write(|c| {
            let (by, ctx, summary) = (by.clone(), ctx.clone(), summary.clone());
            Box::pin(async move {
                audit::record(
                    c,
                    now,
                    &by,
                    &ctx,
                    Entry::new("stats.warnings.export", "stat_report", None).after(summary),
                )
                .await
            })
        })
        .await?;
    Ok((file, rows))
}
