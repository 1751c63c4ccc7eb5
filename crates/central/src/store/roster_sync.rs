//! Roster sync storage: uploads and their chunks, the cached diff of an upload, the sync
//! history, bulk loading of roster rows, and the read models behind the sync status
//! (qualified counts, new members, failed registration attempts of an insurer).

use super::roster::RosterRow;
use super::{Scope, StoreResult};
use crate::clock::Millis;

/// An upload of one roster file.
#[derive(Clone, Debug)]
pub struct UploadRow {
    pub id: i64,
    pub insurer_id: i64,
    pub operator_id: i64,
    pub file_name: String,
    pub encoding: String,
    pub total_rows: i64,
    pub content_hash: String,
    pub full_roster: bool,
    /// JSON `[{code, count}]`.
    pub rejected: String,
    pub created_at: Millis,
    pub applied_at: Option<Millis>,
    pub sync_id: Option<i64>,
}

/// A received chunk, without its rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChunkMeta {
    pub seq: i64,
    pub rows: i64,
    pub body_hash: String,
}

/// A sync history entry.
#[derive(Clone, Debug, Default)]
pub struct SyncRow {
    pub id: i64,
    pub insurer_id: i64,
    pub upload_id: i64,
    pub operator_id: i64,
    pub applied_at: Millis,
    pub file_name: String,
    pub total_rows: i64,
    pub rejected_rows: i64,
    pub added: i64,
    pub changed: i64,
    pub lost: i64,
    pub unchanged: i64,
    pub duplicates: i64,
    pub roster_size: i64,
}

/// The header of an upload's cached diff (migration 0007): the roster generation it was
/// computed against, when, and its counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DiffCacheRow {
    pub upload_id: i64,
    pub generation: i64,
    pub computed_at: Millis,
    pub added: i64,
    pub changed: i64,
    pub lost: i64,
    pub unchanged: i64,
    pub duplicates: i64,
}

/// `len` consecutive diff entries of one kind and where their data lives: file rows
/// `chunk_row..chunk_row + len` of chunk `chunk_seq`, and/or one central member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffRun {
    /// Position of the first entry among all entries.
    pub seq: i64,
    /// `added`, `changed`, `lost` or `unchanged`.
    pub kind: &'static str,
    /// Position of the first entry among the entries of its kind.
    pub kind_seq: i64,
    pub len: i64,
    pub chunk_seq: Option<i64>,
    pub chunk_row: Option<i64>,
    pub member_id: Option<i64>,
}

/// A stored roster row's columns borrowed from the statement reading it: a scan that keeps
/// nothing of the rows (the diff's index) need not copy 18 texts of a million rows.
#[derive(Clone, Copy, Debug)]
pub struct RosterRowRef<'a> {
    pub id: i64,
    pub insurer_number: &'a str,
    pub card_symbol: &'a str,
    pub card_number: &'a str,
    pub branch: &'a str,
    pub name_kanji: &'a str,
    pub name_kana: &'a str,
    pub birth_date: &'a str,
    pub sex: &'a str,
    pub relation: &'a str,
    pub voluntary_continuation: bool,
    pub special_retiree: bool,
    pub qualified_on: &'a str,
    pub disqualified_on: Option<&'a str>,
    pub synced: bool,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub relation_name: &'a str,
}

impl RosterRow {
    /// The row's columns, borrowed.
    pub fn borrowed(&self) -> RosterRowRef<'_> {
        RosterRowRef {
            id: self.id,
            insurer_number: &self.insurer_number,
            card_symbol: &self.card_symbol,
            card_number: &self.card_number,
            branch: &self.branch,
            name_kanji: &self.name_kanji,
            name_kana: &self.name_kana,
            birth_date: &self.birth_date,
            sex: &self.sex,
            relation: &self.relation,
            voluntary_continuation: self.voluntary_continuation,
            special_retiree: self.special_retiree,
            qualified_on: &self.qualified_on,
            disqualified_on: self.disqualified_on.as_deref(),
            synced: self.synced_at.is_some(),
            postal_code: &self.postal_code,
            address: &self.address,
            relation_name: &self.relation_name,
        }
    }
}

/// The kinds a run may have, as stored.
pub const DIFF_KINDS: [&str; 4] = ["added", "changed", "lost", "unchanged"];

/// A failed eligibility attempt aimed at an insurer, with what classifying it needs.
#[derive(Clone, Debug)]
pub struct FailedAttempt {
    pub at: Millis,
    pub account_id: i64,
    pub outcome: String,
    pub raw_name: String,
    /// The roster row the attempt came closest to, when the flow found one.
    pub member_kana: Option<String>,
    pub account_state: String,
}

/// Roster sync storage.
pub trait RosterSyncRepo {
    /// The unfinished upload of this file for this insurer, if any.
    fn open_upload_by_hash(
        &mut self,
        insurer_id: i64,
        hash: &str,
    ) -> StoreResult<Option<UploadRow>>;
    /// Create an upload; returns its id.
    fn insert_upload(&mut self, u: &UploadRow) -> StoreResult<i64>;
    /// One upload, if in scope.
    fn get_upload(&mut self, scope: &Scope, id: i64) -> StoreResult<Option<UploadRow>>;
    /// The latest applied upload of an insurer.
    fn last_applied_upload(&mut self, insurer_id: i64) -> StoreResult<Option<UploadRow>>;
    /// Chunks received, by seq.
    fn upload_chunks(&mut self, upload_id: i64) -> StoreResult<Vec<ChunkMeta>>;
    /// One chunk's metadata.
    fn chunk_meta(&mut self, upload_id: i64, seq: i64) -> StoreResult<Option<ChunkMeta>>;
    /// Store a chunk.
    fn insert_chunk(&mut self, upload_id: i64, c: &ChunkMeta, body: &[u8]) -> StoreResult<()>;
    /// Bodies of chunks with seq ≥ `from`, ascending, at most `limit`.
    fn chunk_bodies(
        &mut self,
        upload_id: i64,
        from: i64,
        limit: i64,
    ) -> StoreResult<Vec<(i64, Vec<u8>)>>;
    /// Drop an applied upload's chunks, and its cached diff with them (the runs point into
    /// the chunks).
    fn delete_chunks(&mut self, upload_id: i64) -> StoreResult<()>;
    /// The roster generation of an insurer: bumped by every write to its roster rows.
    fn roster_generation(&mut self, insurer_id: i64) -> StoreResult<i64>;
    /// The cached diff's header of an upload, if one was stored.
    fn diff_cache(&mut self, upload_id: i64) -> StoreResult<Option<DiffCacheRow>>;
    /// The cached runs overlapping entries `from..to`, by position among all entries
    /// (`kind` `None`) or among the entries of `kind`; ascending.
    fn diff_runs(
        &mut self,
        upload_id: i64,
        kind: Option<&str>,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<DiffRun>>;
    /// Replace the upload's cached diff.
    fn put_diff_cache(&mut self, c: &DiffCacheRow, runs: &[DiffRun]) -> StoreResult<()>;
    /// Record the sync and mark the upload applied.
    fn record_sync(&mut self, s: &SyncRow) -> StoreResult<i64>;
    /// One sync entry.
    fn get_sync(&mut self, id: i64) -> StoreResult<Option<SyncRow>>;
    /// An insurer's syncs applied at or after `since` plus the last one before it, newest first.
    fn syncs_since(&mut self, insurer_id: i64, since: Millis) -> StoreResult<Vec<SyncRow>>;
    /// An insurer's syncs, newest first.
    fn syncs(&mut self, insurer_id: i64, limit: i64) -> StoreResult<Vec<SyncRow>>;

    /// Every roster row of an insurer, by id, each handed to `f` borrowed.
    fn scan_insurer_members(
        &mut self,
        insurer_id: i64,
        f: &mut dyn FnMut(&RosterRowRef<'_>),
    ) -> StoreResult<()>;
    /// An insurer's roster rows with id > `after`, by id (snapshot paging).
    fn insurer_members_after(
        &mut self,
        insurer_id: i64,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<RosterRow>>;
    /// Rewrite every field of a roster row but its id and insurer.
    fn update_roster_member(&mut self, m: &RosterRow) -> StoreResult<()>;
    /// Set 資格喪失日.
    fn set_disqualified(&mut self, member_id: i64, on: &str, synced_at: Millis) -> StoreResult<()>;
    /// Rows in the roster table (all insurers): sizes the bulk-load decision.
    fn roster_table_rows(&mut self) -> StoreResult<i64>;
    /// Suspend per-row index maintenance of the roster table for a large load inside this
    /// transaction; returns a token for [`RosterSyncRepo::end_bulk_load`]. Readers on other
    /// connections keep their snapshot, so they never see the table without its indexes.
    fn begin_bulk_load(&mut self) -> StoreResult<BulkLoad>;
    /// Rebuild what `begin_bulk_load` suspended (indexes sorted in one pass).
    fn end_bulk_load(&mut self, b: BulkLoad) -> StoreResult<()>;

    /// Members qualified on `today` (no 資格喪失日, or one after today).
    fn qualified_count(&mut self, insurer_id: i64, today: &str) -> StoreResult<i64>;
    /// Members qualified on or after `since` (and still qualified), newest first: count + page.
    fn new_members(
        &mut self,
        insurer_id: i64,
        since: &str,
        today: &str,
        limit: i64,
    ) -> StoreResult<(i64, Vec<RosterRow>)>;
    /// Failed eligibility attempts since `since` with an outcome in `outcomes`, aimed at the
    /// insurer owning `numbers`: typed with one of them, or (`unknown_insurer`) with a 番号
    /// that is on that insurer's roster.
    fn failed_attempts(
        &mut self,
        numbers: &[String],
        outcomes: &[&str],
        since: Millis,
    ) -> StoreResult<Vec<FailedAttempt>>;
}

/// What a bulk load suspended.
#[derive(Debug)]
pub struct BulkLoad {
    /// Highest roster id before the load: rows above it are new.
    pub max_id_before: i64,
    /// (name, CREATE statement) of each suspended index or trigger, in creation order.
    pub suspended: Vec<(String, String)>,
}
