//! The guarded reader: xlsx (calamine, streamed cell by cell) and csv (UTF-8 with or without
//! BOM, else GB18030), checked against the sheet's declaration.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};

use crate::guard::{Format, Limits, check_file};
use crate::{CellError, Column, Sheet, SheetError};

/// A data row in the declaration's column order, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row number Excel shows (the header is row 1).
    pub line: u32,
    pub values: Vec<String>,
}

/// What a readable file held: its data rows and the problems found in their cells.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub format: Format,
    pub rows: Vec<Row>,
    pub errors: Vec<CellError>,
}

/// One cell as read: column index, text, whether it held a formula.
type RawCell = (usize, String, bool);

/// Reads an upload against `sheet`. File-level problems (type, size, bomb, rows, header,
/// formulas) are `Err`; cell problems are collected in [`Parsed::errors`].
pub fn read(sheet: &Sheet, file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Parsed, SheetError> {
    let format = check_file(file_name, bytes, limits)?;
    // The header, an optional example row and one row past the limit are enough to decide.
    let cap = limits.max_rows + 3;
    let raw = match format {
        Format::Xlsx => xlsx_rows(bytes, cap)?,
        Format::Csv => csv_rows(bytes, cap)?,
    };
    let mut it = raw.into_iter();
    let Some((header_line, header)) = it.next() else {
        return Err(SheetError::HeaderMismatch(missing_all(sheet)));
    };
    let positions = match_header(sheet, header_line, &header)?;
    let mut rows = Vec::new();
    let mut formulas = Vec::new();
    for (line, cells) in it {
        let mut values = vec![String::new(); sheet.columns.len()];
        for (col, text, formula) in cells {
            if let Some(i) = positions.iter().position(|p| *p == col) {
                if formula {
                    let h = sheet.columns[i].header;
                    formulas.push(CellError::new(line, Some(col), h, "sheet.formula", "不接受公式，请填写数值或文字"));
                }
                values[i] = text.trim().to_owned();
            }
        }
        if values.iter().all(String::is_empty) {
            continue;
        }
        let is_example = line == header_line + 1 && values.iter().zip(sheet.columns).all(|(v, c)| v == c.example);
        if is_example {
            continue;
        }
        rows.push(Row { line, values });
        if rows.len() > limits.max_rows {
            return Err(SheetError::TooManyRows);
        }
    }
    if !formulas.is_empty() {
        return Err(SheetError::Formula(formulas));
    }
    let mut errors = Vec::new();
    for r in &mut rows {
        for (i, c) in sheet.columns.iter().enumerate() {
            if let Some(e) = check_cell(c, r.line, positions[i], &mut r.values[i]) {
                errors.push(e);
            }
        }
    }
    Ok(Parsed { format, rows, errors })
}

fn check_cell(c: &Column, line: u32, col: usize, v: &mut String) -> Option<CellError> {
    let err = |code: &str, msg: String| Some(CellError::new(line, Some(col), c.header, code, msg));
    if v.is_empty() {
        return if c.required { err("required", format!("「{}」必须填写", c.header)) } else { None };
    }
    if v.chars().count() > c.max_len {
        return err("too_long", format!("「{}」最多 {} 个字", c.header, c.max_len));
    }
    if let Some(p) = c.parse {
        match p(v) {
            Ok(n) => *v = n,
            Err((code, msg)) => return err(code, msg),
        }
    }
    None
}

fn missing_all(sheet: &Sheet) -> Vec<CellError> {
    sheet
        .columns
        .iter()
        .map(|c| CellError::new(1, None, c.header, "sheet.column_missing", format!("缺少列「{}」", c.header)))
        .collect()
}

/// For each declared column, the file's column index holding it.
fn match_header(sheet: &Sheet, line: u32, header: &[RawCell]) -> Result<Vec<usize>, SheetError> {
    let mut found: Vec<Option<usize>> = vec![None; sheet.columns.len()];
    let mut errors = Vec::new();
    for (col, text, _) in header {
        let t = text.trim();
        if t.is_empty() {
            continue;
        }
        match sheet.columns.iter().position(|c| c.header == t || c.key.eq_ignore_ascii_case(t)) {
            Some(i) if found[i].is_some() => {
                errors.push(CellError::new(line, Some(*col), t, "sheet.column_duplicate", format!("列「{t}」重复")))
            }
            Some(i) => found[i] = Some(*col),
            None => errors.push(CellError::new(line, Some(*col), t, "sheet.column_unknown", format!("未知列「{t}」"))),
        }
    }
    for (i, c) in sheet.columns.iter().enumerate() {
        if found[i].is_none() {
            errors.push(CellError::new(
                line,
                None,
                c.header,
                "sheet.column_missing",
                format!("缺少列「{}」", c.header),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(SheetError::HeaderMismatch(errors));
    }
    Ok(found.into_iter().map(|f| f.unwrap_or(usize::MAX)).collect())
}

fn text_of(v: &DataRef<'_>) -> String {
    match v {
        DataRef::Empty => String::new(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::String(s) => s.clone(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => calamine::Data::from(other.clone()).to_string(),
    }
}

/// The first worksheet's non-empty rows, as `(Excel row number, cells)`.
fn xlsx_rows(bytes: &[u8], cap: usize) -> Result<Vec<(u32, Vec<RawCell>)>, SheetError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    let name = wb.sheet_names().first().cloned().ok_or(SheetError::Unreadable)?;
    let mut cells = wb.worksheet_cells_reader(&name).map_err(|_| SheetError::Unreadable)?;
    let mut rows: Vec<(u32, Vec<RawCell>)> = Vec::new();
    while let Some(c) = cells.next_cell_with_formula().map_err(|_| SheetError::Unreadable)? {
        let (r, col) = c.pos;
        let text = text_of(&c.value);
        let formula = c.formula.as_deref().is_some_and(|f| !f.is_empty());
        if text.trim().is_empty() && !formula {
            continue;
        }
        let line = r + 1;
        match rows.last_mut() {
            Some((l, v)) if *l == line => v.push((col as usize, text, formula)),
            _ => {
                if rows.len() >= cap {
                    break;
                }
                rows.push((line, vec![(col as usize, text, formula)]));
            }
        }
    }
    Ok(rows)
}

fn decode(bytes: &[u8]) -> String {
    if let Some(b) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(b).into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn csv_rows(bytes: &[u8], cap: usize) -> Result<Vec<(u32, Vec<RawCell>)>, SheetError> {
    let text = decode(bytes);
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|_| SheetError::Unreadable)?;
        let line = u32::try_from(i + 1).map_err(|_| SheetError::TooManyRows)?;
        // In a CSV, a cell starting with `=` is a formula to Excel: refused like one.
        let cells: Vec<RawCell> = rec
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(c, t)| (c, t.to_owned(), t.trim_start().starts_with('=')))
            .collect();
        if cells.is_empty() {
            continue;
        }
        if rows.len() >= cap {
            break;
        }
        rows.push((line, cells));
    }
    Ok(rows)
}
