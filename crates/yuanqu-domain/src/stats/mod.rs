//! Monthly statistics (issue 4): the reporting period, the seven metrics, and money shown in
//! 万元 like the statistics bureau's tables.

use std::fmt;

pub mod checks;
pub mod indicators;
pub mod warnings;

/// A reporting month, stored as `YYYYMM` (202603) and written `YYYY-MM` (2026-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period(i32);

impl Period {
    /// `2026-03` (also `2026-3` and `202603`). Years 2000–2099.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        let (y, m) = match s.split_once('-') {
            Some((y, m)) => (y, m),
            None if s.len() == 6 => s.split_at(4),
            None => return Err("period.invalid"),
        };
        let (Ok(y), Ok(m)) = (y.parse::<i32>(), m.parse::<i32>()) else {
            return Err("period.invalid");
        };
        Self::new(y, m as u32).ok_or("period.invalid")
    }

    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((2000..=2099).contains(&year) && (1..=12).contains(&month)).then_some(Self(year * 100 + month as i32))
    }

    /// From the stored `YYYYMM`.
    pub fn from_yyyymm(v: i32) -> Option<Self> {
        Self::new(v / 100, (v % 100) as u32)
    }

    pub fn yyyymm(self) -> i32 {
        self.0
    }
    pub fn year(self) -> i32 {
        self.0 / 100
    }
    pub fn month(self) -> u32 {
        (self.0 % 100) as u32
    }

    /// The month `n` months later (negative: earlier). Saturates at the ends of the range.
    pub fn plus(self, n: i32) -> Self {
        let idx = (self.year() * 12 + self.month() as i32 - 1 + n).clamp(2000 * 12, 2099 * 12 + 11);
        Self((idx / 12) * 100 + idx % 12 + 1)
    }
    pub fn prev(self) -> Self {
        self.plus(-1)
    }
    pub fn next(self) -> Self {
        self.plus(1)
    }
    /// The same month a year earlier (for YoY).
    pub fn year_ago(self) -> Self {
        self.plus(-12)
    }
    /// January of the same year (start of the year to date).
    pub fn january(self) -> Self {
        Self(self.year() * 100 + 1)
    }
    /// Months from `self` to `other` (positive when `other` is later).
    pub fn months_until(self, other: Period) -> i32 {
        (other.year() * 12 + other.month() as i32) - (self.year() * 12 + self.month() as i32)
    }
    /// The first day of the month.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or_default()
    }
    /// The month a date falls in.
    pub fn of(date: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        Self::new(date.year(), date.month()).unwrap_or(Self(200001))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}
impl TryFrom<String> for Period {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// The seven monthly metrics, named as the columns that store them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Metric {
    /// 工业总产值 (current prices), fen.
    Output,
    /// 营业收入, fen.
    Revenue,
    /// 利润总额, fen; the only one that may be negative.
    Profit,
    /// 实缴税金, fen.
    Tax,
    /// 用电量, kWh.
    Electricity,
    /// 平均用工人数.
    Employees,
    /// 研发费用, fen.
    Rd,
}

impl Metric {
    pub const ALL: [Metric; 7] =
        [Self::Output, Self::Revenue, Self::Profit, Self::Tax, Self::Electricity, Self::Employees, Self::Rd];

    pub fn code(self) -> &'static str {
        match self {
            Self::Output => "output_fen",
            Self::Revenue => "revenue_fen",
            Self::Profit => "profit_fen",
            Self::Tax => "tax_fen",
            Self::Electricity => "electricity_kwh",
            Self::Employees => "employees",
            Self::Rd => "rd_fen",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Output => "工业总产值",
            Self::Revenue => "营业收入",
            Self::Profit => "利润总额",
            Self::Tax => "实缴税金",
            Self::Electricity => "用电量",
            Self::Employees => "平均用工人数",
            Self::Rd => "研发费用",
        }
    }
    /// Money, stored in fen and shown in 万元.
    pub fn is_money(self) -> bool {
        matches!(self, Self::Output | Self::Revenue | Self::Profit | Self::Tax | Self::Rd)
    }
    pub fn may_be_negative(self) -> bool {
        self == Self::Profit
    }
}

/// Fen as 万元 with one decimal, rounded half away from zero: 123_456_789 fen → "123.5".
pub fn wan_yuan(fen: i64) -> String {
    // 1 万元 = 1,000,000 fen; one decimal = 100,000 fen.
    let tenths = (fen as i128 * 10 + if fen < 0 { -500_000 } else { 500_000 }) / 1_000_000;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

/// 万元 as typed (`123.456789`, `-5`, `0.5`; at most 6 decimals, which is exactly one fen) to
/// fen. A sign is accepted (profit may be negative; the caller decides whether it may).
pub fn parse_wan_yuan(s: &str) -> Result<i64, &'static str> {
    let s = s.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return Err("number.invalid");
    }
    if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err("number.invalid");
    }
    if frac.len() > 6 {
        return Err("number.too_precise");
    }
    let int: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| "number.too_large")? };
    let frac_fen: i64 = format!("{frac:0<6}").parse().map_err(|_| "number.invalid")?;
    let fen = int.checked_mul(1_000_000).and_then(|v| v.checked_add(frac_fen)).ok_or("number.too_large")?;
    // Far beyond any enterprise: keeps sums of a zone's year inside i64.
    if fen > 1_000_000_000_000_000 {
        return Err("number.too_large");
    }
    Ok(if neg { -fen } else { fen })
}

/// A whole number (kWh, persons), optionally signed.
pub fn parse_whole(s: &str) -> Result<i64, &'static str> {
    let s = s.trim();
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("number.invalid");
    }
    let v: i64 = s.parse().map_err(|_| "number.too_large")?;
    if v.abs() > 1_000_000_000_000_000 {
        return Err("number.too_large");
    }
    Ok(v)
}

/// The seven values of one enterprise's month, `None` where not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Values {
    pub output_fen: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub profit_fen: Option<i64>,
    pub tax_fen: Option<i64>,
    pub electricity_kwh: Option<i64>,
    pub employees: Option<i64>,
    pub rd_fen: Option<i64>,
}

impl Values {
    pub fn get(&self, m: Metric) -> Option<i64> {
        match m {
            Metric::Output => self.output_fen,
            Metric::Revenue => self.revenue_fen,
            Metric::Profit => self.profit_fen,
            Metric::Tax => self.tax_fen,
            Metric::Electricity => self.electricity_kwh,
            Metric::Employees => self.employees,
            Metric::Rd => self.rd_fen,
        }
    }
    pub fn set(&mut self, m: Metric, v: Option<i64>) {
        match m {
            Metric::Output => self.output_fen = v,
            Metric::Revenue => self.revenue_fen = v,
            Metric::Profit => self.profit_fen = v,
            Metric::Tax => self.tax_fen = v,
            Metric::Electricity => self.electricity_kwh = v,
            Metric::Employees => self.employees = v,
            Metric::Rd => self.rd_fen = v,
        }
    }
    /// The metrics missing, and those negative where that is not allowed (`(metric, code)`).
    pub fn problems_for_submit(&self) -> Vec<(Metric, &'static str)> {
        Metric::ALL
            .into_iter()
            .filter_map(|m| match self.get(m) {
                None => Some((m, "required")),
                Some(v) if v < 0 && !m.may_be_negative() => Some((m, "number.negative")),
                _ => None,
            })
            .collect()
    }
}

impl Metric {
    /// The short name used in check and warning messages (产值, 用电量, …).
    pub fn short_zh(self) -> &'static str {
        match self {
            Self::Output => "产值",
            Self::Revenue => "营收",
            Self::Profit => "利润",
            Self::Tax => "税金",
            Self::Electricity => "用电量",
            Self::Employees => "用工人数",
            Self::Rd => "研发费用",
        }
    }
}

/// Basis points as a signed percentage with one decimal: 6320 → "+63.2%", -1250 → "-12.5%".
pub fn pct(bp: i64) -> String {
    let tenths = (bp as i128 + if bp < 0 { -5 } else { 5 }) / 10;
    let sign = if bp > 0 {
        "+"
    } else if tenths < 0 {
        "-"
    } else {
        ""
    };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}%", t / 10, t % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_yuan_is_entered_exactly_to_the_fen() {
        assert_eq!(parse_wan_yuan("1"), Ok(1_000_000));
        assert_eq!(parse_wan_yuan("123.456789"), Ok(123_456_789));
        assert_eq!(parse_wan_yuan("0.000001"), Ok(1));
        assert_eq!(parse_wan_yuan(" 12.5 "), Ok(12_500_000));
        assert_eq!(parse_wan_yuan(".5"), Ok(500_000));
        assert_eq!(parse_wan_yuan("-3.2"), Ok(-3_200_000));
        assert_eq!(parse_wan_yuan("0.0000001"), Err("number.too_precise"));
        for bad in ["", "abc", "1,000", "1.2.3", "-", ".", "1e3"] {
            assert_eq!(parse_wan_yuan(bad), Err("number.invalid"), "{bad}");
        }
        assert_eq!(parse_wan_yuan("99999999999999999999"), Err("number.too_large"));
        assert_eq!(parse_whole("120"), Ok(120));
        assert_eq!(parse_whole("12.5"), Err("number.invalid"));
        assert_eq!(pct(6320), "+63.2%");
        assert_eq!(pct(-1250), "-12.5%");
        assert_eq!(pct(0), "0.0%");
    }

    #[test]
    fn submit_needs_all_seven_values_and_only_profit_may_be_negative() {
        let mut v = Values {
            output_fen: Some(1),
            revenue_fen: Some(1),
            profit_fen: Some(-5),
            tax_fen: Some(0),
            electricity_kwh: Some(3),
            employees: Some(2),
            rd_fen: None,
        };
        assert_eq!(v.problems_for_submit(), vec![(Metric::Rd, "required")]);
        v.rd_fen = Some(0);
        v.tax_fen = Some(-1);
        assert_eq!(v.problems_for_submit(), vec![(Metric::Tax, "number.negative")]);
    }

    #[test]
    fn periods_parse_print_and_step_across_years() {
        let p = Period::parse("2026-03").unwrap();
        assert_eq!((p.yyyymm(), p.to_string()), (202603, "2026-03".to_owned()));
        assert_eq!(Period::parse("202603"), Ok(p));
        assert_eq!(Period::parse("2026-3"), Ok(p));
        for bad in ["2026-13", "2026-00", "26-03", "abcd-ef", "", "1999-12"] {
            assert_eq!(Period::parse(bad), Err("period.invalid"), "{bad}");
        }
        assert_eq!(p.plus(-3).to_string(), "2025-12");
        assert_eq!(p.plus(10).to_string(), "2027-01");
        assert_eq!(p.year_ago().to_string(), "2025-03");
        assert_eq!(p.january().to_string(), "2026-01");
        assert_eq!(p.months_until(Period::parse("2027-02").unwrap()), 11);
    }

    #[test]
    fn money_is_shown_in_wan_yuan_with_one_decimal() {
        for (fen, shown) in [
            (0, "0.0"),
            (123_456_789, "123.5"),
            (1_000_000, "1.0"),
            (49_999, "0.0"),
            (50_000, "0.1"),
            (-1_250_000, "-1.3"),
        ] {
            assert_eq!(wan_yuan(fen), shown, "{fen}");
        }
    }
}
