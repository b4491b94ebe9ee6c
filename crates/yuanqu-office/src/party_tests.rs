//! The party exports laid out, then read back: the collection set with calamine, the meeting
//! records with docx-rs's reader and as raw `word/document.xml`.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};

use crate::party::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn orgs() -> Vec<NationalOrg> {
    vec![
        NationalOrg {
            name: "示范经济开发区党工委".into(),
            code: "A1B2C3D4".into(),
            category: "党工委".into(),
            parent: String::new(),
            founded_on: Some(d(2003, 7, 1)),
            secretary: "林建国".into(),
            members: 12,
            unit_name: "示范经济开发区管理委员会".into(),
            unit_uscc: "11350500MB0123456X".into(),
            workshop: String::new(),
        },
        NationalOrg {
            name: "=恒安食品有限公司包装车间党支部".into(),
            code: "00E5F6A7".into(),
            category: "车间党支部".into(),
            parent: "示范经济开发区党工委".into(),
            founded_on: None,
            secretary: "陈晓梅".into(),
            members: 23,
            unit_name: "恒安食品有限公司".into(),
            unit_uscc: "91350582MA2Y00001K".into(),
            workshop: "包装车间".into(),
        },
    ]
}

fn member(name: &str, id_card: &str) -> NationalMember {
    NationalMember {
        org_code: "00E5F6A7".into(),
        name: name.into(),
        gender: "女".into(),
        ethnicity: "汉族".into(),
        birth_on: Some(d(1990, 3, 7)),
        id_card: id_card.into(),
        education: "大学本科".into(),
        joined_on: Some(d(2012, 6, 18)),
        full_on: Some(d(2013, 6, 18)),
        standing: "正式党员".into(),
        probation_ends_on: None,
        post: "包装线班长".into(),
        phone: "13905951234".into(),
        branch: "恒安食品有限公司包装车间党支部".into(),
        entered_branch_on: Some(d(2019, 9, 1)),
        personnel_category: "在岗职工".into(),
        household: "福建省晋江市".into(),
    }
}

fn members() -> Vec<NationalMember> {
    vec![
        member("陈晓梅", "350582199003071238"),
        NationalMember {
            standing: "预备党员".into(),
            full_on: None,
            joined_on: Some(d(2025, 11, 20)),
            probation_ends_on: Some(d(2026, 11, 20)),
            birth_on: None,
            phone: String::new(),
            ..member("王立新", "11010519491231002X")
        },
        member("-李 某", "350582198504120021"),
    ]
}

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

fn cells(r: &Range<Data>, row: u32) -> Vec<String> {
    (0..r.width() as u32).map(|c| r.get_value((row, c)).map(|v| v.to_string()).unwrap_or_default()).collect()
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_collection_set_has_26_fields_10_for_the_organization_and_16_for_the_member() {
    let bytes = national_xlsx(&orgs(), &members()).unwrap();
    let mut wb = workbook(&bytes);
    assert_eq!(wb.sheet_names(), ["党组织", "党员"]);

    let o = wb.worksheet_range("党组织").unwrap();
    let m = wb.worksheet_range("党员").unwrap();
    assert_eq!(o.width(), 10);
    assert_eq!(m.width(), 1 + 16, "the organization reference, then the member's 16 fields");
    assert_eq!(o.width() + m.width() - 1, 26);
    assert_eq!(cells(&o, 0), ORG_HEADERS);
    assert_eq!(cells(&m, 0)[0], MEMBER_ORG_REF);
    assert_eq!(cells(&m, 0)[1..], MEMBER_HEADERS);
    assert_eq!(
        cells(&o, 0),
        [
            "党组织名称",
            "党组织代码",
            "党组织类别",
            "上级党组织",
            "成立日期",
            "书记姓名",
            "党员数",
            "所在单位名称",
            "单位统一社会信用代码",
            "所在车间（班组）"
        ]
    );
    assert_eq!(
        cells(&m, 0)[1..],
        [
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
            "户籍所在地"
        ]
    );
    let all: std::collections::HashSet<&str> = ORG_HEADERS.iter().chain(&MEMBER_HEADERS).copied().collect();
    assert_eq!(all.len(), 26, "26 distinct fields");
    assert!(ORG_HEADERS.contains(&MEMBER_ORG_REF), "the reference is the organization sheet's key");
    assert_eq!(o.height(), 3);
    assert_eq!(m.height(), 4);
}

#[test]
fn organizations_are_written_with_dates_as_text_and_the_count_as_a_number() {
    let mut wb = workbook(&national_xlsx(&orgs(), &members()).unwrap());
    let o = wb.worksheet_range("党组织").unwrap();
    assert_eq!(
        cells(&o, 1),
        [
            "示范经济开发区党工委",
            "A1B2C3D4",
            "党工委",
            "",
            "2003-07-01",
            "林建国",
            "12",
            "示范经济开发区管理委员会",
            "11350500MB0123456X",
            ""
        ]
    );
    assert_eq!(o.get_value((1, 4)), Some(&Data::String("2003-07-01".into())), "a date is text");
    assert_eq!(o.get_value((1, 6)), Some(&Data::Float(12.0)), "the members count is a number");
    assert_eq!(o.get_value((2, 1)), Some(&Data::String("00E5F6A7".into())), "a code keeps its leading zeros");
    let r2 = cells(&o, 2);
    assert_eq!(r2[0], "'=恒安食品有限公司包装车间党支部", "formula-like text is neutralised");
    assert_eq!(r2[4], "", "an unknown date is blank");
    assert_eq!(r2[9], "包装车间");
}

#[test]
fn an_id_card_number_stays_text_and_every_member_field_lands_in_its_column() {
    let bytes = national_xlsx(&orgs(), &members()).unwrap();
    let mut wb = workbook(&bytes);
    let m = wb.worksheet_range("党员").unwrap();
    assert_eq!(m.get_value((1, 5)), Some(&Data::String("350582199003071238".into())), "all digits, still text");
    assert_eq!(m.get_value((2, 5)), Some(&Data::String("11010519491231002X".into())));
    assert_eq!(m.get_value((1, 12)), Some(&Data::String("13905951234".into())), "a phone number is text");
    assert_eq!(
        cells(&m, 1),
        [
            "00E5F6A7",
            "陈晓梅",
            "女",
            "汉族",
            "1990-03-07",
            "350582199003071238",
            "大学本科",
            "2012-06-18",
            "2013-06-18",
            "正式党员",
            "",
            "包装线班长",
            "13905951234",
            "恒安食品有限公司包装车间党支部",
            "2019-09-01",
            "在岗职工",
            "福建省晋江市"
        ]
    );
    let p = cells(&m, 2);
    assert_eq!((p[4].as_str(), p[7].as_str(), p[8].as_str()), ("", "2025-11-20", ""));
    assert_eq!((p[9].as_str(), p[10].as_str(), p[12].as_str()), ("预备党员", "2026-11-20", ""));
    assert_eq!(cells(&m, 3)[1], "'-李 某");

    // The number columns are text-formatted ("@"), and no formula is written.
    assert!(zip_entry(&bytes, "xl/styles.xml").contains(r#"formatCode="@""#));
    for sheet in ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"] {
        let xml = zip_entry(&bytes, sheet);
        assert!(!xml.contains("<f>"), "{sheet}");
        assert!(xml.contains(r#"state="frozen""#), "{sheet}");
    }
}

#[test]
fn an_empty_collection_set_is_the_two_header_rows() {
    let mut wb = workbook(&national_xlsx(&[], &[]).unwrap());
    assert_eq!(wb.worksheet_range("党组织").unwrap().height(), 1);
    assert_eq!(wb.worksheet_range("党员").unwrap().height(), 1);
}

// ----- the meeting records ----------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Block {
    P(String),
    T(Vec<Vec<String>>),
}

fn blocks(bytes: &[u8]) -> Vec<Block> {
    let doc = docx_rs::read_docx(bytes).expect("the docx reads back");
    doc.document
        .children
        .iter()
        .filter_map(|c| match c {
            DocumentChild::Paragraph(p) => Some(Block::P(p.raw_text())),
            DocumentChild::Table(t) => Some(Block::T(
                t.rows
                    .iter()
                    .map(|TableChild::TableRow(r)| {
                        r.cells
                            .iter()
                            .map(|TableRowChild::TableCell(c)| {
                                c.children
                                    .iter()
                                    .filter_map(|x| match x {
                                        TableCellContent::Paragraph(p) => Some(p.raw_text()),
                                        _ => None,
                                    })
                                    .collect::<Vec<_>>()
                                    .join("\n")
                            })
                            .collect()
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| (*s).to_owned()).collect()
}

fn row(cells: &[&str]) -> Vec<String> {
    names(cells)
}

fn meetings() -> Vec<MeetingRecord> {
    vec![
        MeetingRecord {
            kind: MeetingKind::BranchCommittee,
            held_on: d(2026, 3, 5),
            place: "包装车间党员活动室".into(),
            title: "三月支部委员会".into(),
            theme: String::new(),
            present: names(&["陈晓梅", "王立新", "李海燕"]),
            absent: names(&["张伟"]),
            agenda: "1. 研究发展党员工作\n2. 部署“红色车间”创建".into(),
            minutes: "陈晓梅主持会议。\n会议同意确定2名入党积极分子。\n\n会议决定4月前完成创建材料。".into(),
        },
        MeetingRecord {
            kind: MeetingKind::BranchAssembly,
            held_on: d(2026, 1, 16),
            place: "公司三楼会议室".into(),
            title: "第一季度支部党员大会".into(),
            theme: "建党百年·不忘初心".into(),
            present: names(&["陈晓梅", "王立新", "李海燕", "张伟", "刘洋"]),
            absent: vec![],
            agenda: "学习传达上级会议精神".into(),
            minutes: "全体党员参加。".into(),
        },
        MeetingRecord {
            kind: MeetingKind::PartyLecture,
            held_on: d(2026, 3, 28),
            place: "<车间> & 班组".into(),
            title: "书记讲党课".into(),
            theme: "立足岗位作表率".into(),
            present: names(&["王立新"]),
            absent: names(&["陈晓梅", "李海燕"]),
            agenda: String::new(),
            minutes: "党课一次。".into(),
        },
    ]
}

const TITLE: &str = "恒安食品有限公司包装车间党支部 2026年“三会一课”会议记录";

#[test]
fn the_record_book_opens_with_its_title_and_zone_then_the_counts_by_kind() {
    let bytes = meetings_docx("示范经济开发区", "恒安食品有限公司包装车间党支部", 2026, &meetings()).unwrap();
    let xml = zip_entry(&bytes, "word/document.xml");
    assert!(xml.contains(TITLE), "the title is in document.xml");
    assert!(xml.contains(r#"w:eastAsia="黑体""#) && xml.contains(r#"w:eastAsia="宋体""#));

    let b = blocks(&bytes);
    assert_eq!(b[0], Block::P(TITLE.into()));
    assert_eq!(b[1], Block::P("示范经济开发区".into()));
    assert_eq!(b[2], Block::P("一、会议统计".into()));
    let Block::T(t) = &b[3] else { panic!("{:?}", b[3]) };
    assert_eq!(
        *t,
        vec![
            row(&["会议类型", "次数", "应到人次", "实到人次"]),
            row(&["支部党员大会", "1", "5", "5"]),
            row(&["支部委员会", "1", "4", "3"]),
            row(&["党小组会", "0", "0", "0"]),
            row(&["党课", "1", "3", "1"]),
            row(&["合计", "3", "12", "9"]),
        ]
    );
    assert_eq!(b[4], Block::P("二、会议记录".into()));
}

#[test]
fn each_meeting_has_its_heading_and_record_form_in_date_order() {
    let bytes = meetings_docx("示范经济开发区", "恒安食品有限公司包装车间党支部", 2026, &meetings()).unwrap();
    let b = blocks(&bytes);
    let headings: Vec<&str> = b
        .iter()
        .filter_map(|x| match x {
            Block::P(p) if p.starts_with('（') => Some(p.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        headings,
        ["（1）支部党员大会 2026年1月16日", "（2）支部委员会 2026年3月5日", "（3）党课 2026年3月28日"]
    );

    let at = b.iter().position(|x| *x == Block::P("（2）支部委员会 2026年3月5日".into())).unwrap();
    let Block::T(form) = &b[at + 1] else { panic!("{:?}", b[at + 1]) };
    assert_eq!(
        *form,
        vec![
            row(&["会议类型", "支部委员会"]),
            row(&["会议时间", "2026年3月5日"]),
            row(&["会议地点", "包装车间党员活动室"]),
            row(&["会议名称", "三月支部委员会"]),
            row(&["会议主题", "—"]),
            row(&["应到人数", "4人"]),
            row(&["实到人员", "3人：陈晓梅、王立新、李海燕"]),
            row(&["缺席人员", "1人：张伟"]),
            row(&["会议议程", "1. 研究发展党员工作\n2. 部署“红色车间”创建"]),
            row(&["会议记录", "陈晓梅主持会议。\n会议同意确定2名入党积极分子。\n会议决定4月前完成创建材料。"]),
        ]
    );

    let at = b.iter().position(|x| *x == Block::P("（3）党课 2026年3月28日".into())).unwrap();
    let Block::T(form) = &b[at + 1] else { panic!("{:?}", b[at + 1]) };
    assert_eq!(form[2], row(&["会议地点", "<车间> & 班组"]), "markup characters verbatim");
    assert_eq!(form[4], row(&["会议主题", "立足岗位作表率"]));
    assert_eq!(form[7], row(&["缺席人员", "2人：陈晓梅、李海燕"]));
    assert_eq!(form[8], row(&["会议议程", "—"]));

    // The raw XML holds a meeting too: its heading and the names present.
    let xml = zip_entry(&bytes, "word/document.xml");
    assert!(xml.contains("（1）支部党员大会 2026年1月16日"));
    assert!(xml.contains("5人：陈晓梅、王立新、李海燕、张伟、刘洋"));
    assert!(xml.contains("&lt;车间&gt; &amp; 班组"));
}

#[test]
fn a_year_without_meetings_still_renders_and_says_none() {
    let b = blocks(&meetings_docx("示范经济开发区", "某党支部", 2025, &[]).unwrap());
    assert_eq!(b[0], Block::P("某党支部 2025年“三会一课”会议记录".into()));
    let Block::T(t) = &b[3] else { panic!("{:?}", b[3]) };
    assert_eq!(t.last().unwrap(), &row(&["合计", "0", "0", "0"]));
    assert_eq!(b[4..], [Block::P("二、会议记录".into()), Block::P("无".into())]);
}

#[test]
fn meeting_kinds_read_the_stored_codes() {
    for k in MeetingKind::ALL {
        let code = match k {
            MeetingKind::BranchAssembly => "branch_assembly",
            MeetingKind::BranchCommittee => "branch_committee",
            MeetingKind::GroupMeeting => "group_meeting",
            MeetingKind::PartyLecture => "party_lecture",
        };
        assert_eq!(MeetingKind::from_code(code), Some(k));
    }
    assert_eq!(MeetingKind::from_code("theme"), None);
}
