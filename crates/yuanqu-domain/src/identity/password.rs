//! Password profiles (AUTH-02): `mlps` for staff and administrators (GB/T 22239 level 3),
//! `asvs` for enterprise and worker accounts (OWASP ASVS 5.0).

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProfile {
    /// ≥ 12 characters, 3 of 4 classes, 90-day age, no reuse of the last 5.
    Mlps,
    /// ≥ 8 characters, no composition rules, not a common password.
    Asvs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("password too short")]
    TooShort,
    #[error("password too long")]
    TooLong,
    #[error("password needs 3 of: lower case, upper case, digits, symbols")]
    Classes,
    #[error("password is too common")]
    Common,
    #[error("password was used recently")]
    Reused,
    #[error("password contains the login ID")]
    ContainsLogin,
}

impl PasswordError {
    pub fn code(self) -> &'static str {
        match self {
            Self::TooShort => "password.too_short",
            Self::TooLong => "password.too_long",
            Self::Classes => "password.classes",
            Self::Common => "password.common",
            Self::Reused => "password.reused",
            Self::ContainsLogin => "password.contains_login",
        }
    }
}

/// A short list of the most common passwords and their obvious variants; the check is
/// case-insensitive.
const COMMON: &[&str] = &[
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "password",
    "password1",
    "qwerty",
    "qwerty123",
    "11111111",
    "00000000",
    "88888888",
    "66666666",
    "abc12345",
    "iloveyou",
    "admin123",
    "admin@123",
    "a1234567",
    "aa123456",
    "1qaz2wsx",
    "qwertyuiop",
    "1q2w3e4r",
    "woaini1314",
    "5201314520",
    "password123",
    "p@ssw0rd",
    "abcd1234",
    "12341234",
    "zxcvbnm123",
    "123123123",
    "147258369",
    "987654321",
    "changeme",
    "welcome1",
    "letmein1",
    "admin1234",
    "root1234",
    "test1234",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
];

impl PasswordProfile {
    pub fn min_len(self) -> usize {
        match self {
            Self::Mlps => 12,
            Self::Asvs => 8,
        }
    }

    /// How long a password may be used before it must be changed.
    pub fn max_age(self) -> Option<Duration> {
        match self {
            Self::Mlps => Some(Duration::from_secs(90 * 24 * 3600)),
            Self::Asvs => None,
        }
    }

    /// How many previous passwords may not be reused.
    pub fn history(self) -> usize {
        match self {
            Self::Mlps => 5,
            Self::Asvs => 0,
        }
    }

    /// Checks a new password's composition. Reuse is checked by the caller against the hashes.
    pub fn check(self, password: &str, login: &str) -> Result<(), PasswordError> {
        let len = password.chars().count();
        if len < self.min_len() {
            return Err(PasswordError::TooShort);
        }
        if len > 128 {
            return Err(PasswordError::TooLong);
        }
        let lower = password.to_lowercase();
        if COMMON.contains(&lower.as_str()) {
            return Err(PasswordError::Common);
        }
        if login.len() >= 3 && lower.contains(&login.to_lowercase()) {
            return Err(PasswordError::ContainsLogin);
        }
        if self == Self::Mlps {
            let classes = [
                password.chars().any(|c| c.is_lowercase()),
                password.chars().any(|c| c.is_uppercase()),
                password.chars().any(|c| c.is_ascii_digit()),
                password.chars().any(|c| !c.is_alphanumeric()),
            ];
            if classes.iter().filter(|b| **b).count() < 3 {
                return Err(PasswordError::Classes);
            }
        }
        Ok(())
    }
}
