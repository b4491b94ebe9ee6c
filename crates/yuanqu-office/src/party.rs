//! Party-building exports (党建, issue 7): the national party-member system's collection set as a
//! workbook, and a branch's year of regular meetings (三会一课) as a Word document. The use case
//! fills the plain structs below (names, not ids; full or masked ID numbers as it decides); this
//! module only lays them out.
//!
//! # The 26 fields of the collection set (全国党员管理信息系统 信息采集表)
//!
//! Sheet **党组织**, one row per organization — 10 fields about the organization and its unit:
//!
//! | # | header | field |
//! |---|---|---|
//! | 1 | 党组织名称 | [`NationalOrg::name`] |
//! | 2 | 党组织代码 | [`NationalOrg::code`] (our short id; the 党员 sheet refers to it) |
//! | 3 | 党组织类别 | [`NationalOrg::category`] (党工委 / 党委 / 党总支 / 党支部 / 车间党支部) |
//! | 4 | 上级党组织 | [`NationalOrg::parent`] |
//! | 5 | 成立日期 | [`NationalOrg::founded_on`] |
//! | 6 | 书记姓名 | [`NationalOrg::secretary`] |
//! | 7 | 党员数 | [`NationalOrg::members`] (a number) |
//! | 8 | 所在单位名称 | [`NationalOrg::unit_name`] |
//! | 9 | 单位统一社会信用代码 | [`NationalOrg::unit_uscc`] |
//! | 10 | 所在车间（班组） | [`NationalOrg::workshop`] |
//!
//! Sheet **党员**, one row per member: first the reference to the member's organization
//! (党组织代码, the key of the 党组织 sheet, not one of the 26), then 16 fields about the member:
//!
//! | # | header | field |
//! |---|---|---|
//! | 11 | 姓名 | [`NationalMember::name`] |
//! | 12 | 性别 | [`NationalMember::gender`] |
//! | 13 | 民族 | [`NationalMember::ethnicity`] |
//! | 14 | 出生日期 | [`NationalMember::birth_on`] |
//! | 15 | 公民身份号码 | [`NationalMember::id_card`] (text, never a number) |
//! | 16 | 学历 | [`NationalMember::education`] |
//! | 17 | 入党日期 | [`NationalMember::joined_on`] |
//! | 18 | 转正日期 | [`NationalMember::full_on`] |
//! | 19 | 党员类别 | [`NationalMember::standing`] (正式党员 / 预备党员) |
//! | 20 | 预备期满日期 | [`NationalMember::probation_ends_on`] |
//! | 21 | 工作岗位 | [`NationalMember::post`] |
//! | 22 | 联系电话 | [`NationalMember::phone`] |
//! | 23 | 所在党支部 | [`NationalMember::branch`] |
//! | 24 | 进入支部日期 | [`NationalMember::entered_branch_on`] |
//! | 25 | 人员类别 | [`NationalMember::personnel_category`] (在岗职工 / 农民工 / 离退休人员 …) |
//! | 26 | 户籍所在地 | [`NationalMember::household`] |
//!
//! Dates are written as text `YYYY-MM-DD` (blank when unknown); ID numbers, phone numbers, codes
//! and credit codes as text in text-formatted cells, so Excel never turns them into numbers in
//! scientific notation or drops a leading zero. Every text is neutralised against formula
//! injection. Fields Yuanqu does not keep are left blank by the caller; their columns stay.

use chrono::{Datelike, NaiveDate};

use crate::brief::BriefError;

/// Writing an export failed.
#[derive(Debug, thiserror::Error)]
pub enum PartyExportError {
    #[error("writing the Word document failed: {0}")]
    Docx(#[from] docx_rs::DocxError),
    #[error("writing the workbook failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("too many rows for one sheet")]
    TooManyRows,
}

impl From<BriefError> for PartyExportError {
    fn from(e: BriefError) -> Self {
        match e {
            BriefError::Docx(e) => Self::Docx(e),
            BriefError::Xlsx(e) => Self::Xlsx(e),
            BriefError::TooManyRows => Self::TooManyRows,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The national collection set

/// One organization and its unit: the 10 fields of the 党组织 sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NationalOrg {
    /// 党组织名称.
    pub name: String,
    /// 党组织代码: the organization's short id in Yuanqu; the 党员 sheet refers to it.
    pub code: String,
    /// 党组织类别, in Chinese (党工委, 党委, 党总支, 党支部, 车间党支部).
    pub category: String,
    /// 上级党组织: the parent's name, empty for the top.
    pub parent: String,
    /// 成立日期.
    pub founded_on: Option<NaiveDate>,
    /// 书记姓名.
    pub secretary: String,
    /// 党员数: the members of this organization itself.
    pub members: u32,
    /// 所在单位名称: the enterprise (or the zone's management committee).
    pub unit_name: String,
    /// 单位统一社会信用代码.
    pub unit_uscc: String,
    /// 所在车间（班组）, for a workshop branch.
    pub workshop: String,
}

/// One member: the reference to the organization and the 16 fields of the 党员 sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NationalMember {
    /// The member's organization, [`NationalOrg::code`].
    pub org_code: String,
    /// 姓名.
    pub name: String,
    /// 性别: 男 / 女.
    pub gender: String,
    /// 民族.
    pub ethnicity: String,
    /// 出生日期.
    pub birth_on: Option<NaiveDate>,
    /// 公民身份号码: the full number, or masked, as the caller decides.
    pub id_card: String,
    /// 学历.
    pub education: String,
    /// 入党日期.
    pub joined_on: Option<NaiveDate>,
    /// 转正日期 (none while probationary).
    pub full_on: Option<NaiveDate>,
    /// 党员类别: 正式党员 / 预备党员.
    pub standing: String,
    /// 预备期满日期 (a probationary member's).
    pub probation_ends_on: Option<NaiveDate>,
    /// 工作岗位.
    pub post: String,
    /// 联系电话 (masked or full, as the caller decides).
    pub phone: String,
    /// 所在党支部: the organization's name.
    pub branch: String,
    /// 进入支部日期: joined the present organization (the last move into it, else joining).
    pub entered_branch_on: Option<NaiveDate>,
    /// 人员类别 (在岗职工, 农民工, 流动党员 …).
    pub personnel_category: String,
    /// 户籍所在地.
    pub household: String,
}

/// The 党组织 sheet's headers: fields 1–10.
pub const ORG_HEADERS: [&str; 10] = [
    "党组织名称",
    "党组织代码",
    "党组织类别",
    "上级党组织",
    "成立日期",
    "书记姓名",
    "党员数",
    "所在单位名称",
    "单位统一社会信用代码",
    "所在车间（班组）",
];

/// The 党员 sheet's 16 member fields (11–26); the sheet opens with [`MEMBER_ORG_REF`] before them.
pub const MEMBER_HEADERS: [&str; 16] = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "学历",
    "入党日期",
    "转正日期",
    "党员类别",
    "预备期满日期",
    "工作岗位",
    "联系电话",
    "所在党支部",
    "进入支部日期",
    "人员类别",
    "户籍所在地",
];

/// The 党员 sheet's first column: the member's organization, by its code.
pub const MEMBER_ORG_REF: &str = "党组织代码";

fn ymd(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The collection set as a workbook: sheet 党组织 (the 10 organization fields, one row per
/// organization) and sheet 党员 (党组织代码, then the 16 member fields, one row per member), each
/// with a bold, frozen Chinese header row.
pub fn national_xlsx(orgs: &[NationalOrg], members: &[NationalMember]) -> Result<Vec<u8>, PartyExportError> {
    use crate::brief::excel::{V, header, plain, row_index, set_widths, write_row};
    use rust_xlsxwriter::Workbook;

    let mut wb = Workbook::new();
    // Codes, credit codes, ID and phone numbers: text cells in a text-formatted column.
    let text = || Some(plain().set_num_format("@"));

    {
        let ws = wb.add_worksheet();
        ws.set_name("党组织")?;
        let mut widths = Vec::new();
        let head: Vec<V> = ORG_HEADERS.iter().map(|h| V::t(*h)).collect();
        write_row(ws, 0, &head, &vec![Some(header()); head.len()], &mut widths)?;
        let styles = [None, text(), None, None, None, None, None, None, text(), None];
        for (i, o) in orgs.iter().enumerate() {
            let cells = [
                V::t(&o.name),
                V::t(&o.code),
                V::t(&o.category),
                V::t(&o.parent),
                V::t(ymd(o.founded_on)),
                V::t(&o.secretary),
                V::n(o.members),
                V::t(&o.unit_name),
                V::t(&o.unit_uscc),
                V::t(&o.workshop),
            ];
            write_row(ws, row_index(i + 1)?, &cells, &styles, &mut widths)?;
        }
        set_widths(ws, &widths)?;
        ws.set_freeze_panes(1, 0)?;
    }

    {
        let ws = wb.add_worksheet();
        ws.set_name("党员")?;
        let mut widths = Vec::new();
        let head: Vec<V> = std::iter::once(MEMBER_ORG_REF).chain(MEMBER_HEADERS).map(V::t).collect();
        write_row(ws, 0, &head, &vec![Some(header()); head.len()], &mut widths)?;
        let mut styles = vec![None; head.len()];
        // 党组织代码, 公民身份号码, 联系电话.
        for i in [0, 5, 12] {
            styles[i] = text();
        }
        for (i, m) in members.iter().enumerate() {
            let cells = [
                V::t(&m.org_code),
                V::t(&m.name),
                V::t(&m.gender),
                V::t(&m.ethnicity),
                V::t(ymd(m.birth_on)),
                V::t(&m.id_card),
                V::t(&m.education),
                V::t(ymd(m.joined_on)),
                V::t(ymd(m.full_on)),
                V::t(&m.standing),
                V::t(ymd(m.probation_ends_on)),
                V::t(&m.post),
                V::t(&m.phone),
                V::t(&m.branch),
                V::t(ymd(m.entered_branch_on)),
                V::t(&m.personnel_category),
                V::t(&m.household),
            ];
            write_row(ws, row_index(i + 1)?, &cells, &styles, &mut widths)?;
        }
        set_widths(ws, &widths)?;
        ws.set_freeze_panes(1, 0)?;
    }

    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------
// The year's meeting records

/// The four regular meetings (三会一课), in the order the record book lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingKind {
    BranchAssembly,
    BranchCommittee,
    GroupMeeting,
    PartyLecture,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 4] =
        [Self::BranchAssembly, Self::BranchCommittee, Self::GroupMeeting, Self::PartyLecture];

    /// From the stored code (`branch_assembly`, `branch_committee`, `group_meeting`,
    /// `party_lecture`).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "branch_assembly" => Some(Self::BranchAssembly),
            "branch_committee" => Some(Self::BranchCommittee),
            "group_meeting" => Some(Self::GroupMeeting),
            "party_lecture" => Some(Self::PartyLecture),
            _ => None,
        }
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

/// One meeting as recorded. Those expected are those present and those absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub place: String,
    /// The meeting's title, e.g. "第一季度支部党员大会".
    pub title: String,
    /// Its theme, e.g. "建党百年·不忘初心" (may be empty).
    pub theme: String,
    /// Names of the members present.
    pub present: Vec<String>,
    /// Names of the members expected but absent.
    pub absent: Vec<String>,
    /// The agenda; one item a line.
    pub agenda: String,
    /// The minutes; one paragraph a line.
    pub minutes: String,
}

impl MeetingRecord {
    pub fn expected(&self) -> usize {
        self.present.len() + self.absent.len()
    }
}

fn chinese_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `3人：张三、李四、王五`, or `0人` when nobody.
fn people(names: &[String]) -> String {
    if names.is_empty() { "0人".to_owned() } else { format!("{}人：{}", names.len(), names.join("、")) }
}

/// The title of the record book: `<branch> <year>年“三会一课”会议记录`.
pub fn meetings_title(branch: &str, year: i32) -> String {
    format!("{branch} {year}年“三会一课”会议记录")
}

/// The chapter heading of one meeting: `（3）支部委员会 2026年3月5日`.
pub fn meeting_heading(n: usize, m: &MeetingRecord) -> String {
    format!("（{n}）{} {}", m.kind.name_zh(), chinese_date(m.held_on))
}

mod record {
    use docx_rs::{
        AlignmentType, Paragraph, Run, Shading, ShdType, Table, TableAlignmentType, TableCell, TableCellMargins,
        TableLayoutType, TableRow, VAlignType, WidthType,
    };

    use crate::brief::word::{TABLE, TEXT_W, body_fonts};

    const LABEL_W: usize = 1800;

    /// One field of a meeting's record: a grey, bold label, then the value, one paragraph a line.
    fn field(label: &str, value: &str) -> TableRow {
        let label_cell = TableCell::new()
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(Run::new().add_text(label).fonts(body_fonts()).size(TABLE).bold()),
            )
            .width(LABEL_W, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
            .shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill("F2F2F2"));
        let mut value_cell =
            TableCell::new().width(TEXT_W - LABEL_W, WidthType::Dxa).vertical_align(VAlignType::Center);
        let lines: Vec<&str> = value.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            value_cell = value_cell.add_paragraph(Paragraph::new().add_run(Run::new().add_text("—").size(TABLE)));
        }
        for l in lines {
            value_cell = value_cell
                .add_paragraph(Paragraph::new().add_run(Run::new().add_text(l).fonts(body_fonts()).size(TABLE)));
        }
        TableRow::new(vec![label_cell, value_cell])
    }

    /// The record form of one meeting: (label, value) rows in a bordered table of the text width.
    pub fn form(fields: &[(&str, String)]) -> Table {
        Table::new(fields.iter().map(|(l, v)| field(l, v)).collect())
            .set_grid(vec![LABEL_W, TEXT_W - LABEL_W])
            .layout(TableLayoutType::Fixed)
            .width(TEXT_W, WidthType::Dxa)
            .align(TableAlignmentType::Center)
            .margins(TableCellMargins::new().margin(40, 80, 40, 80))
    }
}

/// A branch's meetings of one year as a Word document: the title
/// (`<branch> <year>年“三会一课”会议记录`), the zone, then 一、会议统计 — a table of the four kinds
/// with their counts and attendance and a 合计 row — and 二、会议记录: every meeting in date
/// order, its heading and a record form (kind, date, place, title, theme, 应到 / 实到 / 缺席 with
/// names, agenda, minutes). With no meeting the second section says "无".
pub fn meetings_docx(
    zone: &str,
    branch: &str,
    year: i32,
    meetings: &[MeetingRecord],
) -> Result<Vec<u8>, PartyExportError> {
    use crate::brief::word::{self, Cell, body, centred, heading, table};

    let mut doc = word::document()
        .add_paragraph(word::title(&meetings_title(branch, year)))
        .add_paragraph(centred(zone, word::SUBTITLE));

    let mut sorted: Vec<&MeetingRecord> = meetings.iter().collect();
    sorted.sort_by_key(|m| m.held_on);

    // 一、会议统计
    doc = doc.add_paragraph(heading("一、会议统计"));
    let tally = |kind: Option<MeetingKind>| {
        let of_kind = sorted.iter().filter(|m| kind.is_none_or(|k| m.kind == k));
        of_kind.fold((0usize, 0usize, 0usize), |(n, expected, present), m| {
            (n + 1, expected + m.expected(), present + m.present.len())
        })
    };
    let count_row = |name: &str, (n, expected, present): (usize, usize, usize)| {
        vec![Cell::mid(name), Cell::mid(n.to_string()), Cell::mid(expected.to_string()), Cell::mid(present.to_string())]
    };
    let mut rows: Vec<Vec<Cell>> = MeetingKind::ALL.iter().map(|k| count_row(k.name_zh(), tally(Some(*k)))).collect();
    rows.push(count_row("合计", tally(None)).into_iter().map(Cell::bold).collect());
    doc = doc.add_table(table(&[("会议类型", 3244), ("次数", 1800), ("应到人次", 1900), ("实到人次", 1900)], rows));

    // 二、会议记录
    doc = doc.add_paragraph(heading("二、会议记录"));
    if sorted.is_empty() {
        doc = doc.add_paragraph(body("无"));
    }
    for (i, m) in sorted.iter().enumerate() {
        doc = doc.add_paragraph(word::subheading(&meeting_heading(i + 1, m)));
        let fields = [
            ("会议类型", m.kind.name_zh().to_owned()),
            ("会议时间", chinese_date(m.held_on)),
            ("会议地点", m.place.clone()),
            ("会议名称", m.title.clone()),
            ("会议主题", m.theme.clone()),
            ("应到人数", format!("{}人", m.expected())),
            ("实到人员", people(&m.present)),
            ("缺席人员", people(&m.absent)),
            ("会议议程", m.agenda.clone()),
            ("会议记录", m.minutes.clone()),
        ];
        doc = doc.add_table(record::form(&fields));
    }

    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out).map_err(docx_rs::DocxError::from)?;
    Ok(out.into_inner())
}
