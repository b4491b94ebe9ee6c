//! Integration tests over the real router and a real database (SQLite, or PostgreSQL when
//! `YUANQU_TEST_DATABASE_URL` is set: `cargo xtask test` runs them on both).
#![expect(clippy::unwrap_used, clippy::type_complexity, reason = "tests fail loudly; case tables are tuples")]

mod api;
mod appeal;
mod audit;
mod calendar;
mod economy;
mod enterprise;
mod evaluation;
mod files;
mod notify;
mod openapi;
mod party;
mod party_demo;
mod personal;
mod platform;
mod security;
mod sheets;
mod stats;
mod store;
mod supervision;
mod supervision_demo;
mod tenancy;
mod totp;
mod visit;

/// The text of a .docx (its paragraphs and table cells, tags dropped).
pub fn docx_text(bytes: &[u8]) -> anyhow::Result<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")?.read_to_string(&mut xml)?;
    let mut out = String::new();
    let mut in_tag = false;
    for ch in xml.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Ok(out)
}
