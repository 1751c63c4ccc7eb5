//! 和暦 (Japanese era dates) for 生年月日 and roster dates. Members type "S35.1.1" or
//! "昭和35年1月1日", legacy roster files carry an era code plus YYMMDD, and the desk shows both
//! calendars. Era spans are checked (平成31年5月1日 does not exist); the changeover days
//! 1912-07-30 and 1926-12-25 are valid in both eras. No clock: "today" is never consulted.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::chars::{is_blank, nfkc};

/// A Japanese era from 明治 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Era {
    /// 明治, from 1868-01-25 (JIS X 0301).
    Meiji,
    /// 大正, from 1912-07-30.
    Taisho,
    /// 昭和, from 1926-12-25.
    Showa,
    /// 平成, from 1989-01-08.
    Heisei,
    /// 令和, from 2019-05-01.
    Reiwa,
}

impl Era {
    /// All eras, oldest first.
    pub const ALL: [Era; 5] = [Era::Meiji, Era::Taisho, Era::Showa, Era::Heisei, Era::Reiwa];

    /// "昭和".
    pub fn name_ja(self) -> &'static str {
        match self {
            Self::Meiji => "明治",
            Self::Taisho => "大正",
            Self::Showa => "昭和",
            Self::Heisei => "平成",
            Self::Reiwa => "令和",
        }
    }

    /// The one-letter abbreviation: M, T, S, H, R.
    pub fn letter(self) -> char {
        match self {
            Self::Meiji => 'M',
            Self::Taisho => 'T',
            Self::Showa => 'S',
            Self::Heisei => 'H',
            Self::Reiwa => 'R',
        }
    }

    /// First day as (year, month, day).
    fn first(self) -> (i32, u32, u32) {
        match self {
            Self::Meiji => (1868, 1, 25),
            Self::Taisho => (1912, 7, 30),
            Self::Showa => (1926, 12, 25),
            Self::Heisei => (1989, 1, 8),
            Self::Reiwa => (2019, 5, 1),
        }
    }

    /// Last day as (year, month, day); `None` for the current era.
    fn last(self) -> Option<(i32, u32, u32)> {
        match self {
            // 明治 and 大正 end on the day the next era starts (both names are used that day).
            Self::Meiji => Some((1912, 7, 30)),
            Self::Taisho => Some((1926, 12, 25)),
            Self::Showa => Some((1989, 1, 7)),
            Self::Heisei => Some((2019, 4, 30)),
            Self::Reiwa => None,
        }
    }

    /// First day of the era.
    pub fn first_day(self) -> NaiveDate {
        let (y, m, d) = self.first();
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    /// Last day of the era, `None` for 令和.
    pub fn last_day(self) -> Option<NaiveDate> {
        self.last()
            .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
    }

    /// True when `date` may be written in this era.
    pub fn contains(self, date: NaiveDate) -> bool {
        let t = (date.year(), date.month(), date.day());
        t >= self.first() && self.last().is_none_or(|last| t <= last)
    }

    /// The era a date is written in (the newer one on a changeover day) and its era year.
    pub fn of(date: NaiveDate) -> Option<(Era, u32)> {
        Self::ALL
            .iter()
            .rev()
            .find(|e| e.contains(date))
            .and_then(|&e| {
                u32::try_from(date.year() - e.first().0 + 1)
                    .ok()
                    .map(|y| (e, y))
            })
    }

    fn span_ja(self) -> String {
        let (y, m, d) = self.first();
        match self.last() {
            Some((ly, lm, ld)) => format!("{y}年{m}月{d}日〜{ly}年{lm}月{ld}日"),
            None => format!("{y}年{m}月{d}日〜"),
        }
    }
}

impl fmt::Display for Era {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name_ja())
    }
}

/// Why a date could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing entered.
    #[error("日付が入力されていません（例: 昭和35年1月1日、S35.1.1、1960-01-01）")]
    Empty,
    /// Not a recognised date form.
    #[error(
        "日付「{input}」の形式が読み取れません（例: 昭和35年1月1日、S35.1.1、S350101、1960-01-01）"
    )]
    Format {
        /// The input as typed.
        input: String,
    },
    /// A calendar date that does not exist (2月30日).
    #[error("日付「{input}」は存在しない日付です")]
    Invalid {
        /// The input as typed.
        input: String,
    },
    /// A real date outside the era's span (平成31年5月1日).
    #[error("日付「{input}」は{era}の期間外です（{era}は{}）", era.span_ja())]
    OutOfEra {
        /// The input as typed.
        input: String,
        /// The era that was written.
        era: Era,
    },
    /// An era code the roster's mapping does not define.
    #[error("元号コード「{code}」は名簿の元号コード設定にありません")]
    UnknownEraCode {
        /// The code as found in the file.
        code: String,
    },
    /// An era-code mapping that assigns one code twice.
    #[error("元号コード設定で「{code}」が重複しています")]
    DuplicateEraCode {
        /// The repeated code.
        code: u8,
    },
}

impl DateError {
    /// Stable code for the UI and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "DATE_EMPTY",
            Self::Format { .. } => "DATE_FORMAT",
            Self::Invalid { .. } => "DATE_INVALID",
            Self::OutOfEra { .. } => "DATE_OUT_OF_ERA",
            Self::UnknownEraCode { .. } => "DATE_ERA_CODE",
            Self::DuplicateEraCode { .. } => "DATE_ERA_CODE_DUPLICATE",
        }
    }
}

/// Parses a date in 和暦 or 西暦: "S35.1.1", "昭和35年1月1日", "S350101", "昭35.01.01",
/// "平成元年1月8日", "1960-01-01", "1960/1/1", "19600101", "1960年1月1日"; full-width digits
/// and blanks are tolerated.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let s: String = nfkc(input).chars().filter(|&c| !is_blank(c)).collect();
    if s.is_empty() {
        return Err(DateError::Empty);
    }
    let format_err = || DateError::Format {
        input: input.trim().to_string(),
    };
    if let Some((era, rest)) = split_era(&s) {
        let (y, m, d) = if rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_digit()) {
            compact(rest, 2).ok_or_else(format_err)?
        } else {
            components(rest, true, 1..=4).ok_or_else(format_err)?
        };
        return era_date(era, y, m, d, input);
    }
    let (y, m, d) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        compact(&s, 4).ok_or_else(format_err)?
    } else {
        components(&s, false, 4..=4).ok_or_else(format_err)?
    };
    let year = i32::try_from(y).map_err(|_| format_err())?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(|| DateError::Invalid {
        input: input.trim().to_string(),
    })
}

fn split_era(s: &str) -> Option<(Era, &str)> {
    for era in Era::ALL {
        if let Some(rest) = s.strip_prefix(era.name_ja()) {
            return Some((era, rest));
        }
    }
    let first = s.chars().next()?;
    let rest = &s[first.len_utf8()..];
    Era::ALL
        .into_iter()
        .find(|e| e.name_ja().starts_with(first) || e.letter() == first.to_ascii_uppercase())
        .map(|e| (e, rest))
}

/// "YYMMDD" or "YYYYMMDD" with `year_len` year digits.
fn compact(s: &str, year_len: usize) -> Option<(u32, u32, u32)> {
    Some((
        s.get(..year_len)?.parse().ok()?,
        s.get(year_len..year_len + 2)?.parse().ok()?,
        s.get(year_len + 2..)?.parse().ok()?,
    ))
}

/// "Y.M.D", "Y/M/D", "Y-M-D" or "Y年M月D日" (日 optional); 元 for year 1 if `gannen`.
fn components(
    s: &str,
    gannen: bool,
    year_digits: std::ops::RangeInclusive<usize>,
) -> Option<(u32, u32, u32)> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let year = if gannen && chars.first() == Some(&'元') {
        i = 1;
        1
    } else {
        number(&chars, &mut i, year_digits)?
    };
    let sep1 = *chars.get(i)?;
    i += 1;
    let month = number(&chars, &mut i, 1..=2)?;
    let sep2 = *chars.get(i)?;
    i += 1;
    let day = number(&chars, &mut i, 1..=2)?;
    let tail: String = chars[i..].iter().collect();
    let ok = match sep1 {
        '年' => sep2 == '月' && (tail.is_empty() || tail == "日"),
        '.' | '/' | '-' => sep2 == sep1 && tail.is_empty(),
        _ => false,
    };
    ok.then_some((year, month, day))
}

fn number(chars: &[char], i: &mut usize, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    let start = *i;
    while chars.get(*i).is_some_and(char::is_ascii_digit) {
        *i += 1;
    }
    if !digits.contains(&(*i - start)) {
        return None;
    }
    chars[start..*i].iter().collect::<String>().parse().ok()
}

fn era_date(
    era: Era,
    year: u32,
    month: u32,
    day: u32,
    input: &str,
) -> Result<NaiveDate, DateError> {
    let input = input.trim().to_string();
    let western = i64::from(era.first().0) + i64::from(year) - 1;
    let western = i32::try_from(western).map_err(|_| DateError::Format {
        input: input.clone(),
    })?;
    let date = NaiveDate::from_ymd_opt(western, month, day).ok_or_else(|| DateError::Invalid {
        input: input.clone(),
    })?;
    if era.contains(date) {
        Ok(date)
    } else {
        Err(DateError::OutOfEra { input, era })
    }
}

/// Which era code stands for which era in one roster file's legacy date columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EraCodeMap {
    entries: Vec<(u8, Era)>,
}

impl Default for EraCodeMap {
    /// 1=明治, 2=大正, 3=昭和, 4=平成, 5=令和.
    fn default() -> Self {
        Self {
            entries: Era::ALL.iter().zip(1u8..).map(|(&e, c)| (c, e)).collect(),
        }
    }
}

impl EraCodeMap {
    /// 1=明治, 3=大正, 5=昭和, 7=平成, 9=令和 (used by some legacy systems).
    pub fn odd() -> Self {
        Self {
            entries: Era::ALL
                .iter()
                .zip([1u8, 3, 5, 7, 9])
                .map(|(&e, c)| (c, e))
                .collect(),
        }
    }

    /// A custom mapping; each code may appear once.
    pub fn new(entries: &[(u8, Era)]) -> Result<Self, DateError> {
        for (i, (code, _)) in entries.iter().enumerate() {
            if entries[..i].iter().any(|(c, _)| c == code) {
                return Err(DateError::DuplicateEraCode { code: *code });
            }
        }
        Ok(Self {
            entries: entries.to_vec(),
        })
    }

    /// The era for `code`.
    pub fn era(&self, code: u8) -> Option<Era> {
        self.entries
            .iter()
            .find(|(c, _)| *c == code)
            .map(|&(_, e)| e)
    }

    /// The code for `era`.
    pub fn code(&self, era: Era) -> Option<u8> {
        self.entries
            .iter()
            .find(|(_, e)| *e == era)
            .map(|&(c, _)| c)
    }
}

/// Parses a legacy era-coded date: `code` ("3") and `yymmdd` ("350101").
pub fn parse_era_coded(code: &str, yymmdd: &str, map: &EraCodeMap) -> Result<NaiveDate, DateError> {
    let code_text = nfkc(code).trim().to_string();
    let era = code_text
        .parse::<u8>()
        .ok()
        .and_then(|c| map.era(c))
        .ok_or_else(|| DateError::UnknownEraCode {
            code: code.trim().to_string(),
        })?;
    let digits = nfkc(yymmdd).trim().to_string();
    let original = format!("{}{}", code.trim(), yymmdd.trim());
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Format { input: original });
    }
    let (y, m, d) = compact(&digits, 2).ok_or(DateError::Format {
        input: original.clone(),
    })?;
    era_date(era, y, m, d, &original)
}

/// Parses the 7-digit form "3350101" (era code + YYMMDD in one column).
pub fn parse_era_coded_compact(text: &str, map: &EraCodeMap) -> Result<NaiveDate, DateError> {
    let s = nfkc(text).trim().to_string();
    if s.len() != 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Format {
            input: text.trim().to_string(),
        });
    }
    parse_era_coded(&s[..1], &s[1..], map)
}

/// The 7-digit era-coded form of `date` ("3350101"), or `None` when the date precedes 明治 or
/// the map has no single-digit code for its era.
pub fn format_era_coded(date: NaiveDate, map: &EraCodeMap) -> Option<String> {
    let (era, year) = Era::of(date)?;
    let code = map.code(era).filter(|c| *c < 10)?;
    (year < 100).then(|| format!("{code}{year:02}{:02}{:02}", date.month(), date.day()))
}

/// "1960年1月1日".
pub fn format_seireki(date: NaiveDate) -> String {
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// "1960-01-01".
pub fn format_iso(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// "昭和35年1月1日", "平成元年1月8日"; the newer era on a changeover day; `None` before 明治.
pub fn format_wareki(date: NaiveDate) -> Option<String> {
    let (era, year) = Era::of(date)?;
    let year = if year == 1 {
        "元".to_string()
    } else {
        year.to_string()
    };
    Some(format!("{era}{year}年{}月{}日", date.month(), date.day()))
}

/// "1960年1月1日（昭和35年1月1日）", or only 西暦 before 明治.
pub fn format_both(date: NaiveDate) -> String {
    match format_wareki(date) {
        Some(w) => format!("{}（{w}）", format_seireki(date)),
        None => format_seireki(date),
    }
}

#[cfg(test)]
#[path = "wareki_tests.rs"]
mod tests;
