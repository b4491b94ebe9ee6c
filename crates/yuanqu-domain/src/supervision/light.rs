//! Traffic lights of key tasks and projects, computed each week from rules stored as data:
//! reported progress against planned-to-date progress (银川: yellow 10–30 points behind, red
//! beyond), milestones missed, the deadline passed, reports missing, a project's investment
//! behind its plan, consecutive yellows becoming red (海口), and red returning only to yellow,
//! and only once the gap is made up (温州瓯海). Every colour carries its reasons.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::plan::{InvestmentPlan, Plan};
use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Yellow,
    Red,
}

impl Colour {
    pub const ALL: [Colour; 3] = [Self::Green, Self::Yellow, Self::Red];
    pub fn code(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Yellow => "yellow",
            Self::Red => "red",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Green => "绿灯",
            Self::Yellow => "黄灯",
            Self::Red => "红灯",
        }
    }
}

/// The zone's light rules (one document, edited by supervision staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LightRules {
    /// Yellow when reported progress is this many points or more behind planned-to-date.
    pub yellow_behind_points: u32,
    /// Red when this many points or more behind.
    pub red_behind_points: u32,
    /// Departments report every so many days; a report older than that plus the grace is yellow.
    pub report_every_days: u32,
    pub report_grace_days: u32,
    /// The colour of a milestone whose date passed unreached.
    pub milestone_missed: Colour,
    /// So many yellow weeks in a row become red (0: never).
    pub yellows_to_red: u32,
    /// A red item returns only to yellow, and only once reported progress has made up the gap.
    pub red_until_gap_closed: bool,
    /// A project whose investment to date is this share (per cent) of its plan to date or more
    /// behind is yellow; `investment_red_pct` or more, red.
    pub investment_yellow_pct: u32,
    pub investment_red_pct: u32,
}

impl Default for LightRules {
    fn default() -> Self {
        Self {
            yellow_behind_points: 10,
            red_behind_points: 30,
            report_every_days: 7,
            report_grace_days: 3,
            milestone_missed: Colour::Red,
            yellows_to_red: 2,
            red_until_gap_closed: true,
            investment_yellow_pct: 10,
            investment_red_pct: 30,
        }
    }
}

impl LightRules {
    /// Checks a rules document: thresholds in range and yellow before red. Errors name the field.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=100).contains(&self.yellow_behind_points) {
            errors.push(FieldError::new("yellow_behind_points", "range"));
        }
        if !(1..=100).contains(&self.red_behind_points) {
            errors.push(FieldError::new("red_behind_points", "range"));
        } else if self.red_behind_points <= self.yellow_behind_points {
            errors.push(FieldError::new("red_behind_points", "supervision.red_not_above_yellow"));
        }
        if !(1..=31).contains(&self.report_every_days) {
            errors.push(FieldError::new("report_every_days", "range"));
        }
        if self.report_grace_days > 31 {
            errors.push(FieldError::new("report_grace_days", "range"));
        }
        if self.milestone_missed == Colour::Green {
            errors.push(FieldError::new("milestone_missed", "supervision.colour_not_warning"));
        }
        if self.yellows_to_red > 12 {
            errors.push(FieldError::new("yellows_to_red", "range"));
        }
        if !(1..=100).contains(&self.investment_yellow_pct) {
            errors.push(FieldError::new("investment_yellow_pct", "range"));
        }
        if !(1..=100).contains(&self.investment_red_pct) {
            errors.push(FieldError::new("investment_red_pct", "range"));
        } else if self.investment_red_pct <= self.investment_yellow_pct {
            errors.push(FieldError::new("investment_red_pct", "supervision.red_not_above_yellow"));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// Why an item has its colour. `value` is points, days or per cent as the code says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub colour: Colour,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Reason {
    fn new(code: &str, colour: Colour, value: Option<i64>) -> Self {
        Self { code: code.into(), colour, value, label: None }
    }
    /// The reason as the office writes it (the brief is in Chinese).
    pub fn text_zh(&self) -> String {
        let v = self.value.unwrap_or(0);
        let label = self.label.as_deref().unwrap_or("");
        match self.code.as_str() {
            "behind_plan" => format!("落后序时进度{v}个百分点"),
            "milestone_missed" => format!("节点“{label}”逾期未完成"),
            "overdue" => format!("已超过完成时限{v}天"),
            "report_missing" if self.value.is_none() => "尚未报送进度".into(),
            "report_missing" => format!("{v}天未报送进度"),
            "investment_behind" => format!("投资完成落后计划{v}%"),
            "consecutive_yellow" => format!("连续{v}周黄灯，升为红灯"),
            "gap_not_closed" => format!("差距未补齐（仍落后{v}个百分点），保持红灯"),
            "gap_closed" => "差距已补齐，由红灯转为黄灯".into(),
            "completed" => "已完成".into(),
            _ => "按序时推进".into(),
        }
    }
}

/// What is known of one item on the day it is assessed.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub plan: &'a Plan,
    /// The latest reported progress on or before the day, in per cent.
    pub reported_pct: Option<u8>,
    /// The day of the latest report on or before the day.
    pub last_report_on: Option<NaiveDate>,
    /// A project's investment plan and its reported investment to date (fen).
    pub investment: Option<(&'a InvestmentPlan, i64)>,
    /// Closed as done.
    pub completed: bool,
}

/// An item's colour on a day, with its reasons (worst first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub colour: Colour,
    pub reasons: Vec<Reason>,
    /// Planned-to-date minus reported progress, in whole points (negative: ahead).
    pub gap_points: i64,
}

/// The colour from the day's facts alone, before the week-to-week rules.
pub fn raw(rules: &LightRules, facts: &Facts<'_>, on: NaiveDate) -> Assessment {
    let reported = f64::from(facts.reported_pct.unwrap_or(0));
    let planned = facts.plan.planned_pct(on);
    let gap_points = (planned - reported).round() as i64;
    if facts.completed || facts.reported_pct == Some(100) {
        return Assessment {
            colour: Colour::Green,
            reasons: vec![Reason::new("completed", Colour::Green, None)],
            gap_points,
        };
    }
    let mut reasons = Vec::new();
    let due = facts.plan.due();
    if on > due {
        reasons.push(Reason::new("overdue", Colour::Red, Some((on - due).num_days())));
    }
    let red = i64::from(rules.red_behind_points);
    let yellow = i64::from(rules.yellow_behind_points);
    if gap_points >= red {
        reasons.push(Reason::new("behind_plan", Colour::Red, Some(gap_points)));
    } else if gap_points >= yellow {
        reasons.push(Reason::new("behind_plan", Colour::Yellow, Some(gap_points)));
    }
    if let Some(m) = facts.plan.missed_milestone(on) {
        let mut r = Reason::new("milestone_missed", rules.milestone_missed, None);
        r.label = Some(m.title.clone());
        reasons.push(r);
    }
    let limit = i64::from(rules.report_every_days + rules.report_grace_days);
    match facts.last_report_on {
        Some(last) if (on - last).num_days() > limit => {
            reasons.push(Reason::new("report_missing", Colour::Yellow, Some((on - last).num_days())));
        }
        None if (on - facts.plan.start()).num_days() > limit => {
            reasons.push(Reason::new("report_missing", Colour::Yellow, None));
        }
        _ => {}
    }
    if let Some((plan, actual)) = facts.investment {
        let planned = plan.planned_to_date(on);
        if planned > 0 && actual < planned {
            let behind = ((planned - actual) * 100 / planned).clamp(0, 100);
            if behind >= i64::from(rules.investment_red_pct) {
                reasons.push(Reason::new("investment_behind", Colour::Red, Some(behind)));
            } else if behind >= i64::from(rules.investment_yellow_pct) {
                reasons.push(Reason::new("investment_behind", Colour::Yellow, Some(behind)));
            }
        }
    }
    reasons.sort_by_key(|r| std::cmp::Reverse(r.colour));
    let colour = reasons.first().map_or(Colour::Green, |r| r.colour);
    if reasons.is_empty() {
        reasons.push(Reason::new("on_track", Colour::Green, None));
    }
    Assessment { colour, reasons, gap_points }
}

/// The week's colour: the day's facts, then the week-to-week rules over the colours of the
/// previous weeks (`previous`, oldest first, the last one the week before).
pub fn assess(rules: &LightRules, facts: &Facts<'_>, on: NaiveDate, previous: &[Colour]) -> Assessment {
    let mut a = raw(rules, facts, on);
    if a.colour != Colour::Red && previous.last() == Some(&Colour::Red) && rules.red_until_gap_closed {
        let completed = a.reasons.iter().any(|r| r.code == "completed");
        if !completed {
            let investment_behind = a.reasons.iter().any(|r| r.code == "investment_behind");
            if a.colour == Colour::Green {
                a.reasons.clear();
            }
            if a.gap_points > 0 || investment_behind {
                a.reasons.insert(0, Reason::new("gap_not_closed", Colour::Red, Some(a.gap_points.max(0))));
                a.colour = Colour::Red;
                return a;
            }
            a.reasons.insert(0, Reason::new("gap_closed", Colour::Yellow, None));
            a.colour = Colour::Yellow;
            return a;
        }
    }
    let n = rules.yellows_to_red as usize;
    if a.colour == Colour::Yellow && n > 0 && previous.len() + 1 >= n {
        let run = previous[previous.len() + 1 - n..].iter().all(|c| *c == Colour::Yellow);
        if run {
            a.reasons.insert(0, Reason::new("consecutive_yellow", Colour::Red, Some(rules.yellows_to_red.into())));
            a.colour = Colour::Red;
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::super::plan::Milestone;
    use super::*;
    use chrono::Duration;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// One hand-made week: the Saturday, the progress reported that week (if any).
    struct Week {
        on: &'static str,
        report: Option<u8>,
    }

    /// Runs the weeks in order as the weekly sweep would, each week seeing the colours before it.
    fn run(rules: &LightRules, plan: &Plan, weeks: &[Week]) -> Vec<(Colour, Vec<String>)> {
        let mut previous = Vec::new();
        let mut reported = None;
        let mut last = None;
        let mut out = Vec::new();
        for w in weeks {
            let on = d(w.on);
            if let Some(p) = w.report {
                reported = Some(p);
                last = Some(on - Duration::days(1));
            }
            let facts =
                Facts { plan, reported_pct: reported, last_report_on: last, investment: None, completed: false };
            let a = assess(rules, &facts, on, &previous);
            previous.push(a.colour);
            out.push((a.colour, a.reasons.iter().map(|r| r.code.clone()).collect()));
        }
        out
    }

    /// A 100-day task from 1 Jan 2026: planned progress rises one point a day.
    fn hundred_days() -> Plan {
        Plan::parse(d("2026-01-01"), d("2026-04-11"), vec![]).unwrap()
    }

    use Colour::{Green as G, Red as R, Yellow as Y};

    fn colours(v: &[(Colour, Vec<String>)]) -> Vec<Colour> {
        v.iter().map(|x| x.0).collect()
    }

    #[test]
    fn behind_planned_progress_is_yellow_from_10_and_red_from_30_points() {
        let rules = LightRules { yellows_to_red: 0, red_until_gap_closed: false, ..LightRules::default() };
        // Planned on 31 Jan (day 30 of 100): 30 %.
        for (reported, colour) in [(30, G), (21, G), (20, Y), (1, Y), (0, R)] {
            let out = run(&rules, &hundred_days(), &[Week { on: "2026-01-31", report: Some(reported) }]);
            assert_eq!(out[0].0, colour, "reported {reported}");
        }
        let plan = hundred_days();
        let facts = Facts {
            plan: &plan,
            reported_pct: Some(7),
            last_report_on: Some(d("2026-01-30")),
            investment: None,
            completed: false,
        };
        let a = raw(&rules, &facts, d("2026-01-31"));
        assert_eq!(a.reasons[0].text_zh(), "落后序时进度23个百分点");
    }

    #[test]
    fn red_returns_to_yellow_only_once_the_gap_is_made_up() {
        let weeks = [
            Week { on: "2026-01-31", report: Some(0) },  // 30 behind: red
            Week { on: "2026-02-07", report: Some(25) }, // 12 behind: would be yellow, stays red
            Week { on: "2026-02-14", report: Some(40) }, // 4 behind: would be green, still a gap: red
            Week { on: "2026-02-21", report: Some(52) }, // planned 51: gap made up → yellow
            Week { on: "2026-02-28", report: Some(60) }, // planned 58, ahead: green again
        ];
        let out = run(&LightRules::default(), &hundred_days(), &weeks);
        assert_eq!(colours(&out), vec![R, R, R, Y, G]);
        assert_eq!(out[1].1[0], "gap_not_closed");
        assert_eq!(out[2].1, vec!["gap_not_closed".to_string()]);
        assert_eq!(out[3].1, vec!["gap_closed".to_string()]);
        // Without the rule, red falls straight back with the facts.
        let loose = LightRules { red_until_gap_closed: false, yellows_to_red: 0, ..LightRules::default() };
        assert_eq!(colours(&run(&loose, &hundred_days(), &weeks)), vec![R, Y, G, G, G]);
    }

    #[test]
    fn consecutive_yellows_become_red() {
        // 12, 13, 11 points behind each week.
        let weeks = [
            Week { on: "2026-01-31", report: Some(18) },
            Week { on: "2026-02-07", report: Some(24) },
            Week { on: "2026-02-14", report: Some(33) },
        ];
        let two = run(&LightRules::default(), &hundred_days(), &weeks);
        assert_eq!(colours(&two), vec![Y, R, R]);
        assert_eq!(two[1].1[0], "consecutive_yellow");
        let three = LightRules { yellows_to_red: 3, red_until_gap_closed: false, ..LightRules::default() };
        assert_eq!(colours(&run(&three, &hundred_days(), &weeks)), vec![Y, Y, R]);
        let never = LightRules { yellows_to_red: 0, ..LightRules::default() };
        assert_eq!(colours(&run(&never, &hundred_days(), &weeks)), vec![Y, Y, Y]);
    }

    #[test]
    fn a_missed_milestone_the_deadline_and_missing_reports() {
        let plan = Plan::parse(
            d("2026-01-01"),
            d("2026-04-11"),
            vec![Milestone { title: "完成立项".into(), due_on: d("2026-01-20"), target_pct: 20, reached_on: None }],
        )
        .unwrap();
        let out = run(&LightRules::default(), &plan, &[Week { on: "2026-01-24", report: Some(30) }]);
        assert_eq!(out[0], (R, vec!["milestone_missed".to_string()]));
        let soft = LightRules { milestone_missed: Colour::Yellow, ..LightRules::default() };
        assert_eq!(run(&soft, &plan, &[Week { on: "2026-01-24", report: Some(30) }])[0].0, Y);

        // No report for 11 days (7 + 3 grace exceeded), on plan otherwise.
        let plan = hundred_days();
        let facts = Facts {
            plan: &plan,
            reported_pct: Some(30),
            last_report_on: Some(d("2026-01-20")),
            investment: None,
            completed: false,
        };
        let a = raw(&LightRules::default(), &facts, d("2026-01-31"));
        assert_eq!((a.colour, a.reasons[0].code.as_str(), a.reasons[0].value), (Y, "report_missing", Some(11)));
        assert_eq!(a.reasons[0].text_zh(), "11天未报送进度");
        let facts = Facts { plan: &plan, reported_pct: None, last_report_on: None, investment: None, completed: false };
        assert!(
            raw(&LightRules::default(), &facts, d("2026-01-05")).reasons.iter().all(|r| r.code != "report_missing")
        );

        // Past the due date and not done: red, however the rest looks.
        let facts = Facts {
            plan: &plan,
            reported_pct: Some(95),
            last_report_on: Some(d("2026-04-12")),
            investment: None,
            completed: false,
        };
        let a = raw(&LightRules::default(), &facts, d("2026-04-13"));
        assert_eq!((a.colour, a.reasons[0].code.as_str(), a.reasons[0].value), (R, "overdue", Some(2)));
        let done = Facts { completed: true, ..facts };
        assert_eq!(raw(&LightRules::default(), &done, d("2026-04-13")).colour, G);
    }

    #[test]
    fn a_project_behind_its_investment_plan() {
        let plan = Plan::parse(d("2026-01-01"), d("2026-12-31"), vec![]).unwrap();
        let money = InvestmentPlan::parse(2026, 12_000, &[1_000; 12]).unwrap();
        let rules = LightRules::default();
        // Planned by 30 Jun: 6,000.
        for (actual, colour, pct) in [(6_000, G, None), (5_000, Y, Some(16)), (4_000, R, Some(33))] {
            let facts = Facts {
                plan: &plan,
                reported_pct: Some(60),
                last_report_on: Some(d("2026-06-29")),
                investment: Some((&money, actual)),
                completed: false,
            };
            let a = raw(&rules, &facts, d("2026-06-30"));
            assert_eq!(a.colour, colour, "{actual}");
            assert_eq!(a.reasons.iter().find(|r| r.code == "investment_behind").and_then(|r| r.value), pct);
        }
    }

    #[test]
    fn bad_rules_name_their_fields() {
        let bad = LightRules {
            yellow_behind_points: 30,
            red_behind_points: 20,
            report_every_days: 0,
            milestone_missed: Colour::Green,
            investment_yellow_pct: 0,
            ..LightRules::default()
        };
        let e: Vec<String> = bad.check().unwrap_err().into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect();
        assert_eq!(
            e,
            vec![
                "red_behind_points:supervision.red_not_above_yellow",
                "report_every_days:range",
                "milestone_missed:supervision.colour_not_warning",
                "investment_yellow_pct:range",
            ]
        );
        assert!(LightRules::default().check().is_ok());
    }
}
