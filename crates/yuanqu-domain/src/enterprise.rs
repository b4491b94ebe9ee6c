//! The enterprise registry's rules (一企一档): status, tags, and the decimal units people type
//! (万元 for money kept in fen, 亩 for land kept in hundredths of a mu).

/// An enterprise's status; every change is kept in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Operating,
    Suspended,
    Closed,
    MovedOut,
}

impl Status {
    pub const ALL: [Self; 4] = [Self::Operating, Self::Suspended, Self::Closed, Self::MovedOut];

    pub fn code(self) -> &'static str {
        match self {
            Self::Operating => "operating",
            Self::Suspended => "suspended",
            Self::Closed => "closed",
            Self::MovedOut => "moved_out",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Operating => "在营",
            Self::Suspended => "停产",
            Self::Closed => "注销",
            Self::MovedOut => "迁出",
        }
    }

    /// By code or Chinese name; `Err` is `enterprise.status_unknown`.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        Self::ALL.into_iter().find(|x| x.code() == s || x.name_zh() == s).ok_or("enterprise.status_unknown")
    }
}

/// At most this many tags per enterprise.
pub const MAX_TAGS: usize = 10;
/// A tag's longest length in characters.
pub const MAX_TAG_LEN: usize = 32;

/// Trims, drops empties and duplicates (keeping order); `Err` is `enterprise.too_many_tags` or
/// `enterprise.tag_too_long`.
pub fn tags<S: AsRef<str>>(input: &[S]) -> Result<Vec<String>, &'static str> {
    let mut out: Vec<String> = Vec::new();
    for t in input {
        let t = t.as_ref().trim();
        if t.is_empty() || out.iter().any(|o| o == t) {
            continue;
        }
        if t.chars().count() > MAX_TAG_LEN {
            return Err("enterprise.tag_too_long");
        }
        out.push(t.to_owned());
    }
    if out.len() > MAX_TAGS {
        return Err("enterprise.too_many_tags");
    }
    Ok(out)
}

/// A non-negative decimal as typed (`12.5`, `1,200`, `０`) scaled by 10^`decimals` exactly:
/// `parse_scaled("12.345", 2)` is `Err("number.too_precise")`, `parse_scaled("12.5", 6)` is
/// `12_500_000`. `Err` codes: `number.format`, `number.negative`, `number.too_precise`,
/// `number.too_large`.
pub fn parse_scaled(input: &str, decimals: u32) -> Result<i64, &'static str> {
    let s: String = input.trim().chars().filter(|c| *c != ',' && *c != '，').collect();
    if let Some(rest) = s.strip_prefix('-') {
        return match parse_scaled(rest, decimals) {
            Ok(0) => Ok(0),
            Ok(_) => Err("number.negative"),
            Err(e) => Err(e),
        };
    }
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("number.format");
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > decimals as usize {
        return Err("number.too_precise");
    }
    let scale = 10i64.checked_pow(decimals).ok_or("number.too_large")?;
    let int: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| "number.too_large")? };
    let frac_v: i64 = if frac.is_empty() {
        0
    } else {
        let padded = format!("{frac:0<width$}", width = decimals as usize);
        padded.parse().map_err(|_| "number.format")?
    };
    int.checked_mul(scale).and_then(|v| v.checked_add(frac_v)).ok_or("number.too_large")
}

/// The inverse of [`parse_scaled`] without trailing zeros: `format_scaled(12_500_000, 6)` is `12.5`.
pub fn format_scaled(v: i64, decimals: u32) -> String {
    let scale = 10i128.pow(decimals);
    let v = i128::from(v);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.abs();
    let (int, frac) = (a / scale, a % scale);
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let f = format!("{frac:0>width$}", width = decimals as usize);
    format!("{sign}{int}.{}", f.trim_end_matches('0'))
}

/// Fen in one 万元.
pub const FEN_PER_WAN: i64 = 1_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_by_code_or_name() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Ok(s));
            assert_eq!(Status::parse(s.name_zh()), Ok(s));
        }
        assert_eq!(Status::parse("gone"), Err("enterprise.status_unknown"));
    }

    #[test]
    fn tags_are_trimmed_deduplicated_and_bounded() {
        assert_eq!(tags(&[" 高新 ", "", "高新", "专精特新"]), Ok(vec!["高新".to_owned(), "专精特新".to_owned()]));
        let eleven: Vec<String> = (0..11).map(|i| format!("t{i}")).collect();
        assert_eq!(tags(&eleven), Err("enterprise.too_many_tags"));
        assert_eq!(tags(&["长".repeat(33)]), Err("enterprise.tag_too_long"));
        assert!(tags(&["长".repeat(32)]).is_ok());
    }

    #[test]
    fn decimals_scale_exactly() {
        for (s, d, v) in [
            ("12.5", 6, 12_500_000),
            ("1,200", 2, 120_000),
            ("0.01", 2, 1),
            ("3", 2, 300),
            (".5", 2, 50),
            ("12.50", 1, 125),
            ("-0", 2, 0),
        ] {
            assert_eq!(parse_scaled(s, d), Ok(v), "{s}");
        }
        for (s, d, e) in [
            ("-1", 2, "number.negative"),
            ("abc", 2, "number.format"),
            ("1.2.3", 2, "number.format"),
            ("", 2, "number.format"),
            ("0.001", 2, "number.too_precise"),
            ("99999999999999999999", 2, "number.too_large"),
        ] {
            assert_eq!(parse_scaled(s, d), Err(e), "{s}");
        }
        assert_eq!(format_scaled(12_500_000, 6), "12.5");
        assert_eq!(format_scaled(300, 2), "3");
        assert_eq!(format_scaled(1, 2), "0.01");
    }
}
