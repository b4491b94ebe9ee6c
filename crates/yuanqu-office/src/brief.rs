//! The Saturday review brief (周六督查简报) of key tasks and projects, as the office circulates
//! it: a Word document (.docx) and a workbook (.xlsx). The use case fills a [`Brief`] with plain
//! text and numbers; this module only lays it out.

/// One week's brief. Every text is ready to print (Chinese); colours are `green` / `yellow` / `red`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Brief {
    /// The zone's name, e.g. "示范经济开发区".
    pub zone_name: String,
    /// The Saturday the meeting reviews, `YYYY-MM-DD`.
    pub week: String,
    /// When the brief was generated, Beijing time, `YYYY-MM-DD HH:MM`.
    pub generated_at: String,
    /// Decisions of earlier meetings still open (the brief opens with them), then those done
    /// since the last meeting.
    pub follow_ups: Vec<FollowUpLine>,
    pub totals: Counts,
    /// Key tasks and key projects separately.
    pub tasks: Counts,
    pub projects: Counts,
    pub by_department: Vec<DepartmentCounts>,
    /// Items whose colour changed since the week before.
    pub changed: Vec<ItemLine>,
    /// Red items, then yellow items, each with its reasons.
    pub red: Vec<ItemLine>,
    pub yellow: Vec<ItemLine>,
    /// Items due in the seven days after the meeting.
    pub due_next_week: Vec<ItemLine>,
    /// Projects whose investment to date is behind plan to date.
    pub projects_behind: Vec<ProjectLine>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
}

impl Counts {
    pub fn total(&self) -> u32 {
        self.green + self.yellow + self.red
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DepartmentCounts {
    pub department: String,
    pub counts: Counts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemLine {
    /// "重点工作" or "重点项目".
    pub kind: String,
    pub title: String,
    pub department: String,
    /// The lead leader's name, if any.
    pub leader: String,
    pub colour: String,
    /// Last week's colour, when it changed (else empty).
    pub previous_colour: String,
    /// The reasons as the office writes them ("落后序时进度23个百分点").
    pub reasons: Vec<String>,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// Reported progress, per cent.
    pub progress_pct: u8,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectLine {
    pub name: String,
    pub department: String,
    /// Yuan, formatted by the caller ("1,250.00 万元").
    pub planned_to_date: String,
    pub actual_to_date: String,
    pub behind_pct: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpLine {
    pub title: String,
    pub department: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
    /// The meeting that decided it, `YYYY-MM-DD`, or empty for a project's problem.
    pub meeting: String,
    /// "未完成" / "已完成" / "已逾期".
    pub state: String,
}
