//! Tests for `barcode`: the Japan Post example of DOMAIN.md §4, further manual-style
//! addresses, truncation, and the structural properties of every barcode.

use super::*;
use proptest::prelude::*;

const KASUMIGASEKI: &str = "東京都千代田区霞が関1丁目3番2号 郵便プラザ503室";

fn labels(chars: &[BarcodeChar]) -> Vec<String> {
    chars.iter().map(ToString::to_string).collect()
}

#[test]
fn japan_post_example_matches_exactly() {
    assert_eq!(address_display_number(KASUMIGASEKI), "1-3-2-503");
    let code = CustomerBarcode::encode("100-0013", KASUMIGASEKI).expect("valid postal code");
    assert_eq!(code.postal_code(), "1000013");
    assert_eq!(code.address_number(), "1-3-2-503");
    assert_eq!(
        code.check_char(),
        BarcodeChar::Digit(9),
        "Japan Post's check digit is 9"
    );
    assert_eq!(
        labels(&code.chars()),
        [
            "START", "1", "0", "0", "0", "0", "1", "3", "1", "-", "3", "-", "2", "-", "5", "0",
            "3", "CC4", "CC4", "CC4", "CC4", "9", "STOP"
        ]
    );
    let bars = code.bars();
    assert_eq!(bars.len(), 67, "a customer barcode always has 67 bars");
    // Written out by hand from the bar table in DOMAIN.md §4.
    let expected = [
        "FD", // START
        "FFT", "FTT", "FTT", "FTT", "FTT", "FFT", "DFA", // 1000013
        "FFT", "TFT", "DFA", "TFT", "FDA", "TFT", "FTF", "FTT", "DFA", // 1-3-2-503
        "TDA", "TDA", "TDA", "TDA", // CC4 padding
        "TFF", // check digit 9
        "DF",  // STOP
    ]
    .concat();
    assert_eq!(code.bar_letters(), expected);
}

#[test]
fn further_addresses_from_the_manuals_rules() {
    for (address, expected) in [
        (
            "千葉県千葉市稲毛区緑町3丁目30-8 郵便ビル403号",
            "3-30-8-403",
        ),
        ("北海道札幌市東区北六条東4丁目 郵便センター6号館", "4-6"),
        ("東京都台東区台東5-6-3 ABCビル10F", "5-6-3-10F"),
        (
            "千葉県鎌ケ谷市右京塚 東3丁目-20-5 郵便・A&bコーポB604号",
            "3-20-5B604",
        ),
        (
            "東京都青梅市河辺町十一丁目六番地一号 郵便タワー601",
            "11-6-1-601",
        ),
        ("秋田県大仙市堀見内 南田茂木 添60-1", "60-1"),
        ("山梨県韮崎市龍岡町下條南割 韮崎400", "400"),
        ("東京都千代田区霞が関１丁目３番２号", "1-3-2"),
        ("大阪府大阪市北区梅田1ー2ー3", "1-2-3"),
        ("1番地の2", "1-2"),
        ("二十三番地", "23"),
        ("百二十番", "120"),
        ("一〇号", "10"),
        ("三田2丁目", "2"),
        ("1-A-2", "1A2"),
        ("AB-1", "1"),
        ("1/2.3", "123"),
        ("", ""),
    ] {
        assert_eq!(address_display_number(address), expected, "{address}");
    }
}

#[test]
fn letters_take_two_positions_and_change_the_check_digit() {
    // 〒110-0016 台東5-6-3 ABCビル10F: F = CC1 + 5. By hand: postal 9, "5-6-3-10" 45,
    // CC1 5 16, 3×CC4 42 → 112; 112 mod 19 = 17 → check 2.
    let code =
        CustomerBarcode::encode("1100016", "東京都台東区台東5-6-3 ABCビル10F").expect("valid");
    assert_eq!(
        labels(&code.data_chars()[7..]),
        ["5", "-", "6", "-", "3", "-", "1", "0", "CC1", "5", "CC4", "CC4", "CC4"]
    );
    assert_eq!(code.check_char(), BarcodeChar::Digit(2));
    // 〒273-0102 3-20-5B604: B = CC1 + 1. By hand: 15 + 52 + 28 = 95 ≡ 0 → check 0.
    let code = CustomerBarcode::encode(
        "273-0102",
        "千葉県鎌ケ谷市右京塚 東3丁目-20-5 郵便・A&bコーポB604号",
    )
    .expect("valid");
    assert_eq!(code.check_char(), BarcodeChar::Digit(0));
    let k = CustomerBarcode::encode("1000013", "1K").expect("valid");
    assert_eq!(labels(&k.data_chars()[7..10]), ["1", "CC2", "0"]);
    let z = CustomerBarcode::encode("1000013", "1Z").expect("valid");
    assert_eq!(labels(&z.data_chars()[7..10]), ["1", "CC3", "5"]);
}

#[test]
fn long_data_is_truncated_at_twenty() {
    let code = CustomerBarcode::encode("1000013", "1-2-3-4-5-6-7-8").expect("valid");
    assert_eq!(
        labels(&code.data_chars()[7..]),
        ["1", "-", "2", "-", "3", "-", "4", "-", "5", "-", "6", "-", "7"]
    );
    let code = CustomerBarcode::encode("1000013", "123456789012A").expect("valid");
    let tail = labels(&code.data_chars()[17..]);
    assert_eq!(
        tail,
        ["1", "2", "CC1"],
        "a CC1 on position 20 stays, its digit is dropped"
    );
    assert_eq!(code.bars().len(), 67);
}

#[test]
fn check_characters_can_be_hyphen_or_control() {
    let value_of = |c: BarcodeChar| c.value().expect("data character");
    assert_eq!(BarcodeChar::from_value(10), Some(BarcodeChar::Hyphen));
    assert_eq!(BarcodeChar::from_value(18), Some(BarcodeChar::Control(8)));
    assert_eq!(BarcodeChar::from_value(19), None);
    assert_eq!(value_of(BarcodeChar::Control(1)), 11);
    assert_eq!(BarcodeChar::Start.value(), None);
    // Sum 9 → check 10 ("-"); sum 8 → check 11 (CC1).
    assert_eq!(
        check_character(&[BarcodeChar::Digit(9)]),
        BarcodeChar::Hyphen
    );
    assert_eq!(
        check_character(&[BarcodeChar::Digit(8)]),
        BarcodeChar::Control(1)
    );
    assert_eq!(check_character(&[]), BarcodeChar::Digit(0));
}

#[test]
fn bar_table_matches_domain_md() {
    // Copied verbatim from DOMAIN.md §4.
    let table = "1 FFT, 2 FDA, 3 DFA, 4 FAD, 5 FTF, 6 DAF, 7 AFD, 8 ADF, 9 TFF, 0 FTT, - TFT, \
                 CC1 DAT, CC2 DTA, CC3 ADT, CC4 TDA, CC5 ATD, CC6 TAD, CC7 TTF, CC8 FFF";
    let mut seen = 0;
    for entry in table.split(", ") {
        let (name, bars) = entry.trim().split_once(' ').expect("name and bars");
        let c = (0..=18)
            .filter_map(BarcodeChar::from_value)
            .find(|c| c.to_string() == name)
            .expect("every table entry is a data character");
        let letters: String = c.bars().iter().map(|b| b.letter()).collect();
        assert_eq!(letters, bars, "bars of {name}");
        seen += 1;
    }
    assert_eq!(seen, 19, "all 19 data characters are pinned");
    assert_eq!(BarcodeChar::Start.bars(), [Bar::Long, Bar::Descender]);
    assert_eq!(BarcodeChar::Stop.bars(), [Bar::Descender, Bar::Long]);
}

#[test]
fn postal_code_must_be_seven_digits() {
    for ok in ["100-0013", "〒100-0013", "１００－００１３", "1000013"] {
        assert!(CustomerBarcode::encode(ok, "1").is_ok(), "{ok}");
    }
    let err = CustomerBarcode::encode("100-001", "1").expect_err("6 digits");
    assert_eq!(err.code(), "BARCODE_POSTAL_CODE");
    assert!(err.to_string().contains("数字7桁"), "{err}");
    assert!(CustomerBarcode::encode("100-00a3", "1").is_err());
}

proptest! {
    #[test]
    fn every_barcode_has_67_bars_and_a_valid_check(postal in "[0-9]{7}", address in "\\PC{0,40}") {
        let code = CustomerBarcode::encode(&postal, &address).expect("7 digits");
        prop_assert_eq!(code.data_chars().len(), 20);
        prop_assert_eq!(code.bars().len(), 67);
        let sum: u32 = code.data_chars().iter().chain([code.check_char()].iter())
            .map(|c| u32::from(c.value().expect("data characters have values"))).sum();
        prop_assert_eq!(sum % 19, 0, "data plus check must be divisible by 19");
        let letters = code.bar_letters();
        prop_assert!(letters.starts_with("FD") && letters.ends_with("DF"));
    }

    #[test]
    fn display_number_obeys_the_hyphen_rules(address in "\\PC{0,40}") {
        let n = address_display_number(&address);
        prop_assert!(n.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-'), "{}", n);
        prop_assert!(!n.starts_with('-') && !n.ends_with('-'), "{}", n);
        prop_assert!(!n.contains("--"), "{}", n);
        let chars: Vec<char> = n.chars().collect();
        for w in chars.windows(2) {
            let hyphen_next_to_letter = w[0] == '-' && w[1].is_ascii_uppercase()
                || w[1] == '-' && w[0].is_ascii_uppercase();
            prop_assert!(!hyphen_next_to_letter, "{}", n);
        }
    }

    #[test]
    fn digit_groups_survive_extraction(groups in proptest::collection::vec(1u32..1000, 1..5)) {
        let address = format!("東京都千代田区霞が関{}", groups.iter().map(u32::to_string).collect::<Vec<_>>().join("番"));
        let expected = groups.iter().map(u32::to_string).collect::<Vec<_>>().join("-");
        prop_assert_eq!(address_display_number(&address), expected);
    }
}
