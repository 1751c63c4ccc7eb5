//! The roster diff behind 名簿連携's diff and apply: the upload streamed against a compact
//! index of the insurer's central roster, and the diff of an upload computed once and kept
//! in the store (migration 0007) so that paging through it is a range seek.
//!
//! Why it exists: the diff used to be recomputed from a full in-memory snapshot (~1.5 KB a
//! row) for every page the admin browsed — ~10 s and ~2.3 GB per page at 1,000,000 rows.
//! The index keeps per central key only the row id, a 128-bit fingerprint of the compared
//! fields and three flags; field changes are recomputed exactly from the two rows, and
//! only for the entries a page shows.
//!
//! What it must not do: copy personal data into the cache (a cached entry says *where* its
//! data lives — a chunk row, a member id — never the data) or into logs; serve a diff
//! computed against a roster that has since changed (the cache carries the insurer's roster
//! generation, which every roster write bumps in its own transaction).

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasher;

use chrono::NaiveDate;
use kencom_api::roster::*;
use kencom_domain::{CardBranch, CardNumber, CardSymbol, InsurerNumber};
use kencom_roster::{
    DiffCounts, DiffEntry, FieldChange, LostReason, Relationship, RosterDiff, RosterRow as FileRow,
    RowKey, Sex,
};
use serde::de::{DeserializeSeed, IgnoredAny, SeqAccess, Visitor};

use crate::clock::Millis;
use crate::error::{ApiError, ApiResult};
use crate::flows::roster_sync::{format_iso, from_wire_owned, parse_iso};
use crate::store::roster::RosterRow as StoreRow;
use crate::store::roster_sync::{DiffCacheRow, DiffRun, RosterRowRef, UploadRow};
use crate::store::{Scope, Tx};

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
fn from_store(m: &StoreRow) -> Option<FileRow> {
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
