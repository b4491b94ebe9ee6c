//! Identity and access: sign-in, sessions, users, departments, parks,
//! API tokens, and the bootstrap and demo zones.

pub mod auth;
pub mod org;
pub mod setup;
pub mod tokens;
pub mod totp;
pub mod user_sheet;
pub mod users;

use yuanqu_domain::FieldError;

use crate::AppError;

/// Trims and checks a required text field's length (in characters).
pub(crate) fn text(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = value.trim().to_owned();
    if v.is_empty() {
        errors.push(FieldError::new(field, "required"));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(field, "too_long"));
    }
    v
}

pub(crate) fn done(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}
