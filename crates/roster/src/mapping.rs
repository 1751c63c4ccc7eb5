//! Where each field sits in a roster file. The desk saves one `ParseOptions` per insurer
//! (serde), so the admin maps columns once. The standard layout of docs/roster-format.md is the
//! default. Nothing here reads a file; `source` applies the layout.

use kencom_domain::EraCodeMap;
use serde::{Deserialize, Serialize};

use crate::encoding::RosterEncoding;
use crate::field::Field;

/// CSV columns → fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The first record is a header row (skipped, kept for the error report).
    pub has_header: bool,
    /// 0-based column index → field. Unmapped columns are carried into the report only.
    pub columns: Vec<ColumnBinding>,
}

/// One mapped CSV column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnBinding {
    /// 0-based column index.
    pub column: usize,
    /// The field it holds.
    pub field: Field,
}

impl Default for ColumnMapping {
    fn default() -> Self {
        Self::standard()
    }
}

impl ColumnMapping {
    /// The standard layout: a header row, then the sixteen fields in
    /// [`Field::STANDARD_ORDER`].
    pub fn standard() -> Self {
        Self {
            has_header: true,
            columns: Field::STANDARD_ORDER
                .iter()
                .enumerate()
                .map(|(column, &field)| ColumnBinding { column, field })
                .collect(),
        }
    }

    /// A mapping proposed from a header row: every cell whose name is recognised is bound
    /// (the first occurrence wins). The UI shows it for the admin to confirm.
    pub fn from_header<S: AsRef<str>>(header: &[S]) -> Self {
        let mut columns: Vec<ColumnBinding> = Vec::new();
        for (column, cell) in header.iter().enumerate() {
            if let Some(field) = Field::from_header(cell.as_ref()) {
                if !columns.iter().any(|b| b.field == field) {
                    columns.push(ColumnBinding { column, field });
                }
            }
        }
        Self {
            has_header: true,
            columns,
        }
    }

    /// Required fields the mapping leaves out.
    pub fn missing_required(&self) -> Vec<Field> {
        Field::STANDARD_ORDER
            .into_iter()
            .filter(|f| f.is_required() && !self.columns.iter().any(|b| b.field == *f))
            .collect()
    }
}

/// A fixed-width layout, as legacy mainframe exports write: byte offsets in the file's
/// encoding (CP932: a kanji takes two bytes), fields padded with blanks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedWidthLayout {
    /// `None`: records end at a line feed (CR LF tolerated). `Some(n)`: every record is
    /// exactly `n` bytes with no separator, as some host exports are.
    pub record_length: Option<usize>,
    /// Skip this many leading records (a title or header record).
    pub skip_records: usize,
    /// The fields.
    pub fields: Vec<FixedField>,
}

/// One field of a fixed-width record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixedField {
    /// The field.
    pub field: Field,
    /// 0-based byte offset in the record.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

impl FixedWidthLayout {
    /// Required fields the layout leaves out.
    pub fn missing_required(&self) -> Vec<Field> {
        Field::STANDARD_ORDER
            .into_iter()
            .filter(|f| f.is_required() && !self.fields.iter().any(|x| x.field == *f))
            .collect()
    }
}

/// CSV or fixed width.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RosterFormat {
    /// Comma-separated values.
    Csv(ColumnMapping),
    /// Fixed-width records.
    FixedWidth(FixedWidthLayout),
}

impl Default for RosterFormat {
    fn default() -> Self {
        Self::Csv(ColumnMapping::standard())
    }
}

/// Everything the desk saves per insurer to read its roster files.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ParseOptions {
    /// Layout of the records.
    pub format: RosterFormat,
    /// `None`: detect (BOM, UTF-8 validity, else CP932). `Some`: the admin's override.
    pub encoding: Option<RosterEncoding>,
    /// Era codes of 7-digit dates ("3350101"): 1–5 by default, 1/3/5/7/9 for some systems.
    pub era_codes: EraCodeMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_mapping_binds_every_field_once() {
        let m = ColumnMapping::standard();
        assert_eq!(m.columns.len(), 16);
        assert!(m.missing_required().is_empty());
    }

    #[test]
    fn header_proposal_finds_fields_in_any_order() {
        let m = ColumnMapping::from_header(&["番号", "勤務先", "保険者番号", "カナ氏名"]);
        assert_eq!(
            m.columns,
            vec![
                ColumnBinding {
                    column: 0,
                    field: Field::Number
                },
                ColumnBinding {
                    column: 2,
                    field: Field::InsurerNumber
                },
                ColumnBinding {
                    column: 3,
                    field: Field::KanaName
                },
            ]
        );
        assert_eq!(
            m.missing_required(),
            vec![Field::BirthDate, Field::Relationship],
            "the UI must ask for the unmapped required fields"
        );
    }

    #[test]
    fn options_survive_json() {
        let opts = ParseOptions {
            format: RosterFormat::FixedWidth(FixedWidthLayout {
                record_length: Some(120),
                skip_records: 1,
                fields: vec![FixedField {
                    field: Field::Number,
                    start: 8,
                    len: 10,
                }],
            }),
            encoding: Some(RosterEncoding::ShiftJis),
            era_codes: EraCodeMap::odd(),
        };
        let json = serde_json::to_string(&opts).unwrap();
        let back: ParseOptions = serde_json::from_str(&json).unwrap();
        assert_eq!(back, opts, "a saved mapping must load back unchanged");
    }
}
