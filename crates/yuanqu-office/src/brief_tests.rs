//! The brief laid out, then read back: the Word document with docx-rs's reader (and its raw
//! XML for fonts and shading), the workbook with calamine.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};
use proptest::prelude::*;

use crate::brief::*;

const DEPARTMENTS: [(&str, u32, u32, u32); 5] = [
    ("经济发展局", 40, 5, 6),
    ("招商服务中心", 35, 6, 4),
    ("规划建设局", 30, 4, 3),
    ("财政金融局", 25, 3, 2),
    ("生态环境分局", 20, 2, 2),
];

fn item(kind: &str, title: String, department: &str, colour: &str, reasons: Vec<String>) -> ItemLine {
    ItemLine {
        kind: kind.into(),
        title,
        department: department.into(),
        leader: "王副主任".into(),
        colour: colour.into(),
        previous_colour: String::new(),
        reasons,
        due_on: "2026-12-04".into(),
        progress_pct: 35,
    }
}

/// 5 departments, 150 green, 20 yellow, 17 red (key tasks 112, key projects 75).
fn sample() -> Brief {
    let by_department = DEPARTMENTS
        .iter()
        .map(|(d, g, y, r)| DepartmentCounts {
            department: (*d).into(),
            counts: Counts { green: *g, yellow: *y, red: *r },
        })
        .collect();
    let red: Vec<ItemLine> = (1..=17)
        .map(|i| {
            let kind = if i % 2 == 0 { "重点项目" } else { "重点工作" };
            let title = match i {
                1 => "=HYPERLINK(\"http://x\",\"点我\")".to_owned(),
                2 => "标准厂房 <三期> & 配套道路".to_owned(),
                _ => format!("红灯事项{i}号"),
            };
            item(
                kind,
                title,
                DEPARTMENTS[i % 5].0,
                "red",
                vec![format!("落后序时进度{}个百分点", 20 + i), "连续两周黄灯".into()],
            )
        })
        .collect();
    let yellow: Vec<ItemLine> = (1..=20)
        .map(|i| {
            item(
                "重点工作",
                format!("黄灯事项{i}号"),
                DEPARTMENTS[i % 5].0,
                "yellow",
                vec![format!("本周未报送进度（第{i}次）")],
            )
        })
        .collect();
    let mut changed_1 = red[5].clone();
    changed_1.previous_colour = "yellow".into();
    let mut changed_2 = yellow[3].clone();
    changed_2.previous_colour = "green".into();
    let mut changed_3 = item("重点项目", "智能装备产业园一期".into(), "招商服务中心", "green", vec![]);
    changed_3.previous_colour = "red".into();
    Brief {
        zone_name: "示范经济开发区".into(),
        week: "2026-11-28".into(),
        generated_at: "2026-11-28 07:30".into(),
        follow_ups: vec![FollowUpLine {
            title: "协调解决新能源电池项目用电增容问题".into(),
            department: "规划建设局".into(),
            due_on: "2026-11-30".into(),
            meeting: "2026-11-21".into(),
            state: "未完成".into(),
        }],
        totals: Counts { green: 150, yellow: 20, red: 17 },
        tasks: Counts { green: 90, yellow: 12, red: 10 },
        projects: Counts { green: 60, yellow: 8, red: 7 },
        by_department,
        changed: vec![changed_1, changed_2, changed_3],
        red,
        yellow,
        due_next_week: vec![
            item("重点工作", "企业服务专员全覆盖".into(), "经济发展局", "green", vec![]),
            item("重点项目", "污水处理厂提标改造".into(), "生态环境分局", "yellow", vec![]),
        ],
        projects_behind: vec![
            ProjectLine {
                name: "新能源电池项目".into(),
                department: "招商服务中心".into(),
                planned_to_date: "12,500.00 万元".into(),
                actual_to_date: "8,000.00 万元".into(),
                behind_pct: 36,
            },
            ProjectLine {
                name: "-负数开头的项目名".into(),
                department: "规划建设局".into(),
                planned_to_date: "1,000.00 万元".into(),
                actual_to_date: "900.00 万元".into(),
                behind_pct: 10,
            },
        ],
    }
}

// ----- reading the Word document back ------------------------------------------------------

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

const HEADINGS: [&str; 7] = [
    "一、上次会议议定事项落实情况",
    "二、总体情况",
    "三、亮灯变化",
    "四、红灯事项",
    "五、黄灯事项",
    "六、下周到期事项",
    "七、投资进度滞后项目",
];

/// The blocks after `heading` up to the next section heading.
fn section<'a>(blocks: &'a [Block], heading: &str) -> &'a [Block] {
    let start = blocks.iter().position(|b| *b == Block::P(heading.into())).expect("the heading is there") + 1;
    let len = blocks[start..]
        .iter()
        .position(|b| matches!(b, Block::P(t) if HEADINGS.contains(&t.as_str())))
        .unwrap_or(blocks.len() - start);
    &blocks[start..start + len]
}

fn only_table(blocks: &[Block]) -> &Vec<Vec<String>> {
    let tables: Vec<_> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::T(t) => Some(t),
            Block::P(_) => None,
        })
        .collect();
    assert_eq!(tables.len(), 1, "{blocks:?}");
    tables[0]
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| (*c).to_owned()).collect()
}

#[test]
fn docx_opens_with_title_zone_date_and_time_then_the_seven_sections_in_order() {
    let b = blocks(&docx(&sample()).unwrap());
    assert_eq!(b[0], Block::P("重点工作重点项目督查简报".into()));
    assert_eq!(b[1], Block::P("示范经济开发区".into()));
    assert_eq!(b[2], Block::P("（2026年11月28日 周六）".into()));
    assert_eq!(b[3], Block::P("生成时间：2026-11-28 07:30".into()));
    let at: Vec<usize> =
        HEADINGS.iter().map(|h| b.iter().position(|x| *x == Block::P((*h).into())).expect(h)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
    assert_eq!(at[0], 4, "the follow-ups open the brief");
}

#[test]
fn docx_follow_ups_table_comes_first() {
    let b = blocks(&docx(&sample()).unwrap());
    let t = only_table(section(&b, HEADINGS[0]));
    assert_eq!(t[0], row(&["序号", "事项", "责任单位", "完成时限", "议定会议", "状态"]));
    assert_eq!(
        t[1],
        row(&["1", "协调解决新能源电池项目用电增容问题", "规划建设局", "2026-11-30", "2026-11-21", "未完成"])
    );
    assert_eq!(t.len(), 2);
}

#[test]
fn docx_overview_has_the_counts_sentence_and_a_department_table_that_adds_up() {
    let b = blocks(&docx(&sample()).unwrap());
    let s = section(&b, HEADINGS[1]);
    assert_eq!(s[0], Block::P("本周共督查重点工作112项、重点项目75项，其中绿灯150项、黄灯20项、红灯17项。".into()));
    let t = only_table(s);
    assert_eq!(t[0], row(&["责任单位", "绿灯", "黄灯", "红灯", "合计"]));
    assert_eq!(t[1], row(&["经济发展局", "40", "5", "6", "51"]));
    assert_eq!(t[5], row(&["生态环境分局", "20", "2", "2", "24"]));
    assert_eq!(t.last().unwrap(), &row(&["合计", "150", "20", "17", "187"]));
    assert_eq!(t.len(), 7);
}

#[test]
fn docx_red_and_yellow_tables_carry_every_item_with_its_reasons() {
    let brief = sample();
    let b = blocks(&docx(&brief).unwrap());
    for (heading, items) in [(HEADINGS[3], &brief.red), (HEADINGS[4], &brief.yellow)] {
        let t = only_table(section(&b, heading));
        assert_eq!(t[0], row(&["序号", "类别", "事项", "责任单位", "分管领导", "进度", "原因"]));
        assert_eq!(t.len(), items.len() + 1);
        for (i, (r, it)) in t[1..].iter().zip(items).enumerate() {
            assert_eq!(r[0], (i + 1).to_string());
            assert_eq!(r[1], it.kind);
            assert_eq!(r[2], it.title, "the title verbatim, markup characters included");
            assert_eq!(r[3], it.department);
            assert_eq!(r[4], "王副主任");
            assert_eq!(r[5], "35%");
            assert_eq!(r[6], it.reasons.join("；"));
        }
    }
    let red = only_table(section(&b, HEADINGS[3]));
    assert_eq!(red[3][6], "落后序时进度23个百分点；连续两周黄灯");
    assert_eq!(red[2][2], "标准厂房 <三期> & 配套道路");
}

#[test]
fn docx_changes_due_items_and_projects_behind() {
    let b = blocks(&docx(&sample()).unwrap());
    let changed = only_table(section(&b, HEADINGS[2]));
    assert_eq!(changed[0], row(&["序号", "类别", "事项", "责任单位", "上周", "本周"]));
    assert_eq!(changed[1][4..], row(&["黄灯", "红灯"])[..]);
    assert_eq!(changed[2][4..], row(&["绿灯", "黄灯"])[..]);
    assert_eq!(changed[3], row(&["3", "重点项目", "智能装备产业园一期", "招商服务中心", "红灯", "绿灯"]));
    let due = only_table(section(&b, HEADINGS[5]));
    assert_eq!(due[2], row(&["2", "重点项目", "污水处理厂提标改造", "生态环境分局", "2026-12-04", "35%", "黄灯"]));
    let behind = only_table(section(&b, HEADINGS[6]));
    assert_eq!(behind[0], row(&["序号", "项目", "责任单位", "计划完成", "实际完成", "滞后"]));
    assert_eq!(behind[1], row(&["1", "新能源电池项目", "招商服务中心", "12,500.00 万元", "8,000.00 万元", "36%"]));
}

#[test]
fn docx_names_its_fonts_embeds_none_and_shades_red_and_yellow() {
    let bytes = docx(&sample()).unwrap();
    let xml = zip_entry(&bytes, "word/document.xml");
    assert!(xml.contains(r#"w:eastAsia="黑体""#));
    assert!(xml.contains(r#"w:eastAsia="宋体""#));
    assert!(xml.contains(r#"w:fill="FFC7CE""#), "red cells shaded");
    assert!(xml.contains(r#"w:fill="FFEB9C""#), "yellow cells shaded");
    assert!(!xml.contains("green") && !xml.contains(">red<"), "colours are printed in Chinese");
    let z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let names: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
    assert!(
        names.iter().all(|n| !n.starts_with("word/fonts/") && !n.ends_with(".odttf") && !n.ends_with(".ttf")),
        "{names:?}"
    );
    let core = zip_entry(&bytes, "docProps/core.xml");
    assert!(core.contains("2026-11-28T07:30:00+08:00"), "{core}");
}

#[test]
fn an_empty_brief_still_renders_and_says_none() {
    let brief = Brief {
        zone_name: "示范经济开发区".into(),
        week: "2026-11-28".into(),
        generated_at: "2026-11-28 07:30".into(),
        ..Brief::default()
    };
    let b = blocks(&docx(&brief).unwrap());
    for h in HEADINGS {
        let s = section(&b, h);
        if h == HEADINGS[1] {
            assert_eq!(s, [Block::P("本周共督查重点工作0项、重点项目0项，其中绿灯0项、黄灯0项、红灯0项。".into())]);
        } else {
            assert_eq!(s, [Block::P("无".into())], "{h}");
        }
    }
    let mut wb = workbook(&xlsx(&brief).unwrap());
    assert_eq!(wb.sheet_names(), ["总体情况", "红黄灯事项", "亮灯变化", "下周到期", "投资滞后", "议定事项"]);
    let r = wb.worksheet_range("总体情况").unwrap();
    assert_eq!(cells(&r, 1), ["合计", "0", "0", "0", "0"]);
    let r = wb.worksheet_range("红黄灯事项").unwrap();
    assert_eq!(r.height(), 1, "the header alone");
}

#[test]
fn a_date_or_time_in_another_shape_is_printed_as_given() {
    let brief = Brief { week: "第48周".into(), generated_at: "刚才".into(), ..sample() };
    let bytes = docx(&brief).unwrap();
    let b = blocks(&bytes);
    assert_eq!(b[2], Block::P("（第48周 周六）".into()));
    assert_eq!(b[3], Block::P("生成时间：刚才".into()));
    assert!(zip_entry(&bytes, "docProps/core.xml").contains("1970-01-01"));
}

// ----- reading the workbook back -------------------------------------------------------------

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap()
}

fn cells(r: &Range<Data>, row: u32) -> Vec<String> {
    (0..r.width() as u32).map(|c| r.get_value((row, c)).map(|v| v.to_string()).unwrap_or_default()).collect()
}

#[test]
fn xlsx_has_the_six_sheets_with_the_counts_and_every_item() {
    let brief = sample();
    let mut wb = workbook(&xlsx(&brief).unwrap());
    assert_eq!(wb.sheet_names(), ["总体情况", "红黄灯事项", "亮灯变化", "下周到期", "投资滞后", "议定事项"]);

    let r = wb.worksheet_range("总体情况").unwrap();
    assert_eq!(cells(&r, 0), ["责任单位", "绿灯", "黄灯", "红灯", "合计"]);
    assert_eq!(cells(&r, 1), ["经济发展局", "40", "5", "6", "51"]);
    assert_eq!(cells(&r, 6), ["合计", "150", "20", "17", "187"]);
    assert_eq!(r.get_value((1, 1)), Some(&Data::Float(40.0)), "counts are numbers");
    assert_eq!(cells(&r, 8), ["类别", "绿灯", "黄灯", "红灯", "合计"]);
    assert_eq!(cells(&r, 9), ["重点工作", "90", "12", "10", "112"]);
    assert_eq!(cells(&r, 10), ["重点项目", "60", "8", "7", "75"]);
    assert_eq!(cells(&r, 11), ["合计", "150", "20", "17", "187"]);
    assert_eq!(cells(&r, 13)[0], "本周共督查重点工作112项、重点项目75项，其中绿灯150项、黄灯20项、红灯17项。");

    let r = wb.worksheet_range("红黄灯事项").unwrap();
    assert_eq!(cells(&r, 0), ["亮灯", "类别", "事项", "责任单位", "分管领导", "进度%", "完成时限", "原因"]);
    assert_eq!(r.height(), 1 + 17 + 20);
    for (i, it) in brief.red.iter().chain(&brief.yellow).enumerate() {
        let c = cells(&r, i as u32 + 1);
        assert_eq!(c[0], if i < 17 { "红灯" } else { "黄灯" });
        assert_eq!(c[3], it.department);
        assert_eq!(c[7], it.reasons.join("；"));
        if i > 0 {
            assert_eq!(c[2], it.title);
        }
    }
    assert_eq!(cells(&r, 4)[7], "落后序时进度24个百分点；连续两周黄灯");

    let r = wb.worksheet_range("亮灯变化").unwrap();
    assert_eq!(cells(&r, 0), ["类别", "事项", "责任单位", "分管领导", "上周", "本周", "原因"]);
    assert_eq!(cells(&r, 3)[..6], ["重点项目", "智能装备产业园一期", "招商服务中心", "王副主任", "红灯", "绿灯"]);

    let r = wb.worksheet_range("下周到期").unwrap();
    assert_eq!(cells(&r, 1), ["重点工作", "企业服务专员全覆盖", "经济发展局", "王副主任", "2026-12-04", "35", "绿灯"]);

    let r = wb.worksheet_range("投资滞后").unwrap();
    assert_eq!(cells(&r, 1), ["新能源电池项目", "招商服务中心", "12,500.00 万元", "8,000.00 万元", "36"]);

    let r = wb.worksheet_range("议定事项").unwrap();
    assert_eq!(cells(&r, 0), ["事项", "责任单位", "完成时限", "议定会议", "状态"]);
    assert_eq!(
        cells(&r, 1),
        ["协调解决新能源电池项目用电增容问题", "规划建设局", "2026-11-30", "2026-11-21", "未完成"]
    );
}

#[test]
fn xlsx_neutralises_formula_like_text_and_writes_no_formula() {
    let bytes = xlsx(&sample()).unwrap();
    let mut wb = workbook(&bytes);
    let r = wb.worksheet_range("红黄灯事项").unwrap();
    assert_eq!(cells(&r, 1)[2], "'=HYPERLINK(\"http://x\",\"点我\")");
    let r = wb.worksheet_range("投资滞后").unwrap();
    assert_eq!(cells(&r, 2)[0], "'-负数开头的项目名");
    let mut z = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        if name.starts_with("xl/worksheets/") {
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            assert!(!s.contains("<f>"), "{name}");
        }
    }
}

#[test]
fn xlsx_header_row_is_bold_and_columns_have_widths() {
    let bytes = xlsx(&sample()).unwrap();
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(styles.contains("<b/>"));
    let sheet = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
    assert!(sheet.contains("<cols>"), "{sheet}");
    assert!(sheet.contains(r#"state="frozen""#));
}

// ----- the 合计 row, for any counts -----------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_total_row_is_the_sum_over_departments(depts in prop::collection::vec((0u32..5000, 0u32..500, 0u32..500), 1..9)) {
        let by_department: Vec<DepartmentCounts> = depts
            .iter()
            .enumerate()
            .map(|(i, (g, y, r))| DepartmentCounts {
                department: format!("部门{i}"),
                counts: Counts { green: *g, yellow: *y, red: *r },
            })
            .collect();
        let (g, y, r) = depts.iter().fold((0, 0, 0), |a, d| (a.0 + d.0, a.1 + d.1, a.2 + d.2));
        let brief = Brief { by_department, ..Brief::default() };
        let want = vec![
            "合计".to_owned(), g.to_string(), y.to_string(), r.to_string(), (g + y + r).to_string(),
        ];

        let b = blocks(&docx(&brief).unwrap());
        let t = only_table(section(&b, HEADINGS[1]));
        prop_assert_eq!(t.len(), depts.len() + 2);
        prop_assert_eq!(t.last().unwrap(), &want);
        for (row, (gg, yy, rr)) in t[1..t.len() - 1].iter().zip(&depts) {
            prop_assert_eq!(&row[4], &(gg + yy + rr).to_string());
        }

        let mut wb = workbook(&xlsx(&brief).unwrap());
        let range = wb.worksheet_range("总体情况").unwrap();
        prop_assert_eq!(cells(&range, depts.len() as u32 + 1), want);
    }
}
