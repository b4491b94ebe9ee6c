//! Files and uploads (IV-02): an inspector's site photo comes back re-encoded without its GPS
//! position, with a thumbnail, readable only within its zone and scope; every kind of bad upload
//! gets its own status and code and leaves nothing behind, on disk or in the database.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use axum::http::{Method, StatusCode, header};
use sha2::{Digest, Sha256};
use yuanqu_domain::Scope;
use yuanqu_domain::identity::Role;
use yuanqu_testkit::matrix::TINY_PDF;
use yuanqu_testkit::seed::{PASSWORD, extra_user, two_tenants};
use yuanqu_testkit::{Req, Res, Session, TestApp};

// ---------------------------------------------------------------- building test files

/// A 640 × 480 photo as a camera would write it: a JPEG with an EXIF APP1 segment holding a
/// GPS latitude.
fn photo_with_gps() -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&img).unwrap();
    // TIFF (little-endian): IFD0 with one entry, the GPS IFD pointer (0x8825), at offset 8;
    // the GPS IFD at 26 with GPSLatitudeRef "N" and GPSLatitude (3 rationals at 56).
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(1u16.to_le_bytes());
    tiff.extend([0x25, 0x88, 4, 0]);
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(26u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 26);
    tiff.extend(2u16.to_le_bytes());
    tiff.extend([1, 0, 2, 0]);
    tiff.extend(2u32.to_le_bytes());
    tiff.extend(*b"N\0\0\0");
    tiff.extend([2, 0, 5, 0]);
    tiff.extend(3u32.to_le_bytes());
    tiff.extend(56u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 56);
    for (n, d) in [(24u32, 1u32), (28, 1), (3_600, 100)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn small_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(40, 30, |x, y| image::Rgba([x as u8, y as u8, 0, 200]));
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend(u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut body = kind.to_vec();
    body.extend(data);
    out.extend(&body);
    out.extend(crc32(&body).to_be_bytes());
}

/// A PNG whose header claims 50,000 × 50,000 pixels, with a tiny IDAT.
fn pixel_flood_png() -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    let mut ihdr = Vec::new();
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend(50_000u32.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    png_chunk(&mut out, b"IHDR", &ihdr);
    png_chunk(&mut out, b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
    png_chunk(&mut out, b"IEND", &[]);
    out
}

/// An Office file: a zip with `[Content_Types].xml` declaring `main`, and the other entries.
fn ooxml(main: &str, extra: &[&str]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opts).unwrap();
    write!(
        z,
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="{main}"/></Types>"#
    )
    .unwrap();
    for name in extra {
        z.start_file(*name, opts).unwrap();
        z.write_all(b"\0\x01binary").unwrap();
    }
    z.finish().unwrap();
    buf.into_inner()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml";
const XLSM: &str = "application/vnd.ms-excel.sheet.macroEnabled.main+xml";
const DOCM: &str = "application/vnd.ms-word.document.macroEnabled.main+xml";

/// A PDF 1.5 whose catalog's OpenAction sits in a Flate-compressed object stream.
fn pdf_with_compressed_script() -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(b"2 0 << /S /JavaScript /JS (app.alert(1)) >>").unwrap();
    let packed = z.finish().unwrap();
    let mut out = format!(
        "%PDF-1.5\n1 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {} >>\nstream\n",
        packed.len()
    )
    .into_bytes();
    out.extend(packed);
    out.extend(b"\nendstream\nendobj\ntrailer << /Root 3 0 R >>\n%%EOF\n");
    out
}

fn pdf_with(body: &str) -> Vec<u8> {
    format!("%PDF-1.7\n1 0 obj << /Type /Catalog {body} >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

// ---------------------------------------------------------------- helpers

async fn upload(t: &TestApp, s: &Session, name: &str, client_type: &str, bytes: &[u8]) -> Res {
    t.send(Req::new(Method::POST, "/api/v1/files").as_(s).multipart("file", name, client_type, bytes)).await
}

/// Every regular file under `dir`, recursively.
fn files_on_disk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out.sort();
    out
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

async fn counts(t: &TestApp, zone: uuid::Uuid) -> (u64, u64) {
    yuanqu_store::files::counts(&t.app.db.conn(), &Scope::zone(zone)).await.unwrap()
}

// ---------------------------------------------------------------- the story

#[tokio::test]
async fn iv02_an_inspectors_site_photo_comes_back_without_its_gps_position_and_only_to_those_in_scope() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    extra_user(&t.app, &z1, "inspector", Role::Inspector).await.unwrap();
    extra_user(&t.app, &z1, "auditor", Role::AuditAdmin).await.unwrap();
    extra_user(&t.app, &z1, "observer", Role::ProvinceObserver).await.unwrap();
    let inspector = t.login("z1", "inspector", PASSWORD).await;

    // The inspector uploads a site photo straight from the camera; the client calls it an
    // octet stream, which does not matter.
    let photo = photo_with_gps();
    assert!(contains(&photo, b"Exif"), "the test photo carries EXIF");
    let r = upload(&t, &inspector, "现场照片.jpg", "application/octet-stream", &photo).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let meta = r.body.clone();
    assert_eq!(
        (meta["name"].as_str(), meta["media_type"].as_str(), meta["kind"].as_str()),
        (Some("现场照片.jpg"), Some("image/jpeg"), Some("image"))
    );
    assert_eq!(
        (meta["width"].as_i64(), meta["height"].as_i64(), meta["has_thumbnail"].as_bool()),
        (Some(640), Some(480), Some(true))
    );
    let id = meta["id"].as_str().unwrap().to_owned();
    let sha = meta["sha256"].as_str().unwrap().to_owned();

    // Once the record is visible, the stored file is on disk with that SHA-256, under a random
    // name that is neither the hash nor the user's name.
    let on_disk = files_on_disk(t.files_dir.path());
    let stored: Vec<&PathBuf> = on_disk.iter().filter(|p| sha256_hex(&std::fs::read(p).unwrap()) == sha).collect();
    assert_eq!(stored.len(), 1, "{on_disk:?}");
    assert_eq!(on_disk.len(), 2, "the photo and its thumbnail: {on_disk:?}");
    for p in &on_disk {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.len() == 32 && name.bytes().all(|c| c.is_ascii_hexdigit()), "{name}");
        assert!(!sha.contains(&name));
    }

    // It comes back re-encoded: the same picture, no EXIF, no GPS; served as what it is.
    let c = t.get(&format!("/api/v1/files/{id}/content"), &inspector).await;
    assert_eq!(c.status, StatusCode::OK);
    assert_eq!(c.headers[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(c.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        c.headers[header::CONTENT_DISPOSITION],
        "inline; filename=\"file.jpg\"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg"
    );
    assert!(!contains(&c.bytes, b"Exif"), "EXIF survived");
    assert!(!contains(&c.bytes, &[0xFF, 0xE1]), "an APP1 segment survived");
    assert_eq!(sha256_hex(&c.bytes), sha);
    let back = image::load_from_memory(&c.bytes).unwrap();
    assert_eq!((back.width(), back.height()), (640, 480));

    // A thumbnail, 320 px on its longer side.
    let th = t.get(&format!("/api/v1/files/{id}/thumbnail"), &inspector).await;
    assert_eq!((th.status, th.headers[header::CONTENT_TYPE].to_str().unwrap()), (StatusCode::OK, "image/jpeg"));
    let th = image::load_from_memory(&th.bytes).unwrap();
    assert_eq!((th.width(), th.height()), (320, 240));

    // The same photo again: a second record, one stored copy.
    let again = upload(&t, &inspector, "IMG_0001.JPG", "image/jpeg", &photo).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_ne!(again.body["id"], meta["id"]);
    assert_eq!(again.body["sha256"], meta["sha256"]);
    assert_eq!(counts(&t, z1.zone_id).await, (2, 1));
    assert_eq!(files_on_disk(t.files_dir.path()).len(), 2, "no second copy, no second thumbnail");

    // The zone's administrator sees it; the other zone's does not know it exists.
    let admin = t.login("z1", "admin", PASSWORD).await;
    assert_eq!(t.get(&format!("/api/v1/files/{id}"), &admin).await.status, StatusCode::OK);
    let z2_admin = t.login("z2", "admin", PASSWORD).await;
    for p in ["", "/content", "/thumbnail"] {
        let r = t.get(&format!("/api/v1/files/{id}{p}"), &z2_admin).await;
        assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{p}");
    }

    // An enterprise's upload is its own: the other enterprise of the zone gets 404.
    let ent_a = t.login("z1", "ent-a", PASSWORD).await;
    let ent_b = t.login("z1", "ent-b", PASSWORD).await;
    let r = upload(&t, &ent_a, "2026年报表.pdf", "image/png", TINY_PDF).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let pdf_id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["media_type"], "application/pdf");
    assert_eq!(r.body["has_thumbnail"], false);
    for (who, s, status) in [("ent-b", &ent_b, StatusCode::NOT_FOUND), ("ent-a", &ent_a, StatusCode::OK)] {
        assert_eq!(t.get(&format!("/api/v1/files/{pdf_id}/content"), s).await.status, status, "{who}");
    }
    // … nor the inspector's photo; a PDF is a download, never inline.
    assert_eq!(t.get(&format!("/api/v1/files/{id}"), &ent_a).await.status, StatusCode::NOT_FOUND);
    let d = t.get(&format!("/api/v1/files/{pdf_id}/content"), &ent_a).await;
    assert_eq!(d.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(
        d.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"file.pdf\"; filename*=UTF-8''2026%E5%B9%B4%E6%8A%A5%E8%A1%A8.pdf"
    );
    assert_eq!(d.bytes, TINY_PDF);

    // The province observer may not upload.
    let observer = t.login("z1", "observer", PASSWORD).await;
    let r = upload(&t, &observer, "a.pdf", "application/pdf", TINY_PDF).await;
    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "auth.forbidden"));

    // Every upload is in the audit log.
    let auditor = t.login("z1", "auditor", PASSWORD).await;
    let a = t.get("/api/v1/audit?action=file.upload", &auditor).await;
    assert_eq!(a.body["total"], 3, "{}", a.text);
    assert!(a.text.contains(&id) && a.text.contains(&pdf_id));
}

// ---------------------------------------------------------------- bad input

#[tokio::test]
async fn iv02_every_bad_upload_gets_its_own_code_and_leaves_nothing_on_disk_or_in_the_database() {
    let t = TestApp::new().await.unwrap();
    let (z1, _) = two_tenants(&t.app).await.unwrap();
    let s = t.login("z1", "admin", PASSWORD).await;
    let mut jpeg_with_script = photo_with_gps();
    jpeg_with_script.extend(b"<script>alert(document.cookie)</script>");
    let mut png_after_iend = small_png();
    png_after_iend.extend(b"PK\x03\x04 a zip hidden after IEND");
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF".to_vec();
    exe.extend(vec![0u8; 512]);
    let mut over = vec![0xFF, 0xD8, 0xFF];
    over.resize(20 * 1024 * 1024 + 1, 0);
    let mut cut_jpeg = photo_with_gps();
    cut_jpeg.truncate(cut_jpeg.len() / 2);

    // (what, file name, client's content type, bytes, status, code)
    let cases: Vec<(&str, &str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "an exe renamed .jpg",
            "photo.jpg",
            "image/jpeg",
            exe,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file.type_not_allowed",
        ),
        (
            "HTML called a PNG",
            "a.png",
            "image/png",
            b"<html><script>alert(1)</script>".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file.type_not_allowed",
        ),
        (
            "plain text",
            "notes.txt",
            "text/plain",
            "会议纪要".as_bytes().to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file.type_not_allowed",
        ),
        (
            "an xlsm (macro content type and vbaProject.bin)",
            "报表.xlsx",
            XLSX,
            ooxml(XLSM, &["xl/vbaProject.bin"]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file.macro",
        ),
        (
            "an xlsx carrying vbaProject.bin",
            "报表.xlsx",
            XLSX,
            ooxml(XLSX, &["xl/vbaProject.bin"]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file.macro",
        ),
        ("a docm", "通知.docx", DOCX, ooxml(DOCM, &[]), StatusCode::UNSUPPORTED_MEDIA_TYPE, "file.macro"),
        (
            "a zip that is no Office file",
            "a.zip",
            "application/zip",
            ooxml("application/xml", &[]),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "file.type_not_allowed",
        ),
        ("20 MiB and one byte", "big.jpg", "image/jpeg", over, StatusCode::PAYLOAD_TOO_LARGE, "file.too_large"),
        (
            "a PNG claiming 50,000 × 50,000 pixels",
            "flood.png",
            "image/png",
            pixel_flood_png(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.too_many_pixels",
        ),
        (
            "a JPEG with a script after EOI",
            "photo.jpg",
            "image/jpeg",
            jpeg_with_script,
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.trailing_data",
        ),
        (
            "a PNG with data after IEND",
            "a.png",
            "image/png",
            png_after_iend,
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.trailing_data",
        ),
        ("a JPEG cut in half", "half.jpg", "image/jpeg", cut_jpeg, StatusCode::UNPROCESSABLE_ENTITY, "file.corrupt"),
        (
            "a PDF with JavaScript",
            "a.pdf",
            "application/pdf",
            pdf_with("/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.pdf_active_content",
        ),
        (
            "a PDF with a hex-escaped JavaScript name",
            "a.pdf",
            "application/pdf",
            pdf_with("/OpenAction << /S /J#61vaScript >>"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.pdf_active_content",
        ),
        (
            "a PDF with JavaScript in a compressed object stream",
            "a.pdf",
            "application/pdf",
            pdf_with_compressed_script(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.pdf_active_content",
        ),
        (
            "a PDF with a launch action",
            "a.pdf",
            "application/pdf",
            pdf_with("/OpenAction << /S /Launch /F (cmd.exe) >>"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "file.pdf_active_content",
        ),
    ];
    let before = (counts(&t, z1.zone_id).await, files_on_disk(t.files_dir.path()));
    for (what, name, ct, bytes, status, code) in cases {
        let r = upload(&t, &s, name, ct, &bytes).await;
        assert_eq!((r.status, r.code()), (status, code), "{what}: {}", r.text);
        let after = (counts(&t, z1.zone_id).await, files_on_disk(t.files_dir.path()));
        assert_eq!(after, before, "{what} left something behind");
    }
    // A form without the `file` field, and a body that is not multipart at all.
    let r = t
        .send(Req::new(Method::POST, "/api/v1/files").as_(&s).multipart(
            "attachment",
            "a.pdf",
            "application/pdf",
            TINY_PDF,
        ))
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "file.missing"));
    let r = t.send(Req::new(Method::POST, "/api/v1/files").as_(&s).raw(TINY_PDF.to_vec(), "application/pdf")).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type"));
    // A large decoy part before a small file counts too: the limit is on the whole body.
    let boundary = "decoy-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n").into_bytes();
    body.resize(body.len() + 20 * 1024 * 1024 + 1, b'x');
    body.extend(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n")
            .as_bytes(),
    );
    body.extend(TINY_PDF);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let r = t
        .send(
            Req::new(Method::POST, "/api/v1/files")
                .as_(&s)
                .raw(body, &format!("multipart/form-data; boundary={boundary}")),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::PAYLOAD_TOO_LARGE, "file.too_large"), "decoy part");
    assert_eq!(counts(&t, z1.zone_id).await, (0, 0));
    assert!(files_on_disk(t.files_dir.path()).is_empty());

    // What is allowed, by its bytes: each kind once.
    let good: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("a.png", small_png(), "image/png", "image"),
        ("a.jpg", photo_with_gps(), "image/jpeg", "image"),
        ("a.pdf", TINY_PDF.to_vec(), "application/pdf", "pdf"),
        (
            "a.xlsx",
            ooxml(XLSX, &["xl/workbook.xml"]),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        (
            "a.docx",
            ooxml(DOCX, &["word/document.xml"]),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
    ];
    for (name, bytes, media_type, kind) in good {
        let r = upload(&t, &s, name, "application/octet-stream", &bytes).await;
        assert_eq!(r.status, StatusCode::CREATED, "{name}: {}", r.text);
        assert_eq!((r.body["media_type"].as_str(), r.body["kind"].as_str()), (Some(media_type), Some(kind)), "{name}");
    }
}
