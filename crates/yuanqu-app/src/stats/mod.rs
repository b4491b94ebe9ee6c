//! Monthly statistics (issue 4): the reports' lifecycle (draft → submitted → returned/verified,
//! corrections), the department's whole-zone import, indicators from the rollups, the early
//! warnings and the rules behind the checks and warnings.
//!
//! Rules as rows: a zone gets its default rules (`yuanqu_domain::stats::{checks, warnings}`
//! constants) when it is created (`setup::create_zone` calls
//! `yuanqu_store::stats::ensure_default_rules` in the creating transaction). A zone created
//! before this module has none stored: reads use the defaults (with the same ids the rows will
//! have), and the first rule change writes them before changing one.

pub mod indicators;
pub mod reports;
pub mod rules;
pub mod sheet;
pub mod targets;
pub mod timeline;
pub mod warnings;

use std::collections::BTreeMap;

use yuanqu_domain::FieldError;
use yuanqu_domain::stats::{Metric, Period, Values, parse_wan_yuan, parse_whole};

use crate::{Actor, AppError};

/// The key of a metric in request bodies (`values.output`, …) and field errors.
pub fn input_key(m: Metric) -> &'static str {
    match m {
        Metric::Output => "output",
        Metric::Revenue => "revenue",
        Metric::Profit => "profit",
        Metric::Tax => "tax",
        Metric::Electricity => "electricity",
        Metric::Employees => "employees",
        Metric::Rd => "rd",
    }
}

/// Values as typed: money in 万元 (up to 6 decimals), kWh and persons whole. An empty string
/// clears the value.
pub type RawValues = BTreeMap<Metric, String>;

/// One value as typed; money in 万元.
pub fn parse_metric(m: Metric, s: &str) -> Result<i64, &'static str> {
    let v = if m.is_money() { parse_wan_yuan(s)? } else { parse_whole(s)? };
    if v < 0 && !m.may_be_negative() {
        return Err("number.negative");
    }
    Ok(v)
}

/// Applies typed values over `base` (absent metrics keep their value).
pub fn merge_values(base: Values, raw: &RawValues, errors: &mut Vec<FieldError>) -> Values {
    let mut v = base;
    for (m, s) in raw {
        if s.trim().is_empty() {
            v.set(*m, None);
            continue;
        }
        match parse_metric(*m, s) {
            Ok(x) => v.set(*m, Some(x)),
            Err(code) => errors.push(FieldError::new(format!("values.{}", input_key(*m)), code)),
        }
    }
    v
}

pub(crate) fn period_field(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<Period> {
    match Period::parse(s) {
        Ok(p) => Some(p),
        Err(code) => {
            errors.push(FieldError::new(field, code));
            None
        }
    }
}

/// The current month by the injected clock (China Standard Time: a month ends at midnight in
/// Beijing).
pub fn this_month(app: &crate::App) -> Period {
    Period::of(today(app))
}

/// Today in China Standard Time.
pub fn today(app: &crate::App) -> chrono::NaiveDate {
    (app.now() + chrono::Duration::hours(8)).date_naive()
}

/// Statistics across enterprises (indicators, warnings, the review queue's rules) are for the
/// zone's staff: an enterprise account sees only its own reports and series.
pub(crate) fn require_zone_view(actor: &Actor) -> Result<(), AppError> {
    match actor.scope().data() {
        yuanqu_domain::DataScope::Zone | yuanqu_domain::DataScope::Departments(_) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}
