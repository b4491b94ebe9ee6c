//! The regular meetings of a branch (三会一课: 支部党员大会, 支部委员会, 党小组会, 党课) held
//! against required frequencies stored as data (by default: the assembly once a quarter, the
//! committee and the groups once a month, a party lecture once a quarter). For any period the
//! compliance view lists, per kind, the calendar windows (months, quarters, …) that must hold a
//! meeting, those without one, and a colour: green when none is missing, yellow when the
//! covered share reaches the zone's threshold, red below it. A window still running is not
//! missing yet.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    BranchAssembly,
    BranchCommittee,
    GroupMeeting,
    PartyLecture,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 4] =
        [Self::BranchAssembly, Self::BranchCommittee, Self::GroupMeeting, Self::PartyLecture];
    pub fn code(self) -> &'static str {
        match self {
            Self::BranchAssembly => "branch_assembly",
            Self::BranchCommittee => "branch_committee",
            Self::GroupMeeting => "group_meeting",
            Self::PartyLecture => "party_lecture",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::BranchAssembly => "支部党员大会",
            Self::BranchCommittee => "支部委员会",
            Self::GroupMeeting => "党小组会",
            Self::PartyLecture => "党课",
        }
    }
}

/// How often a kind of meeting is due: once in every calendar window of this length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Every {
    fn months(self) -> u32 {
        match self {
            Self::Month => 1,
            Self::Quarter => 3,
            Self::HalfYear => 6,
            Self::Year => 12,
        }
    }
}

/// A required frequency: `times` meetings of `kind` in every window of `every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    pub kind: MeetingKind,
    pub every: Every,
    pub times: u32,
}

impl Requirement {
    /// The usual rules of 三会一课.
    pub fn defaults() -> Vec<Requirement> {
        vec![
            Requirement { kind: MeetingKind::BranchAssembly, every: Every::Quarter, times: 1 },
            Requirement { kind: MeetingKind::BranchCommittee, every: Every::Month, times: 1 },
            Requirement { kind: MeetingKind::GroupMeeting, every: Every::Month, times: 1 },
            Requirement { kind: MeetingKind::PartyLecture, every: Every::Quarter, times: 1 },
        ]
    }

    /// Checks a set of requirements: each kind at most once, 1–10 times a window.
    pub fn check(reqs: &[Requirement]) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (i, r) in reqs.iter().enumerate() {
            if !(1..=10).contains(&r.times) {
                errors.push(FieldError::new(format!("requirements[{i}].times"), "range"));
            }
            if reqs[..i].iter().any(|x| x.kind == r.kind) {
                errors.push(FieldError::new(format!("requirements[{i}].kind"), "duplicate"));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The zone's meeting rules: required frequencies and the share (per cent) from which a kind
/// is yellow rather than red.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub requirements: Vec<Requirement>,
    pub yellow_pct: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Self { requirements: Requirement::defaults(), yellow_pct: 75 }
    }
}

impl Rules {
    /// Checks the rules: the requirements (see [`Requirement::check`]), at least one, and a
    /// yellow share of 1–100 %.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Requirement::check(&self.requirements).err().unwrap_or_default();
        if self.requirements.is_empty() {
            errors.push(FieldError::new("requirements", "required"));
        }
        if !(1..=100).contains(&self.yellow_pct) {
            errors.push(FieldError::new("yellow_pct", "range"));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// A calendar window `[from, to]` (inclusive days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

fn first_of(year: i32, month0: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year + (month0 / 12) as i32, month0 % 12 + 1, 1)
}

/// The calendar windows of `every` that overlap `[from, to]`, aligned to the calendar year
/// (January, Q1 = January–March, H1, the year), clipped to the period.
pub fn windows(every: Every, from: NaiveDate, to: NaiveDate) -> Vec<Window> {
    let len = every.months();
    let mut out = Vec::new();
    let start0 = from.month0() / len * len;
    let (mut year, mut m0) = (from.year(), start0);
    while let Some(start) = first_of(year, m0) {
        if start > to {
            break;
        }
        let Some(next) = first_of(year, m0 + len) else { break };
        let end = next.pred_opt().unwrap_or(next);
        out.push(Window { from: start.max(from), to: end.min(to) });
        m0 += len;
        if m0 >= 12 {
            year += 1;
            m0 -= 12;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Yellow,
    Red,
}

/// One kind's compliance over a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCompliance {
    pub kind: MeetingKind,
    /// Meetings required in the windows that have ended (and in the running one, if met).
    pub required: u32,
    /// Meetings recorded in the period (counted up to `times` a window).
    pub recorded: u32,
    /// Ended windows with fewer meetings than required.
    pub missing: Vec<Window>,
    pub colour: Colour,
}

/// A branch's compliance for `[from, to]` as of `today`: per kind, then the worst colour.
/// `yellow_pct`: the covered share (per cent) from which a kind is yellow rather than red.
pub fn compliance(
    reqs: &[Requirement],
    held: &[(MeetingKind, NaiveDate)],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    yellow_pct: u32,
) -> (Colour, Vec<KindCompliance>) {
    let mut out = Vec::new();
    for r in reqs {
        let mut required = 0;
        let mut recorded = 0;
        let mut missing = Vec::new();
        for w in windows(r.every, from, to) {
            let n = held.iter().filter(|(k, d)| *k == r.kind && *d >= w.from && *d <= w.to).count() as u32;
            let ended = w.to < today;
            let met = n >= r.times;
            if ended || met {
                required += r.times;
                recorded += n.min(r.times);
            }
            if ended && !met {
                missing.push(w);
            }
        }
        let colour = if missing.is_empty() {
            Colour::Green
        } else if recorded * 100 >= required * yellow_pct {
            Colour::Yellow
        } else {
            Colour::Red
        };
        out.push(KindCompliance { kind: r.kind, required, recorded, missing, colour });
    }
    let worst = out.iter().map(|k| k.colour).max().unwrap_or(Colour::Green);
    (worst, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn windows_follow_the_calendar_and_are_clipped() {
        let q = windows(Every::Quarter, d("2026-02-15"), d("2026-08-10"));
        assert_eq!(
            q,
            vec![
                Window { from: d("2026-02-15"), to: d("2026-03-31") },
                Window { from: d("2026-04-01"), to: d("2026-06-30") },
                Window { from: d("2026-07-01"), to: d("2026-08-10") },
            ]
        );
        assert_eq!(windows(Every::Month, d("2025-12-01"), d("2026-01-31")).len(), 2);
        assert_eq!(
            windows(Every::Year, d("2026-01-01"), d("2026-12-31")),
            vec![Window { from: d("2026-01-01"), to: d("2026-12-31") }]
        );
        assert_eq!(windows(Every::HalfYear, d("2026-05-01"), d("2026-07-01")).len(), 2);
    }

    use MeetingKind::*;

    /// A hand-made year of one branch, as of 27 November 2026: the committee met every month
    /// but March and July, the groups every month, the assembly in Q1–Q3 and the lecture only in
    /// Q2 — November is still running, so it is not missing.
    fn year_2026() -> Vec<(MeetingKind, NaiveDate)> {
        let mut v = Vec::new();
        for m in 1..=11u32 {
            if m != 3 && m != 7 {
                v.push((BranchCommittee, NaiveDate::from_ymd_opt(2026, m, 10).unwrap()));
            }
            if m <= 10 {
                v.push((GroupMeeting, NaiveDate::from_ymd_opt(2026, m, 20).unwrap()));
            }
        }
        v.extend([
            (BranchAssembly, d("2026-03-28")),
            (BranchAssembly, d("2026-06-27")),
            (BranchAssembly, d("2026-09-26")),
        ]);
        v.push((PartyLecture, d("2026-05-15")));
        v
    }

    #[test]
    fn a_years_compliance_per_kind() {
        let (worst, kinds) =
            compliance(&Requirement::defaults(), &year_2026(), d("2026-01-01"), d("2026-12-31"), d("2026-11-27"), 75);
        let got: Vec<(MeetingKind, u32, u32, usize, Colour)> =
            kinds.iter().map(|k| (k.kind, k.required, k.recorded, k.missing.len(), k.colour)).collect();
        assert_eq!(
            got,
            vec![
                // Q1–Q3 met; Q4 runs.
                (BranchAssembly, 3, 3, 0, Colour::Green),
                // Jan–Oct ended (10), November met (+1): 11 required, 9 held, March and July missing.
                (BranchCommittee, 11, 9, 2, Colour::Yellow),
                // Jan–Oct met; November runs without one yet.
                (GroupMeeting, 10, 10, 0, Colour::Green),
                // Q1 and Q3 missing: 1 of 3.
                (PartyLecture, 3, 1, 2, Colour::Red),
            ]
        );
        assert_eq!(worst, Colour::Red);
        assert_eq!(kinds[1].missing[0], Window { from: d("2026-03-01"), to: d("2026-03-31") });
    }

    #[test]
    fn recording_the_missing_meetings_turns_the_branch_green() {
        let mut held = year_2026();
        held.extend([
            (BranchCommittee, d("2026-03-30")),
            (BranchCommittee, d("2026-07-30")),
            (PartyLecture, d("2026-02-10")),
            (PartyLecture, d("2026-08-10")),
        ]);
        let (worst, _) =
            compliance(&Requirement::defaults(), &held, d("2026-01-01"), d("2026-12-31"), d("2026-11-27"), 75);
        assert_eq!(worst, Colour::Green);
        // A new branch founded in November has nothing missing yet.
        let (worst, kinds) =
            compliance(&Requirement::defaults(), &[], d("2026-11-05"), d("2026-12-31"), d("2026-11-27"), 75);
        assert_eq!((worst, kinds.iter().map(|k| k.required).sum::<u32>()), (Colour::Green, 0));
        // Twice a month required: one meeting a month leaves every month missing.
        let twice = [Requirement { kind: BranchCommittee, every: Every::Month, times: 2 }];
        let (worst, k) = compliance(&twice, &year_2026(), d("2026-01-01"), d("2026-06-30"), d("2026-11-27"), 75);
        assert_eq!((worst, k[0].required, k[0].recorded, k[0].missing.len()), (Colour::Red, 12, 5, 6));
    }

    #[test]
    fn requirements_are_checked() {
        let bad = [
            Requirement { kind: BranchCommittee, every: Every::Month, times: 0 },
            Requirement { kind: BranchCommittee, every: Every::Quarter, times: 1 },
        ];
        let e: Vec<String> =
            Requirement::check(&bad).unwrap_err().into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect();
        assert_eq!(e, ["requirements[0].times:range", "requirements[1].kind:duplicate"]);
        assert!(Requirement::check(&Requirement::defaults()).is_ok());
    }

    proptest! {
        #[test]
        fn windows_tile_the_period(start in 0i64..800, len in 0i64..800, every in 0usize..4) {
            let every = [Every::Month, Every::Quarter, Every::HalfYear, Every::Year][every];
            let from = d("2025-01-01") + chrono::Duration::days(start);
            let to = from + chrono::Duration::days(len);
            let w = windows(every, from, to);
            prop_assert_eq!(w.first().map(|x| x.from), Some(from));
            prop_assert_eq!(w.last().map(|x| x.to), Some(to));
            for pair in w.windows(2) {
                prop_assert_eq!(pair[0].to.succ_opt(), Some(pair[1].from));
            }
        }

        #[test]
        fn more_meetings_never_make_it_worse(extra in proptest::collection::vec((0usize..4, 0i64..365), 0..20)) {
            let base = year_2026();
            let (c0, _) = compliance(&Requirement::defaults(), &base, d("2026-01-01"), d("2026-12-31"), d("2026-11-27"), 75);
            let mut more = base.clone();
            more.extend(extra.into_iter().map(|(k, day)| (MeetingKind::ALL[k], d("2026-01-01") + chrono::Duration::days(day))));
            let (c1, _) = compliance(&Requirement::defaults(), &more, d("2026-01-01"), d("2026-12-31"), d("2026-11-27"), 75);
            prop_assert!(c1 <= c0);
        }
    }
}
