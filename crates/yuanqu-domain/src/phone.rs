//! Mainland mobile numbers: 11 digits starting with 1; shown masked (`138****5678`, PD-02).

/// Checks a mobile number as typed (surrounding spaces ignored); `Err` carries the error code.
pub fn parse_mobile(input: &str) -> Result<String, &'static str> {
    let p = input.trim();
    if p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit()) {
        Ok(p.to_owned())
    } else {
        Err("phone.format")
    }
}

/// `138****5678`: the first 3 and last 4 characters, the rest hidden.
pub fn mask(p: &str) -> String {
    let chars: Vec<char> = p.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers_parse_and_mask() {
        assert_eq!(parse_mobile(" 13912345678 "), Ok("13912345678".to_owned()));
        for bad in ["1391234567", "23912345678", "1391234567a", "+8613912345678"] {
            assert_eq!(parse_mobile(bad), Err("phone.format"), "{bad}");
        }
        assert_eq!(mask("13912345678"), "139****5678");
        assert_eq!(mask("12345"), "*****");
    }
}
