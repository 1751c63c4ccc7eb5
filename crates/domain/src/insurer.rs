//! 保険者番号 (insurer number): the 8-digit number printed on every card, with its MHLW check
//! digit. The desk parses what members type (full-width digits, spaces, hyphens) so an agent
//! sees "the check digit should be 5" instead of a bare 照会エラー. Only the 8-digit numbers of
//! employee insurance exist here: 市町村国保 numbers have 6 digits and are not accepted.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chars::{digit_value, is_blank, is_dash};
use crate::prefecture::Prefecture;

/// Why an insurer number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsurerError {
    /// Nothing but blanks and hyphens was entered.
    #[error("保険者番号が入力されていません（数字8桁）")]
    Empty,
    /// A character that is neither a digit nor a tolerated separator.
    #[error("保険者番号の{position}文字目「{ch}」は使えません（数字8桁で入力してください）")]
    InvalidChar {
        /// The offending character as typed.
        ch: char,
        /// 1-based character position in the input.
        position: usize,
    },
    /// Not exactly 8 digits.
    #[error("保険者番号は数字8桁です（{len}桁入力されています）")]
    Length {
        /// How many digits were entered.
        len: usize,
    },
    /// The 8th digit does not match the check digit of the first seven.
    #[error("保険者番号の検証番号が一致しません（末尾は {expected} のはずです）")]
    CheckDigit {
        /// The check digit the first seven digits call for.
        expected: u8,
        /// The last digit that was entered.
        found: u8,
    },
}

impl InsurerError {
    /// Stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "INSURER_EMPTY",
            Self::InvalidChar { .. } => "INSURER_INVALID_CHAR",
            Self::Length { .. } => "INSURER_LENGTH",
            Self::CheckDigit { .. } => "INSURER_CHECK_DIGIT",
        }
    }
}

/// The check digit for a 7-digit body (MHLW 保険者番号設定要領): weights 2,1,2,1,2,1,2 from
/// the left, a two-digit product counts as its digit sum, check = (10 − sum mod 10) mod 10.
/// Returns `None` unless `body7` is exactly seven ASCII digits.
pub fn check_digit(body7: &str) -> Option<u8> {
    if body7.len() != 7 || !body7.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = body7
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            let p = if i % 2 == 0 { d * 2 } else { d };
            p / 10 + p % 10
        })
        .sum();
    u8::try_from((10 - sum % 10) % 10).ok()
}

/// A validated 8-digit insurer number (ASCII digits, check digit verified).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct InsurerNumber(String);

impl InsurerNumber {
    /// Parses member or roster input: full-width digits, blanks (incl. U+3000) and hyphen
    /// look-alikes are tolerated; exactly 8 digits must remain and the check digit must match.
    pub fn parse(input: &str) -> Result<Self, InsurerError> {
        let mut digits = String::with_capacity(8);
        for (i, c) in input.chars().enumerate() {
            if let Some(d) = digit_value(c) {
                digits.push(char::from(b'0' + d));
            } else if !(is_blank(c) || is_dash(c)) {
                return Err(InsurerError::InvalidChar {
                    ch: c,
                    position: i + 1,
                });
            }
        }
        if digits.is_empty() {
            return Err(InsurerError::Empty);
        }
        if digits.len() != 8 {
            return Err(InsurerError::Length { len: digits.len() });
        }
        let expected = check_digit(&digits[..7]).ok_or(InsurerError::Length { len: 8 })?;
        let found = digits.as_bytes()[7] - b'0';
        if expected != found {
            return Err(InsurerError::CheckDigit { expected, found });
        }
        Ok(Self(digits))
    }

    /// The 8 ASCII digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 法別番号, the first two digits ("06").
    pub fn law_code(&self) -> &str {
        &self.0[..2]
    }

    /// 都道府県番号, digits 3–4 ("13").
    pub fn prefecture_code(&self) -> &str {
        &self.0[2..4]
    }

    /// Which kind of insurer the 法別番号 names.
    pub fn kind(&self) -> InsurerKind {
        // The number is 8 ASCII digits by construction: the law code is its first two, read
        // without `str::parse` (a roster asks this of every row).
        let code = match self.0.as_bytes() {
            [tens @ b'0'..=b'9', ones @ b'0'..=b'9', ..] => (tens - b'0') * 10 + (ones - b'0'),
            _ => 0,
        };
        InsurerKind::from_law_code(code)
    }

    /// The prefecture of digits 3–4, or `None` when they are outside 01–47.
    pub fn prefecture(&self) -> Option<Prefecture> {
        self.prefecture_code()
            .parse()
            .ok()
            .and_then(Prefecture::from_code)
    }
}

impl fmt::Display for InsurerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for InsurerNumber {
    type Error = InsurerError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<InsurerNumber> for String {
    fn from(value: InsurerNumber) -> Self {
        value.0
    }
}

/// The insurance scheme named by the 法別番号 (first two digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum InsurerKind {
    /// 01: 全国健康保険協会 (協会けんぽ).
    JapanHealthInsuranceAssociation,
    /// 02: 船員保険.
    SeamensInsurance,
    /// 03, 04: 日雇特例被保険者.
    DayLaborer(u8),
    /// 06: 健康保険組合 — the unions KenCoM serves.
    HealthInsuranceSociety,
    /// 07: 自衛官等 (防衛省).
    SelfDefenseForces,
    /// 31–34: 共済組合 (31 国家公務員, 32 地方公務員等, 33 警察, 34 公立学校・私学).
    MutualAid(u8),
    /// 39: 後期高齢者医療.
    LateStageElderly,
    /// 63 (健保組合) and 72–75 (共済): 特例退職被保険者.
    SpecialRetiree(u8),
    /// 67: 国民健康保険 退職者医療.
    NationalHealthInsuranceRetiree,
    /// Any other 法別番号.
    Other(u8),
}

impl InsurerKind {
    /// The kind for a numeric 法別番号.
    pub fn from_law_code(code: u8) -> Self {
        match code {
            1 => Self::JapanHealthInsuranceAssociation,
            2 => Self::SeamensInsurance,
            3 | 4 => Self::DayLaborer(code),
            6 => Self::HealthInsuranceSociety,
            7 => Self::SelfDefenseForces,
            31..=34 => Self::MutualAid(code),
            39 => Self::LateStageElderly,
            63 | 72..=75 => Self::SpecialRetiree(code),
            67 => Self::NationalHealthInsuranceRetiree,
            other => Self::Other(other),
        }
    }

    /// True for 特例退職 numbers (63, 72–75): one union may hold a 06 and a 63 number.
    pub fn is_special_retiree(self) -> bool {
        matches!(self, Self::SpecialRetiree(_))
    }

    /// Japanese label for the UI.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::JapanHealthInsuranceAssociation => "協会けんぽ",
            Self::SeamensInsurance => "船員保険",
            Self::DayLaborer(_) => "日雇特例被保険者",
            Self::HealthInsuranceSociety => "健康保険組合",
            Self::SelfDefenseForces => "自衛官等",
            Self::MutualAid(31) => "国家公務員共済組合",
            Self::MutualAid(32) => "地方公務員等共済組合",
            Self::MutualAid(33) => "警察共済組合",
            Self::MutualAid(34) => "公立学校共済組合・私学共済",
            Self::MutualAid(_) => "共済組合",
            Self::LateStageElderly => "後期高齢者医療",
            Self::SpecialRetiree(63) => "特例退職被保険者（健康保険組合）",
            Self::SpecialRetiree(_) => "特例退職被保険者（共済組合）",
            Self::NationalHealthInsuranceRetiree => "国民健康保険（退職者医療）",
            Self::Other(_) => "その他",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn seed_example_passes() {
        let n = InsurerNumber::parse("06133425").expect("the seed's example is valid");
        assert_eq!(n.as_str(), "06133425");
        assert_eq!(n.kind(), InsurerKind::HealthInsuranceSociety);
        assert_eq!(n.kind().label_ja(), "健康保険組合");
        assert_eq!(n.prefecture().map(Prefecture::name_ja), Some("東京都"));
        assert_eq!(n.law_code(), "06");
    }

    #[test]
    fn check_digit_follows_domain_md_worked_example() {
        // DOMAIN §2: products 0,6,2,3,6,4,4 → 25 → 5.
        assert_eq!(check_digit("0613342"), Some(5));
        assert_eq!(check_digit("061334"), None, "six digits are not a body");
        assert_eq!(check_digit("06133a2"), None);
    }

    #[test]
    fn tolerates_full_width_spaces_and_dashes() {
        for input in [
            "０６１３３４２５",
            "06 13 3425",
            "06\u{3000}133425",
            "06-13-342-5",
            "06‐13−3425",
            "０６ー１３３４２５",
            " 06133425 ",
        ] {
            let n = InsurerNumber::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(n.as_str(), "06133425", "{input:?} must normalise");
        }
    }

    #[test]
    fn wrong_check_digit_names_the_expected_digit() {
        let err = InsurerNumber::parse("06133426").expect_err("check digit 6 is wrong");
        assert_eq!(
            err,
            InsurerError::CheckDigit {
                expected: 5,
                found: 6
            }
        );
        assert_eq!(err.code(), "INSURER_CHECK_DIGIT");
        assert_eq!(
            err.to_string(),
            "保険者番号の検証番号が一致しません（末尾は 5 のはずです）"
        );
    }

    #[test]
    fn length_and_character_errors_are_specific() {
        let err = InsurerNumber::parse("0613342").expect_err("7 digits");
        assert_eq!(err, InsurerError::Length { len: 7 });
        assert_eq!(err.code(), "INSURER_LENGTH");
        assert!(err.to_string().contains("7桁"), "message names the count");

        let err = InsurerNumber::parse("0613x425").expect_err("letter");
        assert_eq!(
            err,
            InsurerError::InvalidChar {
                ch: 'x',
                position: 5
            }
        );
        assert!(err.to_string().contains("5文字目「x」"));

        assert_eq!(InsurerNumber::parse(" - "), Err(InsurerError::Empty));
        assert_eq!(
            InsurerNumber::parse("").map_err(|e| e.code()),
            Err("INSURER_EMPTY")
        );
    }

    #[test]
    fn kinds_follow_the_law_codes() {
        assert_eq!(
            InsurerKind::from_law_code(1),
            InsurerKind::JapanHealthInsuranceAssociation
        );
        assert_eq!(InsurerKind::from_law_code(1).label_ja(), "協会けんぽ");
        for code in [63, 72, 73, 74, 75] {
            assert!(
                InsurerKind::from_law_code(code).is_special_retiree(),
                "{code} is 特例退職"
            );
        }
        assert!(!InsurerKind::from_law_code(6).is_special_retiree());
        for code in 31..=34 {
            assert_eq!(
                InsurerKind::from_law_code(code),
                InsurerKind::MutualAid(code)
            );
        }
        assert_eq!(InsurerKind::from_law_code(39).label_ja(), "後期高齢者医療");
        assert_eq!(InsurerKind::from_law_code(12), InsurerKind::Other(12));
    }

    #[test]
    fn special_retiree_number_of_the_same_union_parses() {
        let body = "6313342";
        let check = check_digit(body).expect("valid body");
        let n = InsurerNumber::parse(&format!("{body}{check}")).expect("valid");
        assert!(n.kind().is_special_retiree());
        assert_eq!(n.kind().label_ja(), "特例退職被保険者（健康保険組合）");
    }

    #[test]
    fn prefecture_outside_01_to_47_is_none() {
        for body in ["0600001", "0648001", "0699001"] {
            let number = format!("{body}{}", check_digit(body).expect("body"));
            let n = InsurerNumber::parse(&number).expect("valid check digit");
            assert_eq!(
                n.prefecture(),
                None,
                "{number}: code {}",
                n.prefecture_code()
            );
        }
    }

    #[test]
    fn string_conversions_validate() {
        // serde goes through these two conversions (try_from/into = "String").
        let n = InsurerNumber::parse("06133425").expect("valid");
        assert_eq!(String::from(n), "06133425");
        assert!(
            InsurerNumber::try_from("06133426".to_string()).is_err(),
            "deserialising must validate the check digit"
        );
    }

    /// Luhn over all 8 digits, written independently as the oracle for `check_digit`.
    fn luhn_valid(digits: &str) -> bool {
        let sum: u32 = digits
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 1 {
                    let p = d * 2;
                    if p > 9 {
                        p - 9
                    } else {
                        p
                    }
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    proptest! {
        #[test]
        fn check_digit_makes_the_number_luhn_valid(body in "[0-9]{7}") {
            let c = check_digit(&body).expect("7 digits");
            let full = format!("{body}{c}");
            prop_assert!(luhn_valid(&full), "{} must be Luhn-valid", full);
            prop_assert!(InsurerNumber::parse(&full).is_ok());
        }

        #[test]
        fn every_other_last_digit_is_rejected_with_the_right_hint(body in "[0-9]{7}", last in 0u8..10) {
            let c = check_digit(&body).expect("7 digits");
            prop_assume!(last != c);
            let err = InsurerNumber::parse(&format!("{body}{last}")).expect_err("wrong check digit");
            prop_assert_eq!(err, InsurerError::CheckDigit { expected: c, found: last });
        }

        #[test]
        fn full_width_and_separators_do_not_change_the_result(body in "[0-9]{7}", sep in prop::sample::select(vec![" ", "\u{3000}", "-", "ー", "−"])) {
            let c = check_digit(&body).expect("7 digits");
            let plain = format!("{body}{c}");
            let wide: String = plain.chars().map(|ch| char::from_u32(ch as u32 - '0' as u32 + 0xFF10).unwrap_or(ch)).collect();
            let spaced = format!("{}{sep}{}", &wide[..6], &wide[6..]);
            prop_assert_eq!(InsurerNumber::parse(&spaced), InsurerNumber::parse(&plain));
        }

        #[test]
        fn parse_never_panics_and_accepted_values_are_8_ascii_digits(s in "\\PC{0,20}") {
            if let Ok(n) = InsurerNumber::parse(&s) {
                prop_assert_eq!(n.as_str().len(), 8);
                prop_assert!(n.as_str().bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(InsurerNumber::parse(n.as_str()), Ok(n.clone()));
            }
        }
    }
}
