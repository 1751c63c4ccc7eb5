//! 記号・番号・枝番 (card symbol, number, branch) as printed on a 保険証 or 資格確認書. They are
//! strings, never integers: leading zeros matter and 記号 may hold kanji or circled characters.
//! They identify, they do not authenticate, and by law they are masked by default (see `mask`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chars::{digit_value, fold_width, is_blank, is_dash};

/// Longest 記号 or 番号 we accept; anything longer is pasted text, not a card field.
const MAX_FIELD_CHARS: usize = 20;

/// Why a 記号, 番号 or 枝番 was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// 記号 holds a character that cannot appear on a card.
    #[error("記号の{position}文字目「{ch}」は使えません（数字・英字・かな・漢字のみ）")]
    SymbolInvalidChar {
        /// The offending character as typed.
        ch: char,
        /// 1-based character position in the input.
        position: usize,
    },
    /// 記号 is longer than any card symbol.
    #[error("記号が長すぎます（{len}文字。20文字以内で入力してください）")]
    SymbolTooLong {
        /// Characters after normalisation.
        len: usize,
    },
    /// 番号 is empty.
    #[error("番号が入力されていません")]
    NumberEmpty,
    /// 番号 holds something other than digits.
    #[error("番号の{position}文字目「{ch}」は使えません（数字のみで入力してください）")]
    NumberInvalidChar {
        /// The offending character as typed.
        ch: char,
        /// 1-based character position in the input.
        position: usize,
    },
    /// 番号 is longer than any card number.
    #[error("番号が長すぎます（{len}桁。20桁以内で入力してください）")]
    NumberTooLong {
        /// Digits entered.
        len: usize,
    },
    /// 枝番 holds something other than digits.
    #[error("枝番の{position}文字目「{ch}」は使えません（数字2桁で入力してください）")]
    BranchInvalidChar {
        /// The offending character as typed.
        ch: char,
        /// 1-based character position in the input.
        position: usize,
    },
    /// 枝番 is not exactly two digits.
    #[error("枝番は数字2桁です（{len}桁入力されています。例: 00、01）")]
    BranchLength {
        /// Digits entered.
        len: usize,
    },
}

impl CardError {
    /// Stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::SymbolInvalidChar { .. } => "CARD_SYMBOL_INVALID_CHAR",
            Self::SymbolTooLong { .. } => "CARD_SYMBOL_TOO_LONG",
            Self::NumberEmpty => "CARD_NUMBER_EMPTY",
            Self::NumberInvalidChar { .. } => "CARD_NUMBER_INVALID_CHAR",
            Self::NumberTooLong { .. } => "CARD_NUMBER_TOO_LONG",
            Self::BranchInvalidChar { .. } => "CARD_BRANCH_INVALID_CHAR",
            Self::BranchLength { .. } => "CARD_BRANCH_LENGTH",
        }
    }

    /// The form field the error belongs to: "symbol", "number" or "branch".
    pub fn field(&self) -> &'static str {
        match self {
            Self::SymbolInvalidChar { .. } | Self::SymbolTooLong { .. } => "symbol",
            Self::NumberEmpty | Self::NumberInvalidChar { .. } | Self::NumberTooLong { .. } => {
                "number"
            }
            Self::BranchInvalidChar { .. } | Self::BranchLength { .. } => "branch",
        }
    }
}

/// 記号. May be empty. Width variants are folded (full-width ASCII → ASCII, half-width kana →
/// full-width), blanks are dropped, dash look-alikes become "-"; kanji and circled characters
/// are kept as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardSymbol(String);

impl CardSymbol {
    /// Parses a 記号 as typed or as stored in a roster.
    pub fn parse(input: &str) -> Result<Self, CardError> {
        // Rosters hold thousands of symbols that are already normal (ASCII digits and
        // capitals): those are their own normal form, with no folding pass and one copy.
        if is_plain_symbol(input) {
            return Ok(Self(input.to_owned()));
        }
        Self::parse_general(input)
    }

    /// [`Self::parse`], writing an input already in normal form into `spare`'s buffer
    /// instead of a new one: a roster reader parses a new one every few rows and has the
    /// previous one at hand.
    pub fn parse_reusing(input: &str, spare: Option<Self>) -> Result<Self, CardError> {
        match spare {
            Some(Self(mut buffer)) if is_plain_symbol(input) => {
                buffer.clear();
                buffer.push_str(input);
                Ok(Self(buffer))
            }
            _ => Self::parse(input),
        }
    }

    fn parse_general(input: &str) -> Result<Self, CardError> {
        let mut out = String::new();
        for c in fold_width(input).chars() {
            if is_blank(c) {
                continue;
            }
            if is_dash(c) && c != 'ー' {
                out.push('-');
            } else if is_symbol_char(c) {
                out.push(c.to_ascii_uppercase());
            } else {
                return Err(locate_symbol_error(input));
            }
        }
        let len = out.chars().count();
        if len > MAX_FIELD_CHARS {
            return Err(CardError::SymbolTooLong { len });
        }
        Ok(Self(out))
    }

    /// The normalised symbol ("" when the card has none).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the card has no 記号.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Finds the input character to blame once the folded string turned out invalid.
fn locate_symbol_error(input: &str) -> CardError {
    let mut last = (' ', 0);
    for (i, c) in input.chars().enumerate() {
        last = (c, i + 1);
        if is_blank(c) || is_dash(c) {
            continue;
        }
        if !fold_width(&c.to_string()).chars().all(is_symbol_char) {
            return CardError::SymbolInvalidChar {
                ch: c,
                position: i + 1,
            };
        }
    }
    // Only reachable if folding the whole string produced a character no single input
    // character folds to; blame the last one rather than invent a position.
    CardError::SymbolInvalidChar {
        ch: last.0,
        position: last.1,
    }
}

fn is_symbol_char(c: char) -> bool {
    c.is_alphanumeric()
        || c == '-'
        || c == 'ー'
        // enclosed alphanumerics (①), enclosed CJK letters (㊤), CJK compatibility (㍻)
        || matches!(c, '\u{2460}'..='\u{24FF}' | '\u{3200}'..='\u{33FF}')
}

/// 番号. Digits only (either width); blanks are dropped; leading zeros are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardNumber(String);

impl CardNumber {
    /// Parses a 番号 as typed or as stored in a roster.
    pub fn parse(input: &str) -> Result<Self, CardError> {
        if is_plain_digits(input, 1..=MAX_FIELD_CHARS) {
            return Ok(Self(input.to_owned()));
        }
        Self::parse_general(input)
    }

    /// [`Self::parse`], writing an input already in normal form into `spare`'s buffer
    /// instead of a new one: a roster reader parses a new one every few rows and has the
    /// previous one at hand.
    pub fn parse_reusing(input: &str, spare: Option<Self>) -> Result<Self, CardError> {
        match spare {
            Some(Self(mut buffer)) if is_plain_digits(input, 1..=MAX_FIELD_CHARS) => {
                buffer.clear();
                buffer.push_str(input);
                Ok(Self(buffer))
            }
            _ => Self::parse(input),
        }
    }

    fn parse_general(input: &str) -> Result<Self, CardError> {
        let digits = digits_only(input, |ch, position| CardError::NumberInvalidChar {
            ch,
            position,
        })?;
        if digits.is_empty() {
            return Err(CardError::NumberEmpty);
        }
        if digits.len() > MAX_FIELD_CHARS {
            return Err(CardError::NumberTooLong { len: digits.len() });
        }
        Ok(Self(digits))
    }

    /// The digits as printed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the eligibility check compares: a 番号 of 8 or more digits is entered as its
    /// **last 7** (seed manual, step 3); shorter numbers are used whole.
    pub fn eligibility_key(&self) -> &str {
        if self.0.len() >= 8 {
            &self.0[self.0.len() - 7..]
        } else {
            &self.0
        }
    }
}

/// 枝番. Exactly two digits (since 2021); "01" stays "01".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CardBranch(String);

impl CardBranch {
    /// Parses a 枝番.
    pub fn parse(input: &str) -> Result<Self, CardError> {
        if is_plain_digits(input, 2..=2) {
            return Ok(Self(input.to_owned()));
        }
        Self::parse_general(input)
    }

    /// [`Self::parse`], writing an input already in normal form into `spare`'s buffer
    /// instead of a new one: a roster reader parses a new one every few rows and has the
    /// previous one at hand.
    pub fn parse_reusing(input: &str, spare: Option<Self>) -> Result<Self, CardError> {
        match spare {
            Some(Self(mut buffer)) if is_plain_digits(input, 2..=2) => {
                buffer.clear();
                buffer.push_str(input);
                Ok(Self(buffer))
            }
            _ => Self::parse(input),
        }
    }

    fn parse_general(input: &str) -> Result<Self, CardError> {
        let digits = digits_only(input, |ch, position| CardError::BranchInvalidChar {
            ch,
            position,
        })?;
        if digits.len() != 2 {
            return Err(CardError::BranchLength { len: digits.len() });
        }
        Ok(Self(digits))
    }

    /// The two digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ASCII digits and capitals only, and not too long: a 記号 already in normal form.
fn is_plain_symbol(input: &str) -> bool {
    input.len() <= MAX_FIELD_CHARS
        && input
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

/// ASCII digits only, as many as `len` allows: a 番号 or 枝番 already in normal form.
fn is_plain_digits(input: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&input.len()) && input.bytes().all(|b| b.is_ascii_digit())
}

fn digits_only(
    input: &str,
    invalid: impl Fn(char, usize) -> CardError,
) -> Result<String, CardError> {
    let mut out = String::new();
    for (i, c) in input.chars().enumerate() {
        if let Some(d) = digit_value(c) {
            out.push(char::from(b'0' + d));
        } else if !is_blank(c) {
            return Err(invalid(c, i + 1));
        }
    }
    Ok(out)
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = CardError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self {
                value.0
            }
        }
    };
}
string_newtype_impls!(CardSymbol);
string_newtype_impls!(CardNumber);
string_newtype_impls!(CardBranch);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn symbol_may_be_empty() {
        let s = CardSymbol::parse("").expect("an empty 記号 is allowed");
        assert!(s.is_empty());
        assert!(CardSymbol::parse(" \u{3000}")
            .expect("blanks only")
            .is_empty());
    }

    #[test]
    fn symbol_keeps_kanji_and_circled_characters_and_folds_width() {
        assert_eq!(CardSymbol::parse("都職①").expect("valid").as_str(), "都職①");
        assert_eq!(
            CardSymbol::parse("ＡＢ１２").expect("valid").as_str(),
            "AB12"
        );
        assert_eq!(CardSymbol::parse("ab-12").expect("valid").as_str(), "AB-12");
        assert_eq!(
            CardSymbol::parse("12－34").expect("valid").as_str(),
            "12-34"
        );
        assert_eq!(
            CardSymbol::parse("ｹﾝ 12").expect("valid").as_str(),
            "ケン12"
        );
        assert_eq!(CardSymbol::parse("0012").expect("valid").as_str(), "0012");
    }

    #[test]
    fn symbol_rejects_punctuation_naming_char_and_position() {
        let err = CardSymbol::parse("12@3").expect_err("@ is not on a card");
        assert_eq!(
            err,
            CardError::SymbolInvalidChar {
                ch: '@',
                position: 3
            }
        );
        assert_eq!(err.code(), "CARD_SYMBOL_INVALID_CHAR");
        assert_eq!(err.field(), "symbol");
        assert!(err.to_string().contains("記号の3文字目「@」"), "{err}");
        let err = CardSymbol::parse("a".repeat(21).as_str()).expect_err("too long");
        assert_eq!(err, CardError::SymbolTooLong { len: 21 });
    }

    #[test]
    fn number_keeps_leading_zeros_and_folds_width() {
        let n = CardNumber::parse("００１２３").expect("valid");
        assert_eq!(n.as_str(), "00123", "leading zeros are part of the number");
        assert_eq!(
            CardNumber::parse(" 12 34 ").expect("valid").as_str(),
            "1234"
        );
    }

    #[test]
    fn number_rejects_non_digits_with_position() {
        let err = CardNumber::parse("12-34").expect_err("hyphen is not a digit");
        assert_eq!(
            err,
            CardError::NumberInvalidChar {
                ch: '-',
                position: 3
            }
        );
        assert_eq!(err.field(), "number");
        assert!(err.to_string().contains("番号の3文字目「-」"), "{err}");
        assert_eq!(CardNumber::parse("  "), Err(CardError::NumberEmpty));
        assert_eq!(
            CardNumber::parse(&"1".repeat(21)),
            Err(CardError::NumberTooLong { len: 21 })
        );
    }

    #[test]
    fn eligibility_key_uses_last_seven_of_eight_or_more() {
        assert_eq!(
            CardNumber::parse("12345678")
                .expect("valid")
                .eligibility_key(),
            "2345678"
        );
        assert_eq!(
            CardNumber::parse("0001234567")
                .expect("valid")
                .eligibility_key(),
            "1234567"
        );
        assert_eq!(
            CardNumber::parse("1234567")
                .expect("valid")
                .eligibility_key(),
            "1234567",
            "7 digits are used whole"
        );
        assert_eq!(
            CardNumber::parse("0042").expect("valid").eligibility_key(),
            "0042",
            "short numbers keep their leading zeros"
        );
    }

    #[test]
    fn branch_is_exactly_two_digits() {
        assert_eq!(CardBranch::parse("01").expect("valid").as_str(), "01");
        assert_eq!(CardBranch::parse("０２").expect("valid").as_str(), "02");
        let err = CardBranch::parse("1").expect_err("one digit");
        assert_eq!(err, CardError::BranchLength { len: 1 });
        assert_eq!(err.code(), "CARD_BRANCH_LENGTH");
        assert_eq!(err.field(), "branch");
        assert!(err.to_string().contains("枝番は数字2桁"));
        assert_eq!(
            CardBranch::parse("0a"),
            Err(CardError::BranchInvalidChar {
                ch: 'a',
                position: 2
            })
        );
    }

    proptest! {
        /// The ASCII shortcuts give what the general parsers give, on the inputs they take
        /// (and on their neighbours: lowercase, blanks, dashes, full width, too long).
        #[test]
        fn plain_shortcuts_agree_with_the_general_parsers(
            input in "[0-9A-Za-z -]{0,24}|[0-9０-９]{0,24}",
        ) {
            if is_plain_symbol(&input) {
                prop_assert_eq!(CardSymbol::parse(&input), CardSymbol::parse_general(&input));
            }
            if is_plain_digits(&input, 1..=MAX_FIELD_CHARS) {
                prop_assert_eq!(CardNumber::parse(&input), CardNumber::parse_general(&input));
            }
            if is_plain_digits(&input, 2..=2) {
                prop_assert_eq!(CardBranch::parse(&input), CardBranch::parse_general(&input));
            }
            // Reusing a buffer changes nothing either.
            let old_symbol = CardSymbol::parse("AB12").ok();
            prop_assert_eq!(CardSymbol::parse_reusing(&input, old_symbol), CardSymbol::parse_general(&input));
            let old_number = CardNumber::parse("123456789").ok();
            prop_assert_eq!(CardNumber::parse_reusing(&input, old_number), CardNumber::parse_general(&input));
            prop_assert_eq!(CardNumber::parse_reusing(&input, None), CardNumber::parse_general(&input));
            let old_branch = CardBranch::parse("07").ok();
            prop_assert_eq!(CardBranch::parse_reusing(&input, old_branch), CardBranch::parse_general(&input));
            // Whatever the path, parsing is the general parser.
            prop_assert_eq!(CardSymbol::parse(&input), CardSymbol::parse_general(&input));
            prop_assert_eq!(CardNumber::parse(&input), CardNumber::parse_general(&input));
            prop_assert_eq!(CardBranch::parse(&input), CardBranch::parse_general(&input));
        }
    }

    proptest! {
        #[test]
        fn number_round_trips_any_digit_string(d in "[0-9]{1,20}") {
            let n = CardNumber::parse(&d).expect("digits");
            prop_assert_eq!(n.as_str(), d.as_str());
        }

        #[test]
        fn eligibility_key_is_a_suffix_of_at_most_seven(d in "[0-9]{1,20}") {
            let n = CardNumber::parse(&d).expect("digits");
            let key = n.eligibility_key();
            prop_assert!(d.ends_with(key));
            if d.len() >= 8 {
                prop_assert_eq!(key.len(), 7);
            } else {
                prop_assert_eq!(key, d.as_str());
            }
        }

        #[test]
        fn full_width_digits_equal_ascii(d in "[0-9]{1,20}") {
            let wide: String = d.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c)).collect();
            prop_assert_eq!(CardNumber::parse(&wide), CardNumber::parse(&d));
            prop_assert_eq!(CardSymbol::parse(&wide), CardSymbol::parse(&d));
        }

        #[test]
        fn symbol_parse_is_idempotent(s in "\\PC{0,24}") {
            if let Ok(sym) = CardSymbol::parse(&s) {
                prop_assert_eq!(CardSymbol::parse(sym.as_str()), Ok(sym.clone()));
            }
        }

        #[test]
        fn errors_point_inside_the_input(s in "\\PC{0,24}") {
            for r in [CardSymbol::parse(&s).err(), CardNumber::parse(&s).err(), CardBranch::parse(&s).err()] {
                if let Some(CardError::SymbolInvalidChar { ch, position } | CardError::NumberInvalidChar { ch, position } | CardError::BranchInvalidChar { ch, position }) = r {
                    prop_assert_eq!(s.chars().nth(position - 1), Some(ch));
                }
            }
        }
    }
}
