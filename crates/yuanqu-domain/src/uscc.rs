//! 统一社会信用代码 (Unified Social Credit Code), GB 32100-2015.
//!
//! 18 characters from the alphabet `0-9 A-H J-N P-R T-U W-Y` (no I, O, Z, S, V); the last is a
//! check character computed MOD 31 over the first 17 with weights 3^i mod 31.

use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a USCC has 18 characters from 0-9 and A-Y without I, O, S, V, Z")]
    Format,
    #[error("the USCC check character does not match")]
    CheckChar,
}

impl UsccError {
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "uscc.format",
            Self::CheckChar => "uscc.check_char",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Uscc(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).and_then(|p| u32::try_from(p).ok())
}

/// The check character for the first 17 characters, if they are all from the alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(*b)? * w;
    }
    let c = (31 - sum % 31) % 31;
    ALPHABET.get(c as usize).map(|&b| char::from(b))
}

impl Uscc {
    /// Parses a code as typed by a person: surrounding spaces are ignored, letters upper-cased.
    pub fn parse(input: &str) -> Result<Self, UsccError> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() != 18 || !s.bytes().all(|b| value_of(b).is_some()) {
            return Err(UsccError::Format);
        }
        let (head, tail) = s.split_at(17);
        match check_char(head) {
            Some(c) if tail.starts_with(c) => Ok(Self(s)),
            _ => Err(UsccError::CheckChar),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
