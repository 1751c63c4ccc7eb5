//! The sixteen roster fields and their Japanese header names. The standard layout
//! (docs/roster-format.md) is these fields in this order; a saved `ColumnMapping` names them
//! by this enum, so renaming a variant breaks saved mappings — add, never rename.

use serde::{Deserialize, Serialize};

/// One roster field (DOMAIN.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// 保険者番号.
    InsurerNumber,
    /// 記号.
    Symbol,
    /// 番号.
    Number,
    /// 枝番.
    Branch,
    /// 漢字氏名.
    KanjiName,
    /// カナ氏名.
    KanaName,
    /// 性別.
    Sex,
    /// 生年月日.
    BirthDate,
    /// 本人家族区分.
    Relationship,
    /// 続柄.
    RelationName,
    /// 資格取得日.
    AcquiredOn,
    /// 資格喪失日.
    LostOn,
    /// 任意継続.
    VoluntaryContinuation,
    /// 特例退職.
    SpecialRetiree,
    /// 郵便番号.
    PostalCode,
    /// 住所.
    Address,
}

impl Field {
    /// Every field in the order of the standard layout.
    pub const STANDARD_ORDER: [Field; 16] = [
        Field::InsurerNumber,
        Field::Symbol,
        Field::Number,
        Field::Branch,
        Field::KanjiName,
        Field::KanaName,
        Field::Sex,
        Field::BirthDate,
        Field::Relationship,
        Field::RelationName,
        Field::AcquiredOn,
        Field::LostOn,
        Field::VoluntaryContinuation,
        Field::SpecialRetiree,
        Field::PostalCode,
        Field::Address,
    ];

    /// The header name of the standard layout.
    pub fn header_ja(self) -> &'static str {
        match self {
            Self::InsurerNumber => "保険者番号",
            Self::Symbol => "記号",
            Self::Number => "番号",
            Self::Branch => "枝番",
            Self::KanjiName => "漢字氏名",
            Self::KanaName => "カナ氏名",
            Self::Sex => "性別",
            Self::BirthDate => "生年月日",
            Self::Relationship => "本人家族区分",
            Self::RelationName => "続柄",
            Self::AcquiredOn => "資格取得日",
            Self::LostOn => "資格喪失日",
            Self::VoluntaryContinuation => "任意継続",
            Self::SpecialRetiree => "特例退職",
            Self::PostalCode => "郵便番号",
            Self::Address => "住所",
        }
    }

    /// Position in [`Field::STANDARD_ORDER`]; used to index per-field arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for fields a row cannot be accepted without.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Self::InsurerNumber
                | Self::Number
                | Self::KanaName
                | Self::BirthDate
                | Self::Relationship
        )
    }

    /// The field a header cell names, tolerating blanks, full-width letters and a few
    /// synonyms seen in exports (被保険者番号 for 番号 is deliberately not one: it is ambiguous).
    pub fn from_header(header: &str) -> Option<Field> {
        let name: String = header
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{feff}')
            .collect();
        Self::STANDARD_ORDER
            .into_iter()
            .find(|f| f.header_ja() == name)
            .or(match name.as_str() {
                "被保険者証記号" => Some(Self::Symbol),
                "被保険者証番号" => Some(Self::Number),
                "氏名" | "氏名漢字" => Some(Self::KanjiName),
                "氏名カナ" | "カナ" | "フリガナ" => Some(Self::KanaName),
                "本人家族" | "本人・家族区分" | "被保険者区分" => {
                    Some(Self::Relationship)
                }
                "取得日" | "資格取得年月日" => Some(Self::AcquiredOn),
                "喪失日" | "資格喪失年月日" => Some(Self::LostOn),
                "任意継続区分" => Some(Self::VoluntaryContinuation),
                "特例退職区分" => Some(Self::SpecialRetiree),
                "〒" => Some(Self::PostalCode),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_matches_standard_order() {
        for (i, f) in Field::STANDARD_ORDER.iter().enumerate() {
            assert_eq!(
                f.index(),
                i,
                "per-field arrays are indexed by declaration order"
            );
        }
    }

    #[test]
    fn header_names_round_trip() {
        for f in Field::STANDARD_ORDER {
            assert_eq!(Field::from_header(f.header_ja()), Some(f));
        }
        assert_eq!(Field::from_header(" カナ 氏名 "), Some(Field::KanaName));
        assert_eq!(Field::from_header("勤務先"), None);
    }
}
