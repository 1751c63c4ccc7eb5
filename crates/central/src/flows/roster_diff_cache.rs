//! The roster diff of an upload, computed once and kept in the store (migration 0007) so
//! that paging through it is a range seek: `GET …/diff` computes it on the first request
//! after the upload is complete (or after the insurer's roster changed) in a read
//! transaction, keeps it in a short write one, and answers every page from it.
//!
//! Why it exists: recomputing the diff for every page cost ~10 s per page at 1,000,000 rows.
//!
//! What it must not do: copy personal data into the store (a kept entry says *where* its
//! data lives — a chunk row, a member id — never the data) or into logs; answer from a
//! diff computed against a roster that has changed since (a kept diff carries the insurer's
//! roster generation, which every roster write bumps in its own transaction).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kencom_api::roster::*;
use kencom_roster::{DiffEntry, FieldChange, LostReason, RosterDiff, RosterRow as FileRow, RowKey};
use serde::de::{DeserializeSeed, IgnoredAny, SeqAccess, Visitor};

use crate::clock::Millis;
use crate::error::{ApiError, ApiResult};
use crate::flows::roster_diff::{from_store, walk, Outcome, Step};
use crate::flows::roster_sync::{format_iso, from_wire_owned};
use crate::store::roster_sync::{DiffCacheRow, DiffRun, UploadRow};
use crate::store::{Scope, Tx};

const ADDED: &str = "added";
const CHANGED: &str = "changed";
const LOST: &str = "lost";
const UNCHANGED: &str = "unchanged";

fn kind_name(k: RosterDiffKind) -> &'static str {
    match k {
        RosterDiffKind::Added => ADDED,
        RosterDiffKind::Changed => CHANGED,
        RosterDiffKind::Lost => LOST,
        RosterDiffKind::Unchanged => UNCHANGED,
    }
}

/// Numbers the entries and folds consecutive file rows of one kind that are rebuilt from
/// the file alone (added, unchanged) into one run per chunk.
#[derive(Default)]
struct Runs {
    runs: Vec<DiffRun>,
    seq: i64,
    /// Next `kind_seq` of added, changed, lost, unchanged.
    kind_seqs: [i64; 4],
}

impl Runs {
    fn push(&mut self, kind: &'static str, at: Option<(i64, i64)>, member_id: Option<i64>) {
        let k = match kind {
            ADDED => 0,
            CHANGED => 1,
            LOST => 2,
            _ => 3,
        };
        let extends = match (self.runs.last(), at) {
            (Some(last), Some((chunk, row))) => {
                member_id.is_none()
                    && last.member_id.is_none()
                    && last.kind == kind
                    && last.chunk_seq == Some(chunk)
                    && last.chunk_row.map(|r| r + last.len) == Some(row)
                    && last.seq + last.len == self.seq
            }
            _ => false,
        };
        match self.runs.last_mut() {
            Some(last) if extends => last.len += 1,
            _ => self.runs.push(DiffRun {
                seq: self.seq,
                kind,
                kind_seq: self.kind_seqs[k],
                len: 1,
                chunk_seq: at.map(|a| a.0),
                chunk_row: at.map(|a| a.1),
                member_id,
            }),
        }
        self.seq += 1;
        self.kind_seqs[k] += 1;
    }
}

/// A diff computed in a read transaction, for [`store_and_page`] to keep.
pub struct FreshDiff {
    cache: DiffCacheRow,
    runs: Vec<DiffRun>,
}

impl FreshDiff {
    /// Runs the diff is kept as (for the bench's report).
    pub fn runs(&self) -> usize {
        self.runs.len()
    }
}

fn compute(tx: &mut dyn Tx, u: &UploadRow, now: Millis) -> ApiResult<FreshDiff> {
    // Read before the walk, in the same transaction: the walk sees this generation's roster.
    let generation = tx.roster_generation(u.insurer_id)?;
    let mut runs = Runs::default();
    let counts = walk(tx, u, &mut |_, step| {
        match step {
            Step::File {
                chunk_seq,
                chunk_row,
                outcome,
                ..
            } => {
                let at = Some((chunk_seq, chunk_row));
                match outcome {
                    Outcome::Added => runs.push(ADDED, at, None),
                    Outcome::Unchanged { .. } => runs.push(UNCHANGED, at, None),
                    Outcome::Changed { id } => runs.push(CHANGED, at, Some(id)),
                    Outcome::LostOn { id } => runs.push(LOST, at, Some(id)),
                    Outcome::Duplicate => {}
                }
            }
            Step::Absent { id, lost, .. } => {
                runs.push(if lost { LOST } else { UNCHANGED }, None, Some(id))
            }
        }
        Ok(())
    })?;
    let as_i64 = |n: u64| n as i64;
    Ok(FreshDiff {
        cache: DiffCacheRow {
            upload_id: u.id,
            generation,
            computed_at: now,
            added: as_i64(counts.added),
            changed: as_i64(counts.changed),
            lost: as_i64(counts.lost),
            unchanged: as_i64(counts.unchanged),
            duplicates: as_i64(counts.duplicates),
        },
        runs: runs.runs,
    })
}

/// The answer to a diff request in a read transaction.
pub enum DiffAnswer {
    /// Served from a cache computed against the current roster.
    Page(RosterDiffView),
    /// No usable cache: computed now; keep it and read the page with [`store_and_page`].
    Computed(FreshDiff),
}

/// Checks of the page window; Japanese messages for the admin.
pub(crate) fn window(q: &RosterDiffQuery) -> ApiResult<(i64, i64)> {
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(50);
    if offset < 0 {
        return Err(ApiError::invalid(
            "validation",
            "offset",
            "offset は0以上です",
        ));
    }
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid(
            "validation",
            "limit",
            "limit は1〜500です",
        ));
    }
    Ok((offset, limit))
}

/// The page from the cache when it was computed against the insurer's current roster
/// generation; otherwise the diff computed now (a read transaction suffices: nothing is
/// written until [`store_and_page`]).
pub(crate) fn cached_or_compute(
    tx: &mut dyn Tx,
    u: &UploadRow,
    q: &RosterDiffQuery,
    now: Millis,
) -> ApiResult<DiffAnswer> {
    window(q)?;
    if let Some(c) = tx.diff_cache(u.id)? {
        if c.generation == tx.roster_generation(u.insurer_id)? {
            return Ok(DiffAnswer::Page(page(tx, u, &c, q)?));
        }
    }
    Ok(DiffAnswer::Computed(compute(tx, u, now)?))
}

/// Keep a computed diff and answer the page from the cache. The caller checked, in this
/// write transaction, that the upload is still unapplied: an applied upload's chunks and
/// cache go, and a cache stored after that would point at nothing.
///
/// The roster may have moved since the read transaction computed `fresh`; a page built
/// from it now would read members as they are now against entries computed before. So the
/// kept diff must be of the current generation: another request's if it already kept one,
/// else `fresh`, else one computed again here (holding the writer, but only after a roster
/// write raced this request).
pub(crate) fn store_and_page(
    tx: &mut dyn Tx,
    u: &UploadRow,
    q: &RosterDiffQuery,
    fresh: FreshDiff,
) -> ApiResult<RosterDiffView> {
    let current = tx.roster_generation(u.insurer_id)?;
    let cache = match tx.diff_cache(u.id)? {
        Some(kept) if kept.generation == current => kept,
        _ => {
            let fresh = if fresh.cache.generation == current {
                fresh
            } else {
                compute(tx, u, fresh.cache.computed_at)?
            };
            tx.put_diff_cache(&fresh.cache, &fresh.runs)?;
            fresh.cache
        }
    };
    page(tx, u, &cache, q)
}

fn page(
    tx: &mut dyn Tx,
    u: &UploadRow,
    c: &DiffCacheRow,
    q: &RosterDiffQuery,
) -> ApiResult<RosterDiffView> {
    let (offset, limit) = window(q)?;
    let counts = RosterDiffCounts {
        added: c.added,
        changed: c.changed,
        lost: c.lost,
        unchanged: c.unchanged,
        duplicates: c.duplicates,
    };
    let total = match q.kind {
        None => c.added + c.changed + c.lost + c.unchanged,
        Some(RosterDiffKind::Added) => c.added,
        Some(RosterDiffKind::Changed) => c.changed,
        Some(RosterDiffKind::Lost) => c.lost,
        Some(RosterDiffKind::Unchanged) => c.unchanged,
    };
    let (from, to) = (offset, offset.saturating_add(limit).min(total));
    let mut entries = Vec::new();
    if from < to {
        let kind = q.kind.map(kind_name);
        let runs = tx.diff_runs(u.id, kind, from, to)?;
        entries = views(tx, u.id, &runs, kind.is_some(), from, to)?;
    }
    Ok(RosterDiffView {
        upload_id: u.id,
        counts,
        kind: q.kind,
        total,
        offset,
        limit,
        entries,
    })
}

/// The views of entries `from..to`, rebuilt from the runs covering them: file rows are
/// decoded from their chunks (each chunk once, only the rows shown), central members read
/// by id, and field changes recomputed by `kencom_roster::RosterDiff` from both rows.
fn views(
    tx: &mut dyn Tx,
    upload_id: i64,
    runs: &[DiffRun],
    by_kind: bool,
    from: i64,
    to: i64,
) -> ApiResult<Vec<RosterDiffEntryView>> {
    // (run, row in its chunk) of every entry shown, in order.
    let mut slices = Vec::new();
    let mut wanted: BTreeMap<i64, BTreeSet<usize>> = BTreeMap::new();
    for run in runs {
        let start = if by_kind { run.kind_seq } else { run.seq };
        for k in from.max(start)..to.min(start + run.len) {
            let chunk_row = run.chunk_row.map(|r| r + (k - start));
            if let (Some(chunk), Some(row)) = (run.chunk_seq, chunk_row) {
                wanted.entry(chunk).or_default().insert(row as usize);
            }
            slices.push((run, chunk_row));
        }
    }
    let mut file_rows: HashMap<(i64, i64), FileRow> = HashMap::new();
    for (chunk, want) in &wanted {
        let body = match tx.chunk_bodies(upload_id, *chunk, 1)?.pop() {
            Some((seq, body)) if seq == *chunk => body,
            _ => return Err(ApiError::internal("diff cache without its chunk")),
        };
        let mut de = serde_json::Deserializer::from_slice(&body);
        let picked = Pick(want)
            .deserialize(&mut de)
            .and_then(|p| de.end().map(|()| p))
            .map_err(|_| ApiError::internal("stored chunk unreadable"))?;
        for (i, w) in picked {
            file_rows.insert((*chunk, i as i64), from_wire_owned(i, w)?);
        }
    }
    let mut out = Vec::with_capacity(slices.len());
    for (run, chunk_row) in slices {
        let file_row = match (run.chunk_seq, chunk_row) {
            (Some(c), Some(r)) => Some(
                file_rows
                    .get(&(c, r))
                    .ok_or_else(|| ApiError::internal("diff cache row missing"))?,
            ),
            _ => None,
        };
        let central = match run.member_id {
            Some(id) => Some(
                tx.get_member(&Scope::All, id)?
                    .and_then(|m| from_store(&m))
                    .ok_or_else(|| ApiError::internal("diff cache member missing"))?,
            ),
            None => None,
        };
        out.push(view(run.kind, file_row, central)?);
    }
    Ok(out)
}

/// One entry's view, as the full diff would have given it.
fn view(
    kind: &str,
    file_row: Option<&FileRow>,
    central: Option<FileRow>,
) -> ApiResult<RosterDiffEntryView> {
    // The file's names when the entry has a file row (an unchanged row's equal the central
    // ones), the central member's for members absent from the file.
    let (kana_name, kanji_name) = match (file_row, &central) {
        (Some(r), _) | (None, Some(r)) => (r.kana_name.clone(), r.kanji_name.clone()),
        (None, None) => return Err(ApiError::internal("diff cache entry without data")),
    };
    let entry = match (file_row, central) {
        // Changed, or lost by the file's 資格喪失日: the exact comparison of both rows.
        (Some(f), Some(c)) => RosterDiff::new([c]).push(f.clone()),
        (Some(f), None) if kind == ADDED => DiffEntry::Added { row: f.clone() },
        // Identical to the central row, names included, so the file's row shows it.
        (Some(f), None) => DiffEntry::Unchanged { key: f.key() },
        (None, Some(c)) if kind == LOST => DiffEntry::Lost {
            key: c.key(),
            reason: LostReason::Absent,
            changes: Vec::new(),
        },
        (None, Some(c)) => DiffEntry::Unchanged { key: c.key() },
        (None, None) => return Err(ApiError::internal("diff cache entry without data")),
    };
    let (key, changes, lost) = match &entry {
        DiffEntry::Added { row } => (row.key(), &[][..], None),
        DiffEntry::Changed { key, changes, .. } => (key.clone(), &changes[..], None),
        DiffEntry::Lost {
            key,
            reason,
            changes,
        } => (key.clone(), &changes[..], Some(reason)),
        DiffEntry::Unchanged { key } | DiffEntry::DuplicateInFile { key } => {
            (key.clone(), &[][..], None)
        }
    };
    let stored = match &entry {
        DiffEntry::Added { .. } => ADDED,
        DiffEntry::Changed { .. } => CHANGED,
        DiffEntry::Lost { .. } => LOST,
        _ => UNCHANGED,
    };
    if stored != kind {
        // The generation matched, so both rows are what the diff saw: this is a bug.
        return Err(ApiError::internal("diff cache disagrees with its rows"));
    }
    Ok(RosterDiffEntryView {
        kind: match stored {
            ADDED => RosterDiffKind::Added,
            CHANGED => RosterDiffKind::Changed,
            LOST => RosterDiffKind::Lost,
            _ => RosterDiffKind::Unchanged,
        },
        key: key_view(&key),
        kana_name,
        kanji_name,
        changes: changes.iter().map(change_view).collect(),
        lost_reason: lost.map(|r| match r {
            LostReason::Absent => "absent".to_string(),
            LostReason::LostOn(_) => "lost_on".to_string(),
        }),
        lost_on: lost.and_then(|r| match r {
            LostReason::LostOn(d) => Some(format_iso(*d)),
            LostReason::Absent => None,
        }),
    })
}

fn key_view(k: &RowKey) -> RosterKeyView {
    RosterKeyView {
        insurer_number: k.insurer.as_str().to_string(),
        symbol: k.symbol.as_str().to_string(),
        number: k.number.as_str().to_string(),
        branch: k.branch.as_ref().map(|b| b.as_str().to_string()),
    }
}

fn change_view(c: &FieldChange) -> RosterFieldChange {
    RosterFieldChange {
        field: serde_json::to_value(c.field)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        label: c.field.header_ja().to_string(),
        before: c.before.clone(),
        after: c.after.clone(),
    }
}

/// Decodes the rows at the wanted positions of a chunk's JSON array and skips the others
/// without building them (a page shows a few rows of a 2,000-row chunk).
struct Pick<'a>(&'a BTreeSet<usize>);

impl<'de> DeserializeSeed<'de> for Pick<'_> {
    type Value = Vec<(usize, RosterRowWire)>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Pick<'_> {
    type Value = Vec<(usize, RosterRowWire)>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of roster rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(self.0.len());
        for i in 0.. {
            if self.0.contains(&i) {
                match seq.next_element::<RosterRowWire>()? {
                    Some(w) => out.push((i, w)),
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_fold_file_rows_of_one_kind_within_a_chunk() {
        let mut r = Runs::default();
        r.push(UNCHANGED, Some((0, 0)), None);
        r.push(UNCHANGED, Some((0, 1)), None);
        r.push(CHANGED, Some((0, 2)), Some(7));
        r.push(UNCHANGED, Some((0, 3)), None);
        // Row 4 was a duplicate (no entry): the run must not bridge it.
        r.push(UNCHANGED, Some((0, 5)), None);
        r.push(UNCHANGED, Some((1, 0)), None);
        r.push(ADDED, Some((1, 1)), None);
        r.push(ADDED, Some((1, 2)), None);
        r.push(LOST, None, Some(9));
        r.push(LOST, None, Some(10));
        let got: Vec<_> = r
            .runs
            .iter()
            .map(|x| {
                (
                    x.seq,
                    x.kind,
                    x.kind_seq,
                    x.len,
                    x.chunk_seq,
                    x.chunk_row,
                    x.member_id,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (0, UNCHANGED, 0, 2, Some(0), Some(0), None),
                (2, CHANGED, 0, 1, Some(0), Some(2), Some(7)),
                (3, UNCHANGED, 2, 1, Some(0), Some(3), None),
                (4, UNCHANGED, 3, 1, Some(0), Some(5), None),
                (5, UNCHANGED, 4, 1, Some(1), Some(0), None),
                (6, ADDED, 0, 2, Some(1), Some(1), None),
                (8, LOST, 0, 1, None, None, Some(9)),
                (9, LOST, 1, 1, None, None, Some(10)),
            ]
        );
    }

    #[test]
    fn pick_decodes_only_the_wanted_rows() {
        let rows: Vec<RosterRowWire> = (0..5)
            .map(|i| {
                let mut w: RosterRowWire = serde_json::from_value(serde_json::json!({
                    "insurer_number": "06133425", "symbol": "12", "number": format!("{i}"),
                    "branch": "00", "kanji_name": "山田　太郎", "kana_name": "ヤマダタロウ",
                    "sex": "male", "birth_date": "1980-01-02", "relationship": "insured",
                    "relation_name": "本人", "acquired_on": null, "lost_on": null,
                    "voluntary_continuation": false, "special_retiree": false,
                    "postal_code": null, "address": ""
                }))
                .unwrap();
                w.address = format!("住所{i}");
                w
            })
            .collect();
        let body = serde_json::to_vec(&rows).unwrap();
        let want: BTreeSet<usize> = [1, 4].into();
        let mut de = serde_json::Deserializer::from_slice(&body);
        let got = Pick(&want).deserialize(&mut de).unwrap();
        de.end().unwrap();
        let got: Vec<(usize, String)> = got.into_iter().map(|(i, w)| (i, w.address)).collect();
        assert_eq!(got, [(1, "住所1".to_string()), (4, "住所4".to_string())]);
    }
}
