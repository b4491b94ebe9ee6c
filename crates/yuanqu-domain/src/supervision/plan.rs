//! An item's plan: from its start to its due date through dated milestones with quantitative
//! targets — the planned-to-date progress (序时进度) the reported progress is held against — and
//! a project's year investment plan by month.

use chrono::{Datelike, NaiveDate};

use crate::FieldError;

/// A milestone: by `due_on`, `target_pct` of the work is done; `reached_on` once reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub title: String,
    pub due_on: NaiveDate,
    pub target_pct: u8,
    pub reached_on: Option<NaiveDate>,
}

/// A checked plan: start ≤ due, milestones inside it, their targets rising with their dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    start: NaiveDate,
    due: NaiveDate,
    milestones: Vec<Milestone>,
}

impl Plan {
    /// Checks the dates and targets; every error names its field (`milestones[2].due_on`).
    pub fn parse(start: NaiveDate, due: NaiveDate, mut milestones: Vec<Milestone>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if due < start {
            errors.push(FieldError::new("due_on", "supervision.due_before_start"));
        }
        for (i, m) in milestones.iter().enumerate() {
            if m.title.trim().is_empty() {
                errors.push(FieldError::new(format!("milestones[{i}].title"), "required"));
            }
            if m.due_on > due {
                errors.push(FieldError::new(format!("milestones[{i}].due_on"), "supervision.milestone_after_due"));
            } else if m.due_on < start {
                errors.push(FieldError::new(format!("milestones[{i}].due_on"), "supervision.milestone_before_start"));
            }
            if m.target_pct > 100 {
                errors.push(FieldError::new(format!("milestones[{i}].target_pct"), "range"));
            }
        }
        let mut order: Vec<usize> = (0..milestones.len()).collect();
        order.sort_by_key(|&i| (milestones[i].due_on, milestones[i].target_pct));
        for w in order.windows(2) {
            if milestones[w[1]].target_pct < milestones[w[0]].target_pct {
                errors.push(FieldError::new(format!("milestones[{}].target_pct", w[1]), "supervision.target_falls"));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        milestones.sort_by_key(|m| (m.due_on, m.target_pct));
        Ok(Self { start, due, milestones })
    }

    /// A straight line from `start` to `due` (no milestones; `due` not before `start`): the plan
    /// of a stored item whose milestones no longer parse.
    pub fn straight(start: NaiveDate, due: NaiveDate) -> Self {
        Self { start, due: due.max(start), milestones: Vec::new() }
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }
    pub fn due(&self) -> NaiveDate {
        self.due
    }
    pub fn milestones(&self) -> &[Milestone] {
        &self.milestones
    }

    /// The planned-to-date progress on `on`, in per cent: a straight line from 0 % at the start
    /// through each milestone's target to 100 % on the due date.
    pub fn planned_pct(&self, on: NaiveDate) -> f64 {
        if on <= self.start {
            return 0.0;
        }
        if on >= self.due {
            return 100.0;
        }
        let mut prev = (self.start, 0.0_f64);
        let points = self.milestones.iter().map(|m| (m.due_on, f64::from(m.target_pct))).chain([(self.due, 100.0)]);
        for (date, pct) in points {
            if on <= date {
                let span = (date - prev.0).num_days();
                if span <= 0 {
                    return pct;
                }
                let done = (on - prev.0).num_days() as f64 / span as f64;
                return prev.1 + (pct - prev.1) * done;
            }
            prev = (date, pct);
        }
        100.0
    }

    /// The first milestone whose date is before `on` and which was not reached by then.
    pub fn missed_milestone(&self, on: NaiveDate) -> Option<&Milestone> {
        self.milestones.iter().find(|m| m.due_on < on && m.reached_on.is_none_or(|r| r > on))
    }
}

/// A project's investment plan for one year: the year's total and its twelve months, in fen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestmentPlan {
    year: i32,
    months: [i64; 12],
}

impl InvestmentPlan {
    /// The months must not be negative and must add up to the year's plan.
    pub fn parse(year: i32, year_total_fen: i64, months: &[i64]) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        if months.len() != 12 {
            errors.push(FieldError::new("planned_by_month", "supervision.twelve_months"));
            return Err(errors);
        }
        for (i, m) in months.iter().enumerate() {
            if *m < 0 {
                errors.push(FieldError::new(format!("planned_by_month[{i}]"), "range"));
            }
        }
        if months.iter().sum::<i64>() != year_total_fen {
            errors.push(FieldError::new("planned_by_month", "supervision.plan_sum_mismatch"));
        }
        if year_total_fen < 0 {
            errors.push(FieldError::new("year_planned_fen", "range"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut m = [0; 12];
        m.copy_from_slice(months);
        Ok(Self { year, months: m })
    }

    pub fn year(&self) -> i32 {
        self.year
    }
    pub fn months(&self) -> &[i64; 12] {
        &self.months
    }
    pub fn total(&self) -> i64 {
        self.months.iter().sum()
    }

    /// Planned investment to date: the months before `on`'s month in full, and `on`'s month by
    /// the share of its days gone.
    pub fn planned_to_date(&self, on: NaiveDate) -> i64 {
        if on.year() < self.year {
            return 0;
        }
        if on.year() > self.year {
            return self.total();
        }
        let m = on.month0() as usize;
        let before: i64 = self.months[..m].iter().sum();
        let days = days_in_month(on.year(), on.month());
        before + self.months[m] * i64::from(on.day()) / i64::from(days)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next =
        if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    match (first, next) {
        (Some(a), Some(b)) => u32::try_from((b - a).num_days()).unwrap_or(30),
        _ => 30,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn ms(title: &str, due: &str, pct: u8) -> Milestone {
        Milestone { title: title.into(), due_on: d(due), target_pct: pct, reached_on: None }
    }

    #[test]
    fn planned_progress_follows_the_milestones() {
        let p = Plan::parse(
            d("2026-01-01"),
            d("2026-12-31"),
            vec![ms("完成设计", "2026-03-31", 20), ms("主体封顶", "2026-08-31", 70)],
        )
        .unwrap();
        assert_eq!(p.planned_pct(d("2025-12-01")), 0.0);
        assert_eq!(p.planned_pct(d("2026-03-31")), 20.0);
        assert_eq!(p.planned_pct(d("2026-08-31")), 70.0);
        assert_eq!(p.planned_pct(d("2027-01-01")), 100.0);
        // Halfway between 1 Jan and 31 Mar (89 days): about 10 %.
        let mid = p.planned_pct(d("2026-02-14"));
        assert!((9.5..10.5).contains(&mid), "{mid}");
    }

    #[test]
    fn bad_plans_name_their_fields() {
        let e = Plan::parse(
            d("2026-01-01"),
            d("2026-06-30"),
            vec![
                ms("a", "2026-03-01", 50),
                ms("b", "2026-07-15", 80),
                ms("c", "2026-05-01", 40),
                ms(" ", "2026-02-01", 10),
            ],
        )
        .unwrap_err();
        let got: Vec<(String, &str)> = e.into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("milestones[1].due_on".to_string(), "supervision.milestone_after_due"),
                ("milestones[3].title".to_string(), "required"),
                ("milestones[2].target_pct".to_string(), "supervision.target_falls"),
            ]
        );
        let e = Plan::parse(d("2026-06-01"), d("2026-01-01"), vec![]).unwrap_err();
        assert_eq!(e[0].field, "due_on");
    }

    #[test]
    fn a_missed_milestone_is_one_past_its_date_and_not_reached() {
        let mut a = ms("开工", "2026-03-01", 10);
        a.reached_on = Some(d("2026-03-10"));
        let p = Plan::parse(d("2026-01-01"), d("2026-12-31"), vec![a, ms("封顶", "2026-06-30", 60)]).unwrap();
        assert_eq!(p.missed_milestone(d("2026-03-05")).map(|m| m.title.as_str()), Some("开工"));
        assert_eq!(p.missed_milestone(d("2026-03-10")), None);
        assert_eq!(p.missed_milestone(d("2026-07-01")).map(|m| m.title.as_str()), Some("封顶"));
    }

    #[test]
    fn an_investment_plan_must_add_up() {
        let e = InvestmentPlan::parse(2026, 1_000, &[100; 12]).unwrap_err();
        assert_eq!(e[0].code, "supervision.plan_sum_mismatch");
        assert_eq!(InvestmentPlan::parse(2026, 1_000, &[100; 11]).unwrap_err()[0].code, "supervision.twelve_months");
        let p = InvestmentPlan::parse(2026, 1_200, &[100; 12]).unwrap();
        assert_eq!(p.planned_to_date(d("2026-03-31")), 300);
        assert_eq!(p.planned_to_date(d("2026-04-15")), 350);
        assert_eq!(p.planned_to_date(d("2025-12-31")), 0);
        assert_eq!(p.planned_to_date(d("2027-01-01")), 1_200);
    }

    proptest! {
        #[test]
        fn planned_progress_never_falls(a in 0u8..=100, b in 0u8..=100, x in 0i64..400, y in 0i64..400) {
            let (lo, hi) = (a.min(b), a.max(b));
            let p = Plan::parse(d("2026-01-01"), d("2026-12-31"), vec![ms("a", "2026-04-01", lo), ms("b", "2026-09-01", hi)]).unwrap();
            let (x, y) = (x.min(y), x.max(y));
            let start = d("2025-12-15");
            let (px, py) = (p.planned_pct(start + chrono::Duration::days(x)), p.planned_pct(start + chrono::Duration::days(y)));
            prop_assert!(px <= py + 1e-9);
            prop_assert!((0.0..=100.0).contains(&px));
        }
    }
}
