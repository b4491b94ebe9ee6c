use proptest::prelude::*;
use yuanqu_domain::uscc::{Uscc, UsccError, check_char};

/// Real codes published on enterprise licences (and one built from the check algorithm).
#[test]
fn known_codes_parse_and_bad_ones_say_why() {
    let cases: &[(&str, Result<(), UsccError>)] = &[
        ("91110000802100433B", Ok(())),
        ("91440300708461136T", Ok(())),
        (" 91440300708461136t ", Ok(())),
        ("91350582MA31XUC5XX", Ok(())),
        ("91440300708461136U", Err(UsccError::CheckChar)),
        ("91440300708461163T", Err(UsccError::CheckChar)),
        ("91350582MA31XUC5X", Err(UsccError::Format)),
        ("91350582MA31XUC5I7", Err(UsccError::Format)),
        ("", Err(UsccError::Format)),
    ];
    for (input, expected) in cases {
        assert_eq!(Uscc::parse(input).map(|_| ()), *expected, "{input:?}");
    }
}

const ALPHA: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

proptest! {
    #[test]
    fn any_17_chars_with_their_check_char_parse(head in proptest::collection::vec(0usize..31, 17)) {
        let head: String = head.iter().map(|i| ALPHA.as_bytes()[*i] as char).collect();
        let c = check_char(&head).unwrap();
        let code = format!("{head}{c}");
        let parsed = Uscc::parse(&code).unwrap();
        prop_assert_eq!(parsed.as_str(), code.as_str());
    }

    #[test]
    fn changing_one_character_is_always_detected(head in proptest::collection::vec(0usize..31, 17), pos in 0usize..17, delta in 1usize..31) {
        let mut chars: Vec<u8> = head.iter().map(|i| ALPHA.as_bytes()[*i]).collect();
        let good: String = chars.iter().map(|b| *b as char).collect();
        let c = check_char(&good).unwrap();
        let i = ALPHA.find(chars[pos] as char).unwrap();
        chars[pos] = ALPHA.as_bytes()[(i + delta) % 31];
        let bad: String = chars.iter().map(|b| *b as char).chain(std::iter::once(c)).collect();
        prop_assert_eq!(Uscc::parse(&bad), Err(UsccError::CheckChar));
    }
}
