//! Roster sync (名簿連携) wire types: the chunked, resumable upload of a parsed roster, the diff
//! against the central roster, the apply result (a sync history entry) and the per-insurer sync
//! status. The desk parses and validates the file with `kencom-roster` and sends normalised
//! rows ([`RosterRowWire`]); the server re-checks every identifier with the domain rules.
//! These are an insurer's own roster data, so identifiers are NOT masked here.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Largest number of rows in one chunk.
pub const MAX_CHUNK_ROWS: usize = 2000;

/// 性別 on the wire.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RosterSex {
    /// 男.
    Male,
    /// 女.
    Female,
}

/// 本人家族区分 on the wire.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RosterRelationship {
    /// 本人 (被保険者).
    Insured,
    /// 家族 (被扶養者).
    Dependent,
}

/// One validated roster row, normalised by the desk (`kencom_roster::RosterRow` field for
/// field; dates ISO `YYYY-MM-DD`). Text is sent as the file wrote it, never folded.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterRowWire {
    /// 保険者番号 (8 digits, check digit verified by the server too).
    #[schema(max_length = 20)]
    pub insurer_number: String,
    /// 記号 (may be empty).
    #[serde(default)]
    #[schema(max_length = 40)]
    pub symbol: String,
    /// 番号, leading zeros kept.
    #[schema(max_length = 40)]
    pub number: String,
    /// 枝番 (2 digits), absent in old rosters.
    #[serde(default)]
    #[schema(max_length = 10)]
    pub branch: Option<String>,
    /// 漢字氏名 as written.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub kanji_name: String,
    /// カナ氏名 as written (full-width katakana).
    #[schema(max_length = 100)]
    pub kana_name: String,
    /// 性別.
    #[serde(default)]
    pub sex: Option<RosterSex>,
    /// 生年月日, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub birth_date: String,
    /// 本人家族区分.
    pub relationship: RosterRelationship,
    /// 続柄 as written.
    #[serde(default)]
    #[schema(max_length = 40)]
    pub relation_name: String,
    /// 資格取得日, `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub acquired_on: Option<String>,
    /// 資格喪失日, `YYYY-MM-DD`.
    #[serde(default)]
    #[schema(format = Date)]
    pub lost_on: Option<String>,
    /// 任意継続.
    #[serde(default)]
    pub voluntary_continuation: bool,
    /// 特例退職.
    #[serde(default)]
    pub special_retiree: bool,
    /// 郵便番号, 7 digits.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{7}$")]
    pub postal_code: Option<String>,
    /// 住所 as written.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub address: String,
}

/// Rows the desk's validator rejected, by stable code (`ROSTER_…`).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RejectedCount {
    /// Stable reason code.
    #[schema(min_length = 1, max_length = 60)]
    pub code: String,
    /// Rows rejected for it (≥ 0).
    #[schema(minimum = 0)]
    pub count: i64,
}

/// Start (or resume) an upload of one roster file.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterUploadRequest {
    /// The file's name as the admin picked it.
    #[schema(min_length = 1, max_length = 255)]
    pub file_name: String,
    /// The file's encoding (`utf8`, `shift_jis`).
    #[schema(min_length = 1, max_length = 20)]
    pub encoding: String,
    /// Valid rows that will be sent (0 allowed for an empty full roster).
    #[schema(minimum = 0, maximum = 10_000_000)]
    pub total_rows: i64,
    /// SHA-256 of the file's bytes (lowercase hex): the same file resumes the same upload.
    #[schema(pattern = r"^[0-9a-f]{64}$")]
    pub content_hash: String,
    /// A full roster: members absent from it lose qualification (default true).
    #[serde(default = "yes")]
    pub full: bool,
    /// Rows the desk's validator rejected, by reason.
    #[serde(default)]
    #[schema(max_items = 200)]
    pub rejected: Vec<RejectedCount>,
}

fn yes() -> bool {
    true
}

/// An upload and where to resume it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterUploadView {
    /// Upload id.
    pub id: i64,
    /// Insurer.
    pub insurer_id: i64,
    /// File name.
    pub file_name: String,
    /// Encoding.
    pub encoding: String,
    /// Rows announced.
    pub total_rows: i64,
    /// SHA-256 of the file.
    pub content_hash: String,
    /// Full roster.
    pub full: bool,
    /// Rows rejected by the desk's validator.
    pub rejected: Vec<RejectedCount>,
    /// Chunk numbers received (0-based, ascending).
    pub received_chunks: Vec<i64>,
    /// Rows received so far.
    pub received_rows: i64,
    /// The first chunk number not yet received: where to resume.
    pub next_chunk: i64,
    /// Every announced row has arrived in contiguous chunks: it may be diffed and applied.
    pub complete: bool,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, once applied.
    pub applied_at: Option<String>,
    /// The sync history entry, once applied.
    pub sync_id: Option<i64>,
}

/// One chunk of rows.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterChunkRequest {
    /// 1–2000 rows (an empty list is refused).
    #[schema(max_items = 2000)]
    pub rows: Vec<RosterRowWire>,
}

/// A chunk was stored (or was already stored with the same rows).
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterChunkAck {
    /// Chunk number.
    pub seq: i64,
    /// Rows in it.
    pub rows: i64,
    /// The same chunk had already been received: nothing changed.
    pub replayed: bool,
    /// The upload after this chunk.
    pub upload: RosterUploadView,
}

/// Which diff entries to list.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RosterDiffKind {
    /// 追加.
    Added,
    /// 変更.
    Changed,
    /// 資格喪失.
    Lost,
    /// 変更なし.
    Unchanged,
}

/// Page of a diff.
#[derive(Clone, Debug, Default, Serialize, Deserialize, IntoParams, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[into_params(parameter_in = Query)]
pub struct RosterDiffQuery {
    /// Entries of this kind only (all kinds when absent).
    pub kind: Option<RosterDiffKind>,
    /// Entries to skip (≥ 0).
    #[param(minimum = 0)]
    pub offset: Option<i64>,
    /// Page size (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// Counts per diff outcome.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterDiffCounts {
    /// New members.
    pub added: i64,
    /// Members whose fields change.
    pub changed: i64,
    /// Members losing qualification.
    pub lost: i64,
    /// Members unchanged.
    pub unchanged: i64,
    /// File rows repeating a key (ignored).
    pub duplicates: i64,
}

/// 保険者番号 + 記号 + 番号 + 枝番.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterKeyView {
    /// 保険者番号.
    pub insurer_number: String,
    /// 記号.
    pub symbol: String,
    /// 番号.
    pub number: String,
    /// 枝番.
    pub branch: Option<String>,
}

/// One field that differs.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterFieldChange {
    /// Field id (`kana_name`, `address`, …).
    pub field: String,
    /// Japanese header (カナ氏名, 住所, …).
    pub label: String,
    /// Central value (standard-layout text).
    pub before: String,
    /// File value.
    pub after: String,
}

/// One diff entry.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterDiffEntryView {
    /// Outcome.
    pub kind: RosterDiffKind,
    /// The member's key.
    pub key: RosterKeyView,
    /// カナ氏名 (file's, or central's for members absent from the file).
    pub kana_name: String,
    /// 漢字氏名 likewise.
    pub kanji_name: String,
    /// Field changes (changed, and lost with other differences).
    pub changes: Vec<RosterFieldChange>,
    /// For lost: `absent` (not in a full roster) or `lost_on` (the file gives 資格喪失日).
    pub lost_reason: Option<String>,
    /// For lost: the 資格喪失日 that will be set.
    pub lost_on: Option<String>,
}

/// Counts and one page of entries.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterDiffView {
    /// Upload.
    pub upload_id: i64,
    /// Counts over the whole diff.
    pub counts: RosterDiffCounts,
    /// Filter used.
    pub kind: Option<RosterDiffKind>,
    /// Entries matching the filter.
    pub total: i64,
    /// Offset used.
    pub offset: i64,
    /// Limit used.
    pub limit: i64,
    /// The page.
    pub entries: Vec<RosterDiffEntryView>,
}

/// One applied roster: a sync history entry.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RosterSyncView {
    /// Sync id.
    pub id: i64,
    /// Insurer.
    pub insurer_id: i64,
    /// Upload applied.
    pub upload_id: i64,
    /// Operator who applied it.
    pub operator_id: i64,
    /// RFC 3339.
    pub applied_at: String,
    /// File name.
    pub file_name: String,
    /// Valid rows in the file.
    pub total_rows: i64,
    /// Rows the desk rejected.
    pub rejected_rows: i64,
    /// Outcome counts.
    pub counts: RosterDiffCounts,
    /// Qualified members after the sync.
    pub roster_size: i64,
}

/// Reason + count.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReasonCount {
    /// Stable code.
    pub code: String,
    /// Japanese label.
    pub label: String,
    /// Count.
    pub count: i64,
}

/// Registration attempts that matched no roster row, grouped by the likely roster gap.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GapGroup {
    /// Stable code (`name_small_kana`, `name_half_width`, `birth_date_differs`, …).
    pub code: String,
    /// Japanese label.
    pub label: String,
    /// Failed attempts.
    pub attempts: i64,
    /// Distinct member accounts behind them.
    pub accounts: i64,
    /// Accounts still not registered.
    pub unresolved_accounts: i64,
}

/// A member whose qualification began recently.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewMemberView {
    /// Roster member id.
    pub member_id: i64,
    /// カナ氏名.
    pub name_kana: String,
    /// 資格取得日.
    pub qualified_on: String,
    /// Has reached the portal.
    pub synced: bool,
}

/// One day of the chart.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatusPoint {
    /// `YYYY-MM-DD` (JST).
    pub date: String,
    /// Qualified members after the last sync on or before that day (None before the first).
    pub roster_size: Option<i64>,
    /// Registration attempts that matched no roster row that day.
    pub failed_attempts: i64,
}

/// 連携状況 of one insurer.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatusView {
    /// Insurer.
    pub insurer_id: i64,
    /// Name.
    pub insurer_name: String,
    /// The latest sync.
    pub last_sync: Option<RosterSyncView>,
    /// Qualified members now.
    pub roster_size: i64,
    /// Rows rejected by reason in the latest applied upload.
    pub rejected_by_reason: Vec<ReasonCount>,
    /// Members whose qualification began less than two months ago.
    pub new_members: i64,
    /// The first 50 of them, newest first.
    pub new_member_list: Vec<NewMemberView>,
    /// Failed registration attempts (last 90 days) by likely gap.
    pub unmatched_attempts: Vec<GapGroup>,
    /// The last 90 days, oldest first.
    pub series: Vec<SyncStatusPoint>,
}

/// One line of the all-insurers summary.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatusSummary {
    /// Insurer.
    pub insurer_id: i64,
    /// Name.
    pub insurer_name: String,
    /// RFC 3339 of the latest sync.
    pub last_sync_at: Option<String>,
    /// Qualified members now.
    pub roster_size: i64,
    /// Rows rejected in the latest applied upload.
    pub rejected_rows: i64,
    /// Members whose qualification began less than two months ago.
    pub new_members: i64,
    /// Failed registration attempts (last 90 days) that matched no roster row.
    pub unmatched_attempts: i64,
}
