//! Spreadsheets (IV-03, PD-04): a module declares its columns once ([`Sheet`]) and gets from
//! that declaration the downloadable template, the guarded reader (xlsx and csv), the annotated
//! error report and the streamed, formula-neutralised export.
//!
//! The template's second row is a grey example; the reader skips it when it is left exactly as
//! it was written. A second sheet "填写说明" explains every column.

mod guard;
mod read;
mod write;

pub use guard::{Format, Limits, check_file};
pub use read::{Parsed, Row, read};
pub use write::{ExportFormat, ExportWriter, error_report, neutralise, template};

/// What a column holds; the template's note says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Digits only (a phone number, a code): kept as text so leading zeros survive.
    Digits,
}

/// Checks and normalises a cell; `Err` is (stable code, Chinese message).
pub type Parser = fn(&str) -> Result<String, (&'static str, String)>;

/// A column as a module declares it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// English key, accepted in the header instead of the Chinese name.
    pub key: &'static str,
    /// Chinese header as the user sees it.
    pub header: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Longest value in characters.
    pub max_len: usize,
    pub example: &'static str,
    /// What the header's note explains.
    pub help: &'static str,
    /// Checks and normalises a non-empty value; `Err` is (code, Chinese message).
    pub parse: Option<Parser>,
}

impl Column {
    pub const fn text(key: &'static str, header: &'static str, max_len: usize) -> Self {
        Self { key, header, kind: Kind::Text, required: false, max_len, example: "", help: "", parse: None }
    }
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub const fn digits(mut self) -> Self {
        self.kind = Kind::Digits;
        self
    }
    pub const fn example(mut self, e: &'static str) -> Self {
        self.example = e;
        self
    }
    pub const fn help(mut self, h: &'static str) -> Self {
        self.help = h;
        self
    }
    pub const fn parse(mut self, p: Parser) -> Self {
        self.parse = Some(p);
        self
    }
}

/// A module's sheet: its name and its columns, in template order.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub name: &'static str,
    pub columns: &'static [Column],
}

/// One problem with one cell, located as the user sees it in Excel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellError {
    /// 1-based, the header being row 1.
    pub row: u32,
    /// Column letter (`A`, `B`, …); empty for a whole-row problem.
    pub column: String,
    /// The column's Chinese header.
    pub header: String,
    pub code: String,
    /// Chinese explanation, also written into the error report.
    pub message: String,
}

impl CellError {
    pub fn new(row: u32, col: Option<usize>, header: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            row,
            column: col.map(column_letter).unwrap_or_default(),
            header: header.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        }
    }
}

/// A file refused as a whole, with its stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("only .xlsx and .csv files are accepted")]
    TypeNotAllowed,
    #[error("files with macros are refused")]
    Macro,
    #[error("the file is larger than allowed")]
    TooLarge,
    #[error("the archive expands too much")]
    ZipBomb,
    #[error("more data rows than allowed")]
    TooManyRows,
    #[error("the header does not match the template")]
    HeaderMismatch(Vec<CellError>),
    #[error("formula cells are refused")]
    Formula(Vec<CellError>),
    #[error("some cells are not valid")]
    InvalidCells(Vec<CellError>),
    #[error("the file cannot be read")]
    Unreadable,
    #[error("writing the file failed: {0}")]
    Io(String),
}

impl SheetError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::TypeNotAllowed => "sheet.type_not_allowed",
            Self::Macro => "sheet.macro",
            Self::TooLarge => "sheet.too_large",
            Self::ZipBomb => "sheet.zip_bomb",
            Self::TooManyRows => "sheet.too_many_rows",
            Self::HeaderMismatch(_) => "sheet.header_mismatch",
            Self::Formula(_) => "sheet.formula",
            Self::InvalidCells(_) => "sheet.invalid_cells",
            Self::Unreadable => "sheet.unreadable",
            Self::Io(_) => "internal",
        }
    }

    /// The located problems, if the error has any.
    pub fn cells(&self) -> &[CellError] {
        match self {
            Self::HeaderMismatch(c) | Self::Formula(c) | Self::InvalidCells(c) => c,
            _ => &[],
        }
    }
}

/// `0 → A`, `25 → Z`, `26 → AA`.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_names_them() {
        for (i, l) in [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_letter(i), l);
        }
    }
}

pub mod brief;
#[cfg(test)]
mod guard_tests;
pub mod party;

#[cfg(test)]
mod brief_tests;
#[cfg(test)]
mod party_tests;
