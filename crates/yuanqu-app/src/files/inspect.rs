//! IV-02: what an upload is, decided by its bytes alone (never the name or the client's
//! Content-Type), and whether it may be kept. Images are re-encoded (EXIF and GPS gone) and get
//! a thumbnail; PDFs with active content and Office files with macros are refused.

use std::io::{Cursor, Read};

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use yuanqu_domain::files::FileKind;

use super::{FileRejection, FilesConfig};

/// An accepted upload, as it will be stored.
#[derive(Debug, Clone)]
pub struct Inspected {
    pub kind: FileKind,
    /// The bytes to store: re-encoded for images, as sent otherwise.
    pub stored: Vec<u8>,
    /// A JPEG at most [`THUMBNAIL_SIDE`] pixels on its longer side, for images.
    pub thumbnail: Option<Vec<u8>>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

pub const THUMBNAIL_SIDE: u32 = 320;
const JPEG_QUALITY: u8 = 85;
const THUMBNAIL_QUALITY: u8 = 80;
/// Most entries an Office file may have (a zip with more is not a document we want).
const MAX_ZIP_ENTRIES: usize = 10_000;
/// Largest `[Content_Types].xml` we read.
const MAX_CONTENT_TYPES_BYTES: u64 = 1024 * 1024;

const PNG_SIGNATURE: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Decides what `bytes` are and prepares them for storage, or says why not.
pub fn inspect(bytes: &[u8], cfg: &FilesConfig) -> Result<Inspected, FileRejection> {
    if bytes.len() > cfg.max_bytes {
        return Err(FileRejection::TooLarge);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        image(bytes, FileKind::Jpeg, cfg)
    } else if bytes.starts_with(PNG_SIGNATURE) {
        image(bytes, FileKind::Png, cfg)
    } else if bytes.starts_with(b"%PDF-") {
        pdf(bytes)
    } else if bytes.starts_with(b"PK\x03\x04") {
        office(bytes)
    } else {
        Err(FileRejection::TypeNotAllowed)
    }
}

// ---------------------------------------------------------------- images

fn image(bytes: &[u8], kind: FileKind, cfg: &FilesConfig) -> Result<Inspected, FileRejection> {
    let end = match kind {
        FileKind::Png => png_end(bytes),
        _ => jpeg_end(bytes),
    }
    .ok_or(FileRejection::Corrupt)?;
    if end < bytes.len() {
        return Err(FileRejection::TrailingData);
    }
    let format = if kind == FileKind::Png { ImageFormat::Png } else { ImageFormat::Jpeg };
    // The pixel-flood guard: the header's dimensions, before any pixel is decoded.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(image_error)?;
    if w > cfg.max_side || h > cfg.max_side || u64::from(w) * u64::from(h) > cfg.max_pixels {
        return Err(FileRejection::TooManyPixels);
    }
    // Second guard: the decoder's own limits.
    let mut limits = Limits::default();
    limits.max_image_width = Some(cfg.max_side);
    limits.max_image_height = Some(cfg.max_side);
    limits.max_alloc = Some(cfg.max_pixels.saturating_mul(8));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(image_error)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(image_error)?;
    img.apply_orientation(orientation);
    let stored = match kind {
        FileKind::Png => {
            let mut out = Vec::new();
            img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(image_error)?;
            out
        }
        _ => jpeg(&img, JPEG_QUALITY)?,
    };
    let thumb = if img.width() <= THUMBNAIL_SIDE && img.height() <= THUMBNAIL_SIDE {
        img.clone()
    } else {
        img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    };
    Ok(Inspected {
        kind,
        stored,
        thumbnail: Some(jpeg(&thumb, THUMBNAIL_QUALITY)?),
        width: Some(img.width()),
        height: Some(img.height()),
    })
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, FileRejection> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(&rgb).map_err(image_error)?;
    Ok(out)
}

fn image_error(e: ImageError) -> FileRejection {
    match e {
        ImageError::Limits(_) => FileRejection::TooManyPixels,
        _ => FileRejection::Corrupt,
    }
}

/// Where a JPEG ends: the offset just past its EOI marker, walking the segments and the
/// entropy-coded scans. `None` if it is cut short or malformed.
pub fn jpeg_end(b: &[u8]) -> Option<usize> {
    let mut i = 2;
    loop {
        if *b.get(i)? != 0xFF {
            return None;
        }
        while *b.get(i)? == 0xFF {
            i += 1;
        }
        let marker = b[i];
        i += 1;
        match marker {
            0xD9 => return Some(i),
            0xD0..=0xD7 | 0x01 => {}
            0x00 => return None,
            _ => {
                let len = usize::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]));
                if len < 2 {
                    return None;
                }
                i += len;
                if marker == 0xDA {
                    // Entropy-coded data runs to the next marker that is not a stuffed zero,
                    // a restart marker or fill.
                    loop {
                        let k = i + b.get(i..)?.iter().position(|&x| x == 0xFF)?;
                        let n = *b.get(k + 1)?;
                        if n == 0x00 || (0xD0..=0xD7).contains(&n) {
                            i = k + 2;
                        } else if n == 0xFF {
                            i = k + 1;
                        } else {
                            i = k;
                            break;
                        }
                    }
                }
            }
        }
    }
}

/// Where a PNG ends: the offset just past its IEND chunk. `None` if cut short.
pub fn png_end(b: &[u8]) -> Option<usize> {
    let mut i = PNG_SIGNATURE.len();
    loop {
        let len = u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind = b.get(i + 4..i + 8)?;
        i = i.checked_add(12)?.checked_add(len)?;
        if i > b.len() {
            return None;
        }
        if kind == b"IEND" {
            return Some(i);
        }
    }
}

// ---------------------------------------------------------------- PDF

/// PDF names that run something: JavaScript, or launching another program.
const ACTIVE_NAMES: &[&[u8]] = &[b"JavaScript", b"JS", b"Launch"];

/// Most bytes inflated from a PDF's compressed streams while looking for active content; a PDF
/// that needs more cannot be checked and is refused.
const MAX_PDF_INFLATED: u64 = 64 * 1024 * 1024;

fn pdf(bytes: &[u8]) -> Result<Inspected, FileRejection> {
    let active = |b: &[u8]| pdf_names(b).any(|n| ACTIVE_NAMES.contains(&n.as_slice()));
    if active(bytes) {
        return Err(FileRejection::PdfActiveContent);
    }
    // Object streams (PDF 1.5) hide dictionaries inside Flate-compressed streams: look there too.
    let mut budget = MAX_PDF_INFLATED;
    for stream in pdf_streams(bytes) {
        let mut out = Vec::new();
        let read = flate2::read::ZlibDecoder::new(stream).take(budget + 1).read_to_end(&mut out);
        if out.len() as u64 > budget {
            return Err(FileRejection::TypeNotAllowed);
        }
        budget -= out.len() as u64;
        // A stream that is not zlib (another filter, or plain) reads as an error or nothing.
        if (read.is_ok() || !out.is_empty()) && active(&out) {
            return Err(FileRejection::PdfActiveContent);
        }
    }
    Ok(Inspected { kind: FileKind::Pdf, stored: bytes.to_vec(), thumbnail: None, width: None, height: None })
}

/// The raw content of every `stream … endstream` in the file.
fn pdf_streams(b: &[u8]) -> impl Iterator<Item = &[u8]> + '_ {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            let at = i + find(b.get(i..)?, b"stream")?;
            let mut start = at + b"stream".len();
            i = start;
            // `endstream` also contains `stream`: skip it.
            if at >= 3 && &b[at - 3..at] == b"end" {
                continue;
            }
            match b.get(start..start + 2) {
                Some([b'\r', b'\n']) => start += 2,
                Some([b'\n', _]) => start += 1,
                _ => continue,
            }
            let end = start + find(b.get(start..)?, b"endstream")?;
            i = end + b"endstream".len();
            return Some(&b[start..end]);
        }
    })
}

/// Every name token (`/Name`) in the file, `#xx` escapes decoded (so `/J#61vaScript` is
/// `JavaScript`).
fn pdf_names(b: &[u8]) -> impl Iterator<Item = Vec<u8>> + '_ {
    let is_delim = |c: u8| c.is_ascii_whitespace() || b"()<>[]{}/%".contains(&c) || c == 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = i + b.get(i..)?.iter().position(|&c| c == b'/')? + 1;
        let mut name = Vec::new();
        let mut j = start;
        while let Some(&c) = b.get(j) {
            if is_delim(c) {
                break;
            }
            if c == b'#'
                && let Some(v) = b.get(j + 1..j + 3).and_then(|h| std::str::from_utf8(h).ok())
                && let Ok(v) = u8::from_str_radix(v, 16)
            {
                name.push(v);
                j += 3;
                continue;
            }
            name.push(c);
            j += 1;
        }
        i = j;
        Some(name)
    })
}

// ---------------------------------------------------------------- Office (OOXML)

const XLSX_MAIN: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
const DOCX_MAIN: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";

fn office(bytes: &[u8]) -> Result<Inspected, FileRejection> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileRejection::TypeNotAllowed)?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(FileRejection::TypeNotAllowed);
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.to_ascii_lowercase()))
        .collect::<Result<_, _>>()
        .map_err(|_| FileRejection::TypeNotAllowed)?;
    if names.iter().any(|n| n.ends_with("vbaproject.bin")) {
        return Err(FileRejection::Macro);
    }
    let types = {
        let entry = zip.by_name("[Content_Types].xml").map_err(|_| FileRejection::TypeNotAllowed)?;
        let mut s = String::new();
        entry.take(MAX_CONTENT_TYPES_BYTES).read_to_string(&mut s).map_err(|_| FileRejection::TypeNotAllowed)?;
        s
    };
    let lower = types.to_ascii_lowercase();
    if lower.contains("macroenabled") || lower.contains("vbaproject") {
        return Err(FileRejection::Macro);
    }
    let kind = if types.contains(XLSX_MAIN) {
        FileKind::Xlsx
    } else if types.contains(DOCX_MAIN) {
        FileKind::Docx
    } else {
        return Err(FileRejection::TypeNotAllowed);
    };
    Ok(Inspected { kind, stored: bytes.to_vec(), thumbnail: None, width: None, height: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_names_are_decoded() {
        let names: Vec<Vec<u8>> = pdf_names(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript >> >>").collect();
        assert!(names.contains(&b"JavaScript".to_vec()), "{names:?}");
        assert!(names.contains(&b"Catalog".to_vec()));
    }

    #[test]
    fn jpeg_and_png_ends_are_found() {
        // SOI, an APP0 of 4 bytes, SOS with 2 bytes of header, scan data with a stuffed FF 00
        // and a restart marker, EOI.
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xDA, 0, 2, 9, 0xFF, 0, 9, 0xFF, 0xD0, 9, 0xFF, 0xD9];
        assert_eq!(jpeg_end(&jpeg), Some(jpeg.len()));
        assert_eq!(jpeg_end(&jpeg[..jpeg.len() - 1]), None);
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend([0, 0, 0, 0]);
        png.extend(b"IEND");
        png.extend([0xAE, 0x42, 0x60, 0x82]);
        assert_eq!(png_end(&png), Some(png.len()));
        png.extend(b"<script>");
        assert_eq!(png_end(&png), Some(png.len() - 8));
    }
}
