//! Spreadsheet routes of the users list: template, import, error report, export (IV-03, PD-04).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body as HttpBody;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use yuanqu_app::identity::user_sheet::{self, ExportOutcome, ImportMode};
use yuanqu_app::{AppError, RequestCtx};
use yuanqu_office::{CellError, ExportFormat, SheetError};
use yuanqu_store::exports::ExportRequestRow;
use yuanqu_store::identity::UserFilter;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Me, RequestCtxX};

/// Largest upload body of the import routes: the 10 MB file plus the multipart envelope.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024 + 64 * 1024;

/// One problem with one cell, as the user sees it in Excel.
#[derive(Debug, Serialize, ToSchema)]
pub struct CellErrorDto {
    /// 1-based row, the header being row 1.
    pub row: u32,
    /// Column letter; empty for a whole-row or missing-column problem.
    pub column: String,
    /// The column's Chinese header.
    pub header: String,
    pub code: String,
    /// Chinese explanation.
    pub message: String,
}

impl From<CellError> for CellErrorDto {
    fn from(e: CellError) -> Self {
        Self { row: e.row, column: e.column, header: e.header, code: e.code, message: e.message }
    }
}

/// The multipart upload.
#[derive(Debug, ToSchema)]
#[expect(dead_code, reason = "documents the multipart form for OpenAPI")]
pub struct ImportUpload {
    /// The .xlsx or .csv file (≤ 10 MB, ≤ 10,000 rows).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// `all_or_nothing` (default) or `valid_rows`.
    mode: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `all_or_nothing` (default): any error and nothing is written; `valid_rows`: the valid
    /// rows are written and the others reported.
    pub mode: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReportDto {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub errors: Vec<CellErrorDto>,
}

impl From<user_sheet::ImportReport> for ImportReportDto {
    fn from(r: user_sheet::ImportReport) -> Self {
        Self {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            rejected: r.rejected,
            errors: r.errors.into_iter().map(CellErrorDto::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    pub q: Option<String>,
    pub role: Option<String>,
    pub department_id: Option<Uuid>,
    /// A full 居民身份证号: exactly that user (found by its blind index), as in the list.
    pub id_card: Option<String>,
    pub sort: Option<String>,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
    /// Full phone and ID card numbers (PD-04): needs `personal.reveal` and a `reason`; more than
    /// 1,000 rows answer 202 with an export request that a security administrator approves.
    pub unmask: Option<bool>,
    /// Why the full numbers are needed (4 to 200 characters).
    pub reason: Option<String>,
}

/// An export request (PD-04): a large unmasked export waiting for a second person.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportRequestDto {
    pub id: Uuid,
    pub requester_id: Uuid,
    /// `users`.
    pub kind: String,
    /// The export's filters.
    #[schema(value_type = Object)]
    pub filters: serde_json::Value,
    pub reason: String,
    pub row_count: i64,
    /// `pending`, `approved`, `refused` or `downloaded`.
    pub status: String,
    pub approver_id: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub version: i64,
}

impl From<ExportRequestRow> for ExportRequestDto {
    fn from(r: ExportRequestRow) -> Self {
        let mut filters: serde_json::Value = serde_json::from_str(&r.filters).unwrap_or_default();
        // The blind index is an internal value, never shown.
        if let Some(o) = filters.as_object_mut() {
            o.remove("id_card_bidx");
        }
        Self {
            id: r.id,
            requester_id: r.requester_id,
            kind: r.kind,
            filters,
            reason: r.reason,
            row_count: r.row_count,
            status: r.status,
            approver_id: r.approver_id,
            decided_at: r.decided_at,
            created_at: r.created_at,
            expires_at: r.expires_at,
            version: r.version,
        }
    }
}

pub(crate) fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) fn parse_mode(m: Option<&str>) -> ApiResult<ImportMode> {
    match m.unwrap_or("all_or_nothing") {
        "all_or_nothing" => Ok(ImportMode::AllOrNothing),
        "valid_rows" => Ok(ImportMode::ValidRows),
        _ => {
            Err(ApiError::new(StatusCode::BAD_REQUEST, "request.malformed", "Unknown import mode")
                .field("mode", "invalid"))
        }
    }
}

/// Reads the multipart form: the `file` field (name and bytes) and an optional `mode`.
pub(crate) async fn upload(mut mp: Multipart) -> ApiResult<(String, Vec<u8>, Option<String>)> {
    let too_large = || ApiError::from(AppError::Sheet(SheetError::TooLarge));
    let malformed = || ApiError::new(StatusCode::BAD_REQUEST, "request.malformed", "Send a multipart form with `file`");
    let mut file = None;
    let mut mode = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(malformed()),
        };
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large() } else { malformed() })?;
                file = Some((name, bytes.to_vec()));
            }
            Some("mode") => mode = field.text().await.ok(),
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| malformed().field("file", "required"))?;
    Ok((name, bytes, mode))
}

/// The import template (.xlsx): Chinese headers with notes, a grey example row, "填写说明".
#[utoipa::path(get, path = "/api/v1/users/import/template", tag = "users",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
pub async fn template(Me(actor): Me) -> ApiResult<Response> {
    Ok(attachment(user_sheet::template(&actor)?, XLSX, "users-template.xlsx"))
}

/// Import users from an .xlsx or .csv (login is the key: re-importing changes nothing).
#[utoipa::path(post, path = "/api/v1/users/import", tag = "users", params(ImportQuery),
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 200, body = ImportReportDto), (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem)))]
pub async fn import(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Query(q): Query<ImportQuery>,
    mp: Multipart,
) -> ApiResult<axum::Json<ImportReportDto>> {
    let (name, bytes, form_mode) = upload(mp).await?;
    let mode = parse_mode(form_mode.as_deref().or(q.mode.as_deref()))?;
    Ok(axum::Json(user_sheet::import(&st.app, &actor, &name, &bytes, mode, &ctx).await?.into()))
}

/// The same upload annotated: bad cells highlighted with a note, an "错误说明" column.
#[utoipa::path(post, path = "/api/v1/users/import/report", tag = "users",
    request_body(content = ImportUpload, content_type = "multipart/form-data"),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 422, body = Problem)))]
pub async fn report(State(st): State<AppState>, Me(actor): Me, mp: Multipart) -> ApiResult<Response> {
    let (name, bytes, _) = upload(mp).await?;
    let out = user_sheet::error_report(&st.app, &actor, &name, &bytes).await?;
    Ok(attachment(out, XLSX, "users-errors.xlsx"))
}

/// Concurrent exports per user (AV: an export is the costliest read).
pub struct ExportSlots {
    max: usize,
    running: Mutex<HashMap<Uuid, usize>>,
}

/// A running export; the slot frees when it is dropped (when the download ends).
pub struct ExportSlot {
    slots: Arc<ExportSlots>,
    user: Uuid,
}

impl ExportSlots {
    pub fn new(max: usize) -> Arc<Self> {
        Arc::new(Self { max, running: Mutex::new(HashMap::new()) })
    }

    pub fn try_acquire(self: &Arc<Self>, user: Uuid) -> Option<ExportSlot> {
        let mut m = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = m.entry(user).or_insert(0);
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(ExportSlot { slots: self.clone(), user })
    }
}

impl Drop for ExportSlot {
    fn drop(&mut self) {
        let mut m = self.slots.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = m.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.user);
            }
        }
    }
}

/// Export the users list with the same filters as `GET /users`, in my scope, phones and ID card
/// numbers masked; streamed; audited with the row count. At most 2 exports at a time per user
/// (429). With `unmask=true&reason=…` (PD-04, `personal.reveal`): the full numbers, audited with
/// the reason; more than 1,000 rows answer 202 with an export request instead of the file.
#[utoipa::path(get, path = "/api/v1/users/export", tag = "users", params(ExportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 202, body = ExportRequestDto), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)))]
pub async fn export(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let format = match q.format.as_deref().unwrap_or("xlsx") {
        "xlsx" => ExportFormat::Xlsx,
        "csv" => ExportFormat::Csv,
        _ => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "request.malformed", "Unknown format")
                .field("format", "invalid"));
        }
    };
    let slot = slot(&st, actor.user_id)?;
    let id_card_bidx = match q.id_card.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(n) => Some(yuanqu_app::identity::users::id_card_filter(&st.app, &actor, n)?),
        None => None,
    };
    let f = UserFilter { q: q.q, role: q.role, department_id: q.department_id, id_card_bidx, sort: q.sort };
    let ctx: RequestCtx = ctx;
    let unmask = q.unmask.unwrap_or(false).then(|| q.reason.unwrap_or_default());
    match user_sheet::export(&st.app, &actor, &f, format, unmask.as_deref(), &ctx).await? {
        ExportOutcome::File(out) => stream(out, slot).await,
        ExportOutcome::Requested(r) => {
            Ok((StatusCode::ACCEPTED, axum::Json(ExportRequestDto::from(r))).into_response())
        }
    }
}

pub(crate) fn slot(st: &AppState, user: Uuid) -> ApiResult<ExportSlot> {
    st.exports.try_acquire(user).ok_or_else(|| {
        let mut e = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "export.too_many", "Too many exports at once");
        e.retry_after = Some(10);
        e
    })
}

/// Streams a written export (no-store: it may hold personal data) and frees the slot at the end.
async fn stream(out: user_sheet::Exported, slot: ExportSlot) -> ApiResult<Response> {
    stream_named(out, slot, "users").await
}

/// Streams a written export as `<name>.<extension>` (no-store) and frees the slot at the end.
pub(crate) async fn stream_named(out: user_sheet::Exported, slot: ExportSlot, name: &str) -> ApiResult<Response> {
    let format = out.format;
    let file =
        tokio::fs::File::open(out.file.path()).await.map_err(|e| ApiError::from(AppError::Internal(e.to_string())))?;
    let rows = out.rows;
    let keep = (out.file, slot);
    let stream = tokio_util::io::ReaderStream::new(file).map(move |chunk| {
        let _ = &keep;
        chunk
    });
    let mut res = HttpBody::from_stream(stream).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.{}\"", format.extension())) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&rows.to_string()) {
        h.insert("x-export-rows", v);
    }
    Ok(res)
}

/// My export requests, and — for a holder of `export.approve` — the zone's pending ones (PD-04).
#[utoipa::path(get, path = "/api/v1/exports", tag = "users", responses((status = 200, body = Vec<ExportRequestDto>)))]
pub async fn list_exports(State(st): State<AppState>, Me(actor): Me) -> ApiResult<axum::Json<Vec<ExportRequestDto>>> {
    let rows = user_sheet::requests(&st.app, &actor).await?;
    Ok(axum::Json(rows.into_iter().map(ExportRequestDto::from).collect()))
}

/// Approve another person's pending export request (`export.approve`; not one's own: 403
/// `export.self_approval`; only a pending one: 409 `export.not_pending`).
#[utoipa::path(post, path = "/api/v1/exports/{id}/approve", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = ExportRequestDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn approve_export(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ExportRequestDto>> {
    Ok(axum::Json(user_sheet::decide(&st.app, &actor, id, true, &ctx).await?.into()))
}

/// Refuse another person's pending export request (same rules as approving).
#[utoipa::path(post, path = "/api/v1/exports/{id}/refuse", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = ExportRequestDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem)))]
pub async fn refuse_export(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ExportRequestDto>> {
    Ok(axum::Json(user_sheet::decide(&st.app, &actor, id, false, &ctx).await?.into()))
}

/// The approved export's unmasked file (.csv), for its requester only, once, within 24 hours of
/// the request (409 `export.not_approved`; 410 `export.downloaded` / `export.expired`).
#[utoipa::path(get, path = "/api/v1/exports/{id}/file", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "text/csv", body = Vec<u8>), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 410, body = Problem)))]
pub async fn export_file(
    State(st): State<AppState>,
    Me(actor): Me,
    RequestCtxX(ctx): RequestCtxX,
    Path(id): Path<Uuid>,
) -> ApiResult<Response> {
    let slot = slot(&st, actor.user_id)?;
    let out = user_sheet::download(&st.app, &actor, id, &ctx).await?;
    stream(out, slot).await
}
