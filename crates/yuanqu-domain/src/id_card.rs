//! 居民身份证号码 (resident identity card number), GB 11643-1999.
//!
//! 18 characters: a 6-digit region code (its first two digits a province), the birth date
//! `YYYYMMDD`, a 3-digit sequence number and a check character computed ISO 7064 MOD 11-2 over
//! the first 17 digits (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, map `10X98765432`). A lower
//! case `x` is accepted and stored as `X`. The old 15-digit numbers are refused with their own
//! code. Shown masked (`350582********1234`, PD-02).

use std::fmt;

use chrono::NaiveDate;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";
/// Province-level prefixes of GB/T 2260 (plus 71 Taiwan, 81 Hong Kong, 82 Macao, 83 the
/// residence permits of their residents).
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82, 83,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdCardError {
    #[error("an ID card number has 17 digits and a check character (digit or X)")]
    Format,
    #[error("15-digit ID card numbers are no longer valid; enter the 18-digit number")]
    Legacy15Digit,
    #[error("the ID card check character does not match")]
    CheckChar,
    #[error("the birth date in the ID card number is not a valid past date")]
    BirthDate,
    #[error("the ID card region code is not a province")]
    Region,
}

impl IdCardError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "id_card.format",
            Self::Legacy15Digit => "id_card.legacy_15_digit",
            Self::CheckChar => "id_card.check_char",
            Self::BirthDate => "id_card.birth_date",
            Self::Region => "id_card.region",
        }
    }
}

/// A checked ID card number (18 characters, check character upper case).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdCardNo(String);

/// The check character for 17 digits, if they are 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK.get((sum % 11) as usize).map(|&b| char::from(b))
}

impl IdCardNo {
    /// Parses a number as typed (surrounding spaces ignored); `today` bounds the birth date.
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, IdCardError> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdCardError::Legacy15Digit);
        }
        let bytes = s.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdCardError::Format);
        }
        let (head, tail) = s.split_at(17);
        if !tail.starts_with(check_char(head).ok_or(IdCardError::Format)?) {
            return Err(IdCardError::CheckChar);
        }
        let province = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if !PROVINCES.contains(&province) {
            return Err(IdCardError::Region);
        }
        let birth = NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| IdCardError::BirthDate)?;
        let earliest = NaiveDate::from_ymd_opt(1800, 1, 1).ok_or(IdCardError::BirthDate)?;
        if birth > today || birth < earliest {
            return Err(IdCardError::BirthDate);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date the number carries (digits 7–14; checked by `parse`).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok()
    }

    /// Whether the number is a man's (the 17th digit odd).
    pub fn is_male(&self) -> bool {
        self.0.as_bytes()[16].is_ascii_digit() && (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// `350582********1234`: the region code and the last 4 characters.
    pub fn mask(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a stored number: the first 6 and the last 4 characters, 8 stars between.
pub fn mask(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}********{tail}")
}

/// Never the full number in a log or a debug print.
impl fmt::Debug for IdCardNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdCardNo({})", self.mask())
    }
}
