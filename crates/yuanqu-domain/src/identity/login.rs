//! Login IDs: unique per zone, compared case-insensitively (stored lower-cased).

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LoginId(String);

impl LoginId {
    /// 2–64 characters of letters, digits, `.`, `_`, `-` and `@`; case is folded.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim().to_lowercase();
        let ok_len = (2..=64).contains(&s.chars().count());
        let ok_chars = s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
        if ok_len && ok_chars { Ok(Self(s)) } else { Err("login.format") }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
