//! SeaORM entities, one per table of the migration set.

pub mod api_token;
pub mod audit_chain;
pub mod audit_log;
pub mod department;
pub mod enterprise;
pub mod export_request;
pub mod file;
pub mod file_blob;
pub mod idempotency_key;
pub mod login_throttle;
pub mod park;
pub mod password_history;
pub mod session;
pub mod user;
pub mod zone;
