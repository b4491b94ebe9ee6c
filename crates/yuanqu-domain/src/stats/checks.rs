//! Check rules (审核规则) as data: a submitted report is compared with its year-ago and previous
//! month, and each rule it trips becomes a flag with what a reviewer needs to read it
//! ("产值同比 +63.2%，超过 ±50%"). A flagged report is 待核查.

use super::indicators::growth_bp;
use super::{Metric, Values, pct};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckKind {
    /// |YoY of the metric| > threshold (basis points).
    YoyAbs,
    /// Output > 0 with electricity = 0.
    OutputWithoutPower,
    /// Profit > revenue.
    ProfitOverRevenue,
    /// |MoM of the metric| > threshold (basis points).
    MomAbs,
}

impl CheckKind {
    pub const ALL: [CheckKind; 4] = [Self::YoyAbs, Self::OutputWithoutPower, Self::ProfitOverRevenue, Self::MomAbs];
    pub fn code(self) -> &'static str {
        match self {
            Self::YoyAbs => "yoy_abs",
            Self::OutputWithoutPower => "output_without_power",
            Self::ProfitOverRevenue => "profit_over_revenue",
            Self::MomAbs => "mom_abs",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    /// Whether the rule needs a metric and a threshold.
    pub fn needs_metric(self) -> bool {
        matches!(self, Self::YoyAbs | Self::MomAbs)
    }
}

/// A check rule: kind, metric (for the ratio kinds) and threshold in basis points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRule {
    /// Stable per zone (`output_yoy`, …).
    pub code: String,
    pub kind: CheckKind,
    pub metric: Option<Metric>,
    pub threshold_bp: Option<i64>,
}

/// The default check rules of a zone: (code, kind, metric, threshold in basis points).
pub const DEFAULT_CHECKS: &[(&str, CheckKind, Option<Metric>, Option<i64>)] = &[
    ("output_yoy", CheckKind::YoyAbs, Some(Metric::Output), Some(5000)),
    ("revenue_yoy", CheckKind::YoyAbs, Some(Metric::Revenue), Some(5000)),
    ("electricity_yoy", CheckKind::YoyAbs, Some(Metric::Electricity), Some(5000)),
    ("output_mom", CheckKind::MomAbs, Some(Metric::Output), Some(5000)),
    ("output_without_power", CheckKind::OutputWithoutPower, None, None),
    ("profit_over_revenue", CheckKind::ProfitOverRevenue, None, None),
];

pub fn default_rules() -> Vec<CheckRule> {
    DEFAULT_CHECKS
        .iter()
        .map(|(code, kind, metric, threshold_bp)| CheckRule {
            code: (*code).to_owned(),
            kind: *kind,
            metric: *metric,
            threshold_bp: *threshold_bp,
        })
        .collect()
}

/// A rule the report tripped, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Flag {
    /// The rule's code.
    pub rule: String,
    /// The rule's kind (`yoy_abs`, …).
    pub kind: String,
    /// The metric's column name, for the ratio kinds.
    pub metric: Option<String>,
    /// The report's value (of the metric; output for `output_without_power`, profit for
    /// `profit_over_revenue`).
    pub value: Option<i64>,
    /// The compared value (year ago, previous month, electricity, revenue).
    pub base: Option<i64>,
    /// The change in basis points, for the ratio kinds.
    pub change_bp: Option<i64>,
    pub threshold_bp: Option<i64>,
    /// In Chinese, for the reviewer.
    pub message: String,
}

/// Runs the rules over a report's values with its year-ago and previous month values.
pub fn evaluate(rules: &[CheckRule], cur: &Values, year_ago: Option<&Values>, prev: Option<&Values>) -> Vec<Flag> {
    let mut out = Vec::new();
    for r in rules {
        match r.kind {
            CheckKind::YoyAbs | CheckKind::MomAbs => {
                let (Some(m), Some(t)) = (r.metric, r.threshold_bp) else { continue };
                let (base_values, word) =
                    if r.kind == CheckKind::YoyAbs { (year_ago, "同比") } else { (prev, "环比") };
                let (Some(v), Some(b)) = (cur.get(m), base_values.and_then(|b| b.get(m))) else { continue };
                let Some(change) = growth_bp(v, b) else { continue };
                if change.abs() > t {
                    out.push(Flag {
                        rule: r.code.clone(),
                        kind: r.kind.code().to_owned(),
                        metric: Some(m.code().to_owned()),
                        value: Some(v),
                        base: Some(b),
                        change_bp: Some(change),
                        threshold_bp: Some(t),
                        message: format!("{}{word} {}，超过 ±{}", m.short_zh(), pct(change), pct_plain(t)),
                    });
                }
            }
            CheckKind::OutputWithoutPower => {
                if let (Some(o), Some(0)) = (cur.output_fen, cur.electricity_kwh)
                    && o > 0
                {
                    out.push(Flag {
                        rule: r.code.clone(),
                        kind: r.kind.code().to_owned(),
                        metric: None,
                        value: Some(o),
                        base: Some(0),
                        change_bp: None,
                        threshold_bp: None,
                        message: format!("有产值（{} 万元）但用电量为 0", super::wan_yuan(o)),
                    });
                }
            }
            CheckKind::ProfitOverRevenue => {
                if let (Some(p), Some(rev)) = (cur.profit_fen, cur.revenue_fen)
                    && p > rev
                {
                    out.push(Flag {
                        rule: r.code.clone(),
                        kind: r.kind.code().to_owned(),
                        metric: None,
                        value: Some(p),
                        base: Some(rev),
                        change_bp: None,
                        threshold_bp: None,
                        message: format!(
                            "利润总额（{} 万元）大于营业收入（{} 万元）",
                            super::wan_yuan(p),
                            super::wan_yuan(rev)
                        ),
                    });
                }
            }
        }
    }
    out
}

/// A threshold without a sign, trailing `.0` dropped: 5000 → "50%", 1250 → "12.5%".
pub fn pct_plain(bp: i64) -> String {
    let s = pct(bp.abs());
    let s = s.trim_start_matches('+');
    s.replace(".0%", "%")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(output: i64, revenue: i64, profit: i64, electricity: i64) -> Values {
        Values {
            output_fen: Some(output),
            revenue_fen: Some(revenue),
            profit_fen: Some(profit),
            tax_fen: Some(0),
            electricity_kwh: Some(electricity),
            employees: Some(10),
            rd_fen: Some(0),
        }
    }

    #[test]
    fn output_up_63_percent_trips_the_50_percent_yoy_rule() {
        let rules = default_rules();
        let cur = values(16_320_000, 20_000_000, 1_000_000, 1000);
        let ago = values(10_000_000, 19_000_000, 900_000, 950);
        let flags = evaluate(&rules, &cur, Some(&ago), None);
        assert_eq!(flags.len(), 1, "{flags:?}");
        assert_eq!(flags[0].rule, "output_yoy");
        assert_eq!(flags[0].change_bp, Some(6320));
        assert_eq!(flags[0].message, "产值同比 +63.2%，超过 ±50%");
    }

    #[test]
    fn no_base_no_flag_and_the_structural_rules() {
        let rules = default_rules();
        // No year ago, no previous month: only the structural rules can fire.
        let cur = values(5_000_000, 1_000_000, 2_000_000, 0);
        let flags = evaluate(&rules, &cur, None, None);
        let kinds: Vec<&str> = flags.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["output_without_power", "profit_over_revenue"]);
        assert_eq!(flags[0].message, "有产值（5.0 万元）但用电量为 0");
        assert_eq!(flags[1].message, "利润总额（2.0 万元）大于营业收入（1.0 万元）");
        // Exactly at the threshold is not over it; a drop counts like a rise.
        let prev = values(10_000_000, 1_000_000, 0, 100);
        let half = values(5_000_000, 1_000_000, 0, 100);
        assert!(evaluate(&rules, &half, None, Some(&prev)).is_empty());
        let lower = values(4_000_000, 1_000_000, 0, 100);
        let f = evaluate(&rules, &lower, None, Some(&prev));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "产值环比 -60.0%，超过 ±50%");
    }
}
