//! Errors as `application/problem+json` with a stable `code` and the request ID; never a stack
//! trace or SQL (IV-04).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use yuanqu_app::AppError;
use yuanqu_office::SheetError;

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorDto {
    pub field: String,
    pub code: String,
}

/// RFC 9457 problem details, with Yuanqu's `code`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorDto>,
    /// Spreadsheet problems located by row and column (IV-03).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<crate::sheets::CellErrorDto>,
    /// For a refused transition: the record's state and the actions the caller may take.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// An error on its way out; the request ID is added by the `problem_request_id` layer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub title: String,
    pub errors: Vec<FieldErrorDto>,
    pub cells: Vec<crate::sheets::CellErrorDto>,
    pub retry_after: Option<u32>,
    /// Boxed: a refused transition is rare and `ApiError` travels in every `Result`.
    pub transition: Option<Box<(String, Vec<String>)>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, title: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            title: title.to_owned(),
            errors: Vec::new(),
            cells: Vec::new(),
            retry_after: None,
            transition: None,
        }
    }
    pub fn field(mut self, field: &str, code: &str) -> Self {
        self.errors.push(FieldErrorDto { field: field.to_owned(), code: code.to_owned() });
        self
    }
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Not found")
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let code = e.code();
        let (status, title) = match &e {
            AppError::AuthRequired => (StatusCode::UNAUTHORIZED, "Sign-in required"),
            AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "Wrong zone, login ID or password"),
            AppError::Locked { .. } => (StatusCode::TOO_MANY_REQUESTS, "This login ID is locked for a while"),
            AppError::PasswordChangeRequired => (StatusCode::FORBIDDEN, "Change your password first"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "Your role does not allow this"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "Not found"),
            AppError::ForbiddenCode(_) => (StatusCode::FORBIDDEN, "Not allowed for this record"),
            AppError::Gone(_) => (StatusCode::GONE, "No longer available"),
            AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "Some fields are not valid"),
            AppError::Conflict(_) | AppError::ConflictField { .. } => {
                (StatusCode::CONFLICT, "Conflicts with existing data")
            }
            AppError::Transition { .. } => (StatusCode::CONFLICT, "Not possible in this state"),
            AppError::PreconditionFailed => (StatusCode::PRECONDITION_FAILED, "The record was changed by someone else"),
            AppError::PreconditionRequired => (StatusCode::PRECONDITION_REQUIRED, "If-Match is required"),
            AppError::File(r) => file_status(*r),
            AppError::IdempotencyKeyReused => {
                (StatusCode::UNPROCESSABLE_ENTITY, "This Idempotency-Key was used for another request")
            }
            AppError::SecondFactorRequired => (StatusCode::FORBIDDEN, "Enter the code of your authenticator first"),
            AppError::SecondFactorEnrolmentRequired => {
                (StatusCode::FORBIDDEN, "Set up a second factor (authenticator app) first")
            }
            AppError::InvalidCode => (StatusCode::UNAUTHORIZED, "Wrong or used code"),
            AppError::CodeLocked { .. } => (StatusCode::TOO_MANY_REQUESTS, "Too many wrong codes, wait a minute"),
            AppError::Store(yuanqu_store::StoreError::Busy) => (StatusCode::SERVICE_UNAVAILABLE, "Busy, try again"),
            AppError::Sheet(s) => match s {
                SheetError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "The file is larger than 10 MB"),
                SheetError::TypeNotAllowed | SheetError::Macro => {
                    (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Only .xlsx and .csv files without macros are accepted")
                }
                SheetError::Io(_) => {
                    tracing::error!(error = %e, "spreadsheet write failed");
                    (StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
                }
                _ => (StatusCode::UNPROCESSABLE_ENTITY, "The spreadsheet cannot be imported"),
            },
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = %e, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
            }
        };
        let mut out = Self::new(status, code, title);
        match e {
            AppError::Validation(errs) => {
                out.errors =
                    errs.into_iter().map(|f| FieldErrorDto { field: f.field, code: f.code.to_owned() }).collect();
            }
            AppError::ConflictField { field, code } => {
                out.errors.push(FieldErrorDto { field: field.to_owned(), code: code.to_owned() });
            }
            AppError::Locked { retry_after_secs } | AppError::CodeLocked { retry_after_secs } => {
                out.retry_after = Some(u32::try_from(retry_after_secs.max(0)).unwrap_or(u32::MAX))
            }
            AppError::Sheet(s) => out.cells = s.cells().iter().cloned().map(Into::into).collect(),
            AppError::Store(yuanqu_store::StoreError::Busy) => out.retry_after = Some(1),
            AppError::Transition { state, allowed, .. } => {
                out.transition = Some(Box::new((state.to_owned(), allowed.iter().map(|a| (*a).to_owned()).collect())))
            }
            _ => {}
        }
        out
    }
}

fn file_status(r: yuanqu_app::files::FileRejection) -> (StatusCode, &'static str) {
    use yuanqu_app::files::FileRejection as R;
    match r {
        R::TypeNotAllowed => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Only JPEG, PNG, PDF, xlsx and docx files are accepted")
        }
        R::Macro => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "Office files with macros are not accepted"),
        R::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "The file is too large"),
        R::TooManyPixels => (StatusCode::UNPROCESSABLE_ENTITY, "The image has too many pixels"),
        R::TrailingData => (StatusCode::UNPROCESSABLE_ENTITY, "The image has data after its end"),
        R::PdfActiveContent => {
            (StatusCode::UNPROCESSABLE_ENTITY, "PDFs with scripts or launch actions are not accepted")
        }
        R::Corrupt => (StatusCode::UNPROCESSABLE_ENTITY, "The image cannot be read"),
        R::Missing => (StatusCode::BAD_REQUEST, "Send the file in the multipart field `file`"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            type_: "about:blank".into(),
            title: self.title,
            status: self.status.as_u16(),
            code: self.code,
            request_id: None,
            errors: self.errors,
            cells: self.cells,
            state: self.transition.as_ref().map(|t| t.0.clone()),
            allowed: self.transition.map(|t| t.1.clone()),
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
