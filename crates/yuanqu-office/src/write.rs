//! Writers: the template, the annotated error report and the streamed export.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};

use rust_xlsxwriter::{Color, Format as Style, Note, Workbook, XlsxError};
use tempfile::NamedTempFile;

use crate::read::Parsed;
use crate::{CellError, Sheet, SheetError};

fn io(e: impl std::fmt::Display) -> SheetError {
    SheetError::Io(e.to_string())
}

fn xe(e: XlsxError) -> SheetError {
    io(e)
}

fn header_style() -> Style {
    Style::new().set_bold().set_background_color(Color::RGB(0xDDEBF7))
}

/// The downloadable template: Chinese headers (each with a note: English key, required or not,
/// format, example), a grey example row that the reader skips if left as is, a frozen header,
/// text-formatted columns, and a "填写说明" sheet.
pub fn template(sheet: &Sheet) -> Result<Vec<u8>, SheetError> {
    let mut wb = Workbook::new();
    let head = header_style();
    let example = Style::new().set_italic().set_font_color(Color::RGB(0x808080));
    let text = Style::new().set_num_format("@");
    let ws = wb.add_worksheet();
    ws.set_name(sheet.name).map_err(xe)?;
    for (i, c) in sheet.columns.iter().enumerate() {
        let col = u16::try_from(i).map_err(io)?;
        ws.set_column_width(col, 20).map_err(xe)?;
        ws.set_column_format(col, &text).map_err(xe)?;
        ws.write_string_with_format(0, col, c.header, &head).map_err(xe)?;
        let note = Note::new(format!(
            "{}（{}）\n{}\n示例：{}",
            c.key,
            if c.required { "必填" } else { "选填" },
            c.help,
            c.example
        ))
        .set_author("园区")
        .set_width(260)
        .set_height(120)
        .add_author_prefix(false);
        ws.insert_note(0, col, &note).map_err(xe)?;
        ws.write_string_with_format(1, col, c.example, &example).map_err(xe)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    let help = wb.add_worksheet();
    help.set_name("填写说明").map_err(xe)?;
    help.write_string(0, 0, "第 2 行是灰色示例：原样保留时导入会跳过它，也可以直接覆盖或删除。").map_err(xe)?;
    for (i, h) in ["列名", "英文键", "是否必填", "最多字数", "说明", "示例"].iter().enumerate() {
        help.write_string_with_format(2, u16::try_from(i).map_err(io)?, *h, &head).map_err(xe)?;
    }
    for (i, c) in sheet.columns.iter().enumerate() {
        let r = u32::try_from(i + 3).map_err(io)?;
        help.write_string(r, 0, c.header).map_err(xe)?;
        help.write_string(r, 1, c.key).map_err(xe)?;
        help.write_string(r, 2, if c.required { "必填" } else { "选填" }).map_err(xe)?;
        help.write_number(r, 3, c.max_len as f64).map_err(xe)?;
        help.write_string(r, 4, c.help).map_err(xe)?;
        help.write_string(r, 5, c.example).map_err(xe)?;
    }
    help.set_column_width(4, 60).map_err(xe)?;
    wb.save_to_buffer().map_err(xe)
}

/// The uploaded rows at their original row numbers, plus an "错误说明" column; every cell in
/// error is filled red and carries a note with the reason.
pub fn error_report(sheet: &Sheet, parsed: &Parsed, errors: &[CellError]) -> Result<Vec<u8>, SheetError> {
    let mut wb = Workbook::new();
    let head = header_style();
    let bad = Style::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006));
    let ws = wb.add_worksheet();
    ws.set_name(sheet.name).map_err(xe)?;
    let n = sheet.columns.len();
    for (i, c) in sheet.columns.iter().enumerate() {
        let col = u16::try_from(i).map_err(io)?;
        ws.set_column_width(col, 20).map_err(xe)?;
        ws.write_string_with_format(0, col, c.header, &head).map_err(xe)?;
    }
    let reason_col = u16::try_from(n).map_err(io)?;
    ws.write_string_with_format(0, reason_col, "错误说明", &head).map_err(xe)?;
    ws.set_column_width(reason_col, 60).map_err(xe)?;
    ws.set_freeze_panes(1, 0).map_err(xe)?;
    let mut by_row: BTreeMap<u32, Vec<&CellError>> = BTreeMap::new();
    for e in errors {
        by_row.entry(e.row).or_default().push(e);
    }
    for r in &parsed.rows {
        let row = r.line.saturating_sub(1);
        let errs = by_row.remove(&r.line).unwrap_or_default();
        for (i, (v, c)) in r.values.iter().zip(sheet.columns).enumerate() {
            let col = u16::try_from(i).map_err(io)?;
            let cell_errs: Vec<&&CellError> = errs.iter().filter(|e| e.header == c.header).collect();
            let v = neutralise(v);
            if cell_errs.is_empty() {
                ws.write_string(row, col, v.as_ref()).map_err(xe)?;
            } else {
                ws.write_string_with_format(row, col, v.as_ref(), &bad).map_err(xe)?;
                let msg = cell_errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\n");
                ws.insert_note(row, col, &Note::new(msg).add_author_prefix(false)).map_err(xe)?;
            }
        }
        let reasons = errs.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
        if !reasons.is_empty() {
            ws.write_string_with_format(row, reason_col, &reasons, &bad).map_err(xe)?;
        }
    }
    // Problems not tied to a data row (the header): listed below the data.
    let mut next = parsed.rows.last().map(|r| r.line).unwrap_or(1) + 1;
    for errs in by_row.values() {
        for e in errs {
            ws.write_string_with_format(next, reason_col, format!("第 {} 行：{}", e.row, e.message), &bad)
                .map_err(xe)?;
            next += 1;
        }
    }
    wb.save_to_buffer().map_err(xe)
}

/// A cell starting with `= + - @`, a tab or a carriage return would be a formula to Excel
/// (PD-04, CSV/formula injection): it is written with a leading `'`.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Csv => "text/csv; charset=utf-8",
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Self::Xlsx => "xlsx",
            Self::Csv => "csv",
        }
    }
}

enum Out {
    /// `constant_memory` worksheet: each row goes to a temporary file as it is written.
    Xlsx(Box<Workbook>),
    Csv(Box<csv::Writer<BufWriter<std::fs::File>>>),
}

/// Writes an export row by row to a temporary file, never holding the rows in memory.
pub struct ExportWriter {
    out: Out,
    file: NamedTempFile,
    row: u32,
    pub rows: u64,
}

impl ExportWriter {
    pub fn new(format: ExportFormat, sheet_name: &str, headers: &[&str]) -> Result<Self, SheetError> {
        let file = NamedTempFile::new().map_err(io)?;
        let out = match format {
            ExportFormat::Xlsx => {
                let mut wb = Workbook::new();
                let head = header_style();
                let ws = wb.add_worksheet_with_constant_memory().map_err(xe)?;
                ws.set_name(sheet_name).map_err(xe)?;
                for (i, h) in headers.iter().enumerate() {
                    let col = u16::try_from(i).map_err(io)?;
                    ws.set_column_width(col, 18).map_err(xe)?;
                    ws.write_string_with_format(0, col, *h, &head).map_err(xe)?;
                }
                ws.set_freeze_panes(1, 0).map_err(xe)?;
                Out::Xlsx(Box::new(wb))
            }
            ExportFormat::Csv => {
                let mut w = BufWriter::new(file.reopen().map_err(io)?);
                // Excel opens a UTF-8 CSV with Chinese text correctly only with the BOM.
                w.write_all(b"\xEF\xBB\xBF").map_err(io)?;
                let mut c = csv::Writer::from_writer(w);
                c.write_record(headers).map_err(io)?;
                Out::Csv(Box::new(c))
            }
        };
        Ok(Self { out, file, row: 1, rows: 0 })
    }

    /// Writes one row, neutralising every cell.
    pub fn row(&mut self, cells: &[&str]) -> Result<(), SheetError> {
        match &mut self.out {
            Out::Xlsx(wb) => {
                let ws = wb.worksheet_from_index(0).map_err(xe)?;
                for (i, v) in cells.iter().enumerate() {
                    ws.write_string(self.row, u16::try_from(i).map_err(io)?, neutralise(v).as_ref()).map_err(xe)?;
                }
            }
            Out::Csv(c) => c.write_record(cells.iter().map(|v| neutralise(v).into_owned())).map_err(io)?,
        }
        self.row += 1;
        self.rows += 1;
        Ok(())
    }

    /// Closes the workbook and returns the temporary file (deleted when dropped).
    pub fn finish(self) -> Result<NamedTempFile, SheetError> {
        match self.out {
            Out::Xlsx(mut wb) => wb.save(self.file.path()).map_err(xe)?,
            Out::Csv(mut c) => c.flush().map_err(io)?,
        }
        Ok(self.file)
    }
}
