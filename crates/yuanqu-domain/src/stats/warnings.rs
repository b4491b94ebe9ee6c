//! Early-warning rules (经济预警) over an enterprise's history: a lasting YTD decline, a late
//! report, and electricity diverging from output. Each hit carries its reason.

use chrono::NaiveDate;

use super::indicators::{Series, growth_bp, ytd_yoy};
use super::{Period, pct};
use crate::stats::checks::pct_plain;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// YTD output YoY below −threshold for `months` consecutive months (ending at the period).
    YtdDecline,
    /// The month's report not submitted by day `threshold` of the next month.
    Late,
    /// Electricity YoY and output YoY of the month differ by more than `threshold` basis points.
    Divergence,
}

impl WarningKind {
    pub const ALL: [WarningKind; 3] = [Self::YtdDecline, Self::Late, Self::Divergence];
    pub fn code(self) -> &'static str {
        match self {
            Self::YtdDecline => "ytd_decline",
            Self::Late => "late",
            Self::Divergence => "divergence",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarningRule {
    pub code: String,
    pub kind: WarningKind,
    /// Basis points for `ytd_decline` and `divergence`; a day of the month for `late`.
    pub threshold: i64,
    /// Consecutive months for `ytd_decline`.
    pub months: u32,
}

/// The default warning rules: (code, kind, threshold, months).
pub const DEFAULT_WARNINGS: &[(&str, WarningKind, i64, u32)] = &[
    ("ytd_decline", WarningKind::YtdDecline, 2000, 3),
    ("late", WarningKind::Late, 15, 1),
    ("divergence", WarningKind::Divergence, 3000, 1),
];

pub fn default_rules() -> Vec<WarningRule> {
    DEFAULT_WARNINGS
        .iter()
        .map(|(code, kind, threshold, months)| WarningRule {
            code: (*code).to_owned(),
            kind: *kind,
            threshold: *threshold,
            months: *months,
        })
        .collect()
}

/// What one enterprise's history holds for the warnings of a period.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Output of submitted or verified months (at least the period's year and the year before).
    pub output: Series,
    pub electricity: Series,
    /// When the period's report was submitted (`None`: not yet).
    pub submitted_on: Option<NaiveDate>,
}

/// One hit, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: String,
    pub kind: WarningKind,
    pub message: String,
    /// Named numbers (basis points for growth, days, …).
    pub values: Vec<(&'static str, i64)>,
}

/// The last day a month's report is on time: day `day` of the next month (clamped to 1..=28).
pub fn deadline(p: Period, day: i64) -> NaiveDate {
    let first = p.next().first_day();
    first + chrono::Duration::days(day.clamp(1, 28) - 1)
}

/// Evaluates the rules for period `p` on `today`.
pub fn evaluate(rules: &[WarningRule], h: &History, p: Period, today: NaiveDate) -> Vec<Hit> {
    let mut out = Vec::new();
    for r in rules {
        match r.kind {
            WarningKind::YtdDecline => {
                let n = r.months.max(1);
                let growths: Vec<Option<i64>> = (0..n as i32).map(|i| ytd_yoy(&h.output, p.plus(-i))).collect();
                if growths.iter().all(|g| g.is_some_and(|g| g < -r.threshold)) {
                    let latest = growths[0].unwrap_or_default();
                    out.push(Hit {
                        rule: r.code.clone(),
                        kind: r.kind,
                        message: format!(
                            "累计产值同比连续 {n} 个月下降超过 {}（本月累计 {}）",
                            pct_plain(r.threshold),
                            pct(latest)
                        ),
                        values: vec![("ytd_yoy_bp", latest), ("months", i64::from(n)), ("threshold", r.threshold)],
                    });
                }
            }
            WarningKind::Late => {
                let due = deadline(p, r.threshold);
                let late_days = match h.submitted_on {
                    Some(d) if d > due => Some((d - due).num_days()),
                    None if today > due => Some((today - due).num_days()),
                    _ => None,
                };
                if let Some(days) = late_days {
                    let message = match h.submitted_on {
                        Some(d) => format!("{p} 月报于 {d} 提交，晚于截止日 {due}"),
                        None => format!("{p} 月报截至 {today} 未提交（截止日 {due}）"),
                    };
                    out.push(Hit {
                        rule: r.code.clone(),
                        kind: r.kind,
                        message,
                        values: vec![("days_late", days), ("deadline_day", r.threshold.clamp(1, 28))],
                    });
                }
            }
            WarningKind::Divergence => {
                let yoy = |s: &Series| growth_bp(s.get(&p).copied()?, s.get(&p.year_ago()).copied()?);
                if let (Some(e), Some(o)) = (yoy(&h.electricity), yoy(&h.output)) {
                    let gap = (e - o).abs();
                    if gap > r.threshold {
                        out.push(Hit {
                            rule: r.code.clone(),
                            kind: r.kind,
                            message: format!(
                                "用电量同比 {} 与产值同比 {} 相差 {} 个百分点，超过 {}",
                                pct(e),
                                pct(o),
                                pct_plain(gap).trim_end_matches('%'),
                                pct_plain(r.threshold).trim_end_matches('%')
                            ),
                            values: vec![("electricity_yoy_bp", e), ("output_yoy_bp", o), ("gap_bp", gap)],
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::indicators::series;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ytd_decline_needs_n_consecutive_months_below_the_threshold() {
        // 2025: 100 a month. 2026: Jan 90 (−10 %), Feb 70 (YTD 160/200 −20 %), Mar 60 (220/300
        // −26.7 %), Apr 50 (270/400 −32.5 %).
        let mut pts: Vec<(Period, i64)> = (1..=12).map(|m| (Period::new(2025, m).unwrap(), 100)).collect();
        pts.extend([(p("2026-01"), 90), (p("2026-02"), 70), (p("2026-03"), 60), (p("2026-04"), 50)]);
        let h = History { output: series(pts), ..Default::default() };
        let rules =
            vec![WarningRule { code: "ytd_decline".into(), kind: WarningKind::YtdDecline, threshold: 2000, months: 2 }];
        let today = d("2026-05-03");
        // March: Feb is −20 % exactly (not below −20 %), so no.
        assert!(evaluate(&rules, &h, p("2026-03"), today).is_empty());
        // April: March −26.7 %, April −32.5 %.
        let hits = evaluate(&rules, &h, p("2026-04"), today);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].values[0], ("ytd_yoy_bp", -3250));
        assert_eq!(hits[0].message, "累计产值同比连续 2 个月下降超过 20%（本月累计 -32.5%）");
    }

    #[test]
    fn late_is_after_day_n_of_the_next_month() {
        let rules = default_rules().into_iter().filter(|r| r.kind == WarningKind::Late).collect::<Vec<_>>();
        let march = p("2026-03");
        assert_eq!(deadline(march, 15), d("2026-04-15"));
        let on_time = History { submitted_on: Some(d("2026-04-15")), ..Default::default() };
        assert!(evaluate(&rules, &on_time, march, d("2026-05-01")).is_empty());
        let late = History { submitted_on: Some(d("2026-04-18")), ..Default::default() };
        assert_eq!(evaluate(&rules, &late, march, d("2026-05-01"))[0].values[0], ("days_late", 3));
        let missing = History::default();
        assert!(evaluate(&rules, &missing, march, d("2026-04-15")).is_empty(), "not late yet");
        let hit = &evaluate(&rules, &missing, march, d("2026-04-20"))[0];
        assert_eq!(hit.message, "2026-03 月报截至 2026-04-20 未提交（截止日 2026-04-15）");
    }

    #[test]
    fn electricity_diverging_from_output() {
        let rules = default_rules().into_iter().filter(|r| r.kind == WarningKind::Divergence).collect::<Vec<_>>();
        let h = History {
            output: series([(p("2025-06"), 100), (p("2026-06"), 130)]),
            electricity: series([(p("2025-06"), 1000), (p("2026-06"), 900)]),
            submitted_on: None,
        };
        // Output +30 %, electricity −10 %: 40 points apart, over 30.
        let hits = evaluate(&rules, &h, p("2026-06"), d("2026-07-01"));
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].message, "用电量同比 -10.0% 与产值同比 +30.0% 相差 40 个百分点，超过 30");
        let close = History { electricity: series([(p("2025-06"), 1000), (p("2026-06"), 1100)]), ..h };
        assert!(evaluate(&rules, &close, p("2026-06"), d("2026-07-01")).is_empty());
    }
}
