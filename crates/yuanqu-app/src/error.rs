//! Application errors with stable codes; the HTTP layer maps each to a status.

use yuanqu_domain::FieldError;
use yuanqu_store::{AsStoreError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    AuthRequired,
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("login locked")]
    Locked { retry_after_secs: i64 },
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("forbidden")]
    Forbidden,
    /// Forbidden for a reason the UI names (e.g. `export.self_approval`).
    #[error("forbidden: {0}")]
    ForbiddenCode(&'static str),
    #[error("not found")]
    NotFound,
    /// Gone for good (e.g. an export already downloaded or expired).
    #[error("gone: {0}")]
    Gone(&'static str),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A conflict caused by one field's value (a duplicate), named for the form.
    #[error("conflict on {field}: {code}")]
    ConflictField { field: &'static str, code: &'static str },
    /// A transition the record's state (or the caller's part in it) does not allow; `allowed`
    /// lists the actions the caller may take instead.
    #[error("transition not allowed from {state}")]
    Transition { code: &'static str, state: &'static str, allowed: Vec<&'static str> },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("file refused: {0:?}")]
    File(crate::files::FileRejection),
    #[error("idempotency key reused with another request")]
    IdempotencyKeyReused,
    #[error("second factor required")]
    SecondFactorRequired,
    #[error("second factor enrolment required")]
    SecondFactorEnrolmentRequired,
    #[error("wrong second-factor code")]
    InvalidCode,
    #[error("second factor locked")]
    CodeLocked { retry_after_secs: i64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A spreadsheet refused as a whole, or its cells (IV-03).
    #[error(transparent)]
    Sheet(#[from] yuanqu_office::SheetError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, code: &'static str) -> Self {
        Self::Validation(vec![FieldError::new(field, code)])
    }

    /// The stable code the UI translates.
    pub fn code(&self) -> &'static str {
        match self {
            Self::AuthRequired => "auth.required",
            Self::InvalidCredentials => "auth.invalid_credentials",
            Self::Locked { .. } => "auth.locked",
            Self::PasswordChangeRequired => "auth.password_change_required",
            Self::Forbidden => "auth.forbidden",
            Self::NotFound => "not_found",
            Self::ForbiddenCode(c) | Self::Gone(c) => c,
            Self::Validation(_) => "validation.failed",
            Self::Conflict(c) | Self::ConflictField { code: c, .. } => c,
            Self::Transition { code, .. } => code,
            Self::PreconditionFailed => "precondition.failed",
            Self::PreconditionRequired => "precondition.required",
            Self::File(r) => r.code(),
            Self::IdempotencyKeyReused => "idempotency.key_reused",
            Self::SecondFactorRequired => "auth.second_factor_required",
            Self::SecondFactorEnrolmentRequired => "auth.second_factor_enrolment_required",
            Self::InvalidCode => "auth.totp_invalid",
            Self::CodeLocked { .. } => "auth.totp_locked",
            Self::Store(StoreError::Busy) => "busy",
            Self::Sheet(e) => e.code(),
            Self::Store(_) | Self::Internal(_) => "internal",
        }
    }
}

impl AsStoreError for AppError {
    fn as_store_error(&self) -> Option<&StoreError> {
        match self {
            Self::Store(s) => Some(s),
            _ => None,
        }
    }
}

/// Maps a unique-constraint violation to a conflict code, keeping other errors.
pub fn unique_as(code: &'static str) -> impl Fn(StoreError) -> AppError {
    move |e| match e {
        StoreError::Unique(_) => AppError::Conflict(code),
        other => AppError::Store(other),
    }
}
