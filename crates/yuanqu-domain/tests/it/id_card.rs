#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

use chrono::NaiveDate;
use proptest::prelude::*;
use yuanqu_domain::id_card::{IdCardError, IdCardNo, check_char};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// IV-01: the examples of GB 11643-1999 parse; every kind of bad number gets its own code.
#[test]
fn iv01_id_card_numbers_parse_by_gb11643_and_bad_ones_say_why() {
    let cases: &[(&str, Result<&str, IdCardError>)] = &[
        ("11010519491231002X", Ok("11010519491231002X")),
        (" 11010519491231002x ", Ok("11010519491231002X")),
        ("440524188001010014", Ok("440524188001010014")),
        ("350582200001010015", Ok("350582200001010015")),
        ("110105194912310021", Err(IdCardError::CheckChar)),
        ("11010519491231002Y", Err(IdCardError::Format)),
        ("11010519491231002", Err(IdCardError::Format)),
        ("1101051949123100２X", Err(IdCardError::Format)),
        ("110105491231002", Err(IdCardError::Legacy15Digit)),
        ("350582203001010019", Err(IdCardError::BirthDate)),
        ("350582200002300014", Err(IdCardError::BirthDate)),
        ("990582200001010014", Err(IdCardError::Region)),
        ("", Err(IdCardError::Format)),
    ];
    for (input, expected) in cases {
        let got = IdCardNo::parse(input, today());
        assert_eq!(got.as_ref().map(IdCardNo::as_str).map_err(|e| *e), *expected, "{input:?}");
    }
    assert_eq!(IdCardError::Legacy15Digit.code(), "id_card.legacy_15_digit");
    assert_eq!(IdCardError::CheckChar.code(), "id_card.check_char");
    assert_eq!(IdCardError::Format.code(), "id_card.format");
    assert_eq!(IdCardError::BirthDate.code(), "id_card.birth_date");
}

/// PD-02: the mask keeps the region code and the last four characters, and Debug never
/// prints the number.
#[test]
fn pd02_an_id_card_number_is_masked_to_region_and_last_four() {
    let n = IdCardNo::parse("350582200001010015", today()).unwrap();
    assert_eq!(n.mask(), "350582********0015");
    assert_eq!(format!("{n:?}"), "IdCardNo(350582********0015)");
}

const PROVINCES: [u32; 6] = [11, 31, 35, 44, 65, 82];

fn valid_number() -> impl Strategy<Value = String> {
    (0usize..PROVINCES.len(), 0u32..10_000, 0i64..(120 * 365), 0u32..1000).prop_map(|(p, region, days, seq)| {
        let birth = NaiveDate::from_ymd_opt(1906, 1, 1).unwrap() + chrono::Duration::days(days);
        let head = format!("{:02}{region:04}{}{seq:03}", PROVINCES[p], birth.format("%Y%m%d"));
        format!("{head}{}", check_char(&head).unwrap())
    })
}

proptest! {
    #[test]
    fn a_generated_valid_number_round_trips(n in valid_number()) {
        let parsed = IdCardNo::parse(&n.to_lowercase(), today()).unwrap();
        prop_assert_eq!(parsed.as_str(), n.as_str());
    }

    #[test]
    fn any_single_digit_change_is_refused(n in valid_number(), pos in 0usize..17, delta in 1u8..10) {
        let mut b = n.into_bytes();
        b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
        let bad = String::from_utf8(b).unwrap();
        prop_assert_eq!(IdCardNo::parse(&bad, today()), Err(IdCardError::CheckChar));
    }
}
