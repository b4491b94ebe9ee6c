//! Checks done before any parsing (IV-03): size, type by magic bytes, macros, zip bombs.

use std::io::Cursor;

use crate::SheetError;

/// The limits an upload must stay within.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_entries: usize,
    pub max_uncompressed: u64,
    /// Largest uncompressed / compressed ratio of one entry (checked for entries over 64 KiB).
    pub max_ratio: u64,
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_entries: 1_000,
            max_uncompressed: 100 * 1024 * 1024,
            max_ratio: 100,
            max_rows: 10_000,
        }
    }
}

/// What the file is, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Decides the format from the bytes (the name only tells a CSV from other text) and refuses
/// what is too large, not a workbook, macro-enabled or a zip bomb.
pub fn check_file(file_name: &str, bytes: &[u8], limits: &Limits) -> Result<Format, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::TooLarge);
    }
    let lower = file_name.to_ascii_lowercase();
    if bytes.starts_with(ZIP_MAGIC) {
        check_zip(bytes, limits)?;
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        // .xls (BIFF) and encrypted workbooks: not accepted.
        return Err(SheetError::TypeNotAllowed);
    }
    let head = &bytes[..bytes.len().min(8192)];
    if lower.ends_with(".csv") && !head.contains(&0) && !bytes.starts_with(b"MZ") {
        return Ok(Format::Csv);
    }
    Err(SheetError::TypeNotAllowed)
}

fn check_zip(bytes: &[u8], limits: &Limits) -> Result<(), SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::TypeNotAllowed)?;
    if zip.len() > limits.max_entries {
        return Err(SheetError::ZipBomb);
    }
    let mut total: u64 = 0;
    let mut workbook = false;
    let mut macro_content = false;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|_| SheetError::TypeNotAllowed)?;
        let size = f.size();
        total = total.saturating_add(size);
        if total > limits.max_uncompressed {
            return Err(SheetError::ZipBomb);
        }
        if size > 64 * 1024 && size / f.compressed_size().max(1) > limits.max_ratio {
            return Err(SheetError::ZipBomb);
        }
        let name = f.name().map_err(|_| SheetError::TypeNotAllowed)?.to_ascii_lowercase();
        if name.ends_with("vbaproject.bin") {
            macro_content = true;
        }
        if name == "xl/workbook.xml" {
            workbook = true;
        }
        if name == "[content_types].xml" && size < 1024 * 1024 {
            drop(f);
            let mut text = String::new();
            if let Ok(mut f) = zip.by_index(i) {
                use std::io::Read;
                let _ = f.read_to_string(&mut text);
            }
            if text.to_ascii_lowercase().contains("macroenabled") {
                macro_content = true;
            }
        }
    }
    if macro_content {
        return Err(SheetError::Macro);
    }
    if !workbook {
        return Err(SheetError::TypeNotAllowed);
    }
    Ok(())
}
