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

/// Writing the brief failed.
#[derive(Debug, thiserror::Error)]
pub enum BriefError {
    #[error("writing the Word document failed: {0}")]
    Docx(#[from] docx_rs::DocxError),
    #[error("writing the workbook failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("too many rows for one table")]
    TooManyRows,
}

/// The colour as the office says it.
fn colour_name(c: &str) -> &str {
    match c {
        "green" => "绿灯",
        "yellow" => "黄灯",
        "red" => "红灯",
        "" => "—",
        other => other,
    }
}

/// A light's cell fill (Excel's "good / neutral / bad" pastel fills), none for an unknown colour.
fn colour_fill(c: &str) -> Option<u32> {
    match c {
        "green" => Some(0xC6EFCE),
        "yellow" => Some(0xFFEB9C),
        "red" => Some(0xFFC7CE),
        _ => None,
    }
}

/// `2026-11-28` → `2026年11月28日` (month and day without a leading zero, as official documents
/// write dates); anything else is printed as given.
fn chinese_date(d: &str) -> String {
    let mut parts = d.splitn(3, '-');
    let parsed = (|| {
        let y: u32 = parts.next()?.parse().ok()?;
        let m: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        Some(format!("{y}年{m}月{day}日"))
    })();
    parsed.unwrap_or_else(|| d.to_owned())
}

fn or_dash(s: &str) -> &str {
    if s.trim().is_empty() { "—" } else { s }
}

fn reasons(item: &ItemLine) -> String {
    item.reasons.join("；")
}

/// The department table's rows and its 合计 row, summed from the rows themselves so the table
/// always adds up.
fn department_sum(brief: &Brief) -> Counts {
    brief.by_department.iter().fold(Counts::default(), |acc, d| Counts {
        green: acc.green.saturating_add(d.counts.green),
        yellow: acc.yellow.saturating_add(d.counts.yellow),
        red: acc.red.saturating_add(d.counts.red),
    })
}

fn counts_sentence(brief: &Brief) -> String {
    format!(
        "本周共督查重点工作{}项、重点项目{}项，其中绿灯{}项、黄灯{}项、红灯{}项。",
        brief.tasks.total(),
        brief.projects.total(),
        brief.totals.green,
        brief.totals.yellow,
        brief.totals.red
    )
}

// ---------------------------------------------------------------------------------------------
// Word

pub(crate) mod word {
    use docx_rs::{
        AlignmentType, Docx, LineSpacing, PageMargin, Paragraph, Run, RunFonts, Shading, ShdType, Table,
        TableAlignmentType, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
    };

    /// Body text: 宋体 for Chinese, Times New Roman for Latin letters and digits; fonts are
    /// named, never embedded.
    pub fn body_fonts() -> RunFonts {
        RunFonts::new().east_asia("宋体").ascii("Times New Roman").hi_ansi("Times New Roman").hint("eastAsia")
    }

    pub fn heading_fonts() -> RunFonts {
        RunFonts::new().east_asia("黑体").ascii("Times New Roman").hi_ansi("Times New Roman").hint("eastAsia")
    }

    /// Half-points: 二号 22pt, 三号 16pt, 小四 12pt, 五号 10.5pt.
    pub const TITLE: usize = 44;
    pub const SUBTITLE: usize = 32;
    pub const HEADING: usize = 32;
    pub const BODY: usize = 24;
    pub const TABLE: usize = 21;

    /// A4 with the margins of GB/T 9704 (top 37mm, bottom 35mm, left 28mm, right 26mm), in twips.
    pub const PAGE_W: u32 = 11906;
    pub const PAGE_H: u32 = 16838;
    pub const MARGIN_LEFT: i32 = 1588;
    pub const MARGIN_RIGHT: i32 = 1474;
    /// The text width the tables fill.
    pub const TEXT_W: usize = 8844;

    pub fn document() -> Docx {
        Docx::new()
            .page_size(PAGE_W, PAGE_H)
            .page_margin(
                PageMargin::new().top(2098).bottom(1984).left(MARGIN_LEFT).right(MARGIN_RIGHT).header(851).footer(992),
            )
            .default_fonts(body_fonts())
            .default_size(BODY)
    }

    pub fn title(text: &str) -> Paragraph {
        Paragraph::new()
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(120))
            .add_run(Run::new().add_text(text).fonts(heading_fonts()).size(TITLE))
    }

    pub fn centred(text: &str, size: usize) -> Paragraph {
        Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(text).fonts(body_fonts()).size(size))
    }

    pub fn right(text: &str) -> Paragraph {
        Paragraph::new()
            .align(AlignmentType::Right)
            .line_spacing(LineSpacing::new().after(240))
            .add_run(Run::new().add_text(text).fonts(body_fonts()).size(TABLE))
    }

    pub fn heading(text: &str) -> Paragraph {
        Paragraph::new()
            .keep_next(true)
            .line_spacing(LineSpacing::new().before(240).after(120))
            .add_run(Run::new().add_text(text).fonts(heading_fonts()).size(HEADING))
    }

    /// A second-level heading (小四 黑体) that stays with what follows it.
    pub fn subheading(text: &str) -> Paragraph {
        Paragraph::new()
            .keep_next(true)
            .line_spacing(LineSpacing::new().before(200).after(80))
            .add_run(Run::new().add_text(text).fonts(heading_fonts()).size(BODY))
    }

    /// A body paragraph, first line indented by two characters.
    pub fn body(text: &str) -> Paragraph {
        Paragraph::new()
            .first_line_chars(200)
            .line_spacing(LineSpacing::new().after(120))
            .add_run(Run::new().add_text(text).fonts(body_fonts()).size(BODY))
    }

    /// One table cell as the layout wants it.
    pub struct Cell {
        pub text: String,
        pub fill: Option<u32>,
        pub bold: bool,
        pub centre: bool,
    }

    impl Cell {
        pub fn text(t: impl Into<String>) -> Self {
            Self { text: t.into(), fill: None, bold: false, centre: false }
        }
        /// Numbers, dates, short labels: centred.
        pub fn mid(t: impl Into<String>) -> Self {
            Self { centre: true, ..Self::text(t) }
        }
        pub fn fill(mut self, f: Option<u32>) -> Self {
            self.fill = f;
            self
        }
        pub fn bold(mut self) -> Self {
            self.bold = true;
            self
        }
    }

    /// `keep_next`: the header row stays on the page of the first data row.
    fn cell(c: Cell, width: usize, keep_next: bool) -> TableCell {
        let mut run = Run::new().add_text(c.text).fonts(body_fonts()).size(TABLE);
        if c.bold {
            run = run.bold();
        }
        let p = Paragraph::new()
            .align(if c.centre { AlignmentType::Center } else { AlignmentType::Left })
            .keep_next(keep_next)
            .add_run(run);
        let mut tc = TableCell::new().add_paragraph(p).width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
        if let Some(f) = c.fill {
            tc = tc.shading(Shading::new().shd_type(ShdType::Clear).color("auto").fill(format!("{f:06X}")));
        }
        tc
    }

    /// A bordered table of the text width: a bold, grey, centred header row, then `rows`.
    /// `columns` are (header, width in twips); the widths are scaled to fill [`TEXT_W`] exactly
    /// (the tables below already add up to it). A 五号 CJK character is 210 twips wide.
    pub fn table(columns: &[(&str, usize)], rows: Vec<Vec<Cell>>) -> Table {
        let weight: usize = columns.iter().map(|c| c.1).sum::<usize>().max(1);
        let widths: Vec<usize> = columns.iter().map(|c| TEXT_W * c.1 / weight).collect();
        let header = TableRow::new(
            columns
                .iter()
                .zip(&widths)
                .map(|((h, _), w)| cell(Cell::mid(*h).bold().fill(Some(0xD9D9D9)), *w, true))
                .collect(),
        )
        .cant_split();
        let mut all = vec![header];
        for r in rows {
            all.push(TableRow::new(r.into_iter().zip(&widths).map(|(c, w)| cell(c, *w, false)).collect()).cant_split());
        }
        Table::new(all)
            .set_grid(widths)
            .layout(TableLayoutType::Fixed)
            .width(TEXT_W, WidthType::Dxa)
            .align(TableAlignmentType::Center)
            .margins(TableCellMargins::new().margin(40, 80, 40, 80))
    }
}

/// The brief as a Word document: title, zone, date and generation time, then the seven
/// sections in the order the meeting goes through them. An empty section says "无".
pub fn docx(brief: &Brief) -> Result<Vec<u8>, BriefError> {
    use word::{Cell, body, centred, heading, table};

    let mut doc = word::document()
        .add_paragraph(word::title("重点工作重点项目督查简报"))
        .add_paragraph(centred(&brief.zone_name, word::SUBTITLE))
        .add_paragraph(centred(&format!("（{} 周六）", chinese_date(&brief.week)), word::SUBTITLE))
        .add_paragraph(word::right(&format!("生成时间：{}", brief.generated_at)));
    if let Some(w3c) = w3c_time(&brief.generated_at) {
        doc = doc.created_at(&w3c).updated_at(&w3c);
    }

    // 一、上次会议议定事项落实情况
    doc = doc.add_paragraph(heading("一、上次会议议定事项落实情况"));
    if brief.follow_ups.is_empty() {
        doc = doc.add_paragraph(body("无"));
    } else {
        let rows = brief
            .follow_ups
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let fill = match f.state.as_str() {
                    "已逾期" => colour_fill("red"),
                    "已完成" => colour_fill("green"),
                    _ => None,
                };
                vec![
                    Cell::mid((i + 1).to_string()),
                    Cell::text(&f.title),
                    Cell::mid(&f.department),
                    Cell::mid(or_dash(&f.due_on)),
                    Cell::mid(or_dash(&f.meeting)),
                    Cell::mid(or_dash(&f.state)).fill(fill),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[("序号", 650), ("事项", 3194), ("责任单位", 1500), ("完成时限", 1300), ("议定会议", 1300), ("状态", 900)],
            rows,
        ));
    }

    // 二、总体情况
    doc = doc.add_paragraph(heading("二、总体情况")).add_paragraph(body(&counts_sentence(brief)));
    if !brief.by_department.is_empty() {
        let count_row = |name: &str, c: &Counts, bold: bool| {
            let mut row = vec![
                Cell::mid(name),
                Cell::mid(c.green.to_string()),
                Cell::mid(c.yellow.to_string()).fill(if c.yellow > 0 { colour_fill("yellow") } else { None }),
                Cell::mid(c.red.to_string()).fill(if c.red > 0 { colour_fill("red") } else { None }),
                Cell::mid(c.total().to_string()),
            ];
            if bold {
                row = row.into_iter().map(Cell::bold).collect();
            }
            row
        };
        let mut rows: Vec<Vec<Cell>> =
            brief.by_department.iter().map(|d| count_row(&d.department, &d.counts, false)).collect();
        rows.push(count_row("合计", &department_sum(brief), true));
        doc = doc.add_table(table(
            &[("责任单位", 3244), ("绿灯", 1400), ("黄灯", 1400), ("红灯", 1400), ("合计", 1400)],
            rows,
        ));
    }

    // 三、亮灯变化
    doc = doc.add_paragraph(heading("三、亮灯变化"));
    if brief.changed.is_empty() {
        doc = doc.add_paragraph(body("无"));
    } else {
        let rows = brief
            .changed
            .iter()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    Cell::mid((i + 1).to_string()),
                    Cell::mid(&it.kind),
                    Cell::text(&it.title),
                    Cell::mid(&it.department),
                    Cell::mid(colour_name(&it.previous_colour)).fill(colour_fill(&it.previous_colour)),
                    Cell::mid(colour_name(&it.colour)).fill(colour_fill(&it.colour)),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[("序号", 650), ("类别", 1070), ("事项", 3624), ("责任单位", 1500), ("上周", 1000), ("本周", 1000)],
            rows,
        ));
    }

    // 四、红灯事项 / 五、黄灯事项
    for (title, items) in [("四、红灯事项", &brief.red), ("五、黄灯事项", &brief.yellow)] {
        doc = doc.add_paragraph(heading(title));
        if items.is_empty() {
            doc = doc.add_paragraph(body("无"));
            continue;
        }
        let rows = items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    Cell::mid((i + 1).to_string()),
                    Cell::mid(&it.kind),
                    Cell::text(&it.title),
                    Cell::mid(&it.department),
                    Cell::mid(or_dash(&it.leader)),
                    Cell::mid(format!("{}%", it.progress_pct)),
                    Cell::text(reasons(it)),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[
                ("序号", 650),
                ("类别", 1070),
                ("事项", 1700),
                ("责任单位", 1500),
                ("分管领导", 1070),
                ("进度", 650),
                ("原因", 2204),
            ],
            rows,
        ));
    }

    // 六、下周到期事项
    doc = doc.add_paragraph(heading("六、下周到期事项"));
    if brief.due_next_week.is_empty() {
        doc = doc.add_paragraph(body("无"));
    } else {
        let rows = brief
            .due_next_week
            .iter()
            .enumerate()
            .map(|(i, it)| {
                vec![
                    Cell::mid((i + 1).to_string()),
                    Cell::mid(&it.kind),
                    Cell::text(&it.title),
                    Cell::mid(&it.department),
                    Cell::mid(or_dash(&it.due_on)),
                    Cell::mid(format!("{}%", it.progress_pct)),
                    Cell::mid(colour_name(&it.colour)).fill(colour_fill(&it.colour)),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[
                ("序号", 650),
                ("类别", 1070),
                ("事项", 2624),
                ("责任单位", 1500),
                ("完成时限", 1300),
                ("进度", 700),
                ("亮灯", 1000),
            ],
            rows,
        ));
    }

    // 七、投资进度滞后项目
    doc = doc.add_paragraph(heading("七、投资进度滞后项目"));
    if brief.projects_behind.is_empty() {
        doc = doc.add_paragraph(body("无"));
    } else {
        let rows = brief
            .projects_behind
            .iter()
            .enumerate()
            .map(|(i, p)| {
                vec![
                    Cell::mid((i + 1).to_string()),
                    Cell::text(&p.name),
                    Cell::mid(&p.department),
                    Cell::mid(&p.planned_to_date),
                    Cell::mid(&p.actual_to_date),
                    Cell::mid(format!("{}%", p.behind_pct)),
                ]
            })
            .collect();
        doc = doc.add_table(table(
            &[("序号", 650), ("项目", 2694), ("责任单位", 1500), ("计划完成", 1600), ("实际完成", 1600), ("滞后", 800)],
            rows,
        ));
    }

    let mut out = std::io::Cursor::new(Vec::new());
    doc.pack(&mut out).map_err(docx_rs::DocxError::from)?;
    Ok(out.into_inner())
}

/// `2026-11-28 08:00` (Beijing) → `2026-11-28T08:00:00+08:00` for the document's properties.
fn w3c_time(generated_at: &str) -> Option<String> {
    let (date, time) = generated_at.trim().split_once(' ')?;
    let ok = date.len() == 10
        && time.len() == 5
        && date.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
        && time.bytes().enumerate().all(|(i, b)| if i == 2 { b == b':' } else { b.is_ascii_digit() });
    ok.then(|| format!("{date}T{time}:00+08:00"))
}

// ---------------------------------------------------------------------------------------------
// Excel

pub(crate) mod excel {
    use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet};

    use super::BriefError;
    use crate::neutralise;

    /// A cell of a sheet: text (neutralised when written) or a number.
    pub enum V {
        T(String),
        N(f64),
    }

    impl V {
        pub fn t(s: impl Into<String>) -> Self {
            Self::T(s.into())
        }
        pub fn n(n: impl Into<f64>) -> Self {
            Self::N(n.into())
        }
        /// Display width: a CJK character counts as two.
        fn width(&self) -> usize {
            match self {
                Self::T(s) => s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum(),
                Self::N(n) => n.to_string().len(),
            }
        }
    }

    pub fn header() -> Format {
        Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
    }

    pub fn plain() -> Format {
        Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter)
    }

    pub fn fill(rgb: u32) -> Format {
        plain().set_background_color(Color::RGB(rgb))
    }

    pub fn row_index(i: usize) -> Result<u32, BriefError> {
        u32::try_from(i).map_err(|_| BriefError::TooManyRows)
    }

    fn col_index(i: usize) -> Result<u16, BriefError> {
        u16::try_from(i).map_err(|_| BriefError::TooManyRows)
    }

    /// Writes one row from `row` on; `styles[i]` overrides the plain style of cell `i`.
    pub fn write_row(
        ws: &mut Worksheet,
        row: u32,
        cells: &[V],
        styles: &[Option<Format>],
        widths: &mut Vec<usize>,
    ) -> Result<(), BriefError> {
        let base = plain();
        for (i, v) in cells.iter().enumerate() {
            let col = col_index(i)?;
            let style = styles.get(i).and_then(Option::as_ref).unwrap_or(&base);
            match v {
                V::T(s) => ws.write_string_with_format(row, col, neutralise(s).as_ref(), style)?,
                V::N(n) => ws.write_number_with_format(row, col, *n, style)?,
            };
            if widths.len() <= i {
                widths.resize(i + 1, 0);
            }
            widths[i] = widths[i].max(v.width());
        }
        Ok(())
    }

    /// A sheet with a bold, frozen header row and `rows` below it; each column as wide as its
    /// longest cell (within 8 to 60 characters).
    pub fn sheet(
        ws: &mut Worksheet,
        name: &str,
        headers: &[&str],
        rows: Vec<(Vec<V>, Vec<Option<Format>>)>,
    ) -> Result<(), BriefError> {
        ws.set_name(name)?;
        let mut widths = Vec::new();
        let head: Vec<V> = headers.iter().map(|h| V::t(*h)).collect();
        let head_styles: Vec<Option<Format>> = headers.iter().map(|_| Some(header())).collect();
        write_row(ws, 0, &head, &head_styles, &mut widths)?;
        for (i, (cells, styles)) in rows.into_iter().enumerate() {
            write_row(ws, row_index(i + 1)?, &cells, &styles, &mut widths)?;
        }
        set_widths(ws, &widths)?;
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }

    /// Column widths from the longest cells, and the page set up to print on A4 (paper size 9),
    /// landscape, one page wide.
    pub fn set_widths(ws: &mut Worksheet, widths: &[usize]) -> Result<(), BriefError> {
        for (i, w) in widths.iter().enumerate() {
            ws.set_column_width(col_index(i)?, (*w + 2).clamp(8, 60) as f64)?;
        }
        ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
        Ok(())
    }
}

/// The brief as a workbook, one sheet per table: 总体情况, 红黄灯事项, 亮灯变化, 下周到期,
/// 投资滞后, 议定事项. Every text cell is neutralised against formula injection.
pub fn xlsx(brief: &Brief) -> Result<Vec<u8>, BriefError> {
    use excel::{V, fill, header, set_widths, sheet, write_row};
    use rust_xlsxwriter::Workbook;

    let mut wb = Workbook::new();
    let light = |c: &str| colour_fill(c).map(fill);

    // 总体情况: the department table with its 合计 row, then the same by kind.
    {
        let ws = wb.add_worksheet();
        ws.set_name("总体情况")?;
        let mut widths = Vec::new();
        let heads = ["责任单位", "绿灯", "黄灯", "红灯", "合计"];
        let head_cells: Vec<V> = heads.iter().map(|h| V::t(*h)).collect();
        let head_styles: Vec<_> = heads.iter().map(|_| Some(header())).collect();
        let counts =
            |name: &str, c: &Counts| vec![V::t(name), V::n(c.green), V::n(c.yellow), V::n(c.red), V::n(c.total())];
        let bold = vec![Some(excel::plain().set_bold()); heads.len()];
        write_row(ws, 0, &head_cells, &head_styles, &mut widths)?;
        let mut r = 1;
        for d in &brief.by_department {
            write_row(ws, r, &counts(&d.department, &d.counts), &[], &mut widths)?;
            r += 1;
        }
        write_row(ws, r, &counts("合计", &department_sum(brief)), &bold, &mut widths)?;
        r += 2;
        let kind_heads: Vec<V> = ["类别", "绿灯", "黄灯", "红灯", "合计"].iter().map(|h| V::t(*h)).collect();
        write_row(ws, r, &kind_heads, &head_styles, &mut widths)?;
        write_row(ws, r + 1, &counts("重点工作", &brief.tasks), &[], &mut widths)?;
        write_row(ws, r + 2, &counts("重点项目", &brief.projects), &[], &mut widths)?;
        write_row(ws, r + 3, &counts("合计", &brief.totals), &bold, &mut widths)?;
        write_row(
            ws,
            r + 5,
            &[V::t(counts_sentence(brief))],
            &[Some(rust_xlsxwriter::Format::new())],
            &mut Vec::new(),
        )?;
        set_widths(ws, &widths)?;
        ws.set_freeze_panes(1, 0)?;
    }

    let item_rows = |items: &[&ItemLine]| -> Vec<(Vec<V>, Vec<Option<rust_xlsxwriter::Format>>)> {
        items
            .iter()
            .map(|it| {
                (
                    vec![
                        V::t(colour_name(&it.colour)),
                        V::t(&it.kind),
                        V::t(&it.title),
                        V::t(&it.department),
                        V::t(&it.leader),
                        V::n(it.progress_pct),
                        V::t(&it.due_on),
                        V::t(reasons(it)),
                    ],
                    vec![light(&it.colour)],
                )
            })
            .collect()
    };
    let red_yellow: Vec<&ItemLine> = brief.red.iter().chain(&brief.yellow).collect();
    sheet(
        wb.add_worksheet(),
        "红黄灯事项",
        &["亮灯", "类别", "事项", "责任单位", "分管领导", "进度%", "完成时限", "原因"],
        item_rows(&red_yellow),
    )?;

    let changed = brief
        .changed
        .iter()
        .map(|it| {
            (
                vec![
                    V::t(&it.kind),
                    V::t(&it.title),
                    V::t(&it.department),
                    V::t(&it.leader),
                    V::t(colour_name(&it.previous_colour)),
                    V::t(colour_name(&it.colour)),
                    V::t(reasons(it)),
                ],
                vec![None, None, None, None, light(&it.previous_colour), light(&it.colour)],
            )
        })
        .collect();
    sheet(wb.add_worksheet(), "亮灯变化", &["类别", "事项", "责任单位", "分管领导", "上周", "本周", "原因"], changed)?;

    let due = brief
        .due_next_week
        .iter()
        .map(|it| {
            (
                vec![
                    V::t(&it.kind),
                    V::t(&it.title),
                    V::t(&it.department),
                    V::t(&it.leader),
                    V::t(&it.due_on),
                    V::n(it.progress_pct),
                    V::t(colour_name(&it.colour)),
                ],
                vec![None, None, None, None, None, None, light(&it.colour)],
            )
        })
        .collect();
    sheet(wb.add_worksheet(), "下周到期", &["类别", "事项", "责任单位", "分管领导", "完成时限", "进度%", "亮灯"], due)?;

    let behind = brief
        .projects_behind
        .iter()
        .map(|p| {
            (
                vec![
                    V::t(&p.name),
                    V::t(&p.department),
                    V::t(&p.planned_to_date),
                    V::t(&p.actual_to_date),
                    V::n(p.behind_pct as f64),
                ],
                vec![],
            )
        })
        .collect();
    sheet(wb.add_worksheet(), "投资滞后", &["项目", "责任单位", "计划完成", "实际完成", "滞后%"], behind)?;

    let follow_ups = brief
        .follow_ups
        .iter()
        .map(|f| (vec![V::t(&f.title), V::t(&f.department), V::t(&f.due_on), V::t(&f.meeting), V::t(&f.state)], vec![]))
        .collect();
    sheet(wb.add_worksheet(), "议定事项", &["事项", "责任单位", "完成时限", "议定会议", "状态"], follow_ups)?;

    Ok(wb.save_to_buffer()?)
}
