//! Row rules one at a time, on small UTF-8 CSV snippets: what is accepted, normalised,
//! warned about or rejected, with which code.

use kencom_roster::{parse_all, ColumnMapping, Field, ParseOptions, RosterError, RosterFormat};

const HEADER: &str = "保険者番号,記号,番号,枝番,漢字氏名,カナ氏名,性別,生年月日,本人家族区分,続柄,資格取得日,資格喪失日,任意継続,特例退職,郵便番号,住所\n";
const GOOD: [&str; 16] = [
    "06133425",
    "12",
    "3456",
    "00",
    "山田太郎",
    "ヤマダタロウ",
    "1",
    "1980-04-01",
    "1",
    "本人",
    "2002-04-01",
    "",
    "0",
    "0",
    "100-0013",
    "東京都千代田区",
];

/// Codes reported for one row with `field` set to `value`, and whether it was accepted.
fn check(field: Field, value: &str) -> (Vec<&'static str>, bool) {
    let mut cells = GOOD.map(String::from);
    cells[field.index()] = value.to_string();
    let text = format!("{HEADER}{}\n", cells.join(","));
    let out = parse_all(text.as_bytes(), &ParseOptions::default()).unwrap();
    let codes = out
        .with_problems
        .iter()
        .flat_map(|r| r.problems.iter().map(|p| p.code))
        .collect();
    (codes, out.rows.len() == 1)
}

#[test]
fn the_good_row_is_clean() {
    assert_eq!(check(Field::Symbol, "12"), (vec![], true));
}

#[test]
fn identifiers_follow_the_domain_rules() {
    assert_eq!(
        check(Field::InsurerNumber, "06133426"),
        (vec!["INSURER_CHECK_DIGIT"], false)
    );
    assert_eq!(
        check(Field::InsurerNumber, ""),
        (vec!["ROSTER_REQUIRED"], false)
    );
    assert_eq!(
        check(Field::Number, "12a4"),
        (vec!["CARD_NUMBER_INVALID_CHAR"], false)
    );
    assert_eq!(
        check(Field::Number, "012345678"),
        (vec!["ROSTER_NUMBER_LONG"], true)
    );
    assert_eq!(
        check(Field::Branch, "1"),
        (vec!["CARD_BRANCH_LENGTH"], false)
    );
    assert_eq!(
        check(Field::Branch, ""),
        (vec![], true),
        "rosters before 2021 have no 枝番"
    );
}

#[test]
fn kana_problems_say_which() {
    assert_eq!(
        check(Field::KanaName, "やまだ"),
        (vec!["KANA_HIRAGANA"], false)
    );
    assert_eq!(check(Field::KanaName, "ﾔﾏﾀﾞ").0[0], "KANA_HALF_WIDTH");
    assert_eq!(
        check(Field::KanaName, "ヤマダ　タロウ"),
        (vec!["ROSTER_KANA_SPACE"], true)
    );
    assert_eq!(
        check(Field::KanaName, "ショウ"),
        (vec!["ROSTER_KANA_SMALL"], true)
    );
}

#[test]
fn dates_in_every_roster_form() {
    for ok in [
        "1980-04-01",
        "1980/4/1",
        "19800401",
        "S55.4.1",
        "昭和55年4月1日",
        "3550401",
        "３５５０４０１",
    ] {
        assert_eq!(
            check(Field::BirthDate, ok),
            (vec![], true),
            "{ok} must be read"
        );
    }
    assert_eq!(
        check(Field::BirthDate, "6550401"),
        (vec!["DATE_ERA_CODE"], false)
    );
    assert_eq!(
        check(Field::BirthDate, "1980-02-30"),
        (vec!["DATE_INVALID"], false)
    );
    assert_eq!(
        check(Field::LostOn, "2000-01-01"),
        (vec!["ROSTER_DATE_ORDER"], false)
    );
    assert_eq!(
        check(Field::AcquiredOn, "1970-01-01"),
        (vec!["ROSTER_DATE_ORDER"], false)
    );
}

#[test]
fn codes_flags_and_postal_codes() {
    assert_eq!(check(Field::Sex, "女"), (vec![], true));
    assert_eq!(check(Field::Sex, "3"), (vec!["ROSTER_SEX"], false));
    assert_eq!(
        check(Field::Relationship, "家族"),
        (vec!["ROSTER_RELATION_MISMATCH"], true)
    );
    assert_eq!(
        check(Field::Relationship, "9"),
        (vec!["ROSTER_RELATIONSHIP"], false)
    );
    assert_eq!(check(Field::VoluntaryContinuation, "○"), (vec![], true));
    assert_eq!(
        check(Field::VoluntaryContinuation, "Y"),
        (vec!["ROSTER_FLAG"], false)
    );
    assert_eq!(
        check(Field::SpecialRetiree, "1"),
        (vec!["ROSTER_SPECIAL_RETIREE_MISMATCH"], true)
    );
    assert_eq!(
        check(Field::PostalCode, "〒１００－００１３"),
        (vec![], true)
    );
    assert_eq!(
        check(Field::PostalCode, "10-00013"),
        (vec!["ROSTER_POSTAL_INVALID"], true)
    );
}

#[test]
fn characters_are_reported_not_replaced() {
    let (codes, ok) = check(Field::Address, "東京都𠮷祥寺\u{E000}");
    assert_eq!(
        codes,
        vec!["ROSTER_CHAR_OUTSIDE_SHIFT_JIS", "ROSTER_CHAR_PRIVATE_USE"]
    );
    assert!(ok, "an unusual character in an address is a warning");
    assert_eq!(
        check(Field::KanjiName, "ﾔﾏﾀﾞ").0.len(),
        4,
        "one report per character"
    );
}

#[test]
fn same_last_seven_digits_is_a_collision_not_a_duplicate() {
    let mut a = GOOD.map(String::from);
    let mut b = GOOD.map(String::from);
    a[Field::Number.index()] = "11234567".into();
    b[Field::Number.index()] = "21234567".into();
    let text = format!("{HEADER}{}\n{}\n", a.join(","), b.join(","));
    let out = parse_all(text.as_bytes(), &ParseOptions::default()).unwrap();
    assert_eq!(out.rows.len(), 2, "both people exist");
    let last = out.with_problems.last().unwrap();
    assert_eq!(last.row, 3);
    assert!(last
        .problems
        .iter()
        .any(|p| p.code == "ROSTER_ELIGIBILITY_KEY_COLLISION"));
}

#[test]
fn short_records_and_mappings() {
    let text = format!("{HEADER}06133425,12,3456,00,山田太郎,ヤマダタロウ,1,1980-04-01,1\n");
    let out = parse_all(text.as_bytes(), &ParseOptions::default()).unwrap();
    assert_eq!(
        out.rows.len(),
        1,
        "trailing optional columns may be missing"
    );
    assert!(out.with_problems[0]
        .problems
        .iter()
        .any(|p| p.code == "ROSTER_COLUMN_COUNT"));

    let bad = ParseOptions {
        format: RosterFormat::Csv(ColumnMapping::from_header(&["番号"])),
        ..ParseOptions::default()
    };
    let err = parse_all(&b""[..], &bad).unwrap_err();
    assert!(matches!(err, RosterError::MappingIncomplete { .. }));
    assert_eq!(err.code(), "ROSTER_MAPPING_INCOMPLETE");
    assert!(err.to_string().contains("保険者番号"), "{err}");
}
