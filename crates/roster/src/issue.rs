//! What can be wrong with a row, with a stable code per kind and the Japanese reason the
//! admin reads in the error report. Errors reject the row; warnings keep it but are reported
//! (髙 in a name is legitimate, but the admin must know the portal may show it differently).

use kencom_domain::{CardError, DateError, InsurerError, KanaError};
use serde::{Deserialize, Serialize};

use crate::encoding::{CharClass, RosterEncoding};
use crate::field::Field;

/// Whether a problem rejects the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Reported; the row is still imported.
    Warning,
    /// The row is rejected.
    Error,
}

impl Severity {
    /// Japanese label for the report.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Warning => "警告（取込可）",
            Self::Error => "エラー（取込不可）",
        }
    }
}

/// One problem found in a row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    /// Bytes that are not valid in the file's encoding.
    #[error("{}として読めないバイト列があります（{}）", encoding.label_ja(), hex)]
    Undecodable {
        /// The file's encoding.
        encoding: RosterEncoding,
        /// The field's bytes in hex, so the admin can find them.
        hex: String,
    },
    /// Fewer columns than the mapping needs.
    #[error("列数が足りません（{found}列、{expected}列必要です）")]
    ColumnCount {
        /// Columns in the record.
        found: usize,
        /// Columns the mapping refers to.
        expected: usize,
    },
    /// A required field is empty.
    #[error("{}が空です", field.header_ja())]
    Required {
        /// The field.
        field: Field,
    },
    /// 保険者番号 rejected by the domain rules.
    #[error(transparent)]
    Insurer(InsurerError),
    /// 記号・番号・枝番 rejected by the domain rules.
    #[error(transparent)]
    Card(CardError),
    /// カナ氏名 is not full-width katakana (half-width kana, hiragana …).
    #[error(transparent)]
    Kana(KanaError),
    /// A date that cannot be read.
    #[error("{}: {}", field.header_ja(), source)]
    Date {
        /// The date field.
        field: Field,
        /// Why.
        source: DateError,
    },
    /// A character outside JIS X 0208 or the roster rules.
    #[error("{}の{position}文字目「{ch}」は{}です（変換せずそのまま報告しています）", field.header_ja(), char_class_ja(*class))]
    Character {
        /// The field.
        field: Field,
        /// The character as found.
        ch: char,
        /// 1-based character position in the field.
        position: usize,
        /// What kind of character it is.
        class: CharClass,
    },
    /// Blanks inside カナ氏名; members type the name without them (ケンコムタロウ).
    #[error("カナ氏名の{position}文字目に空白があります（照合では無視されます）")]
    KanaSpace {
        /// 1-based character position.
        position: usize,
    },
    /// Small kana in カナ氏名: a legacy roster may hold シヨウ where members type ショウ.
    #[error(
        "カナ氏名の{position}文字目「{ch}」は小書き文字です（照合では大書きと同一視されます）"
    )]
    KanaSmall {
        /// The small kana.
        ch: char,
        /// 1-based character position.
        position: usize,
    },
    /// 性別 is not 1/2/男/女.
    #[error("性別「{value}」が読み取れません（1=男、2=女）")]
    Sex {
        /// The value as found.
        value: String,
    },
    /// 本人家族区分 is not 1/2/本人/家族.
    #[error("本人家族区分「{value}」が読み取れません（1=本人、2=家族）")]
    Relationship {
        /// The value as found.
        value: String,
    },
    /// A flag column holds something other than 0/1/空欄.
    #[error("{}「{value}」が読み取れません（1=該当、0または空欄=非該当）", field.header_ja())]
    Flag {
        /// The flag field.
        field: Field,
        /// The value as found.
        value: String,
    },
    /// 任意継続 and 特例退職 both set: a person is at most one of them.
    #[error("任意継続と特例退職の両方が指定されています")]
    FlagsConflict,
    /// 特例退職 flag and the insurer number's 法別番号 disagree.
    #[error("特例退職の指定と保険者番号（法別{law_code}）が一致しません")]
    SpecialRetireeMismatch {
        /// The 法別番号.
        law_code: String,
    },
    /// A dependent written as 本人 or an insured person with another 続柄.
    #[error("本人家族区分と続柄「{relation}」が一致しません")]
    RelationMismatch {
        /// 続柄 as found.
        relation: String,
    },
    /// 資格喪失日 before 資格取得日, or 生年月日 after 資格取得日.
    #[error("{}が{}より前です", later.header_ja(), earlier.header_ja())]
    DateOrder {
        /// The field that should be earlier.
        earlier: Field,
        /// The field that is earlier than it.
        later: Field,
    },
    /// No postal code: a reissue postcard cannot be mailed.
    #[error("郵便番号がありません（はがきを郵送できません）")]
    PostalMissing,
    /// A postal code that is not 7 digits.
    #[error("郵便番号「{value}」は7桁の数字ではありません")]
    PostalInvalid {
        /// The value as found.
        value: String,
    },
    /// No address: a reissue postcard cannot be mailed.
    #[error("住所がありません（はがきを郵送できません）")]
    AddressMissing,
    /// 番号 of 8 or more digits: members enter the last 7.
    #[error("番号が{len}桁です（会員は下7桁を入力します）")]
    NumberLong {
        /// Digits.
        len: usize,
    },
    /// Same 保険者番号 + 記号 + 番号 + 枝番 as an earlier row.
    #[error("{first_row}行目と保険者番号・記号・番号・枝番が重複しています")]
    Duplicate {
        /// The earlier row.
        first_row: u64,
    },
    /// Different 番号 but the same last 7 digits as an earlier row (same insurer, symbol,
    /// branch): the eligibility check cannot tell the two apart.
    #[error("{first_row}行目と番号の下7桁が同じです（資格確認で区別できません）")]
    EligibilityKeyCollision {
        /// The earlier row.
        first_row: u64,
    },
}

fn char_class_ja(class: CharClass) -> &'static str {
    match class {
        CharClass::Standard => "標準文字",
        CharClass::HalfWidthKana => "半角カナ",
        CharClass::NecSpecial => "機種依存文字（NEC特殊文字）",
        CharClass::IbmExtension => "機種依存文字（IBM拡張文字）",
        CharClass::PrivateUse => "外字",
        CharClass::Control => "制御文字",
        CharClass::OutsideShiftJis => "Shift_JISで表せない文字",
    }
}

impl RowProblem {
    /// Stable code for the UI, the report and the sync status counts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Undecodable { .. } => "ROSTER_UNDECODABLE",
            Self::ColumnCount { .. } => "ROSTER_COLUMN_COUNT",
            Self::Required { .. } => "ROSTER_REQUIRED",
            Self::Insurer(e) => e.code(),
            Self::Card(e) => e.code(),
            Self::Kana(e) => e.code(),
            Self::Date { source, .. } => source.code(),
            Self::Character { class, .. } => match class {
                CharClass::Standard => "ROSTER_CHAR_STANDARD",
                CharClass::HalfWidthKana => "ROSTER_CHAR_HALF_WIDTH_KANA",
                CharClass::NecSpecial => "ROSTER_CHAR_NEC_SPECIAL",
                CharClass::IbmExtension => "ROSTER_CHAR_IBM_EXTENSION",
                CharClass::PrivateUse => "ROSTER_CHAR_PRIVATE_USE",
                CharClass::Control => "ROSTER_CHAR_CONTROL",
                CharClass::OutsideShiftJis => "ROSTER_CHAR_OUTSIDE_SHIFT_JIS",
            },
            Self::KanaSpace { .. } => "ROSTER_KANA_SPACE",
            Self::KanaSmall { .. } => "ROSTER_KANA_SMALL",
            Self::Sex { .. } => "ROSTER_SEX",
            Self::Relationship { .. } => "ROSTER_RELATIONSHIP",
            Self::Flag { .. } => "ROSTER_FLAG",
            Self::FlagsConflict => "ROSTER_FLAGS_CONFLICT",
            Self::SpecialRetireeMismatch { .. } => "ROSTER_SPECIAL_RETIREE_MISMATCH",
            Self::RelationMismatch { .. } => "ROSTER_RELATION_MISMATCH",
            Self::DateOrder { .. } => "ROSTER_DATE_ORDER",
            Self::PostalMissing => "ROSTER_POSTAL_MISSING",
            Self::PostalInvalid { .. } => "ROSTER_POSTAL_INVALID",
            Self::AddressMissing => "ROSTER_ADDRESS_MISSING",
            Self::NumberLong { .. } => "ROSTER_NUMBER_LONG",
            Self::Duplicate { .. } => "ROSTER_DUPLICATE",
            Self::EligibilityKeyCollision { .. } => "ROSTER_ELIGIBILITY_KEY_COLLISION",
        }
    }

    /// Whether the row is rejected.
    pub fn severity(&self) -> Severity {
        match self {
            Self::Character { .. }
            | Self::KanaSpace { .. }
            | Self::KanaSmall { .. }
            | Self::ColumnCount { .. }
            | Self::SpecialRetireeMismatch { .. }
            | Self::RelationMismatch { .. }
            | Self::PostalMissing
            | Self::PostalInvalid { .. }
            | Self::AddressMissing
            | Self::NumberLong { .. }
            | Self::EligibilityKeyCollision { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The offending character, where there is one.
    pub fn character(&self) -> Option<char> {
        match self {
            Self::Character { ch, .. } | Self::KanaSmall { ch, .. } => Some(*ch),
            Self::Kana(
                KanaError::HalfWidth { ch, .. }
                | KanaError::Hiragana { ch, .. }
                | KanaError::InvalidChar { ch, .. },
            ) => Some(*ch),
            Self::Card(
                CardError::SymbolInvalidChar { ch, .. }
                | CardError::NumberInvalidChar { ch, .. }
                | CardError::BranchInvalidChar { ch, .. },
            ) => Some(*ch),
            Self::Insurer(InsurerError::InvalidChar { ch, .. }) => Some(*ch),
            _ => None,
        }
    }
}

/// One reported problem: where it is and what it is, ready for the UI and the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// 1-based line number in the file where the record starts (the header is line 1).
    pub row: u64,
    /// 1-based CSV column, or 1-based byte offset of a fixed-width field; `None` for
    /// problems of the whole row.
    pub column: Option<usize>,
    /// The field, when the problem belongs to one.
    pub field: Option<Field>,
    /// Stable code.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The offending character, as found (never substituted).
    pub ch: Option<char>,
    /// The reason in Japanese.
    pub message_ja: String,
}

impl RowError {
    /// Builds the reported form of `problem`.
    pub fn new(
        row: u64,
        column: Option<usize>,
        field: Option<Field>,
        problem: &RowProblem,
    ) -> Self {
        Self::reusing(String::new(), row, column, field, problem)
    }

    /// [`Self::new`], writing the message into `message` (cleared first) rather than a new
    /// string.
    pub(crate) fn reusing(
        mut message: String,
        row: u64,
        column: Option<usize>,
        field: Option<Field>,
        problem: &RowProblem,
    ) -> Self {
        use std::fmt::Write;
        message.clear();
        // Writing into a String cannot fail.
        let _ = write!(message, "{problem}");
        Self {
            row,
            column,
            field,
            code: problem.code(),
            severity: problem.severity(),
            ch: problem.character(),
            message_ja: message,
        }
    }
}
