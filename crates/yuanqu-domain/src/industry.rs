//! 国民经济行业分类 GB/T 4754-2017: 20 sections (门类 A–T) and their 2-digit divisions (大类).
//! A zone may add 3- and 4-digit codes (中类, 小类) under a shipped division.

/// The sections and the range of divisions each holds.
pub const SECTIONS: [(char, &str, u8, u8); 20] = [
    ('A', "农、林、牧、渔业", 1, 5),
    ('B', "采矿业", 6, 12),
    ('C', "制造业", 13, 43),
    ('D', "电力、热力、燃气及水生产和供应业", 44, 46),
    ('E', "建筑业", 47, 50),
    ('F', "批发和零售业", 51, 52),
    ('G', "交通运输、仓储和邮政业", 53, 60),
    ('H', "住宿和餐饮业", 61, 62),
    ('I', "信息传输、软件和信息技术服务业", 63, 65),
    ('J', "金融业", 66, 69),
    ('K', "房地产业", 70, 70),
    ('L', "租赁和商务服务业", 71, 72),
    ('M', "科学研究和技术服务业", 73, 75),
    ('N', "水利、环境和公共设施管理业", 76, 79),
    ('O', "居民服务、修理和其他服务业", 80, 82),
    ('P', "教育", 83, 83),
    ('Q', "卫生和社会工作", 84, 85),
    ('R', "文化、体育和娱乐业", 86, 90),
    ('S', "公共管理、社会保障和社会组织", 91, 96),
    ('T', "国际组织", 97, 97),
];

/// The section letter of a code's first two digits (`"1311"` → `C`).
pub fn section_of(code: &str) -> Option<char> {
    let division: u8 = code.get(..2)?.parse().ok()?;
    SECTIONS.iter().find(|(_, _, lo, hi)| (*lo..=*hi).contains(&division)).map(|(s, ..)| *s)
}

/// The 2-digit division of a code (`"1311"` → `"13"`).
pub fn division_of(code: &str) -> Option<&str> {
    code.get(..2).filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_fall_in_their_sections() {
        for (code, section) in [
            ("13", Some('C')),
            ("1311", Some('C')),
            ("43", Some('C')),
            ("59", Some('G')),
            ("05", Some('A')),
            ("97", Some('T')),
            ("98", None),
            ("x1", None),
            ("", None),
        ] {
            assert_eq!(section_of(code), section, "{code}");
        }
        assert_eq!(division_of("1311"), Some("13"));
    }
}
