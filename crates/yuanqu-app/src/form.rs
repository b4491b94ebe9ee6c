//! Small checks of submitted form fields shared by the use cases.

use yuanqu_domain::FieldError;

/// A trimmed text field: `required` when empty and required, `too_long` beyond `max` characters.
pub fn text_field(errors: &mut Vec<FieldError>, field: &str, v: &str, max: usize, required: bool) -> String {
    let v = v.trim().to_owned();
    if v.is_empty() && required {
        errors.push(FieldError::new(field, "required"));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(field, "too_long"));
    }
    v
}
