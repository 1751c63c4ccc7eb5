//! Roster files (名簿) of a 健康保険組合: CSV in UTF-8 or Shift_JIS/CP932, or fixed width;
//! streaming validation with the domain crate's rules, an error report in the file's own
//! encoding, and a diff against the central roster. No IO beyond the `Read`/`Write` handed
//! in, no runtime, no UI: the desk and the central server both call it.

#![deny(missing_docs)]

mod diff;
mod dupes;
mod encoding;
mod error;
mod field;
mod issue;
mod mapping;
mod parallel;
mod reader;
mod report;
mod row;
mod sjis;
mod source;
mod split;
mod validate;

pub use diff::{diff, DiffCounts, DiffEntry, DiffReport, FieldChange, LostReason, RosterDiff};
pub use encoding::{classify, detect, CharClass, Detected, RosterEncoding};
pub use error::RosterError;
pub use field::Field;
pub use issue::{RowError, RowProblem, Severity};
pub use mapping::{
    ColumnBinding, ColumnMapping, FixedField, FixedWidthLayout, ParseOptions, RosterFormat,
};
pub use reader::{parse_all, ParseOutcome, ParsedRecord, Progress, RosterReader, Summary};
pub use report::{ReportScope, ReportWriter};
pub use row::{Relationship, RosterRow, RowKey, Sex};
pub use source::{Cell, Cells};
