//! Katakana name matching. Rosters and members write the same カナ氏名 differently (half-width
//! kana, ショウ vs legacy シヨウ, ヴ vs バ, long-vowel marks); the eligibility check and the
//! desk compare a folded key and report **which folds were needed**, so an agent can tell a
//! member "the roster has シヨウ" instead of "not found". Also the kanji variant key (髙→高).
//! Nothing here decides whether a match is good enough; callers do.

use serde::{Deserialize, Serialize};

use unicode_normalization::UnicodeNormalization;

use crate::chars::{is_blank, is_dash, nfkc};

/// One normalisation step of the name key, in the order they are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum KanaFold {
    /// NFKC: half-width kana, full-width letters and spaces.
    Width,
    /// Hiragana written for katakana.
    Hiragana,
    /// Spaces and ・ between the parts of a name.
    Space,
    /// Small kana (ャュョッァィゥェォヮヵヶ) written large, as legacy rosters do.
    Small,
    /// ヴ-row written as バ-row.
    Vu,
    /// ヂ/ジ, ヅ/ズ, ヲ/オ.
    DziDzuWo,
    /// ー and hyphen look-alikes.
    LongVowel,
}

/// All folds in application order.
pub const ALL_FOLDS: [KanaFold; 7] = [
    KanaFold::Width,
    KanaFold::Hiragana,
    KanaFold::Space,
    KanaFold::Small,
    KanaFold::Vu,
    KanaFold::DziDzuWo,
    KanaFold::LongVowel,
];

impl KanaFold {
    /// Japanese label shown to agents.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Width => "全角半角差異",
            Self::Hiragana => "ひらがな",
            Self::Space => "空白差異",
            Self::Small => "小書き差異",
            Self::Vu => "ヴ表記差異",
            Self::DziDzuWo => "ヂヅヲ差異",
            Self::LongVowel => "長音差異",
        }
    }

    fn apply(self, s: &str) -> String {
        match self {
            Self::Width => nfkc(s),
            Self::Hiragana => s.chars().map(hiragana_to_katakana).collect(),
            Self::Space => s
                .chars()
                .filter(|&c| !(is_blank(c) || matches!(c, '・' | '･' | '·')))
                .collect(),
            Self::Small => s.chars().map(small_to_large).collect(),
            Self::Vu => fold_vu(s),
            Self::DziDzuWo => s
                .chars()
                .map(|c| match c {
                    'ヂ' => 'ジ',
                    'ヅ' => 'ズ',
                    'ヲ' => 'オ',
                    other => other,
                })
                .collect(),
            Self::LongVowel => s.chars().filter(|&c| !is_dash(c)).collect(),
        }
    }
}

fn hiragana_to_katakana(c: char) -> char {
    match c {
        '\u{3041}'..='\u{3096}' | '\u{309D}' | '\u{309E}' => {
            char::from_u32(c as u32 + 0x60).unwrap_or(c)
        }
        other => other,
    }
}

fn small_to_large(c: char) -> char {
    match c {
        'ァ' => 'ア',
        'ィ' => 'イ',
        'ゥ' => 'ウ',
        'ェ' => 'エ',
        'ォ' => 'オ',
        'ッ' => 'ツ',
        'ャ' => 'ヤ',
        'ュ' => 'ユ',
        'ョ' => 'ヨ',
        'ヮ' => 'ワ',
        'ヵ' => 'カ',
        'ヶ' => 'ケ',
        'ㇰ' => 'ク',
        'ㇱ' => 'シ',
        'ㇲ' => 'ス',
        'ㇳ' => 'ト',
        'ㇴ' => 'ヌ',
        'ㇵ' => 'ハ',
        'ㇶ' => 'ヒ',
        'ㇷ' => 'フ',
        'ㇸ' => 'ヘ',
        'ㇹ' => 'ホ',
        'ㇺ' => 'ム',
        'ㇻ' => 'ラ',
        'ㇼ' => 'リ',
        'ㇽ' => 'ル',
        'ㇾ' => 'レ',
        'ㇿ' => 'ロ',
        other => other,
    }
}

/// ヴァ/ヴア → バ, ヴィ → ビ, ヴ → ブ, ヴェ → ベ, ヴォ → ボ (and ヷヸヹヺ). The vowel after ヴ
/// is consumed whether small or already enlarged by the `Small` fold.
fn fold_vu(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let mapped = match c {
            'ヷ' => 'バ',
            'ヸ' => 'ビ',
            'ヹ' => 'ベ',
            'ヺ' => 'ボ',
            'ヴ' => {
                let row = match chars.get(i) {
                    Some('ア' | 'ァ') => Some('バ'),
                    Some('イ' | 'ィ') => Some('ビ'),
                    Some('エ' | 'ェ') => Some('ベ'),
                    Some('オ' | 'ォ') => Some('ボ'),
                    _ => None,
                };
                if row.is_some() {
                    i += 1;
                }
                row.unwrap_or('ブ')
            }
            other => other,
        };
        out.push(mapped);
    }
    out
}

/// A name's matching key and the folds that changed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameKey {
    /// The folded key.
    pub key: String,
    /// Folds that changed something, in application order.
    pub folds: Vec<KanaFold>,
}

/// Folds a カナ氏名 into its matching key.
pub fn name_key(name: &str) -> NameKey {
    // Nearly every roster name is plain full-width katakana, which no fold changes: its key
    // is itself (the general path costs seven new strings and two normalisations, a tenth
    // of applying a 1M-row roster).
    if name.chars().all(folds_leave_alone) {
        return NameKey {
            key: name.to_owned(),
            folds: Vec::new(),
        };
    }
    key_with(name, None)
}

/// Full-width katakana letters that every fold maps to themselves, alone and next to each
/// other: not small (ァ…), not ヴ, ヂ, ヅ or ヲ, not ー or ・, no combining marks (NFKC and NFC
/// leave a run of precomposed katakana as it is).
fn folds_leave_alone(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30F6}')
        && !matches!(
            c,
            'ァ' | 'ィ'
                | 'ゥ'
                | 'ェ'
                | 'ォ'
                | 'ッ'
                | 'ャ'
                | 'ュ'
                | 'ョ'
                | 'ヮ'
                | 'ヵ'
                | 'ヶ'
                | 'ヴ'
                | 'ヂ'
                | 'ヅ'
                | 'ヲ'
        )
}

fn key_with(name: &str, skip: Option<KanaFold>) -> NameKey {
    let mut key = name.to_string();
    let mut folds = Vec::new();
    for fold in ALL_FOLDS {
        if Some(fold) == skip {
            continue;
        }
        let next = fold.apply(&key);
        if next != key {
            folds.push(fold);
            key = next;
        }
    }
    // Dropping blanks or dashes can leave a base letter next to a combining mark (E ̄);
    // compose them so the key is stable under a second pass. Not a fold of its own: the
    // removal that caused it is already reported.
    let key = key.nfc().collect();
    NameKey { key, folds }
}

/// How a typed name relates to the roster's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NameMatch {
    /// Identical strings.
    Exact,
    /// Equal keys; the folds without which they would differ.
    EqualAfterFolds(Vec<KanaFold>),
    /// Different even after every fold (or one side folds to nothing).
    Different,
}

/// Compares a typed name with the roster's and reports the folds that were needed.
///
/// A fold is reported when leaving it out (on both sides) makes the keys differ. When no single
/// fold is decisive (two folds each suffice), every fold that changed either side is reported.
pub fn compare_names(input: &str, roster: &str) -> NameMatch {
    if input == roster {
        return NameMatch::Exact;
    }
    let left = name_key(input);
    let right = name_key(roster);
    if left.key != right.key || left.key.is_empty() {
        return NameMatch::Different;
    }
    let changed: Vec<KanaFold> = ALL_FOLDS
        .into_iter()
        .filter(|f| left.folds.contains(f) || right.folds.contains(f))
        .collect();
    let needed: Vec<KanaFold> = changed
        .iter()
        .copied()
        .filter(|&f| key_with(input, Some(f)).key != key_with(roster, Some(f)).key)
        .collect();
    NameMatch::EqualAfterFolds(if needed.is_empty() { changed } else { needed })
}

/// Why a value is not a 全角カナ name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KanaError {
    /// Nothing entered.
    #[error("氏名（全角カナ）が入力されていません")]
    Empty,
    /// Half-width katakana.
    #[error(
        "氏名（全角カナ）の{position}文字目「{ch}」は半角カナです（全角カナで入力してください）"
    )]
    HalfWidth {
        /// The offending character.
        ch: char,
        /// 1-based character position.
        position: usize,
    },
    /// Hiragana.
    #[error(
        "氏名（全角カナ）の{position}文字目「{ch}」はひらがなです（全角カナで入力してください）"
    )]
    Hiragana {
        /// The offending character.
        ch: char,
        /// 1-based character position.
        position: usize,
    },
    /// Anything else that is not full-width katakana.
    #[error(
        "氏名（全角カナ）の{position}文字目「{ch}」は使えません（全角カナで入力してください）"
    )]
    InvalidChar {
        /// The offending character.
        ch: char,
        /// 1-based character position.
        position: usize,
    },
}

impl KanaError {
    /// Stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "KANA_EMPTY",
            Self::HalfWidth { .. } => "KANA_HALF_WIDTH",
            Self::Hiragana { .. } => "KANA_HIRAGANA",
            Self::InvalidChar { .. } => "KANA_INVALID_CHAR",
        }
    }
}

/// Validates a "全角カナ" field: full-width katakana, ー, ・ and inner full-width or ASCII
/// spaces (between family and given name). Leading or trailing blanks are rejected.
pub fn check_katakana_name(name: &str) -> Result<(), KanaError> {
    if name.trim().is_empty() {
        return Err(KanaError::Empty);
    }
    let count = name.chars().count();
    for (i, c) in name.chars().enumerate() {
        let position = i + 1;
        let inner_space = matches!(c, ' ' | '\u{3000}') && i > 0 && position < count;
        let ok = matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | 'ヽ' | 'ヾ' | '・') || inner_space;
        if ok {
            continue;
        }
        return Err(match c {
            '\u{FF61}'..='\u{FF9F}' => KanaError::HalfWidth { ch: c, position },
            '\u{3041}'..='\u{309F}' => KanaError::Hiragana { ch: c, position },
            _ => KanaError::InvalidChar { ch: c, position },
        });
    }
    Ok(())
}

/// True when `name` passes [`check_katakana_name`].
pub fn is_katakana_name(name: &str) -> bool {
    check_katakana_name(name).is_ok()
}

/// 旧字体 and non-JIS variants that unions replaced with a common character. Small on purpose:
/// each entry is a pair rosters are known to disagree on.
const KANJI_VARIANTS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('德', '徳'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('濵', '浜'),
    ('濱', '浜'),
    ('齋', '斎'),
    ('齊', '斉'),
    ('澤', '沢'),
    ('國', '国'),
    ('廣', '広'),
    ('櫻', '桜'),
    ('眞', '真'),
    ('惠', '恵'),
    ('榮', '栄'),
    ('瀨', '瀬'),
    ('槇', '槙'),
    ('𠮷', '吉'),
    ('實', '実'),
    ('壽', '寿'),
    ('龍', '竜'),
];

/// The kanji matching key: NFKC (compatibility ideographs such as 塚 U+FA10), blanks and ・
/// dropped, then the variant table (髙→高, 﨑→崎, 德→徳 …).
pub fn kanji_key(name: &str) -> String {
    // Drop blanks before NFKC so a base letter and a combining mark that were separated by a
    // blank compose now rather than on a second pass (the key must be idempotent).
    let kept: String = nfkc(name)
        .chars()
        .filter(|&c| !(is_blank(c) || c == '・'))
        .collect();
    nfkc(&kept)
        .chars()
        .map(|c| {
            KANJI_VARIANTS
                .iter()
                .find(|(from, _)| *from == c)
                .map_or(c, |&(_, to)| to)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The plain-katakana shortcut gives what the folds give, on names made of every
        /// katakana code point, small kana, marks, blanks, dashes, hiragana and half-width
        /// kana.
        #[test]
        fn the_katakana_shortcut_is_the_general_key(
            name in proptest::collection::vec(
                prop_oneof![
                    (0x30A0u32..=0x30FF).prop_map(|c| char::from_u32(c).unwrap()),
                    proptest::sample::select(vec![
                        '\u{3099}', '\u{309A}', '゛', '゜', '　', ' ', '・', 'ー', '-', 'あ', 'ｶ',
                        'ﾞ', 'ア', 'ㇰ',
                    ]),
                ],
                0..8,
            ),
        ) {
            let name: String = name.into_iter().collect();
            prop_assert_eq!(name_key(&name), key_with(&name, None), "{}", name);
        }
    }

    #[test]
    fn plain_katakana_is_its_own_key() {
        let k = name_key("ヤマダタロウ");
        assert_eq!((k.key.as_str(), k.folds.len()), ("ヤマダタロウ", 0));
        // Not taken for what a fold changes.
        assert_eq!(name_key("ヤマダヂロウ").key, "ヤマダジロウ");
        assert_eq!(name_key("カ\u{3099}").key, "ガ");
    }

    fn equal_after(input: &str, roster: &str) -> Vec<KanaFold> {
        match compare_names(input, roster) {
            NameMatch::EqualAfterFolds(f) => f,
            other => panic!("{input} vs {roster}: expected a fold match, got {other:?}"),
        }
    }

    #[test]
    fn seed_example_is_exact() {
        assert_eq!(
            compare_names("ケンコムタロウ", "ケンコムタロウ"),
            NameMatch::Exact
        );
        assert!(is_katakana_name("ケンコムタロウ"));
    }

    #[test]
    fn each_fold_is_reported_alone_when_it_is_the_only_difference() {
        let cases = [
            ("ｹﾝｺﾑﾀﾛｳ", "ケンコムタロウ", KanaFold::Width),
            ("けんこむたろう", "ケンコムタロウ", KanaFold::Hiragana),
            ("ケンコム　タロウ", "ケンコムタロウ", KanaFold::Space),
            ("ケンコム・タロウ", "ケンコムタロウ", KanaFold::Space),
            ("ショウ", "シヨウ", KanaFold::Small),
            ("ヴァイオリン", "バイオリン", KanaFold::Vu),
            ("ヴィヴィ", "ビビ", KanaFold::Vu),
            ("ヴ", "ブ", KanaFold::Vu),
            ("チヂミ", "チジミ", KanaFold::DziDzuWo),
            ("ツヅキ", "ツズキ", KanaFold::DziDzuWo),
            ("カヲル", "カオル", KanaFold::DziDzuWo),
            ("ユーコ", "ユコ", KanaFold::LongVowel),
            ("ユ〜コ", "ユーコ", KanaFold::LongVowel),
            ("ユ‐コ", "ユーコ", KanaFold::LongVowel),
            ("ユ−コ", "ユーコ", KanaFold::LongVowel),
            ("ユ-コ", "ユーコ", KanaFold::LongVowel),
        ];
        for (input, roster, fold) in cases {
            assert_eq!(
                equal_after(input, roster),
                vec![fold],
                "{input} vs {roster}"
            );
        }
    }

    #[test]
    fn legacy_roster_without_small_kana_still_matches_vu_names() {
        // A roster that enlarged small kana stores ヴァ as ヴア.
        assert_eq!(
            equal_after("バイオリン", "ヴアイオリン"),
            vec![KanaFold::Vu]
        );
    }

    #[test]
    fn combined_differences_list_every_needed_fold_in_order() {
        // The U+3000 would be removed by the space fold anyway, so Width is not needed.
        let folds = equal_after("しょう　たろー", "シヨウタロ");
        assert_eq!(
            folds,
            vec![
                KanaFold::Hiragana,
                KanaFold::Space,
                KanaFold::Small,
                KanaFold::LongVowel
            ]
        );
        let labels: Vec<&str> = folds.iter().map(|f| f.label_ja()).collect();
        assert_eq!(labels, ["ひらがな", "空白差異", "小書き差異", "長音差異"]);
    }

    #[test]
    fn folds_both_sides_share_are_not_reported() {
        assert_eq!(
            equal_after("ヤマダ ショウ", "ヤマダ シヨウ"),
            vec![KanaFold::Small],
            "the space is on both sides, so it is not a difference"
        );
    }

    #[test]
    fn half_width_long_mark_needs_width_and_long_vowel() {
        assert_eq!(
            equal_after("ﾕｰｺ", "ユコ"),
            vec![KanaFold::Width, KanaFold::LongVowel]
        );
    }

    #[test]
    fn different_names_stay_different() {
        assert_eq!(compare_names("タロウ", "ジロウ"), NameMatch::Different);
        assert_eq!(
            compare_names("タロウ", "タロー"),
            NameMatch::Different,
            "ウ and ー are not folded into each other"
        );
        assert_eq!(
            compare_names("　", ""),
            NameMatch::Different,
            "a name that folds to nothing matches nothing"
        );
    }

    #[test]
    fn name_key_records_only_folds_that_changed_something() {
        let k = name_key("ｼｮｳ");
        assert_eq!(k.key, "シヨウ");
        assert_eq!(k.folds, vec![KanaFold::Width, KanaFold::Small]);
        assert!(name_key("タロウ").folds.is_empty());
    }

    #[test]
    fn katakana_field_validation_names_the_problem() {
        assert!(
            is_katakana_name("ヤマダ　タロウ"),
            "an inner full-width space is fine"
        );
        assert!(is_katakana_name("ジョン・スミス"));
        assert!(is_katakana_name("ユーコ"));
        assert_eq!(check_katakana_name(""), Err(KanaError::Empty));
        let err = check_katakana_name("ﾀﾛｳ").expect_err("half-width");
        assert_eq!(
            err,
            KanaError::HalfWidth {
                ch: 'ﾀ',
                position: 1
            }
        );
        assert_eq!(err.code(), "KANA_HALF_WIDTH");
        assert!(err.to_string().contains("半角カナ"), "{err}");
        assert_eq!(
            check_katakana_name("タろう"),
            Err(KanaError::Hiragana {
                ch: 'ろ',
                position: 2
            })
        );
        assert_eq!(
            check_katakana_name("山田").map_err(|e| e.code()),
            Err("KANA_INVALID_CHAR")
        );
        assert!(!is_katakana_name(" タロウ"), "a leading space is rejected");
        assert!(!is_katakana_name("タロウ "), "a trailing space is rejected");
    }

    #[test]
    fn kanji_variants_fold_to_common_characters() {
        assert_eq!(kanji_key("髙橋"), "高橋");
        assert_eq!(kanji_key("山﨑 太郎"), "山崎太郎");
        assert_eq!(kanji_key("德川"), "徳川");
        assert_eq!(kanji_key("渡邊"), kanji_key("渡辺"));
        assert_eq!(kanji_key("渡邉"), kanji_key("渡辺"));
        assert_eq!(
            kanji_key("\u{FA10}本"),
            "塚本",
            "NFKC handles compatibility ideographs"
        );
        assert_ne!(kanji_key("高田"), kanji_key("髙山"));
    }

    fn katakana_name() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop::sample::select(
                "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンガギグゲゴザジズゼゾダデドバビブベボパピプペポ"
                    .chars()
                    .collect::<Vec<_>>(),
            ),
            1..12,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    fn to_hiragana(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
                other => other,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn key_is_idempotent(s in "\\PC{0,16}") {
            let k = name_key(&s);
            let again = name_key(&k.key);
            prop_assert_eq!(&again.key, &k.key);
            prop_assert!(again.folds.is_empty(), "a key needs no further folds: {:?}", again.folds);
        }

        #[test]
        fn names_match_themselves_exactly(s in "\\PC{0,16}") {
            prop_assert_eq!(compare_names(&s, &s), NameMatch::Exact);
        }

        #[test]
        fn comparison_is_symmetric(a in "[ァ-ヶーｦ-ﾟぁ-ゖ　 ・]{0,8}", b in "[ァ-ヶーｦ-ﾟぁ-ゖ　 ・]{0,8}") {
            prop_assert_eq!(compare_names(&a, &b), compare_names(&b, &a));
        }

        #[test]
        fn hiragana_spelling_matches_with_the_hiragana_fold(name in katakana_name()) {
            let hira = to_hiragana(&name);
            prop_assume!(hira != name);
            prop_assert_eq!(compare_names(&hira, &name), NameMatch::EqualAfterFolds(vec![KanaFold::Hiragana]));
        }

        #[test]
        fn inserted_spaces_match_with_the_space_fold(name in katakana_name(), at in 0usize..12) {
            let chars: Vec<char> = name.chars().collect();
            let at = at.min(chars.len());
            let spaced: String = chars[..at].iter().chain(['\u{3000}'].iter()).chain(chars[at..].iter()).collect();
            prop_assert_eq!(compare_names(&spaced, &name), NameMatch::EqualAfterFolds(vec![KanaFold::Space]));
        }

        #[test]
        fn generated_names_are_valid_katakana_fields(name in katakana_name()) {
            prop_assert!(is_katakana_name(&name));
            prop_assert!(!is_katakana_name(&to_hiragana(&name)) || to_hiragana(&name) == name);
        }

        #[test]
        fn kanji_key_is_idempotent(s in "\\PC{0,12}") {
            let k = kanji_key(&s);
            prop_assert_eq!(kanji_key(&k), k.clone());
        }
    }
}
