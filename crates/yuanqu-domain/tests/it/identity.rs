use yuanqu_domain::identity::{LoginId, PasswordError, PasswordProfile};

#[test]
fn password_profiles_accept_and_refuse_as_specified() {
    use PasswordProfile::*;
    let cases: &[(PasswordProfile, &str, Result<(), PasswordError>)] = &[
        (Mlps, "Yq!Staff-2026-abc", Ok(())),
        (Mlps, "short1A!", Err(PasswordError::TooShort)),
        (Mlps, "alllowercaseletters", Err(PasswordError::Classes)),
        (Mlps, "lowercase-and-symbols", Err(PasswordError::Classes)),
        (Mlps, "Lowercase1and2digits", Ok(())),
        (Asvs, "correct horse", Ok(())),
        (Asvs, "1234567", Err(PasswordError::TooShort)),
        (Asvs, "password", Err(PasswordError::Common)),
        (Asvs, "QWERTY123", Err(PasswordError::Common)),
        (Asvs, "zhangsan-2026", Err(PasswordError::ContainsLogin)),
    ];
    for (profile, pw, expected) in cases {
        assert_eq!(profile.check(pw, "zhangsan"), *expected, "{profile:?} {pw:?}");
    }
}

#[test]
fn login_ids_fold_case_and_refuse_odd_characters() {
    assert_eq!(LoginId::parse(" Admin ").unwrap().as_str(), "admin");
    assert_eq!(LoginId::parse("张三"), Err("login.format"));
    assert_eq!(LoginId::parse("a"), Err("login.format"));
    assert_eq!(LoginId::parse("li.si@corp-1").unwrap().as_str(), "li.si@corp-1");
}
