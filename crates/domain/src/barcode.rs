//! Japan Post カスタマバーコード for reissue postcards (郵便番号・バーコードマニュアル): the
//! 住所表示番号 extraction and the 4-state bar sequence. This module only decides *which* bars;
//! sizes and positions on the card belong to the postcard crate. The 代表 (catch-all)
//! postal codes must get no barcode; [`is_catch_all_postal_code`] recognises the
//! municipality-wide ones (NNN-0000, 「以下に掲載がない場合」).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::chars::{is_blank, is_dash, nfkc};

/// One of the four bar shapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Bar {
    /// Full-height bar (F).
    Long,
    /// Timing bar plus the upper part (A).
    Ascender,
    /// Timing bar plus the lower part (D).
    Descender,
    /// Short centre bar (T).
    Timing,
}

impl Bar {
    /// The manual's letter: F, A, D or T.
    pub fn letter(self) -> char {
        match self {
            Self::Long => 'F',
            Self::Ascender => 'A',
            Self::Descender => 'D',
            Self::Timing => 'T',
        }
    }
}

/// One barcode character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BarcodeChar {
    /// Start code (2 bars).
    Start,
    /// Stop code (2 bars).
    Stop,
    /// 0–9.
    Digit(u8),
    /// "-".
    Hyphen,
    /// CC1–CC8 (the value is 1–8).
    Control(u8),
}

impl BarcodeChar {
    /// Check-digit value: digits 0–9, "-" 10, CC1–CC8 11–18; `None` for start and stop.
    pub fn value(self) -> Option<u8> {
        match self {
            Self::Digit(d) if d <= 9 => Some(d),
            Self::Hyphen => Some(10),
            Self::Control(n) if (1..=8).contains(&n) => Some(10 + n),
            _ => None,
        }
    }

    /// The character whose check-digit value is `value` (0–18).
    pub fn from_value(value: u8) -> Option<Self> {
        match value {
            0..=9 => Some(Self::Digit(value)),
            10 => Some(Self::Hyphen),
            11..=18 => Some(Self::Control(value - 10)),
            _ => None,
        }
    }

    /// The bars of this character (3, or 2 for start and stop).
    pub fn bars(self) -> &'static [Bar] {
        use Bar::{Ascender as A, Descender as D, Long as F, Timing as T};
        match self {
            Self::Start => &[F, D],
            Self::Stop => &[D, F],
            Self::Digit(1) => &[F, F, T],
            Self::Digit(2) => &[F, D, A],
            Self::Digit(3) => &[D, F, A],
            Self::Digit(4) => &[F, A, D],
            Self::Digit(5) => &[F, T, F],
            Self::Digit(6) => &[D, A, F],
            Self::Digit(7) => &[A, F, D],
            Self::Digit(8) => &[A, D, F],
            Self::Digit(9) => &[T, F, F],
            Self::Digit(_) => &[F, T, T],
            Self::Hyphen => &[T, F, T],
            Self::Control(1) => &[D, A, T],
            Self::Control(2) => &[D, T, A],
            Self::Control(3) => &[A, D, T],
            Self::Control(4) => &[T, D, A],
            Self::Control(5) => &[A, T, D],
            Self::Control(6) => &[T, A, D],
            Self::Control(7) => &[T, T, F],
            Self::Control(_) => &[F, F, F],
        }
    }
}

impl fmt::Display for BarcodeChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Start => f.write_str("START"),
            Self::Stop => f.write_str("STOP"),
            Self::Digit(d) => write!(f, "{d}"),
            Self::Hyphen => f.write_str("-"),
            Self::Control(n) => write!(f, "CC{n}"),
        }
    }
}

/// Why a barcode could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    /// The postal code is not 7 digits.
    #[error("郵便番号「{input}」は数字7桁ではありません（例: 100-0013）")]
    PostalCode {
        /// The postal code as given.
        input: String,
    },
}

impl BarcodeError {
    /// Stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PostalCode { .. } => "BARCODE_POSTAL_CODE",
        }
    }
}

/// Data characters after the start code: 7 postal-code digits + 13 address characters.
const DATA_LEN: usize = 20;
const ADDRESS_LEN: usize = 13;

/// A customer barcode: 20 data characters and the check character between start and stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerBarcode {
    postal_code: String,
    address_number: String,
    data: Vec<BarcodeChar>,
    check: BarcodeChar,
}

impl CustomerBarcode {
    /// Builds the barcode for a postal code ("100-0013", full width allowed) and the address
    /// **without** the postal code.
    pub fn encode(postal_code: &str, address: &str) -> Result<Self, BarcodeError> {
        let postal: String = nfkc(postal_code)
            .chars()
            .filter(|&c| !(c == '〒' || is_blank(c) || is_dash(c)))
            .collect();
        if postal.len() != 7 || !postal.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BarcodeError::PostalCode {
                input: postal_code.to_string(),
            });
        }
        let address_number = address_display_number(address);
        let mut data: Vec<BarcodeChar> = postal
            .bytes()
            .map(|b| BarcodeChar::Digit(b - b'0'))
            .collect();
        let mut address_chars: Vec<BarcodeChar> = address_number.chars().flat_map(expand).collect();
        // Truncate at 13: a CC1–CC3 landing on the last position stays, its digit is dropped.
        address_chars.truncate(ADDRESS_LEN);
        address_chars.resize(ADDRESS_LEN, BarcodeChar::Control(4));
        data.extend(address_chars);
        let check = check_character(&data);
        Ok(Self {
            postal_code: postal,
            address_number,
            data,
            check,
        })
    }

    /// The 7 postal-code digits.
    pub fn postal_code(&self) -> &str {
        &self.postal_code
    }

    /// The extracted 住所表示番号 before encoding and truncation.
    pub fn address_number(&self) -> &str {
        &self.address_number
    }

    /// The 20 data characters.
    pub fn data_chars(&self) -> &[BarcodeChar] {
        &self.data
    }

    /// The check character.
    pub fn check_char(&self) -> BarcodeChar {
        self.check
    }

    /// START, 20 data characters, check character, STOP.
    pub fn chars(&self) -> Vec<BarcodeChar> {
        let mut all = Vec::with_capacity(DATA_LEN + 3);
        all.push(BarcodeChar::Start);
        all.extend_from_slice(&self.data);
        all.push(self.check);
        all.push(BarcodeChar::Stop);
        all
    }

    /// The 67 bars, left to right.
    pub fn bars(&self) -> Vec<Bar> {
        self.chars()
            .iter()
            .flat_map(|c| c.bars().iter().copied())
            .collect()
    }

    /// The bars as letters ("FD…DF"), for tests and diagnostics.
    pub fn bar_letters(&self) -> String {
        self.bars().into_iter().map(Bar::letter).collect()
    }
}

/// Whether a postal code is a municipality's catch-all code (last four digits 0000), for
/// which Japan Post forbids a customer barcode. Anything that is not 7 digits is `false`
/// (it fails the barcode's own validation instead).
pub fn is_catch_all_postal_code(postal_code: &str) -> bool {
    let digits: String = nfkc(postal_code)
        .chars()
        .filter(|c| !is_dash(*c) && !is_blank(*c))
        .collect();
    digits.len() == 7 && digits.chars().all(|c| c.is_ascii_digit()) && digits.ends_with("0000")
}

#[cfg(test)]
mod catch_all_tests {
    use super::is_catch_all_postal_code;

    #[test]
    fn municipality_codes_ending_in_0000_are_catch_all() {
        assert!(is_catch_all_postal_code("100-0000"));
        assert!(is_catch_all_postal_code("１００－００００"));
        assert!(!is_catch_all_postal_code("100-0013"));
        assert!(!is_catch_all_postal_code("1000000x"));
        assert!(!is_catch_all_postal_code("0000"));
    }
}

/// The check character for the data characters: (19 − sum mod 19) mod 19.
pub fn check_character(data: &[BarcodeChar]) -> BarcodeChar {
    let sum: u32 = data.iter().filter_map(|c| c.value()).map(u32::from).sum();
    let check = u8::try_from((19 - sum % 19) % 19).unwrap_or(0);
    BarcodeChar::from_value(check).unwrap_or(BarcodeChar::Digit(0))
}

/// A letter takes two positions: A–J = CC1+0…9, K–T = CC2+0…9, U–Z = CC3+0…5.
fn expand(c: char) -> Vec<BarcodeChar> {
    match c {
        '0'..='9' => vec![BarcodeChar::Digit(c as u8 - b'0')],
        'A'..='Z' => {
            let i = c as u8 - b'A';
            vec![BarcodeChar::Control(i / 10 + 1), BarcodeChar::Digit(i % 10)]
        }
        _ => vec![BarcodeChar::Hyphen],
    }
}

/// 住所表示番号 per the Japan Post rules: upper-case letters; delete & / ・ .; 漢数字 before
/// 丁目/番地/番/号 become digits; kanji, kana, blanks, other symbols and runs of 2+ letters
/// become one hyphen; hyphens collapse; leading and trailing hyphens and hyphens next to a
/// letter are dropped. Pass the address without the postal code. Town names that contain a
/// 漢数字 before 番 (一番町) are converted too: the rules work on text, not on the 町域 list.
pub fn address_display_number(address: &str) -> String {
    let text: Vec<char> = nfkc(address)
        .chars()
        .map(|c| c.to_ascii_uppercase())
        .filter(|c| !matches!(c, '&' | '/' | '・' | '.'))
        .collect();
    let text = kanji_numerals_to_digits(&text);
    let mut raw: Vec<char> = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c.is_ascii_uppercase() {
            let run = text[i..]
                .iter()
                .take_while(|c| c.is_ascii_uppercase())
                .count();
            raw.push(if run == 1 { c } else { '-' });
            i += run;
            continue;
        }
        raw.push(if c.is_ascii_digit() { c } else { '-' });
        i += 1;
    }
    let mut collapsed: Vec<char> = Vec::with_capacity(raw.len());
    for c in raw {
        if !(c == '-' && collapsed.last() == Some(&'-')) {
            collapsed.push(c);
        }
    }
    let n = collapsed.len();
    (0..n)
        .filter(|&i| {
            let c = collapsed[i];
            if c != '-' {
                return true;
            }
            let prev = i.checked_sub(1).map(|j| collapsed[j]);
            let next = collapsed.get(i + 1).copied();
            prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())
        })
        .map(|i| collapsed[i])
        .collect()
}

const MARKERS: [&str; 4] = ["丁目", "番地", "番", "号"];

fn kanji_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|k| k == c)
        .and_then(|p| u32::try_from(p).ok())
}

fn is_kanji_numeral(c: char) -> bool {
    kanji_digit(c).is_some() || matches!(c, '十' | '百' | '千')
}

/// Replaces runs of 漢数字 directly before a marker with ASCII digits.
fn kanji_numerals_to_digits(text: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if !is_kanji_numeral(text[i]) {
            out.push(text[i]);
            i += 1;
            continue;
        }
        let run = text[i..]
            .iter()
            .take_while(|&&c| is_kanji_numeral(c))
            .count();
        let after: String = text[i + run..].iter().take(2).collect();
        let value = kanji_number(&text[i..i + run]);
        match value {
            Some(v) if MARKERS.iter().any(|m| after.starts_with(m)) => out.extend(v.chars()),
            _ => out.extend_from_slice(&text[i..i + run]),
        }
        i += run;
    }
    out
}

/// "二十三" → "23", "百二" → "102", "一〇" → "10".
fn kanji_number(run: &[char]) -> Option<String> {
    if !run.iter().any(|c| matches!(c, '十' | '百' | '千')) {
        return run
            .iter()
            .map(|&c| kanji_digit(c).and_then(|d| char::from_digit(d, 10)))
            .collect();
    }
    let mut total: u32 = 0;
    let mut digit: Option<u32> = None;
    for &c in run {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => {
                if digit.is_some() {
                    return None; // "二三十" is not a number
                }
                digit = kanji_digit(c);
                continue;
            }
        };
        total = total.checked_add(digit.take().unwrap_or(1).checked_mul(unit)?)?;
    }
    total = total.checked_add(digit.unwrap_or(0))?;
    Some(total.to_string())
}

#[cfg(test)]
#[path = "barcode_tests.rs"]
mod tests;
