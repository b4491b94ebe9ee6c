//! Deadlines of an appeal on the zone's working-day calendar: each stage (accept, first answer,
//! resolve) has a limit in working days or hours counted from receipt; time the clock stood
//! still and approved extensions push the deadlines out; a stage turns yellow when it has used a
//! share of its time and red when late.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};

use crate::FieldError;
use crate::calendar::WorkCalendar;

/// China Standard Time: the calendar's days are Beijing days (no daylight saving).
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The Beijing day of an instant.
pub fn local_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&beijing()).date_naive()
}

/// The first instant after the Beijing day `d` ends (its deadline).
pub fn end_of_day(d: NaiveDate) -> DateTime<Utc> {
    let next = d.succ_opt().unwrap_or(d);
    beijing()
        .from_local_datetime(&next.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&next.and_time(chrono::NaiveTime::MIN)))
}

/// A stage's time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// By the end of the n-th working day after the day of receipt.
    WorkingDays(u32),
    /// Within n hours of receipt, around the clock (urgent matters).
    Hours(u32),
}

impl Limit {
    /// `3wd` or `4h` (1–365 working days, 1–720 hours).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(n) = s.strip_suffix("wd").and_then(|n| n.parse::<u32>().ok()) {
            return (1..=365).contains(&n).then_some(Self::WorkingDays(n));
        }
        let n = s.strip_suffix('h').and_then(|n| n.parse::<u32>().ok())?;
        (1..=720).contains(&n).then_some(Self::Hours(n))
    }
    pub fn code(self) -> String {
        match self {
            Self::WorkingDays(n) => format!("{n}wd"),
            Self::Hours(n) => format!("{n}h"),
        }
    }
    /// A lower bound in hours, to order limits of different units (a working day is at least a day).
    fn min_hours(self) -> u32 {
        match self {
            Self::WorkingDays(n) => n * 24,
            Self::Hours(n) => n,
        }
    }
}

/// A category's deadline rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    pub accept: Limit,
    pub answer: Limit,
    pub resolve: Limit,
    /// Share (per cent, 1–99) of a stage's time after which it is yellow.
    pub yellow_pct: u32,
    pub pause_when_waiting: bool,
}

impl Rules {
    /// Parses and checks a category's limits: each must parse, and accept ≤ first answer ≤
    /// resolve (a rule that resolves before it accepts makes no sense). Errors name the field.
    pub fn parse(
        accept: &str,
        answer: &str,
        resolve: &str,
        yellow_pct: i64,
        pause: bool,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut lim = |field: &'static str, s: &str| {
            let l = Limit::parse(s);
            if l.is_none() {
                errors.push(FieldError::new(field, "appeal.limit_invalid"));
            }
            l
        };
        let (a, b, c) = (lim("accept_limit", accept), lim("answer_limit", answer), lim("resolve_limit", resolve));
        if !(1..=99).contains(&yellow_pct) {
            errors.push(FieldError::new("yellow_pct", "range"));
        }
        if let (Some(a), Some(b), Some(c)) = (a, b, c) {
            if Self::order(b) < Self::order(a) {
                errors.push(FieldError::new("answer_limit", "appeal.limit_before_accept"));
            }
            if Self::order(c) < Self::order(b) || Self::order(c) < Self::order(a) {
                errors.push(FieldError::new("resolve_limit", "appeal.limit_before_answer"));
            }
            if errors.is_empty() {
                return Ok(Self {
                    accept: a,
                    answer: b,
                    resolve: c,
                    yellow_pct: u32::try_from(yellow_pct).unwrap_or(80),
                    pause_when_waiting: pause,
                });
            }
        }
        Err(errors)
    }
    /// Limits of the same unit compare exactly; working days against hours by their lower bound.
    fn order(l: Limit) -> (u32, u32) {
        match l {
            Limit::WorkingDays(n) => (n * 24, 1),
            Limit::Hours(_) => (l.min_hours(), 0),
        }
    }
    pub fn limit(&self, s: Stage) -> Limit {
        match s {
            Stage::Accept => self.accept,
            Stage::Answer => self.answer,
            Stage::Resolve => self.resolve,
        }
    }
}

/// The three timed stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Accept,
    Answer,
    Resolve,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Self::Accept, Self::Answer, Self::Resolve];
    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Answer => "answer",
            Self::Resolve => "resolve",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// What the clock of one appeal knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timing {
    pub received_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub first_answer_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Working days and seconds the clock stood still so far (finished pauses).
    pub paused_days: u32,
    pub paused_seconds: i64,
    /// Since when the clock stands still now, if it does.
    pub paused_at: Option<DateTime<Utc>>,
    /// Approved extension, in working days (24 hours each for hour limits).
    pub extension_days: u32,
    /// Whether the appeal still runs (not answered, not final).
    pub open: bool,
}

/// The deadlines and the pending stage's yellow and red moments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines {
    pub accept_due: DateTime<Utc>,
    pub answer_due: DateTime<Utc>,
    pub resolve_due: DateTime<Utc>,
    /// The stage still to be met, when the appeal runs and the clock is not stopped.
    pub pending: Option<Pending>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    pub stage: Stage,
    pub yellow_at: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

/// A stage's deadline: the limit from receipt, pushed out by the pauses and the extension.
pub fn due(cal: &WorkCalendar, t: &Timing, limit: Limit) -> DateTime<Utc> {
    match limit {
        Limit::WorkingDays(n) => {
            let day = cal.add_working_days(local_day(t.received_at), n + t.paused_days + t.extension_days);
            end_of_day(day)
        }
        Limit::Hours(n) => {
            t.received_at
                + Duration::hours(i64::from(n))
                + Duration::seconds(t.paused_seconds)
                + Duration::days(i64::from(t.extension_days))
        }
    }
}

/// All deadlines of an appeal and its pending stage.
pub fn deadlines(cal: &WorkCalendar, rules: &Rules, t: &Timing) -> Deadlines {
    let (accept_due, answer_due, resolve_due) =
        (due(cal, t, rules.accept), due(cal, t, rules.answer), due(cal, t, rules.resolve));
    let stage = if !t.open || t.answered_at.is_some() || t.paused_at.is_some() {
        None
    } else if t.accepted_at.is_none() {
        Some((Stage::Accept, accept_due))
    } else if t.first_answer_at.is_none() {
        Some((Stage::Answer, answer_due))
    } else {
        Some((Stage::Resolve, resolve_due))
    };
    let pending = stage.map(|(stage, due)| {
        let span = (due - t.received_at).num_seconds().max(0);
        let yellow_at = t.received_at + Duration::seconds(span * i64::from(rules.yellow_pct) / 100);
        Pending { stage, yellow_at, due }
    });
    Deadlines { accept_due, answer_due, resolve_due, pending }
}

/// Pauses a running clock at `now`.
pub fn pause(t: &mut Timing, now: DateTime<Utc>) {
    if t.paused_at.is_none() {
        t.paused_at = Some(now);
    }
}

/// Restarts a stopped clock at `now`: the working days (and seconds) it stood still are added.
/// A pause that begins and ends on the same day costs no working day.
pub fn resume(cal: &WorkCalendar, t: &mut Timing, now: DateTime<Utc>) {
    if let Some(since) = t.paused_at.take() {
        let days = cal.working_days_between(local_day(since), local_day(now)).max(0);
        t.paused_days += u32::try_from(days).unwrap_or(0);
        t.paused_seconds += (now - since).num_seconds().max(0);
    }
}

/// The traffic light of an open appeal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Light {
    Green,
    Yellow,
    Red,
    /// The clock stands still (waiting for the enterprise).
    Paused,
    /// Nothing pending (answered or finished).
    None,
}

impl Light {
    pub fn code(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Yellow => "yellow",
            Self::Red => "red",
            Self::Paused => "paused",
            Self::None => "none",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Green, Self::Yellow, Self::Red, Self::Paused, Self::None].into_iter().find(|l| l.code() == s)
    }
    /// From the stored moments: red from the deadline on, yellow from the yellow moment on.
    pub fn at(now: DateTime<Utc>, yellow_at: Option<DateTime<Utc>>, due: Option<DateTime<Utc>>, paused: bool) -> Self {
        match (due, yellow_at) {
            _ if paused => Self::Paused,
            (Some(d), _) if now >= d => Self::Red,
            (Some(_), Some(y)) if now >= y => Self::Yellow,
            (Some(_), _) => Self::Green,
            (None, _) => Self::None,
        }
    }
}

/// Escalation: a late stage goes to the department head at its deadline (level 1), then to the
/// zone leaders one working day later (level 2), then no further. Returns when the sweep should
/// next look at the appeal given the level it has reached.
pub fn escalate_at(
    cal: &WorkCalendar,
    level: u8,
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match level {
        0 => due,
        1 => Some(end_of_day(cal.add_working_days(local_day(now), 1))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        // Beijing wall time, e.g. "2026-02-12 10:00".
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        beijing().from_local_datetime(&naive).single().unwrap().with_timezone(&Utc)
    }

    fn rules(a: &str, b: &str, c: &str) -> Rules {
        Rules::parse(a, b, c, 80, true).unwrap()
    }

    #[test]
    fn limits_parse_and_a_rule_that_resolves_before_it_accepts_is_refused() {
        assert_eq!(Limit::parse("3wd"), Some(Limit::WorkingDays(3)));
        assert_eq!(Limit::parse("4h"), Some(Limit::Hours(4)));
        for bad in ["", "0wd", "3d", "wd", "-1h", "721h", "3 wd x"] {
            assert_eq!(Limit::parse(bad), None, "{bad}");
        }
        let codes = |r: Result<Rules, Vec<FieldError>>| -> Vec<(String, &str)> {
            r.err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
        };
        assert_eq!(
            codes(Rules::parse("5wd", "3wd", "1wd", 80, true)),
            vec![
                ("answer_limit".into(), "appeal.limit_before_accept"),
                ("resolve_limit".into(), "appeal.limit_before_answer")
            ]
        );
        assert_eq!(codes(Rules::parse("x", "3wd", "15wd", 0, true)).len(), 2);
        // Hours before working days is in order; 48 hours after 1 working day is too.
        assert!(Rules::parse("4h", "1wd", "5wd", 80, false).is_ok());
        assert!(Rules::parse("1wd", "3wd", "2wd", 80, false).is_err());
    }

    /// 山东 接诉即办 style: accept in 1 working day, answer in 3, resolve in 15 — filed on the
    /// Thursday before the 2026 Spring Festival (days off 15–23 Feb, make-up Saturdays 14 and 28 Feb).
    #[test]
    fn deadlines_across_the_spring_festival_with_make_up_days() {
        let cal = WorkCalendar::china_2026();
        let r = rules("1wd", "3wd", "15wd");
        let t = Timing { received_at: at("2026-02-12 16:30"), open: true, ..Timing::default() };
        let d = deadlines(&cal, &r, &t);
        assert_eq!(d.accept_due, at("2026-02-14 00:00"), "by the end of Friday 13th");
        // 13 (Fri), 14 (make-up Sat), 24 (Tue): the holiday does not count.
        assert_eq!(d.answer_due, at("2026-02-25 00:00"));
        // 13, 14, 24, 25, 26, 27, 28 (make-up Sat), 2, 3, 4, 5, 6, 9, 10, 11 March.
        assert_eq!(d.resolve_due, at("2026-03-12 00:00"));
        let p = d.pending.unwrap();
        assert_eq!((p.stage, p.due), (Stage::Accept, d.accept_due));
        // 80 % of the 31.5 hours to the accept deadline.
        assert_eq!(p.yellow_at, t.received_at + Duration::seconds(31 * 3600 + 1800) * 4 / 5);
    }

    #[test]
    fn an_approved_extension_and_a_pause_push_the_deadline_by_working_days() {
        let cal = WorkCalendar::china_2026();
        let r = rules("1wd", "3wd", "15wd");
        let mut t = Timing {
            received_at: at("2026-02-12 16:30"),
            accepted_at: Some(at("2026-02-13 09:00")),
            first_answer_at: Some(at("2026-02-13 10:00")),
            open: true,
            ..Timing::default()
        };
        // Waiting for the enterprise's documents from Friday 13th to Wednesday 25th: the
        // 14th, 24th and 25th were working days the clock stood still.
        pause(&mut t, at("2026-02-13 11:00"));
        assert_eq!(deadlines(&cal, &r, &t).pending, None, "no light while stopped");
        resume(&cal, &mut t, at("2026-02-25 15:00"));
        assert_eq!(t.paused_days, 3);
        assert_eq!(deadlines(&cal, &r, &t).resolve_due, at("2026-03-17 00:00"));
        // A leader approves 5 more working days.
        t.extension_days = 5;
        let d = deadlines(&cal, &r, &t);
        assert_eq!(d.resolve_due, at("2026-03-24 00:00"));
        assert_eq!(d.pending.map(|p| p.stage), Some(Stage::Resolve));
        // Hours limits move by the seconds stopped and 24 hours per extension day.
        let h = Timing { received_at: at("2026-02-12 16:30"), paused_seconds: 3600, extension_days: 1, ..t };
        assert_eq!(due(&cal, &h, Limit::Hours(4)), at("2026-02-13 21:30"));
    }

    #[test]
    fn lights_and_escalation_schedule() {
        let (y, d) = (at("2026-03-02 12:00"), at("2026-03-03 00:00"));
        for (now, paused, want) in [
            ("2026-03-02 09:00", false, Light::Green),
            ("2026-03-02 12:00", false, Light::Yellow),
            ("2026-03-03 00:00", false, Light::Red),
            ("2026-03-09 00:00", true, Light::Paused),
        ] {
            assert_eq!(Light::at(at(now), Some(y), Some(d), paused), want, "{now}");
        }
        assert_eq!(Light::at(at("2026-03-09 00:00"), None, None, false), Light::None);
        let cal = WorkCalendar::china_2026();
        assert_eq!(escalate_at(&cal, 0, Some(d), at("2026-03-01 00:00")), Some(d));
        // Late on Friday 2 Oct (holiday): the leaders hear at the end of the next working day, 8 Oct.
        assert_eq!(escalate_at(&cal, 1, Some(d), at("2026-10-02 08:00")), Some(at("2026-10-09 00:00")));
        assert_eq!(escalate_at(&cal, 2, Some(d), at("2026-10-02 08:00")), None);
    }

    proptest! {
        /// However long the pauses and extensions, deadlines never move earlier, stay in stage
        /// order, and a working-day deadline is the end of a working day.
        #[test]
        fn deadlines_are_ordered_monotone_and_end_on_working_days(
            start in 0i64..(366 * 24 * 60), paused in 0u32..40, ext in 0u32..30,
            a in 1u32..3, b in 0u32..5, c in 0u32..30,
        ) {
            let cal = WorkCalendar::china_2026();
            let r = Rules::parse(&format!("{a}wd"), &format!("{}wd", a + b), &format!("{}wd", a + b + c), 50, true).unwrap();
            let base = Timing { received_at: at("2026-01-01 00:00") + Duration::minutes(start), open: true, ..Timing::default() };
            let moved = Timing { paused_days: paused, extension_days: ext, ..base.clone() };
            let (d0, d1) = (deadlines(&cal, &r, &base), deadlines(&cal, &r, &moved));
            prop_assert!(d0.accept_due <= d0.answer_due && d0.answer_due <= d0.resolve_due);
            prop_assert!(d1.resolve_due >= d0.resolve_due);
            prop_assert_eq!(d1.resolve_due > d0.resolve_due, paused + ext > 0);
            let last_day = local_day(d1.resolve_due - Duration::seconds(1));
            prop_assert!(cal.is_working_day(last_day));
            prop_assert!(d0.accept_due > base.received_at);
            let p = d0.pending.unwrap();
            prop_assert!(p.yellow_at >= base.received_at && p.yellow_at <= p.due);
        }
    }
}
