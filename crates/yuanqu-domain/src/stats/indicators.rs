//! Indicators from monthly series: month value, year to date (累计), YoY (同比) and MoM (环比)
//! growth, share of a total, rank in a group, and same-caliber (同口径) above-scale growth.
//!
//! Rules:
//! - A series may miss months. A missing month is *absent*, never zero.
//! - Year to date of month M is the sum of the months present from January to M of M's year;
//!   `None` when none is present. January's YTD is January.
//! - Month YoY compares M with M a year earlier; `None` when either is missing or the base is 0.
//! - YTD YoY compares the same months in both years (同口径): only the months from January to M
//!   present in *both* years are summed on each side, so a month missing a year ago does not
//!   count as growth. `None` when no month is present in both or the base sum is 0.
//! - Growth is in basis points (10000 = 100 %), rounded half away from zero, over the absolute
//!   value of the base (a loss shrinking from −100 to −50 is +50 %).

use std::collections::BTreeMap;
use std::hash::Hash;

use super::Period;

/// A monthly series: period → value.
pub type Series = BTreeMap<Period, i64>;

/// Builds a series from (period, value) pairs (a later pair for the same month wins).
pub fn series(points: impl IntoIterator<Item = (Period, i64)>) -> Series {
    points.into_iter().collect()
}

/// Growth of `cur` over `base` in basis points; `None` when the base is zero.
pub fn growth_bp(cur: i64, base: i64) -> Option<i64> {
    growth_scaled(cur, base, 10_000)
}

/// Growth of `cur` over `base` in parts of `scale` (10,000: basis points; 1,000: tenths of a
/// percent), rounded half away from zero; `None` when the base is zero.
pub fn growth_scaled(cur: i64, base: i64, scale: i64) -> Option<i64> {
    if base == 0 {
        return None;
    }
    let num = (cur as i128 - base as i128) * scale as i128;
    let den = (base as i128).abs();
    let half = den / 2;
    let q = if num >= 0 { (num + half) / den } else { (num - half) / den };
    i64::try_from(q).ok()
}

pub fn month(s: &Series, p: Period) -> Option<i64> {
    s.get(&p).copied()
}

/// Year to date: the months present from January to `p`.
pub fn ytd(s: &Series, p: Period) -> Option<i64> {
    let mut it = s.range(p.january()..=p).map(|(_, v)| *v).peekable();
    it.peek()?;
    Some(it.sum())
}

pub fn yoy(s: &Series, p: Period) -> Option<i64> {
    growth_bp(month(s, p)?, month(s, p.year_ago())?)
}

pub fn mom(s: &Series, p: Period) -> Option<i64> {
    growth_bp(month(s, p)?, month(s, p.prev())?)
}

/// YTD of `p` and of the same span a year earlier, over the months present in both years.
pub fn ytd_pair(s: &Series, p: Period) -> Option<(i64, i64)> {
    let mut both = false;
    let (mut cur, mut base) = (0i64, 0i64);
    for (m, v) in s.range(p.january()..=p) {
        if let Some(b) = s.get(&m.year_ago()) {
            both = true;
            cur += v;
            base += b;
        }
    }
    both.then_some((cur, base))
}

pub fn ytd_yoy(s: &Series, p: Period) -> Option<i64> {
    let (cur, base) = ytd_pair(s, p)?;
    growth_bp(cur, base)
}

/// `part` as a share of `total` in basis points; `None` when the total is not positive.
pub fn share_bp(part: i64, total: i64) -> Option<i64> {
    if total <= 0 {
        return None;
    }
    let q = (part as i128 * 10_000 + total as i128 / 2) / total as i128;
    i64::try_from(q).ok()
}

/// Ranks by value, largest first; equal values share a rank and the next rank skips (1, 1, 3).
pub fn rank<K: Clone>(values: &[(K, i64)]) -> Vec<(K, u32)> {
    let mut sorted: Vec<&(K, i64)> = values.iter().collect();
    sorted.sort_by_key(|x| std::cmp::Reverse(x.1));
    let mut out = Vec::with_capacity(sorted.len());
    let mut prev: Option<i64> = None;
    let mut current = 0u32;
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if prev != Some(*v) {
            current = i as u32 + 1;
            prev = Some(*v);
        }
        out.push((k.clone(), current));
    }
    out
}

/// The rank of `key` among `values` (ties share a rank).
pub fn rank_of<K: Clone + PartialEq>(values: &[(K, i64)], key: &K) -> Option<u32> {
    rank(values).into_iter().find(|(k, _)| k == key).map(|(_, r)| r)
}

/// One enterprise's month for the above-scale indicators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleRecord<K> {
    pub enterprise: K,
    pub period: Period,
    pub output: i64,
    /// Above scale (规上) in that month.
    pub above_scale: bool,
}

/// Above-scale output of a span and the same enterprises' output a year earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SameCaliber {
    pub current: i64,
    pub base: i64,
    pub yoy_bp: Option<i64>,
}

fn same_caliber_months<K: Eq + Hash + Clone>(records: &[ScaleRecord<K>], months: &[Period]) -> SameCaliber {
    let by_key: std::collections::HashMap<(K, Period), i64> =
        records.iter().map(|r| ((r.enterprise.clone(), r.period), r.output)).collect();
    let (mut current, mut base) = (0, 0);
    for r in records.iter().filter(|r| r.above_scale && months.contains(&r.period)) {
        current += r.output;
        // The same enterprise a year earlier, whether or not it was above scale then.
        base += by_key.get(&(r.enterprise.clone(), r.period.year_ago())).copied().unwrap_or(0);
    }
    SameCaliber { current, base, yoy_bp: growth_bp(current, base) }
}

/// Same-caliber (同口径) above-scale output of month `p`: the enterprises above scale in `p`,
/// compared with the same enterprises in `p` a year earlier.
pub fn same_caliber<K: Eq + Hash + Clone>(records: &[ScaleRecord<K>], p: Period) -> SameCaliber {
    same_caliber_months(records, &[p])
}

/// Same caliber over the year to date: each month counts the enterprises above scale in that
/// month, on both sides (an enterprise above scale from July counts from July, in both years).
pub fn same_caliber_ytd<K: Eq + Hash + Clone>(records: &[ScaleRecord<K>], p: Period) -> SameCaliber {
    let months: Vec<Period> = (0..p.month() as i32).map(|i| p.january().plus(i)).collect();
    same_caliber_months(records, &months)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn ytd_restarts_in_january_and_skips_missing_months() {
        let s = series([(p("2025-11"), 100), (p("2025-12"), 200), (p("2026-01"), 50), (p("2026-03"), 70)]);
        assert_eq!(ytd(&s, p("2025-12")), Some(300));
        assert_eq!(ytd(&s, p("2026-01")), Some(50), "January's YTD is January");
        assert_eq!(ytd(&s, p("2026-02")), Some(50), "February missing: absent, not zero");
        assert_eq!(ytd(&s, p("2026-03")), Some(120));
        assert_eq!(ytd(&s, p("2025-10")), None);
    }

    #[test]
    fn yoy_and_mom_by_hand() {
        // 2025: Jan 100, Feb missing, Mar 200. 2026: Jan 120, Feb 90, Mar 150.
        let s = series([
            (p("2025-01"), 100),
            (p("2025-03"), 200),
            (p("2026-01"), 120),
            (p("2026-02"), 90),
            (p("2026-03"), 150),
        ]);
        assert_eq!(yoy(&s, p("2026-01")), Some(2000)); // 120/100 − 1 = +20 %
        assert_eq!(yoy(&s, p("2026-02")), None, "last year's February is missing");
        assert_eq!(yoy(&s, p("2026-03")), Some(-2500)); // 150/200 − 1 = −25 %
        // YTD March: months present in both years are Jan and Mar: (120+150)/(100+200) − 1 = −10 %.
        assert_eq!(ytd_pair(&s, p("2026-03")), Some((270, 300)));
        assert_eq!(ytd_yoy(&s, p("2026-03")), Some(-1000));
        assert_eq!(ytd(&s, p("2026-03")), Some(360), "the YTD itself keeps February");
        assert_eq!(mom(&s, p("2026-03")), Some(6667)); // 150/90 − 1 = 66.67 %
        assert_eq!(mom(&s, p("2026-01")), None, "December 2025 missing");
        assert_eq!(yoy(&series([(p("2025-01"), 0), (p("2026-01"), 5)]), p("2026-01")), None, "zero base");
    }

    #[test]
    fn growth_of_a_loss_uses_the_absolute_base() {
        assert_eq!(growth_bp(-50, -100), Some(5000));
        assert_eq!(growth_bp(50, -100), Some(15000));
        assert_eq!(growth_bp(2, 3), Some(-3333));
        assert_eq!(growth_bp(1, 3), Some(-6667));
    }

    #[test]
    fn shares_and_ranks_with_ties() {
        assert_eq!(share_bp(250, 1000), Some(2500));
        assert_eq!(share_bp(1, 3), Some(3333));
        assert_eq!(share_bp(1, 0), None);
        let v = [("a", 10), ("b", 30), ("c", 10), ("d", 5), ("e", 30)];
        let r = rank(&v);
        let get = |k| r.iter().find(|(x, _)| *x == k).map(|(_, n)| *n);
        assert_eq!((get("b"), get("e"), get("a"), get("c"), get("d")), (Some(1), Some(1), Some(3), Some(3), Some(5)));
        assert_eq!(rank_of(&v, &"d"), Some(5));
        assert_eq!(rank_of(&v, &"x"), None);
    }

    #[test]
    fn an_enterprise_above_scale_from_july_counts_on_both_sides_from_july() {
        let mut r = Vec::new();
        // A: above scale all along, 100 a month in 2025, 110 in 2026.
        // B: 40 a month in 2025 (below scale), above scale from July 2026 with 60 a month.
        for m in 1..=12u32 {
            r.push(ScaleRecord {
                enterprise: 'A',
                period: Period::new(2025, m).unwrap(),
                output: 100,
                above_scale: true,
            });
            r.push(ScaleRecord {
                enterprise: 'B',
                period: Period::new(2025, m).unwrap(),
                output: 40,
                above_scale: false,
            });
        }
        for m in 1..=8u32 {
            r.push(ScaleRecord {
                enterprise: 'A',
                period: Period::new(2026, m).unwrap(),
                output: 110,
                above_scale: true,
            });
            r.push(ScaleRecord {
                enterprise: 'B',
                period: Period::new(2026, m).unwrap(),
                output: 60,
                above_scale: m >= 7,
            });
        }
        // June: only A. 110 vs 100: +10 %.
        assert_eq!(same_caliber(&r, p("2026-06")), SameCaliber { current: 110, base: 100, yoy_bp: Some(1000) });
        // July: A + B both sides: 170 vs 140: +21.43 %.
        assert_eq!(same_caliber(&r, p("2026-07")), SameCaliber { current: 170, base: 140, yoy_bp: Some(2143) });
        // YTD August: A 8×110 + B 2×60 = 1000 against A 8×100 + B 2×40 = 880: +13.64 %.
        assert_eq!(same_caliber_ytd(&r, p("2026-08")), SameCaliber { current: 1000, base: 880, yoy_bp: Some(1364) });
        // A report missing a year ago counts as zero on the base side (the enterprise is new).
        let new = [ScaleRecord { enterprise: 'C', period: p("2026-01"), output: 10, above_scale: true }];
        assert_eq!(same_caliber(&new, p("2026-01")), SameCaliber { current: 10, base: 0, yoy_bp: None });
    }
}
