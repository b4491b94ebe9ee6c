//! SeaORM entities, one per table of the migration set.

pub mod api_token;
pub mod audit_chain;
pub mod audit_log;
pub mod calendar_day;
pub mod department;
pub mod enterprise;
pub mod enterprise_contact;
pub mod enterprise_status_change;
pub mod enterprise_tag;
pub mod eval_result;
pub mod eval_scheme;
pub mod export_request;
pub mod file;
pub mod file_blob;
pub mod idempotency_key;
pub mod industry_code;
pub mod login_throttle;
pub mod park;
pub mod password_history;
pub mod session;
pub mod stat_report;
pub mod stat_rollup;
pub mod stat_rule;
pub mod stat_target;
pub mod user;
pub mod zone;
