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

/// The 97 divisions (大类): two-digit code and Chinese name.
pub const DIVISIONS: [(&str, &str); 97] = [
    ("01", "农业"),
    ("02", "林业"),
    ("03", "畜牧业"),
    ("04", "渔业"),
    ("05", "农、林、牧、渔专业及辅助性活动"),
    ("06", "煤炭开采和洗选业"),
    ("07", "石油和天然气开采业"),
    ("08", "黑色金属矿采选业"),
    ("09", "有色金属矿采选业"),
    ("10", "非金属矿采选业"),
    ("11", "开采专业及辅助性活动"),
    ("12", "其他采矿业"),
    ("13", "农副食品加工业"),
    ("14", "食品制造业"),
    ("15", "酒、饮料和精制茶制造业"),
    ("16", "烟草制品业"),
    ("17", "纺织业"),
    ("18", "纺织服装、服饰业"),
    ("19", "皮革、毛皮、羽毛及其制品和制鞋业"),
    ("20", "木材加工和木、竹、藤、棕、草制品业"),
    ("21", "家具制造业"),
    ("22", "造纸和纸制品业"),
    ("23", "印刷和记录媒介复制业"),
    ("24", "文教、工美、体育和娱乐用品制造业"),
    ("25", "石油、煤炭及其他燃料加工业"),
    ("26", "化学原料和化学制品制造业"),
    ("27", "医药制造业"),
    ("28", "化学纤维制造业"),
    ("29", "橡胶和塑料制品业"),
    ("30", "非金属矿物制品业"),
    ("31", "黑色金属冶炼和压延加工业"),
    ("32", "有色金属冶炼和压延加工业"),
    ("33", "金属制品业"),
    ("34", "通用设备制造业"),
    ("35", "专用设备制造业"),
    ("36", "汽车制造业"),
    ("37", "铁路、船舶、航空航天和其他运输设备制造业"),
    ("38", "电气机械和器材制造业"),
    ("39", "计算机、通信和其他电子设备制造业"),
    ("40", "仪器仪表制造业"),
    ("41", "其他制造业"),
    ("42", "废弃资源综合利用业"),
    ("43", "金属制品、机械和设备修理业"),
    ("44", "电力、热力生产和供应业"),
    ("45", "燃气生产和供应业"),
    ("46", "水的生产和供应业"),
    ("47", "房屋建筑业"),
    ("48", "土木工程建筑业"),
    ("49", "建筑安装业"),
    ("50", "建筑装饰、装修和其他建筑业"),
    ("51", "批发业"),
    ("52", "零售业"),
    ("53", "铁路运输业"),
    ("54", "道路运输业"),
    ("55", "水上运输业"),
    ("56", "航空运输业"),
    ("57", "管道运输业"),
    ("58", "多式联运和运输代理业"),
    ("59", "装卸搬运和仓储业"),
    ("60", "邮政业"),
    ("61", "住宿业"),
    ("62", "餐饮业"),
    ("63", "电信、广播电视和卫星传输服务"),
    ("64", "互联网和相关服务"),
    ("65", "软件和信息技术服务业"),
    ("66", "货币金融服务"),
    ("67", "资本市场服务"),
    ("68", "保险业"),
    ("69", "其他金融业"),
    ("70", "房地产业"),
    ("71", "租赁业"),
    ("72", "商务服务业"),
    ("73", "研究和试验发展"),
    ("74", "专业技术服务业"),
    ("75", "科技推广和应用服务业"),
    ("76", "水利管理业"),
    ("77", "生态保护和环境治理业"),
    ("78", "公共设施管理业"),
    ("79", "土地管理业"),
    ("80", "居民服务业"),
    ("81", "机动车、电子产品和日用产品修理业"),
    ("82", "其他服务业"),
    ("83", "教育"),
    ("84", "卫生"),
    ("85", "社会工作"),
    ("86", "新闻和出版业"),
    ("87", "广播、电视、电影和录音制作业"),
    ("88", "文化艺术业"),
    ("89", "体育"),
    ("90", "娱乐业"),
    ("91", "中国共产党机关"),
    ("92", "国家机构"),
    ("93", "人民政协、民主党派"),
    ("94", "社会保障"),
    ("95", "群众团体、社会团体和其他成员组织"),
    ("96", "基层群众自治组织及其他组织"),
    ("97", "国际组织"),
];

/// The Chinese name of a shipped division (`"13"` → 农副食品加工业).
pub fn division_name(code: &str) -> Option<&'static str> {
    DIVISIONS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// The Chinese name of a section letter.
pub fn section_name(section: char) -> Option<&'static str> {
    SECTIONS.iter().find(|(s, ..)| *s == section).map(|(_, n, ..)| *n)
}

/// A GB/T 4754-2017 code as typed: 2 digits naming a shipped division, or 3/4 digits under a
/// shipped division. Whether a 3/4-digit code exists in the zone (its `industry_code` table) is
/// for the application to check ([`IndustryCode::is_division`] is false for those).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct IndustryCode(String);

impl IndustryCode {
    /// `Err` is the error code: `industry.format` (not 2–4 digits) or `industry.unknown` (the
    /// first two digits are no shipped division).
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let s = input.trim();
        if !(2..=4).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("industry.format");
        }
        if division_name(&s[..2]).is_none() {
            return Err("industry.unknown");
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A shipped 2-digit division (no zone entry needed).
    pub fn is_division(&self) -> bool {
        self.0.len() == 2
    }

    /// The 2-digit division.
    pub fn division(&self) -> &str {
        &self.0[..2]
    }

    pub fn section(&self) -> Option<char> {
        section_of(&self.0)
    }
}

/// The list's industry filter as a half-open range of codes `[from, to)`: a section letter
/// (`C` → `["13", "44")`) or a code prefix (`13` → `["13", "14")`, `131` → `["131", "132")`).
/// Codes are digit strings, so the range compares as text and uses the index.
pub fn filter_range(input: &str) -> Result<(String, String), &'static str> {
    let s = input.trim().to_ascii_uppercase();
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c.is_ascii_alphabetic()
    {
        let (_, _, lo, hi) = SECTIONS.iter().find(|(x, ..)| *x == c).ok_or("industry.unknown")?;
        return Ok((format!("{lo:02}"), format!("{:02}", hi + 1)));
    }
    if !(1..=4).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("industry.format");
    }
    let mut to = s.clone().into_bytes();
    if let Some(last) = to.last_mut() {
        // '9' + 1 is ':', which sorts after every digit.
        *last += 1;
    }
    Ok((s, String::from_utf8(to).map_err(|_| "industry.format")?))
}

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

    #[test]
    fn the_97_divisions_are_shipped_in_order_and_fall_in_their_sections() {
        assert_eq!(DIVISIONS.len(), 97);
        for (i, (code, name)) in DIVISIONS.iter().enumerate() {
            assert_eq!(code.parse::<usize>().unwrap(), i + 1, "{code}");
            assert!(!name.is_empty());
            assert!(section_of(code).is_some(), "{code}");
        }
        for (code, name) in [
            ("13", "农副食品加工业"),
            ("14", "食品制造业"),
            ("17", "纺织业"),
            ("18", "纺织服装、服饰业"),
            ("19", "皮革、毛皮、羽毛及其制品和制鞋业"),
            ("34", "通用设备制造业"),
            ("35", "专用设备制造业"),
            ("58", "多式联运和运输代理业"),
            ("59", "装卸搬运和仓储业"),
            ("65", "软件和信息技术服务业"),
        ] {
            assert_eq!(division_name(code), Some(name), "{code}");
        }
        assert_eq!(division_name("98"), None);
        assert_eq!(section_name('C'), Some("制造业"));
    }

    #[test]
    fn industry_codes_parse() {
        let c = IndustryCode::parse(" 13 ").unwrap();
        assert!(c.is_division());
        assert_eq!((c.as_str(), c.division(), c.section()), ("13", "13", Some('C')));
        let c = IndustryCode::parse("1311").unwrap();
        assert!(!c.is_division());
        assert_eq!((c.division(), c.section()), ("13", Some('C')));
        assert!(IndustryCode::parse("591").is_ok());
        for (bad, code) in [
            ("", "industry.format"),
            ("1", "industry.format"),
            ("13111", "industry.format"),
            ("1a", "industry.format"),
            ("C", "industry.format"),
            ("98", "industry.unknown"),
            ("00", "industry.unknown"),
            ("9901", "industry.unknown"),
        ] {
            assert_eq!(IndustryCode::parse(bad), Err(code), "{bad}");
        }
    }

    #[test]
    fn filters_are_code_ranges() {
        assert_eq!(filter_range("C"), Ok(("13".into(), "44".into())));
        assert_eq!(filter_range("a"), Ok(("01".into(), "06".into())));
        assert_eq!(filter_range("T"), Ok(("97".into(), "98".into())));
        assert_eq!(filter_range("13"), Ok(("13".into(), "14".into())));
        assert_eq!(filter_range("131"), Ok(("131".into(), "132".into())));
        assert_eq!(filter_range("19"), Ok(("19".into(), "1:".into())));
        assert!("1311" >= "13" && "1311" < "14" && "19" < "1:" && "1999" < "1:");
        assert_eq!(filter_range("Z"), Err("industry.unknown"));
        assert_eq!(filter_range("1x"), Err("industry.format"));
        assert_eq!(filter_range(""), Err("industry.format"));
    }
}
