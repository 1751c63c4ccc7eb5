//! Per-row rules: each field through the domain crate's parser (check digit, 番号, 枝番, kana,
//! 和暦 and era codes), then the checks across fields (flags, dates, relationship). Collects
//! every problem of a row rather than stopping at the first, so the admin fixes a row once.
//! Duplicates need the whole file and live in `reader`. The accepted row is built in the
//! previous row's strings when the reader has them (`Spare`), so a streaming caller does not
//! allocate a row per record.

use chrono::NaiveDate;
use kencom_domain::{
    check_katakana_name, parse_date, parse_era_coded_compact, CardBranch, CardNumber, CardSymbol,
    EraCodeMap, InsurerNumber, KanaError,
};

use crate::encoding::{all_standard, classify, CharClass};
use crate::field::Field;
use crate::issue::RowProblem;
use crate::row::{Relationship, RosterRow, Sex};
use crate::source::{trim_padding, FieldSlots, RawRecord};

/// The parts of an earlier row that a new one can be built in: strings to overwrite, and
/// identifiers to keep when the new row has the same text (a roster repeats its insurer, and
/// a household its 記号 and 番号). 枝番 cycle within each household (00, 01, 02, then 00
/// again), so the last few distinct ones are kept rather than only the previous row's.
#[derive(Debug, Default)]
pub(crate) struct Spare {
    insurer: Option<InsurerNumber>,
    symbol: Option<CardSymbol>,
    number: Option<CardNumber>,
    branches: Vec<CardBranch>,
    kanji_name: String,
    kana_name: String,
    relation_name: String,
    postal_code: String,
    address: String,
}

/// 枝番 kept for reuse: enough for households of up to four without growing with the file.
const SPARE_BRANCHES: usize = 4;

impl Spare {
    /// Keeps what `row` holds for the next rows, in place of the previous row's (field by
    /// field: the pool of 枝番 keeps its buffer).
    pub(crate) fn keep(&mut self, row: RosterRow) {
        self.insurer = Some(row.insurer);
        self.symbol = Some(row.symbol);
        self.number = Some(row.number);
        if let Some(b) = row.branch {
            match self
                .branches
                .iter()
                .position(|k| same_text(k.as_str(), b.as_str()))
            {
                Some(i) => self.branches[i] = b,
                None if self.branches.len() < SPARE_BRANCHES => self.branches.push(b),
                // Full: the newest replaces one of the others (which one does not matter;
                // households rarely hold more than four).
                None => self.branches[0] = b,
            }
        }
        self.kanji_name = row.kanji_name;
        self.kana_name = row.kana_name;
        self.relation_name = row.relation_name;
        self.postal_code = row.postal_code.unwrap_or_default();
        self.address = row.address;
    }

    /// A kept 枝番 whose text is exactly `text`, or `text` parsed. Sound for the same reason
    /// as [`reuse_or_parse`].
    fn branch(&mut self, text: &str) -> Result<CardBranch, kencom_domain::CardError> {
        match self
            .branches
            .iter()
            .position(|b| same_text(b.as_str(), text))
        {
            Some(i) => Ok(self.branches.swap_remove(i)),
            // A full pool gives up its oldest entry's buffer (`keep` would drop it anyway).
            None if self.branches.len() == SPARE_BRANCHES => {
                CardBranch::parse_reusing(text, Some(self.branches.swap_remove(0)))
            }
            None => CardBranch::parse(text),
        }
    }
}

/// The spare identifier when it already is exactly `text`, else `text` parsed into the
/// spare's buffer. Sound because every identifier parser maps its own output to itself
/// (checked in `tests/reuse.rs`): normalised text parses to the same value.
fn reuse_or_parse<T, E>(
    spare: &mut Option<T>,
    text: &str,
    as_str: fn(&T) -> &str,
    parse_reusing: fn(&str, Option<T>) -> Result<T, E>,
) -> Result<T, E> {
    match spare.take() {
        Some(value) if same_text(as_str(&value), text) => Ok(value),
        other => parse_reusing(text, other),
    }
}

/// `a == b` for the short strings identifiers are, compared in registers: `==` on `str` calls
/// libc's `memcmp`, and the few calls a row makes for its identifiers showed in the profile.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    // Two overlapping loads cover every byte of a string of n..=2n bytes.
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => {
            a.first_chunk::<4>() == b.first_chunk::<4>()
                && a.last_chunk::<4>() == b.last_chunk::<4>()
        }
        8..=16 => {
            a.first_chunk::<8>() == b.first_chunk::<8>()
                && a.last_chunk::<8>() == b.last_chunk::<8>()
        }
        _ => a == b,
    }
}

/// `text` in the spare string's buffer.
fn reuse_string(spare: &mut String, text: &str) -> String {
    let mut s = std::mem::take(spare);
    s.clear();
    s.push_str(text);
    s
}

/// A problem with where it was found.
#[derive(Debug, Clone)]
pub(crate) struct Located {
    pub column: Option<usize>,
    pub field: Option<Field>,
    pub problem: RowProblem,
}

struct RowCheck<'a> {
    record: &'a RawRecord,
    slots: &'a FieldSlots,
    problems: &'a mut Vec<Located>,
}

impl<'a> RowCheck<'a> {
    /// The trimmed value of `field`; `None` when the cell could not be decoded (already
    /// reported). An unmapped field or a missing column reads as "". Borrowed from the record,
    /// not from `self`, so reporting while holding a value needs no copy.
    fn value(&self, field: Field) -> Option<&'a str> {
        match self.slots.cell(self.record, field) {
            Some(cell) if cell.undecodable.is_some() => None,
            Some(cell) => Some(trim_padding(cell.text)),
            None => Some(""),
        }
    }

    fn report(&mut self, field: Field, problem: RowProblem) {
        let column = self.slots.cell(self.record, field).map(|c| c.column);
        self.problems.push(Located {
            column,
            field: Some(field),
            problem,
        });
    }

    /// The value of a required field, reporting it when empty.
    fn required(&mut self, field: Field) -> Option<&'a str> {
        let v = self.value(field)?;
        if v.is_empty() {
            self.report(field, RowProblem::Required { field });
            return None;
        }
        Some(v)
    }

    /// Reports every character outside JIS X 0208 or the roster rules, unchanged.
    fn characters(&mut self, field: Field, value: &str) {
        // A Shift_JIS line's decoder already knows (`value` is the cell less blanks, which
        // are standard).
        let known =
            self.slots.slots[field.index()].is_some_and(|i| self.record.cells.known_standard(i));
        if known || all_standard(value) {
            return;
        }
        for (i, ch) in value.chars().enumerate() {
            let class = classify(ch);
            if class != CharClass::Standard {
                self.report(
                    field,
                    RowProblem::Character {
                        field,
                        ch,
                        position: i + 1,
                        class,
                    },
                );
            }
        }
    }
}

/// Validates one record. Problems are appended to `problems`; the row is returned only when
/// none of them is an error.
pub(crate) fn validate(
    record: &RawRecord,
    slots: &FieldSlots,
    era_codes: &EraCodeMap,
    problems: &mut Vec<Located>,
    spare: &mut Spare,
) -> Option<RosterRow> {
    let start = problems.len();
    if record.cells.any_undecodable() {
        for (i, cell) in record.cells.iter().enumerate() {
            if let Some(hex) = cell.undecodable {
                let field = slots
                    .slots
                    .iter()
                    .position(|s| *s == Some(i))
                    .map(|f| Field::STANDARD_ORDER[f]);
                problems.push(Located {
                    column: Some(cell.column),
                    field,
                    problem: RowProblem::Undecodable {
                        encoding: record.encoding,
                        hex: hex.to_owned(),
                    },
                });
            }
        }
    }
    if record.cells.len() < slots.needed_cells {
        problems.push(Located {
            column: None,
            field: None,
            problem: RowProblem::ColumnCount {
                found: record.cells.len(),
                expected: slots.needed_cells,
            },
        });
    }
    let mut c = RowCheck {
        record,
        slots,
        problems,
    };

    let insurer = c.required(Field::InsurerNumber).and_then(|v| {
        reuse_or_parse(&mut spare.insurer, v, InsurerNumber::as_str, |text, _| {
            InsurerNumber::parse(text)
        })
        .map_err(|e| c.report(Field::InsurerNumber, RowProblem::Insurer(e)))
        .ok()
    });
    let symbol = c.value(Field::Symbol).and_then(|v| {
        c.characters(Field::Symbol, v);
        let parsed = reuse_or_parse(
            &mut spare.symbol,
            v,
            CardSymbol::as_str,
            CardSymbol::parse_reusing,
        );
        card(&mut c, Field::Symbol, parsed)
    });
    let number = c.required(Field::Number).and_then(|v| {
        let parsed = reuse_or_parse(
            &mut spare.number,
            v,
            CardNumber::as_str,
            CardNumber::parse_reusing,
        );
        let n = card(&mut c, Field::Number, parsed)?;
        if n.as_str().len() >= 8 {
            let len = n.as_str().len();
            c.report(Field::Number, RowProblem::NumberLong { len });
        }
        Some(n)
    });
    let branch = match c.value(Field::Branch) {
        None => None,
        Some("") => Some(None),
        Some(v) => {
            let parsed = spare.branch(v);
            card(&mut c, Field::Branch, parsed).map(Some)
        }
    };
    let kanji_name = text(&mut c, Field::KanjiName);
    let kana_name = c.required(Field::KanaName).and_then(|v| kana(&mut c, v));
    let sex = c.value(Field::Sex).and_then(|v| match (v.as_bytes(), v) {
        // One ASCII byte, nearly every row: decided without comparing strings.
        ([b'1' | b'M' | b'm'], _) => Some(Some(Sex::Male)),
        ([b'2' | b'F' | b'f'], _) => Some(Some(Sex::Female)),
        (_, "") => Some(None),
        (_, "１" | "男") => Some(Some(Sex::Male)),
        (_, "２" | "女") => Some(Some(Sex::Female)),
        _ => {
            let value = v.to_owned();
            c.report(Field::Sex, RowProblem::Sex { value });
            None
        }
    });
    let birth_date = c
        .required(Field::BirthDate)
        .and_then(|v| date(&mut c, Field::BirthDate, v, era_codes));
    let relationship = c
        .required(Field::Relationship)
        .and_then(|v| match (v.as_bytes(), v) {
            ([b'1'], _) | (_, "１" | "本人" | "被保険者") => Some(Relationship::Insured),
            ([b'2'], _) | (_, "２" | "家族" | "被扶養者") => Some(Relationship::Dependent),
            _ => {
                let value = v.to_owned();
                c.report(Field::Relationship, RowProblem::Relationship { value });
                None
            }
        });
    let relation_name = text(&mut c, Field::RelationName);
    let acquired_on = optional_date(&mut c, Field::AcquiredOn, era_codes);
    let lost_on = optional_date(&mut c, Field::LostOn, era_codes);
    let voluntary = flag(&mut c, Field::VoluntaryContinuation);
    let retiree = flag(&mut c, Field::SpecialRetiree);
    let postal_code = postal(&mut c, &mut spare.postal_code);
    let address = text(&mut c, Field::Address);
    if address == Some("") {
        c.report(Field::Address, RowProblem::AddressMissing);
    }

    // Checks across fields, on whatever parsed.
    if voluntary == Some(true) && retiree == Some(true) {
        c.report(Field::SpecialRetiree, RowProblem::FlagsConflict);
    }
    if let (Some(ins), Some(flag)) = (&insurer, retiree) {
        if ins.kind().is_special_retiree() != flag {
            let law_code = ins.law_code().to_string();
            c.report(
                Field::SpecialRetiree,
                RowProblem::SpecialRetireeMismatch { law_code },
            );
        }
    }
    if let (Some(rel), Some(name)) = (relationship, relation_name) {
        let says_self = name == "本人";
        let mismatch = match rel {
            Relationship::Dependent => says_self,
            Relationship::Insured => !name.is_empty() && !says_self,
        };
        if mismatch {
            let relation = name.to_string();
            c.report(
                Field::RelationName,
                RowProblem::RelationMismatch { relation },
            );
        }
    }
    if let (Some(Some(acq)), Some(Some(lost))) = (acquired_on, lost_on) {
        if lost < acq {
            let p = RowProblem::DateOrder {
                earlier: Field::AcquiredOn,
                later: Field::LostOn,
            };
            c.report(Field::LostOn, p);
        }
    }
    if let (Some(birth), Some(Some(acq))) = (birth_date, acquired_on) {
        if acq < birth {
            let p = RowProblem::DateOrder {
                earlier: Field::BirthDate,
                later: Field::AcquiredOn,
            };
            c.report(Field::AcquiredOn, p);
        }
    }

    let rejected = c.problems[start..]
        .iter()
        .any(|l| l.problem.severity() == crate::issue::Severity::Error);
    if rejected {
        return None;
    }
    Some(RosterRow {
        insurer: insurer?,
        symbol: symbol?,
        number: number?,
        branch: branch?,
        kanji_name: reuse_string(&mut spare.kanji_name, kanji_name?),
        kana_name: reuse_string(&mut spare.kana_name, kana_name?),
        sex: sex?,
        birth_date: birth_date?,
        relationship: relationship?,
        relation_name: reuse_string(&mut spare.relation_name, relation_name?),
        acquired_on: acquired_on?,
        lost_on: lost_on?,
        voluntary_continuation: voluntary?,
        special_retiree: retiree?,
        postal_code: postal_code?,
        address: reuse_string(&mut spare.address, address?),
    })
}

fn card<T>(
    c: &mut RowCheck<'_>,
    field: Field,
    parsed: Result<T, kencom_domain::CardError>,
) -> Option<T> {
    parsed
        .map_err(|e| c.report(field, RowProblem::Card(e)))
        .ok()
}

/// A free-text field: kept as written, unusual characters reported.
fn text<'a>(c: &mut RowCheck<'a>, field: Field) -> Option<&'a str> {
    let v = c.value(field)?;
    c.characters(field, v);
    Some(v)
}

/// カナ氏名: must be full-width katakana (half-width kana and hiragana are errors, reported
/// with the character); spaces and small kana are warnings, because the eligibility key folds
/// them but the admin should know the roster differs from what members type.
fn kana<'a>(c: &mut RowCheck<'_>, v: &'a str) -> Option<&'a str> {
    // Nearly every name is katakana without blanks, which `check_katakana_name` accepts as
    // it is: one pass finds its first small kana, if any. Anything else takes the full path.
    let mut small = None;
    let plain = !v.is_empty()
        && v.chars().enumerate().all(|(i, ch)| {
            if is_small_kana(ch) {
                small = small.or(Some((i, ch)));
            }
            matches!(ch, '\u{30A1}'..='\u{30FA}' | 'ー' | 'ヽ' | 'ヾ' | '・')
        });
    if plain {
        if let Some((i, ch)) = small {
            c.report(
                Field::KanaName,
                RowProblem::KanaSmall {
                    ch,
                    position: i + 1,
                },
            );
        }
        return Some(v);
    }
    if let Err(e) = check_katakana_name(v) {
        // Report every half-width character, not only the first: a half-width name is the
        // classic legacy-export mistake and the report must show what to fix.
        let first_is_half = matches!(e, KanaError::HalfWidth { .. });
        c.report(Field::KanaName, RowProblem::Kana(e));
        if first_is_half {
            for (i, ch) in v.chars().enumerate().skip(1) {
                if ('\u{FF61}'..='\u{FF9F}').contains(&ch) {
                    let problem = KanaError::HalfWidth {
                        ch,
                        position: i + 1,
                    };
                    c.report(Field::KanaName, RowProblem::Kana(problem));
                }
            }
        }
        return None;
    }
    if let Some(i) = v.chars().position(|ch| ch == ' ' || ch == '\u{3000}') {
        c.report(Field::KanaName, RowProblem::KanaSpace { position: i + 1 });
    }
    if let Some((i, ch)) = v.chars().enumerate().find(|&(_, ch)| is_small_kana(ch)) {
        c.report(
            Field::KanaName,
            RowProblem::KanaSmall {
                ch,
                position: i + 1,
            },
        );
    }
    Some(v)
}

fn is_small_kana(ch: char) -> bool {
    matches!(
        ch,
        'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ヵ' | 'ヶ'
    )
}

/// 西暦 or 和暦 via `parse_date`; a bare 7-digit value is an era-coded date ("3350101") read
/// with the file's era-code mapping.
fn date(c: &mut RowCheck<'_>, field: Field, v: &str, era_codes: &EraCodeMap) -> Option<NaiveDate> {
    if let Some(d) = iso_date(v) {
        return Some(d);
    }
    let is_era_coded = v.chars().count() == 7
        && v.chars()
            .all(|ch| ch.is_ascii_digit() || ('０'..='９').contains(&ch));
    let parsed = if is_era_coded {
        parse_era_coded_compact(v, era_codes)
    } else {
        parse_date(v)
    };
    parsed
        .map_err(|source| c.report(field, RowProblem::Date { field, source }))
        .ok()
}

/// Fast path for the standard layout's "YYYY-MM-DD", which is nearly every date of a large
/// file; anything else (including an invalid ISO date, for its message) goes to `parse_date`.
fn iso_date(v: &str) -> Option<NaiveDate> {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r.clone())?.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

fn optional_date(
    c: &mut RowCheck<'_>,
    field: Field,
    era_codes: &EraCodeMap,
) -> Option<Option<NaiveDate>> {
    let v = c.value(field)?;
    if v.is_empty() {
        return Some(None);
    }
    date(c, field, v, era_codes).map(Some)
}

fn flag(c: &mut RowCheck<'_>, field: Field) -> Option<bool> {
    let v = c.value(field)?;
    match (v.as_bytes(), v) {
        ([] | [b'0'], _) | (_, "０" | "非該当") => Some(false),
        ([b'1'], _) | (_, "１" | "○" | "〇" | "該当") => Some(true),
        _ => {
            let value = v.to_owned();
            c.report(field, RowProblem::Flag { field, value });
            None
        }
    }
}

/// 郵便番号: "1000013", "100-0013", full-width digits and a leading 〒 are accepted and
/// normalised to 7 ASCII digits; anything else is a warning (the row is still imported).
fn postal(c: &mut RowCheck<'_>, spare: &mut String) -> Option<Option<String>> {
    let v = c.value(Field::PostalCode)?;
    if v.is_empty() {
        c.report(Field::PostalCode, RowProblem::PostalMissing);
        return Some(None);
    }
    let mut digits = reuse_string(spare, "");
    digits.reserve(7);
    let mut ok = true;
    for ch in v.trim_start_matches('〒').chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            '０'..='９' => digits.push(char::from(b'0' + (ch as u32 - '０' as u32) as u8)),
            '-' | '－' | 'ー' | '−' | '‐' if digits.len() == 3 => {}
            _ => ok = false,
        }
    }
    if ok && digits.len() == 7 {
        Some(Some(digits))
    } else {
        let value = v.to_owned();
        c.report(Field::PostalCode, RowProblem::PostalInvalid { value });
        Some(None)
    }
}

#[cfg(test)]
mod tests {
    use super::same_text;
    use proptest::prelude::*;

    /// Characters of every UTF-8 length and the ones rosters get wrong: both digit widths,
    /// half-width kana, 髙, ①, 𠮷, NUL, a BOM, CR.
    const CHARS: &[char] = &[
        '0', '1', '9', '０', '１', 'ｶ', 'ﾞ', '髙', '高', '①', '𠮷', '\0', '\u{feff}', '\r', 'é', '-',
    ];

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(CHARS), 0..20)
            .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// The register compare is string equality: on unrelated strings, and on strings that
        /// differ in one character only (the case the overlapping loads must not miss).
        #[test]
        fn same_text_is_string_equality(
            a in text(),
            b in text(),
            at in any::<prop::sample::Index>(),
            with in prop::sample::select(CHARS),
        ) {
            prop_assert_eq!(same_text(&a, &b), a == b);
            prop_assert!(same_text(&a, &a.clone()));
            let mut chars: Vec<char> = a.chars().collect();
            if !chars.is_empty() {
                let i = at.index(chars.len());
                chars[i] = with;
                let c: String = chars.into_iter().collect();
                prop_assert_eq!(same_text(&a, &c), a == c, "{:?} vs {:?}", a, c);
            }
        }
    }

    #[test]
    fn same_text_tells_identifiers_one_digit_apart() {
        let words = [
            "",
            "0",
            "1",
            "01",
            "10",
            "00",
            "012",
            "013",
            "112",
            "0613",
            "0614",
            "061334",
            "061344",
            "0613342",
            "0613343",
            "06133425",
            "16133425",
            "06133426",
            "123456789",
            "123456780",
            "023456789",
            "1234567890123456",
            "1234567890123457",
            "0234567890123456",
            "12345678901234567",
            "12345678901234568",
        ];
        for a in words {
            for b in words {
                assert_eq!(same_text(a, b), a == b, "{a:?} vs {b:?}");
            }
        }
    }
}
