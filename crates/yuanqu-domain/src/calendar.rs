//! The zone's working-day calendar (issue 5): weekends, public holidays and 调休 make-up working
//! days, as data the administrators keep each year from the State Council's notice. Deadlines
//! of appeals and tasks are counted on it.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Which days are worked: Monday to Friday, except the days off, plus the make-up days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    off: BTreeSet<NaiveDate>,
    makeup: BTreeSet<NaiveDate>,
}

/// A listed day: a public holiday, or a weekend day worked instead (调休).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    Off,
    Makeup,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Makeup => "makeup",
        }
    }
}

/// The 2026 notice (国办, 2025-11-04): off Jan 1–3, Feb 15–23, Apr 4–6, May 1–5, Jun 19–21,
/// Sep 25–27, Oct 1–7; make-up working days Jan 4 (Sun), Feb 14 (Sat), Feb 28 (Sat), May 9 (Sat),
/// Sep 20 (Sun), Oct 10 (Sat). Each day with its kind and the festival's name.
pub fn china_2026_days() -> Vec<(NaiveDate, DayKind, &'static str)> {
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default();
    let mut out = Vec::new();
    for (m, from, to, note) in [
        (1, 1, 3, "元旦"),
        (2, 15, 23, "春节"),
        (4, 4, 6, "清明节"),
        (5, 1, 5, "劳动节"),
        (6, 19, 21, "端午节"),
        (9, 25, 27, "中秋节"),
        (10, 1, 7, "国庆节"),
    ] {
        out.extend((from..=to).map(|day| (d(m, day), DayKind::Off, note)));
    }
    for (m, day, note) in [
        (1, 4, "元旦调休"),
        (2, 14, "春节调休"),
        (2, 28, "春节调休"),
        (5, 9, "劳动节调休"),
        (9, 20, "国庆节调休"),
        (10, 10, "国庆节调休"),
    ] {
        out.push((d(m, day), DayKind::Makeup, note));
    }
    out.sort_by_key(|x| x.0);
    out
}

/// Why a calendar is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarError {
    /// The same day is listed as a day off and as a make-up working day.
    BothOffAndMakeup(NaiveDate),
}

impl CalendarError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::BothOffAndMakeup(_) => "calendar.both_off_and_makeup",
        }
    }
}

impl WorkCalendar {
    /// A calendar from its days off and make-up working days.
    pub fn new(
        off: impl IntoIterator<Item = NaiveDate>,
        makeup: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let off: BTreeSet<NaiveDate> = off.into_iter().collect();
        let makeup: BTreeSet<NaiveDate> = makeup.into_iter().collect();
        if let Some(d) = off.intersection(&makeup).next() {
            return Err(CalendarError::BothOffAndMakeup(*d));
        }
        Ok(Self { off, makeup })
    }

    /// The 2026 notice (国办, 2025-11-04), as the calendar of [`china_2026_days`].
    pub fn china_2026() -> Self {
        let days = china_2026_days();
        let off = days.iter().filter(|d| d.1 == DayKind::Off).map(|d| d.0);
        let makeup = days.iter().filter(|d| d.1 == DayKind::Makeup).map(|d| d.0);
        Self::new(off, makeup).unwrap_or_default()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.makeup.contains(&d) {
            return true;
        }
        !self.off.contains(&d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day after `start` (`start` itself not counted): a deadline of "`n`
    /// working days" from something that happened on `start` ends at the end of that day.
    /// `n = 0` is `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days in `(from, to]` (negative when `to` is before `from`): how many of a
    /// deadline's working days have been used by `to`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        let mut n = 0;
        let mut d = a;
        while d < b {
            d += Duration::days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        sign * n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_2026_notice_moves_deadlines_over_holidays_and_onto_make_up_days() {
        let c = WorkCalendar::china_2026();
        // (start, working days, deadline)
        for (start, n, want) in [
            ("2026-02-13", 1, "2026-02-14"), // Friday → the make-up Saturday
            ("2026-02-13", 2, "2026-02-24"), // then over the Spring Festival (15th–23rd)
            ("2026-09-30", 1, "2026-10-08"), // over National Day
            ("2026-09-30", 3, "2026-10-10"), // the make-up Saturday counts
            ("2025-12-31", 1, "2026-01-04"), // New Year's days off; the make-up Sunday
            ("2026-11-23", 5, "2026-11-30"), // an ordinary week: Monday + 5 → next Monday
            ("2026-11-27", 0, "2026-11-27"),
        ] {
            assert_eq!(c.add_working_days(day(start), n), day(want), "{start} + {n}");
        }
        assert!(!c.is_working_day(day("2026-10-01")));
        assert!(c.is_working_day(day("2026-09-20")));
        assert!(!c.is_working_day(day("2026-11-28")));
        assert_eq!(c.working_days_between(day("2026-02-13"), day("2026-02-24")), 2);
        assert_eq!(c.working_days_between(day("2026-02-24"), day("2026-02-13")), -2);
    }

    #[test]
    fn a_day_cannot_be_both_off_and_a_make_up_day() {
        let d = day("2026-02-14");
        assert_eq!(WorkCalendar::new([d], [d]), Err(CalendarError::BothOffAndMakeup(d)));
        assert_eq!(CalendarError::BothOffAndMakeup(d).code(), "calendar.both_off_and_makeup");
    }

    fn any_day() -> impl Strategy<Value = NaiveDate> {
        (0i64..3 * 365).prop_map(|k| day("2025-06-01") + Duration::days(k))
    }

    proptest! {
        /// The deadline is a working day, exactly `n` working days after the start, and later
        /// for a longer allowance; counting is additive over any split.
        #[test]
        fn deadlines_count_exactly_their_working_days(start in any_day(), n in 1u32..60, k in 0i64..120) {
            let c = WorkCalendar::china_2026();
            let due = c.add_working_days(start, n);
            prop_assert!(c.is_working_day(due));
            prop_assert_eq!(c.working_days_between(start, due), i64::from(n));
            prop_assert!(c.add_working_days(start, n + 1) > due);
            let mid = start + Duration::days(k);
            prop_assert_eq!(
                c.working_days_between(start, mid) + c.working_days_between(mid, due),
                c.working_days_between(start, due)
            );
        }

        /// Without holidays, five working days from a weekday are one calendar week; from a
        /// weekend day they end on the Friday.
        #[test]
        fn without_holidays_five_working_days_are_a_week(start in any_day()) {
            let c = WorkCalendar::default();
            let due = c.add_working_days(start, 5);
            if c.is_working_day(start) {
                prop_assert_eq!(due, start + Duration::days(7));
            } else {
                prop_assert_eq!(due.weekday(), Weekday::Fri);
                prop_assert!(due - start <= Duration::days(6));
            }
        }
    }
}
