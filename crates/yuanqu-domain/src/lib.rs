//! Pure rules of Yuanqu: typed values parsed at the edge, the role and permission matrix,
//! tenant scopes. No IO, no async, no framework (guarded by `tests/it/layering.rs`).

pub mod appeal;
pub mod calendar;
pub mod enterprise;
pub mod evaluation;
pub mod files;
pub mod id_card;
pub mod identity;
pub mod industry;
pub mod party;
pub mod phone;
pub mod scope;
pub mod stats;
pub mod supervision;
pub mod uscc;

pub use id_card::IdCardNo;
pub use scope::{DataScope, Scope};
pub use uscc::Uscc;

/// A field-level validation failure: which field, and a stable code the UI translates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str) -> Self {
        Self { field: field.into(), code }
    }
}
