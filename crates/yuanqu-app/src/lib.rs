//! Use cases per module, authorization (Actor, Scope, Permission) and audit. Knows no HTTP and
//! no SQL: storage is reached only through `yuanqu-store`'s query functions.

pub mod actor;
pub mod appeal;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod dashboard;
pub mod demo;
pub mod enterprise;
pub mod error;
pub mod evaluation;
pub mod files;
pub mod form;
pub mod idempotency;
pub mod identity;
pub mod notify;
pub mod party;
pub mod personal;
pub mod secret;
pub mod stats;
pub mod supervision;
pub mod visit;

use std::sync::Arc;

pub use actor::{Actor, Auth, RequestCtx, Stage};
pub use clock::{Clock, ManualClock, OffsetFileClock, SystemClock};
pub use error::AppError;
pub use yuanqu_store::{Db, Page, PageReq, Uuid};

/// Settings the use cases need; the binary fills them from its configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Audit records are kept at least this many days (AU-04: never below 180).
    pub audit_retention_days: u32,
    /// Failures within `lock_window` that lock a login ID (AUTH-03).
    pub lock_threshold: i32,
    pub lock_window: chrono::Duration,
    pub lock_duration: chrono::Duration,
    /// Uploaded files (IV-02).
    pub files: files::FilesConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            audit_retention_days: 180,
            lock_threshold: 5,
            lock_window: chrono::Duration::minutes(15),
            lock_duration: chrono::Duration::minutes(15),
            files: files::FilesConfig::default(),
        }
    }
}

/// The application: the database, the clock and the settings, shared by every request.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
    /// The data keys of personal data (PD-01); none until `with_keys`.
    pub keys: Arc<personal::KeyRing>,
}

impl App {
    pub fn new(db: Db, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        Self { db, clock, config, keys: Arc::new(personal::KeyRing::none()) }
    }
    pub fn with_keys(mut self, keys: personal::KeyRing) -> Self {
        self.keys = Arc::new(keys);
        self
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// Checks and clamps paging parameters (AV-01: at most 100 a page).
pub fn page_req(page: Option<u64>, page_size: Option<u64>) -> Result<PageReq, AppError> {
    let page = page.unwrap_or(1);
    let size = page_size.unwrap_or(20);
    let mut errors = Vec::new();
    if page == 0 {
        errors.push(yuanqu_domain::FieldError::new("page", "range"));
    }
    if size == 0 || size > 100 {
        errors.push(yuanqu_domain::FieldError::new("page_size", "range"));
    }
    if errors.is_empty() { Ok(PageReq { page, size }) } else { Err(AppError::Validation(errors)) }
}
