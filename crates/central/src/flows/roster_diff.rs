//! The roster diff behind 名簿連携's diff and apply: the upload's rows streamed, in file
//! order, against a compact index of the insurer's central roster, each classified as
//! `kencom_roster::RosterDiff` would (added, changed, lost, unchanged, duplicate), then the
//! central members the file does not mention, in key order. `roster_diff_cache` keeps the
//! outcome per upload; apply writes it.
//!
//! Why it exists: the diff used to build a full in-memory snapshot of the central roster
//! (~1.5 KB a row, ~2.3 GB at 1,000,000 rows). The index keeps per central key only the row
//! id, a 128-bit fingerprint of the compared fields and three flags (~150 bytes a row);
//! field changes are recomputed exactly from the two rows, and only where shown.
//!
//! What it must not do: decide "changed" by anything but the fields the roster crate
//! compares, or log any of the rows.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;

use chrono::NaiveDate;
use kencom_api::roster::RosterRowWire;
use kencom_domain::{CardBranch, CardNumber, CardSymbol, InsurerNumber};
use kencom_roster::{DiffCounts, Relationship, RosterRow as FileRow, RowKey, Sex};

use crate::error::{ApiError, ApiResult};
use crate::flows::roster_sync::{from_wire_owned, parse_iso};
use crate::store::roster::RosterRow as StoreRow;
use crate::store::roster_sync::{RosterRowRef, UploadRow};
use crate::store::Tx;

/// Chunks read per page while walking an upload (bounds memory to a few MB of JSON).
const CHUNK_PAGE: i64 = 16;

/// What the index keeps of one central row.
#[derive(Clone, Copy)]
struct Slot {
    id: i64,
    /// Two keyed SipHash values over every compared (non-key) field: equal fingerprints
    /// stand for equal fields (a chance collision is ~2⁻¹²⁸ per comparison).
    fp: [u64; 2],
    /// Has a 資格喪失日.
    lost: bool,
    /// Not yet on the portal: an unchanged re-send still syncs it.
    unsynced: bool,
    /// A file row with this key was seen (a second one is a duplicate).
    seen: bool,
}

/// The insurer's central roster as the diff needs it: ~100 bytes a row instead of a copy.
struct CentralIndex {
    /// By compact key (see [`compact_key`]); a repeated central key keeps the last row
    /// by id, as `kencom_roster::RosterDiff` does.
    slots: HashMap<Box<str>, Slot>,
    fp_keys: (RandomState, RandomState),
}

/// 保険者番号, 記号, 番号 and 枝番 joined by NUL, the 枝番 left out when there is none. NUL
/// sorts below every character the domain parsers admit in these fields, so the bytes of
/// compact keys sort exactly as `RowKey`'s derived order (field by field, no 枝番 first) —
/// which is what orders the members absent from the file.
fn compact_key(
    buf: &mut String,
    insurer: &InsurerNumber,
    symbol: &CardSymbol,
    number: &CardNumber,
    branch: Option<&CardBranch>,
) {
    buf.clear();
    buf.push_str(insurer.as_str());
    buf.push('\0');
    buf.push_str(symbol.as_str());
    buf.push('\0');
    buf.push_str(number.as_str());
    if let Some(b) = branch {
        buf.push('\0');
        buf.push_str(b.as_str());
    }
}

/// Every field `kencom_roster`'s field-by-field comparison looks at (all but the key),
/// borrowed from a file row or a stored one. Its text form is an injective function of
/// these, so equal `Compared` ⇔ no field changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Compared<'a> {
    kanji_name: &'a str,
    kana_name: &'a str,
    sex: Option<Sex>,
    birth_date: NaiveDate,
    relationship: Relationship,
    relation_name: &'a str,
    acquired_on: Option<NaiveDate>,
    lost_on: Option<NaiveDate>,
    voluntary_continuation: bool,
    special_retiree: bool,
    postal_code: Option<&'a str>,
    address: &'a str,
}

impl<'a> Compared<'a> {
    fn of(r: &'a FileRow) -> Self {
        Compared {
            kanji_name: &r.kanji_name,
            kana_name: &r.kana_name,
            sex: r.sex,
            birth_date: r.birth_date,
            relationship: r.relationship,
            relation_name: &r.relation_name,
            acquired_on: r.acquired_on,
            lost_on: r.lost_on,
            voluntary_continuation: r.voluntary_continuation,
            special_retiree: r.special_retiree,
            postal_code: r.postal_code.as_deref(),
            address: &r.address,
        }
    }
}

/// A stored row as the diff sees it: its key and compared fields; `None` for a row the
/// domain rules refuse (rows seeded before validation existed), which takes no part.
fn stored_row<'a>(m: &RosterRowRef<'a>) -> Option<(RowKey, Compared<'a>)> {
    let key = RowKey {
        insurer: InsurerNumber::parse(m.insurer_number).ok()?,
        symbol: CardSymbol::parse(m.card_symbol).ok()?,
        number: CardNumber::parse(m.card_number).ok()?,
        branch: match m.branch {
            "" => None,
            b => Some(CardBranch::parse(b).ok()?),
        },
    };
    let compared = Compared {
        kanji_name: m.name_kanji,
        kana_name: m.name_kana,
        sex: match m.sex {
            "1" => Some(Sex::Male),
            "2" => Some(Sex::Female),
            _ => None,
        },
        birth_date: parse_iso(m.birth_date)?,
        relationship: if m.relation == "dependent" {
            Relationship::Dependent
        } else {
            Relationship::Insured
        },
        relation_name: m.relation_name,
        acquired_on: parse_iso(m.qualified_on),
        lost_on: m.disqualified_on.and_then(parse_iso),
        voluntary_continuation: m.voluntary_continuation,
        special_retiree: m.special_retiree,
        postal_code: Some(m.postal_code).filter(|p| !p.is_empty()),
        address: m.address,
    };
    Some((key, compared))
}

/// The roster crate's row for a stored one (see [`stored_row`]).
pub(crate) fn from_store(m: &StoreRow) -> Option<FileRow> {
    let (key, c) = stored_row(&m.borrowed())?;
    Some(FileRow {
        insurer: key.insurer,
        symbol: key.symbol,
        number: key.number,
        branch: key.branch,
        kanji_name: c.kanji_name.to_string(),
        kana_name: c.kana_name.to_string(),
        sex: c.sex,
        birth_date: c.birth_date,
        relationship: c.relationship,
        relation_name: c.relation_name.to_string(),
        acquired_on: c.acquired_on,
        lost_on: c.lost_on,
        voluntary_continuation: c.voluntary_continuation,
        special_retiree: c.special_retiree,
        postal_code: c.postal_code.map(str::to_string),
        address: c.address.to_string(),
    })
}

impl CentralIndex {
    fn load(tx: &mut dyn Tx, insurer_id: i64) -> ApiResult<CentralIndex> {
        let mut index = CentralIndex {
            slots: HashMap::new(),
            fp_keys: (RandomState::new(), RandomState::new()),
        };
        let mut key = String::new();
        tx.scan_insurer_members(insurer_id, &mut |m| {
            // Rows the domain rules refuse take no part in the diff.
            let Some((k, compared)) = stored_row(m) else {
                return;
            };
            compact_key(
                &mut key,
                &k.insurer,
                &k.symbol,
                &k.number,
                k.branch.as_ref(),
            );
            let slot = Slot {
                id: m.id,
                fp: index.fingerprint(compared),
                lost: compared.lost_on.is_some(),
                unsynced: !m.synced,
                seen: false,
            };
            index.slots.insert(key.as_str().into(), slot);
        })?;
        Ok(index)
    }

    fn fingerprint(&self, c: Compared<'_>) -> [u64; 2] {
        [self.fp_keys.0.hash_one(c), self.fp_keys.1.hash_one(c)]
    }

    /// `RosterDiff::push`'s classification, from the slot alone.
    fn classify(&mut self, key: &mut String, row: &FileRow) -> Outcome {
        compact_key(
            key,
            &row.insurer,
            &row.symbol,
            &row.number,
            row.branch.as_ref(),
        );
        let fp = self.fingerprint(Compared::of(row));
        let Some(slot) = self.slots.get_mut(key.as_str()) else {
            return Outcome::Added;
        };
        if slot.seen {
            return Outcome::Duplicate;
        }
        slot.seen = true;
        if !slot.lost && row.lost_on.is_some() {
            Outcome::LostOn { id: slot.id }
        } else if slot.fp == fp {
            Outcome::Unchanged {
                id: slot.id,
                unsynced: slot.unsynced,
            }
        } else {
            Outcome::Changed { id: slot.id }
        }
    }
}

/// What a file row means for the central roster.
pub(crate) enum Outcome {
    Added,
    /// Differs from central member `id` (other than by a new 資格喪失日 alone).
    Changed {
        id: i64,
    },
    /// Brings a 資格喪失日 to qualified member `id`.
    LostOn {
        id: i64,
    },
    Unchanged {
        id: i64,
        unsynced: bool,
    },
    /// A second file row with a central key already seen.
    Duplicate,
}

/// One step of the walk.
// Built and consumed once per row, never stored: boxing the row would only add an
// allocation per row.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Step {
    /// File row `chunk_row` of chunk `chunk_seq`.
    File {
        chunk_seq: i64,
        chunk_row: i64,
        row: FileRow,
        outcome: Outcome,
    },
    /// A central member the file does not mention, in key order after every file row:
    /// `lost` when it loses qualification now (a full roster, not lost already).
    Absent { id: i64, lost: bool, unsynced: bool },
}

/// Stream the upload's rows through the diff against the central roster and hand every
/// step to `sink`, in the order of the entries: file order, then absent members by key.
pub(crate) fn walk(
    tx: &mut dyn Tx,
    u: &UploadRow,
    sink: &mut dyn FnMut(&mut dyn Tx, Step) -> ApiResult<()>,
) -> ApiResult<DiffCounts> {
    let mut central = CentralIndex::load(tx, u.insurer_id)?;
    let mut counts = DiffCounts::default();
    let mut key = String::new();
    let mut from = 0;
    loop {
        let bodies = tx.chunk_bodies(u.id, from, CHUNK_PAGE)?;
        if bodies.is_empty() {
            break;
        }
        for (seq, body) in bodies {
            from = seq + 1;
            let rows: Vec<RosterRowWire> = serde_json::from_slice(&body)
                .map_err(|_| ApiError::internal("stored chunk unreadable"))?;
            for (i, w) in rows.into_iter().enumerate() {
                let row = from_wire_owned(i, w)?;
                let outcome = central.classify(&mut key, &row);
                match outcome {
                    Outcome::Added => counts.added += 1,
                    Outcome::Changed { .. } => counts.changed += 1,
                    Outcome::LostOn { .. } => counts.lost += 1,
                    Outcome::Unchanged { .. } => counts.unchanged += 1,
                    Outcome::Duplicate => counts.duplicates += 1,
                }
                let step = Step::File {
                    chunk_seq: seq,
                    chunk_row: i as i64,
                    row,
                    outcome,
                };
                sink(tx, step)?;
            }
        }
    }
    let mut rest: Vec<(Box<str>, Slot)> =
        central.slots.into_iter().filter(|(_, s)| !s.seen).collect();
    rest.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (_, s) in rest {
        // Absent from a partial roster means nothing; already lost stays as it is.
        let lost = u.full_roster && !s.lost;
        if lost {
            counts.lost += 1;
        } else {
            counts.unchanged += 1;
        }
        sink(
            tx,
            Step::Absent {
                id: s.id,
                lost,
                unsynced: s.unsynced,
            },
        )?;
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flows::roster_sync::to_store;

    fn row(insurer: &str, symbol: &str, number: &str, branch: Option<&str>) -> FileRow {
        FileRow {
            insurer: InsurerNumber::parse(insurer).unwrap(),
            symbol: CardSymbol::parse(symbol).unwrap(),
            number: CardNumber::parse(number).unwrap(),
            branch: branch.map(|b| CardBranch::parse(b).unwrap()),
            kanji_name: "山田　太郎".into(),
            kana_name: "ヤマダタロウ".into(),
            sex: Some(Sex::Male),
            birth_date: NaiveDate::from_ymd_opt(1980, 1, 2).unwrap(),
            relationship: Relationship::Insured,
            relation_name: "本人".into(),
            acquired_on: None,
            lost_on: None,
            voluntary_continuation: false,
            special_retiree: false,
            postal_code: None,
            address: String::new(),
        }
    }

    #[test]
    fn compact_keys_sort_as_row_keys() {
        // Prefixes, an empty 記号, with and without 枝番: where joined strings could
        // disagree with field-by-field order.
        let mut rows = Vec::new();
        for insurer in ["06133425", "63133425", "06130017"] {
            for symbol in ["", "1", "12", "1-2", "ＡＢ"] {
                for number in ["1", "12", "123", "10000163"] {
                    for branch in [None, Some("00"), Some("01"), Some("10")] {
                        rows.push(row(insurer, symbol, number, branch));
                    }
                }
            }
        }
        let mut by_key = rows.clone();
        by_key.sort_by_key(|r| r.key());
        let mut by_compact = rows;
        by_compact.sort_by_cached_key(|r| {
            let mut k = String::new();
            compact_key(&mut k, &r.insurer, &r.symbol, &r.number, r.branch.as_ref());
            k
        });
        let keys = |v: &[FileRow]| v.iter().map(FileRow::key).collect::<Vec<_>>();
        assert_eq!(
            keys(&by_compact),
            keys(&by_key),
            "absent members must come out in RowKey order"
        );
    }

    #[test]
    fn fingerprints_tell_every_compared_field_apart() {
        let index = CentralIndex {
            slots: HashMap::new(),
            fp_keys: (RandomState::new(), RandomState::new()),
        };
        let base = row("06133425", "12", "34", Some("00"));
        let fp = index.fingerprint(Compared::of(&base));
        assert_eq!(index.fingerprint(Compared::of(&base.clone())), fp);
        let mut variants = Vec::new();
        let mut v = base.clone();
        v.kanji_name.push('子');
        variants.push(v);
        let mut v = base.clone();
        v.sex = None;
        variants.push(v);
        let mut v = base.clone();
        v.acquired_on = Some(v.birth_date);
        variants.push(v);
        let mut v = base.clone();
        v.lost_on = Some(v.birth_date);
        variants.push(v);
        let mut v = base.clone();
        v.postal_code = Some(String::new());
        variants.push(v);
        let mut v = base.clone();
        // The same characters moved from one text field to the next must still differ.
        v.kanji_name = "山田　太郎ヤ".into();
        v.kana_name = "マダタロウ".into();
        variants.push(v);
        for v in variants {
            assert_ne!(
                index.fingerprint(Compared::of(&v)),
                fp,
                "{v:?} must not pass as unchanged"
            );
        }
    }

    #[test]
    fn a_stored_row_compares_as_the_file_row_it_was_written_from() {
        let mut variants = vec![row("06133425", "", "10000163", None)];
        let mut v = row("63133425", "ＡＢ", "12", Some("01"));
        v.sex = Some(Sex::Female);
        v.relationship = Relationship::Dependent;
        v.relation_name = "妻".into();
        v.acquired_on = NaiveDate::from_ymd_opt(2015, 4, 1);
        v.lost_on = NaiveDate::from_ymd_opt(2026, 3, 31);
        v.voluntary_continuation = true;
        v.postal_code = Some("1000013".into());
        v.address = "東京都千代田区霞が関1丁目".into();
        variants.push(v);
        for file in variants {
            let stored = to_store(file.clone(), 5, 1, 0);
            let (key, compared) = stored_row(&stored.borrowed()).unwrap();
            assert_eq!(key, file.key());
            assert_eq!(
                compared,
                Compared::of(&file),
                "an unchanged re-send must fingerprint equal"
            );
            assert_eq!(from_store(&stored), Some(file));
        }
    }
}
