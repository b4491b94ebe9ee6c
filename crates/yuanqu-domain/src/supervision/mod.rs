//! Key work and key projects under weekly supervision (重点工作/重点项目 督查督办): what an item
//! is, its plan (序时进度 from milestones, a project's monthly investment plan), and the traffic
//! lights computed from rules stored as data (`light`).

pub mod light;
pub mod plan;

pub use light::{Assessment, Colour, Facts, LightRules, Reason};
pub use plan::{InvestmentPlan, Milestone, Plan};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A key task (重点工作) or a key project (重点项目).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Task,
    Project,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Self::Task, Self::Project];
    pub fn code(self) -> &'static str {
        match self {
            Self::Task => "task",
            Self::Project => "project",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// Where a task comes from: the year's plan, a meeting's decision, or handed down from above
/// (with the document number and the deadline it sets — done "at once", 马上就办).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    AnnualPlan,
    Meeting,
    Higher,
}

impl Source {
    pub const ALL: [Source; 3] = [Self::AnnualPlan, Self::Meeting, Self::Higher];
    pub fn code(self) -> &'static str {
        match self {
            Self::AnnualPlan => "plan",
            Self::Meeting => "meeting",
            Self::Higher => "higher",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::AnnualPlan => "年度计划",
            Self::Meeting => "会议决定",
            Self::Higher => "上级交办",
        }
    }
}

/// A key project's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectType {
    Industrial,
    Infrastructure,
    Livelihood,
    Tourism,
    RealEstate,
}

impl ProjectType {
    pub const ALL: [ProjectType; 5] =
        [Self::Industrial, Self::Infrastructure, Self::Livelihood, Self::Tourism, Self::RealEstate];
    pub fn code(self) -> &'static str {
        match self {
            Self::Industrial => "industrial",
            Self::Infrastructure => "infrastructure",
            Self::Livelihood => "livelihood",
            Self::Tourism => "tourism",
            Self::RealEstate => "real_estate",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Industrial => "产业项目",
            Self::Infrastructure => "基础设施",
            Self::Livelihood => "民生项目",
            Self::Tourism => "文旅项目",
            Self::RealEstate => "房地产",
        }
    }
}

/// A key project's stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectStage {
    Preparation,
    Construction,
    Completed,
    Production,
}

impl ProjectStage {
    pub const ALL: [ProjectStage; 4] = [Self::Preparation, Self::Construction, Self::Completed, Self::Production];
    pub fn code(self) -> &'static str {
        match self {
            Self::Preparation => "preparation",
            Self::Construction => "construction",
            Self::Completed => "completed",
            Self::Production => "production",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Preparation => "前期",
            Self::Construction => "在建",
            Self::Completed => "竣工",
            Self::Production => "投产",
        }
    }
}

/// The Saturday of the week (Monday–Sunday) that holds `d`: the day the expanded meeting
/// reviews that week, and the date a week's lights are computed as of.
pub fn review_saturday(d: NaiveDate) -> NaiveDate {
    let from_monday = i64::from(d.weekday().num_days_from_monday());
    d - Duration::days(from_monday) + Duration::days(5)
}

/// Whether `d` is a Saturday (a brief's week is named by its Saturday).
pub fn is_saturday(d: NaiveDate) -> bool {
    d.weekday() == Weekday::Sat
}

/// A progress report's percentage may go down only with a reason (a re-estimate, a setback).
pub fn check_progress(previous_pct: Option<u8>, pct: u8, reason: Option<&str>) -> Result<(), crate::FieldError> {
    if pct > 100 {
        return Err(crate::FieldError::new("progress_pct", "range"));
    }
    match previous_pct {
        Some(p) if pct < p && reason.is_none_or(|r| r.trim().is_empty()) => {
            Err(crate::FieldError::new("decrease_reason", "supervision.progress_backwards"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_review_saturday_of_each_day_of_a_week() {
        for day in ["2026-11-23", "2026-11-25", "2026-11-28", "2026-11-29"] {
            assert_eq!(review_saturday(d(day)), d("2026-11-28"), "{day}");
        }
        assert!(is_saturday(d("2026-11-28")));
        assert!(!is_saturday(d("2026-11-27")));
    }

    #[test]
    fn progress_goes_back_only_with_a_reason() {
        assert!(check_progress(Some(40), 50, None).is_ok());
        assert!(check_progress(None, 0, None).is_ok());
        let e = check_progress(Some(40), 30, Some("  ")).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("decrease_reason", "supervision.progress_backwards"));
        assert!(check_progress(Some(40), 30, Some("设计变更，工程量重估")).is_ok());
        assert_eq!(check_progress(None, 101, None).unwrap_err().field, "progress_pct");
    }

    #[test]
    fn codes_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.code()), Some(k));
        }
        for k in Source::ALL {
            assert_eq!(Source::parse(k.code()), Some(k));
        }
        for k in ProjectType::ALL {
            assert_eq!(ProjectType::parse(k.code()), Some(k));
        }
        for k in ProjectStage::ALL {
            assert_eq!(ProjectStage::parse(k.code()), Some(k));
        }
    }
}
