//! The per-mu efficiency evaluation (亩均效益评价, after Zhejiang's 亩均论英雄): per zone and year
//! a configuration of indicators (weight in points, benchmark, optional cap), the minimum land
//! area evaluated and the class rule; and the scoring of every enterprise from its year's
//! verified statistics and its land area.
//!
//! All arithmetic is integer: money in fen, land in hundredths of a mu, every indicator value
//! and benchmark in thousandths of its display unit (`value_milli`), scores in thousandths of a
//! point. Divisions round half away from zero.
//!
//! - score = weight × min(value ÷ benchmark, cap), computed from the rounded `value_milli`;
//!   0 when the value is zero, negative or missing (no verified data, zero denominator).
//! - Enterprises whose land area is unknown, zero or below the minimum are not evaluated.
//! - Rank: by total descending; equal totals share a rank (1, 2, 2, 4).
//! - Class by thresholds: total ≥ a → A, ≥ b → B, ≥ c → C, else D.
//! - Class by shares: the enterprises in order of total descending, equal totals ordered by
//!   enterprise id ascending (ids are time-ordered UUIDv7, so the earlier-registered enterprise
//!   wins the tie); the first round(n × a %) are A, up to round(n × (a + b) %) B, up to
//!   round(n × (a + b + c) %) C, the rest D (round = half up).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldError;

/// The indicators an evaluation can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Indicator {
    /// 亩均税收, 万元/亩.
    TaxPerMu,
    /// 亩均营业收入, 万元/亩.
    RevenuePerMu,
    /// 单位用电产出 (output ÷ electricity), 元/kWh.
    OutputPerKwh,
    /// 研发投入强度 (R&D ÷ revenue), %.
    RdIntensity,
    /// 全员劳动生产率 (output ÷ average employees), 万元/人.
    OutputPerEmployee,
}

impl Indicator {
    pub const ALL: [Indicator; 5] =
        [Self::TaxPerMu, Self::RevenuePerMu, Self::OutputPerKwh, Self::RdIntensity, Self::OutputPerEmployee];

    pub fn code(self) -> &'static str {
        match self {
            Self::TaxPerMu => "tax_per_mu",
            Self::RevenuePerMu => "revenue_per_mu",
            Self::OutputPerKwh => "output_per_kwh",
            Self::RdIntensity => "rd_intensity",
            Self::OutputPerEmployee => "output_per_employee",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::TaxPerMu => "亩均税收",
            Self::RevenuePerMu => "亩均营业收入",
            Self::OutputPerKwh => "单位用电产出",
            Self::RdIntensity => "研发投入强度",
            Self::OutputPerEmployee => "全员劳动生产率",
        }
    }
    pub fn unit_zh(self) -> &'static str {
        match self {
            Self::TaxPerMu | Self::RevenuePerMu => "万元/亩",
            Self::OutputPerKwh => "元/kWh",
            Self::RdIntensity => "%",
            Self::OutputPerEmployee => "万元/人",
        }
    }

    /// The value in thousandths of the display unit; `None` without data or with a zero or
    /// negative denominator.
    pub fn value_milli(self, i: &EvalInput) -> Option<i64> {
        let land = i.land_area_centi_mu.filter(|l| *l > 0);
        match self {
            // fen ÷ 1e6 = 万元; centi-mu ÷ 100 = 亩; × 1000 for milli → fen ÷ (centi-mu × 10).
            Self::TaxPerMu => div(i.tax_fen?, land? as i128 * 10),
            Self::RevenuePerMu => div(i.revenue_fen?, land? as i128 * 10),
            // fen ÷ 100 = 元; × 1000 → fen × 10 ÷ kWh.
            Self::OutputPerKwh => div(i.output_fen? as i128 * 10, pos(i.electricity_kwh?)?),
            // rd ÷ revenue × 100 %, × 1000 → rd × 100,000 ÷ revenue.
            Self::RdIntensity => div(i.rd_fen? as i128 * 100_000, pos(i.revenue_fen?)?),
            // fen ÷ 1e6 = 万元 ÷ employees, × 1000 → fen ÷ (employees × 1000).
            Self::OutputPerEmployee => div(i.output_fen?, pos(i.employees?)? * 1000),
        }
    }
}

fn pos(v: i64) -> Option<i128> {
    (v > 0).then_some(v as i128)
}

/// `n ÷ d` rounded half away from zero; `None` when `d` is not positive.
fn div(n: impl Into<i128>, d: i128) -> Option<i64> {
    let n: i128 = n.into();
    if d <= 0 {
        return None;
    }
    let q = if n >= 0 { (n + d / 2) / d } else { (n - d / 2) / d };
    i64::try_from(q).ok()
}

/// One indicator of a configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorConfig {
    /// `tax_per_mu`, `revenue_per_mu`, `output_per_kwh`, `rd_intensity`, `output_per_employee`.
    pub code: String,
    /// Points; the weights of a configuration sum to 100.
    pub weight: i64,
    /// Benchmark in thousandths of the indicator's unit (10.0 万元/亩 = 10000).
    pub benchmark_milli: i64,
    /// Largest multiple of the benchmark that scores, in thousandths (1.5 × = 1500); none: no cap.
    #[serde(default)]
    pub cap_milli: Option<i64>,
}

/// How enterprises are put in classes A–D.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClassRule {
    /// Lowest total (points) of A, B and C; a > b > c.
    Thresholds { a: i64, b: i64, c: i64 },
    /// Shares of the evaluated enterprises in percent; D is the rest.
    Shares { a_pct: i64, b_pct: i64, c_pct: i64 },
}

/// A year's evaluation configuration, stored as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalConfig {
    pub indicators: Vec<IndicatorConfig>,
    /// Enterprises with less land than this (hundredths of a mu) are not evaluated.
    pub min_land_centi_mu: i64,
    pub class_rule: ClassRule,
}

impl EvalConfig {
    /// A sensible starting point: the five indicators (40/20/15/15/10), caps of 1.5 ×, 5 亩,
    /// A top 20 %, B next 50 %, C next 20 %.
    pub fn default_config() -> Self {
        let ind = |code: &str, weight, benchmark_milli| IndicatorConfig {
            code: code.to_owned(),
            weight,
            benchmark_milli,
            cap_milli: Some(1500),
        };
        Self {
            indicators: vec![
                ind("tax_per_mu", 40, 10_000),
                ind("revenue_per_mu", 20, 300_000),
                ind("output_per_kwh", 15, 20_000),
                ind("rd_intensity", 15, 3_000),
                ind("output_per_employee", 10, 100_000),
            ],
            min_land_centi_mu: 500,
            class_rule: ClassRule::Shares { a_pct: 20, b_pct: 50, c_pct: 20 },
        }
    }

    /// Every problem, each naming its field (`indicators[1].weight`, `class_rule.b`, …).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.indicators.is_empty() {
            errors.push(FieldError::new("indicators", "required"));
        }
        let mut seen = Vec::new();
        for (n, i) in self.indicators.iter().enumerate() {
            let f = |name: &str| format!("indicators[{n}].{name}");
            match Indicator::parse(&i.code) {
                None => errors.push(FieldError::new(f("code"), "evaluation.indicator_unknown")),
                Some(ind) if seen.contains(&ind) => {
                    errors.push(FieldError::new(f("code"), "evaluation.indicator_duplicate"))
                }
                Some(ind) => seen.push(ind),
            }
            if !(1..=100).contains(&i.weight) {
                errors.push(FieldError::new(f("weight"), "range"));
            }
            if i.benchmark_milli <= 0 {
                errors.push(FieldError::new(f("benchmark_milli"), "evaluation.benchmark_positive"));
            }
            if let Some(c) = i.cap_milli
                && !(1000..=10_000).contains(&c)
            {
                errors.push(FieldError::new(f("cap_milli"), "range"));
            }
        }
        if !self.indicators.is_empty() && self.indicators.iter().map(|i| i.weight).sum::<i64>() != 100 {
            errors.push(FieldError::new("indicators", "evaluation.weights_sum"));
        }
        if !(0..=100_000_000).contains(&self.min_land_centi_mu) {
            errors.push(FieldError::new("min_land_centi_mu", "range"));
        }
        match self.class_rule {
            ClassRule::Thresholds { a, b, c } => {
                for (name, v) in [("a", a), ("b", b), ("c", c)] {
                    if !(0..=1000).contains(&v) {
                        errors.push(FieldError::new(format!("class_rule.{name}"), "range"));
                    }
                }
                if b >= a {
                    errors.push(FieldError::new("class_rule.b", "evaluation.thresholds_order"));
                }
                if c >= b {
                    errors.push(FieldError::new("class_rule.c", "evaluation.thresholds_order"));
                }
            }
            ClassRule::Shares { a_pct, b_pct, c_pct } => {
                for (name, v) in [("a_pct", a_pct), ("b_pct", b_pct), ("c_pct", c_pct)] {
                    if !(0..=100).contains(&v) {
                        errors.push(FieldError::new(format!("class_rule.{name}"), "range"));
                    }
                }
                if a_pct + b_pct + c_pct > 100 {
                    errors.push(FieldError::new("class_rule", "evaluation.shares_sum"));
                }
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// One enterprise's inputs: its land and the sums of its year's verified monthly reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalInput {
    pub enterprise_id: Uuid,
    /// Hundredths of a mu.
    pub land_area_centi_mu: Option<i64>,
    pub tax_fen: Option<i64>,
    pub revenue_fen: Option<i64>,
    pub output_fen: Option<i64>,
    pub electricity_kwh: Option<i64>,
    pub rd_fen: Option<i64>,
    /// Average employees over the months that reported them.
    pub employees: Option<i64>,
}

/// A class A–D.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    A,
    B,
    C,
    D,
}

impl Class {
    pub fn code(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
            Self::D => "D",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [Self::A, Self::B, Self::C, Self::D].into_iter().find(|c| c.code() == s)
    }
}

/// One indicator's outcome for one enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// `None`: no data.
    pub value_milli: Option<i64>,
    pub benchmark_milli: i64,
    pub weight: i64,
    pub score_milli: i64,
    /// What the enterprise reads, e.g. `亩均税收 12.3 万元/亩，基准 10.0，得分 24.6 / 20`.
    pub explanation: String,
}

/// One evaluated enterprise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub enterprise_id: Uuid,
    pub land_area_centi_mu: i64,
    pub indicators: Vec<IndicatorScore>,
    pub total_milli: i64,
    pub class: Class,
    /// 1 = best; equal totals share a rank.
    pub rank: i32,
    pub prev_class: Option<String>,
    pub prev_rank: Option<i32>,
}

/// The evaluation of a year: the evaluated enterprises best first, and those not evaluated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub outcomes: Vec<Outcome>,
    /// Land unknown, zero or below the minimum.
    pub excluded: Vec<Uuid>,
}

/// Thousandths as a number with one decimal, rounded half away from zero: 12345 → "12.3".
pub fn milli_1dp(v: i64) -> String {
    let tenths = div(v, 100).unwrap_or(0);
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

fn score(cfg: &IndicatorConfig, value: Option<i64>) -> i64 {
    let Some(v) = value.filter(|v| *v > 0) else { return 0 };
    let raw = div(cfg.weight as i128 * 1000 * v as i128, cfg.benchmark_milli as i128).unwrap_or(0);
    match cfg.cap_milli {
        Some(cap) => raw.min(cfg.weight * cap),
        None => raw,
    }
}

fn explain(ind: Indicator, cfg: &IndicatorConfig, value: Option<i64>, score: i64) -> String {
    let v = match value {
        Some(v) => format!("{} {}", milli_1dp(v), ind.unit_zh()),
        None => "无数据".to_owned(),
    };
    format!(
        "{} {}，基准 {}，得分 {} / {}",
        ind.name_zh(),
        v,
        milli_1dp(cfg.benchmark_milli),
        milli_1dp(score),
        cfg.weight
    )
}

/// Scores one enterprise's indicators (the configuration's order; unknown codes skipped).
pub fn score_indicators(config: &EvalConfig, input: &EvalInput) -> Vec<IndicatorScore> {
    config
        .indicators
        .iter()
        .filter_map(|c| {
            let ind = Indicator::parse(&c.code)?;
            let value = ind.value_milli(input);
            let s = score(c, value);
            Some(IndicatorScore {
                code: c.code.clone(),
                name: ind.name_zh().to_owned(),
                unit: ind.unit_zh().to_owned(),
                value_milli: value,
                benchmark_milli: c.benchmark_milli,
                weight: c.weight,
                score_milli: s,
                explanation: explain(ind, c, value, s),
            })
        })
        .collect()
}

fn share_cut(n: usize, pct: i64) -> usize {
    (n * pct.clamp(0, 100) as usize + 50) / 100
}

/// Evaluates a year. `prev` holds last year's class and rank per enterprise.
pub fn evaluate(config: &EvalConfig, inputs: &[EvalInput], prev: &HashMap<Uuid, (String, i32)>) -> Evaluation {
    let mut out = Evaluation::default();
    let min = config.min_land_centi_mu.max(1);
    for i in inputs {
        let land = i.land_area_centi_mu.unwrap_or(0);
        if land < min {
            out.excluded.push(i.enterprise_id);
            continue;
        }
        let indicators = score_indicators(config, i);
        let total_milli = indicators.iter().map(|s| s.score_milli).sum();
        let (prev_class, prev_rank) = prev.get(&i.enterprise_id).cloned().unzip();
        out.outcomes.push(Outcome {
            enterprise_id: i.enterprise_id,
            land_area_centi_mu: land,
            indicators,
            total_milli,
            class: Class::D,
            rank: 0,
            prev_class,
            prev_rank,
        });
    }
    out.outcomes.sort_by(|a, b| b.total_milli.cmp(&a.total_milli).then(a.enterprise_id.cmp(&b.enterprise_id)));
    let n = out.outcomes.len();
    let mut rank = 0;
    for k in 0..n {
        if k == 0 || out.outcomes[k].total_milli != out.outcomes[k - 1].total_milli {
            rank = i32::try_from(k + 1).unwrap_or(i32::MAX);
        }
        let o = &mut out.outcomes[k];
        o.rank = rank;
        o.class = match config.class_rule {
            ClassRule::Thresholds { a, b, c } => {
                let t = o.total_milli;
                if t >= a * 1000 {
                    Class::A
                } else if t >= b * 1000 {
                    Class::B
                } else if t >= c * 1000 {
                    Class::C
                } else {
                    Class::D
                }
            }
            ClassRule::Shares { a_pct, b_pct, c_pct } => {
                if k < share_cut(n, a_pct) {
                    Class::A
                } else if k < share_cut(n, a_pct + b_pct) {
                    Class::B
                } else if k < share_cut(n, a_pct + b_pct + c_pct) {
                    Class::C
                } else {
                    Class::D
                }
            }
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAN: i64 = 1_000_000; // fen in 1 万元

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    /// tax 40 pts / 10.0 万元/亩, revenue 20 / 300.0 万元/亩, output/kWh 15 / 20.0 元/kWh,
    /// R&D 15 / 3.0 %, output/employee 10 / 100.0 万元/人; all capped at 1.5 ×; min 5 亩.
    fn config(rule: ClassRule) -> EvalConfig {
        EvalConfig { class_rule: rule, ..EvalConfig::default_config() }
    }

    #[expect(clippy::too_many_arguments, reason = "a row of the example table")]
    fn input(
        n: u128,
        land_mu: i64,
        tax_wan: i64,
        rev_wan: i64,
        out_wan: i64,
        kwh: i64,
        rd_wan: Option<i64>,
        emp: i64,
    ) -> EvalInput {
        EvalInput {
            enterprise_id: id(n),
            land_area_centi_mu: Some(land_mu * 100),
            tax_fen: Some(tax_wan * WAN),
            revenue_fen: Some(rev_wan * WAN),
            output_fen: Some(out_wan * WAN),
            electricity_kwh: Some(kwh),
            rd_fen: rd_wan.map(|r| r * WAN),
            employees: Some(emp),
        }
    }

    /// The hand-computed example.
    ///
    /// E1: 20 亩, tax 300 万, revenue 8000 万, output 7000 万, 3,000,000 kWh, R&D 400 万, 50 people
    ///   tax/亩 15.0 → 15/10 = 1.5 (= cap) → 40 × 1.5 = 60.000
    ///   revenue/亩 400.0 → 400/300 = 1.3333 → 20 × 1.3333 = 26.667
    ///   output/kWh 70,000,000 元 / 3,000,000 = 23.333 → 15 × 23.333/20 = 17.49975 → 17.500
    ///   R&D 400/8000 = 5.0 % → 5/3 = 1.667, capped 1.5 → 15 × 1.5 = 22.500
    ///   output/person 7000/50 = 140.0 → 1.4 → 10 × 1.4 = 14.000
    ///   total 60.000 + 26.667 + 17.500 + 22.500 + 14.000 = 140.667
    /// E2 (and E4, the same figures): 10 亩, tax 80 万, revenue 2500 万, output 2000 万,
    ///   1,000,000 kWh, R&D 50 万, 40 people
    ///   tax/亩 8.0 → 40 × 0.8 = 32.000; revenue/亩 250.0 → 20 × 250/300 = 16.667;
    ///   output/kWh 20.0 → 15.000; R&D 2.0 % → 15 × 2/3 = 10.000; output/person 50.0 → 5.000
    ///   total 78.667
    /// E3: 8 亩, tax 20 万, revenue 600 万, output 500 万, 500,000 kWh, R&D not reported, 25 people
    ///   tax/亩 2.5 → 10.000; revenue/亩 75.0 → 5.000; output/kWh 10.0 → 7.500; R&D no data → 0;
    ///   output/person 20.0 → 2.000; total 24.500
    /// E5: 3 亩 < 5 亩 → not evaluated.
    ///
    /// Ranks: E1 1, E2 2, E4 2 (tie), E3 4.
    fn example() -> Vec<EvalInput> {
        vec![
            input(3, 8, 20, 600, 500, 500_000, None, 25),
            input(4, 10, 80, 2500, 2000, 1_000_000, Some(50), 40),
            input(1, 20, 300, 8000, 7000, 3_000_000, Some(400), 50),
            input(5, 3, 100, 1000, 1000, 100_000, Some(10), 10),
            input(2, 10, 80, 2500, 2000, 1_000_000, Some(50), 40),
        ]
    }

    fn summary(e: &Evaluation) -> Vec<(u128, i64, i32, &'static str)> {
        e.outcomes.iter().map(|o| (o.enterprise_id.as_u128(), o.total_milli, o.rank, o.class.code())).collect()
    }

    #[test]
    fn the_hand_computed_example_by_thresholds() {
        let cfg = config(ClassRule::Thresholds { a: 85, b: 60, c: 30 });
        assert_eq!(cfg.validate(), Ok(()));
        let mut prev = HashMap::new();
        prev.insert(id(1), ("B".to_owned(), 3));
        let e = evaluate(&cfg, &example(), &prev);
        assert_eq!(
            summary(&e),
            vec![(1, 140_667, 1, "A"), (2, 78_667, 2, "B"), (4, 78_667, 2, "B"), (3, 24_500, 4, "D")]
        );
        assert_eq!(e.excluded, vec![id(5)]);
        let e1 = &e.outcomes[0];
        let scores: Vec<i64> = e1.indicators.iter().map(|i| i.score_milli).collect();
        assert_eq!(scores, vec![60_000, 26_667, 17_500, 22_500, 14_000]);
        let values: Vec<Option<i64>> = e1.indicators.iter().map(|i| i.value_milli).collect();
        assert_eq!(values, vec![Some(15_000), Some(400_000), Some(23_333), Some(5_000), Some(140_000)]);
        assert_eq!(e1.indicators[0].explanation, "亩均税收 15.0 万元/亩，基准 10.0，得分 60.0 / 40");
        assert_eq!(e1.indicators[3].explanation, "研发投入强度 5.0 %，基准 3.0，得分 22.5 / 15");
        assert_eq!((e1.prev_class.as_deref(), e1.prev_rank), (Some("B"), Some(3)));
        assert_eq!((e.outcomes[1].prev_class.clone(), e.outcomes[1].prev_rank), (None, None));
        let e3 = &e.outcomes[3];
        assert_eq!(e3.indicators[3].value_milli, None);
        assert_eq!(e3.indicators[3].explanation, "研发投入强度 无数据，基准 3.0，得分 0.0 / 15");
        let e3_scores: Vec<i64> = e3.indicators.iter().map(|i| i.score_milli).collect();
        assert_eq!(e3_scores, vec![10_000, 5_000, 7_500, 0, 2_000]);
    }

    #[test]
    fn the_hand_computed_example_by_shares_breaks_ties_by_enterprise_id() {
        // n = 4: A = round(0.8) = 1, A+B = round(2.4) = 2, A+B+C = round(3.2) = 3, D the rest.
        // E2 and E4 tie at 78.667: E2 (the smaller id) takes the B place, E4 falls to C.
        let cfg = config(ClassRule::Shares { a_pct: 20, b_pct: 40, c_pct: 20 });
        let e = evaluate(&cfg, &example(), &HashMap::new());
        assert_eq!(
            summary(&e),
            vec![(1, 140_667, 1, "A"), (2, 78_667, 2, "B"), (4, 78_667, 2, "C"), (3, 24_500, 4, "D")]
        );
        // 20/50/20 of 4: A 1, A+B round(2.8) = 3, A+B+C round(3.6) = 4.
        let cfg = config(ClassRule::Shares { a_pct: 20, b_pct: 50, c_pct: 20 });
        let classes: Vec<_> = evaluate(&cfg, &example(), &HashMap::new()).outcomes.iter().map(|o| o.class).collect();
        assert_eq!(classes, vec![Class::A, Class::B, Class::B, Class::C]);
    }

    #[test]
    fn caps_limit_the_score_and_no_cap_lets_it_grow() {
        let mut cfg = config(ClassRule::Thresholds { a: 85, b: 60, c: 30 });
        let one = [input(1, 10, 300, 100, 100, 1, None, 1)]; // tax/亩 30.0 = 3 × the benchmark
        let capped = evaluate(&cfg, &one, &HashMap::new());
        assert_eq!(capped.outcomes[0].indicators[0].score_milli, 60_000); // 40 × 1.5
        cfg.indicators[0].cap_milli = None;
        let free = evaluate(&cfg, &one, &HashMap::new());
        assert_eq!(free.outcomes[0].indicators[0].score_milli, 120_000); // 40 × 3
        cfg.indicators[0].cap_milli = Some(1000);
        assert_eq!(evaluate(&cfg, &one, &HashMap::new()).outcomes[0].indicators[0].score_milli, 40_000);
    }

    #[test]
    fn missing_zero_and_negative_values_score_nothing() {
        let cfg = config(ClassRule::Thresholds { a: 85, b: 60, c: 30 });
        let mut i = input(1, 10, 0, 100, 100, 0, Some(1), 0);
        i.tax_fen = Some(-5 * WAN);
        let e = evaluate(&cfg, &[i.clone()], &HashMap::new());
        let o = &e.outcomes[0];
        assert_eq!(o.indicators[0].value_milli, Some(-500)); // -0.5 万元/亩, shown but 0 points
        assert_eq!(o.indicators[0].score_milli, 0);
        assert_eq!(o.indicators[2].value_milli, None); // 0 kWh: no ratio
        assert_eq!(o.indicators[4].value_milli, None); // 0 employees
        // An enterprise with land but no verified report at all: evaluated with 0, class D.
        let none = EvalInput { enterprise_id: id(2), land_area_centi_mu: Some(1000), ..Default::default() };
        let e = evaluate(&cfg, &[none], &HashMap::new());
        assert_eq!((e.outcomes[0].total_milli, e.outcomes[0].class), (0, Class::D));
        assert!(e.outcomes[0].indicators.iter().all(|s| s.value_milli.is_none()));
    }

    #[test]
    fn land_below_the_minimum_or_unknown_is_not_evaluated() {
        let mut cfg = config(ClassRule::Thresholds { a: 85, b: 60, c: 30 });
        let at_min = input(1, 5, 1, 1, 1, 1, None, 1);
        let mut unknown = input(2, 5, 1, 1, 1, 1, None, 1);
        unknown.land_area_centi_mu = None;
        let mut below = input(3, 5, 1, 1, 1, 1, None, 1);
        below.land_area_centi_mu = Some(499);
        let e = evaluate(&cfg, &[at_min.clone(), unknown.clone(), below.clone()], &HashMap::new());
        assert_eq!(e.outcomes.len(), 1);
        assert_eq!(e.excluded, vec![id(2), id(3)]);
        cfg.min_land_centi_mu = 0; // even with no minimum, zero or unknown land has no per-mu value
        let mut zero = below;
        zero.land_area_centi_mu = Some(0);
        let e = evaluate(&cfg, &[at_min, unknown, zero], &HashMap::new());
        assert_eq!(e.excluded, vec![id(2), id(3)]);
    }

    #[test]
    fn a_bad_configuration_names_every_field() {
        let mut cfg = config(ClassRule::Thresholds { a: 60, b: 60, c: 70 });
        cfg.indicators[0].code = "land_tax".into();
        cfg.indicators[1].benchmark_milli = 0;
        cfg.indicators[2].weight = 20;
        cfg.indicators[3].code = "output_per_kwh".into();
        cfg.indicators[4].cap_milli = Some(500);
        cfg.min_land_centi_mu = -1;
        let errors = cfg.validate().unwrap_err();
        let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("indicators[0].code", "evaluation.indicator_unknown"),
                ("indicators[1].benchmark_milli", "evaluation.benchmark_positive"),
                ("indicators[3].code", "evaluation.indicator_duplicate"),
                ("indicators[4].cap_milli", "range"),
                ("indicators", "evaluation.weights_sum"),
                ("min_land_centi_mu", "range"),
                ("class_rule.b", "evaluation.thresholds_order"),
                ("class_rule.c", "evaluation.thresholds_order"),
            ]
        );
        let cfg = config(ClassRule::Shares { a_pct: 50, b_pct: 50, c_pct: 10 });
        let got: Vec<_> = cfg.validate().unwrap_err().into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(got, vec![("class_rule".to_owned(), "evaluation.shares_sum")]);
        let empty = EvalConfig { indicators: vec![], ..EvalConfig::default_config() };
        assert_eq!(empty.validate().unwrap_err(), vec![FieldError::new("indicators", "required")]);
    }

    #[test]
    fn the_configuration_reads_and_writes_json() {
        let json = r#"{"indicators":[{"code":"tax_per_mu","weight":100,"benchmark_milli":10000,"cap_milli":1500}],
            "min_land_centi_mu":300,"class_rule":{"kind":"thresholds","a":85,"b":70,"c":55}}"#;
        let cfg: EvalConfig = serde_json::from_str(json).unwrap();
        assert_eq!(cfg.class_rule, ClassRule::Thresholds { a: 85, b: 70, c: 55 });
        assert_eq!(cfg.validate(), Ok(()));
        let back: EvalConfig = serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
        assert!(serde_json::from_str::<EvalConfig>(&json.replace("thresholds", "lottery")).is_err());
    }

    #[test]
    fn one_decimal_rounds_half_away_from_zero() {
        for (v, s) in [(0, "0.0"), (12_345, "12.3"), (12_350, "12.4"), (-1_250, "-1.3"), (49, "0.0"), (50, "0.1")] {
            assert_eq!(milli_1dp(v), s, "{v}");
        }
    }
}
