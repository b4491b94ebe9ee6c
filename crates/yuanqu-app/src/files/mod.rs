//! Files and uploads (IV-02): validation by content, re-encoded images with thumbnails,
//! content-addressed storage per zone, reads within the reader's data scope.

pub mod inspect;
pub mod storage;

use std::path::PathBuf;

use sha2::{Digest, Sha256};
use yuanqu_domain::files::{FileKind, sanitize_name};
use yuanqu_domain::identity::Permission;
use yuanqu_store::Uuid;
use yuanqu_store::files::{self as q, BlobRow, FileRow};

use crate::audit::{self, By, Entry};
use crate::{Actor, App, AppError, RequestCtx};

pub use storage::Storage;

/// Where files live and how large they may be.
#[derive(Debug, Clone)]
pub struct FilesConfig {
    /// `<data dir>/files` on SQLite; the `files_dir` setting (default `./data/files`) otherwise.
    pub dir: PathBuf,
    /// Largest upload, in bytes (checked while the body streams in).
    pub max_bytes: usize,
    /// Largest image, in pixels (width × height) …
    pub max_pixels: u64,
    /// … and on either side.
    pub max_side: u32,
}

impl Default for FilesConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("./data/files"),
            max_bytes: 20 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 10_000,
        }
    }
}

/// Why an upload was refused; each has its own stable code and nothing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRejection {
    /// Not JPEG, PNG, PDF, xlsx or docx by its bytes.
    TypeNotAllowed,
    /// An Office file with macros (`.xlsm`, `.docm`, `vbaProject.bin`).
    Macro,
    TooLarge,
    /// An image over the pixel or side limit (decompression bomb).
    TooManyPixels,
    /// Bytes after the image's end marker.
    TrailingData,
    /// A PDF with JavaScript or a launch action.
    PdfActiveContent,
    /// Claims to be an image but does not decode.
    Corrupt,
    /// The multipart body has no `file` field.
    Missing,
}

impl FileRejection {
    pub fn code(self) -> &'static str {
        match self {
            Self::TypeNotAllowed => "file.type_not_allowed",
            Self::Macro => "file.macro",
            Self::TooLarge => "file.too_large",
            Self::TooManyPixels => "file.too_many_pixels",
            Self::TrailingData => "file.trailing_data",
            Self::PdfActiveContent => "file.pdf_active_content",
            Self::Corrupt => "file.corrupt",
            Self::Missing => "file.missing",
        }
    }
}

/// A stored file's record and its blob.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub file: FileRow,
    pub blob: BlobRow,
}

impl StoredFile {
    pub fn kind(&self) -> Option<FileKind> {
        FileKind::from_media_type(&self.file.media_type)
    }
}

fn storage(app: &App) -> Storage {
    Storage::new(app.config.files.dir.clone())
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(format!("file task: {e}")))
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::Internal(format!("file storage: {e}"))
}

/// Uploads a file: checks it by its bytes, re-encodes images, stores the content once per zone
/// (durably, before the row that refers to it), and records the upload in the audit log in the
/// row's transaction.
pub async fn upload(
    app: &App,
    actor: &Actor,
    name: &str,
    bytes: Vec<u8>,
    ctx: &RequestCtx,
) -> Result<StoredFile, AppError> {
    actor.require(Permission::FileUpload)?;
    let cfg = app.config.files.clone();
    let inspected = blocking(move || inspect::inspect(&bytes, &cfg)).await?.map_err(AppError::File)?;
    let sha256 = hex::encode(Sha256::digest(&inspected.stored));
    let zone = actor.zone_scope();
    let store = storage(app);
    let existing = q::blob_by_sha256(&app.db.conn(), &zone, &sha256).await?;
    let size = i64::try_from(inspected.stored.len()).map_err(|_| AppError::File(FileRejection::TooLarge))?;
    let storage_name = match &existing {
        Some(b) => b.storage_name.clone(),
        None => {
            let (s, bytes) = (store.clone(), inspected.stored.clone());
            blocking(move || s.put(&bytes)).await?.map_err(io_error)?
        }
    };
    let thumbnail_name = match (&inspected.thumbnail, &existing) {
        (None, _) => None,
        (Some(thumb), existing) => {
            let reused = match existing {
                Some(b) => q::thumbnail_of_blob(&app.db.conn(), &zone, b.id).await?,
                None => None,
            };
            match reused {
                Some(t) => Some(t),
                None => {
                    let (s, bytes) = (store.clone(), thumb.clone());
                    Some(blocking(move || s.put(&bytes)).await?.map_err(io_error)?)
                }
            }
        }
    };
    let now = app.now();
    let blob = BlobRow { id: Uuid::now_v7(), zone_id: zone.zone_id(), sha256, storage_name, size, created_at: now };
    let dim = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
    let row = FileRow {
        id: Uuid::now_v7(),
        zone_id: zone.zone_id(),
        blob_id: blob.id,
        uploader_id: actor.user_id,
        enterprise_id: actor.enterprise_id,
        department_id: actor.department_id,
        original_name: sanitize_name(name, inspected.kind),
        media_type: inspected.kind.media_type().to_owned(),
        kind: inspected.kind.code().to_owned(),
        width: dim(inspected.width),
        height: dim(inspected.height),
        thumbnail_name,
        created_at: now,
    };
    let by = By::from(actor);
    app.db
        .write(|c| {
            let (blob, mut row, by, ctx, zone) = (blob.clone(), row.clone(), by.clone(), ctx.clone(), zone.clone());
            Box::pin(async move {
                let blob = q::insert_blob_if_absent(c, &zone, blob).await?;
                row.blob_id = blob.id;
                let file = q::insert_file(c, &zone, row).await?;
                let e = Entry::new("file.upload", "file", Some(file.id)).after(serde_json::json!({
                    "name": file.original_name,
                    "media_type": file.media_type,
                    "size": blob.size,
                    "sha256": blob.sha256,
                }));
                audit::record(c, now, &by, &ctx, e).await?;
                Ok(StoredFile { file, blob })
            })
        })
        .await
}

/// A file's record, if the actor may read it.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<StoredFile, AppError> {
    actor.require(Permission::FileRead)?;
    q::file(&app.db.conn(), &actor.scope(), actor.user_id, id)
        .await?
        .map(|(file, blob)| StoredFile { file, blob })
        .ok_or(AppError::NotFound)
}

/// A file's record and its content.
pub async fn content(app: &App, actor: &Actor, id: Uuid) -> Result<(StoredFile, Vec<u8>), AppError> {
    let f = get(app, actor, id).await?;
    let (s, name) = (storage(app), f.blob.storage_name.clone());
    let bytes = blocking(move || s.get(&name)).await?.map_err(io_error)?;
    Ok((f, bytes))
}

/// A file's record and content read for a record that grants access to it (an appeal's
/// attachment): the record's own scope check replaces the uploader scope, within the zone.
pub async fn content_for_record(app: &App, zone_id: Uuid, id: Uuid) -> Result<(StoredFile, Vec<u8>), AppError> {
    let zone = yuanqu_domain::Scope::zone(zone_id);
    let (file, blob) = q::file(&app.db.conn(), &zone, Uuid::nil(), id).await?.ok_or(AppError::NotFound)?;
    let (s, name) = (storage(app), blob.storage_name.clone());
    let bytes = blocking(move || s.get(&name)).await?.map_err(io_error)?;
    Ok((StoredFile { file, blob }, bytes))
}

/// An image's thumbnail (JPEG); not found for other kinds.
pub async fn thumbnail(app: &App, actor: &Actor, id: Uuid) -> Result<(StoredFile, Vec<u8>), AppError> {
    let f = get(app, actor, id).await?;
    let name = f.file.thumbnail_name.clone().ok_or(AppError::NotFound)?;
    let s = storage(app);
    let bytes = blocking(move || s.get(&name)).await?.map_err(io_error)?;
    Ok((f, bytes))
}
