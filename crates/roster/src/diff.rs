//! What applying a roster would change, before anything is applied: added, changed (field by
//! field), lost qualification, unchanged. The central snapshot is held in a map; the file is
//! streamed through `RosterDiff::push`, so memory follows the central roster, not the file
//! (the collecting `diff` keeps the lists it returns, by definition).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::field::Field;
use crate::row::{RosterRow, RowKey};

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field.
    pub field: Field,
    /// Central value, as the standard layout writes it.
    pub before: String,
    /// File value.
    pub after: String,
}

/// Why a central member loses qualification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LostReason {
    /// Not in the file.
    Absent,
    /// The file gives a 資格喪失日.
    LostOn(NaiveDate),
}

/// The outcome for one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DiffEntry {
    /// In the file, not centrally.
    Added {
        /// The new row.
        row: RosterRow,
    },
    /// In both, with differences other than a new 資格喪失日.
    Changed {
        /// The key.
        key: RowKey,
        /// The differing fields.
        changes: Vec<FieldChange>,
        /// The file's row.
        row: RosterRow,
    },
    /// Qualified centrally, lost according to the file.
    Lost {
        /// The key.
        key: RowKey,
        /// Why.
        reason: LostReason,
        /// Other field differences (empty for `Absent`).
        changes: Vec<FieldChange>,
    },
    /// Identical (or absent from the file and already lost centrally).
    Unchanged {
        /// The key.
        key: RowKey,
    },
    /// A second file row with a central key already seen. The validator rejects file
    /// duplicates; this keeps the answer defined for callers that skip it. Two file rows with
    /// the same key absent centrally are both `Added`: remembering file keys would make memory
    /// follow the file.
    DuplicateInFile {
        /// The key.
        key: RowKey,
    },
}

/// Counts per outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DiffCounts {
    /// Added rows.
    pub added: u64,
    /// Changed rows.
    pub changed: u64,
    /// Rows losing qualification.
    pub lost: u64,
    /// Unchanged rows.
    pub unchanged: u64,
    /// Duplicate file rows ignored.
    pub duplicates: u64,
}

impl DiffCounts {
    fn count(&mut self, e: &DiffEntry) {
        match e {
            DiffEntry::Added { .. } => self.added += 1,
            DiffEntry::Changed { .. } => self.changed += 1,
            DiffEntry::Lost { .. } => self.lost += 1,
            DiffEntry::Unchanged { .. } => self.unchanged += 1,
            DiffEntry::DuplicateInFile { .. } => self.duplicates += 1,
        }
    }
}

/// Streaming diff: build from the central snapshot, `push` each file row, then `finish`.
#[derive(Debug)]
pub struct RosterDiff {
    central: HashMap<RowKey, (RosterRow, bool)>,
    counts: DiffCounts,
}

impl RosterDiff {
    /// Indexes the central snapshot by key (a repeated central key keeps the last row).
    pub fn new(central: impl IntoIterator<Item = RosterRow>) -> Self {
        let central = central
            .into_iter()
            .map(|row| (row.key(), (row, false)))
            .collect();
        Self {
            central,
            counts: DiffCounts::default(),
        }
    }

    /// Classifies one file row.
    pub fn push(&mut self, row: RosterRow) -> DiffEntry {
        let key = row.key();
        let entry = match self.central.get_mut(&key) {
            None => DiffEntry::Added { row },
            Some((_, true)) => DiffEntry::DuplicateInFile { key },
            Some((before, seen)) => {
                *seen = true;
                let changes = field_changes(before, &row);
                match (before.lost_on, row.lost_on) {
                    (None, Some(date)) => DiffEntry::Lost {
                        key,
                        reason: LostReason::LostOn(date),
                        changes,
                    },
                    _ if changes.is_empty() => DiffEntry::Unchanged { key },
                    _ => DiffEntry::Changed { key, changes, row },
                }
            }
        };
        self.counts.count(&entry);
        entry
    }

    /// Central rows the file did not mention: lost, unless already lost centrally.
    pub fn finish(mut self) -> (DiffCounts, Vec<DiffEntry>) {
        let mut rest = Vec::new();
        for (key, (row, seen)) in self.central {
            if seen {
                continue;
            }
            let entry = if row.lost_on.is_some() {
                DiffEntry::Unchanged { key }
            } else {
                DiffEntry::Lost {
                    key,
                    reason: LostReason::Absent,
                    changes: Vec::new(),
                }
            };
            self.counts.count(&entry);
            rest.push(entry);
        }
        rest.sort_by(|a, b| entry_key(a).cmp(&entry_key(b)));
        (self.counts, rest)
    }
}

fn entry_key(e: &DiffEntry) -> Option<&RowKey> {
    match e {
        DiffEntry::Added { .. } => None,
        DiffEntry::Changed { key, .. }
        | DiffEntry::Lost { key, .. }
        | DiffEntry::Unchanged { key }
        | DiffEntry::DuplicateInFile { key } => Some(key),
    }
}

/// The whole diff, collected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// Counts.
    pub counts: DiffCounts,
    /// New rows.
    pub added: Vec<RosterRow>,
    /// Changed rows with their field changes.
    pub changed: Vec<DiffEntry>,
    /// Rows losing qualification.
    pub lost: Vec<DiffEntry>,
    /// Keys of unchanged rows.
    pub unchanged: Vec<RowKey>,
}

/// Diffs a file (valid rows) against the central snapshot and collects every list.
pub fn diff(
    central: impl IntoIterator<Item = RosterRow>,
    file: impl IntoIterator<Item = RosterRow>,
) -> DiffReport {
    let mut d = RosterDiff::new(central);
    let mut report = DiffReport::default();
    let sort = |e: DiffEntry, report: &mut DiffReport| match e {
        DiffEntry::Added { row } => report.added.push(row),
        e @ DiffEntry::Changed { .. } => report.changed.push(e),
        e @ DiffEntry::Lost { .. } => report.lost.push(e),
        DiffEntry::Unchanged { key } => report.unchanged.push(key),
        DiffEntry::DuplicateInFile { .. } => {}
    };
    for row in file {
        let e = d.push(row);
        sort(e, &mut report);
    }
    let (counts, rest) = d.finish();
    for e in rest {
        sort(e, &mut report);
    }
    report.counts = counts;
    report
}

/// Field-by-field comparison of everything but the key, in the standard layout's text form
/// (so the UI shows what a file would say).
fn field_changes(before: &RosterRow, after: &RosterRow) -> Vec<FieldChange> {
    let b = before.standard_cells();
    let a = after.standard_cells();
    Field::STANDARD_ORDER
        .into_iter()
        .zip(b.into_iter().zip(a))
        .filter(|(f, (b, a))| !is_key(*f) && b != a)
        .map(|(field, (before, after))| FieldChange {
            field,
            before,
            after,
        })
        .collect()
}

fn is_key(f: Field) -> bool {
    matches!(
        f,
        Field::InsurerNumber | Field::Symbol | Field::Number | Field::Branch
    )
}
