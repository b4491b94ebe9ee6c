//! File routes (IV-02): upload (multipart, counted while it streams), metadata, content and
//! thumbnail. Served with the stored media type (never the client's), `nosniff`, and a
//! `Content-Disposition` that makes anything but an image a download.

use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;
use yuanqu_app::AppError;
use yuanqu_app::files::{self, FileRejection, StoredFile};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Me, RequestCtxX};

/// An uploaded file's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileDto {
    pub id: Uuid,
    /// The file name, made safe (no path, no control characters, the real extension).
    pub name: String,
    /// What the bytes are, as served: image/jpeg, image/png, application/pdf, xlsx or docx.
    pub media_type: String,
    /// `image`, `pdf`, `xlsx` or `docx`.
    pub kind: String,
    pub size: i64,
    /// SHA-256 of the stored content (for images, of the re-encoded image), hex.
    pub sha256: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub has_thumbnail: bool,
    pub uploader_id: Uuid,
    pub enterprise_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl From<StoredFile> for FileDto {
    fn from(s: StoredFile) -> Self {
        let f = s.file;
        Self {
            id: f.id,
            name: f.original_name,
            media_type: f.media_type,
            kind: f.kind,
            size: s.blob.size,
            sha256: s.blob.sha256,
            width: f.width,
            height: f.height,
            has_thumbnail: f.thumbnail_name.is_some(),
            uploader_id: f.uploader_id,
            enterprise_id: f.enterprise_id,
            created_at: f.created_at,
        }
    }
}

/// The multipart form of an upload.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the multipart form for OpenAPI only")]
pub struct UploadForm {
    /// JPEG, PNG, PDF, xlsx or docx, decided by its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, FileRejection::TooLarge.code(), "The file is too large")
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, "request.malformed", "The multipart body is not valid")
    }
}

/// Upload a file (multipart field `file`). Its type is decided by its bytes; images are
/// re-encoded (EXIF and GPS removed) and get a thumbnail.
#[utoipa::path(post, path = "/api/v1/files", tag = "files",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = FileDto), (status = 400, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn upload(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let mut mp = mp.map_err(|_| {
        ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type", "Send multipart/form-data")
    })?;
    let max = st.app.config.files.max_bytes;
    // Every byte of every part counts, so a large decoy part cannot get around the limit; the
    // upload stops as soon as the limit is crossed, without reading the rest.
    let mut total = 0usize;
    while let Some(mut field) = mp.next_field().await.map_err(multipart_error)? {
        let is_file = field.name() == Some("file");
        let name = field.file_name().unwrap_or("").to_owned();
        let mut buf = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            total = total.saturating_add(chunk.len());
            if total > max {
                return Err(too_large());
            }
            if is_file {
                buf.extend_from_slice(&chunk);
            }
        }
        if is_file {
            let f = files::upload(&st.app, &actor, &name, buf, &ctx).await?;
            return Ok((StatusCode::CREATED, Json(FileDto::from(f))).into_response());
        }
    }
    Err(AppError::File(FileRejection::Missing).into())
}

/// A file's metadata.
#[utoipa::path(get, path = "/api/v1/files/{id}", tag = "files", params(("id" = Uuid, Path)),
    responses((status = 200, body = FileDto), (status = 404, body = Problem)))]
pub async fn get_file(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Json<FileDto>> {
    Ok(Json(files::get(&st.app, &actor, id).await?.into()))
}

/// A file's content, with its stored media type; images inline, anything else as a download.
#[utoipa::path(get, path = "/api/v1/files/{id}/content", tag = "files", params(("id" = Uuid, Path)),
    responses((status = 200, description = "the stored bytes", content_type = "application/octet-stream"),
        (status = 404, body = Problem)))]
pub async fn content(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let (f, bytes) = files::content(&st.app, &actor, id).await?;
    Ok(serve_stored(&f, bytes))
}

/// A stored file's bytes with its media type; images inline, anything else as a download (also
/// for the records that hand out their attachments: appeals, visits).
pub(crate) fn serve_stored(f: &files::StoredFile, bytes: Vec<u8>) -> Response {
    let inline = f.kind().is_some_and(|k| k.is_image());
    let ext = f.kind().map_or("bin", |k| k.extension());
    serve(bytes, &f.file.media_type, &disposition(&f.file.original_name, ext, inline))
}

/// An image's thumbnail (JPEG, at most 320 px on its longer side).
#[utoipa::path(get, path = "/api/v1/files/{id}/thumbnail", tag = "files", params(("id" = Uuid, Path)),
    responses((status = 200, description = "a JPEG", content_type = "image/jpeg"), (status = 404, body = Problem)))]
pub async fn thumbnail(State(st): State<AppState>, Me(actor): Me, Path(id): Path<Uuid>) -> ApiResult<Response> {
    let (_, bytes) = files::thumbnail(&st.app, &actor, id).await?;
    Ok(serve(bytes, "image/jpeg", &disposition("thumbnail.jpg", "jpg", true)))
}

pub(crate) fn serve(bytes: Vec<u8>, media_type: &str, disposition: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    let ct = HeaderValue::from_str(media_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// RFC 5987 `attr-char`s are left as they are; everything else is percent-encoded.
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// `attachment; filename="file.pdf"; filename*=UTF-8''<name>`: a plain ASCII fallback, and the
/// real (sanitised) name percent-encoded.
pub fn disposition(name: &str, ext: &str, inline: bool) -> String {
    let plain =
        name.bytes().all(|c| c.is_ascii_graphic() && !matches!(c, b'"' | b'\\' | b';' | b'%')) && !name.is_empty();
    let fallback = if plain { name.to_owned() } else { format!("file.{ext}") };
    format!(
        "{}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        utf8_percent_encode(name, ATTR)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_has_an_ascii_fallback_and_the_encoded_name() {
        let cases = [
            ("报表.pdf", "pdf", false, "attachment; filename=\"file.pdf\"; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.pdf"),
            ("site-1.jpg", "jpg", true, "inline; filename=\"site-1.jpg\"; filename*=UTF-8''site-1.jpg"),
            ("a b.docx", "docx", false, "attachment; filename=\"file.docx\"; filename*=UTF-8''a%20b.docx"),
        ];
        for (name, ext, inline, want) in cases {
            assert_eq!(disposition(name, ext, inline), want);
        }
    }
}
